"""Deals, shareholders, clients and strengths: relations whose subject is a list or sits far away.

- A、B、C等十余家公司与X签订合作协议: every listed organization cooperatesWith X;
- X向/对Y增资/注资/战略投资/入股, X持有Y 5%的股份: X invests in Y;
- Y的股东包括/为/依次为 A、B、C: each of them invests in Y (股东持股比例依次为：A持股34%；B持股25%: item by item);
- X获Y投资, X被Y收购, Y完成对X的收购, Y成为X的第一大股东, X完成融资，由Y领投、Z跟投;
- 银行 支持/服务/助力 A、B等企业: the bank serves the companies (non-financial ones only);
- X在T和T方面的技术优势/积累: X usesTechnology T;
- a product named after an organization of the text (某银行手机银行, 某银行App): the organization develops it.
"""
from __future__ import annotations

import re

from kg.extractors.base import fitting_relation, is_org, mentions_between
from kg.extractors.discourse import Subjects, clause_start
from kg.ontology import is_a
from kg.types import Document, Mention, Relation
from kg.textscan import scanning

NAME = "relations@1"

_STOP = r"[^,;:。!?\n]"
_COOP = re.compile(r"(?:与|和|同)(?P<body>(?:(?!与|和|同)[^,;:。!?\n]){2,40}?)(?:签署|签订|签约|达成|建立|开展|展开|深化|共建|战略合作|合作)(?!竞争|较量|角逐|诉讼|价格战|争夺)")
#: between listed subjects: 、 和 及 与 等 and a few words of description (等十余家保险公司)
_LIST_GAP = re.compile(r"[、,和及与]?|等[\u4e00-\u9fff\d余多几家个]{0,10}")
_INVEST = scanning(re.compile(rf"(?:向|对)(?P<body>{_STOP}{{2,40}}?)(?:进行|实施)?(?:了)?(?:增资|注资|战略投资|投资|入股|参股)"
                     rf"|(?:持有|入股|参股|增资|注资)(?P<body2>{_STOP}{{2,40}}?)(?:[\d.]+%)?(?:的)?(?:股份|股权|股票)"))
#: X获Y战略投资, X被Y收购, Y完成对X的收购, Y成为X的第一大股东, 由Y领投: who invests in (acquires) whom
_GOT = re.compile(rf"(?:获得|获|迎来|接受)(?P<body>{_STOP}{{2,30}}?)(?:的)?(?:战略投资|投资|入股|增资|注资|领投)")
_BY = re.compile(rf"被(?P<body>{_STOP}{{2,30}}?)(?:全资)?(?P<verb>收购|并购|兼并|控股|入股|战略投资|投资)")
_OF = scanning(re.compile(rf"(?:完成|实现|宣布|启动)?对(?P<body>{_STOP}{{2,30}}?)的(?:全资|战略|股权)?(?P<verb>收购|并购|兼并|投资|增资|入股|注资)"))
_HOLDER_OF = re.compile(rf"成为(?P<body>{_STOP}{{2,30}}?)(?:的)?(?:第[一二三四五六七八九十]大|控股|主要|大|重要|战略|新|单一最大|基石)?"
                        r"(?:股东|投资者|投资人)")
#: Y领投X的B轮融资: Y invests in X (the round follows X)
_LEADS_INTO = re.compile(rf"(?:联合领投|领投|跟投|参投)(?P<body>{_STOP}{{2,30}}?)(?:的)?(?:[A-E]\+?|Pre-[A-E]|天使|种子|新一|首)轮")
_LEAD = re.compile(rf"(?P<body>{_STOP}{{2,40}}?)(?:联合领投|领投|跟投|参投)")
_HOLDERS = re.compile(rf"股东(?:[\u4e00-\u9fff]{{0,6}}?)(?:分别|依次)?(?:包括|为|有|是)[:]?(?P<body>[^。;\n]{{2,200}})"
                      rf"(?P<more>(?:;[^。;\n]{{2,120}})*)")
#: one item of a list of holders: the organization that opens it, then what it holds (A持股25%)
_HOLDING_ITEM = re.compile(r"\s*(?:持股|持有|出资|认缴|占股|持)")
_SERVE = re.compile(rf"(?:支持了|支持|服务了|服务于|服务|助力|赋能|帮助)(?P<body>{_STOP}{{2,60}})")
_STRENGTH = re.compile(rf"在(?P<body>{_STOP}{{2,40}}?)(?:等)?(?:方面|领域)的?(?:技术|科技)?(?:优势|能力|积累|经验|实力|布局)")
_NAMED_PRODUCT = re.compile(r"(?:手机银行|网上银行|App|APP|app|客户端|小程序|平台|系统|银行|商城|钱包)")


def _rel(doc: Document, s: Mention | None, p: str, o: Mention | None, pos: int, conf: float) -> Relation | None:
    return fitting_relation(doc, s, p, o, pos, conf, NAME)


def listed_before(doc: Document, cs: int, pos: int) -> list[Mention]:
    """The organizations that form a list just before ``pos`` in its clause (A、B和C等三家银行)."""
    found = [m for m in mentions_between(doc, cs, pos) if is_org(m)]
    out: list[Mention] = []
    end = pos
    for m in reversed(found):
        gap = doc.norm[m.end:end]
        if out and (not gap or not _LIST_GAP.fullmatch(gap)):
            break  # 附属公司太平人寿: two names that touch are one thing named twice
        if not out and len(gap) > 12:
            break
        out.append(m)
        end = m.start
    return out[::-1]


def _cooperation(doc: Document) -> list[Relation]:
    out = []
    for m in _COOP.finditer(doc.norm):
        subjects = listed_before(doc, clause_start(doc.norm, m.start()), m.start())
        if len(subjects) < 2:
            continue  # one subject: the rule of relations@1 reads it (and the carried-over subject)
        partners = [x for x in mentions_between(doc, m.start("body"), m.end("body")) if is_org(x)]
        for s in subjects:
            for o in partners:
                rel = _rel(doc, s, "cooperatesWith", o, m.start(), 0.75)
                out += [rel] if rel else []
    return out


def _investments(doc: Document, subjects: Subjects) -> list[Relation]:
    out = []
    for m in _INVEST.finditer(doc.norm):
        group = "body" if m.group("body") is not None else "body2"
        before = listed_before(doc, clause_start(doc.norm, m.start()), m.start())
        investors = before or [subjects.explicit(doc, m.start())[0]]
        targets = [x for x in mentions_between(doc, m.start(group), m.end(group)) if is_org(x)]
        for s in investors:
            for o in targets[:1]:
                rel = _rel(doc, s, "invests", o, m.start(), 0.75)
                out += [rel] if rel else []
    for m in _HOLDERS.finditer(doc.norm):
        sentence = doc.sentence_of(m.start())
        owned = [x for x in mentions_between(doc, sentence.start, m.start()) if is_org(x)]
        if not owned:
            continue
        holders = [x for x in mentions_between(doc, m.start("body"), m.end("body")) if is_org(x)]
        if m.group("more"):  # A持股34%;B持股25%;…: the organization that opens each item
            holders = [x for x in mentions_between(doc, m.start("body"), m.end("more")) if is_org(x)
                       and _HOLDING_ITEM.match(doc.norm, x.end)]
        for holder in holders:
            rel = _rel(doc, holder, "invests", owned[-1], m.start(), 0.7)
            out += [rel] if rel else []
    return out


def _orgs(doc: Document, start: int, end: int) -> list[Mention]:
    return [x for x in mentions_between(doc, start, end) if is_org(x)]


def _passive_deals(doc: Document) -> list[Relation]:
    """X获Y投资, X被Y收购 (the doer after the verb's mark), Y对X的收购, Y成为X的股东, 由Y领投."""
    text, out = doc.norm, []
    for regex, doer_after in ((_GOT, True), (_BY, True), (_OF, False), (_HOLDER_OF, False)):
        for m in regex.finditer(text):
            cs = clause_start(text, m.start())
            inside = _orgs(doc, m.start("body"), m.end("body"))
            before = _orgs(doc, cs, m.start())
            if not inside or not before:
                continue
            verb = m.groupdict().get("verb") or ""
            prop = "acquires" if verb in ("收购", "并购", "兼并") else "invests"
            if verb == "控股":
                prop = "invests"
            pairs = [(d, before[-1]) for d in inside] if doer_after else [(before[-1], t) for t in inside[:1]]
            for s, o in pairs:
                rel = _rel(doc, s, prop, o, m.start(), 0.75)
                out += [rel] if rel else []
    leads = "融资" in text and ("领投" in text or "跟投" in text or "参投" in text)  # the scan is slow
    for m in _LEADS_INTO.finditer(text) if leads else ():  # A领投某公司的C轮融资
        before = _orgs(doc, clause_start(text, m.start()), m.start())
        raised = _orgs(doc, m.start("body"), m.end("body"))[:1]
        if before and raised and before[-1].end >= m.start() - 2:
            rel = _rel(doc, before[-1], "invests", raised[0], m.start(), 0.7)
            out += [rel] if rel else []
    for m in _LEAD.finditer(text) if leads else ():  # 某公司完成B轮融资，由A领投，B跟投
        sentence = doc.sentence_of(m.start())
        if "融资" not in text[sentence.start:m.start()]:
            continue
        cs = clause_start(text, m.start())
        investors = _orgs(doc, max(cs, m.start("body")), m.end("body"))
        raised = [x for x in _orgs(doc, sentence.start, cs) if x.cls != "GovernmentAgency"][:1]
        for s in investors:
            for o in raised:
                rel = _rel(doc, s, "invests", o, m.start(), 0.7)
                out += [rel] if rel else []
    return out


def _clients(doc: Document, subjects: Subjects) -> list[Relation]:
    out = []
    for m in _SERVE.finditer(doc.norm):
        subject = subjects.at(m.start())
        if subject is None or not is_a(subject.cls, "FinancialInstitution"):
            continue
        for client in mentions_between(doc, m.start("body"), m.end("body")):
            if client.cls == "Company":
                rel = _rel(doc, subject, "serves", client, m.start(), 0.6)
                out += [rel] if rel else []
    return out


def _strengths(doc: Document) -> list[Relation]:
    out = []
    for m in _STRENGTH.finditer(doc.norm):
        orgs = [x for x in mentions_between(doc, clause_start(doc.norm, m.start()), m.start()) if is_org(x)]
        if not orgs or m.start() - orgs[-1].end > 2:
            continue
        for tech in (x for x in mentions_between(doc, m.start("body"), m.end("body")) if x.cls == "Technology"):
            rel = _rel(doc, orgs[-1], "usesTechnology", tech, m.start(), 0.7)
            out += [rel] if rel else []
    return out


def _named_products(doc: Document) -> list[Relation]:
    """某银行手机银行 / 某银行App: a product whose name starts with an organization of the text."""
    surfaces: dict[str, Mention] = {}
    for m in doc.mentions:
        if is_org(m):
            for name in (doc.norm[m.start:m.end], m.canonical or m.text):
                surfaces.setdefault(name, m)
    out = []
    for m in doc.mentions:
        name = doc.norm[m.start:m.end]
        if not is_a(m.cls, "Product") or not _NAMED_PRODUCT.search(name):
            continue
        for cut in range(len(name) - 2, 1, -1):
            org = surfaces.get(name[:cut])
            if org is not None:
                rel = _rel(doc, org, "develops", m, m.start, 0.7)
                out += [rel] if rel else []
                break
    return out


def propose_deals(doc: Document, subjects: Subjects) -> list[Relation]:
    """Every relation of this module for one document."""
    return (_cooperation(doc) + _investments(doc, subjects) + _passive_deals(doc) + _clients(doc, subjects)
            + _strengths(doc) + _named_products(doc))
