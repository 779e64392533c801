"""The data that flows through the pipeline.

One :class:`Document` goes through every stage. Extractors propose :class:`Mention`,
:class:`Relation` and :class:`Metric` objects; offsets are always character positions
``[start, end)`` into the unmodified ``Document.text``, so ``text[start:end] == mention.text``.
"""
from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from typing import NamedTuple
from decimal import Decimal


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` into a document's text."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end


class Token(NamedTuple):
    """One jieba token with its offsets (a tuple: documents hold hundreds of thousands)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """A proposed entity mention.

    ``name`` is the surface form as written; ``canonical`` is the name the lexicon or a rule
    says it stands for (an alias like 工行 has canonical 中国工商银行), or None when unknown.
    """

    start: int
    end: int
    text: str
    cls: str
    extractor: str
    confidence: float = 0.9
    canonical: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Relation:
    """A proposed relation between two mentions, with the sentence it was read from."""

    subject: Mention
    predicate: str
    object: Mention
    sentence: Span
    extractor: str
    confidence: float = 0.8


@dataclass(frozen=True)
class Metric:
    """A quantitative fact: ``value`` is normalized (7亿 -> 700000000)."""

    start: int
    end: int
    text: str
    label: str
    value: Decimal
    unit: str
    qualifier: str | None
    subject: Mention | None
    sentence: Span
    extractor: str
    confidence: float = 0.8


@dataclass(frozen=True)
class Penalty:
    """An administrative penalty, an n-ary fact: who imposed it on whom, what, why, when.

    ``start``/``end`` locate the statement of this penalty (from the penalized party, or the
    word pointing back to it, to its last amount or trigger); a person fined alongside an
    organization gets a Penalty of their own, linked to it by ``related``. ``amounts`` are the
    sums of money (罚款, 没收违法所得) as Metrics whose subject is the penalized party.
    """

    start: int
    end: int
    regulator: Mention | None
    party: Mention | None
    person: Mention | None
    kinds: tuple[str, ...]
    amounts: tuple[Metric, ...]
    reason: str | None
    date: str | None
    number: str | None
    sentence: Span
    extractor: str
    confidence: float = 0.8
    #: the span (start, end) of the organization's penalty a person's penalty goes with
    related: tuple[int, int] | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class Alias:
    """A short name the text defines (以下简称“工行”) for the mention that ends at ``target_end``.

    ``start``/``end`` locate the short name itself inside the definition.
    """

    target_end: int
    start: int
    end: int
    alias: str
    extractor: str


@dataclass
class Document:
    """One input document and everything found in it.

    ``text`` is never modified after decoding. ``norm`` is the same text with Traditional
    characters and full-width forms mapped one-to-one to Simplified and half-width ones, so
    offsets found in ``norm`` are valid in ``text`` too.
    """

    id: str
    text: str
    source: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    norm: str = ""
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    penalties: list[Penalty] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    attributes: list[tuple[Mention, str, str]] = field(default_factory=list)
    #: article metadata that points to a mention: "author" / "publishedIn" -> its span
    links: dict[str, Span] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.norm:
            self.norm = self.text

    def release(self) -> None:
        """Drop the tokens and the extractors' caches (a kept document holds what the graph needs)."""
        self.tokens = []
        for key in [k for k in self.__dict__ if k.startswith("_")]:
            del self.__dict__[key]

    def token_ends(self) -> array:
        """Where each token ends (without making the tokens of an unpickled document)."""
        tokens = self.__dict__.get("tokens")
        return self.__dict__["_ends"] if tokens is None else array("l", [t.end for t in tokens])

    def __getstate__(self) -> dict:
        """Pickled without caches, tokens as their end offsets (documents cross processes)."""
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["tokens"] = self.token_ends()
        if state["norm"] == state["text"]:
            state["norm"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        ends = state.pop("tokens")
        self.__dict__.update(state)
        if self.norm is None:
            self.norm = self.text
        if isinstance(ends, array):  # tokens are made again when first used (see __getattr__)
            self.__dict__["_ends"] = ends
        else:
            self.tokens = ends

    def __getattr__(self, name: str):
        # only called for a missing attribute: the tokens of an unpickled document
        if name == "tokens" and "_ends" in self.__dict__:
            norm, start, tokens = self.norm, 0, []
            for end in self.__dict__.pop("_ends"):
                tokens.append(Token(norm[start:end], start, end))
                start = end
            self.tokens = tokens
            return tokens
        raise AttributeError(name)

    def sentence_of(self, pos: int) -> Span:
        """The sentence containing character ``pos`` (the whole text if none does)."""
        starts = self.__dict__.get("_starts")
        if starts is None or len(starts) != len(self.sentences):
            starts = self.__dict__["_starts"] = [s.start for s in self.sentences]
        i = bisect.bisect_right(starts, pos) - 1
        if 0 <= i < len(self.sentences) and self.sentences[i].start <= pos < self.sentences[i].end:
            return self.sentences[i]
        return Span(0, len(self.text))


@dataclass
class Entity:
    """A resolved real-world entity with its stable IRI and every mention of it."""

    key: str
    label: str
    cls: str
    aliases: set[str] = field(default_factory=set)
    label_en: str | None = None
    wikidata: str | None = None
    job_titles: set[str] = field(default_factory=set)
