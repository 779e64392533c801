"""Incremental builds into a store: add new documents, replace changed ones, remove old ones.

A corpus lives in an ``oxigraph:DIR`` store, one named graph per document. Next to the graphs,
``DIR/zhkg-corpus.sqlite`` keeps one record per document: its content hash, the names it
establishes, what it tells the entity resolver, and its analysed form. With those records an
update touches only what changed, and still leaves **the same graph as a fresh build** of the
same documents:

1. new and changed documents (by content hash, ``kg.api.content_hash``) are analysed, in chunks
   (memory follows the chunk, not the corpus); unchanged ones are skipped;
2. the corpus' known names are merged again; a document already in the store whose text holds
   a name whose reading changed is analysed again (aliases learned elsewhere reach it);
3. entities are resolved again from every record (cheap: no text involved); every document that
   mentions an entity whose class, aliases or titles changed gets its graph rewritten;
4. removed documents lose their graph; an entity no document mentions any more disappears
   with it, since entity descriptions live in the graphs of the documents that mention them.

The content hash is stored on each Article as ``dcterms:hasVersion "sha256:<hex>"`` (no new
``zkg:`` term): the SHA-256 of the document's text and input metadata.
"""
from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from kg import api
from kg.errors import KGError, StoreError
from kg.io import Skipped, read_documents
from kg.parallel import Runner, batched
from kg.rdfio import StoreSpec
from kg.records import STATE_FILE, CorpusState, Spill  # noqa: F401 (STATE_FILE: public here)
from kg.types import Document

#: documents analysed per chunk: memory grows with this, not with the corpus
CHUNK = 256


@dataclass
class UpdateReport:
    """What an update did, and the corpus it left."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    relinked: int = 0
    rewritten: int = 0
    documents: int = 0
    entities: int = 0
    relations: int = 0
    quads: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    #: warnings about what was read (two inputs with the same document id)
    notes: list[str] = field(default_factory=list)
    #: False when inputs were given and none of them gave a document (the store is not touched)
    read: bool = True
    seconds: float = 0.0


def _source(doc: Document) -> dict:
    """The document as read (analysis adds metadata to ``doc.meta``; keep the original)."""
    return {"id": doc.id, "text": doc.text, "source": doc.source, "meta": dict(doc.meta)}


def _document(source: dict) -> Document:
    return Document(id=source["id"], text=source["text"], source=source["source"], meta=dict(source["meta"]))


class CorpusBuild:
    """One update of a store's corpus (see the module docstring for the steps)."""

    def __init__(self, store, runner: Runner, options: api.BuildOptions, progress: bool | None) -> None:
        from kg.store import OxigraphStore

        if not isinstance(store, OxigraphStore) or store.path is None:
            raise StoreError("incremental builds need a store on disk: --store oxigraph:DIR")
        self.store, self.runner, self.options, self.progress = store, runner, options, progress
        self.state = CorpusState(store.path / STATE_FILE)
        self.state.check_options(options)
        self.lexicon = api.pipeline_for(options).lexicon
        self.spill = Spill()
        self.report = UpdateReport()
        self.old_hashes = self.state.hashes()
        # an update that did not finish leaves the flag set: the next one rewrites every graph
        self.repair = self.state.get_meta("dirty") == "1"
        self._check_store()
        self.state.set_meta("dirty", "1")

    def _check_store(self) -> None:
        stored = set(self.store.graphs())
        self.orphans = sorted(stored - set(self.old_hashes))
        if self.orphans and not self.repair:
            raise StoreError(f"{len(self.orphans)} document graph(s) in {self.store.spec} were not built by "
                             f"`kg build --store` (e.g. <{self.orphans[0]}>)",
                             hint="remove them, or build the corpus into a new store")
        # a graph dropped behind our back (kg remove on an old version): forget its record;
        # when repairing, the records are the truth and every graph is written again
        self.gone = set() if self.repair else set(self.old_hashes) - stored

    # -- step 1
    def add_inputs(self, docs: Iterable[Document]) -> None:
        """Analyse new and changed documents in chunks; skip the unchanged ones."""
        with api.progress_bar(self.progress, "analyze") as bar:
            for chunk in batched(api.unique_ids(docs), CHUNK):
                todo = []
                for doc in chunk:
                    iri, digest = self.iri(doc), api.content_hash(doc)
                    if self.old_hashes.get(iri) == digest and iri not in self.gone:
                        self.report.unchanged += 1
                    else:
                        if iri in self.old_hashes:
                            self.report.changed += 1
                        elif iri not in self.spill:
                            self.report.added += 1
                        todo.append((doc, digest))
                self._analyze(todo)
                bar.update(len(chunk))

    def iri(self, doc: Document) -> str:
        from kg import ids

        return ids.document_iri(doc.id, self.options.base)

    def _analyze(self, todo: list[tuple[Document, str]]) -> None:
        sources = [(self.iri(d), h, _source(d)) for d, h in todo]
        results = self.runner.imap(api.analyze_batch, batched([d for d, _ in todo], api.BATCH),
                                   self.options)
        flat = (r for batch in results for r in batch)
        for (iri, digest, source), (doc, names) in zip(sources, flat):
            self.spill.add(iri, digest, source, doc, names)

    # -- step 2
    def relink(self, removed: set[str]) -> None:
        """Merge the names again; analyse again the stored documents a changed name reaches."""
        old_names = dict(self.state.column("names"))
        before = api.merge_names(old_names[i] for i in sorted(old_names))
        current = {i: n for i, n in old_names.items() if i not in removed and i not in self.spill}
        current.update(self.spill.names)
        self.known = api.merge_names(current[i] for i in sorted(current))
        delta = sorted(n for n in set(before) | set(self.known) if before.get(n) != self.known.get(n))
        if not delta:
            return
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for name in delta:
            automaton.add_word(name, name)
        automaton.make_automaton()
        stale = []
        for iri, doc in self.state.column("final"):
            if iri in current and iri not in self.spill and next(automaton.iter(doc.norm), None):
                stale.append(iri)
        for chunk in batched(stale, CHUNK):
            rows = dict(self.state.column("source", chunk))
            hashes = self.old_hashes
            self._analyze([(_document(rows[i]), hashes[i]) for i in chunk])
        self.report.relinked = len(stale)

    # -- step 3
    def finish(self, removed: set[str]) -> None:
        """Relate the analysed documents, resolve entities, rewrite the graphs that changed."""
        # contributions stream from the records: only the entity totals stay in memory
        before = api.merge_entities((c for _, c in self.state.column("contrib")), self.lexicon)
        known = self.runner.share(self.known)
        for chunk in batched(self.spill.items(), CHUNK):  # one chunk in memory at a time
            items = [p[4] for p in chunk]
            flat = (r for b in self.runner.imap(api.relate_batch, batched(items, api.BATCH), known,
                                                self.options) for r in b)
            for (iri, digest, source, names, _), (doc, contrib) in zip(chunk, flat):
                self.state.put(iri, doc, digest, source, names, contrib)
        for iri in removed:
            self.state.delete(iri)
        entities = api.merge_entities((c for _, c in self.state.column("contrib")), self.lexicon)
        changed = {k for k in set(before) | set(entities) if before.get(k) != entities.get(k)}
        rewrite = set(self.spill.names) | {i for i, c in self.state.column("contrib")
                                           if self.repair or changed & c.keys()}
        self.state.commit()  # the records first: an interrupted write is repaired from them
        self._write(sorted(rewrite), entities)
        self.store.remove_graphs(sorted(removed | set(self.orphans)))
        self.store.flush()
        self.state.set_meta("dirty", "0")

    def _write(self, iris: list[str], entities) -> None:
        hashes = self.state.hashes()
        with api.progress_bar(self.progress, "write", len(iris)) as bar:
            for chunk in batched(iris, CHUNK):
                docs = [d for _, d in self.state.column("final", chunk)]
                tasks = ((b, api.entity_subset((api.document_keys(d, self.lexicon) for d, _ in b), entities))
                         for b in batched([(d, hashes[self.iri(d)]) for d in docs], api.BATCH))
                for batch, _ in self.runner.imap(api.graph_task, tasks, self.options):
                    # the one write path of every store: graphs replaced, the default graph their merge
                    self.store.write_graphs(b"".join(data for _, data in batch), [iri for iri, _ in batch])
                    bar.update(len(batch))
                # without a flush, Oxigraph keeps every write in memory (measured: +750 MB per 10^6 quads)
                self.store.flush()
        self.report.rewritten = len(iris)

    def close(self) -> None:
        self.state.commit()
        self.report.documents = self.state.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        self.report.entities, self.report.relations = _counts(self.store)
        self.report.quads = sum(self.store.graph_sizes().values())  # the document graphs' quads
        self.spill.close()
        self.state.close()


def _counts(store) -> tuple[int, int]:
    """Entities and distinct relation triples in the store's default graph (the merge): what
    kg build, kg viz and kg stats all report (kg.counts.ENTITIES_QUERY, RELATIONS_QUERY)."""
    from kg.counts import ENTITIES_QUERY, RELATIONS_QUERY

    def count(query: str) -> int:
        rows = store.query(query).rows
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0
    return count(ENTITIES_QUERY), count(RELATIONS_QUERY)


def update(store_spec: str, inputs: Iterable[str | Path] = (), *, remove: Iterable[str] = (),
           runner: Runner | None = None, options: api.BuildOptions | None = None,
           strict: bool = False, progress: bool | None = False) -> UpdateReport:
    """Add, replace and remove documents of the corpus in ``store_spec`` (``oxigraph:DIR``).

    ``remove`` takes document ids or graph IRIs. The store ends up holding the same graph a
    fresh build of its documents would give.
    """
    from kg.parallel import SerialRunner
    from kg.store import open_store

    started = time.perf_counter()
    options = options or api.BuildOptions()
    runner = runner or SerialRunner()
    inputs, remove = list(inputs), list(remove)
    skipped: list[Skipped] = []
    notes: list[str] = []
    docs = read_documents(inputs, strict=strict, skipped=skipped, notes=notes)
    first = next(docs, None)
    if inputs and first is None and not remove:  # nothing to do: the store is not even opened
        return UpdateReport(skipped=skipped, notes=notes, read=False, seconds=time.perf_counter() - started)
    docs = itertools.chain([first] if first is not None else [], docs)
    with open_store(store_spec, create=True) as store:
        build = CorpusBuild(store, runner, options, progress)
        try:
            removed = {_graph_of(store, r, options.base) for r in remove} | build.gone
            build.add_inputs(docs)
            removed -= set(build.spill.names)
            build.report.removed = len(removed & set(build.old_hashes))
            build.relink(removed)
            build.finish(removed)
        finally:
            build.close()
    build.report.skipped = skipped
    build.report.notes = notes
    build.report.seconds = time.perf_counter() - started
    return build.report


def _graph_of(store, doc_id: str, base: str) -> str:
    from kg import ids

    if doc_id.startswith(("http://", "https://", "urn:")):
        iri = doc_id
    else:
        iri = store.find_document(doc_id, base) or ids.document_iri(doc_id, base)  # the one graph IRI
    if iri not in set(store.graphs()):
        raise KGError(f"no document {doc_id!r} in {store.spec}")
    return iri


def is_corpus(store_spec: str) -> bool:
    """True when ``oxigraph:DIR`` holds a corpus built by ``kg build --store``."""
    directory = StoreSpec.parse(store_spec).directory if store_spec.startswith("oxigraph:") else None
    return directory is not None and (directory / STATE_FILE).is_file()


def remove_documents(store_spec: str, doc_ids: Iterable[str], base: str | None = None) -> list[str]:
    """Remove documents from a corpus store, rewriting the graphs that shared their entities.

    Returns one line per removed document, for the command line.
    """
    from kg.ids import DEFAULT_BASE
    from kg.store import open_store

    state = CorpusState(StoreSpec.parse(store_spec).directory / STATE_FILE)
    row = state.db.execute("SELECT value FROM meta WHERE key = 'options'").fetchone()
    state.close()
    options = api.BuildOptions(**json.loads(row[0])) if row else api.BuildOptions(base or DEFAULT_BASE)
    with open_store(store_spec) as store:
        targets = [(d, _graph_of(store, d, options.base)) for d in doc_ids]
        sizes = store.graph_sizes()
        counts = {iri: sizes.get(iri, 0) for _, iri in targets}
    report = update(store_spec, remove=[iri for _, iri in targets], options=options)
    return [f"removed {d}: graph <{iri}>, {counts[iri]} quads" for d, iri in targets] + \
        [f"{report.rewritten} graph(s) rewritten; now {report.documents} documents, "
         f"{report.entities} entities, {report.quads} triples"]

