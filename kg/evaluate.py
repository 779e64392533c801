"""Precision, recall and F1 of extraction against gold annotations.

Four gold formats (:data:`FORMATS`):

- ``cluener``: CLUENER-style JSONL, scored as exact character spans per CLUENER type, with
  zhkg classes mapped to CLUENER types by :data:`CLUENER_TYPES`;
- ``doc``: whole-document gold JSON (``tests/gold/*.json``): entities matched by name or alias
  plus a compatible class, relations by their matched ends, metrics by value and subject;
- ``finre``: FinRE ``head<TAB>tail<TAB>relation<TAB>sentence`` lines, relations mapped by
  :data:`FINRE_RELATIONS`, judged on the annotated entity pairs only;
- ``duie``: DuIE JSONL (``text``, ``spo_list``), mapped by :data:`DUIE_RELATIONS`.

Predictions come from a *predictor*: a function from ``[(doc_id, text), ...]`` to
``{doc_id: PredDoc}``. The pipeline predictor builds the documents and reads the RDF graph
back with SPARQL (:mod:`kg.evalgraph`-free: see :func:`read_graph`), so scoring depends only on
the graph contract, not on the pipeline's internals.
"""
from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterable, Sequence

from kg.errors import InputError
from kg.ontology import ENTITY_CLASSES, is_a, specificity

__all__ = [
    "CLUENER_TYPES", "Counts", "DUIE_RELATIONS", "ErrorCase", "FINRE_RELATIONS", "FORMATS",
    "PredDoc", "PredEntity", "PredMetric", "Report", "detect_format", "evaluate",
    "format_report", "graph_predictor", "match_entities", "ner_predictor", "pipeline_predictor",
    "read_graph", "score_doc", "score_spans",
]

FORMATS = ("cluener", "doc", "finre", "duie")

#: zhkg class -> CLUENER type; classes not listed are not scored on CLUENER.
CLUENER_TYPES: dict[str, str] = {
    "Company": "company", "FinancialInstitution": "company", "GovernmentAgency": "government",
    "Organization": "organization", "ResearchInstitute": "organization",
    "OrganizationUnit": "organization", "Person": "name", "Place": "address",
}
CLUENER_ORDER = ("company", "government", "organization", "name", "address")
#: The CLUENER types of the issue's span-F1 target.
TARGET_TYPES = ("company", "government", "name")

FINRE_RELATIONS: dict[str, str] = {
    "合作": "cooperatesWith", "签约": "cooperatesWith", "合资": "cooperatesWith",
    "收购": "acquires", "拟收购": "acquires",
    "注资": "invests", "入股": "invests", "增持": "invests", "持股": "invests",
    "成立": "establishes",
}
#: DuIE predicate -> (zhkg property, whether the DuIE object is our subject).
DUIE_RELATIONS: dict[str, tuple[str, bool]] = {
    "董事长": ("worksFor", True), "创始人": ("worksFor", True),
    "总部地点": ("locatedIn", False), "简称": ("alias", False),
}
SYMMETRIC = frozenset({"cooperatesWith"})


@dataclass
class Counts:
    """True positives, false positives and false negatives; P/R/F1 are 0.0 when undefined."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        return self

    def as_dict(self) -> dict:
        return {"gold": self.tp + self.fn, "pred": self.tp + self.fp, "tp": self.tp,
                "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class ErrorCase:
    """One false positive (``FP``) or false negative (``FN``) with its context.

    ``reason``: ``missed`` / ``spurious`` (nothing overlaps), ``boundary`` (an overlapping
    span of a compatible type), ``class`` (same span, other type), or ``wrong``.
    """

    kind: str
    reason: str
    section: str
    key: str
    text: str
    doc: str
    context: str
    other: str = ""


@dataclass
class Section:
    """One table: counts per key, optional named groups of keys, recall-only flag."""

    counts: dict[str, Counts] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    recall_only: bool = False

    def get(self, key: str) -> Counts:
        return self.counts.setdefault(key, Counts())

    def total(self, keys: Iterable[str] | None = None) -> Counts:
        out = Counts()
        for key in (self.counts if keys is None else keys):
            out += self.counts.get(key, Counts())
        return out

    def macro_f1(self) -> float:
        scored = [c for c in self.counts.values() if c.tp + c.fn]
        return sum(c.f1 for c in scored) / len(scored) if scored else 0.0


@dataclass
class Report:
    """Everything one evaluation measured."""

    title: str
    docs: int = 0
    sections: dict[str, Section] = field(default_factory=dict)
    errors: list[ErrorCase] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def section(self, name: str, **kwargs) -> Section:
        if name not in self.sections:
            self.sections[name] = Section(**kwargs)
        return self.sections[name]

    def to_dict(self, errors: bool = False) -> dict:
        out = {"title": self.title, "docs": self.docs, "notes": self.notes, "sections": {}}
        for name, sec in self.sections.items():
            out["sections"][name] = {
                "classes": {k: c.as_dict() for k, c in sec.counts.items()},
                "overall": sec.total().as_dict(), "macro_f1": round(sec.macro_f1(), 4),
                "groups": {g: sec.total(keys).as_dict() for g, keys in sec.groups.items()},
            }
        if errors:
            out["errors"] = [e.__dict__ for e in self.errors]
        return out


# ---------------------------------------------------------------- predictions


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
    error: str = ""  # why the predictor failed on this document (scored as finding nothing)


Predictor = Callable[[Sequence[tuple[str, str]]], dict[str, PredDoc]]


def norm_name(name: str) -> str:
    """Names compare after NFKC, case folding and removing spaces."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def ner_predictor(model) -> Predictor:
    """Predictions of a trained CRF alone (mentions and one entity per surface form)."""
    from kg import ner

    model = model if isinstance(model, ner.NerModel) else ner.load(model)

    def predict(items: Sequence[tuple[str, str]], paths=None) -> dict[str, PredDoc]:
        out = {}
        for doc_id, text in items:
            pred = PredDoc()
            for span in model.predict(text):
                surface = text[span.start:span.end]
                pred.mentions.append((span.start, span.end, span.label))
                ent = pred.entities.setdefault(surface, PredEntity(surface, surface, span.label))
                ent.names.add(surface)
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

    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such graph file: {path}")
    fmt = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".trig": pyoxigraph.RdfFormat.TRIG,
           ".nt": pyoxigraph.RdfFormat.N_TRIPLES, ".nq": pyoxigraph.RdfFormat.N_QUADS,
           ".jsonld": pyoxigraph.RdfFormat.JSON_LD}.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot read graph {path}", hint="use .ttl, .trig, .nt, .nq or .jsonld")
    store = pyoxigraph.Store()
    try:
        store.load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"cannot parse {path}: {exc}") from None
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
    "mentions": """SELECT ?doc ?b ?e ?anchor ?cls ?ent WHERE { ?m nif:referenceContext ?doc ;
        nif:beginIndex ?b ; nif:endIndex ?e . FILTER(?m != ?doc)
        OPTIONAL { ?m nif:anchorOf ?anchor } OPTIONAL { ?m itsrdf:taClassRef ?cls }
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
_ARTICLE_FIELDS = {"title": "title", "author": "author", "publishedIn": "publishedIn",
                   "datePublished": "datePublished"}


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


# ---------------------------------------------------------------- span scoring


def context(text: str, start: int, end: int, width: int = 12) -> str:
    """``text`` around ``[start, end)`` with the span in 【】 and newlines flattened."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    out = f"{'…' if start > width else ''}{left}【{text[start:end]}】{right}{'…' if end + width < len(text) else ''}"
    return " ".join(out.split())


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_spans(gold: Iterable[tuple[int, int, str]], pred: Iterable[tuple[int, int, str]],
                section: Section, *, text: str = "", doc: str = "",
                errors: list[ErrorCase] | None = None, name: str = "entities") -> None:
    """Exact span scoring per type; adds counts to ``section`` and error cases to ``errors``."""
    gold, pred = sorted(set(gold)), sorted(set(pred))
    gold_set, pred_set = set(gold), set(pred)
    for g in gold:
        section.get(g[2])
        if g in pred_set:
            section.get(g[2]).tp += 1
            continue
        section.get(g[2]).fn += 1
        if errors is not None:
            errors.append(_span_error("FN", g, pred, text, doc, name))
    for p in pred:
        if p not in gold_set:
            section.get(p[2]).fp += 1
            if errors is not None:
                errors.append(_span_error("FP", p, gold, text, doc, name))


def _span_error(kind: str, span, others, text: str, doc: str, name: str) -> ErrorCase:
    start, end, key = span
    near = [o for o in others if _overlap(span, o)]
    same = [o for o in near if (o[0], o[1]) == (start, end)]
    if same:
        reason, other = "class", same[0]
    elif any(o[2] == key for o in near):
        reason, other = "boundary", next(o for o in near if o[2] == key)
    elif near:
        reason, other = "boundary+class", near[0]
    else:
        reason, other = ("missed" if kind == "FN" else "spurious"), None
    other_text = f"{text[other[0]:other[1]]} ({other[2]})" if other else ""
    return ErrorCase(kind, reason, name, key, text[start:end], doc, context(text, start, end), other_text)


# ---------------------------------------------------------------- CLUENER


def _read_jsonl(path: Path, limit: int | None) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            if limit is not None and len(records) >= limit:
                break
    return records


def eval_cluener(records: Sequence[dict], predictor: Predictor, report: Report,
                 errors: bool = False) -> Report:
    """Span P/R/F1 per CLUENER type; ``position`` gold is compared with predicted job titles."""
    from kg.ner import record_spans

    items = [(str(n), rec["text"]) for n, rec in enumerate(records, 1)]
    preds = predictor(items)
    sec = report.section("entities", groups={"company+government+name": TARGET_TYPES})
    for key in CLUENER_ORDER:
        sec.get(key)
    jobs = report.section("position vs jobTitle (strings)")
    err = report.errors if errors else None
    for (doc_id, text), rec in zip(items, records):
        spans = record_spans(rec)
        gold = [(s.start, s.end, s.label) for s in spans if s.label in CLUENER_ORDER]
        pred = preds.get(doc_id, PredDoc())
        mapped = [(s, e, CLUENER_TYPES[c]) for s, e, c in pred.mentions if c in CLUENER_TYPES]
        score_spans(gold, mapped, sec, text=text, doc=doc_id, errors=err)
        gold_jobs = {text[s.start:s.end] for s in spans if s.label == "position"}
        pred_jobs = {j for ent in pred.entities.values() for j in ent.job_titles}
        c = jobs.get("position")
        c.tp += len(gold_jobs & pred_jobs)
        c.fn += len(gold_jobs - pred_jobs)
        c.fp += len(pred_jobs - gold_jobs)
    if not jobs.total().tp + jobs.total().fp:  # the predictor gives no job titles at all
        del report.sections["position vs jobTitle (strings)"]
    report.docs = len(records)
    return report


# ---------------------------------------------------------------- whole documents


def _compatible(a: str, b: str) -> bool:
    return is_a(a, b) or is_a(b, a)


def _gold_names(ent: dict) -> set[str]:
    return {norm_name(n) for n in [ent["name"], *(ent.get("aliases") or [])] if n}


def match_entities(gold: Sequence[dict], pred: dict[str, PredEntity]) -> dict[int, str]:
    """Gold entity index -> predicted entity key, one to one.

    A pair matches when a name or alias is shared and the classes are compatible (equal, or
    one a subclass of the other). Ties prefer the same canonical name, then the same class.
    """
    pred_names = {k: {norm_name(n) for n in p.names | {p.name} if n} for k, p in pred.items()}
    used: set[str] = set()
    out: dict[int, str] = {}
    for i, g in enumerate(gold):
        names = _gold_names(g)
        cands = [k for k, p in sorted(pred.items()) if k not in used and names & pred_names[k]
                 and _compatible(g["class"], p.cls)]
        if not cands:
            continue
        best = min(cands, key=lambda k: (norm_name(pred[k].name) != norm_name(g["name"]),
                                         pred[k].cls != g["class"], k))
        out[i] = best
        used.add(best)
    return out


def _resolver(gold_entities: Sequence[dict], matched: dict[int, str], pred: PredDoc):
    """A function from a gold name to the predicted entity keys it can stand for."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for i, g in enumerate(gold_entities):
        for n in _gold_names(g):
            if i in matched:
                by_name[n].add(matched[i])
            else:
                by_name.setdefault(n, set())
    pred_by_name: dict[str, set[str]] = defaultdict(set)
    for k, p in pred.entities.items():
        for n in p.names | {p.name}:
            pred_by_name[norm_name(n)].add(k)

    def resolve(name: str | None) -> set[str]:
        if not name:
            return set()
        key = norm_name(name)
        return by_name[key] if key in by_name else pred_by_name.get(key, set())

    return resolve


def _score_relations(gold: Sequence[tuple], pred: Sequence[tuple[str, str, str]],
                     resolve, sec: Section, names: dict[str, str], doc: str, ctx: str,
                     errors: list[ErrorCase] | None) -> None:
    """Relations match when the predicate agrees and both ends resolve to the predicted ones.

    ``gold`` items are ``(subject, predicate, object[, optional])``: required ones are
    matched first; an optional one that matches is neither a hit nor a false positive.
    """
    remaining = sorted(set(pred))
    for item in sorted(gold, key=lambda g: len(g) > 3 and bool(g[3])):
        gs, gp, go = item[:3]
        optional = len(item) > 3 and bool(item[3])
        subj, obj = resolve(gs), resolve(go)
        hit = next((r for r in remaining if r[1] == gp and (
            (r[0] in subj and r[2] in obj) or (gp in SYMMETRIC and r[0] in obj and r[2] in subj))), None)
        if hit:
            remaining.remove(hit)
            if not optional:
                sec.get(gp).tp += 1
        elif not optional:
            sec.get(gp).fn += 1
            if errors is not None:
                errors.append(ErrorCase("FN", "missed", "relations", gp, f"{gs} -{gp}-> {go}", doc, ctx))
    for s, p, o in remaining:
        sec.get(p).fp += 1
        if errors is not None:
            errors.append(ErrorCase("FP", "wrong", "relations", p,
                                    f"{names.get(s, s)} -{p}-> {names.get(o, o)}", doc, ctx))


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def score_doc(gold: dict, pred: PredDoc, report: Report, errors: bool = False) -> None:
    """Score one whole-document gold record against one document's predictions.

    Gold items marked ``"optional": true`` (and relations touching an optional entity) are
    never missed, and a prediction that matches one is not a false positive.
    """
    doc = str(gold.get("document", ""))
    err = report.errors if errors else None
    gold_ents = sorted(gold.get("entities") or [], key=lambda e: bool(e.get("optional")))
    optional_names = {n for e in gold_ents if e.get("optional") for n in [e["name"], *e.get("aliases", [])]}
    matched = match_entities(gold_ents, pred.entities)
    sec = report.section("entities")
    for i, g in enumerate(gold_ents):
        if g.get("optional"):
            continue
        if i in matched:
            sec.get(g["class"]).tp += 1
        else:
            sec.get(g["class"]).fn += 1
            if err is not None:
                err.append(ErrorCase("FN", "missed", "entities", g["class"], g["name"], doc, ""))
    matched_keys = set(matched.values())
    for k, p in sorted(pred.entities.items()):
        if k not in matched_keys:
            sec.get(p.cls).fp += 1
            if err is not None:
                err.append(ErrorCase("FP", "spurious", "entities", p.cls, p.name, doc, ""))
    jobs = report.section("jobTitle", recall_only=True)
    for i, g in enumerate(gold_ents):
        if g.get("jobTitle") and not g.get("optional"):
            found = i in matched and g["jobTitle"] in pred.entities[matched[i]].job_titles
            c = jobs.get("jobTitle")
            c.tp, c.fn = c.tp + found, c.fn + (not found)
    resolve = _resolver(gold_ents, matched, pred)
    names = {k: p.name for k, p in pred.entities.items()}
    gold_rels = [(r["subject"], r["predicate"], r["object"], bool(
        r.get("optional") or r["subject"] in optional_names or r["object"] in optional_names))
        for r in gold.get("relations") or []]
    _score_relations(gold_rels, pred.relations, resolve, report.section("relations"), names, doc, "", err)
    _score_metrics(gold.get("metrics") or [], pred.metrics, resolve, report, doc, err, optional_names, names)
    _score_article(gold.get("article") or {}, pred.article, report, doc, err)


def _score_metrics(gold: Sequence[dict], pred: Sequence[PredMetric], resolve, report: Report,
                   doc: str, err: list[ErrorCase] | None, optional_names: set[str] = frozenset(),
                   names: dict[str, str] | None = None) -> None:
    """``metrics``: same subject, value and unit; ``metrics (value)``: the value alone.

    The qualifier of each matched metric is scored apart (recall-only row ``qualifier``).
    """
    gold = sorted(gold, key=lambda g: bool(g.get("optional") or g.get("subject") in optional_names))
    for section, strict in (("metrics", True), ("metrics (value only)", False)):
        sec = report.section(section)
        c = sec.get("metric")
        remaining = list(pred)
        for g in gold:
            optional = bool(g.get("optional") or g.get("subject") in optional_names)
            value = _decimal(g.get("value"))
            subj = resolve(g.get("subject")) if strict and g.get("subject") else None
            hit = next((m for m in remaining if m.value == value and (subj is None or m.subject in subj)
                        and (not strict or norm_name(m.unit or "") == norm_name(g.get("unit") or ""))), None)
            if hit is not None:
                remaining.remove(hit)
                if strict and not optional:
                    q = report.section("metric qualifiers", recall_only=True).get("qualifier")
                    same = (hit.qualifier or None) == (g.get("qualifier") or None)
                    q.tp, q.fn = q.tp + same, q.fn + (not same)
                c.tp += not optional
            elif not optional:
                c.fn += 1
                if err is not None and strict:
                    err.append(ErrorCase("FN", "missed", "metrics", "metric",
                                         f"{g.get('subject')} {g.get('label')} = {g.get('value')} {g.get('unit') or ''}",
                                         doc, ""))
        c.fp += len(remaining)
        if err is not None and strict:
            err.extend(ErrorCase("FP", "wrong", "metrics", "metric", f"{(names or {}).get(m.subject, m.subject or '-')} {m.label or '?'} = {m.value} {m.unit}", doc, "")
                       for m in remaining)


def _score_article(gold: dict, pred: dict, report: Report, doc: str, err) -> None:
    sec = report.section("article")
    for key, value in sorted(gold.items()):
        if value in (None, ""):
            continue
        c = sec.get(key)
        got = pred.get(key)
        if got is not None and norm_name(str(got)) == norm_name(str(value)):
            c.tp += 1
            continue
        c.fn += 1
        if got is not None:
            c.fp += 1
        if err is not None:
            err.append(ErrorCase("FN", "wrong" if got else "missed", "article", key, str(value), doc, "",
                                 str(got or "")))


REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def doc_text_path(gold: dict, gold_path: Path) -> Path:
    """Find the article a whole-document gold file describes (next to it, in the repo or ../shared)."""
    name = str(gold.get("file") or gold.get("document", ""))
    source = str(gold.get("source", ""))
    here = gold_path.parent
    candidates = [here / name, here / source / name, REPO / source / name,
                  REPO / source / "articles" / name, SHARED / source / name, Path(source) / name]
    for cand in candidates:
        if name and cand.is_file():
            return cand
    raise InputError(f"{gold_path}: cannot find the article {name!r} (source {source!r})",
                     hint="put it next to the gold file, or give a built graph with --graph")


def load_doc_gold(path: Path) -> list[tuple[Path, dict]]:
    """Whole-document gold records from a file or every ``*.json`` in a folder."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    out = []
    for f in files:
        try:
            gold = json.loads(f.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{f}: not a JSON gold file ({exc})") from None
        if not isinstance(gold, dict) or "entities" not in gold:
            raise InputError(f"{f}: not a whole-document gold file (no 'entities')")
        out.append((f, gold))
    if not out:
        raise InputError(f"{path}: holds no *.json gold file")
    return out


def _document_text(path: Path, doc_id: str) -> str:
    """The text of a plain file, or of the item ``doc_id`` of a JSONL corpus."""
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        return path.read_text(encoding="utf-8")
    for record in _read_jsonl(path, None):
        if str(record.get("id")) == doc_id:
            return str(record.get("text", ""))
    raise InputError(f"{path}: no item with id {doc_id!r}")


def eval_docs(golds: Sequence[tuple[Path, dict]], predictor: Predictor, report: Report,
              errors: bool = False, from_files: bool = True) -> Report:
    """Score whole-document gold records; the documents are built (or looked up) by predictor."""
    items, paths = [], {}
    for path, gold in golds:
        doc_id = str(gold.get("document", path.stem))
        text = ""
        if from_files:
            paths[doc_id] = doc_text_path(gold, path)
            text = _document_text(paths[doc_id], doc_id)
        items.append((doc_id, text))
    preds = predictor(items, paths=paths) if paths else predictor(items)
    for (doc_id, _), (_, gold) in zip(items, golds):
        score_doc(gold, preds.get(doc_id, PredDoc()), report, errors)
    report.docs = len(golds)
    return report


# ---------------------------------------------------------------- relation datasets


@dataclass
class RelGold:
    """One sentence of a relation dataset: gold triples over surface names."""

    text: str
    relations: set[tuple[str, str, str]] = field(default_factory=set)
    pairs: set[tuple[str, str]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    aliases: set[tuple[str, str]] = field(default_factory=set)
    ends: set[str] = field(default_factory=set)


def read_finre(path: Path, limit: int | None = None) -> list[RelGold]:
    """FinRE lines grouped by sentence (``<N>`` number placeholders become ``0``)."""
    by_text: dict[str, RelGold] = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                raise InputError(f"{path}:{n}: expected head, tail, relation, sentence separated by tabs")
            head, tail, rel, text = (p.replace("<N>", "0") for p in parts)
            if text not in by_text:
                if limit is not None and len(by_text) >= limit:
                    break
                by_text[text] = RelGold(text)
            g = by_text[text]
            g.pairs.add((head, tail))
            g.names.update((head, tail))
            if rel in FINRE_RELATIONS:
                g.relations.add((head, FINRE_RELATIONS[rel], tail))
                g.ends.update((head, tail))
    return list(by_text.values())


def read_duie(path: Path, limit: int | None = None) -> list[RelGold]:
    """DuIE records that hold at least one mapped predicate."""
    out = []
    for rec in _read_jsonl(path, None):
        g = RelGold(rec.get("text", ""))
        for spo in rec.get("spo_list") or []:
            obj = spo.get("object") or {}
            obj = obj.get("@value", "") if isinstance(obj, dict) else str(obj)
            subj = spo.get("subject", "")
            g.names.update((subj, obj))
            if spo.get("predicate") not in DUIE_RELATIONS:
                continue
            prop, flip = DUIE_RELATIONS[spo["predicate"]]
            if prop == "alias":
                g.aliases.add((subj, obj))
                continue
            s, o = (obj, subj) if flip else (subj, obj)
            g.relations.add((s, prop, o))
            g.pairs.add((s, o))
            g.ends.update((s, o))
        if g.relations or g.aliases:
            out.append(g)
            if limit is not None and len(out) >= limit:
                break
    return out


def eval_relations(golds: Sequence[RelGold], predictor: Predictor, report: Report,
                   errors: bool = False, judge_any_name: bool = False) -> Report:
    """Relations on the annotated pairs, recall of the gold relation ends and of aliases.

    A predicted relation is judged only when both its ends name an annotated pair
    (``judge_any_name``: any two names annotated in the sentence); others are counted apart.
    """
    items = [(str(n), g.text) for n, g in enumerate(golds, 1)]
    preds = predictor(items)
    props = sorted({p for g in golds for _, p, _ in g.relations})
    rels = report.section("relations")
    for p in props:
        rels.get(p)
    ends = report.section("relation ends (entity recall)", recall_only=True)
    aliases = report.section("aliases", recall_only=True)
    err = report.errors if errors else None
    unjudged = 0
    for (doc_id, text), g in zip(items, golds):
        pred = preds.get(doc_id, PredDoc())
        names = {k: {norm_name(n) for n in e.names | {e.name}} for k, e in pred.entities.items()}
        known = set().union(*names.values()) if names else set()
        c = ends.get("entity")
        for end in sorted(g.ends):
            found = norm_name(end) in known
            c.tp, c.fn = c.tp + found, c.fn + (not found)
            if not found and err is not None:
                i = text.find(end)
                err.append(ErrorCase("FN", "missed", "entities", "entity", end, doc_id,
                                     context(text, i, i + len(end)) if i >= 0 else text[:60]))
        for full, short in sorted(g.aliases):
            ok = any(norm_name(full) in ns and norm_name(short) in ns for ns in names.values())
            a = aliases.get("alias")
            a.tp, a.fn = a.tp + ok, a.fn + (not ok)
        judged = _judged(pred, names, g, judge_any_name, props)
        unjudged += sum(1 for r in pred.relations if r[1] in props) - len(judged)
        _score_relations(sorted(g.relations), judged, lambda n: {k for k, ns in names.items()
                                                                  if norm_name(n) in ns},
                         rels, {k: e.name for k, e in pred.entities.items()}, doc_id,
                         " ".join(text[:80].split()), err)
    report.docs = len(golds)
    report.notes.append(f"{unjudged} predicted relations of these types were between entity pairs "
                        "the gold does not annotate and are not counted")
    return report


def _judged(pred: PredDoc, names: dict[str, set[str]], g: RelGold, any_name: bool,
            props: Sequence[str]) -> list[tuple[str, str, str]]:
    if any_name:
        allowed = {(norm_name(a), norm_name(b)) for a in g.names for b in g.names if a != b}
    else:
        allowed = {(norm_name(a), norm_name(b)) for a, b in g.pairs}
        allowed |= {(b, a) for a, b in allowed}
    out = []
    for s, p, o in pred.relations:
        if p not in props:
            continue
        if any((x, y) in allowed for x in names.get(s, ()) for y in names.get(o, ())):
            out.append((s, p, o))
    return out


# ---------------------------------------------------------------- entry point


def detect_format(path: Path) -> str:
    """Guess the gold format from a file's name and first line."""
    if path.is_dir():
        return "doc"
    with path.open(encoding="utf-8", errors="replace") as fh:
        first = next((line for line in fh if line.strip()), "")
    if first.count("\t") == 3:
        return "finre"
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        record = None
    if isinstance(record, dict) and "spo_list" in record:
        return "duie"
    if isinstance(record, dict) and "label" in record and "text" in record:
        return "cluener"
    if first.lstrip().startswith("{"):
        return "doc"
    raise InputError(f"cannot tell the gold format of {path}", hint="give --format " + "|".join(FORMATS))


def evaluate(gold: str | Path, fmt: str | None = None, *, limit: int | None = None,
             ner_model: str | Path | None = None, ner_only: bool = False,
             graph: str | Path | None = None, split: float | None = None, seed: int = 13,
             predictor: Predictor | None = None) -> Report:
    """Score predictions against ``gold``; predictions come from ``predictor`` or, by default,
    the pipeline (with ``ner_model`` if given), the CRF alone (``ner_only``) or a built ``graph``.

    ``split``/``seed``: score only the held-out part of the split ``kg train-ner`` makes with
    the same values (CLUENER). Every error case is kept in ``Report.errors``.
    """
    path = Path(gold)
    if not path.exists():
        raise InputError(f"no such gold file: {path}")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown gold format {fmt!r}", hint="use one of " + ", ".join(FORMATS))
    if predictor is None:
        if graph is not None:
            predictor, how = graph_predictor(graph), f"graph {Path(graph).name}"
        elif ner_only:
            if ner_model is None:
                raise InputError("--ner-only needs --ner-model")
            predictor, how = ner_predictor(ner_model), "CRF only"
        else:
            predictor = pipeline_predictor(ner_model=ner_model)
            how = "rules + CRF" if ner_model else "rules"
    else:
        how = "custom predictor"
    report = Report(f"{path.name} [{fmt}] ({how})")
    predictor = _noting_failures(predictor, report)
    errors = True
    if fmt == "cluener":
        records = _read_jsonl(path, None if split else limit)
        if split:
            from kg.ner import split_examples

            records = split_examples(records, split, seed)[1][:limit]
            report.title += f" held-out {1 - split:.0%} (seed {seed})"
        return eval_cluener(records, predictor, report, errors)
    if fmt == "doc":
        golds = load_doc_gold(path)[:limit]
        return eval_docs(golds, predictor, report, errors, from_files=graph is None)
    if fmt == "finre":
        return eval_relations(read_finre(path, limit), predictor, report, errors)
    return eval_relations(read_duie(path, limit), predictor, report, errors, judge_any_name=True)


def _noting_failures(predictor: Predictor, report: Report) -> Predictor:
    """Wrap ``predictor`` so documents it failed on are named in the report's notes."""
    def predict(items, **kwargs):
        preds = predictor(items, **kwargs)
        failed = [(doc_id, p.error) for doc_id, p in preds.items() if p.error]
        if failed:
            report.notes.append(f"{len(failed)} documents failed to build and count as finding nothing; "
                                f"first: record {failed[0][0]}: {failed[0][1]}")
        return preds

    return predict


def _row(name: str, c: Counts, recall_only: bool = False) -> str:
    p = "     -" if recall_only else f"{c.precision:6.3f}"
    f = "     -" if recall_only else f"{c.f1:6.3f}"
    return f"{name:<32}{c.tp + c.fn:>7}{c.tp + c.fp:>7}{c.tp:>7} {p} {c.recall:6.3f} {f}"


def format_report(report: Report, errors: bool = False) -> str:
    """The report as plain-text tables (and the error list when ``errors``)."""
    lines = [f"{report.title}: {report.docs} documents"]
    for name, sec in report.sections.items():
        if not sec.counts:
            continue
        lines += ["", f"{name:<32}{'gold':>7}{'pred':>7}{'tp':>7} {'P':>6} {'R':>6} {'F1':>6}"]
        lines += [_row(k, c, sec.recall_only) for k, c in sec.counts.items()]
        if len(sec.counts) > 1:
            lines.append(_row("overall (micro)", sec.total(), sec.recall_only))
            if not sec.recall_only:
                lines.append(f"{'macro F1':<53}{sec.macro_f1():6.3f}")
        lines += [_row(g, sec.total(keys), sec.recall_only) for g, keys in sec.groups.items()]
    kinds = Counter((e.section, e.kind, e.reason) for e in report.errors)
    if kinds:
        lines += ["", "error kinds: " + "; ".join(f"{s} {k} {r} {n}" for (s, k, r), n in sorted(kinds.items()))]
    lines += [f"note: {n}" for n in report.notes]
    if errors:
        lines.append("")
        for e in report.errors:
            other = f"  [{e.other}]" if e.other else ""
            lines.append(f"{e.kind} {e.reason:<14} {e.section}/{e.key:<14} {e.text}  @{e.doc}  {e.context}{other}")
    return "\n".join(lines)
