"""Serializing quads to files: Turtle, TriG, N-Triples, N-Quads, JSON-LD.

pyoxigraph does the writing (about 20x faster than rdflib's Turtle serializer). Quads are
sorted first, so the same graph always gives the same bytes. Turtle and N-Triples merge
every document's named graph into one graph.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from pyoxigraph import DefaultGraph, Quad, RdfFormat, Triple, serialize

from kg.errors import OutputError
from kg.ontology import PREFIXES

FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE, "turtle": RdfFormat.TURTLE, "trig": RdfFormat.TRIG,
    "nt": RdfFormat.N_TRIPLES, "ntriples": RdfFormat.N_TRIPLES, "nq": RdfFormat.N_QUADS,
    "nquads": RdfFormat.N_QUADS, "jsonld": RdfFormat.JSON_LD, "json-ld": RdfFormat.JSON_LD,
}
SUFFIXES = {".ttl": "ttl", ".trig": "trig", ".nt": "nt", ".nq": "nq", ".jsonld": "jsonld",
            ".json": "jsonld"}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def format_for(path: str | Path | None, fmt: str | None) -> str:
    """The format name for an output: ``fmt`` if given, else from the file extension."""
    if fmt:
        if fmt.lower() not in FORMATS:
            raise OutputError(f"unknown format {fmt!r}", hint=f"use one of {', '.join(sorted(set(SUFFIXES.values())))}")
        return fmt.lower()
    if path is None or str(path) == "-":
        return "ttl"
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise OutputError(f"{path}: cannot tell the format from the extension {suffix or '(none)'}",
                          hint="use .ttl, .trig, .nt, .nq or .jsonld, or pass --format")
    return SUFFIXES[suffix]


def _key(q: Quad) -> tuple[str, str, str, str]:
    """Terms as N-Quads text (as kg.rdf writes them), rdf:type before every other predicate."""
    graph = "" if isinstance(q.graph_name, DefaultGraph) else str(q.graph_name)
    p = q.predicate.value
    return graph, str(q.subject), "" if p == RDF_TYPE else str(q.predicate), str(q.object)


def sort_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Unique quads in the order of kg.rdf's N-Quads: by graph, subject, rdf:type first,
    predicate, object (each compared as its N-Quads text)."""
    return sorted(set(quads), key=_key)


def serialize_quads(quads: Iterable[Quad], fmt: str) -> bytes:
    """Bytes of ``quads`` in format ``fmt`` (graph names dropped for triple formats)."""
    rdf_format = FORMATS[fmt]
    if rdf_format.supports_datasets:
        items = sort_quads(quads)
    else:
        items = [Triple(q.subject, q.predicate, q.object) for q in
                 sort_quads(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)]
    prefixes = PREFIXES if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG, RdfFormat.JSON_LD) else None
    return serialize(items, format=rdf_format, prefixes=prefixes) or b""
