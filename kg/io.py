"""Reading inputs into Documents, and writing outputs atomically.

Inputs are files (.txt, .md, .jsonl), folders of them, or ``-`` for stdin. Text is decoded
once (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK) and never modified after.
A bad input never stops the others: it is reported as a :class:`Skipped` record naming the
file and the line or byte offset, unless ``strict`` asks to stop at the first one.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from kg.errors import InputError, OutputError
from kg.types import Document

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
META_FIELDS = ("title", "author", "date", "source")


@dataclass(frozen=True)
class Skipped:
    """An input that was not built, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def decode(data: bytes, source: str) -> str:
    """Decode bytes as UTF-8 (BOM optional), UTF-16 (with BOM) or GB18030; else InputError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: invalid UTF-16 at byte {exc.start}",
                             hint="re-save the file as UTF-8") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{source}: looks like a binary file (NUL byte at offset {data.index(0)})",
                         hint="give a .txt, .md or .jsonl text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            f"{source}: not valid UTF-8 (byte offset {utf8_error.start}) nor GB18030",
            hint="convert it to UTF-8, e.g. with iconv") from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", hint="check the path") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied", hint="make it readable") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def _text_document(text: str, doc_id: str, source: str) -> Document:
    if not text.strip():
        raise InputError(f"{source}: empty file", hint="nothing to build")
    return Document(id=doc_id, text=text, source=source)


def _jsonl_documents(text: str, source: str, strict: bool,
                     skipped: list[Skipped]) -> Iterator[Document]:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("a line must be a JSON object")
            doc_text = record.get("text")
            if not isinstance(doc_text, str) or not doc_text.strip():
                raise ValueError('it needs a non-empty "text" string')
            doc_id = record.get("id", f"{Path(source).name}:{lineno}")
            meta = {k: str(record[k]) for k in META_FIELDS if record.get(k) not in (None, "")}
            yield Document(id=str(doc_id), text=doc_text, source=where, meta=meta)
        except (ValueError, TypeError) as exc:
            message = f"{where}: bad JSONL record ({exc})"
            if strict:
                raise InputError(message, hint="fix the line, or drop --strict to skip it") from None
            skipped.append(Skipped(where, f"bad JSONL record ({exc}); fix the line"))


def _expand(paths: Iterable[str | Path], skipped: list[Skipped],
            strict: bool) -> Iterator[tuple[Path | None, str]]:
    """Yield (path, document-id prefix) pairs: folders expand to their files, sorted."""
    for raw in paths:
        if str(raw) == "-":
            yield None, "stdin"
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*")
                           if p.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES and p.is_file())
            if not files:
                skipped.append(Skipped(str(path), "folder holds no .txt, .md or .jsonl file"))
            for f in files:
                yield f, f.relative_to(path).as_posix()
        elif path.exists() or path.is_symlink():
            yield path, path.name
        elif strict:
            raise InputError(f"{path}: no such file or folder", hint="check the path")
        else:
            skipped.append(Skipped(str(path), "no such file or folder; check the path"))


def read_documents(paths: Iterable[str | Path], *, strict: bool = False,
                   skipped: list[Skipped] | None = None, stdin: bytes | None = None
                   ) -> Iterator[Document]:
    """Read every input as Documents, in the order given (folders sorted by name).

    Inputs that cannot be read are appended to ``skipped`` (or raise InputError when
    ``strict``). ``stdin`` lets callers pass standard input's bytes explicitly.
    """
    skipped = [] if skipped is None else skipped
    for path, doc_id in _expand(paths, skipped, strict):
        source = "<stdin>" if path is None else str(path)
        try:
            data = (stdin if stdin is not None else sys.stdin.buffer.read()) if path is None \
                else _read_bytes(path)
            text = decode(data, source)
            if path is not None and path.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_documents(text, source, strict, skipped)
            else:
                yield _text_document(text, doc_id, source)
        except InputError as exc:
            if strict:
                raise
            skipped.append(Skipped(source, str(exc).split(": ", 1)[-1]))


def atomic_write(path: str | Path, data: bytes, *, force: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    An interrupted write leaves the previous file intact. Without ``force`` an existing
    file is an OutputError.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists", hint="pass --force to overwrite it")
    if path.is_dir():
        raise OutputError(f"{path}: is a directory", hint="give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{parent}: no such folder", hint="create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
