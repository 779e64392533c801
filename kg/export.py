"""Serializing quads to files: Turtle, TriG, N-Triples, N-Quads, JSON-LD.

pyoxigraph does the writing (about 20x faster than rdflib's Turtle serializer), except for
JSON-LD, written here with an ``@context`` of the contract's prefixes so that IRIs are compact
(pyoxigraph 0.5 writes every IRI in full). Quads are sorted first, so the same graph always
gives the same bytes. Turtle and N-Triples merge every document's named graph into one graph.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Mapping

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from kg import rdfio
from kg.ontology import PREFIXES

#: format name or alias -> pyoxigraph format, for the formats kg writes (the table: :mod:`kg.rdfio`)
FORMATS: dict[str, RdfFormat] = {name: f.oxigraph for f in rdfio.FORMATS if f.writable
                                 for name in (f.name, *f.aliases)}
#: output extension -> format name
SUFFIXES = {ext: f.name for f in rdfio.FORMATS if f.writable for ext in f.extensions}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def format_for(path: str | Path | None, fmt: str | None) -> str:
    """The format name for an output: ``fmt`` if given, else from the file extension."""
    return rdfio.output_format(path, fmt).name


def _key(q: Quad) -> tuple[str, str, str, str]:
    """Terms as N-Quads text (as kg.rdf writes them), rdf:type before every other predicate."""
    graph = "" if isinstance(q.graph_name, DefaultGraph) else str(q.graph_name)
    p = q.predicate.value
    return graph, str(q.subject), "" if p == RDF_TYPE else str(q.predicate), str(q.object)


def sort_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Unique quads in the order of kg.rdf's N-Quads: by graph, subject, rdf:type first,
    predicate, object (each compared as its N-Quads text)."""
    return sorted(set(quads), key=_key)


def serialize_quads(quads: Iterable[Quad], fmt: str, *, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Bytes of ``quads`` in format ``fmt`` (graph names dropped for triple formats).

    ``prefixes`` (default: all the contract's) are declared in Turtle, TriG and JSON-LD.
    """
    rdf_format = FORMATS[fmt]
    prefixes = PREFIXES if prefixes is None else prefixes
    if rdf_format.supports_datasets:
        items = sort_quads(quads)
    else:
        items = [Triple(q.subject, q.predicate, q.object) for q in
                 sort_quads(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)]
    if rdf_format == RdfFormat.JSON_LD:
        return jsonld(items, prefixes)
    if rdf_format not in (RdfFormat.TURTLE, RdfFormat.TRIG):
        return serialize(items, format=rdf_format) or b""
    return serialize(items, format=rdf_format, prefixes=dict(prefixes)) or b""


# -- JSON-LD ------------------------------------------------------------------------------------

def jsonld(quads: Iterable[Quad], prefixes: Mapping[str, str] = PREFIXES) -> bytes:
    """JSON-LD 1.1 of sorted ``quads``: an ``@context`` of ``prefixes``, one node object per line.

    Named graphs are node objects with an ``@graph``; literals keep their exact lexical form,
    language or datatype, so that rdflib and pyoxigraph read back the same quads.
    """
    graphs: dict[str, dict[str, dict]] = {}
    for q in quads:
        graph = "" if isinstance(q.graph_name, DefaultGraph) else _compact(q.graph_name.value, prefixes)
        node = graphs.setdefault(graph, {}).setdefault(_node_id(q.subject, prefixes),
                                                       {"@id": _node_id(q.subject, prefixes)})
        if q.predicate.value == RDF_TYPE and isinstance(q.object, NamedNode):
            node.setdefault("@type", []).append(_compact(q.object.value, prefixes))
        else:
            node.setdefault(_compact(q.predicate.value, prefixes), []).append(_value(q.object, prefixes))
    for nodes in graphs.values():
        for node in nodes.values():  # one value: no list around it
            node.update({k: v[0] for k, v in node.items() if isinstance(v, list) and len(v) == 1})
    top = graphs.pop("", {})
    for graph, nodes in graphs.items():  # a graph's own description (if any) sits beside its @graph
        top.setdefault(graph, {"@id": graph})["@graph"] = list(nodes.values())
    context = json.dumps(dict(prefixes), ensure_ascii=False, indent=1).replace("\n", "\n ")
    lines = [_node_json(node) for node in top.values()]
    body = ",\n".join(lines)
    return f'{{"@context": {context},\n "@graph": [\n{body}\n ]}}\n'.encode("utf-8")


def _node_json(node: dict) -> str:
    if "@graph" not in node:
        return "  " + json.dumps(node, ensure_ascii=False)
    inner = ",\n".join("   " + json.dumps(n, ensure_ascii=False) for n in node["@graph"])
    head = json.dumps({k: v for k, v in node.items() if k != "@graph"}, ensure_ascii=False)[:-1]
    return f'  {head}, "@graph": [\n{inner}\n  ]}}'


def _compact(iri: str, prefixes: Mapping[str, str]) -> str:
    """``prefix:rest`` for an IRI under a prefix (the longest namespace), else the IRI itself."""
    best = ""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
            best = prefix
    rest = iri[len(prefixes[best]):] if best else ""
    if not best or rest.startswith("//"):  # prefix:// would be read as an absolute IRI
        return iri
    return f"{best}:{rest}"


def _node_id(term, prefixes: Mapping[str, str]) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else _compact(term.value, prefixes)


def _value(term, prefixes: Mapping[str, str]) -> dict | str:
    if isinstance(term, Literal):
        if term.datatype.value == XSD_STRING:
            return term.value  # a JSON string is an xsd:string literal (the context sets no @language)
        out = {"@value": term.value}
        if term.language:
            out["@language"] = term.language
        else:
            out["@type"] = _compact(term.datatype.value, prefixes)
        return out
    return {"@id": _node_id(term, prefixes)}
