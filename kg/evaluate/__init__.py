"""Precision, recall and F1 of extraction against gold annotations.

Four gold formats (:data:`FORMATS`):

- ``cluener``: CLUENER-style JSONL, scored as exact character spans per CLUENER type, with
  zhkg classes mapped to CLUENER types by :data:`CLUENER_TYPES` (:mod:`kg.evaluate.datasets`);
- ``doc``: whole-document gold JSON (``tests/gold/*.json``): entities matched by name or alias
  plus a compatible class, relations by their matched ends, metrics by subject, value and unit
  (:mod:`kg.evaluate.docs`);
- ``finre``: FinRE ``head<TAB>tail<TAB>relation<TAB>sentence`` lines, relations mapped by
  :data:`FINRE_RELATIONS`, judged on the annotated entity pairs only;
- ``duie``: DuIE JSONL (``text``, ``spo_list``), mapped by :data:`DUIE_RELATIONS`.

Predictions come from a predictor (:mod:`kg.evaluate.predict`); counts and tables from
:mod:`kg.evaluate.report`.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from kg.errors import InputError
from kg.evaluate.datasets import (
    CLUENER_ORDER, CLUENER_TYPES, DUIE_RELATIONS, FINRE_RELATIONS, TARGET_TYPES, read_jsonl,
    eval_cluener, eval_relations, read_duie, read_finre,
)
from kg.evaluate.docs import eval_docs, load_doc_gold, match_entities, score_doc
from kg.evaluate.predict import (
    PredDoc, PredEntity, PredMetric, Predictor, graph_predictor, ner_predictor, pipeline_predictor,
    read_graph,
)
from kg.evaluate.report import Counts, ErrorCase, Report, Section, context, score_spans

__all__ = [
    "CLUENER_ORDER", "CLUENER_TYPES", "Counts", "DUIE_RELATIONS", "ErrorCase",
    "FINRE_RELATIONS", "FORMATS", "PredDoc", "PredEntity", "PredMetric", "Predictor", "Report",
    "Section", "TARGET_TYPES", "context", "detect_format", "eval_cluener", "eval_docs",
    "eval_relations", "evaluate", "format_report", "graph_predictor", "load_doc_gold",
    "match_entities", "ner_predictor", "pipeline_predictor", "read_duie", "read_finre",
    "read_graph", "score_doc", "score_spans",
]

FORMATS = ("cluener", "doc", "finre", "duie")


def detect_format(path: Path) -> str:
    """Guess the gold format from a file's name and first line."""
    if path.is_dir():
        return "doc"
    with path.open(encoding="utf-8", errors="replace") as fh:
        first = next((line for line in fh if line.strip()), "")
    if first.count("\t") == 3:
        return "finre"
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        record = None
    if isinstance(record, dict) and "spo_list" in record:
        return "duie"
    if isinstance(record, dict) and "label" in record and "text" in record:
        return "cluener"
    if first.lstrip().startswith("{"):
        return "doc"
    raise InputError(f"cannot tell the gold format of {path}", hint="give --format " + "|".join(FORMATS))


def evaluate(gold: str | Path, fmt: str | None = None, *, limit: int | None = None,
             ner_model: str | Path | None = None, ner_only: bool = False,
             graph: str | Path | None = None, split: float | None = None, seed: int = 13,
             predictor: Predictor | None = None, config=None) -> Report:
    """Score predictions against ``gold``; predictions come from ``predictor`` or, by default,
    the pipeline (with ``ner_model`` if given), the CRF alone (``ner_only``) or a built ``graph``.

    ``split``/``seed``: score only the held-out part of the split ``kg train-ner`` (CLUENER) or
    ``kg train-rel`` (FinRE) makes with the same values. Every error case is kept in ``Report.errors``.
    """
    path = Path(gold)
    if not path.exists():
        raise InputError(f"no such gold file: {path}")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown gold format {fmt!r}", hint="use one of " + ", ".join(FORMATS))
    if predictor is None:
        if graph is not None:
            predictor, how = graph_predictor(graph), f"graph {Path(graph).name}"
        elif ner_only:
            if ner_model is None:
                raise InputError("--ner-only needs --ner-model")
            predictor, how = ner_predictor(ner_model), "CRF only"
        else:
            predictor = pipeline_predictor(ner_model=ner_model, config=config)  # config: kg build --config
            how = "rules + CRF" if ner_model else "rules"
    else:
        how = "custom predictor"
    report = Report(f"{path.name} [{fmt}] ({how})")
    predictor = _noting_failures(predictor, report)
    errors = True
    if fmt == "cluener":
        records = read_jsonl(path, None if split else limit)
        if split:
            from kg.ner import split_examples

            records = split_examples(records, split, seed)[1][:limit]
            report.title += f" held-out {1 - split:.0%} (seed {seed})"
        return eval_cluener(records, predictor, report, errors)
    if fmt == "doc":
        golds = load_doc_gold(path)[:limit]
        return eval_docs(golds, predictor, report, errors, from_files=graph is None,
                         skip_missing=path.is_dir())
    if fmt == "finre":
        golds = read_finre(path, None if split else limit)
        if split:  # the sentences `kg train-rel --split` (same --seed) left out
            from kg.relmodel.train import split_sentences

            golds = split_sentences(golds, split, seed)[1][:limit]
            report.title += f" held-out {1 - split:.0%} (seed {seed})"
        return eval_relations(golds, predictor, report, errors)
    return eval_relations(read_duie(path, limit), predictor, report, errors, judge_any_name=True)


def _noting_failures(predictor: Predictor, report: Report) -> Predictor:
    """Wrap ``predictor`` so documents it failed on are named in the report's notes."""
    def predict(items, **kwargs):
        preds = predictor(items, **kwargs)
        failed = [(doc_id, p.error) for doc_id, p in preds.items() if p.error]
        if failed:
            report.notes.append(f"{len(failed)} documents failed to build and count as finding nothing; "
                                f"first: record {failed[0][0]}: {failed[0][1]}")
        return preds

    return predict


def _row(name: str, c: Counts, recall_only: bool = False) -> str:
    p = "     -" if recall_only else f"{c.precision:6.3f}"
    f = "     -" if recall_only else f"{c.f1:6.3f}"
    return f"{name:<32}{c.tp + c.fn:>7}{c.tp + c.fp:>7}{c.tp:>7} {p} {c.recall:6.3f} {f}"


def format_report(report: Report, errors: bool = False) -> str:
    """The report as plain-text tables (and the error list when ``errors``)."""
    lines = [f"{report.title}: {report.docs} documents"]
    for name, sec in report.sections.items():
        if not sec.counts:
            continue
        lines += ["", f"{name:<32}{'gold':>7}{'pred':>7}{'tp':>7} {'P':>6} {'R':>6} {'F1':>6}"]
        lines += [_row(k, c, sec.recall_only) for k, c in sec.counts.items()]
        if len(sec.counts) > 1:
            lines.append(_row("overall (micro)", sec.total(), sec.recall_only))
            if not sec.recall_only:
                lines.append(f"{'macro F1':<53}{sec.macro_f1():6.3f}")
        lines += [_row(g, sec.total(keys), sec.recall_only) for g, keys in sec.groups.items()]
    kinds = Counter((e.section, e.kind, e.reason) for e in report.errors)
    if kinds:
        lines += ["", "error kinds: " + "; ".join(f"{s} {k} {r} {n}" for (s, k, r), n in sorted(kinds.items()))]
    by_extractor = Counter(e.extractor for e in report.errors if e.kind == "FP" and e.extractor)
    if by_extractor:
        lines.append("false positives by extractor: " + "; ".join(
            f"{x} {n}" for x, n in sorted(by_extractor.items(), key=lambda kv: (-kv[1], kv[0]))))
    lines += [f"note: {n}" for n in report.notes]
    if errors:
        lines.append("")
        for e in report.errors:
            other = f"  [{e.other}]" if e.other else ""
            other += f"  via {e.extractor}" if e.extractor else ""
            lines.append(f"{e.kind} {e.reason:<14} {e.section}/{e.key:<14} {e.text}  @{e.doc}  {e.context}{other}")
    return "\n".join(lines)
