"""Runs the extractors over Documents: propose, check, resolve overlaps, propagate names.

Stages, in order, for one Document:
1. normalize (one-to-one) and segment the text, split it into sentences;
2. the ``mentions`` extractors propose mentions (and aliases, metadata, links, which
   :func:`kg.resolve.apply_facts` records); the runner checks every offset;
3. overlapping mentions are resolved (longest, then most confident, then most specific);
4. names found with confidence (quoted, listed, defined aliases, ...) are looked for again
   everywhere else in the document, and in the corpus through ``known``;
5. the ``relations`` extractors propose relations, metrics, penalties and attributes.
"""
from __future__ import annotations

import re
from typing import Iterable

import ahocorasick

from kg import extractors
from kg.config import PipelineConfig
from kg.errors import KGError
from kg.extractors.base import Resources
from kg.extractors.gazetteer import boundary_ok
from kg.lexicon import Lexicon, default_lexicon
from kg.io import clean_text
from kg.normalize import normalize
from kg.segment import Segmenter, split_titles
from kg.spans import filter_spans, merge_statistical
from kg.resolve import apply_facts
from kg.types import Alias, Document, Link, Mention, MetaField, Metric, Penalty, Relation, Span

PROPAGATE = "propagate@1"
#: Extractors whose names are trusted enough to be looked for again everywhere.
DISCOVERING = ("quoted@1", "lists@1", "systems@1", "suffix@1", "people@1", "metadata@1", "crf@1")
_SENTENCE = re.compile(r"[^。!?;！？；\n]*[。!?;！？；]?")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans (whitespace trimmed) ending at 。!?; or a line break."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append(Span(start, end))
    return spans


def check_mentions(doc: Document, proposed: Iterable, extractor: str, facts: list | None = None) -> list[Mention]:
    """Every proposal must be a Mention whose offsets slice the text exactly, or (when ``facts``
    collects them) an alias, metadata field or link for the resolve step."""
    out = []
    for m in proposed:
        if facts is not None and isinstance(m, (Alias, MetaField, Link)):
            facts.append(m)
            continue
        if not isinstance(m, Mention) or not 0 <= m.start < m.end <= len(doc.text) \
                or doc.text[m.start:m.end] != m.text:
            raise KGError(f"extractor {extractor} proposed a bad mention {m!r} in {doc.id}")
        out.append(m)
    return out


class Pipeline:
    """The extraction pipeline; build it once (it loads the lexicon and jieba) and call it per document."""

    def __init__(self, names: Iterable[str] = extractors.DEFAULT, *, lexicon: Lexicon | None = None,
                 ner_model: str | None = None, config: PipelineConfig | None = None) -> None:
        """``config`` (a :class:`kg.config.PipelineConfig`) replaces ``names`` and ``ner_model``."""
        options: dict = {"ner_model": ner_model}
        if config is not None:
            names, options = config.extractors, {"ner_model": None, **config.options()}
            ner_model = options["ner_model"]
        self.config = config
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        words = [s for e in self.lexicon.entries for s in e.surfaces]
        self.res = Resources(self.lexicon, Segmenter(words), options)
        self.stages: dict[str, list[tuple[str, object]]] = {"mentions": [], "relations": [], "ner": []}
        for name in names:
            stage, func = extractors.get(name)
            self.stages[stage].append((name, func))
        self.ner = None
        if ner_model:
            from kg.extractors import crf

            self.ner = crf.load(ner_model)

    def __call__(self, doc: Document) -> Document:
        """Analyze and relate one document on its own."""
        return self.relate(self.analyze(doc))

    def analyze(self, doc: Document) -> Document:
        """Stages 1-4: normalize, segment, propose mentions, resolve overlaps, propagate names."""
        doc.text = clean_text(doc.text)  # lone surrogates (from JSON escapes) cannot be written
        doc.norm = normalize(doc.text)
        doc.tokens = split_titles(doc.norm, self.res.segmenter.tokenize(doc.norm))
        doc.sentences = split_sentences(doc.norm)
        doc.reindex()  # the one index of tokens and sentences every extractor reads
        proposed: list[Mention] = []
        facts: list = []
        for name, func in self.stages["mentions"]:
            proposed += check_mentions(doc, func(doc, self.res), name, facts)
        apply_facts(doc, facts)  # extractors only propose: aliases, metadata and links land here
        doc.mentions = filter_spans(proposed)
        if self.ner is not None:
            from kg.extractors import crf

            doc.mentions = merge_statistical(doc.mentions,
                                             check_mentions(doc, crf.propose(doc, self.ner), crf.NAME))
        self.adopt_lexicon_aliases(doc)
        self.adopt_defined_aliases(doc)
        self.add_known(doc, self.discovered(doc))
        return doc

    def adopt_defined_aliases(self, doc: Document) -> None:
        """甲乙财产保险股份有限公司(以下简称“甲乙产险”): a rule's own mention of the short name
        elsewhere (suffix@1 finds 甲乙产险 too) takes the class and canonical name of the long one."""
        names = {a.alias: t for a, t in self._alias_targets(doc)}
        if not names:
            return
        out = []
        for m in doc.mentions:
            target = names.get(doc.norm[m.start:m.end])
            if target is not None and target is not m and m.cls != "JobTitle":
                canonical = target.canonical or doc.norm[target.start:target.end]
                m = Mention(m.start, m.end, m.text, target.cls, m.extractor, m.confidence, canonical)
            out.append(m)
        doc.mentions = out

    def add_known(self, doc: Document, names: dict[str, tuple[str, str]]) -> None:
        """Add mentions for other occurrences of ``names`` (class, canonical) in ``doc``."""
        extra = self.propagate(doc, names)
        if extra:
            doc.mentions = filter_spans(doc.mentions + extra)

    def discovered(self, doc: Document) -> dict[str, tuple[str, str]]:
        """Names this document establishes: trusted mentions and defined aliases."""
        names: dict[str, tuple[str, str]] = {}
        for m in doc.mentions:
            surface = doc.norm[m.start:m.end]
            if m.extractor in DISCOVERING and len(surface) >= 2:
                names.setdefault(surface, (m.cls, m.canonical or surface))
        for alias, target in self._alias_targets(doc):
            names[alias.alias] = (target.cls, target.canonical or doc.norm[target.start:target.end])
        return names

    def _alias_targets(self, doc: Document):
        """(alias definition, the mention it names) pairs: the mention ends where ``（以下简称`` starts."""
        ends = {m.end: m for m in doc.mentions}
        return [(a, ends[a.target_end]) for a in doc.aliases if a.target_end in ends]

    def adopt_lexicon_aliases(self, doc: Document) -> None:
        """招商银行股份有限公司(以下简称“招商银行”): when the defined short name is a lexicon
        entity, the long name is that entity too (its class and canonical name)."""
        replace = {}
        for alias, target in self._alias_targets(doc):
            known = self.lexicon.by_surface.get(alias.alias)
            if known is not None and known.cls != "JobTitle":
                replace[id(target)] = Mention(target.start, target.end, target.text, known.cls,
                                              target.extractor, target.confidence, known.name)
        if replace:
            doc.mentions = [replace.get(id(m), m) for m in doc.mentions]

    def propagate(self, doc: Document, names: dict[str, tuple[str, str]]) -> list[Mention]:
        """Mentions for every other occurrence of the given names, on word boundaries."""
        if not names:
            return []
        out = []
        for last, surface in self._automaton(names).iter_long(doc.norm):
            start, end = last + 1 - len(surface), last + 1
            if len(surface) <= 3 and not boundary_ok(doc, start, end):
                continue
            cls, canonical = names[surface]
            raw = doc.text[start:end]
            out.append(Mention(start, end, raw, cls, PROPAGATE, 0.6, canonical if canonical != raw else None))
        return out

    def _automaton(self, names: dict[str, tuple[str, str]]):
        """An Aho–Corasick automaton of ``names``, kept for the corpus-wide dict used for every document
        (a worker process receives an equal copy of it with every batch)."""
        cached = self.__dict__.get("_names_automaton")
        if cached is not None and cached[1] == len(names) and (cached[0] is names or cached[0] == names):
            return cached[2]
        auto = ahocorasick.Automaton()
        for name in names:
            auto.add_word(name, name)
        auto.make_automaton()
        self.__dict__["_names_automaton"] = (names, len(names), auto)
        return auto

    def relate(self, doc: Document) -> Document:
        """Stage 5: relations, metrics, penalties and attributes (one relation per subject, property, object)."""
        doc.relations, doc.metrics, doc.attributes, doc.penalties = [], [], [], []
        seen: set = set()
        for name, func in self.stages["relations"]:
            for item in func(doc, self.res):
                if isinstance(item, Relation):
                    key = (item.subject.span, item.predicate, item.object.span)
                    if key not in seen:
                        seen.add(key)
                        doc.relations.append(item)
                elif isinstance(item, Metric):
                    doc.metrics.append(item)
                elif isinstance(item, Penalty):
                    doc.penalties.append(item)
                else:
                    raise KGError(f"extractor {name} proposed {item!r} in {doc.id}")
        return doc
