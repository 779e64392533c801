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
