"""kg.rdf writes N-Quads terms exactly as Oxigraph does, sorted, one graph per document."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, strategies as st

from kg import api
from kg.rdf import XSD, integer, iri, literal

from conftest import EXAMPLES

CHARS = [chr(i) for i in (*range(0x0, 0x800), *range(0xFFF0, 0x10000), 0x1F600, 0x10FFFF)
         if not 0xD800 <= i < 0xE000]


@pytest.mark.parametrize("language, datatype", [("", ""), ("zh", ""), ("", XSD + "decimal")])
def test_every_character_is_escaped_as_oxigraph_does(language, datatype):
    for ch in CHARS:
        text = f"a{ch}b"
        term = ox.Literal(text, language=language or None,
                          datatype=ox.NamedNode(datatype) if datatype else None)
        assert literal(text, language, datatype) == str(term), hex(ord(ch))


@given(st.text())
def test_any_text_literal_equals_oxigraphs(text):
    assert literal(text) == str(ox.Literal(text))


def test_terms():
    assert iri("http://a/b#c") == "<http://a/b#c>"
    assert integer(7) == f'"7"^^<{XSD}nonNegativeInteger>'
    assert literal("工行", "zh") == '"工行"@zh'


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_written_nquads_are_oxigraphs_canonical_sorted_form(path):
    from kg.export import sort_quads

    data = api.build([path]).nquads
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert ox.serialize(sort_quads(quads), format=ox.RdfFormat.N_QUADS) == data
    assert len(set(quads)) == len(quads) == data.count(b"\n")
    lines = data.decode().splitlines()
    article = [line for line in lines if line.startswith(f"<{api.ids.document_iri(path.name)}> ")]
    assert article[0].split()[1] == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@pytest.mark.parametrize("name", ["Artcle", "cooperateWith", "organization", "jobtitle", "hasMetrics", ""])
def test_a_misspelt_term_raises_instead_of_minting_one(name):
    from kg.rdf import UnknownTermError, zkg

    with pytest.raises(UnknownTermError, match="is not a term of the zhkg ontology"):
        zkg(name)


@pytest.mark.parametrize("name", ["Article", "Company", "cooperatesWith", "jobTitle", "hasMetric", "evidence"])
def test_known_terms_are_written(name):
    from kg.ontology import ZKG_IRI
    from kg.rdf import zkg

    assert zkg(name) == f"<{ZKG_IRI}{name}>"


def test_every_zkg_term_in_the_examples_is_in_the_vocabulary():
    from kg.ontology import ZKG, ZKG_IRI

    used = set()
    for path in sorted((EXAMPLES.parent / "graphs").glob("*.trig")):
        for q in ox.parse(path=path, format=ox.RdfFormat.TRIG):
            for term in (q.predicate, q.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(ZKG_IRI):
                    used.add(term.value[len(ZKG_IRI):])
    assert len(used) > 20 and all(hasattr(ZKG, name) for name in used)
