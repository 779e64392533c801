"""`kg build` from the command line: formats, outputs, stdin, JSONL, --force, --validate."""
from __future__ import annotations

import json

import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import cli

TEXT = "中国工商银行推出区块链平台“工银玺链”,服务超900万企业客户。"


@pytest.fixture()
def article(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix, rdflib_format", [
    (".ttl", "turtle"), (".trig", "trig"), (".nt", "nt"), (".nq", "nquads"), (".jsonld", "json-ld")])
def test_format_follows_the_extension(article, tmp_path, suffix, rdflib_format):
    out = tmp_path / f"g{suffix}"
    res = CliRunner().invoke(cli, ["build", str(article), "-o", str(out), "-q", "-j", "1"])
    assert res.exit_code == 0, res.output
    ds = rdflib.Dataset()
    ds.parse(out, format=rdflib_format)
    labels = {str(o) for _, _, o, _ in ds.quads((None, rdflib.RDFS.label, None, None))}
    assert {"中国工商银行", "工银玺链"} <= labels


def test_format_option_overrides_and_dash_writes_stdout(article):
    res = CliRunner().invoke(cli, ["build", str(article), "-o", "-", "--format", "nt", "-q", "-j", "1"])
    assert res.exit_code == 0
    assert "<https://w3id.org/zhkg/id/entity/工银玺链>" in res.stdout
    assert not res.stdout.startswith("@prefix")


def test_reads_stdin_and_jsonl(tmp_path):
    res = CliRunner().invoke(cli, ["build", "-", "--format", "nt", "-q", "-j", "1"], input=TEXT)
    assert res.exit_code == 0 and "工银玺链" in res.stdout
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps({"id": f"d{i}", "text": TEXT}, ensure_ascii=False)
                                for i in range(2)) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["build", str(corpus), "--format", "nq", "-q", "-j", "1"])
    assert res.exit_code == 0
    graphs = {line.rsplit(" ", 2)[-2] for line in res.stdout.splitlines()}
    assert graphs == {"<https://w3id.org/zhkg/id/doc/d0>", "<https://w3id.org/zhkg/id/doc/d1>"}


def test_existing_output_needs_force(article, tmp_path):
    out = tmp_path / "g.ttl"
    out.write_text("old", encoding="utf-8")
    res = CliRunner().invoke(cli, ["build", str(article), "-o", str(out), "-j", "1"])
    assert res.exit_code == 1 and "--force" in res.output
    assert out.read_text(encoding="utf-8") == "old"
    assert CliRunner().invoke(cli, ["build", str(article), "-o", str(out), "--force", "-q", "-j", "1"]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("@prefix")


def test_validate_passes_on_a_built_graph(article, tmp_path):
    res = CliRunner().invoke(cli, ["build", str(article), "-o", str(tmp_path / "g.ttl"), "--validate", "-q", "-j", "1"])
    assert res.exit_code == 0, res.output


def test_validate_failure_writes_nothing(article, tmp_path, monkeypatch):
    from kg import validate as validation

    monkeypatch.setattr(validation, "validate",
                        lambda data, **kw: validation.ValidationReport(conforms=False, triples=1))
    out = tmp_path / "g.ttl"
    res = CliRunner().invoke(cli, ["build", str(article), "-o", str(out), "--validate", "-j", "1"])
    assert res.exit_code == 4
    assert not out.exists()


def test_unknown_format_is_one_line(article):
    res = CliRunner().invoke(cli, ["build", str(article), "-o", "x.xyz", "-j", "1"])
    assert res.exit_code == 1
    assert res.output.strip().count("\n") == 0 and "kg: error:" in res.output


def test_overlong_document_is_skipped_with_a_reason(tmp_path):
    from kg.errors import InputError
    from kg.io import read_documents

    path = tmp_path / "long.txt"
    path.write_text("很长的文章。" * 10, encoding="utf-8")
    skipped = []
    assert list(read_documents([path], skipped=skipped, max_chars=20)) == []
    assert "over the 20" in skipped[0].reason and "split it" in skipped[0].reason
    with pytest.raises(InputError, match="long.txt"):
        list(read_documents([path], strict=True, max_chars=20))
