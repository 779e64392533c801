"""Decoding the bytes of an input into text: UTF-8 (with or without a BOM), UTF-16 and UTF-32 with
a BOM, BOM-less UTF-16 when plausible, GB18030 when the bytes are not UTF-8 and read as Chinese.
Binary files are refused. Used by :mod:`kg.io`; every message is listed in docs/errors.md.
"""
from __future__ import annotations

import codecs
import itertools
import re

from kg.errors import InputError

__all__ = ["clean_text", "decode"]

#: how many characters the encoding and binary sniffers look at
SAMPLE = 1 << 16
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
CONVERT = "convert it to UTF-8, e.g. iconv -f BIG5 -t UTF-8 FILE > NEW.txt, and build again"


class BadInput(Exception):
    """Why one input cannot be read (without its file name) and what to do about it."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.reason, self.hint = reason, hint

    def error(self, source: str, strict: bool = False) -> InputError:
        hint = f"{self.hint}, or drop --strict to skip it" if strict else self.hint
        return InputError(f"{source}: {self.reason}", hint=hint)


# -- decoding --------------------------------------------------------------------------------------

def plausible(text: str) -> float:
    """The share of characters in a sample that ordinary Chinese or Latin text is made of."""
    sample = text[:SAMPLE]
    if not sample:
        return 0.0
    good = 0
    for ch in sample:
        o = ord(ch)
        good += (o in (9, 10, 13) or 0x20 <= o < 0x7F or 0xA0 <= o < 0x530 or 0x2000 <= o < 0x2C00
                 or 0x3000 <= o < 0x3100 or 0x3200 <= o < 0xA000 or 0xF900 <= o < 0xFB00
                 or 0xFE30 <= o < 0xFE50 or 0xFF00 <= o < 0xFFF0 or 0x20000 <= o < 0x323B0)
    return good / len(sample)


def _sniff_utf16(data: bytes) -> str | None:
    """Text of BOM-less UTF-16 (LE or BE), or None when neither reading is plausible.

    Two printable ASCII bytes make a CJK code unit, so mostly-ASCII bytes (a GBK or Latin-1 file
    with some English) are never taken for UTF-16: real UTF-16 has a NUL beside each ASCII letter.
    """
    if len(data) % 2:
        return None
    head = data[:2 * SAMPLE]
    ascii_pairs = sum(1 for a, b in zip(head[0::2], head[1::2]) if 0x20 <= a < 0x7F and 0x20 <= b < 0x7F)
    if ascii_pairs * 2 > len(head) // 2:
        return None
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = plausible(text)
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, text)
    return best[1] if best else None


def _common_han(text: str) -> float:
    """The share of Han characters in a sample that GB2312 (the 6,763 common ones) holds.

    Over 0.9 for Simplified text and about 0.55 for Traditional; Latin-1 or Big5 bytes read as
    GB18030 give rare characters. 1.0 when there is no Han character to judge by.
    """
    han = [c for c in text[:SAMPLE] if "\u3400" <= c <= "\u9fff" or ord(c) >= 0x20000]
    if not han:
        return 1.0
    common = 0
    for c in han:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(han)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _binary(data: bytes, offset: int) -> BadInput:
    return BadInput(f"looks like a binary file (byte 0x{data[offset]:02X} at byte offset {offset})",
                "give a UTF-8 .txt, .md or .jsonl text file instead")


def _check_controls(text: str, data: bytes, encoding: str) -> str:
    """Reject text whose sample is full of control characters (a binary file that decodes)."""
    sample = text[:SAMPLE]
    found = _CONTROL.findall(sample)
    if len(found) > max(4, len(sample) // 20):
        first = _CONTROL.search(sample).start()
        raise _binary(data, len(text[:first].encode(encoding)))
    return text


def decode_bytes(data: bytes) -> str:
    """Decode ``data`` or raise BadInput; see the module docstring for the encodings tried."""
    if not data:
        raise BadInput("empty file (0 bytes)", "add text to it or leave it out")
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                if bom == codecs.BOM_UTF32_LE:  # FF FE 00 00 may be UTF-16 LE text starting with NUL
                    continue
                name = enc.replace("-sig", "").upper()
                raise BadInput(f"invalid {name} at byte offset {exc.start} (line {_line_of(data, exc.start)})",
                           "re-save the file as UTF-8") from None
    nul = data.find(b"\0")
    if nul < 0:
        try:
            return _check_controls(data.decode("utf-8"), data, "utf-8")
        except UnicodeDecodeError as exc:
            utf8 = exc
    text = _sniff_utf16(data)
    if text is not None:
        return text
    if nul >= 0:
        raise _binary(data, nul)
    start = utf8.start
    prefix = data[:start].decode("utf-8")
    # past a few non-ASCII UTF-8 characters, the file is UTF-8 with a bad byte, not GB18030
    if len(list(itertools.islice(_NON_ASCII.finditer(prefix), 8))) < 8:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is not None and plausible(text) >= 0.8 and _common_han(text) >= 0.4:
            return _check_controls(text, data, "gb18030")
    raise BadInput(f"not valid UTF-8 (byte 0x{data[start]:02X} at byte offset {start}, line "
               f"{_line_of(data, start)}), nor UTF-16 or GB18030", CONVERT)


def decode(data: bytes, source: str) -> str:
    """Decode bytes (UTF-8 with or without BOM, UTF-16/32, GB18030) into text; else InputError.

    The error names ``source``, the byte offset and what to do.
    """
    try:
        return decode_bytes(data)
    except BadInput as bad:
        raise bad.error(source) from None


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (only JSON escapes can make them) replaced by U+FFFD.

    One character for one, so offsets are unchanged; no RDF writer accepts a lone surrogate.
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
