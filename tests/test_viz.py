"""kg viz: the entity-graph model, selection, the page data, escaping and the command."""
from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from kg.cli import cli
from kg.errors import InputError, QueryError
from kg.ontology import RELATIONS, ZKG_IRI
from kg.viz import _json_for_script, render, render_html
from kg.viz.layout import spring_positions
from kg.viz.model import extract, term_labels
from kg.viz.sources import open_store
from kg.viz.synthetic import HOSTILE, entity_iri, example_trig, synthetic_ntriples

DATA_RE = re.compile(r'<script type="application/json" id="zhkg-data">(.*?)</script>', re.S)


def payload(html: str) -> dict:
    """The JSON data block embedded in a page."""
    return json.loads(DATA_RE.search(html).group(1))


def labels_of(data: dict) -> set[str]:
    return {n["label"] for n in data["nodes"]}


@pytest.fixture(scope="module")
def trig_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("viz") / "example.trig"
    path.write_text(example_trig(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graph(trig_path):
    return extract(open_store([trig_path]))


# ---------------------------------------------------------------- model

def test_nodes_are_the_entities_only(graph):
    assert {n.label for n in graph.nodes.values()} == {
        "中国工商银行", "工银玺链", "区块链", "蚂蚁集团", "张三", "杭州", HOSTILE, "中国人民银行"}
    assert not any("#" in iri for iri in graph.nodes)  # no statements, sentences, phrases, articles


@pytest.mark.parametrize("name, cls, aliases, english, wikidata", [
    ("中国工商银行", "FinancialInstitution", ["工商银行", "工行"],
     "Industrial and Commercial Bank of China", "http://www.wikidata.org/entity/Q26463"),
    ("蚂蚁集团", "FinancialInstitution", ["蚂蚁金服"], "Ant Group", None),
    ("工银玺链", "Platform", [], None, None),
    ("张三", "Person", [], None, None),
    ("杭州", "Place", [], None, None),
])
def test_node_details(graph, name, cls, aliases, english, wikidata):
    node = graph.nodes[entity_iri(name)]
    assert (node.label, node.cls, node.aliases, node.english, node.wikidata) == (
        name, cls, aliases, english, wikidata)


@pytest.mark.parametrize("subject, prop, obj, sentence", [
    ("中国工商银行", "develops", "工银玺链", "中国工商银行推出了工银玺链平台。"),
    ("工银玺链", "usesTechnology", "区块链", "工银玺链基于区块链技术构建。"),
    ("蚂蚁集团", "cooperatesWith", "中国工商银行", "蚂蚁集团与中国工商银行签署战略合作协议。"),
    ("张三", "worksFor", "蚂蚁集团", "张三担任蚂蚁集团首席技术官。"),
    ("蚂蚁集团", "locatedIn", "杭州", "蚂蚁集团总部位于杭州。"),
    (HOSTILE, "cooperatesWith", "蚂蚁集团", f"{HOSTILE}与蚂蚁集团合作。"),
    ("中国人民银行", "regulates", "蚂蚁集团", "中国人民银行监管蚂蚁集团。"),
])
def test_edges_carry_evidence_with_mentions(graph, subject, prop, obj, sentence):
    edge = next(e for e in graph.edges if (e.source, e.prop, e.target) ==
                (entity_iri(subject), prop, entity_iri(obj)))
    [ev] = edge.evidence
    assert ev.text == sentence
    assert (ev.extractor, ev.confidence) == ("rules.v1", 0.9)
    marked = {role: ev.text[b:e] for b, e, role in ev.highlights}
    assert marked == {"subject": subject, "object": obj}


def test_edge_set_is_exact(graph):
    assert len(graph.edges) == 7
    assert graph.edges == sorted(graph.edges, key=lambda e: (e.source, e.prop, e.target))


def test_metric_with_evidence(graph):
    [metric] = graph.nodes[entity_iri("中国工商银行")].metrics
    assert (metric["label"], metric["value"], metric["unit"], metric["qualifier"]) == (
        "个人客户", "700000000", "户", "atLeast")
    assert [e["text"] for e in metric["evidence"]] == ["该行个人客户超过7亿户。"]


def test_mentions_fall_back_to_the_name_without_nif_phrases():
    text = example_trig()
    without = "\n".join(line for line in text.splitlines() if "a nif:Phrase" not in line)
    g = extract(open_store(rdflib.Dataset().parse(data=without, format="trig")))
    edge = next(e for e in g.edges if e.prop == "develops")
    ev = edge.evidence[0]
    assert {role: ev.text[b:e] for b, e, role in ev.highlights} == {
        "subject": "中国工商银行", "object": "工银玺链"}


def test_relation_labels_are_chinese_and_input_overrides():
    labels = term_labels(ox.Store())
    for rel in RELATIONS:
        assert labels[rel] and not labels[rel].isascii(), rel
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(ZKG_IRI + "develops"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("开发", language="zh")))
    assert term_labels(store)["develops"] == "开发"


# ---------------------------------------------------------------- page data

def test_sources_give_identical_bytes(trig_path):
    from_paths = render_html([trig_path])
    assert render_html([trig_path]) == from_paths  # deterministic
    ds = rdflib.Dataset()
    ds.parse(trig_path, format="trig")
    assert render_html(ds) == from_paths
    store = ox.Store()
    store.load(path=str(trig_path), format=ox.RdfFormat.TRIG)
    assert render_html(store) == from_paths


def test_page_is_self_contained(trig_path):
    html = render_html([trig_path], title="测试")
    assert '<meta charset="utf-8">' in html
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", html, re.I)
    assert "cdn" not in html.split("<body", 1)[1].lower().split("<script>", 1)[0]
    assert "<title>测试</title>" in html
    data = payload(html)
    assert len(data["nodes"]) == 8 and len(data["edges"]) == 7
    assert {e["label"] for e in data["edges"]} >= {"研发", "合作", "监管"}
    assert all(e["arrows"] == "to" for e in data["edges"])
    assert data["omitted"] is None


def test_hostile_text_is_escaped(trig_path):
    html = render_html([trig_path], title='</title><script>alert(1)</script>')
    assert "<script>window.__pwned" not in html
    assert "<script>alert(1)" not in html
    block = DATA_RE.search(html).group(1)
    assert not set("<>&") & set(block)
    assert HOSTILE in labels_of(payload(html))


@given(st.text())
def test_json_for_script_round_trips_without_markup(text):
    out = _json_for_script({"t": text})
    assert not set("<>&\u2028\u2029") & set(out)
    assert json.loads(out) == {"t": text}


def test_sizes_follow_degree(trig_path):
    data = payload(render_html([trig_path]))
    size = {n["label"]: n["size"] for n in data["nodes"]}
    assert size["蚂蚁集团"] > size["中国工商银行"] > size["杭州"]


# ---------------------------------------------------------------- selection

@pytest.mark.parametrize("focus, depth, expected", [
    ("工行", 0, {"中国工商银行"}),
    ("工行", 1, {"中国工商银行", "工银玺链", "蚂蚁集团"}),
    ("Ant Group", 1, {"蚂蚁集团", "中国工商银行", "张三", "杭州", HOSTILE, "中国人民银行"}),
    (entity_iri("区块链"), 2, {"区块链", "工银玺链", "中国工商银行"}),
    ("中国工商银行", 3, {"中国工商银行", "工银玺链", "区块链", "蚂蚁集团", "张三", "杭州",
                     HOSTILE, "中国人民银行"}),
])
def test_focus_and_depth(trig_path, focus, depth, expected):
    data = payload(render_html([trig_path], focus=focus, depth=depth))
    assert labels_of(data) == expected
    assert data["nodes"][data["focus"]]["label"] in expected


def test_unknown_focus_is_a_user_error(trig_path):
    with pytest.raises(InputError, match="no entity named"):
        render_html([trig_path], focus="不存在的公司")


def test_max_nodes_keeps_the_best_connected(tmp_path):
    path = tmp_path / "g.nt"
    path.write_text(synthetic_ntriples(60, seed=3), encoding="utf-8")
    full = extract(open_store([path]))
    deg = full.degrees()
    html, counts = render([path], max_nodes=10, cut=True)
    data = payload(html)
    kept = {full.nodes[n["iri"]].iri for n in data["info"]["nodes"]}
    assert len(kept) == 10 and counts["nodes"] == 10
    assert min(deg[i] for i in kept) >= max(deg[i] for i in full.nodes if i not in kept)
    assert data["omitted"]["nodes"] == 50
    assert data["omitted"]["edges"] == len(full.edges) - len(data["edges"])
    assert sum(data["omitted"]["byClass"].values()) == 50


def test_above_max_nodes_every_entity_is_in_the_page_in_its_class_group(tmp_path):
    """The default above --max-nodes: the best connected drawn, every other entity in the page's
    data, in its class's group node (kg.viz.groups), and nothing left out."""
    path = tmp_path / "g.nt"
    path.write_text(synthetic_ntriples(60, seed=3), encoding="utf-8")
    full = extract(open_store([path]))
    deg = full.degrees()
    html, counts = render([path], max_nodes=10)
    data = payload(html)
    assert {n["iri"] for n in data["info"]["nodes"]} == set(full.nodes) and data["omitted"] is None
    assert len(data["edges"]) == len(full.edges) and counts["grouped"] == 50
    iri = {n["id"]: data["info"]["nodes"][n["id"]]["iri"] for n in data["nodes"]}
    grouped = {iri[n["id"]] for n in data["nodes"] if "more" in n}
    drawn = set(full.nodes) - grouped
    assert len(drawn) == 10 and min(deg[i] for i in drawn) >= max(deg[i] for i in grouped)
    assert all(n["more"] == full.nodes[iri[n["id"]]].cls for n in data["nodes"] if "more" in n)
    by_class = {g["cls"]: g["count"] for g in data["groups"]}
    assert sum(by_class.values()) == 50
    assert by_class == {c: sum(1 for i in grouped if full.nodes[i].cls == c) for c in by_class}
    lowest = max(n["y"] for n in data["nodes"] if "more" not in n)
    assert all(g["y"] > lowest for g in data["groups"])  # a row under the drawn graph
    out = tmp_path / "g.html"
    result = CliRunner().invoke(cli, ["viz", str(path), "-o", str(out), "--max-nodes", "10"])
    assert result.exit_code == 0, result.output
    assert "60 entities" in result.output and "50 less-connected ones in a group per class" in result.output


@pytest.mark.parametrize("name", ["icbc_fintech", "corpus", "cmb_digital", "pboc_regulation"])
def test_authors_and_publications_are_linked_to_what_their_article_states(name):
    """They stood alone: each now hangs, through its article's node, off the entities the article
    mentions most; those nodes and links are no entities or relations (the counts stay)."""
    from kg.viz.articles import MAIN_ENTITIES

    path = Path(__file__).resolve().parents[1] / "examples" / "graphs" / f"{name}.trig"
    graph = extract(open_store([path]))
    html, counts = render([path])
    data = payload(html)
    assert (counts["nodes"], counts["edges"]) == (len(graph.nodes), len(graph.edges))
    assert data["counts"] == {"entities": len(graph.nodes), "relations": len(graph.edges)}
    iri = {n["id"]: data["info"]["nodes"][n["id"]]["iri"] for n in data["nodes"]}
    meta_ids = {n["id"] for n in data["nodes"] if n.get("article")}
    linked = {(e["from"], e["rel"], e["to"]) for e in data["edges"] if e.get("meta")}
    named = {a for art in graph.articles.values() for a in (*art.authors, *art.publications) if a in graph.nodes}
    assert named, "the example names no author or publication"
    for art in graph.articles.values():
        people = [a for a in (*art.authors, *art.publications) if a in graph.nodes]
        if not people:
            continue
        [node] = [i for i in meta_ids if iri[i] == art.iri]
        assert {iri[t] for f, r, t in linked if f == node and r in ("author", "publishedIn")} == set(people)
        main = sorted((e for e in art.counts if e not in people), key=lambda e: (-art.counts[e], e))[:MAIN_ENTITIES]
        assert main and {iri[t] for f, r, t in linked if f == node and r == "mentions"} == set(main)
    assert {c["name"] for c in data["classes"] if c.get("meta")} == {"Article"}  # in the legend as 文章
    assert all(e["dashes"] and e["arrows"] == "to" for e in data["edges"] if e.get("meta"))


@pytest.mark.parametrize("widths", [[40.0], [40.0] * 7, [14.0 * 12] * 30, [300.0, 20.0, 90.0] * 50])
def test_group_members_open_in_rows_without_overlap(widths):
    from kg.viz.groups import grid_offsets

    cells = grid_offsets(widths)
    assert len(cells) == len(set(cells)) == len(widths)
    assert all(dy >= 80 for _, dy in cells)  # under the group node
    xs = sorted({dx for dx, _ in cells})
    assert all(b - a >= min(max(widths), 260) for a, b in zip(xs, xs[1:]))
    width, height = xs[-1] - xs[0], max(dy for _, dy in cells) - 80
    assert len(widths) < 10 or 0.3 < (width + 1) / (height + 1) < 3.5  # about square


def test_construct_query_selects_the_subgraph(trig_path):
    q = "CONSTRUCT { ?s zkg:develops ?o } WHERE { ?s zkg:develops ?o }"
    data = payload(render_html([trig_path], query=q))
    assert labels_of(data) == {"中国工商银行", "工银玺链"}
    [edge] = data["edges"]
    assert edge["label"] == "研发"
    assert data["info"]["edges"][0]["evidence"][0]["text"] == "中国工商银行推出了工银玺链平台。"


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("CONSTRUCT { ?s ?p } WHERE {", "invalid SPARQL"),
])
def test_bad_queries(trig_path, query, message):
    with pytest.raises(QueryError, match=message):
        render_html([trig_path], query=query)


# ---------------------------------------------------------------- layout

def test_layout_is_deterministic_and_spread():
    edges = [(i, (i * 7) % 40) for i in range(1, 40)] + [(40, 41)]
    pos = spring_positions(45, edges)
    assert pos == spring_positions(45, edges)
    assert len(set(pos)) == 45  # no two nodes on the same spot
    assert all(isinstance(c, int) for xy in pos for c in xy)


# ---------------------------------------------------------------- command

def test_cli_writes_the_page(trig_path, tmp_path):
    out = tmp_path / "g.html"
    result = CliRunner().invoke(cli, ["viz", str(trig_path), "-o", str(out), "--title", "示例"])
    assert result.exit_code == 0, result.output
    assert "8 entities, 7 relations" in result.output
    assert "<title>示例</title>" in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) & 0o044  # not left private by the temp file
    assert [p.name for p in tmp_path.iterdir()] == ["g.html"]  # no temp file left


def test_cli_refuses_to_overwrite_without_force(trig_path, tmp_path):
    out = tmp_path / "g.html"
    out.write_text("keep", encoding="utf-8")
    result = CliRunner().invoke(cli, ["viz", str(trig_path), "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "keep"
    forced = CliRunner().invoke(cli, ["viz", str(trig_path), "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert out.read_text(encoding="utf-8") != "keep"


@pytest.mark.parametrize("content, name, message", [
    (None, "missing.ttl", "no such file"),
    ("this is not turtle", "bad.ttl", "cannot parse"),
    ("{not json-ld", "graph.jsonld", "cannot parse"),
])
def test_cli_bad_input_is_one_line(tmp_path, content, name, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["viz", str(path), "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 1
    assert result.output.startswith("kg: error: ") and message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_cli_usage_errors(trig_path, tmp_path):
    out = str(tmp_path / "g.html")
    assert CliRunner().invoke(cli, ["viz", "-o", out]).exit_code == 2
    assert CliRunner().invoke(cli, ["viz", str(trig_path), "--store", "oxigraph:x", "-o", out]
                              ).exit_code == 2
    assert CliRunner().invoke(cli, ["viz", str(trig_path), "-o", out, "--max-nodes", "0"]
                              ).exit_code == 2


def test_cli_reads_a_store_and_a_query_file(trig_path, tmp_path):
    db = tmp_path / "db"
    store = ox.Store(str(db))
    store.load(path=str(trig_path), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT { ?p zkg:worksFor ?o } WHERE { ?p zkg:worksFor ?o }", encoding="utf-8")
    out = tmp_path / "g.html"
    result = CliRunner().invoke(cli, ["viz", "--store", f"oxigraph:{db}", "--query", str(rq),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert labels_of(payload(out.read_text(encoding="utf-8"))) == {"张三", "蚂蚁集团"}


def test_cli_focus_not_found(trig_path, tmp_path):
    result = CliRunner().invoke(cli, ["viz", str(trig_path), "-o", str(tmp_path / "g.html"),
                                      "--focus", "无此实体"])
    assert result.exit_code == 1 and "no entity named" in result.output


def test_empty_graph_gives_an_empty_page(tmp_path):
    path = tmp_path / "empty.ttl"
    path.write_text("<http://example.org/a> <http://example.org/p> 'x' .\n", encoding="utf-8")
    html, counts = render([path])
    assert (counts["nodes"], counts["edges"]) == (0, 0)
    assert payload(html)["nodes"] == []


@pytest.mark.parametrize("tag", ["zh", "zh-CN", "zh-Hans"])
def test_chinese_label_with_region_tag_is_the_name(tag):
    store = ox.Store()
    iri = ox.NamedNode(entity_iri("x"))
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(ox.Quad(iri, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(ZKG_IRI + "Company")))
    store.add(ox.Quad(iri, rdfs_label, ox.Literal("Acme", language="en")))
    store.add(ox.Quad(iri, rdfs_label, ox.Literal("某公司", language=tag)))
    node = extract(store).nodes[iri.value]
    assert (node.label, node.english) == ("某公司", "Acme")


def test_seed_article_graph(seed_result):
    """The real pipeline's output: every relation drawn with evidence whose marks are names."""
    store = ox.Store()
    store.extend(seed_result.quads)
    graph = extract(store)
    assert len(graph.nodes) >= 10 and len(graph.edges) >= 5
    names = {iri: {n.label, *n.aliases} for iri, n in graph.nodes.items()}
    for edge in graph.edges:
        assert edge.evidence, (edge.source, edge.prop, edge.target)
        for ev in edge.evidence:
            for b, e, role in ev.highlights:
                who = edge.source if role == "subject" else edge.target
                assert ev.text[b:e] in names[who], (ev.text, ev.text[b:e], names[who])
    data = payload(render_html(store))
    assert data["counts"] == {"entities": len(graph.nodes), "relations": len(graph.edges)}
    entities = [n for n in data["nodes"] if not n.get("article")]
    assert len(entities) == len(graph.nodes) and len([e for e in data["edges"] if not e.get("meta")]) == len(graph.edges)


@pytest.mark.parametrize("suffix, fmt", [
    (".nq", "nquads"), (".jsonld", "json-ld"), (".ttl", "turtle"), (".nt", "nt")])
def test_every_input_format_gives_the_same_page(trig_path, tmp_path, suffix, fmt):
    ds = rdflib.Dataset()
    ds.parse(trig_path, format="trig")
    if fmt in ("turtle", "nt"):  # triple formats: the union of the named graphs
        union = rdflib.Graph()
        for s, p, o, _g in ds.quads((None, None, None, None)):
            union.add((s, p, o))
        ds = union
    path = tmp_path / f"g{suffix}"
    path.write_text(ds.serialize(format=fmt), encoding="utf-8")
    assert render_html([path]) == render_html([trig_path])


def test_cli_builds_text_inputs_first(tmp_path):
    """`kg viz article.txt` builds the article through kg.build and draws it."""
    article = tmp_path / "a.txt"
    article.write_text("中国工商银行推出“抗疫贷”产品。", encoding="utf-8")
    out = tmp_path / "a.html"
    result = CliRunner().invoke(cli, ["viz", str(article), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert {"中国工商银行", "抗疫贷"} <= labels_of(payload(out.read_text(encoding="utf-8")))
    empty = CliRunner().invoke(cli, ["viz", str(tmp_path / "none.txt"), "-o", str(tmp_path / "b.html")])
    assert empty.exit_code == 1 and "no input could be read" in empty.output
    assert not (tmp_path / "b.html").exists()


@pytest.mark.parametrize("chromium", [True, False])
@pytest.mark.parametrize("font", [True, False])
def test_make_browser_installs_a_cjk_font_whenever_it_is_missing(tmp_path, chromium, font):
    """Without a Chinese font the page and its screenshots show boxes, Chromium present or not."""
    import shutil
    import subprocess

    if not shutil.which("make"):
        pytest.skip("make is not installed")
    stubs = tmp_path / "bin"
    stubs.mkdir()
    log = tmp_path / "apt.log"
    scripts = {"id": "echo 0", "apt-get": f'echo "$@" >> {log}',
               "fc-list": "echo '/f.ttc: Noto Sans CJK SC'" if font else "true"}
    if chromium:
        scripts["chromium"] = "true"
    for name, body in scripts.items():
        (stubs / name).write_text(f"#!/bin/sh\n{body}\n")
        (stubs / name).chmod(0o755)
    root = Path(__file__).resolve().parents[1]
    path = f"{stubs}:/usr/bin:/bin"
    if not chromium and shutil.which("chromium", path="/usr/bin:/bin"):
        pytest.skip("a real chromium is on /usr/bin")
    proc = subprocess.run(["make", "-s", "-C", str(root), "browser", f"PATH={path}"], capture_output=True,
                          text=True, timeout=60, env={"PATH": path})
    assert proc.returncode == 0, proc.stderr
    installed = log.read_text() if log.exists() else ""
    assert ("fonts-noto-cjk" in installed) == (not font or not chromium)
    assert ("chromium" in installed) == (not chromium)


def _footprints(payload):
    from kg.viz import _LABEL_H, _label_px

    return [(n["x"], n["y"], max(_label_px(n["label"]), 2 * n["size"]) / 2, n["size"] + _LABEL_H / 2)
            for n in payload["nodes"]]


@pytest.mark.parametrize("name", ["icbc_fintech", "corpus", "cmb_digital"])
def test_labels_do_not_collide(name):
    """上海浦东发展银行 drawn over 国家金融监督管理总局上海监管局 was the bug: no two node footprints
    (dot and label under it) overlap in the positions the page starts from."""
    from kg.viz import _payload

    graph = extract(open_store([Path(__file__).resolve().parents[1] / "examples" / "graphs" / f"{name}.trig"]))
    boxes = _footprints(_payload(graph, "t", None, None))
    assert len(boxes) > 5
    clashes = [(i, j) for i, (x1, y1, w1, h1) in enumerate(boxes) for j, (x2, y2, w2, h2) in enumerate(boxes)
               if i < j and abs(x1 - x2) < w1 + w2 and abs(y1 - y2) < h1 + h2]
    assert clashes == []


@settings(deadline=None)  # 400 rounds of numpy on a shared 2-core machine: no per-example deadline
@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50), st.integers(10, 200)),
                min_size=2, max_size=25))
def test_separate_labels_leaves_no_overlap(items):
    from kg.viz.layout import separate_labels

    pos = [(x, y) for x, y, _ in items]
    widths = [float(w) for _, _, w in items]
    out = separate_labels(pos, widths, [30.0] * len(pos), rounds=400)
    assert out == separate_labels(pos, widths, [30.0] * len(pos), rounds=400)  # deterministic
    for i in range(len(out)):
        for j in range(i + 1, len(out)):
            assert (abs(out[i][0] - out[j][0]) >= (widths[i] + widths[j]) / 2
                    or abs(out[i][1] - out[j][1]) >= 30), (i, j, out)


@pytest.mark.browser
def test_labels_do_not_collide_in_the_browser(tmp_path):
    """What the page shows once ready (after vis-network's physics): still no overlapping labels."""
    import os

    chromium = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.skip(f"{chromium} is absent")
    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "g.html"
    src = Path(__file__).resolve().parents[1] / "examples" / "graphs" / "icbc_fintech.trig"
    out.write_text(render_html([src]), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(out.as_uri())
            page.wait_for_function("window.zhkgViz && window.zhkgViz.ready", timeout=30000)
            pos = page.evaluate("window.zhkgViz.network.getPositions()")
            nodes = page.evaluate("window.zhkgViz.data.nodes")
        finally:
            browser.close()
    boxes = _footprints({"nodes": [dict(n, x=pos[str(n["id"])]["x"], y=pos[str(n["id"])]["y"]) for n in nodes]})
    clashes = [(nodes[i]["label"], nodes[j]["label"]) for i, (x1, y1, w1, h1) in enumerate(boxes)
               for j, (x2, y2, w2, h2) in enumerate(boxes)
               if i < j and abs(x1 - x2) < w1 + w2 - 1 and abs(y1 - y2) < h1 + h2 - 1]
    assert clashes == []


@pytest.mark.browser
def test_grouping_by_class_makes_one_node_per_class_that_opens_on_click(tmp_path):
    import os

    chromium = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.skip(f"{chromium} is absent")
    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "g.html"
    out.write_text(render_html([Path(__file__).resolve().parents[1] / "examples" / "graphs" / "corpus.trig"]),
                   encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(out.as_uri())
            page.wait_for_function("window.zhkgViz && window.zhkgViz.ready", timeout=30000)
            classes = page.evaluate("window.zhkgViz.data.classes.filter(c => c.count > 1).map(c => c.name)")
            assert len(classes) >= 3
            assert page.evaluate("window.zhkgViz.groups()") == []
            page.click("#group")
            groups = page.evaluate("window.zhkgViz.groups()")
            assert sorted(groups) == sorted(f"class:{c}" for c in classes)
            assert page.get_attribute("#group", "aria-pressed") == "true"
            # click the first group on the canvas: it opens, the others stay
            target = groups[0]
            page.evaluate("id => window.zhkgViz.network.focus(id, {scale: 1})", target)
            xy = page.evaluate("id => { var n = window.zhkgViz.network;"
                               " return n.canvasToDOM(n.getPositions([id])[id]); }", target)
            box = page.locator("#graph canvas").bounding_box()
            page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
            assert page.evaluate("window.zhkgViz.groups()") == groups[1:]
            page.click("#group")  # open every group
            assert page.evaluate("window.zhkgViz.groups()") == []
            assert errors == []
        finally:
            browser.close()
