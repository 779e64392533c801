"""A trainable character-level named-entity recognizer (BIO tags, linear-chain CRF).

Training data is CLUENER-style JSONL (``{"text": ..., "label": {type: {entity: [[start,
end_inclusive], ...]}}}``). CLUENER labels are mapped to zhkg classes (:data:`CLUENER_CLASSES`);
labels that already are zhkg class names are kept; any other label is still learned (it helps
the model tell a job title from a name) but never proposed as a mention.

A model is one file: a short header with JSON metadata followed by the python-crfsuite model
bytes. :func:`load` only checks the header; the CRF itself is opened on the first prediction.
"""
from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from kg.errors import InputError
from kg.nerfeats import FEATURE_VERSION, char_features, sentence_features
from kg.normalize import normalize
from kg.ontology import ENTITY_CLASSES

__all__ = [
    "CLUENER_CLASSES", "NerModel", "Span", "char_features", "load", "load_examples",
    "predict", "read_cluener", "sentence_features", "split_examples", "to_bio", "train",
]

MAGIC = b"ZKGCRF1\n"

#: CLUENER label -> zhkg class (the most general class the CLUENER guideline allows).
CLUENER_CLASSES: dict[str, str] = {
    "company": "Company",
    "government": "GovernmentAgency",
    "organization": "Organization",
    "name": "Person",
    "address": "Place",
}

@dataclass(frozen=True)
class Span:
    """A labelled span ``[start, end)`` with its zhkg class (or raw label) and a confidence."""

    start: int
    end: int
    label: str
    confidence: float = 1.0


@dataclass
class Example:
    """One training sentence with its gold spans (end exclusive)."""

    text: str
    spans: list[Span] = field(default_factory=list)


def map_label(label: str) -> str:
    """The tag a dataset label trains as: a zhkg class when one fits, else the label itself."""
    if label in ENTITY_CLASSES:
        return label
    return CLUENER_CLASSES.get(label.lower(), label)


def read_cluener(path: str | Path) -> Iterator[dict]:
    """Yield the JSON records of a CLUENER-style JSONL file (one clear error on a bad line)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(f"{path}:{n}: expected an object with a 'text' string")
            yield record


def record_spans(record: dict) -> list[Span]:
    """The gold spans of a CLUENER record, end exclusive, with raw labels."""
    spans = []
    for label, entities in (record.get("label") or {}).items():
        for _entity, offsets in (entities or {}).items():
            for start, end in offsets:
                spans.append(Span(int(start), int(end) + 1, label))
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))


def load_examples(path: str | Path, limit: int | None = None) -> list[Example]:
    """Read CLUENER-style training data into examples with mapped labels."""
    examples, labelled = [], False
    for record in read_cluener(path):
        labelled = labelled or "label" in record
        spans = [Span(s.start, s.end, map_label(s.label)) for s in record_spans(record)]
        examples.append(Example(record["text"], spans))
        if limit is not None and len(examples) >= limit:
            break
    if examples and not labelled:
        raise InputError(f"{path}: no line has a \"label\" object (texts without annotations cannot train a recognizer)",
                         hint='give CLUENER-style JSONL: {"text": ..., "label": {type: {entity: [[start, end]]}}}')
    return examples


def split_examples(examples: Sequence, ratio: float = 0.8, seed: int = 13) -> tuple[list, list]:
    """Shuffle indices with ``seed`` and split into (train, held-out); the order is stable."""
    if not 0.0 < ratio <= 1.0:
        raise InputError(f"split ratio must be in (0, 1], got {ratio}")
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    cut = int(round(len(order) * ratio))
    train_idx, test_idx = sorted(order[:cut]), sorted(order[cut:])
    return [examples[i] for i in train_idx], [examples[i] for i in test_idx]


def to_bio(text: str, spans: Iterable[Span]) -> list[str]:
    """BIO tags for ``text``; overlapping spans keep the first (longest at equal start)."""
    tags = ["O"] * len(text)
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start < 0 or span.end > len(text) or span.start >= span.end:
            continue
        if any(t != "O" for t in tags[span.start:span.end]):
            continue
        tags[span.start] = "B-" + span.label
        for i in range(span.start + 1, span.end):
            tags[i] = "I-" + span.label
    return tags


def from_bio(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, label)`` from BIO tags; a stray I- starts a new span."""
    spans, start, label = [], None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if tag.startswith("I-") and start is not None and tag[2:] == label:
            continue
        if start is not None:
            spans.append((start, i, label))
            start, label = None, None
        if tag[:2] in ("B-", "I-") and i < len(tags):
            start, label = i, tag[2:]
    return spans


def train(
    examples: Sequence[Example], out: str | Path, *, max_iterations: int = 150,
    c1: float = 0.1, c2: float = 0.05, min_freq: int = 1, verbose: bool = False,
) -> dict:
    """Train a CRF on ``examples`` and write the single-file model to ``out``; return its metadata."""
    import pycrfsuite

    if not examples:
        raise InputError("no training examples")
    if not any(ex.spans for ex in examples):
        raise InputError("the training examples have no labelled entities",
                         hint='give CLUENER-style JSONL with a "label" object per line')
    trainer = pycrfsuite.Trainer(verbose=verbose)
    labels: set[str] = set()
    for ex in examples:
        text = normalize(ex.text)
        tags = to_bio(text, ex.spans)
        labels.update(t[2:] for t in tags if t != "O")
        if text:
            trainer.append(sentence_features(text), tags)
    trainer.set_params({
        "c1": c1, "c2": c2, "max_iterations": max_iterations,
        "feature.possible_transitions": True, "feature.minfreq": min_freq,
    })
    meta = {
        "format": "zhkg-crf", "feature_version": FEATURE_VERSION, "labels": sorted(labels),
        "classes": sorted(l for l in labels if l in ENTITY_CLASSES), "examples": len(examples),
        "params": {"c1": c1, "c2": c2, "max_iterations": max_iterations, "min_freq": min_freq},
        "version": f"{FEATURE_VERSION}.{max_iterations}",
    }
    with tempfile.TemporaryDirectory() as tmp:
        crf_path = Path(tmp) / "model.crfsuite"
        trainer.train(str(crf_path))
        payload = crf_path.read_bytes()
    header = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(out.name + ".part")
    tmp_out.write_bytes(MAGIC + len(header).to_bytes(4, "big") + header + payload)
    tmp_out.replace(out)
    return meta


class NerModel:
    """A trained model file; the CRF is opened on first use."""

    def __init__(self, path: str | Path, meta: dict) -> None:
        self.path = Path(path)
        self.meta = meta
        self._tagger = None
        self._buffer = b""

    def __repr__(self) -> str:
        return f"NerModel({str(self.path)!r}, classes={self.classes})"

    @property
    def classes(self) -> list[str]:
        """The zhkg classes this model proposes."""
        return list(self.meta.get("classes", []))

    def _open(self):
        if self._tagger is None:
            import pycrfsuite

            data = self.path.read_bytes()
            offset = len(MAGIC) + 4 + int.from_bytes(data[len(MAGIC):len(MAGIC) + 4], "big")
            # crfsuite reads the buffer in place: keep it alive as long as the tagger
            self._buffer = data[offset:]
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self._buffer)
            self._tagger = tagger
        return self._tagger

    def predict(self, text: str, tokens: Sequence[tuple[int, int]] | None = None,
                *, all_labels: bool = False) -> list[Span]:
        """Spans found in ``text`` with a confidence from the CRF marginals.

        Only zhkg classes are returned unless ``all_labels``; offsets index ``text``.
        """
        if not text:
            return []
        tagger = self._open()
        norm = normalize(text)
        tags = tagger.tag(sentence_features(norm, tokens))
        spans = []
        for start, end, label in from_bio(tags):
            if not all_labels and label not in ENTITY_CLASSES:
                continue
            probs = [tagger.marginal(tags[i], i) for i in range(start, end)]
            spans.append(Span(start, end, label, round(min(probs), 4)))
        return spans


def load(path: str | Path) -> NerModel:
    """Check a model file's header and return a lazily opened :class:`NerModel`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such NER model: {path}")
    with path.open("rb") as fh:
        head = fh.read(len(MAGIC) + 4)
        if len(head) < len(MAGIC) + 4 or head[:len(MAGIC)] != MAGIC:
            raise InputError(f"not a zhkg NER model: {path}", hint="train one with `kg train-ner`")
        size = int.from_bytes(head[len(MAGIC):], "big")
        try:
            meta = json.loads(fh.read(size).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(f"corrupt NER model header: {path}") from None
    if meta.get("feature_version") != FEATURE_VERSION:
        raise InputError(f"NER model {path} uses feature version {meta.get('feature_version')}, "
                         f"this zhkg reads {FEATURE_VERSION}", hint="retrain it with `kg train-ner`")
    return NerModel(path, meta)


def predict(model: NerModel | str | Path, text: str) -> list[Span]:
    """Convenience: the zhkg-class spans ``model`` finds in ``text``."""
    if not isinstance(model, NerModel):
        model = load(model)
    return model.predict(text)
