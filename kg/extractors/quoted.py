"""Quoted names typed by the noun next to them.

区块链平台“工银玺链” -> Platform; “融安e”系列 -> ProductSeries (canonical 融安e系列);
“抗疫贷”产品 -> FinancialProduct. A quotation with no telling noun (a slogan, a figure of
speech like “卡脖子”) gives nothing.
"""
from __future__ import annotations

import re

from kg.extractors.base import Resources, mention
from kg.extractors.lists import head_class
from kg.types import Document, Mention

NAME = "quoted@1"
QUOTE = re.compile(r"[“「‘\"]([^“”「」‘’\"\n]{2,20})[”」’\"]")
_BAD_NAME = re.compile(r"[、,，。;；:：!！?？]|^\d+$|^[的以和与及]")

#: Head nouns after the closing quote (longest first), with the class they give.
AFTER: tuple[tuple[str, str], ...] = (
    ("系列", "ProductSeries"), ("小程序", "Platform"), ("客户端", "Platform"),
    ("平台", "Platform"), ("系统", "Platform"), ("App", "Platform"), ("APP", "Platform"),
    ("app", "Platform"), ("手机银行", "Platform"), ("应用", "Platform"),
    ("区块链", "Platform"), ("链", "Platform"),
    ("产品", "FinancialProduct"), ("贷款", "FinancialProduct"), ("信用卡", "FinancialProduct"),
    ("借记卡", "FinancialProduct"), ("理财", "FinancialProduct"), ("基金", "FinancialProduct"),
    ("保险", "FinancialProduct"), ("金融服务", "FinancialProduct"),
    ("品牌", "Product"),
    ("子公司", "Company"), ("公司", "Company"), ("集团", "Company"),
)
#: Descriptors just before the opening quote.
BEFORE: tuple[tuple[str, str], ...] = (
    ("平台", "Platform"), ("系统", "Platform"), ("App", "Platform"), ("APP", "Platform"),
    ("品牌", "Product"), ("系列", "ProductSeries"), ("产品", "FinancialProduct"),
    ("助手", "Platform"), ("助理", "Platform"), ("机器人", "Platform"), ("小程序", "Platform"),
    ("子公司", "Company"), ("公司", "Company"), ("银行", "FinancialInstitution"),
)
#: Name endings that type a quoted name without a head noun.
OWN_SUFFIX: tuple[tuple[str, str], ...] = (("贷", "FinancialProduct"), ("App", "Platform"))


def classify(before: str, name: str, after: str) -> tuple[str, str] | None:
    """(class, canonical name) for a quoted name, or None when nothing says what it is."""
    rest = after.lstrip()
    if rest.startswith("等"):  # “工银聚富通”等服务和产品: the head noun ends the phrase
        rest = rest[1:].lstrip("一系列个款项")
        rest = rest[: next((i for i, c in enumerate(rest) if c in ",。;、\n"), len(rest))][:8]
        cls = head_class(rest)
        return (cls, name) if cls and cls != "Technology" else None
    for head, cls in AFTER:
        if rest.startswith(head):
            if cls == "ProductSeries" and not name.endswith("系列"):
                return cls, name + "系列"
            return cls, name
    for head, cls in BEFORE:
        if before.endswith(head):
            return cls, name
    for suffix, cls in OWN_SUFFIX:
        if name.endswith(suffix) and len(name) >= 3:
            return cls, name
    return None


def propose(doc: Document, res: Resources) -> list[Mention]:
    """Mentions for quoted names whose neighbouring noun tells their class."""
    text, found = doc.norm, []
    for m in QUOTE.finditer(text):
        name = m.group(1)
        if _BAD_NAME.search(name) or name != name.strip():
            continue
        typed = classify(text[max(0, m.start() - 8):m.start()], name, text[m.end():m.end() + 12])
        if typed is None:
            continue
        cls, canonical = typed
        found.append(mention(doc, m.start(1), m.end(1), cls, NAME, 0.9,
                             canonical=canonical if canonical != name else None))
    return found
