"""Places named after a locating verb: 位于甲乙市丙丁区, 落户戊己镇 -> Place.

After 位于/地处/落户/坐落于/地址为, the words up to an administrative ending (省 市 区 县 镇 乡
村 街道 新区 开发区) that hold no verb or function word name a place. Places the lexicon
knows are left to the gazetteer, which gives their canonical names.
"""
from __future__ import annotations

import re

from kg.extractors.base import CJK, Resources, mention
from kg.types import Document, Mention

NAME = "places@1"
LOCATING = re.compile(f"(?:位于|地处|落户|落户于|坐落于|坐落在|地址为|注册于|总部设在|总部位于)([{CJK}]{{2,14}})")
#: Administrative endings, longest first.
ENDINGS = ("经济技术开发区", "高新技术产业开发区", "开发区", "高新区", "新区", "自治州", "自治县", "街道",
           "省", "市", "区", "县", "镇", "乡", "村")
#: Common nouns that end like a place (东部地区, 上市, 小区): not a place's name.
GENERIC_ENDS = ("地区", "社区", "园区", "城区", "景区", "辖区", "市区", "街区", "片区", "小区", "专区", "分区", "矿区",
                "股市", "城市", "都市", "超市", "上市", "门市", "夜市", "农村", "乡村", "山村", "城乡")
NOT_IN_PLACE = set("的了是在和与及等为将把被从向对于由其该这那此各个")


def _place_end(text: str) -> int:
    """Length of the longest start of ``text`` that ends in an administrative ending."""
    best = 0
    for k in range(2, len(text) + 1):
        if NOT_IN_PLACE.intersection(text[k - 1]):
            break
        if text[:k].endswith(ENDINGS) and not text[:k].endswith(GENERIC_ENDS) and (k == len(text) or text[k] not in "场值民"):
            best = k
    return best


def propose(doc: Document, res: Resources) -> list[Mention]:
    found = []
    for m in LOCATING.finditer(doc.norm):
        length = _place_end(m.group(1))
        if length < 3:
            continue
        start, end = m.start(1), m.start(1) + length
        name = doc.norm[start:end]
        if name in res.lexicon.by_surface:
            continue
        found.append(mention(doc, start, end, "Place", NAME, 0.6))
    return found
