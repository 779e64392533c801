"""The trained relation model: a multinomial logistic regression over pair features, stored as JSON.

A class is ``NONE`` or a property with its direction: ``acquires>`` (the first mention of the
pair acquires the second) or ``acquires<`` (the second acquires the first); the symmetric
``cooperatesWith`` has only ``>``. The file holds the classes, the bias, one weight row per feature, the threshold chosen on
news-dev and its metadata (training data, settings, feature-set version, held-out scores and a
content hash of the weights). Loading needs only numpy; nothing is unpickled.
"""
from __future__ import annotations

import hashlib
import json
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from kg.errors import InputError
from kg.ontology import RELATIONS, fits
from kg.relmodel.features import FEATURE_VERSION, SentencePairs
from kg.types import Document, Relation

NAME = "relation-model@1"
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "rel-finre-duie.json"
NONE = "NONE"


def weights_hash(classes: list[str], bias: list[float], weights: dict[str, list[float]]) -> str:
    """sha256 of the model's numbers in a canonical JSON form (what ``meta.sha256`` records)."""
    blob = json.dumps([classes, bias, weights], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class RelationModel:
    """Scores candidate pairs; ``predict`` gives the relations above the threshold."""

    def __init__(self, data: dict, source: str = "") -> None:
        if data.get("feature_version") != FEATURE_VERSION:
            raise InputError(f"{source}: relation model has feature set {data.get('feature_version')}, "
                             f"this version reads {FEATURE_VERSION}", hint="retrain it with `kg train-rel`")
        self.classes: list[str] = data["classes"]
        self.meta: dict = data.get("meta", {})
        self.threshold: float = float(data.get("threshold", 0.5))
        names = sorted(data["weights"])
        self.index = {n: i for i, n in enumerate(names)}
        self.W = np.array([data["weights"][n] for n in names] or np.zeros((0, len(self.classes))),
                          dtype=np.float64).reshape(len(names), len(self.classes))
        self.bias = np.array(data["bias"], dtype=np.float64)
        #: the weight rows and one row of zeros, where features the model does not know point
        self._rows = np.vstack([self.W, np.zeros((1, len(self.classes)))])
        self._unknown = repeat(len(names))
        self._relation_classes = [k for k, c in enumerate(self.classes) if c != NONE]
        self._fitting: dict[tuple[str, str], list[tuple[int, str, bool]]] = {}

    def fitting(self, first_cls: str, second_cls: str) -> list[tuple[int, str, bool]]:
        """(class index, property, forward) of the model's classes whose property allows the pair's
        classes in the class's direction (forward: the first mention is the subject)."""
        key = (first_cls, second_cls)
        known = self._fitting.get(key)
        if known is None:
            known = self._fitting[key] = []
            for k, c in enumerate(self.classes):
                if c == NONE:
                    continue
                prop, forward = direction(c)
                if fits_pair(prop, first_cls, second_cls) if forward else fits_pair(prop, second_cls, first_cls):
                    known.append((k, prop, forward))
        return known

    def rows(self, features: list[list[str]]) -> list[list[int]]:
        """The weight rows of lists of feature strings (a feature the model does not know: a row of zeros)."""
        get, unknown = self.index.get, self._unknown
        return [list(map(get, feats or [""], unknown)) for feats in features]

    def probabilities(self, features: list[list[str]]) -> np.ndarray:
        """Class probabilities (rows) for lists of feature strings."""
        return self.row_probabilities(self.rows(features))

    def row_probabilities(self, rows: list[list[int]]) -> np.ndarray:
        """Class probabilities for (non-empty) lists of weight rows: the rows' sums (one ``reduceat``)
        plus the bias."""
        if not rows:
            return np.zeros((0, len(self.classes)))
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        logits = np.add.reduceat(self._rows[flat], offsets, axis=0) + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, doc: Document, threshold: float | None = None) -> list[Relation]:
        """Relations of one document: the best fitting property (and direction) of each candidate
        pair, if likely enough."""
        threshold = self.threshold if threshold is None else threshold
        cands, rows, get, unknown = [], [], self.index.get, self._unknown
        for sentence in doc.sentences:
            sp = SentencePairs(doc, sentence)
            ms = sp.ms
            for i, j in sp.pairs:
                fitting = self.fitting(ms[i].cls, ms[j].cls)
                if fitting:  # else no property of the model allows these classes: nothing to score
                    cands.append((ms[i], ms[j], sentence, fitting))
                    rows.append(list(map(get, sp.features(i, j), unknown)))
        if not cands or not self._relation_classes:
            return []
        probs = self.row_probabilities(rows)
        out = []
        likely = probs[:, self._relation_classes].max(axis=1) >= threshold  # some class is likely enough
        for n in np.flatnonzero(likely).tolist():
            (a, b, sentence, fitting), row = cands[n], probs[n]
            best, p = None, threshold
            for k, prop, forward in fitting:
                if row[k] >= p:
                    best, p = (prop, forward), row[k]
            if best is not None:
                s, o = (a, b) if best[1] else (b, a)
                out.append(Relation(s, best[0], o, sentence, NAME, round(float(p), 3)))
        return out


def direction(cls: str) -> tuple[str, bool]:
    """``acquires>`` -> ("acquires", True): the property and whether the first mention is the subject."""
    return cls[:-1], cls.endswith(">")


def label(prop: str, forward: bool) -> str:
    """The class of a property in one direction (``cooperatesWith`` is symmetric: always ``>``)."""
    return prop + (">" if forward or prop in SYMMETRIC else "<")


#: Properties whose direction does not matter (one class, ``>``).
SYMMETRIC = frozenset({"cooperatesWith"})


def fits_pair(prop: str, s_cls: str, o_cls: str) -> bool:
    """True when the property's domain and range allow these two classes."""
    dom, rng = RELATIONS[prop]
    return fits(s_cls, dom) and fits(o_cls, rng)


def load(path: str | Path | None = None) -> RelationModel:
    """Read a model file (the packaged one by default)."""
    path = Path(path) if path is not None else DEFAULT_MODEL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such relation model", hint="train one with `kg train-rel`") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a relation model ({e})", hint="train one with `kg train-rel`") from None
    return RelationModel(data, str(path))


def propose(doc: Document, res) -> list[Relation]:
    """The relation-model@1 extractor: the packaged (or configured) model's relations."""
    model = res.memo.get(NAME)
    if model is None:
        model = res.memo[NAME] = load(res.options.get("relation_model"))
    return model.predict(doc, res.options.get("relation_threshold"))
