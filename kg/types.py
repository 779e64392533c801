"""The data that flows through the pipeline.

One :class:`Document` goes through every stage. Extractors propose :class:`Mention`,
:class:`Relation` and :class:`Metric` objects; offsets are always character positions
``[start, end)`` into the unmodified ``Document.text``, so ``text[start:end] == mention.text``.
"""
from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple, Sequence
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


@dataclass(frozen=True)
class MetaField:
    """A proposed article metadata value (``title``, ``author``, ``date``, ``source``); the
    resolve step keeps the first one of each name, and fields the user gave (JSONL) win."""

    name: str
    value: str
    extractor: str


@dataclass(frozen=True)
class Link:
    """A proposed link from the article (``author``, ``publishedIn``) to the mention at ``span``."""

    name: str
    span: Span
    extractor: str


#: what an extractor proposes besides mentions, relations, metrics and penalties
Fact = Alias | MetaField | Link


class TokenView(Sequence):
    """The tokens of a document that crossed processes, made from their offsets when read (a
    relate stage reads a few of them; making them all would cost more than the stage)."""

    __slots__ = ("norm", "starts", "ends")

    def __init__(self, norm: str, starts: list[int], ends: array) -> None:
        self.norm, self.starts, self.ends = norm, starts, ends

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self.ends)))]
        start, end = self.starts[i], self.ends[i]
        return Token(self.norm[start:end], start, end)

    def __eq__(self, other) -> bool:
        return list(self) == list(other)


class TextIndex:
    """The per-document index the extractors share: token offsets, the token at an offset, the
    sentence of an offset. Built once per document (:meth:`Document.indexed`), from the token
    ends alone, so a document that crossed processes needs no Token objects."""

    __slots__ = ("norm", "ends", "starts", "start_set", "end_set", "sentences", "sentence_starts", "_words",
                 "_tokens")

    def __init__(self, norm: str, ends: array, sentences: list[Span], tokens: list[Token] | None = None) -> None:
        self.norm, self.ends = norm, ends
        self.starts = [0, *ends[:-1]] if len(ends) else []
        self.start_set, self.end_set = set(self.starts), set(ends)
        self.sentences, self.sentence_starts = sentences, [s.start for s in sentences]
        self._words: dict[str, list[int]] | None = None
        self._tokens = tokens  # their texts, when the document has Token objects

    @property
    def words(self) -> dict[str, list[int]]:
        """Each distinct token text and the (increasing) indices of its tokens, made on first use:
        a rule that starts from a few words looks them up instead of scanning every token."""
        if self._words is None:
            words: defaultdict[str, list[int]] = defaultdict(list)
            if self._tokens is not None:
                for i, tok in enumerate(self._tokens):
                    words[tok[0]].append(i)
            else:
                norm = self.norm
                for i, (start, end) in enumerate(zip(self.starts, self.ends)):
                    words[norm[start:end]].append(i)
            self._words, self._tokens = dict(words), None
        return self._words

    def where(self, words) -> list[int]:
        """The indices, in text order, of the tokens whose text is one of ``words``."""
        index = self.words
        return sorted(i for w in words if w in index for i in index[w])

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
        i = bisect.bisect_left(self.starts, pos)
        if i == len(self.starts) or self.starts[i] != pos:
            i -= 1
        return max(i, 0)

    def sentence(self, pos: int) -> Span | None:
        """The sentence containing character ``pos``, or None."""
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        if 0 <= i < len(self.sentences) and self.sentences[i].start <= pos < self.sentences[i].end:
            return self.sentences[i]
        return None


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

    #: the token and sentence index (:meth:`indexed`); not pickled, not compared
    index: TextIndex | None = field(default=None, repr=False, compare=False)

    def indexed(self) -> TextIndex:
        """The document's :class:`TextIndex`, built the first time (the pipeline builds it once
        its tokens and sentences are set; :meth:`reindex` after changing them)."""
        if self.index is None:
            tokens = self.tokens if isinstance(self.tokens, list) else None
            self.index = TextIndex(self.norm, self.token_ends(), self.sentences, tokens)
        return self.index

    def reindex(self) -> TextIndex:
        """Build the index again from the current tokens and sentences."""
        self.index = None
        return self.indexed()

    def release(self) -> None:
        """Drop the tokens, the index and the extractors' caches (a kept document holds what the graph needs)."""
        self.tokens, self.index = [], None
        for key in [k for k in self.__dict__ if k.startswith("_")]:
            del self.__dict__[key]

    def token_ends(self) -> array:
        """Where each token ends."""
        tokens = self.tokens
        return tokens.ends if isinstance(tokens, TokenView) else array("l", [t.end for t in tokens])

    def __getstate__(self) -> dict:
        """Pickled without index and caches, tokens as their end offsets (documents cross processes)."""
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_") and k != "index"}
        state["tokens"] = self.token_ends()
        if state["norm"] == state["text"]:
            state["norm"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        ends = state.pop("tokens")
        self.__dict__.update(state)
        self.index = None
        if self.norm is None:
            self.norm = self.text
        if isinstance(ends, array):  # the index from the offsets; tokens a view over them
            index = self.index = TextIndex(self.norm, ends, self.sentences)
            self.tokens = TokenView(self.norm, index.starts, index.ends)
        else:
            self.tokens = ends

    def sentence_of(self, pos: int) -> Span:
        """The sentence containing character ``pos`` (the whole text if none does)."""
        found = self.indexed().sentence(pos)
        return found if found is not None else Span(0, len(self.text))


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
