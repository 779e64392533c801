"""``kg serve`` as a SPARQL 1.1 endpoint, and the --endpoint backend against a real Oxigraph server.

Servers run as subprocesses on 127.0.0.1 with free ports; every wait is bounded and every
server is stopped in a fixture finalizer.
"""
from __future__ import annotations

import json
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import EXIT_UNREACHABLE, StoreError
from kg.query import run_query
from kg.server import is_loopback, negotiate
from kg.store import EndpointStore, open_files, open_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "contract_sample.trig"
QUERIES = ROOT / "examples" / "queries"
DOC = "https://w3id.org/zhkg/id/doc/"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
WAIT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def start_kg_serve(*args: str) -> tuple[subprocess.Popen, str]:
    """Start ``kg serve ... --port 0`` and return it with the URL it announces."""
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", *args, "--port", "0"], cwd=ROOT,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        if " at http://" in line:
            proc.announcement = line  # type: ignore[attr-defined]
            return proc, line.split(" at ", 1)[1].split()[0]
    stop(proc)
    raise RuntimeError("kg serve did not start")


def http(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=WAIT) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def get_query(url: str, query: str, accept: str = "*/*"):
    return http(f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})


@pytest.fixture(scope="module")
def served():
    proc, url = start_kg_serve(str(SAMPLE))
    yield url
    stop(proc)


# -- kg serve ---------------------------------------------------------------------------------

Q_PEOPLE = "SELECT DISTINCT ?l WHERE { ?e a zkg:Person ; rdfs:label ?l } ORDER BY ?l"


def test_get_query_returns_sparql_json_by_default(served):
    status, ctype, body = get_query(served, Q_PEOPLE)
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    rows = [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert rows == ["张明", "李华", "王立新"]


@pytest.mark.parametrize("accept, ctype, first_line", [
    ("text/csv", "text/csv", b"l"),
    ("text/tab-separated-values", "text/tab-separated-values", b"?l"),
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<?xml"),
    ("text/html;q=0.9, text/csv;q=0.8", "text/csv", b"l"),
])
def test_select_content_negotiation(served, accept, ctype, first_line):
    status, got, body = get_query(served, Q_PEOPLE, accept)
    assert status == 200 and got.startswith(ctype)
    assert body.splitlines()[0].startswith(first_line)


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("*/*", ox.RdfFormat.TURTLE)])
def test_construct_content_negotiation(served, accept, fmt):
    query = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a zkg:Person ; rdfs:label ?l }"
    status, ctype, body = http(served, data=query.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": accept})
    assert status == 200 and ctype.startswith(fmt.media_type)
    assert {t.object.value for t in ox.parse(body, format=fmt)} == {"张明", "李华", "王立新"}


def test_post_form_and_ask(served):
    status, _, body = http(served, data=urllib.parse.urlencode({"query": "ASK { ?x a zkg:Person }"}).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("request_kwargs, status", [
    ({"data": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "headers": {"Content-Type": "application/sparql-update"}}, 403),
    ({"data": b"update=DROP+ALL", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 403),
    ({"data": b"SELEC *", "headers": {"Content-Type": "application/sparql-query"}}, 400),
    ({"data": b"ASK {}", "headers": {"Content-Type": "application/sparql-query", "Accept": "image/png"}}, 406),
    ({"data": b"x", "headers": {"Content-Type": "text/plain"}}, 415),
])
def test_bad_or_forbidden_requests(served, request_kwargs, status):
    got, _, body = http(served, **request_kwargs)
    assert got == status
    if status == 403:
        assert b"read-only" in body
    # and the graph is untouched
    assert json.loads(get_query(served, "ASK { <urn:a> ?p ?o }")[2])["boolean"] is False


def test_syntax_error_message_has_line_and_column(served):
    status, _, body = get_query(served, "SELECT * WHERE {\n ?s ?p }")
    assert status == 400 and b"line 2, column" in body


def test_endpoint_backend_queries_kg_serve(served):
    """kg query --endpoint against kg serve gives the same rows as the file itself."""
    for name, params in [("products-of-organization", {"name": "工行"}), ("entities-by-class", {}),
                         ("co-mentioned-organizations", {"name": "蚂蚁集团"})]:
        remote = run_query(EndpointStore(served), QUERIES / f"{name}.rq", params)
        local = run_query([SAMPLE], QUERIES / f"{name}.rq", params)
        assert remote.rows == local.rows and remote.rows
    r = CliRunner().invoke(cli, ["query", "--endpoint", served, "ASK { ?x a zkg:Person }"])
    assert (r.exit_code, r.output) == (0, "true\n")


def test_allow_update_on_a_persistent_store(tmp_path):
    db = f"oxigraph:{tmp_path / 'db'}"
    with open_store(db, create=True) as store:
        store.load([SAMPLE])
    proc, url = start_kg_serve(db, "--allow-update")
    try:
        # the store layout: a document graph, and its triples merged into the default graph
        update = 'INSERT DATA { GRAPH <urn:g> { <urn:a> rdfs:label "新"@zh } <urn:a> rdfs:label "新"@zh }'
        status, _, _ = http(url, data=update.encode(), headers={"Content-Type": "application/sparql-update"})
        assert status == 204
        assert json.loads(get_query(url, 'ASK { <urn:a> rdfs:label "新"@zh }')[2])["boolean"] is True
        assert json.loads(get_query(url, 'ASK { GRAPH <urn:g> { <urn:a> ?p ?o } }')[2])["boolean"] is True
    finally:
        stop(proc)
    with open_store(db) as store:  # the update was persisted
        assert "urn:g" in store.graphs()


def test_serving_an_unknown_store_or_missing_file_fails_cleanly(tmp_path):
    for args, message in [(["oxigraph:" + str(tmp_path / "none")], "no Oxigraph store"),
                          ([str(tmp_path / "none.ttl")], "none.ttl: no such file")]:
        r = CliRunner().invoke(cli, ["serve", *args])
        assert r.exit_code != 0 and message in r.output and "Traceback" not in r.output


def test_binding_a_public_address_warns(monkeypatch):
    import kg.server

    class FakeServer:
        url = "http://0.0.0.0:1/query"

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            pass

    calls = []
    monkeypatch.setattr(kg.server, "make_server", lambda store, host, port, **kw: calls.append((host, kw)) or FakeServer())
    r = CliRunner().invoke(cli, ["serve", str(SAMPLE), "--host", "0.0.0.0"])
    assert r.exit_code == 0
    assert "warning: binding 0.0.0.0" in r.output
    assert calls == [("0.0.0.0", {"allow_update": False, "verbose": False})]
    r = CliRunner().invoke(cli, ["serve", str(SAMPLE)])
    assert "warning" not in r.output and calls[-1][0] == "127.0.0.1"


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                            ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("accept, expected", [
    ("application/json", "application/json"), ("text/*", "text/csv"), ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.1, application/sparql-results+xml", "application/sparql-results+xml"), ("image/png", None)])
def test_negotiate(accept, expected):
    from kg.server import RESULT_TYPES
    assert negotiate(accept, RESULT_TYPES) == expected


# -- the endpoint backend against `oxigraph serve` ------------------------------------------

@pytest.fixture
def oxigraph_server(tmp_path):
    if not OXIGRAPH.exists() and not shutil.which("oxigraph"):
        pytest.skip("the oxigraph server binary (PyPI package oxigraph) is not installed")
    binary = str(OXIGRAPH) if OXIGRAPH.exists() else shutil.which("oxigraph")
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "oxdb"), "--bind", f"127.0.0.1:{port}",
                             ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if get_query(f"{base}/query", "ASK {}")[0] == 200:
                break
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    else:
        stop(proc)
        pytest.fail("oxigraph serve did not start")
    yield base
    stop(proc)


@pytest.mark.parametrize("use_gsp", [False, True], ids=["sparql-update", "graph-store-protocol"])
def test_endpoint_store_load_query_remove(oxigraph_server, use_gsp):
    store = EndpointStore(f"{oxigraph_server}/query",
                          graph_store_url=f"{oxigraph_server}/store" if use_gsp else None)
    report = store.load([SAMPLE])
    assert report.graphs == [DOC + "a1", DOC + "b2", DOC + "c3"]
    assert store.graphs() == report.graphs
    assert set(store.quads()) == set(open_files([SAMPLE]).quads())
    for path in sorted(QUERIES.glob("*.rq")):  # the same answers as in memory
        assert run_query(store, path).rows == run_query([SAMPLE], path).rows, path.name
    removed = store.remove_graph(DOC + "b2")
    assert removed == len([q for q in ox.parse(path=str(SAMPLE)) if q.graph_name.value == DOC + "b2"])
    assert store.remove_graph(DOC + "b2") == 0
    assert store.graphs() == [DOC + "a1", DOC + "c3"]
    assert run_query(store, 'ASK { ?e rdfs:label "蚂蚁集团"@zh }').boolean is False


def test_endpoint_cli_load_remove_query(oxigraph_server):
    runner = CliRunner()
    url = f"{oxigraph_server}/query"
    assert runner.invoke(cli, ["load", str(SAMPLE), "--endpoint", url]).exit_code == 0
    r = runner.invoke(cli, ["remove", "a1", "--endpoint", url, "--graph-store", f"{oxigraph_server}/store"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["query", "--endpoint", url, str(QUERIES / "articles-by-author-or-publication.rq"),
                            "-f", "csv", "-p", "name=张明"])
    assert r.exit_code == 0 and r.stdout_bytes.decode().split("\r\n")[1].startswith("c3,")


def test_endpoint_reports_server_side_errors(oxigraph_server):
    store = EndpointStore(f"{oxigraph_server}/query", update_url=f"{oxigraph_server}/nowhere")
    with pytest.raises(StoreError) as info:
        store.replace_graph(DOC + "x", [])
    assert "HTTP 404" in str(info.value)


def test_unreachable_endpoint_is_one_line_exit_5():
    port = free_port()  # nothing listens there
    r = CliRunner().invoke(cli, ["query", "--endpoint", f"http://127.0.0.1:{port}/query", "ASK {}"])
    assert r.exit_code == EXIT_UNREACHABLE
    assert r.output.count("\n") == 1 and r.output.startswith("kg: error: cannot reach SPARQL endpoint")


# -- browsers: CORS, preflight, the query page ----------------------------------------------

def test_cors_preflight_and_headers(served):
    status, _, _ = http(served, method="OPTIONS", headers={
        "Origin": "http://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert status == 204
    req = urllib.request.Request(f"{served}?{urllib.parse.urlencode({'query': 'ASK {}'})}",
                                 headers={"Origin": "http://yasgui.example"})
    with urllib.request.urlopen(req, timeout=WAIT) as resp:
        assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_query_page_works_offline_and_lists_the_examples(served):
    status, ctype, body = http(served.rsplit("/", 1)[0] + "/")
    page = body.decode("utf-8")
    assert status == 200 and ctype.startswith("text/html")
    assert "<textarea" in page and "products-of-organization" in page
    assert "http://" not in page.split("const PREFIXES")[0].replace('xmlns="http://', "")  # nothing fetched
    assert "<script src" not in page and "<link" not in page


def test_the_start_line_names_the_files_and_the_query_page():
    """`kg serve a.ttl` said "serving memory": it names what it serves and where the page is."""
    proc, url = start_kg_serve(str(SAMPLE))
    try:
        line = proc.announcement
        page = url.rsplit("/", 1)[0] + "/"
        assert f"serving {SAMPLE} (in memory) at {url} (read-only)" in line
        assert f"a query page at {page};" in line
        assert http(page)[0] == 200
    finally:
        stop(proc)


def test_syntax_error_response_is_short(served):
    status, _, body = get_query(served, "SELECT ?x { ?x a ex:C }")
    assert status == 400 and b"undeclared prefix ex:" in body and b"\\u{" not in body
