"""Lexicon matches on the raw (normalized) text, kept only on sensible word boundaries."""
from __future__ import annotations

import re

from kg.extractors.base import Resources, mention, token_index
from kg.lexicon import JOB_TITLE
from kg.types import Document, Mention

NAME = "gazetteer@1"
_LATIN = re.compile(r"[A-Za-z0-9]")
#: 业 after these makes a sector (银行业, 保险业), not 业务 or 业绩.
SECTOR_WORDS = ("银行", "保险", "证券", "信托", "基金")
SECTOR_AFTER = re.compile(r"业(?![务绩主态])")


def _latin_edges_ok(text: str, start: int, end: int) -> bool:
    """A Latin-script edge must not touch another Latin letter or digit (ICBC in ICBCX)."""
    if _LATIN.match(text[start]) and start > 0 and _LATIN.match(text[start - 1]):
        return False
    if _LATIN.match(text[end - 1]) and end < len(text) and _LATIN.match(text[end]):
        return False
    return True


def boundary_ok(doc: Document, start: int, end: int) -> bool:
    """True when a name at ``[start, end)`` is a word of its own, not part of another word."""
    if not _latin_edges_ok(doc.norm, start, end):
        return False
    index = token_index(doc)
    if index.aligned(start, end):
        return True
    # jieba may glue a name to a neighbour it does not know (e.g. before a Latin letter);
    # accept a long name whose edges are at least script or punctuation changes.
    return end - start >= 4 and (start in index.start_set or end in index.end_set)


def propose(doc: Document, res: Resources) -> list[Mention]:
    """Every lexicon entity whose surface occurs on word boundaries."""
    found = []
    for start, end, entry in res.lexicon.find(doc.norm):
        if entry.cls == JOB_TITLE:
            continue
        if entry.cls == "FinancialInstitution" and doc.norm.endswith(SECTOR_WORDS, start, end) \
                and SECTOR_AFTER.match(doc.norm, end):
            continue  # 上海银行业: the city's banking sector, not the bank
        if not boundary_ok(doc, start, end):
            start = _country_prefix(doc, start, end, entry, res)
            if start is None:
                continue
        found.append(mention(doc, start, end, entry.cls, NAME, 0.95, canonical=entry.name))
    return found


_ORGS = ("Organization", "Company", "FinancialInstitution", "GovernmentAgency", "ResearchInstitute")
#: Country words written before a body's short name in one token (中国证监会, 国家外汇局).
COUNTRY = ("中国", "国家", "中华人民共和国")


def _country_prefix(doc: Document, start: int, end: int, entry, res: Resources) -> int | None:
    """The start of a token that is a country or place word followed by a known organization
    (中国证监会: 中国 + 证监会), or None."""
    index = token_index(doc)
    if entry.cls not in _ORGS or end not in index.end_set or start in index.start_set:
        return None
    tok = doc.tokens[index.at(start)]
    prefix = doc.norm[tok.start:start]
    if prefix in COUNTRY or any(e.cls == "Place" and s0 == 0 and e0 == len(prefix) for s0, e0, e in res.lexicon.find(prefix)):
        return tok.start
    return None
