"""Public datasets: CLUENER spans, FinRE and DuIE relations (mapped to zhkg properties)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from kg.errors import InputError
from kg.evaluate.docs import read_jsonl, score_relations
from kg.evaluate.predict import PredDoc, Predictor, norm_name
from kg.evaluate.report import ErrorCase, Report, context, score_spans

#: zhkg class -> CLUENER type; classes not listed are not scored on CLUENER.
CLUENER_TYPES: dict[str, str] = {
    "Company": "company", "FinancialInstitution": "company", "GovernmentAgency": "government",
    "Organization": "organization", "ResearchInstitute": "organization",
    "OrganizationUnit": "organization", "Person": "name", "Place": "address",
}
CLUENER_ORDER = ("company", "government", "organization", "name", "address")
#: The CLUENER types of the issue's span-F1 target.
TARGET_TYPES = ("company", "government", "name")

FINRE_RELATIONS: dict[str, str] = {
    "合作": "cooperatesWith", "签约": "cooperatesWith", "合资": "cooperatesWith",
    "收购": "acquires", "拟收购": "acquires",
    "注资": "invests", "入股": "invests", "增持": "invests", "持股": "invests",
    "成立": "establishes",
}
#: DuIE predicate -> (zhkg property, whether the DuIE object is our subject).
DUIE_RELATIONS: dict[str, tuple[str, bool]] = {
    "董事长": ("worksFor", True), "创始人": ("worksFor", True),
    "总部地点": ("locatedIn", False), "简称": ("alias", False),
}


def eval_cluener(records: Sequence[dict], predictor: Predictor, report: Report,
                 errors: bool = False) -> Report:
    """Span P/R/F1 per CLUENER type; ``position`` gold is compared with predicted job titles."""
    from kg.ner import record_spans

    items = [(str(n), rec["text"]) for n, rec in enumerate(records, 1)]
    preds = predictor(items)
    sec = report.section("entities", groups={"company+government+name": TARGET_TYPES})
    for key in CLUENER_ORDER:
        sec.get(key)
    jobs = report.section("position vs jobTitle (strings)")
    err = report.errors if errors else None
    for (doc_id, text), rec in zip(items, records):
        spans = record_spans(rec)
        gold = [(s.start, s.end, s.label) for s in spans if s.label in CLUENER_ORDER]
        pred = preds.get(doc_id, PredDoc())
        mapped = [(s, e, CLUENER_TYPES[c]) for s, e, c in pred.mentions if c in CLUENER_TYPES]
        sources = {(s, e, CLUENER_TYPES[c]): x for (s, e, c), x in pred.sources.items() if c in CLUENER_TYPES}
        score_spans(gold, mapped, sec, text=text, doc=doc_id, errors=err, sources=sources)
        gold_jobs = {text[s.start:s.end] for s in spans if s.label == "position"}
        pred_jobs = {j for ent in pred.entities.values() for j in ent.job_titles}
        c = jobs.get("position")
        c.tp += len(gold_jobs & pred_jobs)
        c.fn += len(gold_jobs - pred_jobs)
        c.fp += len(pred_jobs - gold_jobs)
    if not jobs.total().tp + jobs.total().fp:  # the predictor gives no job titles at all
        del report.sections["position vs jobTitle (strings)"]
    report.docs = len(records)
    return report


@dataclass
class RelGold:
    """One sentence of a relation dataset: gold triples over surface names."""

    text: str
    relations: set[tuple[str, str, str]] = field(default_factory=set)
    pairs: set[tuple[str, str]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    aliases: set[tuple[str, str]] = field(default_factory=set)
    ends: set[str] = field(default_factory=set)


def finre_rows(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """FinRE lines as (head, tail, relation, sentence); ``<N>`` number placeholders become ``0``."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                raise InputError(f"{path}:{n}: expected head, tail, relation, sentence separated by tabs")
            head, tail, rel, text = (p.replace("<N>", "0") for p in parts)
            yield head, tail, rel, text


def read_finre(path: Path, limit: int | None = None) -> list[RelGold]:
    """FinRE lines grouped by sentence."""
    by_text: dict[str, RelGold] = {}
    for head, tail, rel, text in finre_rows(path):
        if text not in by_text:
            if limit is not None and len(by_text) >= limit:
                break
            by_text[text] = RelGold(text)
        g = by_text[text]
        g.pairs.add((head, tail))
        g.names.update((head, tail))
        if rel in FINRE_RELATIONS:
            g.relations.add((head, FINRE_RELATIONS[rel], tail))
            g.ends.update((head, tail))
    return list(by_text.values())


def read_duie(path: Path, limit: int | None = None) -> list[RelGold]:
    """DuIE records that hold at least one mapped predicate."""
    out = []
    for rec in read_jsonl(path, None):
        g = RelGold(rec.get("text", ""))
        for spo in rec.get("spo_list") or []:
            obj = spo.get("object") or {}
            obj = obj.get("@value", "") if isinstance(obj, dict) else str(obj)
            subj = spo.get("subject", "")
            g.names.update((subj, obj))
            if spo.get("predicate") not in DUIE_RELATIONS:
                continue
            prop, flip = DUIE_RELATIONS[spo["predicate"]]
            if prop == "alias":
                g.aliases.add((subj, obj))
                continue
            s, o = (obj, subj) if flip else (subj, obj)
            g.relations.add((s, prop, o))
            g.pairs.add((s, o))
            g.ends.update((s, o))
        if g.relations or g.aliases:
            out.append(g)
            if limit is not None and len(out) >= limit:
                break
    return out


def eval_relations(golds: Sequence[RelGold], predictor: Predictor, report: Report,
                   errors: bool = False, judge_any_name: bool = False) -> Report:
    """Relations on the annotated pairs, recall of the gold relation ends and of aliases.

    A predicted relation is judged only when both its ends name an annotated pair
    (``judge_any_name``: any two names annotated in the sentence); others are counted apart.
    """
    items = [(str(n), g.text) for n, g in enumerate(golds, 1)]
    preds = predictor(items)
    props = sorted({p for g in golds for _, p, _ in g.relations})
    rels = report.section("relations")
    for p in props:
        rels.get(p)
    ends = report.section("relation ends (entity recall)", recall_only=True)
    aliases = report.section("aliases", recall_only=True)
    err = report.errors if errors else None
    unjudged = 0
    for (doc_id, text), g in zip(items, golds):
        pred = preds.get(doc_id, PredDoc())
        names = {k: {norm_name(n) for n in e.names | {e.name}} for k, e in pred.entities.items()}
        known = set().union(*names.values()) if names else set()
        c = ends.get("entity")
        for end in sorted(g.ends):
            found = norm_name(end) in known
            c.tp, c.fn = c.tp + found, c.fn + (not found)
            if not found and err is not None:
                i = text.find(end)
                err.append(ErrorCase("FN", "missed", "entities", "entity", end, doc_id,
                                     context(text, i, i + len(end)) if i >= 0 else text[:60]))
        for full, short in sorted(g.aliases):
            ok = any(norm_name(full) in ns and norm_name(short) in ns for ns in names.values())
            a = aliases.get("alias")
            a.tp, a.fn = a.tp + ok, a.fn + (not ok)
        judged = _judged(pred, names, g, judge_any_name, props)
        unjudged += sum(1 for r in pred.relations if r[1] in props) - len(judged)
        score_relations(sorted(g.relations), judged, lambda n: {k for k, ns in names.items()
                                                                  if norm_name(n) in ns},
                         rels, {k: e.name for k, e in pred.entities.items()}, doc_id,
                         " ".join(text[:80].split()), err)
    report.docs = len(golds)
    report.notes.append(f"{unjudged} predicted relations of these types were between entity pairs "
                        "the gold does not annotate and are not counted")
    return report


def _judged(pred: PredDoc, names: dict[str, set[str]], g: RelGold, any_name: bool,
            props: Sequence[str]) -> list[tuple[str, str, str]]:
    if any_name:
        allowed = {(norm_name(a), norm_name(b)) for a in g.names for b in g.names if a != b}
    else:
        allowed = {(norm_name(a), norm_name(b)) for a, b in g.pairs}
        allowed |= {(b, a) for a, b in allowed}
    out = []
    for s, p, o in pred.relations:
        if p not in props:
            continue
        if any((x, y) in allowed for x in names.get(s, ()) for y in names.get(o, ())):
            out.append((s, p, o))
    return out
