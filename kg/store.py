"""Graph stores: RDF files in memory, an Oxigraph store on disk, or a remote SPARQL 1.1 endpoint.

Layout of every store kg writes: one named graph per document (its IRI is the Article's), and a
default graph that is the RDF merge (set union) of all named graphs. Every entity description
lives inside the graphs of the documents that mention it, so replacing or removing a document's
graph is all an incremental build needs; the store keeps the merged default graph in step.

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

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox

from kg.errors import EXIT_ERROR, InputError, QueryError, RegistryError, StoreError
from kg.ontology import PREFIXES, ZKG_IRI
from kg.query import QueryResult, bind_params, check_query, prefix_header

__all__ = [
    "EndpointStore", "LoadReport", "OxigraphStore", "Store", "UnknownStoreError", "doc_graph_iri",
    "open_files", "open_store", "read_rdf",
]

#: file extension -> pyoxigraph format
EXTENSIONS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML, ".n3": ox.RdfFormat.N3,
}
DOC_BASE = PREFIXES["zkgr"] + "doc/"
_ARTICLE = ox.NamedNode(ZKG_IRI + "Article")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LOADING = ox.NamedNode("urn:zhkg:loading")
#: graph of triples that belong to no single document (a Turtle file describing several articles)
UNASSIGNED = PREFIXES["zkgr"] + "graph/unassigned"
_MERGED = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
TIMEOUT = 30.0


class UnknownStoreError(RegistryError, StoreError):
    """An unknown store spec: a registry-style user error (exit 1), and still a StoreError."""

    exit_code = EXIT_ERROR


def doc_graph_iri(doc_id: str, base: str = PREFIXES["zkgr"]) -> str:
    """The graph IRI of a document id (a full IRI is returned unchanged)."""
    if doc_id.startswith(("http://", "https://", "urn:")):
        return doc_id
    return f"{base}doc/{urllib.parse.quote(doc_id, safe='')}"


@dataclass
class LoadReport:
    """What ``Store.load`` did: quads loaded, graphs replaced, and notes worth telling the user."""

    files: int = 0
    quads: int = 0
    graphs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of ``path`` from its extension."""
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise InputError(f"{path}: unknown RDF file extension {path.suffix or '(none)'!r}; expected one of {known}")
    return fmt


def read_rdf(path: str | Path) -> tuple[ox.Store, list[ox.NamedNode], list[str]]:
    """Read one RDF file into a scratch in-memory store, one named graph per document.

    TriG and N-Quads keep their graphs. A Turtle or N-Triples file that describes exactly one
    ``zkg:Article`` goes into that article's graph. Anything else (several articles in one
    graph, default-graph triples) goes into the ``UNASSIGNED`` graph, and a note says so.
    Returns the scratch store, its graph names and the notes.
    """
    path = Path(path)
    fmt = rdf_format(path)
    scratch = ox.Store()
    _load_file(scratch, path, fmt, to_graph=None if fmt.supports_datasets else _LOADING)
    notes: list[str] = []
    source = ox.DefaultGraph()
    if not fmt.supports_datasets:
        source = _LOADING
        articles = {q.subject for q in scratch.quads_for_pattern(None, _RDF_TYPE, _ARTICLE, _LOADING)}
        if len(articles) == 1:
            _move_graph(scratch, _LOADING, next(iter(articles)))
        elif articles:
            notes.append(f"{path}: {len(articles)} articles in one graph were loaded into <{UNASSIGNED}>; "
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


def _unmerge(graph_iri: str) -> str:
    """SPARQL Update dropping a named graph and its triples that no other graph states."""
    g = str(ox.NamedNode(graph_iri))
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }} ;\n"
            f"DROP SILENT GRAPH {g}")


def _load_file(store: ox.Store, path: Path, fmt: ox.RdfFormat, to_graph=None) -> None:
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    try:
        if to_graph is None:
            store.load(path=str(path), format=fmt)
        else:
            store.load(path=str(path), format=fmt, to_graph=to_graph)
    except SyntaxError as exc:
        raise InputError(f"{path}: cannot parse {fmt.name}: {exc}") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


class Store(ABC):
    """A graph store holding one named graph per document."""

    spec: str = ""

    def load(self, paths: Iterable[str | Path]) -> LoadReport:
        """Load RDF files; each named graph in them replaces the store's graph of the same name."""
        report = LoadReport()
        for path in paths:
            scratch, graphs, notes = read_rdf(path)
            for graph in graphs:
                quads = scratch.quads_for_pattern(None, None, None, graph)
                if graph.value == UNASSIGNED:  # shared by every file: add, never replace
                    self.add_quads(graph.value, quads)
                else:
                    self.replace_graph(graph.value, quads)
            report.files += 1
            report.quads += len(scratch)
            report.graphs += [g.value for g in graphs]
            report.notes += notes
        return report

    @abstractmethod
    def replace_graph(self, graph_iri: str, quads: Iterable) -> int:
        """Make the named graph ``graph_iri`` hold exactly ``quads`` (their own graph is ignored)."""

    @abstractmethod
    def add_quads(self, graph_iri: str, quads: Iterable) -> int:
        """Add ``quads`` to the named graph ``graph_iri`` (and to the merged default graph)."""

    @abstractmethod
    def remove_graph(self, graph_iri: str) -> int:
        """Remove a named graph; returns the number of quads it held (0 when absent)."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """Sorted IRIs of the named graphs."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        """Run a query over the union of all graphs, with ``bindings`` (name -> RDF term) joined in."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad in the store."""

    def find_document(self, doc_id: str, base: str = PREFIXES["zkgr"]) -> str | None:
        """The graph IRI of a document given its id or IRI, or None."""
        iri = doc_graph_iri(doc_id, base)
        if iri in set(self.graphs()):
            return iri
        found = self.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a zkg:Article ; dcterms:identifier ?id } "
            "FILTER(STR(?id) = STR(?want)) } ORDER BY ?g", {"want": ox.Literal(doc_id)})
        return found.rows[0][0].value if found.rows else None

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

    def load(self, paths: Iterable[str | Path]) -> LoadReport:
        report = LoadReport()
        for path in paths:
            scratch, graphs, notes = read_rdf(path)
            for graph in graphs:
                if graph.value != UNASSIGNED and self._store.contains_named_graph(graph):
                    self._store.update(_unmerge(graph.value))
            # store to store as N-Quads/N-Triples bytes: no Python object per quad
            self._store.load(input=scratch.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
            merged = scratch.query(_MERGED).serialize(format=ox.RdfFormat.N_TRIPLES)
            self._store.load(input=merged, format=ox.RdfFormat.N_TRIPLES)
            report.files += 1
            report.quads += len(scratch)
            report.graphs += [g.value for g in graphs]
            report.notes += notes
        return report

    def load_raw(self, paths: Iterable[str | Path]) -> int:
        """Load files as they are, then merge their named graphs into the default graph.

        The fast path for querying files: no graph is replaced, and Turtle or N-Triples go
        straight into the default graph.
        """
        for path in paths:
            path = Path(path)
            _load_file(self._store, path, rdf_format(path))
        self._store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        return len(self._store)

    def replace_graph(self, graph_iri: str, quads: Iterable) -> int:
        graph = ox.NamedNode(graph_iri)
        triples = [q.triple if isinstance(q, ox.Quad) else q for q in quads]
        if self._store.contains_named_graph(graph):
            self._store.update(_unmerge(graph_iri))
        self._store.add_graph(graph)
        self._store.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
        self._store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
        return len(triples)

    def add_quads(self, graph_iri: str, quads: Iterable) -> int:
        graph = ox.NamedNode(graph_iri)
        triples = [q.triple if isinstance(q, ox.Quad) else q for q in quads]
        self._store.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
        self._store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in triples])
        return len(triples)

    def remove_graph(self, graph_iri: str) -> int:
        graph = ox.NamedNode(graph_iri)
        if not self._store.contains_named_graph(graph):
            return 0
        count = sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))
        self._store.update(_unmerge(graph_iri))
        return count

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

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
        """The quads of the named graphs (the default graph is their merge)."""
        return (q for q in self._store if not isinstance(q.graph_name, ox.DefaultGraph))

    def __len__(self) -> int:
        return len(self._store)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store``."""
        return self._store

    def close(self) -> None:
        if self.path is not None and self._store is not None:
            self._store.flush()
        self._store = None


class EndpointStore(Store):
    """A remote SPARQL 1.1 endpoint holding the same layout as the other stores.

    Queries use the SPARQL 1.1 Protocol (form POST) and read the server's default graph, which
    kg keeps as the merge of the document graphs: configure the server *without* a union
    default graph (plain ``oxigraph serve``, Fuseki without ``unionDefaultGraph``). Writes use
    SPARQL Update at ``update_url`` (default: the query URL with a final ``/query`` or
    ``/sparql`` replaced by ``/update``, else the query URL itself); with ``graph_store_url``
    the triples themselves travel over the Graph Store Protocol (PUT of the document graph,
    POST to the default graph), and SPARQL Update only drops what a document alone stated.
    """

    def __init__(self, url: str, *, update_url: str | None = None, graph_store_url: str | None = None,
                 timeout: float = TIMEOUT) -> None:
        self.url = url
        self.spec = url
        self.update_url = update_url or _default_update_url(url)
        self.graph_store_url = graph_store_url
        self.timeout = timeout

    # -- HTTP
    def _request(self, url: str, *, data: bytes | None = None, method: str = "GET",
                 headers: Mapping[str, str] | None = None) -> tuple[bytes, str]:
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip().splitlines()
            detail = body[0][:300] if body else exc.reason
            if exc.code == 404 and method == "DELETE":
                return b"", ""
            cls = QueryError if exc.code == 400 else StoreError
            raise cls(f"SPARQL endpoint {url} answered HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach SPARQL endpoint {self.url}: {reason}") from None

    def _update(self, update: str) -> None:
        data = urllib.parse.urlencode({"update": update}).encode("utf-8")
        self._request(self.update_url, data=data, method="POST",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})

    def _raw_query(self, sparql: str, accept: str) -> tuple[bytes, str]:
        data = urllib.parse.urlencode({"query": prefix_header(sparql) + sparql}).encode("utf-8")
        return self._request(self.url, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    # -- Store API
    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        form = check_query(sparql)
        text = bind_params(sparql, bindings or {})
        if form in ("select", "ask"):
            body, _ = self._raw_query(text, "application/sparql-results+json")
            try:
                parsed = ox.parse_query_results(input=body, format=ox.QueryResultsFormat.JSON)
            except (SyntaxError, ValueError) as exc:
                raise StoreError(f"SPARQL endpoint {self.url} sent unreadable results: {exc}") from None
            return QueryResult.from_oxigraph(parsed, form)
        body, ctype = self._raw_query(text, "application/n-triples, text/turtle;q=0.9")
        fmt = ox.RdfFormat.from_media_type(ctype.split(";")[0].strip()) or ox.RdfFormat.N_TRIPLES
        try:
            triples = [q.triple for q in ox.parse(input=body, format=fmt)]
        except SyntaxError as exc:
            raise StoreError(f"SPARQL endpoint {self.url} sent unreadable RDF: {exc}") from None
        return QueryResult(form, triples=triples)

    def replace_graph(self, graph_iri: str, quads: Iterable) -> int:
        triples = [q.triple if isinstance(q, ox.Quad) else q for q in quads]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        graph = str(ox.NamedNode(graph_iri))
        if self.graph_store_url:
            self._update(_unmerge(graph_iri))
            headers = {"Content-Type": "application/n-triples"}
            self._request(self._gsp_url(graph_iri), data=body, method="PUT", headers=headers)
            self._request(f"{self.graph_store_url}?default", data=body, method="POST", headers=headers)
        else:
            text = body.decode("utf-8")
            self._update(f"{_unmerge(graph_iri)} ;\nINSERT DATA {{ GRAPH {graph} {{\n{text}}}\n{text}}}")
        return len(triples)

    def add_quads(self, graph_iri: str, quads: Iterable) -> int:
        triples = [q.triple if isinstance(q, ox.Quad) else q for q in quads]
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        self._update(f"INSERT DATA {{ GRAPH {ox.NamedNode(graph_iri)} {{\n{text}}}\n{text}}}")
        return len(triples)

    def remove_graph(self, graph_iri: str) -> int:
        count = self._count(graph_iri)
        if count:
            self._update(_unmerge(graph_iri))
        return count

    def _count(self, graph_iri: str) -> int:
        body, _ = self._raw_query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph_iri)} {{ ?s ?p ?o }} }}",
            "application/sparql-results+json")
        bindings = json.loads(body)["results"]["bindings"]
        return int(bindings[0]["n"]["value"]) if bindings else 0

    def graphs(self) -> list[str]:
        result = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0].value for row in result.rows if isinstance(row[0], ox.NamedNode))

    def quads(self) -> Iterator[ox.Quad]:
        """The quads of the named graphs (the default graph is their merge)."""
        named = self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        for s, p, o, g in named.rows:
            yield ox.Quad(s, p, o, g)

    def _select(self, sparql: str) -> QueryResult:
        body, _ = self._raw_query(sparql, "application/sparql-results+json")
        return QueryResult.from_oxigraph(ox.parse_query_results(input=body, format=ox.QueryResultsFormat.JSON))

    def _gsp_url(self, graph_iri: str) -> str:
        return f"{self.graph_store_url}?graph={urllib.parse.quote(graph_iri, safe='')}"


def _default_update_url(url: str) -> str:
    for suffix in ("/query", "/sparql"):
        if url.endswith(suffix):
            return url[: -len(suffix)] + "/update"
    return url


def open_store(spec: str, *, create: bool = False, update_url: str | None = None,
               graph_store_url: str | None = None) -> Store:
    """Open a store from its spec: ``memory``, ``oxigraph:DIR`` or an endpoint URL.

    ``create`` allows making a new ``oxigraph:DIR`` (loading and building do; querying does not).
    """
    if spec in ("memory", "memory:"):
        return OxigraphStore()
    if spec.startswith("oxigraph:"):
        directory = spec[len("oxigraph:"):]
        if not directory:
            raise StoreError("oxigraph: needs a directory, e.g. --store oxigraph:corpus.db")
        return OxigraphStore(Path(directory).expanduser(), create=create)
    if spec.startswith(("http://", "https://")):
        return EndpointStore(spec, update_url=update_url, graph_store_url=graph_store_url)
    scheme = spec.split(":", 1)[0] if ":" in spec else spec
    raise UnknownStoreError(f"unknown store {scheme!r}; use memory, oxigraph:DIR or an http(s):// SPARQL endpoint URL")


def open_files(paths: Sequence[str | Path]) -> OxigraphStore:
    """Read RDF files into a new in-memory store: named graphs kept, the default graph their merge."""
    if not paths:
        raise InputError("no RDF files given")
    store = OxigraphStore()
    store.load_raw(paths)
    return store
