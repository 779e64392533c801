"""Features of the character CRF (:mod:`kg.ner`), version :data:`FEATURE_VERSION`.

Every feature generalises beyond the sentences it was trained on: characters and their
neighbours, the jieba word a character is in (its position, the word when short, its dictionary
POS and its neighbours' tags and words), the character's type and script, lexicon membership
(the class of the longest curated name covering it), organization and place suffix classes, and
whether it sits inside quotes or book-title marks. Text is normalized (Traditional -> Simplified,
full width -> half width) before features are made, so both scripts look the same to the model.

Features are built template by template over a whole sentence (list comprehensions rather
than one call per character), which keeps the CRF affordable in a default build.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Sequence

FEATURE_VERSION = 3

# Hand-written (not mined from any corpus): the most common Chinese surnames.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = frozenset(["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙"])
# Characters that often end an organization or government name.
ORG_SUFFIXES = frozenset("司行局部委会院所校厅署办处队社团厂馆台站中心盟组")
# Characters that often end a place name.
PLACE_SUFFIXES = frozenset("省市县区镇乡村路街道巷号州岛山河湖湾港楼园")
#: Word endings that make a name of a kind (a suffix class, not a list of names).
SUFFIX_CLASSES = (
    ("co", ("公司", "集团", "控股", "股份", "科技", "实业", "传媒", "地产", "电子", "汽车", "资本")),
    ("fin", ("银行", "分行", "支行", "证券", "保险", "信托", "基金", "金控", "期货", "人寿", "财险", "信用社")),
    ("gov", ("政府", "委员会", "总局", "监管局", "法院", "检察院", "公安局", "部", "局", "厅", "署", "委", "办")),
    ("org", ("协会", "学会", "联合会", "商会", "基金会", "联盟", "研究院", "研究所", "大学", "学院", "中心", "医院")),
    ("pub", ("日报", "晚报", "时报", "周刊", "杂志", "新闻", "财经", "报", "网", "社", "电视台")),
    ("pla", ("省", "市", "县", "区", "镇", "村", "路", "街", "州", "国")),
)
#: Words just after a person's name in news (speech and role verbs).
SPEECH = frozenset("表示 介绍 称 说 指出 认为 强调 透露 坦言 告诉 提到 回应 解释 建议 称赞 补充 说道 直言".split())
OPEN_QUOTES = {"“": "q", "‘": "q", "\"": "q", "「": "q", "『": "q", "《": "b", "〈": "b", "(": "p", "（": "p",
               "【": "p", "[": "p"}
CLOSE_QUOTES = {"”": "q", "’": "q", "」": "q", "』": "q", "》": "b", "〉": "b", ")": "p", "）": "p", "】": "p",
                "]": "p"}


def char_type(ch: str) -> str:
    """C (Chinese), D (digit), L (Latin), S (space), P (punctuation), O (other); B past the edges."""
    if len(ch) != 1:
        return "B"
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
        return "C"
    if ch.isdigit():
        return "D"
    if ch.isascii() and ch.isalpha():
        return "L"
    if ch.isspace():
        return "S"
    return "P" if unicodedata.category(ch).startswith(("P", "S")) else "O"


@lru_cache(maxsize=1)
def _segmenter():
    """The pipeline's segmenter (jieba with the lexicon's words), built on first use."""
    from kg.lexicon import default_lexicon
    from kg.segment import Segmenter

    return Segmenter([s for e in default_lexicon().entries for s in e.surfaces])


@lru_cache(maxsize=1)
def _pos_table() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags (a lookup, not the slow posseg HMM)."""
    import jieba

    table: dict[str, str] = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                table[parts[0]] = parts[2]
    return table


def _suffix_class(word: str) -> str:
    for name, endings in SUFFIX_CLASSES:
        if word.endswith(endings):
            return name
    return ""


def token_positions(text: str, tokens: Sequence[tuple[int, int]] | None = None) -> list[tuple[str, ...]]:
    """Per character: (position in its token B/M/E/S, the token if 2-4 chars, its POS, the previous
    and next token's POS, the previous and next token if short, the token's suffix class)."""
    if tokens is None:
        tokens = [(t.start, t.end) for t in _segmenter().tokenize(text)]
    table = _pos_table()
    words = [text[s:e] for s, e in tokens]
    tags = [table.get(w, "x") if len(w) > 1 or char_type(w) == "C" else char_type(w) for w in words]
    short = [w if len(w) <= 4 else "" for w in words]
    out: list[tuple[str, ...]] = [("S", "", "x", "<s>", "</s>", "", "", "")] * len(text)
    last = len(tokens) - 1
    for n, (start, end) in enumerate(tokens):
        row = (tags[n], tags[n - 1] if n else "<s>", tags[n + 1] if n < last else "</s>",
               short[n - 1] if n else "<s>", short[n + 1] if n < last else "</s>", _suffix_class(words[n]))
        word = words[n] if 1 < end - start <= 4 else ""
        if end - start == 1:
            out[start] = ("S", word, *row)
            continue
        out[start] = ("B", word, *row)
        for i in range(start + 1, end - 1):
            out[i] = ("M", word, *row)
        out[end - 1] = ("E", word, *row)
    return out


def lexicon_tags(text: str, lexicon=None) -> list[str]:
    """Per character, ``B-Class``/``I-Class`` of the longest lexicon name covering it ('' if none)."""
    if lexicon is None:
        from kg.lexicon import default_lexicon

        lexicon = default_lexicon()
    out = [""] * len(text)
    length = [0] * len(text)
    for start, end, entry in lexicon.find(text):
        size = end - start
        if size < 2 or any(length[i] >= size for i in range(start, end)):
            continue
        for i in range(start, end):
            out[i], length[i] = ("B-" if i == start else "I-") + entry.cls, size
    return out


def quote_state(text: str) -> list[str]:
    """Per character, the innermost open quote (q), book-title mark (b) or bracket (p), or ''."""
    stack: list[str] = []
    out = []
    for ch in text:
        if ch == '"' and stack and stack[-1] == "q":  # the ASCII quote closes what it opened
            stack.pop()
            out.append("c")
        elif ch in CLOSE_QUOTES and stack and stack[-1] == CLOSE_QUOTES[ch]:
            stack.pop()
            out.append("c")
        elif ch in OPEN_QUOTES:
            stack.append(OPEN_QUOTES[ch])
            out.append("o")
        else:
            out.append(stack[-1] if stack else "")
    return out


def _ahead(text: str, classes: list[str], limit: int = 10) -> list[str]:
    """Per character, the suffix class of the next suffix-ending token within ``limit`` characters
    of the same clause (a name is being built towards it)."""
    out, nxt, dist = [""] * len(text), "", 99
    for i in range(len(text) - 1, -1, -1):
        if char_type(text[i]) in "PS":
            nxt, dist = "", 99
        elif classes[i]:
            nxt, dist = classes[i], 0
        else:
            dist += 1
        out[i] = nxt if dist <= limit else ""
    return out


def sentence_features(text: str, tokens: Sequence[tuple[int, int]] | None = None, lexicon=None) -> list[list[str]]:
    """Features for every character of the normalized ``text`` (``tokens``: segmenter offsets)."""
    n = len(text)
    if not n:
        return []
    tok = token_positions(text, tokens)
    pad = ["<s>", "<s>", *text, "</s>", "</s>"]
    ty = [char_type(c) for c in pad]
    ty[:2], ty[-2:] = ["B", "B"], ["B", "B"]
    tp = ["<s>", *(t[0] for t in tok), "</s>"]
    lex = lexicon_tags(text, lexicon)
    quotes = quote_state(text)
    ends = [t[7] if t[0] in "ES" else "" for t in tok]
    ahead = _ahead(text, ends)
    rows = []
    for i in range(n):
        j = i + 2
        c, p1, p2, n1, n2 = pad[j], pad[j - 1], pad[j - 2], pad[j + 1], pad[j + 2]
        pos, word, tag, ptag, ntag, pword, nword, sfx = tok[i]
        f = ["bias", "c=" + c, "c-1=" + p1, "c-2=" + p2, "c+1=" + n1, "c+2=" + n2,
             "b-1=" + p1 + c, "b+1=" + c + n1, "b-2=" + p2 + p1, "b+2=" + n1 + n2,
             "t3=" + p1 + c + n1, "t3-=" + p2 + p1 + c, "t3+=" + c + n1 + n2,
             "ty=" + ty[j], "ty-1=" + ty[j - 1], "ty+1=" + ty[j + 1], "ty3=" + ty[j - 1] + ty[j] + ty[j + 1],
             "tp=" + pos, "tp-1=" + tp[i], "tp+1=" + tp[i + 2],
             "pos=" + pos + tag, "pos-=" + ptag, "pos+=" + ntag, "posc=" + tag + c]
        if word:
            f.append("w=" + word)
        if pos in "ES" and nword:
            f.append("nw=" + nword)
            if nword in SPEECH:
                f.append("speech")
        if pos in "BS" and pword:
            f.append("pw=" + pword)
        if sfx:
            f.append("sx=" + pos + sfx)
        if ahead[i]:
            f.append("ah=" + ahead[i])
        if lex[i]:
            f.append("lx=" + lex[i])
        if quotes[i]:
            f.append("q=" + quotes[i])
        if c in SURNAMES:
            f.append("sur")
        if p1 + c in COMPOUND_SURNAMES or c + n1 in COMPOUND_SURNAMES:
            f.append("sur2")
        if c in ORG_SUFFIXES:
            f.append("osuf")
        if n1 in ORG_SUFFIXES:
            f.append("osuf+1")
        if c in PLACE_SUFFIXES:
            f.append("psuf")
        if n1 in PLACE_SUFFIXES:
            f.append("psuf+1")
        rows.append(f)
    return rows


def char_features(text: str, i: int, tokens: Sequence[tuple[int, int]] | None = None) -> list[str]:
    """The CRF features of character ``i`` of ``text`` (for inspection; prediction uses whole sentences)."""
    return sentence_features(text, tokens)[i]
