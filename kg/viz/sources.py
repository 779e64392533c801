"""Where the visualization's RDF comes from: files, stores, build results, rdflib graphs."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}
RDF_SUFFIXES = frozenset(_FORMATS)


def open_store(source) -> ox.Store:
    """A pyoxigraph Store holding ``source``: a Store (pyoxigraph's or kg.store's), a
    ``BuildResult``, an rdflib graph, ``"oxigraph:DIR"``, or a path or list of paths."""
    if isinstance(source, ox.Store):
        return source
    if hasattr(source, "oxigraph"):  # kg.store.OxigraphStore
        return source.oxigraph
    if hasattr(source, "nquads") and hasattr(source, "document_count"):  # kg.BuildResult
        store = ox.Store()
        if source.nquads:
            store.bulk_load(source.nquads, format=ox.RdfFormat.N_QUADS)
        return store
    if isinstance(source, str) and source.startswith("oxigraph:"):
        return open_store_dir(source[len("oxigraph:"):])
    if hasattr(source, "serialize") and hasattr(source, "triples"):
        store = ox.Store()
        fmt, oxfmt = ("nquads", ox.RdfFormat.N_QUADS) if hasattr(source, "graphs") else (
            "nt", ox.RdfFormat.N_TRIPLES)
        store.load(source.serialize(format=fmt, encoding="utf-8"), format=oxfmt)
        return store
    if isinstance(source, (str, Path)):
        source = [source]
    store = ox.Store()
    for path in source:
        load_file(store, Path(path))
    return store


def load_file(store: ox.Store, path: Path) -> None:
    """Parse one RDF file into ``store``, raising InputError with a one-line reason."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format",
                         hint="use .ttl, .trig, .nt, .nq or .jsonld")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot parse {path.suffix[1:]}: {first}") from None


def open_store_dir(directory: str | Path) -> ox.Store:
    """Open a persistent pyoxigraph store read-only."""
    if not str(directory):
        raise InputError("oxigraph: needs a directory", hint="e.g. oxigraph:corpus.db")
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: no such store directory")
    try:
        return ox.Store.read_only(str(directory))
    except OSError as exc:
        raise InputError(f"{directory}: cannot open oxigraph store: {exc}") from None


# ---------------------------------------------------------------- extraction
