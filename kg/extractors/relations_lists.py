"""Relations whose ends are spread over a list or a clause away from the verb.

- 推出五款新品，分别为A、B和C / 发布X产品，包括A、B两大产品: the objects of develops go on into the
  clause that 分别为/包括/涵盖/即 opens;
- A和B签署合作协议，共建X / A与B共同设立X / A、B联合成立X: every one of the listed organizations
  establishes X (or develops it, when X is a product);
- A、B及C财团X: the members of a consortium establish the company it forms;
- 获得…牌照的机构包括A、B / A获发…牌照: the agency that grants the licence regulates the holders
  (the consortia's companies, not their members).
"""
from __future__ import annotations

import re

from kg.extractors.base import fitting_relation, is_org, mentions_between
from kg.extractors.discourse import Subjects, clause_end, clause_start
from kg.ontology import is_a
from kg.types import Document, Mention, Relation
from kg.textscan import scanning

NAME = "relations@1"

#: 推出/发布…, then a clause that lists what was launched
_DEVELOP = re.compile(r"推出|发布|释出|上线|打造|研发|建成|升级|开发|首发|上新|拥有|建有")
_GOES_ON = re.compile(r"[,:]\s*(?:其中|具体)?(?:分别为|分别是|分别有|包括|包含|涵盖|囊括|即|有)[:]?")
#: 共建X, 共同设立X, 联合成立X, 合资成立X, 携手打造X: a verb shared by several subjects
_JOINT = scanning(re.compile(r"(?:共同|联合|合资|携手|一起|合作)?(?:发起设立|设立|成立|组建|筹建|创办|共建|共同建设|打造|推出|建设)"
                    r"|共建|合建|合资"))
_JOINT_MARK = re.compile(r"共同|联合|合资|携手|一起|合作|共建|合建")
#: partners joined by a verb of joining, as the clause's list (甲联合乙推出X, 甲携手乙打造X)
_JOINED = re.compile(r"联合|携手|联手|牵手")
#: between two listed subjects: A、B / A和B / A与B / A及B
_AND = re.compile(r"\s*(?:、|和|与|及|以及|同|跟|携手|联合|联手|牵手)\s*")
_CONSORTIUM = scanning(re.compile(r"(?:组成的|牵头的|合组的|联合组成的)?(?:财团|联营体|联合体)\s*"))
_LICENCE = re.compile(r"(?:获得|得到|取得|获发|获颁|获授|领取|拿到|获)(?:了)?(?:[^,;:。!?\n]{0,12}?)牌照")
_GRANT = re.compile(r"向(?P<to>[^,;:。!?\n]{2,40}?)(?:发出|颁发|发放|授予|批出|核发)(?:了)?[^,;:。!?\n]{0,12}?牌照")
_LISTED = re.compile(r"(?:机构|公司|财团|企业|银行)?(?:包括|有|为|是)[:]?")


def _rel(doc: Document, s: Mention | None, p: str, o: Mention | None, pos: int, conf: float) -> Relation | None:
    return fitting_relation(doc, s, p, o, pos, conf, NAME)


def _inside(doc: Document, pos: int) -> bool:
    """True when ``pos`` lies inside a mention (推出 in 推出宝 is part of a name)."""
    return any(m.start <= pos < m.end for m in mentions_between(doc, max(0, pos - 16), pos + 16))


def continued_lists(doc: Document, subjects: Subjects) -> list[Relation]:
    """推出五款新品，分别为A、B和C: develops for every product of the clause after the verb's."""
    text, out = doc.norm, []
    for m in _GOES_ON.finditer(text):
        cs = clause_start(text, m.start())
        verbs = [v for v in _DEVELOP.finditer(text, cs, m.start()) if not _inside(doc, v.start())]
        if not verbs:
            continue
        subject, explicit = subjects.explicit(doc, verbs[-1].start())
        if subject is None:
            continue
        end = clause_end(text, m.end())
        for obj in mentions_between(doc, m.end(), end):
            if is_a(obj.cls, "Product"):
                rel = _rel(doc, subject, "develops", obj, m.start(), 0.75 if explicit else 0.65)
                out += [rel] if rel else []
    return out


def leading_list(doc: Document, start: int, end: int) -> list[Mention]:
    """The organizations listed at the opening of ``[start, end)``: A、B和C… (none when the clause
    opens with something else, or names one organization only)."""
    text, out, pos = doc.norm, [], start
    for m in mentions_between(doc, start, end):
        gap = text[pos:m.start]
        if not is_org(m):
            break
        if out and not _AND.fullmatch(gap):
            break
        if not out and len(gap.strip()) > 4:
            return []
        out.append(m)
        pos = m.end
    return out if len(out) >= 2 else []


def _co_subjects(doc: Document, pos: int) -> list[Mention]:
    """The organizations listed at the opening of the clause of ``pos`` or of an earlier clause
    of its sentence (农业银行和百度签署协议，共建X)."""
    text, sentence = doc.norm, doc.sentence_of(pos)
    cs = clause_start(text, pos)
    while cs >= sentence.start:
        found = leading_list(doc, cs, pos)
        if found:
            return found
        if cs <= sentence.start:
            break
        cs = clause_start(text, cs - 1)
    return []


def joint_ventures(doc: Document) -> list[Relation]:
    """A和B共建X, A与B共同设立X: every listed organization establishes (or develops) X."""
    text, out = doc.norm, []
    for m in _JOINT.finditer(text):
        if not _JOINT_MARK.search(m.group()) and not _JOINT_MARK.search(text, max(0, m.start() - 4), m.start()) \
                and not _JOINED.search(text, clause_start(text, m.start()), m.start()):
            continue  # (甲联合乙推出X: the partners were joined before the verb)
        if _inside(doc, m.start()):
            continue
        founders = _co_subjects(doc, m.start())
        if not founders:
            continue
        end = clause_end(text, m.end())
        made = [x for x in mentions_between(doc, m.end(), end) if is_org(x) or is_a(x.cls, "Product")][:1]
        for obj in made:
            if obj.start - m.end() > 12:
                continue
            prop = "establishes" if is_org(obj) else "develops"
            for s in founders:
                rel = _rel(doc, s, prop, obj, m.start(), 0.75)
                out += [rel] if rel else []
    return out


def consortia(doc: Document) -> list[tuple[list[Mention], Mention]]:
    """(members, company) of every consortium written A、B及C财团X."""
    text, out, after = doc.norm, [], 0
    for m in _CONSORTIUM.finditer(text):
        cs = max(clause_start(text, m.start()), after)
        members = [x for x in mentions_between(doc, cs, m.start()) if is_org(x)]
        company = next(iter(mentions_between(doc, m.end(), min(len(text), m.end() + 60))), None)
        if not members or company is None or company.start != m.end() or not is_org(company):
            continue
        if m.start() - members[-1].end > 2:
            continue
        out.append((members, company))
        after = company.end
    return out


def _licences(doc: Document, groups: list[tuple[list[Mention], Mention]]) -> list[Relation]:
    """获得…牌照的财团包括A、B: the last agency named before regulates each holder."""
    text, out = doc.norm, []
    companies = {c.span: c for _, c in groups}
    members = {x.span for ms, _ in groups for x in ms}
    for m in _LICENCE.finditer(text):
        sentence = doc.sentence_of(m.start())
        agencies = [x for x in mentions_between(doc, max(0, sentence.start - 3000), m.start())
                    if x.cls == "GovernmentAgency"]
        if not agencies:
            continue
        cs = clause_start(text, m.start())
        before = [x for x in mentions_between(doc, cs, m.start()) if is_org(x) and x.cls != "GovernmentAgency"]
        if text.startswith("的", m.end()):  # 获得牌照的财团包括A、B: the holders follow
            listed = _LISTED.match(text, m.end() + 1)
            if listed is None:
                continue
            holders = [x for x in mentions_between(doc, listed.end(), sentence.end)
                       if is_org(x) and x.cls != "GovernmentAgency"]
            if any(x.span in companies for x in holders):
                holders = [x for x in holders if x.span in companies]
            holders = [x for x in holders if x.span not in members]
        else:
            holders = before[-1:]
        for holder in holders:
            rel = _rel(doc, agencies[-1], "regulates", holder, m.start(), 0.7)
            out += [rel] if rel else []
    for m in _GRANT.finditer(text):  # 金管局(宣布，)向A发出牌照: the agency that grants, in the sentence
        agencies = [x for x in mentions_between(doc, doc.sentence_of(m.start()).start, m.start())
                    if x.cls == "GovernmentAgency"]
        holders = [x for x in mentions_between(doc, m.start("to"), m.end("to")) if is_org(x) and x.cls != "GovernmentAgency"]
        for holder in holders if agencies else ():
            rel = _rel(doc, agencies[-1], "regulates", holder, m.start(), 0.75)
            out += [rel] if rel else []
    return out


def propose_lists(doc: Document, subjects: Subjects) -> list[Relation]:
    """Every relation of this module for one document."""
    groups = consortia(doc)
    out = [r for members, company in groups for s in members
           for r in [_rel(doc, s, "establishes", company, company.start, 0.75)] if r]
    return out + continued_lists(doc, subjects) + joint_ventures(doc) + _licences(doc, groups)
