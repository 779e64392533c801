"""Query results and their formats: the aligned table, SPARQL CSV/TSV/JSON/XML, RDF for graphs.

:class:`QueryResult` holds what one query returned, whatever the backend; ``serialize(fmt)``
writes it. :func:`output_format` picks the format of an output from ``-f`` or the extension of
``-o``, as ``kg build`` does. The table shows IRIs as terms that can be pasted back into a query
(:func:`sparql_term`): ``zkgr:entity\\/招商银行`` or ``<iri>``.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg import rdfio
from kg.errors import OutputError
from kg.ontology import PREFIXES

__all__ = [
    "QueryResult", "RDF_FORMATS", "RESULT_FORMATS", "display_width", "output_format", "sparql_term",
    "used_prefixes",
]

XSD = "http://www.w3.org/2001/XMLSchema#"
#: SELECT/ASK output formats
RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
#: CONSTRUCT/DESCRIBE output formats -> pyoxigraph format
RDF_FORMATS: dict[str, ox.RdfFormat] = {f.name: f.oxigraph for f in rdfio.FORMATS if f.writable}  # kg.rdfio
#: output extension -> format (``.json`` is SPARQL JSON for results and JSON-LD for graphs)
SUFFIXES = {".txt": "table", ".csv": "csv", ".tsv": "tsv", ".json": "json", ".srj": "json", ".xml": "xml",
            ".srx": "xml", ".ttl": "ttl", ".nt": "nt", ".trig": "trig", ".nq": "nq", ".jsonld": "jsonld"}
#: a literal in the aligned table is cut to this many terminal columns (IRIs never are)
MAX_CELL_WIDTH = 60
GRAPH_FORMS = ("construct", "describe")

# SPARQL 1.1 grammar: PN_CHARS_BASE, and the characters a local name may hold escaped (PN_LOCAL_ESC)
_PN_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
            "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_FIRST = re.compile(f"[{_PN_BASE}_:0-9]")
_PN_MIDDLE = re.compile(f"[{_PN_BASE}_:0-9\\-\u00b7\u0300-\u036f\u203f-\u2040.]")
_PN_ESC = set("_~.-!$&'()*+,;=/?#@%")
_HEX2 = re.compile(r"%[0-9A-Fa-f]{2}")


def output_format(path: str | Path | None, fmt: str | None, form: str) -> str:
    """The format of a ``form`` result (select, ask, construct, describe) written to ``path``.

    An explicit ``fmt`` wins; else the extension of ``path`` decides; else the form's default.
    A format that does not fit the form raises :class:`OutputError`.
    """
    graph = form in GRAPH_FORMS
    fits = tuple(RDF_FORMATS) if graph else RESULT_FORMATS
    if fmt is None and path is not None and str(path) != "-":
        suffix = Path(path).suffix.lower()
        if suffix not in SUFFIXES:
            raise OutputError(f"{path}: cannot tell the format from the extension {suffix or '(none)'}",
                              hint=f"use {', '.join('.' + f for f in fits)}, or pass -f")
        fmt = "jsonld" if graph and SUFFIXES[suffix] == "json" else SUFFIXES[suffix]
    if fmt is None:
        return "ttl" if graph else "table"
    if fmt not in fits:
        what = "a graph" if graph else "a table of results" if form == "select" else "true or false"
        where = f"{path}: " if path is not None and str(path) != "-" else ""
        raise OutputError(f"{where}{fmt} does not fit {'an' if form == 'ask' else 'a'} {form.upper()} query, whose result is {what}",
                          hint=f"use one of {', '.join(fits)}")
    return fmt


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
        return len(self.triples) if self.form in GRAPH_FORMS else len(self.rows)

    def values(self) -> list[dict[str, str]]:
        """SELECT rows as dicts of plain strings (IRIs, lexical forms); unbound variables left out."""
        return [{v: t.value for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def default_format(self) -> str:
        return output_format(None, None, self.form)

    def serialize(self, fmt: str | None = None) -> bytes:
        """The result in ``fmt``: table/csv/tsv/json/xml (SELECT, ASK), ttl/nt/trig/nq/jsonld (graphs)."""
        fmt = output_format(None, fmt or None, self.form)
        if self.form in GRAPH_FORMS:
            return self._serialize_graph(fmt)
        if self.form == "ask":
            return self._serialize_boolean(fmt)
        writer = {"table": self.to_table, "csv": self._to_csv, "tsv": self._to_tsv, "json": self._to_json,
                  "xml": self._to_xml}
        return writer[fmt]().encode("utf-8")

    def _serialize_boolean(self, fmt: str) -> bytes:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": self.boolean}).encode() + b"\n"
        if fmt == "xml":
            return (_XML_HEAD + "  <head/>\n  <boolean>" + ("true" if self.boolean else "false")
                    + "</boolean>\n</sparql>\n").encode()
        return (b"true" if self.boolean else b"false") + b"\n"

    def _serialize_graph(self, fmt: str) -> bytes:
        from kg.export import serialize_quads

        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in self.triples]
        return serialize_quads(quads, fmt, prefixes=used_prefixes(self.triples))

    def to_table(self) -> str:
        """An aligned text table; CJK characters count two columns; IRIs as pasteable SPARQL terms."""
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

    def _to_xml(self) -> str:
        # SPARQL 1.1 Query Results XML Format (https://www.w3.org/TR/rdf-sparql-XMLres/)
        out = [_XML_HEAD, "  <head>\n"]
        out += [f"    <variable name={quoteattr(v)}/>\n" for v in self.variables]
        out.append("  </head>\n  <results>\n")
        for row in self.rows:
            out.append("    <result>\n")
            out += [f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>\n"
                    for v, t in zip(self.variables, row) if t is not None]
            out.append("    </result>\n")
        out.append("  </results>\n</sparql>\n")
        return "".join(out)


_XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def used_prefixes(triples: Iterable) -> dict[str, str]:
    """The contract prefixes whose namespace some IRI in ``triples`` uses (declared in that order)."""
    namespaces = {ns: p for p, ns in PREFIXES.items()}
    used: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.Literal):
                term = term.datatype
            if isinstance(term, ox.NamedNode):
                used.update(ns for ns in namespaces if term.value.startswith(ns))
    return {namespaces[ns]: ns for ns in sorted(used, key=namespaces.get)}


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD + "string":
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{escape(_xml_chars(term.value))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _xml_chars(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters but tab, LF, CR)."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)


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


def sparql_term(iri: str) -> str:
    """``iri`` as a SPARQL term a query can use as is: a prefixed name under a contract prefix, with
    the characters the grammar needs escaped (``zkgr:entity\\/招商银行``), else ``<iri>``."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(ns):
            local = _local_name(iri[len(ns):])
            if local is not None:
                return f"{prefix}:{local}"
    return f"<{iri}>"


def _local_name(text: str) -> str | None:
    """``text`` as a SPARQL PN_LOCAL (escapes added), or None if it cannot be one."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "%" and _HEX2.match(text, i):  # a percent-escape stands for itself
            out.append(text[i:i + 3])
            i += 3
            continue
        plain = _PN_FIRST.match(ch) if not out else _PN_MIDDLE.match(ch)
        if ch == "." and (not out or i == len(text) - 1):
            plain = None  # a local name neither starts nor ends with an unescaped dot
        if plain:
            out.append(ch)
        elif ch in _PN_ESC:
            out.append("\\" + ch)
        else:
            return None
        i += 1
    return "".join(out)


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return sparql_term(term.value)  # never cut: it is meant to be pasted back
    if isinstance(term, ox.BlankNode):
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
