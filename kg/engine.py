"""The engine: runs the stages of :mod:`kg.stages` over a corpus with a :mod:`kg.parallel` runner.

Local runners keep each document in the worker that analysed it for all three stages
(``_run_kept``); on Dask the documents travel with every batch (``_run_passed``). The runner
decides where a stage runs, never what it does: both give the same bytes. The graphs' N-Quads go
to spool files (:mod:`kg.spool`).
"""
from __future__ import annotations

import gc
import pickle
import sys
from contextlib import contextmanager
from functools import partial
from typing import Callable, Iterable, Iterator

from kg.counts import Tally
from kg.parallel import Runner, batched
from kg.spool import Part, Spooled, open_spool, spool, spool_folder
from kg.stages import (BATCH, BuildOptions, Contribution, Names, analyze_batch, content_hash,
                       document_graphs, entity_subset, graph_task, land, merge_contributions,
                       merge_entities, merge_names, pipeline_for, relate_batch)
from kg.types import Document, Entity


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
               ) -> tuple[Callable[[], list[Document]] | None, dict[str, Entity], Spooled, Tally]:
    """The three stages over documents held in memory: a function that gives the final documents
    (None unless ``keep_documents``), entities, the graph's N-Quads, its entities and relations.

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
                folder: str, keep: bool) -> tuple[list[Part], Tally, list[Document] | Part | None]:
    """Stage 3 on the documents this worker keeps: their graphs go to the spool ``folder``.
    Where each graph is, their entities and relations, and, if ``keep``, the documents (if
    ``packed``, pickled into the spool: where they are)."""
    docs, tally = state.pop("docs", []), Tally()
    graphs = document_graphs(zip(docs, state.pop("hashes", [])), entities, options, tally)
    parts = spool(folder, ((_graph_key(iri), data) for iri, data in graphs))
    if keep and packed:
        return parts, tally, spool(folder, [("documents", pickle.dumps(docs, pickle.HIGHEST_PROTOCOL))])[0]
    return parts, tally, docs if keep else None


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
    return documents, entities, graph, Tally().update_all(tally for _, tally, _ in answers)


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
    tally = Tally()

    def graphs() -> Iterator[tuple[str, bytes]]:  # written to the spool as they arrive
        for batch, counted in runner.imap(graph_task, tasks, options):
            tally.update(counted)
            for iri, data in batch:
                yield _graph_key(iri), data

    with spool_folder() as folder:
        parts = spool(folder, graphs())
        graph = Spooled(open_spool(folder), sorted(parts))
    return partial(_landed, final), entities, graph, tally


def _landed(items: list[Document | bytes]) -> list[Document]:
    return [land(item) for item in items]


@contextmanager
def collector_tuned() -> Iterator[None]:
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
