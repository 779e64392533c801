"""The entity graph as a networkx network: conversion, statistics, and files for Gephi, Cytoscape, Neo4j.

:func:`to_networkx` reads RDF the way ``kg viz`` does (:func:`kg.viz.model.extract` over
pyoxigraph), so there is one path from RDF to a network. Unlike rdflib's
``rdflib_to_networkx_multidigraph``, literals and provenance records never become nodes: a node
is an entity, an edge is a ``zkg:`` relation between two entities, and labels, aliases, mention
counts, confidence and evidence are attributes.

Node attributes: ``iri``, ``class`` (the most specific ``zkg:`` class), ``label`` (Chinese name),
``label_en``, ``aliases`` (list), ``wikidata``, ``degree`` (relations in and out, within the
network), ``documents`` (how many articles mention or name it) and ``mentions`` (``nif:Phrase``
records). Edge keys are the property's local name; edge attributes: ``property``, ``label``
(Chinese), ``confidence`` (the highest of its statements, or None), ``evidence`` (number of
evidence sentences) and ``documents`` (identifiers of the articles stating it). The graph's
``documents`` attribute maps each article identifier to its ``iri``, ``title``, ``mentions`` and
``entities``, and ``labels`` maps the classes and properties present to their Chinese names.
Nodes are in IRI order, edges in (subject, property, object) order.
"""
from __future__ import annotations

import csv
import io
import json
import re
import statistics as stats_
import zipfile
from collections import Counter
from pathlib import Path

import networkx as nx

from kg.errors import InputError, OutputError
from kg.ontology import ENTITY_CLASSES, RELATIONS, SUPERCLASS, ZKG_IRI, is_a

__all__ = ["EXPORT_FORMATS", "export_bytes", "export_format", "from_entity_graph",
           "network_stats", "to_networkx", "undirected", "write_export"]

#: format name -> the file extensions that select it
EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "graphml": (".graphml",), "gexf": (".gexf",), "neo4j-csv": (".zip",),
    "cytoscape-json": (".cyjs", ".json"),
}
#: lists in GraphML and GEXF attributes (neither has a list type networkx writes) are joined so
LIST_SEPARATOR = "|"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- conversion

def to_networkx(source, *, relations=None, classes=None) -> nx.MultiDiGraph:
    """The entities and relations of ``source`` as a ``networkx.MultiDiGraph``.

    ``source`` is a path or list of RDF files, ``"oxigraph:DIR"``, a ``pyoxigraph.Store`` or
    ``kg.store`` store, a :class:`kg.BuildResult` or an rdflib graph. ``relations`` keeps only
    these properties (local names such as ``"develops"``); ``classes`` keeps only entities of
    these classes or their subclasses (``"Organization"`` keeps banks too).

    >>> import kg
    >>> g = kg.to_networkx(kg.build_text("中国工商银行推出“抗疫贷”产品。"))
    >>> [(g.nodes[u]["label"], k, g.nodes[v]["label"]) for u, v, k in g.edges(keys=True)]
    [('中国工商银行', 'develops', '抗疫贷')]
    """
    from kg.viz.model import extract
    from kg.viz.sources import open_store

    return from_entity_graph(extract(open_store(source), evidence=False),
                             relations=relations, classes=classes)


def _names(given, known, what: str) -> set[str] | None:
    if given is None:
        return None
    names = {str(n)[len(ZKG_IRI):] if str(n).startswith(ZKG_IRI) else str(n)
             for n in ([given] if isinstance(given, str) else given)}
    unknown = sorted(names - set(known))
    if unknown:
        raise InputError(f"unknown {what} {', '.join(unknown)}", hint=f"use {', '.join(sorted(known))}")
    return names


def from_entity_graph(graph, *, relations=None, classes=None) -> nx.MultiDiGraph:
    """Convert a :class:`kg.viz.model.EntityGraph` (see :func:`to_networkx`)."""
    rels = _names(relations, RELATIONS, "relation")
    wanted = _names(classes, ENTITY_CLASSES, "class")
    doc_id = {iri: art.id for iri, art in graph.articles.items()}
    net = nx.MultiDiGraph(documents={
        art.id: {"iri": art.iri, "title": art.title, "mentions": art.mentions, "entities": art.entities}
        for art in sorted(graph.articles.values(), key=lambda a: (a.id, a.iri))})
    for iri in sorted(graph.nodes):
        node = graph.nodes[iri]
        if wanted is not None and not (node.cls and any(is_a(node.cls, c) for c in wanted)):
            continue
        net.add_node(iri, **{"iri": iri, "class": node.cls, "label": node.label,
                             "label_en": node.english, "aliases": list(node.aliases),
                             "wikidata": node.wikidata, "degree": 0,
                             "documents": len(node.documents), "mentions": node.mentions})
    for e in graph.edges:
        if (rels is None or e.prop in rels) and e.source in net and e.target in net:
            net.add_edge(e.source, e.target, key=e.prop, property=e.prop,
                         label=graph.labels.get(e.prop, e.prop), confidence=e.confidence,
                         evidence=e.sentences,
                         documents=sorted({doc_id.get(d, d) for d in e.documents}))
    for iri, degree in net.degree():
        net.nodes[iri]["degree"] = degree
    present = {d["class"] for _, d in net.nodes(data=True)} | {k for *_, k in net.edges(keys=True)}
    net.graph["labels"] = {t: graph.labels.get(t, t) for t in sorted(present - {None})}
    return net


def undirected(net: nx.MultiDiGraph) -> nx.Graph:
    """The simple undirected graph of ``net`` (no attributes, no self-loops): for centrality,
    components and communities, where a relation links its two entities both ways."""
    simple = nx.Graph()
    simple.add_nodes_from(net)
    simple.add_edges_from((u, v) for u, v in net.edges() if u != v)
    return simple


# ---------------------------------------------------------------- files

def export_format(path: str | Path | None, fmt: str | None = None) -> str:
    """The export format: ``fmt`` if given, else from ``path``'s extension."""
    if fmt:
        if fmt not in EXPORT_FORMATS:
            raise OutputError(f"unknown format {fmt!r}", hint=f"use {', '.join(EXPORT_FORMATS)}")
        return fmt
    suffix = Path(str(path or "")).suffix.lower()
    for name, suffixes in EXPORT_FORMATS.items():
        if suffix in suffixes:
            return name
    known = ", ".join(s for suffixes in EXPORT_FORMATS.values() for s in suffixes)
    raise OutputError(f"{path}: cannot tell the format from the extension {suffix or '(none)'}",
                      hint=f"use {known}, or pass --format")


def export_bytes(net: nx.MultiDiGraph, fmt: str) -> bytes:
    """``net`` in format ``fmt`` (see :data:`EXPORT_FORMATS`); the same graph gives the same bytes."""
    writers = {"graphml": _graphml, "gexf": _gexf, "neo4j-csv": _neo4j_zip,
               "cytoscape-json": _cytoscape}
    return writers[export_format(None, fmt)](net)


def write_export(net: nx.MultiDiGraph, path: str | Path, fmt: str | None = None, *,
                 force: bool = False) -> str:
    """Write ``net`` to ``path`` atomically; returns the format used."""
    from kg.io import atomic_write

    fmt = export_format(path, fmt)
    atomic_write(path, export_bytes(net, fmt), force=force)
    return fmt


def _scalar(value):
    if isinstance(value, (list, tuple, set)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def _flat(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes GraphML and GEXF can hold: lists joined, None left out."""
    flat = nx.MultiDiGraph(name="zhkg")
    flat.add_nodes_from((n, {k: _scalar(v) for k, v in d.items() if v is not None})
                        for n, d in net.nodes(data=True))
    flat.add_edges_from((u, v, k, {a: _scalar(x) for a, x in d.items() if x is not None})
                        for u, v, k, d in net.edges(keys=True, data=True))
    return flat


def _graphml(net: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(_flat(net), buf, encoding="utf-8")
    return buf.getvalue()


def _gexf(net: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    nx.write_gexf(_flat(net), buf, encoding="utf-8")
    # networkx stamps today's date; leave it out (optional in GEXF) so output is reproducible
    return re.sub(rb' lastmodifieddate="[^"]*"', b"", buf.getvalue(), count=1)


def _cytoscape(net: nx.MultiDiGraph) -> bytes:
    """Cytoscape.js JSON (``elements.nodes``/``elements.edges``, each ``{"data": ...}``), in the
    shape networkx's ``cytoscape_graph`` reads back."""
    nodes = [{"data": {**d, "id": n, "value": n, "name": d["label"]}} for n, d in net.nodes(data=True)]
    edges = [{"data": {**d, "id": f"e{i}", "source": u, "target": v, "key": k}}
             for i, (u, v, k, d) in enumerate(net.edges(keys=True, data=True))]
    doc = {"data": {"name": "zhkg", "documents": net.graph.get("documents", {})},
           "directed": True, "multigraph": True, "elements": {"nodes": nodes, "edges": edges}}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def neo4j_labels(cls: str | None) -> str:
    """``:LABEL`` of an entity: its class and every superclass, then ``Entity``."""
    chain = []
    while cls:
        chain.append(cls)
        cls = SUPERCLASS.get(cls)
    return ";".join([*chain, "Entity"])


def _csv(header: list[str], rows) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(header)
    out.writerows(["" if v is None else v for v in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def _neo4j_zip(net: nx.MultiDiGraph) -> bytes:
    """A zip of nodes.csv and relationships.csv for ``neo4j-admin database import full``
    (array fields use Neo4j's default ``;`` delimiter)."""
    nodes = _csv(["iri:ID", ":LABEL", "name", "name_en", "aliases:string[]", "wikidata",
                  "degree:int", "documents:int", "mentions:int"],
                 ([n, neo4j_labels(d["class"]), d["label"], d["label_en"], ";".join(d["aliases"]),
                   d["wikidata"], d["degree"], d["documents"], d["mentions"]]
                  for n, d in net.nodes(data=True)))
    rels = _csv([":START_ID", ":END_ID", ":TYPE", "label", "confidence:float", "evidence:int",
                 "documents:string[]"],
                ([u, v, k, d["label"], d["confidence"], d["evidence"], ";".join(d["documents"])]
                 for u, v, k, d in net.edges(keys=True, data=True)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in (("nodes.csv", nodes), ("relationships.csv", rels)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


# ---------------------------------------------------------------- statistics

def _entity(net: nx.MultiDiGraph, iri: str, **score) -> dict:
    d = net.nodes[iri]
    return {"iri": iri, "label": d["label"], "class": d["class"], **score}


def _ranked(net: nx.MultiDiGraph, scores: dict[str, float], top: int, name: str) -> list[dict]:
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [_entity(net, iri, **{name: round(v, 6) if isinstance(v, float) else v}) for iri, v in best]


def _components(simple: nx.Graph, top: int) -> dict:
    sizes = sorted((len(c) for c in nx.connected_components(simple)), reverse=True)
    return {"count": len(sizes), "isolated": sum(1 for s in sizes if s == 1),
            "largest": sizes[:top]}


def _communities(net: nx.MultiDiGraph, simple: nx.Graph, top: int, seed: int) -> dict:
    """Louvain communities (seeded) of the entities that have a relation; isolated ones are
    their own community and are left out of the list."""
    linked = simple.subgraph([n for n in simple if simple.degree(n)])
    if not linked.number_of_edges():
        return {"count": 0, "modularity": None, "largest": []}
    found = nx.community.louvain_communities(linked, seed=seed)
    found = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    degree = dict(simple.degree())
    largest = []
    for members in found[:top]:
        hubs = sorted(members, key=lambda i: (-degree[i], i))[:5]
        classes = Counter(net.nodes[i]["class"] or "?" for i in members)
        largest.append({"size": len(members), "hubs": [net.nodes[i]["label"] for i in hubs],
                        "classes": dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])))})
    return {"count": len(found), "modularity": round(nx.community.modularity(linked, found), 4),
            "largest": largest}


def network_stats(net: nx.MultiDiGraph, *, top: int = 10, seed: int = 42,
                  betweenness: int | None = None, communities: bool = True) -> dict:
    """Counts, the most central entities, components, communities and mentions per document.

    Centrality, components and communities ignore direction. PageRank is networkx's (scipy);
    ``betweenness`` is a number of sampled sources (``k``, seeded) for approximate betweenness,
    left out when None. Every step is about linear in the size of the graph; networkx's Louvain,
    pure Python, is the slowest (about 30 s for 10^5 entities here): ``communities=False`` skips it.
    """
    simple = undirected(net)
    degree = dict(net.degree())
    classes = Counter(d["class"] or "?" for _, d in net.nodes(data=True))
    rels = Counter(k for _, _, k in net.edges(keys=True))
    docs = [{"id": doc_id, **info} for doc_id, info in net.graph.get("documents", {}).items()]
    mentions = [d["mentions"] for d in docs]
    out = {
        "entities": net.number_of_nodes(), "relations": net.number_of_edges(),
        "documents": len(docs),
        "classes": dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
        "relation_counts": dict(sorted(rels.items(), key=lambda kv: (-kv[1], kv[0]))),
        "top_degree": _ranked(net, degree, top, "degree"),
        "top_pagerank": _ranked(net, nx.pagerank(simple) if len(simple) else {}, top, "pagerank"),
    }
    if betweenness:
        scores = nx.betweenness_centrality(simple, k=min(betweenness, len(simple)), seed=seed)
        out["top_betweenness"] = _ranked(net, scores, top, "betweenness")
    out["components"] = _components(simple, top)
    if communities:
        out["communities"] = _communities(net, simple, top, seed)
    out["mentions"] = {
        "total": sum(mentions), "median": stats_.median(mentions) if mentions else 0,
        "max": max(mentions, default=0),
        "per_document": sorted(docs, key=lambda d: (-d["mentions"], d["id"])),
    }
    return out
