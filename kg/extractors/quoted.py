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
    ("品牌", "Product"), ("服务", "Product"),
    ("子公司", "Company"), ("公司", "Company"), ("集团", "Company"),
)
#: Descriptors just before the opening quote.
BEFORE: tuple[tuple[str, str], ...] = (
    ("平台", "Platform"), ("系统", "Platform"), ("App", "Platform"), ("APP", "Platform"),
    ("品牌", "Product"), ("系列", "ProductSeries"), ("产品", "FinancialProduct"),
    ("助手", "Platform"), ("助理", "Platform"), ("机器人", "Platform"), ("小程序", "Platform"),
    ("应用程序", "Platform"), ("应用程式", "Platform"), ("应用", "Platform"), ("客户端", "Platform"),
    ("手机银行", "Platform"),
    ("子公司", "Company"), ("公司", "Company"), ("银行", "FinancialInstitution"),
)
#: Name endings that type a quoted name without a head noun.
OWN_SUFFIX: tuple[tuple[str, str], ...] = (
    ("贷", "FinancialProduct"), ("App", "Platform"), ("APP", "Platform"), ("平台", "Platform"), ("系统", "Platform"),
    ("实验室", "OrganizationUnit"), ("研究院", "ResearchInstitute"), ("研究中心", "ResearchInstitute"),
    ("创新中心", "OrganizationUnit"), ("联盟", "Organization"), ("系列", "ProductSeries"),
    ("Pay", "Platform"), ("钱包", "Platform"))
#: A count before the head noun (“甲”“乙”两大产品, “丙”等三款产品).
_LIST_COUNT = re.compile(r"^(?:一系列|[一二两三四五六七八九十几多\d]*[个款项种类])")
_COUNT = re.compile(r"^[一二两三四五六七八九十几多\d]+(?:大|款|个|项|种|类|只|支)")
#: A short modifier between the closing quote and 系列 (“甲乙”权益系列, “丙丁”股权投资系列).
_SERIES_AFTER = re.compile(r"^([\u4e00-\u9fff]{1,6}?)系列")
_PLATFORM_AFTER = re.compile(r"^([\u4e00-\u9fff]{1,10}?)(?:平台|系统|App|APP|小程序|客户端)")
#: A description then 产品 as the clause's last word (“甲乙”智能投顾产品。); a service (“甲乙”…服务) is
#: left alone: measured on news-dev, it named more descriptions than products
_PRODUCT_AFTER = re.compile(r"^([\u4e00-\u9fff]{1,8}?)产品(?=[,;:。!?、\n]|$)")
_AS_BRAND = re.compile(r"为(?:核心|主|统一|全新|服务)?品牌")
_VERBS = re.compile("依托|通过|使用|基于|利用|同样|运营|采用|借助|接入|上线|推出|打造|搭建")
_SERIES_BAD = set("的了是在和与及等为将把被从向对")


def classify(before: str, name: str, after: str, owner: bool = False) -> tuple[str, str] | None:
    """(class, canonical name) for a quoted name, or None when nothing says what it is; ``owner``:
    a known organization is written right before the quote (甲乙银行“甲乙云”: its thing, not a bank)."""
    rest = after.lstrip()
    if rest.startswith("等"):  # “工银聚富通”等服务和产品: the head noun ends the phrase
        rest = _LIST_COUNT.sub("", rest[1:])  # 等一系列产品, 等三款产品 (not the 系 of 等系统)
        rest = rest[: next((i for i, c in enumerate(rest) if c in ",。;、\n"), len(rest))][:8]
        cls = head_class(rest)
        return (cls, name) if cls and cls != "Technology" else None
    if before.endswith("以") and _AS_BRAND.match(rest):
        return "Product", name  # 以“甲乙”为品牌的…服务体系
    rest = _COUNT.sub("", rest)
    series = _SERIES_AFTER.match(rest)
    if series and series.group(1) and not _SERIES_BAD.intersection(series.group(1)):
        return "ProductSeries", name + series.group(1) + "系列"
    for head, cls in AFTER:
        if rest.startswith(head) and not (head == "服务" and "\u4e00" <= rest[2:3] <= "\u9fff"):  # (服务实体经济: a verb)
            if cls == "ProductSeries" and not name.endswith("系列"):
                return cls, name + "系列"
            return cls, name
    for head, cls in BEFORE:
        if before.endswith(head) and not (owner and cls in ("Company", "FinancialInstitution")):
            return cls, name
    platform = _PLATFORM_AFTER.match(rest)
    if platform and not _SERIES_BAD.intersection(platform.group(1)) and not _VERBS.search(platform.group(1)):
        return "Platform", name  # “甲乙”云财资综合服务平台: the quoted word names the platform
    for suffix, cls in OWN_SUFFIX:
        if name.endswith(suffix) and len(name) >= 3 and (len(suffix) == 1 or len(name) - len(suffix) >= 2):
            return cls, name
    product = _PRODUCT_AFTER.match(rest)
    if product and len(name) <= 8 and not _SERIES_BAD.intersection(product.group(1) + name) \
            and not _PHRASE_CHARS.intersection(name) and not _VERBS.search(product.group(1)):
        return "FinancialProduct", name
    return None


#: Characters of a quoted phrase, not a name (“要更好地服务”)
_PHRASE_CHARS = set("地得着过要更很就都也还")


def propose(doc: Document, res: Resources) -> list[Mention]:
    """Mentions for quoted names whose neighbouring noun tells their class."""
    text, found = doc.norm, []
    chain: list[re.Match] = []  # quotes written one after another (“甲”“乙”, “甲”、“乙”和“丙”)
    listed = -1  # where a list of a series' members goes on (甲系列产品，包括“乙”、“丙”)
    for m in QUOTE.finditer(text):
        name = m.group(1)
        if _BAD_NAME.search(name) or name != name.strip():
            chain = []
            continue
        if chain and not _JOIN.fullmatch(text[chain[-1].end():m.start()]):
            chain = []
        chain.append(m)
        before = text[max(0, m.start() - 8):m.start()]
        owner = any(end == len(before) and e.cls != "Place" for _, end, e in res.lexicon.find(before))
        typed = classify(before, name, text[m.end():m.end() + 12], owner)
        if typed is None and listed >= 0 and _JOIN.fullmatch(text[listed:m.start()]):
            typed = ("Product", name)  # a member of the series just named
        if typed is None:
            continue
        if typed[0] == "ProductSeries":
            members = SERIES_MEMBERS.match(text, m.end())
            listed = members.end() if members else -1
        elif listed >= 0:
            listed = m.end()
        cls, canonical = typed
        found.append(mention(doc, m.start(1), m.end(1), cls, NAME, 0.9,
                             canonical=canonical if canonical != name else None))
        if text[m.end():m.end() + 1] not in ("“", "、", "和", "及", "与"):  # the chain's head noun types it all
            for prev in chain[:-1]:
                if cls in ("FinancialProduct", "Platform", "Product") and not any(
                        f.start == prev.start(1) for f in found):
                    found.append(mention(doc, prev.start(1), prev.end(1), cls, NAME, 0.8))
        chain = []
    return found


_JOIN = re.compile(r"\s*(?:、|和|及|与|以及)?\s*")
#: after a series (its name or its closing quote): its members follow (“甲”系列产品，包括…); the text is
#: normalized, so , and : are half-width
SERIES_MEMBERS = re.compile(r"[”」\"]?(?:系列)?(?:产品|服务)?[,:]?(?:主要)?(?:包括|包含|涵盖|有|如|分别为|分别是)[:]?")
