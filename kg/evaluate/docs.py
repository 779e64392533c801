"""Whole-document gold files (``tests/gold/*.json``): entities by name or alias and a compatible
class, relations by their matched ends, metrics by subject, value and unit, article metadata."""
from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Sequence

from kg.errors import InputError
from kg.evaluate.predict import PredDoc, PredEntity, PredMetric, Predictor, norm_name
from kg.evaluate.report import ErrorCase, Report, Section
from kg.ontology import is_a

SYMMETRIC = frozenset({"cooperatesWith"})


def _compatible(a: str, b: str) -> bool:
    return is_a(a, b) or is_a(b, a)


def _gold_names(ent: dict) -> set[str]:
    return {norm_name(n) for n in [ent["name"], *(ent.get("aliases") or [])] if n}


def match_entities(gold: Sequence[dict], pred: dict[str, PredEntity]) -> dict[int, str]:
    """Gold entity index -> predicted entity key, one to one.

    A pair matches when a name or alias is shared and the classes are compatible (equal, or
    one a subclass of the other). Ties prefer the same canonical name, then the same class.
    """
    pred_names = {k: {norm_name(n) for n in p.names | {p.name} if n} for k, p in pred.items()}
    used: set[str] = set()
    out: dict[int, str] = {}
    for i, g in enumerate(gold):
        names = _gold_names(g)
        cands = [k for k, p in sorted(pred.items()) if k not in used and names & pred_names[k]
                 and _compatible(g["class"], p.cls)]
        if not cands:
            continue
        best = min(cands, key=lambda k: (norm_name(pred[k].name) != norm_name(g["name"]),
                                         pred[k].cls != g["class"], k))
        out[i] = best
        used.add(best)
    return out


def _resolver(gold_entities: Sequence[dict], matched: dict[int, str], pred: PredDoc):
    """A function from a gold name to the predicted entity keys it can stand for."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for i, g in enumerate(gold_entities):
        for n in _gold_names(g):
            if i in matched:
                by_name[n].add(matched[i])
            else:
                by_name.setdefault(n, set())
    pred_by_name: dict[str, set[str]] = defaultdict(set)
    for k, p in pred.entities.items():
        for n in p.names | {p.name}:
            pred_by_name[norm_name(n)].add(k)

    def resolve(name: str | None) -> set[str]:
        if not name:
            return set()
        key = norm_name(name)
        return by_name[key] if key in by_name else pred_by_name.get(key, set())

    return resolve


def score_relations(gold: Sequence[tuple], pred: Sequence[tuple[str, str, str]],
                     resolve, sec: Section, names: dict[str, str], doc: str, ctx: str,
                     errors: list[ErrorCase] | None) -> None:
    """Relations match when the predicate agrees and both ends resolve to the predicted ones.

    ``gold`` items are ``(subject, predicate, object[, optional])``: required ones are
    matched first; an optional one that matches is neither a hit nor a false positive.
    """
    remaining = sorted(set(pred))
    for item in sorted(gold, key=lambda g: len(g) > 3 and bool(g[3])):
        gs, gp, go = item[:3]
        optional = len(item) > 3 and bool(item[3])
        subj, obj = resolve(gs), resolve(go)
        hit = next((r for r in remaining if r[1] == gp and (
            (r[0] in subj and r[2] in obj) or (gp in SYMMETRIC and r[0] in obj and r[2] in subj))), None)
        if hit:
            remaining.remove(hit)
            if not optional:
                sec.get(gp).tp += 1
        elif not optional:
            sec.get(gp).fn += 1
            if errors is not None:
                errors.append(ErrorCase("FN", "missed", "relations", gp, f"{gs} -{gp}-> {go}", doc, ctx))
    for s, p, o in remaining:
        sec.get(p).fp += 1
        if errors is not None:
            errors.append(ErrorCase("FP", "wrong", "relations", p,
                                    f"{names.get(s, s)} -{p}-> {names.get(o, o)}", doc, ctx))


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def score_doc(gold: dict, pred: PredDoc, report: Report, errors: bool = False) -> None:
    """Score one whole-document gold record against one document's predictions.

    Gold items marked ``"optional": true`` (and relations touching an optional entity) are
    never missed, and a prediction that matches one is not a false positive.
    """
    doc = str(gold.get("document", ""))
    err = report.errors if errors else None
    gold_ents = sorted(gold.get("entities") or [], key=lambda e: bool(e.get("optional")))
    optional_names = {n for e in gold_ents if e.get("optional") for n in [e["name"], *e.get("aliases", [])]}
    matched = match_entities(gold_ents, pred.entities)
    sec = report.section("entities")
    for i, g in enumerate(gold_ents):
        if g.get("optional"):
            continue
        if i in matched:
            sec.get(g["class"]).tp += 1
        else:
            sec.get(g["class"]).fn += 1
            if err is not None:
                err.append(ErrorCase("FN", "missed", "entities", g["class"], g["name"], doc, ""))
    matched_keys = set(matched.values())
    for k, p in sorted(pred.entities.items()):
        if k not in matched_keys:
            sec.get(p.cls).fp += 1
            if err is not None:
                err.append(ErrorCase("FP", "spurious", "entities", p.cls, p.name, doc, ""))
    jobs = report.section("jobTitle", recall_only=True)
    for i, g in enumerate(gold_ents):
        if g.get("jobTitle") and not g.get("optional"):
            found = i in matched and g["jobTitle"] in pred.entities[matched[i]].job_titles
            c = jobs.get("jobTitle")
            c.tp, c.fn = c.tp + found, c.fn + (not found)
    resolve = _resolver(gold_ents, matched, pred)
    names = {k: p.name for k, p in pred.entities.items()}
    gold_rels = [(r["subject"], r["predicate"], r["object"], bool(
        r.get("optional") or r["subject"] in optional_names or r["object"] in optional_names))
        for r in gold.get("relations") or []]
    score_relations(gold_rels, pred.relations, resolve, report.section("relations"), names, doc, "", err)
    _score_metrics(gold.get("metrics") or [], pred.metrics, resolve, report, doc, err, optional_names, names)
    _score_article(gold.get("article") or {}, pred.article, report, doc, err)


def _score_metrics(gold: Sequence[dict], pred: Sequence[PredMetric], resolve, report: Report,
                   doc: str, err: list[ErrorCase] | None, optional_names: set[str] = frozenset(),
                   names: dict[str, str] | None = None) -> None:
    """``metrics``: same subject, value and unit; ``metrics (value)``: the value alone.

    The qualifier of each matched metric is scored apart (recall-only row ``qualifier``).
    """
    gold = sorted(gold, key=lambda g: bool(g.get("optional") or g.get("subject") in optional_names))
    for section, strict in (("metrics", True), ("metrics (value only)", False)):
        sec = report.section(section)
        c = sec.get("metric")
        remaining = list(pred)
        for g in gold:
            optional = bool(g.get("optional") or g.get("subject") in optional_names)
            value = _decimal(g.get("value"))
            subj = resolve(g.get("subject")) if strict and g.get("subject") else None
            hit = next((m for m in remaining if m.value == value and (subj is None or m.subject in subj)
                        and (not strict or norm_name(m.unit or "") == norm_name(g.get("unit") or ""))), None)
            if hit is not None:
                remaining.remove(hit)
                if strict and not optional:
                    q = report.section("metric qualifiers", recall_only=True).get("qualifier")
                    same = (hit.qualifier or None) == (g.get("qualifier") or None)
                    q.tp, q.fn = q.tp + same, q.fn + (not same)
                c.tp += not optional
            elif not optional:
                c.fn += 1
                if err is not None and strict:
                    err.append(ErrorCase("FN", "missed", "metrics", "metric",
                                         f"{g.get('subject')} {g.get('label')} = {g.get('value')} {g.get('unit') or ''}",
                                         doc, ""))
        c.fp += len(remaining)
        if err is not None and strict:
            err.extend(ErrorCase("FP", "wrong", "metrics", "metric", f"{(names or {}).get(m.subject, m.subject or '-')} {m.label or '?'} = {m.value} {m.unit}", doc, "")
                       for m in remaining)


def _score_article(gold: dict, pred: dict, report: Report, doc: str, err) -> None:
    sec = report.section("article")
    for key, value in sorted(gold.items()):
        if value in (None, ""):
            continue
        c = sec.get(key)
        got = pred.get(key)
        if got is not None and norm_name(str(got)) == norm_name(str(value)):
            c.tp += 1
            continue
        c.fn += 1
        if got is not None:
            c.fp += 1
        if err is not None:
            err.append(ErrorCase("FN", "wrong" if got else "missed", "article", key, str(value), doc, "",
                                 str(got or "")))


REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def read_jsonl(path: Path, limit: int | None) -> list[dict]:
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            if limit is not None and len(records) >= limit:
                break
    return records


def doc_text_path(gold: dict, gold_path: Path) -> Path:
    """Find the article a whole-document gold file describes (next to it, in the repo or ../shared)."""
    name = str(gold.get("file") or gold.get("document", ""))
    source = str(gold.get("source", ""))
    here = gold_path.parent
    candidates = [here / name, here / source / name, REPO / source / name,
                  REPO / source / "articles" / name, SHARED / source / name, Path(source) / name]
    for cand in candidates:
        if name and cand.is_file():
            return cand
    raise InputError(f"{gold_path}: cannot find the article {name!r} (source {source!r})",
                     hint="put it next to the gold file, or give a built graph with --graph")


def load_doc_gold(path: Path) -> list[tuple[Path, dict]]:
    """Whole-document gold records from a file or every ``*.json`` in a folder."""
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    out = []
    for f in files:
        try:
            gold = json.loads(f.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{f}: not a JSON gold file ({exc})") from None
        if not isinstance(gold, dict) or "entities" not in gold:
            raise InputError(f"{f}: not a whole-document gold file (no 'entities')")
        out.append((f, gold))
    if not out:
        raise InputError(f"{path}: holds no *.json gold file")
    return out


def _document_text(path: Path, doc_id: str) -> str:
    """The text of a plain file, or of the item ``doc_id`` of a JSONL corpus."""
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        return path.read_text(encoding="utf-8")
    for record in read_jsonl(path, None):
        if str(record.get("id")) == doc_id:
            return str(record.get("text", ""))
    raise InputError(f"{path}: no item with id {doc_id!r}")


def eval_docs(golds: Sequence[tuple[Path, dict]], predictor: Predictor, report: Report,
              errors: bool = False, from_files: bool = True, skip_missing: bool = False) -> Report:
    """Score whole-document gold records; the documents are built (or looked up) by predictor.

    With ``skip_missing`` (a folder of gold files), a gold file whose article cannot be found
    (e.g. one in ../shared, absent from a fresh clone) is left out with a note in the report."""
    items, paths, kept = [], {}, []
    for path, gold in golds:
        doc_id = str(gold.get("document", path.stem))
        text = ""
        if from_files:
            try:
                found = doc_text_path(gold, path)
            except InputError as exc:
                if not skip_missing:
                    raise
                report.notes.append(f"skipped {exc.message} (not scored)")
                continue
            paths[doc_id] = found
            text = _document_text(paths[doc_id], doc_id)
        items.append((doc_id, text))
        kept.append((path, gold))
    if not kept:
        raise InputError(f"{golds[0][0].parent}: none of the articles of its gold files can be found",
                         hint="put them next to the gold files, or give a built graph with --graph")
    golds = kept
    preds = predictor(items, paths=paths) if paths else predictor(items)
    for (doc_id, _), (_, gold) in zip(items, golds):
        score_doc(gold, preds.get(doc_id, PredDoc()), report, errors)
    report.docs = len(golds)
    return report
