"""The CRF recognizer: BIO conversion, splits, training, lazy loading and the crf@1 extractor."""
from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import ner
from kg.cli import cli
from kg.errors import InputError
from kg.extractors import crf
from kg.ontology import ENTITY_CLASSES
from kg.types import Document, Token

SHARED = Path(__file__).resolve().parents[2] / "shared"
CLUENER = SHARED / "data" / "cluener" / "train.json"

# Invented names, written for these tests.
PEOPLE = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]
COMPANIES = ["华星科技有限公司", "东岳数据股份有限公司", "青禾银行", "远帆证券公司", "明川电子集团"]
PLACES = ["北京", "上海", "深圳", "杭州", "成都"]
AGENCIES = ["财政部", "商务部", "审计署"]
TEMPLATES = [
    ("{p}在{c}工作。", ("p", "c")),
    ("{c}总部位于{l}。", ("c", "l")),
    ("{a}今天发布了新规定，{c}表示支持。", ("a", "c")),
    ("{p}出任{c}董事长。", ("p", "c")),
    ("据{a}消息，{l}的{c}获批。", ("a", "l", "c")),
]
LABELS = {"p": "name", "c": "company", "l": "address", "a": "government"}


def synthetic_records(n: int = 80) -> list[dict]:
    """CLUENER-format records from the templates, deterministic."""
    pools = {"p": PEOPLE, "c": COMPANIES, "l": PLACES, "a": AGENCIES}
    cycles = {k: itertools.cycle(v) for k, v in pools.items()}
    records = []
    for i in range(n):
        template, slots = TEMPLATES[i % len(TEMPLATES)]
        values = {k: next(cycles[k]) for k in slots}
        text = template.format(**values)
        label: dict = {}
        for k, v in values.items():
            start = text.index(v)
            label.setdefault(LABELS[k], {}).setdefault(v, []).append([start, start + len(v) - 1])
        records.append({"text": text, "label": label})
    return records


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ner") / "train.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in synthetic_records()),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model(data_file, tmp_path_factory) -> ner.NerModel:
    out = tmp_path_factory.mktemp("model") / "tiny.crf"
    ner.train(ner.load_examples(data_file), out, max_iterations=40)
    return ner.load(out)


@pytest.mark.parametrize("text, spans, tags", [
    ("张伟在北京", [ner.Span(0, 2, "Person"), ner.Span(3, 5, "Place")],
     ["B-Person", "I-Person", "O", "B-Place", "I-Place"]),
    ("abc", [], ["O", "O", "O"]),
    ("甲乙丙", [ner.Span(0, 3, "Company"), ner.Span(1, 2, "Person")], ["B-Company", "I-Company", "I-Company"]),
    ("甲乙", [ner.Span(1, 5, "Company")], ["O", "O"]),  # out of range: ignored
])
def test_to_bio(text, spans, tags):
    assert ner.to_bio(text, spans) == tags


@pytest.mark.parametrize("tags, spans", [
    (["B-A", "I-A", "O", "B-B"], [(0, 2, "A"), (3, 4, "B")]),
    (["I-A", "I-A"], [(0, 2, "A")]),  # a stray I- starts a span
    (["B-A", "I-B"], [(0, 1, "A"), (1, 2, "B")]),
    (["O", ""], []),
    ([], []),
])
def test_from_bio(tags, spans):
    assert ner.from_bio(tags) == spans


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from(["A", "B"])), max_size=6))
def test_bio_round_trip_keeps_non_overlapping_spans(raw):
    text = "字" * 40
    spans, taken = [], set()
    for start, length, label in raw:
        cells = set(range(start, start + length))
        if not cells & taken:
            spans.append(ner.Span(start, start + length, label))
            taken |= cells
    decoded = ner.from_bio(ner.to_bio(text, spans))
    assert sorted(decoded) == sorted((s.start, s.end, s.label) for s in spans)


def test_map_label():
    assert [ner.map_label(x) for x in ("company", "NAME", "Platform", "position")] == [
        "Company", "Person", "Platform", "position"]


def test_split_is_deterministic_disjoint_and_complete():
    items = list(range(100))
    train, test = ner.split_examples(items, 0.8, seed=5)
    assert (train, test) == ner.split_examples(items, 0.8, seed=5)
    assert len(train) == 80 and sorted(train + test) == items
    assert ner.split_examples(items, 0.8, seed=6) != (train, test)
    with pytest.raises(InputError):
        ner.split_examples(items, 1.5)


def test_read_cluener_reports_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "甲", "label": {}}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2"):
        list(ner.read_cluener(path))
    with pytest.raises(InputError, match="no such file"):
        list(ner.read_cluener(tmp_path / "missing.jsonl"))


def test_train_ner_refuses_texts_without_labels(tmp_path):
    """A JSONL corpus of plain texts (kg build's input) is no training data: one line naming the file."""
    data = tmp_path / "corpus.jsonl"
    data.write_text('{"id": "a", "text": "甲乙银行发布公告。"}\n{"id": "b", "text": "丙丁公司成立。"}\n',
                    encoding="utf-8")
    out = tmp_path / "x.crf"
    proc = subprocess.run([str(Path(sys.executable).with_name("kg")), "train-ner", str(data), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and not out.exists()
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("kg: error: ") and str(data) in proc.stderr
    assert "label" in proc.stderr and "training a CRF" not in proc.stderr


def test_features_cover_every_character():
    text = "华星科技在北京, ABC 123！"
    feats = ner.sentence_features(text)
    assert len(feats) == len(text)
    assert "sur" in ner.sentence_features("张伟")[0] and "sur" not in ner.sentence_features("的确")[0]
    assert any(f.startswith("ty=L") for f in feats[text.index("A")])
    assert any(f.startswith("ty=D") for f in feats[text.index("1")])


def test_train_predict_round_trip(model):
    assert model.classes == ["Company", "GovernmentAgency", "Person", "Place"]
    hits = total = 0
    for record in synthetic_records(20):
        text = record["text"]
        gold = {(s.start, s.end, ner.map_label(s.label)) for s in ner.record_spans(record)}
        spans = model.predict(text)
        for s in spans:
            assert 0 <= s.start < s.end <= len(text)
            assert s.label in ENTITY_CLASSES and 0.0 < s.confidence <= 1.0
        hits += len(gold & {(s.start, s.end, s.label) for s in spans})
        total += len(gold)
    assert hits / total > 0.9  # it learned its own training data


def test_load_is_lazy_and_checks_the_header(model, tmp_path):
    fresh = ner.load(model.path)
    assert fresh._tagger is None
    fresh.predict("张伟在北京。")
    assert fresh._tagger is not None
    bad = tmp_path / "bad.crf"
    bad.write_bytes(b"not a model")
    with pytest.raises(InputError, match="not a zhkg NER model"):
        ner.load(bad)
    with pytest.raises(InputError, match="no such NER model"):
        ner.load(tmp_path / "none.crf")


def test_empty_text_and_no_examples(model, tmp_path):
    assert model.predict("") == []
    with pytest.raises(InputError):
        ner.train([], tmp_path / "x.crf")


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="张李王伟娜在北京上海公司银行部的了。，ABC 12繁體", max_size=60))
def test_extractor_offsets_always_slice_the_text(model, text):
    doc = Document("d", text)
    for m in crf.propose(doc, model):
        assert doc.text[m.start:m.end] == m.text and m.text.strip() == m.text
        assert m.extractor == crf.NAME == "crf@1"


def test_extractor_reads_norm_and_reports_original_text(model):
    text = "張偉在青禾銀行工作。"  # Traditional 張偉, 銀
    norm = "张伟在青禾银行工作。"
    tokens = [Token("张伟", 0, 2), Token("在", 2, 3), Token("青禾", 3, 5), Token("银行", 5, 7),
              Token("工作", 7, 9), Token("。", 9, 10)]
    mentions = crf.propose(Document("d", text, norm=norm, tokens=tokens), model)
    found = {(m.text, m.cls, m.canonical) for m in mentions}
    assert found == {("張偉", "Person", "张伟"), ("青禾銀行", "Company", "青禾银行")}


def test_extractor_accepts_resources_and_paths(model):
    class Res:
        options = {"ner_model": str(model.path)}

    res = Res()
    doc = Document("d", "李娜在青禾银行工作。")
    assert crf.propose(doc, res) == crf.propose(doc, model.path)
    assert isinstance(res.options["ner_model"], ner.NerModel)  # loaded once, then reused
    Res.options = {}
    assert crf.propose(doc, Res()) == []


@pytest.mark.parametrize("text, expected", [
    ("招行”", "招行"),
    ("“招行", "招行"),
    ("工行”)", "工行"),
    ("“星展中国”南宁分行", "“星展中国”南宁分行"),  # the quote's partner is inside: kept
    ("苏格兰皇家银行(RBS)", "苏格兰皇家银行(RBS)"),
    (" 张伟，", "张伟"),
    ("”）", ""),
])
def test_trim(text, expected):
    start, end = crf.trim(text, 0, len(text))
    assert text[start:end] == expected


@pytest.mark.parametrize("span, ok", [
    ("招商银行", True), ("“星展中国”南宁分行", True), ("苏格兰皇家银行(RBS)", True), ('a"b"c', True),
    ("招商银行”)总部", False), ("(RBS", False), ("《书》)", False), ("“a(b”)", False),
])
def test_balanced(span, ok):
    assert crf.balanced(span) is ok


def test_low_confidence_mentions_are_dropped(model):
    class Res:
        options = {"ner_model": model, "ner_min_confidence": 1.01}

    assert crf.propose(Document("d", "李娜在青禾银行工作。"), Res()) == []


@given(st.text(alphabet="ab。\n！", max_size=500), st.integers(5, 50))
def test_chunks_tile_the_text(text, limit):
    parts = crf.chunks(text, limit)
    assert "".join(text[s:e] for s, e in parts) == text
    assert all(0 < e - s <= limit for s, e in parts)


def test_cli_train_ner(data_file, tmp_path):
    runner = CliRunner()
    out = tmp_path / "m.crf"
    result = runner.invoke(cli, ["train-ner", str(data_file), "-o", str(out), "--iterations", "5",
                                 "--split", "0.5"])
    assert result.exit_code == 0, result.output
    assert ner.load(out).meta["examples"] == 40
    again = runner.invoke(cli, ["train-ner", str(data_file), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
    missing = runner.invoke(cli, ["train-ner", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "n.crf")])
    assert missing.exit_code == 1
    assert missing.output.strip().count("\n") == 0 and "Traceback" not in missing.output


@pytest.mark.skipif(not CLUENER.is_file(), reason="../shared/data/cluener is absent")
def test_small_cluener_model_generalises(tmp_path):
    examples = ner.load_examples(CLUENER, limit=600)
    train, held = ner.split_examples(examples, 0.8, seed=13)
    ner.train(train, tmp_path / "c.crf", max_iterations=30)
    model = ner.load(tmp_path / "c.crf")
    gold = pred = hit = 0
    for ex in held:
        g = {(s.start, s.end, s.label) for s in ex.spans if s.label in ENTITY_CLASSES}
        p = {(s.start, s.end, s.label) for s in model.predict(ex.text)}
        gold, pred, hit = gold + len(g), pred + len(p), hit + len(g & p)
    assert pred > 0 and hit / gold > 0.15  # 480 sentences already beat chance by far


def test_cli_eval_scores_the_held_out_part(data_file, model):
    result = CliRunner().invoke(cli, ["eval", str(data_file), "--split", "0.5", "--ner-model", str(model.path),
                                      "--ner-only", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["docs"] == 40 and "held-out 50%" in report["title"]
    # the tiny model saw every template, so the held-out half is easy
    assert report["sections"]["entities"]["groups"]["company+government+name"]["f1"] > 0.8
