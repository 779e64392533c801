"""Every query in examples/queries runs on the contract sample graph and gives the expected rows."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.query import run_query
from kg.store import open_files

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "examples" / "queries"
SAMPLE = ROOT / "tests" / "data" / "contract_sample.trig"

CAICT, ICBC, ANT, PBOC, HUAWEI = "中国信息通信研究院", "中国工商银行", "蚂蚁集团", "中国人民银行", "华为技术有限公司"
S_CERT_A1 = "该平台运用区块链技术，通过中国信息通信研究院的可信区块链评测。"
S_CERT_C3 = "融安e信通过中国信息通信研究院的安全评估。"

# (query file, params, selected columns, expected rows in order)
CASES = [
    # the sample has no penalty; tests/test_penalties.py runs this query on examples/graphs/penalty_notice.trig
    ("penalties-by-regulator", {}, ("regulator", "penalized", "amount", "type", "date", "documentNumber"), []),
    ("products-of-organization", {}, ("organization", "product", "class"),
     [(ICBC, "工银玺链", "Platform"), (ICBC, "融安e信", "Platform"), (ANT, "摩斯", "Platform")]),
    ("products-of-organization", {"name": "工行"}, ("organization", "product"),
     [(ICBC, "工银玺链"), (ICBC, "融安e信")]),
    ("products-of-organization", {"name": "华为"}, ("product",), []),
    # an alias in Latin script, whatever its language tag (and the parameter's: "ICBC" is untagged)
    ("products-of-organization", {"name": "ICBC"}, ("product",), [("工银玺链",), ("融安e信",)]),
    ("products-of-organization", {"name": '"ICBC"@en'}, ("product",), [("工银玺链",), ("融安e信",)]),
    ("certifications", {}, ("certified", "certifier", "sentence"),
     [("工银玺链", CAICT, S_CERT_A1), ("融安e信", CAICT, S_CERT_C3)]),
    ("certifications", {"name": "信通院"}, ("certified",), [("工银玺链",), ("融安e信",)]),
    ("certifications", {"name": ICBC}, ("certified",), []),
    ("metrics-of-entity", {"name": "工行"}, ("entity", "metric", "value", "unit", "qualifier", "text", "article"),
     [(ICBC, "个人客户", "700000000", "户", "moreThan", "7亿个人客户", "a1")]),
    ("metrics-of-entity", {}, ("entity", "metric", "value"),
     [(ICBC, "个人客户", "700000000"), ("摩斯", "日均请求", "12000000000")]),
    ("evidence-of-fact", {"name": ANT, "predicate": "zkg:develops"},
     ("subject", "relation", "object", "sentence", "article", "extractor", "confidence"),
     [(ANT, "develops", "摩斯", "蚂蚁集团研发了摩斯隐私计算平台。", "b2", "relation-rules/v1", "0.9")]),
    ("evidence-of-fact", {"predicate": "zkg:worksFor"}, ("subject", "object", "sentence"),
     [("王立新", ANT, "蚂蚁集团首席技术官王立新表示，摩斯日均处理约120亿次请求。")]),
    ("co-mentioned-organizations", {}, ("organization", "other", "articles"),
     [(CAICT, ICBC, "2"), (ICBC, CAICT, "2"), (PBOC, ICBC, "1"), (PBOC, ANT, "1"), (CAICT, HUAWEI, "1"),
      (ICBC, PBOC, "1"), (ICBC, HUAWEI, "1"), (ICBC, ANT, "1"), (HUAWEI, CAICT, "1"), (HUAWEI, ICBC, "1"),
      (ANT, PBOC, "1"), (ANT, ICBC, "1")]),
    ("co-mentioned-organizations", {"name": "工行"}, ("other", "articles"),
     [(CAICT, "2"), (PBOC, "1"), (HUAWEI, "1"), (ANT, "1")]),
    ("co-mentioned-organizations", {"name": ANT}, ("organization", "other", "articles"),
     [(ANT, PBOC, "1"), (ANT, ICBC, "1")]),
    ("entities-by-class", {}, ("class", "entities"),
     [("Person", "3"), ("Platform", "3"), ("FinancialInstitution", "2"), ("Publication", "2"),
      ("Technology", "2"), ("Company", "1"), ("GovernmentAgency", "1"), ("ProductSeries", "1"),
      ("ResearchInstitute", "1")]),
    ("entity-neighbourhood", {"name": "蚂蚁集团"}, ("direction", "relation", "neighbour", "class"),
     [("in", "cooperatesWith", ICBC, "FinancialInstitution"), ("in", "regulates", PBOC, "GovernmentAgency"),
      ("in", "worksFor", "王立新", "Person"), ("out", "develops", "摩斯", "Platform")]),
    ("entity-neighbourhood", {"name": "融安e信"}, ("direction", "relation", "neighbour"),
     [("in", "develops", ICBC), ("out", "certifiedBy", CAICT), ("out", "memberOf", "融安e系列")]),
    ("articles-by-author-or-publication", {}, ("article", "title", "date", "author", "publication"),
     [("a1", "工商银行发布区块链平台", "2021-03-01", "张明", "中国金融电脑"),
      ("b2", "人民银行推动金融科技", "2022-07-15", "李华", "金融科技周刊"),
      ("c3", "融安e信通过安全评估", "2023-01-10", "张明", "金融科技周刊")]),
    ("articles-by-author-or-publication", {"name": "张明"}, ("article",), [("a1",), ("c3",)]),
    ("articles-by-author-or-publication", {"name": "金融科技周刊"}, ("article",), [("b2",), ("c3",)]),
    ("property-counts", {}, ("property", "uses"),
     [("confidence", "14"), ("evidence", "14"), ("extractor", "14"), ("author", "3"), ("datePublished", "3"),
      ("develops", "3"), ("publishedIn", "3"), ("certifiedBy", "2"), ("cooperatesWith", "2"), ("hasMetric", "2"),
      ("qualifier", "2"), ("unit", "2"), ("usesTechnology", "2"), ("value", "2"), ("jobTitle", "1"),
      ("memberOf", "1"), ("regulates", "1"), ("worksFor", "1")]),
    ("search-labels", {"text": "银行"}, ("entity", "label", "class"),
     [(ICBC, ICBC, "FinancialInstitution"), (ICBC, "工商银行", "FinancialInstitution"),
      (PBOC, PBOC, "GovernmentAgency"), (PBOC, "人民银行", "GovernmentAgency")]),
    ("search-labels", {"text": "ICBC"}, ("entity",), [(ICBC,)]),
    ("people-and-roles", {}, ("person", "jobTitle", "organization"), [("王立新", "首席技术官", ANT)]),
]


@pytest.fixture(scope="module")
def store():
    with open_files([SAMPLE]) as s:
        yield s


def test_there_are_at_least_eight_documented_example_queries():
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 8
    for f in files:
        header = f.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("# ") and len(header) > 20, f"{f.name} needs a comment header"


def test_every_example_query_is_tested():
    tested = {name for name, *_ in CASES}
    assert tested == {f.stem for f in QUERIES.glob("*.rq")}


@pytest.mark.parametrize("name, params, columns, expected", CASES,
                         ids=[f"{c[0]}-{'-'.join(c[1].values()) or 'all'}" for c in CASES])
def test_example_query(store, name, params, columns, expected):
    result = run_query(store, QUERIES / f"{name}.rq", params)
    assert set(columns) <= set(result.variables)
    rows = [tuple(row.get(c, "") for c in columns) for row in result.values()]
    assert rows == expected


def test_a_fact_repeated_in_two_document_graphs_counts_once(tmp_path):
    """The default graph is the union of the document graphs; duplicates must not inflate counts."""
    text = SAMPLE.read_text(encoding="utf-8")
    copy = text.replace("<https://w3id.org/zhkg/id/doc/a1> {", "<https://w3id.org/zhkg/id/doc/a1-copy> {")
    (tmp_path / "copy.trig").write_text(copy, encoding="utf-8")
    with open_files([SAMPLE, tmp_path / "copy.trig"]) as s:
        counts = {r["property"]: r["uses"] for r in run_query(s, QUERIES / "property-counts.rq").values()}
        classes = {r["class"]: r["entities"] for r in run_query(s, QUERIES / "entities-by-class.rq").values()}
    assert counts["develops"] == "3" and counts["hasMetric"] == "2"
    assert classes["Platform"] == "3"


def test_property_counts_lists_every_property_of_the_ontology():
    """The closed vocabulary and the query's VALUES list must not drift apart."""
    from kg.ontology import ZKG

    text = (QUERIES / "property-counts.rq").read_text(encoding="utf-8")
    listed = set(re.findall(r"zkg:(\w+)", text.split("VALUES ?p {")[1].split("}")[0]))
    properties = {name for name in ZKG.__annotations__ if name[0].islower()}
    assert listed == properties


def test_entities_by_class_lists_every_entity_class():
    from kg.ontology import ENTITY_CLASSES

    text = (QUERIES / "entities-by-class.rq").read_text(encoding="utf-8")
    assert set(re.findall(r"zkg:(\w+)", text.split("VALUES ?c {")[1].split("}")[0])) == set(ENTITY_CLASSES)
