"""Mentions proposed by a trained CRF recognizer (``kg train-ner``), registered as ``crf@1``.

The model runs sentence by sentence over the normalized text (``Document.norm``, same
offsets as ``Document.text``), reusing the document's jieba tokens when it has them. Each
mention's confidence is the lowest CRF marginal probability of its tags.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from kg.types import Document, Mention

NAME = "crf@1"
#: Sentences longer than this are cut at the nearest clause mark before it (the CRF was
#: trained on short sentences, and features look only two characters away).
MAX_CHUNK = 200
_BREAK = re.compile(r"[。！？!?；;\n]")
#: Mentions the CRF is less sure of are dropped (on CLUENER this trades 2.5 points of recall
#: for 3 of precision: more useful next to the rules, which add recall of their own).
MIN_CONFIDENCE = 0.5
PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "(": ")", "（": "）", "[": "]",
         "【": "】", '"': '"', "'": "'"}
CLOSERS = {v: k for k, v in PAIRS.items()}


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past spaces and punctuation at its edges, keeping a quote or
    bracket only when its partner is inside the span (“星展中国”南宁分行 stays whole)."""
    def is_punct(ch: str) -> bool:
        return ch.isspace() or unicodedata.category(ch)[0] in "PS"

    while start < end:
        first, last = text[start], text[end - 1]
        if is_punct(last) and not (last in CLOSERS and CLOSERS[last] in text[start:end - 1]):
            end -= 1
        elif is_punct(first) and not (first in PAIRS and PAIRS[first] in text[start + 1:end]):
            start += 1
        else:
            break
    return start, end


def balanced(span: str) -> bool:
    """True when every quote or bracket in ``span`` has its partner inside it (in order)."""
    stack: list[str] = []
    for ch in span:
        if ch in PAIRS and not (PAIRS[ch] == ch and stack and stack[-1] == ch):
            stack.append(ch)
        elif ch in CLOSERS:
            if not stack or PAIRS[stack[-1]] != ch:
                return False
            stack.pop()
    return not stack


def _model(res_or_model):
    """Accept a NerModel, a model path, or the extractors' Resources (``options['ner_model']``)."""
    from kg import ner

    if isinstance(res_or_model, ner.NerModel):
        return res_or_model
    if isinstance(res_or_model, (str, Path)):
        return ner.load(res_or_model)
    options = getattr(res_or_model, "options", None) or {}
    model = options.get("ner_model")
    if model is None:
        return None
    if not isinstance(model, ner.NerModel):
        model = ner.load(model)
        options["ner_model"] = model  # load (and open) once per process
    return model


def load(path: str | Path):
    """A lazily opened NER model (:func:`kg.ner.load`)."""
    from kg import ner

    return ner.load(path)


def chunks(text: str, limit: int = MAX_CHUNK) -> list[tuple[int, int]]:
    """Split ``[0, len(text))`` into sentence-like chunks of at most ``limit`` characters."""
    out, start = [], 0
    for m in _BREAK.finditer(text):
        end = m.end()
        while end - start > limit:
            out.append((start, start + limit))
            start += limit
        if end > start:
            out.append((start, end))
        start = end
    while len(text) - start > limit:
        out.append((start, start + limit))
        start += limit
    if start < len(text):
        out.append((start, len(text)))
    return out


def propose(doc: Document, res_or_model) -> list[Mention]:
    """Mentions the CRF finds in ``doc``; ``doc.text[m.start:m.end] == m.text`` always holds."""
    model = _model(res_or_model)
    if model is None:
        return []
    options = getattr(res_or_model, "options", None) or {}
    min_confidence = float(options.get("ner_min_confidence", MIN_CONFIDENCE))
    text = doc.norm or doc.text
    tokens = [(t.start, t.end) for t in doc.tokens]
    out = []
    for cstart, cend in chunks(text):
        local = [(max(s, cstart) - cstart, min(e, cend) - cstart) for s, e in tokens
                 if s < cend and e > cstart] or None
        for span in model.predict(text[cstart:cend], local):
            if span.confidence < min_confidence:
                continue
            start, end = trim(text, cstart + span.start, cstart + span.end)
            if end > start and balanced(text[start:end]):  # 招商银行”)总部 is no name
                canonical = doc.norm[start:end] if doc.norm[start:end] != doc.text[start:end] else None
                out.append(Mention(start, end, doc.text[start:end], span.label, NAME,
                                   span.confidence, canonical))
    return out
