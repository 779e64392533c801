"""The trained relation model: a multinomial logistic regression over pair features, stored as JSON.

The file holds the classes, the bias, one weight row per feature, the threshold chosen on
news-dev and its metadata (training data, settings, feature-set version, held-out scores and a
content hash of the weights). Loading needs only numpy; nothing is unpickled.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from kg.errors import InputError
from kg.ontology import RELATIONS, fits
from kg.relmodel.features import FEATURE_VERSION, candidates, pair_features
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
        self._fitting: dict[tuple[str, str], bool] = {}

    def _may_relate(self, s_cls: str, o_cls: str) -> bool:
        key = (s_cls, o_cls)
        known = self._fitting.get(key)
        if known is None:
            known = self._fitting[key] = any(c != NONE and fits_pair(c, s_cls, o_cls) for c in self.classes)
        return known

    def probabilities(self, features: list[list[str]]) -> np.ndarray:
        """Class probabilities (rows) for lists of feature strings."""
        logits = np.tile(self.bias, (len(features), 1))
        for row, feats in enumerate(features):
            idx = [self.index[f] for f in feats if f in self.index]
            if idx:
                logits[row] += self.W[idx].sum(axis=0)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, doc: Document, threshold: float | None = None) -> list[Relation]:
        """Relations of one document: the best fitting property of each candidate pair, if likely enough."""
        threshold = self.threshold if threshold is None else threshold
        cands, feats, cache = [], [], {}
        for sentence in doc.sentences:
            for s, o, inner in candidates(doc, sentence):
                if not self._may_relate(s.cls, o.cls):
                    continue  # no property of the model allows these classes: nothing to score
                cands.append((s, o, sentence))
                feats.append(pair_features(doc, s, o, inner, cache))
        if not cands:
            return []
        probs = self.probabilities(feats)
        out = []
        for (s, o, sentence), row in zip(cands, probs):
            best, p = None, threshold
            for k, c in enumerate(self.classes):
                if c != NONE and row[k] >= p and fits_pair(c, s.cls, o.cls):
                    best, p = c, row[k]
            if best is not None:
                out.append(Relation(s, best, o, sentence, NAME, round(float(p), 3)))
        return out


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
