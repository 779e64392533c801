"""Administrative penalties as n-ary facts, and the ``regulates`` relations they and approvals give.

Shapes read (on the normalized text, mentions already resolved):
- active: 国家金融监督管理总局X监管局对Y罚款N万元, …对Y作出行政处罚决定，罚款…, 对其/对该行 (the
  organization named before), 对时任Y部门总经理张伟警告并罚款5万元 (a person, who works for Y);
- passive: Y因违规行为被(X)罚款N万元, Y被警告，并处罚款…, Y遭罚/领受罚单;
- notices as field lists (:mod:`kg.extractors.penalty_notices`): 当事人名称：…, 行政处罚内容：…;
- approvals: X核准/批准/批复Y…, Y获X批准 (``regulates`` only).

The regulator is the agency after 被, the last one named earlier in the sentence, or else the
last one named before (who published the notice). Each sum of money (罚款, 没收违法所得, 罚没)
becomes a Metric whose subject is the penalized party; :func:`claimed` tells metrics@1 which
amounts are taken, so a fine is never also a metric of the regulator.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from kg.extractors.base import SPEECH, Resources, antecedent, mentions_between
from kg.extractors.discourse import clause_start, subjects_of
from kg.extractors.metrics import MULTIPLIERS, QUALIFIERS, parse_number, written_as
from kg.extractors import penalty_notices as notices
from kg.ontology import is_a
from kg.types import Document, Mention, Metric, Penalty, Relation, Span
from kg.textscan import scanning

NAME = "penalties@1"

#: Words that make a clause about a penalty, and the kind each one records.
TRIGGER = re.compile(r"没收违法所得|没收|罚款|罚没|罚金|罚单|行政处罚|处罚|警告|责令(?:限期)?改正|通报批评|"
                     r"吊销|撤销[^,;。]{0,8}?(?:许可|资格)|取消[^,;。]{0,8}?资格|禁止[^,;。]{0,6}?从事|"
                     r"被罚|遭罚|受罚|领罚|处以|开罚|裁罚|警示函|监管函|监管谈话|监管措施")
_KINDS = (("没收", "没收违法所得"), ("罚款", "罚款"), ("罚金", "罚款"), ("警告", "警告"), ("责令", "责令改正"),
          ("通报批评", "通报批评"), ("吊销", "吊销许可证"), ("撤销", "撤销许可"), ("取消", "取消任职资格"),
          ("禁止", "禁止从业"), ("警示函", "警示函"), ("监管函", "监管函"), ("监管谈话", "监管谈话"),
          ("监管措施", "监管措施"))
#: 被/遭 (an agency may come between) and then the penalty: the party is the clause's subject.
_PASSIVE = re.compile(r"(?:被|遭|遭到|受到|收到|领受|领)(?P<agency>[^,;:。!?被]{0,30}?)"
                      r"(?:处以|并处|罚款|罚没|罚|警告|处罚|没收|责令|通报|吊销|取消|罚单|行政处罚|出具|采取)")
_TO = re.compile(r"对(?!于|此|外|标|照|接|比|话)")
_ANAPHOR = re.compile(r"(?:其|该(?:行|公司|机构|分行|支行|分公司|支公司|银行|支付机构|平台|集团|企业|社))")
_Q = "|".join(sorted((q for q in QUALIFIERS if q not in ("余", "多")), key=len, reverse=True))
#: A sum in yuan (or 港元, 美元…), starting where metrics@1's numbers start (spaces allowed: 罰 2200 萬元).
MONEY = scanning(re.compile(f"(?P<q1>{_Q})?" r"(?<![\dA-Za-z.第×*/\-])(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|"
                   r"[零〇一二两三四五六七八九十百千]+(?=[万亿]))(?P<q2>余|多)?\s?"
                   r"(?P<mult>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万)?(?P<q3>余|多)?\s?(?P<unit>(?:港|美|欧|澳|日)?元|港币)"))
#: Currencies a fine may be in (500万港元): the metric's unit.
_UNITS = {"港币": "港元"}
#: The label of an amount: the nearest of these before it in its clause.
_FINE_LABEL = re.compile(r"(没收违法所得|罚没(?:合计|共计|金额|款)?|罚款|罚金|罚单|处罚款|被罚|遭罚|开罚|裁罚|罚)")
_REASON = (
    re.compile(r"(?<![主原基起成诱])因(?:其)?(?P<r>[^。;]{2,80}?),?(?:而)?(?=(?:被|遭|受到|收到|领受|领)[^,;。]{0,30}?"
               r"(?:罚|处以|处罚|警告|没收|责令|通报|吊销|取消))"),
    re.compile(r"(?:违法行为类型|违法违规行为|违法违规事实|处罚事由|违规事实|原因)(?:均)?(?:包括|是|为|涉及)?[:：]?"
               r"(?P<r>[^。]{2,120})"),
    re.compile(r"(?:存在|涉及|涉嫌)(?P<r>[^。]{2,80}?)(?:等)?(?:违法违规行为|违法行为|违规行为|违法违规问题|问题|行为)"),
)
_DAY = re.compile(r"\d{1,2}月\d{1,2}日")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,12}[罚处][\u4e00-\u9fff]{0,4}[〔\[［(【]\s*\d{4}\s*[〕\]］)】]"
                        r"\s*第?\s*\d+\s*号")
_APPROVE = re.compile(r"核准|批准|批复(?:同意)?|同意|颁发|发放")
_AND = re.compile(r"(?:并|同时|还|另|此外|同日)")
_NOT_APPROVER = re.compile(r"(?:经|获|获得|由|报|须|需|待|申请|取得|未经|依法)$")


_PRONOUN = re.compile(r"其|该(?:行|公司|机构|分行|分公司|银行)")
#: between 被 and the penalty: the verb of imposing it, no agency (被给予警告, 被依法予以罚款)
_GIVING = re.compile(r"(?:依法)?(?:给予|予以|处以|作出)(?:了)?")
_UNNAMED = scanning(re.compile(r"(?:相关|有关|直接)?责任人(?:员)?|相关人员|有关人员|相关高管"))


class _Group(NamedTuple):
    """Parties (or people) penalized together: 对A、B分别罚款…; A被罚…; 对时任…张伟警告."""

    pos: int
    members: list
    employers: list
    agency: Mention | None
    anchor: int  # the regulator is looked for before this position


def _parties(window: list[Mention], text: str) -> list[Mention]:
    """The organizations (not agencies) of a window, without a parent written right before its
    branch (太保产险 in 太保产险浙江分公司)."""
    orgs = [m for m in window if is_a(m.cls, "Organization") and not m.cls == "GovernmentAgency"]
    return [m for i, m in enumerate(orgs) if not (
        i + 1 < len(orgs) and text[m.end:orgs[i + 1].start] in ("", "的")
        and re.search(r"(?:分公司|支公司|分行|支行|营业部|分局)$", orgs[i + 1].text))]


def _distribute(members: list[Mention], amounts: list[Metric], each: bool) -> list[list[Metric]]:
    """One list of amounts per member: all to a lone member; one each when 分别 and the counts
    agree (A、B分别被罚79万元、36万元) or the same to each when 分别 names one; none when who pays
    what is unclear."""
    if len(members) == 1:
        return [amounts]
    if each and len(amounts) == 1:  # 对甲、乙分别处罚款5万元: each of them pays it
        amounts = amounts * len(members)
    if each and len(amounts) == len(members):
        return [[Metric(a.start, a.end, a.text, a.label, a.value, a.unit, a.qualifier, m, a.sentence,
                        a.extractor, a.confidence)] for m, a in zip(members, amounts)]
    return [[] for _ in members]


def is_agency(m: Mention) -> bool:
    return m.cls == "GovernmentAgency"


def _party_ok(m: Mention) -> bool:
    return is_a(m.cls, "Organization") and not is_agency(m)


def _clause_end(text: str, pos: int, stop: int) -> int:
    found = re.compile(r"[,;:。!?\n]").search(text, pos, stop)
    return found.start() if found else stop


class _Reader:
    """One document's penalties, read once (:func:`analyze` caches it)."""

    def __init__(self, doc: Document, res: Resources | None) -> None:
        self.doc, self.text, self.res = doc, doc.norm, res
        self.penalties: list[Penalty] = []
        self.relations: list[Relation] = []
        self.claimed: set[int] = set()
        self.titles: list[tuple[Mention, str, str]] = []  # (person, "jobTitle", title)
        self.reasons: dict[str, str] = {}  # party key -> a reason read before its penalty
        self.last_party: Mention | None = None
        self.subjects = subjects_of(doc)

    # ------------------------------------------------------------------ lookups
    def before(self, start: int, end: int) -> list[Mention]:
        return mentions_between(self.doc, start, end)

    def last_agency(self, pos: int, sentence: Span) -> tuple[Mention | None, bool]:
        """The agency named last before ``pos``: in the sentence (explicit) or anywhere before."""
        found = [m for m in self.before(sentence.start, pos) if is_agency(m)]
        if found:
            return found[-1], True
        found = [m for m in self.before(max(0, sentence.start - 3000), sentence.start) if is_agency(m)]
        return (found[-1], False) if found else (None, False)

    def antecedent(self, pos: int) -> Mention | None:
        """What 其/该行 points back to: the last organization (not an agency) named before."""
        found = antecedent(self.doc, pos)
        if found is not None:
            return found
        subject = self.subjects.at(pos)
        return subject if subject is not None and _party_ok(subject) else None

    # ------------------------------------------------------------------ targets
    def targets(self, sentence: Span) -> list[_Group]:
        """The groups of parties (or people) penalized in a sentence, in text order; an unnamed
        责任人 is a group without members (it only ends the scope of the one before)."""
        text, out = self.text, []
        for m in _TO.finditer(text, sentence.start, sentence.end):
            end = _clause_end(text, m.end(), sentence.end)
            trigger = TRIGGER.search(text, m.end(), end)
            if trigger is None:
                continue
            window = self.before(m.end(), trigger.start())
            people = [x for x in window if x.cls == "Person"]
            if people:  # 对时任Y零售信贷部总经理张伟: 张伟, who works for Y
                after, employers = m.end(), []
                for person in people:
                    orgs = [x for x in window if is_a(x.cls, "Organization") and after <= x.start
                            and x.end <= person.start]
                    employers.append(next((x for x in orgs if x.cls != "OrganizationUnit"), orgs[0] if orgs else None))
                    after = person.end
                out.append(_Group(people[0].start, people, employers, None, m.start()))
                continue
            parties = _parties(window, text)
            if parties:
                out.append(_Group(parties[0].start, parties, [], None, m.start()))
            elif _ANAPHOR.match(text, m.end(), trigger.start()):
                found = self.antecedent(m.start())
                if found is not None:
                    out.append(_Group(m.end(), [found], [], None, m.start()))
        previous = sentence.start
        for m in _PASSIVE.finditer(text, sentence.start, sentence.end):
            agencies = [x for x in self.before(m.start("agency"), m.end("agency")) if is_agency(x)]
            if m.group("agency") and not agencies and not _GIVING.fullmatch(m.group("agency")):
                continue  # 被挪用…罚: something else was done
            # A因…遭罚300万元、B因…遭罚200万元: B's penalty starts after A's
            cs, previous = max(clause_start(text, m.start()), sentence.start, previous), m.end()
            person = self.passive_person(sentence, cs, m.start())
            if person is not None:
                out.append(_Group(person[0].start, [person[0]], [person[1]], agencies[0] if agencies else None, cs))
                continue
            lead = _parties(self.before(cs, m.start()), text) or \
                _parties(self.before(sentence.start, m.start()), text)[:1]
            if not lead and _PRONOUN.search(text, sentence.start, m.start()):
                lead = [x for x in [self.antecedent(sentence.start)] if x is not None]
            if lead and not any(x is y for g in out for x in g.members for y in lead):
                out.append(_Group(max(lead[0].start, cs), lead, [], agencies[0] if agencies else None, cs))
        for m in _UNNAMED.finditer(text, sentence.start, sentence.end):
            out.append(_Group(m.start(), [], [], None, m.start()))
        return sorted(out, key=lambda g: g.pos)

    def passive_person(self, sentence: Span, cs: int, pos: int) -> tuple[Mention, Mention | None] | None:
        """相关责任人王五被警告, 该行副行长张三因…，被给予警告: the person named last before 被 (no
        organization in the clause, nobody speaking in between), and whom they work for."""
        named = [x for x in self.before(sentence.start, pos) if x.cls == "Person" or _party_ok(x)]
        if not named or named[-1].cls != "Person" or _parties(self.before(cs, pos), self.text) \
                or SPEECH.search(self.text, named[-1].end, pos) or _PRONOUN.search(self.text, named[-1].end, pos):
            return None
        person = named[-1]
        employers = [x for x in named[:-1] if _party_ok(x)]
        if employers:
            return person, employers[-1]
        lead = self.text[max(sentence.start, person.start - 12):person.start]
        return person, self.antecedent(person.start) if _PRONOUN.search(lead) else None

    # ------------------------------------------------------------------ amounts and kinds
    def amounts(self, subject: Mention, start: int, end: int, sentence: Span) -> list[Metric]:
        out, text = [], self.text
        for m in MONEY.finditer(text, start, end):
            unit_at = m.end() - 1
            cs = max(clause_start(text, m.start()), start)
            found = list(_FINE_LABEL.finditer(text, cs, m.start()))
            if not found and not text.startswith("罚单", unit_at + 1):
                continue
            label = found[-1].group() if found else "罚款"
            label = "罚款" if label in ("罚", "被罚", "遭罚", "罚单", "处罚款", "罚金", "开罚", "裁罚") else label
            if found:  # 遭罰 in a Traditional text: the label is written as the text writes it
                label = written_as(self.doc, label, found[-1].start(), found[-1].end())
            value = parse_number(m.group("num")) * MULTIPLIERS.get(m.group("mult") or "", 1)
            q = m.group("q1") or m.group("q2") or m.group("q3")
            stop = unit_at + 1
            unit = _UNITS.get(m.group("unit"), m.group("unit"))
            out.append(Metric(m.start(), stop, self.doc.text[m.start():stop], label, value, unit,
                              QUALIFIERS.get(q) if q else None, subject, sentence, NAME, 0.85))
        return out

    @staticmethod
    def kinds(scope: str, amounts: list[Metric]) -> tuple[str, ...]:
        found = [kind for word, kind in _KINDS if word in scope]
        if any(a.label in ("罚款", "罰款") for a in amounts) and "罚款" not in found:
            found.append("罚款")
        return tuple(sorted(set(found))) or ("行政处罚",)

    def reason(self, sentence: Span) -> str | None:
        for regex in _REASON:
            m = regex.search(self.text, sentence.start, sentence.end)
            if m:
                return self.doc.text[m.start("r"):m.end("r")].strip(" ,，:：“”\"").removesuffix("的") or None
        return None

    def facts(self, sentence: Span) -> tuple[str | None, str | None]:
        date = _DATE.search(self.text, sentence.start, sentence.end)
        number = DOC_NUMBER.search(self.text, sentence.start, sentence.end)
        iso = f"{date['y']}-{int(date['m']):02d}-{int(date['d']):02d}" if date else None
        return iso, number.group() if number else None

    # ------------------------------------------------------------------ reading
    def sentence(self, sentence: Span) -> None:
        text = self.text
        if not TRIGGER.search(text, sentence.start, sentence.end):
            return
        groups = self.targets(sentence)
        if not any(g.members for g in groups):
            self.remember_reason(sentence)
            return
        date, number = self.facts(sentence)
        bounds = [g.pos for g in groups[1:]] + [sentence.end]
        found: list[tuple[Penalty, bool, Mention | None]] = []
        for group, stop in zip(groups, bounds):
            if not group.members:  # 相关责任人警告并罚款16万元: nobody's metric, the regulator's least of all
                self.claimed.update(a.start for a in self.amounts(None, group.pos, stop, sentence))
                continue
            regulator, explicit = (group.agency, True) if group.agency else self.last_agency(group.anchor, sentence)
            if not explicit and _DAY.search(text, sentence.start, sentence.end):
                regulator = None  # 3月12日…被罚: a decision of its own, not the one named before
            scope_end = max(stop, group.pos + 1)
            shared = self.amounts(group.members[0], group.pos, scope_end, sentence)
            if not shared and not TRIGGER.search(text, group.pos, scope_end):
                continue
            reason = self.reason(Span(group.pos, scope_end)) or self.reason(sentence)
            each = _distribute(group.members, shared, "分别" in text[group.pos:scope_end])
            for i, (target, amounts) in enumerate(zip(group.members, each)):
                person = target if target.cls == "Person" else None
                start = target.start if len(group.members) > 1 or person else group.pos
                end = group.members[i + 1].start if i + 1 < len(group.members) else scope_end
                pen = Penalty(start, max(end, start + 1), regulator, None if person else target, person,
                              self.kinds(text[group.pos:scope_end], amounts), tuple(amounts),
                              reason or self.reasons.get(target.canonical or target.text), date, number,
                              sentence, NAME, 0.85 if explicit else 0.65)
                found.append((pen, explicit, group.employers[i] if group.employers else None))
        with_amounts = {(p.party or p.person).span for p, _, _ in found if p.amounts}
        org_penalty: dict[int, tuple[int, int]] = {}
        for pen, explicit, employer in found:
            if not pen.amounts and (pen.party or pen.person).span in with_amounts:
                continue  # 对A作出行政处罚决定，对A罚款80万元: one penalty
            if pen.person is not None:
                pen = self.person_penalty(pen, employer, org_penalty)
            else:
                org_penalty[id(pen.party)] = (pen.start, pen.end)
            self.add(pen, explicit)

    def person_penalty(self, pen: Penalty, employer: Mention | None, org_penalty) -> Penalty:
        """A person's penalty: worksFor their employer (with the title written between)."""
        person = pen.person
        if employer is None:
            return pen
        title = self.text[employer.end:person.start].strip("的 ")
        if 1 < len(title) <= 16:
            self.titles.append((person, "jobTitle", title))
        self.relations.append(Relation(person, "worksFor", employer, pen.sentence, NAME, 0.8))
        related = org_penalty.get(id(employer)) or next(
            ((p.start, p.end) for p in reversed(self.penalties)
             if p.party is not None and (p.party.canonical or p.party.text) == (employer.canonical or employer.text)),
            None)
        return Penalty(pen.start, pen.end, pen.regulator, None, person, pen.kinds, pen.amounts, pen.reason,
                       pen.date, pen.number, pen.sentence, pen.extractor, pen.confidence, related)

    def add(self, pen: Penalty, explicit: bool) -> None:
        if any(p.span == pen.span for p in self.penalties):
            return
        self.penalties.append(pen)
        self.claimed.update(a.start for a in pen.amounts)
        if pen.regulator is not None and pen.party is not None:
            self.relations.append(Relation(pen.regulator, "regulates", pen.party, pen.sentence, NAME,
                                           0.85 if explicit else 0.65))

    def remember_reason(self, sentence: Span) -> None:
        """该公司的违法行为类型包括…: a reason stated before the penalty itself."""
        reason = self.reason(sentence)
        if not reason:
            return
        named = [m for m in self.before(sentence.start, sentence.end) if _party_ok(m)]
        party = named[0] if named else self.antecedent(sentence.start)
        if party is not None:
            self.reasons[party.canonical or party.text] = reason

    def approvals(self) -> None:
        """X核准/批准/批复Y: X regulates Y; Y获X批准: the same."""
        text = self.text
        for m in _APPROVE.finditer(text):
            sentence = self.doc.sentence_of(m.start())
            cs = max(clause_start(text, m.start()), sentence.start)
            named = self.before(sentence.start, m.start())
            agencies = [x for x in named if is_agency(x)]
            if not agencies:
                continue
            agency = agencies[-1]
            if _NOT_APPROVER.search(text[max(cs, sentence.start):agency.start]):
                # Y经/获X批准: Y, named before in the clause, is approved
                parties = [x for x in self.before(cs, agency.start) if _party_ok(x)]
                if not parties and text[cs:agency.start] in ("经", "经过"):
                    # 经X核准，Y获得…: the clause opens the sentence, Y opens the next clause
                    end = _clause_end(text, m.end(), sentence.end)
                    after = [x for x in self.before(end + 1, _clause_end(text, end + 1, sentence.end))]
                    parties = after[:1] if after and _party_ok(after[0]) and after[0].start <= end + 2 else []
            elif m.start() - agency.end > 40 or (not _AND.match(text, cs, m.start()) and any(
                    _party_ok(x) and x.start > agency.end for x in named)):
                continue  # another organization is the subject of this verb
            else:
                end = _clause_end(text, m.end(), sentence.end)
                parties = [x for x in self.before(m.end(), end) if _party_ok(x)][:3]
            for party in parties:
                self.relations.append(Relation(agency, "regulates", party, sentence, NAME, 0.7))

    def read(self) -> "_Reader":
        for sentence in self.doc.sentences:
            self.sentence(sentence)
        for record in notices.records(self.doc):
            pen = notices.penalty(self.doc, record, self, NAME)
            if pen is not None:
                self.add(pen, pen.regulator is not None)
        self.approvals()
        return self


def analyze(doc: Document, res: Resources | None = None) -> _Reader:
    """The document's penalties, relations and claimed amounts (read once per set of mentions)."""
    cached = doc.__dict__.get("_penalties")
    if cached is None or cached[0] is not doc.mentions:
        cached = doc.__dict__["_penalties"] = (doc.mentions, _Reader(doc, res).read())
    return cached[1]


def claimed(doc: Document) -> set[int]:
    """Where the amounts a penalty takes start (metrics@1 skips them)."""
    return analyze(doc).claimed


def propose(doc: Document, res: Resources) -> list:
    """Penalties, their fines as metrics of the penalized party, and regulates/worksFor relations."""
    reader = analyze(doc, res)
    doc.attributes.extend(reader.titles)
    metrics = [a for p in reader.penalties for a in p.amounts]
    return [*reader.penalties, *metrics, *reader.relations]


propose_mentions = notices.propose_mentions
