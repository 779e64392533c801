"""The library API: build a graph from inputs, serialize it, write it.

>>> from kg.api import build_text
>>> result = build_text("工商银行推出“抗疫贷”产品。", doc_id="demo")
>>> sorted(e.label for e in result.entities.values())
['中国工商银行', '抗疫贷']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from pyoxigraph import Quad

from kg import ids
from kg.export import format_for, serialize_quads, sort_quads
from kg.io import Skipped, atomic_write, read_documents
from kg.pipeline import Pipeline
from kg.rdf import document_quads
from kg.resolve import resolve
from kg.types import Document, Entity


@dataclass
class BuildResult:
    """What a build produced: documents with their findings, entities, quads, skipped inputs."""

    documents: list[Document]
    entities: dict[str, Entity]
    quads: list[Quad]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def relation_count(self) -> int:
        return sum(len(d.relations) for d in self.documents)

    def serialize(self, fmt: str = "ttl") -> bytes:
        """The graph as bytes in ``fmt`` (ttl, trig, nt, nq, jsonld)."""
        return serialize_quads(self.quads, format_for(None, fmt))

    def write(self, path: str | Path, fmt: str | None = None, *, force: bool = True) -> None:
        """Write the graph atomically; the format follows the extension unless ``fmt`` is given."""
        atomic_write(path, self.serialize(format_for(path, fmt)), force=force)

    def to_dataset(self):
        """The graph as an ``rdflib.Dataset`` (one named graph per document)."""
        import rdflib

        ds = rdflib.Dataset()
        ds.parse(data=self.serialize("nq"), format="nquads")
        return ds


@lru_cache(maxsize=4)
def default_pipeline(ner_model: str | None = None) -> Pipeline:
    """A pipeline built once per process and configuration."""
    return Pipeline(ner_model=ner_model)


def extract(documents: Iterable[Document], pipeline: Pipeline) -> list[Document]:
    """Run the pipeline over documents; names found in one help the others (a second pass)."""
    docs = [pipeline.analyze(doc) for doc in documents]
    known: dict[str, tuple[str, str]] = {}
    for doc in docs:
        for name, value in pipeline.discovered(doc).items():
            known.setdefault(name, value)
    for doc in docs:
        if len(docs) > 1:
            pipeline.add_known(doc, known)
        pipeline.relate(doc)
    return docs


def graph_of(docs: list[Document], lexicon, *, base: str = ids.DEFAULT_BASE,
             include_text: bool = True) -> tuple[dict[str, Entity], list[Quad]]:
    """Resolve entities across documents and build the sorted quads."""
    entities = resolve(docs, lexicon)
    quads: list[Quad] = []
    for doc in docs:
        quads += document_quads(doc, entities, lexicon, base=base, include_text=include_text)
    return entities, sort_quads(quads)


def build_documents(documents: Iterable[Document], *, base: str = ids.DEFAULT_BASE,
                    ner_model: str | None = None, include_text: bool = True,
                    skipped: list[Skipped] | None = None) -> BuildResult:
    """Build the graph of already-read documents."""
    pipeline = default_pipeline(ner_model)
    docs = extract(documents, pipeline)
    _unique_ids(docs)
    entities, quads = graph_of(docs, pipeline.lexicon, base=base, include_text=include_text)
    return BuildResult(docs, entities, quads, list(skipped or []))


def build(inputs: Iterable[str | Path], *, strict: bool = False, **options) -> BuildResult:
    """Read files, folders, JSONL corpora or ``-`` (stdin) and build one graph of them all."""
    skipped: list[Skipped] = []
    docs = list(read_documents(inputs, strict=strict, skipped=skipped))
    return build_documents(docs, skipped=skipped, **options)


def build_text(text: str, doc_id: str = "doc", **options) -> BuildResult:
    """Build the graph of one text given as a string."""
    return build_documents([Document(id=doc_id, text=text, source="<text>")], **options)


def _unique_ids(docs: list[Document]) -> None:
    """Documents with the same id would share a named graph: number the repeats."""
    seen: dict[str, int] = {}
    for doc in docs:
        n = seen.get(doc.id, 0)
        seen[doc.id] = n + 1
        if n:
            doc.id = f"{doc.id}#{n + 1}"
