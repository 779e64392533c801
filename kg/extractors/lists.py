"""Coordinated lists: 融安e信、融安e防、融安e控、融安e盾等系列风险防控产品 gives four products.

The items between 、 (and a final 和/及/与) are typed by the head noun after 等, unless most
of them are already known to the lexicon, in which case unknown items take the majority
class (大数据、人工智能、区块链等平台 stays a list of technologies).
"""
from __future__ import annotations

import re
from collections import Counter

from kg.extractors.base import CJK, Resources, mention, token_index
from kg.types import Document, Mention

NAME = "lists@1"
ITEM = f"[{CJK}A-Za-z0-9][{CJK}A-Za-z0-9·()（）+\\-]{{0,14}}?"
#: A list ends with 等 or with a count (四款, 3个, 多项) before its head noun.
LIST = re.compile(f"({ITEM}(?:、{ITEM}){{1,12}}(?:(?:和|及|与|以及){ITEM})?)"
                  f"(?:等|(?=[一二两三四五六七八九十多\\d]+(?:款|个|项|种|家|类|大)))")
_LIST_END = re.compile(r"等|[一二两三四五六七八九十多\d](?:款|个|项|种|家|类|大)")

#: Head nouns after 等 (checked at the end of the phrase), with the class they give.
HEADS: tuple[tuple[str, str], ...] = (
    ("产品", "FinancialProduct"), ("贷款", "FinancialProduct"),
    ("平台", "Platform"), ("系统", "Platform"), ("App", "Platform"), ("APP", "Platform"), ("app", "Platform"),
    ("应用程序", "Platform"), ("小程序", "Platform"), ("客户端", "Platform"),
    ("技术", "Technology"), ("科技", "Technology"),
    ("银行", "FinancialInstitution"), ("金融机构", "FinancialInstitution"),
    ("公司", "Company"), ("企业", "Company"), ("部门", "GovernmentAgency"), ("部委", "GovernmentAgency"),
)
#: Endings of qualities and measures (可用性, 接入性能, 满意度, 成功率).
QUALITY = re.compile(r"(?:性|性能|能力|水平|程度|效率|速度|度|率)$")
_HEAD_END = re.compile(r"[,，。;；:：!?、\n]")
_SPLIT = re.compile(r"、|以及|和|及|与")
_LEAD = re.compile(r"^(?:打造|推出|研发|创新研发|构建|搭建|建成|上线|发布|包括|如|例如|加强|运用|应用|涵盖|覆盖|"
                   r"拥有|形成|开发|升级|推进|采用|利用|依托|基于|积极应用)+")


def head_class(phrase: str) -> str | None:
    """The class a list's head noun gives (产品 -> FinancialProduct), or None.

    The head is the longest start of the phrase that ends in a head noun: 风险防控产品,
    产品均属该系列 and 前沿技术探索 all have one.
    """
    phrase = re.split(r"[为的于在均将已和与及是对把被从向,，]", phrase, maxsplit=1)[0] or phrase
    best, found = 0, None
    for head, cls in HEADS:  # the head that ends last; on a tie, the first listed
        end = phrase.rfind(head) + len(head)
        if end > best and end >= len(head):
            best, found = end, cls
    return found


def _first_item_start(doc: Document, start: int, end: int, res: Resources) -> int:
    """Where the first item really starts: after the last verb or function word before it."""
    index = token_index(doc)
    i, begin = index.at(end - 1), end
    while i >= 0 and doc.tokens[i].start >= start:
        tok = doc.tokens[i]
        if res.segmenter.pos(tok.text) in ("v", "p", "c", "u", "uj", "d", "r", "f") and begin < end \
                or tok.text in ("的", "了", "为", "并"):
            break
        begin = tok.start
        i -= 1
    return max(begin, start)


def _items(doc: Document, start: int, body: str, res: Resources) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for sep in list(_SPLIT.finditer(body)) + [None]:
        end = sep.start() if sep else len(body)
        piece = body[pos:end]
        offset = _first_item_start(doc, start + pos, start + end, res) - start - pos if not spans else 0
        lead = _LEAD.match(piece[offset:])
        offset += lead.end() if lead else 0
        if sep is not None and sep.group() != "、" and _ends_with_adverb(doc, start + end, res):
            spans = []  # 甲银行还与乙、丙等企业签署: 与 is a preposition, the list starts after it
        elif end - pos - offset >= 2:
            spans.append((start + pos + offset, start + end))
        pos = sep.end() if sep else pos
    return spans


def _ends_with_adverb(doc: Document, end: int, res: Resources) -> bool:
    """True when the word that ends at ``end`` is an adverb or a verb (还, 也, 将, 共同)."""
    index = token_index(doc)
    if end not in index.end_set:
        return False
    return res.segmenter.pos(doc.tokens[index.at(end - 1)].text)[:1] in ("d", "v")


def _lists(doc: Document):
    """LIST matches; only sentences with a 、 hold one, from at most one item before the first 、."""
    text = doc.norm
    for sentence in doc.sentences:
        first = text.find("、", sentence.start, sentence.end)
        if first >= 0 and _LIST_END.search(text, first, sentence.end):  # (a list ends with 等 or a count)
            yield from LIST.finditer(text, max(sentence.start, first - 16), sentence.end)


def propose(doc: Document, res: Resources) -> list[Mention]:
    """Mentions for the items of coordinated lists whose head noun names a class."""
    text, found = doc.norm, []
    for m in _lists(doc):
        tail = text[m.end():m.end() + 16]
        cut = _HEAD_END.search(tail)
        phrase = tail[: cut.start() if cut else len(tail)]
        cls = head_class(phrase)
        if cls is None:
            continue
        items = _items(doc, m.start(1), m.group(1), res)
        known: Counter[str] = Counter()
        for s, e in items:
            entry = res.lexicon.by_surface.get(text[s:e])
            if entry is not None:
                known[entry.cls] += 1
        if known and sum(known.values()) * 2 >= len(items):
            cls = known.most_common(1)[0][0]
        for s, e in items:
            if cls in ("Technology", "Platform") and QUALITY.search(text[s:e]):
                continue  # 服务可用性, 数据迁移性: a property being assessed, not a thing
            if text[s:e] not in res.lexicon.by_surface and e - s <= 12:
                found.append(mention(doc, s, e, cls, NAME, 0.7))
    return found
