"""People named next to a job title: 首席技术官吕仲涛, 行长田惠宇, 吕仲涛行长.

A name is a common surname followed by one or two characters; the title comes from the
lexicon's job titles. The person's title and the organization written just before the
title are kept for the relations stage (worksFor, jobTitle).
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg.extractors.base import CJK, LEAD_WORDS, Resources, is_cjk, mention, token_index
from kg.segment import UNKNOWN
from kg.types import Document, Mention

NAME = "people@1"

# The most common Chinese surnames (single and compound); public-domain knowledge.
SURNAMES = set("""王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董
袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛
闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 常 温 康 施 文 牛 樊 葛 邢 安 齐 易 乔 伍 庞 颜 倪
庄 聂 章 鲁 岳 翟 殷 詹 申 欧 耿 关 兰 焦 俞 左 柳 甘 祝 包 宁 尚 符 舒 阮 柯 纪 梅 童 凌 毕 单 季 裴 霍 涂 成 苗 谷 盛 曲
翁 冉 骆 蓝 路 游 辛 靳 管 柴 蒙 鲍 华 喻 祁 蒲 房 滕 屈 饶 解 牟 艾 尤 阳 时 穆 农 司 卓 古 吉 缪 简 车 项 连 芦 麦 褚 娄
窦 戚 岑 景 党 宫 费 卜 冷 晏 席 卫 米 柏 宗 瞿 桂 全 佟 应 臧 闵 苟 邬 边 卞 姬 师 和 仇 栾 隋 商 刁 沙 荣 巫 寇 桑 郎 甄
丛 仲 虞 敖 巩 明 佘 池 查 麻 苑 迟 邝 官 封 谈 匡 鞠 惠 荆 乐 冀 郁 胥 南 班 储 原 栗 燕 楚 鄢 劳 谌 奚 皮 粟 冼 蔺 楼 盘
满 闻 位 厉 伊 仝 区 郜 海 阚 花 权 强 帅 屠 豆 朴 盖 练 廉 禹 井 祖 漆 巴 丰 支 卿 国 狄 平 计 索 宣 晋 相 初 门 云 容 敬
来 扈 晁 芮 都 普 阙 浦 戈 伏 鹿 薄 邸 雍 辜 羊 阿 乌 母 裘 亓 修 邰 赫 杭 况 那 宿 鲜 印 逯 隆 茹 诸 战 慕 危 玉 银 亢 嵇
公 哈 湛 宾 戎 勾 茅 利 於 呼 居 揭 干 但 尉 冶 斯 元 束 檀 衣 信 展 阴 昝 智 幸 奉 植 衡 富 尧 闭 由 傅 蔚 禄 逄""".split())
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
                     "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门")
NOT_GIVEN = set("的了和与及在是为将对等也都已并又还着过说表示指出认为介绍称调透露以于被把从向到就而且但因")


def looks_like_name(name: str) -> bool:
    """A 2–4 character string that starts with a surname and has no function characters."""
    if not 2 <= len(name) <= 4:
        return False
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s)), name[0])
    given = name[len(surname):]
    return (surname in SURNAMES or surname in COMPOUND_SURNAMES) and 1 <= len(given) <= 2 \
        and not any(c in NOT_GIVEN for c in given)


@lru_cache(maxsize=4)
def _patterns(titles: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    alt = "|".join(re.escape(t) for t in titles)
    after = re.compile(f"({alt})(?:助理|秘书)?([{CJK}]{{2,4}})")
    before = re.compile(f"(?<![{CJK}])([{CJK}]{{2,3}})(?:{alt})")
    return after, before


def _best_name(candidate: str, doc: Document, start: int, res: Resources) -> int:
    """Length of the person's name at the start of ``candidate`` (0: none)."""
    for length in (3, 2, 4):
        name = candidate[:length]
        if len(name) == length and looks_like_name(name):
            end = start + length
            # prefer the length that ends on a token boundary or before a non-name character
            follow = doc.norm[end:end + 1]
            if not follow or end in token_index(doc).end_set or not res.segmenter.in_dictionary(name[-1] + follow) \
                    or length == 2:
                return length
    return 0


PERSON_TAGS = ("nr", "nrfg")


#: Surnames that are also everyday words or particles: never the start of a bare name.
AMBIGUOUS_SURNAMES = set("""和 都 时 但 于 向 常 明 信 安 全 高 平 金 白 石 文 方 成 国 海 云 华 计 相 万 原 商 战 索 银 宁
江 乐 展 能 门 居 衣 有 公 官 元 车 区 盖 利 师 宝 应 井 丰 支 敬 来 普 初 干 鲜 印 危 玉 亢 湛 冶 斯 束 檀 阴 智 幸 奉
植 衡 富 尧 闭 由 羊 阿 乌 母 那 宿 隆 茹 诸 慕 花 权 强 帅 练 谷 管 路 游 简 连 项 景 党 宫 冷 席 卫 米 柏 宗 边 沙 荣
桑 郎 甄 池 查 麻 燕 楚 劳 皮 满 位 伊 双 农 司 古 吉 时 穆 阳 尤 解 房 蒙 蓝 苏 关 包 兰 龙 雷 史 钟 齐 易 余 任
上 下 中 大 小 多 少 新 老 第 把 被 将 对 与 及 在 是 为 也 就 还 又 再 才 只 可 要 会 能 让 使 给 从 自 到 以 按 据
欧 盘 单 巴""".split())
#: Single-character surnames that are not also everyday words.
PLAIN_SURNAMES = frozenset(SURNAMES - AMBIGUOUS_SURNAMES)
#: Last characters of place names; a word ending in one is not a person (秦皇岛, 王府井).
#: The adverb 曾 (once) and a one-character verb: words of a career, not names (曾任中国银行副行长).
ADVERB_VERBS = frozenset(("曾任", "曾获"))
PLACE_ENDINGS = tuple("岛寺湖路街店镇村区县市省州港湾桥堡谷")
NOT_GIVEN_BARE = NOT_GIVEN | set("我你他她它这那们个不很么吗吧呢啊之其此每各本该后前上下中里内外年月日时则先总姓哥姐师某女士")


#: Words around a person's name that make it a person even without a surname (莫里尼奥表示).
SPEECH_AFTER = re.compile(r"(?:表示|指出|认为|透露|强调|坦言|回应|介绍|称|说|告诉|笑称|直言|解释|先生|女士|教授|博士|"
                          r"辞去|辞任|卸任|因(?:个人原因|工作调动|年龄原因|工作原因|到龄))")  # 甲乙因工作调动辞去…职务
ROLE_BEFORE = re.compile(r"(?:主教练|教练|球员|前锋|后卫|门将|总监|记者|通讯员|编辑|教授|工程师|导演|演员|歌手|主持人|"
                         r"作家|画家|裁判|主裁判|律师|专家|分析师|研究员|董事|经理|主任|部长|省长|市长|局长|首相|总统|总理)$")
#: Characters common in transliterated foreign names; a name with · is grown over these only.
TRANSLIT = set("阿埃艾爱安奥巴拜班邦保贝本比彼毕波伯博布查达戴丹道德迪蒂丁杜多厄恩法范菲费芬丰弗福盖冈高戈格贡古哈海汉豪赫亨"
               "胡华霍基吉加贾杰金卡凯坎康柯科克肯库拉莱兰朗劳勒雷里利莉丽林琳隆卢鲁路伦罗洛马玛迈麦曼梅门蒙米敏莫姆穆纳娜奈南"
               "内尼涅宁努诺欧帕潘佩彭皮珀普齐奇契乔切琼萨塞桑瑟森沙莎尚舍圣施什史舒斯松苏索塔泰坦汤唐特提汀图托瓦万威韦维温沃"
               "乌伍西希夏谢辛休雅亚扬耶伊因英尤约泽扎詹兹卓佐尔摩瑞娅妮露蕾琪黛茨赖艾恩汀蒂")
TRANSLITERATED = re.compile(r"·")
PERSON_TAGS = ("nr", "nrfg", "nrt")
#: A shareholder's stake right after a name (甲乙持股5%, 甲乙均持股2%) marks a person in a list of holders.
#: A name between an appointment verb and its post (任命甲乙为行长, 聘任甲乙担任总裁).
APPOINT_BEFORE = re.compile(r"(?:任命|聘任|聘请|委任|提名|选举|推选|由|同意|核准|批准)$")
APPOINT_AFTER = re.compile(r"(?:为|担任|出任|接任|继任|接替)")
STAKE_AFTER = re.compile(r"(?:均|分别)?(?:持股|持有|出资|认缴)\s*[0-9一二三四五六七八九十]")
#: A byline: the reporter's name after 记者/通讯员/实习生, then a space, a mark or the end of the line.
BYLINE = re.compile(f"(?:记者|通讯员|实习生|撰文|文/|作者[:：]?)\\s*([{CJK}]{{2,3}})")
BYLINE_END = re.compile(r"(?:\s|[,，。;；、|/)）:：]|$)")
#: Adverbs the segmenter glues to a two-character name before a verb (张乙均持股: 张乙 + 均).
ADVERB_TAILS = set("均皆亦都也")
#: Conjunctions glued the same way (董事长张乙及…: 张乙 + 及)
CONJUNCTION_TAILS = set("及与携因")  # not 和: 3-character names end in it (王平和); 甲乙因…
GLUED_TAILS = frozenset(ADVERB_TAILS | CONJUNCTION_TAILS)


NOT_A_NAME, NAME_BY_ITSELF, NAME_IN_CONTEXT = 0, 1, 2
#: Forms of address after a surname (王总, 李老师, 张先生): not a given name.
ADDRESS_TAILS = frozenset("总 总经理 先生 女士 小姐 老师 师傅 同志 大爷 大妈 阿姨 老板 主任 经理 主编 教授 博士 律师 医生 记者".split())
#: A numeral just before: 100位客户经理 is a count of people, 位 no surname.
COUNTED = re.compile(r"[0-9一二两三四五六七八九十百千万几多数]$")


def _byline_name(name: str) -> bool:
    """A name in a byline: a surname and one or two characters (于 and 以 allowed: 陈于乙)."""
    return looks_like_name(name) or (name[0] in SURNAMES and not any(c in NOT_GIVEN - set("于以") for c in name[1:]))


def _addressed(name: str, res: Resources) -> bool:
    """顾经理, 方总, 杨主编: a surname and a title or form of address, which names no one."""
    given = name[1:]
    return given in ADDRESS_TAILS or (given in res.lexicon.by_surface and res.lexicon.title_name(given) != given
                                      or given in res.lexicon.title_set)


def _bare_kind(name: str, res: Resources) -> int:
    """What a token can be without a title: a name by itself (a new word or a dictionary person
    name that starts with a common surname), a name next to a speech verb or role noun, or not one."""
    if not 2 <= len(name) <= 4:
        return NOT_A_NAME
    tag = res.segmenter.pos(name)
    new = tag == UNKNOWN
    if not (new or tag in PERSON_TAGS) or not is_cjk(name[0]):
        return NOT_A_NAME
    if name in res.lexicon.by_surface or tag == "ns" or name.endswith(PLACE_ENDINGS):
        return NOT_A_NAME
    if _addressed(name, res) or name[:2] in ADVERB_VERBS or name.endswith(("公司", "集团", "银行")):
        return NOT_A_NAME  # 曾任, 曾获 (the adverb 曾 and a verb), 孙公司
    # jieba's two-character "names" are often words (温泉, 白银); its three-character ones are people
    if (new or (tag == "nr" and len(name) == 3)) and len(name) <= 3 and name[0] not in AMBIGUOUS_SURNAMES \
            and looks_like_name(name) and not any(c in NOT_GIVEN_BARE for c in name[1:]):
        return NAME_BY_ITSELF
    if all(is_cjk(c) for c in name) and not any(c in NOT_GIVEN_BARE for c in name):
        return NAME_IN_CONTEXT
    return NOT_A_NAME


#: Endings of role nouns of three or more characters (书法家, 建筑师, 研究员, 守门员, 狙击手).
ROLE_ENDINGS = ("家", "师", "员", "手")
#: What opens a line or sentence: a name written there before a colon is its speaker (甲乙: ...).
LINE_OPENERS = "\n\r 。!?！？"


def _role_word(word: str, seg) -> bool:
    """A role noun written just before a name (书法家曾巩, 建筑师田申申)."""
    return len(word) >= 3 and word.endswith(ROLE_ENDINGS) and seg.pos(word)[:1] == "n"


def _given_tail(word: str, seg) -> bool:
    """A token that starts with the last character of a given name the segmenter cut off: a bound
    noun morpheme (邦, ng) or an unknown pair ending in 等 (洪等)."""
    if not word or not is_cjk(word[0]) or word[0] in NOT_GIVEN_BARE:
        return False
    tag = seg.pos(word)
    return (len(word) == 1 and tag == "ng") or (len(word) == 2 and word[1] == "等" and tag == UNKNOWN)


def _surname_token(word: str, seg) -> bool:
    """A one-character token that can be a surname split from its given name (彭/小军)."""
    return len(word) == 1 and (word in PLAIN_SURNAMES or seg.pos(word) == "nr")


def _appointed(text: str, start: int, end: int) -> bool:
    """A name between an appointment verb and the post (任命甲乙为副行长)."""
    return bool(APPOINT_BEFORE.search(text, max(0, start - 2), start) and APPOINT_AFTER.match(text, end))


def _speaker(text: str, start: int, end: int) -> bool:
    """A name that opens a line or sentence and is followed by a colon (甲乙：…, an interview's turn)."""
    return text[end:end + 1] in (":", "：") and (start == 0 or text[start - 1] in LINE_OPENERS)


def _bare_names(doc: Document, res: Resources) -> list[Mention]:
    """Names without a title: a new word (not in jieba's dictionary) or a dictionary person name
    that starts with a common surname (叶老桂, 范冰冰); any such word next to a speech verb or a
    role noun (莫里尼奥表示, 主教练沃尔贝克); transliterated names with · (西摩尔·霍夫曼)."""
    found, text = [], doc.norm
    kinds = res.memo.setdefault(NAME, {})
    skip = res.memo.setdefault(NAME + ".skip", set())  # words neither rule below can use
    seg, tokens = res.segmenter, doc.tokens
    last = len(tokens) - 1
    candidates = sorted(k for word, where in token_index(doc).words.items() if word not in skip for k in where)
    for k in candidates:
        tok = tokens[k]
        word = tok.text
        if len(word) == 3 and word[-1] in GLUED_TAILS and k < last \
                and seg.pos(word) == UNKNOWN and looks_like_name(word[:2]) \
                and (seg.pos(tokens[k + 1].text)[:1] == "v" or word[-1] in CONJUNCTION_TAILS
                     and is_cjk(tokens[k + 1].text[0])):
            found.append(mention(doc, tok.start, tok.end - 1, "Person", NAME, 0.55))
            continue
        kind = kinds.get(word)
        if kind is None:
            kind = kinds[word] = _bare_kind(word, res)
        if kind == NOT_A_NAME:
            if not (len(word) == 3 and word[-1] in GLUED_TAILS) and not _surname_token(word, seg):
                skip.add(word)
            continue
        if kind == NAME_BY_ITSELF:
            end = tok.end
            if len(word) == 2 and k < last and seg.pos(word) == UNKNOWN and _given_tail(tokens[k + 1].text, seg):
                end += 1  # 梁定/邦, 何道/洪等: the segmenter cut the last character of the given name off
            found.append(mention(doc, tok.start, end, "Person", NAME, 0.55))
        elif SPEECH_AFTER.match(text, tok.end) or STAKE_AFTER.match(text, tok.end) or _appointed(text, tok.start, tok.end) \
                or ROLE_BEFORE.search(text, max(0, tok.start - 4), tok.start) \
                or (k and _role_word(tokens[k - 1].text, seg)) or _speaker(text, tok.start, tok.end):
            found.append(mention(doc, tok.start, tok.end, "Person", NAME, 0.5))
    for k in candidates:  # 据彭/小军此前透露: a surname jieba split from the given name
        if k >= last:
            break
        first, second = tokens[k], tokens[k + 1]
        if _surname_token(first.text, seg) and 1 <= len(second.text) <= 2 and all(is_cjk(c) for c in second.text) \
                and second.text not in ADDRESS_TAILS and not _addressed(first.text + second.text, res) \
                and not any(c in NOT_GIVEN_BARE for c in second.text) \
                and (SPEECH_AFTER.match(text, second.end) or ROLE_BEFORE.search(text, max(0, first.start - 4), first.start)
                     or _appointed(text, first.start, second.end)
                     or _speaker(text, first.start, second.end)
                     or STAKE_AFTER.match(text, second.end)
                     or (first.text in PLAIN_SURNAMES and text[first.start - 1:first.start] in ("据", "、"))):
            found.append(mention(doc, first.start, second.end, "Person", NAME, 0.5))
    for m in BYLINE.finditer(text):  # 记者 王乙丙 / 本报记者王乙丙、李丁: the byline's authors
        start = m.start(1)
        for _ in range(4):
            group = text[start:start + 3]
            length = next((n for n in (3, 2) if len(group) >= n and all(is_cjk(c) for c in group[:n])
                           and _byline_name(group[:n]) and BYLINE_END.match(text, start + n)), 0)
            if not length:
                break
            found.append(mention(doc, start, start + length, "Person", NAME, 0.6))
            if text[start + length:start + length + 1] not in ("、", " ") or text.startswith("报道", start + length + 1):
                break  # 记者 王乙丙 李丁 报道: names separated by 、 or a space
            start += length + 1
    for m in TRANSLITERATED.finditer(text):
        start, end = m.start(), m.end()
        while start > 0 and text[start - 1] in TRANSLIT and m.start() - start < 6:
            start -= 1
        while end < len(text) and (text[end] in TRANSLIT or text[end] == "·") and end - m.end() < 8:
            end += 1
        overlaps = found and found[-1].end > start
        if m.start() - start >= 1 and end - m.end() >= 1 and not overlaps:
            found.append(mention(doc, start, end, "Person", NAME, 0.6))
    return found


def propose(doc: Document, res: Resources) -> list[Mention]:
    """Person mentions next to job titles (title before or after the name), and bare names."""
    found = _bare_names(doc, res)
    if not res.lexicon.titles:
        return found + _listed(doc, found, res)
    after, before = _patterns(tuple(res.lexicon.titles))
    text = doc.norm
    for m in after.finditer(text):
        length = _best_name(m.group(2), doc, m.start(2), res)
        if length and not _addressed(m.group(2)[:length], res) and _name_tokens(doc, m.start(2), m.start(2) + length, res):
            found.append(mention(doc, m.start(2), m.start(2) + length, "Person", NAME, 0.85))
    for m in before.finditer(text):
        name = m.group(1)
        if name[0] in "位名个" and COUNTED.search(text, max(0, m.start(1) - 1), m.start(1)):
            continue
        if looks_like_name(name) and not _addressed(name, res) and _name_tokens(doc, m.start(1), m.end(1), res) \
                and not _common_noun(name, res):
            found.append(mention(doc, m.start(1), m.end(1), "Person", NAME, 0.7))
    return found + _listed(doc, found, res)


#: What ends an item of a list of people (吴甲、李乙等).
ITEM_END = frozenset(("、", "等", "和", "与", "及", ",", "，", "。", ";", "；"))


def _listed(doc: Document, people: list[Mention], res: Resources) -> list[Mention]:
    """The other items of a 、-list that holds a person found above (吴甲、李乙丙、冯丁): a whole
    token of two or three characters that is a new word or a dictionary name and starts with a
    surname is a person too."""
    text, tokens, index, seg = doc.norm, doc.tokens, token_index(doc), res.segmenter
    if "、" not in text or not people:
        return []
    seen = {(m.start, m.end) for m in people}
    todo, out = sorted(seen), []
    while todo:
        start, end = todo.pop()
        for k in ((index.at(end + 1),) if text[end:end + 1] == "、" else ()) + \
                ((index.at(start - 2),) if start >= 2 and text[start - 1] == "、" else ()):
            tok = tokens[k]
            word = tok.text
            if (tok.start, tok.end) in seen or not (tok.start == end + 1 or tok.end == start - 1):
                continue
            before, after = text[tok.start - 1:tok.start], text[tok.end:tok.end + 1]
            if before not in ITEM_END and tok.start != end + 1 or after not in ITEM_END and tok.end != start - 1:
                continue  # the item must be the whole token between two list marks
            if 2 <= len(word) <= 3 and all(is_cjk(c) for c in word) and looks_like_name(word) \
                    and seg.pos(word) in (UNKNOWN, *PERSON_TAGS) and word not in res.lexicon.by_surface \
                    and not _addressed(word, res) and not any(c in NOT_GIVEN_BARE for c in word[1:]):
                seen.add((tok.start, tok.end))
                todo.append((tok.start, tok.end))
                out.append(mention(doc, tok.start, tok.end, "Person", NAME, 0.5))
    return out


def _common_noun(name: str, res: Resources) -> bool:
    """A dictionary noun or a job title written before a title (公司董事, 董事合伙人): not a name."""
    tag = res.segmenter.pos(name)
    return tag[:1] == "n" and tag not in PERSON_TAGS or name in res.lexicon.title_set


def _name_tokens(doc: Document, start: int, end: int, res: Resources) -> bool:
    """True when no ordinary word crosses or fills ``[start, end)``: the tokens there are single
    characters, new words or names (吕/仲涛, 田惠宇), not 陆续 or 客户."""
    index = token_index(doc)
    for tok in doc.tokens[index.at(start):index.at(end - 1) + 1]:
        if len(tok.text) >= 2 and res.segmenter.pos(tok.text)[:1] in ("d", "v", "a", "b", "c", "p", "r", "m", "q", "u"):
            return False
        if tok.text in LEAD_WORDS or tok.end > end and tok.text in res.lexicon.title_set:
            return False  # 时任|总经理: a role word, and a title the name would cut
    return True
