"""kg.textscan: a lookahead on a pattern's first characters changes no match."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from kg.extractors import metadata, metrics, penalties, relations, relations_deals, relations_lists
from kg.textscan import ending_in, first_chars, scanning


@pytest.mark.parametrize("pattern, firsts", [
    ("研发|打造", {"研", "打"}),
    ("(?:拟收购|收购)(?!要约)", {"拟", "收"}),
    ("(?P<a>运用|(?<!手机)应用)", {"运", "应"}),       # a lookbehind consumes nothing
    ("(?:约|超过)?\\d+", {"约", "超", "\\d"}),         # an optional group, then a digit
    ("[a-c]x|y", {"a-c", "y"}),
    ("(?:甲)*乙", {"甲", "乙"}),                       # a group that may repeat zero times
])
def test_first_chars(pattern, firsts):
    assert first_chars(pattern) == firsts


@pytest.mark.parametrize("pattern", [".x", "[^a]b", "(?:a)?", "x*", "\\Sx", "(?i)ab", "(?i:a)b"])
def test_patterns_whose_start_cannot_be_listed_are_kept(pattern):
    assert first_chars(pattern) is None
    assert scanning(pattern).pattern == pattern


def unwrapped(pattern: re.Pattern) -> re.Pattern:
    """A pattern of the extractors as written, without the lookahead ``scanning`` put in front."""
    text = pattern.pattern
    return re.compile(text[text.index(")(?:") + 4:-1]) if text.startswith("(?=[") else pattern


PATTERNS = [unwrapped(p) for p in (relations._TRIGGER, relations_lists._JOINT, relations_deals._OF, metrics.NUMBER,
                                    penalties.MONEY)] + \
    [re.compile(r"(?:与|和)(?P<body>[^,。]{2,10}?)(?:签署|合作)"), re.compile(r"(?<![a-z])(?:ab|b)c?")]
#: the characters the patterns above are made of, and a few others
ALPHABET = "研发打造推出收购拟要约投资持股增资对的与和签署合作共同设立成立约超过万亿元3.0,，。一二十百abcAB "


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:24])
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=60))
def test_the_same_matches_and_groups(pattern, text):
    fast = scanning(pattern)
    assert [(m.span(), m.groups(), m.lastgroup) for m in fast.finditer(text)] == \
        [(m.span(), m.groups(), m.lastgroup) for m in pattern.finditer(text)]


def test_scanning_a_compiled_pattern_adds_only_a_lookahead():
    fast = scanning(re.compile("研发|打造"))
    assert fast.pattern == "(?=[打研])(?:研发|打造)" and fast.groups == 0


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="新华网社报讯财经闻中国日电记者，。 甲乙a1", max_size=80))
def test_ending_in_finds_what_a_whole_scan_finds(text):
    """X网讯, X社讯: scanning only the 13 characters before each 网讯/社讯/… gives the same matches."""
    assert [(m.span(), m.groups()) for m in ending_in(metadata.WIRE, metadata._WIRE_END, 13, text)] == \
        [(m.span(), m.groups()) for m in metadata.WIRE.finditer(text)]
