"""Shared resources and small text helpers for the extractors."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from kg.lexicon import Lexicon
from kg.segment import Segmenter
from kg.types import Document, Mention, Token

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
NAME_CHAR = re.compile(f"[{CJK}A-Za-z0-9]")
#: Characters that end a clause for the rules (after normalization: ASCII , : ; ! ?).
CLAUSE_END = set(",，:：;；。!?！？\n\r、")


def is_cjk(ch: str) -> bool:
    """True for one Chinese character (the ranges of ``CJK``)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@dataclass
class Resources:
    """What extractors share: the lexicon and a segmenter built from it, loaded once."""

    lexicon: Lexicon
    segmenter: Segmenter
    options: dict = field(default_factory=dict)
    #: per-extractor memos of decisions that depend on a word alone (people@1: word -> kind)
    memo: dict = field(default_factory=dict)


class TokenIndex:
    """Token boundaries of one document for quick lookups (made from the token ends alone, so a
    document that crossed processes does not need its Token objects)."""

    def __init__(self, doc: Document) -> None:
        self.source = _token_source(doc)
        self.norm, self.ends = doc.norm, doc.token_ends()
        self.starts = [0, *self.ends[:-1]] if len(self.ends) else []
        self.start_set = set(self.starts)
        self.end_set = set(self.ends)

    def __len__(self) -> int:
        return len(self.ends)

    def token(self, i: int) -> Token:
        start, end = self.starts[i], self.ends[i]
        return Token(self.norm[start:end], start, end)

    def aligned(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` starts and ends on token boundaries."""
        return start in self.start_set and end in self.end_set

    def at(self, pos: int) -> int:
        """Index of the token that starts at or covers ``pos``."""
        i = bisect_left(self.starts, pos)
        if i == len(self.starts) or self.starts[i] != pos:
            i -= 1
        return max(i, 0)


def _token_source(doc: Document):
    tokens = doc.__dict__.get("tokens")
    return doc.__dict__.get("_ends") if tokens is None else tokens


def token_index(doc: Document) -> TokenIndex:
    """The document's TokenIndex, built once and cached on the document."""
    cached = doc.__dict__.get("_token_index")
    if cached is None or cached.source is not _token_source(doc):
        cached = doc.__dict__["_token_index"] = TokenIndex(doc)
    return cached


def mentions_between(doc: Document, start: int, end: int) -> list[Mention]:
    """The document's (sorted, non-overlapping) mentions that lie inside ``[start, end)``."""
    starts = doc.__dict__.get("_mention_starts")
    if starts is None or doc.__dict__.get("_mention_list") is not doc.mentions:
        starts = doc.__dict__["_mention_starts"] = [m.start for m in doc.mentions]
        doc.__dict__["_mention_list"] = doc.mentions
    i, out = bisect_left(starts, start), []
    while i < len(starts) and starts[i] < end:
        if doc.mentions[i].end <= end:
            out.append(doc.mentions[i])
        i += 1
    return out


def mention(doc: Document, start: int, end: int, cls: str, extractor: str,
            confidence: float = 0.9, canonical: str | None = None) -> Mention:
    """A Mention over ``doc.text[start:end]``; canonical defaults to the normalized surface."""
    surface = doc.norm[start:end]
    if canonical is None and surface != doc.text[start:end]:
        canonical = surface
    return Mention(start, end, doc.text[start:end], cls, extractor, confidence, canonical)
