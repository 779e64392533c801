"""The library API: build a graph from inputs, serialize it, write it.

Every build runs the plan of :data:`kg.config.PLAN` (``kg build --show-plan``): the stages are
functions over batches of documents in :mod:`kg.stages`, and :func:`kg.engine.run_stages` runs
them with a :mod:`kg.parallel` runner in this process, in worker processes or on Dask; an
incremental build into a store (:mod:`kg.corpus`) runs the same stage functions. Which
extractors, models and settings a build uses is its configuration (:mod:`kg.config`,
``kg build --config``). Every stage depends only on the document and on order-independent
merges, so the output is byte-identical whatever the number of workers, and a store holds the
graph a fresh build gives. The stage functions are importable from here as before.

>>> from kg.api import build_text
>>> result = build_text("工商银行推出“抗疫贷”产品。", doc_id="demo")
>>> sorted(e.label for e in result.entities.values())
['中国工商银行', '抗疫贷']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from pyoxigraph import Quad, RdfFormat, parse, serialize

from kg import ids
from kg.config import PipelineConfig, config_json, effective_config  # noqa: F401 - public here too
from kg.engine import collector_tuned, progress_bar, run_stages, unique_ids  # noqa: F401
from kg.errors import KGError
from kg.export import FORMATS, format_for, serialize_quads
from kg.io import Skipped, atomic_write, clean_text, read_documents
from kg.ontology import PREFIXES
from kg.parallel import open_runner
from kg.spool import Spooled
# the stages, as kg.api has always offered them
from kg.stages import (BATCH, BuildOptions, Contribution, Names, analyze_batch,  # noqa: F401
                       configuration_of, content_hash, contribution, default_pipeline, document_keys,
                       entity_subset, graph_batch, graph_task, land, merge_contributions,
                       merge_entities, merge_names, pipeline_for, relate_batch, ship)
from kg.types import Document, Entity


@dataclass
class BuildResult:
    """What a build produced: documents with their findings, entities, the graph, skipped inputs.

    The graph is kept as the sorted N-Quads the workers wrote to spool files (``graph``, see
    :mod:`kg.spool`); ``nquads`` reads them and ``quads`` parses them on first use. Documents
    built in worker processes are unpickled when ``documents`` is first read.
    """

    load_documents: Callable[[], list[Document]] | None
    document_count: int
    entities: dict[str, Entity]
    graph: Spooled
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    relation_count: int = 0
    entity_count: int = 0

    @cached_property
    def documents(self) -> list[Document]:
        """The documents with everything found in them, in input order."""
        if self.load_documents is None:
            raise KGError("this build did not keep its documents", hint="build with keep_documents=True")
        return self.load_documents()

    @cached_property
    def nquads(self) -> bytes:
        """The graph as sorted N-Quads."""
        return self.graph.read()

    @cached_property
    def quads(self) -> list[Quad]:
        """Every quad, sorted by graph, subject (rdf:type first), predicate, object."""
        return list(parse(self.nquads, format=RdfFormat.N_QUADS)) if self.nquads else []

    @property
    def quad_count(self) -> int:
        return self.graph.lines

    def serialize(self, fmt: str = "ttl") -> bytes:
        """The graph as bytes in ``fmt`` (ttl, trig, nt, nq, jsonld)."""
        fmt = format_for(None, fmt)
        rdf_format = FORMATS[fmt]
        if rdf_format == RdfFormat.N_QUADS or not self.nquads:
            return self.nquads
        if not rdf_format.supports_datasets or rdf_format == RdfFormat.JSON_LD:
            return serialize_quads(self.quads, fmt)
        # already sorted: TriG and JSON-LD keep the order
        return serialize(parse(self.nquads, format=RdfFormat.N_QUADS), format=rdf_format,
                         prefixes=PREFIXES) or b""

    def write(self, path: str | Path, fmt: str | None = None, *, force: bool = True) -> None:
        """Write the graph atomically; the format follows the extension unless ``fmt`` is given."""
        fmt = format_for(path, fmt)
        atomic_write(path, lambda fh: self.write_to(fh, fmt), force=force)

    def write_to(self, fh: BinaryIO, fmt: str = "nq") -> None:
        """Write the graph in ``fmt`` to a binary file object (N-Quads straight from the spool)."""
        if FORMATS[format_for(None, fmt)] == RdfFormat.N_QUADS:
            self.graph.copy_to(fh)
        else:
            fh.write(self.serialize(fmt))

    def to_dataset(self):
        """The graph as an ``rdflib.Dataset`` (one named graph per document)."""
        import rdflib

        ds = rdflib.Dataset()
        ds.parse(data=self.nquads, format="nquads")
        return ds


def build_documents(documents: Iterable[Document], *, base: str = ids.DEFAULT_BASE,
                    ner_model: str | None = None, include_text: bool = True,
                    config: PipelineConfig | str | Path | None = None,
                    skipped: list[Skipped] | None = None, workers: int | None = 1,
                    dask: str | None = None, progress: bool | None = False,
                    keep_documents: bool = True) -> BuildResult:
    """Build the graph of already-read documents (``workers=None``: all cores).

    Without ``keep_documents`` the result has the graph and entities but not ``documents``
    (worker processes then need not send them back: what ``kg build`` does). ``config`` is a
    :class:`kg.config.PipelineConfig` or a TOML file (``kg build --config``).
    """
    import time

    started = time.perf_counter()
    options = BuildOptions(base, ner_model, include_text, config_json(config))
    pipeline_for(options)  # loaded before forking: workers inherit it
    docs = list(unique_ids(documents))
    for doc in docs:  # lone surrogates (JSON escapes, Python strings) cannot be hashed or written
        doc.text = clean_text(doc.text)
    with collector_tuned(), open_runner(workers, dask) as runner:
        documents, entities, graph, tally = run_stages(docs, runner, options, progress=progress,
                                                       keep_documents=keep_documents)
    entity_count, relation_count = tally.counts()  # what kg viz and kg stats count too (kg.counts)
    return BuildResult(documents, len(docs), entities, graph, list(skipped or []),
                       time.perf_counter() - started, relation_count, entity_count)


def build(inputs: Iterable[str | Path], *, strict: bool = False, **options) -> BuildResult:
    """Read files, folders, JSONL corpora or ``-`` (stdin) and build one graph of them all."""
    skipped: list[Skipped] = []
    docs = list(read_documents(inputs, strict=strict, skipped=skipped))
    return build_documents(docs, skipped=skipped, **options)


def build_text(text: str, doc_id: str = "doc", **options) -> BuildResult:
    """Build the graph of one text given as a string."""
    return build_documents([Document(id=doc_id, text=text, source="<text>")], **options)
