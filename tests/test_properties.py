"""Property-based tests: whatever the text, the build never crashes and its output is sound.

Texts mix CJK, emoji, control characters, very long runs, markup and lexicon names spliced in.
Each example checks that every offset slices the text exactly, that every serialization parses
with rdflib and pyoxigraph and holds exactly the built quads, and the invariants of
``../shared/tools/check_graph.py``. A few examples also go through SHACL.

Runs are deterministic (``derandomize=True``). ``KG_PROPERTY_EXAMPLES`` raises the number of
examples for a longer hunt, e.g. ``KG_PROPERTY_EXAMPLES=2000 pytest tests/test_properties.py``.
"""
from __future__ import annotations

import codecs
import os
from collections import defaultdict

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.io import decode

EXAMPLES = int(os.environ.get("KG_PROPERTY_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITS = "http://www.w3.org/2005/11/its/rdf#"
ZKG = "https://w3id.org/zhkg/ontology#"
FORMATS = {"ttl": (ox.RdfFormat.TURTLE, "turtle"), "trig": (ox.RdfFormat.TRIG, "trig"),
           "nt": (ox.RdfFormat.N_TRIPLES, "nt"), "nq": (ox.RdfFormat.N_QUADS, "nquads"),
           "jsonld": (ox.RdfFormat.JSON_LD, "json-ld")}

NAMES = ["中国工商银行", "工行", "工商银行", "“工银玺链”平台", "7亿个人客户", "中國工商銀行", "区块链", "人工智能",
         "融安e信", "e抵快贷", "中国人民银行", "首席技术官吕仲涛", "超过3000万户", "120亿次", "工银兴农通App",
         "“抗疫贷”", "以下简称“工行”", "蚂蚁集团", "推出", "运用", "合作", "监管", "位于北京"]
MARKUP = ["<p>", "</p>", "<script>alert(1)</script>", "&amp;", "&#x4e2d;", "**", "# ", "[链接](http://x/y)",
          "<!-- -->", "```", "{\"text\": 1}", "\\", "\"", "'", "<>", "@zh", "^^", " . ", " ; ", "_:b0"]
CONTROLS = ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\u2028", "\u2029",
            "\ufeff", "\ufffe", "\u200b", "\u202e", "\r", "\r\n", "\t", "\n"]
PUNCT = list("。，、；：？！“”‘’（）《》「」『』…—·%．,.!?;:()") + ["\u3000"]
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
ANY = st.characters(codec="utf-8")  # any code point but lone surrogates (tested on their own below)

PIECES = st.one_of(
    st.sampled_from(NAMES), st.sampled_from(MARKUP), st.sampled_from(CONTROLS), st.sampled_from(PUNCT),
    st.text(CJK, min_size=1, max_size=12), st.text(EMOJI, min_size=1, max_size=3),
    st.text(ANY, min_size=1, max_size=8), st.integers(0, 10**12).map(str),
    st.tuples(st.sampled_from(["银", "。", "a", "😀", " ", "\n", "工行"]), st.integers(50, 1500)).map(
        lambda t: t[0] * t[1]),  # very long runs
)
TEXTS = st.lists(PIECES, min_size=1, max_size=40).map("".join)


def _build(text: str):
    from kg.api import build_text

    return build_text(text, doc_id="p")


def _by_subject(quads) -> dict:
    out: dict = defaultdict(lambda: defaultdict(list))
    for q in quads:
        out[q.subject][q.predicate.value].append(q.object)
    return out


def check_offsets(text: str, quads) -> None:
    """Every node with nif:anchorOf and offsets slices the text exactly (mentions, metrics, sentences)."""
    for subject, props in _by_subject(quads).items():
        if NIF + "anchorOf" in props:
            [anchor], [b], [e] = props[NIF + "anchorOf"], props[NIF + "beginIndex"], props[NIF + "endIndex"]
            assert 0 <= int(b.value) < int(e.value) <= len(text), subject
            assert text[int(b.value):int(e.value)] == anchor.value, subject


def check_contract(text: str, quads) -> None:
    """The invariants ../shared/tools/check_graph.py checks, plus the Article's text and length."""
    subjects = _by_subject(quads)
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    for subject, props in subjects.items():
        types = {t.value for t in props.get(RDF + "type", [])}
        if NIF + "Phrase" in types or ITS + "taIdentRef" in props:
            for p in ("beginIndex", "endIndex", "anchorOf", "referenceContext"):
                assert len(props[NIF + p]) == 1, (subject, p)
            assert len(props[ITS + "taIdentRef"]) == 1 and len(props[ITS + "taClassRef"]) == 1
            assert props[ITS + "taIdentRef"][0] in subjects, "a mention points to an undescribed entity"
        if any(t.startswith(ZKG) for t in types) and not types & {ZKG + "Article", ZKG + "Metric"}:
            assert props.get(RDFS + "label"), f"entity {subject} has no rdfs:label"
        if RDF + "Statement" in types:
            s, p, o = (props[RDF + x] for x in ("subject", "predicate", "object"))
            assert len(s) == len(p) == len(o) == 1, subject
            assert (s[0], p[0], o[0]) in triples, f"evidence {subject} describes a missing triple"
            assert props[ZKG + "evidence"] and props[ZKG + "extractor"] and props[ZKG + "confidence"]
        if NIF + "Context" in types:
            assert [x.value for x in props[NIF + "isString"]] == [text]
            assert int(props[NIF + "endIndex"][0].value) == len(text)


def check_serializations(result) -> None:
    """Every format parses with both parsers and holds exactly the built quads (or triples)."""
    quads = set(result.quads)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    for fmt, (ox_format, rdflib_format) in FORMATS.items():
        data = result.serialize(fmt)
        parsed = list(ox.parse(data, format=ox_format))
        if ox_format.supports_datasets:
            assert set(parsed) == quads, fmt
        else:
            assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == triples, fmt
        ds = rdflib.Dataset()
        ds.parse(data=data, format=rdflib_format)
        assert len({(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}) == len(triples), fmt


@SETTINGS
@given(TEXTS)
def test_build_never_crashes_and_output_is_sound(text):
    if not text.strip():
        text += "工行"
    result = _build(text)
    check_offsets(text, result.quads)
    check_contract(text, result.quads)
    check_serializations(result)


@settings(SETTINGS, max_examples=max(4, EXAMPLES // 15))
@given(st.lists(st.sampled_from(NAMES + PUNCT + MARKUP), min_size=3, max_size=25).map("".join))
def test_shacl_passes_on_built_graphs(text):
    validate = pytest.importorskip("kg.validate").validate
    result = _build(text + "。")
    report = validate(result)
    assert report.conforms, [v.message for v in report.violations if v.severity == "Violation"][:5]


@SETTINGS
@given(st.text(ANY, min_size=1, max_size=200))
def test_bom_marked_text_decodes_exactly(text):
    """(UTF-16 LE for a text starting with NUL begins FF FE 00 00, the UTF-32 LE BOM: left out.)"""
    for bom, enc in [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")]:
        if not (enc == "utf-16-le" and text.startswith("\x00")):
            assert decode(bom + text.encode(enc), "p.txt") == text


@SETTINGS
@given(st.text(ANY, max_size=200))
def test_utf8_decodes_exactly_or_fails_clearly(text):
    """Plain UTF-8 comes back unchanged, or (binary-looking text) as a one-line InputError."""
    try:
        decoded = decode(text.encode("utf-8"), "p.txt")
    except InputError as exc:
        assert str(exc).startswith("p.txt: ") and "\n" not in str(exc)
        return
    assert decoded == text or "\x00" in text  # NUL-bearing bytes may be read as BOM-less UTF-16


def test_lone_surrogate_in_text_given_to_the_api():
    """The API cleans lone surrogates (one character for one) before hashing and writing."""
    result = _build("工行\ud800推出“工银玺链”平台。")
    check_serializations(result)


@SETTINGS
@given(st.lists(st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=80)
                .filter(str.strip), min_size=1, max_size=5), st.booleans())
def test_jsonl_records_come_back_exactly(texts, ascii_only):
    """Any text, written as JSONL (escaped or raw), reads back the same; lone surrogates as U+FFFD."""
    import json
    import tempfile
    from pathlib import Path

    from kg.io import clean_text, read_documents

    records = [json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=ascii_only) for i, t in enumerate(texts)]
    lone = [any("\ud800" <= c <= "\udfff" for c in t) for t in texts]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.jsonl"
        path.write_bytes("\n".join(records).encode("utf-8", "surrogatepass") + b"\n")
        skipped: list = []
        docs = [(d.id, d.text) for d in read_documents([path], skipped=skipped)]
    if ascii_only:  # \uXXXX escapes: every record, lone surrogates replaced
        assert docs == [(f"r{i}", clean_text(t)) for i, t in enumerate(texts)] and skipped == []
    else:  # a raw lone surrogate is not UTF-8: only its line is reported
        assert docs == [(f"r{i}", t) for i, t in enumerate(texts) if not lone[i]]
        reported = [s.reason for s in skipped if "invalid UTF-8" in s.reason]
        assert len(reported) == len(skipped) == sum(lone)


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 3))
@given(st.lists(TEXTS.filter(str.strip), min_size=2, max_size=4))
def test_corpus_build_never_crashes_and_each_graph_is_sound(texts):
    """Several random documents through JSONL and kg.api.build: names found in one are looked for
    in the others, entities are resolved across them; each document's offsets and text stay exact."""
    import json
    import tempfile
    from pathlib import Path

    from kg.api import build

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.jsonl"
        path.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
                        encoding="utf-8")
        result = build([path])
    assert result.skipped == [] and [d.id for d in result.documents] == [f"d{i}" for i in range(len(texts))]
    check_serializations(result)
    for i, text in enumerate(texts):
        graph = ox.NamedNode(f"https://w3id.org/zhkg/id/doc/d{i}")
        quads = [q for q in result.quads if q.graph_name == graph]
        check_offsets(text, quads)
        check_contract(text, quads)
