"""Scoring: counts, exact spans, class mapping, whole-document matching, relation datasets, CLI."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import evaluate as ev
from kg.cli import cli
from kg.errors import InputError
from kg.evaluate import Counts, PredDoc, PredEntity, PredMetric, Report, Section
from kg.ontology import ENTITY_CLASSES

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = SHARED / "data"
GOLD_DIR = Path(__file__).resolve().parent / "gold"


@pytest.mark.parametrize("tp, fp, fn, p, r, f", [
    (8, 2, 2, 0.8, 0.8, 0.8),
    (1, 0, 3, 1.0, 0.25, 0.4),
    (0, 5, 5, 0.0, 0.0, 0.0),
    (0, 0, 0, 0.0, 0.0, 0.0),  # nothing to score: 0.0, not a division error
    (0, 0, 4, 0.0, 0.0, 0.0),
])
def test_counts(tp, fp, fn, p, r, f):
    c = Counts(tp, fp, fn)
    assert (c.precision, c.recall) == pytest.approx((p, r)) and c.f1 == pytest.approx(f)
    assert c.as_dict()["gold"] == tp + fn and c.as_dict()["pred"] == tp + fp


TEXT = "青禾银行北京分行行长张伟说"


@pytest.mark.parametrize("gold, pred, counts, reasons", [
    # exact match
    ([(0, 4, "company")], [(0, 4, "company")], {"company": (1, 0, 0)}, []),
    # boundary error: one FP and one FN, both called boundary
    ([(0, 4, "company")], [(0, 8, "company")], {"company": (0, 1, 1)},
     [("FN", "boundary"), ("FP", "boundary")]),
    # same span, other class
    ([(10, 12, "name")], [(10, 12, "address")], {"name": (0, 0, 1), "address": (0, 1, 0)},
     [("FN", "class"), ("FP", "class")]),
    # nothing found / nothing there
    ([(10, 12, "name")], [], {"name": (0, 0, 1)}, [("FN", "missed")]),
    ([], [(4, 6, "address")], {"address": (0, 1, 0)}, [("FP", "spurious")]),
    ([], [], {}, []),
    # duplicates count once
    ([(0, 4, "company"), (0, 4, "company")], [(0, 4, "company")] * 3, {"company": (1, 0, 0)}, []),
])
def test_score_spans(gold, pred, counts, reasons):
    sec, errors = Section(), []
    ev.score_spans(gold, pred, sec, text=TEXT, doc="d", errors=errors, sources={p: "rule@1" for p in pred})
    assert {k: (c.tp, c.fp, c.fn) for k, c in sec.counts.items()} == counts
    assert [(e.kind, e.reason) for e in errors] == reasons
    for e in errors:
        assert "【" + e.text + "】" in e.context
        assert e.extractor == ("rule@1" if e.kind == "FP" else "")


def test_section_totals_and_macro_average():
    sec = Section(groups={"ab": ("a", "b")})
    sec.counts = {"a": Counts(1, 0, 0), "b": Counts(0, 1, 1), "c": Counts(2, 2, 0), "d": Counts(0, 3, 0)}
    assert (sec.total().tp, sec.total().fp, sec.total().fn) == (3, 6, 1)
    assert sec.total(("a", "b")).f1 == pytest.approx(0.5)
    # macro over classes that have gold (d has none): (1 + 0 + 2/3) / 3
    assert sec.macro_f1() == pytest.approx((1 + 0 + 2 / 3) / 3)


def stub(preds: dict[str, PredDoc]):
    return lambda items, paths=None: {doc_id: preds.get(doc_id, PredDoc()) for doc_id, _ in items}


CLUENER_RECORDS = [
    {"text": "青禾银行与财政部在北京签约", "label": {
        "company": {"青禾银行": [[0, 3]]}, "government": {"财政部": [[5, 7]]}, "address": {"北京": [[9, 10]]}}},
    {"text": "张伟任远帆研究院院长", "label": {
        "name": {"张伟": [[0, 1]]}, "organization": {"远帆研究院": [[3, 7]]}, "position": {"院长": [[8, 9]]},
        "book": {"不计分": [[0, 0]]}}},
]


@pytest.mark.parametrize("mentions, expected", [
    # subclasses map to the CLUENER type; Product is not scored at all
    ({"1": [(0, 4, "FinancialInstitution"), (5, 8, "GovernmentAgency"), (9, 11, "Place"), (9, 11, "Product")],
      "2": [(0, 2, "Person"), (3, 8, "ResearchInstitute")]},
     {"company": (1, 0, 0), "government": (1, 0, 0), "address": (1, 0, 0), "name": (1, 0, 0),
      "organization": (1, 0, 0)}),
    ({"1": [(0, 2, "Company")], "2": [(3, 8, "OrganizationUnit"), (0, 2, "Place")]},
     {"company": (0, 1, 1), "government": (0, 0, 1), "address": (0, 1, 1), "name": (0, 0, 1),
      "organization": (1, 0, 0)}),
])
def test_eval_cluener_maps_classes(mentions, expected):
    preds = {k: PredDoc(mentions=v) for k, v in mentions.items()}
    preds["2"].entities["p"] = PredEntity("p", "张伟", "Person", {"张伟"}, {"院长"})
    report = ev.eval_cluener(CLUENER_RECORDS, stub(preds), Report("t"))
    sec = report.sections["entities"]
    assert {k: (c.tp, c.fp, c.fn) for k, c in sec.counts.items()} == expected
    assert set(sec.counts) == set(ev.CLUENER_ORDER)  # book is ignored
    jobs = report.sections["position vs jobTitle (strings)"].counts["position"]
    assert (jobs.tp, jobs.fp, jobs.fn) == (1, 0, 0)


GOLD_DOC = {
    "document": "a.txt", "source": "x",
    "entities": [
        {"name": "中国工商银行", "class": "FinancialInstitution", "aliases": ["工行", "ICBC"]},
        {"name": "青禾银行", "class": "FinancialInstitution", "aliases": []},
        {"name": "张伟", "class": "Person", "aliases": [], "jobTitle": "行长"},
        {"name": "工信部", "class": "GovernmentAgency", "aliases": []},
    ],
    "relations": [
        {"subject": "张伟", "predicate": "worksFor", "object": "中国工商银行"},
        {"subject": "中国工商银行", "predicate": "cooperatesWith", "object": "青禾银行"},
        {"subject": "青禾银行", "predicate": "acquires", "object": "工行"},
    ],
    "metrics": [{"subject": "中国工商银行", "label": "客户", "value": "700000000", "unit": "户", "qualifier": None},
                {"subject": "青禾银行", "label": "网点", "value": "5", "unit": "个", "qualifier": None}],
    "article": {"author": "张伟", "datePublished": "2022-10-19"},
}


def pred_doc() -> PredDoc:
    ents = {
        "e:icbc": PredEntity("e:icbc", "工行", "Company", {"工行", "工商银行"}),  # alias + superclass
        "e:qh": PredEntity("e:qh", "青禾银行", "FinancialInstitution", {"青禾银行"}),
        "e:zw": PredEntity("e:zw", "张伟", "Place", {"张伟"}, {"行长"}),  # incompatible class
        "e:x": PredEntity("e:x", "红星", "Organization", {"红星"}),
    }
    return PredDoc(
        entities=ents,
        relations=[("e:qh", "cooperatesWith", "e:icbc"),  # symmetric: reversed still matches
                   ("e:icbc", "acquires", "e:qh"),  # wrong direction
                   ("e:zw", "worksFor", "e:icbc")],  # subject has the wrong class
        metrics=[PredMetric("e:icbc", "客户", Decimal("700000000"), "户"),
                 PredMetric("e:icbc", "网点", Decimal("5"), "个")],
        article={"author": "张伟", "datePublished": "2022-10-20"})


def test_match_entities_by_alias_and_compatible_class():
    gold = GOLD_DOC["entities"]
    matched = ev.match_entities(gold, pred_doc().entities)
    assert matched == {0: "e:icbc", 1: "e:qh"}
    # one to one: a second gold entity sharing a name does not reuse the prediction
    assert ev.match_entities(gold[:1] * 2, pred_doc().entities) == {0: "e:icbc"}
    # the same canonical name wins over an alias-only match
    ents = {"a": PredEntity("a", "工行", "FinancialInstitution", {"工行"}),
            "b": PredEntity("b", "中国工商银行", "Company", {"中国工商银行"})}
    assert ev.match_entities(gold[:1], ents) == {0: "b"}


def test_score_doc():
    report = Report("doc")
    ev.score_doc(GOLD_DOC, pred_doc(), report, errors=True)
    s = report.sections
    ents = {k: (c.tp, c.fp, c.fn) for k, c in s["entities"].counts.items()}
    assert ents == {"FinancialInstitution": (2, 0, 0), "Person": (0, 0, 1), "GovernmentAgency": (0, 0, 1),
                    "Place": (0, 1, 0), "Organization": (0, 1, 0)}
    rels = {k: (c.tp, c.fp, c.fn) for k, c in s["relations"].counts.items()}
    # worksFor: gold 张伟 matched no entity (the prediction is a Place), so its relation fails too
    assert rels == {"worksFor": (0, 1, 1), "cooperatesWith": (1, 0, 0), "acquires": (0, 1, 1)}
    assert (s["metrics"].counts["metric"].tp, s["metrics"].counts["metric"].fp) == (1, 1)
    assert s["metrics (value only)"].counts["metric"].tp == 2
    assert s["metric qualifiers"].counts["qualifier"].tp == 1
    art = s["article"].counts
    assert (art["author"].tp, art["datePublished"].fn, art["datePublished"].fp) == (1, 1, 1)
    assert s["jobTitle"].counts["jobTitle"].fn == 1  # the person was not matched
    kinds = {(e.kind, e.section) for e in report.errors}
    assert ("FN", "entities") in kinds and ("FP", "relations") in kinds


@pytest.mark.parametrize("predicted, counts", [
    # the optional entity and its relation are found: no hit, no false positive
    (True, {"entities": (1, 0, 0), "relations": (0, 0, 0), "metrics": (0, 0, 0)}),
    # nothing optional is found: nothing is missed either
    (False, {"entities": (1, 0, 0), "relations": (0, 0, 0), "metrics": (0, 0, 0)}),
])
def test_optional_gold_items(predicted, counts):
    gold = {"document": "o", "entities": [
        {"name": "青禾银行", "class": "FinancialInstitution", "aliases": []},
        {"name": "金融云平台", "class": "Platform", "aliases": [], "optional": True}],
        "relations": [{"subject": "青禾银行", "predicate": "develops", "object": "金融云平台"}],
        "metrics": [{"subject": "金融云平台", "label": "客户", "value": "30", "unit": "家", "optional": True}]}
    ents = ents_of(("青禾银行", "FinancialInstitution"))
    pred = PredDoc(entities=ents)
    if predicted:
        pred.entities.update(ents_of(("金融云平台", "Platform")))
        pred.relations.append(("青禾银行", "develops", "金融云平台"))
        pred.metrics.append(PredMetric("金融云平台", "客户", Decimal(30), "家"))
    report = Report("o")
    ev.score_doc(gold, pred, report)
    got = {k: (report.sections[k].total().tp, report.sections[k].total().fp, report.sections[k].total().fn)
           for k in counts}
    assert got == counts


@pytest.mark.parametrize("unit, subject, strict, lenient", [
    ("户", "a", (1, 0, 0), (1, 0, 0)),
    ("家", "a", (0, 1, 1), (1, 0, 0)),  # wrong unit: only the value-only table accepts it
    ("户", "b", (0, 1, 1), (1, 0, 0)),  # wrong subject
])
def test_metric_matching(unit, subject, strict, lenient):
    gold = {"document": "m", "entities": [{"name": "甲", "class": "Company"}, {"name": "乙", "class": "Company"}],
            "metrics": [{"subject": "甲", "label": "客户", "value": "7E8", "unit": "户", "qualifier": None}]}
    pred = PredDoc(entities={"a": PredEntity("a", "甲", "Company", {"甲"}), "b": PredEntity("b", "乙", "Company", {"乙"})},
                   metrics=[PredMetric(subject, "个人客户", Decimal("700000000"), unit)])
    report = Report("m")
    ev.score_doc(gold, pred, report)
    as_tuple = lambda c: (c.tp, c.fp, c.fn)  # noqa: E731
    assert as_tuple(report.sections["metrics"].counts["metric"]) == strict
    assert as_tuple(report.sections["metrics (value only)"].counts["metric"]) == lenient


def ents_of(*pairs: tuple[str, str]) -> dict[str, PredEntity]:
    return {n: PredEntity(n, n, c, {n}) for n, c in pairs}


def test_score_doc_empty_prediction():
    report = Report("doc")
    ev.score_doc(GOLD_DOC, PredDoc(), report)
    assert report.sections["entities"].total().fn == 4 and report.sections["entities"].total().fp == 0
    assert report.sections["relations"].total().fn == 3


TRIG = """
@prefix zkg: <https://w3id.org/zhkg/ontology#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <https://w3id.org/zhkg/id/entity/> .
@prefix d: <https://w3id.org/zhkg/id/doc/> .

d:a\\.txt {
  d:a\\.txt a zkg:Article, nif:Context ; dcterms:identifier "a.txt" ; zkg:author e:zw ;
      zkg:publishedIn e:pub ; zkg:datePublished "2022-10-19"^^xsd:date .
  e:pub a zkg:Publication ; rdfs:label "Example Finance"@en, "示例财经"@zh .
  e:icbc a zkg:FinancialInstitution, zkg:Company ; rdfs:label "中国工商银行"@zh, "ICBC"@en ;
      skos:altLabel "工行"@zh ; zkg:hasMetric <https://w3id.org/zhkg/id/doc/a.txt#metric=3,6> .
  e:qh a zkg:FinancialInstitution ; rdfs:label "青禾银行"@zh .
  e:zw a zkg:Person ; rdfs:label "张伟"@zh ; zkg:jobTitle "行长"@zh .
  <https://w3id.org/zhkg/id/doc/a.txt#char=0,2> a nif:Phrase ; nif:referenceContext d:a\\.txt ;
      nif:beginIndex 0 ; nif:endIndex 2 ; nif:anchorOf "工行" ; itsrdf:taIdentRef e:icbc ;
      itsrdf:taClassRef zkg:FinancialInstitution ; zkg:extractor "gazetteer@1" .
  <https://w3id.org/zhkg/id/doc/a.txt#char=3,5> a nif:Phrase ; nif:referenceContext d:a\\.txt ;
      nif:beginIndex 3 ; nif:endIndex 5 ; nif:anchorOf "张伟" ; itsrdf:taIdentRef e:zw ;
      itsrdf:taClassRef zkg:Person .
  <https://w3id.org/zhkg/id/doc/a.txt#char=6,10> a nif:Phrase ; nif:referenceContext d:a\\.txt ;
      nif:beginIndex 6 ; nif:endIndex 10 ; nif:anchorOf "青禾银行" ; itsrdf:taIdentRef e:qh ;
      itsrdf:taClassRef zkg:FinancialInstitution .
  <https://w3id.org/zhkg/id/doc/a.txt#sentence=0,12> a nif:Sentence ; nif:referenceContext d:a\\.txt ;
      nif:beginIndex 0 ; nif:endIndex 12 .
  e:zw zkg:worksFor e:icbc .
  <https://w3id.org/zhkg/id/doc/a.txt#stmt-1> a rdf:Statement ; rdf:subject e:zw ;
      rdf:predicate zkg:worksFor ; rdf:object e:icbc ; prov:wasDerivedFrom d:a\\.txt .
  <https://w3id.org/zhkg/id/doc/a.txt#metric=3,6> a zkg:Metric ; rdfs:label "客户"@zh ;
      zkg:value 700000000.0 ; zkg:unit "户" .
}
"""


@pytest.fixture()
def graph_file(tmp_path) -> Path:
    path = tmp_path / "built.trig"
    path.write_text(TRIG, encoding="utf-8")
    return path


def test_read_graph(graph_file):
    docs = ev.graph_predictor(graph_file)([("a.txt", ""), ("other", "")])
    doc = docs["a.txt"]
    assert docs["other"] == PredDoc()
    assert doc.mentions == [(0, 2, "FinancialInstitution"), (3, 5, "Person"), (6, 10, "FinancialInstitution")]
    assert doc.sources == {(0, 2, "FinancialInstitution"): "gazetteer@1"}
    icbc = doc.entities["https://w3id.org/zhkg/id/entity/icbc"]
    assert (icbc.name, icbc.cls) == ("中国工商银行", "FinancialInstitution")
    assert {"中国工商银行", "ICBC", "工行"} <= icbc.names
    assert doc.entities["https://w3id.org/zhkg/id/entity/zw"].job_titles == {"行长"}
    assert doc.relations == [("https://w3id.org/zhkg/id/entity/zw", "worksFor",
                              "https://w3id.org/zhkg/id/entity/icbc")]
    assert [(m.label, m.value) for m in doc.metrics] == [("客户", Decimal("700000000"))]
    # the Chinese label of the publication wins over the English one
    assert doc.article == {"author": "张伟", "datePublished": "2022-10-19", "publishedIn": "示例财经"}


def test_doc_gold_against_a_built_graph(graph_file, tmp_path):
    gold = tmp_path / "a.json"
    gold.write_text(json.dumps(GOLD_DOC, ensure_ascii=False), encoding="utf-8")
    report = ev.evaluate(gold, graph=graph_file)
    s = report.sections
    assert (s["entities"].total().tp, s["entities"].total().fp, s["entities"].total().fn) == (3, 0, 1)
    assert s["relations"].counts["worksFor"].tp == 1 and s["jobTitle"].counts["jobTitle"].tp == 1
    assert s["metrics"].counts["metric"].tp == 1
    assert s["article"].total().tp == 2


FINRE_LINES = [
    "甲公司\t乙公司\t收购\t甲公司宣布收购乙公司全部股权",
    "乙公司\t甲公司\t被收购\t甲公司宣布收购乙公司全部股权",
    "",
    "丙集团\t丁银行\tunknown\t丙集团与丁银行今年<N>月签署合作协议",
    "丙集团\t丁银行\t合作\t丙集团与丁银行今年<N>月签署合作协议",
]


def ents(*names: str) -> dict[str, PredEntity]:
    return {n: PredEntity(n, n, "Company", {n}) for n in names}


def test_finre(tmp_path):
    path = tmp_path / "finre.txt"
    path.write_text("\n".join(FINRE_LINES) + "\n", encoding="utf-8")
    golds = ev.read_finre(path)
    assert [g.relations for g in golds] == [{("甲公司", "acquires", "乙公司")},
                                            {("丙集团", "cooperatesWith", "丁银行")}]
    assert "0月" in golds[1].text  # placeholder replaced
    preds = {
        "1": PredDoc(entities=ents("甲公司", "乙公司"),
                     relations=[("乙公司", "acquires", "甲公司"), ("甲公司", "acquires", "乙公司")]),
        "2": PredDoc(entities=ents("丁银行", "戊"),
                     relations=[("丁银行", "cooperatesWith", "戊")]),  # not an annotated pair
    }
    report = ev.eval_relations(golds, stub(preds), Report("f"))
    rels = report.sections["relations"].counts
    assert (rels["acquires"].tp, rels["acquires"].fp) == (1, 1)
    assert (rels["cooperatesWith"].tp, rels["cooperatesWith"].fn) == (0, 1)
    ends = report.sections["relation ends (entity recall)"].counts["entity"]
    assert (ends.tp, ends.fn) == (3, 1)
    assert "1 predicted relations" in report.notes[0]
    assert ev.evaluate(path, predictor=stub(preds)).sections["relations"].total().tp == 1


def test_duie(tmp_path):
    records = [
        {"text": "青禾银行董事长张伟表示，青禾银行（简称青行）总部位于杭州",
         "spo_list": [
             {"predicate": "董事长", "subject": "青禾银行", "object": {"@value": "张伟"}},
             {"predicate": "简称", "subject": "青禾银行", "object": {"@value": "青行"}},
             {"predicate": "总部地点", "subject": "青禾银行", "object": {"@value": "杭州"}}]},
        {"text": "一首歌", "spo_list": [{"predicate": "歌手", "subject": "一首歌", "object": {"@value": "某人"}}]},
    ]
    path = tmp_path / "duie.json"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    golds = ev.read_duie(path)
    assert len(golds) == 1  # records without a mapped predicate are left out
    assert golds[0].relations == {("张伟", "worksFor", "青禾银行"), ("青禾银行", "locatedIn", "杭州")}
    assert golds[0].aliases == {("青禾银行", "青行")}
    e = ents("张伟", "杭州")
    e["q"] = PredEntity("q", "青禾银行", "FinancialInstitution", {"青禾银行", "青行"})
    preds = {"1": PredDoc(entities=e, relations=[("张伟", "worksFor", "q")])}
    report = ev.evaluate(path, predictor=stub(preds))
    rels = report.sections["relations"].counts
    assert (rels["worksFor"].tp, rels["locatedIn"].fn) == (1, 1)
    assert report.sections["aliases"].counts["alias"].tp == 1


@pytest.mark.parametrize("content, fmt", [
    ('{"text": "甲", "label": {}}\n', "cluener"),
    ('{"text": "甲", "spo_list": []}\n', "duie"),
    ("甲\t乙\t合作\t甲与乙合作\n", "finre"),
    ('{\n  "document": "a.txt",\n  "entities": []\n}\n', "doc"),
])
def test_detect_format(tmp_path, content, fmt):
    path = tmp_path / "gold"
    path.write_text(content, encoding="utf-8")
    assert ev.detect_format(path) == fmt


def test_detect_format_fails_clearly(tmp_path):
    path = tmp_path / "gold.txt"
    path.write_text("just text\n", encoding="utf-8")
    with pytest.raises(InputError, match="--format"):
        ev.detect_format(path)


def test_doc_gold_needs_its_article(tmp_path):
    gold = tmp_path / "g.json"
    gold.write_text(json.dumps({"document": "missing.txt", "source": "nowhere", "entities": []}), encoding="utf-8")
    with pytest.raises(InputError, match="cannot find the article"):
        ev.evaluate(gold, predictor=stub({}))
    (tmp_path / "missing.txt").write_text("正文", encoding="utf-8")
    assert ev.evaluate(gold, predictor=stub({})).docs == 1


def test_cli_eval(tmp_path, graph_file):
    runner = CliRunner()
    missing = runner.invoke(cli, ["eval", str(tmp_path / "none.json")])
    assert missing.exit_code == 1 and missing.output.startswith("kg: error:")
    assert "Traceback" not in missing.output and missing.output.count("\n") == 1
    gold = tmp_path / "a.json"
    gold.write_text(json.dumps(GOLD_DOC, ensure_ascii=False), encoding="utf-8")
    table = runner.invoke(cli, ["eval", str(gold), "--graph", str(graph_file), "--errors"])
    assert table.exit_code == 0, table.output
    assert "FinancialInstitution" in table.output and "FN missed" in table.output
    as_json = runner.invoke(cli, ["eval", str(gold), "--graph", str(graph_file), "--json"])
    data = json.loads(as_json.output)
    assert data["sections"]["entities"]["overall"]["tp"] == 3
    no_model = runner.invoke(cli, ["eval", str(gold), "--ner-only"])
    assert no_model.exit_code == 1 and "--ner-model" in no_model.output
    usage = runner.invoke(cli, ["eval", str(gold), "--format", "nope"])
    assert usage.exit_code == 2


@pytest.mark.skipif(not (DATA / "finre" / "train.txt").is_file(), reason="../shared/data is absent")
def test_shared_datasets_parse():
    assert ev.detect_format(DATA / "cluener" / "train.json") == "cluener"
    assert ev.detect_format(DATA / "finre" / "train.txt") == "finre"
    assert ev.detect_format(DATA / "duie" / "duie_train.json") == "duie"
    finre = ev.read_finre(DATA / "finre" / "train.txt", limit=300)
    assert len(finre) == 300 and any(g.relations for g in finre)
    assert all(h in g.text and t in g.text for g in finre for h, _, t in g.relations)
    duie = ev.read_duie(DATA / "duie" / "duie_train.json", limit=50)
    assert len(duie) == 50 and all(g.relations or g.aliases for g in duie)


@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason="no tests/gold")
def test_repo_gold_files_load():
    golds = ev.load_doc_gold(GOLD_DIR)
    for path, gold in golds:
        names = {n for e in gold["entities"] for n in [e["name"], *e.get("aliases", [])]}
        for r in gold.get("relations", []):
            assert r["subject"] in names and r["object"] in names, (path.name, r)


def test_pipeline_predictions_follow_the_graph_contract():
    text = "工商银行推出抗疫贷产品。"
    doc = ev.pipeline_predictor()([("d", text)])["d"]
    assert doc.mentions, "the pipeline found nothing"
    for start, end, cls in doc.mentions:
        assert 0 <= start < end <= len(text) and cls in ENTITY_CLASSES
    names = {n for e in doc.entities.values() for n in e.names}
    assert "工商银行" in names


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is absent")
def test_repo_gold_scores_with_the_pipeline():
    report = ev.evaluate(GOLD_DIR)
    ents = report.sections["entities"].total()
    assert report.docs >= 1 and ents.tp > 0 and ents.recall > 0.3


def test_eval_folder_skips_a_gold_file_whose_article_is_missing(tmp_path):
    """A fresh clone without ../shared: the folder is scored without that article, with a note."""
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    shutil.copy(root / "tests" / "gold" / "icbc_fintech.json", tmp_path / "icbc_fintech.json")
    gone = json.loads((root / "tests" / "gold" / "icbc_fintech.json").read_text(encoding="utf-8"))
    gone["document"], gone["source"] = "not_here.txt", "nowhere"
    (tmp_path / "gone.json").write_text(json.dumps(gone, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kg", "eval", str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "1 documents" in proc.stdout and "note: skipped" in proc.stdout and "not_here.txt" in proc.stdout
    (tmp_path / "icbc_fintech.json").unlink()
    proc = subprocess.run([sys.executable, "-m", "kg", "eval", str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 1 and proc.stderr.startswith("kg: error:")
    # a single gold file still names its missing article as an error
    proc = subprocess.run([sys.executable, "-m", "kg", "eval", str(tmp_path / "gone.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "cannot find the article" in proc.stderr
