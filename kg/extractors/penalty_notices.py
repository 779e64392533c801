"""Regulators' penalty notices written as field lists or tables, and the mentions they need.

A notice (行政处罚信息公开表) gives one record per penalized party, either as ``key: value``
fields (one per line or several on a line) or as a table whose header names the columns::

    当事人名称: 云岭农村商业银行股份有限公司
    行政处罚内容: 罚款80万元
    作出决定机关: 国家金融监督管理总局宁波监管局

:func:`propose_mentions` (the ``mentions`` stage) proposes the parties and agencies these
fields name, and the regulators' branches that general rules miss (国家金融监督管理总局X监管局,
中国人民银行X分行, X证监局); resolution decides as for any other proposal.
"""
from __future__ import annotations

import re

from kg.extractors.base import Resources, mention, mentions_between
from kg.ontology import is_a
from kg.types import Document, Mention, Penalty, Span
from kg.textscan import scanning

MENTIONS = "penalty-mentions@1"

#: Field names of a notice, by role.
FIELDS = {
    "party": ("当事人名称", "被处罚当事人名称", "被处罚单位名称", "被处罚当事人姓名或名称", "当事人姓名或名称",
              "被处罚当事人", "单位名称", "机构名称", "当事人"),
    "person": ("个人姓名", "当事人姓名", "被处罚人姓名", "责任人姓名"),
    "facts": ("主要违法违规事实", "主要违法违规行为", "主要违法事实", "违法违规事实", "违法事实", "案由", "案件事由"),
    "content": ("行政处罚内容", "行政处罚决定", "处罚内容", "处罚决定", "处罚种类"),
    "agency": ("作出处罚决定的机关名称", "作出行政处罚决定的机关", "作出决定机关", "作出处罚决定机关", "处罚机关",
               "决定机关"),
    "number": ("行政处罚决定书文号", "处罚决定书文号", "决定书文号", "文号"),
    "date": ("作出处罚决定的日期", "作出决定日期", "处罚决定日期", "处罚日期", "决定日期"),
}
ROLE = {name: role for role, names in FIELDS.items() for name in names}
_KEYS = "|".join(sorted(ROLE, key=len, reverse=True))
_FIELD = scanning(re.compile(rf"(?<![\u4e00-\u9fff])(?P<key>{_KEYS})(?:\([^()]{{1,8}}\))?\s*:\s*"))  # 事实(案由):
_CELL_SPLIT = re.compile(r"\s*(?:\||\t|\s{2,})\s*")
_FINANCIAL = re.compile(r"银行|保险|证券|基金|支付|信托|期货|金融|信用社|财险|寿险|产险|险企|监管局|证监|资产管理|理财|消费金融|小额贷款")
_ORG_END = re.compile(r"(?:公司|集团|合作社|信用社|分行|支行|分理处|营业部|中心|事务所)$")

#: Regulators' branches: 国家金融监督管理总局浙江监管局, 宁波监管局, 中国证监会浙江监管局, 中国人民银行宁波市分行.
_NATIONAL = ("国家金融监督管理总局", "金融监管总局", "中国银行保险监督管理委员会", "中国银保监会", "银保监会",
             "中国证券监督管理委员会", "中国证监会", "证监会")
_BUREAU = re.compile(r"银保监分局|银保监局|金融监管分局|监管分局|证监局|监管局")
_PBOC = re.compile(r"(?:中国人民银行|人民银行)(?P<place>[\u4e00-\u9fff]{2,6}?)(?:分行营业管理部|营业管理部|中心支行|分行)")
_PLACE_END = ("省", "市", "自治区", "州", "县", "区")
_BOUNDARY = set("被对由经向和与及、的据在，,。;:：“”\"() \n") | {""}


def _fields(doc: Document) -> list[tuple[str, Span]]:
    """(role, value span) of every ``key: value`` field, in text order."""
    text, out = doc.norm, []
    found = list(_FIELD.finditer(text))
    for i, m in enumerate(found):
        line_end = text.find("\n", m.end())
        end = min(line_end if line_end >= 0 else len(text), found[i + 1].start() if i + 1 < len(found) else len(text))
        start = m.end()
        while end > start and text[end - 1] in " ;；,，\t":
            end -= 1
        if end > start:
            out.append((ROLE[m.group("key")], Span(start, end)))
    return out


def _tables(doc: Document) -> list[dict[str, Span]]:
    """Records of tables whose header row names at least three notice fields."""
    text, records, header, pos = doc.norm, [], None, 0
    for line in text.splitlines(keepends=True):
        start, body = pos, line.rstrip("\r\n")
        pos += len(line)
        cells, offsets, at = [], [], start
        for part in _CELL_SPLIT.split(body.strip(" |")):
            at = text.index(part, at) if part else at
            cells.append(part)
            offsets.append(Span(at, at + len(part)))
            at += len(part)
        roles = [ROLE.get(c) for c in cells]
        if sum(r is not None for r in roles) >= 3:
            header = roles
        elif header and len(cells) == len(header):
            records.append({r: s for r, s in zip(header, offsets) if r and len(s)})
        elif body.strip():
            header = None
    return records


def records(doc: Document) -> list[dict[str, Span]]:
    """Notice records: role -> value span; a record starts at each party or person field."""
    if ":" not in doc.norm and "|" not in doc.norm and "\t" not in doc.norm:
        return []
    out: list[dict[str, Span]] = []
    unplaced: list[tuple[str, Span]] = []  # fields a record did not take (a form's 文号 above its party)
    for role, span in _fields(doc):
        if role in ("party", "person") and (not out or role in out[-1] or "content" in out[-1]):
            out.append({})
        if out and role not in out[-1] and span.start - next(iter(out[-1].values()), span).start < 800:
            out[-1][role] = span
        else:
            unplaced.append((role, span))
    for record in out:  # a field written just above a record's party is that record's
        first = min(s.start for s in record.values()) if record else 0
        for role, span in unplaced:
            if role not in record and 0 <= first - span.end < 200 and role not in ("party", "person"):
                record[role] = span
    return [r for r in out if ("party" in r or "person" in r) and len(r) >= 2] + _tables(doc)


def penalty(doc: Document, record: dict[str, Span], reader, name: str) -> Penalty | None:
    """The Penalty one notice record gives (None when its party is not a mention)."""
    who = record.get("party") or record.get("person")
    ok = (lambda m: m.cls == "Person") if "party" not in record else \
        (lambda m: is_a(m.cls, "Organization") and m.cls != "GovernmentAgency")
    found = [m for m in mentions_between(doc, who.start, who.end) if ok(m)]
    if not found:
        return None
    party = found[0]
    where = record.get("content") or who
    sentence = doc.sentence_of(where.start)
    regulator, explicit = None, False
    if "agency" in record:
        agencies = [m for m in mentions_between(doc, record["agency"].start, record["agency"].end)
                    if m.cls == "GovernmentAgency"]
        regulator, explicit = (agencies[0], True) if agencies else (None, False)
    if regulator is None:
        regulator, explicit = reader.last_agency(who.start, sentence)
    content = record.get("content")
    amounts = reader.amounts(party, content.start, content.end, sentence) if content else []
    kinds = reader.kinds(doc.norm[content.start:content.end], amounts) if content else ("行政处罚",)
    facts = record.get("facts")
    date, _ = reader.facts(record["date"]) if "date" in record else (None, None)
    _, number = reader.facts(record["number"]) if "number" in record else (None, None)
    if number is None and "number" in record:
        number = doc.norm[record["number"].start:record["number"].end]
    end = max(s.end for s in record.values())
    person = party if party.cls == "Person" else None
    return Penalty(who.start, end, regulator, None if person else party, person, kinds, tuple(amounts),
                   doc.text[facts.start:facts.end] if facts else None, date, number, sentence, name,
                   0.9 if explicit else 0.7)


# ---------------------------------------------------------------------- mentions

def _place_before(doc: Document, res: Resources, pos: int) -> int:
    """Start of the place name that ends at ``pos`` (浙江, 宁波市, 温州), or -1."""
    text = doc.norm
    spans = [(pos - k, text[pos - k:pos]) for k in (5, 4, 3, 2) if pos - k >= 0]
    for start, place in spans:  # a place the lexicon knows, longest first
        known = res.lexicon.by_surface.get(place)
        if known is not None and known.cls == "Place":
            return start
    for start, place in spans:  # 湖州市, 江北区: a name with a place suffix after a boundary
        if len(place) <= 4 and place.endswith(_PLACE_END) and text[start - 1:start] in _BOUNDARY \
                and place[0] not in _BOUNDARY:
            return start
    if pos >= 2 and (text[pos - 3:pos - 2] in _BOUNDARY or any(text.endswith(n, 0, pos - 2) for n in _NATIONAL)) \
            and re.fullmatch(r"[\u4e00-\u9fff]{2}", text[pos - 2:pos]) and text[pos - 2] not in _BOUNDARY:
        return pos - 2
    return -1


def _regulators(doc: Document, res: Resources) -> list[Mention]:
    text, out = doc.norm, []
    for m in _BUREAU.finditer(text):
        start = _place_before(doc, res, m.start())
        if start < 0:
            continue
        national = next((n for n in _NATIONAL if text.endswith(n, 0, start)), "")
        out.append(mention(doc, start - len(national), m.end(), "GovernmentAgency", MENTIONS, 0.95))
    for m in _PBOC.finditer(text):
        place = m.group("place")
        known = res.lexicon.by_surface.get(place) or res.lexicon.by_surface.get(place.rstrip("省市"))
        if (known is None or known.cls != "Place") and not place.endswith(_PLACE_END):
            continue
        canonical = "中国" + m.group() if m.group().startswith("人民银行") else None
        out.append(mention(doc, m.start(), m.end(), "GovernmentAgency", MENTIONS, 0.95, canonical))
    return out


_BRANCH = re.compile(r"中心支公司|分公司|支公司|分行|支行")
_CHIEF = re.compile(r"局(?=副?局长)")
_PENALTY_WORDS = re.compile(r"罚|处罚|警告|没收|责令|通报批评")


def _branches(doc: Document, res: Resources) -> list[Mention]:
    """Branches named by their place in a sentence about a penalty: 对浙江分公司罚款80万元."""
    text, out = doc.norm, []
    for sentence in doc.sentences:
        if not _PENALTY_WORDS.search(text, sentence.start, sentence.end):
            continue
        for m in _BRANCH.finditer(text, sentence.start, sentence.end):
            start = _place_before(doc, res, m.start())
            if start < sentence.start:
                continue
            context = text[max(0, sentence.start - 80):m.end()]
            cls = "FinancialInstitution" if _FINANCIAL.search(context) or "行" in m.group() else "Company"
            out.append(mention(doc, start, m.end(), cls, MENTIONS, 0.8))
    return out


def _bureaus(doc: Document) -> list[Mention]:
    """An agency's bureau named before its head's title: 银行局副局长…表示."""
    text, out = doc.norm, []
    for m in _CHIEF.finditer(text):
        for k in (6, 5, 4, 3, 2):
            start = m.start() - k
            if start >= 0 and text[start - 1:start] in _BOUNDARY and re.fullmatch(r"[\u4e00-\u9fff]+", text[start:m.end()]):
                out.append(mention(doc, start, m.end(), "GovernmentAgency", MENTIONS, 0.9))
                break
    return out


def _field_mentions(doc: Document) -> list[Mention]:
    out, text = [], doc.norm
    for record in records(doc):
        for role in ("party", "agency"):
            span = record.get(role)
            if span is None or not 4 <= len(span) <= 40 or re.search(r"[,;。、\s]", text[span.start:span.end]):
                continue
            value = text[span.start:span.end]
            if role == "agency":
                cls = "GovernmentAgency"
            elif _FINANCIAL.search(value) and _ORG_END.search(value):
                cls = "FinancialInstitution"
            elif _ORG_END.search(value):
                cls = "Company"
            else:
                continue
            out.append(mention(doc, span.start, span.end, cls, MENTIONS, 0.9))
    return out


def propose_mentions(doc: Document, res: Resources) -> list[Mention]:
    """Regulators' branches anywhere, and the parties and agencies of notice fields."""
    regulators = _regulators(doc, res)
    branches = [b for b in _branches(doc, res) if not any(b.span.overlaps(r.span) for r in regulators)]
    return regulators + _field_mentions(doc) + branches + _bureaus(doc)
