"""The endpoint store against a real third-party SPARQL 1.1 server: OpenLink Virtuoso 7.

``make test`` installs Debian's ``virtuoso-opensource`` (as root; otherwise these tests skip and
say how to install it). The fixture starts ``virtuoso-t`` on 127.0.0.1 with free SQL and HTTP
ports, its own virtuoso.ini and database in a temporary folder, grants the SPARQL user update
rights (as docs/query.md tells a user to), and stops it.

Virtuoso differs from Oxigraph in ways kg handles (kg/endpoint.py): its default graph is the
union of every graph, its own system graphs included (kg keeps the merge in a named graph and
queries with ``default-graph-uri``), it takes updates at ``/sparql`` and the Graph Store Protocol
at ``/sparql-graph-crud``, and its SPARQL Update reads ``"7"^^xsd:decimal`` as an integer.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.endpoint import MERGED, EndpointStore
from kg.query import run_query
from kg.store import open_files
from test_example_queries import CASES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "contract_sample.trig"
QUERIES = ROOT / "examples" / "queries"
CORPUS = ROOT / "examples" / "graphs" / "corpus.trig"
DOC = "https://w3id.org/zhkg/id/doc/"
WAIT = 90.0

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
CaseMode = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    data = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not binary or not isql:
        pytest.skip("OpenLink Virtuoso is not installed (apt-get install virtuoso-opensource; make test does it as root)")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=sql, http=http))
    proc = subprocess.Popen([binary, "+configfile", str(folder / "virtuoso.ini"), "+foreground"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        deadline = time.monotonic() + WAIT
        while not _answers(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"virtuoso-t did not start:\n{log}")
            time.sleep(0.5)
        # what docs/query.md tells a user: the (unauthenticated) SPARQL user may update
        subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                       check=True, capture_output=True, timeout=60)
        yield f"http://127.0.0.1:{http}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def clear(store: EndpointStore) -> None:
    store.remove_graphs(store.graphs())
    store._update(f"DROP SILENT GRAPH <{MERGED}>")


@pytest.fixture(scope="module", params=["sparql-update", "graph-store-protocol"])
def loaded(request, virtuoso):
    """The contract sample loaded into Virtuoso, with SPARQL Update or the Graph Store Protocol."""
    gsp = f"{virtuoso}/sparql-graph-crud" if request.param == "graph-store-protocol" else None
    store = EndpointStore(f"{virtuoso}/sparql", graph_store_url=gsp)
    clear(store)
    report = store.load([SAMPLE])
    assert report.new == [DOC + "a1", DOC + "b2", DOC + "c3"] and report.replaced == []
    return store


def test_virtuoso_is_recognised(loaded, virtuoso):
    assert loaded.merged_graph == MERGED and loaded.update_url == f"{virtuoso}/sparql"
    assert loaded.graphs() == [DOC + "a1", DOC + "b2", DOC + "c3"]  # not Virtuoso's own graphs


def test_the_same_quads_as_the_files(loaded):
    assert set(loaded.quads()) == set(open_files([SAMPLE]).quads())


@pytest.mark.parametrize("name, params", [(c[0], c[1]) for c in CASES],
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_every_example_query_gives_the_rows_of_the_embedded_store(loaded, name, params):
    remote = run_query(loaded, QUERIES / f"{name}.rq", params)
    local = run_query([SAMPLE], QUERIES / f"{name}.rq", params)
    assert remote.variables == local.variables
    assert remote.rows == local.rows


def test_every_example_query_covered():
    assert {c[0] for c in CASES} == {p.stem for p in QUERIES.glob("*.rq")}


@pytest.mark.parametrize("gsp", [False, True], ids=["sparql-update", "graph-store-protocol"])
def test_replace_and_remove_keep_the_merge(virtuoso, gsp):
    store = EndpointStore(f"{virtuoso}/sparql", graph_store_url=f"{virtuoso}/sparql-graph-crud" if gsp else None)
    clear(store)
    store.load([SAMPLE])
    again = store.load([SAMPLE])
    assert again.replaced == [DOC + "a1", DOC + "b2", DOC + "c3"] and again.new == []
    only_b2 = 'ASK { ?e rdfs:label "蚂蚁集团"@zh }'
    shared = 'ASK { ?e rdfs:label "中国工商银行"@zh }'  # stated by a1, b2 and c3
    assert run_query(store, only_b2).boolean is True
    sample = [q for q in ox.parse(path=str(SAMPLE)) if q.graph_name.value == DOC + "b2"]
    assert store.remove_graph(DOC + "b2") == len(sample)
    assert store.remove_graph(DOC + "b2") == 0
    assert store.graphs() == [DOC + "a1", DOC + "c3"]
    assert run_query(store, only_b2).boolean is False and run_query(store, shared).boolean is True
    merged = {r[0] for r in run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows}
    union = {q.triple for q in store.quads()}
    assert merged == {ox.Literal(str(len(union)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_kg_load_query_remove_through_the_command_line(virtuoso):
    """A built corpus (Chinese text, long literals, metrics) through kg load / query / remove."""
    url = f"{virtuoso}/sparql"
    clear(EndpointStore(url))
    r = cli("load", str(CORPUS), "--endpoint", url)
    assert r.returncode == 0, r.stderr
    graphs = sorted({q.graph_name.value for q in ox.parse(path=str(CORPUS))})
    assert f"{len(graphs)} new, 0 replaced graph(s)" in r.stderr
    answered = 0
    for path in sorted(QUERIES.glob("*.rq")):
        got = cli("query", "--endpoint", url, str(path), "-f", "csv")
        want = cli("query", str(CORPUS), str(path), "-f", "csv")
        assert got.returncode == want.returncode == 0, got.stderr + want.stderr
        assert got.stdout == want.stdout, path.name
        answered += want.stdout.count("\n") > 1
    assert answered >= 8  # most example queries find something in the example corpus
    doc_id = graphs[0].rsplit("/", 1)[1]
    r = cli("remove", doc_id, "--endpoint", url)
    assert r.returncode == 0 and f"removed {doc_id}" in r.stderr, r.stderr
    assert EndpointStore(url).graphs() == graphs[1:]
