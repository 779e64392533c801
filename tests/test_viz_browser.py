"""kg viz pages in a real headless Chromium (Debian's ``chromium`` package, driven by Playwright).

Install the browser with ``apt-get install -y chromium``; without /usr/bin/chromium these tests
skip. They check that the page loads offline with no console errors and no network request,
draws the expected nodes, and that search, filters, the evidence panel and escaping work.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.viz import render_html
from kg.viz.synthetic import HOSTILE, example_trig, synthetic_ntriples

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def example_html(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("vizb")
    (d / "g.trig").write_text(example_trig(), encoding="utf-8")
    out = d / "g.html"
    out.write_text(render_html([d / "g.trig"], title="示例图谱"), encoding="utf-8")
    return out


class Loaded:
    """A page opened from file:// with its console messages and requests recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning")
                     and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.zhkgViz && window.zhkgViz.ready", timeout=30000)

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def node_id(self, label: str) -> int:
        return self.js("l => window.zhkgViz.data.nodes.find(n => n.label === l).id", label)

    def click_canvas(self, x: float, y: float) -> None:
        box = self.page.locator("#graph canvas").bounding_box()
        self.page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.fixture
def page(browser, example_html):
    loaded = Loaded(browser, example_html)
    yield loaded
    loaded.page.close()


def test_loads_offline_without_errors(page):
    assert page.errors == []
    assert page.requests and all(u.startswith("file://") for u in page.requests), page.requests
    assert page.js("window.zhkgViz.network.body.data.nodes.length") == 8
    assert page.js("Object.keys(window.zhkgViz.network.body.nodes).length") == 8
    assert page.js("window.zhkgViz.network.body.data.edges.length") == 7
    assert page.page.get_attribute("body", "data-nodes") == "8"
    assert page.page.title() == "示例图谱"
    assert page.js("window.zhkgViz.network.physics.physicsEnabled") is False  # frozen


def test_search_by_alias_focuses_the_node(page):
    page.page.fill("#search-input", "工行")
    page.page.press("#search-input", "Enter")
    assert page.js("window.zhkgViz.network.getSelectedNodes()") == [page.node_id("中国工商银行")]
    assert page.page.text_content("#panel h3") == "中国工商银行"
    page.page.fill("#search-input", "没有这个名字")
    page.page.press("#search-input", "Enter")
    assert "未找到" in page.page.text_content("#search-status")


@pytest.mark.parametrize("cls, visible", [("FinancialInstitution", 6), ("Person", 7)])
def test_class_filter_hides_nodes(page, cls, visible):
    box = page.page.locator(f'input[data-class="{cls}"]')
    box.uncheck()
    assert page.js("window.zhkgViz.visibleNodeCount()") == visible
    assert page.page.get_attribute("body", "data-visible-nodes") == str(visible)
    hidden = page.js("c => window.zhkgViz.data.nodes.filter(n => n.cls === c).map(n => "
                     "window.zhkgViz.network.body.nodes[n.id].options.hidden)", cls)
    assert hidden and all(hidden)
    box.check()
    assert page.js("window.zhkgViz.visibleNodeCount()") == 8


def test_relation_filter_hides_edges(page):
    page.page.locator('input[data-relation="cooperatesWith"]').uncheck()
    hidden = page.js("window.zhkgViz.edges.get().filter(e => e.hidden).map(e => e.rel)")
    assert hidden == ["cooperatesWith", "cooperatesWith"]


def test_clicking_a_node_shows_details_and_evidence(page):
    nid = page.node_id("中国工商银行")
    xy = page.js("id => { const n = window.zhkgViz.network; "
                 "return n.canvasToDOM(n.getPosition(id)); }", nid)
    page.click_canvas(xy["x"], xy["y"])
    assert page.js("window.zhkgViz.network.getSelectedNodes()") == [nid]
    panel = page.page.locator("#panel")
    assert panel.locator("h3").text_content() == "中国工商银行"
    text = panel.text_content()
    for expected in ("Industrial and Commercial Bank of China", "工行", "个人客户", "户"):
        assert expected in text
    assert panel.locator("a").get_attribute("href") == "http://www.wikidata.org/entity/Q26463"
    marks = panel.locator("blockquote mark").all_text_contents()
    assert "中国工商银行" in marks and "工银玺链" in marks


def test_clicking_an_edge_shows_its_evidence(page):
    a, b = page.node_id("张三"), page.node_id("蚂蚁集团")
    xy = page.js("""([a, b]) => { const n = window.zhkgViz.network;
        n.moveTo({scale: 1.5, position: {x: (n.getPosition(a).x + n.getPosition(b).x) / 2,
                                          y: (n.getPosition(a).y + n.getPosition(b).y) / 2}});
        const p = n.getPositions([a, b]);
        const t = 0.3;  // off the middle, where the label sits
        return n.canvasToDOM({x: p[a].x + t * (p[b].x - p[a].x),
                              y: p[a].y + t * (p[b].y - p[a].y)});
    }""", [a, b])
    page.click_canvas(xy["x"], xy["y"])
    panel = page.page.locator("#panel")
    assert "任职于" in panel.locator("h3").text_content()
    assert panel.locator("blockquote").first.text_content().startswith("张三担任蚂蚁集团首席技术官。")
    assert panel.locator("mark.subject").text_content() == "张三"
    assert panel.locator("mark.object").text_content() == "蚂蚁集团"


def test_hostile_name_is_text(page):
    assert page.js("window.__pwned") is None
    page.js("id => window.zhkgViz.selectNode(id, true)", page.node_id(HOSTILE))
    assert page.page.text_content("#panel h3") == HOSTILE
    assert page.js("document.querySelectorAll('#panel script, #panel b').length") == 0
    assert HOSTILE in page.page.locator("#panel blockquote").first.text_content()
    assert page.js("window.__pwned") is None
    assert page.errors == []


def test_physics_toggle(page):
    page.page.click("#physics")
    assert page.js("window.zhkgViz.network.physics.physicsEnabled") is True
    page.page.click("#physics")
    assert page.js("window.zhkgViz.network.physics.physicsEnabled") is False


def test_big_graph_says_what_was_left_out(browser, tmp_path):
    (tmp_path / "g.nt").write_text(synthetic_ntriples(300, seed=5), encoding="utf-8")
    out = tmp_path / "g.html"
    out.write_text(render_html([tmp_path / "g.nt"], max_nodes=100, cut=True), encoding="utf-8")
    loaded = Loaded(browser, out)
    try:
        assert loaded.errors == []
        assert loaded.js("window.zhkgViz.network.body.data.nodes.length") == 100
        notice = loaded.page.locator("#notice")
        assert notice.is_visible() and "省略了 200 个实体" in notice.text_content()
    finally:
        loaded.page.close()


def test_big_graph_keeps_every_entity_in_groups_that_open(browser, tmp_path):
    """Above --max-nodes nothing is lost: the others wait in one group node per class; a click
    opens a group where it stands, and search finds a grouped entity and opens its group."""
    (tmp_path / "g.nt").write_text(synthetic_ntriples(300, seed=5), encoding="utf-8")
    out = tmp_path / "g.html"
    out.write_text(render_html([tmp_path / "g.nt"], max_nodes=100), encoding="utf-8")
    loaded = Loaded(browser, out)
    try:
        v = "window.zhkgViz"
        assert loaded.errors == []
        assert loaded.js(f"{v}.data.nodes.length") == 300
        groups = loaded.js(f"{v}.moreGroups()")
        counts = loaded.js(f"{v}.data.groups.map(g => g.count)")
        assert len(groups) == len(counts) > 3 and sum(counts) == 200
        assert loaded.js(f"{v}.nodes.length") == 100 + len(groups)
        assert "其余 200 个按类别归入" in loaded.page.locator("#notice").text_content()
        # a click on a group opens it, its members in rows under it
        first = groups[0]
        loaded.js(f"id => {v}.network.focus(id, {{scale: 1}})", first)
        at = loaded.js(f"id => {v}.network.getPositions([id])[id]", first)
        xy = loaded.js(f"id => {{ var n = {v}.network; return n.canvasToDOM(n.getPositions([id])[id]); }}", first)
        loaded.click_canvas(xy["x"], xy["y"])
        assert loaded.js(f"{v}.moreGroups()") == groups[1:]
        members = loaded.js(f"c => {v}.data.nodes.filter(n => n.more === c).map(n => n.id)", first[5:])
        pos = loaded.js(f"ids => {v}.network.getPositions(ids)", members)
        assert len(pos) == len(members) == counts[0]
        assert all(p["y"] > at["y"] for p in pos.values())
        assert len({(round(p["x"]), round(p["y"])) for p in pos.values()}) == len(members)  # no pile
        # search finds an entity of a closed group: its group opens and the panel shows it
        last = loaded.js(f"c => {v}.data.nodes.find(n => n.more === c)", groups[-1][5:])
        loaded.page.fill("#search-input", last["label"])
        loaded.page.click("#search button")
        assert groups[-1] not in loaded.js(f"{v}.moreGroups()")
        assert loaded.page.get_attribute("#panel", "data-node") == str(last["id"])
        assert loaded.errors == []
    finally:
        loaded.page.close()


def test_empty_graph_page_loads(browser, tmp_path):
    (tmp_path / "e.nt").write_text('<http://example.org/a> <http://example.org/p> "x" .\n',
                                   encoding="utf-8")
    out = tmp_path / "e.html"
    out.write_text(render_html([tmp_path / "e.nt"]), encoding="utf-8")
    loaded = Loaded(browser, out)
    try:
        assert loaded.errors == []
        assert loaded.js("window.zhkgViz.network.body.data.nodes.length") == 0
        assert "没有实体" in loaded.page.locator("#notice").text_content()
    finally:
        loaded.page.close()


def test_focus_page_opens_on_the_entity(browser, tmp_path):
    (tmp_path / "g.trig").write_text(example_trig(), encoding="utf-8")
    out = tmp_path / "f.html"
    out.write_text(render_html([tmp_path / "g.trig"], focus="Ant Group"), encoding="utf-8")
    loaded = Loaded(browser, out)
    try:
        loaded.page.wait_for_function("document.querySelector('#panel h3') !== null")
        assert loaded.page.text_content("#panel h3") == "蚂蚁集团"
        assert loaded.js("window.zhkgViz.network.getSelectedNodes()") == [loaded.node_id("蚂蚁集团")]
        assert loaded.js("window.zhkgViz.network.body.data.nodes.length") == 6
    finally:
        loaded.page.close()


EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "graphs"
_LABEL_BOXES = """() => { var v = window.zhkgViz, n = v.network, out = [];
  v.edges.get().forEach(function (e) {
    var s = n.body.edges[e.id].labelModule.size;
    if (!e.label || !e.label.trim() || e.hidden) return;
    var a = n.getPositions([e.from])[e.from], b = n.getPositions([e.to])[e.to];
    out.push({ id: e.id, label: e.label, left: s.left, top: s.top, right: s.left + s.width,
               bottom: s.top + s.height, mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2 });
  });
  var nodes = Object.keys(n.getPositions()).map(function (id) { return n.getBoundingBox(Number(id)); });
  return { edges: out, nodes: nodes, blanked: v.blankedLabels() }; }"""


def _overlap(a, b) -> bool:
    return a["left"] < b["right"] - 1 and b["left"] < a["right"] - 1 and a["top"] < b["bottom"] - 1 \
        and b["top"] < a["bottom"] - 1


@pytest.mark.parametrize("name", ["icbc_fintech", "pboc_regulation", "corpus", "cmb_digital"])
def test_edge_labels_sit_on_their_edge_and_do_not_collide(browser, tmp_path, name):
    """监管 floated away from its edge, and labels piled up around a hub: every label shown is at
    its edge's middle and covers no node, node label or other edge label; the others come back
    when an end of their edge is selected."""
    out = tmp_path / f"{name}.html"
    out.write_text(render_html([EXAMPLES / f"{name}.trig"]), encoding="utf-8")
    loaded = Loaded(browser, out)
    try:
        got = loaded.js(_LABEL_BOXES)
        shown = got["edges"]
        assert len(shown) >= 0.4 * (len(shown) + len(got["blanked"])) and shown
        for e in shown:
            assert abs((e["left"] + e["right"]) / 2 - e["mx"]) < 1.5 and abs((e["top"] + e["bottom"]) / 2 - e["my"]) < 1.5, e
        clashes = [(a["label"], b["label"]) for i, a in enumerate(shown) for b in shown[i + 1:] if _overlap(a, b)]
        clashes += [(a["label"], "node") for a in shown for b in got["nodes"] if _overlap(a, b)]
        assert clashes == []
        if got["blanked"]:
            edge = loaded.js("id => window.zhkgViz.data.edges[id]", got["blanked"][0])
            loaded.js("id => window.zhkgViz.selectNode(id, false)", edge["from"])
            assert loaded.js("id => window.zhkgViz.edges.get(id).label", edge["id"]) == edge["label"]
            loaded.click_canvas(3, 3)  # empty corner: blank again
            assert loaded.js("id => window.zhkgViz.edges.get(id).label", edge["id"]).strip() == ""
        assert loaded.errors == []
    finally:
        loaded.page.close()
