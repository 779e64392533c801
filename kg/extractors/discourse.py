"""Who the text is talking about: the subject that carries over across clauses and sentences.

Chinese news often names the subject once (工商银行…) and leaves it out of the clauses and
sentences that follow (…, 打造了…). An organization that opens a clause, not after a
preposition or a verb, becomes the current subject until another one does.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from kg.extractors.base import CLAUSE_END
from kg.ontology import is_a
from kg.types import Document, Mention

#: Words after which an organization is an object or a partner, not the subject.
NOT_SUBJECT_BEFORE = re.compile(
    r"(与|和|及|同|向|为|对|被|由|通过|联合|携手|跟|给|把|将|在|从|经|获|获得|对于|关于|依托|服务|支持|"
    r"研发|打造|推出|成立|设立|收购|投资|入股|加入|包括|等|的|了|、)$")


#: a relative clause about the organization that follows it (位于杭州的, 成立于2015年的)
RELATIVE_LEAD = re.compile(r"(?:近期|近日|日前|目前)?,?(?:位于|地处|总部位于|总部设在|坐落于|成立于|来自)"
                           r"[^,;:。!?\n的]{1,14}的")
CHILD_BEFORE = re.compile(r"子公司$|旗下的?$")
TRIGGER_WORDS = re.compile(r"研发|打造|推出|建成|构建|搭建|上线|发布|开发|成立|设立|收购|投资|合作|通过|应用|运用")


_BREAKS = CLAUSE_END - {"、"}
#: names of a part of the organization written before them (某银行北京分行, 某集团研发中心)
_PART = re.compile(r"(?:分行|支行|分公司|支公司|营业部|中心|部|研究院|研究所|实验室)$")


_BREAK_RE = re.compile("[" + re.escape("".join(sorted(_BREAKS))) + "]")


@lru_cache(maxsize=4)
def _breaks(text: str) -> list[int]:
    """Where the clause breaks of a text are (computed once per text: the rules ask for clause starts
    thousands of times per document)."""
    return [m.start() for m in _BREAK_RE.finditer(text)]


def clause_start(text: str, pos: int) -> int:
    """Start of the clause that contains ``pos`` (a list's 、 does not end a clause)."""
    breaks = _breaks(text)
    i = bisect_left(breaks, pos)
    return breaks[i - 1] + 1 if i else 0


def clause_end(text: str, pos: int) -> int:
    """Where the clause that goes on at ``pos`` ends (a list's 、 does not end it)."""
    found = _BREAK_RE.search(text, pos)
    return found.start() if found else len(text)


def subjects_of(doc: Document) -> "Subjects":
    """The document's Subjects, made once for its current mentions (relations and metrics share it)."""
    cached = doc.__dict__.get("_subjects")
    if cached is None or cached[0] is not doc.mentions:
        cached = doc.__dict__["_subjects"] = (doc.mentions, Subjects(doc))
    return cached[1]


class Subjects:
    """The current subject (an Organization mention) at any position of a document."""

    def __init__(self, doc: Document) -> None:
        self.points: list[int] = []
        self.subjects: list[Mention] = []
        text, seen_clauses = doc.norm, set()
        for m in doc.mentions:
            if not is_a(m.cls, "Organization"):
                continue
            start = clause_start(text, m.start)
            if CHILD_BEFORE.search(text, max(start, m.start - 12), m.start):
                # 招商银行旗下的金融科技子公司招银云创…成立于2016年: the child is the subject
                self.points.append(m.start)
                self.subjects.append(m)
                continue
            if start in seen_clauses:  # only the first organization of a clause can be its subject
                last = self.subjects[-1] if self.subjects else None
                if last is not None and last.end == m.start and clause_start(text, last.start) == start \
                        and m.cls != "OrganizationUnit" and not _PART.search(m.text):
                    self.points[-1], self.subjects[-1] = m.start, m  # 附属公司太平人寿: the name, not the kind
                continue
            seen_clauses.add(start)
            before = text[start:m.start].strip()
            # 位于杭州的某公司发布了…: after a relative clause the company is still the subject
            if not RELATIVE_LEAD.fullmatch(before) and (
                    len(before) > 8 or NOT_SUBJECT_BEFORE.search(before) or TRIGGER_WORDS.search(before)):
                continue
            self.points.append(m.start)
            self.subjects.append(m)

    def at(self, pos: int) -> Mention | None:
        """The subject at ``pos``: the last organization that opened a clause before it."""
        i = bisect_right(self.points, pos) - 1
        return self.subjects[i] if i >= 0 else None

    def explicit(self, doc: Document, pos: int) -> tuple[Mention | None, bool]:
        """The subject at ``pos`` and whether it is named in the clause of ``pos``."""
        subject = self.at(pos)
        if subject is None:
            return None, False
        return subject, subject.start >= clause_start(doc.norm, pos)
