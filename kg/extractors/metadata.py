"""Article metadata and the media a text names: 作者, 本文来源:《…》, the date and the title;
the sources of reports (据X报道, X记者NAME, 来源:X, X网讯, 《X》 of a newspaper or magazine).

The extractor is pure: it reads the document and proposes mentions for the author (Person) and
the publication (Publication), :class:`~kg.types.MetaField` values (author, publication, date,
title as text) and :class:`~kg.types.Link` s from the article to those mentions; the resolve
step (:func:`kg.resolve.apply_facts`) records them, and JSONL fields given by the user win.
A publication or reporter named at the top of the text (a byline) is the article's
``publishedIn`` / ``author``; one named further down is only a mention.
"""
from __future__ import annotations

import re

from kg.extractors.base import CJK, Resources, is_cjk, mention
from kg.extractors.people import looks_like_name
from kg.types import Document, Link, Mention, MetaField, Span
from kg.textscan import ending_in

NAME = "metadata@1"
AUTHOR = re.compile(f"(?:作者|文|撰文|记者)[ \\t]*[:|/][ \\t]*([{CJK}A-Za-z· \\t]{{2,40}})")
SOURCE = re.compile(r"(?:本文来源|文章来源|来源|原载|刊载于|刊发于|转载自)\s*[:]?\s*《([^》\n]{2,30})》")
DATE = re.compile(r"(20\d{2}|19\d{2})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?")
HEAD = 600  # the date and author are looked for near the top
BYLINE = 160  # a publication or reporter named this close to the top is the article's own

#: Endings of the names of news media (a class of words, not a list of names).
MEDIA_END = "(?:日报|晚报|早报|时报|商报|周报|周刊|杂志|画报|新闻网|新闻|财经网|财经|网|报|社|电视台|广播电台|频道|在线|观察)"
_NAME_RUN = f"[{CJK}A-Za-z0-9]"
#: 钜亨网记者 陈于晴, 新华社记者王敏, 本刊记者 (a medium directly before 记者, opening a clause).
REPORTER = re.compile(f"(?:^|(?<=[\\s,.:;!?()\\[\\]“”\"'、。，：；！？（）]))({_NAME_RUN}{{1,10}}?{MEDIA_END})"
                      f"(?:驻{_NAME_RUN}{{1,4}}?)?记者[ \\t]*([{CJK}]{{2,3}})?")
#: (记者 赵强), 记者 张三: a reporter named with no medium before the word.
REPORTER_ONLY = re.compile(f"(?<![{CJK}])(?:记者|通讯员|实习生|特约撰稿人)[ \\t]+([{CJK}]{{2,3}})(?![{CJK}])")
#: 据X报道 / 据X消息 / 据X援引: X is the source of a report.
REPORTED = re.compile(f"据({_NAME_RUN}{{2,12}}?{MEDIA_END})(?=报道|消息|援引|统计|获悉|了解|记者|披露|调查|梳理|不完全统计)")
#: 来源:X (a plain name up to the end of the line or a space).
FROM = re.compile(f"(?:来源|出处|稿源)\\s*:\\s*({_NAME_RUN}{{2,14}})(?=[\\s,;。|]|$)")
#: 中国证券网讯: a news wire's dateline.
WIRE = re.compile(f"({_NAME_RUN}{{1,10}}?(?:网|社|报|新闻|财经))讯")
#: what every WIRE match ends with, at most 13 characters after its start: the scan starts from it
_WIRE_END = re.compile("(?:网|社|报|新闻|财经)讯")
#: 《X》 naming a newspaper or magazine: by its ending, or by what follows it (杂志, 记者, 报道).
TITLED = re.compile(f"《([^》\\n]{{2,20}})》(杂志|记者|报道|援引|消息|刊文|刊发|发文|评论员)?")
#: The paper or site that writes (本报, 该刊): never another medium's name, even in 《》.
SELF_MEDIA = frozenset("本报 本刊 该报 该刊 此报 本网 该网 本社".split())
NOT_MEDIA = SELF_MEDIA | frozenset("记者 报 网 社 财经 新闻 官网 全网 联网 上网".split())


def _date(text: str) -> tuple[str, int] | None:
    for m in DATE.finditer(text[:HEAD]):
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}", m.start()
    return None


def _title(text: str) -> str | None:
    for line in text[:HEAD].splitlines():
        line = line.strip()
        if 6 <= len(line) <= 50 and ">" not in line and not DATE.search(line) \
                and not line.startswith(("作者", "来源", "分享")) and line[-1] not in "。:!?":
            return line
    return None


class _Found:
    """What the extractor has found so far in one document: the first value of each metadata
    field, and the article's links (proposed at the end, never written into the document)."""

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.links: dict[str, Span] = {}

    def facts(self) -> list:
        return [MetaField(k, v, NAME) for k, v in self.meta.items()] + \
            [Link(k, span, NAME) for k, span in self.links.items()]


def _author(doc: Document, res: Resources, state: _Found) -> list[Mention]:
    m = AUTHOR.search(doc.norm[:HEAD])
    if not m:
        return []
    # 作者:本报记者 王敏 -> the last word of the line; 作者:中国工商银行首席技术官吕仲涛 -> all of it
    words = m.group(1).split()
    if not words:
        return []
    value = words[-1]
    start = m.start(1) + len(m.group(1).rstrip()) - len(value)
    # the name is at the end: 中国工商银行首席技术官吕仲涛 -> 吕仲涛
    for length in (3, 2, 4):
        name = value[-length:]
        if len(name) == length and looks_like_name(name):
            state.meta.setdefault("author", name)
            end = start + len(value)
            state.links["author"] = Span(end - length, end)
            return [mention(doc, end - length, end, "Person", NAME, 0.9)]
    return []


def _trim_known(text: str, start: int, end: int, res: Resources) -> int:
    """Where a medium's name starts: after a lexicon publication glued before it (上证报中国证券网)."""
    for s0, e0, entry in res.lexicon.find(text[start:end]):
        if s0 == 0 and entry.cls == "Publication" and end - (start + e0) >= 3:
            return start + e0
    return start


def _publication(doc: Document, found: list, start: int, end: int, state: _Found, byline: bool,
                 titled: bool = False) -> bool:
    """Add a Publication mention over ``[start, end)``; at the top of the text it is the article's.
    ``titled``: written as 《X》杂志, so even a common word (《财经》) is the title."""
    name = doc.norm[start:end]
    if name in (SELF_MEDIA if titled else NOT_MEDIA) or len(name) < 2 or name.isdigit():
        return False
    found.append(mention(doc, start, end, "Publication", NAME, 0.8))
    if byline and "publishedIn" not in state.links and start < BYLINE:
        state.links["publishedIn"] = Span(start, end)
        state.meta.setdefault("source", name)
    return True


def _media(doc: Document, res: Resources, state: _Found) -> list[Mention]:
    """Publications named as the source of a report, and reporters named after them."""
    text, found = doc.norm, []
    names = []
    for m in REPORTER.finditer(text) if "记者" in text else ():  # (the scan is slow)
        start = _trim_known(text, m.start(1), m.end(1), res)
        _publication(doc, found, start, m.end(1), state, True)
        if m.group(2):
            names.append(m.start(2))
    names += [m.start(1) for m in REPORTER_ONLY.finditer(text)]
    for name_start in sorted(set(names)):
        for length in (3, 2):
            name = text[name_start:name_start + length]
            if len(name) == length and looks_like_name(name) and is_cjk(name[-1]):
                found.append(mention(doc, name_start, name_start + length, "Person", NAME, 0.8))
                if "author" not in state.links and name_start < BYLINE:
                    state.links["author"] = Span(name_start, name_start + length)
                    state.meta.setdefault("author", name)
                break
    for pattern, byline in ((REPORTED, False), (FROM, True), (WIRE, True)):
        for m in ending_in(WIRE, _WIRE_END, 13, text) if pattern is WIRE else pattern.finditer(text):
            start = _trim_known(text, m.start(1), m.end(1), res) if pattern is WIRE else m.start(1)
            if pattern is FROM and not re.search(MEDIA_END + "$", m.group(1)) \
                    and res.lexicon.by_surface.get(m.group(1)) is None and len(m.group(1)) > 8:
                continue
            _publication(doc, found, start, m.end(1), state, byline)
    for m in TITLED.finditer(text):
        if m.group(2) or re.search(MEDIA_END + "$", m.group(1)):
            _publication(doc, found, m.start(1), m.end(1), state, False, titled=m.group(2) is not None)
    return found


def propose(doc: Document, res: Resources) -> list:
    """Author and publication mentions, and the metadata and links they give (proposals only)."""
    state = _Found()
    found = _author(doc, res, state)
    src = SOURCE.search(doc.norm)
    if src:
        state.meta.setdefault("source", src.group(1))
        state.links["publishedIn"] = Span(src.start(1), src.end(1))
        found.append(mention(doc, src.start(1), src.end(1), "Publication", NAME, 0.9))
    found += _media(doc, res, state)
    date = _date(doc.norm)
    if date:
        state.meta.setdefault("date", date[0])
    title = _title(doc.text)
    if title:
        state.meta.setdefault("title", title)
    return found + state.facts()
