"""Extractors, registered under versioned names.

Each extractor is a function ``propose(doc, res) -> list`` that reads a
:class:`kg.types.Document` (and the shared :class:`kg.extractors.base.Resources`) and returns
proposals: mentions in the ``mentions`` stage, relations, metrics and attributes in the
``relations`` stage, which runs after overlapping mentions are resolved. The ``ner`` stage
holds statistical recognizers, whose mentions are merged with the rules' by
:func:`kg.spans.merge_statistical`. Extractors only
propose; the pipeline checks offsets and resolves conflicts.
"""
from __future__ import annotations

import importlib
from typing import Callable

from kg.errors import RegistryError

#: name@version -> (stage, "module:function")
REGISTRY: dict[str, tuple[str, str]] = {
    "gazetteer@1": ("mentions", "kg.extractors.gazetteer:propose"),
    "quoted@1": ("mentions", "kg.extractors.quoted:propose"),
    "suffix@1": ("mentions", "kg.extractors.suffix:propose"),
    "people@1": ("mentions", "kg.extractors.people:propose"),
    "lists@1": ("mentions", "kg.extractors.lists:propose"),
    "systems@1": ("mentions", "kg.extractors.systems:propose"),
    "places@1": ("mentions", "kg.extractors.places:propose"),
    "metadata@1": ("mentions", "kg.extractors.metadata:propose"),
    "aliases@1": ("mentions", "kg.extractors.aliases:propose"),
    "penalty-mentions@1": ("mentions", "kg.extractors.penalty_notices:propose_mentions"),
    "parties@1": ("mentions", "kg.extractors.parties:propose"),
    "relations@1": ("relations", "kg.extractors.relations:propose"),
    "metrics@1": ("relations", "kg.extractors.metrics:propose"),
    "penalties@1": ("relations", "kg.extractors.penalties:propose"),
    # the trained relation model (`kg train-rel`), packaged in kg/models; runs after the rules
    "relation-model@1": ("relations", "kg.relmodel.model:propose"),
    # a trained model (`kg train-ner`); the pipeline runs it when given --ner-model
    "crf@1": ("ner", "kg.extractors.crf:propose"),
}

#: Every rule-based extractor; statistical ones need a model and are added by the pipeline.
DEFAULT = tuple(name for name, (stage, _) in REGISTRY.items() if stage != "ner")


def get(name: str) -> tuple[str, Callable]:
    """The stage and function of a registered extractor; a bad name lists the valid ones."""
    if name not in REGISTRY:
        raise RegistryError(f"unknown extractor {name!r}",
                            hint=f"valid names: {', '.join(sorted(REGISTRY))}")
    stage, target = REGISTRY[name]
    module, func = target.split(":")
    return stage, getattr(importlib.import_module(module), func)


def register(name: str, stage: str, target: str) -> None:
    """Register an extractor (``"pkg.module:function"``) under a versioned name."""
    if "@" not in name:
        raise RegistryError(f"extractor name {name!r} needs a version, like {name}@1")
    REGISTRY[name] = (stage, target)
