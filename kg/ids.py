"""Stable IRIs: the same canonical name or document id always gives the same IRI.

Every IRI made here is valid for any name, whatever characters it holds (spaces, quotes,
``<>``, ``#``, ``%``, emoji, control characters, lone surrogates): letters and digits of any
script are kept as they are (an IRI allows them), everything else is %-encoded as UTF-8.
The base (``--base``) is checked once: it must be an absolute IRI without a fragment.
"""
from __future__ import annotations

import functools
import hashlib
import unicodedata

from kg.errors import KGError
from kg.ontology import ZKGR_IRI

__all__ = ["DEFAULT_BASE", "check_base", "document_iri", "entity_iri", "escape", "penalty_iri",
           "span_iri", "statement_iri"]

DEFAULT_BASE = ZKGR_IRI
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
#: path segments that IRI normalization would remove or resolve
_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


def escape(name: str) -> str:
    """One IRI path segment for ``name``: letters and digits of any script kept, the rest %-encoded.

    A final ``.`` is %-encoded too, so that every Turtle reader accepts the prefixed name.
    """
    if name in _DOT_SEGMENTS:
        return _DOT_SEGMENTS[name]
    out = []
    for ch in name:
        if ch in _UNRESERVED or (ord(ch) > 127 and unicodedata.category(ch)[0] in "LN"):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
    segment = "".join(out) or "_"
    # rdflib cannot read a Turtle prefixed name ending in an escaped dot (zkgr:entity\/Co\.)
    return segment[:-1] + "%2E" if segment.endswith(".") else segment


@functools.lru_cache(maxsize=32)
def check_base(base: str) -> str:
    """``base`` if it is an absolute IRI ending in ``/`` with no fragment or query; else KGError."""
    from pyoxigraph import NamedNode

    problem = None
    try:
        NamedNode(base)
    except ValueError as exc:
        problem = f"it is not an absolute IRI ({exc})"
    if problem is None and ("#" in base or "?" in base):
        problem = "it must not hold # or ?"
    if problem is None and not base.endswith("/"):
        problem = "it must end with /"
    if problem:
        raise KGError(f"bad base IRI {base!r}: {problem}", hint="e.g. --base https://example.org/kg/")
    return base


@functools.lru_cache(maxsize=65536)
def entity_iri(key: str, base: str = DEFAULT_BASE) -> str:
    """``<base>entity/<escaped canonical name>``."""
    return f"{base}entity/{escape(key)}"


def document_iri(doc_id: str, base: str = DEFAULT_BASE) -> str:
    """``<base>doc/<escaped id>``; raises KGError when ``base`` is not a usable base IRI."""
    return f"{check_base(base)}doc/{escape(doc_id)}"


def span_iri(doc_iri: str, kind: str, start: int, end: int) -> str:
    """NIF-style fragment IRIs: ``<doc>#char=0,5`` for mentions, ``#sentence=`` and ``#metric=``."""
    return f"{doc_iri}#{kind}={start},{end}"


def statement_iri(doc_iri: str, *parts: str) -> str:
    """``<doc>#stmt-<16 hex digits>``: a hash of the statement's parts, stable across runs."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{doc_iri}#stmt-{digest}"


def penalty_iri(doc_iri: str, start: int, end: int) -> str:
    """``<doc>#penalty=<start>,<end>``: a penalty node, named by where its statement is in the text."""
    return span_iri(doc_iri, "penalty", start, end)
