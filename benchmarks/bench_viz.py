"""Time to a stable first render of ``kg viz`` pages in headless Chromium, against pyvis defaults.

For synthetic contract graphs of 100, 1,000 and 5,000 entities (about 1.2 relations each) it
measures, in one run:

* ``python``: ``kg.viz.render`` (parse, model, layout, HTML) in seconds;
* ``kg viz``: from navigation start to the first frame drawn after the brief physics polish has
  frozen (``window.zhkgViz.readyAt``, the page's own ``performance.now()``);
* ``pyvis``: the same graph through pyvis's defaults (scripts inlined, physics on, curved edges,
  no positions) until ``stabilizationIterationsDone`` plus one frame, or the timeout.

Network requests other than file:// are blocked (pyvis's page asks for CDN styles); the table
says how many each page tried. Results go to ``benchmarks/results/viz.json``.

Usage::

    .venv/bin/python benchmarks/bench_viz.py                  # 100, 1000, 5000
    .venv/bin/python benchmarks/bench_viz.py --sizes 100,1000 --baseline-timeout 30
    .venv/bin/python benchmarks/bench_viz.py --screenshot docs/screenshot.png GRAPH...
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.viz import render  # noqa: E402
from kg.viz.model import extract  # noqa: E402
from kg.viz.sources import open_store  # noqa: E402
from kg.viz.synthetic import synthetic_ntriples  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
#: Resolves with performance.now() once pyvis's network has stabilized and drawn a frame.
HOOK_PYVIS = """
Object.defineProperty(window, "network", { configurable: true,
  get() { return this.__net; },
  set(v) { this.__net = v;
    v.once("stabilizationIterationsDone", () => v.once("afterDrawing",
      () => { window.__stableAt = performance.now(); }));
    v.redraw(); } });
"""


def pyvis_baseline(nt_path: Path) -> str:
    """The same entities and relations as a page made with pyvis's defaults."""
    from pyvis.network import Network

    graph = extract(open_store([nt_path]))
    iris = sorted(graph.nodes)
    index = {iri: i for i, iri in enumerate(iris)}
    net = Network(directed=True, cdn_resources="in_line")
    # add_node/add_edge take minutes at this size; the lists they would build, built directly
    net.nodes = [{"id": i, "label": graph.nodes[iri].label, "shape": "dot", "color": "#97c2fc",
                  "size": 10} for i, iri in enumerate(iris)]
    net.edges = [{"from": index[e.source], "to": index[e.target], "arrows": "to",
                  "label": graph.labels.get(e.prop, e.prop)} for e in graph.edges]
    return net.generate_html()


def open_page(browser, path: Path, hook: str | None = None):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    tried = []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            tried.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    if hook:
        page.add_init_script(hook)
    return page, tried


def time_page(browser, path: Path, ready_js: str, at_js: str, timeout: float, hook=None):
    """(ms to stable render or None on timeout, number of blocked network requests)."""
    page, tried = open_page(browser, path, hook)
    try:
        page.goto(path.as_uri(), timeout=timeout * 1000)
        page.wait_for_function(ready_js, timeout=timeout * 1000, polling=50)
        return page.evaluate(at_js), len(tried)
    except Exception as exc:  # playwright's TimeoutError; report it as a timeout
        if "Timeout" not in type(exc).__name__:
            raise
        return None, len(tried)
    finally:
        page.close()


def bench(sizes, repeat: int, baseline_timeout: float, out: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in sizes:
            nt = Path(tmp) / f"g{n}.nt"
            nt.write_text(synthetic_ntriples(n, seed=1), encoding="utf-8")
            t0 = time.perf_counter()
            html, counts = render([nt], max_nodes=n)
            py_s = time.perf_counter() - t0
            page = Path(tmp) / f"kg{n}.html"
            page.write_text(html, encoding="utf-8")
            ours = [time_page(browser, page, "window.zhkgViz && window.zhkgViz.ready",
                              "window.zhkgViz.readyAt", 120) for _ in range(repeat)]
            base = Path(tmp) / f"pyvis{n}.html"
            base.write_text(pyvis_baseline(nt), encoding="utf-8")
            base_ms, base_tried = time_page(browser, base, "window.__stableAt !== undefined",
                                            "window.__stableAt", baseline_timeout, HOOK_PYVIS)
            ms = [m for m, _ in ours if m is not None]
            rows.append({"nodes": counts["nodes"], "edges": counts["edges"],
                         "python_s": round(py_s, 2), "html_mb": round(len(html.encode()) / 1e6, 2),
                         "kg_viz_ms": round(statistics.median(ms)) if ms else None,
                         "kg_viz_requests": ours[0][1],
                         "pyvis_ms": round(base_ms) if base_ms is not None else None,
                         "pyvis_requests": base_tried, "pyvis_timeout_s": baseline_timeout})
            print_row(rows[-1])
        browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": platform.platform(), "repeat": repeat, "rows": rows},
                              indent=2) + "\n", encoding="utf-8")
    return rows


def fmt_ms(ms, timeout):
    return f"> {timeout:.0f} s (timeout)" if ms is None else f"{ms / 1000:.2f} s"


def print_row(r: dict) -> None:
    print(f"| {r['nodes']:>5} | {r['edges']:>5} | {r['python_s']:.2f} s | "
          f"{fmt_ms(r['kg_viz_ms'], 120)} | {r['kg_viz_requests']} | "
          f"{fmt_ms(r['pyvis_ms'], r['pyvis_timeout_s'])} | {r['pyvis_requests']} |", flush=True)


def screenshot(graphs: list[str], out: Path, select: str | None, title: str) -> None:
    """A PNG of the page for the docs, with one entity selected and its evidence open."""
    from playwright.sync_api import sync_playwright

    html, _ = render(graphs, title=title)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        page_path = Path(tmp) / "shot.html"
        page_path.write_text(html, encoding="utf-8")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page, _tried = open_page(browser, page_path)
        page.set_viewport_size({"width": 1600, "height": 900})
        page.goto(page_path.as_uri())
        page.wait_for_function("window.zhkgViz && window.zhkgViz.ready", timeout=60000)
        if select:
            page.fill("#search-input", select)
            page.press("#search-input", "Enter")
            page.wait_for_timeout(800)
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-timeout", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "viz.json")
    ap.add_argument("--screenshot", type=Path, help="write a PNG of GRAPH... instead")
    ap.add_argument("--select", help="with --screenshot: search this name first")
    ap.add_argument("--title", default="zhkg 知识图谱")
    ap.add_argument("graphs", nargs="*")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is absent: apt-get install -y chromium")
    if args.screenshot:
        screenshot(args.graphs, args.screenshot, args.select, args.title)
        return
    print("| nodes | edges | python render | kg viz: stable render | requests "
          "| pyvis defaults | requests |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    bench([int(s) for s in args.sizes.split(",")], args.repeat, args.baseline_timeout, args.out)


if __name__ == "__main__":
    main()
