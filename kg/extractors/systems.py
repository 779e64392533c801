"""Named systems and platforms built by an organization: 自主研发了安全态势感知平台.

After a build verb (研发 打造 推出 建成 构建 搭建 上线 首创 ...), a noun phrase in the same
clause that ends in 平台/系统/App and is more than a generic word is a Platform. Financial products
named by a new word before their kind (青禾联名信用卡, 青禾成长混合基金, 青禾终身寿险) are FinancialProducts.
"""
from __future__ import annotations

import re

from kg.extractors.base import CJK, FIRM_WORDS, LEAD_WORDS, Resources, bad_name_start, mention, token_index
from kg.types import Document, Mention
from kg.textscan import scanning

NAME = "systems@1"
BUILD_VERBS = "自主研发|创新研发|研发|打造|推出|建成|构建|搭建|上线|投产|发布|释出|开发|首创|建设|升级|推广"
PHRASE = re.compile(
    f"(?:{BUILD_VERBS})(?:了|出|的)?([{CJK}A-Za-z0-9()+\\-、]{{2,40}}?(?:平台|系统|App|APP))"
    # the name ends the phrase, or a word of the clause follows it (甲乙推出的丙丁平台已上线)
    f"(?:(?![{CJK}“\"])|(?=已|将|于|正式|上线|累计|目前|还|也|可|主要))")
#: Leading words that belong to the clause, not to the name.
_LEAD = re.compile(r"^(?:同业首家|首家|首个|全新|一批|一套|一系列|一个|新一代|新的|自主|全球|全行|同业)+")
#: Words that only describe: a name made of these alone is not a name (企业级新技术平台).
GENERIC_PARTS = frozenset("""企业级 新 新技术 技术 平台 系统 一体化 数字化 智能 智能化 综合 服务 金融 线上 统一 开放 业务
管理 应用 数据 数字 全新 新一代 创新 企业 基础 核心 安全 一站式 共享 协同""".split())
GENERIC = frozenset("""平台 系统 技术平台 新平台 一站式平台 业务系统 主机系统 服务平台 线上平台 综合平台 开放平台 管理系统
数字平台 数字化平台 金融平台 信息系统 核心系统 应用系统""".split())


def _generic(doc: Document, start: int, end: int, res: Resources) -> bool:
    """True when a name is only descriptive words and technology names (RPA技术平台)."""
    techs = [(s, e) for s, e, entry in res.lexicon.find(doc.norm[start:end]) if entry.cls == "Technology"]
    index = token_index(doc)
    for tok in doc.tokens[index.at(start):index.at(max(start, end - 1)) + 1]:
        if tok.end <= start or tok.start >= end:
            continue
        inside_tech = any(start + s <= tok.start and tok.end <= start + e for s, e in techs)
        if not (inside_tech or tok.text in GENERIC_PARTS or not re.search(f"[{CJK}]", tok.text)):
            return False
    return True


APP = scanning(re.compile(r"(?<=[\u4e00-\u9fff])(?:App|APP)(?![A-Za-z])"))
APP_STOP_TAGS = ("v", "p", "c", "u", "uj", "d", "r", "m", "q", "f", "t")


def _apps(doc: Document, res: Resources) -> list[Mention]:
    """Names written with an App suffix (数字人民币App), extended left over name-like words."""
    found, tokens = [], doc.tokens
    index = token_index(doc)
    for m in APP.finditer(doc.norm):
        i = index.at(m.start() - 1)
        j = i
        while j >= 0 and i - j < 4 and tokens[j].start >= m.start() - 12:
            word, tag = tokens[j].text, res.segmenter.pos(tokens[j].text)
            # 两大App, 依托App: a function word or verb ends the name; a one-character verb
            # inside it does not (工银兴农通App)
            if not re.fullmatch(f"[{CJK}A-Za-z0-9]+", word) or word[0] in "一二两三四五六七八九十几多每各该这那" or \
                    (tag in APP_STOP_TAGS and (len(word) >= 2 or tag != "v")):
                break
            j -= 1
        start = tokens[j + 1].start if j < i else m.start()
        if m.start() - start >= 2:
            found.append(mention(doc, start, m.end(), "Platform", NAME, 0.7))
    return found


#: A versioned app (手机银行6.0版, App 3.0): the version names one release of a platform.
VERSIONED = scanning(re.compile(r"(?<![A-Za-z])(?:手机银行|App|APP|客户端)\s?\d+(?:\.\d+)+版?|(?:手机银行|App|APP|客户端)\d+版"))
#: An enumeration in one clause (甲乙、丙丁平台、戊己系统；): items between 、 up to a clause end.
ENUM = re.compile(f"[{CJK}A-Za-z0-9]{{2,16}}(?:、[{CJK}A-Za-z0-9]{{2,16}}){{1,8}}(?=[;；。,，\n]|$)")
_COUNTED = re.compile(r"[一二两三四五六七八九十几多\d]+(?:大|个|款|项|类|种|套)")  # 甲、乙两大平台: a head, not an item
RARE_ITEM = 50  # jieba frequency below which a word in a list of platforms may name one
PLATFORM_END = ("平台", "系统", "App", "APP", "客户端", "小程序")


def _opens_item(word: str, res: Resources) -> bool:
    """True for the verb or function word before a list's first item (建有, 拥有, 包括)."""
    return bad_name_start(word, res.segmenter, res.lexicon) or res.segmenter.pos(word)[:1] in ("v", "p", "c", "u")


#: A Latin-script name right after what it is (跨境支付平台StarPay, 开源区块链平台Hyperledger Fabric).
LATIN_AFTER_KIND = scanning(re.compile(r"(?:平台|系统|钱包|框架|App|APP)\s?([A-Z][A-Za-z0-9]+(?:[ .\-][A-Z0-9][A-Za-z0-9]*){0,3})"
                                       r"(?![A-Za-z0-9])"))


#: A platform named at a clause's start and launched there (某银行｜青禾云平台正式上线).
LAUNCHED = scanning(re.compile(f"(?:^|(?<=[\\n|:,;。】]))([{CJK}A-Za-z0-9]{{2,12}}?(?:平台|系统|App|APP))"
                               r"(?:已经|已)?(?:于[^,;。]{1,10}?)?(?:正式|成功|全新|全面)?(?:上线|发布|亮相|投产|开通)"))


def _launched(doc: Document, res: Resources) -> list[Mention]:
    """Platforms that open a clause and are launched in it, named by a new word (青禾云平台正式上线)."""
    found, index, seg = [], token_index(doc), res.segmenter
    for m in LAUNCHED.finditer(doc.norm):
        start, end = m.span(1)
        if not index.aligned(start, end) or _generic(doc, start, end, res):
            continue
        tokens = doc.tokens[index.at(start):index.at(end - 1) + 1]
        if any(seg.pos(t.text) == "x" and len(t.text) >= 2 and re.fullmatch(f"[{CJK}]+", t.text) for t in tokens) \
                and not any(bad_name_start(t.text, seg, res.lexicon) for t in tokens[:1]):
            found.append(mention(doc, start, end, "Platform", NAME, 0.6))
    return found


#: Financial products named by a new word and their kind (青禾联名信用卡, 青禾成长混合基金, 青禾终身寿险).
PRODUCT_KIND = scanning(re.compile(r"(?:联名信用卡|联名卡|信用卡|借记卡|(?:混合|股票|债券|指数|货币)型?基金|终身寿险|重疾险|医疗险|"
                                   r"年金险|意外险|两全保险)(?!中心|部|公司|事业部|经理)"))


#: Verbs that launch a product (its name starts after them).
LAUNCH_VERBS = frozenset(BUILD_VERBS.split("|")) | {"发行", "推", "上新", "首发", "新发"}


def _before_product(word: str, res: Resources) -> bool:
    """True for a word before a product's name: a verb that launches it, a function or role word (a
    product's name may hold other verbs: 青禾|成长|混合基金)."""
    return word in LAUNCH_VERBS or word in LEAD_WORDS or res.segmenter.pos(word)[:1] in ("p", "c", "u", "r", "m", "q") \
        or word.endswith(FIRM_WORDS)  # a firm's name, not the product's


def _products(doc: Document, res: Resources) -> list[Mention]:
    """A product named by the words before its kind (up to the clause's verb), opened by a new word."""
    found, index, seg, tokens = [], token_index(doc), res.segmenter, doc.tokens
    for m in PRODUCT_KIND.finditer(doc.norm):
        if m.start() not in index.start_set or m.start() == 0:
            continue
        k = first = index.at(m.start() - 1)
        while k >= 0 and first - k < 3 and re.fullmatch(f"[{CJK}A-Za-z0-9]+", tokens[k].text) \
                and not _before_product(tokens[k].text, res) and (k == first or not (  # 青禾|成长|混合基金
                    bad_name_start(tokens[k].text, seg, res.lexicon) or seg.pos(tokens[k].text)[:1] == "v")):
            k -= 1
        words = tokens[k + 1:first + 1]
        if words and seg.pos(words[0].text) == "x" and len(words[0].text) >= 2:  # a new word, the brand, opens it
            found.append(mention(doc, words[0].start, m.end(), "FinancialProduct", NAME, 0.6))
    return found


def _latin_after_kind(doc: Document) -> list[Mention]:
    return [mention(doc, m.start(1), m.end(1), "Platform", NAME, 0.65) for m in LATIN_AFTER_KIND.finditer(doc.norm)
            if len(m.group(1)) >= 3]


def _versions(doc: Document) -> list[Mention]:
    return [mention(doc, m.start(), m.end(), "Platform", NAME, 0.65) for m in VERSIONED.finditer(doc.norm)]


#: Clauses: an enumeration (made of name characters and 、) never crosses one's end.
_CLAUSE = re.compile(r"[^;；。,，\n]+")


def _enums(text: str):
    """ENUM's matches, looked for only in the clauses that hold a 、 (each scanned with the mark
    that ends it, so the lookahead sees what it would see in the whole text)."""
    for clause in _CLAUSE.finditer(text):
        if "、" in clause.group():
            yield from ENUM.finditer(text, clause.start(), clause.end() + 1)


def _enumerations(doc: Document, res: Resources) -> list[Mention]:
    """Items of an enumeration most of whose items are platforms (甲乙、丙丁分析平台、戊己平台):
    the short names among them, new words or Latin, are platforms too."""
    found, index = [], token_index(doc)
    for m in _enums(doc.norm):
        items, pos = [], m.start()
        for piece in m.group().split("、"):
            items.append((pos, pos + len(piece)))
            pos += len(piece) + 1
        if "等" in m.group() or "的" in m.group() or _COUNTED.search(m.group()):
            continue  # 甲、乙等平台 is the lists extractor's; 的 opens a description
        ends = [doc.norm[s:e].endswith(PLATFORM_END) for s, e in items]
        if sum(ends) * 2 < len(items) or not any(ends[1:]):
            continue
        for n, ((s, e), is_platform) in enumerate(zip(items, ends)):
            if n == 0:  # the first item starts after the clause's verb (建有甲乙)
                k = index.at(e - 1)
                while k > 0 and doc.tokens[k - 1].start >= s and not _opens_item(doc.tokens[k - 1].text, res):
                    k -= 1
                s = doc.tokens[k].start
            if not index.aligned(s, e):
                continue
            word = doc.norm[s:e]
            if is_platform:
                if len(word) >= 4 and word not in GENERIC and not _generic(doc, s, e, res):
                    found.append(mention(doc, s, e, "Platform", NAME, 0.6))
            elif 2 <= len(word) <= 8 and word not in res.lexicon.by_surface and (
                    res.segmenter.frequency(word) < RARE_ITEM or re.search("[A-Za-z]", word)):
                found.append(mention(doc, s, e, "Platform", NAME, 0.55))
    return found


#: 甲乙推出的丙丁: a name right after a build verb and 的, ended by the clause or a verb of the clause.
MADE = re.compile(f"(?:{BUILD_VERBS})的([{CJK}A-Za-z0-9]{{2,8}}?)(?=[,，;；。、“”\"\n]|已|在|是|将|于|主要|目前|也|还|正|已经|现|可|能|为|自|上线|推出|平台|系统)")
_DESCRIBES_QUOTED = re.compile("(?:平台|系统)[“\"「]")
#: Words of a sentence that are not part of a name (推出的产品, 研发的新技术).
NOT_A_NAME_TAGS = ("v", "vn", "d", "p", "c", "u", "r", "m", "q", "f", "t", "a", "ad", "an")


def _made(doc: Document, res: Resources) -> list[Mention]:
    """甲乙研发的丙丁已…: a made thing named by unknown words or pieces jieba split out (工银|玺|链,
    信|e|链), never by dictionary words alone (推出的产品, 打造的新模式)."""
    found, index, seg = [], token_index(doc), res.segmenter
    for m in MADE.finditer(doc.norm):
        start, end = m.span(1)
        if not index.aligned(start, end) or doc.norm[start:end] in res.lexicon.by_surface \
                or _DESCRIBES_QUOTED.match(doc.norm, end):
            continue  # (研发的智慧风控平台“天眼”: the quoted word is the name, the words before describe it)
        tokens = doc.tokens[index.at(start):index.at(end - 1) + 1]
        tags = [seg.pos(t.text) for t in tokens]
        singles = sum(len(t.text) == 1 for t in tokens)
        new = any(tag == "x" and len(t.text) >= 2 for t, tag in zip(tokens, tags))
        if any(tag.startswith(NOT_A_NAME_TAGS) and len(t.text) >= 2 for t, tag in zip(tokens, tags)) \
                or not (new or singles >= 2) or len(tokens) > 4 or any(t.text.isdigit() for t in tokens):
            continue
        found.append(mention(doc, start, end, "Platform", NAME, 0.55))
    return found


def _conjuncts(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """数据中台和智能风控平台: two named systems joined by 和/及, each a name; otherwise the whole."""
    name = doc.norm[start:end]
    for joint in ("和", "及"):
        cut = name.rfind(joint)
        if cut >= 4 and name[:cut].endswith(("中台", *PLATFORM_END)) and len(name) - cut - 1 >= 4:
            return [(start, start + cut), (start + cut + 1, end)]
    return [(start, end)]


def propose(doc: Document, res: Resources) -> list[Mention]:
    """Platform mentions for named systems that follow a build verb, and for XX App names."""
    text, found = doc.norm, _apps(doc, res) + _versions(doc) + _enumerations(doc, res) + _made(doc, res) \
        + _latin_after_kind(doc) + _launched(doc, res) + _products(doc, res)
    for m in PHRASE.finditer(text):
        start, end = m.span(1)
        name = text[start:end]
        cut = max(name.rfind("的"), name.rfind("了"))
        if cut >= 0:
            start += cut + 1
        lead = _LEAD.match(text[start:end])
        if lead:
            start += lead.end()
        index = token_index(doc)
        k = index.at(start)
        while k < len(doc.tokens) and doc.tokens[k].start == start and doc.tokens[k].end < end \
                and bad_name_start(doc.tokens[k].text, res.segmenter, res.lexicon):
            start = doc.tokens[k].end  # 推出业内首个X平台: 业内 and 首个 describe, they do not name
            k += 1
        name = text[start:end]
        if len(name) < 4 or name in GENERIC or "、" in name or "等" in name:
            continue
        for s, e in _conjuncts(doc, start, end):
            if not _generic(doc, s, e, res) and doc.norm[s:e] not in GENERIC:
                found.append(mention(doc, s, e, "Platform", NAME, 0.7))
    return found
