"""ontology/zhkg.ttl against kg/ontology.py and the graph contract."""
from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, XSD

from kg.ontology import ENTITY_CLASSES, ONTOLOGY_DIR, RELATIONS, SUPERCLASS, ZKG, ZKG_IRI

SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
PATH = ONTOLOGY_DIR / "zhkg.ttl"
TERMS = set(ZKG.__annotations__)
CLASSES = {*ENTITY_CLASSES, "Article", "Metric", "Penalty"}

#: class -> its schema.org superclass (the contract's table)
SCHEMA_CLASSES = {
    "Organization": SCHEMA.Organization, "Person": SCHEMA.Person, "Product": SCHEMA.Product,
    "Technology": SCHEMA.DefinedTerm, "Publication": SCHEMA.Periodical, "Place": SCHEMA.Place,
    "Article": SCHEMA.Article, "Metric": SCHEMA.QuantitativeValue, "Penalty": SCHEMA.Action,
}

#: property -> (kind, domain classes, range); ranges are zkg: local names or full IRIs
PROPERTIES = {
    **{name: ("object", dom, rng) for name, (dom, rng) in RELATIONS.items()},
    "author": ("object", ("Article",), ("Person",)),
    "publishedIn": ("object", ("Article",), ("Publication",)),
    "hasMetric": ("object", ("Organization", "Product"), ("Metric",)),
    "evidence": ("object", (RDF.Statement, "Metric", "Penalty"), (NIF.Sentence,)),
    "imposedBy": ("object", ("Penalty",), ("GovernmentAgency",)),
    "penalizedParty": ("object", ("Penalty",), ("Organization",)),
    "penalizedPerson": ("object", ("Penalty",), ("Person",)),
    "amount": ("object", ("Penalty",), ("Metric",)),
    "relatedPenalty": ("object", ("Penalty",), ("Penalty",)),
    "penaltyType": ("datatype", ("Penalty",), (XSD.string,)),
    "reason": ("datatype", ("Penalty",), (XSD.string,)),
    "date": ("datatype", ("Penalty",), (XSD.date,)),
    "documentNumber": ("datatype", ("Penalty",), (XSD.string,)),
    "datePublished": ("datatype", ("Article",), (XSD.date,)),
    "jobTitle": ("datatype", ("Person",), (XSD.string,)),
    "value": ("datatype", ("Metric",), (XSD.decimal,)),
    "unit": ("datatype", ("Metric",), (XSD.string,)),
    "qualifier": ("datatype", ("Metric",), (XSD.string,)),
    "extractor": ("datatype", (), (XSD.string,)),
    "configuration": ("datatype", ("Article",), (XSD.string,)),
    "confidence": ("datatype", (), None),  # a restricted decimal: its own test
}

#: property -> (alignment predicate, schema.org term)
ALIGNMENTS = {
    "worksFor": (RDFS.subPropertyOf, SCHEMA.worksFor),
    "memberOf": (RDFS.subPropertyOf, SCHEMA.isPartOf),
    "subOrganizationOf": (RDFS.subPropertyOf, SCHEMA.parentOrganization),
    "subsidiaryOf": (RDFS.subPropertyOf, SCHEMA.parentOrganization),
    "locatedIn": (RDFS.subPropertyOf, SCHEMA.location),
    "author": (OWL.equivalentProperty, SCHEMA.author),
    "publishedIn": (RDFS.subPropertyOf, SCHEMA.isPartOf),
    "datePublished": (RDFS.subPropertyOf, SCHEMA.datePublished),
    "jobTitle": (RDFS.subPropertyOf, SCHEMA.jobTitle),
    "value": (RDFS.subPropertyOf, SCHEMA.value),
    "unit": (RDFS.subPropertyOf, SCHEMA.unitText),
    "imposedBy": (RDFS.subPropertyOf, SCHEMA.agent),
    "penalizedParty": (RDFS.subPropertyOf, SCHEMA.object),
    "penalizedPerson": (RDFS.subPropertyOf, SCHEMA.object),
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(PATH, format="turtle")


def iri(name) -> URIRef:
    return name if isinstance(name, URIRef) else URIRef(ZKG_IRI + name)


def classes_in(graph: Graph, node) -> set:
    """A class IRI, or the members of an owl:unionOf class expression."""
    if isinstance(node, URIRef):
        return {node}
    return set(Collection(graph, graph.value(node, OWL.unionOf)))


def labels(graph: Graph, node) -> dict[str | None, list[str]]:
    found: dict[str | None, list[str]] = {}
    for label in graph.objects(node, RDFS.label):
        found.setdefault(label.language, []).append(str(label))
    return found


def test_the_turtle_parses_with_rdflib_and_oxigraph(onto):
    assert len(onto) > 200
    assert len(list(pyoxigraph.parse(path=PATH, format=pyoxigraph.RdfFormat.TURTLE))) == len(onto)


def test_the_header_declares_version_title_and_license(onto):
    (ontology,) = onto.subjects(RDF.type, OWL.Ontology)
    assert str(ontology) == ZKG_IRI.rstrip("#")
    assert onto.value(ontology, OWL.versionInfo) == Literal("0.1.0")
    assert {t.language for t in onto.objects(ontology, DCTERMS.title)} == {"en", "zh"}
    assert onto.value(ontology, DCTERMS.license) == URIRef("https://www.apache.org/licenses/LICENSE-2.0")


def test_declared_terms_are_exactly_the_zkg_namespace_in_code(onto):
    declared = {str(s)[len(ZKG_IRI):] for s in onto.subjects() if str(s).startswith(ZKG_IRI)}
    used = {str(o)[len(ZKG_IRI):] for o in onto.objects() if str(o).startswith(ZKG_IRI)}
    assert declared == TERMS, f"only in TTL: {declared - TERMS}; only in code: {TERMS - declared}"
    assert used <= TERMS


@pytest.mark.parametrize("name", sorted(TERMS))
def test_every_term_has_a_kind_zh_and_en_labels_and_a_comment(onto, name):
    node = iri(name)
    kinds = set(onto.objects(node, RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    assert kinds == ({OWL.Class} if name in CLASSES else
                     {OWL.ObjectProperty} if PROPERTIES[name][0] == "object" else {OWL.DatatypeProperty})
    found = labels(onto, node)
    assert set(found) == {"zh", "en"} and all(len(v) == 1 for v in found.values()), found
    assert any(ch >= "\u4e00" for ch in found["zh"][0])
    assert onto.value(node, RDFS.comment) is not None


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_classes_follow_the_class_tree_and_schema_alignment(onto, name):
    parents = set(onto.objects(iri(name), RDFS.subClassOf))
    expected = {iri(SUPERCLASS[name])} if SUPERCLASS.get(name) else {SCHEMA_CLASSES[name]}
    assert parents == expected


@pytest.mark.parametrize("name", sorted(set(PROPERTIES) - {"confidence"}))
def test_properties_have_the_contract_domain_and_range(onto, name):
    _, domain, range_ = PROPERTIES[name]
    node = iri(name)
    domains = list(onto.objects(node, RDFS.domain))
    assert len(domains) == (1 if domain else 0)
    if domain:
        assert classes_in(onto, domains[0]) == {iri(c) for c in domain}
    (rng,) = onto.objects(node, RDFS.range)
    assert classes_in(onto, rng) == {iri(c) for c in range_}


def test_every_relation_in_code_is_an_object_property_with_its_domain_and_range(onto):
    assert set(RELATIONS) <= set(PROPERTIES)
    declared = {str(s)[len(ZKG_IRI):] for s in onto.subjects(RDF.type, OWL.ObjectProperty)}
    assert declared == {n for n, (kind, _, _) in PROPERTIES.items() if kind == "object"}


def test_confidence_is_a_decimal_from_0_to_1(onto):
    (rng,) = onto.objects(iri("confidence"), RDFS.range)
    assert onto.value(rng, RDF.type) == RDFS.Datatype
    assert onto.value(rng, OWL.onDatatype) == XSD.decimal
    facets = {}
    for restriction in Collection(onto, onto.value(rng, OWL.withRestrictions)):
        for facet, value in onto.predicate_objects(restriction):
            facets[facet] = value.toPython()
    assert facets == {XSD.minInclusive: 0, XSD.maxInclusive: 1}


@pytest.mark.parametrize("name, alignment", sorted(ALIGNMENTS.items()))
def test_properties_are_aligned_to_schema_org(onto, name, alignment):
    predicate, target = alignment
    assert (iri(name), predicate, target) in onto


def test_only_properties_listed_as_aligned_point_to_schema_org(onto):
    aligned = {str(s)[len(ZKG_IRI):] for s, p, o in onto
               if p in (RDFS.subPropertyOf, OWL.equivalentProperty) and str(o).startswith(str(SCHEMA))}
    assert aligned == set(ALIGNMENTS)


def test_every_subject_block_appears_once_in_code_order():
    """Readable, stable file: one block per term, in the order of the ZKG class."""
    lines = PATH.read_text(encoding="utf-8").splitlines()
    heads = [line.split()[0][len("zkg:"):] for line in lines if line.startswith("zkg:")]
    assert heads == list(ZKG.__annotations__)
