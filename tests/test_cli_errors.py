"""The real ``kg`` command, as a subprocess, on inputs that give no document, and when stopped.

Every case runs with one and with two workers, under a timeout, in a session of its own, and
afterwards no process of that session may be left (a forked worker waiting forever was the bug:
kg/parallel.py). The messages and exit codes are those of docs/errors.md.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
TIMEOUT = 60
NOTHING = "kg: error: no input could be read; nothing was written"


def session_processes(sid: int) -> list[int]:
    """The live processes of session ``sid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def kg(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """Run kg in a new session; fail if it takes too long or leaves a process behind."""
    proc = subprocess.Popen([sys.executable, "-m", "kg", *args], cwd=cwd, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(stdin, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"kg {' '.join(args)} did not end within {TIMEOUT}s")
    deadline = time.monotonic() + 5
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = session_processes(proc.pid)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
    assert not left, f"processes left behind: {left}"
    return subprocess.CompletedProcess(args, proc.returncode, out.decode(), err.decode())


def _make(tmp: Path, case: str) -> tuple[list[str], bytes, str]:
    """(arguments, stdin, what the warning names) of one bad input."""
    if case == "missing file":
        return ["no-such-file.txt"], b"", "skipped no-such-file.txt: no such file or folder"
    if case == "0-byte file":
        (tmp / "empty.txt").write_bytes(b"")
        return ["empty.txt"], b"", "skipped empty.txt: empty file (0 bytes)"
    if case == "one newline":
        (tmp / "nl.txt").write_bytes(b"\n")
        return ["nl.txt"], b"", "skipped nl.txt: holds only whitespace (1 bytes)"
    if case == "binary file":
        (tmp / "binary.dat").write_bytes(bytes(range(256)) * 8)
        return ["binary.dat"], b"", "skipped binary.dat: looks like a binary file"
    if case == "text with a NUL":
        (tmp / "ctl.txt").write_bytes("工商银行\0推出产品。".encode())
        return ["ctl.txt"], b"", "skipped ctl.txt: looks like a binary file"
    if case == "empty folder":
        (tmp / "emptydir").mkdir()
        return ["emptydir"], b"", "skipped emptydir: folder holds no .txt, .md or .jsonl file"
    if case == "empty stdin":
        return ["-"], b"", "skipped <stdin>: empty file (0 bytes)"
    if case == "blank JSONL":
        (tmp / "blank.jsonl").write_bytes(b"\n  \n")
        return ["blank.jsonl"], b"", "skipped blank.jsonl: holds no JSON record"
    if case == "all skipped":
        (tmp / "d").mkdir()
        (tmp / "d" / "data.csv").write_text("a,b\n")
        (tmp / "d" / "e.txt").write_bytes(b"")
        return ["d", "no-such.md"], b"", "skipped d/data.csv: a .csv file, not read"
    raise AssertionError(case)


CASES = ["missing file", "0-byte file", "one newline", "binary file", "text with a NUL", "empty folder",
         "empty stdin", "blank JSONL", "all skipped"]


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("case", CASES)
def test_no_document_ends_at_once_with_the_documented_message(tmp_path, case, workers):
    args, stdin, warning = _make(tmp_path, case)
    started = time.monotonic()
    r = kg("build", *args, "-o", "x.trig", "--workers", workers, cwd=tmp_path, stdin=stdin)
    assert r.returncode == 1, r.stderr
    lines = r.stderr.splitlines()
    assert lines[-1] == NOTHING and any(warning in line for line in lines), r.stderr
    assert all(line.startswith("kg: ") for line in lines) and "Traceback" not in r.stderr
    assert not (tmp_path / "x.trig").exists()
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("case", ["missing file", "empty stdin", "empty folder", "binary file"])
def test_no_document_into_a_store_creates_no_store(tmp_path, case, workers):
    args, stdin, warning = _make(tmp_path, case)
    r = kg("build", *args, "--store", "oxigraph:st", "--workers", workers, cwd=tmp_path, stdin=stdin)
    assert r.returncode == 1 and r.stderr.splitlines()[-1] == NOTHING, r.stderr
    assert warning in r.stderr and not (tmp_path / "st").exists()


def big_corpus(tmp: Path, n: int = 4000) -> Path:
    """A corpus a build takes far longer than the tests wait before they stop it (400 articles were
    built in 3.8 s once the build got faster: the interrupt came after the summary)."""
    text = (EXAMPLES / "icbc_fintech.txt").read_text(encoding="utf-8")
    path = tmp / "big.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) + "\n"
                            for i in range(n)), encoding="utf-8")
    return path


def start_build(tmp: Path) -> subprocess.Popen:
    """A long build with two workers, once its worker process runs."""
    big_corpus(tmp)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", "big.jsonl", "-o", "big.nq", "--workers", "2"],
                            cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    while not children(proc.pid):
        if time.monotonic() > deadline or proc.poll() is not None:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("the build did not start a worker")
        time.sleep(0.1)
    time.sleep(2)  # into the analysis
    return proc


def test_ctrl_c_prints_one_line_and_stops_every_worker(tmp_path):
    proc = start_build(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends: the whole foreground group
    try:
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("Ctrl-C did not stop kg build")
    assert proc.returncode == 130
    assert err.decode().splitlines() == ["kg: interrupted"]
    deadline = time.monotonic() + 10
    while session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(proc.pid) == []
    assert not (tmp_path / "big.nq").exists()


def test_a_worker_ends_when_its_parent_is_killed(tmp_path):
    proc = start_build(tmp_path)
    workers = children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)  # a CI timeout, the OOM killer
    proc.wait(timeout=TIMEOUT)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers):
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"worker(s) {workers} outlived their parent")
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# -- what the summary says was read -----------------------------------------------------------

def test_every_file_not_read_is_named_with_its_reason(tmp_path):
    folder = tmp_path / "in"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "x.txt").write_text("工商银行推出新产品。", encoding="utf-8")
    (folder / "a.txt").write_text((EXAMPLES / "icbc_fintech.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "table.csv").write_text("a,b\n")
    (folder / "paper.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "README").write_text("notes\n")
    (folder / ".hidden.txt").write_text("工商银行推出新产品。", encoding="utf-8")
    r = kg("build", "in", "-o", "g.nq", "--workers", "1", cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    expected = {
        "in/.git": "hidden folder, not read",
        "in/.hidden.txt": "hidden file, not read",
        "in/README": "a file without an extension, not read",
        "in/paper.pdf": "a .pdf file, not read",
        "in/table.csv": "a .csv file, not read",
    }
    warnings = [line for line in r.stderr.splitlines() if line.startswith("kg: warning: skipped ")]
    assert len(warnings) == len(expected), r.stderr
    for path, reason in expected.items():
        assert any(f"skipped {path}: {reason}" in w for w in warnings), (path, r.stderr)
    summary = r.stderr.splitlines()[-1]
    assert summary.startswith("kg: 1 documents") and "5 input(s) skipped" in summary
    assert "no input skipped" not in r.stderr
    assert "工商银行推出新产品" not in (tmp_path / "g.nq").read_text(encoding="utf-8")


@pytest.mark.parametrize("order", [("x", "y"), ("y", "x")])
def test_two_inputs_with_one_id_warn_and_are_numbered_by_sorted_path(tmp_path, order):
    for sub, name in (("x", "中国工商银行"), ("y", "招商银行")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "news.txt").write_text(f"{name}推出手机银行新版本。", encoding="utf-8")
    r = kg("build", *(f"{o}/news.txt" for o in order), "-o", "g.nq", "--workers", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert ("kg: warning: x/news.txt and y/news.txt have the same document id 'news.txt'; "
            "y/news.txt is built as 'news.txt#2'") in r.stderr.splitlines()
    data = (tmp_path / "g.nq").read_text(encoding="utf-8")
    second = [line for line in data.splitlines() if "/doc/news.txt%232>" in line and "#isString>" in line]
    assert len(second) == 1 and "招商银行" in second[0]
