"""The library API: build a graph from inputs, serialize it, write it.

A build runs in three stages, each a function over a batch of documents that a
:mod:`kg.parallel` runner executes in this process, in worker processes or on Dask:

1. :func:`analyze_batch` segments and reads every document on its own and returns the names
   it establishes (quoted names, defined short names, ...);
2. the names of all documents are merged (:func:`merge_names`, independent of document order),
   then :func:`relate_batch` looks for them in every document and reads the relations;
3. entities are resolved across the corpus (:func:`merge_entities`), then
   :func:`graph_batch` writes each document's named graph.

Every stage depends only on the document and on order-independent merges, so the output is
byte-identical whatever the number of workers, and an incremental build into a store
(:mod:`kg.corpus`) gives the same graph as a fresh one. In this process and in worker processes
each document stays where it was analysed for all three stages (:func:`run_stages`); on Dask it
travels with every batch.

>>> from kg.api import build_text
>>> result = build_text("工商银行推出“抗疫贷”产品。", doc_id="demo")
>>> sorted(e.label for e in result.entities.values())
['中国工商银行', '抗疫贷']
"""
from __future__ import annotations

import gc
import hashlib
import json
import pickle
from fractions import Fraction
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from pyoxigraph import Quad, RdfFormat, parse, serialize

from kg import ids
from kg.export import FORMATS, format_for, serialize_quads
from kg.io import Skipped, atomic_write, clean_text, read_documents
from kg.ontology import PREFIXES, specificity
from kg.parallel import Runner, batched, open_runner
from kg.pipeline import Pipeline
from kg.rdf import document_nquads
from kg.resolve import key_of
from kg.types import Document, Entity

BATCH = 16

Names = dict[str, tuple[str, str]]
#: what one document tells the resolver: key -> (class -> {confidence: count}, surfaces, job titles)
Contribution = dict[str, tuple[dict[str, dict[float, int]], set[str], set[str]]]


@dataclass(frozen=True)
class BuildOptions:
    """Options that change the graph (so a store remembers them)."""

    base: str = ids.DEFAULT_BASE
    ner_model: str | None = None
    include_text: bool = True


@dataclass
class BuildResult:
    """What a build produced: documents with their findings, entities, the graph, skipped inputs.

    The graph is kept as the sorted N-Quads the workers wrote; ``quads`` parses it on first use.
    Documents built in worker processes arrive pickled (``shipped``) and are unpickled when
    ``documents`` is first read.
    """

    shipped: list[Document | bytes]
    entities: dict[str, Entity]
    nquads: bytes
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    relation_count: int = 0

    @cached_property
    def documents(self) -> list[Document]:
        """The documents with everything found in them."""
        return [land(d) for d in self.shipped]

    @property
    def document_count(self) -> int:
        return len(self.shipped)

    @cached_property
    def quads(self) -> list[Quad]:
        """Every quad, sorted by graph, subject (rdf:type first), predicate, object."""
        return list(parse(self.nquads, format=RdfFormat.N_QUADS)) if self.nquads else []

    @property
    def quad_count(self) -> int:
        return self.nquads.count(b"\n")

    def serialize(self, fmt: str = "ttl") -> bytes:
        """The graph as bytes in ``fmt`` (ttl, trig, nt, nq, jsonld)."""
        fmt = format_for(None, fmt)
        rdf_format = FORMATS[fmt]
        if rdf_format == RdfFormat.N_QUADS or not self.nquads:
            return self.nquads
        if not rdf_format.supports_datasets:
            return serialize_quads(self.quads, fmt)
        # already sorted: TriG and JSON-LD keep the order
        return serialize(parse(self.nquads, format=RdfFormat.N_QUADS), format=rdf_format,
                         prefixes=PREFIXES) or b""

    def write(self, path: str | Path, fmt: str | None = None, *, force: bool = True) -> None:
        """Write the graph atomically; the format follows the extension unless ``fmt`` is given."""
        atomic_write(path, self.serialize(format_for(path, fmt)), force=force)

    def to_dataset(self):
        """The graph as an ``rdflib.Dataset`` (one named graph per document)."""
        import rdflib

        ds = rdflib.Dataset()
        ds.parse(data=self.nquads, format="nquads")
        return ds


def default_pipeline(ner_model: str | None = None) -> Pipeline:
    """A pipeline built once per process and configuration."""
    return _pipeline(ner_model)  # one cache key however it is called


@lru_cache(maxsize=4)
def _pipeline(ner_model: str | None) -> Pipeline:
    return Pipeline(ner_model=ner_model)


def content_hash(doc: Document) -> str:
    """``sha256:<hex>`` of the document's text and metadata: what decides if it changed."""
    data = json.dumps({"meta": doc.meta, "text": doc.text}, ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def ship(doc: Document, packed: bool) -> Document | bytes:
    """A document as it leaves a stage: pickled in a worker process (``packed``), so that the main
    process only passes bytes on to the next stage and never unpickles it; else itself."""
    return pickle.dumps(doc, pickle.HIGHEST_PROTOCOL) if packed else doc


def land(item: Document | bytes) -> Document:
    """A document that ``ship`` sent."""
    return pickle.loads(item) if isinstance(item, bytes) else item


# -- stage 1: analyze each document on its own ------------------------------------------------

def analyze_batch(docs: list[Document], options: BuildOptions, packed: bool = False
                  ) -> list[tuple[Document | bytes, Names]]:
    """Stage 1 (in a worker): analyze documents; each with the names it establishes.

    Documents keep their tokens for stage 2; pickled, tokens are their end offsets
    (``Document.__getstate__``).
    """
    pipeline = default_pipeline(options.ner_model)
    return [(ship(pipeline.analyze(doc), packed), pipeline.discovered(doc)) for doc in docs]


def merge_names(found: Iterable[Names]) -> Names:
    """The corpus' known names: for each name, the reading most documents give (ties: the smallest)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for names in found:
        for name, value in names.items():
            votes[name][tuple(value)] += 1
    return {name: min(counts, key=lambda v: (-counts[v], v)) for name, counts in sorted(votes.items())}


# -- stage 2: the corpus' names everywhere, then relations --------------------------------------

def contribution(doc: Document, lexicon) -> Contribution:
    """What ``doc`` tells the resolver (the per-document half of kg.resolve.resolve)."""
    out: Contribution = {}
    for m in doc.mentions:
        votes, surfaces, _ = out.setdefault(key_of(m, lexicon), ({}, set(), set()))
        counts = votes.setdefault(m.cls, {})
        counts[m.confidence] = counts.get(m.confidence, 0) + 1
        surfaces.add(doc.norm[m.start:m.end])
        surfaces.add(m.text)
    for m, name, value in doc.attributes:
        if name == "jobTitle":
            out.setdefault(key_of(m, lexicon), ({}, set(), set()))[2].add(value)
    return out


def relate_batch(items: list[Document | bytes], known: Names, options: BuildOptions, packed: bool = False
                 ) -> list[tuple[Document | bytes, Contribution]]:
    """Stage 2 (in a worker): add the corpus' names, read relations; tokens are dropped after.

    A document's contribution has a key for every entity it mentions (see ``entity_subsets``).
    """
    pipeline = default_pipeline(options.ner_model)
    out = []
    for item in items:
        doc = land(item)
        pipeline.add_known(doc, known)
        pipeline.relate(doc)
        doc.release()
        out.append((ship(doc, packed), contribution(doc, pipeline.lexicon)))
    return out


def merge_entities(contributions: Iterable[Contribution], lexicon) -> dict[str, Entity]:
    """Entities from every document's contribution, as kg.resolve.resolve gives them.

    Votes are counted per confidence value and summed exactly (as fractions, rounded once), so
    the class never depends on document order. ``contributions`` may be a stream: only the
    totals are kept.
    """
    votes: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    surfaces: dict[str, set[str]] = defaultdict(set)
    titles: dict[str, set[str]] = defaultdict(set)
    for contrib in contributions:
        for key, (cls_votes, names, job_titles) in contrib.items():
            for cls, counts in cls_votes.items():
                votes[key][cls].update(counts)
            surfaces[key] |= names
            titles[key] |= job_titles
    entities = {}
    for key in sorted(k for k in votes if votes[k]):
        entry = lexicon.by_name.get(key)
        if entry:
            cls = entry.cls
        else:
            sums = {c: float(sum(Fraction(conf) * n for conf, n in counts.items()))
                    for c, counts in votes[key].items()}
            cls = max(sums.items(), key=lambda kv: (kv[1], specificity(kv[0]), kv[0]))[0]
        aliases = surfaces[key] | set(entry.aliases if entry else ())
        aliases.discard(key)
        entities[key] = Entity(key, key, cls, aliases, entry.en or None if entry else None,
                               entry.wikidata or None if entry else None, set(titles.get(key, ())))
    return entities


# -- stage 3: one named graph per document ------------------------------------------------------

def document_keys(doc: Document, lexicon) -> set[str]:
    """The entity keys a document's graph describes."""
    return {key_of(m, lexicon) for m in doc.mentions}


def graph_batch(items: list[tuple[Document | bytes, str]], entities: dict[str, Entity],
                options: BuildOptions) -> list[tuple[str, bytes, int]]:
    """Stage 3 (in a worker): each document's graph IRI, sorted N-Quads and number of relations."""
    lexicon = default_pipeline(options.ner_model).lexicon
    out = []
    for item, digest in items:
        doc = land(item)
        out.append((ids.document_iri(doc.id, options.base),
                    document_nquads(doc, entities, lexicon, base=options.base,
                                    include_text=options.include_text, version=digest).encode("utf-8"),
                    len(doc.relations)))
    return out


def entity_subset(keys: Iterable[set[str]], entities: dict[str, Entity]) -> dict[str, Entity]:
    """The entities with the given keys (what a batch of documents needs: less to send to a worker)."""
    wanted = set().union(*keys)
    return {k: entities[k] for k in sorted(wanted) if k in entities}


# -- whole builds ---------------------------------------------------------------------------------

def progress_bar(enabled: bool | None, desc: str, total: int | None = None):
    """A tqdm bar on stderr; ``None`` means: only when stderr is a terminal."""
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit="doc", file=sys.stderr, disable=not enabled,
                leave=False, dynamic_ncols=True)


def unique_ids(docs: Iterable[Document]) -> Iterator[Document]:
    """Documents with the same id would share a named graph: number the repeats (id#2, ...)."""
    seen: dict[str, int] = {}
    for doc in docs:
        n = seen.get(doc.id, 0)
        seen[doc.id] = n + 1
        if n:
            doc.id = f"{doc.id}#{n + 1}"
        yield doc


def run_stages(docs: list[Document], runner: Runner, options: BuildOptions, *,
               progress: bool | None = None
               ) -> tuple[list[Document | bytes], dict[str, Entity], bytes, int]:
    """The three stages over documents held in memory: final documents (pickled when they come
    from worker processes), entities, N-Quads, number of relations.

    Local runners keep every document in the worker that analysed it (``_run_kept``); on Dask
    the documents travel with every batch (``_run_passed``). Both give the same bytes.
    """
    if runner.stateful:
        return _run_kept(docs, runner, options, progress)
    return _run_passed(docs, runner, options, progress)


def _analyze_kept(state: dict, docs: list[Document], options: BuildOptions) -> list[Names]:
    """Stage 1 on a worker that keeps the documents (and their content hashes) for the next stages."""
    state.setdefault("hashes", []).extend(content_hash(doc) for doc in docs)  # before analysis adds meta
    out = analyze_batch(docs, options)
    state.setdefault("docs", []).extend(doc for doc, _ in out)
    return [names for _, names in out]


def _relate_kept(state: dict, known: Names, options: BuildOptions) -> list[Contribution]:
    """Stage 2 on the documents this worker keeps."""
    return [contrib for _, contrib in relate_batch(state.get("docs", []), known, options)]


def _graph_kept(state: dict, entities: dict[str, Entity], options: BuildOptions, packed: bool
                ) -> tuple[list[tuple[str, bytes, int]], list[Document | bytes]]:
    """Stage 3 on the documents this worker keeps; they leave it (pickled if ``packed``)."""
    docs = state.pop("docs", [])
    chunks = graph_batch(list(zip(docs, state.pop("hashes", []))), entities, options)
    return chunks, [ship(doc, packed) for doc in docs]


def _run_kept(docs: list[Document], runner: Runner, options: BuildOptions, progress: bool | None):
    lexicon = default_pipeline(options.ner_model).lexicon
    n = runner.workers
    # batch k stays on worker k mod n for every stage: small batches share the work out evenly
    size = max(1, min(BATCH, len(docs) // (8 * n)))
    names, owner = [], [[] for _ in range(n)]  # owner[i]: the positions of worker i's documents
    with progress_bar(progress, "analyze", len(docs)) as bar:
        for k, found in enumerate(runner.imap_keep(_analyze_kept, batched(docs, size), options)):
            owner[k % n].extend(range(k * size, k * size + len(found)))
            names += found
            bar.update(len(found))
    gc.freeze()  # what the stage made lives to the end: the collector need not scan it again
    contributions = runner.broadcast(_relate_kept, [(merge_names(names), options)] * n)
    entities = merge_entities((c for worker in contributions for c in worker), lexicon)
    subsets = [(entity_subset((c.keys() for c in worker), entities), options, runner.remote)
               for worker in contributions]
    final: list[Document | bytes | None] = [None] * len(docs)
    chunks: list[tuple[str, bytes, int]] = []
    for positions, (graphs, shipped) in zip(owner, runner.broadcast(_graph_kept, subsets)):
        chunks += graphs
        for position, doc in zip(positions, shipped):
            final[position] = doc
    chunks.sort(key=lambda c: "<" + c[0] + ">")  # graphs in the order of their N-Quads terms
    return final, entities, b"".join(c[1] for c in chunks), sum(c[2] for c in chunks)


def _run_passed(docs: list[Document], runner: Runner, options: BuildOptions, progress: bool | None):
    lexicon = default_pipeline(options.ner_model).lexicon
    hashes = [content_hash(d) for d in docs]
    analyzed, names = [], []
    with progress_bar(progress, "analyze", len(docs)) as bar:
        for batch in runner.imap(analyze_batch, batched(docs, BATCH), options, runner.remote):
            for doc, found in batch:
                analyzed.append(doc)
                names.append(found)
            bar.update(len(batch))
    gc.freeze()  # what the stage made lives to the end: the collector need not scan it again
    known = runner.share(merge_names(names))
    final, contributions = [], []
    for batch in runner.imap(relate_batch, batched(analyzed, BATCH), known, options, runner.remote):
        for doc, contrib in batch:
            final.append(doc)
            contributions.append(contrib)
    del analyzed
    gc.freeze()
    entities = merge_entities(contributions, lexicon)
    chunks: list[tuple[str, bytes, int]] = []
    tasks = ((list(zip(docs_, hashes_)), entity_subset(contribs, entities)) for docs_, hashes_, contribs
             in zip(batched(final, BATCH), batched(hashes, BATCH), batched(contributions, BATCH)))
    for batch in runner.imap(_graph_task, tasks, options):
        chunks += batch
    chunks.sort(key=lambda c: "<" + c[0] + ">")  # graphs in the order of their N-Quads terms
    return final, entities, b"".join(c[1] for c in chunks), sum(c[2] for c in chunks)


def _graph_task(task: tuple, options: BuildOptions) -> list[tuple[str, bytes, int]]:
    items, entities = task
    return graph_batch(items, entities, options)


def build_documents(documents: Iterable[Document], *, base: str = ids.DEFAULT_BASE,
                    ner_model: str | None = None, include_text: bool = True,
                    skipped: list[Skipped] | None = None, workers: int | None = 1,
                    dask: str | None = None, progress: bool | None = False) -> BuildResult:
    """Build the graph of already-read documents (``workers=None``: all cores)."""
    import time

    started = time.perf_counter()
    options = BuildOptions(base, ner_model, include_text)
    default_pipeline(ner_model)  # loaded before forking: workers inherit it
    docs = list(unique_ids(documents))
    for doc in docs:  # lone surrogates (JSON escapes, Python strings) cannot be hashed or written
        doc.text = clean_text(doc.text)
    gc.freeze()  # and unfrozen after: see run_stages (the collector took ~7% of a build)
    try:
        with open_runner(workers, dask) as runner:
            final, entities, nquads, relations = run_stages(docs, runner, options, progress=progress)
    finally:
        gc.unfreeze()
    return BuildResult(final, entities, nquads, list(skipped or []), time.perf_counter() - started,
                       relations)


def build(inputs: Iterable[str | Path], *, strict: bool = False, **options) -> BuildResult:
    """Read files, folders, JSONL corpora or ``-`` (stdin) and build one graph of them all."""
    skipped: list[Skipped] = []
    docs = list(read_documents(inputs, strict=strict, skipped=skipped))
    return build_documents(docs, skipped=skipped, **options)


def build_text(text: str, doc_id: str = "doc", **options) -> BuildResult:
    """Build the graph of one text given as a string."""
    return build_documents([Document(id=doc_id, text=text, source="<text>")], **options)
