"""Stable IRIs: the same canonical name or document id always gives the same IRI."""
from __future__ import annotations

import hashlib
import unicodedata

from kg.ontology import ZKGR_IRI

DEFAULT_BASE = ZKGR_IRI
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def escape(name: str) -> str:
    """One IRI path segment for ``name``: letters and digits of any script kept, the rest %-encoded."""
    out = []
    for ch in name:
        if ch in _UNRESERVED or (ord(ch) > 127 and unicodedata.category(ch)[0] in "LN"):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
    return "".join(out) or "_"


def entity_iri(key: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}entity/{escape(key)}"


def document_iri(doc_id: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}doc/{escape(doc_id)}"


def span_iri(doc_iri: str, kind: str, start: int, end: int) -> str:
    """NIF-style fragment IRIs: ``<doc>#char=0,5`` for mentions, ``#sentence=`` and ``#metric=``."""
    return f"{doc_iri}#{kind}={start},{end}"


def statement_iri(doc_iri: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{doc_iri}#stmt-{digest}"
