"""SPARQL text: the contract's prefixes, query checks, readable syntax errors, safe parameters.

Parameters (``--param name=value``) are never pasted into the query text as text: each value is
parsed into one RDF term, written by Oxigraph's N-Triples serializer, and joined to the query as
``VALUES ?name { term }`` at the start of the ``WHERE`` group. The same mechanism works for
every backend and query form (pyoxigraph's ``substitutions=`` rejects ``SELECT *``, ``ASK`` and
any variable missing from the projection, and cannot be sent to a remote endpoint).

This module knows nothing of stores (:mod:`kg.store` uses it; :mod:`kg.query` runs queries).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

from kg.errors import InputError, QueryError
from kg.ontology import PREFIXES
from kg.results import display_width

__all__ = ["bind_params", "check_query", "parse_param", "parse_term", "prefix_header", "read_query", "syntax_error"]

XSD = "http://www.w3.org/2001/XMLSchema#"


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
    """Turn Oxigraph's ``error at L:C: expected ...`` into a short message: the line, a caret
    under the place, and the expected tokens (character ranges of the grammar summarised)."""
    m = re.match(r"\s*error at (\d+):(\d+):\s*(.*)", message, re.S)
    if not m:
        return QueryError(f"SPARQL syntax error: {_one_line(message)}")
    line_no, col, detail = int(m.group(1)), int(m.group(2)), m.group(3)
    lines = query.split("\n")
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    unknown = _undeclared_prefixes(query)
    if unknown and "Prefix not found" in detail:
        at = _prefix_column(line, unknown)
        col = at or col
        names = ", ".join(p + ":" for p in unknown)
        detail = f"undeclared prefix {names} (declare it: PREFIX {unknown[0]}: <...>)"
    else:
        detail = _expected(detail) + (f" (undeclared prefix {', '.join(p + ':' for p in unknown)})"
                                      if unknown else "")
    caret = " " * display_width(line[: col - 1]) + "^"
    return QueryError(f"SPARQL syntax error at line {line_no}, column {col}: {detail}\n  {line}\n  {caret}")


#: at most this many expected tokens are listed
MAX_EXPECTED = 10


def _expected(detail: str) -> str:
    """``expected one of A, B, ['0'..='9'], ...`` with character classes named and the list cut."""
    m = re.match(r"expected (?:one of )?(.*)", detail, re.S)
    if not m:
        return _one_line(detail)
    items = _EXPECTED_ITEM.findall(m.group(1))
    shown: list[str] = []
    for item in items:
        name = _token_name(item)
        if name and name not in shown:
            shown.append(name)
    more = f", ... ({len(shown) - MAX_EXPECTED} more)" if len(shown) > MAX_EXPECTED else ""
    if not shown:
        return "unexpected text"
    return ("expected " if len(shown) == 1 else "expected one of ") + ", ".join(shown[:MAX_EXPECTED]) + more


_EXPECTED_ITEM = re.compile(r'"(?:\\.|[^"\\])*"|\[(?:\'(?:\\.|[^\'\\])*\'|[^\]\'])*\]|[^,\s][^,]*')


def _token_name(item: str) -> str | None:
    item = item.strip()
    if item in ("[_]", "", "Prefix not found"):  # any character; an unknown prefix is named apart
        return None
    if item.startswith("["):
        if "'A'" in item or "'a'" in item:
            return "a name"
        if "'0'" in item:
            return "a digit" if "'-'" not in item else "a name"
        chars = re.findall(r"'((?:\\.|[^'])*)'", item)
        return " ".join(f'"{c}"' for c in chars) or None
    return _one_line(item)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _undeclared_prefixes(query: str) -> list[str]:
    text = _blank_skips(query)
    declared = set(PREFIXES) | {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    text = re.sub(r"[?$][\w]+", " ", text)
    used = set(re.findall(r"(?<![\w.:/-])([^\W\d_][\w.-]*)?:(?=[\w%])", text))
    return sorted(p or "" for p in used - declared)


def _prefix_column(line: str, prefixes: list[str]) -> int | None:
    """The 1-based column of the first use of one of ``prefixes`` on ``line``."""
    found = [m.start(1) + 1 for p in prefixes
             for m in re.finditer(rf"(?<![\w.:/-])({re.escape(p)}):", _blank_skips(line))]
    return min(found) if found else None


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
