"""worksFor: who works where, read from job titles and appointment verbs.

Shapes covered (the organization can be far from the person):
- 中国工商银行首席技术官吕仲涛, 某行党委书记、行长张三, 某中心研发团队副主管李四: the organization
  nearest before the title chain in the clause (a unit and the organization it is written after);
- 现任董事长张三 with no organization in the clause: the organization the text is about;
- 张三出任/担任/现任/时任/曾任/加盟/来自 某银行 (…职务): the first organization after the verb;
- 张三是某公司副总经理: the same, after 是/为/系;
- 某银行宣布任命张三为行长 / 聘任张三担任…: the appointing organization (named in the sentence);
- 来自某银行的张三: the organization the person comes from;
- 李四接替张三出任某银行行长: the successor too;
- 某市委常委、某部部长张三: the organization of the first post too.
"""
from __future__ import annotations

import re

from kg.extractors.base import SPEECH, Resources, antecedent, is_org, mentions_between
from kg.extractors.discourse import Subjects, clause_start
from kg.types import Document, Mention, Relation

NAME = "relations@1"

#: Titles the lexicon may not list (generic heads of a team, chief officers, English acronyms).
EXTRA_TITLES = (r"首席[\u4e00-\u9fff]{1,4}官|行长助理|总经理助理|总裁助理|副主管|主管|负责人|董事会秘书|董秘|"
                r"非执行董事|独立董事|董事|监事长|监事|党委委员|党委副书记|党委书记|纪委书记|市委常委|省委常委|常委|主任秘书|主秘|"
                r"CEO|CTO|CFO|COO|CIO|CRO|总经理|副总经理|总裁|副总裁|行长|副行长|董事长|副董事长|主任|副主任")
_SEP = r"(?:、|兼|和|及|/|暨|兼任)?"
_PREFIX = r"(?:党委|常务|执行|副|总|现任|时任|原|新任|拟任|前)*"
#: After the person: verbs of holding or taking a post, then the organization.
_POST_AFTER = re.compile(r"(?:等[\u4e00-\u9fff]{0,6}?)?(?:均|都|则|已|将|曾|也|还|现|正式|此前|先后|同时|早年){0,2}(?:经)?"
                         r"(?:于[\d一二三四五六七八九十]{1,4}[年月](?:\d{1,2}[月日])?"
                         r"|自[\d一二三四五六七八九十]{1,4}年(?:\d{1,2}月)?(?:起|以来))?"
                         r"(?:出身于|出身|有|出任|担任|现任|时任|曾任|任职于|任职|就职于|供职于|升任|兼任|调任|履新|就任|加盟|加入|来自|"
                         r"获任|获聘|受聘|接任|继任|任|是|为|系|在)")
#: 张三(因…)辞去/卸任/不再担任: a post the person held
_RESIGNS = re.compile(r"(?:因[^,;:。!?\n]{1,10}?)?(?:辞去|辞任|卸任|不再担任)")
#: 张三，现任/曾任/历任: the person, a comma, and a post
_CAREER = re.compile(r",(?:男,|女,)?(?:现任|曾任|历任|时任|原任)")
#: 任命张三为行长, 聘任李四担任首席信息官: the appointing organization employs the person
_APPOINT = re.compile(r"(?:同意|决定|宣布)?(?:任命|聘任|聘请|委任|选举|推选|提名|聘)$")
_AS = re.compile(r"(?:为|担任|出任|任)(?:该行|该公司|公司|本行|本公司|集团)?")
_NOT_ORG_END = re.compile(r"^(?:的)?(?:客户|用户|股东|合作)")


def _title_regex(res: Resources, ahead: bool = False) -> re.Pattern:
    """A chain of titles ending where the search ends (before a name), or (``ahead``) one that a clause
    ends after (王五，某证券首席经济学家。)."""
    key = "worksFor.titles" + (".ahead" if ahead else "")
    cached = res.memo.get(key)
    if cached is None:
        titles = sorted(set(res.lexicon.titles), key=lambda t: (-len(t), t))
        one = "(?:" + "|".join([*(re.escape(t) for t in titles), EXTRA_TITLES]) + ")"
        chain = f"{_PREFIX}{one}(?:{_SEP}{_PREFIX}{one})*"
        cached = re.compile(chain + r"(?=[,;:。!?)\n]|$)" if ahead else chain + "(?:的)?$")
        res.memo[key] = cached
    return cached


def _rel(doc: Document, person: Mention, org: Mention | None, conf: float) -> Relation | None:
    if org is None or org.span == person.span:
        return None
    return Relation(person, "worksFor", org, doc.sentence_of(person.start), NAME, conf)


#: 时任该行行长张三, 其董事长张三: the title belongs to the organization named before
_ANAPHOR = re.compile(r"(?:该行|该公司|该机构|该集团|该分行|该支行|该分公司|其)$")


def _before_title(doc: Document, person: Mention, chain_start: int, subjects: Subjects) -> list[Relation]:
    """The organization(s) a title chain that ends at the person belongs to."""
    text = doc.norm
    cs = clause_start(text, chain_start)
    orgs = [m for m in mentions_between(doc, cs, chain_start) if is_org(m)]
    orgs = [m for m in orgs if not _NOT_ORG_END.match(text[m.end:chain_start])]
    if not orgs and _ANAPHOR.search(text, max(cs, chain_start - 6), chain_start):
        found = antecedent(doc, chain_start, text[chain_start - 1:chain_start] == "行")  # 该行, 该分行
        orgs = [found] if found else []
    if orgs:
        near = orgs[-1]
        out = [_rel(doc, person, near, 0.85 if near.end >= chain_start - 1 else 0.75)]
        if near.cls == "OrganizationUnit" and len(orgs) > 1 and near.start - orgs[-2].end <= 1:
            out.append(_rel(doc, person, orgs[-2], 0.7))  # 某银行软件开发中心主任: the bank too
        return [r for r in out if r]
    sentence = doc.sentence_of(person.start)
    para = text.rfind("\n", 0, person.start) + 1
    subject = subjects.at(chain_start)
    if subject is not None and subject.cls == "GovernmentAgency" and "对" in text[cs:chain_start]:
        # 对相关负责人张三、副行长李四罚款: the agency fines them, they work for the organization named before
        subject = antecedent(doc, chain_start)
    if subject is not None and subject.start >= para and subject.cls != "OrganizationUnit":
        rel = _rel(doc, person, subject, 0.7 if subject.start >= sentence.start else 0.6)
        return [rel] if rel else []
    return []


def _after_verb(doc: Document, person: Mention) -> Relation | None:
    """张三出任某银行党委委员, 张三是某公司副总经理, 张三曾在某银行任职."""
    text = doc.norm
    m = _POST_AFTER.match(text, person.end, min(len(text), person.end + 12))
    if m is None:  # 张三，现任某银行董事长 (a résumé's first line)
        m = _CAREER.match(text, person.end)
    if m is None:
        m = _RESIGNS.match(text, person.end)  # 张三因工作调动辞去该行行长职务: he held the post
        if m is not None and text.startswith(("该行", "该公司"), m.end()):
            return _rel(doc, person, antecedent(doc, person.start, text.startswith("该行", m.end())), 0.7)
    if m is None:
        return None
    end = min(len(text), m.end() + 30)
    for stop in ",;:。!?\n":
        i = text.find(stop, m.end(), end)
        end = i if i >= 0 else end
    orgs = [x for x in mentions_between(doc, m.end(), end) if is_org(x)]
    if not orgs or orgs[0].start - m.end() > 6:
        return None
    org = orgs[0]
    # 担任某行副行长 / 是某公司的股东: a title (or 任职/工作) must follow in the clause
    tail = text[org.end:end]
    if m.group().endswith("有") and not re.match(r"(?:的)?(?:工作|任职|从业)(?:经历|背景)", tail):
        return None
    if not re.search(r"任职|工作|董事|监事|行长|经理|总裁|主任|主管|书记|委员|官|负责人|总监|部长|局长|院长|主席|"
                     r"会长|秘书|分析师|研究员|合伙人|CEO|CTO|CFO|$", tail[:14]) and m.group().endswith(("是", "为", "系", "在")):
        return None
    return _rel(doc, person, org, 0.75)


def _appointed(doc: Document, person: Mention, regex: re.Pattern, subjects: Subjects) -> Relation | None:
    """某银行董事会任命张三为行长: the organization that appoints (named in the sentence)."""
    text = doc.norm
    if not _APPOINT.search(text, max(0, person.start - 6), person.start):
        return None
    as_ = _AS.match(text, person.end)
    if as_ is None:
        return None
    end = min(len(text), as_.end() + 16)
    title = regex.search(text[as_.end():end].split("。")[0].split(",")[0] + "")
    if title is None and not re.match(EXTRA_TITLES, text[as_.end():end]):
        return None
    subject = subjects.at(person.start)
    if subject is None or subject.start < doc.sentence_of(person.start).start:
        return None
    return _rel(doc, person, subject, 0.7)


def _apposition(doc: Document, person: Mention, res: Resources) -> Relation | None:
    """王五，某证券首席经济学家。 / （王五 某银行行长）: the person, then the organization and a title."""
    text = doc.norm
    if text[person.end:person.end + 1] not in (",", " ", "("):
        return None
    orgs = [m for m in mentions_between(doc, person.end + 1, min(len(text), person.end + 30)) if is_org(m)]
    if not orgs or orgs[0].start != person.end + 1 or not _title_regex(res, ahead=True).match(text, orgs[0].end):
        return None
    return _rel(doc, person, orgs[0], 0.75)


#: A later clause of the person's sentence about a former post: ，此前曾在某银行任职 / ，早年曾任某公司总经理
_FORMER = re.compile(r"(?P<when>(?:此前|之前|早年|此后|随后|后|其后|先后|还|并)?(?:曾经|曾)?)"
                     r"(?:在|任|担任|出任|供职于|就职于|任职于)")


def _former_post(doc: Document, person: Mention) -> Relation | None:
    """王五自2018年起担任甲公司董事长，此前曾在乙银行任职: the next clause's organization, when the
    clause names no other person (its subject is still the person)."""
    text, sentence = doc.norm, doc.sentence_of(person.start)
    comma = text.find(",", person.end, sentence.end)
    if comma < 0 or SPEECH.search(text, person.end, comma):
        return None  # 王五表示，此前曾在…: what the person says, about anyone
    m = _FORMER.match(text, comma + 1)
    if m is None or not m.group("when"):  # (，在某地…: no time word, the clause may be about anything)
        return None
    end = next((i for i in (text.find(c, m.end(), sentence.end) for c in ",;") if i >= 0), sentence.end)
    inside = mentions_between(doc, comma + 1, end)
    orgs = [x for x in inside if is_org(x)]
    if any(x.cls == "Person" for x in inside) or not orgs or orgs[0].start - m.end() > 2:
        return None
    if m.group().endswith("在") and not re.search(r"任职|工作|供职|就职|担任|任", text[orgs[0].end:end]):
        return None  # 后在某地发布…: not a post
    return _rel(doc, person, orgs[0], 0.7)


def _from_org(doc: Document, person: Mention) -> Relation | None:
    """来自某银行的张三: the organization the person comes from."""
    text = doc.norm
    gap = 1 if text[person.start - 1:person.start] == "的" else 0
    orgs = [m for m in mentions_between(doc, max(0, person.start - 30), person.start - gap)
            if is_org(m) and m.end == person.start - gap]
    if not orgs or text[max(0, orgs[-1].start - 2):orgs[-1].start] != "来自":
        return None
    return _rel(doc, person, orgs[-1], 0.75)


_SUCCEEDS = re.compile(r"(?:将|已|正式|此前)?(?:接替|接任|接棒|替代)$")


def _successor(doc: Document, person: Mention) -> Mention | None:
    """甲乙将接替丙丁出任某银行行长: the person who takes the post (甲乙) holds it too."""
    text = doc.norm
    m = _SUCCEEDS.search(text, max(0, person.start - 6), person.start)
    if m is None:
        return None
    people = [x for x in mentions_between(doc, max(0, m.start() - 4), m.start()) if x.cls == "Person"]
    return people[-1] if people and people[-1].end == m.start() else None


def _second_post(doc: Document, person: Mention, orgs: list[Mention], regex: re.Pattern) -> Relation | None:
    """某市委常委、某部部长张三: the organization of the first post of the chain too."""
    if len(orgs) < 2:
        return None
    between = doc.norm[orgs[-2].end:orgs[-1].start].rstrip("、,")
    chain = regex.search(between) if between else None
    if chain is None or chain.start() != 0 or not doc.norm[orgs[-2].end:orgs[-1].start].endswith(("、", ",")):
        return None
    return _rel(doc, person, orgs[-2], 0.7)


def works_for(doc: Document, res: Resources, subjects: Subjects) -> list[Relation]:
    """worksFor for every person: by the title before the name, or by the verb after it."""
    out = []
    regex = _title_regex(res)
    for person in (m for m in doc.mentions if m.cls == "Person"):
        window = doc.norm[max(0, person.start - 40):person.start]
        chain = regex.search(window)
        found: list[Relation] = []
        if chain is not None and chain.group().strip("的"):
            found = _before_title(doc, person, person.start - len(window) + chain.start(), subjects)
        if chain is not None and found:
            cs = clause_start(doc.norm, person.start)
            orgs = [m for m in mentions_between(doc, cs, found[0].object.end) if is_org(m)]
            second = _second_post(doc, person, orgs, regex) if orgs and orgs[-1] is found[0].object else None
            found += [second] if second else []
        for after in (_after_verb(doc, person), _appointed(doc, person, regex, subjects), _from_org(doc, person),
                      _apposition(doc, person, res), _former_post(doc, person)):
            if after is not None and all(r.object.span != after.object.span for r in found):
                found.append(after)
                successor = _successor(doc, person)
                if successor is not None:
                    found.append(Relation(successor, "worksFor", after.object, after.sentence, NAME, 0.7))
        out += found
    return out
