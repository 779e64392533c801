"""Documents and entities -> the N-Quads of their named graphs, following spec/graph-contract.md.

Everything about one document goes into the named graph whose IRI is the document's: the
Article (a nif:Context), its mentions (nif:Phrase), the entities it mentions (class, labels,
aliases, English name, Wikidata link), the relations read from it with their evidence
(rdf:Statement + PROV), and its metrics. Removing a document's graph therefore removes
exactly what it contributed.

Terms are written straight as N-Quads text, the way Oxigraph writes them (tests/test_rdf.py
compares the two), and each graph's lines are sorted: by subject, rdf:type first, predicate,
object. That is several times faster than building term objects and serializing them, and it
gives the same bytes for the same graph on every run. Other formats are made from these
N-Quads by :mod:`kg.export`.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from kg import ids
from kg.counts import ENTITY_CLASS_TERMS, RELATION_TERMS, Tally
from kg.ontology import ITSRDF_IRI, NIF_IRI, PROV_IRI, RELATIONS, ZKG, fits
from kg.resolve import key_of
from kg.types import Document, Entity, Span

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
DCT = "http://purl.org/dc/terms/"
WIKIDATA = "http://www.wikidata.org/entity/"
#: the Article's content hash: ``dcterms:hasVersion "sha256:<hex>"``
HAS_VERSION = DCT + "hasVersion"

#: what N-Quads escapes in a literal (as Oxigraph does: controls, quote, backslash, U+FFFE/F)
_ESCAPES = {i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF)}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"',
                 0x5C: "\\\\"})
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(map(chr, _ESCAPES))) + "]")


def iri(value: str) -> str:
    """An IRI term (IRIs made by kg.ids need no escaping)."""
    return f"<{value}>"


def literal(value: str, language: str = "", datatype: str = "") -> str:
    """A literal term: plain (xsd:string), with a language tag, or with a datatype IRI."""
    text = f'"{value.translate(_ESCAPES)}"' if _NEEDS_ESCAPE.search(value) else f'"{value}"'
    if language:
        return f"{text}@{language}"
    return f"{text}^^<{datatype}>" if datatype else text


#: Chinese script (Han, CJK punctuation, kana, fullwidth forms): such a name is tagged @zh
_CJK_SCRIPT = re.compile("[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def zh(value: str) -> str:
    """A name as a literal tagged with the language of its script: ``@zh`` when it holds Chinese
    characters (工行, e抵快贷), ``@en`` when it is Latin script only (ICBC, Tencent), untagged
    otherwise (360)."""
    if _CJK_SCRIPT.search(value):
        return literal(value, "zh")
    return literal(value, "en" if _LATIN.search(value) else "")


#: rdf:type is written as this predicate key, so that it sorts first
_TYPE_KEY = ""
TYPE = iri(RDF + "type")
LABEL, ALT, SAME_AS = iri(RDFS + "label"), iri(SKOS + "altLabel"), iri(OWL + "sameAs")
BEGIN, END, ANCHOR = iri(NIF_IRI + "beginIndex"), iri(NIF_IRI + "endIndex"), iri(NIF_IRI + "anchorOf")
CONTEXT = iri(NIF_IRI + "referenceContext")
IDENT, CLASS_REF = iri(ITSRDF_IRI + "taIdentRef"), iri(ITSRDF_IRI + "taClassRef")
PHRASE, SENTENCE, STATEMENT = iri(NIF_IRI + "Phrase"), iri(NIF_IRI + "Sentence"), iri(RDF + "Statement")
_INT = XSD + "nonNegativeInteger"


class UnknownTermError(KeyError):
    """A class or property the closed vocabulary :class:`kg.ontology.ZKG` does not define."""


@lru_cache(maxsize=4096)
def zkg(name: str) -> str:
    """A term of the zhkg ontology as N-Quads text. Every ``zkg:`` class and property written goes
    through here, checked against the closed vocabulary: a misspelt name raises UnknownTermError
    instead of minting a new term."""
    try:
        return iri(str(ZKG[name]))
    except AttributeError:
        raise UnknownTermError(f"zkg:{name} is not a term of the zhkg ontology (kg.ontology.ZKG, "
                               "ontology/zhkg.ttl)") from None


@lru_cache(maxsize=65536)
def integer(value: int) -> str:
    return literal(str(value), datatype=_INT)


@lru_cache(maxsize=4096)
def decimal(value: Decimal | float) -> str:
    """An xsd:decimal in canonical form (700000000.0, 0.8), as Oxigraph stores it."""
    text = format(Decimal(str(value)).normalize(), "f")
    return literal(text if "." in text else text + ".0", datatype=XSD + "decimal")


SUBJECT, PREDICATE, OBJECT = iri(RDF + "subject"), iri(RDF + "predicate"), iri(RDF + "object")
DERIVED_FROM, EVIDENCE = iri(PROV_IRI + "wasDerivedFrom"), zkg("evidence")
EXTRACTOR, CONFIDENCE, VALUE = zkg("extractor"), zkg("confidence"), zkg("value")


class DocumentGraph:
    """Collects the triples of one document's named graph and writes them as N-Quads."""

    def __init__(self, doc: Document, entities: dict[str, Entity], lexicon, base: str,
                 include_text: bool = True, version: str | None = None,
                 configuration: str | None = None) -> None:
        self.doc, self.entities, self.lexicon, self.base = doc, entities, lexicon, base
        self.iri = ids.document_iri(doc.id, base)
        self.g = iri(self.iri)
        self.include_text, self.version, self.configuration = include_text, version, configuration
        self.subjects: dict[str, list[tuple[str, str]]] = {}  # subject -> (predicate key, object)
        self.sentences: set[Span] = set()
        self._nodes: dict[str, tuple[str, Entity]] = {}

    def add(self, s: str, p: str, o: str) -> None:
        pairs = self.subjects.get(s)
        if pairs is None:
            pairs = self.subjects[s] = []
        pairs.append((_TYPE_KEY if p == TYPE else p, o))

    def span(self, kind: str, span) -> str:
        """The IRI of a mention (char), sentence or metric: anything with start and end."""
        return f"<{ids.span_iri(self.iri, kind, span.start, span.end)}>"

    def entity_node(self, mention) -> tuple[str, Entity]:
        key = key_of(mention, self.lexicon)
        found = self._nodes.get(key)
        if found is None:
            entity = self.entities[key]
            found = self._nodes[key] = (iri(ids.entity_iri(entity.key, self.base)), entity)
        return found

    def nquads(self, tally: Tally | None = None) -> str:
        """The graph's N-Quads, one line per unique quad, sorted; ``tally`` gets its entities
        (subjects typed with an entity class) and relation triples."""
        self.build()
        tail, subjects = f" {self.g} .\n", self.subjects
        if tally is not None:
            classes, relations = ENTITY_CLASS_TERMS, RELATION_TERMS
            for s, pairs in subjects.items():
                if s[:1] != "<":
                    continue
                for p, o in pairs:
                    if p == _TYPE_KEY:
                        if o in classes:
                            tally.entities.add(s)
                    elif p in relations and o[:1] == "<":
                        tally.facts.add((s, p, o))
        return "".join([f"{s} {p or TYPE} {o}{tail}" for s in sorted(subjects)
                        for p, o in sorted(set(subjects[s]))])

    def build(self) -> None:
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
        written = {p.span for p in self.doc.penalties}
        for pen in self.doc.penalties:
            self.penalty(pen, written)
        for span in sorted(self.sentences):
            self.sentence(span)

    def article(self) -> None:
        d, g, add = self.doc, self.g, self.add
        add(g, TYPE, zkg("Article"))
        add(g, TYPE, iri(NIF_IRI + "Context"))
        add(g, iri(DCT + "identifier"), literal(d.id))
        if self.include_text:
            add(g, iri(NIF_IRI + "isString"), literal(d.text))
        add(g, BEGIN, integer(0))
        add(g, END, integer(len(d.text)))
        if self.version:
            add(g, iri(HAS_VERSION), literal(self.version))
        if self.configuration:  # the configuration: its components, model hashes and hash
            add(g, zkg("configuration"), literal(self.configuration))
        if d.meta.get("title"):
            add(g, iri(DCT + "title"), zh(d.meta["title"]))
        if d.meta.get("date") and len(d.meta["date"]) == 10:
            add(g, zkg("datePublished"), literal(d.meta["date"], datatype=XSD + "date"))
        by_span = {m.span: m for m in d.mentions}
        linked = set()
        for prop, span in sorted(d.links.items()):
            m = by_span.get(span)
            if m is not None and m.cls == ARTICLE_LINKS[prop]:
                add(g, zkg(prop), self.entity_node(m)[0])
                linked.add(prop)
        for prop, field in (("author", "author"), ("publishedIn", "source")):
            name = d.meta.get(field, "").strip()
            if prop not in linked and name:  # given as JSONL fields: an entity without a mention
                entity = self.entities.get(name) or Entity(name, name, ARTICLE_LINKS[prop])
                node = iri(ids.entity_iri(entity.key, self.base))
                add(g, zkg(prop), node)
                if name not in self.entities:
                    self.entity(node, entity)

    def mention(self, m, node: str, entity: Entity) -> None:
        # the hot path (one call per mention): triples appended directly
        s = self.span("char", m)
        self.subjects.setdefault(s, []).extend((
            (_TYPE_KEY, PHRASE), (BEGIN, integer(m.start)), (END, integer(m.end)), (ANCHOR, literal(m.text)),
            (CONTEXT, self.g), (IDENT, node), (CLASS_REF, zkg(entity.cls)), (EXTRACTOR, literal(m.extractor))))

    def entity(self, node: str, e: Entity) -> None:
        add = self.add
        add(node, TYPE, zkg(e.cls))
        add(node, LABEL, zh(e.label))
        for alias in e.aliases:
            add(node, ALT, zh(alias))
        if e.label_en:
            add(node, LABEL, literal(e.label_en, "en"))
        if e.wikidata:
            add(node, SAME_AS, iri(WIKIDATA + e.wikidata))
        for title in e.job_titles:
            add(node, zkg("jobTitle"), literal(title))

    def evidence(self, sentence: Span, extractor: str, confidence: float) -> list[tuple[str, str]]:
        """The PROV evidence of a statement or metric: its document, sentence, extractor, confidence."""
        self.sentences.add(sentence)
        return [(DERIVED_FROM, self.g), (EVIDENCE, self.span("sentence", sentence)),
                (EXTRACTOR, literal(extractor)), (CONFIDENCE, decimal(round(confidence, 2)))]

    def relation(self, rel) -> None:
        (s, se), (o, oe) = self.entity_node(rel.subject), self.entity_node(rel.object)
        domain, range_ = RELATIONS[rel.predicate]
        if s == o or not fits(se.cls, domain) or not fits(oe.cls, range_):
            return
        p = zkg(rel.predicate)
        self.add(s, p, o)
        st = iri(ids.statement_iri(self.iri, s[1:-1], p[1:-1], o[1:-1], str(rel.sentence.start)))
        self.subjects.setdefault(st, []).extend((
            (_TYPE_KEY, STATEMENT), (SUBJECT, s), (PREDICATE, p), (OBJECT, o),
            *self.evidence(rel.sentence, rel.extractor, rel.confidence)))

    def metric(self, m) -> None:
        node = self.span("metric", m)
        if m.subject is not None:
            s, se = self.entity_node(m.subject)
            if fits(se.cls, ("Organization", "Product")):
                self.add(s, zkg("hasMetric"), node)
        pairs = self.subjects.setdefault(node, [])
        pairs += ((_TYPE_KEY, zkg("Metric")), (LABEL, zh(m.label)), (VALUE, decimal(m.value)),
                  (ANCHOR, literal(m.text)), (BEGIN, integer(m.start)), (END, integer(m.end)),
                  *self.evidence(m.sentence, m.extractor, m.confidence))
        if m.unit:
            pairs.append((zkg("unit"), literal(m.unit)))
        if m.qualifier:
            pairs.append((zkg("qualifier"), literal(m.qualifier)))

    def penalty(self, pen, written: set) -> None:
        """A zkg:Penalty node: who imposed it on whom, its kinds, amounts, reason, date, number."""
        parts = []
        for prop, m, allowed in (("imposedBy", pen.regulator, ("GovernmentAgency",)),
                                 ("penalizedParty", pen.party, ("Organization",)),
                                 ("penalizedPerson", pen.person, ("Person",))):
            if m is not None:
                node, entity = self.entity_node(m)
                if fits(entity.cls, allowed) and (prop == "imposedBy" or not parts or parts[0][1] != node):
                    parts.append((zkg(prop), node, entity))
        named = [(p, n, e) for p, n, e in parts if p != zkg("imposedBy")]
        if not named:
            return  # nobody penalized that the graph knows of
        node = iri(ids.penalty_iri(self.iri, pen.start, pen.end))
        pairs = self.subjects.setdefault(node, [])
        pairs += ((_TYPE_KEY, zkg("Penalty")), (LABEL, zh(f"行政处罚：{named[0][2].label}")),
                  *((p, n) for p, n, _ in parts), *((zkg("penaltyType"), literal(k)) for k in pen.kinds),
                  *((zkg("amount"), self.span("metric", a)) for a in pen.amounts),
                  *self.evidence(pen.sentence, pen.extractor, pen.confidence))
        if pen.reason:
            pairs.append((zkg("reason"), literal(pen.reason)))
        if pen.date:
            pairs.append((zkg("date"), literal(pen.date, datatype=XSD + "date")))
        if pen.number:
            pairs.append((zkg("documentNumber"), literal(pen.number)))
        if pen.related is not None and Span(*pen.related) in written:
            pairs.append((zkg("relatedPenalty"), iri(ids.penalty_iri(self.iri, *pen.related))))

    def sentence(self, span: Span) -> None:
        self.subjects.setdefault(self.span("sentence", span), []).extend((
            (_TYPE_KEY, SENTENCE), (BEGIN, integer(span.start)), (END, integer(span.end)),
            (ANCHOR, literal(self.doc.text[span.start:span.end])), (CONTEXT, self.g)))


#: Article metadata properties and the class of what they point to.
ARTICLE_LINKS = {"author": "Person", "publishedIn": "Publication"}


def document_nquads(doc: Document, entities: dict[str, Entity], lexicon, *,
                    base: str = ids.DEFAULT_BASE, include_text: bool = True,
                    version: str | None = None, configuration: str | None = None,
                    tally: Tally | None = None) -> str:
    """The sorted N-Quads of one document's named graph (``version``: its content hash;
    ``configuration``: the pipeline configuration, when it is not the default; ``tally``: gets
    the graph's entities and relations)."""
    return DocumentGraph(doc, entities, lexicon, base, include_text, version, configuration).nquads(tally)


def document_quads(doc: Document, entities: dict[str, Entity], lexicon, **options) -> list:
    """The same graph as pyoxigraph quads."""
    from pyoxigraph import RdfFormat, parse

    return list(parse(document_nquads(doc, entities, lexicon, **options).encode(), format=RdfFormat.N_QUADS))
