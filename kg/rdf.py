"""Documents and entities -> RDF quads following spec/graph-contract.md.

Everything about one document goes into the named graph whose IRI is the document's: the
Article (a nif:Context), its mentions (nif:Phrase), the entities it mentions (class, labels,
aliases, English name, Wikidata link), the relations read from it with their evidence
(rdf:Statement + PROV), and its metrics. Removing a document's graph therefore removes
exactly what it contributed.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from kg import ids
from kg.ontology import ITSRDF_IRI, NIF_IRI, PROV_IRI, RELATIONS, ZKG_IRI, fits
from kg.resolve import key_of
from kg.types import Document, Entity, Span

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
DCT = "http://purl.org/dc/terms/"
WIKIDATA = "http://www.wikidata.org/entity/"


#: NamedNodes for the vocabulary and frequent entities, created once (bounded, so a
#: long-running worker does not keep every IRI it ever wrote).
T = lru_cache(maxsize=16384)(NamedNode)
#: Article metadata properties and the class of what they point to.
ARTICLE_LINKS = {"author": "Person", "publishedIn": "Publication"}
TYPE, LABEL = T(RDF + "type"), T(RDFS + "label")
INT = T(XSD + "nonNegativeInteger")
PHRASE, BEGIN, END = T(NIF_IRI + "Phrase"), T(NIF_IRI + "beginIndex"), T(NIF_IRI + "endIndex")
ANCHOR, CONTEXT = T(NIF_IRI + "anchorOf"), T(NIF_IRI + "referenceContext")
IDENT, CLASS, EXTRACTOR = T(ITSRDF_IRI + "taIdentRef"), T(ITSRDF_IRI + "taClassRef"), T(ZKG_IRI + "extractor")
DEC = T(XSD + "decimal")


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=INT)


def _dec(value: Decimal | float) -> Literal:
    """An xsd:decimal in canonical form (700000000.0, 0.8), as Oxigraph stores it."""
    text = format(Decimal(str(value)).normalize(), "f")
    return Literal(text if "." in text else text + ".0", datatype=DEC)


class DocumentGraph:
    """Builds the quads of one document's named graph."""

    def __init__(self, doc: Document, entities: dict[str, Entity], lexicon, base: str,
                 include_text: bool = True) -> None:
        self.doc, self.entities, self.lexicon, self.base = doc, entities, lexicon, base
        self.iri = ids.document_iri(doc.id, base)
        self.g = T(self.iri)
        self.include_text = include_text
        self.quads: list[Quad] = []
        self.sentences: set[Span] = set()
        self._nodes: dict[str, tuple[NamedNode, Entity]] = {}

    def add(self, s, p: str, o) -> None:
        self.quads.append(Quad(s if isinstance(s, NamedNode) else T(s), T(p), o, self.g))

    def entity_node(self, mention) -> tuple[NamedNode, Entity]:
        key = key_of(mention, self.lexicon)
        found = self._nodes.get(key)
        if found is None:
            entity = self.entities[key]
            found = self._nodes[key] = (T(ids.entity_iri(entity.key, self.base)), entity)
        return found

    def build(self) -> list[Quad]:
        self.article()
        described: set[str] = set()
        for m in self.doc.mentions:
            node, entity = self.entity_node(m)
            self.mention(m, node, entity)
            if entity.key not in described:
                described.add(entity.key)
                self.entity(node, entity)
        best: dict = {}  # one statement per triple and sentence, with its highest confidence
        for rel in self.doc.relations:
            key = (key_of(rel.subject, self.lexicon), rel.predicate, key_of(rel.object, self.lexicon),
                   rel.sentence)
            if key not in best or rel.confidence > best[key].confidence:
                best[key] = rel
        for rel in best.values():
            self.relation(rel)
        for metric in self.doc.metrics:
            self.metric(metric)
        for span in sorted(self.sentences):
            self.sentence(span)
        return self.quads

    def article(self) -> None:
        d, g = self.doc, self.g
        self.add(g, RDF + "type", T(ZKG_IRI + "Article"))
        self.add(g, RDF + "type", T(NIF_IRI + "Context"))
        self.add(g, DCT + "identifier", Literal(d.id))
        if self.include_text:
            self.add(g, NIF_IRI + "isString", Literal(d.text))
        self.add(g, NIF_IRI + "beginIndex", _int(0))
        self.add(g, NIF_IRI + "endIndex", _int(len(d.text)))
        if d.meta.get("title"):
            self.add(g, DCT + "title", Literal(d.meta["title"], language="zh"))
        if d.meta.get("date") and len(d.meta["date"]) == 10:
            self.add(g, ZKG_IRI + "datePublished", Literal(d.meta["date"], datatype=T(XSD + "date")))
        by_span = {m.span: m for m in d.mentions}
        linked = set()
        for prop, span in sorted(d.links.items()):
            m = by_span.get(span)
            if m is not None and m.cls == ARTICLE_LINKS[prop]:
                self.add(g, ZKG_IRI + prop, self.entity_node(m)[0])
                linked.add(prop)
        for prop, field in (("author", "author"), ("publishedIn", "source")):
            name = d.meta.get(field, "").strip()
            if prop not in linked and name:  # given as JSONL fields: an entity without a mention
                entity = self.entities.get(name) or Entity(name, name, ARTICLE_LINKS[prop])
                node = T(ids.entity_iri(entity.key, self.base))
                self.add(g, ZKG_IRI + prop, node)
                if name not in self.entities:
                    self.entity(node, entity)

    def mention(self, m, node: NamedNode, entity: Entity) -> None:
        # the hot path (one call per mention): quads built directly from prepared terms
        iri, g = NamedNode(ids.span_iri(self.iri, "char", m.start, m.end)), self.g
        self.quads += (
            Quad(iri, TYPE, PHRASE, g), Quad(iri, BEGIN, _int(m.start), g), Quad(iri, END, _int(m.end), g),
            Quad(iri, ANCHOR, Literal(m.text), g), Quad(iri, CONTEXT, g, g), Quad(iri, IDENT, node, g),
            Quad(iri, CLASS, T(ZKG_IRI + entity.cls), g), Quad(iri, EXTRACTOR, Literal(m.extractor), g))

    def entity(self, node: NamedNode, e: Entity) -> None:
        self.add(node, RDF + "type", T(ZKG_IRI + e.cls))
        self.add(node, RDFS + "label", Literal(e.label, language="zh"))
        for alias in sorted(e.aliases):
            self.add(node, SKOS + "altLabel", Literal(alias, language="zh"))
        if e.label_en:
            self.add(node, RDFS + "label", Literal(e.label_en, language="en"))
        if e.wikidata:
            self.add(node, OWL + "sameAs", T(WIKIDATA + e.wikidata))
        for title in sorted(e.job_titles):
            self.add(node, ZKG_IRI + "jobTitle", Literal(title))

    def evidence(self, node: NamedNode, sentence: Span, extractor: str, confidence: float) -> None:
        self.sentences.add(sentence)
        self.add(node, PROV_IRI + "wasDerivedFrom", self.g)
        self.add(node, ZKG_IRI + "evidence", T(ids.span_iri(self.iri, "sentence", *_span(sentence))))
        self.add(node, ZKG_IRI + "extractor", Literal(extractor))
        self.add(node, ZKG_IRI + "confidence", _dec(round(confidence, 2)))

    def relation(self, rel) -> None:
        s, se = self.entity_node(rel.subject)
        o, oe = self.entity_node(rel.object)
        domain, range_ = RELATIONS[rel.predicate]
        if s == o or not fits(se.cls, domain) or not fits(oe.cls, range_):
            return
        p = ZKG_IRI + rel.predicate
        self.add(s, p, o)
        st = T(ids.statement_iri(self.iri, s.value, p, o.value, str(rel.sentence.start)))
        self.add(st, RDF + "type", T(RDF + "Statement"))
        self.add(st, RDF + "subject", s)
        self.add(st, RDF + "predicate", T(p))
        self.add(st, RDF + "object", o)
        self.evidence(st, rel.sentence, rel.extractor, rel.confidence)

    def metric(self, m) -> None:
        node = T(ids.span_iri(self.iri, "metric", m.start, m.end))
        if m.subject is not None:
            s, se = self.entity_node(m.subject)
            if fits(se.cls, ("Organization", "Product")):
                self.add(s, ZKG_IRI + "hasMetric", node)
        self.add(node, RDF + "type", T(ZKG_IRI + "Metric"))
        self.add(node, RDFS + "label", Literal(m.label, language="zh"))
        self.add(node, ZKG_IRI + "value", _dec(m.value))
        if m.unit:
            self.add(node, ZKG_IRI + "unit", Literal(m.unit))
        if m.qualifier:
            self.add(node, ZKG_IRI + "qualifier", Literal(m.qualifier))
        self.add(node, NIF_IRI + "anchorOf", Literal(m.text))
        self.add(node, NIF_IRI + "beginIndex", _int(m.start))
        self.add(node, NIF_IRI + "endIndex", _int(m.end))
        self.evidence(node, m.sentence, m.extractor, m.confidence)

    def sentence(self, span: Span) -> None:
        node = T(ids.span_iri(self.iri, "sentence", *_span(span)))
        self.add(node, RDF + "type", T(NIF_IRI + "Sentence"))
        self.add(node, NIF_IRI + "beginIndex", _int(span.start))
        self.add(node, NIF_IRI + "endIndex", _int(span.end))
        self.add(node, NIF_IRI + "anchorOf", Literal(self.doc.text[span.start:span.end]))
        self.add(node, NIF_IRI + "referenceContext", self.g)


def _span(span: Span) -> tuple[int, int]:
    return span.start, span.end


def document_quads(doc: Document, entities: dict[str, Entity], lexicon, *,
                   base: str = ids.DEFAULT_BASE, include_text: bool = True) -> list[Quad]:
    """The quads of one document's named graph (unsorted)."""
    return DocumentGraph(doc, entities, lexicon, base, include_text).build()
