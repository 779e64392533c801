"""A local SPARQL 1.1 Protocol endpoint over a store, with the standard library's http.server.

``GET /query?query=...``, ``POST /query`` (form ``query=`` or ``application/sparql-query``) and,
only with ``allow_update``, ``POST /update`` (form ``update=`` or ``application/sparql-update``).
Results are negotiated from the ``Accept`` header: SPARQL results JSON (default), XML, CSV, TSV;
graphs as Turtle (default), N-Triples, N-Quads, TriG, JSON-LD or RDF/XML. Queries read the merge
of all graphs as the default graph, like ``kg query``.

Browsers: query responses carry CORS headers and ``OPTIONS`` answers preflights, so web SPARQL
clients (YASGUI and the like) can query it; updates are refused when a web page of another origin
sends them. ``GET /`` is a small query page that works offline (no CDN): a text area, the example
queries of ``examples/queries``, results as a table.
"""
from __future__ import annotations

import html
import ipaddress
import json
import threading
import urllib.parse
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.ontology import PREFIXES
from kg.query import check_query, syntax_error

__all__ = ["SparqlServer", "is_loopback", "make_server"]

RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
MAX_BODY = 10 * 1024 * 1024
PAGE = Path(__file__).with_name("query_page.html")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "queries"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "86400"}


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def negotiate(accept: str, offered: dict) -> str | None:
    """The offered media type that ``accept`` prefers (first offered one for ``*/*``), or None."""
    choices = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        choices.append((-q, order, fields[0].lower()))
    for _, _, media in sorted(choices):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return next((m for m in offered if media == "*/*" or m.startswith(media[:-1])), None)
    return None


class _Handler(BaseHTTPRequestHandler):
    server: "SparqlServer"
    server_version = "zhkg-sparql/0.1"

    def log_message(self, fmt: str, *args) -> None:  # quiet unless asked
        if self.server.verbose:
            super().log_message(fmt, *args)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query)
        if url.path not in ("/", "/query", "/sparql"):
            return self._send(HTTPStatus.NOT_FOUND, b"not found; use /query\n")
        if "query" not in params:
            if "update" in params:
                return self._send(HTTPStatus.BAD_REQUEST, b"updates must be POSTed\n")
            if url.path == "/":
                return self._send(HTTPStatus.OK, query_page(self.server.allow_update), "text/html; charset=utf-8")
            return self._send(HTTPStatus.OK, self._help(), "text/plain; charset=utf-8")
        self._run_query(params["query"][0], params)

    do_HEAD = do_GET

    def do_OPTIONS(self) -> None:
        """A CORS preflight (or a plain OPTIONS): what this endpoint accepts."""
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ("/", "/query", "/sparql", "/update"):
            return self._send(HTTPStatus.NOT_FOUND, b"not found; use /query\n")
        self._send(HTTPStatus.NO_CONTENT, b"", extra={"Allow": "GET, HEAD, POST, OPTIONS"})

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query)
        if url.path not in ("/", "/query", "/sparql", "/update"):
            return self._send(HTTPStatus.NOT_FOUND, b"not found; use /query or /update\n")
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"request body too large\n")
        body = self.rfile.read(length).decode("utf-8", "replace")
        if ctype == "application/x-www-form-urlencoded":
            params.update(urllib.parse.parse_qs(body))
            query, update = params.get("query", [None])[0], params.get("update", [None])[0]
        else:
            query = body if ctype == "application/sparql-query" else None
            update = body if ctype == "application/sparql-update" else None
        if update is not None:
            if not self._same_origin():
                return self._send(HTTPStatus.FORBIDDEN, b"updates from a web page of another origin are refused\n")
            return self._run_update(update)
        if query is None:
            return self._send(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                              b"send application/sparql-query or a form with query=\n")
        self._run_query(query, params)

    def _run_query(self, query: str, params: dict) -> None:
        try:
            form = check_query(query)
        except QueryError as exc:
            return self._send(HTTPStatus.BAD_REQUEST, f"{exc}\n".encode("utf-8"))
        offered = GRAPH_TYPES if form in ("construct", "describe") else RESULT_TYPES
        media = negotiate(self.headers.get("Accept", "*/*"), offered)
        if media is None:
            return self._send(HTTPStatus.NOT_ACCEPTABLE, f"can answer {', '.join(offered)}\n".encode())
        try:
            body = self._evaluate(query, params, offered[media])
        except SyntaxError as exc:
            return self._send(HTTPStatus.BAD_REQUEST, f"{syntax_error(query, str(exc))}\n".encode("utf-8"))
        except (OSError, RuntimeError, ValueError) as exc:
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {exc}\n".encode("utf-8"))
        charset = "" if media == "application/n-quads" else "; charset=utf-8"
        self._send(HTTPStatus.OK, body, media + charset)

    def _evaluate(self, query: str, params: dict, fmt) -> bytes:
        options = {"prefixes": dict(PREFIXES)}  # the default graph is the merge of all graphs
        if params.get("default-graph-uri"):
            options["default_graph"] = [ox.NamedNode(g) for g in params["default-graph-uri"]]
        if params.get("named-graph-uri"):
            options["named_graphs"] = [ox.NamedNode(g) for g in params["named-graph-uri"]]
        with self.server.lock.reader():
            result = self.server.oxigraph.query(query, **options)
            if isinstance(result, ox.QueryTriples):
                triples = sorted(result, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
                if fmt.supports_datasets:
                    triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
                if fmt == ox.RdfFormat.JSON_LD:
                    from kg.export import jsonld

                    return jsonld(triples)
                return ox.serialize(triples, format=fmt, prefixes=dict(PREFIXES))
            return result.serialize(format=fmt)

    def _run_update(self, update: str) -> None:
        if not self.server.allow_update:
            return self._send(HTTPStatus.FORBIDDEN, b"this endpoint is read-only (start kg serve with --allow-update)\n")
        try:
            with self.server.lock.writer():
                self.server.oxigraph.update(update, prefixes=dict(PREFIXES))
        except SyntaxError as exc:
            message = str(syntax_error(update, str(exc))).replace("SPARQL syntax error", "SPARQL Update syntax error")
            return self._send(HTTPStatus.BAD_REQUEST, f"{message}\n".encode("utf-8"))
        except (OSError, RuntimeError, ValueError) as exc:
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"update failed: {exc}\n".encode("utf-8"))
        self._send(HTTPStatus.NO_CONTENT, b"")

    def _help(self) -> bytes:
        mode = "read-write" if self.server.allow_update else "read-only"
        return (f"zhkg SPARQL 1.1 endpoint ({mode}).\n"
                f"GET /query?query=... or POST /query with application/sparql-query.\n").encode()

    def _same_origin(self) -> bool:
        """False when a browser says the request comes from a page of another origin (CSRF)."""
        origin = self.headers.get("Origin")
        if origin is None:  # not sent by a browser page (curl, kg, a SPARQL library)
            return True
        return urllib.parse.urlsplit(origin).netloc == self.headers.get("Host", "")

    def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
              extra: dict | None = None) -> None:
        self.send_response(status)
        if body or status != HTTPStatus.NO_CONTENT:
            self.send_header("Content-Type", ctype)
        for name, value in {**CORS, **(extra or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@lru_cache(maxsize=2)
def query_page(allow_update: bool = False) -> bytes:
    """The HTML page at ``/``: inline script and style, the example queries, nothing fetched."""
    examples = {}
    for path in sorted(EXAMPLES.glob("*.rq")) if EXAMPLES.is_dir() else []:
        examples[path.stem] = path.read_text(encoding="utf-8")
    # JSON inside <script>: "</" would end the element
    as_js = lambda value: json.dumps(value, ensure_ascii=False, indent=1).replace("</", "<\\/")  # noqa: E731
    page = PAGE.read_text(encoding="utf-8")
    page = page.replace("__EXAMPLES__", as_js(examples)).replace("__PREFIXES__", as_js(dict(PREFIXES)))
    page = page.replace("__MODE__", html.escape("read-write" if allow_update else "read-only"))
    return page.replace("__PATH__", "/query").encode("utf-8")


class _ReadWriteLock:
    """Many readers or one writer, so an update never races a query's iteration."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0

    def reader(self):
        return _Guard(self._acquire_read, self._release_read)

    def writer(self):
        return _Guard(self._acquire_write, self._cond.release)

    def _acquire_read(self):
        with self._cond:
            self._readers += 1

    def _release_read(self):
        with self._cond:
            self._readers -= 1
            self._cond.notify_all()

    def _acquire_write(self):
        self._cond.acquire()
        self._cond.wait_for(lambda: self._readers == 0)


class _Guard:
    def __init__(self, enter, leave) -> None:
        self._enter, self._leave = enter, leave

    def __enter__(self):
        self._enter()

    def __exit__(self, *exc):
        self._leave()


class SparqlServer(ThreadingHTTPServer):
    """An HTTP server answering SPARQL 1.1 Protocol requests from one pyoxigraph store."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: ox.Store, *, allow_update: bool = False,
                 verbose: bool = False) -> None:
        super().__init__(address, _Handler)
        self.oxigraph = store
        self.allow_update = allow_update
        self.verbose = verbose
        self.lock = _ReadWriteLock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/query"


def make_server(store, host: str = "127.0.0.1", port: int = 7878, *, allow_update: bool = False,
                verbose: bool = False) -> SparqlServer:
    """Bind a :class:`SparqlServer` over a ``kg.store.OxigraphStore`` (call ``serve_forever`` to run)."""
    from kg.errors import StoreError

    oxigraph = getattr(store, "oxigraph", None)
    if oxigraph is None:
        raise KGError(f"kg serve needs files or an oxigraph: store, not {store.spec}")
    try:
        return SparqlServer((host, port), oxigraph, allow_update=allow_update, verbose=verbose)
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
