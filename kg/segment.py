"""Word segmentation with character offsets: jieba's segmentation, run by jieba-rs.

The tokens are exactly those of ``jieba.Tokenizer.lcut(text, HMM=True)`` with the lexicon's
names added (a lexicon name is one token, and a match inside another word, 融安 in 金融安全,
does not fall on token boundaries), about five times faster: ``rjieba`` (jieba-rs: the same
dictionary, prefix DAG, route and HMM, in Rust) segments the text, and this module makes up
for where jieba-rs and jieba differ:

- the dictionary total: jieba's ``add_word`` adds a word's frequency to the total even when
  the word is already in the dictionary, jieba-rs first subtracts the old one; one unmatchable
  word carries the difference, so every route has the same probabilities;
- runs of letters and digits that the HMM sees (``e-CNY``, ``t.cn``, ``1.26A``): jieba splits
  them with ``finalseg.re_skip``, jieba-rs keeps them whole; they are split here;
- texts with CJK extension or compatibility characters (jieba-rs counts them as Chinese,
  jieba does not) or with a character three times in a row (哈哈哈: the HMM finds equally
  likely segmentations and the two break the tie differently) go to jieba itself.

``split_titles`` then splits the few dictionary words that glue an organization's suffix to a job
title (银行行长, 大学教授: 甲乙|银行行长 hides the bank), which the pipeline applies to a document's tokens.

tests/test_segment.py checks the tokens against jieba's on real and random text. Parts of
speech come from jieba's dictionary by lookup, never from the slow ``jieba.posseg`` HMM.
"""
from __future__ import annotations

import bisect
import logging
import re
from functools import lru_cache, partial
from pathlib import Path
from typing import Iterable

from kg.types import Token

#: A tag for words not in jieba's dictionary (new words found by its HMM).
UNKNOWN = "x"
#: A word no text can contain (noncharacters are never Chinese): it carries the total's difference.
_BALLAST = "\ufdd0\ufdd1"
#: Texts that jieba itself segments: Chinese characters outside jieba's range, HMM ties.
_TO_JIEBA = re.compile("[\u3400-\u4DBF\u9FD6-\u9FFF\uF900-\uFAFF\U00020000-\U0003FFFF]"
                       "|([\u4E00-\u9FD5])\\1\\1")
#: Characters that can join letters and digits into one jieba-rs word that jieba splits.
_JOINERS = re.compile(r"[+#&._%\-]")
_token = partial(tuple.__new__, Token)


class Segmenter:
    """jieba with offsets and dictionary POS lookup; build one per process and reuse it."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        import jieba
        import jieba.finalseg
        import rjieba

        jieba.setLogLevel(logging.WARNING)
        self._hmm_skip = jieba.finalseg.re_skip
        self._tags, self._freqs = _tables(str(Path(jieba.__file__).parent / "dict.txt"))
        # jieba computes the frequencies (suggest_freq depends on the words added before); it is
        # then let go (it holds 116 MB) and made again only for a text jieba-rs cannot segment
        tok = jieba.Tokenizer()
        tok.initialize()
        self._rs = rjieba.Jieba()
        replaced = 0
        self._added: dict[str, int] = {}  # word -> frequency, in the order added
        for word in sorted(set(words)):
            if len(word) > 1:
                freq = max(50000, tok.suggest_freq(word, False))
                replaced += tok.FREQ.get(word, 0)
                tok.add_word(word, freq=freq)
                self._rs.add_word(word, freq, None)
                self._added[word] = freq
        if replaced:
            self._rs.add_word(_BALLAST, replaced, None)
        self._py = None

    def _jieba(self):
        """jieba itself with the same words, made on first use."""
        if self._py is None:
            import jieba

            self._py = jieba.Tokenizer()
            self._py.initialize()
            for word, freq in self._added.items():
                self._py.add_word(word, freq=freq)
        return self._py

    def words(self, text: str) -> list[str]:
        """The words of ``text``, as ``jieba.Tokenizer.lcut(text, HMM=True)`` gives them."""
        return [t.text for t in self.tokenize(text)]

    def tokenize(self, text: str) -> list[Token]:
        """Tokens covering ``text`` end to end, with ``[start, end)`` offsets."""
        if _TO_JIEBA.search(text):
            tokens, pos = [], 0
            for word in self._jieba().lcut(text, HMM=True):
                tokens.append((word, pos, pos + len(word)))
                pos += len(word)
        else:
            tokens = self._rs.tokenize(text, "default", True)
            if _JOINERS.search(text):
                self._split_runs(text, tokens)
        return list(map(_token, tokens))

    def _split_runs(self, text: str, tokens: list[tuple[str, int, int]]) -> None:
        """Split the letter-and-digit words that jieba's HMM would (``e-CNY`` -> e, -, CNY)."""
        starts = [t[1] for t in tokens]
        runs = {}
        for m in _JOINERS.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            word = tokens[i][0]
            if len(word) > 1 and word.isascii() and not self.known(word):
                runs[i] = word
        for i in sorted(runs, reverse=True):
            pieces, pos = [], tokens[i][1]
            for piece in self._hmm_skip.split(runs[i]):
                if piece:
                    pieces.append((piece, pos, pos + len(piece)))
                    pos += len(piece)
            tokens[i:i + 1] = pieces

    def known(self, word: str) -> bool:
        """True when jieba's dictionary, or the words added, have ``word`` with a frequency."""
        return word in self._added or self._freqs.get(word, 0) > 0

    def pos(self, word: str) -> str:
        """jieba's dictionary POS tag for ``word`` ('x' when unknown)."""
        return self._tags.get(word, UNKNOWN)

    def frequency(self, word: str) -> int:
        """jieba's dictionary frequency of ``word`` (0 when unknown)."""
        return self._freqs.get(word, 0)

    def tagged(self, tag: str) -> list[str]:
        """The dictionary's words with part of speech ``tag``, sorted."""
        return sorted(w for w, t in self._tags.items() if t == tag)

    def in_dictionary(self, word: str) -> bool:
        """True when jieba's dictionary knows ``word`` (so it is not a new name)."""
        return word in self._tags


#: jieba dictionary words made of an organization's suffix and a title, and where they split.
TITLE_COMPOUNDS = {"银行行长": 2, "公司总裁": 2, "医院院长": 2, "协会主席": 2, "协会会长": 2, "局局长": 1,
                   "大学教授": 2, "大学校长": 2, "学院院长": 2, "社主任": 1}
_TITLE_COMPOUND = re.compile("|".join(TITLE_COMPOUNDS))


def split_titles(text: str, tokens: list[Token]) -> list[Token]:
    """``tokens`` with each :data:`TITLE_COMPOUNDS` word split in two (甲乙|银行|行长)."""
    if not _TITLE_COMPOUND.search(text):
        return tokens
    out = []
    for tok in tokens:
        cut = TITLE_COMPOUNDS.get(tok.text)
        if cut is None:
            out.append(tok)
        else:
            out += [_token((tok.text[:cut], tok.start, tok.start + cut)), _token((tok.text[cut:], tok.start + cut, tok.end))]
    return out


@lru_cache(maxsize=2)
def _tables(path: str) -> tuple[dict[str, str], dict[str, int]]:
    tags: dict[str, str] = {}
    freqs: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
                freqs[parts[0]] = int(parts[1])
    return tags, freqs
