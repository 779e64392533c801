"""The relation model (kg/relmodel, relation-model@1): deterministic training, what propose() gives,
the threshold, and `kg train-rel` / `kg eval --format finre` through the real CLI.

The FinRE-format file is invented here (head, tail, label, sentence per line); companies and banks
are widely known names, the sentences are ours.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.pipeline import Pipeline
from kg.relmodel import model as relmodel
from kg.relmodel.train import train
from kg.types import Document

KG = str(Path(sys.executable).with_name("kg"))
HEADS = ["腾讯", "阿里巴巴", "华为", "百度", "京东", "小米"]
TAILS = ["招商银行", "中国银行", "中国工商银行", "中国建设银行", "交通银行", "中信银行"]
SHAPES = [("合作", "{h}与{t}签署战略合作协议。"), ("入股", "{h}入股{t}，持股比例为<N>%。"),
          ("收购", "{h}宣布收购{t}的部分业务。")]


def finre_lines() -> list[str]:
    rows = []
    for i, h in enumerate(HEADS):
        for j, t in enumerate(TAILS):
            label, shape = SHAPES[(i + j) % 3]
            rows.append(f"{h}\t{t}\t{label}\t{shape.format(h=h, t=t)}")
    return rows


@pytest.fixture(scope="module")
def finre(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("finre") / "train.txt"
    path.write_text("\n".join(finre_lines()) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(finre, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "rel.json"
    train(finre, [], out, split=0.8, seed=13, threshold=0.5)
    return out


def test_training_is_deterministic(finre, trained, tmp_path):
    again = tmp_path / "again.json"
    train(finre, [], again, split=0.8, seed=13, threshold=0.5)
    assert again.read_bytes() == trained.read_bytes()


def test_another_seed_holds_out_other_sentences(finre, trained, tmp_path):
    other = tmp_path / "other.json"
    meta = train(finre, [], other, split=0.8, seed=14, threshold=0.5)
    assert meta["training_data"]["seed"] == 14
    assert other.read_bytes() != trained.read_bytes()


def test_model_file_records_what_it_was_trained_on(trained):
    data = json.loads(trained.read_text(encoding="utf-8"))
    meta = data["meta"]
    assert data["threshold"] == 0.5
    assert meta["training_data"]["finre"] == "train.txt" and meta["training_data"]["finre_split"] == 0.8
    assert meta["sha256"] == relmodel.weights_hash(data["classes"], data["bias"], data["weights"])
    assert {"cooperatesWith>", "invests>", "acquires>"} <= set(meta["labels"])  # the first name is the subject
    assert set(meta["held_out_finre_by_threshold"]) == {"0.5", "0.6", "0.7"}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def model_relations(pipeline, path, text, threshold=None):
    """What relation-model@1's propose() gives on an analyzed document (before resolution)."""
    pipeline.res.memo.pop(relmodel.NAME, None)
    pipeline.res.options["relation_model"] = str(path)
    pipeline.res.options["relation_threshold"] = threshold
    try:
        doc = pipeline.analyze(Document(id="t", text=text))
        rels = relmodel.propose(doc, pipeline.res)
    finally:
        pipeline.res.memo.pop(relmodel.NAME, None)
        pipeline.res.options.pop("relation_model")
        pipeline.res.options.pop("relation_threshold")
    return doc, rels


TEXT = "小米与交通银行签署战略合作协议。百度宣布收购中信银行的部分业务。"


def test_propose_gives_evidence_extractor_and_confidence(pipeline, trained):
    doc, rels = model_relations(pipeline, trained, TEXT)
    assert rels, "the model trained on these shapes proposes relations in the same shapes"
    for r in rels:
        sentence = doc.norm[r.sentence.start:r.sentence.end]
        assert doc.norm[r.subject.start:r.subject.end] in sentence
        assert doc.norm[r.object.start:r.object.end] in sentence
        assert r.extractor == "relation-model@1"
        assert 0.5 <= r.confidence <= 1.0  # the threshold stored in the model file
    props = {(doc.norm[r.subject.start:r.subject.end], r.predicate, doc.norm[r.object.start:r.object.end])
             for r in rels}
    assert props == {("小米", "cooperatesWith", "交通银行"), ("百度", "acquires", "中信银行")}


@pytest.mark.parametrize("threshold", [0.0, 0.5, 0.8, 0.95])
def test_threshold_is_respected(pipeline, trained, threshold):
    _, rels = model_relations(pipeline, trained, TEXT, threshold)
    assert all(r.confidence >= threshold for r in rels)


def test_a_higher_threshold_gives_no_more_relations(pipeline, trained):
    counts = [len(model_relations(pipeline, trained, TEXT, t)[1]) for t in (0.0, 0.5, 0.9, 1.0)]
    assert counts == sorted(counts, reverse=True) and counts[-1] == 0 and counts[0] > 0


def test_packaged_model_loads_with_its_threshold():
    m = relmodel.load()
    assert 0 < m.threshold < 1 and m.classes[0] == "NONE"
    assert m.W.shape == (len(m.index), len(m.classes)) and m.meta["features"] == len(m.index)


def test_packaged_model_is_the_default_build(pipeline):
    """The packaged model runs in the default build (where the rules find the same fact too, the
    merged relation may carry the rule's name) and finds the cooperation on its own."""
    from kg import extractors

    assert "relation-model@1" in extractors.DEFAULT
    doc = pipeline.analyze(Document(id="t", text="华为与中国建设银行签署战略合作协议。"))
    rels = relmodel.propose(doc, pipeline.res)
    assert {(r.subject.text, r.predicate, r.object.text, r.extractor) for r in rels} == {
        ("华为", "cooperatesWith", "中国建设银行", "relation-model@1")}


@pytest.mark.parametrize("content, message", [
    ("not json", "not a relation model"),
    ('{"feature_version": 0, "classes": [], "bias": [], "weights": {}}', "feature set"),
])
def test_bad_model_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    from kg.errors import InputError
    with pytest.raises(InputError, match=message):
        relmodel.load(path)


def run(*args, timeout=120):
    return subprocess.run([KG, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def test_cli_train_rel_then_eval(finre, tmp_path):
    out = tmp_path / "rel.json"
    r = run("train-rel", "--finre", finre, "-o", out, "--split", "0.8", "--seed", "13")
    assert r.returncode == 0, r.stderr
    assert "held-out FinRE pairs" in r.stderr and out.exists()
    again = tmp_path / "rel2.json"
    assert run("train-rel", "--finre", finre, "-o", again).returncode == 0
    assert again.read_bytes() == out.read_bytes()
    r = run("train-rel", "--finre", finre, "-o", out)
    assert r.returncode != 0 and "exists" in r.stderr and "--force" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1

    r = run("eval", finre, "--format", "finre", "--split", "0.8", "--seed", "13")
    assert r.returncode == 0, r.stderr
    assert "held-out 20% (seed 13)" in r.stdout
    overall = next(line for line in r.stdout.splitlines() if line.startswith("overall"))
    gold, pred, tp = map(int, overall.split()[2:5])
    assert gold == 8 and 0 < tp <= min(gold, pred)


@pytest.mark.parametrize("args, message", [
    (["--finre", "missing.txt"], "no such file"),
    ([], "nothing to train on"),
])
def test_cli_train_rel_errors(tmp_path, args, message):
    r = run("train-rel", *args, "-o", tmp_path / "m.json")
    assert r.returncode != 0
    assert r.stderr.startswith("kg: error:") and message in r.stderr


def test_packaged_model_records_held_out_finre():
    """The packaged model keeps its held-out FinRE figures (what `kg eval --split` re-measures)."""
    held = relmodel.load().meta["held_out_finre"]
    assert held["precision"] >= 0.75 and held["recall"] >= 0.35 and held["examples"] > 0


@pytest.mark.parametrize("cls, prop, forward", [
    ("acquires>", "acquires", True), ("acquires<", "acquires", False),
    ("cooperatesWith>", "cooperatesWith", True), ("worksFor<", "worksFor", False),
])
def test_class_names_carry_the_direction(cls, prop, forward):
    assert relmodel.direction(cls) == (prop, forward)
    assert relmodel.label(prop, forward) == cls


def test_symmetric_property_has_one_direction():
    assert relmodel.label("cooperatesWith", False) == "cooperatesWith>"


SENTENCES = ["小米与交通银行签署战略合作协议，华为、百度和京东也参与了合作。",
             "百度宣布收购中信银行的部分业务，腾讯董事长马化腾表示支持。"]


@pytest.mark.parametrize("text", SENTENCES)
def test_sentence_pass_gives_the_features_of_any_pair(pipeline, text):
    """SentencePairs (one pass per sentence, used by predict) and pair_features (any two mentions,
    used for gold pairs in training) describe a candidate identically, whichever end comes first."""
    from kg.relmodel.features import SentencePairs, pair_features

    doc = pipeline.analyze(Document(id="t", text=text))
    seen = 0
    for sentence in doc.sentences:
        sp = SentencePairs(doc, sentence)
        for i, j in sp.pairs:
            inner = sp.ms[i + 1:j]
            assert sp.features(i, j) == pair_features(doc, sp.ms[i], sp.ms[j], inner)
            assert pair_features(doc, sp.ms[j], sp.ms[i], inner) == sp.features(i, j)
            seen += 1
    assert seen > 0
