"""Reading inputs into Documents, and writing outputs atomically.

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
import itertools
import json
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from kg.errors import InputError, OutputError
from kg.types import Document

__all__ = ["JSONL_SUFFIXES", "META_FIELDS", "Skipped", "TEXT_SUFFIXES", "atomic_write", "clean_text",
           "decode", "read_documents"]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
META_FIELDS = ("title", "author", "date", "source")
#: how many characters the encoding and binary sniffers look at
SAMPLE = 1 << 16
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CONVERT = "convert it to UTF-8, e.g. iconv -f BIG5 -t UTF-8 FILE > NEW.txt, and build again"


@dataclass(frozen=True)
class Skipped:
    """An input that was not built: ``source`` (file, ``file:line`` or folder) and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class _Bad(Exception):
    """Why one input cannot be read (without its file name) and what to do about it."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.reason, self.hint = reason, hint

    def error(self, source: str, strict: bool = False) -> InputError:
        hint = f"{self.hint}, or drop --strict to skip it" if strict else self.hint
        return InputError(f"{source}: {self.reason}", hint=hint)


# -- decoding --------------------------------------------------------------------------------------

def _plausible(text: str) -> float:
    """The share of characters in a sample that ordinary Chinese or Latin text is made of."""
    sample = text[:SAMPLE]
    if not sample:
        return 0.0
    good = 0
    for ch in sample:
        o = ord(ch)
        good += (o in (9, 10, 13) or 0x20 <= o < 0x7F or 0xA0 <= o < 0x530 or 0x2000 <= o < 0x2C00
                 or 0x3000 <= o < 0x3100 or 0x3200 <= o < 0xA000 or 0xF900 <= o < 0xFB00
                 or 0xFE30 <= o < 0xFE50 or 0xFF00 <= o < 0xFFF0 or 0x20000 <= o < 0x323B0)
    return good / len(sample)


def _sniff_utf16(data: bytes) -> str | None:
    """Text of BOM-less UTF-16 (LE or BE), or None when neither reading is plausible.

    Two printable ASCII bytes make a CJK code unit, so mostly-ASCII bytes (a GBK or Latin-1 file
    with some English) are never taken for UTF-16: real UTF-16 has a NUL beside each ASCII letter.
    """
    if len(data) % 2:
        return None
    head = data[:2 * SAMPLE]
    ascii_pairs = sum(1 for a, b in zip(head[0::2], head[1::2]) if 0x20 <= a < 0x7F and 0x20 <= b < 0x7F)
    if ascii_pairs * 2 > len(head) // 2:
        return None
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _plausible(text)
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, text)
    return best[1] if best else None


def _common_han(text: str) -> float:
    """The share of Han characters in a sample that GB2312 (the 6,763 common ones) holds.

    Over 0.9 for Simplified text and about 0.55 for Traditional; Latin-1 or Big5 bytes read as
    GB18030 give rare characters. 1.0 when there is no Han character to judge by.
    """
    han = [c for c in text[:SAMPLE] if "\u3400" <= c <= "\u9fff" or ord(c) >= 0x20000]
    if not han:
        return 1.0
    common = 0
    for c in han:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(han)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _binary(data: bytes, offset: int) -> _Bad:
    return _Bad(f"looks like a binary file (byte 0x{data[offset]:02X} at byte offset {offset})",
                "give a UTF-8 .txt, .md or .jsonl text file instead")


def _check_controls(text: str, data: bytes, encoding: str) -> str:
    """Reject text whose sample is full of control characters (a binary file that decodes)."""
    sample = text[:SAMPLE]
    found = _CONTROL.findall(sample)
    if len(found) > max(4, len(sample) // 20):
        first = _CONTROL.search(sample).start()
        raise _binary(data, len(text[:first].encode(encoding)))
    return text


def _decode(data: bytes) -> str:
    """Decode ``data`` or raise _Bad; see the module docstring for the encodings tried."""
    if not data:
        raise _Bad("empty file (0 bytes)", "add text to it or leave it out")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                if bom == codecs.BOM_UTF32_LE:  # FF FE 00 00 may be UTF-16 LE text starting with NUL
                    continue
                name = enc.replace("-sig", "").upper()
                raise _Bad(f"invalid {name} at byte offset {exc.start} (line {_line_of(data, exc.start)})",
                           "re-save the file as UTF-8") from None
    nul = data.find(b"\0")
    if nul < 0:
        try:
            return _check_controls(data.decode("utf-8"), data, "utf-8")
        except UnicodeDecodeError as exc:
            utf8 = exc
    text = _sniff_utf16(data)
    if text is not None:
        return text
    if nul >= 0:
        raise _binary(data, nul)
    start = utf8.start
    prefix = data[:start].decode("utf-8")
    # past a few non-ASCII UTF-8 characters, the file is UTF-8 with a bad byte, not GB18030
    if len(list(itertools.islice(_NON_ASCII.finditer(prefix), 8))) < 8:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is not None and _plausible(text) >= 0.8 and _common_han(text) >= 0.4:
            return _check_controls(text, data, "gb18030")
    raise _Bad(f"not valid UTF-8 (byte 0x{data[start]:02X} at byte offset {start}, line "
               f"{_line_of(data, start)}), nor UTF-16 or GB18030", _CONVERT)


def decode(data: bytes, source: str) -> str:
    """Decode bytes (UTF-8 with or without BOM, UTF-16/32, GB18030) into text; else InputError.

    The error names ``source``, the byte offset and what to do.
    """
    try:
        return _decode(data)
    except _Bad as bad:
        raise bad.error(source) from None


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (only JSON escapes can make them) replaced by U+FFFD.

    One character for one, so offsets are unchanged; no RDF writer accepts a lone surrogate.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _text_document(data: bytes, doc_id: str, source: str) -> Document:
    text = _decode(data)
    if not text.strip():
        raise _Bad(f"holds only whitespace ({len(data)} bytes)", "add text to it or leave it out")
    return Document(id=doc_id, text=text, source=source)


# -- JSONL -----------------------------------------------------------------------------------------

def _jsonl_lines(data: bytes) -> Iterator[tuple[int, str | _Bad]]:
    """(line number, text or the reason it cannot be decoded) for each non-blank line.

    JSONL is UTF-8 (UTF-16/32 with a BOM, or a whole GB18030 file, are accepted too), and each
    line is decoded on its own so that one bad byte loses one line only.
    """
    if any(data.startswith(bom) for bom, enc in _BOMS if enc != "utf-8-sig"):
        lines = [line.encode("utf-8") for line in _decode(data).split("\n")]
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
            yield lineno, _Bad(f"invalid UTF-8 (byte 0x{raw[exc.start]:02X} at byte {exc.start + 1} "
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
    return text if _plausible(text) >= 0.8 else None


def _record(line: str, default_id: str) -> tuple[str, str, dict[str, str]]:
    """(id, text, meta) of one JSONL line, or _Bad."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Bad(f"bad JSON at column {exc.colno} ({exc.msg})", "fix the line") from None
    except RecursionError:
        raise _Bad("bad JSON (nested too deeply)", "fix the line") from None
    if not isinstance(record, dict):
        raise _Bad(f"a line must be a JSON object, not {type(record).__name__}", "fix the line")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _Bad('the record needs a non-empty "text" string', "fix the line")
    doc_id = record.get("id")
    if doc_id is None or doc_id == "":
        doc_id = default_id
    elif isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
        raise _Bad(f'"id" must be a string or an integer, not {json.dumps(doc_id)[:40]}', "fix the line")
    meta = {k: clean_text(str(record[k])) for k in META_FIELDS if record.get(k) not in (None, "")}
    return clean_text(str(doc_id)), clean_text(text), meta


def _jsonl_documents(data: bytes, source: str, strict: bool,
                     skipped: list[Skipped]) -> Iterator[Document]:
    found = False
    for lineno, line in _jsonl_lines(data):
        where = f"{source}:{lineno}"
        try:
            if isinstance(line, _Bad):
                raise line
            doc_id, text, meta = _record(line, f"{Path(source).name}:{lineno}")
        except _Bad as bad:
            if strict:
                raise bad.error(where, strict=True) from None
            skipped.append(Skipped(where, f"{bad.reason}; {bad.hint}; the other lines were read"))
            continue
        found = True
        yield Document(id=doc_id, text=text, source=where, meta=meta)
    if not found and not any(s.source.startswith(f"{source}:") for s in skipped):
        raise _Bad("holds no JSON record", 'give one {"id": ..., "text": ...} object per line')


# -- inputs ----------------------------------------------------------------------------------------

def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _Bad("no such file (a broken link?)", "check the path") from None
    except PermissionError:
        raise _Bad("permission denied", "make it readable (chmod +r) or leave it out") from None
    except IsADirectoryError:
        raise _Bad("is a folder", "give the folder itself, not a file inside it") from None
    except OSError as exc:
        raise _Bad(f"cannot be read ({exc.strerror or exc})", "check the file") from None


def _folder_files(folder: Path, skipped: list[Skipped]) -> list[Path]:
    """The .txt/.md/.jsonl files under ``folder``, sorted; unreadable subfolders are reported."""
    def unreadable(exc: OSError) -> None:
        where = exc.filename or folder
        skipped.append(Skipped(str(where), f"folder cannot be listed ({exc.strerror or exc}); "
                                           "make it readable (chmod +rx) or leave it out"))

    files = []
    for root, dirs, names in os.walk(folder, onerror=unreadable):
        dirs.sort()
        for name in names:
            p = Path(root, name)
            if p.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES and _is_file(p):
                files.append(p)
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
                   max_chars: int = MAX_CHARS) -> Iterator[Document]:
    """Read every input as Documents, in the order given (folders sorted by name).

    Inputs that cannot be read, or documents longer than ``max_chars``, are appended to
    ``skipped`` (or raise InputError when ``strict``). ``stdin`` lets callers pass standard
    input's bytes explicitly.
    """
    skipped = [] if skipped is None else skipped
    for doc in _read_all(paths, strict, skipped, stdin):
        if len(doc.text) <= max_chars:
            yield doc
            continue
        reason = f"{len(doc.text):,} characters, over the {max_chars:,} one document may have"
        hint = "split it into smaller documents, e.g. one JSONL line per article or chapter"
        if strict:
            raise InputError(f"{doc.source}: {reason}", hint=hint)
        skipped.append(Skipped(doc.source, f"{reason}; {hint}"))


def _read_all(paths, strict: bool, skipped: list[Skipped], stdin: bytes | None) -> Iterator[Document]:
    for path, doc_id in _expand(paths, skipped, strict):
        source = "<stdin>" if path is None else str(path)
        try:
            data = (stdin if stdin is not None else sys.stdin.buffer.read()) if path is None \
                else _read_bytes(path)
            if path is not None and path.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_documents(data, source, strict, skipped)
            else:
                yield _text_document(data, doc_id, source)
        except _Bad as bad:
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
