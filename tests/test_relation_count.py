"""One relation count and one entity count: kg build's summary, kg viz, kg stats and kg export give
the same numbers (distinct zkg: relation triples between entities, kg.counts.RELATIONS_QUERY; IRIs
typed with an entity class, kg.counts.ENTITIES_QUERY), so does the store."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.ontology import PREFIXES
from kg.counts import ENTITIES_QUERY, RELATIONS_QUERY, count_entities, count_relations

ROOT = Path(__file__).resolve().parents[1]
KG = [sys.executable, "-m", "kg"]


def run(*args, cwd):
    proc = subprocess.run([*KG, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


def relations_in(text: str) -> int:
    return int(re.search(r"(\d+) relations", text).group(1))


def entities_in(text: str) -> int:
    return int(re.findall(r"(\d+) entities", text)[-1])


@pytest.mark.parametrize("article", ["icbc_fintech.txt", "corpus.jsonl"])
def test_build_viz_stats_export_store_agree(tmp_path, article):
    src = ROOT / "examples" / "articles" / article
    built_out = run("build", str(src), "-o", "g.trig", "--force", cwd=tmp_path)
    drawn_out = run("viz", "g.trig", "-o", "g.html", cwd=tmp_path)
    built, drawn = relations_in(built_out), relations_in(drawn_out)
    proc = subprocess.run([*KG, "stats", "g.trig", "--format", "json", "--no-communities"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    stats = json.loads(proc.stdout)
    export_out = run("export", "g.trig", "-o", "g.graphml", cwd=tmp_path)
    store_out = run("build", str(src), "--store", f"oxigraph:{tmp_path / 'db'}", cwd=tmp_path)
    exported, stored = relations_in(export_out), relations_in(store_out)
    store = ox.Store()
    store.load(path=str(tmp_path / "g.trig"), format=ox.RdfFormat.TRIG)
    union = store.query(RELATIONS_QUERY, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
    sparql = int(next(iter(union))[0].value)
    assert sparql == count_relations(store)
    assert built == drawn == stats["relations"] == exported == stored == sparql > 0
    union = store.query(ENTITIES_QUERY, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
    entities = int(next(iter(union))[0].value)
    nquads = ox.serialize(store, format=ox.RdfFormat.N_QUADS)
    assert entities == count_entities(store) == count_entities(nquads)
    assert [entities_in(o) for o in (built_out, drawn_out, export_out, store_out)] == [entities] * 4
    assert stats["entities"] == entities > 0


def test_a_fact_stated_twice_counts_once(tmp_path):
    # two sentences state the same fact: the build's count is the graph's distinct triples
    (tmp_path / "a.txt").write_text("招商银行推出了“掌上生活”App。招商银行还推出了“掌上生活”App。\n",
                                    encoding="utf-8")
    out = run("build", "a.txt", "-o", "a.nq", "--force", cwd=tmp_path)
    data = (tmp_path / "a.nq").read_bytes()
    assert relations_in(out) == count_relations(data)
    assert relations_in(out) == relations_in(run("viz", "a.nq", "-o", "a.html", cwd=tmp_path))


def test_counts_ignore_lookalikes_inside_literals():
    zkg = "https://w3id.org/zhkg/ontology#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    trap = f' <{zkg}develops> <urn:x> . <urn:y> <{rdf_type}> <{zkg}Company> '
    nquads = (f'<urn:a> <{rdf_type}> <{zkg}Company> <urn:g> .\n'
              f'<urn:p> <{rdf_type}> <{zkg}Product> <urn:g> .\n'
              f'<urn:a> <{zkg}develops> <urn:p> <urn:g> .\n'
              f'<urn:a> <{zkg}develops> <urn:p> <urn:h> .\n'
              f'<urn:a> <{zkg}extractor> "{trap}" <urn:g> .\n'
              f'_:b <{rdf_type}> <{zkg}Company> <urn:g> .\n'
              f'<urn:m> <{rdf_type}> <{zkg}Metric> <urn:g> .\n').encode()
    assert (count_entities(nquads), count_relations(nquads)) == (2, 1)
    lines = nquads.splitlines(keepends=True)
    chunks = [b"".join(lines[:3]), b"".join(lines[3:])]
    assert (count_entities(chunks), count_relations(chunks)) == (2, 1)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_counts_kept_while_writing_are_those_of_the_written_graph(workers):
    """kg build counts entities and relations as it writes each graph (kg.counts.Tally): the same
    numbers as counting what it wrote, whatever the number of workers."""
    from kg import api

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "articles").glob("*.txt"))]
    result = api.build_documents([api.Document(id=f"d{i}", text=t) for i, t in enumerate(texts * 2)],
                                 workers=workers)
    written = list(result.graph.chunks())
    assert (result.entity_count, result.relation_count) == (count_entities(written), count_relations(written))
    assert result.relation_count > 10 and result.entity_count > 10
