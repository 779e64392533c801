"""RDF files and stores, named in one place: the formats, the reader, the writer, the store spec.

Every command that reads or writes RDF (``kg build``, ``load``, ``viz``, ``validate``, ``query``,
``export``, ``stats``, ``serve``, ``eval``) goes through this module, so that they accept the same
files and say the same things about the ones they cannot read:

* :data:`FORMATS` — one row per RDF syntax: its name, aliases, file extensions, the pyoxigraph
  format and the rdflib parser name; :func:`format_of` (a path) and :func:`format_named` (``--format``).
* :func:`read_into` — the one reader: a file into a ``pyoxigraph.Store`` (graphs kept, or all put
  into one graph), with a one-line :class:`~kg.errors.InputError` for a missing or broken file.
  :func:`parse_file` yields its quads; :func:`rdf_files` expands folders.
* :func:`atomic_write` — the one writer (from :mod:`kg.io`): a temporary file renamed into place.
* :class:`StoreSpec` — ``memory``, ``oxigraph:DIR`` or an ``http(s)://`` endpoint URL, parsed once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.errors import InputError, OutputError
from kg.io import atomic_write

__all__ = ["FORMATS", "RdfSyntax", "READ_SUFFIXES", "StoreSpec", "WRITE_FORMATS", "atomic_write", "format_named",
           "format_of", "is_rdf_path", "output_format", "parse_file", "rdf_files", "read_into"]


@dataclass(frozen=True)
class RdfSyntax:
    """One RDF syntax: ``name`` (what ``--format`` takes), other names, extensions, and the parsers'
    names for it. ``writable``: kg writes it (``kg build -o``, ``kg query -f``)."""

    name: str
    extensions: tuple[str, ...]
    oxigraph: ox.RdfFormat
    rdflib: str
    aliases: tuple[str, ...] = ()
    writable: bool = True

    @property
    def datasets(self) -> bool:
        """Whether the syntax holds named graphs (TriG, N-Quads, JSON-LD)."""
        return self.oxigraph.supports_datasets


#: every RDF syntax kg reads; the first extension of each is the one it writes
FORMATS: tuple[RdfSyntax, ...] = (
    RdfSyntax("ttl", (".ttl", ".turtle"), ox.RdfFormat.TURTLE, "turtle", ("turtle",)),
    RdfSyntax("trig", (".trig",), ox.RdfFormat.TRIG, "trig"),
    RdfSyntax("nt", (".nt", ".ntriples"), ox.RdfFormat.N_TRIPLES, "nt", ("ntriples", "n-triples")),
    RdfSyntax("nq", (".nq", ".nquads"), ox.RdfFormat.N_QUADS, "nquads", ("nquads", "n-quads")),
    RdfSyntax("jsonld", (".jsonld", ".json"), ox.RdfFormat.JSON_LD, "json-ld", ("json-ld",)),
    RdfSyntax("rdfxml", (".rdf", ".owl", ".xml"), ox.RdfFormat.RDF_XML, "xml", ("rdf-xml", "xml"), False),
    RdfSyntax("n3", (".n3",), ox.RdfFormat.N3, "n3", (), False),
)
_BY_SUFFIX = {ext: f for f in FORMATS for ext in f.extensions}
_BY_NAME = {name: f for f in FORMATS for name in (f.name, *f.aliases)}
#: extensions of the files kg reads as RDF
READ_SUFFIXES: tuple[str, ...] = tuple(_BY_SUFFIX)
#: names of the formats kg writes
WRITE_FORMATS: tuple[str, ...] = tuple(f.name for f in FORMATS if f.writable)


def is_rdf_path(path: str | Path) -> bool:
    """Whether ``path`` has the extension of an RDF file (it need not exist)."""
    return Path(path).suffix.lower() in _BY_SUFFIX


def format_of(path: str | Path) -> RdfSyntax:
    """The syntax of the file ``path`` from its extension, or InputError naming the known ones."""
    found = _BY_SUFFIX.get(Path(path).suffix.lower())
    if found is None:
        raise InputError(f"{path}: unknown RDF file extension {Path(path).suffix or '(none)'!r}",
                         hint="use one of " + ", ".join(READ_SUFFIXES))
    return found


def format_named(name: str) -> RdfSyntax:
    """The syntax called ``name`` (``ttl``, ``turtle``, ``nq``, ...), or OutputError."""
    found = _BY_NAME.get(name.lower())
    if found is None:
        raise OutputError(f"unknown format {name!r}", hint="use one of " + ", ".join(WRITE_FORMATS))
    return found


def output_format(path: str | Path | None, fmt: str | None, *, default: str = "ttl") -> RdfSyntax:
    """The syntax an output is written in: ``fmt`` if given, else from the extension of ``path``."""
    if fmt:
        found = format_named(fmt)
    elif path is None or str(path) == "-":
        found = _BY_NAME[default]
    else:
        found = _BY_SUFFIX.get(Path(path).suffix.lower())
        if found is None or not found.writable:
            suffix = Path(path).suffix.lower()
            *most, last = (f.extensions[0] for f in FORMATS if f.writable)
            raise OutputError(f"{path}: cannot tell the format from the extension {suffix or '(none)'}",
                              hint=f"use {', '.join(most)} or {last}, or pass --format")
    if not found.writable:
        raise OutputError(f"kg does not write {found.name}", hint="use one of " + ", ".join(WRITE_FORMATS))
    return found


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _check_file(path: Path) -> RdfSyntax:
    syntax = format_of(path)
    if not path.is_file():
        raise InputError(f"{path}: " + ("not a file" if path.exists() else "no such file"))
    return syntax


def read_into(store: ox.Store, path: str | Path, *, to_graph: ox.NamedNode | None = None,
              bulk: bool = False) -> RdfSyntax:
    """Parse the RDF file ``path`` into ``store``: its graphs kept, or all its triples put into
    ``to_graph``. ``bulk`` uses Oxigraph's bulk loader (faster, not transactional). Returns its syntax."""
    path = Path(path)
    syntax = _check_file(path)
    options = {"path": str(path), "format": syntax.oxigraph}
    if to_graph is not None:
        options["to_graph"] = to_graph
    try:
        (store.bulk_load if bulk else store.load)(**options)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot parse {syntax.name}: {_first_line(exc)}") from None
    return syntax


def parse_file(path: str | Path) -> Iterator[ox.Quad]:
    """The quads of the RDF file ``path`` (relative IRIs resolved against the file), or InputError."""
    path = Path(path)
    syntax = _check_file(path)
    try:
        yield from ox.parse(path=path, format=syntax.oxigraph, base_iri=path.resolve().as_uri())
    except (SyntaxError, ValueError, OSError, UnicodeError) as exc:
        raise InputError(f"{path}: cannot parse {syntax.name}: {_first_line(exc)}") from None


def rdf_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Each file as itself; each folder as the RDF files under it (by extension), sorted."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _BY_SUFFIX)
        if not found:
            raise InputError(f"no RDF files in {path}", hint="looked for " + ", ".join(READ_SUFFIXES))
        out += found
    return out


# -- store specs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoreSpec:
    """Where a store is: ``kind`` memory, oxigraph (``location`` a folder) or endpoint (a URL)."""

    kind: str
    location: str = ""

    @classmethod
    def parse(cls, spec: str) -> "StoreSpec":
        """``memory``, ``oxigraph:DIR`` or ``http(s)://...``; a ValueError for anything else."""
        if spec in ("memory", "memory:"):
            return cls("memory")
        if spec.startswith("oxigraph:"):
            return cls("oxigraph", spec[len("oxigraph:"):])
        if spec.startswith(("http://", "https://")):
            return cls("endpoint", spec)
        raise ValueError(spec)

    @staticmethod
    def recognizes(spec: str) -> bool:
        """Whether ``spec`` names a store (not a file)."""
        return spec == "memory" or spec.startswith(("memory:", "oxigraph:", "http://", "https://"))

    @property
    def directory(self) -> Path | None:
        """The folder of an ``oxigraph:DIR`` store (None for the others)."""
        return Path(self.location).expanduser() if self.kind == "oxigraph" and self.location else None

    def __str__(self) -> str:
        return {"memory": "memory", "oxigraph": f"oxigraph:{self.location}"}.get(self.kind, self.location)
