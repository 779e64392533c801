"""Shared resources and small text helpers for the extractors."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from kg.lexicon import Lexicon
from kg.ontology import RELATIONS, fits, is_a
from kg.segment import Segmenter
from kg.types import Document, Mention, Relation, TextIndex, Token  # noqa: F401 (Token: public here)

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
NAME_CHAR = re.compile(f"[{CJK}A-Za-z0-9]")
#: Characters that end a clause for the rules (after normalization: ASCII , : ; ! ?).
CLAUSE_END = set(",，:：;；。!?！？\n\r、")


def is_cjk(ch: str) -> bool:
    """True for one Chinese character (the ranges of ``CJK``)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@dataclass
class Resources:
    """What extractors share: the lexicon and a segmenter built from it, loaded once."""

    lexicon: Lexicon
    segmenter: Segmenter
    options: dict = field(default_factory=dict)
    #: per-extractor memos of decisions that depend on a word alone (people@1: word -> kind)
    memo: dict = field(default_factory=dict)


#: the per-document index (kept under its old name: it is :class:`kg.types.TextIndex`)
TokenIndex = TextIndex


def token_index(doc: Document) -> TextIndex:
    """The document's index of tokens and sentences (:meth:`kg.types.Document.indexed`)."""
    return doc.indexed()


def mentions_between(doc: Document, start: int, end: int) -> list[Mention]:
    """The document's (sorted, non-overlapping) mentions that lie inside ``[start, end)``."""
    starts = doc.__dict__.get("_mention_starts")
    if starts is None or doc.__dict__.get("_mention_list") is not doc.mentions:
        starts = doc.__dict__["_mention_starts"] = [m.start for m in doc.mentions]
        doc.__dict__["_mention_list"] = doc.mentions
    i, out = bisect_left(starts, start), []
    while i < len(starts) and starts[i] < end:
        if doc.mentions[i].end <= end:
            out.append(doc.mentions[i])
        i += 1
    return out


def mention(doc: Document, start: int, end: int, cls: str, extractor: str,
            confidence: float = 0.9, canonical: str | None = None) -> Mention:
    """A Mention over ``doc.text[start:end]``; canonical defaults to the normalized surface."""
    surface = doc.norm[start:end]
    if canonical is None and surface != doc.text[start:end]:
        canonical = surface
    return Mention(start, end, doc.text[start:end], cls, extractor, confidence, canonical)


#: Words that never open an organization's name: verbs that take one as their object, role and
#: time words, adverbs and category nouns in apposition (券商华泰证券). Hand-written, general.
LEAD_WORDS = frozenset("""离不开 助力 助推 面向 服务 位列 位居 跻身 迈向 走向 意指 落实 荣获 获得 获 颠覆 构建 打造 推动
推进 带动 支持 赋能 携手 联手 牵手 对接 加入 进入 入驻 成为 作为 担任 出任 任职 就职 供职 时任 现任 曾任 原任 历任
前任 拟任 兼任 离任 卸任 履新 接任 接替 继任 升任 调任 接棒 督导 辅导 共建 合建 共同 辞去 辞任 离职 致电 购得 竞得
受让 买入 买下 卖出 出售 转让 增持 减持 举牌 接盘 入主 拿下 购买 所持 收悉 宣布 发布 公布 披露 表示 称 指出 介绍 透露 认为 强调 显示 报道 据悉 据 经 由 被 向 对
给 让 使 令 帮助 协助 联合 依托 依靠 借助 通过 利用 包括 涵盖 覆盖 比如 例如 如 譬如 其中 另有 以及 还有 并且 而且 同时
此外 另外 目前 当前 近日 日前 今年 去年 明年 今日 昨日 近期 近年 此前 此后 随后 之后 以来 期间 已经 已 曾 将 正 正在
仍 仍然 也 都 均 还 又 再 更 最 很 较 不 没有 未 不设 设立 成立 组建 筹建 收购 并购 控股 参股 入股 投资 注资 增资 持有
持股 签约 签署 牵头 主导 主办 承办 协办 指导 监管 处罚 罚款 约谈 批复 核准 批准 同意 要求 督促 引导 鼓励 发起
券商 险企 银行业 机构 企业 公司 集团 平台 母行 母公司 子公司 旗下 财团 股东 大股东 控股股东 客户 用户 对手 同行 一是 二是
三是 四是 首先 其次 再次 最后 第一 第二 第三 即 系 乃 为 是 有 在 于 从 自 到 至 与 和 及 或 跟 同 把 将 的 了
前述 上述 所述 这家 那家 委托 责令 责成 授权 会同 机关 卖方 买方 甲方 乙方 出让方 受让方 转让方 投资方 合作方 委托方 承包方 发行人 借款人 担保人 申请人 当事人""".split())
#: Endings of verb phrases (折射出, 迈向, 转至, 归于, 交给, 成为) that cannot open a name.
VERB_ENDINGS = ("出", "向", "到", "于", "给", "至", "入", "往")
_NUMERIC = re.compile(r"^(?:(?:19|20)\d\d|[0-9.%]*[.%][0-9.%]*|[0-9零一二三四五六七八九十百千万亿两几多]+"
                      r"(?:年|月|日|号|家|个|项|名|位|余|多|届|期|年度)|[零一二三四五六七八九十百千万亿两几]+)$")
#: Words glued by the segmenter to a demonstrative, copula or time word (这是, 今年以来, 目前已).
_LEAD_PREFIX = re.compile(r"^(?:这|今年|去年|明年|近年|今天|昨天|目前|当前|此前|日前|近日)(?!$)")
#: Words that may stand inside a name (复星国际控股集团, 政务服务中心) but never open one.
SOFT_LEAD = frozenset("服务 投资 控股 合作 监管 机构 企业 公司 集团 平台 持股 参股 入股 注资 增资 成立 设立 银行业".split())


#: Second characters that make a numeral and a classifier (三家, 一批, 四方): a count, not a brand.
_COUNTED = frozenset("家个位名项种批只条次件类届期号年月日天些部座场所支股倍成层级点分秒周代方面路队步句声下回遍番本张片块"
                     "根套份间头口双对群流等线体大小强佳轮架台辆吨亩")
_NUMERALS = frozenset("零一二三四五六七八九十百千万亿两几数多余首第")


def numeral_brand(word: str) -> bool:
    """True for a two-character word that jieba calls a numeral but that is a brand (三元, 四维), not a
    count (三家, 一批) or a number (八一, 十五)."""
    return len(word) == 2 and word[0] in "一二三四五六七八九" and word[1] not in _NUMERALS \
        and word[1] not in _COUNTED


def bad_name_start(word: str, segmenter=None, lexicon=None) -> bool:
    """True when ``word`` cannot be the first word of an organization's name: a verb, role word,
    adverb or category noun (:data:`LEAD_WORDS`), a verb phrase ending in 出/向/到…, a number,
    year or count, a negated verb (不设, 未落实), or (with a segmenter) a common verb, adverb,
    numeral or time word by jieba's dictionary. Lexicon names are never bad starts."""
    if lexicon is not None and word in lexicon.by_surface:
        return False
    if word in LEAD_WORDS or _NUMERIC.match(word) or _LEAD_PREFIX.match(word):
        return True
    if 2 <= len(word) <= 3 and (word.endswith(VERB_ENDINGS) or word[0] in "不未没非"):
        if segmenter is None or segmenter.pos(word) not in ("ns", "nr", "nz", "nt"):
            return True
    if segmenter is not None:
        tag = segmenter.pos(word)
        if tag in ("d", "m", "t", "p", "c", "r", "q", "f", "mq", "tg", "dg", "i") and segmenter.frequency(word) >= 50 \
                and not (tag == "m" and numeral_brand(word)):
            return True
        if tag in ("v", "vd") and segmenter.frequency(word) >= 1000:
            return True
    return False


def stops_name(word: str, segmenter=None, lexicon=None) -> bool:
    """True when a name being grown leftwards must stop before ``word`` (a bad start that cannot
    stand inside a name either: 离不开, 时任, 2025; not 服务 or 投资, see :data:`SOFT_LEAD`)."""
    return word not in SOFT_LEAD and bad_name_start(word, segmenter, lexicon)


def is_org(m: Mention) -> bool:
    """True for a mention of an organization (a bank, company, agency, unit, ...)."""
    return is_a(m.cls, "Organization")


def antecedent(doc: Document, pos: int, bank: bool = False) -> Mention | None:
    """What 其/该行/该公司 before ``pos`` points back to: the organization (not an agency) named last
    in the 600 characters before it; ``bank``: a bank (该行)."""
    found = [m for m in mentions_between(doc, max(0, pos - 600), pos) if is_org(m) and m.cls != "GovernmentAgency"
             and (not bank or m.cls == "FinancialInstitution")]
    return found[-1] if found else None


#: Words that end a firm's name (甲乙银行, 甲乙人寿).
FIRM_WORDS = ("银行", "证券", "保险", "信托", "公司", "集团", "基金", "期货", "人寿", "财险", "产险", "农商", "农信")
#: A firm's name inside a longer name (甲乙银行零售金融部, 甲乙银行上海分行): what follows belongs to that firm.
FIRM_IN_NAME = re.compile(f"(?:{'|'.join(FIRM_WORDS)})(?=[\u4e00-\u9fff]{{2}})")
#: Verbs of speech (王五表示, 据其介绍): what follows is what someone says.
SPEECH = re.compile(r"表示|称|说|介绍|指出|透露|认为|强调|坦言|提到|告诉")


def fitting_relation(doc: Document, s: Mention | None, p: str, o: Mention | None, pos: int, conf: float,
                     extractor: str) -> Relation | None:
    """The relation (s, p, o) in the sentence at ``pos``, or None when an end is missing, both ends
    name the same thing, or the property's domain and range do not allow their classes."""
    if s is None or o is None or s.span == o.span:
        return None
    dom, rng = RELATIONS[p]
    if not fits(s.cls, dom) or not fits(o.cls, rng) or (s.canonical or s.text) == (o.canonical or o.text):
        return None
    return Relation(s, p, o, doc.sentence_of(pos), extractor, conf)
