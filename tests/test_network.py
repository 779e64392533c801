"""kg.to_networkx, kg export and kg stats: the RDF graph as a network, and files other tools read."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

import kg
from kg.errors import InputError, OutputError
from kg.network import (EXPORT_FORMATS, export_bytes, export_format, network_stats, to_networkx,
                        undirected)
from kg.ontology import ENTITY_CLASSES, PREFIXES, RELATIONS, ZKG_IRI
from kg.viz.model import extract
from kg.viz.sources import open_store
from kg.viz.synthetic import example_trig, synthetic_ntriples

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "graphs" / "corpus.trig"
KG = [sys.executable, "-m", "kg"]
PRE = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items())
EXT = {"graphml": ".graphml", "gexf": ".gexf", "neo4j-csv": ".zip", "cytoscape-json": ".cyjs"}


def run(*args, cwd=ROOT, timeout=120):
    return subprocess.run([*KG, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def select(store: ox.Store, query: str) -> list[tuple]:
    rows = store.query(PRE + query, use_default_graph_as_union=True)
    return [tuple(None if t is None else t.value for t in row) for row in rows]


@pytest.fixture(scope="module", params=["corpus", "example"])
def rdf(request, tmp_path_factory) -> Path:
    if request.param == "corpus":
        return CORPUS
    path = tmp_path_factory.mktemp("net") / "example.trig"
    path.write_text(example_trig(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus_net() -> nx.MultiDiGraph:
    return to_networkx(CORPUS)


# ---------------------------------------------------------------- round trip against SPARQL

def expected(path: Path):
    """Entities, relations and their attributes, straight from SPARQL over the RDF file."""
    store = open_store([path])
    classes = " ".join(f"zkg:{c}" for c in ENTITY_CLASSES)
    ents = {e for (e,) in select(store, f"SELECT DISTINCT ?e {{ ?e a ?c VALUES ?c {{ {classes} }} }}")}
    rels = " ".join(f"zkg:{r}" for r in RELATIONS)
    triples = {(s, p[len(ZKG_IRI):], o) for s, p, o in select(
        store, f"SELECT DISTINCT ?s ?p ?o {{ ?s ?p ?o VALUES ?p {{ {rels} }} }}")
        if s in ents and o in ents and s != o}
    labels = dict(select(store, 'SELECT ?e ?l { ?e rdfs:label ?l FILTER(langMatches(lang(?l), "zh")) }'))
    aliases = defaultdict(set)
    for e, a in select(store, "SELECT ?e ?a { ?e skos:altLabel ?a }"):
        aliases[e].add(a)
    mentions = Counter(e for e, _ in select(
        store, "SELECT DISTINCT ?e ?m { ?m itsrdf:taIdentRef ?e }"))
    conf = defaultdict(float)
    for s, p, o, c in select(store, "SELECT ?s ?p ?o ?c { ?st rdf:subject ?s ; rdf:predicate ?p ;"
                                    " rdf:object ?o ; zkg:confidence ?c }"):
        conf[(s, p[len(ZKG_IRI):], o)] = max(conf[(s, p[len(ZKG_IRI):], o)], float(c))
    return ents, triples, labels, aliases, mentions, conf


def test_every_entity_and_relation_appears_once_with_attributes(rdf):
    ents, triples, labels, aliases, mentions, conf = expected(rdf)
    net = to_networkx(rdf)
    assert sorted(net.nodes) == sorted(ents)
    edges = [(u, k, v) for u, v, k in net.edges(keys=True)]
    assert len(edges) == len(set(edges)) and set(edges) == triples
    assert triples, "the fixture has relations"
    for iri, d in net.nodes(data=True):
        assert d["iri"] == iri and d["label"] == labels[iri]
        assert set(d["aliases"]) == aliases[iri] - {d["label"]}
        assert d["class"] in ENTITY_CLASSES
        assert d["mentions"] == mentions[iri]
        assert d["degree"] == net.degree(iri)
    for u, v, k, d in net.edges(keys=True, data=True):
        assert d["property"] == k and d["label"]
        assert d["confidence"] == pytest.approx(conf[(u, k, v)])
        assert d["evidence"] >= 1 and d["documents"]


def test_corpus_attributes(corpus_net):
    bank = corpus_net.nodes["https://w3id.org/zhkg/id/entity/中国建设银行"]
    assert bank["class"] == "FinancialInstitution" and bank["label_en"] == "China Construction Bank"
    assert bank["aliases"] == ["CCB", "建行", "建设银行"]
    assert (bank["documents"], bank["mentions"]) == (3, 6)  # ccb-2023-001 (3), -002 (2), pab-2023-004 (1)
    docs = corpus_net.graph["documents"]
    assert sorted(docs) == ["abc-2023-003", "ccb-2023-001", "ccb-2023-002", "pab-2023-004"]
    assert docs["ccb-2023-002"]["title"] == "建行与百度签署战略合作协议"
    edge = corpus_net.edges["https://w3id.org/zhkg/id/entity/中国建设银行",
                            "https://w3id.org/zhkg/id/entity/百度公司", "cooperatesWith"]
    assert edge == {"property": "cooperatesWith", "label": "合作", "confidence": 0.75,
                    "evidence": 1, "documents": ["ccb-2023-002"]}
    # the author is named by two articles but mentioned in neither text
    author = corpus_net.nodes["https://w3id.org/zhkg/id/entity/陈思远"]
    assert (author["documents"], author["mentions"]) == (2, 0)


def test_documents_count_articles_mentioning_or_naming_the_entity(corpus_net):
    store = open_store([CORPUS])
    docs = defaultdict(set)
    for e, d in select(store, "SELECT DISTINCT ?e ?d { { ?m itsrdf:taIdentRef ?e ; nif:referenceContext ?d }"
                              " UNION { ?d zkg:author|zkg:publishedIn ?e } }"):
        docs[e].add(d)
    assert {n: d["documents"] for n, d in corpus_net.nodes(data=True)} == \
        {n: len(docs[n]) for n in corpus_net}


def test_order_is_deterministic(corpus_net):
    assert list(corpus_net.nodes) == sorted(corpus_net.nodes)
    keys = [(u, k, v) for u, v, k in corpus_net.edges(keys=True)]
    assert keys == sorted(keys)
    again = to_networkx(CORPUS)
    assert list(again.nodes(data=True)) == list(corpus_net.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(corpus_net.edges(keys=True, data=True))


def test_every_source_gives_the_same_network(corpus_net, tmp_path):
    db = tmp_path / "db"
    store = ox.Store(str(db))
    store.bulk_load(path=str(CORPUS), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    sources = [str(CORPUS), [CORPUS], f"oxigraph:{db}", open_store([CORPUS]),
               rdflib.Dataset().parse(CORPUS, format="trig")]
    for source in sources:
        net = to_networkx(source)
        assert list(net.nodes(data=True)) == list(corpus_net.nodes(data=True)), source
        assert list(net.edges(keys=True, data=True)) == list(corpus_net.edges(keys=True, data=True))


def test_a_build_result_is_a_source():
    result = kg.build_text("中国工商银行推出“抗疫贷”产品。中国工商银行总部位于北京。", doc_id="t1")
    net = kg.to_networkx(result)
    names = {(net.nodes[u]["label"], k, net.nodes[v]["label"]) for u, v, k in net.edges(keys=True)}
    assert ("中国工商银行", "develops", "抗疫贷") in names
    assert net.graph["documents"]["t1"]["mentions"] >= 3
    assert all(d["documents"] == ["t1"] for *_, d in net.edges(keys=True, data=True))


@pytest.mark.parametrize("relations, classes, nodes, edges", [
    (["develops"], None, 24, 2),
    (None, ["Organization"], 8, 4),          # subclasses (banks, companies) included; cooperatesWith is one edge
    (None, ["Technology", "FinancialInstitution"], 11, 5),
    ([ZKG_IRI + "locatedIn"], ["Organization", "Place"], 10, 2),
])
def test_filters(relations, classes, nodes, edges):
    net = to_networkx(CORPUS, relations=relations, classes=classes)
    assert (net.number_of_nodes(), net.number_of_edges()) == (nodes, edges)
    if relations:
        assert {k for *_, k in net.edges(keys=True)} <= {r.rsplit("#", 1)[-1] for r in relations}
    for _, d in net.nodes(data=True):
        assert d["degree"] == net.degree(d["iri"])


@pytest.mark.parametrize("kw, message", [
    ({"relations": ["develop"]}, "unknown relation develop"),
    ({"classes": ["Bank"]}, "unknown class Bank"),
])
def test_unknown_filter_names(kw, message):
    with pytest.raises(InputError, match=message):
        to_networkx(CORPUS, **kw)


def test_viz_uses_the_same_conversion(corpus_net):
    graph = extract(open_store([CORPUS]))
    assert graph.degrees() == dict(undirected(corpus_net).degree())
    assert list(graph.network().edges(keys=True)) == list(corpus_net.edges(keys=True))


def test_literals_never_become_nodes(corpus_net):
    assert all(n.startswith("https://w3id.org/zhkg/id/entity/") for n in corpus_net)


# ---------------------------------------------------------------- files

@pytest.mark.parametrize("path, fmt, expected_fmt", [
    ("a.graphml", None, "graphml"), ("a.GEXF", None, "gexf"), ("a.zip", None, "neo4j-csv"),
    ("a.cyjs", None, "cytoscape-json"), ("a.json", None, "cytoscape-json"),
    ("a.xml", "graphml", "graphml"),
])
def test_export_format(path, fmt, expected_fmt):
    assert export_format(path, fmt) == expected_fmt


@pytest.mark.parametrize("path, fmt, message", [
    ("a.ttl", None, "cannot tell the format"), ("a", None, r"\(none\)"),
    ("a.zip", "csv", "unknown format 'csv'")])
def test_bad_export_format(path, fmt, message):
    with pytest.raises(OutputError, match=message):
        export_format(path, fmt)


def _keys(net) -> list[tuple]:
    """(subject, property, object) of every edge, whatever graph class a reader returns."""
    return sorted((u, v, d["property"]) for u, v, d in net.edges(data=True))


PARALLEL = """@prefix zkg: <https://w3id.org/zhkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/zhkg/id/entity/a> a zkg:Company ; rdfs:label "甲公司"@zh ;
  zkg:cooperatesWith <https://w3id.org/zhkg/id/entity/b> ; zkg:invests <https://w3id.org/zhkg/id/entity/b> .
<https://w3id.org/zhkg/id/entity/b> a zkg:Company ; rdfs:label "乙公司"@zh ;
  zkg:cooperatesWith <https://w3id.org/zhkg/id/entity/a> .
"""


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf),
                                         ("cytoscape-json", lambda p: nx.cytoscape_graph(
                                             json.loads(p.read_text(encoding="utf-8"))))])
def test_parallel_edges_survive_the_round_trip(tmp_path, fmt, reader):
    src = tmp_path / "p.ttl"
    src.write_text(PARALLEL, encoding="utf-8")
    net = to_networkx(src)
    assert net.number_of_edges() == 3 and net.graph["documents"] == {}
    path = tmp_path / f"p{EXT[fmt]}"
    path.write_bytes(export_bytes(net, fmt))
    back = reader(path)
    assert back.is_multigraph() and back.is_directed()
    assert _keys(back) == _keys(net)
    assert {d["confidence"] is None for *_, d in net.edges(data=True)} == {True}


@pytest.mark.parametrize("fmt, reader", [
    ("graphml", lambda p: nx.read_graphml(p, force_multigraph=True)), ("gexf", nx.read_gexf)])
def test_networkx_reads_graphml_and_gexf_back(corpus_net, tmp_path, fmt, reader):
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(export_bytes(corpus_net, fmt))
    back = reader(path)
    assert sorted(back.nodes) == sorted(corpus_net.nodes)
    assert _keys(back) == _keys(corpus_net)
    iri = "https://w3id.org/zhkg/id/entity/中国建设银行"
    assert back.nodes[iri]["label"] == "中国建设银行"
    assert back.nodes[iri]["aliases"] == "CCB|建行|建设银行"
    assert back.nodes[iri]["degree"] == 4
    assert "中国建设银行".encode() in path.read_bytes()  # UTF-8, not character references


def test_cytoscape_json(corpus_net):
    doc = json.loads(export_bytes(corpus_net, "cytoscape-json"))
    assert doc["directed"] is True and doc["multigraph"] is True
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert [n["data"]["id"] for n in nodes] == list(corpus_net.nodes)
    ids = {n["data"]["id"] for n in nodes}
    for e in edges:
        assert {"id", "source", "target", "key", "label", "confidence"} <= e["data"].keys()
        assert e["data"]["source"] in ids and e["data"]["target"] in ids
    assert len({e["data"]["id"] for e in edges}) == len(edges) == corpus_net.number_of_edges()
    assert any(n["data"]["name"] == "中国建设银行" for n in nodes)
    back = nx.cytoscape_graph(doc)
    assert sorted(back.nodes) == sorted(corpus_net.nodes) and _keys(back) == _keys(corpus_net)


def test_neo4j_csv(corpus_net):
    with zipfile.ZipFile(io.BytesIO(export_bytes(corpus_net, "neo4j-csv"))) as zf:
        assert zf.namelist() == ["nodes.csv", "relationships.csv"]
        nodes = list(csv.reader(io.StringIO(zf.read("nodes.csv").decode("utf-8"))))
        rels = list(csv.reader(io.StringIO(zf.read("relationships.csv").decode("utf-8"))))
    assert nodes[0][:2] == ["iri:ID", ":LABEL"]
    assert rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert all(re.fullmatch(r"[\w]+(:[\w\[\]]+)?|:\w+", h) for h in nodes[0] + rels[0])
    assert len(nodes) - 1 == corpus_net.number_of_nodes() and len(rels) - 1 == corpus_net.number_of_edges()
    ids = {row[0] for row in nodes[1:]}
    assert len(ids) == len(nodes) - 1
    assert all(r[0] in ids and r[1] in ids for r in rels[1:])
    bank = next(r for r in nodes[1:] if r[2] == "中国建设银行")
    assert bank[1] == "FinancialInstitution;Company;Organization;Entity"
    assert bank[4] == "CCB;建行;建设银行"
    assert {r[2] for r in rels[1:]} == {k for *_, k in corpus_net.edges(keys=True)}


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_exports_are_byte_identical(corpus_net, fmt):
    assert export_bytes(corpus_net, fmt) == export_bytes(to_networkx(CORPUS), fmt)


# ---------------------------------------------------------------- statistics

def test_stats_figures(corpus_net):
    f = network_stats(corpus_net, top=3, betweenness=20)
    assert (f["entities"], f["relations"], f["documents"]) == (24, 14, 4)
    assert sum(f["classes"].values()) == 24 and f["classes"]["Technology"] == 6
    assert f["relation_counts"] == dict(Counter(k for *_, k in corpus_net.edges(keys=True)).most_common())
    assert [e["label"] for e in f["top_degree"]] == ["中国建设银行", "平安银行", "建信金融科技有限责任公司"]
    assert f["top_pagerank"][0]["label"] == "平安银行"
    assert len(f["top_betweenness"]) == 3
    simple = undirected(corpus_net)
    assert f["components"]["count"] == nx.number_connected_components(simple)
    assert f["components"]["largest"] == [8, 5, 4]
    com = f["communities"]
    assert com["count"] == 4 and sum(c["size"] for c in com["largest"]) <= 16
    assert f["mentions"]["total"] == sum(d["mentions"] for d in corpus_net.graph["documents"].values())
    assert [d["id"] for d in f["mentions"]["per_document"]][:2] == ["ccb-2023-001", "pab-2023-004"]


def test_stats_are_seeded_and_linear_parts_scale():
    store = ox.Store()
    store.bulk_load(synthetic_ntriples(3000).encode(), format=ox.RdfFormat.N_TRIPLES)
    net = to_networkx(store)
    a, b = network_stats(net, seed=3), network_stats(net, seed=3)
    assert a == b
    assert a["communities"]["count"] > 1 and a["communities"]["modularity"] > 0.3


def test_empty_graph(tmp_path):
    path = tmp_path / "empty.ttl"
    path.write_text("", encoding="utf-8")
    net = to_networkx(path)
    assert net.number_of_nodes() == 0
    f = network_stats(net)
    assert f["entities"] == 0 and f["communities"]["count"] == 0
    for fmt in EXPORT_FORMATS:
        assert export_bytes(net, fmt)


# ---------------------------------------------------------------- command line

@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_cli_export_by_extension(tmp_path, fmt):
    out = tmp_path / f"corpus{EXT[fmt]}"
    res = run("export", CORPUS, "-o", out)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip() == f"kg: wrote {out} ({fmt}): 24 entities, 14 relations"
    assert out.read_bytes() == export_bytes(to_networkx(CORPUS), fmt)


def test_cli_export_format_option_filters_and_store(tmp_path):
    db = tmp_path / "db"
    assert run("load", CORPUS, "--store", f"oxigraph:{db}").returncode == 0
    out = tmp_path / "orgs.xml"
    res = run("export", "--store", f"oxigraph:{db}", "-o", out, "--format", "graphml",
              "--class", "Organization", "--relation", "cooperatesWith")
    assert res.returncode == 0, res.stderr
    back = nx.read_graphml(out)
    assert back.number_of_nodes() == 8 and back.number_of_edges() == 2


@pytest.mark.parametrize("args, message", [
    (["-o", "{tmp}/x.ttl"], "cannot tell the format from the extension .ttl"),
    (["-o", "{tmp}/x.zip", "--format", "csv"], "unknown format 'csv'"),
    (["-o", "{tmp}/exists.gexf"], "already exists; pass --force to overwrite it"),
    (["-o", "{tmp}/x.gexf", "--class", "Bank"], "unknown class Bank"),
    (["-o", "{tmp}/no/such/x.gexf"], "no such folder"),
])
def test_cli_export_errors_are_one_line(tmp_path, args, message):
    (tmp_path / "exists.gexf").write_text("old", encoding="utf-8")
    res = run("export", CORPUS, *[a.format(tmp=tmp_path) for a in args])
    assert res.returncode == 1
    assert res.stderr.startswith("kg: error: ") and message in res.stderr
    assert res.stderr.count("\n") == 1
    assert (tmp_path / "exists.gexf").read_text(encoding="utf-8") == "old"


def test_cli_export_force_and_missing_input(tmp_path):
    out = tmp_path / "x.gexf"
    out.write_text("old", encoding="utf-8")
    assert run("export", CORPUS, "-o", out, "--force").returncode == 0
    assert out.read_bytes().startswith(b"<?xml")
    res = run("export", tmp_path / "absent.trig", "-o", tmp_path / "y.gexf")
    assert res.returncode == 1 and "no such file" in res.stderr
    assert run("export", "-o", tmp_path / "y.gexf").returncode == 2  # no GRAPH, no --store
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_stats_text_and_json():
    res = run("stats", CORPUS)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("24 entities, 14 relations, 4 documents\n")
    assert "  Technology            技术      6" in res.stdout
    assert "Communities (Louvain, seed 42, entities with a relation): 4" in res.stdout
    res = run("stats", CORPUS, "--format", "json", "--top", "2", "--betweenness", "5")
    data = json.loads(res.stdout)
    assert data == json.loads(json.dumps(network_stats(to_networkx(CORPUS), top=2, betweenness=5)))
    assert len(data["top_degree"]) == 2 and "top_betweenness" in data
    res = run("stats", CORPUS, "--format", "xml")
    assert res.returncode == 1 and res.stderr == "kg: error: unknown format 'xml'; use text or json\n"


def _shape(text: str) -> list[str]:
    """The report's headings with every number masked: what must not drift from the docs even
    when the example graph is rebuilt with better extraction."""
    return [re.sub(r"[0-9][0-9.,]*", "N", line) for line in text.strip().splitlines()
            if line and not line.startswith(" ")]


def test_docs_analysis_examples_run(tmp_path):
    """Every `kg` command and the Python block of docs/analysis.md run; the pasted `kg stats`
    report has the real report's shape, and its figures while the example graph is unchanged."""
    doc = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(sh|text|python)\n(.*?)```", doc, re.S)
    commands = [line for kind, body in blocks if kind == "sh" for line in body.splitlines()
                if line.startswith("kg ")]
    assert len(commands) >= 8
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    outputs = {}
    for command in commands:
        res = run(*command.split()[1:], cwd=tmp_path)
        assert res.returncode == 0, (command, res.stderr)
        outputs[command] = res.stdout
    pasted = blocks[[b for _, b in blocks].index("kg stats examples/graphs/corpus.trig\n") + 1][1]
    real = outputs["kg stats examples/graphs/corpus.trig"]
    assert _shape(pasted) == _shape(real)
    pasted_from = re.search(r"corpus.trig sha256 ([0-9a-f]{16})", doc).group(1)
    if hashlib.sha256(CORPUS.read_bytes()).hexdigest().startswith(pasted_from):
        assert pasted.strip() == real.strip()
    code = next(body for kind, body in blocks if kind == "python")
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, timeout=300)
    assert (tmp_path / "corpus.graphml").is_file()
