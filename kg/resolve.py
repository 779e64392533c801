"""Mentions -> entities, within and across documents.

The key of an entity is its canonical name: the lexicon's name for a lexicon match or a
known alias (工行 -> 中国工商银行), the defining name for a defined short name, otherwise the
normalized surface (an ``App`` suffix dropped: 工银兴农通App -> 工银兴农通). Mentions with the
same key are one entity with one IRI in every document. The class is the lexicon's, else the
one the mentions support most (confidence-weighted; the more specific wins a tie).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from kg.lexicon import Lexicon
from kg.ontology import specificity
from kg.types import Document, Entity, Mention

_APP = re.compile(r"(?<=[\u4e00-\u9fff])\s*(?:App|APP|app|客户端)$")


def key_of(mention: Mention, lexicon: Lexicon | None = None) -> str:
    """The canonical name a mention stands for."""
    name = mention.canonical or mention.text
    if lexicon is not None and name in lexicon.by_surface:
        return lexicon.by_surface[name].name
    if mention.cls == "Platform":
        name = _APP.sub("", name) or name
    return name


def resolve(docs: Iterable[Document], lexicon: Lexicon) -> dict[str, Entity]:
    """All entities of the documents, by key, with aliases, class and lexicon facts."""
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    surfaces: dict[str, set[str]] = defaultdict(set)
    titles: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        for m in doc.mentions:
            key = key_of(m, lexicon)
            votes[key][m.cls] += m.confidence
            surfaces[key].add(doc.norm[m.start:m.end])
            surfaces[key].add(m.text)
        for m, name, value in doc.attributes:
            if name == "jobTitle":
                titles[key_of(m, lexicon)].add(value)
    entities = {}
    for key in sorted(votes):
        entry = lexicon.by_name.get(key)
        cls = entry.cls if entry else max(votes[key].items(),
                                          key=lambda kv: (kv[1], specificity(kv[0]), kv[0]))[0]
        aliases = surfaces[key] | set(entry.aliases if entry else ())
        aliases.discard(key)
        entities[key] = Entity(key, key, cls, aliases, entry.en or None if entry else None,
                               entry.wikidata or None if entry else None, titles.get(key, set()))
    return entities
