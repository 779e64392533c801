"""Word segmentation with character offsets: jieba's segmentation, run by jieba-rs.

The tokens are exactly those of ``jieba.Tokenizer.lcut(text, HMM=True)`` with the lexicon's
names added (a lexicon name is one token, and a match inside another word, 融安 in 金融安全,
does not fall on token boundaries), about six times faster: ``rjieba`` (jieba-rs, the same
dictionary, prefix DAG, route and HMM in Rust) segments each block, and this module keeps
the parts where jieba-rs and jieba differ in Python:

- the blocks: text is split with jieba's own ``re_han_default``/``re_skip_default`` (jieba-rs
  also counts CJK extension characters as Chinese);
- runs of letters and digits that the HMM sees (``e-CNY``, ``t.cn``): jieba splits them with
  ``finalseg.re_skip``, jieba-rs keeps them whole;
- the dictionary total: jieba's ``add_word`` adds a word's frequency to the total even when
  the word is already in the dictionary, jieba-rs first subtracts the old one; one unmatchable
  word carries the difference, so every route has the same probabilities;
- ties: where a character repeats three times (哈哈哈, 经经经) the HMM can find two equally
  likely segmentations, and the two break the tie differently; such blocks go to jieba itself.

tests/test_segment.py checks the tokens against jieba's on real and random text. Parts of
speech come from jieba's dictionary by lookup, never from the slow ``jieba.posseg`` HMM.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from kg.types import Token

#: A tag for words not in jieba's dictionary (new words found by its HMM).
UNKNOWN = "x"
#: A word no text can contain (noncharacters never reach a block): it carries the total's difference.
_BALLAST = "\ufdd0\ufdd1"
#: Blocks where jieba-rs's HMM may break a tie unlike jieba's (a character three times in a row).
_TIES = re.compile("([\u4E00-\u9FD5])\\1\\1")


class Segmenter:
    """jieba with offsets and dictionary POS lookup; build one per process and reuse it."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        import jieba
        import jieba.finalseg
        import rjieba

        jieba.setLogLevel(logging.WARNING)
        self._blocks, self._skip = jieba.re_han_default, jieba.re_skip_default
        self._hmm_skip = jieba.finalseg.re_skip
        self._tags, self._freqs = _tables(str(Path(jieba.__file__).parent / "dict.txt"))
        # jieba computes the frequencies (suggest_freq depends on the words added before)
        self._py = tok = jieba.Tokenizer()
        tok.initialize()
        self._rs = rjieba.Jieba()
        replaced = 0
        self._added: set[str] = set()
        for word in sorted(set(words)):
            if len(word) > 1:
                freq = max(50000, tok.suggest_freq(word, False))
                replaced += tok.FREQ.get(word, 0)
                tok.add_word(word, freq=freq)
                self._rs.add_word(word, freq, None)
                self._added.add(word)
        if replaced:
            self._rs.add_word(_BALLAST, replaced, None)

    def words(self, text: str) -> list[str]:
        """The words of ``text``, as ``jieba.Tokenizer.lcut(text, HMM=True)`` gives them."""
        return [t.text for t in self.tokenize(text)]

    def tokenize(self, text: str) -> list[Token]:
        """Tokens covering ``text`` end to end, with ``[start, end)`` offsets."""
        tokens: list[Token] = []
        add, blocks, cut, pos = tokens.append, self._blocks, self._rs.cut, 0
        for block in blocks.split(text):
            if not block:
                continue
            if blocks.match(block):
                words = cut(block, True) if not _TIES.search(block) else self._py.lcut(block, HMM=True)
                for word in words:
                    # a block's words without Chinese are ASCII (letters, digits, +#&._%-)
                    if len(word) > 1 and word.isascii() and not self.known(word):
                        pieces = [w for w in self._hmm_skip.split(word) if w]
                    else:
                        end = pos + len(word)
                        add(Token(word, pos, end))
                        pos = end
                        continue
                    for piece in pieces:
                        end = pos + len(piece)
                        add(Token(piece, pos, end))
                        pos = end
            else:
                for piece in self._skip.split(block):
                    for word in (piece,) if self._skip.match(piece) else piece:
                        add(Token(word, pos, pos + len(word)))
                        pos += len(word)
        return tokens

    def known(self, word: str) -> bool:
        """True when jieba's dictionary, or the words added, have ``word`` with a frequency."""
        return word in self._added or self._freqs.get(word, 0) > 0

    def pos(self, word: str) -> str:
        """jieba's dictionary POS tag for ``word`` ('x' when unknown)."""
        return self._tags.get(word, UNKNOWN)

    def frequency(self, word: str) -> int:
        """jieba's dictionary frequency of ``word`` (0 when unknown)."""
        return self._freqs.get(word, 0)

    def in_dictionary(self, word: str) -> bool:
        """True when jieba's dictionary knows ``word`` (so it is not a new name)."""
        return word in self._tags


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
