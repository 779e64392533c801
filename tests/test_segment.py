"""kg.segment gives jieba's tokens exactly (jieba-rs runs them), with offsets that tile the text."""
from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import EXAMPLES, SEED, SHARED


@pytest.fixture(scope="module")
def reference(pipeline):
    """A pure-Python jieba tokenizer given the same words, as kg.segment once used."""
    import jieba

    tok = jieba.Tokenizer()
    tok.initialize()
    for word in sorted({s for e in pipeline.lexicon.entries for s in e.surfaces}):
        if len(word) > 1:
            tok.add_word(word, freq=max(50000, tok.suggest_freq(word, False)))
    return tok


@pytest.fixture(scope="module")
def segmenter(pipeline):
    return pipeline.res.segmenter


def _same(reference, segmenter, text: str) -> None:
    tokens = segmenter.tokenize(text)
    assert [t.text for t in tokens] == reference.lcut(text, HMM=True)
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.start:t.end] == t.text for t in tokens)


@pytest.mark.parametrize("text", [
    "中国工商银行推出e-CNY服务，网址t.cn/abc，2022-10-19发布。",
    "Dota6.72c版本上线，涨幅1.26A%与4.58%。",     # digits with decimals in the HMM
    "空军基地的x-51a项目经理查理说道。",           # a lexicon word after an ASCII run
    "今年邮市快速回升应属合理上涨行情。",           # a route that depends on the dictionary total
    "不经经经人说哈哈哈哈",                         # HMM ties: jieba-rs would break them differently
    "㐀㐁𠀀字鿖鿿豈 Ａ股\r\n\t C++ C# .NET",       # CJK extensions, whitespace, symbols
    "", " ", "\r\n", "。", "a", "融安e信",
])
def test_tokens_are_jiebas(reference, segmenter, text):
    _same(reference, segmenter, text)


def test_example_articles(reference, segmenter):
    for path in sorted(EXAMPLES.glob("*.txt")):
        _same(reference, segmenter, path.read_text(encoding="utf-8"))


def test_seed_article(reference, segmenter):
    if not SEED.exists():
        pytest.skip("../shared/seeds is absent")
    _same(reference, segmenter, SEED.read_text(encoding="utf-8"))


def test_cluener_sentences(reference, segmenter):
    path = SHARED / "data" / "cluener" / "train.json"
    if not path.exists():
        pytest.skip("../shared/data is absent")
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in random.Random(5).sample(lines, 2000):
        _same(reference, segmenter, json.loads(line)["text"])


ALPHABET = st.sampled_from(list(
    "的一是在不了有和人中国工商银行推出产品金融科技区块链平台数字人民币应属合理项目经理查理"
    "ABCXYZabcxyz0123456789.-_%+#&@/:，。、；：？！“”《》（）—…·　 \t\n\r㐀𠀀鿖豈Ａ１"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_random_text(reference, segmenter, text):
    _same(reference, segmenter, text)


@pytest.mark.parametrize("text, words", [
    ("青禾银行行长王建国表示", ["青禾", "银行", "行长"]),
    ("河州大学教授说", ["河州", "大学", "教授"]),
    ("星河协会会长王建国", ["星河", "协会", "会长"]),
    ("银行业发展", ["银行业"]),                       # no compound: the tokens are jieba's
])
def test_title_compounds_are_split(segmenter, text, words):
    from kg.segment import split_titles

    tokens = split_titles(text, segmenter.tokenize(text))
    texts = [t.text for t in tokens]
    assert all(w in texts for w in words)
    assert "".join(texts) == text and all(text[t.start:t.end] == t.text for t in tokens)
