"""Organizations recognized by their suffix (…银行 …部 …委员会 …研究院 …中心 …公司 …集团 …协会).

A suffix token is extended leftwards over name-like words (nouns, place names, new words)
and stops at verbs, function words, punctuation and determiners, so 成立同业首家信息安全运营中心
gives 信息安全运营中心. Names made only of generic modifiers (商业银行, 大型银行) are dropped.
"""
from __future__ import annotations

import re

from kg.extractors.base import (CLAUSE_END, FIRM_IN_NAME, LEAD_WORDS, NAME_CHAR, Resources, bad_name_start, mention, numeral_brand, stops_name,
                                token_index)
from kg.types import Document, Mention

NAME = "suffix@1"
MAX_CHARS = 24
MAX_TOKENS = 7

#: suffix -> class, longest first. Government-looking suffixes are checked for a public prefix.
SUFFIXES: tuple[tuple[str, str], ...] = tuple(sorted({
    "股份有限公司": "Company", "有限责任公司": "Company", "有限公司": "Company", "公司": "Company",
    "集团": "Company", "控股": "Company",
    "银行": "FinancialInstitution", "分行": "FinancialInstitution", "支行": "FinancialInstitution",
    "证券": "FinancialInstitution", "信托": "FinancialInstitution", "交易所": "FinancialInstitution", "期货": "FinancialInstitution",
    "信用社": "FinancialInstitution", "保险": "FinancialInstitution", "金控": "FinancialInstitution",
    "研究院": "ResearchInstitute", "研究所": "ResearchInstitute", "研究中心": "ResearchInstitute",
    "科学院": "ResearchInstitute", "大学": "ResearchInstitute", "学院": "ResearchInstitute",
    "实验室": "OrganizationUnit", "中心": "OrganizationUnit", "事业部": "OrganizationUnit",
    "营业部": "OrganizationUnit", "营业管理部": "OrganizationUnit",
    "协会": "Organization", "学会": "Organization", "联合会": "Organization", "商会": "Organization",
    "基金会": "Organization", "联盟": "Organization",
    "委员会": "GovernmentAgency", "部": "GovernmentAgency", "局": "GovernmentAgency",
    "总局": "GovernmentAgency", "署": "GovernmentAgency", "厅": "GovernmentAgency",
    "办公室": "GovernmentAgency", "政府": "GovernmentAgency", "法院": "GovernmentAgency",
    "检察院": "GovernmentAgency", "委": "GovernmentAgency", "司": "GovernmentAgency",
    "中院": "GovernmentAgency", "高院": "GovernmentAgency", "医院": "Organization", "院": "ResearchInstitute",
    "海军": "GovernmentAgency", "空军": "GovernmentAgency", "陆军": "GovernmentAgency", "大使馆": "GovernmentAgency",
    "使馆": "GovernmentAgency", "领事馆": "GovernmentAgency", "派出所": "GovernmentAgency",
    "看守所": "GovernmentAgency", "车管所": "GovernmentAgency", "公安局": "GovernmentAgency",
    "常委会": "GovernmentAgency", "办": "GovernmentAgency", "办公厅": "GovernmentAgency",
    "事务所": "Company", "律师事务所": "Company", "会计师事务所": "Company",
    "总队": "GovernmentAgency", "支队": "GovernmentAgency", "大队": "GovernmentAgency", "人大": "GovernmentAgency", "农商行": "FinancialInstitution",
    "农信社": "FinancialInstitution", "城商行": "FinancialInstitution", "拍卖行": "Company",
    # insurers are named by their line of business (X人寿, X产险, X财险, X寿险)
    "人寿": "FinancialInstitution", "产险": "FinancialInstitution", "财险": "FinancialInstitution",
    "寿险": "FinancialInstitution", "人寿保险": "FinancialInstitution", "财产保险": "FinancialInstitution",
}.items(), key=lambda kv: -len(kv[0])))

#: Suffixes only public bodies have (埃及政府, 静安法院, 东风派出所): no firm has a department so named.
PUBLIC_SUFFIXES = frozenset(("政府", "法院", "检察院", "中院", "高院", "看守所", "派出所", "公安局", "车管所",
                             "大使馆", "使馆", "领事馆"))
GOV_PREFIXES = ("国家", "国务院", "中央", "中共", "中国", "全国", "最高人民")
GOV_MARKERS = ("省", "市", "县", "自治区", "人民")
FIN_WORDS = ("银行", "保险", "证券", "基金", "信托", "金融", "支付", "期货", "理财", "资管", "资产管理",
             "消费金融", "金控", "财险", "寿险", "人寿", "财产", "租赁", "银联")

#: Words that never start or continue a name on the left.
STOP = frozenset("""的 了 和 与 及 或 在 由 向 对 为 被 将 把 从 等 也 都 已 并 又 还 是 有 其 该 各 这 那 本 我 我们
此 每 首家 首个 同业 全 全新 当地 多家 一家 一个 一批 以及 联合 依托 通过 成立 设立 组建 合作 推出 打造 包括 其中 目前
以下 简称 下称 旗下 子公司 全资子公司 控股子公司 分公司 孙公司 作为 收购 入股 宣布 表示 显示 要求 支持 参与 加入 成为 获批 批准 处罚 发布 召开 举办
出席 认为 指出 介绍 称 据 向 交由 办理 前到 开着 交等 多受 国内 国外 境内 境外 海外 全国性 地方 相关 有关 各类 其他 主要 多个 部分 新""".split())
GENERIC = frozenset("""持牌 大型 中型 小型 中小 中小型 商业 国有 股份制 股份 城市 农村 民营 外资 中资 金融 主要 上市 头部 龙头
互联网 科技 数字 数字化 非银 政府 监管 职能 全球 世界 国际 传统 银行 村镇 开发性 政策性 直销 民营 核心 重点 领先
所属 分支 总 一级 二级 省级 市级 县级 专业 综合 服务 运营 管理 研发 创新 技术 业务 数据 安全 客户 合作 会员 成员
合规 风险 计算 信息 网络 总部 研究 科研 高校 知名 新闻 新 发展 基金 证券 保险 支付 信托 期货 理财 资管 消费
银行业 该 本 此 两家 多家 几家 各家 外部 第三方 大中型 农商 城商 智慧 智能 虚拟 实体 网上 手机 线上 线下 直营
纯网络 民营 社区 普惠 养老 私人 绿色 个人 团体 健康 意外 短期 长期 车 汽车 财产 人身 产险 寿险 财险 人寿
公募 私募 货币 债券 股票 混合 指数 天使 引导 专项 对冲 主权 产业 社保""".split())
#: Common words that end like an organization suffix (…局, …部) but never name one.
NOT_ORGS = ("格局", "大局", "全局", "布局", "结局", "部署", "干部", "内部", "外部", "全部", "局部", "底部", "顶部",
            "总部", "东部", "西部", "南部", "北部", "中部", "俱乐部", "后部", "前部", "腹部", "头部",
            "子公司", "分公司", "孙公司", "总公司", "母公司", "本公司", "该公司", "新公司",
            "编委")
COMPANY_CLASSES = ("Company", "FinancialInstitution")
#: A bank's channels, named like a bank (某银行手机银行): products, not institutions.
CHANNELS = ("手机银行", "网上银行", "电话银行")
RARE = 1000  # jieba frequency below which a verb may be part of a name
RARE_PROPER = 200  # below which a common noun may be the proper part of a company's name
RARE_BRAND = 50  # below which a dictionary word may be the brand before an industry word (双沟|酒业)
#: Suffix classes whose names may be made of generic words (金融科技研究院, 信息安全运营中心).
UNIT_CLASSES = ("ResearchInstitute", "OrganizationUnit")
BAD_TAGS = frozenset("v p c u d r m q f t y e o ul uj uz ug uv ud vd ad zg dg tg rz rr ry mq".split())


_BY_LAST_CHAR: dict[str, list[tuple[str, str]]] = {}
for _suffix, _cls in SUFFIXES:
    _BY_LAST_CHAR.setdefault(_suffix[-1], []).append((_suffix, _cls))




def _suffix_of(word: str) -> tuple[str, str] | None:
    for suffix, cls in _BY_LAST_CHAR.get(word[-1:], ()):
        if word.endswith(suffix):
            return suffix, cls
    return None


def _suffix_head(word: str, res: Resources) -> tuple[str, str] | None:
    """The suffix and class of a token that can end an organization's name (None: it cannot)."""
    hit = _suffix_of(word)
    if hit is None or word.endswith(NOT_ORGS):
        return None
    if word != hit[0] and res.segmenter.in_dictionary(word) and res.segmenter.pos(word) not in ("nt", "nz", "n", "j"):
        return None  # 签署, 部署: a word that merely ends like an organization
    return hit


def name_like(word: str, res: Resources, company: bool = False) -> bool:
    """True for words that can be part of a name; company names may hold verbs (远航支付有限公司)."""
    if word in STOP or not all(NAME_CHAR.match(c) for c in word):
        return False
    tag = res.segmenter.pos(word)
    if tag not in BAD_TAGS or tag == "m" and numeral_brand(word):
        return True
    # a company name may hold a business word (支付) or a rare verb (远航), not a common one (实现)
    return company and (word in FIN_WORDS or word in BUSINESS_VERBS
                        or (tag == "v" and len(word) >= 2 and res.segmenter.frequency(word) < RARE))


#: Lines of business that jieba tags as common verbs, yet name a company's trade (甲乙房地产开发有限公司).
BUSINESS_VERBS = frozenset("开发 制造 生产 建设 经营 管理 咨询 服务 设计 运营 加工 销售 营销 运输 培训".split())


def fragment(tokens, k: int) -> bool:
    """True when token ``k`` is one character of a run that jieba split out of an unknown name
    (北京|中|地|房地产开发有限公司): a single Han character next to another, neither a function word."""
    def single(n: int) -> bool:
        return 0 <= n < len(tokens) and len(tokens[n].text) == 1 and "\u4e00" <= tokens[n].text <= "\u9fff" \
            and tokens[n].text not in STOP and tokens[n].text not in FRAGMENT_STOP
    return single(k) and (single(k - 1) or single(k + 1))


#: Single characters that are words of the sentence, never pieces of a name.
FRAGMENT_STOP = frozenset("年月日号个家名位次元万亿余多约共于以而且但就才又也再不没未很最更及或即乃之所")


#: Prepositions that jieba glues to an unknown name's first character (以证期局 -> 以证/期局).
GLUED_PREPOSITIONS = frozenset("以于被把将从由")
#: …and before a company's name, 为 too (推荐为|海胶集团)
GLUED_BEFORE_FIRM = GLUED_PREPOSITIONS | {"为"}
#: jieba frequency below which a role verb and a character are one word only by accident (曾任青, 现任华)
RARE_GLUED = 50


def _glued_lead(word: str, seg) -> int:
    """How many characters of a three-character word are a preposition (为|海胶) or a role verb (曾任|青)
    that jieba glued to a name's first character, or 0."""
    if len(word) != 3:
        return 0
    if word[0] in GLUED_BEFORE_FIRM and not seg.in_dictionary(word):
        return 1
    return 2 if word[:2] in LEAD_WORDS and seg.frequency(word) < RARE_GLUED else 0
#: One-character administrative levels that open a public body's name (市金融办, 省国资委).
ADMIN_LEVELS = frozenset("省市县区州")
#: Department words after a bank-like word (私人银行部): the department is the name.
UNIT_TAILS = frozenset(("部", "事业部", "部门", "中心", "处"))
#: Bare category heads: a name grown leftwards stops before them (产险公司|甲乙财产保险有限公司).
CATEGORY_HEADS = frozenset(("公司", "集团", "机构", "企业"))
#: Words after which a noun phrase (an organization's name) begins.
OPENERS = frozenset("对 与 和 向 为 同 由 及 将 把 联合 携手 跟 获 经".split())
#: Words before a unit that belongs to the organization the text is about (依托旗下金融科技研究院).
INSIDE = re.compile(r"(?:依托|旗下|下属|所属|内设|内部|行内|集团内)(?:的)?$")


#: Government-like suffixes: with no owner before them the name is a public body.
MINISTRY_SUFFIXES = ("部", "总局", "局", "署", "厅", "委员会", "委")
#: Text just before a unit that shows whose unit it is (该行风险管理部, 公司财务部).
OWNER_BEFORE = re.compile(r"(?:行|司|团|该|本|我|内|其|的)$")
_ORG_CLASSES = ("Organization", "Company", "FinancialInstitution", "GovernmentAgency", "ResearchInstitute",
                "OrganizationUnit")


#: Verbs that may stand inside a name (鸿远投资有限公司) but end the name before them when an
#: organization precedes them (甲公司投资乙有限公司).
SOFT_VERBS = frozenset("投资 控股 持股 入股 参股 注资 增资".split())
BRANCH_SUFFIXES = ("分行", "支行", "分公司", "营业部", "营业管理部")
PROPER_TAGS_ORG = ("nz", "nt", "nr", "nrt", "nrfg", "ns", "j", "x")


def _proper(word: str, res: Resources) -> bool:
    """A word that can make a company's name its own: a proper noun, a rare or new word, Latin."""
    if word in res.lexicon.by_surface or re.search(r"[A-Za-z]", word):
        return True
    return res.segmenter.pos(word) in PROPER_TAGS_ORG or res.segmenter.frequency(word) < RARE_PROPER \
        or numeral_brand(word)


def _futures_brand(word: str, res: Resources) -> bool:
    """True when ``word`` before 期货 names a firm (a known or proper name, a new word), not a commodity."""
    return bool(word) and (word in res.lexicon.by_surface or res.segmenter.pos(word) in PROPER_TAGS_ORG
                           or not res.segmenter.in_dictionary(word))


def _starts_with_place(text: str, res: Resources) -> bool:
    """True when a lexicon place starts ``text`` (memoized: the same few prefixes recur)."""
    memo = res.memo.setdefault("suffix.place", {})
    hit = memo.get(text)
    if hit is None:
        hit = memo[text] = any(s0 == 0 and e.cls == "Place" for s0, _, e in res.lexicon.find(text))
    return hit


def _place_word(word: str, res: Resources) -> bool:
    entry = res.lexicon.by_surface.get(word)
    return (entry is not None and entry.cls == "Place") or res.segmenter.pos(word) == "ns"


def _is_known_org(word: str, res: Resources) -> bool:
    entry = res.lexicon.by_surface.get(word)
    return entry is not None and entry.cls in _ORG_CLASSES


def _opens_clause(tokens, k: int) -> bool:
    """True when token ``k`` starts a clause or follows a preposition."""
    return k == 0 or tokens[k - 1].text in CLAUSE_END or tokens[k - 1].text.isspace() \
        or tokens[k - 1].text in OPENERS


def classify(name: str, suffix: str, cls: str, place: bool = False) -> str:
    """The class of an organization name, refining the suffix's default.

    ``place`` tells that the name starts with a place (北京市住建委, 香港贸易发展局): a
    government-like suffix then names a government body, as does 中心 (市土地整理储备中心).
    """
    public = place or name.startswith(GOV_PREFIXES) or any(m in name[:-len(suffix)] for m in GOV_MARKERS) \
        or suffix in PUBLIC_SUFFIXES
    if cls == "GovernmentAgency" and not public:
        return "OrganizationUnit"
    if suffix == "中心" and public and name.startswith(("市", "省", "县", "区", "国家")):
        return "GovernmentAgency"
    if cls == "Company" and any(w in name for w in FIN_WORDS):
        return "FinancialInstitution"
    return cls


#: A country's army or navy (美军, 俄海军): public bodies in news annotation conventions.
MILITARY = re.compile(r"(?<![\u4e00-\u9fff])[美俄德日英法韩朝印以伊](?:军|海军|陆军|空军)(?:部队)?")


def _military(doc: Document) -> list[Mention]:
    return [mention(doc, m.start(), m.end(), "GovernmentAgency", NAME, 0.6) for m in MILITARY.finditer(doc.norm)]


def propose(doc: Document, res: Resources) -> list[Mention]:
    """Organization mentions ending in a known suffix, extended left over name-like words."""
    tokens, found = doc.tokens, _military(doc)
    index = token_index(doc)
    heads = res.memo.setdefault(NAME, {})
    # the tokens that end in a suffix (each distinct word is judged once, and remembered)
    at = []
    for word, where in index.words.items():
        hit = heads.get(word, False)
        if hit is False:
            hit = heads[word] = _suffix_head(word, res)
        if hit is not None:
            at += where
    for i in sorted(at):
        tok = tokens[i]
        hit = heads[tok.text]
        suffix, cls = hit
        if cls in COMPANY_CLASSES and i + 1 < len(tokens) and tokens[i + 1].text in UNIT_TAILS:
            continue  # 私人银行部, 证券事业部: the name goes on to a department
        if suffix == "期货" and not _futures_brand(tok.text[:-2] or (tokens[i - 1].text if i else ""), res):
            continue  # 原油期货, 股指期货: a kind of contract, not a futures company
        j = i
        branch = suffix in BRANCH_SUFFIXES
        seg, lex = res.segmenter, res.lexicon
        if suffix == "控股" and i > 0 and (tokens[i - 1].text in ("全资", "绝对", "相对", "间接", "直接", "实际", "共同")
                                         or _suffix_of(tokens[i - 1].text)):
            continue  # 由甲银行全资控股: the verb, not a holding company
        if cls in COMPANY_CLASSES and j >= 4 and tokens[j - 1].text in (")", "）") \
                and tokens[j - 3].text in ("(", "（") and _place_word(tokens[j - 2].text, res):
            j -= 3  # 甲乙投资(北京)有限公司: the place in brackets belongs to the name
        while (j > 0 and i - j < MAX_TOKENS and tok.end - tokens[j - 1].start <= MAX_CHARS
               # 星河保险|原|保险: a firm's name ends there and a description follows it (an agency's
               # branch goes on: 某市公安局|某分局)
               and not (j < i and cls in COMPANY_CLASSES and tokens[j - 1].text.endswith(suffix)
                        and all(len(t.text) == 1 for t in tokens[j:i]))
               # 由原|某农信社, 由该|公司: a preposition and a determiner jieba glued into one word
               and not (len(tokens[j - 1].text) == 2 and tokens[j - 1].text[0] in GLUED_PREPOSITIONS
                        and tokens[j - 1].text[1] in "原该本其此")
               # the word right before a company suffix is its line of business (支付, 保险): only the
               # fixed lists stop it there, not jieba's common-verb test
               # after the pieces of an unknown name only a place may open it (北京|中|地|房地产...)
               and not (j < i and fragment(tokens, j) and not fragment(tokens, j - 1)
                        and not _place_word(tokens[j - 1].text, res))
               and ((cls in COMPANY_CLASSES and fragment(tokens, j - 1))
                    or (not stops_name(tokens[j - 1].text, seg if j < i or cls not in COMPANY_CLASSES else None, lex)
                        and not (tokens[j - 1].text in SOFT_VERBS and j >= 2 and _suffix_of(tokens[j - 2].text))
                        and not (tokens[j - 1].text in CATEGORY_HEADS and j < i)
                        and name_like(tokens[j - 1].text, res, cls in COMPANY_CLASSES)))
               and (branch or cls in COMPANY_CLASSES or not _is_known_org(tokens[j - 1].text, res))):
            j -= 1
        if tokens[j].text in ("(", "（"):
            j = i  # （北京）有限公司 with no name before the bracket
        owned = (cls in UNIT_CLASSES and 0 < j and _is_known_org(tokens[j - 1].text, res)
                 and all(t.text in GENERIC for t in tokens[j:i]) and (tok.text == suffix or i > j))
        if owned:
            j -= 1  # 甲乙人寿研发中心: a unit named only by its function takes its owner's name
        core = j
        if j > 0 and _opens_clause(tokens, j - 1) and tokens[j - 1].text not in STOP \
                and res.segmenter.frequency(tokens[j - 1].text) < RARE \
                and not bad_name_start(tokens[j - 1].text, seg, lex) \
                and res.segmenter.pos(tokens[j - 1].text) not in BAD_TAGS - {"v"} \
                and len(tokens[j - 1].text) >= 2 and all(NAME_CHAR.match(c) for c in tokens[j - 1].text):
            j -= 1  # a name opening its clause may start with any word (远航消费金融有限公司)
        while j < i and bad_name_start(tokens[j].text, seg, lex) \
                and not (cls in COMPANY_CLASSES and fragment(tokens, j)):
            j += 1  # 服务母行集团, 助推X银行: the name starts after the verb or role word
        if core < j:
            core = j
        start = tokens[j].start
        name = doc.norm[start:tok.end]
        head = name[: -len(suffix)]
        words = [t.text for t in tokens[core:i]] + ([tok.text[: -len(suffix)]] if tok.text != suffix else [])
        words = [w for w in words if w]
        place = _starts_with_place(name[:4], res)
        refined = classify(name, suffix, cls, place)
        if len(head) < 2 or not any(c.isalpha() for c in head) or (all(w in GENERIC for w in words)
                             and (len(words) < 2 or refined not in UNIT_CLASSES)):
            continue
        if refined in COMPANY_CLASSES and not branch and not any(
                _proper(t.text, res) or fragment(tokens, k) for k, t in enumerate(tokens[j:i + 1], j)
                if t.text != suffix):
            continue  # 小额贷款公司, 四大国有银行: a description, not a name
        if len(tokens[j].text) == 1 and res.segmenter.pos(tokens[j].text) in ("x", "n", "a", "b") \
                and not (tokens[j].text in ADMIN_LEVELS and cls == "GovernmentAgency"):
            # a lone character at the left edge is usually the tail of a verb or modifier
            if len(head) - 1 < 2:
                continue
            start += 1
            name = name[1:]
        glued = [k for k in range(j, i) if len(tokens[k].text) == 2 and tokens[k].text[0] in GLUED_PREPOSITIONS
                 and not seg.in_dictionary(tokens[k].text)]
        if glued and cls not in COMPANY_CLASSES and tok.end - tokens[glued[-1]].start >= 4:
            start = tokens[glued[-1]].start + 1  # 以乙期局, 项目由市国资委: a preposition glued to the name
            name = doc.norm[start:tok.end]
        elif j < i and start == tokens[j].start and (cut := _glued_lead(tokens[j].text, seg)):
            start += cut  # 推荐为|海胶集团, 曾任青|禾|银行
            name = doc.norm[start:tok.end]
        cls = classify(name, suffix, cls, place)
        inside = INSIDE.search(doc.norm[max(0, start - 6):start]) or OWNER_BEFORE.search(
            doc.norm[max(0, start - 3):start]) or (j > 0 and _is_known_org(tokens[j - 1].text, res))
        if cls == "ResearchInstitute" and (inside or owned):
            cls = "OrganizationUnit"
        elif cls == "OrganizationUnit" and suffix in MINISTRY_SUFFIXES and not inside \
                and not FIRM_IN_NAME.search(name[:-len(suffix)]):  # 甲乙银行零售金融部: the firm's unit
            cls = "GovernmentAgency"  # 国防部, 新闻出版总署: a department of nothing named is a ministry
        end = tok.end
        if cls in COMPANY_CLASSES and not branch and _described(doc, tokens, j, i, res):
            continue  # 几家猎头公司, 第一家小额贷款公司: a kind of firm, counted, not a name
        if doc.norm[start - 1:start] == "《" or (cls == "FinancialInstitution" and SECTOR_AFTER.match(doc.norm, end)):
            continue  # 《天龙八部》 is a title; 中国银行业 is the banking sector
        if name.endswith(CHANNELS):
            cls = "Platform"  # 某银行手机银行: the bank's app, not a bank
        if name.endswith(ROLE_TAILS) and len(name) > 4:
            end -= 2  # 乐山市委常委: the committee, not its member
        if cls == "GovernmentAgency" and _business_unit(name[: -len(suffix)], res):
            cls = "OrganizationUnit"  # 资产管理部, 系统研发部: a firm's department
        found.append(mention(doc, start, end, cls, NAME, 0.75))
    from kg.extractors import companies  # names by their form rather than their suffix word

    return found + companies.propose(doc, res)


#: A count of firms just before a name (几家, 一家, 第一家): what follows describes a kind of firm.
COUNT_BEFORE = re.compile(r"(?:[一二两三四五六七八九十几多数每各首]|第[一二三四五六七八九十]+)(?:家|个|所)$")
#: 业 after a financial name makes it a sector (银行业, 保险业), not 业务 or 业绩.
SECTOR_AFTER = re.compile(r"业(?![务绩主态])")


def _described(doc: Document, tokens, j: int, i: int, res: Resources) -> bool:
    """True for a company name made only of dictionary common words after a count of firms."""
    if j == 0 or not COUNT_BEFORE.search(tokens[j - 1].text):
        return False
    seg = res.segmenter
    return not any(t.text in res.lexicon.by_surface or not seg.in_dictionary(t.text)
                   or seg.pos(t.text) in PROPER_TAGS_ORG or re.search(r"[A-Za-z]", t.text) for t in tokens[j:i + 1])


#: Role words glued to a committee's name by the segmenter (市委常委).
ROLE_TAILS = ("委常委",)
#: Business functions: a 部 or 局 made only of these is a department of a firm, not a ministry.
BUSINESS = frozenset("""资产 管理 合规 内控 研发 系统 政策 研究 投资 另类 投行 私人 银行 风险 审计 财务 营销 运营
信息 科技 技术 业务 零售 公司 机构 同业 金融 市场 交易 托管 授信 信贷 办公 人力 人力资源 资源 法律 战略 发展 规划
客户 服务 产品 渠道 网络 数据 安全 评估 资金 计划 理财 财富 个人 普惠 小微 电子 结算 清算 会计 稽核 监察 品牌
创新 数字 数字化 渠道 采购 行政 后勤 综合 总务 投资者 关系 证券 董事会 研究所 与 和 及""".split())


def _business_unit(head: str, res: Resources) -> bool:
    """True when ``head`` (the name less its 部) is made only of business-function words."""
    words = res.segmenter.words(head)
    while words and _is_known_org(words[0], res):
        words = words[1:]  # 中行资产管理部: the owner's name, then the department
    return sum(map(len, words)) >= 4 and all(w in BUSINESS for w in words)
