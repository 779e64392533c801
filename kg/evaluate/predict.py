"""Predictions to score: from the pipeline's graph (read back with SPARQL), a CRF model alone,
or an RDF file built earlier. A predictor maps ``[(doc_id, text), ...]`` to ``{doc_id: PredDoc}``.

Reading the graph rather than the pipeline's objects makes the scores depend only on the
graph contract (labels, altLabels, classes, NIF mentions, evidence statements, metrics).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Sequence

from kg import rdfio
from kg.ontology import ENTITY_CLASSES, specificity

@dataclass
class PredEntity:
    """A predicted entity as one document sees it: every name it goes by there."""

    key: str
    name: str
    cls: str
    names: set[str] = field(default_factory=set)
    job_titles: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PredMetric:
    """A predicted metric: subject entity key, label, normalized value, unit, qualifier."""

    subject: str | None
    label: str
    value: Decimal
    unit: str = ""
    qualifier: str | None = None


@dataclass
class PredDoc:
    """What a predictor found in one document."""

    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    entities: dict[str, PredEntity] = field(default_factory=dict)
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    metrics: list[PredMetric] = field(default_factory=list)
    article: dict[str, str] = field(default_factory=dict)
    sources: dict[tuple[int, int, str], str] = field(default_factory=dict)  # mention -> extractor
    error: str = ""  # why the predictor failed on this document (scored as finding nothing)


Predictor = Callable[[Sequence[tuple[str, str]]], dict[str, PredDoc]]


def norm_name(name: str) -> str:
    """Names compare after NFKC, case folding and removing spaces."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def ner_predictor(model) -> Predictor:
    """Predictions of a trained CRF alone, through the ``crf@1`` extractor the pipeline uses
    (mentions, and one entity per surface form)."""
    from kg import ner
    from kg.extractors import crf
    from kg.normalize import normalize
    from kg.types import Document

    model = model if isinstance(model, ner.NerModel) else ner.load(model)

    def predict(items: Sequence[tuple[str, str]], paths=None) -> dict[str, PredDoc]:
        out = {}
        for doc_id, text in items:
            pred = PredDoc()
            for m in crf.propose(Document(doc_id, text, norm=normalize(text)), model):
                pred.mentions.append((m.start, m.end, m.cls))
                pred.sources[(m.start, m.end, m.cls)] = m.extractor
                ent = pred.entities.setdefault(m.text, PredEntity(m.text, m.text, m.cls))
                ent.names.add(m.text)
            out[doc_id] = pred
        return out

    return predict


def pipeline_predictor(ner_model=None, **options) -> Predictor:
    """Predictions of the full pipeline (``kg.api``), read back from the graph it builds.

    Each text is built on its own, as ``kg build`` would build that one file, so the result
    of a record never depends on which other records are scored with it.
    """
    def predict(items: Sequence[tuple[str, str]], paths: dict[str, Path] | None = None) -> dict[str, PredDoc]:
        from kg import api
        from kg.types import Document

        opts = dict(options)
        if ner_model is not None:
            opts["ner_model"] = str(ner_model)
        out: dict[str, PredDoc] = {}
        built: dict[Path, dict[str, PredDoc]] = {}
        for doc_id, text in items:
            if paths and doc_id in paths:  # a file (a JSONL corpus is built as a whole, once)
                path = paths[doc_id]
                if path not in built:
                    built[path] = read_graph(api.build([path], **opts).quads)
                out[doc_id] = built[path].get(doc_id, PredDoc())
            else:
                try:
                    result = api.build_documents([Document(id=doc_id, text=text, source=doc_id)], **opts)
                except Exception as exc:  # noqa: BLE001 - one failing record must not end a long run
                    out[doc_id] = PredDoc(error=f"{type(exc).__name__}: {exc}")
                    continue
                out[doc_id] = read_graph(result.quads).get(doc_id, PredDoc())
        return out

    return predict


def graph_predictor(path: str | Path) -> Predictor:
    """Predictions read from an RDF file built earlier (documents matched by identifier)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    rdfio.read_into(store, path)  # kg.rdfio: the one RDF reader
    docs = read_graph(store)
    return lambda items, paths=None: {doc_id: docs.get(doc_id, PredDoc()) for doc_id, _ in items}


_Q = """PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX zkg: <https://w3id.org/zhkg/ontology#>
"""
_QUERIES = {
    "docs": "SELECT ?doc ?id WHERE { ?doc a zkg:Article ; dcterms:identifier ?id }",
    "mentions": """SELECT ?doc ?b ?e ?anchor ?cls ?ent ?x WHERE { ?m nif:referenceContext ?doc ;
        nif:beginIndex ?b ; nif:endIndex ?e . FILTER(?m != ?doc)
        OPTIONAL { ?m nif:anchorOf ?anchor } OPTIONAL { ?m itsrdf:taClassRef ?cls }
        OPTIONAL { ?m zkg:extractor ?x }
        OPTIONAL { ?m itsrdf:taIdentRef ?ent } FILTER NOT EXISTS { ?m a nif:Sentence } }""",
    "names": """SELECT DISTINCT ?ent ?name ?kind WHERE {
        { ?ent rdfs:label ?name BIND("label" AS ?kind) }
        UNION { ?ent skos:altLabel ?name BIND("alt" AS ?kind) }
        UNION { ?ent zkg:jobTitle ?name BIND("job" AS ?kind) }
        UNION { ?ent a ?name BIND("type" AS ?kind) }
        FILTER EXISTS { ?x itsrdf:taIdentRef ?ent } }""",
    "relations": """SELECT ?doc ?s ?p ?o WHERE { ?st a rdf:Statement ; rdf:subject ?s ;
        rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?doc }""",
    "metrics": """SELECT ?m ?ent ?label ?value ?unit ?q ?doc WHERE { ?m a zkg:Metric ;
        zkg:value ?value . OPTIONAL { ?ent zkg:hasMetric ?m } OPTIONAL { ?m rdfs:label ?label }
        OPTIONAL { ?m zkg:unit ?unit } OPTIONAL { ?m zkg:qualifier ?q }
        OPTIONAL { ?m prov:wasDerivedFrom ?doc } }""",
    "article": """SELECT ?doc ?p ?v ?vl WHERE { ?doc a zkg:Article ; ?p ?v .
        FILTER(?p IN (dcterms:title, zkg:author, zkg:publishedIn, zkg:datePublished))
        OPTIONAL { ?v rdfs:label ?vl } }""",
}


def _local(term) -> str:
    value = term.value
    return value.rsplit("#", 1)[-1] if "#" in value else value.rsplit("/", 1)[-1]


def _rows(store, name: str):
    return store.query(_Q + _QUERIES[name], use_default_graph_as_union=True)


def read_graph(source) -> dict[str, PredDoc]:
    """Read predictions per document identifier from a pyoxigraph Store or a list of quads."""
    import pyoxigraph

    store = source
    if not isinstance(source, pyoxigraph.Store):
        store = pyoxigraph.Store()
        store.bulk_extend(source)
    ids = {row["doc"].value: row["id"].value for row in _rows(store, "docs")}
    docs = {doc_id: PredDoc() for doc_id in ids.values()}
    info = _read_entities(store)
    for row in _rows(store, "mentions"):
        pred = docs.get(ids.get(row["doc"].value, ""))
        if pred is None:
            continue
        start, end = int(row["b"].value), int(row["e"].value)
        ent_iri = row["ent"].value if row["ent"] is not None else None
        cls = _local(row["cls"]) if row["cls"] is not None else (
            info[ent_iri].cls if ent_iri in info else "Organization")
        pred.mentions.append((start, end, cls))
        if row["x"] is not None:
            pred.sources[(start, end, cls)] = row["x"].value
        if ent_iri in info:
            known = info[ent_iri]
            ent = pred.entities.setdefault(ent_iri, PredEntity(
                ent_iri, known.name, known.cls, set(known.names), set(known.job_titles)))
            if row["anchor"] is not None:
                ent.names.add(row["anchor"].value)
    for row in _rows(store, "relations"):
        pred = docs.get(ids.get(row["doc"].value, ""))
        if pred is not None:
            pred.relations.append((row["s"].value, _local(row["p"]), row["o"].value))
    _read_metrics(store, ids, docs)
    for row in _rows(store, "article"):
        pred = docs.get(ids.get(row["doc"].value, ""))
        if pred is None:
            continue
        key, label = _local(row["p"]), row["vl"]
        # an entity's Chinese (or untagged) label wins over its English one
        if label is not None and (key not in pred.article or label.language in (None, "zh")):
            pred.article[key] = label.value
        elif label is None:
            pred.article[key] = row["v"].value
    for pred in docs.values():
        pred.mentions.sort()
        pred.relations.sort()
    return docs


def _read_entities(store) -> dict[str, PredEntity]:
    """Every mentioned entity with its labels, altLabels, most specific class and job titles."""
    info: dict[str, PredEntity] = {}
    for row in _rows(store, "names"):
        ent = info.setdefault(row["ent"].value, PredEntity(row["ent"].value, "", ""))
        kind, value = row["kind"].value, row["name"]
        if kind == "type":
            cls = _local(value)
            if cls in ENTITY_CLASSES and (not ent.cls or specificity(cls) > specificity(ent.cls)):
                ent.cls = cls
        elif kind == "job":
            ent.job_titles.add(value.value)
        else:
            ent.names.add(value.value)
            if kind == "label" and (not ent.name or value.language == "zh"):
                ent.name = value.value
    for ent in info.values():
        ent.cls = ent.cls or "Organization"
    return info


def _read_metrics(store, ids: dict[str, str], docs: dict[str, PredDoc]) -> None:
    for row in _rows(store, "metrics"):
        iri = row["m"].value
        doc_iri = row["doc"].value if row["doc"] is not None else iri.split("#", 1)[0]
        pred = docs.get(ids.get(doc_iri, ""))
        if pred is None:
            continue
        try:
            value = Decimal(row["value"].value)
        except InvalidOperation:
            continue
        pred.metrics.append(PredMetric(
            row["ent"].value if row["ent"] is not None else None,
            row["label"].value if row["label"] is not None else "", value,
            row["unit"].value if row["unit"] is not None else "",
            row["q"].value if row["q"] is not None else None))
