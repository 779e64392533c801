"""One-to-one character normalization: Traditional -> Simplified, full-width -> half-width.

Every mapping replaces one character by one character, so the normalized text has the same
length as the original and every offset found in it is valid in the original text too.
OpenCC's character table (TSCharacters) gives the Traditional mappings; its phrase tables
are not used because they can change the length.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def _fullwidth_table() -> dict[int, int]:
    table = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
    table[0x3000] = 0x20  # ideographic space
    # Keep the Chinese comma, colon, semicolon and parentheses as the rules expect them
    # after normalization: they become ASCII, which every rule accepts.
    return table


@lru_cache(maxsize=1)
def translation_table() -> dict[int, int]:
    """The str.translate table: full-width forms and Traditional characters."""
    table = _fullwidth_table()
    try:
        import opencc  # opencc-python-reimplemented ships the dictionaries

        path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            src, _, dst = line.partition("\t")
            dst = dst.split(" ")[0]
            if len(src) == 1 and len(dst) == 1 and src != dst:
                table[ord(src)] = ord(dst)
    except (ImportError, OSError):  # normalization of Traditional text is then skipped
        pass
    return table


def normalize(text: str) -> str:
    """Map ``text`` one character to one character; ``len(normalize(t)) == len(t)``."""
    return text.translate(translation_table())
