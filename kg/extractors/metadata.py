"""Article metadata: 作者, 本文来源:《…》, the date and the title.

Findings go into ``doc.meta`` (author, publication, date, title as text) and mentions for
the author (Person) and the publication (Publication); JSONL fields given by the user win.
"""
from __future__ import annotations

import re

from kg.extractors.base import CJK, Resources, mention
from kg.extractors.people import looks_like_name
from kg.types import Document, Mention, Span

NAME = "metadata@1"
AUTHOR = re.compile(f"(?:作者|文|撰文|记者)[ \\t]*[:|][ \\t]*([{CJK}A-Za-z· \\t]{{2,40}})")
SOURCE = re.compile(r"(?:本文来源|文章来源|来源|原载|刊载于|刊发于|转载自)\s*[:]?\s*《([^》\n]{2,30})》")
DATE = re.compile(r"(20\d{2}|19\d{2})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?")
HEAD = 600  # the date and author are looked for near the top


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


def _author(doc: Document, res: Resources) -> list[Mention]:
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
            doc.meta.setdefault("author", name)
            end = start + len(value)
            doc.links["author"] = Span(end - length, end)
            return [mention(doc, end - length, end, "Person", NAME, 0.9)]
    return []


def propose(doc: Document, res: Resources) -> list[Mention]:
    """Author and publication mentions; date, title and names recorded in ``doc.meta``."""
    found = _author(doc, res)
    src = SOURCE.search(doc.norm)
    if src:
        doc.meta.setdefault("source", src.group(1))
        doc.links["publishedIn"] = Span(src.start(1), src.end(1))
        found.append(mention(doc, src.start(1), src.end(1), "Publication", NAME, 0.9))
    date = _date(doc.norm)
    if date:
        doc.meta.setdefault("date", date[0])
    title = _title(doc.text)
    if title:
        doc.meta.setdefault("title", title)
    return found
