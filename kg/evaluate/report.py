"""Counts, reports and exact span scoring."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

@dataclass
class Counts:
    """True positives, false positives and false negatives; P/R/F1 are 0.0 when undefined."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        return self

    def as_dict(self) -> dict:
        """Counts and rounded scores, for JSON."""
        return {"gold": self.tp + self.fn, "pred": self.tp + self.fp, "tp": self.tp,
                "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class ErrorCase:
    """One false positive (``FP``) or false negative (``FN``) with its context.

    ``reason``: ``missed`` / ``spurious`` (nothing overlaps), ``boundary`` (an overlapping
    span of a compatible type), ``class`` (same span, other type), or ``wrong``.
    """

    kind: str
    reason: str
    section: str
    key: str
    text: str
    doc: str
    context: str
    other: str = ""
    extractor: str = ""  # which extractor proposed a false positive, when the graph says


@dataclass
class Section:
    """One table: counts per key, optional named groups of keys, recall-only flag."""

    counts: dict[str, Counts] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    recall_only: bool = False

    def get(self, key: str) -> Counts:
        """The counts of ``key``, created empty on first use."""
        return self.counts.setdefault(key, Counts())

    def total(self, keys: Iterable[str] | None = None) -> Counts:
        """Micro-averaged counts over ``keys`` (all keys by default)."""
        out = Counts()
        for key in (self.counts if keys is None else keys):
            out += self.counts.get(key, Counts())
        return out

    def macro_f1(self) -> float:
        """The mean F1 of the keys that have gold items."""
        scored = [c for c in self.counts.values() if c.tp + c.fn]
        return sum(c.f1 for c in scored) / len(scored) if scored else 0.0


@dataclass
class Report:
    """Everything one evaluation measured."""

    title: str
    docs: int = 0
    sections: dict[str, Section] = field(default_factory=dict)
    errors: list[ErrorCase] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def section(self, name: str, **kwargs) -> Section:
        """The section ``name``, created (with ``kwargs``) on first use."""
        if name not in self.sections:
            self.sections[name] = Section(**kwargs)
        return self.sections[name]

    def to_dict(self, errors: bool = False) -> dict:
        """The report as plain data (with the error cases when ``errors``)."""
        out = {"title": self.title, "docs": self.docs, "notes": self.notes, "sections": {}}
        for name, sec in self.sections.items():
            out["sections"][name] = {
                "classes": {k: c.as_dict() for k, c in sec.counts.items()},
                "overall": sec.total().as_dict(), "macro_f1": round(sec.macro_f1(), 4),
                "groups": {g: sec.total(keys).as_dict() for g, keys in sec.groups.items()},
            }
        if errors:
            out["errors"] = [e.__dict__ for e in self.errors]
        return out


def context(text: str, start: int, end: int, width: int = 12) -> str:
    """``text`` around ``[start, end)`` with the span in 【】 and newlines flattened."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    out = f"{'…' if start > width else ''}{left}【{text[start:end]}】{right}{'…' if end + width < len(text) else ''}"
    return " ".join(out.split())


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_spans(gold: Iterable[tuple[int, int, str]], pred: Iterable[tuple[int, int, str]],
                section: Section, *, text: str = "", doc: str = "",
                errors: list[ErrorCase] | None = None, name: str = "entities",
                sources: dict | None = None) -> None:
    """Exact span scoring per type; adds counts to ``section`` and error cases to ``errors``
    (``sources`` names the extractor of each predicted span, for the false positives)."""
    gold, pred = sorted(set(gold)), sorted(set(pred))
    gold_set, pred_set = set(gold), set(pred)
    for g in gold:
        section.get(g[2])
        if g in pred_set:
            section.get(g[2]).tp += 1
            continue
        section.get(g[2]).fn += 1
        if errors is not None:
            errors.append(_span_error("FN", g, pred, text, doc, name))
    for p in pred:
        if p not in gold_set:
            section.get(p[2]).fp += 1
            if errors is not None:
                errors.append(_span_error("FP", p, gold, text, doc, name, (sources or {}).get(p, "")))


def _span_error(kind: str, span, others, text: str, doc: str, name: str, extractor: str = "") -> ErrorCase:
    start, end, key = span
    near = [o for o in others if _overlap(span, o)]
    same = [o for o in near if (o[0], o[1]) == (start, end)]
    if same:
        reason, other = "class", same[0]
    elif any(o[2] == key for o in near):
        reason, other = "boundary", next(o for o in near if o[2] == key)
    elif near:
        reason, other = "boundary+class", near[0]
    else:
        reason, other = ("missed" if kind == "FN" else "spurious"), None
    other_text = f"{text[other[0]:other[1]]} ({other[2]})" if other else ""
    return ErrorCase(kind, reason, name, key, text[start:end], doc, context(text, start, end), other_text,
                     extractor)
