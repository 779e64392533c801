"""Who belongs to whom: subsidiaries (旗下, 子公司, 全资/控股), branches and units.

- 旗下 belongs to the organization written just before it: in 建行将接入蚂蚁集团旗下的支付宝平台 the
  platform is 蚂蚁集团's, not 建行's; the child is the first mention after 旗下(的)(…子公司);
- X(的)(全资/控股)子公司Y, Y是X的子公司, X设立全资子公司Y;
- a branch or unit whose name starts with an organization named in the text (招商银行北京分行,
  某银行研发中心) is a subOrganizationOf that organization;
- a branch named by its place alone (浙江分公司, 温州中心支公司, 其北京分行) belongs to the nearest
  organization before it that is neither a branch nor a government agency (the regulator that
  fines a branch does not own it): 某保险浙江分公司、温州分公司 gives two branches of 某保险.
"""
from __future__ import annotations

import re

from kg.extractors.base import FIRM_IN_NAME, is_org, mentions_between
from kg.extractors.discourse import Subjects, clause_start
from kg.ontology import is_a
from kg.types import Document, Mention, Relation
from kg.textscan import scanning

NAME = "relations@1"

_CHILD_MARK = scanning(re.compile(r"旗下|下属|(?:全资|控股|参股)?子公司"))
#: what may sit between the parent and the mark: 招商银行旗下, 平安集团的全资子公司
_GAP_PARENT = re.compile(r"(?:的|之|集团)?(?:全资|控股)?$")
#: between the mark and the child: 旗下的金融科技子公司招银云创, 旗下的支付宝平台
_GAP_CHILD = re.compile(r"(?:的)?(?:[\u4e00-\u9fff]{0,8}?(?:子公司|公司|平台|品牌|机构|产品))?[“\"「]?")
#: after a subsidiary's name: it opens (某银行理财子公司X正式开业), so its parent established it
_OPENS = re.compile(r"(?:已|于[^,;:。!?\n]{1,12}?|日前|近日|今日|今天|昨日)?(?:正式|获批|宣告|宣布)?(?:开业|成立|揭牌|挂牌|开张)")
#: 作为X旗下的某类公司， then the child: the apposition names the parent, the next clause the child
_AS_A = re.compile(r"作为[^,;:。!?\n]{2,24}$")
_KIND_THEN_COMMA = re.compile(r"(?:的)?[\u4e00-\u9fff]{0,8}?(?:公司|机构|企业|银行|子公司)\s?,")
_IS_CHILD = re.compile(r"(?:是|为|系|作为|成为)(?P<parent>[^,;:。!?\n]{2,30}?)(?:的|旗下的?)(?:全资|控股)?(?:[\u4e00-\u9fff]{0,6}?)?子公司")
#: a branch named by its place alone: two to six characters, then the branch word
_BARE_BRANCH = re.compile(r"^(?:其|该行|该公司)?[\u4e00-\u9fff]{2,6}?(?:中心支公司|分公司|分行|支行|支公司|营业部)$")
_BRANCH = re.compile(r"(?:分行|支行|分公司|支公司|营业部|分部|分中心|中心|研究院|研究所|实验室|事业部|[^分]部)$")


def _rel(doc: Document, s: Mention | None, p: str, o: Mention | None, pos: int, conf: float) -> Relation | None:
    if s is None or o is None or s.span == o.span or (s.canonical or s.text) == (o.canonical or o.text):
        return None
    if p == "subsidiaryOf" and is_a(s.cls, "Product") and is_org(o):
        s, p, o = o, "develops", s  # 蚂蚁集团旗下的支付宝: the group runs the product
    elif p == "subsidiaryOf" and not (is_a(s.cls, "Company") and is_a(o.cls, "Company")):
        p = "subOrganizationOf" if is_org(s) and is_org(o) else ""
    return Relation(s, p, o, doc.sentence_of(pos), NAME, conf) if p else None


def subsidiaries(doc: Document, subjects: Subjects) -> list[Relation]:
    """subsidiaryOf from 旗下/子公司, the parent being the organization just before the mark."""
    text, out = doc.norm, []
    for m in _CHILD_MARK.finditer(text):
        cs = clause_start(text, m.start())
        before = [x for x in mentions_between(doc, cs, m.start()) if is_org(x)]
        if before and m.start() - before[-1].end <= 4 and \
                _GAP_PARENT.fullmatch(text[before[-1].end:m.start()]):
            parent = before[-1]
        elif m.group().startswith("旗下") or m.group().startswith("下属"):
            parent = before[-1] if before else subjects.at(m.start())
        else:  # 设立全资子公司Y: the subject's
            parent = subjects.at(m.start())
            if before and re.search(r"(?:是|为|系|作为|成为)[^,;:。!?\n]*$", text[cs:m.start()]):
                continue  # Y是X的子公司: read by _is_child
        gap = _GAP_CHILD.match(text, m.end())
        after = [x for x in mentions_between(doc, m.end(), min(len(text), m.end() + 24))
                 if is_org(x) or is_a(x.cls, "Product")]  # 旗下的人工智能平台“优图”: not the technology
        child = after[0] if after and after[0].start <= gap.end() else None
        if child is None and _AS_A.search(text, max(cs, m.start() - 24), m.start()):
            # 作为X旗下的保险公司，Y…: the clause that follows is about the child
            kind = _KIND_THEN_COMMA.match(text, m.end())
            child = next((x for x in after if kind and x.start == kind.end()), None)
        rel = _rel(doc, child, "subsidiaryOf", parent, m.start(), 0.75)
        out += [rel] if rel else []
        if rel and rel.predicate == "subsidiaryOf" and _OPENS.match(text, child.end):
            rel = _rel(doc, parent, "establishes", child, m.start(), 0.7)  # 某银行全资子公司X正式开业
            out += [rel] if rel else []
    for m in _IS_CHILD.finditer(text):
        cs = clause_start(text, m.start())
        kids = [x for x in mentions_between(doc, cs, m.start()) if is_org(x)]
        parents = [x for x in mentions_between(doc, m.start("parent"), m.end("parent")) if is_org(x)]
        if kids and parents:
            rel = _rel(doc, kids[-1], "subsidiaryOf", parents[-1], m.start(), 0.75)
            out += [rel] if rel else []
    return out


def _bare_branches(doc: Document, orgs: list[Mention], done: set) -> list[Relation]:
    """Branches named by their place alone belong to the nearest organization before them."""
    out, parent = [], None
    for m in orgs:
        name = doc.norm[m.start:m.end]
        bare = bool(_BARE_BRANCH.match(name)) and not FIRM_IN_NAME.search(name)  # (甲乙银行上海分行: its own parent)
        if bare and m.span not in done and parent is not None and m.start - parent.end <= 400:
            rel = _rel(doc, m, "subOrganizationOf", parent, m.start, 0.7)
            out += [rel] if rel else []
        elif not bare and not _BRANCH.search(name) and not is_a(m.cls, "GovernmentAgency"):
            parent = m
    return out


def branches(doc: Document) -> list[Relation]:
    """A branch or unit named after an organization of the text is part of it."""
    orgs = [m for m in doc.mentions if is_org(m)]
    surfaces: dict[str, Mention] = {}
    for m in orgs:
        for name in {m.text, doc.norm[m.start:m.end], m.canonical or m.text}:
            if len(name) >= 2:
                surfaces.setdefault(name, m)
    out = []
    for m in orgs:
        name = doc.norm[m.start:m.end]
        if not _BRANCH.search(name) or m.cls not in ("OrganizationUnit", "ResearchInstitute", "FinancialInstitution",
                                                     "Company", "Organization"):
            continue
        for cut in range(len(name) - 2, 1, -1):
            parent = surfaces.get(name[:cut])
            if parent is not None and parent.span != m.span:
                rel = _rel(doc, m, "subOrganizationOf", parent, m.start, 0.75)
                out += [rel] if rel else []
                break
    return out + _bare_branches(doc, orgs, {r.subject.span for r in out})
