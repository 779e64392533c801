"""Where the visualization's RDF comes from: files, stores, build results, rdflib graphs."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg import rdfio
from kg.errors import InputError

_FORMATS = {ext: f.oxigraph for f in rdfio.FORMATS for ext in f.extensions}  # the table: kg.rdfio
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
    rdfio.read_into(store, path, bulk=True)


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
