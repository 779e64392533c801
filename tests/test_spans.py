"""Overlap resolution between proposals (kg.spans)."""
from __future__ import annotations

import pytest

from kg.spans import filter_spans, merge_statistical
from kg.types import Mention


def m(start, end, cls="Company", extractor="suffix@1", confidence=0.75):
    return Mention(start, end, "x" * (end - start), cls, extractor, confidence)


@pytest.mark.parametrize("proposed, kept", [
    ([m(0, 4), m(2, 8)], [(2, 8)]),                                    # the longest wins
    ([m(0, 4, confidence=0.6), m(0, 4, "Person", confidence=0.9)], [(0, 4)]),
    ([m(0, 2), m(2, 4), m(1, 3)], [(0, 2), (2, 4)]),                   # ties: the earlier first
    ([], []),
])
def test_filter_spans(proposed, kept):
    assert [(x.start, x.end) for x in filter_spans(proposed)] == kept


def test_filter_spans_prefers_confidence_then_specificity_on_the_same_span():
    out = filter_spans([m(0, 4, "Organization", confidence=0.9), m(0, 4, "FinancialInstitution", confidence=0.9)])
    assert [x.cls for x in out] == ["FinancialInstitution"]


def test_model_replaces_weak_rule_guesses_but_not_the_lexicon():
    rules = [m(0, 4, "Place", "gazetteer@1", 0.95), m(10, 12, "Person", "people@1", 0.55),
             m(20, 24, "FinancialInstitution", "gazetteer@1", 0.95)]
    model = [m(0, 8, "Company", "crf@1", 0.9), m(10, 13, "Person", "crf@1", 0.9),
             m(19, 24, "Person", "crf@1", 0.7)]
    out = [(x.start, x.end, x.extractor) for x in merge_statistical(rules, model)]
    assert out == [(0, 8, "crf@1"), (10, 13, "crf@1"), (20, 24, "gazetteer@1")]


def test_model_drops_weak_guesses_of_its_classes_it_does_not_confirm():
    rules = [m(0, 3, "Person", "people@1", 0.55), m(5, 9, "Platform", "systems@1", 0.7)]
    out = merge_statistical(rules, [])
    assert [(x.start, x.cls) for x in out] == [(5, "Platform")]


def test_model_span_across_a_clause_is_ignored():
    model = [Mention(0, 12, "兴远基金由星河证券全资设立", "Company", "crf@1", 0.95)]
    assert merge_statistical([], model) == []
