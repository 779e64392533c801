"""Every way of building runs the same plan: the same graph from a file build, worker processes,
Dask, an incremental store build and the evaluation, with the default and another configuration."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg import api, config
from kg.config import DEFAULT, PipelineConfig
from kg.corpus import update
from kg.parallel import open_runner
from kg.pipeline import Pipeline
from kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
INPUTS = sorted(str(p) for p in EXAMPLES.glob("*.txt")) + [str(EXAMPLES / "corpus.jsonl")]
OTHER = PipelineConfig(DEFAULT.propose, ("relations@1", "metrics@1", "relation-model@1"),
                       (("relation-model@1", "threshold", 0.9),))
CONFIGS = {"default": None, "other": OTHER}
OTHER_TOML = ('[relate]\nextractors = ["relations@1", "metrics@1", "relation-model@1"]\n'
              '[relate.relation-model]\nthreshold = 0.9\n')


def dataset(nquads: bytes) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(data=nquads, format="nquads")
    return ds


def named_graphs(nquads: bytes) -> dict[str, rdflib.Graph]:
    return {str(g.identifier): g for g in dataset(nquads).graphs() if str(g.identifier).startswith("http")}


def assert_same(expected: bytes, got: bytes) -> None:
    want, have = named_graphs(expected), named_graphs(got)
    assert sorted(want) == sorted(have)
    for iri, graph in want.items():
        if not isomorphic(graph, have[iri]):
            _, only_want, only_have = graph_diff(to_isomorphic(graph), to_isomorphic(have[iri]))
            pytest.fail(f"{iri}: missing {sorted(only_want)[:3]}, extra {sorted(only_have)[:3]}")


def via_store(tmp_path: Path, cfg) -> bytes:
    """An incremental build into a store, in two steps; its document graphs as N-Quads."""
    spec = f"oxigraph:{tmp_path / 'corpus.db'}"
    options = api.BuildOptions(config=api.config_json(cfg))
    update(spec, INPUTS[:2], options=options)
    update(spec, INPUTS[2:], options=options)
    with open_store(spec) as store:
        return store.oxigraph.dump(format=ox.RdfFormat.N_QUADS)


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def serial(request):
    cfg = CONFIGS[request.param]
    return cfg, api.build(INPUTS, config=cfg).nquads


def test_the_configuration_shows_in_the_graph(serial):
    cfg, nquads = serial
    from kg.config import effective_config

    described = effective_config(None, cfg.to_json() if cfg is not None else None).describe()
    assert nquads.count(b"#configuration>") == nquads.count(b"#Article>")
    assert f'"{described}"'.encode() in nquads


def test_worker_processes(serial):
    cfg, nquads = serial
    assert api.build(INPUTS, config=cfg, workers=2).nquads == nquads


def test_dask(serial):
    pytest.importorskip("dask.distributed")
    from dask.distributed import LocalCluster

    cfg, nquads = serial
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        assert api.build(INPUTS, config=cfg, dask=cluster.scheduler_address).nquads == nquads


def test_the_command_line(serial, tmp_path):
    cfg, nquads = serial
    out = tmp_path / "out.nq"
    args = [sys.executable, "-m", "kg", "build", *INPUTS, "-o", str(out), "-q"]
    if cfg is not None:
        (tmp_path / "p.toml").write_text(OTHER_TOML, encoding="utf-8")
        assert config.load(tmp_path / "p.toml") == cfg
        args += ["--config", str(tmp_path / "p.toml")]
    proc = subprocess.run(args, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == nquads


def as_stored(nquads: bytes) -> bytes:
    """The graph as a store holds it (Oxigraph canonicalizes literals, e.g. integer datatypes)."""
    scratch = ox.Store()
    scratch.load(input=nquads, format=ox.RdfFormat.N_QUADS)
    return scratch.dump(format=ox.RdfFormat.N_QUADS)


def test_an_incremental_store_build(serial, tmp_path):
    cfg, nquads = serial
    assert_same(as_stored(nquads), via_store(tmp_path, cfg))


def test_the_evaluation_builds_what_kg_build_does(serial):
    """kg eval scores the graph a build of the same text gives, with the same configuration."""
    from kg.evaluate.predict import pipeline_predictor, read_graph

    cfg, _ = serial
    path = Path(INPUTS[0])
    built = read_graph(api.build([path], config=cfg).quads)
    doc_id = next(iter(built))
    predicted = pipeline_predictor(config=cfg)([(doc_id, path.read_text("utf-8"))])[doc_id]
    assert not predicted.error
    assert (sorted(predicted.mentions), sorted(predicted.relations)) == \
        (sorted(built[doc_id].mentions), sorted(built[doc_id].relations))
    assert predicted.relations


def test_a_store_refuses_another_configuration(tmp_path):
    spec = f"oxigraph:{tmp_path / 'corpus.db'}"
    update(spec, INPUTS[:1])
    from kg.errors import KGError

    with pytest.raises(KGError, match="other options"):
        update(spec, INPUTS[1:2], options=api.BuildOptions(config=OTHER.to_json()))


def test_the_pipeline_takes_its_extractors_from_the_configuration():
    pipe = Pipeline(config=OTHER)
    assert [n for n, _ in pipe.stages["relations"]] == list(OTHER.relate)
    assert [n for n, _ in pipe.stages["mentions"]] == list(DEFAULT.propose)
    assert pipe.res.options["relation_threshold"] == 0.9


def test_runners_share_one_pipeline_per_configuration():
    assert api.pipeline_for(api.BuildOptions()) is api.default_pipeline()
    other = api.pipeline_for(api.BuildOptions(config=OTHER.to_json()))
    assert other is not api.default_pipeline() and other.config == OTHER
    with open_runner(1, None) as runner:
        assert runner.workers == 1
