"""Training the relation model (`kg train-rel`): FinRE and DuIE mapped to zhkg properties, plus the
relations the precise rules find with high confidence on the same sentences (self-training).

Deterministic: sentences are read in file order, split by a seeded shuffle, features are sorted,
and scikit-learn's lbfgs logistic regression has a fixed ``random_state``.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from kg.errors import InputError
from kg.evaluate.datasets import finre_rows
from kg.relmodel.features import END_CLASSES, FEATURE_VERSION, candidates, pair_features
from kg.relmodel.model import NONE, fits_pair, label, weights_hash
from kg.types import Document, Mention

#: FinRE label -> zhkg property (the ordered pair head -> tail); 被… labels are the reverse direction.
FINRE_MAP = {"合作": "cooperatesWith", "签约": "cooperatesWith", "合资": "cooperatesWith",
             "收购": "acquires", "拟收购": "acquires", "注资": "invests", "入股": "invests",
             "增持": "invests", "持股": "invests", "买资": "invests", "成立": "establishes"}
#: DuIE predicate -> (property, whether the DuIE object is our subject).
DUIE_MAP = {"董事长": ("worksFor", True), "创始人": ("worksFor", True), "校长": ("worksFor", True),
            "总部地点": ("locatedIn", False)}
#: DuIE records are used only when they hold one of these (organizations, not films or songs).
DUIE_KEEP = set(DUIE_MAP) | {"成立日期", "注册资本", "简称", "代言人", "出品公司"}
#: Rule relations taken as training labels (the penalty facts are left to their own rules).
SELF_TRAIN = {"develops", "usesTechnology", "subOrganizationOf", "subsidiaryOf", "worksFor", "establishes",
              "cooperatesWith", "invests", "acquires", "serves", "locatedIn", "memberOf", "certifiedBy"}
SELF_TRAIN_CONFIDENCE = 0.75
SETTINGS = {"C": 0.5, "max_iter": 300, "solver": "lbfgs", "random_state": 0, "min_count": 2,
            "prune": 0.04, "split": 0.8, "seed": 13}


def read_finre_groups(path: Path) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """FinRE sentences in file order, each with its (head, tail, label) lines."""
    groups: dict[str, list] = {}
    for head, tail, rel, text in finre_rows(path):
        groups.setdefault(text, []).append((head, tail, rel))
    return list(groups.items())


def split_sentences(items: list, split: float, seed: int) -> tuple[list, list]:
    """A seeded shuffle of ``items`` cut at ``split`` (the same cut `kg eval --split` scores)."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    cut = int(len(order) * split)
    keep = set(order[:cut])
    return [x for i, x in enumerate(items) if i in keep], [x for i, x in enumerate(items) if i not in keep]


def read_duie(path: Path) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """DuIE records about organizations, as (text, [(subject, object, label)]) in our direction."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            spos = rec.get("spo_list") or []
            if not any(s.get("predicate") in DUIE_KEEP for s in spos):
                continue
            triples = []
            for spo in spos:
                obj = spo.get("object") or {}
                obj = obj.get("@value", "") if isinstance(obj, dict) else str(obj)
                prop, flip = DUIE_MAP.get(spo.get("predicate"), (None, False))
                if prop:
                    s, o = (obj, spo.get("subject", "")) if flip else (spo.get("subject", ""), obj)
                    triples.append((s, o, prop))
            out.append((rec.get("text", ""), triples))
    return out


_GUESS = (("银行", "FinancialInstitution"), ("证券", "FinancialInstitution"), ("保险", "FinancialInstitution"),
          ("基金", "FinancialInstitution"), ("信托", "FinancialInstitution"), ("人寿", "FinancialInstitution"),
          ("公司", "Company"), ("集团", "Company"), ("科技", "Company"), ("大学", "ResearchInstitute"),
          ("学院", "ResearchInstitute"), ("研究院", "ResearchInstitute"))


def _end(doc: Document, name: str, label_cls: str) -> Mention | None:
    """The mention of a gold end: the pipeline's when it found the name, else one made for it."""
    i = doc.norm.find(name)
    if not name or i < 0:
        return None
    for m in doc.mentions:
        if m.start == i and m.end == i + len(name):
            return m
    cls = next((c for suffix, c in _GUESS if name.endswith(suffix)), label_cls)
    return Mention(i, i + len(name), doc.text[i:i + len(name)], cls, "gold", 1.0)


def _inner(doc: Document, a: Mention, b: Mention) -> list[Mention]:
    """The mentions between two (the ones a candidate pair would see: classes that may be an end)."""
    lo, hi = (a, b) if a.start < b.start else (b, a)
    return [m for m in doc.mentions if m.start >= lo.end and m.end <= hi.start and m.cls in END_CLASSES]


def _gold_pair(doc: Document, head: str, tail: str, prop: str, default_cls: str):
    """(first, second, forward) of a gold pair, its ends classed to fit ``prop``; None if unusable."""
    s, o = _end(doc, head, default_cls), _end(doc, tail, default_cls)
    if s is None or o is None or s.span == o.span or s.span.overlaps(o.span):
        return None
    if prop != NONE and not fits_pair(prop, s.cls, o.cls):
        s_cls, o_cls = RELATIONS_DEFAULT.get(prop, (s.cls, o.cls))
        s = Mention(s.start, s.end, s.text, s_cls, "gold")
        o = Mention(o.start, o.end, o.text, o_cls, "gold")
    return (s, o, True) if s.start < o.start else (o, s, False)


def examples_of(doc: Document, gold: list[tuple[str, str, str]], label_of, default_cls: str) -> list:
    """(features, class) for the gold pairs of one sentence (the mapped labels first, then the others
    as NONE), then the rules' confident relations and the other candidate pairs (as NONE) among the
    pipeline's mentions. A pair is an unordered pair; the class carries the direction."""
    out, seen = [], set()
    labelled = [(h, t, label_of(rel)) for h, t, rel in gold]
    for head, tail, prop in [g for g in labelled if g[2] != NONE] + [g for g in labelled if g[2] == NONE]:
        pair = _gold_pair(doc, head, tail, prop, default_cls)
        if pair is None or (pair[0].span, pair[1].span) in seen:
            continue
        a, b, forward = pair
        seen.add((a.span, b.span))
        out.append((pair_features(doc, a, b, _inner(doc, a, b)), NONE if prop == NONE else label(prop, forward)))
    ruled = {}
    for r in sorted(doc.relations, key=lambda r: -r.confidence):
        if r.predicate in SELF_TRAIN and r.confidence >= SELF_TRAIN_CONFIDENCE:
            forward = r.subject.start < r.object.start
            a, b = (r.subject, r.object) if forward else (r.object, r.subject)
            ruled.setdefault((a.span, b.span), label(r.predicate, forward))
    for sentence in doc.sentences:
        for a, b, feats in candidates(doc, sentence):
            key = (a.span, b.span)
            if key not in seen:
                seen.add(key)
                out.append((feats, ruled.get(key, NONE)))
    return out


#: classes given to gold ends whose guessed classes do not fit their label
RELATIONS_DEFAULT = {"worksFor": ("Person", "Company"), "locatedIn": ("Company", "Place"),
                     "acquires": ("Company", "Company"), "invests": ("Company", "Company"),
                     "cooperatesWith": ("Company", "Company"), "establishes": ("Company", "Company")}


def _finre_label(rel: str) -> str:
    return FINRE_MAP.get(rel, NONE)


def read_texts(path: Path) -> list[str]:
    """Texts of a JSONL file with a ``text`` field (CLUENER) or of a plain text file (one per line)."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line.startswith("{"):
                line = str(json.loads(line).get("text", ""))
            if line:
                out.append(line)
    return out


def collect(finre: Path | None, duie: list[Path], split: float, seed: int, limit: int | None = None,
            unlabeled: list[Path] = ()) -> dict:
    """Training and held-out examples from the data sets, analysed by the rule pipeline; texts of
    ``unlabeled`` give only the rules' confident relations (and NONE for the other pairs)."""
    from kg.pipeline import Pipeline

    from kg import extractors
    from kg.relmodel.model import NAME

    pipe = Pipeline([n for n in extractors.DEFAULT if n != NAME])  # the rules alone
    train, held = [], []
    if finre is not None:
        groups = read_finre_groups(finre)[:limit]
        tr, ho = split_sentences(groups, split, seed)
        for part, sink in ((tr, train), (ho, held)):
            for n, (text, gold) in enumerate(part):
                doc = pipe(Document(f"f{n}", text))
                sink += examples_of(doc, gold, _finre_label, "Company")
    for path in duie:
        for n, (text, gold) in enumerate(read_duie(path)[:limit]):
            doc = pipe(Document(f"d{n}", text))
            gold = gold + [(o, s, NONE) for s, o, _ in gold if (o, s) not in {(a, b) for a, b, _ in gold}]
            train.extend(examples_of(doc, gold, lambda p: p, "Company"))
    for path in unlabeled:
        for n, text in enumerate(read_texts(path)[:limit]):
            doc = pipe(Document(f"u{n}", text))
            train.extend(examples_of(doc, [], _finre_label, "Company"))
    return {"train": train, "held": held}


def fit(examples: list, settings: dict) -> dict:
    """A logistic regression over the examples; returns classes, bias and pruned weight rows."""
    from sklearn.linear_model import LogisticRegression
    from scipy.sparse import csr_matrix

    counts = Counter(f for feats, _ in examples for f in set(feats))
    vocab = sorted(f for f, n in counts.items() if n >= settings["min_count"])
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols = [], []
    for r, (feats, _) in enumerate(examples):
        for c in sorted({index[f] for f in feats if f in index}):
            rows.append(r)
            cols.append(c)
    X = csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(examples), len(vocab)))
    y = [label for _, label in examples]
    clf = LogisticRegression(C=settings["C"], max_iter=settings["max_iter"], solver=settings["solver"],
                             random_state=settings["random_state"])
    clf.fit(X, y)
    classes = [str(c) for c in clf.classes_]
    coef = clf.coef_ if len(classes) > 2 else None
    if coef is None:
        raise InputError("the training data hold only one relation property", hint="give FinRE and DuIE")
    weights = {}
    for f, i in index.items():
        row = [round(float(w), 4) for w in coef[:, i]]
        if max(abs(w) for w in row) >= settings["prune"]:
            weights[f] = row
    return {"classes": classes, "bias": [round(float(b), 4) for b in clf.intercept_], "weights": weights}


def score_examples(model_data: dict, examples: list, threshold: float) -> dict:
    """Micro precision/recall/F1 of the relation classes on held-out examples."""
    from kg.relmodel.model import RelationModel

    model = RelationModel({**model_data, "feature_version": FEATURE_VERSION, "threshold": threshold})
    probs = model.probabilities([f for f, _ in examples]) if examples else []
    tp = fp = fn = 0
    for row, (_, gold) in zip(probs, examples):
        k = max((i for i, c in enumerate(model.classes) if c != NONE), key=lambda i: row[i])
        pred = model.classes[k] if row[k] >= threshold else NONE
        tp += pred == gold != NONE
        fp += pred != NONE and pred != gold
        fn += gold != NONE and pred != gold
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3),
            "examples": len(examples), "threshold": threshold}


def train(finre: Path | None, duie: list[Path], output: Path, *, split: float = SETTINGS["split"],
          seed: int = SETTINGS["seed"], threshold: float = 0.6, limit: int | None = None,
          unlabeled: list[Path] = ()) -> dict:
    """Train the relation model on FinRE (the ``split`` part) and DuIE, write it to ``output``; returns its meta."""
    settings = {**SETTINGS, "split": split, "seed": seed}
    data = collect(finre, duie, split, seed, limit, unlabeled)
    if not data["train"]:
        raise InputError("no training examples", hint="give FinRE train.txt and/or DuIE JSONL files")
    model = fit(data["train"], settings)
    labels = Counter(label for _, label in data["train"])
    meta = {"name": "relation-model", "version": 1, "feature_version": FEATURE_VERSION,
            "training_data": {"finre": finre.name if finre else None, "duie": [p.name for p in duie],
                              "unlabeled": [p.name for p in unlabeled],
                              "finre_split": split, "seed": seed, "self_training": sorted(SELF_TRAIN),
                              "self_training_confidence": SELF_TRAIN_CONFIDENCE, "limit": limit},
            "settings": settings, "examples": len(data["train"]), "labels": dict(sorted(labels.items())),
            "features": len(model["weights"]),
            "held_out_finre": score_examples(model, data["held"], threshold),
            "held_out_finre_by_threshold": {str(t): {k: v for k, v in score_examples(model, data["held"], t).items()
                                                     if k in ("precision", "recall")} for t in (0.5, 0.6, 0.7)},
            "sha256": weights_hash(model["classes"], model["bias"], model["weights"])}
    out = {"feature_version": FEATURE_VERSION, "threshold": threshold, "meta": meta, **model}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(out, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    return meta
