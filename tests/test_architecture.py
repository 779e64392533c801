"""docs/architecture.md: adding an extractor is one file and one registry line, through the
documented API, and its mentions reach the graph. The test runs the page's own code blocks."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from kg import api, config, extractors

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "architecture.md"
TEXT = "某银行今年推出抗疫贷，为小微企业提供资金支持。"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_an_extractor_in_one_file_and_one_registry_line_reaches_the_graph(tmp_path, monkeypatch):
    module, line = _python_blocks()[:2]
    path = module.splitlines()[0].removeprefix("# ").strip()
    assert path.startswith("kg/extractors/") and line.strip().startswith("register(")
    name = Path(path).stem
    (tmp_path / f"{name}.py").write_text(module, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(extractors, "REGISTRY", dict(extractors.REGISTRY))
    exec(line.replace(f"kg.extractors.{name}", name), {"register": extractors.register})
    registered = re.search(r'register\("([^"]+)"', line).group(1)
    assert registered in extractors.REGISTRY

    cfg = config.from_dict({"propose": {"extractors": [*config.DEFAULT.propose, registered]}})
    result = api.build_text(TEXT, config=cfg)
    store = ox.Store()
    store.load(result.nquads, format=ox.RdfFormat.N_QUADS)
    from kg.query import run_query
    from kg.store import OxigraphStore

    graph = OxigraphStore()
    graph.write_graphs(result.nquads, [g.value for g in store.named_graphs()])
    rows = run_query(graph, "SELECT ?anchor ?cls WHERE { ?m a nif:Phrase ; nif:anchorOf ?anchor ; "
                     "zkg:extractor ?x ; itsrdf:taIdentRef ?e . ?e a ?cls }", {"x": f'"{registered}"'}).rows
    assert [(r[0].value, r[1].value.rsplit("#", 1)[1]) for r in rows] == [("抗疫贷", "FinancialProduct")]


def test_without_the_registry_line_it_does_not_run():
    result = api.build_text(TEXT)
    assert b"disaster-loans@1" not in result.nquads


def test_the_page_names_modules_that_exist():
    text = PAGE.read_text(encoding="utf-8")
    for module in sorted(set(re.findall(r"\bkg/[a-z_/]+\.py\b", text))):
        if "disaster_loans" not in module:
            assert (ROOT / module).is_file(), module
