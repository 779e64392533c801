"""kg.store backends (memory, oxigraph:DIR) and the ``kg load`` / ``kg remove`` commands."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset
from rdflib.compare import isomorphic

from kg.cli import cli
from kg.errors import EXIT_ERROR, EXIT_UNREACHABLE, InputError, RegistryError, StoreError
from kg.query import run_query
from kg.store import (UNASSIGNED, EndpointStore, OxigraphStore, open_files, open_store,
                      read_rdf)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "contract_sample.trig"
DOC = "https://w3id.org/zhkg/id/doc/"
A1, B2, C3 = DOC + "a1", DOC + "b2", DOC + "c3"
ZKG = "https://w3id.org/zhkg/ontology#"


def sample_graphs() -> dict[str, list[ox.Quad]]:
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in ox.parse(path=str(SAMPLE)):
        by_graph.setdefault(q.graph_name.value, []).append(q)
    return by_graph


def one_article_turtle(tmp_path: Path, doc: str) -> Path:
    """The graph of one sample document written as Turtle (no graph names)."""
    triples = [q.triple for q in sample_graphs()[doc]]
    path = tmp_path / f"{doc.rsplit('/', 1)[1]}.ttl"
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE))
    return path


def quads_of(store) -> set[ox.Quad]:
    return set(store.quads())


@pytest.fixture
def db(tmp_path):
    return f"oxigraph:{tmp_path / 'corpus.db'}"


# -- open_store -------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, error, message", [
    ("nosuch:x", RegistryError, "unknown store 'nosuch'"),
    ("sparql", RegistryError, "unknown store 'sparql'"),
    ("oxigraph:", StoreError, "needs a directory"),
])
def test_open_store_rejects_bad_specs(spec, error, message):
    with pytest.raises(error, match=message):
        open_store(spec)


def test_unknown_store_is_also_a_store_error_with_exit_1():
    with pytest.raises(StoreError) as info:
        open_store("ftp://x")
    assert info.value.exit_code == EXIT_ERROR


def test_a_missing_store_directory_is_not_created_for_reading(tmp_path):
    with pytest.raises(StoreError, match="no Oxigraph store"):
        open_store(f"oxigraph:{tmp_path / 'absent'}")
    assert not (tmp_path / "absent").exists()
    with pytest.raises(StoreError, match="does not exist"):
        open_store(f"oxigraph:{tmp_path / 'no' / 'parent'}", create=True)


def test_a_file_is_not_a_store(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        open_store(f"oxigraph:{tmp_path / 'f'}")


def test_open_store_kinds(tmp_path):
    assert isinstance(open_store("memory"), OxigraphStore)
    assert isinstance(open_store("http://127.0.0.1:1/query"), EndpointStore)
    assert open_store("http://h/ds/query").update_url == "http://h/ds/update"
    assert open_store("http://h/sparql").update_url == "http://h/update"
    assert open_store("http://h/repo").update_url == "http://h/repo"


@pytest.mark.parametrize("doc_id, iri", [
    ("a1", DOC + "a1"), ("报告 1.txt", DOC + "报告%201.txt"), (DOC + "x", DOC + "x")])
def test_a_document_is_found_by_the_graph_iri_the_build_gives_it(doc_id, iri):
    from kg import ids

    with open_store("memory") as store:
        store.replace_graph(iri, [ox.Quad(ox.NamedNode(iri), ox.NamedNode("urn:p"), ox.Literal("x"))])
        assert store.find_document(doc_id) == iri
    if not doc_id.startswith("http"):
        assert ids.document_iri(doc_id) == iri  # the one function that names a document's graph


# -- reading files -------------------------------------------------------------------------

def test_trig_keeps_one_graph_per_document():
    scratch, graphs, notes = read_rdf(SAMPLE)
    assert [g.value for g in graphs] == [A1, B2, C3] and notes == []
    assert len(scratch) == sum(len(v) for v in sample_graphs().values())


def test_turtle_with_one_article_goes_into_its_graph(tmp_path):
    scratch, graphs, notes = read_rdf(one_article_turtle(tmp_path, B2))
    assert graphs == [ox.NamedNode(B2)] and notes == []


def test_turtle_with_several_articles_goes_into_the_unassigned_graph(tmp_path):
    path = tmp_path / "all.nt"
    path.write_bytes(ox.serialize([q.triple for q in ox.parse(path=str(SAMPLE))], format=ox.RdfFormat.N_TRIPLES))
    scratch, graphs, notes = read_rdf(path)
    assert graphs == [ox.NamedNode(UNASSIGNED)]
    assert "3 articles" in notes[0] and "TriG" in notes[0]


def test_default_graph_triples_of_a_trig_file_go_into_the_unassigned_graph(tmp_path):
    path = tmp_path / "mixed.trig"
    path.write_text(SAMPLE.read_text(encoding="utf-8") + "\n<urn:x> <urn:p> <urn:y> .\n", encoding="utf-8")
    scratch, graphs, _ = read_rdf(path)
    assert [g.value for g in graphs] == [A1, B2, C3, UNASSIGNED]
    assert list(scratch.quads_for_pattern(None, None, None, ox.DefaultGraph())) == []


@pytest.mark.parametrize("name, content, message", [
    ("bad.ttl", "<a> <b> .", "cannot parse"),
    ("x.csv", "a,b", "unknown RDF file extension"),
    ("missing.trig", None, "no such file"),
])
def test_unreadable_files_are_input_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_rdf(path)


def test_open_files_reads_every_format_the_same(tmp_path):
    expected = open_files([SAMPLE])
    nq = tmp_path / "s.nq"
    nq.write_bytes(ox.serialize(ox.parse(path=str(SAMPLE)), format=ox.RdfFormat.N_QUADS))
    assert quads_of(open_files([nq])) == quads_of(expected)


# -- persistent store ------------------------------------------------------------------------

def test_load_persists_and_is_queryable_after_reopening(db):
    with open_store(db, create=True) as store:
        report = store.load([SAMPLE])
        assert report.graphs == [A1, B2, C3] and report.quads == len(quads_of(open_files([SAMPLE])))
    with open_store(db) as store:
        assert store.graphs() == [A1, B2, C3]
        assert quads_of(store) == quads_of(open_files([SAMPLE]))
        result = run_query(store, ROOT / "examples/queries/products-of-organization.rq", {"name": "工行"})
        assert [r["product"] for r in result.values()] == ["工银玺链", "融安e信"]


def test_reloading_a_document_replaces_its_graph(db, tmp_path):
    with open_store(db, create=True) as store:
        store.load([SAMPLE])
        before = quads_of(store)
        # a rebuilt b2 that lost its metric: loading it must drop the old statements
        b2 = [q for q in sample_graphs()[B2] if q.predicate.value != ZKG + "hasMetric"]
        path = tmp_path / "b2.nq"
        path.write_bytes(ox.serialize(b2, format=ox.RdfFormat.N_QUADS))
        store.load([path])
        after = quads_of(store)
    removed = before - after
    assert len(removed) == 1 and next(iter(removed)).predicate.value == ZKG + "hasMetric"
    assert after - before == set()


def test_replace_and_remove_graph(db):
    graphs = sample_graphs()
    with open_store(db, create=True) as store:
        for iri, quads in graphs.items():
            assert store.replace_graph(iri, quads) == len(quads)
        assert store.replace_graph(A1, graphs[C3]) == len(graphs[C3])  # graph names of input ignored
        assert {q.graph_name.value for q in store.quads()} == {A1, B2, C3}
        assert store.remove_graph(A1) == len(graphs[C3])
        assert store.remove_graph(A1) == 0
        assert store.graphs() == [B2, C3]


def test_a_store_in_use_gives_a_clear_error(db):
    with open_store(db, create=True):
        code = ("from kg.store import open_store\n"
                f"open_store({db!r})")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "in use by another process" in proc.stderr


# -- commands ---------------------------------------------------------------------------------

def test_kg_load_then_remove_a_document(db):
    runner = CliRunner()
    r = runner.invoke(cli, ["load", str(SAMPLE), "--store", db])
    assert r.exit_code == 0, r.output
    assert "3 new, 0 replaced graph(s), 3 in the store" in r.output
    r = runner.invoke(cli, ["load", str(SAMPLE), "--store", db])
    assert "0 new, 3 replaced graph(s), 3 in the store" in r.output
    r = runner.invoke(cli, ["remove", "b2", "--store", db])
    assert r.exit_code == 0, r.output
    assert f"removed b2: graph <{B2}>, {len(sample_graphs()[B2])} quads" in r.output
    with open_store(db) as store:
        assert store.graphs() == [A1, C3]
        # entities only b2 mentioned are gone; entities a1 or c3 mention stay
        names = {r["l"] for r in run_query(store, "SELECT DISTINCT ?l { ?e rdfs:label ?l }").values()}
        assert "蚂蚁集团" not in names and "摩斯" not in names and "王立新" not in names
        assert {"中国工商银行", "工银玺链", "融安e信"} <= names


def test_kg_remove_by_iri_and_by_identifier(db, tmp_path):
    with open_store(db, create=True) as store:
        # a graph whose IRI is not base + id: found through dcterms:identifier
        store.replace_graph("urn:other:c", [ox.Quad(ox.NamedNode("urn:other:c"), ox.NamedNode(
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(ZKG + "Article")),
            ox.Quad(ox.NamedNode("urn:other:c"), ox.NamedNode("http://purl.org/dc/terms/identifier"),
                    ox.Literal("c-id"))])
        store.load([SAMPLE])
    r = CliRunner().invoke(cli, ["remove", A1, "c-id", "--store", db])
    assert r.exit_code == 0, r.output
    with open_store(db) as store:
        assert store.graphs() == [B2, C3]


def test_kg_remove_unknown_document_changes_nothing(db):
    with open_store(db, create=True) as store:
        store.load([SAMPLE])
    r = CliRunner().invoke(cli, ["remove", "a1", "nope", "--store", db])
    assert r.exit_code == EXIT_ERROR and "no document 'nope'" in r.output
    with open_store(db) as store:
        assert store.graphs() == [A1, B2, C3]


@pytest.mark.parametrize("args, code, message", [
    (["load", "x.ttl"], 2, "--store oxigraph:DIR or --endpoint"),
    (["load", "x.ttl", "--store", "bogus:1"], EXIT_ERROR, "unknown store 'bogus'"),
    (["load", "missing.ttl", "--store", "memory"], EXIT_ERROR, "missing.ttl: no such file"),
    (["remove", "a1", "--store", "oxigraph:/nonexistent/x"], EXIT_UNREACHABLE, "no Oxigraph store"),
    (["remove", "a1", "--endpoint", "http://127.0.0.1:9/query"], EXIT_UNREACHABLE, "cannot reach"),
    (["load", "x.ttl", "--store", "memory", "--endpoint", "http://h/q"], 2, "not both"),
])
def test_store_command_errors(args, code, message):
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == code, r.output
    assert message in r.output and "Traceback" not in r.output


def test_store_content_matches_the_files_as_rdf(db, tmp_path):
    with open_store(db, create=True) as store:
        store.load([SAMPLE])
        data = ox.serialize(sorted(store.quads(), key=str), format=ox.RdfFormat.N_QUADS)
    got, want = Dataset(), Dataset()
    got.parse(data=data, format="nquads")
    want.parse(SAMPLE, format="trig")
    for iri in (A1, B2, C3):
        from rdflib import URIRef
        assert isomorphic(got.graph(URIRef(iri)), want.graph(URIRef(iri)))


def merged(store: OxigraphStore) -> set[ox.Triple]:
    return {q.triple for q in store.oxigraph.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def test_the_default_graph_stays_the_merge_of_the_document_graphs(db, tmp_path):
    graphs = sample_graphs()
    with open_store(db, create=True) as store:
        store.load([SAMPLE])
        assert merged(store) == {q.triple for q in store.quads()}
        # ICBC's label is stated by all three documents; it must survive until the last one goes
        icbc_label = next(q.triple for q in graphs[A1] if q.object.value == "中国工商银行"
                          and q.predicate.value.endswith("#label"))
        store.remove_graph(A1)
        store.replace_graph(B2, graphs[B2][:10])  # a rebuilt, smaller b2
        assert merged(store) == {q.triple for q in store.quads()}
        assert icbc_label in merged(store)
        store.remove_graph(C3)
        store.remove_graph(B2)
        assert merged(store) == set() and store.graphs() == []


def test_a_triple_stated_by_several_documents_is_one_row(db):
    with open_store(db, create=True) as store:
        store.load([SAMPLE])
        rows = run_query(store, 'SELECT ?e WHERE { ?e rdfs:label "中国工商银行"@zh }').rows
    assert len(rows) == 1  # stated in a1, b2 and c3


def test_files_with_several_articles_add_up_in_the_unassigned_graph(db, tmp_path):
    quads = list(ox.parse(path=str(SAMPLE)))
    first, second = tmp_path / "ab.nt", tmp_path / "c.nt"
    first.write_bytes(ox.serialize([q.triple for q in quads if q.graph_name.value != C3], format=ox.RdfFormat.N_TRIPLES))
    # two articles again, so that it is not a single-article file
    second.write_bytes(ox.serialize([q.triple for q in quads if q.graph_name.value != A1], format=ox.RdfFormat.N_TRIPLES))
    with open_store(db, create=True) as store:
        report = store.load([first, second])
        assert store.graphs() == [UNASSIGNED] and len(report.notes) == 2
        assert {q.triple for q in store.quads()} == {q.triple for q in quads}
