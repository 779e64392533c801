"""A user's sequence, as subprocesses of the real ``kg``, exactly as README.md and docs/query.md show it:

    kg build icbc_fintech.txt cmb_digital.txt -o corpus.trig                 # files
    kg build icbc_fintech.txt cmb_digital.txt --store oxigraph:corpus.db     # a store
    kg query --store oxigraph:corpus.db QUERY.rq
    kg serve oxigraph:corpus.db --port 0  +  kg query --endpoint URL QUERY.rq  (HTTP)
    kg load corpus.trig --store oxigraph:loaded.db
    kg build pboc_regulation.txt --store oxigraph:corpus.db                  # incremental add
    kg remove pboc_regulation.txt --store oxigraph:corpus.db

Every example query gives the same rows over the files, over each store and over the server, at
every step (after the add: the rows of the three files; after the remove: of the two again).
"""
from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "examples" / "articles"
QUERIES = sorted((ROOT / "examples" / "queries").glob("*.rq"))
FIRST = ["icbc_fintech.txt", "cmb_digital.txt"]
ADDED = "pboc_regulation.txt"
TIMEOUT = 300


def kg(*args: str, cwd: Path) -> str:
    r = subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 0, f"kg {' '.join(args)}: {r.stderr}"
    return r.stdout if args[0] == "query" else r.stderr


def query_all(where: list[str], cwd: Path) -> dict[str, str]:
    """Every example query (CSV rows) over ``where`` (files, --store S or --endpoint URL)."""
    files, opts = ([], where) if where[0].startswith("--") else (where, [])
    return {q.stem: kg("query", *files, str(q), *opts, "-f", "csv", cwd=cwd) for q in QUERIES}


def serve(store: str, cwd: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", store, "--port", "0"], cwd=cwd,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        if " at http://" in line:
            return proc, line.split(" at ", 1)[1].split()[0]
    proc.kill()
    raise RuntimeError("kg serve did not start")


@pytest.fixture(scope="module")
def journey(tmp_path_factory) -> dict[str, dict[str, str]]:
    """The rows of every example query at every step of the sequence."""
    cwd = tmp_path_factory.mktemp("journey")
    for name in FIRST + [ADDED]:
        (cwd / name).write_bytes((ARTICLES / name).read_bytes())
    steps: dict[str, dict[str, str]] = {}
    kg("build", *FIRST, "-o", "corpus.trig", cwd=cwd)
    steps["files"] = query_all(["corpus.trig"], cwd)
    kg("build", *FIRST, "--store", "oxigraph:corpus.db", cwd=cwd)
    steps["build --store"] = query_all(["--store", "oxigraph:corpus.db"], cwd)
    proc, url = serve("oxigraph:corpus.db", cwd)
    try:
        steps["kg serve"] = query_all(["--endpoint", url], cwd)
        form = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).encode()
        request = urllib.request.Request(url, data=form, headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=60) as resp:  # plain HTTP: the merged default graph
            steps["http count"] = {"n": resp.read().decode()}
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    report = kg("load", "corpus.trig", "--store", "oxigraph:loaded.db", cwd=cwd)
    assert "2 new, 0 replaced graph(s), 2 in the store" in report
    steps["kg load"] = query_all(["--store", "oxigraph:loaded.db"], cwd)
    kg("build", ADDED, "--store", "oxigraph:corpus.db", cwd=cwd)
    steps["incremental add"] = query_all(["--store", "oxigraph:corpus.db"], cwd)
    kg("build", *FIRST, ADDED, "-o", "all.trig", cwd=cwd)
    steps["files, three"] = query_all(["all.trig"], cwd)
    kg("remove", ADDED, "--store", "oxigraph:corpus.db", cwd=cwd)
    steps["kg remove"] = query_all(["--store", "oxigraph:corpus.db"], cwd)
    steps["files count"] = {"n": kg("query", "corpus.trig", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                    "-f", "csv", cwd=cwd)}
    return steps


@pytest.mark.parametrize("query", [q.stem for q in QUERIES])
def test_every_step_gives_the_rows_of_the_files(journey, query):
    files = journey["files"][query]
    for step in ("build --store", "kg serve", "kg load", "kg remove"):
        assert journey[step][query] == files, f"{query}: {step} differs from the files"
    assert journey["incremental add"][query] == journey["files, three"][query], f"{query}: after the add"


def test_the_journey_finds_things(journey):
    """The comparisons above are not between empty answers."""
    answered = sum(rows.count("\n") > 1 for rows in journey["files"].values())
    assert answered >= 8, journey["files"]
    assert journey["files"] != journey["files, three"]  # the added article changes answers
    # the server's default graph is the merge: as many triples as the files' union
    assert journey["http count"]["n"].split()[-1] == journey["files count"]["n"].split()[-1]
