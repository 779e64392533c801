"""Graph stores: RDF files in memory, an Oxigraph store on disk, or a remote SPARQL 1.1 endpoint.

Layout of every store kg writes: one named graph per document (its IRI is the Article's,
:func:`kg.ids.document_iri`), and a default graph that is the RDF merge (set union) of all named
graphs. Every entity description lives inside the graphs of the documents that mention it, so
replacing or removing a document's graph is all an incremental build needs.

**One code path writes a store:** :meth:`Store.write_graphs` (N-Quads of whole document graphs:
each replaces the stored graph of its name, and the default graph is kept their merge) and
:meth:`Store.remove_graphs`. ``kg load``, ``kg remove``, ``kg build --store`` (with any number of
workers, or on Dask) and the endpoint store all go through them.

Queries read the merged default graph, so they see every document without ``GRAPH`` clauses and
a triple stated by several documents counts once. (Oxigraph 0.5's own "union default graph"
returns such a triple once per graph: duplicated rows, inflated counts and joins that grow with
the number of documents; oxigraph#1919, fixed upstream after 0.5.)

Store specs (``open_store``):

    memory                 an empty in-memory store
    oxigraph:DIR           a persistent embedded Oxigraph store in DIR
    http(s)://HOST/PATH    a SPARQL 1.1 query endpoint (updates: SPARQL Update, or Graph Store Protocol)
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from kg import ids
from kg.errors import EXIT_ERROR, InputError, QueryError, RegistryError, StoreError
from kg.ontology import PREFIXES, ZKG_IRI
from kg.rdfio import StoreSpec, format_of, read_into
from kg.results import QueryResult
from kg.sparql import bind_params, check_query

__all__ = [
    "EndpointStore", "LoadReport", "OxigraphStore", "Store", "UNASSIGNED", "UnknownStoreError",
    "open_files", "open_store", "read_rdf",
]

_ARTICLE = ox.NamedNode(ZKG_IRI + "Article")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LOADING = ox.NamedNode("urn:zhkg:loading")
#: graph of triples that belong to no single document (a Turtle file describing several articles);
#: like every graph, it is merged into the default graph. Loading adds to it, never replaces it.
UNASSIGNED = PREFIXES["zkgr"] + "graph/unassigned"


class UnknownStoreError(RegistryError, StoreError):
    """An unknown store spec: a registry-style user error (exit 1), and still a StoreError."""

    exit_code = EXIT_ERROR


@dataclass
class LoadReport:
    """What ``Store.load`` did: quads loaded, graphs written (new or replaced), notes for the user."""

    files: int = 0
    quads: int = 0
    graphs: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def rdf_format(path: Path) -> ox.RdfFormat:
    """The pyoxigraph format of ``path`` from its extension (:func:`kg.rdfio.format_of`)."""
    return format_of(path).oxigraph


def read_rdf(path: str | Path) -> tuple[ox.Store, list[ox.NamedNode], list[str]]:
    """Read one RDF file into a scratch in-memory store, one named graph per document.

    TriG and N-Quads keep their graphs. A Turtle or N-Triples file that describes exactly one
    ``zkg:Article`` goes into that article's graph. Anything else (several articles in one
    graph, default-graph triples) goes into the ``UNASSIGNED`` graph, and a note says so.
    Returns the scratch store, its graph names and the notes.
    """
    path = Path(path)
    fmt = format_of(path).oxigraph
    scratch = ox.Store()
    read_into(scratch, path, to_graph=None if fmt.supports_datasets else _LOADING)
    notes: list[str] = []
    source = ox.DefaultGraph()
    if not fmt.supports_datasets:
        source = _LOADING
        articles = {q.subject for q in scratch.quads_for_pattern(None, _RDF_TYPE, _ARTICLE, _LOADING)}
        if len(articles) == 1:
            _move_graph(scratch, _LOADING, next(iter(articles)))
        elif articles:
            notes.append(f"{path}: {len(articles)} articles in one graph were loaded into <{UNASSIGNED}> "
                         "(queries see them; kg remove cannot take one out); "
                         "use TriG or N-Quads to keep one graph per document")
    if any(True for _ in scratch.quads_for_pattern(None, None, None, source)):
        _move_graph(scratch, source, ox.NamedNode(UNASSIGNED))
    graphs = sorted(scratch.named_graphs(), key=lambda g: g.value)
    return scratch, graphs, notes


def _move_graph(store: ox.Store, source, target) -> None:
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source)
    store.clear_graph(source)
    if isinstance(source, ox.NamedNode):
        store.remove_graph(source)
    store.load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)


def unmerge_update(graphs: Sequence[str], merged: str | None = None) -> str:
    """SPARQL Update dropping named ``graphs`` and, from the merged graph, the triples that no
    other graph states (``merged``: the IRI of the graph holding the merge; None: the default graph)."""
    names = [str(ox.NamedNode(g)) for g in graphs]
    outside = ", ".join(names + ([str(ox.NamedNode(merged))] if merged else []))
    target = f"GRAPH {ox.NamedNode(merged)} {{ ?s ?p ?o }}" if merged else "?s ?p ?o"
    delete = (f"DELETE {{ {target} }} WHERE {{ VALUES ?g {{ {' '.join(names)} }} GRAPH ?g {{ ?s ?p ?o }} "
              f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other NOT IN ({outside})) }} }}")
    return " ;\n".join([delete] + [f"DROP SILENT GRAPH {g}" for g in names])


def _nquads(graph_iri: str, quads: Iterable) -> bytes:
    """N-Quads of ``quads`` put into the graph ``graph_iri`` (their own graph is ignored)."""
    graph = ox.NamedNode(graph_iri)
    triples = (q.triple if isinstance(q, ox.Quad) else q for q in quads)
    return ox.serialize([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples],
                        format=ox.RdfFormat.N_QUADS)


class Store(ABC):
    """A graph store holding one named graph per document and their merge as the default graph."""

    spec: str = ""

    # -- the one write path
    @abstractmethod
    def write_graphs(self, nquads: bytes, graphs: Sequence[str], *, keep: Collection[str] = ()) -> None:
        """Store the named graphs ``graphs`` from ``nquads`` (which holds no other graph): each
        replaces the stored graph of its name (those in ``keep`` are added to instead), and the
        default graph stays the merge of all named graphs."""

    @abstractmethod
    def remove_graphs(self, graphs: Sequence[str]) -> None:
        """Drop named graphs, and from the default graph what no other graph states."""

    @abstractmethod
    def graph_sizes(self) -> dict[str, int]:
        """Named graph IRI -> number of quads."""

    # -- built on it
    def load(self, paths: Iterable[str | Path]) -> LoadReport:
        """Load RDF files; each named graph in them replaces the store's graph of the same name."""
        report = LoadReport()
        for path in paths:
            scratch, graphs, notes = read_rdf(path)
            names = [g.value for g in graphs]
            existing = set(self.graphs())
            self.write_graphs(scratch.dump(format=ox.RdfFormat.N_QUADS), names, keep=[UNASSIGNED])
            report.files += 1
            report.quads += len(scratch)
            report.graphs += names
            report.replaced += [g for g in names if g in existing and g != UNASSIGNED]
            report.new += [g for g in names if g not in existing]
            report.notes += notes
        return report

    def replace_graph(self, graph_iri: str, quads: Iterable) -> int:
        """Make the named graph ``graph_iri`` hold exactly ``quads`` (their own graph is ignored)."""
        data = _nquads(graph_iri, quads)
        self.write_graphs(data, [graph_iri])
        return data.count(b"\n")

    def add_quads(self, graph_iri: str, quads: Iterable) -> int:
        """Add ``quads`` to the named graph ``graph_iri`` (and to the merged default graph)."""
        data = _nquads(graph_iri, quads)
        self.write_graphs(data, [graph_iri], keep=[graph_iri])
        return data.count(b"\n")

    def remove_graph(self, graph_iri: str) -> int:
        """Remove a named graph; returns the number of quads it held (0 when absent)."""
        count = self.graph_sizes().get(graph_iri, 0)
        if count or graph_iri in self.graphs():
            self.remove_graphs([graph_iri])
        return count

    def graphs(self) -> list[str]:
        """Sorted IRIs of the named graphs."""
        return sorted(self.graph_sizes())

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        """Run a query over the merged default graph, with ``bindings`` (name -> RDF term) joined in."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """The quads of the named graphs (the default graph is their merge)."""

    def find_document(self, doc_id: str, base: str = PREFIXES["zkgr"]) -> str | None:
        """The graph IRI of a document given its id or IRI, or None."""
        stored = set(self.graphs())
        if doc_id.startswith(("http://", "https://", "urn:")):
            return doc_id if doc_id in stored else None
        iri = ids.document_iri(doc_id, base)
        if iri in stored:
            return iri
        found = self.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a zkg:Article ; dcterms:identifier ?id } "
            "FILTER(STR(?id) = STR(?want)) } ORDER BY ?g", {"want": ox.Literal(doc_id)})
        return found.rows[0][0].value if found.rows else None

    def flush(self) -> None:
        """Make what was written durable (a store on disk)."""

    def close(self) -> None:
        """Release the store (flushes a store on disk)."""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class OxigraphStore(Store):
    """A pyoxigraph store, in memory (``path=None``) or persistent in a directory."""

    def __init__(self, path: str | Path | None = None, *, create: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.spec = f"oxigraph:{path}" if path is not None else "memory"
        self._store = self._open(create) if self.path is not None else ox.Store()

    def _open(self, create: bool) -> ox.Store:
        path = self.path
        if not path.exists() and not create:
            raise StoreError(f"no Oxigraph store at {path}; create one with: kg load FILES --store oxigraph:{path}")
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path} is not a directory, so it cannot hold an Oxigraph store")
        if not path.exists() and not path.parent.is_dir():
            raise StoreError(f"cannot create an Oxigraph store in {path}: {path.parent} does not exist")
        try:
            return ox.Store(str(path))
        except OSError as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "lock" in msg.lower():
                raise StoreError(f"the Oxigraph store {path} is in use by another process "
                                 "(a running kg serve? query it with --endpoint)") from None
            raise StoreError(f"cannot open the Oxigraph store {path}: {msg}") from None

    def write_graphs(self, nquads: bytes, graphs: Sequence[str], *, keep: Collection[str] = ()) -> None:
        if not graphs:
            return
        self.remove_graphs([g for g in graphs if g not in keep])
        # N-Quads bytes straight into the store, and the merge made inside it: no Python object per quad
        self._store.load(input=nquads, format=ox.RdfFormat.N_QUADS)
        for g in graphs:
            self._store.add_graph(ox.NamedNode(g))  # an empty graph is still a graph of the store
        values = " ".join(str(ox.NamedNode(g)) for g in graphs)
        self._store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")

    def remove_graphs(self, graphs: Sequence[str]) -> None:
        present = [g for g in graphs if self._store.contains_named_graph(ox.NamedNode(g))]
        if present:
            self._store.update(unmerge_update(present))

    def load_raw(self, paths: Iterable[str | Path]) -> int:
        """Load files as they are, then merge their named graphs into the default graph.

        The fast path for querying files: no graph is replaced, and Turtle or N-Triples go
        straight into the default graph.
        """
        for path in paths:
            read_into(self._store, path)
        self._store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return len(self._store)

    def graph_sizes(self) -> dict[str, int]:
        sizes = {g.value: 0 for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)}
        for row in self._store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
            sizes[row["g"].value] = int(row["n"].value)
        return sizes

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def remove_graph(self, graph_iri: str) -> int:
        graph = ox.NamedNode(graph_iri)
        if not self._store.contains_named_graph(graph):
            return 0
        count = sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))
        self.remove_graphs([graph_iri])
        return count

    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        form = check_query(sparql)
        text = bind_params(sparql, bindings or {})
        try:
            result = self._store.query(text, prefixes=dict(PREFIXES))
            return QueryResult.from_oxigraph(result, form)
        except SyntaxError as exc:  # only if binding produced something the parser rejects
            raise QueryError(f"cannot bind parameters: {exc}") from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    def quads(self) -> Iterator[ox.Quad]:
        return (q for q in self._store if not isinstance(q.graph_name, ox.DefaultGraph))

    def __len__(self) -> int:
        return len(self._store)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store``."""
        return self._store

    def flush(self) -> None:
        if self.path is not None and self._store is not None:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        self._store = None


def open_store(spec: str, *, create: bool = False, update_url: str | None = None,
               graph_store_url: str | None = None, merged_graph: str | None = None) -> Store:
    """Open a store from its spec: ``memory``, ``oxigraph:DIR`` or an endpoint URL.

    ``create`` allows making a new ``oxigraph:DIR`` (loading and building do; querying does not).
    """
    try:
        where = StoreSpec.parse(spec)
    except ValueError:
        scheme = spec.split(":", 1)[0] if ":" in spec else spec
        raise UnknownStoreError(f"unknown store {scheme!r}; use memory, oxigraph:DIR or an http(s):// "
                                "SPARQL endpoint URL") from None
    if where.kind == "memory":
        return OxigraphStore()
    if where.kind == "oxigraph":
        if where.directory is None:
            raise StoreError("oxigraph: needs a directory, e.g. --store oxigraph:corpus.db")
        return OxigraphStore(where.directory, create=create)
    from kg.endpoint import EndpointStore

    return EndpointStore(spec, update_url=update_url, graph_store_url=graph_store_url, merged_graph=merged_graph)


def open_files(paths: Sequence[str | Path]) -> OxigraphStore:
    """Read RDF files into a new in-memory store: named graphs kept, the default graph their merge."""
    if not paths:
        raise InputError("no RDF files given")
    store = OxigraphStore()
    store.load_raw(paths)
    return store


def __getattr__(name: str):
    if name == "EndpointStore":  # kg.endpoint subclasses Store: imported when first asked for
        from kg.endpoint import EndpointStore

        return EndpointStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
