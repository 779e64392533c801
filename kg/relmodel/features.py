"""Candidate pairs of mentions and the features that describe them (never the names themselves).

A candidate is an ordered pair (subject, object) of mentions in one sentence, at most
``MAX_GAP`` characters apart. Its features: the two classes, which comes first, the distance,
the words between (other mentions replaced by their class), the words just before and after,
trigger words between and around, punctuation and list structure between the two.

``SentencePairs`` computes, in one pass over a sentence's mentions, what every pair needs (the
words of each gap between neighbouring mentions, the words around each mention); the features of a
pair are then put together from those pieces. ``pair_features`` gives the same features for any two
mentions (the gold pairs of training, whose ends need not be the pipeline's mentions).
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
_INNER = ["inner=0", "inner=1", "inner=2", "inner=3"]
_BUCKETS = ["0", "1", "1"] + ["2"] * 3 + ["3"] * 5 + ["4"] * 10


def _bucket(n: int) -> str:
    return _BUCKETS[n] if n <= 20 else "5"


def _words(doc: Document, start: int, end: int) -> list[str]:
    """The jieba tokens inside ``[start, end)`` (cut at the range's ends)."""
    if end <= start:
        return []
    idx = token_index(doc)
    return _cut(doc.norm, idx.starts, idx.ends, start, end)


def _cut(norm: str, starts: list[int], ends: list[int], start: int, end: int) -> list[str]:
    i, j = bisect_left(ends, start + 1), bisect_left(starts, end)
    if i >= j:
        return []
    out = [norm[a:b] for a, b in zip(starts[i:j], ends[i:j])]
    if starts[i] < start or ends[i] > end:
        out[0] = norm[max(start, starts[i]):min(end, ends[i])]
    if j - 1 > i and ends[j - 1] > end:
        out[-1] = norm[starts[j - 1]:end]
    return out


def _mask(m: Mention) -> str:
    return f"<{COARSE.get(m.cls, 'X')}>"


def _before(doc: Document, m: Mention) -> list[str]:
    return _words(doc, max(doc.sentence_of(m.start).start, m.start - 8), m.start)[-2:]


def _after(doc: Document, m: Mention) -> list[str]:
    return _words(doc, m.end, min(len(doc.norm), m.end + 8))[:2]


def _shared(between: str, words: list[str], before: list[str], after: list[str]) -> tuple:
    """What both orders of a pair share, strings made once."""
    return (words, sorted(set(TRIGGERS.findall(between))), [f"b={w}" for w in before] + [f"a={w}" for w in after],
            sorted(set(TRIGGERS.findall("".join(after)))), sorted(set(TRIGGERS.findall("".join(before)))),
            [f"p={p}" for p in sorted(set(_PUNCT.findall(between)))],
            ["list=" + between] if between in ("、", "和", "及", "与") else [], _bucket(len(between)))


def _ordered(s: Mention, o: Mention, order: str, n_inner: int, shared: tuple) -> list[str]:
    """The features of (s, o) from the pieces both orders share."""
    words, trig, around, trig_after, trig_before, punct, lst, dist = shared
    cs, co = COARSE.get(s.cls, "X"), COARSE.get(o.cls, "X")
    sfx = "|" + order
    f = ["cls=" + s.cls + "|" + o.cls, "coarse=" + cs + "|" + co + sfx, "order=" + order,
         "dist=" + dist + sfx, _INNER[min(n_inner, 3)]]
    if len(words) <= 8:
        f.append("path=" + "_".join(words) + sfx)
    if words:
        first = words[:12]
        f += ["w=" + w + sfx for w in first]
        f += ["w2=" + x + "_" + y + sfx for x, y in zip(first, words[1:12])]
        f += ["wf=" + words[0], "wl=" + words[-1]]
    if trig:
        tsfx = sfx + "|" + cs + co
        f += ["t=" + t + tsfx for t in trig]
    f += around
    if trig_after:
        f += ["ta=" + t + sfx for t in trig_after]
    if trig_before:
        f += ["tb=" + t + sfx for t in trig_before]
    return f + punct + lst if punct or lst else f


def pair_features(doc: Document, s: Mention, o: Mention, inner: list[Mention],
                  cache: dict | None = None) -> list[str]:
    """The features of the ordered candidate (s, o); ``inner`` are the mentions between them.
    ``cache`` (a dict kept over one document) lets the two orders of a pair share their words."""
    first, second = (s, o) if s.start < o.start else (o, s)
    key = (first.start, first.end, second.start, second.end)
    shared = cache.get(key) if cache is not None else None
    if shared is None:
        words, pos = [], first.end
        for m in inner:
            words += _words(doc, pos, m.start) + [_mask(m)]
            pos = m.end
        words += _words(doc, pos, second.start)
        shared = _shared(doc.norm[first.end:second.start], words, _before(doc, first), _after(doc, second))
        if cache is not None:
            cache[key] = shared
    return _ordered(s, o, "so" if s is first else "os", len(inner), shared)


def sentence_mentions(doc: Document, sentence: Span) -> list[Mention]:
    """The mentions of a sentence that may be one end of a relation (at most ``2 * MAX_MENTIONS``)."""
    return [m for m in mentions_between(doc, sentence.start, sentence.end) if m.cls in END_CLASSES][:MAX_MENTIONS * 2]


def candidate_pairs(ms: list[Mention]) -> list[tuple[int, int]]:
    """Index pairs i < j of mentions close enough to be a candidate (both orders are candidates)."""
    out = []
    for i, a in enumerate(ms):
        name = a.canonical or a.text
        for j in range(i + 1, min(len(ms), i + MAX_MENTIONS)):
            b = ms[j]
            if b.start - a.end > MAX_GAP:
                break
            if name != (b.canonical or b.text):
                out.append((i, j))
    return out


def candidates(doc: Document, sentence: Span) -> list[tuple[Mention, Mention, list[Mention]]]:
    """Ordered pairs of mentions of one sentence that may be related, with the mentions between."""
    ms = sentence_mentions(doc, sentence)
    out = []
    for i, j in candidate_pairs(ms):
        inner = ms[i + 1:j]
        out.append((ms[i], ms[j], inner))
        out.append((ms[j], ms[i], inner))
    return out


class SentencePairs:
    """The candidates of one sentence with their features, from one pass over its mentions."""

    def __init__(self, doc: Document, sentence: Span) -> None:
        self.doc, self.sentence, self.ms = doc, sentence, sentence_mentions(doc, sentence)
        self.pairs = candidate_pairs(self.ms) if len(self.ms) > 1 else []
        self._gaps: list[list[str]] | None = None
        self._before: dict[int, tuple] = {}
        self._after: dict[int, tuple] = {}

    def _gap_words(self) -> list[list[str]]:
        if self._gaps is None:
            ms, norm, idx = self.ms, self.doc.norm, token_index(self.doc)
            starts, ends = idx.starts, idx.ends
            self._gaps = [_cut(norm, starts, ends, ms[k].end, ms[k + 1].start) if ms[k].end < ms[k + 1].start
                          else [] for k in range(len(ms) - 1)]
        return self._gaps

    def _around(self, k: int, after: bool) -> tuple[list[str], list[str]]:
        """The feature strings of the words before (after) mention k, and the triggers among them."""
        cache = self._after if after else self._before
        known = cache.get(k)
        if known is None:
            m, doc = self.ms[k], self.doc
            if after:
                words = _words(doc, m.end, min(len(doc.norm), m.end + 8))[:2]
                feats = [f"a={w}" for w in words]
            else:
                words = _words(doc, max(self.sentence.start, m.start - 8), m.start)[-2:]
                feats = [f"b={w}" for w in words]
            known = cache[k] = (feats, sorted(set(TRIGGERS.findall("".join(words)))))
        return known

    def shared(self, i: int, j: int) -> tuple:
        """What the two orders of the pair (i, j), i < j, share."""
        gaps, ms = self._gap_words(), self.ms
        words = list(gaps[i])
        for k in range(i + 1, j):
            words.append(_mask(ms[k]))
            words += gaps[k]
        between = self.doc.norm[ms[i].end:ms[j].start]
        before, trig_before = self._around(i, False)
        after, trig_after = self._around(j, True)
        return (words, sorted(set(TRIGGERS.findall(between))), before + after, trig_after, trig_before,
                [f"p={p}" for p in sorted(set(_PUNCT.findall(between)))],
                ["list=" + between] if between in ("、", "和", "及", "与") else [], _bucket(len(between)))

    def features(self, i: int, j: int, forward: bool, shared: tuple) -> list[str]:
        """The features of (ms[i], ms[j]) when ``forward``, else of (ms[j], ms[i])."""
        a, b = self.ms[i], self.ms[j]
        return _ordered(a, b, "so", j - i - 1, shared) if forward else _ordered(b, a, "os", j - i - 1, shared)
