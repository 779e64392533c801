"""Evidence for the visualization: the sentences behind each relation and metric, mentions located.

:class:`EvidenceIndex` indexes the provenance records of the graph contract once (``rdf:Statement``
with ``zkg:evidence`` -> ``nif:Sentence``, and the ``nif:Phrase`` mentions of each entity) and
answers look-ups per triple; :func:`attach_metrics` folds each entity's metrics in with theirs.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.ontology import ITSRDF_IRI, NIF_IRI, PREFIXES, PROV_IRI, ZKG_IRI
from kg.viz.values import as_int, first_literal, objects

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]


@dataclass
class Evidence:
    """One sentence supporting a relation or metric, with mention spans relative to ``text``."""

    text: str
    doc: str
    begin: int | None
    highlights: list[tuple[int, int, str]] = field(default_factory=list)
    extractor: str | None = None
    confidence: float | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "doc": self.doc, "begin": self.begin,
                "marks": [list(h) for h in self.highlights], "extractor": self.extractor,
                "confidence": self.confidence}


class EvidenceIndex:
    """Indexes statements, sentences and phrases once, then answers evidence look-ups.

    With ``full=False`` only what :meth:`facts` needs is indexed (no texts, no offsets).
    """

    def __init__(self, store: ox.Store, full: bool = True) -> None:
        def one(pred):
            return {s: v[0] for s, v in objects(store, pred).items()}
        subj, pred, obj = one(RDF + "subject"), one(RDF + "predicate"), one(RDF + "object")
        self.by_triple: dict[tuple, list[str]] = defaultdict(list)
        for stmt in sorted(subj):
            if stmt in pred and stmt in obj:
                self.by_triple[(subj[stmt].value, pred[stmt].value, obj[stmt].value)].append(stmt)
        self.sentence = objects(store, ZKG_IRI + "evidence")
        self.derived = one(PROV_IRI + "wasDerivedFrom")
        self.confidence = one(ZKG_IRI + "confidence")
        self.context = one(NIF_IRI + "referenceContext")
        self.phrases: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        if not full:
            return
        self.extractor = one(ZKG_IRI + "extractor")
        self.anchor = one(NIF_IRI + "anchorOf")
        self.begin = one(NIF_IRI + "beginIndex")
        self.end = one(NIF_IRI + "endIndex")
        for phrase, ents in objects(store, ITSRDF_IRI + "taIdentRef").items():
            b, e, ctx = self.begin.get(phrase), self.end.get(phrase), self.context.get(phrase)
            if b is None or e is None or ctx is None:
                continue
            for ent in ents:
                self.phrases[(ctx.value, ent.value)].append((int(b.value), int(e.value)))

    def facts(self, s: str, p: str, o: str) -> tuple[float | None, int, set[str]]:
        """(highest confidence, number of evidence sentences, documents) of the triple's statements."""
        conf, sentences, docs = None, set(), set()
        for stmt in self.by_triple.get((s, p, o), []):
            value = self.confidence.get(stmt)
            try:
                conf = max(conf if conf is not None else 0.0, float(value.value))
            except (AttributeError, ValueError):
                pass
            sentences.update(v.value for v in self.sentence.get(stmt, [])
                             if isinstance(v, ox.NamedNode))
            if stmt in self.derived:
                docs.add(self.derived[stmt].value)
        docs.update(self._doc(None, sent) for sent in sentences)
        return conf, len(sentences), docs

    def _doc(self, stmt: str | None, sentence: str) -> str:
        if sentence in self.context:
            return self.context[sentence].value
        if stmt and stmt in self.derived:
            return self.derived[stmt].value
        return sentence.split("#", 1)[0]

    def sentences(self, stmt: str | None, sent_iris: list[str], roles: dict[str, tuple]) -> list:
        """Evidence records for ``sent_iris``; ``roles`` maps role -> (entity IRI, label)."""
        out = []
        for sent in sent_iris:
            text = self.anchor.get(sent)
            if text is None:
                continue
            text = text.value
            doc = self._doc(stmt, sent)
            sb = as_int([self.begin[sent]]) if sent in self.begin else None
            marks = set()
            for role, (iri, name) in roles.items():
                spans = [(b - sb, e - sb) for b, e in self.phrases.get((doc, iri), [])
                         if sb is not None and sb <= b and e <= sb + len(text)]
                if not spans and name and name in text:  # no NIF phrase: fall back to the name
                    i = text.index(name)
                    spans = [(i, i + len(name))]
                marks.update((b, e, role) for b, e in spans)
            ext = self.extractor.get(stmt) if stmt else None
            conf = self.confidence.get(stmt) if stmt else None
            out.append(Evidence(text, doc, sb, sorted(marks), ext.value if ext else None,
                                float(conf.value) if conf is not None else None))
        return out

    def for_triple(self, s: str, p: str, o: str, roles: dict[str, tuple]) -> list[Evidence]:
        """Every evidence sentence recorded for the triple (s, p, o)."""
        found = []
        for stmt in self.by_triple.get((s, p, o), []):
            sents = sorted(v.value for v in self.sentence.get(stmt, [])
                           if isinstance(v, ox.NamedNode))
            found.extend(self.sentences(stmt, sents, roles))
        uniq = {(e.doc, e.begin or 0, e.text): e for e in found}
        return [uniq[k] for k in sorted(uniq)]


def attach_metrics(store: ox.Store, nodes: dict, ev: EvidenceIndex) -> None:
    """Fill each node's ``metrics`` (zkg:hasMetric) with its label, value, unit and evidence."""
    has = ZKG_IRI + "hasMetric"
    labels = objects(store, RDFS + "label")
    fields = {k: objects(store, ZKG_IRI + k) for k in ("value", "unit", "qualifier")}
    for q in sorted(store.quads_for_pattern(None, ox.NamedNode(has), None, None), key=str):
        ent, m = q.subject.value, q.object.value
        node = nodes.get(ent)
        if node is None or any(x["iri"] == m for x in node.metrics):
            continue
        roles = {"subject": (ent, node.label)}
        evid = ev.for_triple(ent, has, m, roles)
        direct = sorted(v.value for v in ev.sentence.get(m, []) if isinstance(v, ox.NamedNode))
        seen = {x.text for x in evid}
        evid += [e for e in ev.sentences(None, direct, roles) if e.text not in seen]
        node.metrics.append({
            "iri": m, "label": first_literal(labels.get(m, []), "zh") or
            first_literal(labels.get(m, [])) or "",
            **{k: first_literal(v.get(m, [])) for k, v in fields.items()},
            "evidence": [e.to_json() for e in evid]})
    for node in nodes.values():
        node.metrics.sort(key=lambda x: (x["label"], x["iri"]))
