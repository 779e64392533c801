"""The pipeline configuration: TOML parsing, registry names, errors, the plan, provenance."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg import api, config, extractors
from kg.config import DEFAULT, PipelineConfig
from kg.errors import ConfigError
from kg.types import Mention

TEXT = ("工商银行推出“抗疫贷”产品。招商银行股份有限公司（以下简称“招商银行”）行长王良表示，"
        "招商银行2020年实现净利润973亿元。")
RULES_RELATE = ("relations@1", "metrics@1", "penalties@1")


def write(tmp_path: Path, body: str, name: str = "pipeline.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, propose, relate, settings", [
    ("", DEFAULT.propose, DEFAULT.relate, ()),
    ('[relate]\nextractors = ["relations@1", "metrics@1", "penalties@1"]\n', DEFAULT.propose, RULES_RELATE, ()),
    ('[relate]\nextractors = ["relation-model@1"]\n[relate.relation-model]\nthreshold = 0.75\n',
     DEFAULT.propose, ("relation-model@1",), (("relation-model@1", "threshold", 0.75),)),
    ('[relate]\nextractors = ["relation-model@1"]\n[relate."relation-model@1"]\nthreshold = 1\n',
     DEFAULT.propose, ("relation-model@1",), (("relation-model@1", "threshold", 1.0),)),
    ('[propose]\nextractors = ["gazetteer@1", "quoted@1"]\n', ("gazetteer@1", "quoted@1"), DEFAULT.relate, ()),
    ('[pipeline]\n[propose]\nextractors = []\n[relate]\nextractors = []\n', (), (), ()),
    # settings without a list: the default extractors, this setting
    ('[relate.relation-model]\nthreshold = 0.6\n', DEFAULT.propose, DEFAULT.relate,
     (("relation-model@1", "threshold", 0.6),)),
])
def test_parsing(tmp_path, body, propose, relate, settings):
    cfg = config.load(write(tmp_path, body))
    assert (cfg.propose, cfg.relate, cfg.settings) == (propose, relate, settings)
    assert config.from_json(cfg.to_json()) == cfg  # what a store records reads back the same


def test_a_model_path_is_relative_to_the_file(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "ner.crf").write_bytes(b"x")
    cfg = config.load(write(tmp_path, '[propose]\nextractors = ["gazetteer@1", "crf@1"]\n'
                                      '[propose.crf]\nmodel = "models/ner.crf"\n'))
    assert cfg.setting("crf@1", "model") == str(tmp_path / "models" / "ner.crf")
    assert cfg.options() == {"ner_model": str(tmp_path / "models" / "ner.crf")}


@pytest.mark.parametrize("body, message", [
    ('[propose]\nextractors = ["gazeteer@1"]\n', "unknown extractor 'gazeteer@1'"),
    ('[propose]\nextractors = ["relations@1"]\n', "relations@1 is not a [propose] extractor"),
    ('[relate]\nextractors = ["quoted@1"]\n', "quoted@1 is not a [relate] extractor"),
    ('[propose]\nextractors = "quoted@1"\n', "needs extractors = "),
    ('[propose]\nextractors = ["quoted@1", "quoted@1"]\n', "lists an extractor twice"),
    ('[relat]\nextractors = []\n', "unknown section [relat]"),
    ('[relate]\nextractors = ["relations@1"]\n[relate.relation-model]\nthreshold = 0.5\n',
     "[relate.relation-model] is not an extractor of [relate]"),
    ('[relate]\nextractors = ["relation-model@1"]\n[relate.relation-model]\nthreshhold = 0.5\n',
     "relation-model@1 has no setting 'threshhold'"),
    ('[relate]\nextractors = ["relation-model@1"]\n[relate.relation-model]\nthreshold = 2\n',
     "threshold must be a number from 0 to 1"),
    ('[relate]\nextractors = ["relation-model@1"]\n[relate.relation-model]\nmodel = "no/such.lr"\n',
     "no file no/such.lr"),
    ('[propose]\nextractors = ["crf@1"]\n', "crf@1 needs a model"),
    ('[propose\n', "not valid TOML"),
])
def test_bad_configurations(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        config.load(path)
    assert message in str(err.value)
    assert str(err.value).startswith(str(path))


def test_unknown_extractor_is_one_line_on_the_command_line(tmp_path):
    path = write(tmp_path, '[propose]\nextractors = ["gazeteer@1"]\n')
    article = write(tmp_path, TEXT, "a.txt")
    proc = subprocess.run([sys.executable, "-m", "kg", "build", str(article), "--config", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"kg: error: {path}: unknown extractor 'gazeteer@1'")
    assert "gazetteer@1" in lines[0].split("known:")[1]


def test_show_plan_lists_stages_and_components(tmp_path):
    path = write(tmp_path, '[relate]\nextractors = ["relations@1", "relation-model@1"]\n'
                           '[relate.relation-model]\nthreshold = 0.8\n')
    proc = subprocess.run([sys.executable, "-m", "kg", "build", "--show-plan", "--config", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    stages = [stage for stage, _ in config.PLAN]
    assert [out.index(s) for s in stages] == sorted(out.index(s) for s in stages)
    assert "- relation-model@1 (threshold=0.8)" in out
    assert "- metrics@1" not in out
    assert "- gazetteer@1" in out
    assert config.load(path).digest() in out


def test_the_default_configuration_is_recorded_too():
    plain = api.build_text(TEXT)
    assert api.build_text(TEXT, config=DEFAULT).nquads == plain.nquads
    recorded = [q.object.value for q in plain.quads if q.predicate.value.endswith("#configuration")]
    assert recorded == [DEFAULT.describe()]
    assert recorded[0].startswith(" ".join(DEFAULT.propose)) and recorded[0].endswith("; " + DEFAULT.digest())


def test_provenance_names_each_model_file_by_its_content(tmp_path):
    from kg.relmodel.model import DEFAULT_MODEL

    copy = tmp_path / "rel.json"
    copy.write_bytes(DEFAULT_MODEL.read_bytes())
    packaged = DEFAULT.describe()
    assert f"relation-model@1(model={config.file_digest(DEFAULT_MODEL)})" in packaged
    same = config.from_dict({"relate": {"relation-model": {"model": str(copy)}}})
    assert f"model={config.file_digest(DEFAULT_MODEL)}" in same.describe() and str(copy) not in same.describe()
    copy.write_bytes(DEFAULT_MODEL.read_bytes() + b" ")
    assert config.file_digest(copy) != config.file_digest(DEFAULT_MODEL)


@pytest.mark.parametrize("cfg", [DEFAULT, PipelineConfig(("quoted@1",), ("metrics@1",)),
                                 PipelineConfig(DEFAULT.propose, DEFAULT.relate,
                                                (("relation-model@1", "threshold", 0.75),))])
def test_the_toml_it_prints_reads_back_the_same(tmp_path, cfg):
    path = tmp_path / "pipeline.toml"
    path.write_text(cfg.to_toml(), encoding="utf-8")
    assert config.load(path) == cfg


def test_kg_pipeline_prints_the_defaults_as_toml(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kg", "pipeline", "--toml"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout == DEFAULT.to_toml()
    full = subprocess.run([sys.executable, "-m", "kg", "pipeline"], capture_output=True, text=True, timeout=120)
    assert full.stdout.endswith(DEFAULT.to_toml()) and f"provenance: {DEFAULT.describe()}" in full.stdout


def test_another_configuration_runs_and_is_recorded():
    cfg = PipelineConfig(DEFAULT.propose, ("metrics@1",))
    result = api.build_text(TEXT, config=cfg)
    assert result.relation_count == 0 < api.build_text(TEXT).relation_count
    assert result.documents[0].metrics
    recorded = [q for q in result.quads if q.predicate.value.endswith("#configuration")]
    assert len(recorded) == 1
    assert recorded[0].object.value == cfg.describe()
    assert recorded[0].object.value.endswith(cfg.digest())
    assert "metrics@1" in recorded[0].object.value and "relations@1" not in recorded[0].object.value


def test_a_new_extractor_is_one_module_and_one_registry_line(tmp_path, monkeypatch):
    """What docs/pipeline.md shows: a module with ``propose`` and a ``register`` line."""
    (tmp_path / "shouting.py").write_text(
        "from kg.types import Mention\n\n"
        "def propose(doc, res):\n"
        "    at = doc.text.find('抗疫贷')\n"
        "    return [Mention(at, at + 3, '抗疫贷', 'Product', 'shouting@1', 0.9)] if at >= 0 else []\n",
        encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(extractors.REGISTRY, "shouting@1", ("mentions", "shouting:propose"))
    cfg = config.from_dict({"propose": {"extractors": ["shouting@1"]}, "relate": {"extractors": []}})
    doc = api.build_text(TEXT, config=cfg).documents[0]
    assert [(m.text, m.extractor) for m in doc.mentions
            if m.extractor != "propagate@1"] == [("抗疫贷", "shouting@1")]
    assert isinstance(doc.mentions[0], Mention)


def test_kg_eval_takes_the_configuration(tmp_path):
    import json

    gold = Path(__file__).parent / "gold" / "icbc_fintech.json"
    path = write(tmp_path, "[relate]\nextractors = []\n")

    def relations(*extra: str) -> dict:
        proc = subprocess.run([sys.executable, "-m", "kg", "eval", str(gold), "--json", *extra],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)["sections"]["relations"]["overall"]

    assert relations()["pred"] > 0
    assert relations("--config", str(path))["pred"] == 0


def test_build_without_inputs_is_still_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "kg", "build"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "give at least one input" in proc.stderr


def test_show_plan_without_a_configuration_lists_the_default_extractors():
    proc = subprocess.run([sys.executable, "-m", "kg", "build", "--show-plan"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    listed = [line.split("- ")[1] for line in proc.stdout.splitlines() if line.startswith("      - ")]
    assert listed == list(DEFAULT.extractors)
    assert f"configuration {DEFAULT.digest()}\nprovenance: " in proc.stdout
    assert proc.stdout.endswith(DEFAULT.to_toml())


def test_kg_pipeline_prints_the_plan_of_kg_build(tmp_path):
    path = write(tmp_path, '[propose]\nextractors = ["quoted@1"]\n')

    def out(*args: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert out("pipeline", "--config", str(path)) == out("build", "--show-plan", "--config", str(path))
    assert "- quoted@1" in out("pipeline", "--config", str(path))
    assert "- gazetteer@1" not in out("pipeline", "--config", str(path))
