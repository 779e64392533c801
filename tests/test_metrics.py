"""Metrics on sentences written for these tests (the companies do not exist; 招商银行 and 平安银行 are
lexicon entries): subject, value, unit and label of each quantity, through the default pipeline."""
from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extractors.metrics import NUMBER, parse_number
from kg.pipeline import Pipeline
from kg.types import Document


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def metrics(pipeline: Pipeline, text: str):
    doc = pipeline(Document(id="t", text=text))
    return [(m.subject.text if m.subject else None, m.value, m.unit, m.label) for m in doc.metrics]


def find(found, value):
    hits = [f for f in found if f[1] == Decimal(str(value))]
    assert hits, f"no metric of value {value} in {found}"
    return hits[0]


CASES = [  # sentence, value, subject, unit, a word the label must contain, a word it must not
    ("星河银行注册资本为人民币80亿元，总部位于杭州。", 8000000000, "星河银行", "元", "注册资本", "人民币"),
    ("星河银行资产总额达到6123.45亿元。", 612345000000, "星河银行", "元", "资产总额", "达到"),
    ("星河银行营业收入同比增长12.5%至88.6亿元。", 8860000000, "星河银行", "元", "营业收入", "增长"),
    ("星河银行营业收入同比增长12.5%至88.6亿元。", 12.5, "星河银行", "%", "营业收入同比增长", None),
    ("星河银行科技贷款余额同比增长超过25%。", 25, "星河银行", "%", "科技贷款余额", None),
    ("星河银行 2024 年投放贷款 312 亿元。", 31200000000, "星河银行", "元", "贷款", None),
    ("星河银行对接重点项目 128 个。", 128, "星河银行", "个", "项目", None),
    ("星河银行全年罚没合计 1 亿 2345 万元。", 123450000, "星河银行", "元", "罚没", None),
    ("星河银行手机银行注册用户2.3亿人，月活用户超1200万。", 230000000, "星河银行手机银行", "人", "注册用户", None),
    ("星河银行手机银行注册用户2.3亿人，月活用户超1200万。", 12000000, "星河银行手机银行", "户", "月活用户", None),
    ("星河银行零售客户数突破3200万户。", 32000000, "星河银行", "户", "客户", "突破"),
    ("星河银行发布公告称，以12.5亿元收购青松科技全部股权。", 1250000000, "星河银行", "元", "收购", None),
    ("星河银行的人脸识别技术以99.6%的识别精度领先同业。", 99.6, "星河银行", "%", "识别精度", None),
    ("星河银行出资50亿元设立全资子公司。", 5000000000, "星河银行", "元", "出资", "设立"),
    ("据公告，招商银行持股30%，平安银行持股15%。", 30, "招商银行", "%", "持股", None),
    ("据公告，招商银行持股30%，平安银行持股15%。", 15, "平安银行", "%", "持股", None),
    ("星河銀行資產總額達到6123億元。", 612300000000, "星河銀行", "元", "資產總額", "资产"),  # the text's script
    ("星河银行今年共发放贷款 20 笔、金额 3280 万元。", 32800000, "星河银行", "元", "贷款金额", None),
    ("星河银行营业收入 3000 亿元最多，青禾银行营业收入 2000 亿元次之。", 300000000000, "星河银行", "元", "营业收入", "最多"),
    ("星河银行营业收入 3000 亿元最多，青禾银行营业收入 2000 亿元次之。", 200000000000, "青禾银行", "元", "营业收入", "次之"),
    ("截至三季度末，星河银行资产总额突破5000亿元大关，达到5121.79亿元。", 512179000000, "星河银行", "元", "资产总额", None),
    ("6月，星河银行App的下载量超过15万。", 150000, "星河银行App", "次", "下载量", None),
    ("星河银行已推出 30 余款信贷产品。", 30, "星河银行", "款", "信贷产品", None),
    ("星河科技有限公司持股比例为35%。", 35, "星河科技有限公司", "%", "持股比例", None),
    ("星河银行推出“星河财富”平台。该平台累计服务客户超过800万户，交易额达2.5万亿元。", 8000000, "星河财富", "户",
     "客户", None),
    ("星河银行推出“星河财富”平台。该平台累计服务客户超过800万户，交易额达2.5万亿元。", 2500000000000, "星河财富", "元",
     "交易额", None),
    ("星河银行推出“星河财富”平台。该行累计服务客户超过800万户。", 8000000, "星河银行", "户", "客户", None),
    ("星河银行持续创新。其推出的“星云贷”“青松贷” 等 30 余款信贷产品广受欢迎。", 30, "星河银行", "款", "信贷产品", None),
    # counts with no unit written take it from the label: 用户数 in 户, 员工人数 in 人
    ("星河银行手机银行月活跃用户数超过4000万。", 40000000, "星河银行手机银行", "户", "用户数", None),
    ("星河银行员工人数超过2万。", 20000, "星河银行", "人", "员工人数", None),
    ("星河银行不良贷款率为1.25%。", 1.25, "星河银行", "%", "不良贷款率", None),  # 率 cut from the token 率为
    # a credit line is the lender's figure; 向 inside 意向性 does not end the label
    ("星河银行将为青禾集团提供不超过500亿元的意向性授信。", 50000000000, "星河银行", "元", "意向性授信", None),
    ("星河保险完成对青禾养老的增资，增资金额为8亿元。", 800000000, "星河保险", "元", "增资金额", None),
    # the period and the currency before a figure are not its label
    ("星河银行2023年净利润为200亿元。", 20000000000, "星河银行", "元", "净利润", "年"),
    ("星河銀行今年上半年稅後淨利達新台幣200億元。", 20000000000, "星河銀行", "元", "稅後淨利", "上半年"),
]


@pytest.mark.parametrize("text,value,subject,unit,has,lacks", CASES)
def test_metric(pipeline, text, value, subject, unit, has, lacks):
    got = find(metrics(pipeline, text), value)
    assert got[0] == subject and got[2] == unit and has in got[3], got
    if lacks:
        assert lacks not in got[3], got


@pytest.mark.parametrize("text,value", [("1,200.5", "1200.5"), ("三千二百", "3200"), ("两", "2")])
def test_parse_number(text, value):
    assert parse_number(text) == Decimal(value)


def test_spaced_number_does_not_swallow_the_space():
    assert [m.group() for m in NUMBER.finditer("2024 年投放 312 亿元")] == ["2024", "312 亿"]


def test_year_is_not_a_metric(pipeline):
    assert all(v != Decimal(2024) for _, v, _, _ in metrics(pipeline, "星河银行 2024 年投放贷款 312 亿元。"))
