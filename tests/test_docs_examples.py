"""Every `kg …` command example in README.md, docs/*.md and the Examples of each `kg CMD -h` runs.

Each document (and each command's -h) is one scenario: its commands run in order, in a fresh
folder holding the example files under the names the docs use (icbc_fintech.txt, article.txt,
corpus.jsonl, articles/, corpus/, new_docs/, examples/, tests/gold/), and inputs a command reads
but no earlier command wrote (article.ttl, corpus.trig, oxigraph:corpus.db, a.nq, ...) are made
before it runs. Each command runs under a timeout. A `$ kg ...` example followed by a
`kg: error:` line must fail with that message.

Not run, each for the reason in EXCLUDED: commands that need a server, a Dask cluster or
Virtuoso, and (unless KG_DOCS_SLOW=1) those that train or score full datasets for minutes.
Commands that read ../shared are skipped when it is absent (a fresh clone).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BIN = Path(sys.executable).parent
TIMEOUT = 240
SLOW = os.environ.get("KG_DOCS_SLOW") == "1"

#: (substring of the command, why it is not run)
EXCLUDED = [
    ("kg serve", "starts a server (tests/test_server.py covers kg serve)"),
    ("--endpoint", "needs a running SPARQL endpoint (tests/test_server.py, tests/test_virtuoso.py)"),
    ("--dask", "needs a Dask scheduler"),
]
#: slow: full-dataset training and scoring (minutes on a laptop); run with KG_DOCS_SLOW=1
SLOW_MARKERS = ["kg train-ner ../shared", "--ner-model ner.crf", "--ner-model cluener80.crf",
                "--split 0.8", "train-rel"]

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COMMANDS = ["build", "query", "serve", "load", "remove", "stats", "export", "eval", "train-ner",
            "train-rel", "validate", "viz"]

_CMD = re.compile(r"^\s*(\$ )?(?:\.venv/bin/)?(kg [a-z].*|cat \S+ \| kg .*)$")
_PLACEHOLDER = re.compile(r"^(\[.*|.*\.\.\..*|[A-Z][A-Z_]+(\.\w+)?|.*\|.*|<.*>)$")


class Example:
    def __init__(self, source: str, line: int, command: str, error: str | None = None) -> None:
        self.source, self.line, self.command, self.error = source, line, command, error

    def __repr__(self) -> str:
        return f"{self.source}:{self.line}: {self.command}"


def _complete(text: str) -> bool:
    try:
        shlex.split(text, comments=True)
    except ValueError:
        return False
    return not text.rstrip().endswith("\\")


def _is_synopsis(command: str) -> bool:
    """`kg load FILES... --store DIR [--graph-store URL]`: a usage line, not an example."""
    words = shlex.split(command, comments=True)
    return any(_PLACEHOLDER.match(w) for w in words[2:] if not w.startswith("--") or "[" in w)


def examples_in(lines: list[str], source: str, fenced: bool) -> list[Example]:
    out: list[Example] = []
    inside = not fenced
    i = 0
    while i < len(lines):
        line = lines[i]
        if fenced and line.lstrip().startswith("```"):
            lang = line.strip()[3:].strip()
            inside = not inside and lang in ("", "sh", "bash", "console", "shell")
            i += 1
            continue
        m = _CMD.match(line) if inside else None
        if not m:
            i += 1
            continue
        start, text = i + 1, m.group(2)
        while not _complete(text) and i + 1 < len(lines):
            i += 1
            text += "\n" + lines[i]
        i += 1
        error = None
        if m.group(1) and i < len(lines) and lines[i].startswith("kg: error:"):
            error = lines[i]
        if not _is_synopsis(text):
            out.append(Example(source, start, text.strip(), error))
    return out


def doc_examples(path: Path) -> list[Example]:
    return examples_in(path.read_text(encoding="utf-8").splitlines(), path.name, fenced=True)


def help_examples(command: str) -> list[Example]:
    text = subprocess.run([str(BIN / "kg"), command, "-h"], capture_output=True, text=True,
                          timeout=60).stdout
    block = text.split("Examples:", 1)[1].split("\n\n", 1)[0] if "Examples:" in text else ""
    return examples_in(block.splitlines(), f"kg {command} -h", fenced=False)


def why_not_run(example: Example) -> str | None:
    for marker, why in EXCLUDED:
        if marker in example.command:
            return why
    if not SLOW and any(m in example.command for m in SLOW_MARKERS):
        return "slow (set KG_DOCS_SLOW=1)"
    if "../shared" in example.command and not SHARED.is_dir():
        return "../shared is absent"
    return None


# ---------------------------------------------------------------------------------------------
# the folder the examples run in

ARTICLES = ROOT / "examples" / "articles"
GRAPHS = ROOT / "examples" / "graphs"
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix zkg: <https://w3id.org/zhkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
[] a sh:NodeShape ; sh:targetClass zkg:Person ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""
LABELS = ('{"text": "王小明在北京的蓝海科技有限公司工作。", "label": {"name": {"王小明": [[0, 2]]}, '
          '"company": {"蓝海科技有限公司": [[6, 13]]}}}\n'
          '{"text": "李华加入了星河数据股份有限公司。", "label": {"name": {"李华": [[0, 1]]}, '
          '"company": {"星河数据股份有限公司": [[5, 14]]}}}\n')


def kg(*args: str, cwd: Path) -> None:
    subprocess.run([str(BIN / "kg"), *args], cwd=cwd, check=True, capture_output=True, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Graphs and a store made once, copied into a scenario when one of its commands reads them."""
    d = tmp_path_factory.mktemp("built")
    kg("build", str(ARTICLES / "icbc_fintech.txt"), "-o", "article.ttl", "-q", cwd=d)
    kg("build", str(ARTICLES / "cmb_digital.txt"), "-o", "b.ttl", "-q", cwd=d)
    kg("build", str(ARTICLES), "--store", "oxigraph:corpus.db", "-q", cwd=d)
    return d


def _providers(built: Path) -> dict:
    def copy(src: Path):
        return lambda dst: (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    def nquads(src: Path):
        def write(dst: Path) -> None:
            quads = ox.parse(path=str(src), format=ox.RdfFormat.TRIG)
            dst.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        return write
    return {
        "article.ttl": copy(built / "article.ttl"), "a.ttl": copy(built / "article.ttl"),
        "b.ttl": copy(built / "b.ttl"), "corpus.db": copy(built / "corpus.db"),
        "corpus.trig": copy(GRAPHS / "corpus.trig"), "articles.trig": copy(GRAPHS / "corpus.trig"),
        "a.nq": nquads(GRAPHS / "icbc_fintech.trig"), "b.nq": nquads(GRAPHS / "cmb_digital.trig"),
        "a.trig": copy(GRAPHS / "icbc_fintech.trig"),
        "out": copy(GRAPHS), "out/*.trig": lambda p: shutil.copytree(GRAPHS, p.parent, dirs_exist_ok=True),
        "corpus/*.trig": lambda p: shutil.copytree(GRAPHS, p.parent, dirs_exist_ok=True),
        "my-shapes.ttl": lambda p: p.write_text(SHAPES, encoding="utf-8"),
        "mine.ttl": lambda p: p.write_text(SHAPES, encoding="utf-8"),
        "my_labels.jsonl": lambda p: p.write_text(LABELS, encoding="utf-8"),
        "pipeline.toml": lambda p: p.write_text('[relate.relation-model]\nthreshold = 0.6\n', encoding="utf-8"),
    }


def scenario(tmp_path: Path) -> Path:
    """A fresh folder with the example files, next to ../shared when there is one."""
    work = tmp_path / "work"
    work.mkdir()
    if SHARED.is_dir():
        (tmp_path / "shared").symlink_to(SHARED)
    shutil.copytree(ROOT / "examples", work / "examples")
    shutil.copytree(ROOT / "tests" / "gold", work / "tests" / "gold")
    for f in ARTICLES.iterdir():
        shutil.copy(f, work / f.name)
    shutil.copy(ARTICLES / "icbc_fintech.txt", work / "article.txt")
    shutil.copytree(ARTICLES, work / "articles")
    shutil.copytree(ARTICLES, work / "corpus")
    (work / "new_docs").mkdir()
    shutil.copy(ARTICLES / "penalty_notice.txt", work / "new_docs" / "penalty_notice.txt")
    shutil.copy(GRAPHS / "icbc_fintech.trig", work / "g.trig")
    return work


def _inputs(command: str) -> list[str]:
    """Files a command reads (not what follows -o, nor a store that build or load creates)."""
    words = shlex.split(command.split("|")[-1] if "| kg" in command else command, comments=True)
    out, skip = [], False
    creates_store = len(words) > 1 and words[1] in ("build", "load")
    for w in words[2:]:
        if skip:
            skip = False
            continue
        if w in ("-o", "--output"):
            skip = True
            continue
        if w.startswith("oxigraph:"):
            if not creates_store:
                out.append(w.split(":", 1)[1])
            continue
        out.append(w.rstrip("/"))
    return out


def run_scenario(examples: list[Example], work: Path, built: Path) -> tuple[list[str], int]:
    providers = _providers(built)
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", COLUMNS="100")
    failures, ran = [], 0
    for ex in examples:
        if why_not_run(ex):
            continue
        for name in _inputs(ex.command):
            if name in providers and not (work / name).exists():
                providers[name](work / name)
        command = ex.command.replace("| less", "| cat")
        try:
            proc = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True,
                                  text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            failures.append(f"{ex}\n    timed out after {TIMEOUT}s")
            continue
        ran += 1
        if ex.error is not None:
            first = proc.stderr.splitlines()[0] if proc.stderr else ""
            if proc.returncode == 0 or first[:50] != ex.error[:50]:
                failures.append(f"{ex}\n    expected: {ex.error}\n    got (exit {proc.returncode}): {first}")
        elif proc.returncode not in (0,):
            failures.append(f"{ex}\n    exit {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return failures, ran


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_doc_examples_run(doc, tmp_path, built):
    examples = doc_examples(doc)
    if not examples:
        pytest.skip(f"{doc.name} has no kg command example")
    failures, ran = run_scenario(examples, scenario(tmp_path), built)
    assert not failures, "\n".join(failures)
    if not ran:
        pytest.skip("every example needs a server, a cluster, ../shared or a long run")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_examples_run(command, tmp_path, built):
    examples = help_examples(command)
    if not examples:
        pytest.skip(f"kg {command} -h has no Examples")
    failures, ran = run_scenario(examples, scenario(tmp_path), built)
    assert not failures, "\n".join(failures)
    if not ran:
        pytest.skip("every example needs a server, a cluster, ../shared or a long run")


# ---------------------------------------------------------------------------------------------
# the extraction itself


def test_examples_are_found_and_synopses_left_out():
    lines = ["```", "kg load FILES... --store oxigraph:corpus.db", "kg build a.txt -o a.ttl  # note",
             "$ kg query g.trig 'SELECT ?x WHERE {", "  ?x a zkg:Company . }'", "kg: error: boom", "```",
             "```python", "kg build not.txt", "```"]
    found = examples_in(lines, "x.md", fenced=True)
    assert [e.command for e in found] == ["kg build a.txt -o a.ttl  # note",
                                          "kg query g.trig 'SELECT ?x WHERE {\n  ?x a zkg:Company . }'"]
    assert found[1].error == "kg: error: boom" and found[0].error is None


def test_every_doc_and_help_has_examples_that_run():
    """The docs hold enough examples that the test above means something."""
    total = sum(len(doc_examples(d)) for d in DOCS)
    runnable = [e for d in DOCS for e in doc_examples(d) if not why_not_run(e)]
    assert total >= 30 and len(runnable) >= 20
    assert all(help_examples(c) for c in ("build", "query", "viz", "stats", "export", "eval"))


# ---------------------------------------------------------------------------------------------
# docs/errors.md: every exit code, by example

def exit_code_rows() -> list[tuple[int, str, str]]:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    table = text.split("### Every exit code, by example", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in table.splitlines():
        m = re.match(r"^\| (\d+) \| `([^`]+)`[^|]* \| `([^`]+)`", line)
        if m:
            rows.append((int(m.group(1)), m.group(2), m.group(3)))
    return rows


def test_errors_md_lists_every_exit_code():
    from kg import errors

    codes = {v for k, v in vars(errors).items() if k.startswith("EXIT_")}
    assert {code for code, _, _ in exit_code_rows()} == codes
    documented = re.findall(r"^\| (\d+) \| ", (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
                            .split("## Exit codes", 1)[1].split("\n## ", 1)[0], re.M)
    assert {int(c) for c in documented} >= codes


def test_each_row_of_the_exit_code_table(tmp_path):
    import json
    import signal
    import time

    shutil.copy(ARTICLES / "icbc_fintech.txt", tmp_path / "article.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad.ttl").write_text(
        "@prefix zkg: <https://w3id.org/zhkg/ontology#> .\n"
        "<http://example.org/a> a zkg:Person ; zkg:worksFor <http://example.org/b> .\n"
        "<http://example.org/b> a zkg:Technology .\n", encoding="utf-8")
    text = (ARTICLES / "icbc_fintech.txt").read_text(encoding="utf-8")
    (tmp_path / "big.jsonl").write_text("".join(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False)
                                                + "\n" for i in range(4000)), encoding="utf-8")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    wrong = []
    rows = exit_code_rows()
    assert len(rows) >= 10
    for code, command, expected in rows:
        args = shlex.split(command)
        proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        if code == 130:
            time.sleep(4)
            os.killpg(proc.pid, signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            wrong.append(f"{command}: timed out")
            continue
        prefix = expected.split("...")[0].rstrip()
        lines = (err + out).splitlines()
        if proc.returncode != code or not any(line.startswith(prefix) for line in lines):
            wrong.append(f"{command}: exit {proc.returncode} (documented {code}); got {lines[:2]}")
    assert not wrong, "\n".join(wrong)
