"""Word segmentation with character offsets, on a private jieba tokenizer.

The tokenizer is built once per process with the lexicon's names added, so a lexicon name
is one token and a match inside another word (融安 in 金融安全) does not fall on token
boundaries. Parts of speech come from jieba's dictionary by lookup, never from the slow
``jieba.posseg`` HMM.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from kg.types import Token

#: A tag for words not in jieba's dictionary (new words found by its HMM).
UNKNOWN = "x"


class Segmenter:
    """jieba with offsets and dictionary POS lookup; build one per process and reuse it."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._tok = jieba.Tokenizer()
        self._tok.initialize()
        for word in sorted(set(words)):
            if len(word) > 1:
                self._tok.add_word(word, freq=max(50000, self._tok.suggest_freq(word, False)))
        self._jieba_dict = Path(jieba.__file__).parent / "dict.txt"

    def tokenize(self, text: str) -> list[Token]:
        """Tokens covering ``text`` end to end, with ``[start, end)`` offsets."""
        tokens, pos = [], 0
        for word in self._tok.lcut(text, HMM=True):
            end = pos + len(word)
            tokens.append(Token(word, pos, end))
            pos = end
        return tokens

    def pos(self, word: str) -> str:
        """jieba's dictionary POS tag for ``word`` ('x' when unknown)."""
        return _tag_table(str(self._jieba_dict)).get(word, UNKNOWN)

    def frequency(self, word: str) -> int:
        """jieba's dictionary frequency of ``word`` (0 when unknown)."""
        return _freq_table(str(self._jieba_dict)).get(word, 0)

    def in_dictionary(self, word: str) -> bool:
        """True when jieba's dictionary knows ``word`` (so it is not a new name)."""
        return word in _tag_table(str(self._jieba_dict))


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


def _tag_table(path: str) -> dict[str, str]:
    return _tables(path)[0]


def _freq_table(path: str) -> dict[str, int]:
    return _tables(path)[1]
