"""Each extractor on small tables of sentences written for these tests."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kg.types import Document


def run(pipeline, text):
    return pipeline(Document(id="t", text=text))


def found(doc):
    return {(m.canonical or m.text, m.cls) for m in doc.mentions}


@pytest.mark.parametrize("text, expected", [
    ("中国工商银行与中国建设银行签署协议。", {("中国工商银行", "FinancialInstitution"), ("中国建设银行", "FinancialInstitution")}),
    ("工行和工信部召开会议。", {("中国工商银行", "FinancialInstitution"), ("工业和信息化部", "GovernmentAgency")}),
    ("ICBC的区块链团队。", {("中国工商银行", "FinancialInstitution"), ("区块链", "Technology")}),
])
def test_gazetteer_resolves_aliases(pipeline, text, expected):
    assert expected <= found(run(pipeline, text))


@pytest.mark.parametrize("text, absent", [
    ("维护金融安全是大事。", "融安"),       # 融安 must not match inside 金融安全
    ("这是一家大型商业银行。", "商业银行"),   # a category, not a name
    ("全面落实决策部署。", "决策部署"),       # 部署 ends like 部 but is a verb
])
def test_no_match_inside_words(pipeline, text, absent):
    assert all(absent not in m.text for m in run(pipeline, text).mentions)


@pytest.mark.parametrize("text, name", [
    # jieba splits an unknown name into single characters (北京|中|地); the company's trade may be a verb (开发)
    ("公司出售控股子公司北京中地房地产开发有限公司部分股权。", "北京中地房地产开发有限公司"),
    ("拟将上海弘圣房地产开发有限公司的股权转让。", "上海弘圣房地产开发有限公司"),
    ("甲方委托杭州宏远软件开发有限公司承建。", "杭州宏远软件开发有限公司"),
    # the pieces of a name do not carry it over the words before them (拟取)
    ("大唐发电拟取渝能集团股权。", "渝能集团"),
])
def test_company_names_from_name_pieces(pipeline, text, name):
    names = {m.text for m in run(pipeline, text).mentions if m.cls == "Company"}
    assert name in names and not any(name in n and n != name for n in names)


@pytest.mark.parametrize("text, name, cls", [
    ("该行推出区块链平台“星云链”。", "星云链", "Platform"),
    ("该行打造“惠农e贷”产品。", "惠农e贷", "FinancialProduct"),
    ("“安盾”系列产品上线。", "安盾系列", "ProductSeries"),
    ("推出“掌上生活”App。", "掌上生活", "Platform"),
    ("集團將推出全新手機應用程式「星河易融」。", "星河易融", "Platform"),   # the noun before the quote
    ("该行先后上线了“星河e险”“智能理赔”等系统。", "星河e险", "Platform"),  # 等系统: not 统
    ("该行先后上线了“星河e险”“智能理赔”等系统。", "智能理赔", "Platform"),
    ("该行推出“星河智慧”系列产品，包括“星河e贷”、“青禾通”和“蓝海投”。", "蓝海投", "Product"),  # a series' member
])
def test_quoted_names_typed_by_noun(pipeline, text, name, cls):
    assert (name, cls) in {(m.canonical or m.text, m.cls) for m in run(pipeline, text).mentions}


def test_quoted_slogan_is_not_an_entity(pipeline):
    doc = run(pipeline, "坚持“稳中求进”的总基调。")
    assert not doc.mentions
    assert not run(pipeline, "以金融“活水”服务实体经济发展。").mentions  # 服务 the verb, not a service


def test_a_quoted_name_after_a_known_bank_is_not_a_bank(pipeline):
    """建设银行“星河云”: 银行 before the quote is the owner's name, not a descriptor of the quoted one."""
    doc = run(pipeline, "近日，建设银行“星河云”通过了可信云认证。")
    assert ("星河云", "FinancialInstitution") not in {(m.text, m.cls) for m in doc.mentions}


@pytest.mark.parametrize("text, name, cls", [
    ("该行成立了数字金融研究院。", "数字金融研究院", "ResearchInstitute"),
    ("华夏星辰科技有限公司今日发布公告。", "华夏星辰科技有限公司", "Company"),
    ("远航消费金融有限公司获批开业。", "远航消费金融有限公司", "FinancialInstitution"),
    ("国家数据安全委员会发布通知。", "国家数据安全委员会", "GovernmentAgency"),
    ("行内组建了信息安全运营中心。", "信息安全运营中心", "OrganizationUnit"),
])
def test_organizations_by_suffix(pipeline, text, name, cls):
    assert (name, cls) in found(run(pipeline, text))


@pytest.mark.parametrize("text, person, title", [
    ("中国农业银行行长王建华出席。", "王建华", "行长"),
    ("招商银行首席信息官周天明表示。", "周天明", "首席信息官"),
])
def test_people_with_titles(pipeline, text, person, title):
    doc = run(pipeline, text)
    assert (person, "Person") in found(doc)
    assert (person, "jobTitle", title) in {(m.text, k, v) for m, k, v in doc.attributes}
    assert any(r.predicate == "worksFor" and r.subject.text == person for r in doc.relations)


def test_coordinated_list_gives_products_and_series(pipeline):
    doc = run(pipeline, "该行推出“安盾”系列。创新研发安盾e信、安盾e防、安盾e控等系列风险防控产品。")
    products = {m.text for m in doc.mentions if m.cls == "FinancialProduct"}
    assert {"安盾e信", "安盾e防", "安盾e控"} <= products
    members = {(r.subject.text, r.object.canonical) for r in doc.relations if r.predicate == "memberOf"}
    assert {("安盾e信", "安盾系列"), ("安盾e防", "安盾系列"), ("安盾e控", "安盾系列")} <= members


def test_subject_carries_over_clauses_and_sentences(pipeline):
    doc = run(pipeline, "中国银行积极推进数字化转型。近年来,打造了“中银云链”平台,推出“快e贷”产品。")
    develops = {(r.subject.canonical or r.subject.text, r.object.text)
                for r in doc.relations if r.predicate == "develops"}
    assert {("中国银行", "中银云链"), ("中国银行", "快e贷")} <= develops


@pytest.mark.parametrize("text, predicate, subject, obj", [
    ("平台“星云链”通过中国信息通信研究院的可信区块链测评。", "certifiedBy", "星云链", "中国信息通信研究院"),
    ("中国工商银行与华为技术有限公司签署战略合作协议。", "cooperatesWith", "中国工商银行", "华为技术有限公司"),
    ("中国人民银行对远航支付有限公司处罚。", "regulates", "中国人民银行", "远航支付有限公司"),
    ("招商银行设立星澜理财有限责任公司。", "establishes", "招商银行", "星澜理财有限责任公司"),
])
def test_relation_triggers(pipeline, text, predicate, subject, obj):
    doc = run(pipeline, text)
    rels = {(r.subject.canonical or r.subject.text, r.predicate, r.object.canonical or r.object.text)
            for r in doc.relations}
    assert (subject, predicate, obj) in rels


@pytest.mark.parametrize("text, value, unit, qualifier, label", [
    ("中国工商银行服务7亿个人客户。", "700000000", "户", None, "个人客户"),
    ("中国工商银行拥有超900万企业客户。", "9000000", "户", "atLeast", "企业客户"),
    ("中国工商银行日均调用量超过120亿次。", "12000000000", "次", "atLeast", "日均调用量"),
    ("中国工商银行累计办理业务30亿美元。", "3000000000", "美元", None, "办理业务"),
    ("中国工商银行服务20余万家企业。", "200000", "家", "moreThan", "企业"),
    ("中国工商银行已在近40个场景应用。", "40", "个", "approximately", "场景"),
    ("中国工商银行拥有1.5万亿元资产。", "1500000000000", "元", None, "资产"),
])
def test_metrics_normalized(pipeline, text, value, unit, qualifier, label):
    metrics = run(pipeline, text).metrics
    assert [(m.value, m.unit, m.qualifier) for m in metrics] == [(Decimal(value), unit, qualifier)]
    assert metrics[0].label.endswith(label[-2:])


@pytest.mark.parametrize("text", ["2022年10月19日发布。", "浏览:1709", "第10期", "5G技术", "7×24小时服务"])
def test_not_metrics(pipeline, text):
    assert run(pipeline, text).metrics == []


def test_aliases_defined_in_text(pipeline):
    doc = run(pipeline, "华夏星辰科技有限公司(以下简称“星辰科技”)今日成立。星辰科技表示将扩大投入。")
    keys = [m.canonical or m.text for m in doc.mentions]
    # the full name, the short name where it is defined, and the short name later on
    assert keys.count("华夏星辰科技有限公司") == 3


def test_traditional_text_gives_simplified_entities_with_original_offsets(pipeline):
    text = "中國工商銀行推出區塊鏈平台「工銀璽鏈」。"
    doc = run(pipeline, text)
    icbc = next(m for m in doc.mentions if m.canonical == "中国工商银行")
    assert text[icbc.start:icbc.end] == icbc.text == "中國工商銀行"
    assert ("工银玺链", "Platform") in found(doc)


@pytest.mark.parametrize("text, name", [
    # short names of companies, known only by their place in a deal or a holding (made-up names)
    ("据悉，宏图远拓拟收购蓝川股份。", "宏图远拓"),
    ("今年3月，ST蓝川大股东易人。", "蓝川"),
    ("此次华澜旗下鼎昇科技完成重组。", "华澜"),
    ("宏图集团收购江苏蓝川。", "江苏蓝川"),  # a place may open the short name
])
def test_deal_parties_are_companies(pipeline, text, name):
    assert (name, "Company") in found(run(pipeline, text))


@pytest.mark.parametrize("text, absent", [
    ("我们将全面收购优质资产。", "优质资产"),   # common words are no name
    ("其他股东因未增资，相应持股下降。", "因未"),  # a clause jieba left unknown
    ("北京大股东易人。", "北京"),                 # a place alone is no company
])
def test_deal_parties_keep_precision(pipeline, text, absent):
    assert all(m.text != absent or m.extractor != "parties@1" for m in run(pipeline, text).mentions)


@pytest.mark.parametrize("text, name", [
    ("双沟酒业发布公告。", "双沟酒业"),  # 双沟: a rare dictionary word as the brand
    ("宏图传媒发布公告。", "宏图传媒"),
])
def test_short_names_of_a_brand_and_an_industry(pipeline, text, name):
    assert (name, "Company") in found(run(pipeline, text))


@pytest.mark.parametrize("text, name", [
    ("青禾基金和蓝海信托共同发起成立星海资产管理有限公司。", "青禾基金"),  # a fund manager: a new word before 基金
    ("该轮融资由河隆基金领投。", "河隆基金"),                             # not 由河隆基金: the preposition is cut off
])
def test_fund_managers(pipeline, text, name):
    assert (name, "FinancialInstitution") in found(run(pipeline, text))


@pytest.mark.parametrize("text, absent", [
    ("公司股份发生变动。", "公司股份"),
    ("中国汽车销量增长。", "中国汽车"),
    ("公募基金、私募基金和房地产基金纷纷入市。", "公募基金"),  # kinds of funds, not fund managers
    ("公募基金、私募基金和房地产基金纷纷入市。", "房地产基金"),
])
def test_common_words_before_an_industry_are_not_brands(pipeline, text, absent):
    assert absent not in {name for name, _ in found(run(pipeline, text))}
