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
travels with every batch. The graphs' N-Quads go to spool files (:mod:`kg.spool`), written out
in graph order when the result is.

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
import sys
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from pyoxigraph import Quad, RdfFormat, parse, serialize

from kg import ids
from kg.config import PipelineConfig, config_json, effective_config  # noqa: F401 - public here too
from kg.errors import KGError
from kg.export import FORMATS, format_for, serialize_quads
from kg.io import Skipped, atomic_write, clean_text, read_documents
from kg.ontology import PREFIXES, specificity
from kg.parallel import Runner, batched, open_runner
from kg.pipeline import Pipeline
from kg.rdf import document_nquads
from kg.resolve import key_of
from kg.spool import Part, Spooled, open_spool, spool, spool_folder
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
    #: the pipeline configuration (``PipelineConfig.to_json``); None: the default one
    config: str | None = None


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


def default_pipeline(ner_model: str | None = None, config: str | None = None) -> Pipeline:
    """A pipeline built once per process and configuration (``config``: its JSON, None: the default)."""
    return _pipeline(ner_model, config)  # one cache key however it is called


def pipeline_for(options: BuildOptions) -> Pipeline:
    """The pipeline a build with ``options`` runs."""
    return _pipeline(options.ner_model, options.config)


@lru_cache(maxsize=4)
def _pipeline(ner_model: str | None, config: str | None) -> Pipeline:
    return Pipeline(config=effective_config(ner_model, config))


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
    pipeline = pipeline_for(options)
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
    pipeline = pipeline_for(options)
    out = []
    for item in items:
        doc = land(item)
        pipeline.add_known(doc, known)
        pipeline.relate(doc)
        doc.release()
        out.append((ship(doc, packed), contribution(doc, pipeline.lexicon)))
    return out


def merge_contributions(contributions: Iterable[Contribution]) -> Contribution:
    """Contributions added up: votes counted, names and job titles united. ``contributions`` may
    be a stream: only the totals are kept. Merging merged contributions gives the same totals, so
    a worker sends one for all its documents."""
    total: Contribution = {}
    for contrib in contributions:
        for key, (cls_votes, names, job_titles) in contrib.items():
            mine = total.get(key)
            if mine is None:
                total[key] = ({cls: dict(counts) for cls, counts in cls_votes.items()}, set(names),
                              set(job_titles))
                continue
            for cls, counts in cls_votes.items():
                votes = mine[0].setdefault(cls, {})
                for confidence, n in counts.items():
                    votes[confidence] = votes.get(confidence, 0) + n
            mine[1].update(names)
            mine[2].update(job_titles)
    return total


def merge_entities(contributions: Iterable[Contribution], lexicon) -> dict[str, Entity]:
    """Entities from every document's contribution, as kg.resolve.resolve gives them.

    Votes are counted per confidence value and summed exactly (as fractions, rounded once), so
    the class never depends on document order.
    """
    total = merge_contributions(contributions)
    entities = {}
    for key in sorted(k for k, (votes, _, _) in total.items() if votes):
        votes, surfaces, titles = total[key]
        entry = lexicon.by_name.get(key)
        if entry:
            cls = entry.cls
        else:
            sums = {c: float(sum(Fraction(conf) * n for conf, n in counts.items()))
                    for c, counts in votes.items()}
            cls = max(sums.items(), key=lambda kv: (kv[1], specificity(kv[0]), kv[0]))[0]
        aliases = surfaces | set(entry.aliases if entry else ())
        aliases.discard(key)
        entities[key] = Entity(key, key, cls, aliases, entry.en or None if entry else None,
                               entry.wikidata or None if entry else None, set(titles))
    return entities


# -- stage 3: one named graph per document ------------------------------------------------------

def document_keys(doc: Document, lexicon) -> set[str]:
    """The entity keys a document's graph describes."""
    return {key_of(m, lexicon) for m in doc.mentions}


def graph_batch(items: list[tuple[Document | bytes, str]], entities: dict[str, Entity],
                options: BuildOptions) -> list[tuple[str, bytes, int]]:
    """Stage 3 (in a worker): each document's graph IRI, sorted N-Quads and number of relations."""
    docs = [land(item) for item, _ in items]
    graphs = _graphs(zip(docs, (digest for _, digest in items)), entities, options)
    return [(iri, data, len(doc.relations)) for doc, (iri, data) in zip(docs, graphs)]


def _graphs(items: Iterable[tuple[Document, str]], entities: dict[str, Entity], options: BuildOptions
            ) -> Iterator[tuple[str, bytes]]:
    """Each document's graph IRI and sorted N-Quads (``items``: documents and content hashes)."""
    lexicon = pipeline_for(options).lexicon
    described = configuration_of(options)
    for doc, digest in items:
        yield ids.document_iri(doc.id, options.base), document_nquads(
            doc, entities, lexicon, base=options.base, include_text=options.include_text,
            version=digest, configuration=described).encode("utf-8")


def configuration_of(options: BuildOptions) -> str | None:
    """What a graph's provenance records of a configuration other than the default (None for it)."""
    if options.config is None:
        return None
    return effective_config(options.ner_model, options.config).describe()


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
               progress: bool | None = None, keep_documents: bool = True
               ) -> tuple[Callable[[], list[Document]] | None, dict[str, Entity], Spooled, int]:
    """The three stages over documents held in memory: a function that gives the final documents
    (None unless ``keep_documents``), entities, the graph's N-Quads, the number of relations.

    Local runners keep every document in the worker that analysed it (``_run_kept``); on Dask
    the documents travel with every batch (``_run_passed``). Both give the same bytes.
    """
    if runner.stateful:
        return _run_kept(docs, runner, options, progress, keep_documents)
    documents, *rest = _run_passed(docs, runner, options, progress)
    return (documents if keep_documents else None, *rest)


def _analyze_kept(state: dict, docs: list[Document], options: BuildOptions) -> list[Names]:
    """Stage 1 on a worker that keeps the documents (and their content hashes) for the next stages."""
    state.setdefault("hashes", []).extend(content_hash(doc) for doc in docs)  # before analysis adds meta
    out = analyze_batch(docs, options)
    state.setdefault("docs", []).extend(doc for doc, _ in out)
    return [names for _, names in out]


def _relate_kept(state: dict, known: Names, options: BuildOptions) -> Contribution:
    """Stage 2 on the documents this worker keeps: what they all contribute."""
    return merge_contributions(contrib for _, contrib in relate_batch(state.get("docs", []), known, options))


def _graph_kept(state: dict, entities: dict[str, Entity], options: BuildOptions, packed: bool,
                folder: str, keep: bool) -> tuple[list[Part], int, list[Document] | Part | None]:
    """Stage 3 on the documents this worker keeps: their graphs go to the spool ``folder``.
    Where each graph is, the number of relations, and, if ``keep``, the documents (if
    ``packed``, pickled into the spool: where they are)."""
    docs = state.pop("docs", [])
    graphs = _graphs(zip(docs, state.pop("hashes", [])), entities, options)
    parts = spool(folder, ((_graph_key(iri), data) for iri, data in graphs))
    relations = sum(len(doc.relations) for doc in docs)
    if keep and packed:
        return parts, relations, spool(folder, [("documents", pickle.dumps(docs, pickle.HIGHEST_PROTOCOL))])[0]
    return parts, relations, docs if keep else None


def _graph_key(iri: str) -> str:
    """What orders graphs in the output: their N-Quads term."""
    return "<" + iri + ">"


def _run_kept(docs: list[Document], runner: Runner, options: BuildOptions, progress: bool | None,
              keep_documents: bool):
    lexicon = pipeline_for(options).lexicon
    n = runner.workers
    # a batch stays on the worker that took it for every stage: small batches share the work out
    size = max(1, min(BATCH, len(docs) // (32 * n)))
    names, owner = [], [[] for _ in range(n)]  # owner[i]: the positions of worker i's documents
    with progress_bar(progress, "analyze", len(docs)) as bar:
        for worker, found in runner.imap_keep(_analyze_kept, batched(docs, size), options):
            owner[worker].extend(range(len(names), len(names) + len(found)))
            names += found
            bar.update(len(found))
    gc.freeze()  # what the stage made lives to the end: the collector need not scan it again
    contributions = runner.broadcast(_relate_kept, [(merge_names(names), options)] * n)
    entities = merge_entities(contributions, lexicon)
    # worker 0 is this process: its documents need no pickling
    subsets = [(entity_subset([c.keys()], entities), options, i > 0) for i, c in enumerate(contributions)]
    del contributions
    with spool_folder() as folder:
        answers = runner.broadcast(_graph_kept, [subset + (folder, keep_documents) for subset in subsets])
        files = open_spool(folder)
    graph = Spooled(files, sorted(part for parts, _, _ in answers for part in parts))
    kept = [(positions, documents) for positions, (_, _, documents) in zip(owner, answers)]
    documents = partial(_gather, kept, files, len(docs)) if keep_documents else None
    return documents, entities, graph, sum(relations for _, relations, _ in answers)


def _gather(kept: list[tuple[list[int], list[Document] | Part]], files, count: int) -> list[Document]:
    """Every worker's documents back in input order (unpickled from the spool if they are there)."""
    out: list[Document] = [None] * count  # type: ignore[list-item]
    for positions, documents in kept:
        if isinstance(documents, Part):
            documents = pickle.loads(Spooled(files, [documents]).read())
        for position, doc in zip(positions, documents):
            out[position] = doc
    return out


def _run_passed(docs: list[Document], runner: Runner, options: BuildOptions, progress: bool | None):
    lexicon = pipeline_for(options).lexicon
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
    tasks = ((list(zip(docs_, hashes_)), entity_subset(contribs, entities)) for docs_, hashes_, contribs
             in zip(batched(final, BATCH), batched(hashes, BATCH), batched(contributions, BATCH)))
    relations = 0

    def graphs() -> Iterator[tuple[str, bytes]]:  # written to the spool as they arrive
        nonlocal relations
        for batch in runner.imap(graph_task, tasks, options):
            for iri, data, n in batch:
                relations += n
                yield _graph_key(iri), data

    with spool_folder() as folder:
        parts = spool(folder, graphs())
        graph = Spooled(open_spool(folder), sorted(parts))
    return partial(_landed, final), entities, graph, relations


def _landed(items: list[Document | bytes]) -> list[Document]:
    return [land(item) for item in items]


def graph_task(task: tuple, options: BuildOptions) -> list[tuple[str, bytes, int]]:
    """Stage 3 as a runner task: ``task`` is (documents with their content hashes, their entities)."""
    items, entities = task
    return graph_batch(items, entities, options)


@contextmanager
def _collector_tuned() -> Iterator[None]:
    """The cyclic garbage collector set for a build, and reset after. A build keeps most of what it
    makes, so the collector skips what finished stages made (``gc.freeze`` in :func:`run_stages`
    and in the runners: it took ~7% of a build) and looks at new objects in larger groups (fewer
    young collections: 0.55 -> 0.24 s of a 15 s build). Worker processes forked meanwhile inherit it."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


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
    with _collector_tuned(), open_runner(workers, dask) as runner:
        documents, entities, graph, relations = run_stages(docs, runner, options, progress=progress,
                                                           keep_documents=keep_documents)
    return BuildResult(documents, len(docs), entities, graph, list(skipped or []),
                       time.perf_counter() - started, relations)


def build(inputs: Iterable[str | Path], *, strict: bool = False, **options) -> BuildResult:
    """Read files, folders, JSONL corpora or ``-`` (stdin) and build one graph of them all."""
    skipped: list[Skipped] = []
    docs = list(read_documents(inputs, strict=strict, skipped=skipped))
    return build_documents(docs, skipped=skipped, **options)


def build_text(text: str, doc_id: str = "doc", **options) -> BuildResult:
    """Build the graph of one text given as a string."""
    return build_documents([Document(id=doc_id, text=text, source="<text>")], **options)
