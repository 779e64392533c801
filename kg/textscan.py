"""Regexes that scan whole texts fast: a lookahead on the characters a match can start with.

Python's ``re`` finds a pattern that opens with a literal quickly, but a pattern that opens with
an alternation of words (研发|打造|推出…) or an optional group is tried at every position of
the text. :func:`scanning` puts a one-character class of every possible first character in front
(``(?=[研打推…])``), which the engine checks with a fast scan: the same matches, found several
times faster. When the first characters cannot be listed (a ``.``, a negated class, a group
that may match nothing at the start), the pattern is compiled as it is.
"""
from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as C, _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

#: The first-character class is given up on past this many items.
MAX_FIRSTS = 400
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


#: classes a first character may be given by, as written inside a character class
_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_WORD: r"\w", C.CATEGORY_SPACE: r"\s"}


class _Unknown(Exception):
    """The pattern can start with a character that cannot be listed."""


def _firsts(items) -> tuple[set[str], bool]:
    """(characters a match of the sequence ``items`` can start with, whether it can match empty)."""
    out: set[str] = set()
    for op, av in items:
        if op in (C.ASSERT, C.ASSERT_NOT, C.AT):
            continue  # zero-width: the next item consumes the first character
        if op == C.LITERAL:
            return out | {re.escape(chr(av))}, False
        if op == C.IN:
            chars = set()
            for kind, value in av:
                if kind == C.LITERAL:
                    chars.add(re.escape(chr(value)))
                elif kind == C.RANGE:
                    chars.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
                elif kind == C.CATEGORY and value in _CATEGORIES:
                    chars.add(_CATEGORIES[value])
                else:
                    raise _Unknown  # a negated class, …
            return out | chars, False
        if op == C.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                raise _Unknown  # (?i:…): the class would miss the other case
            chars, empty = _firsts(av[-1])
        elif op == C.BRANCH:
            chars, empty = set(), False
            for branch in av[1]:
                c, e = _firsts(branch)
                chars |= c
                empty = empty or e
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            chars, empty = _firsts(av[2])
            empty = empty or av[0] == 0
        else:
            raise _Unknown  # ANY, NOT_LITERAL, GROUPREF, …
        out |= chars
        if not empty:
            return out, False
    return out, True


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """What a match of ``pattern`` can start with, as the items of a character class (escaped
    characters, ranges, ``\\d``), or None when that cannot be listed."""
    try:
        parsed = P.parse(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return None  # (?i)…: the class would miss the other case
        chars, empty = _firsts(parsed)
    except _Unknown:
        return None
    return None if empty or not chars or len(chars) > MAX_FIRSTS else frozenset(chars)


def scanning(pattern: str | re.Pattern, flags: int = 0) -> re.Pattern:
    """``pattern`` compiled with a lookahead on its first characters (same matches, same groups)."""
    if isinstance(pattern, re.Pattern):
        pattern, flags = pattern.pattern, pattern.flags
    chars = first_chars(pattern, flags & ~re.UNICODE)
    if chars is None or flags & re.IGNORECASE or _GLOBAL_FLAGS.match(pattern):
        return re.compile(pattern, flags)  # ((?i)… must stay at the start of the expression)
    klass = "".join(sorted(chars))
    return re.compile(f"(?=[{klass}])(?:{pattern})", flags)


def ending_in(pattern: re.Pattern, anchor: re.Pattern, reach: int, text: str):
    """``pattern.finditer(text)`` for a pattern whose every match ends with a match of ``anchor``
    and starts at most ``reach`` characters before that end, with no lookahead past its end:
    only the text just before each anchor is scanned (the same matches, in the same order)."""
    pos = 0
    for a in anchor.finditer(text):
        for m in pattern.finditer(text, max(pos, a.end() - reach), a.end()):
            yield m
            pos = m.end()
