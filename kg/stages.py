"""The build's stages as functions over batches of documents, and the merges between them.

A :mod:`kg.engine` runner calls them in this process, in worker processes or on Dask; each
depends only on its documents and on order-independent merges (see :mod:`kg.api` for the plan):

1. :func:`analyze_batch`: normalize, segment, propose, resolve in the document; the names each
   document establishes;
2. :func:`merge_names`, then :func:`relate_batch`: the corpus' names everywhere, then relations;
3. :func:`merge_entities`, then :func:`graph_batch`: entities across the corpus, one named graph
   per document.
"""
from __future__ import annotations

import hashlib
import json
import pickle
from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Iterable, Iterator

from kg import ids
from kg.config import effective_config
from kg.counts import Tally
from kg.lexicon import JOB_TITLE
from kg.ontology import specificity
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
    #: the pipeline configuration (``PipelineConfig.to_json``); None: the default one
    config: str | None = None



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
        if entry is not None and entry.cls == JOB_TITLE:  # a title is never an entity (董事 as a Person)
            entry = None
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
                options: BuildOptions) -> tuple[list[tuple[str, bytes]], Tally]:
    """Stage 3 (in a worker): each document's graph IRI and sorted N-Quads, and the batch's
    entities and relations (:class:`kg.counts.Tally`)."""
    tally = Tally()
    graphs = document_graphs(((land(item), digest) for item, digest in items), entities, options, tally)
    return list(graphs), tally


def document_graphs(items: Iterable[tuple[Document, str]], entities: dict[str, Entity], options: BuildOptions,
                    tally: Tally | None = None) -> Iterator[tuple[str, bytes]]:
    """Each document's graph IRI and sorted N-Quads (``items``: documents and content hashes);
    ``tally`` gets their entities and relations."""
    lexicon = pipeline_for(options).lexicon
    described = configuration_of(options)
    for doc, digest in items:
        yield ids.document_iri(doc.id, options.base), document_nquads(
            doc, entities, lexicon, base=options.base, include_text=options.include_text,
            version=digest, configuration=described, tally=tally).encode("utf-8")


@lru_cache(maxsize=8)
def configuration_of(options: BuildOptions) -> str:
    """What every graph's provenance records of the configuration (its extractors, settings,
    model file hashes and hash; :meth:`kg.config.PipelineConfig.describe`), once per process."""
    return effective_config(options.ner_model, options.config).describe()


def entity_subset(keys: Iterable[set[str]], entities: dict[str, Entity]) -> dict[str, Entity]:
    """The entities with the given keys (what a batch of documents needs: less to send to a worker)."""
    wanted = set().union(*keys)
    return {k: entities[k] for k in sorted(wanted) if k in entities}


def graph_task(task: tuple, options: BuildOptions) -> tuple[list[tuple[str, bytes]], Tally]:
    """Stage 3 as a runner task: ``task`` is (documents with their content hashes, their entities)."""
    items, entities = task
    return graph_batch(items, entities, options)
