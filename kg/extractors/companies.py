"""Company names recognized by their form rather than a suffix word, for suffix@1.

A brand and an industry word (万通地产, 青禾基金, 平安人寿), Latin names before a legal form (Acme
Digital Holdings Limited), the members of a consortium (甲、乙及丙财团), partnerships
(甲乙投资合伙企业(有限合伙)), a subsidiary named right after the word for it (科技子公司甲乙金科), a
bank's wealth-management company (甲银理财, 甲乙理财 of 甲乙银行) and a known company's business named
by its line (京东金融, 腾讯云).
"""
from __future__ import annotations

import re

from kg.extractors.base import (CJK, CLAUSE_END, NAME_CHAR, Resources, bad_name_start, mention, numeral_brand,
                               stops_name, token_index)
from kg.extractors.suffix import (CATEGORY_HEADS, FIN_WORDS, GENERIC, GLUED_PREPOSITIONS, MAX_CHARS, NAME,
                                  RARE_BRAND, STOP, _proper, name_like)
from kg.types import Document, Mention
from kg.textscan import scanning


def propose(doc: Document, res: Resources) -> list[Mention]:
    return _industry(doc, res) + _latin(doc) + _consortia(doc, res) + _partnerships(doc, res) + \
        _appositions(doc, res) + _wealth(doc, res) + _brand_units(doc, res)


#: Industry words that end a company's short name (万通地产, 中博传媒) after a proper-name word.
INDUSTRY = frozenset("""地产 置业 传媒 娱乐 影业 影视 财经 电子 汽车 制药 医药 药业 能源 电气 电器 软件 通信 通讯
物流 航空 实业 资本 动漫 互娱 工作室 食品 乳业 酒业 钢铁 化工 建工 矿业 重工 环保 家电 服饰 商贸 百货 电商 快递
股份 生物 水泥 医疗 光电 材料 机械 电力 煤业 有色 黄金 啤酒 纺织 造船 港口 高速 银行 证券 保险 信托 科技
人寿 财险 产险 寿险 基金""".split())
#: Industry words that make the short name a financial institution.
FIN_INDUSTRY = ("银行", "证券", "保险", "信托", "资本", "基金")
#: Characters that do not occur in the proper-name part of a company's short name.
NOT_IN_BRAND = set("的了是在和与及上下一二两三多新大小个轮维度这那些其各该本我你他插将把被从向对为等全")
PROPER_TAGS = ("nz", "nt", "nrt", "j", "ns", "x")


def _brand_word(head: str, tail: str, res: Resources) -> bool:
    """A word that can be a firm's brand before an industry word: a proper noun or a rare word; before
    基金 (a fund manager, or a kind of fund: 房地产基金, 避险基金) a new word or an uncommon proper noun."""
    tag, seg = res.segmenter.pos(head), res.segmenter
    if tail == "基金":
        return not seg.in_dictionary(head) or tag in PROPER_TAGS and seg.frequency(head) < RARE_FUND
    return tag in PROPER_TAGS or seg.frequency(head) < RARE_BRAND or numeral_brand(head)


#: jieba frequency below which a proper noun before 基金 names a fund manager (中银基金, not 房地产基金)
RARE_FUND = 1000


def _industry(doc: Document, res: Resources) -> list[Mention]:
    """Company short names: a proper-name word followed by an industry word (万通地产)."""
    found, tokens = [], doc.tokens
    for i in token_index(doc).where(INDUSTRY):  # an industry word as a whole token
        if i == 0:
            continue
        head, tail = tokens[i - 1].text, tokens[i].text
        if 2 <= len(head) <= 4 and head not in GENERIC and head not in STOP \
                and not bad_name_start(head, res.segmenter, res.lexicon) and not head.isdigit() \
                and (not NOT_IN_BRAND.intersection(head) or numeral_brand(head)
                     or len(head) == 2 and res.segmenter.pos(head) == "nz") \
                and head not in res.lexicon.by_surface \
                and all(NAME_CHAR.match(c) for c in head) \
                and _brand_word(head, tail, res) and (i < 2 or tokens[i - 2].text not in ("的",)) \
                and not any(e.cls == "Place" for s0, e0, e in res.lexicon.find(head) if e0 - s0 == len(head)):
            cls = "FinancialInstitution" if tail in FIN_INDUSTRY else "Company"
            start = tokens[i - 1].start + (len(head) == 3 and head[0] in GLUED_PREPOSITIONS
                                           and not res.segmenter.in_dictionary(head))  # 由|赛富基金
            found.append(mention(doc, start, tokens[i].end, cls, NAME, 0.6))
        elif tail in INSURER_LINES and len(head) == 2 and res.segmenter.pos(head) in ("a", "an") \
                and all(NAME_CHAR.match(c) for c in head):
            found.append(mention(doc, tokens[i - 1].start, tokens[i].end, "FinancialInstitution", NAME, 0.6))
    return found + _known_firms(doc, res)


def _known_firms(doc: Document, res: Resources) -> list[Mention]:
    """Company short names jieba has as one organization word (nt) ending in an industry word (冀东水泥,
    长城汽车), whose brand part is a proper name (not 网络通信)."""
    known = res.memo.get("companies.known")
    if known is None:  # once per process: the few hundred such words of jieba's dictionary
        known = res.memo["companies.known"] = {w: c for w in res.segmenter.tagged("nt") if (c := _known_firm(w, res))}
    words, found, tokens = token_index(doc).words, [], doc.tokens
    for word in sorted(words.keys() & known.keys(), key=lambda w: words[w][0]):  # in text order
        found += [mention(doc, tokens[i].start, tokens[i].end, known[word], NAME, 0.6) for i in words[word]]
    return found


#: jieba frequency below which an organization word is a firm's name (冀东水泥 6), not a kind (海洋生物 157).
RARE_FIRM = 50


def _known_firm(word: str, res: Resources) -> str | None:
    tail = word[-2:]
    if len(word) < 4 or tail not in INDUSTRY or tail in FIN_INDUSTRY or word in res.lexicon.by_surface \
            or res.segmenter.pos(word) != "nt" or res.segmenter.frequency(word) >= RARE_FIRM:
        return None  # (banks and insurers are suffix@1's; 国家自然科学基金 is no firm)
    head = word[:-2]
    if head in GENERIC or res.segmenter.pos(head) not in PROPER_TAGS and res.segmenter.in_dictionary(head) \
            or res.segmenter.pos(head) == "j" or len(head) == 2 and head.endswith("国"):
        return None  # 邮电通信, 中国家电, 德国通讯: a sector or a country's, not a firm's name
    return "Company"


#: Lines of business only insurers name themselves by: an adjective may be the brand (甲乙人寿, 幸福人寿).
INSURER_LINES = frozenset(("人寿", "财险", "产险", "寿险"))


#: Latin-script company names: capitalised words before a legal-form word (Acme Digital Limited).
LATIN = scanning(re.compile(r"(?<![A-Za-z])((?:[A-Z][A-Za-z0-9&.\-]*\s){1,5}"
                   r"(?:Limited|Ltd\.?|Inc\.?|Corporation|Corp\.?|LLC|PLC|plc|Holdings|Group|Bank|AG|SA|GmbH))(?![A-Za-z])"))
_LATIN_FIN = re.compile(r"\b(?:Bank|Securities|Insurance|Capital|Financial|Fund|Pay|Payments?|Asset)\b")


def _latin(doc: Document) -> list[Mention]:
    out = []
    for m in LATIN.finditer(doc.norm):
        name = m.group(1)
        first = name.split()[0]
        if first in ("The", "A", "An", "In", "On", "At", "By", "For", "Of", "And"):
            continue
        cls = "FinancialInstitution" if _LATIN_FIN.search(name) else "Company"
        out.append(mention(doc, m.start(1), m.end(1), cls, NAME, 0.7))
    return out


#: A consortium named by its members (甲、乙及丙财团): each member is a company.
_CONSORTIUM = re.compile(f"((?:[{CJK}A-Za-z]{{2,6}}(?:、|及|和|与))*[{CJK}A-Za-z]{{2,6}}?)财团")


_JOINERS = frozenset("、及和与")


def _pieces(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """The spans between joiners that are words of their own (怡和 keeps its 和)."""
    index, out, begin = token_index(doc), [], start
    for tok in doc.tokens[index.at(start):index.at(max(start, end - 1)) + 1]:
        if tok.text in _JOINERS and tok.start >= start:
            out.append((begin, tok.start))
            begin = tok.end
    out.append((begin, end))
    return [(s, e) for s, e in out if e > s]


def _consortia(doc: Document, res: Resources) -> list[Mention]:
    if "财团" not in doc.norm:
        return []  # the pattern is slow to scan for; most texts have no consortium
    out, index = [], token_index(doc)
    for m in _CONSORTIUM.finditer(doc.norm):
        for start, end in _pieces(doc, m.start(1), m.end(1)):
            if start not in index.start_set:  # a piece that opens inside a word starts at the next one
                start = next((t.start for t in doc.tokens[index.at(start):] if t.start > start), end)
            if not (2 <= end - start <= 6) or not index.aligned(start, end) or doc.norm[start:end] in GENERIC:
                continue
            toks = [t.text for t in doc.tokens[index.at(start):index.at(end - 1) + 1]]
            while len(toks) > 1 and (bad_name_start(toks[0], res.segmenter, res.lexicon) or toks[0] in STOP):
                start += len(toks.pop(0))  # 包括甲乙: the list opens after the verb
            if len(toks) == 1 and len(toks[0]) < 2 or bad_name_start(toks[0], res.segmenter, res.lexicon) or not all(
                    name_like(t, res, True) for t in toks) or all(t in GENERIC for t in toks):
                continue
            cls = "FinancialInstitution" if any(w in doc.norm[start:end] for w in FIN_WORDS) else "Company"
            out.append(mention(doc, start, end, cls, NAME, 0.6))
    return out


#: A partnership's legal form, with its kind in brackets (甲乙投资合伙企业(有限合伙)).
_PARTNERSHIP = re.compile(r"合伙企业(?:\((?:有限合伙|普通合伙)\))?")


def _partnerships(doc: Document, res: Resources) -> list[Mention]:
    out, index, tokens = [], token_index(doc), doc.tokens
    for m in _PARTNERSHIP.finditer(doc.norm):
        if m.start() not in index.start_set:
            continue
        j = index.at(m.start())
        while j > 0 and m.start() - tokens[j - 1].start <= MAX_CHARS - 4 \
                and not stops_name(tokens[j - 1].text, res.segmenter, res.lexicon) \
                and name_like(tokens[j - 1].text, res, True) and tokens[j - 1].text not in CATEGORY_HEADS:
            j -= 1
        if m.start() - tokens[j].start >= 2 and any(_proper(t.text, res) for t in tokens[j:index.at(m.start())]):
            out.append(mention(doc, tokens[j].start, m.end(), "Company", NAME, 0.75))
    return out


#: A subsidiary named right after the word for it (科技子公司甲乙金科终于…).
_SUBSIDIARY = frozenset(("子公司", "孙公司", "全资子公司", "控股子公司"))
_APPOSITION_TAGS = ("x", "nz", "j", "nt")
#: Words that end a firm's short name after its proper word (甲乙国际, 甲乙资本, 甲乙金科).
SHORT_NAME_TAILS = frozenset("国际 资本 金融 科技 投资 资管 期货 证券 基金 控股 理财 金科 数科 实业 香港 租赁".split())


def _appositions(doc: Document, res: Resources) -> list[Mention]:
    out, tokens = [], doc.tokens
    for k in token_index(doc).where(_SUBSIDIARY):
        if k == len(tokens) - 1:
            continue
        end = k + 1
        while end < len(tokens) and end - k <= 2 and res.segmenter.pos(tokens[end].text) in _APPOSITION_TAGS \
                and all(NAME_CHAR.match(c) for c in tokens[end].text) and tokens[end].text not in res.lexicon.by_surface:
            end += 1
        if end > k + 1 and end < len(tokens) - 1 and tokens[end].text in SHORT_NAME_TAILS:
            end += 1  # 全资子公司甲乙国际: a proper word and the tail of a short name
        if end == k + 1 or end >= len(tokens):
            continue
        start, stop = tokens[k + 1].start, tokens[end - 1].end
        follow = res.segmenter.pos(tokens[end].text)[:1]
        if 3 <= stop - start <= 8 and (follow in ("d", "v", "p") or tokens[end].text in CLAUSE_END):
            cls = "FinancialInstitution" if any(w in doc.norm[start:stop] for w in FIN_WORDS) else "Company"
            out.append(mention(doc, start, stop, cls, NAME, 0.6))
    return out


#: A bank's wealth-management company: two characters then 理财 (甲银理财, or 甲乙理财 when 甲乙银行 is known).
_WEALTH = re.compile(f"([{CJK}][{CJK}])(?=理财)")


def _wealth(doc: Document, res: Resources) -> list[Mention]:
    if "理财" not in doc.norm:
        return []
    out, index = [], token_index(doc)
    for m in _WEALTH.finditer(doc.norm):
        start, end = m.start(1), m.end(1) + 2
        short = m.group(1)
        if start not in index.start_set or end not in index.end_set:
            continue
        bank = res.lexicon.by_surface.get(short + "银行")
        if not (short[1] == "银" and short[0] not in "银各该本某其全" or bank is not None and bank.cls == "FinancialInstitution"):
            continue
        if doc.norm.startswith(("产品", "业务", "市场", "资金", "规模", "服务", "子公司"), end) and short[1] != "银":
            continue  # 平安理财产品: the bank's products, not the company (甲银理财产品 stays a name)
        out.append(mention(doc, start, end, "FinancialInstitution", NAME, 0.7))
    return out


#: Lines of business a known company names a unit or subsidiary by (京东金融, 腾讯云, 小米支付).
BRAND_LINES = {"金融": "FinancialInstitution", "科技": "Company", "数科": "Company", "云": "Company",
               "支付": "FinancialInstitution", "金服": "FinancialInstitution", "小贷": "FinancialInstitution",
               "消费金融": "FinancialInstitution", "保理": "FinancialInstitution"}


def _brand_units(doc: Document, res: Resources) -> list[Mention]:
    out, tokens = [], doc.tokens
    for k in (k - 1 for k in token_index(doc).where(BRAND_LINES) if k > 0):
        line = BRAND_LINES[tokens[k + 1].text]
        entry = res.lexicon.by_surface.get(tokens[k].text)
        if entry is None or entry.cls != "Company" or k + 2 < len(tokens) and tokens[k + 2].text in ("业务", "产品", "服务"):
            continue  # 京东金融业务: the company's business, not a unit named so
        out.append(mention(doc, tokens[k].start, tokens[k + 1].end, line, NAME, 0.65))
    return out
