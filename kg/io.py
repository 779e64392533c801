"""Reading inputs into Documents, and writing outputs atomically (decoding: :mod:`kg.decode`).

Inputs are files (.txt, .md, .jsonl), folders of them, or ``-`` for stdin. Text is decoded
once and never modified after (offsets index the decoded text, CRLF line ends included):

* UTF-8, with or without a BOM;
* UTF-16 and UTF-32 with a BOM, and UTF-16 LE/BE without one when the text is plausible;
* GB18030 (a superset of GBK and GB2312) when the bytes are not UTF-8 and read as Chinese.

A bad input never stops the others: it becomes a :class:`Skipped` record naming the file
(and line) or the byte offset, and saying what to do, unless ``strict`` asks to stop at the
first one with an :class:`~kg.errors.InputError`. JSONL is read line by line, so a broken
line skips only that line. Every message is listed in ``docs/errors.md``.
"""
from __future__ import annotations

import codecs
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from kg.decode import BOMS, CONVERT, BadInput, clean_text, decode, decode_bytes, plausible  # noqa: F401
from kg.errors import InputError, OutputError
from kg.types import Document

__all__ = ["JSONL_SUFFIXES", "META_FIELDS", "Skipped", "TEXT_SUFFIXES", "atomic_write", "clean_text",
           "decode", "read_documents"]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
META_FIELDS = ("title", "author", "date", "source")


@dataclass(frozen=True)
class Skipped:
    """An input that was not built: ``source`` (file, ``file:line`` or folder) and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def _text_document(data: bytes, doc_id: str, source: str) -> Document:
    text = decode_bytes(data)
    if not text.strip():
        raise BadInput(f"holds only whitespace ({len(data)} bytes)", "add text to it or leave it out")
    return Document(id=doc_id, text=text, source=source)


# -- JSONL -----------------------------------------------------------------------------------------

def _jsonl_lines(data: bytes) -> Iterator[tuple[int, str | BadInput]]:
    """(line number, text or the reason it cannot be decoded) for each non-blank line.

    JSONL is UTF-8 (UTF-16/32 with a BOM, or a whole GB18030 file, are accepted too), and each
    line is decoded on its own so that one bad byte loses one line only.
    """
    if any(data.startswith(bom) for bom, enc in BOMS if enc != "utf-8-sig"):
        lines = [line.encode("utf-8") for line in decode_bytes(data).split("\n")]
    else:
        lines = data.removeprefix(codecs.BOM_UTF8).split(b"\n")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            whole = _gb18030_jsonl(data)
            if whole is not None:
                lines = [line.encode("utf-8") for line in whole.split("\n")]
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield lineno, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield lineno, BadInput(f"invalid UTF-8 (byte 0x{raw[exc.start]:02X} at byte {exc.start + 1} "
                               f"of the line)", "fix the line; JSONL must be UTF-8")


def _gb18030_jsonl(data: bytes) -> str | None:
    """The text of a JSONL file none of whose non-ASCII lines is UTF-8 but all GB18030."""
    for line in data.split(b"\n"):
        if not line.isascii():
            try:
                line.decode("utf-8")
                return None
            except UnicodeDecodeError:
                pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if plausible(text) >= 0.8 else None


def _record(line: str, default_id: str) -> tuple[str, str, dict[str, str]]:
    """(id, text, meta) of one JSONL line, or BadInput."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadInput(f"bad JSON at column {exc.colno} ({exc.msg})", "fix the line") from None
    except RecursionError:
        raise BadInput("bad JSON (nested too deeply)", "fix the line") from None
    if not isinstance(record, dict):
        raise BadInput(f"a line must be a JSON object, not {type(record).__name__}", "fix the line")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadInput('the record needs a non-empty "text" string', "fix the line")
    doc_id = record.get("id")
    if doc_id is None or doc_id == "":
        doc_id = default_id
    elif isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        raise BadInput(f'"id" must be a string or an integer, not {json.dumps(doc_id)[:40]}', "fix the line")
    meta = {k: clean_text(str(record[k])) for k in META_FIELDS if record.get(k) not in (None, "")}
    return clean_text(str(doc_id)), clean_text(text), meta


def _jsonl_documents(data: bytes, source: str, strict: bool,
                     skipped: list[Skipped]) -> Iterator[Document]:
    found = False
    for lineno, line in _jsonl_lines(data):
        where = f"{source}:{lineno}"
        try:
            if isinstance(line, BadInput):
                raise line
            doc_id, text, meta = _record(line, f"{Path(source).name}:{lineno}")
        except BadInput as bad:
            if strict:
                raise bad.error(where, strict=True) from None
            skipped.append(Skipped(where, f"{bad.reason}; {bad.hint}; the other lines were read"))
            continue
        found = True
        yield Document(id=doc_id, text=text, source=where, meta=meta)
    if not found and not any(s.source.startswith(f"{source}:") for s in skipped):
        raise BadInput("holds no JSON record", 'give one {"id": ..., "text": ...} object per line')


# -- inputs ----------------------------------------------------------------------------------------

def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput("no such file (a broken link?)", "check the path") from None
    except PermissionError:
        raise BadInput("permission denied", "make it readable (chmod +r) or leave it out") from None
    except IsADirectoryError:
        raise BadInput("is a folder", "give the folder itself, not a file inside it") from None
    except OSError as exc:
        raise BadInput(f"cannot be read ({exc.strerror or exc})", "check the file") from None


def _folder_files(folder: Path, skipped: list[Skipped]) -> list[Path]:
    """The .txt/.md/.jsonl files under ``folder``, sorted. Every other entry is reported in
    ``skipped`` with the reason: unreadable subfolders, hidden files and folders (not entered),
    and files of another kind (.csv, .pdf, no extension)."""
    def unreadable(exc: OSError) -> None:
        where = exc.filename or folder
        skipped.append(Skipped(str(where), f"folder cannot be listed ({exc.strerror or exc}); "
                                           "make it readable (chmod +rx) or leave it out"))

    files, others = [], []
    for root, dirs, names in os.walk(folder, onerror=unreadable):
        for name in sorted(d for d in dirs if d.startswith(".")):
            others.append(Skipped(str(Path(root, name)), "hidden folder, not read; give it by name to build it"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            p = Path(root, name)
            if name.startswith("."):
                others.append(Skipped(str(p), "hidden file, not read; give it by name to build it"))
            elif p.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES and _is_file(p):
                files.append(p)
            elif _is_file(p):
                kind = f"a {p.suffix} file" if p.suffix else "a file without an extension"
                others.append(Skipped(str(p), f"{kind}, not read: only .txt, .md and .jsonl files are; "
                                              "convert or rename it to build it"))
    skipped.extend(sorted(others, key=lambda s: s.source))
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def _is_file(p: Path) -> bool:
    try:
        return stat.S_ISREG(p.stat().st_mode)
    except OSError:
        return p.is_symlink()  # a broken link: reported when it is read


def _expand(paths: Iterable[str | Path], skipped: list[Skipped],
            strict: bool) -> Iterator[tuple[Path | None, str]]:
    """Yield (path, document id) pairs: folders expand to their files, sorted."""
    for raw in paths:
        if str(raw) == "-":
            yield None, "stdin"
            continue
        path = Path(raw)
        if path.is_dir():
            before = len(skipped)
            files = _folder_files(path, skipped)
            if strict and len(skipped) > before:
                raise InputError(str(skipped[before]), hint="drop --strict to skip it")
            if not files:
                skipped.append(Skipped(str(path), "folder holds no .txt, .md or .jsonl file; "
                                                  "check the path"))
            for f in files:
                yield f, f.relative_to(path).as_posix()
        elif path.exists() or path.is_symlink():
            yield path, path.name
        elif strict:
            raise InputError(f"{path}: no such file or folder", hint="check the path")
        else:
            skipped.append(Skipped(str(path), "no such file or folder; check the path"))


#: Longest document built as one (characters). Extraction keeps a document's tokens, mentions
#: and quads in memory (about 1.3 KB per character): a longer text should be split.
MAX_CHARS = 2_000_000


def read_documents(paths: Iterable[str | Path], *, strict: bool = False,
                   skipped: list[Skipped] | None = None, stdin: bytes | None = None,
                   max_chars: int = MAX_CHARS, notes: list[str] | None = None) -> Iterator[Document]:
    """Read every input as Documents, in the order given (folders sorted by name).

    Inputs that cannot be read, or documents longer than ``max_chars``, are appended to
    ``skipped`` (or raise InputError when ``strict``). ``stdin`` lets callers pass standard
    input's bytes explicitly. Two inputs with the same document id (``news.txt`` in two
    folders) get ``#2``, ``#3`` ... in the order of their sorted paths, not of the arguments,
    and a line in ``notes`` names both.
    """
    skipped = [] if skipped is None else skipped
    notes = [] if notes is None else notes
    seen: dict[str, str] = {}  # document id -> the source that has it
    for doc in _read_all(paths, strict, skipped, stdin, notes):
        if doc.id in seen:  # a clash inside JSONL records: in the order read
            new_id = _free_id(doc.id, seen)
            notes.append(f"{seen[doc.id]} and {doc.source} have the same document id {doc.id!r}; "
                         f"{doc.source} is built as {new_id!r}")
            doc.id = new_id
        seen[doc.id] = doc.source
        if len(doc.text) <= max_chars:
            yield doc
            continue
        reason = f"{len(doc.text):,} characters, over the {max_chars:,} one document may have"
        hint = "split it into smaller documents, e.g. one JSONL line per article or chapter"
        if strict:
            raise InputError(f"{doc.source}: {reason}", hint=hint)
        skipped.append(Skipped(doc.source, f"{reason}; {hint}"))


def _free_id(doc_id: str, taken) -> str:
    n = 2
    while f"{doc_id}#{n}" in taken:
        n += 1
    return f"{doc_id}#{n}"


def _unique_file_ids(items: list[tuple[Path | None, str]], notes: list[str]) -> list[tuple[Path | None, str]]:
    """File inputs with the same id: the first by sorted path keeps it, the others get #2, #3, ..."""
    by_id: dict[str, list[int]] = {}
    for i, (path, doc_id) in enumerate(items):
        if path is None or path.suffix.lower() not in JSONL_SUFFIXES:
            by_id.setdefault(doc_id, []).append(i)
    out = list(items)
    taken = {doc_id for _, doc_id in items}
    for doc_id, where in by_id.items():
        if len(where) < 2:
            continue
        ordered = sorted(where, key=lambda i: str(items[i][0] or "-"))
        first = str(items[ordered[0]][0] or "<stdin>")
        for i in ordered[1:]:
            new_id = _free_id(doc_id, taken)
            taken.add(new_id)
            out[i] = (items[i][0], new_id)
            notes.append(f"{first} and {items[i][0] or '<stdin>'} have the same document id {doc_id!r}; "
                         f"{items[i][0] or '<stdin>'} is built as {new_id!r}")
    return out


def _read_all(paths, strict: bool, skipped: list[Skipped], stdin: bytes | None,
              notes: list[str]) -> Iterator[Document]:
    for path, doc_id in _unique_file_ids(list(_expand(paths, skipped, strict)), notes):
        source = "<stdin>" if path is None else str(path)
        try:
            data = (stdin if stdin is not None else sys.stdin.buffer.read()) if path is None \
                else _read_bytes(path)
            if path is not None and path.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_documents(data, source, strict, skipped)
            else:
                yield _text_document(data, doc_id, source)
        except BadInput as bad:
            if strict:
                raise bad.error(source, strict=True) from None
            skipped.append(Skipped(source, f"{bad.reason}; {bad.hint}"))


# -- output ----------------------------------------------------------------------------------------

def _new_file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give a new file (0o666 minus the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str | Path, data: bytes | Callable[[BinaryIO], None], *, force: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    ``data`` is bytes, or a function that writes to the open temporary file.

    A failed or interrupted write leaves the previous file intact and no temporary file behind.
    Without ``force`` an existing file is an OutputError. A symbolic link is followed (its
    target is replaced); the file keeps its permissions, a new one gets the usual ones.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists", hint="pass --force to overwrite it")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder", hint="give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"{parent}: no such folder", hint="create it first")
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else _new_file_mode()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})",
                          hint="check the folder's permissions and free space") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})",
                              hint="the previous file, if any, is unchanged; check free space "
                                   "and permissions") from None
        raise
