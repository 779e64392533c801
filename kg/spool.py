"""What workers hand back in bulk (the graphs' N-Quads, the documents), kept in files.

A graph is tens of megabytes of N-Quads per megabyte of text. Sent back from worker processes
through pipes, they cost a quarter of a two-worker build, so each worker appends what it made to
a file of its own in a spool folder (:func:`spool`) and answers only where each piece is
(:class:`Part`). :class:`Spooled` holds the files (open, unlinked: they vanish with it) and the
parts in order; it reads them back as bytes, or writes them out by a copy the kernel makes
(``copy_file_range``), never through Python.

>>> with spool_folder() as folder:
...     parts = spool(folder, [("b", b"<b> <p> <o> <b> .\\n"), ("a", b"<a> <p> <o> <a> .\\n")])
...     graph = Spooled(open_spool(folder), sorted(parts))
>>> graph.read()
b'<a> <p> <o> <a> .\\n<b> <p> <o> <b> .\\n'
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from typing import BinaryIO, Iterable, Iterator, NamedTuple

from kg.errors import OutputError

__all__ = ["Part", "Spooled", "open_spool", "spool", "spool_folder"]


@contextmanager
def spool_folder() -> Iterator[str]:
    """A temporary folder to spool to; files opened from it (:func:`open_spool`) outlive it."""
    try:
        folder = tempfile.mkdtemp(prefix="zhkg-spool-")
    except OSError as exc:
        raise _spool_error(exc) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _spool_error(exc: OSError) -> OutputError:
    return OutputError(f"{tempfile.gettempdir()}: cannot write the build's temporary files "
                       f"({exc.strerror or exc})", hint="set TMPDIR to a folder with free space")


class Part(NamedTuple):
    """Where one piece is: a file of the spool folder, an offset and a length (and its lines)."""

    key: str
    file: str
    offset: int
    length: int
    lines: int


def spool(folder: str, items: Iterable[tuple[str, bytes]]) -> list[Part]:
    """Write ``(key, data)`` items one after the other to a new file in ``folder``; where each went."""
    name, parts, offset = "", [], 0
    try:
        fd, path = tempfile.mkstemp(dir=folder, suffix=".spool")
        name = os.path.basename(path)
        with open(fd, "wb") as fh:
            for key, data in items:
                fh.write(data)
                parts.append(Part(key, name, offset, len(data), data.count(b"\n")))
                offset += len(data)
    except OSError as exc:  # a full disk, most likely
        raise _spool_error(exc) from None
    return parts


def open_spool(folder: str) -> dict[str, BinaryIO]:
    """Every file of a spool folder, opened for reading (the folder may then be removed)."""
    return {name: open(os.path.join(folder, name), "rb") for name in sorted(os.listdir(folder))}


class Spooled:
    """Bytes made of parts of spool files, in order."""

    def __init__(self, files: dict[str, BinaryIO], parts: list[Part]) -> None:
        self._files = files
        self.parts = parts

    def __len__(self) -> int:
        """The number of bytes."""
        return sum(p.length for p in self.parts)

    @property
    def lines(self) -> int:
        """The number of lines (of N-Quads: quads)."""
        return sum(p.lines for p in self.parts)

    def chunks(self) -> Iterator[bytes]:
        """The parts' bytes, one part at a time (each part holds whole lines)."""
        return (os.pread(self._files[p.file].fileno(), p.length, p.offset) for p in self.parts)

    def read(self) -> bytes:
        """Everything as one bytes object."""
        return b"".join(os.pread(self._files[p.file].fileno(), p.length, p.offset) for p in self.parts)

    def copy_to(self, out: BinaryIO) -> None:
        """Append everything to ``out`` (a file opened for writing), copied by the kernel when it can."""
        out.flush()
        for part in self.parts:
            src, offset, left = self._files[part.file].fileno(), part.offset, part.length
            while left:
                try:
                    done = os.copy_file_range(src, out.fileno(), left, offset)
                except (AttributeError, OSError):  # not Linux, a pipe, or across file systems
                    done = 0
                if not done:
                    out.write(os.pread(src, left, offset))
                    out.flush()
                    break
                offset, left = offset + done, left - done
