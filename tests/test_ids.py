"""kg.ids: IRIs are valid, stable and distinct for any name, and a bad --base is a clear error."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import ids
from kg.errors import KGError

BASE = ids.DEFAULT_BASE
ANY_CHAR = st.characters(codec=None, exclude_categories=())  # every code point, surrogates too

ESCAPED = [
    ("中国工商银行", "中国工商银行"),
    ("工银e信", "工银e信"),
    ("ICBC App", "ICBC%20App"),
    ('say "hi"', "say%20%22hi%22"),
    ("<script>", "%3Cscript%3E"),
    ("a#b?c/d%e", "a%23b%3Fc%2Fd%25e"),
    ("“工银玺链”", "%E2%80%9C工银玺链%E2%80%9D"),
    ("😀", "%F0%9F%98%80"),
    ("tab\tnl\n\x00", "tab%09nl%0A%00"),
    ("\ud800", "%ED%A0%80"),
    ("١٢٣", "١٢٣"),  # digits of another script are kept
    (".", "%2E"),
    ("..", "%2E%2E"),
    ("", "_"),
    ("Ant Group Co.", "Ant%20Group%20Co%2E"),
    ("a.b", "a.b"),
]


@pytest.mark.parametrize("name,segment", ESCAPED)
def test_escape(name, segment):
    assert ids.escape(name) == segment
    ox.NamedNode(ids.entity_iri(name))


def test_iri_shapes():
    doc = ids.document_iri("a b/c.txt")
    assert doc == BASE + "doc/a%20b%2Fc.txt"
    assert ids.span_iri(doc, "char", 0, 5) == doc + "#char=0,5"
    st1 = ids.statement_iri(doc, "s", "p", "o", "0")
    assert st1 == ids.statement_iri(doc, "s", "p", "o", "0") != ids.statement_iri(doc, "s", "p", "o", "1")
    assert len(st1.rsplit("-", 1)[1]) == 16


def _ntriples(name: str) -> bytes:
    doc = ox.NamedNode(ids.document_iri(name))
    quads = [ox.Triple(ox.NamedNode(ids.entity_iri(name)), ox.NamedNode("http://x/p"),
                       ox.NamedNode(ids.span_iri(doc.value, "char", 0, 1))),
             ox.Triple(ox.NamedNode(ids.statement_iri(doc.value, name)), ox.NamedNode("http://x/p"), doc)]
    return ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.text(ANY_CHAR, max_size=30))
def test_any_name_gives_valid_iris_that_both_parsers_read_back(name):
    data = _ntriples(name)
    assert len(list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))) == 2
    graph = rdflib.Graph().parse(data=data, format="nt")
    assert rdflib.URIRef(ids.entity_iri(name)) in set(graph.subjects())


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.text(st.characters(codec="utf-8"), max_size=20) | st.sampled_from(["a.", "Co.", "x\\.", "-", "_:b", "%2E"]))
def test_turtle_with_prefixes_reads_back_in_rdflib(name):
    """pyoxigraph writes prefixed names (zkgr:entity\\/...) that rdflib must read back as the same IRI."""
    from kg.ontology import PREFIXES

    iri = ids.entity_iri(name)
    triple = ox.Triple(ox.NamedNode(iri), ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal(name or "x"))
    data = ox.serialize([triple], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    graph = rdflib.Graph().parse(data=data, format="turtle")
    assert {str(s) for s in graph.subjects()} == {iri}
    assert [str(t.subject.value) for t in ox.parse(data, format=ox.RdfFormat.TURTLE)] == [iri]


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(st.text(ANY_CHAR, min_size=1, max_size=12), st.text(ANY_CHAR, min_size=1, max_size=12))
def test_distinct_names_give_distinct_iris(a, b):
    if a != b and "_" not in (a, b):  # "" and "_" share "_": names are never empty
        assert ids.entity_iri(a) != ids.entity_iri(b)


@pytest.mark.parametrize("base,problem", [
    ("https://example.org/kg", "it must end with /"),
    ("https://example.org/kg#", "it must not hold # or ?"),
    ("not an iri/", "it is not an absolute IRI (Invalid IRI code point ' ')"),
    ("https://example.org/kg#x/", "it must not hold # or ?"),
    ("https://example.org/k g/", "it is not an absolute IRI (Invalid IRI code point ' ')"),
    ("kg/", "it is not an absolute IRI (No scheme found in an absolute IRI)"),
])
def test_bad_base_is_a_clear_error(base, problem):
    with pytest.raises(KGError) as err:
        ids.document_iri("d", base)
    assert str(err.value) == f"bad base IRI {base!r}: {problem}; e.g. --base https://example.org/kg/"


def test_good_base_is_used_as_given():
    assert ids.document_iri("d", "urn:x:kg/") == "urn:x:kg/doc/d"
    assert ids.entity_iri("工行", "https://example.org/kg/") == "https://example.org/kg/entity/工行"
