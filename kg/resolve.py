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
from kg.types import Alias, Document, Entity, Fact, Link, Mention, MetaField

_APP = re.compile(r"(?<=[\u4e00-\u9fff])\s*(?:App|APP|app|客户端)$")
_LEGAL_FORM = re.compile(r"(?:\(集团\))?(?:股份有限公司|有限责任公司|有限公司|股份公司)$")


def key_of(mention: Mention, lexicon: Lexicon | None = None) -> str:
    """The canonical name a mention stands for.

    A lexicon surface gives the lexicon's name; so does a lexicon name followed by a legal form
    (招商银行股份有限公司 -> 招商银行). A platform's ``App`` suffix is dropped unless that would
    name something else (招商银行App stays itself).
    """
    name, platform = mention.canonical or mention.text, mention.cls == "Platform"
    if lexicon is None:
        return _key(name, platform, {})
    found = lexicon.keys.get((name, platform))
    if found is None:
        found = lexicon.keys[name, platform] = _key(name, platform, lexicon.by_surface)
    return found


def _key(name: str, platform: bool, known: dict) -> str:
    if name in known:
        return known[name].name
    base = _LEGAL_FORM.sub("", name)
    if base != name and base in known and known[base].cls != "JobTitle":
        return known[base].name
    if platform:
        stripped = _APP.sub("", name)
        if stripped and stripped not in known:
            return stripped
        if stripped in known and stripped != name:  # 招行App -> 招商银行App
            return known[stripped].name + name[len(stripped):]
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


def apply_facts(doc: Document, facts: Iterable[Fact]) -> None:
    """The resolve step for what extractors propose besides mentions, in the order proposed:
    aliases are recorded, the first value of each metadata field is kept unless the user gave it
    (JSONL fields win), and the last link of each name is the article's."""
    for fact in facts:
        if isinstance(fact, Alias):
            doc.aliases.append(fact)
        elif isinstance(fact, MetaField):
            doc.meta.setdefault(fact.name, fact.value)
        elif isinstance(fact, Link):
            doc.links[fact.name] = fact.span
        else:
            raise TypeError(f"not a fact: {fact!r}")
