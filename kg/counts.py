"""What a graph holds, counted once for every command: entities and relations.

A **relation** is a distinct (subject, zkg: relation, object) triple between entities; an **entity**
is an IRI typed with one of the ontology's entity classes. ``kg build`` (files and stores),
``kg viz``, ``kg stats`` and ``kg export`` report these numbers; ``RELATIONS_QUERY`` and
``ENTITIES_QUERY`` are the same definitions in SPARQL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox

from kg.ontology import ENTITY_CLASSES, RELATIONS, ZKG_IRI


#: the IRIs of the ontology's relations between entities (zkg:develops, zkg:regulates, ...)
RELATION_IRIS = tuple(ZKG_IRI + name for name in RELATIONS)
#: the relations of a graph, in SPARQL: what :func:`count_relations` counts
RELATIONS_QUERY = ("SELECT (COUNT(*) AS ?relations) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { VALUES ?p { "
                   + " ".join(f"zkg:{name}" for name in RELATIONS) + " } ?s ?p ?o } }")
#: an N-Quads line whose predicate is a zkg: term (which relation it is, is checked after)
_NQ_ZKG = re.compile(rb"^(<[^>]*>|_:\S+) <" + re.escape(ZKG_IRI.encode()) + rb"(\w+)> (<[^>]*>|_:\S+) ", re.M)
_RELATION_NAMES = frozenset(name.encode() for name in RELATIONS)


#: the IRIs of the ontology's entity classes (zkg:Bank, zkg:Person, ...)
ENTITY_CLASS_IRIS = tuple(ZKG_IRI + name for name in ENTITY_CLASSES)
#: the entities of a graph, in SPARQL: what :func:`count_entities` counts
ENTITIES_QUERY = ("SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE { VALUES ?c { "
                  + " ".join(f"zkg:{name}" for name in ENTITY_CLASSES) + " } ?e a ?c FILTER(isIRI(?e)) }")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_NQ_TYPED = re.compile(rb"^(<[^>]*>) <" + re.escape(_RDF_TYPE.encode()) + rb"> <" + re.escape(ZKG_IRI.encode())
                       + rb"(\w+)> ", re.M)
_ENTITY_CLASS_NAMES = frozenset(name.encode() for name in ENTITY_CLASSES)


@dataclass
class Tally:
    """The entities and relation triples of some graphs, as N-Quads terms, kept while the graphs are
    written (:meth:`kg.rdf.DocumentGraph.nquads`): what :func:`count_entities` and
    :func:`count_relations` find in the written N-Quads, so ``kg build`` need not read its output again."""

    entities: set[str] = field(default_factory=set)
    facts: set[tuple[str, str, str]] = field(default_factory=set)

    def update(self, other: "Tally") -> "Tally":
        self.entities |= other.entities
        self.facts |= other.facts
        return self

    def update_all(self, others: Iterable["Tally"]) -> "Tally":
        for other in others:
            self.update(other)
        return self

    def counts(self) -> tuple[int, int]:
        """(entities, relations): :func:`count_entities` and :func:`count_relations` of the graphs."""
        return len(self.entities), len(self.facts)


#: the N-Quads terms a Tally looks for: entity classes (objects of rdf:type) and relations (predicates)
ENTITY_CLASS_TERMS = frozenset(f"<{iri}>" for iri in ENTITY_CLASS_IRIS)
RELATION_TERMS = frozenset(f"<{iri}>" for iri in RELATION_IRIS)


def count_entities(source: "ox.Store | bytes | Iterable") -> int:
    """The number of entities in a graph: distinct IRIs typed with one of the ontology's entity
    classes (``ENTITIES_QUERY``), those found in the text and those of the articles' metadata
    (authors, publications) alike. ``source`` is as for :func:`count_relations`; ``kg build``,
    ``kg viz``, ``kg stats`` and ``kg export`` all report this number."""
    if isinstance(source, ox.Store):
        store = source
        source = (q for c in ENTITY_CLASS_IRIS
                  for q in store.quads_for_pattern(None, ox.NamedNode(_RDF_TYPE), ox.NamedNode(c)))
    if isinstance(source, (bytes, bytearray)):
        source = [source]
    found: set = set()
    wanted = set(ENTITY_CLASS_IRIS)
    for item in source:
        if isinstance(item, (bytes, bytearray)):
            found.update(m.group(1) for m in _NQ_TYPED.finditer(item) if m.group(2) in _ENTITY_CLASS_NAMES)
        elif (item.predicate.value == _RDF_TYPE and item.object.value in wanted
              and isinstance(item.subject, ox.NamedNode)):
            found.add(item.subject)
    return len(found)


def count_relations(source: "ox.Store | bytes | Iterable") -> int:
    """The number of relations in a graph: distinct (subject, relation, object) triples whose
    property is one of the ontology's relations between entities (``RELATIONS_QUERY``).

    A fact stated by several sentences or documents counts once, whichever graph holds it; its
    evidence statements (``rdf:Statement``) are not counted. ``source`` is a pyoxigraph Store,
    N-Quads/N-Triples bytes (or an iterable of such chunks, each ending with a newline), or an
    iterable of pyoxigraph quads or triples. ``kg build`` and ``kg viz`` both report this number.
    """
    if isinstance(source, ox.Store):
        store = source
        source = (q for p in RELATION_IRIS for q in store.quads_for_pattern(None, ox.NamedNode(p), None))
    if isinstance(source, (bytes, bytearray)):
        source = [source]
    facts: set = set()
    wanted = set(RELATION_IRIS)
    for item in source:
        if isinstance(item, (bytes, bytearray)):
            facts.update(m.group(1, 2, 3) for m in _NQ_ZKG.finditer(item) if m.group(2) in _RELATION_NAMES)
        elif item.predicate.value in wanted:
            facts.add((item.subject, item.predicate, item.object))
    return len(facts)
