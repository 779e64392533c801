"""Mentions proposed by a trained CRF recognizer (``kg train-ner``), registered as ``crf@1``.

The model runs sentence by sentence over the normalized text (``Document.norm``, same
offsets as ``Document.text``), reusing the document's jieba tokens when it has them. Each
mention's confidence is the lowest CRF marginal probability of its tags.
"""
from __future__ import annotations

import re
from pathlib import Path

from kg.types import Document, Mention

NAME = "crf@1"
#: Sentences longer than this are cut at the nearest clause mark before it (the CRF was
#: trained on short sentences, and features look only two characters away).
MAX_CHUNK = 200
_BREAK = re.compile(r"[。！？!?；;\n]")


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
    text = doc.norm or doc.text
    tokens = [(t.start, t.end) for t in doc.tokens]
    out = []
    for cstart, cend in chunks(text):
        local = [(max(s, cstart) - cstart, min(e, cend) - cstart) for s, e in tokens
                 if s < cend and e > cstart] or None
        for span in model.predict(text[cstart:cend], local):
            start, end = cstart + span.start, cstart + span.end
            while start < end and doc.text[start].isspace():
                start += 1
            while end > start and doc.text[end - 1].isspace():
                end -= 1
            if end > start:
                canonical = doc.norm[start:end] if doc.norm[start:end] != doc.text[start:end] else None
                out.append(Mention(start, end, doc.text[start:end], span.label, NAME,
                                   span.confidence, canonical))
    return out
