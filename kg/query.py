"""SPARQL over files and stores: prefixes, safe parameters, results and their formats.

``run_query(sources_or_store, query, params)`` returns a :class:`QueryResult` whatever the backend
(files read into memory, an Oxigraph store on disk, a remote SPARQL 1.1 endpoint). The contract's
prefixes are pre-declared, and every query reads the store's default graph, the merge of all
document graphs (see :mod:`kg.store`), so no ``GRAPH`` clause is needed and a triple stated by
several documents counts once.

Parameters (``--param name=value``) are never pasted into the query text as text: each value is
parsed into one RDF term, written by Oxigraph's N-Triples serializer, and joined to the query as
``VALUES ?name { term }`` at the start of the ``WHERE`` group. The same mechanism works for
every backend and query form (pyoxigraph's ``substitutions=`` rejects ``SELECT *``, ``ASK`` and
any variable missing from the projection, and cannot be sent to a remote endpoint).
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence
from urllib.parse import unquote

import pyoxigraph as ox

from kg.errors import InputError, OutputError, QueryError
from kg.ontology import PREFIXES

if TYPE_CHECKING:
    from kg.store import Store

__all__ = [
    "QueryResult", "RDF_FORMATS", "RESULT_FORMATS", "bind_params", "check_query", "display_width",
    "parse_param", "parse_term", "prefix_header", "read_query", "run_query", "used_prefixes",
]

XSD = "http://www.w3.org/2001/XMLSchema#"
#: SELECT/ASK output formats
RESULT_FORMATS = ("table", "csv", "tsv", "json")
#: CONSTRUCT/DESCRIBE output formats -> pyoxigraph format
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
#: a cell of the aligned table is cut to this many terminal columns
MAX_CELL_WIDTH = 60


_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")
_UPDATE_START = re.compile(
    r"(?is)^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b")
# Tokens that may contain braces or '#' without meaning them: long strings, strings, IRIs, comments.
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*')
_FORM = re.compile(r"(?i)\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_NUMBER = re.compile(r"[+-]?(\d+|\d*\.\d+)([eE][+-]?\d+)?\Z")


# ---------------------------------------------------------------------------------------------
# query text


def read_query(arg: str) -> str:
    """Return the query text of ``arg``: the contents of a ``.rq`` file, or ``arg`` itself."""
    looks_like_file = "{" not in arg and "\n" not in arg and len(arg) < 4096
    if looks_like_file and (arg.endswith((".rq", ".sparql")) or Path(arg).is_file()):
        path = Path(arg)
        if not path.is_file():
            raise InputError(f"query file not found: {arg}")
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read query file {arg}: {exc}") from None
    return arg


def prefix_header(query: str) -> str:
    """``PREFIX`` lines for the contract prefixes that ``query`` does not declare itself."""
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(_blank_skips(query))}
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared)


def check_query(query: str) -> str:
    """Parse ``query`` and return its form (select, ask, construct, describe).

    Raises :class:`QueryError` with the line, column and a caret under the offending place.
    """
    if _UPDATE_START.match(_blank_skips(query)):
        raise QueryError("this is a SPARQL Update; kg query runs queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    try:
        # an empty store parses and plans the query; nothing is evaluated until iterated
        result = ox.Store().query(query, prefixes=dict(PREFIXES))
    except SyntaxError as exc:
        raise syntax_error(query, str(exc)) from None
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    if isinstance(result, ox.QueryTriples):
        return "describe" if _query_form(query) == "DESCRIBE" else "construct"
    return "select"


def syntax_error(query: str, message: str) -> QueryError:
    """Turn Oxigraph's ``error at L:C: ...`` into a message with the line and a caret."""
    m = re.search(r"(\d+):(\d+)", message)
    detail = re.sub(r"^error at \d+:\d+:\s*", "", message)
    if not m:
        return QueryError(f"SPARQL syntax error: {detail}")
    line_no, col = int(m.group(1)), int(m.group(2))
    lines = query.split("\n")
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    hint = _unknown_prefix_hint(query)
    caret = " " * display_width(line[: col - 1]) + "^"
    text = f"SPARQL syntax error at line {line_no}, column {col}: {detail}{hint}\n  {line}\n  {caret}"
    return QueryError(text)


def _unknown_prefix_hint(query: str) -> str:
    text = _blank_skips(query)
    declared = set(PREFIXES) | {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    text = re.sub(r"[?$][\w]+", " ", text)
    used = set(re.findall(r"(?<![\w.:/-])([A-Za-z][\w.-]*)?:(?=[\w%])", text))
    unknown = sorted(p or "" for p in used - declared)
    if not unknown:
        return ""
    return f" (undeclared prefix {', '.join(p + ':' for p in unknown)})"


def _blank_skips(query: str) -> str:
    """``query`` with strings, IRIs and comments replaced by spaces of the same length."""
    return _SKIP.sub(lambda m: " " * len(m.group(0)) if m.group(0).startswith("#") else
                     m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], query)


def _query_form(query: str) -> str | None:
    m = _FORM.search(_blank_skips(query))
    return m.group(1).upper() if m else None


# ---------------------------------------------------------------------------------------------
# parameters


def parse_term(value: str):
    """Parse a ``--param`` value into one RDF term.

    ``<iri>`` -> IRI; ``zkg:Company`` (a contract prefix) -> IRI; ``"x"@zh``, ``"x"^^xsd:int`` or
    ``"x"^^<dt>`` -> that literal; ``42`` / ``3.5`` / ``1e3`` -> integer / decimal / double;
    ``true`` / ``false`` -> boolean; other text with Chinese characters -> a ``@zh`` literal (the
    graph's Chinese names are tagged ``@zh``, so ``name=工行`` matches ``"工行"@zh`` exactly);
    anything else -> a plain string literal. Quote a value to keep it untagged: ``'"工行"'``.
    """
    if value.startswith("<") and value.endswith(">") and len(value) > 2:
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError as exc:
            raise QueryError(f"bad IRI in parameter: {value} ({exc})") from None
    if value.startswith('"'):
        return _parse_literal(value)
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local:
        return ox.NamedNode(PREFIXES[prefix] + local)
    if value in ("true", "false"):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "boolean"))
    if _NUMBER.match(value):
        kind = "double" if "e" in value.lower() else "decimal" if "." in value else "integer"
        return ox.Literal(value, datatype=ox.NamedNode(XSD + kind))
    if _CJK.search(value):  # the contract tags every Chinese name @zh
        return ox.Literal(value, language="zh")
    return ox.Literal(value)


def _parse_literal(value: str):
    m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(<[^>]*>|\w+:\w+))?', value, re.S)
    if not m:
        raise QueryError(f'bad literal in parameter: {value} (use "text", "text"@zh or "1"^^xsd:int)')
    text = re.sub(r'\\(.)', lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)), m.group(1))
    if m.group(2):
        return ox.Literal(text, language=m.group(2))
    if m.group(3):
        dt = parse_term(m.group(3))
        if not isinstance(dt, ox.NamedNode):
            raise QueryError(f"bad datatype in parameter: {m.group(3)}")
        return ox.Literal(text, datatype=dt)
    return ox.Literal(text)


def parse_param(text: str) -> tuple[str, object]:
    """Split ``name=value`` (``--param``) into a variable name and an RDF term."""
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not _NAME.match(name):
        raise QueryError(f"bad --param {text!r}; expected name=value, e.g. --param name=工商银行")
    return name, parse_term(value)


def bind_params(query: str, params: Mapping[str, object]) -> str:
    """Bind ``params`` (name -> RDF term) with a ``VALUES`` block at the start of the WHERE group.

    Subqueries that use a parameter get the same block, so a parameter means the same value
    everywhere in the query, as with substitution (SPARQL SEP-0007), and a subquery can look an
    entity up by name before the rest of the query runs. The terms are written by Oxigraph's
    N-Triples serializer, so a value can only ever be one RDF term, never query syntax.
    """
    if not params:
        return query
    blanked = _blank_skips(query)
    for name in params:
        if not re.search(rf"[?$]{re.escape(name)}\b", blanked):
            raise QueryError(f"the query has no variable ?{name} to bind")
    # one single-variable block per parameter: Oxigraph then uses each value as an index key
    values = "".join(f" VALUES ?{n} {{ {_term_text(t)} }}" for n, t in params.items()) + " "
    main = _FORM.search(blanked)
    for at in sorted(_subquery_braces(blanked, main.end() if main else 0, params), reverse=True):
        query = f"{query[:at + 1]}{values}{query[at + 1:]}"
    blanked = _blank_skips(query)
    short = re.search(r"(?i)\bCONSTRUCT\s+WHERE\s*\{", blanked)
    if short:  # CONSTRUCT WHERE { T } means CONSTRUCT { T } WHERE { T }; VALUES fits only the latter
        end = _matching_brace(blanked, short.end() - 1)
        template = query[short.end() - 1: end + 1]
        return f"{query[:short.start()]}CONSTRUCT {template} WHERE {{{values}{query[short.end():]}"
    at = _where_brace(blanked)
    if at is None:
        raise QueryError("the query has no WHERE clause to bind parameters to")
    return f"{query[:at + 1]}{values}{query[at + 1:]}"


def _subquery_braces(blanked: str, start: int, params) -> list[int]:
    """Positions of the WHERE braces of subqueries (after ``start``) that use a parameter."""
    out = []
    for m in re.finditer(r"(?i)\bSELECT\b", blanked[start:]):
        at = blanked.find("{", start + m.end())
        if at < 0:
            continue
        body = blanked[at: _matching_brace(blanked, at) + 1]
        if any(re.search(rf"[?$]{re.escape(n)}\b", body) for n in params):
            out.append(at)
    return out


def _term_text(term) -> str:
    if not isinstance(term, (ox.NamedNode, ox.Literal)):
        raise QueryError(f"a parameter must be an IRI or a literal, not {term!r}")
    return str(term)


def _where_brace(blanked: str) -> int | None:
    """Index of the ``{`` that opens the WHERE group of the query (strings already blanked)."""
    m = _FORM.search(blanked)
    if not m:
        return None
    i = m.end()
    if m.group(1).upper() == "CONSTRUCT":
        j = _next_nonspace(blanked, i)
        if j is not None and blanked[j] == "{":  # a template comes first: skip it
            i = _matching_brace(blanked, j) + 1
    j = blanked.find("{", i)
    return j if j >= 0 else None


def _next_nonspace(text: str, i: int) -> int | None:
    while i < len(text) and text[i].isspace():
        i += 1
    return i if i < len(text) else None


def _matching_brace(text: str, i: int) -> int:
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j
    return len(text) - 1


# ---------------------------------------------------------------------------------------------
# results


@dataclass
class QueryResult:
    """The materialized result of one query.

    ``form`` is ``select``, ``ask``, ``construct`` or ``describe``; ``variables`` and ``rows``
    (tuples of pyoxigraph terms, ``None`` when unbound) hold SELECT results, ``boolean`` the ASK
    answer and ``triples`` the CONSTRUCT/DESCRIBE graph.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    @classmethod
    def from_oxigraph(cls, result, form: str | None = None) -> "QueryResult":
        """Materialize a pyoxigraph query result."""
        if isinstance(result, ox.QueryBoolean):
            return cls("ask", boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            return cls(form or "construct", triples=list(result))
        variables = [v.value for v in result.variables]
        rows = [tuple(sol[v] for v in variables) for sol in result]
        return cls("select", variables=variables, rows=rows)

    def __len__(self) -> int:
        return len(self.triples) if self.form in ("construct", "describe") else len(self.rows)

    def values(self) -> list[dict[str, str]]:
        """SELECT rows as dicts of plain strings (IRIs, lexical forms); unbound variables left out."""
        return [{v: t.value for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def default_format(self) -> str:
        return {"select": "table", "ask": "text"}.get(self.form, "ttl")

    def serialize(self, fmt: str | None = None) -> bytes:
        """The result in ``fmt``: table/csv/tsv/json (SELECT, ASK), ttl/nt/trig/nq/jsonld (graphs)."""
        fmt = fmt or self.default_format()
        if self.form in ("construct", "describe"):
            return self._serialize_graph(fmt)
        if fmt not in RESULT_FORMATS + ("text",):
            raise OutputError(f"unknown result format {fmt!r} for {self.form.upper()}; "
                              f"choose one of {', '.join(RESULT_FORMATS)}")
        if self.form == "ask":
            return self._serialize_boolean(fmt)
        writer = {"table": self.to_table, "csv": self._to_csv, "tsv": self._to_tsv, "json": self._to_json}
        return writer[fmt]().encode("utf-8")

    def _serialize_boolean(self, fmt: str) -> bytes:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": self.boolean}).encode() + b"\n"
        return (b"true" if self.boolean else b"false") + b"\n"

    def _serialize_graph(self, fmt: str) -> bytes:
        if fmt not in RDF_FORMATS:
            raise OutputError(f"unknown RDF format {fmt!r} for {self.form.upper()}; "
                              f"choose one of {', '.join(RDF_FORMATS)}")
        rdf_format = RDF_FORMATS[fmt]
        triples = sorted(set(self.triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        if rdf_format.supports_datasets:
            triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return ox.serialize(triples, format=rdf_format, prefixes=used_prefixes(triples))

    def to_table(self) -> str:
        """An aligned text table; CJK characters count two columns."""
        cells = [[_cell(t) for t in row] for row in self.rows]
        widths = [display_width(v) for v in self.variables]
        for row in cells:
            widths = [max(w, display_width(c)) for w, c in zip(widths, row)]
        lines = ["  ".join(_pad(v, w) for v, w in zip(self.variables, widths)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
        n = len(self.rows)
        lines.append(f"({n} row{'s' if n != 1 else ''})")
        return "\n".join(lines) + "\n"

    def _to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")  # SPARQL 1.1 CSV uses CRLF
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow(["" if t is None else _csv_value(t) for t in row])
        return buf.getvalue()

    def _to_tsv(self) -> str:
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def _to_json(self) -> str:
        # SPARQL 1.1 Results JSON, one binding per line so that it diffs and greps well
        head = json.dumps({"vars": self.variables}, ensure_ascii=False)
        bindings = [json.dumps({v: _json_term(t) for v, t in zip(self.variables, row) if t is not None},
                               ensure_ascii=False) for row in self.rows]
        body = ",\n".join(bindings)
        return f'{{"head": {head}, "results": {{"bindings": [\n{body}\n]}}}}\n'


def used_prefixes(triples: Iterable) -> dict[str, str]:
    """The contract prefixes whose namespace some IRI in ``triples`` uses.

    ``zkgr:`` is left out: entity IRIs are percent-encoded, and as prefixed names they would
    need a backslash before every ``%`` and ``/``.
    """
    namespaces = {ns: p for p, ns in PREFIXES.items() if p != "zkgr"}
    used: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.Literal):
                term = term.datatype
            if isinstance(term, ox.NamedNode):
                iri = term.value
                cut = max(iri.rfind("#"), iri.rfind("/")) + 1
                if iri[:cut] in namespaces:
                    used.add(iri[:cut])
    return {namespaces[ns]: ns for ns in sorted(used, key=namespaces.get)}


def _csv_value(term) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def compact_iri(iri: str) -> str:
    """``prefix:local`` for an IRI under a contract prefix (percent-escapes decoded), else ``<iri>``."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if not best:
        return f"<{iri}>"
    return f"{best}:{unquote(iri[len(PREFIXES[best]):])}"


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = compact_iri(term.value)
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Literal):
        text = term.value
    else:
        text = str(term)
    text = re.sub(r"\s", " ", text)
    return _truncate(text, MAX_CELL_WIDTH)


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and full-width (CJK) characters count two."""
    return sum(_char_width(ch) for ch in text)


def _truncate(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = _char_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


# ---------------------------------------------------------------------------------------------
# running


def run_query(source: "Store | str | Path | Sequence[str | Path]", query: str,
              params: Mapping[str, object] | None = None) -> QueryResult:
    """Run a SPARQL query over RDF files, a store spec (``oxigraph:DIR``, an endpoint URL) or a Store.

    ``query`` is the text or a ``.rq`` path; ``params`` maps variable names to RDF terms or to
    ``--param``-style strings (``"<iri>"``, ``'"x"@zh'``, ``"42"``, plain text).
    """
    from kg.store import Store, open_files, open_store

    terms = {k.lstrip("?$"): (parse_term(v) if isinstance(v, str) else v) for k, v in (params or {}).items()}
    text = read_query(str(query)) if isinstance(query, Path) else read_query(query)
    if isinstance(source, Store):
        return source.query(text, terms)
    if isinstance(source, (str, Path)) and _is_store_spec(str(source)):
        with open_store(str(source)) as store:
            return store.query(text, terms)
    paths = [source] if isinstance(source, (str, Path)) else list(source)
    with open_files(paths) as store:
        return store.query(text, terms)


def _is_store_spec(spec: str) -> bool:
    return spec.startswith(("oxigraph:", "memory:", "http://", "https://")) or spec == "memory"
