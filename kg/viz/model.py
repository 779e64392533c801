"""RDF -> entity graph for the visualization.

Reads any graph that follows the graph contract (``/work/shared/spec/graph-contract.md``) from a
``pyoxigraph.Store`` and returns an :class:`EntityGraph`: one node per entity (instances of the
``zkg:`` entity classes) and one edge per ``zkg:`` relation between two entities. Provenance
records (``rdf:Statement``, ``nif:Sentence``, ``nif:Phrase``, articles) never become nodes: they
are folded into each edge (and each metric) as evidence sentences with the mentions located
(:mod:`kg.viz.evidence`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote

import pyoxigraph as ox

from kg.errors import QueryError
from kg.ontology import (
    ENTITY_CLASSES, ITSRDF_IRI, NIF_IRI, ONTOLOGY_DIR, PREFIXES, RELATIONS, ZKG_IRI, specificity,
)
from kg.viz.evidence import Evidence, EvidenceIndex, attach_metrics
from kg.viz.values import first_literal, objects

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
OWL = PREFIXES["owl"]

#: Chinese names used when neither the input nor ``ontology/zhkg.ttl`` labels a term.
ZH_LABELS: dict[str, str] = {
    "Organization": "组织", "Company": "公司", "FinancialInstitution": "金融机构",
    "GovernmentAgency": "政府机构", "ResearchInstitute": "研究机构", "OrganizationUnit": "内设机构",
    "Person": "人物", "Product": "产品", "FinancialProduct": "金融产品", "Platform": "平台",
    "ProductSeries": "产品系列", "Technology": "技术", "Publication": "出版物", "Place": "地点",
    "develops": "研发", "usesTechnology": "应用技术", "certifiedBy": "通过认证",
    "memberOf": "属于系列", "subOrganizationOf": "隶属于", "subsidiaryOf": "子公司",
    "worksFor": "任职于", "establishes": "设立", "cooperatesWith": "合作", "serves": "服务",
    "invests": "投资", "acquires": "收购", "regulates": "监管", "locatedIn": "位于",
}



@dataclass
class Node:
    """An entity to draw."""

    iri: str
    label: str
    cls: str | None
    aliases: list[str] = field(default_factory=list)
    english: str | None = None
    wikidata: str | None = None
    job_title: str | None = None
    metrics: list[dict] = field(default_factory=list)
    penalties: list[dict] = field(default_factory=list)  #: see kg.viz.penalties
    mentions: int = 0  #: nif:Phrase records linked to the entity
    documents: list[str] = field(default_factory=list)  #: IRIs of articles mentioning or naming it


@dataclass
class Edge:
    """A relation between two drawn entities."""

    source: str
    prop: str
    target: str
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float | None = None  #: the highest of its statements'
    sentences: int = 0  #: distinct evidence sentences
    documents: list[str] = field(default_factory=list)  #: IRIs of the articles stating it


@dataclass
class Article:
    """One source document: its identifier, title, and who wrote and published it."""

    iri: str
    id: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    publications: list[str] = field(default_factory=list)
    mentions: int = 0
    entities: int = 0
    counts: dict[str, int] = field(default_factory=dict)  #: entity IRI -> its mentions here


@dataclass
class EntityGraph:
    """Entities keyed by IRI, relations sorted by (source, prop, target), and term labels."""

    nodes: dict[str, Node]
    edges: list[Edge]
    labels: dict[str, str]
    articles: dict[str, Article] = field(default_factory=dict)
    simple_cache: object = field(default=None, repr=False, compare=False)

    def network(self):
        """This graph as a ``networkx.MultiDiGraph`` (:func:`kg.network.from_entity_graph`)."""
        from kg.network import from_entity_graph

        return from_entity_graph(self)

    def simple(self):
        """The undirected simple graph of :meth:`network` (:func:`kg.network.undirected`),
        built once per graph (degrees, selection and layout all need it)."""
        if self.simple_cache is None:
            from kg.network import undirected

            self.simple_cache = undirected(self.network())
        return self.simple_cache

    def degrees(self) -> dict[str, int]:
        """Number of distinct neighbours of every node (direction ignored)."""
        return dict(self.simple().degree())


# ---------------------------------------------------------------- loading

def term_labels(store: ox.Store) -> dict[str, str]:
    """Chinese labels of zkg terms: input graph, then ontology/zhkg.ttl, then the built-in table."""
    labels = dict(ZH_LABELS)
    ontology = ONTOLOGY_DIR / "zhkg.ttl"
    sources: list[ox.Store] = []
    if ontology.is_file():
        onto = ox.Store()
        try:
            onto.load(path=str(ontology), format=ox.RdfFormat.TURTLE)
            sources.append(onto)
        except (SyntaxError, ValueError, OSError):
            pass  # a half-written ontology must not break the page
    sources.append(store)
    for src in sources:
        for iri, vals in objects(src, RDFS + "label").items():
            if iri.startswith(ZKG_IRI):
                zh = first_literal(vals, "zh")
                if zh:
                    labels[iri[len(ZKG_IRI):]] = zh
    return labels


def _entity_classes(store: ox.Store) -> dict[str, str]:
    best: dict[str, str] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, None):
        cls = q.object.value
        if not (cls.startswith(ZKG_IRI) and isinstance(q.subject, ox.NamedNode)):
            continue
        name = cls[len(ZKG_IRI):]
        if name not in ENTITY_CLASSES:
            continue
        iri = q.subject.value
        old = best.get(iri)
        if old is None or (specificity(name), name) > (specificity(old), old):
            best[iri] = name
    return best


def _local_name(iri: str) -> str:
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]) or iri


def _make_nodes(store: ox.Store, classes: dict[str, str]) -> dict[str, Node]:
    labels = objects(store, RDFS + "label")
    alts = objects(store, SKOS + "altLabel")
    same = objects(store, OWL + "sameAs")
    titles = objects(store, ZKG_IRI + "jobTitle")
    nodes = {}
    for iri in sorted(classes):
        lab = labels.get(iri, [])
        name = (first_literal(lab, "zh") or first_literal(lab, "") or first_literal(lab, "en")
                or _local_name(iri))
        aliases = sorted({v.value for v in alts.get(iri, []) if isinstance(v, ox.Literal)}
                         | {v.value for v in lab if isinstance(v, ox.Literal)
                            and (v.language or "").startswith("zh")} - {name})
        wikidata = sorted(v.value for v in same.get(iri, []) if isinstance(v, ox.NamedNode)
                          and "wikidata.org/" in v.value)
        nodes[iri] = Node(iri, name, classes[iri], aliases, first_literal(lab, "en"),
                          wikidata[0] if wikidata else None,
                          first_literal(titles.get(iri, [])))
    return nodes


def _articles(store: ox.Store) -> dict[str, Article]:
    """Every zkg:Article, with its identifier, title, authors and publications."""
    ident = objects(store, PREFIXES["dcterms"] + "identifier")
    title = objects(store, PREFIXES["dcterms"] + "title")
    author, pub = objects(store, ZKG_IRI + "author"), objects(store, ZKG_IRI + "publishedIn")
    iris = {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(RDF + "type"), ox.NamedNode(ZKG_IRI + "Article"), None)
        if isinstance(q.subject, ox.NamedNode)}
    def named(values):
        return sorted({v.value for v in values if isinstance(v, ox.NamedNode)})
    return {iri: Article(iri, first_literal(ident.get(iri, [])) or _local_name(iri),
                         first_literal(title.get(iri, []), "zh") or first_literal(title.get(iri, [])),
                         named(author.get(iri, [])), named(pub.get(iri, [])))
            for iri in sorted(iris)}


def _mentions(store: ox.Store, nodes: dict[str, Node], articles: dict[str, Article]) -> None:
    """Count each entity's mentions (nif:Phrase) and the documents that mention or name it."""
    context = {s: v[0].value for s, v in objects(store, NIF_IRI + "referenceContext").items()}
    per_entity: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for phrase, ents in objects(store, ITSRDF_IRI + "taIdentRef").items():
        doc = context.get(phrase)
        for ent in {e.value for e in ents} & nodes.keys():
            per_entity[ent][doc] += 1
    for doc, art in articles.items():
        for ent in (*art.authors, *art.publications):
            if ent in nodes:
                per_entity[ent].setdefault(doc, 0)
    doc_mentions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for ent, docs in per_entity.items():
        nodes[ent].mentions = sum(docs.values())
        nodes[ent].documents = sorted(d for d in docs if d is not None)
        for doc, n in docs.items():
            doc_mentions[doc][0] += n
            doc_mentions[doc][1] += 1
    for doc in sorted(d for d in doc_mentions if d is not None):
        if doc not in articles:  # mentioned in a context that is not typed zkg:Article
            articles[doc] = Article(doc, _local_name(doc))
        articles[doc].mentions, articles[doc].entities = doc_mentions[doc]
    for ent, docs in per_entity.items():
        for doc, n in docs.items():
            if doc in articles:
                articles[doc].counts[ent] = n


def extract(store: ox.Store, query: str | None = None, *, evidence: bool = True) -> EntityGraph:
    """Build the entity graph of ``store``; with a CONSTRUCT ``query``, only what it returns.

    Without ``evidence`` the edges carry their counts and documents but no sentence texts
    (and the nodes no metrics): what a network analysis needs, at a fraction of the cost.
    """
    classes = _entity_classes(store)
    keep: set[str] | None = None
    triples: set[tuple[str, str, str]] | None = None
    if query is not None:
        keep, triples = _construct(store, query, classes)
        classes = {k: v for k, v in classes.items() if k in keep}
    nodes = _make_nodes(store, classes)
    articles = _articles(store)
    _mentions(store, nodes, articles)
    ev = EvidenceIndex(store, full=evidence)
    rel_iris = {ZKG_IRI + r: r for r in RELATIONS}
    found: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # triple -> its named graphs
    if triples is None:
        for p_iri in rel_iris:
            for q in store.quads_for_pattern(None, ox.NamedNode(p_iri), None, None):
                graphs = found[(q.subject.value, p_iri, q.object.value)]
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in articles:
                    graphs.add(q.graph_name.value)
    else:
        found = {t: set() for t in triples if t[1] in rel_iris}
    edges = []
    for (s, p, o), graphs in sorted(found.items()):
        if s in nodes and o in nodes and s != o:
            conf, sentences, docs = ev.facts(s, p, o)
            edge = Edge(s, rel_iris[p], o, [], conf, sentences, sorted(docs | graphs))
            if evidence:
                roles = {"subject": (s, nodes[s].label), "object": (o, nodes[o].label)}
                edge.evidence = ev.for_triple(s, p, o, roles)
            edges.append(edge)
    if evidence:
        attach_metrics(store, nodes, ev)
        from kg.viz.penalties import attach

        attach(store, nodes)
    return EntityGraph(nodes, edges, term_labels(store), articles)


def _construct(store: ox.Store, query: str, classes: dict[str, str]):
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"invalid SPARQL query: {str(exc).splitlines()[0]}") from None
    except OSError as exc:
        raise QueryError(f"the query failed: {exc}") from None
    if not isinstance(result, ox.QueryTriples):
        raise QueryError("--query must be a CONSTRUCT (or DESCRIBE) query")
    keep, triples = set(), set()
    for t in result:
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value in classes:
                keep.add(term.value)
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
            triples.add((t.subject.value, t.predicate.value, t.object.value))
    return keep, triples
