"""Candidate pairs of mentions and the features that describe them (never the names themselves).

A candidate is an unordered pair of mentions of one sentence, ``first`` before ``second`` in the
text, at most ``MAX_GAP`` characters and ``MAX_INNER`` mentions apart; the model's classes say the
direction (``acquires>``: first acquires second, ``acquires<``: second acquires first), so one
feature list serves both orders. Its features: the two classes, the distance, the words between
(other mentions written as their class; the first and last few), trigger words between (with the
end they are nearer to) and around, punctuation and list structure between the two, the last
character of each mention (its suffix class: 行, 司, 团, 所...).

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
FEATURE_VERSION = 2
MAX_GAP = 60
MAX_MENTIONS = 14
#: At most this many mentions between the two ends of a candidate.
MAX_INNER = 4
#: Words between the ends described one by one: this many from each end.
EDGE_WORDS = 4
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
_INNER = ["n=0", "n=1", "n=2", "n=3", "n=4"]
_BUCKETS = ["0", "1", "1"] + ["2"] * 3 + ["3"] * 5 + ["4"] * 10
_LISTS = {"、": ["list=、"], "和": ["list=和"], "及": ["list=及"], "与": ["list=与"]}


def _bucket(n: int) -> str:
    return _BUCKETS[n] if n <= 20 else "5"


def _cut(norm: str, starts: list[int], ends: list[int], start: int, end: int) -> list[str]:
    """The tokens (given by their starts and ends) inside ``[start, end)``, cut at the range's ends."""
    i, j = bisect_left(ends, start + 1), bisect_left(starts, end)
    if i >= j:
        return []
    out = [norm[a:b] for a, b in zip(starts[i:j], ends[i:j])]
    if starts[i] < start or ends[i] > end:
        out[0] = norm[max(start, starts[i]):min(end, ends[i])]
    if j - 1 > i and ends[j - 1] > end:
        out[-1] = norm[starts[j - 1]:end]
    return out


def _words(doc: Document, start: int, end: int) -> list[str]:
    """The jieba tokens inside ``[start, end)`` (cut at the range's ends)."""
    if end <= start:
        return []
    idx = token_index(doc)
    return _cut(doc.norm, idx.starts, idx.ends, start, end)


def _mask(m: Mention) -> str:
    return f"<{COARSE.get(m.cls, 'X')}>"


def _around(doc: Document, m: Mention, lo: int, after: bool) -> list[str]:
    """Features of the two words before ``m`` (from ``lo`` on) or after it, and of the triggers in them."""
    if after:
        words = _words(doc, m.end, min(len(doc.norm), m.end + 8))[:2]
        tag = "a="
    else:
        words = _words(doc, max(lo, m.start - 8), m.start)[-2:]
        tag = "b="
    trig = sorted(set(TRIGGERS.findall("".join(words))))
    return [tag + w for w in words] + [("ta=" if after else "tb=") + t for t in trig]


def _features(norm: str, a: Mention, b: Mention, words: list[str], n_inner: int,
              before: list[str], after: list[str]) -> list[str]:
    """The features of the pair (a, b), ``a`` first in the text; ``words`` are the masked words between."""
    between = norm[a.end:b.start]
    ca, cb = COARSE.get(a.cls, "X"), COARSE.get(b.cls, "X")
    pair = ca + cb
    f = ["c=" + a.cls + "|" + b.cls, "k=" + pair, "d=" + _bucket(len(between)) + "|" + pair,
         _INNER[min(n_inner, 4)], "sa=" + a.text[-1:] + "|" + ca, "sb=" + b.text[-1:] + "|" + cb]
    n = len(words)
    if n <= 4:
        f.append("path=" + "_".join(words))
    if n:
        edge = words if n <= 2 * EDGE_WORDS else words[:EDGE_WORDS] + words[-EDGE_WORDS:]
        f += ["w=" + w for w in edge]
        f += ["w2=" + x + "_" + y for x, y in zip(edge, edge[1:])]
        f += ["wf=" + words[0], "wl=" + words[-1]]
    if between:
        half = len(between) / 2
        for t in sorted(set(TRIGGERS.findall(between))):
            f += ["t=" + t + "|" + pair, "tp=" + t + ("|A" if between.find(t) < half else "|B")]
        punct = _PUNCT.findall(between)
        if punct:
            f += ["p=" + p for p in sorted(set(punct))]
        f += _LISTS.get(between, ())
    return f + before + after


def pair_features(doc: Document, a: Mention, b: Mention, inner: list[Mention]) -> list[str]:
    """The features of the pair of any two mentions (in either order); ``inner`` are the mentions between."""
    a, b = (a, b) if a.start < b.start else (b, a)
    words, pos = [], a.end
    for m in inner:
        words += _words(doc, pos, m.start) + [_mask(m)]
        pos = m.end
    words += _words(doc, pos, b.start)
    lo = doc.sentence_of(a.start).start
    return _features(doc.norm, a, b, words, len(inner), _around(doc, a, lo, False), _around(doc, b, lo, True))


def sentence_mentions(doc: Document, sentence: Span) -> list[Mention]:
    """The mentions of a sentence that may be one end of a relation (at most ``2 * MAX_MENTIONS``)."""
    return [m for m in mentions_between(doc, sentence.start, sentence.end) if m.cls in END_CLASSES][:MAX_MENTIONS * 2]


def candidate_pairs(ms: list[Mention]) -> list[tuple[int, int]]:
    """Index pairs i < j of mentions close enough to be a candidate."""
    out = []
    for i, a in enumerate(ms):
        name = a.canonical or a.text
        for j in range(i + 1, min(len(ms), i + MAX_INNER + 2)):
            b = ms[j]
            if b.start - a.end > MAX_GAP:
                break
            if name != (b.canonical or b.text):
                out.append((i, j))
    return out


class SentencePairs:
    """The candidates of one sentence with their features, from one pass over its mentions."""

    def __init__(self, doc: Document, sentence: Span) -> None:
        self.doc, self.sentence, self.ms = doc, sentence, sentence_mentions(doc, sentence)
        self.pairs = candidate_pairs(self.ms) if len(self.ms) > 1 else []
        self._gaps: list[list[str]] | None = None
        self._before: dict[int, list[str]] = {}
        self._after: dict[int, list[str]] = {}

    def _gap_words(self) -> list[list[str]]:
        if self._gaps is None:
            ms, norm, idx = self.ms, self.doc.norm, token_index(self.doc)
            starts, ends = idx.starts, idx.ends
            self._gaps = [_cut(norm, starts, ends, ms[k].end, ms[k + 1].start) if ms[k].end < ms[k + 1].start
                          else [] for k in range(len(ms) - 1)]
        return self._gaps

    def features(self, i: int, j: int) -> list[str]:
        """The features of the pair (ms[i], ms[j]), i < j."""
        gaps, ms = self._gap_words(), self.ms
        words = list(gaps[i])
        for k in range(i + 1, j):
            words.append(_mask(ms[k]))
            words += gaps[k]
        before = self._before.get(i)
        if before is None:
            before = self._before[i] = _around(self.doc, ms[i], self.sentence.start, False)
        after = self._after.get(j)
        if after is None:
            after = self._after[j] = _around(self.doc, ms[j], self.sentence.start, True)
        return _features(self.doc.norm, ms[i], ms[j], words, j - i - 1, before, after)


def candidates(doc: Document, sentence: Span) -> list[tuple[Mention, Mention, list[str]]]:
    """The candidate pairs (first, second) of one sentence with their features."""
    sp = SentencePairs(doc, sentence)
    return [(sp.ms[i], sp.ms[j], sp.features(i, j)) for i, j in sp.pairs]
