"""The seed article (read from ../shared): what the core issue says its graph must hold."""
from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from conftest import ROOT, SHARED

ZKG = "https://w3id.org/zhkg/ontology#"


def entity(result, name):
    return result.entities[name]


def test_icbc_with_aliases_and_english_name(seed_result):
    icbc = entity(seed_result, "中国工商银行")
    assert icbc.cls == "FinancialInstitution"
    assert {"工商银行", "工行", "ICBC"} <= icbc.aliases
    assert icbc.label_en


def keyed(result):
    from kg.lexicon import default_lexicon
    from kg.resolve import key_of

    lex = default_lexicon()
    return {(key_of(r.subject, lex), r.predicate, key_of(r.object, lex))
            for d in result.documents for r in d.relations}


def test_platform_developed_certified_and_using_blockchain(seed_result):
    assert entity(seed_result, "工银玺链").cls == "Platform"
    rels = keyed(seed_result)
    assert ("中国工商银行", "develops", "工银玺链") in rels
    assert ("工银玺链", "certifiedBy", "工业和信息化部") in rels
    assert ("工银玺链", "certifiedBy", "中国信息通信研究院") in rels
    assert ("工银玺链", "usesTechnology", "区块链") in rels


def test_series_and_members(seed_result):
    assert entity(seed_result, "融安e系列").cls == "ProductSeries"
    rels = keyed(seed_result)
    for member in ("融安e信", "融安e防", "融安e控", "融安e盾"):
        assert (member, "memberOf", "融安e系列") in rels
        assert ("中国工商银行", "develops", member) in rels


def test_people_and_products(seed_result):
    assert entity(seed_result, "吕仲涛").job_titles == {"首席技术官"}
    assert ("吕仲涛", "worksFor", "中国工商银行") in keyed(seed_result)
    for product in ("e抵快贷", "e企快贷", "跨境贷", "电力快贷", "抗疫贷", "工银兴农通", "聚链", "聚融"):
        assert product in seed_result.entities, product


def test_article_metadata(seed_result):
    meta = seed_result.documents[0].meta
    assert meta["author"] == "吕仲涛" and meta["source"] == "中国金融电脑" and meta["date"] == "2022-10-19"
    data = seed_result.serialize("nt").decode()
    assert f"<{ZKG}publishedIn>" in data and f"<{ZKG}author>" in data


@pytest.mark.parametrize("label, value, qualifier", [
    ("个人客户", "700000000", None),
    ("企业客户", "9000000", "atLeast"),
    ("日均服务调用量", "12000000000", "atLeast"),
    ("借记卡账户", "1000000000", None),
])
def test_headline_metrics(seed_result, label, value, qualifier):
    metrics = {(m.label, m.value, m.qualifier) for m in seed_result.documents[0].metrics}
    assert (label, Decimal(value), qualifier) in metrics


def test_no_junk_from_common_words(seed_result):
    for word in ("任重道远", "高水平", "双循环"):
        assert word not in seed_result.entities


def test_check_graph_reports_no_problem(seed_path, tmp_path):
    out = tmp_path / "seed.trig"
    seed_result_file = subprocess.run([sys.executable, "-m", "kg", "build", str(seed_path), "-o", str(out)],
                                      capture_output=True, text=True)
    assert seed_result_file.returncode == 0, seed_result_file.stderr
    check = subprocess.run([sys.executable, str(SHARED / "tools" / "check_graph.py"), str(out), str(seed_path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert "0 problems" in check.stdout


def test_quality_against_our_annotation(seed_path):
    """Entity F1 >= 0.9 and relation F1 >= 0.85 against tests/gold/seed.json."""
    pytest.importorskip("kg.evaluate")
    from click.testing import CliRunner

    from kg.cli import cli

    res = CliRunner().invoke(cli, ["eval", str(ROOT / "tests" / "gold" / "seed.json"), "--json"])
    assert res.exit_code == 0, res.output
    import json

    sections = json.loads(res.output)["sections"]
    assert sections["entities"]["overall"]["f1"] >= 0.9
    assert sections["relations"]["overall"]["f1"] >= 0.85
