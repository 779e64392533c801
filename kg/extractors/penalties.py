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
from decimal import Decimal

from kg.extractors.base import Resources, mentions_between
from kg.extractors.discourse import clause_start, subjects_of
from kg.extractors.metrics import MULTIPLIERS, NUMBER, QUALIFIERS, parse_number
from kg.extractors import penalty_notices as notices
from kg.ontology import is_a
from kg.types import Document, Mention, Metric, Penalty, Relation, Span

NAME = "penalties@1"

#: Words that make a clause about a penalty, and the kind each one records.
TRIGGER = re.compile(r"没收违法所得|没收|罚款|罚没|罚金|罚单|行政处罚|处罚|警告|责令(?:限期)?改正|通报批评|"
                     r"吊销|撤销[^,;。]{0,8}?(?:许可|资格)|取消[^,;。]{0,8}?资格|禁止[^,;。]{0,6}?从事|"
                     r"被罚|遭罚|受罚|领罚|处以")
_KINDS = (("没收", "没收违法所得"), ("罚款", "罚款"), ("罚金", "罚款"), ("警告", "警告"), ("责令", "责令改正"),
          ("通报批评", "通报批评"), ("吊销", "吊销许可证"), ("撤销", "撤销许可"), ("取消", "取消任职资格"),
          ("禁止", "禁止从业"))
#: 被/遭 (an agency may come between) and then the penalty: the party is the clause's subject.
_PASSIVE = re.compile(r"(?:被|遭|遭到|受到|收到|领受|领)(?P<agency>[^,;:。!?被]{0,30}?)"
                      r"(?:处以|并处|罚款|罚没|罚|警告|处罚|没收|责令|通报|吊销|取消|罚单|行政处罚)")
_TO = re.compile(r"对(?!于|此|外|标|照|接|比|话)")
_ANAPHOR = re.compile(r"(?:其|该(?:行|公司|机构|分行|支行|分公司|支公司|银行|支付机构|平台|集团|企业|社))")
#: The label of an amount: the nearest of these before it in its clause.
_FINE_LABEL = re.compile(r"(没收违法所得|罚没(?:合计|共计|金额|款)?|罚款|罚金|罚单|处罚款|被罚|遭罚|罚)")
_REASON = (
    re.compile(r"因(?:其)?(?P<r>[^。;]{2,80}?),?(?:而)?(?=(?:被|遭|受到|收到|领受|领)[^,;。]{0,30}?"
               r"(?:罚|处以|处罚|警告|没收|责令|通报|吊销|取消))"),
    re.compile(r"(?:违法行为类型|违法违规行为|违法违规事实|处罚事由|违规事实|原因)(?:均)?(?:包括|是|为|涉及)?[:：]?"
               r"(?P<r>[^。]{2,120})"),
    re.compile(r"(?:存在|涉及|涉嫌)(?P<r>[^。]{2,80}?)(?:等)?(?:违法违规行为|违法行为|违规行为|违法违规问题|问题|行为)"),
)
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,12}[罚处][\u4e00-\u9fff]{0,4}[〔\[［(【]\s*\d{4}\s*[〕\]］)】]"
                        r"\s*第?\s*\d+\s*号")
_APPROVE = re.compile(r"核准|批准|批复(?:同意)?|同意|颁发|发放")
_NOT_APPROVER = re.compile(r"(?:经|获|获得|由|报|须|需|待|申请|取得|未经|依法)$")


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
        found = [m for m in self.before(max(0, pos - 600), pos) if _party_ok(m)]
        if found:
            return found[-1]
        subject = self.subjects.at(pos)
        return subject if subject is not None and _party_ok(subject) else None

    # ------------------------------------------------------------------ targets
    def targets(self, sentence: Span) -> list[tuple[int, Mention, Mention | None, Mention | None, int]]:
        """(position, party or person, employer of a person, agency after 被, where the agency is
        looked for before) in sentence order."""
        text, out = self.text, []
        for m in _TO.finditer(text, sentence.start, sentence.end):
            end = _clause_end(text, m.end(), sentence.end)
            trigger = TRIGGER.search(text, m.end(), end)
            if trigger is None:
                continue
            window = self.before(m.end(), trigger.start())
            people = [x for x in window if x.cls == "Person"]
            after = m.end()
            for person in people:  # 对时任Y零售信贷部总经理张伟: 张伟, who works for Y
                orgs = [x for x in window if is_a(x.cls, "Organization") and after <= x.start and x.end <= person.start]
                employer = next((x for x in orgs if x.cls != "OrganizationUnit"), orgs[0] if orgs else None)
                out.append((person.start, person, employer, None, m.start()))
                after = person.end
            if not people and any(_party_ok(x) for x in window):
                out += [(x.start, x, None, None, m.start()) for x in window if _party_ok(x)]
            elif not people and _ANAPHOR.match(text, m.end(), trigger.start()):
                found = self.antecedent(m.start())
                if found is not None:
                    out.append((m.end(), found, None, None, m.start()))
        for m in _PASSIVE.finditer(text, sentence.start, sentence.end):
            agencies = [x for x in self.before(m.start("agency"), m.end("agency")) if is_agency(x)]
            if m.group("agency") and not agencies:
                continue  # 被挪用…罚: something else was done
            cs = clause_start(text, m.start())
            lead = [x for x in self.before(max(cs, sentence.start), m.start()) if _party_ok(x)] or \
                   [x for x in self.before(sentence.start, m.start()) if _party_ok(x)]
            party = lead[0] if lead else None
            anaphor = re.search(r"(?:其|该(?:行|公司|机构|分行|分公司|银行))", text[sentence.start:m.start()])
            if party is None and anaphor:
                party = self.antecedent(sentence.start)
            if party is not None and not any(t[1] is party for t in out):
                out.append((max(party.start, cs), party, None, agencies[0] if agencies else None, cs))
        return sorted(out, key=lambda t: t[0])

    # ------------------------------------------------------------------ amounts and kinds
    def amounts(self, subject: Mention, start: int, end: int, sentence: Span) -> list[Metric]:
        out, text = [], self.text
        for m in NUMBER.finditer(text, start, end):
            unit_at = m.end()
            if not text.startswith("元", unit_at):
                continue
            cs = max(clause_start(text, m.start()), start)
            label = _FINE_LABEL.findall(text, cs, m.start())
            if not label and not text.startswith("罚单", unit_at + 1):
                continue
            label = label[-1] if label else "罚款"
            label = "罚款" if label in ("罚", "被罚", "遭罚", "罚单", "处罚款", "罚金") else label
            value = parse_number(m.group("num")) * MULTIPLIERS.get(m.group("mult") or "", 1)
            q = m.group("q1") or m.group("q2") or m.group("q3")
            stop = unit_at + 1
            out.append(Metric(m.start(), stop, self.doc.text[m.start():stop], label, value, "元",
                              QUALIFIERS.get(q) if q else None, subject, sentence, NAME, 0.85))
        return out

    @staticmethod
    def kinds(scope: str, amounts: list[Metric]) -> tuple[str, ...]:
        found = [kind for word, kind in _KINDS if word in scope]
        if any(a.label == "罚款" for a in amounts) and "罚款" not in found:
            found.append("罚款")
        return tuple(sorted(set(found))) or ("行政处罚",)

    def reason(self, sentence: Span) -> str | None:
        for regex in _REASON:
            m = regex.search(self.text, sentence.start, sentence.end)
            if m:
                return self.doc.text[m.start("r"):m.end("r")].strip(" ,，:：“”\"")
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
        targets = self.targets(sentence)
        if not targets:
            self.remember_reason(sentence)
            return
        reason = self.reason(sentence)
        date, number = self.facts(sentence)
        bounds = [t[0] for t in targets[1:]] + [sentence.end]
        org_penalty: dict[int, tuple[int, int]] = {}
        for (pos, target, employer, passive_agency, anchor), stop in zip(targets, bounds):
            regulator, explicit = (passive_agency, True) if passive_agency else self.last_agency(anchor, sentence)
            scope_end = stop if stop > pos else sentence.end
            person = target if target.cls == "Person" else None
            amounts = self.amounts(target, pos, scope_end, sentence)
            if not amounts and not TRIGGER.search(text, pos, scope_end):
                continue
            own = reason or self.reasons.get(target.canonical or target.text)
            pen = Penalty(min(pos, target.start) if person else pos, max(scope_end, pos + 1), regulator,
                          None if person else target, person, self.kinds(text[pos:scope_end], amounts),
                          tuple(amounts), own, date, number, sentence, NAME, 0.85 if explicit else 0.65)
            if person is not None:
                pen = self.person_penalty(pen, employer, org_penalty)
            else:
                org_penalty[id(target)] = (pen.start, pen.end)
                self.last_party = target
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
            elif m.start() - agency.end > 30 or any(_party_ok(x) and x.start > agency.end for x in named):
                continue
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
