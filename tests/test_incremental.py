"""Incremental builds into a store leave the same graph as a fresh build of the same documents."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import api
from kg.cli import cli
from kg.corpus import STATE_FILE, is_corpus, update
from kg.errors import KGError, StoreError
from kg.io import read_documents
from kg.rdf import HAS_VERSION
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
ENTITY = "https://w3id.org/zhkg/id/entity/"
# A defines a short name that B uses alone; C and D are unrelated to them.
TEXTS = {
    "star-a": "星河数智科技有限公司（以下简称“星河数智”）近日推出智能风控平台，服务中小银行。",
    "star-b": "星河数智与中国建设银行签署战略合作协议，双方将在隐私计算领域开展合作。",
    "pay-c": "中国人民银行发布数字人民币试点进展，中国工商银行参与试点。",
}


def write_jsonl(path: Path, ids: list[str], texts: dict[str, str] = TEXTS) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": texts[i]}, ensure_ascii=False) + "\n" for i in ids),
                    encoding="utf-8")
    return path


def canonical(store: ox.Store) -> list[str]:
    return sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())


def store_lines(db: Path) -> list[str]:
    with open_store(f"oxigraph:{db}") as store:
        return canonical(store.oxigraph)


def fresh_lines(inputs: list) -> list[str]:
    """A fresh build of ``inputs`` as a store would hold it (Oxigraph canonicalizes literals): its
    document graphs, and the default graph as their merge."""
    scratch = ox.Store()
    scratch.load(input=api.build(inputs).serialize("nq"), format=ox.RdfFormat.N_QUADS)
    scratch.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return canonical(scratch)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "corpus.db"


@pytest.mark.parametrize("steps", [
    [["star-a"], ["star-b", "pay-c"]],
    [["star-b"], ["pay-c"], ["star-a"]],  # the alias arrives after the article that uses it
    [["star-b", "star-a", "pay-c"]],
])
def test_adding_in_steps_equals_a_fresh_build(tmp_path, db, steps):
    seen: list[str] = []
    for n, ids in enumerate(steps):
        report = update(f"oxigraph:{db}", [write_jsonl(tmp_path / f"step{n}.jsonl", ids)])
        assert (report.added, report.unchanged) == (len(ids), 0)
        seen += ids
        assert report.documents == len(seen)
    assert store_lines(db) == fresh_lines([write_jsonl(tmp_path / "all.jsonl", sorted(seen))])


def test_late_alias_relinks_the_article_that_uses_it(tmp_path, db):
    update(f"oxigraph:{db}", [write_jsonl(tmp_path / "b.jsonl", ["star-b"])])
    with open_store(f"oxigraph:{db}") as store:
        assert f"{ENTITY}星河数智科技有限公司" not in "\n".join(canonical(store.oxigraph))
    report = update(f"oxigraph:{db}", [write_jsonl(tmp_path / "a.jsonl", ["star-a"])])
    assert report.relinked == 1 and report.rewritten == 2
    lines = store_lines(db)
    b_graph = [line for line in lines if line.endswith("/doc/star-b> .")]
    assert any(f"taIdentRef> <{ENTITY}星河数智科技有限公司>" in line for line in b_graph)


def test_unchanged_documents_are_skipped(tmp_path, db):
    inputs = [write_jsonl(tmp_path / "c.jsonl", ["star-a", "pay-c"]), EXAMPLES / "cmb_digital.txt"]
    update(f"oxigraph:{db}", inputs)
    before = store_lines(db)
    report = update(f"oxigraph:{db}", inputs)
    assert (report.added, report.changed, report.unchanged, report.rewritten) == (0, 0, 3, 0)
    assert store_lines(db) == before


def test_a_changed_document_replaces_its_graph(tmp_path, db):
    update(f"oxigraph:{db}", [write_jsonl(tmp_path / "v1.jsonl", ["star-a", "star-b", "pay-c"])])
    texts = dict(TEXTS, **{"pay-c": "中国人民银行与中国银联联合发布移动支付安全报告。"})
    v2 = write_jsonl(tmp_path / "v2.jsonl", ["star-a", "star-b", "pay-c"], texts)
    report = update(f"oxigraph:{db}", [v2])
    assert (report.added, report.changed, report.unchanged) == (0, 1, 2)
    lines = store_lines(db)
    assert lines == fresh_lines([v2])
    assert not any("数字人民币" in line for line in lines)


def test_remove_equals_a_fresh_build_and_drops_orphan_entities(tmp_path, db):
    update(f"oxigraph:{db}", [write_jsonl(tmp_path / "all.jsonl", ["star-a", "star-b", "pay-c"]),
                              EXAMPLES / "pboc_regulation.txt"])
    assert is_corpus(f"oxigraph:{db}") and (db / STATE_FILE).is_file()
    result = CliRunner().invoke(cli, ["remove", "star-a", "--store", f"oxigraph:{db}"])
    assert result.exit_code == 0, result.output
    assert re.search(r"removed star-a: graph <.*/doc/star-a>, \d+ quads", result.output)
    lines = store_lines(db)
    rest = [write_jsonl(tmp_path / "rest.jsonl", ["star-b", "pay-c"]), EXAMPLES / "pboc_regulation.txt"]
    assert lines == fresh_lines(rest)
    assert not any("星河数智科技有限公司" in line for line in lines)  # nobody mentions it any more


def test_remove_then_add_back_equals_the_first_build(tmp_path, db):
    inputs = [write_jsonl(tmp_path / "all.jsonl", ["star-a", "star-b", "pay-c"])]
    update(f"oxigraph:{db}", inputs)
    first = store_lines(db)
    update(f"oxigraph:{db}", remove=["star-a", "pay-c"])
    assert store_lines(db) == fresh_lines([write_jsonl(tmp_path / "b.jsonl", ["star-b"])])
    report = update(f"oxigraph:{db}", inputs)
    assert (report.added, report.unchanged) == (2, 1)
    assert store_lines(db) == first


def test_a_graph_dropped_behind_its_back_is_forgotten(tmp_path, db):
    update(f"oxigraph:{db}", [write_jsonl(tmp_path / "all.jsonl", ["star-a", "star-b"])])
    with open_store(f"oxigraph:{db}") as store:
        store.remove_graph(api.ids.document_iri("star-a"))
    report = update(f"oxigraph:{db}", [write_jsonl(tmp_path / "c.jsonl", ["pay-c"])])
    assert report.documents == 2
    assert store_lines(db) == fresh_lines([write_jsonl(tmp_path / "bc.jsonl", ["star-b", "pay-c"])])


def test_the_hash_is_stored_on_the_article(tmp_path, db):
    update(f"oxigraph:{db}", [write_jsonl(tmp_path / "a.jsonl", ["star-a"])])
    doc = next(read_documents([tmp_path / "a.jsonl"]))
    wanted = f'<{api.ids.document_iri("star-a")}> <{HAS_VERSION}> "{api.content_hash(doc)}"'
    assert any(line.startswith(wanted) for line in store_lines(db))


def test_other_options_are_refused(tmp_path, db):
    inputs = [write_jsonl(tmp_path / "a.jsonl", ["star-a"])]
    update(f"oxigraph:{db}", inputs)
    with pytest.raises(KGError, match="other options"):
        update(f"oxigraph:{db}", inputs, options=api.BuildOptions(include_text=False))


def test_graphs_loaded_by_other_means_are_refused(tmp_path, db):
    trig = tmp_path / "x.trig"
    api.build([write_jsonl(tmp_path / "c.jsonl", ["pay-c"])]).write(trig)
    assert CliRunner().invoke(cli, ["load", str(trig), "--store", f"oxigraph:{db}"]).exit_code == 0
    with pytest.raises(StoreError, match="not built by"):
        update(f"oxigraph:{db}", [write_jsonl(tmp_path / "a.jsonl", ["star-a"])])


def test_build_store_command_summary(tmp_path, db):
    inputs = [str(write_jsonl(tmp_path / "all.jsonl", ["star-a", "star-b"])), str(tmp_path / "nope.txt")]
    runner = CliRunner()
    first = runner.invoke(cli, ["build", *inputs, "--store", f"oxigraph:{db}", "--workers", "2"])
    assert first.exit_code == 3  # one input skipped
    assert "kg: warning: skipped" in first.output and "nope.txt" in first.output
    again = runner.invoke(cli, ["build", inputs[0], "--store", f"oxigraph:{db}", "--workers", "1"])
    assert again.exit_code == 0
    assert re.search(r"0 added, 0 changed, 2 unchanged, 0 removed documents .* now 2 documents, "
                     r"\d+ entities, \d+ relations, \d+ triples in [\d.]+s; no input skipped", again.output)


def test_an_interrupted_update_is_repaired_by_the_next(tmp_path, db, monkeypatch):
    from kg import corpus

    inputs = [write_jsonl(tmp_path / "all.jsonl", ["star-a", "star-b", "pay-c"])]
    update(f"oxigraph:{db}", [write_jsonl(tmp_path / "b.jsonl", ["star-b"])])

    def crash(self, iris, entities):
        raise KeyboardInterrupt

    monkeypatch.setattr(corpus.CorpusBuild, "_write", crash)
    with pytest.raises(KeyboardInterrupt):
        update(f"oxigraph:{db}", inputs)
    monkeypatch.undo()
    report = update(f"oxigraph:{db}", [])  # the records were saved: nothing to analyse again
    assert (report.rewritten, report.documents) == (3, 3)
    assert store_lines(db) == fresh_lines(inputs)
