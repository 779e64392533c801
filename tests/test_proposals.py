"""Extractors only propose: aliases, metadata and links reach the Document through the resolve step;
every extractor reads one explicit per-document index (tokens, offsets, sentence of an offset)."""
from __future__ import annotations

import copy
import pickle

import pytest

from kg.api import default_pipeline
from kg.extractors import aliases, metadata
from kg.resolve import apply_facts
from kg.types import Alias, Document, Link, MetaField, Span, TextIndex, Token, TokenView

TEXT = ("作者:本报记者 王敏\n本文来源:《金融时报》\n2024年3月5日\n"
        "中国人民银行(以下简称“人民银行”)发布通知。人民银行表示，华为技术有限公司(简称华为)参与其中。")


@pytest.fixture(scope="module")
def pipeline():
    return default_pipeline()


def _prepared(pipeline, text=TEXT, **meta):
    doc = Document("d", text, meta=dict(meta))
    pipeline.analyze(doc)
    fresh = Document("d", text, meta=dict(meta), norm=doc.norm, tokens=list(doc.tokens), sentences=doc.sentences,
                     mentions=list(doc.mentions))
    return doc, fresh


@pytest.mark.parametrize("module", [aliases, metadata])
def test_propose_leaves_the_document_unchanged(pipeline, module):
    _, doc = _prepared(pipeline)
    before = copy.deepcopy(doc)
    proposals = module.propose(doc, pipeline.res)
    assert doc == before
    assert any(isinstance(p, (Alias, MetaField, Link)) for p in proposals)


def test_aliases_are_proposed():
    doc = Document("d", TEXT)
    found = aliases.propose(doc, None)
    assert [a.alias for a in found] == ["人民银行", "华为"] and doc.aliases == []


def test_metadata_proposes_fields_and_links(pipeline):
    _, doc = _prepared(pipeline)
    facts = [p for p in metadata.propose(doc, pipeline.res) if not hasattr(p, "cls")]
    fields = {f.name: f.value for f in facts if isinstance(f, MetaField)}
    links = {f.name: doc.text[f.span.start:f.span.end] for f in facts if isinstance(f, Link)}
    assert fields == {"author": "王敏", "source": "金融时报", "date": "2024-03-05", "title": fields["title"]}
    assert links == {"author": "王敏", "publishedIn": "金融时报"}


@pytest.mark.parametrize("given, expected", [
    ({}, {"author": "王敏", "source": "金融时报", "date": "2024-03-05"}),
    ({"author": "李四", "date": "2023-01-02"}, {"author": "李四", "source": "金融时报", "date": "2023-01-02"}),
])
def test_the_resolve_step_applies_them_and_user_fields_win(pipeline, given, expected):
    doc, _ = _prepared(pipeline, **given)
    assert {k: doc.meta[k] for k in expected} == expected
    assert doc.links["publishedIn"] == Span(TEXT.index("金融时报"), TEXT.index("金融时报") + 4)
    assert [a.alias for a in doc.aliases] == ["人民银行", "华为"]


def test_apply_facts_first_field_wins_and_unknown_fails():
    doc = Document("d", "x")
    apply_facts(doc, [MetaField("title", "a", "t"), MetaField("title", "b", "t"), Link("author", Span(0, 1), "t")])
    assert doc.meta == {"title": "a"} and doc.links == {"author": Span(0, 1)}
    with pytest.raises(TypeError):
        apply_facts(doc, ["not a fact"])


def test_one_explicit_index_built_once(pipeline):
    doc, _ = _prepared(pipeline)
    index = doc.index
    assert isinstance(index, TextIndex) and doc.indexed() is index
    assert list(index.ends) == [t.end for t in doc.tokens]
    pos = TEXT.index("人民银行表示")
    assert doc.sentence_of(pos) == index.sentence(pos) and doc.indexed() is index
    assert index.token(index.at(pos)) == doc.tokens[index.at(pos)]
    assert not hasattr(Document, "__getattr__")
    assert not any(k.startswith("_") for k in vars(doc))


def test_a_document_that_crossed_processes_keeps_its_index_and_tokens(pipeline):
    doc, _ = _prepared(pipeline)
    back = pickle.loads(pickle.dumps(doc))
    assert isinstance(back.tokens, TokenView) and back.index is not None
    assert list(back.tokens) == list(doc.tokens) and back.tokens[3:6] == doc.tokens[3:6]
    assert list(back.index.ends) == list(doc.index.ends)
    assert back.tokens[-1] == Token(doc.tokens[-1].text, doc.tokens[-1].start, doc.tokens[-1].end)
    again = pickle.loads(pickle.dumps(back))
    assert list(again.tokens) == list(doc.tokens)
