"""The example graphs in examples/graphs are what `kg build` gives today (rdflib.compare)."""
from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from conftest import ROOT

ARTICLES = sorted((ROOT / "examples" / "articles").glob("*.txt")) + \
    sorted((ROOT / "examples" / "articles").glob("*.jsonl"))


def _union(data: bytes, fmt: str) -> rdflib.Graph:
    ds = rdflib.Dataset()
    ds.parse(data=data, format=fmt)
    g = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.name)
def test_example_graph_is_current(article: Path):
    from kg.api import build

    golden = ROOT / "examples" / "graphs" / (article.stem + ".trig")
    assert golden.exists(), f"run `make examples` to create {golden.name}"
    expected = _union(golden.read_bytes(), "trig")
    actual = _union(build([article]).serialize("trig"), "trig")
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = sorted(f"- {t}" for t in only_expected)[:15] + sorted(f"+ {t}" for t in only_actual)[:15]
        pytest.fail("graph changed; check the diff, then `make examples`:\n" + "\n".join(lines))


def test_same_input_gives_identical_bytes(tmp_path):
    from kg.api import build

    article = ROOT / "examples" / "articles" / "icbc_fintech.txt"
    for fmt in ("ttl", "trig", "nt", "nq", "jsonld"):
        assert build([article]).serialize(fmt) == build([article]).serialize(fmt), fmt
