"""The curated lexicon (``ontology/lexicon/*.tsv``) and a matcher over raw text.

Matching runs on the normalized text with an Aho–Corasick automaton, so names that mix
scripts (e抵快贷, 工银兴农通App) are found even where jieba would split them; a match is
kept only when it starts and ends on word boundaries (金融安全 does not contain 融安).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import ahocorasick

from kg.errors import KGError
from kg.ontology import ENTITY_CLASSES, ONTOLOGY_DIR

JOB_TITLE = "JobTitle"
COLUMNS = ("name", "class", "aliases", "en", "wikidata")


@dataclass(frozen=True)
class Entry:
    """One lexicon entity: canonical name, class, aliases, English name, Wikidata ID."""

    name: str
    cls: str
    aliases: tuple[str, ...] = ()
    en: str = ""
    wikidata: str = ""

    @property
    def surfaces(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Lexicon:
    """All entries, indexed by every surface form."""

    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_name = {e.name: e for e in self.entries}
        self.by_surface: dict[str, Entry] = {}
        for entry in self.entries:
            for surface in entry.surfaces:
                self.by_surface.setdefault(surface, entry)
        self.titles = sorted((s for e in self.entries if e.cls == JOB_TITLE for s in e.surfaces),
                             key=len, reverse=True)
        self.title_set = frozenset(self.titles)  # for membership tests
        #: kg.resolve.key_of's answers, by (name, is a platform)
        self.keys: dict[tuple[str, bool], str] = {}
        self._automaton = None

    def entities(self) -> Iterator[Entry]:
        """Entries that are entities (not job titles)."""
        return (e for e in self.entries if e.cls != JOB_TITLE)

    def title_name(self, surface: str) -> str:
        """The canonical job title for a title surface (CTO -> 首席技术官)."""
        entry = self.by_surface.get(surface)
        return entry.name if entry is not None and entry.cls == JOB_TITLE else surface

    @property
    def automaton(self):
        if self._automaton is None:
            auto = ahocorasick.Automaton()
            for surface, entry in self.by_surface.items():
                auto.add_word(surface, (surface, entry))
            auto.make_automaton()
            self._automaton = auto
        return self._automaton

    def find(self, text: str) -> Iterator[tuple[int, int, Entry]]:
        """Every occurrence ``(start, end, entry)`` of a surface in ``text`` (overlaps included)."""
        if not self.by_surface:
            return
        for last, (surface, entry) in self.automaton.iter(text):
            yield last + 1 - len(surface), last + 1, entry


def _read_tsv(path: Path) -> Iterator[Entry]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = set(COLUMNS[:2]) - set(reader.fieldnames or ())
        if missing:
            raise KGError(f"{path}: lexicon header lacks {', '.join(sorted(missing))}",
                          hint=f"the columns are {' '.join(COLUMNS)}")
        for lineno, row in enumerate(reader, start=2):
            name, cls = (row.get("name") or "").strip(), (row.get("class") or "").strip()
            if not name:
                continue
            if cls not in ENTITY_CLASSES and cls != JOB_TITLE:
                raise KGError(f"{path}:{lineno}: unknown class {cls!r}",
                              hint=f"use one of {', '.join(ENTITY_CLASSES)} or {JOB_TITLE}")
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            yield Entry(name, cls, aliases, (row.get("en") or "").strip(),
                        (row.get("wikidata") or "").strip())


def load_lexicon(paths: Iterable[Path] | None = None) -> Lexicon:
    """Load lexicon TSV files (default: every ``ontology/lexicon/*.tsv``), sorted by file name."""
    if paths is None:
        paths = sorted((ONTOLOGY_DIR / "lexicon").glob("*.tsv"))
    entries: list[Entry] = []
    for path in paths:
        entries.extend(_read_tsv(Path(path)))
    return Lexicon(entries)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The project's curated lexicon, loaded once per process."""
    return load_lexicon()
