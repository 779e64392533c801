"""A remote SPARQL 1.1 endpoint as a store, with the layout of every kg store (see :mod:`kg.store`).

Queries use the SPARQL 1.1 Protocol (form POST) and read the merge of the document graphs. Writes
use SPARQL Update at ``update_url`` (default: the query URL with a final ``/query`` or ``/sparql``
replaced by ``/update``, else the query URL itself); with ``graph_store_url`` the triples travel
over the Graph Store Protocol (PUT of a document graph, POST of the merge), and SPARQL Update
only drops what a document alone stated.

Where the merge lives depends on the server:

* a server with a real default graph (``oxigraph serve``, Fuseki without ``unionDefaultGraph``,
  ``kg serve``): the merge *is* the default graph;
* a server whose default graph is the union of every graph, its own system graphs included
  (OpenLink Virtuoso, recognised by its ``Server:`` header, or any server given ``merged_graph``):
  the merge is kept in the named graph ``merged_graph`` (default :data:`MERGED`), every query is
  sent with ``default-graph-uri=<merged_graph>``, and the server's own graphs are left out of
  :meth:`EndpointStore.graphs`. docs/query.md says what such a server needs (update rights).
"""
from __future__ import annotations

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from typing import Collection, Iterator, Mapping, Sequence

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.ontology import PREFIXES
from kg.results import QueryResult
from kg.sparql import bind_params, check_query, prefix_header
from kg.store import Store, unmerge_update

__all__ = ["MERGED", "EndpointStore"]

TIMEOUT = 30.0
#: the named graph that holds the merge on servers without a default graph of their own
MERGED = PREFIXES["zkgr"] + "graph/merged"
#: graphs Virtuoso keeps for itself (never a document's)
_SYSTEM = ("http://www.openlinksw.com/", "http://localuriqaserver/", "http://www.w3.org/ns/ldp#",
           "http://www.w3.org/2002/07/owl")
#: an integer-valued xsd:decimal in N-Triples (Virtuoso's SPARQL Update turns these into xsd:integer)
_WHOLE_DECIMAL = re.compile(r'"(-?[0-9]+)"\^\^<http://www\.w3\.org/2001/XMLSchema#decimal>')
#: triples per SPARQL Update request (servers limit the size of one request)
CHUNK = 2000
_SELECT_JSON = "application/sparql-results+json"


class EndpointStore(Store):
    """A remote SPARQL 1.1 endpoint holding the same layout as the other stores (module docstring)."""

    def __init__(self, url: str, *, update_url: str | None = None, graph_store_url: str | None = None,
                 merged_graph: str | None = None, timeout: float = TIMEOUT) -> None:
        self.url = url
        self.spec = url
        self.update_url = update_url or _default_update_url(url)
        self._update_given = update_url is not None
        self.graph_store_url = graph_store_url
        self.timeout = timeout
        self._merged = merged_graph
        self._probed = False

    # -- HTTP
    def _request(self, url: str, *, data: bytes | None = None, method: str = "GET",
                 headers: Mapping[str, str] | None = None) -> tuple[bytes, str]:
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                if not self._probed:
                    self._probed = True
                    if "virtuoso" in resp.headers.get("Server", "").lower():
                        self._merged = self._merged or MERGED
                        if not self._update_given:  # Virtuoso takes updates at its query URL
                            self.update_url = self.url
                return resp.read(), resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace").strip().splitlines()
            detail = " ".join(line.strip() for line in body[:3])[:300] if body else exc.reason
            if exc.code == 404 and method == "DELETE":
                return b"", ""
            cls = QueryError if exc.code == 400 else StoreError
            raise cls(f"SPARQL endpoint {url} answered HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach SPARQL endpoint {self.url}: {reason}") from None

    @property
    def merged_graph(self) -> str | None:
        """The named graph holding the merge (None: the server's default graph holds it)."""
        if not self._probed:
            self._raw_query("ASK {}", _SELECT_JSON, merged=False)
        return self._merged

    def _update(self, update: str) -> None:
        self.merged_graph  # noqa: B018  (probes the server first: it may change the update URL)
        data = urllib.parse.urlencode({"update": update}).encode("utf-8")
        self._request(self.update_url, data=data, method="POST",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})

    def _raw_query(self, sparql: str, accept: str, *, merged: bool = True) -> tuple[bytes, str]:
        form = [("query", prefix_header(sparql) + sparql)]
        if merged and self.merged_graph:
            form.append(("default-graph-uri", self.merged_graph))
        return self._request(self.url, data=urllib.parse.urlencode(form).encode("utf-8"), method="POST",
                             headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})

    # -- reading
    def query(self, sparql: str, bindings: Mapping[str, object] | None = None) -> QueryResult:
        form = check_query(sparql)
        text = bind_params(sparql, bindings or {})
        if form in ("select", "ask"):
            body, _ = self._raw_query(text, _SELECT_JSON)
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

    def _select(self, sparql: str) -> QueryResult:
        body, _ = self._raw_query(sparql, _SELECT_JSON, merged=False)
        return QueryResult.from_oxigraph(ox.parse_query_results(input=body, format=ox.QueryResultsFormat.JSON))

    def _ours(self, graph: str) -> bool:
        """False for the merge's graph and the server's own graphs."""
        return graph != self.merged_graph and not (self.merged_graph and graph.startswith(_SYSTEM))

    def graph_sizes(self) -> dict[str, int]:
        result = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {g.value: int(n.value) for g, n in result.rows
                if isinstance(g, ox.NamedNode) and self._ours(g.value)}

    def quads(self) -> Iterator[ox.Quad]:
        named = self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        for s, p, o, g in named.rows:
            if self._ours(g.value):
                yield ox.Quad(s, p, o, g)

    # -- writing
    def write_graphs(self, nquads: bytes, graphs: Sequence[str], *, keep: Collection[str] = ()) -> None:
        if not graphs:
            return
        triples: dict[str, list[ox.Triple]] = defaultdict(list)
        for quad in ox.parse(input=nquads, format=ox.RdfFormat.N_QUADS):
            triples[quad.graph_name.value].append(quad.triple)
        merged = self.merged_graph
        drop = [g for g in graphs if g not in keep]
        if self.graph_store_url:
            if drop:
                self._update(unmerge_update(drop, merged))
            headers = {"Content-Type": "application/n-triples"}
            for g in graphs:
                body = ox.serialize(triples[g], format=ox.RdfFormat.N_TRIPLES)
                self._request(self._gsp_url(g), data=body, method="PUT" if g in drop else "POST", headers=headers)
            union = ox.serialize([t for g in graphs for t in triples[g]], format=ox.RdfFormat.N_TRIPLES)
            target = self._gsp_url(merged) if merged else f"{self.graph_store_url}?default"
            self._request(target, data=union, method="POST", headers=headers)
            return
        parts = [unmerge_update(drop, merged)] if drop else []
        size = 0
        for g in graphs:
            for start in range(0, max(1, len(triples[g])), CHUNK):
                chunk = triples[g][start:start + CHUNK]
                text = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
                if merged:  # Virtuoso reads "7"^^xsd:decimal in an update as 7 (xsd:integer), "7.0" as 7 (decimal)
                    text = _WHOLE_DECIMAL.sub(r'"\1.0"^^<http://www.w3.org/2001/XMLSchema#decimal>', text)
                into = f"GRAPH {ox.NamedNode(merged)} {{\n{text}}}" if merged else text
                parts.append(f"INSERT DATA {{ GRAPH {ox.NamedNode(g)} {{\n{text}}}\n{into}}}")
                size += len(chunk)
                if size >= CHUNK:
                    self._update(" ;\n".join(parts))
                    parts, size = [], 0
        if parts:
            self._update(" ;\n".join(parts))

    def remove_graphs(self, graphs: Sequence[str]) -> None:
        if graphs:
            self._update(unmerge_update(graphs, self.merged_graph))

    def _gsp_url(self, graph_iri: str) -> str:
        return f"{self.graph_store_url}?graph={urllib.parse.quote(graph_iri, safe='')}"


def _default_update_url(url: str) -> str:
    for suffix in ("/query", "/sparql"):
        if url.endswith(suffix):
            return url[: -len(suffix)] + "/update"
    return url
