"""Values out of a ``pyoxigraph.Store`` for the visualization: objects by predicate, the literal to show."""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox


def objects(store: ox.Store, pred: str) -> dict[str, list]:
    """subject IRI -> unsorted list of objects of ``pred`` over every graph."""
    out: dict[str, list] = defaultdict(list)
    for q in store.quads_for_pattern(None, ox.NamedNode(pred), None, None):
        out[q.subject.value].append(q.object)
    return out


def first_literal(values: list, lang: str | None = None) -> str | None:
    """The smallest literal with language ``lang`` ("zh" also matches zh-CN, zh-Hans, ...)."""
    def fits(tag: str) -> bool:
        return lang is None or tag == lang or (lang != "" and tag.startswith(lang + "-"))
    lits = sorted({v.value for v in values if isinstance(v, ox.Literal) and fits(v.language or "")})
    return lits[0] if lits else None


def as_int(values: list) -> int | None:
    """The first of ``values`` that reads as an integer."""
    for v in values:
        try:
            return int(v.value)
        except (ValueError, AttributeError):
            continue
    return None
