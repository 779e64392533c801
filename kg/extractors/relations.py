"""Relations from trigger words, with the subject carried over when the text leaves it out.

For each trigger (研发 打造 → develops, 通过…测评 → certifiedBy, 与…合作 → cooperatesWith, …)
the subject is the organization named earlier in the clause, or the one the discourse is
about (:mod:`kg.extractors.discourse`); the objects are the mentions after the trigger in the
same clause whose class fits the property's range. ``regulates`` (penalties, approvals) is
read by :mod:`kg.extractors.penalties`.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from kg.extractors.base import Resources, fitting_relation, mentions_between
from kg.extractors.discourse import Subjects, clause_end, clause_start, subjects_of
from kg.extractors.relations_deals import propose_deals
from kg.extractors.relations_lists import propose_lists
from kg.extractors.relations_people import works_for
from kg.extractors.quoted import SERIES_MEMBERS
from kg.extractors.relations_structure import branches, subsidiaries
from kg.ontology import RELATIONS, fits, is_a
from kg.types import Document, Mention, Relation, Span
from kg.textscan import scanning

NAME = "relations@1"

#: (trigger regex, property, how many objects: "all" fitting mentions or the "first").
TRIGGERS: tuple[tuple[str, str, str], ...] = (
    (r"自主研发|创新研发|研发|打造|推出|建成|构建|搭建|上线|投产|发布|释出|开发|首创|推广|形成了|先后推出|陆续推出|拥有|建有|设有|升级|迭代|焕新",
     "develops", "all"),
    (r"运用|(?<!手机)应用(?!程序|程式|软件|商店|市场|场景)|基于|采用|利用|融合|引入|依托", "usesTechnology", "all"),
    (r"发起设立|成立|设立|组建|创办|创立|筹建|新设", "establishes", "all"),
    (r"(?:拟收购|收购|并购|兼并)(?!要约|价|案|方|标的|计划|协议|事项|资金)", "acquires", "all"),
    (r"(?:战略投资|投资|入股|注资|增资|增持|持股|参股)(?!方|者|人|额|机构|公司|银行|基金|项目|收益|规模|价值|比例|平台|建设)",
     "invests", "all"),
    (r"总部位于|总部设在|总部设于|总部在|坐落于|位于|落户|注册地为|注册地在|注册地位于|注册于", "locatedIn", "first"),
)
_TRIGGER = scanning(re.compile("|".join(f"(?P<t{i}>{p})" for i, (p, _, _) in enumerate(TRIGGERS))))
_COOPERATE = re.compile(r"(?:与|和|同|携手|联合)(?P<body>(?:(?!与|和|同)[^,;:。!?\n]){2,60}?)"
                        r"(?:签署|签订|签约|达成|开展|建立|展开|深化|共建|合作|战略合作|联合)(?!竞争|较量|角逐|诉讼|价格战|争夺)")
_JOIN = re.compile(r"(?:携手|联合|牵手|联手)(?!成立|设立|发起|组建|创立|推出|打造|研发|开发|共建)(?P<body>[^,;:。!?\n]{2,30}?)(?=[,;:。!?\n]|在|共同|开展|推出|打造)")
#: 兴远基金由星河证券全资设立, 数字人民币App由数研所开发: the doer comes after 由.
_PASSIVE = re.compile(r"(?P<by>由)(?P<body>[^,;:。!?\n]{2,40}?)(?:全资|控股|出资|发起|牵头|会同有关部门|联合|自主)?"
                      r"(?P<verb>设立|成立|组建|开发|研发|推出|打造|发布|收购)(?P<of>的)?")
#: X是Y推出的…: Y made X (Y alone between 是 and the verb)
_MADE_BY = re.compile(r"(?P<by>是)(?P<body>[^,;:。!?\n由经]{2,20}?)(?:全资|控股|出资|发起|联合|自主)?"
                      r"(?P<verb>设立|成立|组建|开发|研发|推出|打造|发布)(?P<of>的)")
_PASSIVE_PROPS = {"设立": "establishes", "成立": "establishes", "组建": "establishes", "开发": "develops",
                  "研发": "develops", "推出": "develops", "打造": "develops", "发布": "develops",
                  "收购": "acquires"}
_CERTIFY = re.compile(r"通过(?P<body>[^,;:。!?\n]{2,60}?)(?:测评|认证|评估|检测|验收|评测|测试|审核)")
_SERVE = re.compile(r"为(?P<body>[^,;:。!?\n]{2,40}?)提供")


class _Finder:
    """Mentions of a document by position (the pipeline keeps them sorted and non-overlapping)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.mentions = doc.mentions

    def inside(self, pos: int) -> bool:
        """True when ``pos`` lies inside a mention (a trigger in 另类资产投资部 is part of a name)."""
        starts = self.doc.__dict__.get("_mention_starts")
        if starts is None or self.doc.__dict__.get("_mention_list") is not self.mentions:
            mentions_between(self.doc, 0, 0)
            starts = self.doc.__dict__["_mention_starts"]
        i = bisect_right(starts, pos) - 1
        return i >= 0 and self.mentions[i].start < pos < self.mentions[i].end or \
            (i >= 0 and self.mentions[i].start == pos and i > 0 and self.mentions[i - 1].end > pos)

    def between(self, start: int, end: int) -> list[Mention]:
        return mentions_between(self.doc, start, end)

    def ending_at(self, end: int, slack: int = 0) -> Mention | None:
        """The mention that ends at ``end`` (or up to ``slack`` characters before it)."""
        found = [m for m in mentions_between(self.doc, max(0, end - slack - 64), end) if m.end >= end - slack]
        return found[-1] if found else None


_APPROVED = re.compile(r"(?:核准|批准|同意|获准|获批)$")
_DOER_GAP = re.compile(r"(?:已|所|还|也|曾|将|自主|独立|率先|首先)?")
_COORDINATED = re.compile(r"与|和|及|、|同|联合|携手|联手|共同|会同|牵头|旗下|子公司|下属|批复|批准|同意|核准")
_APPROVED_ANY = re.compile(r"核准|批准|批复|同意|支持|允许|要求|责令")
_QUALITY = re.compile(r"(?:性|性能|能力|水平|效率)$")
#: 国内三大运营商, 多家银行: a count of things, not one named organization
_GENERIC = re.compile(r"^(?:国内|国际|全球|海外)?[一二三四五六七八九十两几多数]+(?:大|家|个|类)")
#: what may stand between a subject and 位于 in its clause (其总部位于, 公司目前位于)
_ASIDE = re.compile(r"\([^()]*\)|（[^（）]*）")  # 某银行（以下简称“某行”）总部位于…
_LOCATED_LEAD = re.compile(r"^(?:的)?(?:其|该行|该公司|公司|总部|总行|总公司|注册地|办公地|目前|现|现已|已|则|均|都|也|亦|同样|正式)*"
                           r"(?:(?:是|为|系)(?:一家|一所|一个)?)?$")  # 甲银行是一家总部设在杭州的城商行


def _relation(doc, s, p, o, pos, confidence) -> Relation | None:
    rel = fitting_relation(doc, s, p, o, pos, confidence, NAME)
    if rel is None:
        return None
    if _GENERIC.match(o.canonical or o.text) or _GENERIC.match(s.canonical or s.text):
        return None
    if p == "usesTechnology" and _QUALITY.search(o.canonical or o.text):
        return None  # 服务可用性, 网络接入性能: qualities measured, not technologies used
    if min(s.start, o.start) < rel.sentence.start and _is_heading(doc, rel.sentence):
        return None  # a heading has no subject of its own: nothing carries over into it
    return rel


def _is_heading(doc: Document, sentence: Span) -> bool:
    return len(sentence) <= 40 and doc.norm[sentence.end - 1] not in "。!?;！？；"


def _triggered(doc: Document, finder: _Finder, subjects: Subjects) -> list[Relation]:
    out, text = [], doc.norm
    for m in _TRIGGER.finditer(text):
        index = int(m.lastgroup[1:])
        _, prop, how = TRIGGERS[index]
        if finder.inside(m.start()) or finder.inside(m.end() - 1):
            continue
        subject, explicit = subjects.explicit(doc, m.start())
        if explicit and subject.cls == "GovernmentAgency" and prop != "locatedIn":
            applicant = [o for o in finder.between(subject.end, m.start()) if is_a(o.cls, "Organization")
                         and o.cls != "GovernmentAgency"]
            if applicant and _APPROVED_ANY.search(text, subject.end, applicant[-1].start):
                subject = applicant[-1]  # 监管局批复同意某银行设立X: the bank establishes X
        near = finder.ending_at(m.start(), slack=2) if explicit and prop != "locatedIn" else None
        if near is not None and near.start > subject.end and is_a(near.cls, "Organization") and \
                _DOER_GAP.fullmatch(text, near.end, m.start()) and \
                near.cls != "GovernmentAgency" and not _COORDINATED.search(text, subject.end, near.start):
            subject = near  # 招商银行是某公司推出的X平台的用户: the company made it
        if prop == "establishes" and _APPROVED.search(text, max(0, m.start() - 4), m.start()) and \
                (subject is None or subject.cls == "GovernmentAgency"):
            continue  # 证监会核准设立X: the agency approves, it does not establish (某银行获批筹建X does)
        end = clause_end(text, m.end())
        nxt = _TRIGGER.search(text, m.end(), end)
        objects = [o for o in finder.between(m.end(), nxt.start() if nxt else end)
                   if fits(o.cls, RELATIONS[prop][1])
                   and not (nxt is not None and o.end == nxt.start())]  # 雅虎持股…: the next subject
        doer = _relative_subject(doc, finder, objects[-1]) if objects else None
        if doer is not None:  # 发布了新品的某公司, 位于杭州的某公司: the doer follows the object
            subject, explicit = doer, True
        elif prop == "locatedIn" and not _located_lead(text, subject, explicit, m.start()):
            continue  # 项目位于某地: the clause has a subject of its own
        for obj in objects[:1] if how == "first" else objects:
            rel = _relation(doc, subject, prop, obj, m.start(), 0.8 if explicit else 0.65)
            if rel:
                out.append(rel)
                if prop == "establishes" and obj.cls == "OrganizationUnit":
                    out.append(Relation(obj, "subOrganizationOf", subject, rel.sentence, NAME, 0.7))
    return out


def _relative_subject(doc: Document, finder: _Finder, obj: Mention) -> Mention | None:
    """The organization a relative clause ending at ``obj`` describes: 位于杭州的某公司."""
    if doc.norm[obj.end:obj.end + 1] != "的":
        return None
    nxt = next(iter(finder.between(obj.end + 1, obj.end + 40)), None)
    return nxt if nxt is not None and nxt.start == obj.end + 1 and is_a(nxt.cls, "Organization") else None


def _located_lead(text: str, subject: Mention | None, explicit: bool, pos: int) -> bool:
    """True when nothing but the subject (or 其, 总部…) stands before 位于 in its clause."""
    start = subject.end if subject is not None and explicit else clause_start(text, pos)
    return bool(_LOCATED_LEAD.match(_ASIDE.sub("", text[start:pos]).strip()))


def _pattern(doc, finder, subjects, regex, prop, *, subject_from=None) -> list[Relation]:
    out = []
    for m in regex.finditer(doc.norm):
        subject = subject_from(m) if subject_from else subjects.explicit(doc, m.start())[0]
        for obj in finder.between(m.start("body"), m.end("body")):
            rel = _relation(doc, subject, prop, obj, m.start(), 0.75)
            if rel:
                out.append(rel)
    return out


_ANAPHOR = re.compile(r"(?:该|此|这一|这款|这个)(?:平台|产品|系统|系列|应用|App|APP)")


def _last_product(finder: _Finder, doc: Document, pos: int) -> Mention | None:
    """The product the sentence is about: named earlier in it, or referred to as 该平台/该产品."""
    sentence = doc.sentence_of(pos)
    products = [m for m in finder.between(sentence.start, pos) if is_a(m.cls, "Product")]
    if not products and _ANAPHOR.search(doc.norm, sentence.start, pos):
        products = [m for m in finder.between(0, sentence.start) if is_a(m.cls, "Product")]
    return products[-1] if products else None


def _passive(doc: Document, finder: _Finder) -> list[Relation]:
    """X由Y设立/开发: Y establishes or develops X, X being the clause's first mention."""
    out = []
    for m in [*_PASSIVE.finditer(doc.norm), *_MADE_BY.finditer(doc.norm)]:
        topic = finder.between(clause_start(doc.norm, m.start()), m.start())
        doers = [x for x in finder.between(m.start("body"), m.end("body")) if is_a(x.cls, "Organization")]
        if not topic and m.group("of"):  # 由某银行打造的X平台正式上线: X follows
            topic = [x for x in finder.between(m.end(), m.end() + 30)
                     if doc.norm[m.end():x.start] in ("", "“", "\"", "「", "《")][:1]
        if not topic or not doers:
            continue
        prop = _PASSIVE_PROPS[m.group("verb")]
        listed = doers[:1]  # 由A、B和C共同发起设立: each listed organization
        for x in doers[1:]:
            if doc.norm[listed[-1].end:x.start] not in ("、", "和", "及", "与", "以及"):
                break
            listed.append(x)
        for doer in listed:
            rel = _relation(doc, doer, prop, topic[0], m.start(), 0.75)
            out += [rel] if rel else []
        if prop == "establishes" and ("全资" in m.group() or "控股" in m.group()):
            rel = _relation(doc, topic[0], "subsidiaryOf", doers[0], m.start(), 0.7)
            out += [rel] if rel else []
    return out


def _adjacent(doc: Document, finder: _Finder) -> list[Relation]:
    """Relations read from mentions that touch: 工商银行金融科技研究院, 区块链平台“工银玺链”."""
    out, ms = [], finder.mentions
    for left, right in zip(ms, ms[1:]):
        gap = doc.norm[left.end:right.start]
        if right.cls in ("OrganizationUnit",) and is_a(left.cls, "Organization") and gap in ("", "的"):
            rel = _relation(doc, right, "subOrganizationOf", left, right.start, 0.7)
            out += [rel] if rel else []
        if right.cls == "Technology" and is_a(left.cls, "Organization") and gap == "的" and \
                (right.text.endswith("技术") or doc.norm.startswith("技术", right.end)):  # 某公司的人脸识别技术
            rel = _relation(doc, left, "usesTechnology", right, right.start, 0.7)
            out += [rel] if rel else []
        if left.cls == "Technology" and is_a(right.cls, "Product") and \
                re.fullmatch(r"(?:技术)?(?:平台|系统|链|应用)?[“\"「]?", gap) and gap:
            rel = _relation(doc, right, "usesTechnology", left, right.start, 0.75)
            out += [rel] if rel else []
        if is_a(left.cls, "Organization") and left.cls != "GovernmentAgency" and is_a(right.cls, "Product") \
                and _OWNED_GAP.fullmatch(gap) and (_LAUNCHED.match(doc.norm, right.end)
                                                   or gap.endswith(("“", '"', "「")) and _APP.match(doc.norm, right.end)):
            rel = _relation(doc, left, "develops", right, right.start, 0.75)  # 某银行的“某某”App正式上线
            out += [rel] if rel else []
    return out


#: between an organization and its product: nothing, 的, an opening quote (某银行“某某”, 某银行的某某)
_OWNED_GAP = re.compile(r"(?:的|[|:])?[“\"「]?")
#: after the product: its kind, then a launch (“某某”App正式上线, “某某”平台完成升级)
_LAUNCHED = re.compile(r"[”\"」]?(?:平台|系统|App|APP|app|小程序|客户端|产品|服务)?(?:已|已经|于[^,;:。!?\n]{1,12}?)?"
                       r"(?:正式|成功|全新|全面|顺利)?(?:上线|发布|释出|推出|亮相|面世|投产|落地|完成升级|升级|迭代|焕新)")
#: a quoted name and an app's kind after it: 某证券的“某某”App (the firm's app, launched or not)
_APP = re.compile(r"[”\"」](?:App|APP|app|小程序|客户端|手机银行)")


#: between a series' members (quoted.SERIES_MEMBERS says where they start): quotes and list marks
_ITEM_GAP = re.compile(r"[“”\"「」\s、和及与]*")


def _series(doc: Document) -> list[Relation]:
    """Products whose name starts with a series' name are members of it (融安e信 in 融安e系列)."""
    out = []
    series = [m for m in doc.mentions if m.cls == "ProductSeries"]
    for s in series:
        members = SERIES_MEMBERS.match(doc.norm, s.end)
        pos = members.end() if members else len(doc.norm)
        for m in mentions_between(doc, pos, doc.sentence_of(s.start).end):  # 甲系列产品，包括“乙”、“丙”和“丁”
            if not is_a(m.cls, "Product") or m.cls == "ProductSeries" or not _ITEM_GAP.fullmatch(doc.norm, pos, m.start):
                break
            out.append(Relation(m, "memberOf", s, doc.sentence_of(m.start), NAME, 0.75))
            pos = m.end
        base = (s.canonical or s.text).removesuffix("系列")
        if len(base) < 2:
            continue
        for m in doc.mentions:
            name = m.canonical or m.text
            if is_a(m.cls, "Product") and m.cls != "ProductSeries" and name.startswith(base) \
                    and name != base:
                out.append(Relation(m, "memberOf", s, doc.sentence_of(m.start), NAME, 0.8))
    return out


def _job_titles(doc: Document, finder: _Finder, res: Resources) -> None:
    """Job titles written just before a person's name: 中国工商银行首席技术官吕仲涛."""
    titles = res.lexicon.titles
    for person in (m for m in finder.mentions if m.cls == "Person"):
        before = doc.norm[max(0, person.start - 12):person.start]
        title = next((t for t in titles if before.endswith(t)), None)
        if title is not None:
            doc.attributes.append((person, "jobTitle", res.lexicon.title_name(title)))


#: Verbs after which a technology in the same clause is one the subject uses.
_USE_VERBS = re.compile(r"研发|打造|构建|建成|搭建|升级|应用|运用|采用|利用|依托|基于|探索|加强|深化|推动|部署|引入|融合|布局|攻关|"
                        r"围绕|跟踪|聚焦|选择|借助|结合|引领|赋能")
_PARENT = re.compile(r"依托|旗下|下属|所属|内设")


def _technologies(doc: Document, finder: _Finder, subjects: Subjects) -> list[Relation]:
    """usesTechnology: a technology after a use verb in its clause, or inside a product's name."""
    out = []
    techs = [m for m in finder.mentions if m.cls == "Technology"]
    for tech in techs:
        sentence = doc.sentence_of(tech.start)
        if _USE_VERBS.search(doc.norm, sentence.start, sentence.end):
            subject = subjects.at(tech.start)
            later = subjects.at(sentence.end - 1)  # 围绕人工智能…, 工行研发…: named after the technology
            if later is not None and later.start >= sentence.start:
                subject = later
            rel = _relation(doc, subject, "usesTechnology", tech, tech.start, 0.6)
            out += [rel] if rel else []
    names = {(t.canonical or t.text): t for t in techs}
    for product in (m for m in finder.mentions if is_a(m.cls, "Product")):
        for name, tech in names.items():
            if name in (product.canonical or product.text) and len(name) >= 2:
                rel = _relation(doc, product, "usesTechnology", tech, product.start, 0.6)
                out += [rel] if rel else []
    return out


def _units(doc: Document, finder: _Finder, subjects: Subjects) -> list[Relation]:
    """subOrganizationOf: 工商银行依托金融科技研究院 (a unit the subject relies on or owns)."""
    out = []
    for m in _PARENT.finditer(doc.norm):
        unit = next(iter(finder.between(m.end(), m.end() + 12)), None)
        if unit is not None and unit.start == m.end() and unit.extractor != "gazetteer@1" \
                and unit.cls in ("OrganizationUnit", "ResearchInstitute"):
            rel = _relation(doc, unit, "subOrganizationOf", subjects.at(m.start()), m.start(), 0.65)
            out += [rel] if rel else []
    return out


def propose(doc: Document, res: Resources) -> list[Relation]:
    """All relations the triggers and patterns give for one document."""
    finder, subjects = _Finder(doc), subjects_of(doc)
    out = _triggered(doc, finder, subjects)
    out += _pattern(doc, finder, subjects, _COOPERATE, "cooperatesWith")
    out += _pattern(doc, finder, subjects, _JOIN, "cooperatesWith")
    out += _pattern(doc, finder, subjects, _SERVE, "serves")
    out += _pattern(doc, finder, subjects, _CERTIFY, "certifiedBy",
                    subject_from=lambda m: _last_product(finder, doc, m.start())
                    or subjects.explicit(doc, m.start())[0])
    out += subsidiaries(doc, subjects) + branches(doc) + _adjacent(doc, finder) + _series(doc)
    _job_titles(doc, finder, res)
    out += works_for(doc, res, subjects) + _technologies(doc, finder, subjects)
    out += propose_deals(doc, subjects) + propose_lists(doc, subjects)
    out += _units(doc, finder, subjects) + _passive(doc, finder)
    return out
