"""Resolving overlapping proposals: rules among themselves, and rules with a statistical model.

Extractors only propose; these functions decide which mentions stay (spaCy's ``filter_spans``).
"""
from __future__ import annotations

import re
from typing import Iterable

from kg.ontology import is_a, specificity
from kg.types import Mention


def filter_spans(mentions: Iterable[Mention]) -> list[Mention]:
    """Non-overlapping mentions: longest first, then most confident, then most specific class."""
    ranked = sorted(mentions, key=lambda m: (-(m.end - m.start), -m.confidence,
                                             -specificity(m.cls), m.start, m.cls))
    kept: list[Mention] = []
    taken = bytearray()
    for m in ranked:
        if len(taken) < m.end:
            taken.extend(b"\0" * (m.end - len(taken)))
        if not any(taken[m.start:m.end]):
            kept.append(m)
            taken[m.start:m.end] = b"\1" * (m.end - m.start)
    return sorted(kept, key=lambda m: (m.start, m.end))


#: Rule findings a statistical recognizer may override: guesses from suffixes, bare names,
#: propagation, and places (which CLUENER-style data often reads as part of a longer name).
WEAK = ("suffix@1", "people@1", "propagate@1", "lists@1")


def _weak(m: Mention) -> bool:
    return m.extractor in WEAK and m.confidence <= 0.75 or (m.cls == "Place" and m.extractor == "gazetteer@1")


_CLAUSE_WORDS = re.compile(r"由|会同|与|的|对|被|把|向")


def _yields(rule: Mention, model: Mention) -> bool:
    """True when a model mention may replace an overlapping rule mention: a weak guess no
    longer than it, or a name it extends into a longer one of the same family (携程 inside
    上海携程国际旅行社有限公司) when the model is sure."""
    if _weak(rule):
        return rule.end - rule.start <= model.end - model.start
    inside = model.start <= rule.start and rule.end <= model.end and (model.start, model.end) != (rule.start, rule.end)
    return inside and model.confidence >= 0.8 and is_a(rule.cls, "Organization") == is_a(model.cls, "Organization")


def merge_statistical(rules: list[Mention], model: Iterable[Mention]) -> list[Mention]:
    """Combine a model's mentions with the rules'.

    The model decides for the classes it was trained on: weak rule guesses of those classes
    are kept only where the model agrees on the span. Confident rule mentions (the lexicon,
    quoted names, ...) are kept and win over the model where they overlap.
    """
    model = list(model)
    classes = {m.cls for m in model} | {"Company", "FinancialInstitution", "GovernmentAgency",
                                         "Organization", "Person", "Place"}
    spans = {(m.start, m.end) for m in model}
    kept = [r for r in rules if not (_weak(r) and r.cls in classes) or (r.start, r.end) in spans]
    for m in sorted(model, key=lambda m: (-m.confidence, m.start, m.end)):
        if _CLAUSE_WORDS.search(m.text):
            continue  # 兴远基金由星河证券股份有限公司: a model span across a clause
        clashes = [r for r in kept if r.start < m.end and m.start < r.end]
        if all(_yields(r, m) for r in clashes):
            kept = [r for r in kept if r not in clashes] + [m]
    return sorted(kept, key=lambda m: (m.start, m.end))
