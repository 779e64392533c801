"""kg.rdfio: one table of RDF formats, one reader, one store spec, for every command."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import rdfio
from kg.errors import InputError, OutputError
from kg.rdfio import StoreSpec

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "graphs" / "icbc_fintech.trig"
KG = [sys.executable, "-m", "kg"]


def _write_as(tmp_path: Path, suffix: str) -> Path:
    """The sample graph written in the syntax of ``suffix`` (by pyoxigraph, not by kg)."""
    syntax = rdfio.format_of("x" + suffix)
    quads = list(ox.parse(path=SAMPLE, format=ox.RdfFormat.TRIG))
    items = quads if syntax.datasets else list({q.triple for q in quads})
    path = tmp_path / f"graph{suffix}"
    path.write_bytes(ox.serialize(items, format=syntax.oxigraph))
    return path


COMMANDS = {
    "load": lambda g, tmp: ["load", str(g), "--store", "memory"],
    "query": lambda g, tmp: ["query", str(g), "SELECT (COUNT(*) AS ?n) WHERE { ?e a zkg:Company }", "-f", "csv"],
    "validate": lambda g, tmp: ["validate", str(g)],
    "viz": lambda g, tmp: ["viz", str(g), "-o", str(tmp / "v.html")],
    "export": lambda g, tmp: ["export", str(g), "-o", str(tmp / "net.json")],
    "stats": lambda g, tmp: ["stats", str(g), "--format", "json"],
}


SUFFIXES = (".ttl", ".trig", ".nt", ".nq", ".jsonld", ".json", ".rdf", ".n3")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_reads_every_extension(tmp_path, command):
    """One process per command, given the sample graph in every syntax kg reads."""
    graphs = [_write_as(tmp_path, suffix) for suffix in SUFFIXES]
    args = COMMANDS[command](graphs[0], tmp_path)
    args[1:2] = map(str, graphs)
    res = subprocess.run(KG + args, capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "error" not in res.stderr


def _cli(args: list[str]):
    from click.testing import CliRunner

    from kg.cli import cli

    return CliRunner().invoke(cli, args)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_extension_gives_the_same_graph(tmp_path, suffix):
    graph = _write_as(tmp_path, suffix)
    query = _cli(COMMANDS["query"](graph, tmp_path))
    assert query.exit_code == 0 and query.output == _cli(COMMANDS["query"](SAMPLE, tmp_path)).output
    for command in ("load", "validate", "viz", "export"):
        res = _cli(COMMANDS[command](graph, tmp_path))
        assert res.exit_code == 0, (command, res.output)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name, content, message", [
    ("graph.csv", "a,b\n", "graph.csv: unknown RDF file extension '.csv'; use one of .ttl"),
    ("missing.ttl", None, "missing.ttl: no such file"),
    ("bad.ttl", "<a> <b> .\n", "bad.ttl: cannot parse ttl: "),
])
def test_every_command_says_the_same_about_a_bad_file(tmp_path, command, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    if command == "viz" and name.endswith(".csv"):
        pytest.skip("kg viz builds a file that is not RDF as an article")
    res = _cli(COMMANDS[command](path, tmp_path))
    assert res.exit_code == 1, res.output
    assert message in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("path, name, datasets", [
    ("a.ttl", "ttl", False), ("a.TURTLE", "ttl", False), ("a.trig", "trig", True), ("a.nt", "nt", False),
    ("a.nq", "nq", True), ("a.nquads", "nq", True), ("a.jsonld", "jsonld", True), ("a.json", "jsonld", True),
    ("a.rdf", "rdfxml", False), ("a.owl", "rdfxml", False), ("a.n3", "n3", False),
])
def test_format_of(path, name, datasets):
    assert rdfio.format_of(path).name == name
    assert rdfio.format_of(path).datasets is datasets
    assert rdfio.is_rdf_path(path)


@pytest.mark.parametrize("path, fmt, name", [
    (None, None, "ttl"), ("-", None, "ttl"), ("o.trig", None, "trig"), ("o.json", None, "jsonld"),
    ("o.ttl", "nq", "nq"), ("o.x", "turtle", "ttl"), ("o.x", "N-Quads", "nq"),
])
def test_output_format(path, fmt, name):
    assert rdfio.output_format(path, fmt).name == name


@pytest.mark.parametrize("path, fmt, message", [
    ("o.csv", None, "cannot tell the format from the extension .csv; use .ttl, .trig, .nt, .nq or .jsonld"),
    ("o.rdf", None, "cannot tell the format"),
    (None, "csv", "unknown format 'csv'"),
    (None, "rdfxml", "kg does not write rdfxml"),
])
def test_output_format_refuses(path, fmt, message):
    with pytest.raises(OutputError) as err:
        rdfio.output_format(path, fmt)
    assert message in str(err.value)


def test_the_other_tables_are_derived_from_the_one():
    from kg import export, results
    from kg.viz import sources

    assert set(export.SUFFIXES) == {e for f in rdfio.FORMATS if f.writable for e in f.extensions}
    assert list(results.RDF_FORMATS) == list(rdfio.WRITE_FORMATS)
    assert sources.RDF_SUFFIXES == frozenset(rdfio.READ_SUFFIXES)


def test_read_into_keeps_graphs_or_puts_them_into_one(tmp_path):
    store = ox.Store()
    assert rdfio.read_into(store, SAMPLE).name == "trig"
    graphs = set(store.named_graphs())
    assert graphs and not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    nt = _write_as(tmp_path, ".nt")
    one = ox.Store()
    rdfio.read_into(one, nt, to_graph=ox.NamedNode("urn:g"))
    assert list(one.named_graphs()) == [ox.NamedNode("urn:g")]


def test_rdf_files_expands_folders(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.ttl", "a.nq", "sub/c.jsonld", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in rdfio.rdf_files(tmp_path)] == ["a.nq", "b.ttl", "sub/c.jsonld"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no RDF files in"):
        rdfio.rdf_files(tmp_path / "empty")


@pytest.mark.parametrize("spec, kind, location, directory", [
    ("memory", "memory", "", None),
    ("memory:", "memory", "", None),
    ("oxigraph:corpus.db", "oxigraph", "corpus.db", Path("corpus.db")),
    ("oxigraph:", "oxigraph", "", None),
    ("http://127.0.0.1:7878/query", "endpoint", "http://127.0.0.1:7878/query", None),
    ("https://example.org/sparql", "endpoint", "https://example.org/sparql", None),
])
def test_store_spec(spec, kind, location, directory):
    parsed = StoreSpec.parse(spec)
    assert (parsed.kind, parsed.location, parsed.directory) == (kind, location, directory)
    assert StoreSpec.recognizes(spec)
    assert str(parsed) == ("memory" if kind == "memory" else spec)


@pytest.mark.parametrize("spec", ["corpus.trig", "bogus:1", "sqlite:x.db", ""])
def test_store_spec_refuses(spec):
    assert not StoreSpec.recognizes(spec)
    with pytest.raises(ValueError):
        StoreSpec.parse(spec)


def test_no_import_cycle_between_query_and_store():
    code = ("import sys; import kg.store; "
            "assert 'kg.query' not in sys.modules, 'kg.store imports kg.query'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    for module in ("kg/store.py", "kg/sparql.py", "kg/results.py", "kg/endpoint.py"):
        text = (ROOT / module).read_text(encoding="utf-8")
        assert "from kg.query import" not in text and "import kg.query" not in text, module
