"""SPARQL over files and stores: ``run_query`` and the helpers it is made of.

``run_query(sources_or_store, query, params)`` returns a :class:`QueryResult` whatever the backend
(files read into memory, an Oxigraph store on disk, a remote SPARQL 1.1 endpoint). The contract's
prefixes are pre-declared, and every query reads the store's default graph, the merge of all
document graphs (see :mod:`kg.store`), so no ``GRAPH`` clause is needed and a triple stated by
several documents counts once. The query text (prefixes, checks, parameters) is :mod:`kg.sparql`;
result formats are :mod:`kg.results`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from kg.counts import ENTITIES_QUERY, RELATIONS_QUERY, count_entities, count_relations  # noqa: F401 (re-exported)
from kg.rdfio import StoreSpec
from kg.results import RDF_FORMATS, RESULT_FORMATS, QueryResult, display_width, used_prefixes
from kg.sparql import (bind_params, check_query, parse_param, parse_term, prefix_header, read_query,  # noqa: F401
                       syntax_error)
from kg.store import Store, open_files, open_store

__all__ = [
    "QueryResult", "RDF_FORMATS", "RESULT_FORMATS", "bind_params", "check_query", "count_entities",
    "count_relations",
    "display_width", "parse_param", "parse_term", "prefix_header", "read_query", "run_query",
    "used_prefixes",
]


def run_query(source: "Store | str | Path | Sequence[str | Path]", query: str,
              params: Mapping[str, object] | None = None) -> QueryResult:
    """Run a SPARQL query over RDF files, a store spec (``oxigraph:DIR``, an endpoint URL) or a Store.

    ``query`` is the text or a ``.rq`` path; ``params`` maps variable names to RDF terms or to
    ``--param``-style strings (``"<iri>"``, ``'"x"@zh'``, ``"42"``, plain text).
    """
    terms = {k.lstrip("?$"): (parse_term(v) if isinstance(v, str) else v) for k, v in (params or {}).items()}
    text = read_query(str(query)) if isinstance(query, Path) else read_query(query)
    if isinstance(source, Store):
        return source.query(text, terms)
    if isinstance(source, (str, Path)) and StoreSpec.recognizes(str(source)):
        with open_store(str(source)) as store:
            return store.query(text, terms)
    paths = [source] if isinstance(source, (str, Path)) else list(source)
    with open_files(paths) as store:
        return store.query(text, terms)
