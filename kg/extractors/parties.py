"""The parties of a deal named without a legal-form word (甲乙收购丙丁, 甲乙与丙丁签署合作协议).

Financial news names listed companies by their short names (two to six characters, often a word
jieba does not know, or split into single characters). Such a name carries no suffix for suffix@1;
what shows it is an organization is its place in a deal: the buyer and the target of 收购, the two
sides of 与…合作. This extractor proposes a Company for the run of name-like words right before or
after a deal verb, with a low confidence, so that any other extractor's reading of the same text wins.
"""
from __future__ import annotations

import re

from kg.extractors.base import CJK, CLAUSE_END, FIRM_WORDS, Resources, bad_name_start, mention, token_index
from kg.extractors.companies import INDUSTRY
from kg.extractors.suffix import GENERIC, STOP, _place_word, fragment
from kg.textscan import scanning
from kg.types import Document, Mention

NAME = "parties@1"

#: Verbs whose subject and object are both organizations.
DEALS = frozenset("""收购 并购 兼并 入股 增持 减持 参股 注资 增资 联姻 携手 联手 牵手 合资 重组 受让 借壳 入主
接盘 竞购 控股 要约收购 吸收合并""".split())
#: Verbs of signing (甲乙与丙丁签署协议): their subject and partner are organizations, their object a document.
SIGNS = frozenset("签署 签订".split())
#: Words whose subject is an organization (甲乙大股东, 甲乙旗下, 甲乙董事长): no object is read after them,
#: except after 旗下, whose object is the organization's own business (甲乙旗下丙丁).
HOLDERS = frozenset("""大股东 控股股东 股东 旗下 子公司 全资子公司 控股子公司 董事长 总裁 董事会 股价 股票 董秘
注册资本""".split())
#: Marks of a listed company under special treatment (ST甲乙, *ST甲乙): the name follows.
LISTED = frozenset(("ST", "*ST", "S*ST"))
#: 战略投资: read for its object only (甲乙投资 is also a company's name: 华宝|投资).
INVESTS = "投资"
_STARTS = LISTED | DEALS | HOLDERS | SIGNS | {INVESTS}
#: Words between a subject and its deal verb (甲乙拟收购, 甲乙已完成收购).
AUXILIARIES = frozenset("拟 将 已 已经 宣布 计划 正式 成功 完成 刚 刚刚 再次 继续 全面 或 欲 有意 又 也 还 首次 近日 日前 "
                        "今日 昨日 曾 正 正在 将要 有望 第一 第二 第三 第四 第五 的 大".split())
#: Words after a deal verb before its object (收购了甲乙).
OBJECT_OPENERS = frozenset("了 对 其".split())
#: Tags jieba gives to names it knows (proper nouns, organizations, abbreviations, places, brands).
PROPER = frozenset(("nz", "nt", "j", "nrt", "ns", "x"))
MAX_PIECES = 4
MAX_CHARS = 8
HAN = re.compile(f"[{CJK}]+")
#: Characters that open or close a clause rather than a name.
FUNCTION_CHARS = frozenset("因由为被未不没非把将从向对于与和及或在已也都就却并且而了的着过")
#: Auxiliaries jieba may glue to the end of an unknown name before its verb.
GLUED = frozenset("拟将已欲曾")
PARTNERS = frozenset("与 和 同 及".split())


def _piece(tokens, k: int, res: Resources) -> bool:
    """True when token ``k`` can be part of a short company name."""
    word = tokens[k].text
    if word in STOP or word in GENERIC or word in LISTED or word in DEALS or word in AUXILIARIES or word in CLAUSE_END:
        return False
    if fragment(tokens, k):
        return True
    if not HAN.fullmatch(word) and not word.isalpha():
        return False
    if word.isascii():
        return word[:1].isupper()
    return res.segmenter.pos(word) in PROPER or not res.segmenter.in_dictionary(word) or word in INDUSTRY


def _opening_word(tokens, k: int, res: Resources) -> bool:
    """True when token ``k`` is a two-character noun or adjective that opens its clause."""
    word = tokens[k].text
    return len(word) == 2 and res.segmenter.pos(word) in ("n", "a", "nz") and word not in STOP \
        and word not in GENERIC and (k == 0 or tokens[k - 1].text in CLAUSE_END or tokens[k - 1].text in STOP)


def _name(doc: Document, res: Resources, first: int, last: int, listed: bool = False,
          financial: bool = False) -> Mention | None:
    """A Company (``financial``: a FinancialInstitution) over tokens ``first..last`` when they read as a short name."""
    tokens = doc.tokens
    words = [t.text for t in tokens[first:last + 1]]
    trim = 0
    if len(words[-1]) >= 3 and words[-1][-1] in GLUED and not res.segmenter.in_dictionary(words[-1]):
        trim, words[-1] = 1, words[-1][:-1]  # 远拓拟|收购: jieba glued the auxiliary to the unknown name
    elif len(words[-1]) >= 3 and words[-1].endswith("大") and last + 1 < len(tokens) and tokens[last + 1].text == "股东":
        trim, words[-1] = 1, words[-1][:-1]  # 蓝川大|股东: the 大 of 大股东
    core = [w for k, w in zip(range(first, last + 1), words) if w not in INDUSTRY and not _place_word(w, res)]
    text = "".join(words)
    if text[0] in FUNCTION_CHARS or text[-1] in FUNCTION_CHARS:
        return None  # 因未增资: a clause that jieba left unknown, not a name
    if not (core or listed) or not 2 <= len(text) <= MAX_CHARS or words[-1] in INDUSTRY and len(words) == 1:
        return None
    if bad_name_start(words[0], res.segmenter, res.lexicon) and not fragment(tokens, first):
        return None
    if text in res.lexicon.by_surface or any(w in res.lexicon.by_surface for w in words[_opening_place(words, res):]):
        return None  # a known name: the gazetteer reads it (a place may open the name: 江苏|联鑫)
    if res.segmenter.pos(text) == "nr" or any(res.segmenter.pos(w) in ("nr", "nrfg") for w in words):
        return None  # a person
    cls = "FinancialInstitution" if financial else "Company"
    return mention(doc, tokens[first].start, tokens[last].end - trim, cls, NAME, 0.5)


#: Lines of business that end a financial firm's short name but are verbs or nouns by themselves (青禾|支付).
FINANCIAL_TAILS = (("支付",), ("消费", "金融"), ("金融",))


def _financial_tail(tokens, k: int, ending: bool = False) -> int:
    """How many tokens from ``k`` on (``ending``: up to ``k``) are a financial line of business that ends a
    name (收购青禾|支付, 青禾|支付|注册资本), or 0."""
    for tail in FINANCIAL_TAILS:
        start = k + 1 - len(tail) if ending else k
        if start >= 0 and tuple(t.text for t in tokens[start:start + len(tail)]) == tail:
            return len(tail)
    return 0


def _partner_before(tokens, k: int, res: Resources) -> int:
    """The index of the 与/和 that opens a partner's name of a few words ending at ``k`` in a word that
    makes it a firm's (甲乙|信托, a known name), or -1."""
    if tokens[k].text not in GENERIC and tokens[k].text not in INDUSTRY and tokens[k].text not in res.lexicon.by_surface:
        return -1
    for first in range(k - 1, max(-1, k - MAX_PIECES - 1), -1):
        word = tokens[first].text
        if word in PARTNERS:
            return first if first < k else -1
        if word in STOP or word in CLAUSE_END or not HAN.fullmatch(word):
            return -1
    return -1


def _opening_place(words: list[str], res: Resources) -> int:
    """1 when the first of several words is a lexicon place (江苏|联鑫, 大连|圣亚), else 0."""
    entry = res.lexicon.by_surface.get(words[0])
    return int(len(words) > 1 and entry is not None and entry.cls == "Place")


#: A listed company's stock code in brackets right after its name (甲乙（600467.SH）, 丙丁(股票代码:300123)).
STOCK_CODE = scanning(re.compile(r"[(（](?:(?:股票|证券)代码[:：]?\s?)?(?:\d{6}(?:\.(?:SH|SZ|BJ|SS))?|\d{4,5}\.HK)[)）]"))


def _code_piece(word: str) -> bool:
    """A word that may be part of the name before a stock code: not a function word, a category (上市) or
    another firm's name or kind (某公司|好当家)."""
    return (bool(HAN.fullmatch(word)) or word.isalpha()) and word not in STOP and word not in CLAUSE_END \
        and word not in GENERIC and not FUNCTION_CHARS.intersection(word) \
        and not word.endswith(FIRM_WORDS + ("控股",))


def _listed_by_code(doc: Document, res: Resources) -> list[Mention]:
    """The short name before a stock code: the words back to the clause's start (at most eight characters)."""
    out, index, tokens = [], token_index(doc), doc.tokens
    for m in STOCK_CODE.finditer(doc.norm):
        if m.start() not in index.end_set:
            continue
        last = index.at(m.start() - 1)
        first = last  # the code vouches for the name: any words (好|当家), up to the clause's start
        while first >= 0 and m.start() - tokens[first].start <= MAX_CHARS and _code_piece(tokens[first].text):
            first -= 1
        if first < last:
            hit = _name(doc, res, first + 1, last, listed=True)
            out += [hit] if hit else []
    return out


def propose(doc: Document, res: Resources) -> list[Mention]:
    tokens, found = doc.tokens, _listed_by_code(doc, res)
    for t in token_index(doc).where(_STARTS):
        tok = tokens[t]
        if tok.text in LISTED or (tok.text == "ST" and t > 0 and tokens[t - 1].text == "*"):
            last = t + 1
            while last < len(tokens) and last - t <= MAX_PIECES and _piece(tokens, last, res):
                last += 1
            hit = _name(doc, res, t + 1, last - 1, listed=True) if last > t + 1 else None
            if hit:
                found.append(hit)
            continue
        invests = tok.text == INVESTS
        if invests and (t == 0 or tokens[t - 1].text != "战略"):
            continue
        if tok.text not in DEALS and tok.text not in HOLDERS and tok.text not in SIGNS and not invests:
            continue
        k = t - 1
        while k >= 0 and tokens[k].text in AUXILIARIES:
            k -= 1
        for _ in range(0 if invests else 2):  # the subject, and before 与 its partner (甲乙与丙丁携手)
            tail = _financial_tail(tokens, k, ending=True)  # 青禾|支付|注册资本
            first = k - tail
            while first >= 0 and k - first < MAX_PIECES and _piece(tokens, first, res):
                first -= 1
            if first < k - tail and first >= 0 and _opening_word(tokens, first, res):
                first -= 1  # 宏图|远拓: a common word opening the clause may open the name
            hit = _name(doc, res, first + 1, k, financial=bool(tail)) if first < k - tail else None
            if hit is None:
                first = _partner_before(tokens, k, res) if tok.text not in HOLDERS else -1
                if first < 1:
                    break  # 甲乙与丙丁银行签署: the partner has a name of its own (suffix@1 reads it)
            else:
                found.append(hit)
            if first < 1 or tokens[first].text not in PARTNERS:
                break
            k = first - 1
        if tok.text in SIGNS or tok.text in HOLDERS and tok.text != "旗下":
            continue
        k = t + 1
        while k < len(tokens) and tokens[k].text in OBJECT_OPENERS:
            k += 1
        last = k
        while last < len(tokens) and last - k < MAX_PIECES and _piece(tokens, last, res):
            last += 1
        if last > k:
            tail = _financial_tail(tokens, last)
            hit = _name(doc, res, k, last - 1 + tail, financial=bool(tail))
            if hit:
                found.append(hit)
    return list({(m.start, m.end): m for m in found}.values())
