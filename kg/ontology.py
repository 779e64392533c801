"""The zhkg ontology as a closed vocabulary, mirroring ``ontology/zhkg.ttl``.

A mistyped term fails loudly (``ZKG.Compnay`` raises ``AttributeError``); a test keeps this
module and the Turtle file in step.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ZKG_IRI = "https://w3id.org/zhkg/ontology#"
ZKGR_IRI = "https://w3id.org/zhkg/id/"
NIF_IRI = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF_IRI = "http://www.w3.org/2005/11/its/rdf#"
PROV_IRI = "http://www.w3.org/ns/prov#"
SCHEMA_IRI = "https://schema.org/"

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

#: Prefixes declared in every output and every query.
PREFIXES: dict[str, str] = {
    "dcterms": "http://purl.org/dc/terms/",
    "itsrdf": ITSRDF_IRI,
    "nif": NIF_IRI,
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": PROV_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": SCHEMA_IRI,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "zkg": ZKG_IRI,
    "zkgr": ZKGR_IRI,
}


class ZKG(DefinedNamespace):
    """Classes and properties of the zhkg ontology (``zkg:``)."""

    _NS = Namespace(ZKG_IRI)
    _fail = True

    # classes
    Organization: URIRef
    Company: URIRef
    FinancialInstitution: URIRef
    GovernmentAgency: URIRef
    ResearchInstitute: URIRef
    OrganizationUnit: URIRef
    Person: URIRef
    Product: URIRef
    FinancialProduct: URIRef
    Platform: URIRef
    ProductSeries: URIRef
    Technology: URIRef
    Publication: URIRef
    Place: URIRef
    Article: URIRef
    Metric: URIRef
    Penalty: URIRef
    # relations between entities
    develops: URIRef
    usesTechnology: URIRef
    certifiedBy: URIRef
    memberOf: URIRef
    subOrganizationOf: URIRef
    subsidiaryOf: URIRef
    worksFor: URIRef
    establishes: URIRef
    cooperatesWith: URIRef
    serves: URIRef
    invests: URIRef
    acquires: URIRef
    regulates: URIRef
    locatedIn: URIRef
    # article metadata
    author: URIRef
    publishedIn: URIRef
    datePublished: URIRef
    # people
    jobTitle: URIRef
    # metrics
    hasMetric: URIRef
    value: URIRef
    unit: URIRef
    qualifier: URIRef
    # penalties
    imposedBy: URIRef
    penalizedParty: URIRef
    penalizedPerson: URIRef
    amount: URIRef
    penaltyType: URIRef
    reason: URIRef
    date: URIRef
    documentNumber: URIRef
    relatedPenalty: URIRef
    # evidence
    evidence: URIRef
    extractor: URIRef
    configuration: URIRef
    confidence: URIRef


#: Entity classes, most general first; ``Article``, ``Metric`` and ``Penalty`` are not entities.
ENTITY_CLASSES: tuple[str, ...] = (
    "Organization", "Company", "FinancialInstitution", "GovernmentAgency", "ResearchInstitute",
    "OrganizationUnit", "Person", "Product", "FinancialProduct", "Platform", "ProductSeries",
    "Technology", "Publication", "Place",
)

#: Parent of each entity class inside the ontology (None: aligned to schema.org only).
SUPERCLASS: dict[str, str | None] = {
    "Organization": None, "Company": "Organization", "FinancialInstitution": "Company",
    "GovernmentAgency": "Organization", "ResearchInstitute": "Organization",
    "OrganizationUnit": "Organization", "Person": None, "Product": None,
    "FinancialProduct": "Product", "Platform": "Product", "ProductSeries": "Product",
    "Technology": None, "Publication": None, "Place": None,
}

#: Relation properties between entities: (domain classes, range classes).
RELATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "develops": (("Organization",), ("Product",)),
    "usesTechnology": (("Organization", "Product"), ("Technology",)),
    "certifiedBy": (("Product", "Organization"), ("Organization",)),
    "memberOf": (("Product",), ("ProductSeries",)),
    "subOrganizationOf": (("Organization",), ("Organization",)),
    "subsidiaryOf": (("Company",), ("Company",)),
    "worksFor": (("Person",), ("Organization",)),
    "establishes": (("Organization",), ("Organization",)),
    "cooperatesWith": (("Organization",), ("Organization",)),
    "serves": (("Organization", "Product"), ("Organization",)),
    "invests": (("Organization",), ("Organization",)),
    "acquires": (("Organization",), ("Organization",)),
    "regulates": (("GovernmentAgency",), ("Organization",)),
    "locatedIn": (("Organization",), ("Place",)),
}


@lru_cache(maxsize=None)
def is_a(cls: str, ancestor: str) -> bool:
    """True when entity class ``cls`` equals ``ancestor`` or is a subclass of it."""
    while cls is not None:
        if cls == ancestor:
            return True
        cls = SUPERCLASS.get(cls)
    return False


@lru_cache(maxsize=None)
def fits(cls: str, allowed: tuple[str, ...]) -> bool:
    """True when ``cls`` is one of ``allowed`` or a subclass of one."""
    return any(is_a(cls, a) for a in allowed)


@lru_cache(maxsize=None)
def specificity(cls: str) -> int:
    """Depth of ``cls`` in the class tree: a more specific class has a larger number."""
    depth = 0
    while SUPERCLASS.get(cls):
        cls = SUPERCLASS[cls]
        depth += 1
    return depth
