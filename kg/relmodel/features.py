"""Candidate pairs of mentions and the features that describe them (never the names themselves).

A candidate is an ordered pair (subject, object) of mentions in one sentence, at most
``MAX_GAP`` characters apart. Its features: the two classes, which comes first, the distance,
the words between (other mentions replaced by their class), the words just before and after,
trigger words between and around, punctuation and list structure between the two.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from kg.extractors.base import mentions_between, token_index
from kg.types import Document, Mention, Span

#: Version of the feature set: a model trained with another version is refused.
FEATURE_VERSION = 1
MAX_GAP = 60
MAX_MENTIONS = 14
#: Classes that can be one end of a relation (the coarse class is used as a feature too).
END_CLASSES = {"Organization", "Company", "FinancialInstitution", "GovernmentAgency", "ResearchInstitute",
               "OrganizationUnit", "Person", "Product", "FinancialProduct", "Platform", "ProductSeries",
               "Technology", "Place"}
COARSE = {"Company": "Org", "FinancialInstitution": "Org", "GovernmentAgency": "Org", "ResearchInstitute": "Org",
          "OrganizationUnit": "Org", "Organization": "Org", "Person": "Per", "Product": "Prod",
          "FinancialProduct": "Prod", "Platform": "Prod", "ProductSeries": "Prod", "Technology": "Tech",
          "Place": "Loc"}
TRIGGERS = re.compile(
    r"收购|并购|兼并|入股|增持|减持|持股|持有|注资|增资|参股|投资|战略投资|控股|合作|签约|签署|签订|携手|联合|合资|"
    r"成立|设立|组建|创立|创办|发起|推出|发布|上线|研发|开发|打造|建成|搭建|运用|应用|采用|基于|依托|旗下|子公司|"
    r"分行|分公司|董事长|行长|总经理|总裁|首席|董事|主任|创始人|出任|担任|任职|来自|位于|总部|落户|服务|支持|提供|"
    r"为|与|和|由|被|向|对|将|拟|是|的|及|等")
_PUNCT = re.compile(r"[,;:、()“”\"《》]")


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n <= 2 else "2" if n <= 5 else "3" if n <= 10 else "4" if n <= 20 else "5"


def _words(doc: Document, start: int, end: int) -> list[str]:
    """The jieba tokens inside ``[start, end)`` (cut at the range's ends)."""
    if end <= start:
        return []
    idx = token_index(doc)
    i = max(0, bisect_left(idx.ends, start + 1))
    out = []
    while i < len(idx.ends) and idx.starts[i] < end:
        out.append(doc.norm[max(start, idx.starts[i]):min(end, idx.ends[i])])
        i += 1
    return out


def _masked_between(doc: Document, a: Mention, b: Mention, inner: list[Mention]) -> list[str]:
    """Words between two mentions, each mention in between written as its coarse class."""
    out, pos = [], a.end
    for m in inner:
        out += _words(doc, pos, m.start) + [f"<{COARSE.get(m.cls, 'X')}>"]
        pos = m.end
    return out + _words(doc, pos, b.start)


def _context(doc: Document, first: Mention, second: Mention, inner: list[Mention]) -> tuple:
    """What both orders of a pair share: the words between, before and after."""
    words = _masked_between(doc, first, second, inner)
    before = _words(doc, max(doc.sentence_of(first.start).start, first.start - 8), first.start)[-2:]
    after = _words(doc, second.end, min(len(doc.norm), second.end + 8))[:2]
    return words, before, after


def pair_features(doc: Document, s: Mention, o: Mention, inner: list[Mention],
                  cache: dict | None = None) -> list[str]:
    """The features of the ordered candidate (s, o); ``inner`` are the mentions between them.
    ``cache`` (a dict kept over one document) lets the two orders of a pair share their words."""
    first, second = (s, o) if s.start < o.start else (o, s)
    between = doc.norm[first.end:second.start]
    cs, co = COARSE.get(s.cls, "X"), COARSE.get(o.cls, "X")
    order = "so" if s is first else "os"
    f = [f"cls={s.cls}|{o.cls}", f"coarse={cs}|{co}|{order}", f"order={order}",
         f"dist={_bucket(len(between))}|{order}", f"inner={min(len(inner), 3)}"]
    key = (first.start, first.end, second.start, second.end)
    shared = cache.get(key) if cache is not None else None
    if shared is None:
        shared = _context(doc, first, second, inner)
        if cache is not None:
            cache[key] = shared
    words, before, after = shared
    if len(words) <= 8:
        f.append("path=" + "_".join(words) + "|" + order)
    f += [f"w={w}|{order}" for w in words[:12]]
    f += [f"w2={x}_{y}|{order}" for x, y in zip(words, words[1:12])]
    if words:
        f += [f"wf={words[0]}", f"wl={words[-1]}"]
    f += [f"t={t}|{order}|{cs}{co}" for t in sorted(set(TRIGGERS.findall(between)))]
    f += [f"b={w}" for w in before] + [f"a={w}" for w in after]
    f += [f"ta={t}|{order}" for t in sorted(set(TRIGGERS.findall("".join(after))))]
    f += [f"tb={t}|{order}" for t in sorted(set(TRIGGERS.findall("".join(before))))]
    f += [f"p={p}" for p in sorted(set(_PUNCT.findall(between)))]
    if between in ("、", "和", "及", "与"):
        f.append("list=" + between)
    return f


def candidates(doc: Document, sentence: Span) -> list[tuple[Mention, Mention, list[Mention]]]:
    """Ordered pairs of mentions of one sentence that may be related, with the mentions between."""
    ms = [m for m in mentions_between(doc, sentence.start, sentence.end) if m.cls in END_CLASSES]
    ms = ms[:MAX_MENTIONS * 2]
    out = []
    for i, a in enumerate(ms):
        for j in range(i + 1, min(len(ms), i + MAX_MENTIONS)):
            b = ms[j]
            if b.start - a.end > MAX_GAP:
                break
            if (a.canonical or a.text) == (b.canonical or b.text):
                continue
            inner = ms[i + 1:j]
            out.append((a, b, inner))
            out.append((b, a, inner))
    return out
