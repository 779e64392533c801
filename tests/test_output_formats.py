"""JSON-LD output: an @context of the contract's prefixes, read back identically by rdflib and pyoxigraph."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.export import jsonld
from kg.ontology import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = [ROOT / "examples" / "articles" / n for n in ("icbc_fintech.txt", "cmb_digital.txt")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    for fmt in ("nq", "jsonld"):
        subprocess.run([sys.executable, "-m", "kg", "build", *map(str, ARTICLES), "-o", str(out / f"g.{fmt}"), "-q"],
                       check=True, timeout=300)
    return (out / "g.nq").read_bytes(), (out / "g.jsonld").read_bytes()


def test_jsonld_has_the_contract_context_and_compact_iris(built):
    _, data = built
    doc = json.loads(data)
    assert doc["@context"] == PREFIXES
    assert data.endswith(b"\n")
    assert b'"zkgr:entity/' in data and b'"https://w3id.org/zhkg/id/entity/' not in data


def test_jsonld_reads_back_identically_in_pyoxigraph(built):
    nq, data = built
    assert set(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == set(ox.parse(nq, format=ox.RdfFormat.N_QUADS))


def test_jsonld_reads_back_identically_in_rdflib(built):
    nq, data = built
    expected, got = rdflib.Dataset(), rdflib.Dataset()
    expected.parse(data=nq, format="nquads")
    got.parse(data=data, format="json-ld")
    assert {g.identifier for g in expected.graphs()} == {g.identifier for g in got.graphs()}
    for graph in expected.graphs():
        assert isomorphic(graph, got.graph(graph.identifier)), graph.identifier


@pytest.mark.parametrize("term", [
    ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.Literal("x", language="en"), ox.Literal('a "b" </script>'), ox.BlankNode("b1"),
    ox.NamedNode("http://example.org//x"), ox.NamedNode("https://w3id.org/zhkg/id//double"),
])
def test_jsonld_terms_round_trip(term):
    quads = [ox.Quad(ox.NamedNode("https://w3id.org/zhkg/id/entity/a"), ox.NamedNode(PREFIXES["rdfs"] + "label"),
                     term, ox.NamedNode("https://w3id.org/zhkg/id/doc/d"))]
    data = jsonld(quads)
    assert list(ox.parse(data, format=ox.RdfFormat.JSON_LD))[0].object.__class__ is term.__class__
    back = list(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    if isinstance(term, ox.BlankNode):
        assert isinstance(back[0].object, ox.BlankNode)
    else:
        assert back == quads


def _kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, timeout=300)


def test_jsonld_on_stdout_ends_with_a_newline(tmp_path):
    """`kg build … --format jsonld` and a CONSTRUCT as -f jsonld on stdout ended without one."""
    built = _kg("build", str(ARTICLES[0]), "--format", "jsonld", "-q")
    assert built.returncode == 0, built.stderr
    assert built.stdout.endswith(b"}\n") and not built.stdout.endswith(b"\n\n")
    graph = tmp_path / "a.ttl"
    graph.write_bytes(_kg("build", str(ARTICLES[0]), "--format", "ttl", "-q").stdout)
    query = _kg("query", str(graph), "CONSTRUCT {?s zkg:develops ?o} WHERE {?s zkg:develops ?o}", "-f", "jsonld")
    assert query.returncode == 0, query.stderr
    assert query.stdout.endswith(b"\n") and json.loads(query.stdout)


def test_load_help_says_where_a_turtle_file_of_several_articles_goes():
    """`kg load -h` said the default graph; such triples go to graph/unassigned (tests/test_store.py)."""
    text = " ".join(_kg("load", "-h").stdout.decode().split())
    assert "<https://w3id.org/zhkg/id/graph/unassigned>" in text
    assert "Turtle file with several articles" in text
