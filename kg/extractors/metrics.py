"""Quantities with Chinese numerals normalized: 7亿个人客户 -> 700000000, 超900万 -> atLeast.

A metric needs a multiplier (万, 亿) or a measure word/currency, and a label: the noun
phrase after it (7亿个人客户) or, when none follows, the one before it (日均服务调用量超过120亿次).
Its subject is a product named earlier in the clause, else the organization the text is about.
"""
from __future__ import annotations

import re
from decimal import Decimal

from kg.extractors.base import CJK, Resources, is_cjk, mentions_between, token_index
from kg.extractors.discourse import Subjects, clause_start, subjects_of
from kg.ontology import is_a
from kg.types import Document, Metric
from kg.textscan import scanning

NAME = "metrics@1"
MULTIPLIERS = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "亿": 10**8,
               "千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4}
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
QUALIFIERS = {"超过": "atLeast", "超出": "atLeast", "超": "atLeast", "逾": "atLeast", "不少于": "atLeast",
              "不低于": "atLeast", "近": "approximately", "将近": "approximately", "接近": "approximately",
              "约": "approximately", "大约": "approximately", "余": "moreThan", "多": "moreThan",
              "不足": "lessThan", "不到": "lessThan", "少于": "lessThan", "低于": "lessThan",
              "不超过": "atMost", "不高于": "atMost", "最高": "atMost", "最多": "atMost"}
UNITS = ("美元", "港元", "欧元", "日元", "英镑", "人民币", "元", "户", "人次", "次", "个", "家", "笔", "项", "款", "名",
         "人", "位", "张", "台", "套", "件", "条", "份", "座", "所", "倍", "%", "吨", "辆", "架", "艘", "GB", "TB")
TIME_UNITS = ("年", "月", "日", "天", "小时", "分钟", "秒", "期", "周", "季度", "届", "代", "号")

_Q_BEFORE = "|".join(sorted((q for q in QUALIFIERS if q not in ("余", "多")), key=len, reverse=True))
NUMBER = scanning(re.compile(
    f"(?P<q1>{_Q_BEFORE})?"
    r"(?<![\dA-Za-z.第×*/\-])(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?=[万亿]))"
    r"(?: ?(?P<q2>余|多))?(?: (?=[万亿千百十]))?(?P<mult>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万)?"
    r"(?: ?(?P<rest>\d{1,4}) ?(?P<rmult>万))?(?P<q3>余|多)?"
    r"(?![A-Za-z\d])"))
_LABEL_STOP = re.compile(f"[^{CJK}A-Za-z]|[的和及与是在为对等将已了把被从向]")
#: Words that end a label although jieba's dictionary tags them as nouns.
LABEL_STOP_WORDS = frozenset("办理 实现 完成 服务 覆盖 拥有 达到 落地 应用 提供 支持 累计 新增 增长 同比 合计 其中 目前 已"
                             " 突破 大关 变更 升至 增至 降至 达 超 多出 大增 最多 最高 最大 最少 最低 居首 次高 次之 位居 排名 占比"
                             .split())
#: A label read after the number never starts with these (3000亿元最多: a ranking, not a label).
_RANKING = ("最多", "最高", "最大", "最少", "最低", "居首", "次高", "次之", "位居", "排名", "占比", "为次")
#: Words that say only what kind of figure follows, not what it counts (裁罚20件、金额3280万元).
GENERIC_LABELS = frozenset("金额 总额 数量 规模 笔数 件数 余额".split())
#: Between two figures of one thing (突破5000亿元大关，达到5121亿元).
_GOES_ON = re.compile(r"(?:大关|关口)?,? ?(?:并|已|最终|目前|进一步)?(?:达到|达|升至|增至|增长至|提升至|突破至|为|至) ?")
#: The verb of the figure listed just before a generic label: 共裁罚 20 件、
_LISTED_BEFORE = re.compile(r"([\u4e00-\u9fff]{2}) ?\d[\d.,]*(?: ?[万亿])? ?[件笔个家项次户人元]、 ?$")
#: The same for labels read before the number (服务 may belong there: 日均服务调用量).
LABEL_STOP_BEFORE = LABEL_STOP_WORDS - {"服务", "应用"}
#: One-character ends of a measure's name (不良贷款率, 交易额, 下载量): a label, not the verb 率 or a count.
MEASURE_ENDS = frozenset("率额量值")
#: Periods written before a figure's label (2023年净利润, 前三季度营收, 今年上半年): not part of the label.
TIME_WORDS = frozenset("年 全年 季度 一季度 二季度 三季度 四季度 前三季度 年度 半年 同期 今年以来".split())


def _period(word: str, tag) -> bool:
    return word in TIME_WORDS or tag(word) == "t" and word.endswith(("年", "月", "末", "初", "季度", "期"))

_PREV_STOP = re.compile(r"(超过|超出|超|逾|近|约|达到|达|累计|共|合计|高达|办理|实现|完成|服务|覆盖|拥有|为|突破|"
                        r"升至|增至|降至|增加至|提升至|减少至|下降至|变更为|变为|至|由|从|人民币|美元|港元|欧元|新台币|港币|澳门币|日元|英镑|"
                        r"由 ?\d[\d.,]*[万亿]*[元%]?|从 ?\d[\d.,]*[万亿]*[元%]?|"
                        r"(?:同比|较上年|较年初)?(?:增长|下降|增加|减少|大增)\d[\d.]*%)$")
#: Growth words read before a number: kept at the end of its label (科技贷款余额同比增长30%).
_GROWTH = re.compile(r"(?:同比|较上年|较年初|年)?(?:增长|增幅|下降|增加|减少)$")
#: Verbs that form a noun phrase with the head word that follows (注册用户, 活跃客户).
#: Words jieba tags as verbs that name what a figure counts (意向性授信, 小微贷款)
_FIN_NOUNS = frozenset("授信 贷款 融资 投资 结算 存款 理财".split())
_VERB_MODIFIERS = frozenset("注册 活跃 研发 营业 融资 投资 管理 发行 交易 授信 认购 下载 访问 持股 出资 认缴 实缴 增资 注资 "
                            "收购 募集 发放 放款".split())
_FOR = re.compile(r"(?:为|向|对|给)$")
_PROVIDES = re.compile(r"(?:提供|发放|给予|授予|新增)")
#: 该平台/该产品/该App: the product named before (its figures are its own, not the bank's)
_PRODUCT_ANAPHOR = re.compile(r"(?:该|此|这一|这款|这个)(?:平台|产品|系统|应用|App|APP|app|客户端|小程序)")
#: Words before a number that make the holder, not the organization the clause is about, its subject.
_HOLDING = re.compile(r"(?:持股|持有|的持股比例|持股比例|出资比例|的出资比例)[^，,。；;]{0,12}$")


def written_as(doc: Document, label: str, start: int, end: int) -> str:
    """``label`` (normalized) in the script the text uses at ``[start, end)``: a Traditional text's
    金額 and 罰款 stay Traditional; other characters (full-width letters, spaces) stay normalized."""
    original, norm = doc.text[start:end], doc.norm[start:end]
    if original == norm:
        return label
    script = {n: o for n, o in zip(norm, original) if n != o and is_cjk(o)}
    return "".join(script.get(ch, ch) for ch in label)


def parse_number(num: str) -> Decimal:
    """Arabic (with , and .) or Chinese numerals below 10^4: '1,200.5' or '三千二百'."""
    if num[0].isdigit():
        return Decimal(num.replace(",", ""))
    total, current = 0, 0
    for ch in num:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        else:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
    return Decimal(total + current)


#: Verbs right after a sum that name what the sum is for (以20亿元收购…, 出资5亿元认购…).
DEAL_VERBS = frozenset("收购 认购 增资 入股 投资 出资 购买 受让 回购 注资 参股".split())


def _label_after(doc: Document, pos: int, tag) -> str:
    if doc.norm.startswith(" ", pos):  # 128 个 项目 (spaced figures)
        pos += 1
    if doc.norm.startswith("的", pos):  # 近50%的零售理财交易
        pos += 1
    text = doc.norm[pos:pos + 10]
    index = token_index(doc)
    # a function word ends the label, not the same character inside a word (意向性授信, 行为)
    cut = next((c for c in _LABEL_STOP.finditer(text) if not is_cjk(c.group())
                or pos + c.start() in index.start_set and pos + c.end() in index.end_set), None)
    label = text[: cut.start() if cut else len(text)]
    first = index.token(index.at(pos)) if len(index) and index.at(pos) < len(index) else None
    if first is not None and first.start == pos and first.text in DEAL_VERBS:
        return first.text  # 以20亿元收购某公司: the sum of the acquisition
    # stop at a verb-like token boundary: keep whole tokens only, at most 3
    out, count = "", 0
    for i in range(index.at(pos), len(index)):
        tok = index.token(i)
        if tok.start >= pos + len(label) or count == 3:
            break
        if tok.start >= pos and ((out and tag(tok.text).startswith(("v", "f")) and tok.text not in _FIN_NOUNS)
                                 or tok.text in LABEL_STOP_WORDS):
            break
        out += doc.norm[max(tok.start, pos):min(tok.end, pos + len(label))]
        count += 1
    return out if len(out) >= 2 and not out.startswith(_RANKING) else ""


def _label_before(doc: Document, pos: int, tag) -> str:
    start = clause_start(doc.norm, pos)
    before, previous = doc.norm[start:pos].rstrip(" "), None
    while before != previous:  # 已达, 累计超过: strip every trailing verb or qualifier
        previous = before
        before = _PREV_STOP.sub("", before).rstrip(" ")
        before = re.sub(r"(超过|超|逾|近|约|达到|达|累计|共|合计|高达|已经|已|均|都|将|的|\([^()]*\))$", "", before)
    growth = _GROWTH.search(before)
    if growth and growth.start() > 0:
        before = before[:growth.start()]
    index, out = token_index(doc), ""
    spans = [(m.start, m.end) for m in mentions_between(doc, start, pos)]
    for i in range(index.at(max(start, start + len(before) - 1)), index.at(start) - 1, -1):
        tok = index.token(i)
        word = doc.norm[tok.start:min(tok.end, start + len(before))]
        verb_ok = tag(word).startswith("v") and len(word) == 2 and (not out or word in _VERB_MODIFIERS)
        measure = not out and word in MEASURE_ENDS  # 不良贷款|率 (cut from 率为): the label's last character
        if not word or (tag(word) in ("v", "p", "c", "u", "d", "r", "uj") and not verb_ok and not measure) \
                or _period(word, tag) \
                or any(a <= tok.start < b for a, b in spans) or word in LABEL_STOP_BEFORE or \
                not re.fullmatch(f"[{CJK}A-Za-z]+", word) or len(out) + len(word) > 10:
            break
        out = word + out
    if len(out) >= 2 and growth and growth.start() > 0:
        return out + growth.group()
    return out if len(out) >= 2 else ""


_UNITS_BY_FIRST: dict[str, list[str]] = {}
for _u in UNITS:
    _UNITS_BY_FIRST.setdefault(_u[0], []).append(_u)


def _unit(doc: Document, pos: int) -> str:
    """The unit written at ``pos`` (ending on a token boundary), or ''."""
    for unit in _UNITS_BY_FIRST.get(doc.norm[pos:pos + 1], ()):
        if doc.norm.startswith(unit, pos) and (unit == "%" or pos + len(unit) in token_index(doc).end_set):
            return unit
    return ""


def _default_unit(label: str) -> str:
    if label.endswith(("下载量", "访问量", "浏览量", "点击量", "播放量", "调用量", "交易量", "次数")):
        return "次"  # 下载量超过15万: counted in times
    if label.endswith(("人数", "员工数", "会员数")):
        return "人"  # 员工人数超过2万: counted in people
    return "户" if label.endswith(("客户", "用户", "账户", "商户", "户", "户数", "用户数", "客户数", "账户数", "用户量",
                                   "客户量", "用户规模", "客户规模")) else ""


def _subject(doc: Document, subjects: Subjects, pos: int):
    """An organization named earlier in the clause, else a product earlier in the sentence,
    else the organization the text is about."""
    cs, sentence = clause_start(doc.norm, pos), doc.sentence_of(pos)
    before = mentions_between(doc, sentence.start, pos)
    if doc.norm[max(0, pos - 3):pos].rstrip().endswith("等"):  # 招商银行、平安银行等50余家会员单位: a list, not the subject
        before = [x for x in before if x.start < cs]
    holding = _HOLDING.search(doc.norm, cs, pos)
    if holding:  # 甲公司持股30%: the holder named just before 持股
        holders = [x for x in before if x.end <= holding.start() and x.end >= holding.start() - 1
                   and (is_a(x.cls, "Organization") or is_a(x.cls, "Person"))]
        if holders:
            return holders[-1]
    orgs = [x for x in before if x.start >= cs and is_a(x.cls, "Organization")]
    if len(orgs) >= 2 and _FOR.search(doc.norm, orgs[-2].end, orgs[-1].start) \
            and _PROVIDES.match(doc.norm, orgs[-1].end):
        return orgs[-2]  # 甲银行将为乙集团提供500亿元授信: the lender's figure, not the borrower's
    products = [x for x in before if is_a(x.cls, "Product")]
    if not orgs and not products and _PRODUCT_ANAPHOR.search(doc.norm, sentence.start, pos):
        products = [x for x in mentions_between(doc, max(0, sentence.start - 600), sentence.start)
                    if is_a(x.cls, "Product")][-1:]
    return (orgs or products or [subjects.at(pos)])[-1]


def propose(doc: Document, res: Resources) -> list[Metric]:
    """Metrics for every quantity with a multiplier or a unit, and a label."""
    subjects, out, text = subjects_of(doc), [], doc.norm
    from kg.extractors.penalties import claimed  # a fine is a metric of the fined party, made there

    fines = claimed(doc)
    for m in NUMBER.finditer(text):
        if m.start() in fines:
            continue
        if not (m.group("mult") or text[m.end():m.end() + 1] in ("%",) or _unit(doc, m.end())
                or (text[m.end():m.end() + 1] == " " and _unit(doc, m.end() + 1))):
            continue
        end = m.end()
        if text[end:end + 1] == " " and _unit(doc, end + 1):  # 176 个 (spaced figures)
            end += 1
        if text.startswith(TIME_UNITS, end):
            continue
        unit = _unit(doc, end)
        end += len(unit)
        tag = res.segmenter.pos
        label = _label_after(doc, end, tag)
        if label and label not in DEAL_VERBS and tag(token_index(doc).token(token_index(doc).at(end)).text) == "v":
            before = _label_before(doc, m.start(), tag)  # 出资50亿元设立子公司: 出资, not 设立…
            if before and (before in DEAL_VERBS or tag(before).startswith(("n", "vn"))):
                label = before  # (发出首轮3个虚拟银行牌照: not 首轮; 接获33份申请: not 接获)
        label = label or _label_before(doc, m.start(), tag)
        if not label and out and _GOES_ON.fullmatch(text, out[-1].end, m.start()) and out[-1].unit == unit:
            label = out[-1].label  # 资产总额突破5000亿元大关，达到5121亿元: the same figure, more exactly
        if not label:
            continue
        unit = unit or _default_unit(label)
        if not unit:
            continue  # a quantity without a unit cannot be compared with anything
        label_after = text.startswith(label, end)
        q = m.group("q1") or m.group("q2") or m.group("q3")
        value = parse_number(m.group("num")) * MULTIPLIERS.get(m.group("mult") or "", 1)
        if m.group("rest"):  # 1亿3428万
            value += Decimal(m.group("rest")) * MULTIPLIERS[m.group("rmult")]
        stop = end + len(label) if label_after else end
        at = -1 if label_after or label not in GENERIC_LABELS else text.rfind(label, 0, m.start())
        if at >= 0:
            listed = _LISTED_BEFORE.search(text, max(0, at - 24), at)
            if listed and listed.start() >= clause_start(text, m.start()):
                label = listed.group(1) + label  # 裁罚20件、金额3280万元: the amount of the penalties
        label = written_as(doc, label, clause_start(text, m.start()), max(stop, end + len(label)))
        subject = _subject(doc, subjects, m.start())
        out.append(Metric(m.start(), stop, doc.text[m.start():stop], label, value, unit,
                          QUALIFIERS.get(q) if q else None, subject, doc.sentence_of(m.start()),
                          NAME, 0.8))
    return out
