"""Penalties as n-ary facts: kg/extractors/penalties.py, penalty_notices.py, their RDF and SHACL.

The texts are invented (星河银行, 青禾银行 and the people do not exist). The extractor tests give
the mentions by hand, so that they test the penalty rules whatever the recognizers find; the
build tests run the whole default pipeline.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox
import pytest

from kg.extractors import penalties, penalty_notices
from kg.normalize import normalize
from kg.pipeline import split_sentences
from kg.types import Document, Mention, Metric, Penalty, Relation

AGENCY, BANK, PERSON, UNIT = "GovernmentAgency", "FinancialInstitution", "Person", "OrganizationUnit"


def document(text: str, names: dict[str, str]) -> Document:
    """A document whose mentions are every occurrence of ``names`` (longest first)."""
    doc = Document(id="t", text=text)
    doc.norm = normalize(text)
    doc.sentences = split_sentences(doc.norm)
    taken: set[int] = set()
    found = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(normalize(name)), doc.norm):
            if not taken & set(range(m.start(), m.end())):
                taken |= set(range(m.start(), m.end()))
                found.append(Mention(m.start(), m.end(), text[m.start():m.end()], names[name], "test@1", 0.9))
    doc.mentions = sorted(found, key=lambda m: m.start)
    return doc


def read(text: str, names: dict[str, str]):
    doc = document(text, names)
    out = penalties.propose(doc, None)
    return doc, [p for p in out if isinstance(p, Penalty)], [r for r in out if isinstance(r, Relation)]


def summary(p: Penalty) -> tuple:
    who = p.party or p.person
    return (p.regulator.text if p.regulator else None, who.text, p.kinds,
            tuple((a.label, a.value) for a in p.amounts))


YN, PBOC_HZ, BANK_A = "宁波监管局", "中国人民银行杭州分行", "星河银行"
CASES = [
    ("active", "国家金融监督管理总局宁波监管局对星河银行罚款300万元。",
     {"国家金融监督管理总局宁波监管局": AGENCY, BANK_A: BANK},
     [("国家金融监督管理总局宁波监管局", BANK_A, ("罚款",), (("罚款", Decimal(3000000)),))]),
    ("passive with the agency after 被", "星河银行因违规发放贷款被宁波监管局罚款50万元。",
     {YN: AGENCY, BANK_A: BANK}, [(YN, BANK_A, ("罚款",), (("罚款", Decimal(500000)),))]),
    ("对其 points back to the company named before",
     "星河支付存在违规开立账户等违法行为。中国人民银行杭州分行对其警告，没收违法所得12.6万元，并处罚款486万元。",
     {PBOC_HZ: AGENCY, "星河支付": BANK},
     [(PBOC_HZ, "星河支付", ("没收违法所得", "罚款", "警告"),
       (("没收违法所得", Decimal("126000.0")), ("罚款", Decimal(4860000))))]),
    ("该行 is the bank, not the People's Bank that fined it",
     "星河银行因违反账户管理规定受到调查，中国人民银行对该行罚款约300万元。",
     {"中国人民银行": AGENCY, BANK_A: BANK},
     [("中国人民银行", BANK_A, ("罚款",), (("罚款", Decimal(3000000)),))]),
    ("the regulator carried over from the notice's first sentence",
     "中国人民银行杭州分行公布多条行政处罚信息。星河支付被警告，并处罚款406万元。",
     {PBOC_HZ: AGENCY, "星河支付": BANK},
     [(PBOC_HZ, "星河支付", ("罚款", "警告"), (("罚款", Decimal(4060000)),))]),
    ("分别 gives each party its own amount",
     "宁波监管局对星河银行、青禾银行分别罚款80万元、56万元。", {YN: AGENCY, BANK_A: BANK, "青禾银行": BANK},
     [(YN, BANK_A, ("罚款",), (("罚款", Decimal(800000)),)), (YN, "青禾银行", ("罚款",), (("罚款", Decimal(560000)),))]),
    ("a parent written before its branch is not penalized",
     "宁波监管局对星河银行温州分行罚款30万元，相关责任人警告并罚款5万元。",
     {YN: AGENCY, BANK_A: BANK, "温州分行": BANK}, [(YN, "温州分行", ("罚款",), (("罚款", Decimal(300000)),))]),
    ("Traditional script, a space before 萬; the amount's label as the text writes it",
     "銀行局表示，星河銀行因內控缺失遭罰 2200 萬元。", {"銀行局": AGENCY, "星河銀行": BANK},
     [("銀行局", "星河銀行", ("罚款",), (("罰款", Decimal(22000000)),))]),
    ("penalties listed one after another: each party its own amount",
     "宁波监管局发布处罚信息：星河银行因贷款管理不审慎遭罚300万元、青禾银行因违规放贷遭罚200万元。",
     {"宁波监管局": AGENCY, "星河银行": BANK, "青禾银行": BANK},
     [("宁波监管局", "星河银行", ("罚款",), (("罚款", Decimal(3000000)),)),
      ("宁波监管局", "青禾银行", ("罚款",), (("罚款", Decimal(2000000)),))]),
    ("a dated sentence is a decision of its own: the regulator named before is not carried",
     "宁波监管局对星河银行罚款80万元。3月12日，青禾银行被罚款36万元。", {YN: AGENCY, BANK_A: BANK, "青禾银行": BANK},
     [(YN, BANK_A, ("罚款",), (("罚款", Decimal(800000)),)), (None, "青禾银行", ("罚款",), (("罚款", Decimal(360000)),))]),
    ("a person named before 被 is penalized (相关责任人王五被警告)",
     "星河银行因贷后管理不到位被罚款50万元，相关责任人王五被警告。",
     {BANK_A: BANK, "王五": PERSON}, [(None, BANK_A, ("罚款",), (("罚款", Decimal(500000)),)),
                                      (None, "王五", ("警告",), ())]),
    ("被给予警告: the verb of imposing, no agency", "宁波监管局对星河银行罚款80万元。该行副行长王五因负有管理责任，被给予警告并处罚款5万元。",
     {YN: AGENCY, BANK_A: BANK, "王五": PERSON}, [(YN, BANK_A, ("罚款",), (("罚款", Decimal(800000)),)),
                                                (YN, "王五", ("罚款", "警告"), (("罚款", Decimal(50000)),))]),
    ("a fine in Taiwan's words (開罰)", "金管會對星河銀行開罰新台幣1000萬元。", {"金管會": AGENCY, "星河銀行": BANK},
     [("金管會", "星河銀行", ("罚款",), (("罰款", Decimal(10000000)),))]),
    ("分别 with one amount: each person pays it", "宁波监管局对星河银行罚款80万元，对时任该行行长王五、副行长李四分别给予警告并处罚款5万元。",
     {YN: AGENCY, BANK_A: BANK, "王五": PERSON, "李四": PERSON},
     [(YN, BANK_A, ("罚款",), (("罚款", Decimal(800000)),)), (YN, "王五", ("罚款", "警告"), (("罚款", Decimal(50000)),)),
      (YN, "李四", ("罚款", "警告"), (("罚款", Decimal(50000)),))]),
    ("a warning letter is a measure too", "宁波证监局对星河证券下发警示函。", {"宁波证监局": AGENCY, "星河证券": BANK},
     [("宁波证监局", "星河证券", ("警示函",), ())]),
    ("a warning letter issued to a broker, passive; the commission's office is one agency",
     "因违反反洗钱规定，星河证券被中国证监会宁波监管局出具警示函。",
     {"中国证监会宁波监管局": AGENCY, "星河证券": BANK}, [("中国证监会宁波监管局", "星河证券", ("警示函",), ())]),
    ("a fine in Hong Kong dollars (港元) is the fine's amount, in its currency",
     "香港證監會對星河證券罰款500萬港元。", {"香港證監會": AGENCY, "星河證券": BANK},
     [("香港證監會", "星河證券", ("罚款",), (("罰款", Decimal(5000000)),))]),
    ("talk of penalties is not a penalty", "星河银行表示，将防范处罚风险。对于违规行为，宁波监管局将依法处罚。",
     {YN: AGENCY, BANK_A: BANK}, []),
    ("被 for something else", "星河银行贷款资金被挪用，宁波监管局已约谈该行。", {YN: AGENCY, BANK_A: BANK}, []),
]


@pytest.mark.parametrize("text, names, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_penalties_of_a_sentence(text, names, expected):
    _, found, relations = read(text, names)
    assert [summary(p) for p in found] == expected
    regulates = {(r.subject.text, r.object.text) for r in relations if r.predicate == "regulates"}
    assert regulates == {(e[0], e[1]) for e in expected if e[0] and names.get(e[1]) != PERSON}  # people: no regulates


def test_fines_are_metrics_of_the_fined_party_and_claimed():
    doc, found, _ = read(CASES[3][1], CASES[3][2])
    (fine,) = found[0].amounts
    assert fine.subject.text == BANK_A and fine.qualifier == "approximately" and fine.unit == "元"
    assert doc.norm[fine.start:fine.end] == "约300万元"
    assert penalties.claimed(doc) == {fine.start}


def test_a_person_warned_and_fined_works_for_the_bank_and_goes_with_its_penalty():
    text = "宁波监管局对星河银行罚款80万元。同时，该局对时任星河银行零售信贷部总经理张伟警告并罚款5万元，对李娜予以警告。"
    names = {YN: AGENCY, BANK_A: BANK, "零售信贷部": UNIT, "张伟": PERSON, "李娜": PERSON}
    doc, found, relations = read(text, names)
    bank, zhang, li = found
    assert summary(zhang) == (YN, "张伟", ("罚款", "警告"), (("罚款", Decimal(50000)),))
    assert zhang.party is None and zhang.related == (bank.start, bank.end)
    assert summary(li) == (YN, "李娜", ("警告",), ())
    assert ("张伟", "worksFor", BANK_A) in {(r.subject.text, r.predicate, r.object.text) for r in relations}
    assert ("张伟", "jobTitle", "零售信贷部总经理") in {(m.text, k, v) for m, k, v in doc.attributes}
    assert not any(r.predicate == "regulates" and r.object.cls == PERSON for r in relations)


def test_reason_date_and_decision_number_from_the_sentence():
    text = "2024年3月15日，宁波监管局对星河银行作出行政处罚决定（甬金罚决字〔2024〕7号），因其存在贷款三查不到位问题，罚款120万元。"
    _, (pen,), _ = read(text, {YN: AGENCY, BANK_A: BANK})
    assert (pen.date, pen.number) == ("2024-03-15", "甬金罚决字(2024)7号".replace("(", "〔").replace(")", "〕"))
    assert pen.reason == "贷款三查不到位"


NOTICE = """行政处罚信息公开表
当事人名称：星河农村商业银行股份有限公司
主要违法违规事实：未按规定报送大额交易报告；员工行为管理不到位
行政处罚内容：罚款80万元
作出决定机关：国家金融监督管理总局宁波监管局
行政处罚决定书文号：甬金罚决字〔2024〕12号
作出决定日期：2024年4月10日
"""
#: the field names of a national regulator's notice form, with 姓名或名称 and a bracketed note after a field name
FORM = """行政处罚决定书文号：甬金罚决字〔2024〕12号
被处罚当事人姓名或名称：星河农村商业银行股份有限公司
主要违法违规事实（案由）：贷款资金被挪用
行政处罚内容：罚款60万元
作出处罚决定的机关名称：国家金融监督管理总局宁波监管局
作出处罚决定的日期：2024年4月10日
"""
TABLE = """序号 | 当事人名称 | 主要违法违规事实 | 行政处罚内容 | 作出决定机关
1 | 星河农村商业银行股份有限公司 | 贷款管理不审慎 | 罚款45万元 | 国家金融监督管理总局宁波监管局
"""


@pytest.mark.parametrize("text, reason, amount, number", [
    (NOTICE, "未按规定报送大额交易报告；员工行为管理不到位", Decimal(800000), "甬金罚决字〔2024〕12号"),
    (TABLE, "贷款管理不审慎", Decimal(450000), None),
    (FORM, "贷款资金被挪用", Decimal(600000), "甬金罚决字〔2024〕12号"),
], ids=["fields", "table", "form"])
def test_notice_records(text, reason, amount, number):
    party, agency = "星河农村商业银行股份有限公司", "国家金融监督管理总局宁波监管局"
    _, (pen,), relations = read(text, {party: BANK, agency: AGENCY})
    assert (pen.regulator.text, pen.party.text, pen.reason, pen.number) == (agency, party, reason, number)
    assert [(a.label, a.value, a.subject.text) for a in pen.amounts] == [("罚款", amount, party)]
    assert pen.date == ("2024-04-10" if number else None)
    assert {(r.subject.text, r.predicate, r.object.text) for r in relations} == {(agency, "regulates", party)}


@pytest.mark.parametrize("text, expected", [
    ("国家金融监督管理总局宁波监管局核准星河银行发行二级资本债券。", {("国家金融监督管理总局宁波监管局", BANK_A)}),
    ("国家金融监督管理总局宁波监管局近日批复同意星河银行变更注册资本。", {("国家金融监督管理总局宁波监管局", BANK_A)}),
    ("星河银行经国家金融监督管理总局宁波监管局批准开业。", {("国家金融监督管理总局宁波监管局", BANK_A)}),
    ("星河银行同意向国家金融监督管理总局宁波监管局报送材料。", set()),
    ("经国家金融监督管理总局宁波监管局核准，星河银行获得基金托管资格。", {("国家金融监督管理总局宁波监管局", BANK_A)}),
])
def test_approvals_give_regulates(text, expected):
    _, found, relations = read(text, {"国家金融监督管理总局宁波监管局": AGENCY, BANK_A: BANK})
    assert not found
    assert {(r.subject.text, r.object.text) for r in relations if r.predicate == "regulates"} == expected


class _Lexicon:
    def __init__(self, places):
        self.by_surface = {p: type("E", (), {"cls": "Place"})() for p in places}


class _Res:
    lexicon = _Lexicon(["宁波", "宁波市", "浙江", "温州"])


@pytest.mark.parametrize("text, expected", [
    ("国家金融监督管理总局宁波监管局对其罚款。", [("国家金融监督管理总局宁波监管局", AGENCY)]),
    ("星河银行被宁波监管局罚款。", [("宁波监管局", AGENCY)]),
    ("人民银行宁波市分行对该行罚款。", [("人民银行宁波市分行", AGENCY)]),
    ("日前浙江证监局发布公告。", [("浙江证监局", AGENCY)]),
    ("对星河保险温州分公司罚款56万元。", [("温州分公司", BANK)]),
    ("温州分公司开业。", []),  # a branch is proposed only where a penalty is
    ("银行局副局长表示。", [("银行局", AGENCY)]),
])
def test_regulators_and_branches_are_proposed(text, expected):
    doc = document(text, {})
    found = [(m.text, m.cls) for m in penalty_notices.propose_mentions(doc, _Res())]
    assert found == expected


def test_the_peoples_bank_branch_gets_its_full_name():
    doc = document("人民银行宁波市分行对该行罚款。", {})
    (m,) = penalty_notices.propose_mentions(doc, _Res())
    assert m.canonical == "中国人民银行宁波市分行"


# --- the graph -------------------------------------------------------------------------------

TEXT = ("星河银行股份有限公司因贷款资金被挪用，被国家金融监督管理总局宁波监管局罚款300万元。"
        "中国人民银行宁波市分行对星河支付有限公司警告，没收违法所得12.6万元，并处罚款486万元。")
Q = """PREFIX zkg: <https://w3id.org/zhkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.fixture(scope="module")
def built():
    from kg.api import build_text

    return build_text(TEXT, doc_id="p1")


def rows(result, query: str) -> list[tuple]:
    store = ox.Store()
    store.load(result.nquads, format=ox.RdfFormat.N_QUADS)
    return sorted(tuple(getattr(t, "value", None) for t in r)
                  for r in store.query(Q + query, use_default_graph_as_union=True))


def test_the_graph_has_penalty_nodes_with_their_parts(built):
    found = rows(built, """SELECT ?reg ?party ?value ?kind WHERE {
        ?p a zkg:Penalty ; zkg:imposedBy/rdfs:label ?reg ; zkg:penalizedParty/rdfs:label ?party ;
           zkg:amount/zkg:value ?value ; zkg:penaltyType ?kind .
        FILTER(LANG(?reg) = "zh" && LANG(?party) = "zh") }""")
    found = [(reg, party, Decimal(value), kind) for reg, party, value, kind in found]
    assert ("国家金融监督管理总局宁波监管局", "星河银行股份有限公司", 3000000, "罚款") in found
    assert ("中国人民银行宁波市分行", "星河支付有限公司", 126000, "警告") in found
    assert not any(r[1] == "中国人民银行宁波市分行" for r in found)


def test_fines_hang_on_the_fined_party_not_on_the_regulator(built):
    found = rows(built, """SELECT ?who ?label ?value WHERE {
        ?e zkg:hasMetric ?m ; rdfs:label ?who . ?m rdfs:label ?label ; zkg:value ?value .
        FILTER(LANG(?who) = "zh" && (CONTAINS(STR(?label), "罚") || CONTAINS(STR(?label), "没收"))) }""")
    assert [(who, label, Decimal(v)) for who, label, v in found] == [
        ("星河支付有限公司", "没收违法所得", 126000), ("星河支付有限公司", "罚款", 4860000),
        ("星河银行股份有限公司", "罚款", 3000000)]
    regulates = rows(built, "SELECT ?o WHERE { ?s zkg:regulates ?o0 . ?o0 rdfs:label ?o FILTER(LANG(?o) = 'zh') }")
    assert regulates == [("星河支付有限公司",), ("星河银行股份有限公司",)]


def test_a_graph_with_penalties_conforms_and_is_deterministic(built):
    from kg.api import build_text
    from kg.validate import format_report, validate

    report = validate(built)
    assert report.conforms, format_report(report)
    assert build_text(TEXT, doc_id="p1").nquads == built.nquads
    assert b"_:" not in built.nquads


def test_a_penalty_without_a_penalized_party_violates_the_shapes(built, tmp_path):
    from kg.validate import validate

    party = b"<https://w3id.org/zhkg/ontology#penalizedParty>"
    lines = built.nquads.splitlines(keepends=True)
    assert any(party in line for line in lines)
    path = tmp_path / "broken.nq"
    path.write_bytes(b"".join(line for line in lines if party not in line))
    report = validate([path])
    assert not report.conforms
    assert {v.message for v in report.violations} == {
        "a penalty must be an IRI with a zkg:penalizedParty or a zkg:penalizedPerson"}



# --- examples/queries/penalties-by-regulator.rq on the example graph (kept current by test_golden) ---

def _penalty_rows(params: dict, columns: tuple) -> list[tuple]:
    from pathlib import Path

    from kg.query import run_query

    root = Path(__file__).resolve().parents[1]
    result = run_query([root / "examples" / "graphs" / "penalty_notice.trig"],
                       root / "examples" / "queries" / "penalties-by-regulator.rq", params)
    return [tuple(row.get(c, "") for c in columns) for row in result.values()]


NB_FULL, NB_SHORT = "国家金融监督管理总局宁波监管局", "宁波监管局"


@pytest.mark.parametrize("params, columns, expected", [
    ({"name": NB_SHORT}, ("regulator", "penalized", "amountLabel", "amount", "unit", "type"),
     [(NB_SHORT, "青禾银行股份有限公司", "罚款", "500000", "元", "罚款")]),
    ({"name": "甬金罚决字"}, ("penalized",), []),  # a document number is not a regulator's name
    ({"name": NB_FULL}, ("penalized", "amount", "type", "date", "documentNumber"),
     [("云岭农村商业银行股份有限公司", "800000", "罚款", "2024-04-10", "甬金罚决字〔2024〕12号"),
      ("张伟", "50000", "罚款", "", ""), ("张伟", "50000", "警告", "", ""),
      ("李娜", "", "警告", "", ""),  # 该局对…李娜予以警告: the regulator's, not the bank unit's named before
      ("青禾银行股份有限公司", "3000000", "罚款", "", "")]),
])
def test_penalties_by_regulator(params, columns, expected):
    assert _penalty_rows(params, columns) == expected


def test_penalties_by_regulator_lists_every_penalty_in_column_order():
    columns = ("regulator", "penalized", "amount", "type")
    rows = _penalty_rows({}, columns)
    regulators = [r[0] for r in rows]
    assert regulators == sorted(regulators)  # ordered on the regulator first
    assert ("中国人民银行宁波市分行", "瀚澜支付有限公司", "126000", "没收违法所得") in rows
    assert {r[1] for r in rows} >= {"海曙农商银行", "瀚澜支付有限公司", "张伟", "青禾银行股份有限公司"}


@pytest.mark.parametrize("alias, name", [("中国证监会", "中国证券监督管理委员会"), ("证监会", "中国证券监督管理委员会"),
                                         ("国家金融监管总局", "国家金融监督管理总局")])
def test_regulator_aliases_are_in_the_lexicon(alias, name):
    from kg.lexicon import default_lexicon

    entries = [e for e in default_lexicon().entries if alias in e.surfaces]
    assert [e.name for e in entries] == [name]


# --- the viz panel: a penalty shown on the nodes it involves (kg/viz/penalties.py) --------------------

def _viz_graph():
    from pathlib import Path

    from kg.viz.model import extract
    from kg.viz.sources import open_store

    root = Path(__file__).resolve().parents[1]
    return extract(open_store([root / "examples" / "graphs" / "penalty_notice.trig"]))


def test_viz_folds_a_penalty_into_its_party_and_regulator():
    graph = _viz_graph()
    by_label = {n.label: n for n in graph.nodes.values()}
    assert not any(n.cls == "Penalty" for n in graph.nodes.values())  # not a node of its own
    [record] = by_label["云岭农村商业银行股份有限公司"].penalties
    assert record["role"] == "party" and record["regulator"] == ["国家金融监督管理总局宁波监管局"]
    assert record["types"] == ["罚款"] and record["date"] == "2024-04-10"
    assert record["number"] == "甬金罚决字〔2024〕12号"
    assert [(a["label"], float(a["value"]), a["unit"]) for a in record["amounts"]] == [("罚款", 800000.0, "元")]
    regulator = by_label["国家金融监督管理总局宁波监管局"].penalties
    assert {r["role"] for r in regulator} == {"regulator"}
    assert "云岭农村商业银行股份有限公司" in {p for r in regulator for p in r["penalized"]}
    [warned] = [r for r in by_label["张伟"].penalties]
    assert warned["role"] == "person" and warned["types"] == ["罚款", "警告"]


def test_viz_page_carries_the_penalty_panel_data():
    import json
    import re
    from pathlib import Path

    from kg.viz import render_html

    root = Path(__file__).resolve().parents[1]
    html = render_html([root / "examples" / "graphs" / "penalty_notice.trig"])
    data = json.loads(re.search(r'<script type="application/json" id="zhkg-data">(.*?)</script>',
                                html, re.S).group(1))
    penalties = [p for n in data["info"]["nodes"] for p in n["penalties"]]
    assert any(p["number"] == "甬金罚决字〔2024〕12号" for p in penalties)
    assert "行政处罚 Penalties" in html  # the panel's code is in the page


@pytest.mark.parametrize("text, unit", [("罚款500萬港元", "港元"), ("罚款50万美元", "美元"), ("罚款20万港币", "港元"),
                                        ("罚款80万元", "元")])
def test_a_fine_keeps_its_currency(text, unit):
    _, found, _ = read("宁波监管局对星河银行" + text + "。", {"宁波监管局": AGENCY, BANK_A: BANK})
    assert [a.unit for a in found[0].amounts] == [unit]
