"""Checks on the curated lexicon ``ontology/lexicon/*.tsv``.

The files are data, not code, so these tests are their schema: the header, one well-formed
entity a line, valid classes, sorted names, and every surface form (name or alias) pointing at
exactly one entity across all files, so the matcher never has to guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.ontology import ENTITY_CLASSES, ONTOLOGY_DIR

LEXICON_DIR = ONTOLOGY_DIR / "lexicon"
HEADER = ["name", "class", "aliases", "en", "wikidata"]
QID = re.compile(r"^Q[1-9][0-9]*$")

#: The classes each file may hold; titles are not entities, so JobTitle lives there alone.
FILE_CLASSES: dict[str, set[str]] = {
    "banks.tsv": {"FinancialInstitution"},
    "financial.tsv": {"FinancialInstitution", "Company"},
    "government.tsv": {"GovernmentAgency", "Organization"},
    "research.tsv": {"ResearchInstitute", "Organization"},
    "companies.tsv": {"Company"},
    "technology.tsv": {"Technology"},
    "titles.tsv": {"JobTitle"},
    "places.tsv": {"Place"},
    "publications.tsv": {"Publication", "Organization"},
}

#: Short forms that are ordinary words or name several entities: none may be a surface form.
AMBIGUOUS = [
    "招商", "平安", "中信", "华夏", "民生", "兴业", "光大", "浦东", "华融", "长城", "大华",
    "苹果", "浪潮", "联想", "开源", "美的", "汇金", "人大", "中金", "中央", "国家", "银行",
    "金管局", "微博", "澎湃", "界面", "财经", "财富", "银行家", "曙光", "荣耀", "中国东方",
    "友邦", "快钱", "网联", "马上消费", "社科院", "南都", "三星",
    # journal titles that are also everyday phrases: left to the 《》 quoted-name extractor
    "中国金融", "中国银行业", "金融研究", "经济研究", "金融电子化", "管理世界",
]

#: All-Latin aliases that are English words or too short to be safe in mixed text.
LATIN_STOPWORDS = {"safe", "most", "un", "ing", "ey", "it", "is", "on", "an", "as", "at", "in"}


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    name: str
    cls: str
    aliases: tuple[str, ...]
    en: str
    wikidata: str


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: UTF-8 BOM"
    assert b"\r" not in raw, f"{path.name}: CR line ending"
    assert raw.endswith(b"\n"), f"{path.name}: no final newline"
    lines = raw.decode("utf-8").split("\n")[:-1]
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def _rows(path: Path) -> list[Row]:
    _, records = _read(path)
    return [
        Row(path.name, n, r[0], r[1], tuple(r[2].split("|")) if r[2] else (), r[3], r[4])
        for n, r in enumerate(records, start=2)
    ]


def _all_rows() -> list[Row]:
    return [row for name in sorted(FILE_CLASSES) for row in _rows(LEXICON_DIR / name)]


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return _all_rows()


@pytest.fixture(scope="module")
def surface(rows: list[Row]) -> dict[str, Row]:
    """Every name and alias mapped to the one entity it stands for."""
    table: dict[str, Row] = {}
    for row in rows:
        for form in (row.name, *row.aliases):
            table.setdefault(form, row)
    return table


def test_exactly_the_expected_files_exist() -> None:
    assert sorted(p.name for p in LEXICON_DIR.glob("*.tsv")) == sorted(FILE_CLASSES)


@pytest.mark.parametrize("file", sorted(FILE_CLASSES))
def test_file_is_well_formed(file: str) -> None:
    header, records = _read(LEXICON_DIR / file)
    assert header == HEADER
    assert records, f"{file}: no entries"
    for n, fields in enumerate(records, start=2):
        where = f"{file}:{n}"
        assert len(fields) == len(HEADER), f"{where}: {len(fields)} fields"
        for field in fields:
            assert field == field.strip(), f"{where}: whitespace around {field!r}"
        name, cls, aliases, en, wikidata = fields
        assert name, f"{where}: empty name"
        assert en, f"{where}: empty English name"
        assert cls in FILE_CLASSES[file], f"{where}: class {cls!r} not allowed in {file}"
        assert not wikidata or QID.match(wikidata), f"{where}: bad Wikidata id {wikidata!r}"
        if aliases:
            parts = aliases.split("|")
            assert all(p and p == p.strip() for p in parts), f"{where}: empty or padded alias"
            assert len(set(parts)) == len(parts), f"{where}: repeated alias"
            assert name not in parts, f"{where}: alias repeats the name"


@pytest.mark.parametrize("file", sorted(FILE_CLASSES))
def test_names_sorted_and_unique_within_file(file: str) -> None:
    names = [row.name for row in _rows(LEXICON_DIR / file)]
    assert names == sorted(set(names)), f"{file}: names not strictly sorted"


def test_classes_are_ontology_classes(rows: list[Row]) -> None:
    for row in rows:
        if row.file == "titles.tsv":
            assert row.cls == "JobTitle"
        else:
            assert row.cls in ENTITY_CLASSES, f"{row.file}:{row.line}: {row.cls}"


def test_no_name_in_two_files(rows: list[Row]) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        assert row.name not in seen, f"{row.name} in {seen.get(row.name)} and {row.file}"
        seen[row.name] = row.file


def test_every_surface_form_names_one_entity(rows: list[Row]) -> None:
    owner: dict[str, str] = {}
    for row in rows:
        for form in (row.name, *row.aliases):
            other = owner.setdefault(form, row.name)
            assert other == row.name, f"{form!r} stands for both {other} and {row.name}"


def test_wikidata_ids_are_not_shared(rows: list[Row]) -> None:
    ids = [row.wikidata for row in rows if row.wikidata]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("form", AMBIGUOUS)
def test_ambiguous_short_forms_are_not_listed(form: str, surface: dict[str, Row]) -> None:
    assert form not in surface, f"{form!r} is listed for {surface[form].name}"


def test_aliases_are_not_single_characters_or_english_words(rows: list[Row]) -> None:
    for row in rows:
        for alias in row.aliases:
            assert len(alias) >= 2, f"{row.name}: alias {alias!r} too short"
            assert alias.lower() not in LATIN_STOPWORDS, f"{row.name}: alias {alias!r}"


def test_lexicon_is_broad_enough(rows: list[Row]) -> None:
    assert len(rows) >= 400
    banks = [row for row in rows if row.file == "banks.tsv"]
    assert len(banks) >= 100


@pytest.mark.parametrize(
    ("form", "name", "cls"),
    [
        ("工行", "中国工商银行", "FinancialInstitution"),
        ("ICBC", "中国工商银行", "FinancialInstitution"),
        ("建行", "中国建设银行", "FinancialInstitution"),
        ("邮储银行", "中国邮政储蓄银行", "FinancialInstitution"),
        ("浦发银行", "上海浦东发展银行", "FinancialInstitution"),
        ("微众银行", "深圳前海微众银行", "FinancialInstitution"),
        ("国开行", "国家开发银行", "FinancialInstitution"),
        ("上交所", "上海证券交易所", "FinancialInstitution"),
        ("中金公司", "中国国际金融股份有限公司", "FinancialInstitution"),
        ("支付宝", "支付宝（中国）网络技术有限公司", "FinancialInstitution"),
        ("央行", "中国人民银行", "GovernmentAgency"),
        ("人行", "中国人民银行", "GovernmentAgency"),
        ("工信部", "工业和信息化部", "GovernmentAgency"),
        ("发改委", "国家发展和改革委员会", "GovernmentAgency"),
        ("金融监管总局", "国家金融监督管理总局", "GovernmentAgency"),
        ("证监会", "中国证券监督管理委员会", "GovernmentAgency"),
        ("信通院", "中国信息通信研究院", "ResearchInstitute"),
        ("CAICT", "中国信息通信研究院", "ResearchInstitute"),
        ("中科院", "中国科学院", "ResearchInstitute"),
        ("互金协会", "中国互联网金融协会", "Organization"),
        ("华为", "华为技术有限公司", "Company"),
        ("阿里", "阿里巴巴集团", "Company"),
        ("AI", "人工智能", "Technology"),
        ("RPA", "机器人流程自动化", "Technology"),
        ("信创", "信息技术应用创新", "Technology"),
        ("CTO", "首席技术官", "JobTitle"),
        ("董秘", "董事会秘书", "JobTitle"),
        ("北京", "北京市", "Place"),
        ("香港", "香港特别行政区", "Place"),
        ("新华社", "新华通讯社", "Organization"),
        ("中国金融电脑", "中国金融电脑", "Publication"),
    ],
)
def test_known_entries(form: str, name: str, cls: str, surface: dict[str, Row]) -> None:
    row = surface[form]
    assert (row.name, row.cls) == (name, cls)


@pytest.mark.parametrize(
    ("name", "qid"),
    [("中国工商银行", "Q26463"), ("华为技术有限公司", "Q160120"), ("中国", "Q148")],
)
def test_known_wikidata_ids(name: str, qid: str, surface: dict[str, Row]) -> None:
    assert surface[name].wikidata == qid
