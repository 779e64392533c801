"""Serial, process-pool and Dask builds give the same bytes; progress, summary, skipped inputs."""
from __future__ import annotations

import itertools
import json
import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import api
from kg.cli import cli
from kg.errors import EXIT_PARTIAL, EXIT_USAGE, KGError
from kg.parallel import PoolRunner, SerialRunner, batched, open_runner
from kg.rdf import HAS_VERSION
from kg.resolve import resolve
from kg.types import Document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
SEED = ROOT.parent / "shared" / "seeds" / "000_04c2008ada7c6151.txt"
INPUTS = sorted(str(p) for p in EXAMPLES.glob("*.txt")) + [str(EXAMPLES / "corpus.jsonl")]
SUMMARY = re.compile(r"kg: (\d+) documents, (\d+) entities, (\d+) relations, (\d+) triples "
                     r"in [\d.]+s; (no input skipped|(\d+) input\(s\) skipped)")


def _inputs() -> list[str]:
    return INPUTS + ([str(SEED)] if SEED.exists() else [])


def run(*args: str):
    return CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)


def _square_all(batch: list[int], offset: int) -> list[int]:
    return [x * x + offset for x in batch]


# -- runners -------------------------------------------------------------------------------------

@pytest.mark.parametrize("size, expected", [(1, [[1], [2], [3]]), (2, [[1, 2], [3]]), (5, [[1, 2, 3]])])
def test_batched(size, expected):
    assert list(batched([1, 2, 3], size)) == expected


@pytest.mark.parametrize("make", [SerialRunner, lambda: PoolRunner(2)], ids=["serial", "pool"])
def test_runner_keeps_batch_order(make):
    batches = [list(range(i, i + 3)) for i in range(0, 30, 3)]
    with make() as runner:
        out = list(runner.imap(_square_all, batches, runner.share(1)))
    assert out == [[x * x + 1 for x in b] for b in batches]


def test_open_runner_picks_the_kind():
    assert isinstance(open_runner(1), SerialRunner)
    with open_runner(2) as runner:
        assert isinstance(runner, PoolRunner) and runner.workers == 2


# -- order-independent merges ------------------------------------------------------------------------

NAMES = st.dictionaries(st.sampled_from(["工行", "建信金科", "星河"]),
                        st.tuples(st.sampled_from(["Company", "Platform"]), st.sampled_from(["A", "B"])),
                        max_size=3)


@settings(max_examples=50, deadline=None)
@given(st.lists(NAMES, max_size=5), st.randoms())
def test_merge_names_ignores_document_order(found, rnd):
    shuffled = list(found)
    rnd.shuffle(shuffled)
    assert api.merge_names(found) == api.merge_names(shuffled)


def test_merge_names_prefers_the_majority_then_the_smallest():
    found = [{"x": ("Company", "B")}, {"x": ("Platform", "A")}, {"x": ("Company", "B")}, {"y": ("P", "b")},
             {"y": ("P", "a")}]
    assert api.merge_names(found) == {"x": ("Company", "B"), "y": ("P", "a")}


def test_merge_entities_equals_resolve(pipeline):
    result = api.build(INPUTS)
    contributions = [api.contribution(d, pipeline.lexicon) for d in result.documents]
    for order in (contributions, contributions[::-1]):
        assert api.merge_entities(order, pipeline.lexicon) == resolve(result.documents, pipeline.lexicon)


# -- byte-identical builds ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def serial_bytes(tmp_path_factory) -> dict[str, bytes]:
    out = {}
    for fmt in ("trig", "nq"):
        path = tmp_path_factory.mktemp("serial") / f"g.{fmt}"
        assert run(*_inputs(), "-o", str(path), "--workers", "1", "-q").exit_code == 0
        out[fmt] = path.read_bytes()
    return out


@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_two_workers_give_the_serial_bytes(tmp_path, serial_bytes, fmt):
    path = tmp_path / f"g.{fmt}"
    assert run(*_inputs(), "-o", str(path), "--workers", "2", "-q").exit_code == 0
    assert path.read_bytes() == serial_bytes[fmt]


def test_dask_gives_the_serial_bytes(tmp_path, serial_bytes):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        path = tmp_path / "g.trig"
        result = run(*_inputs(), "-o", str(path), "--dask", cluster.scheduler_address)
        assert result.exit_code == 0, result.output
    assert path.read_bytes() == serial_bytes["trig"]


@pytest.mark.parametrize("fmt", ["trig", "nq", "ttl", "nt", "jsonld"])
def test_fast_serialization_equals_export(fmt):
    """The workers' per-document N-Quads concatenate to what kg.export writes, in every format."""
    from kg.export import serialize_quads

    result = api.build(INPUTS)
    assert result.serialize(fmt) == serialize_quads(result.quads, fmt)
    assert result.quad_count == len(result.quads)


def test_library_build_matches_the_command(serial_bytes):
    assert api.build(_inputs(), workers=2).serialize("nq") == serial_bytes["nq"]


def test_cross_document_alias_reaches_the_other_article():
    a = Document("a", "星河数智科技有限公司（以下简称“星河数智”）近日推出智能风控平台，服务中小银行。")
    b = Document("b", "星河数智与中国建设银行签署战略合作协议，双方将在隐私计算领域开展合作。")
    alone = api.build_documents([Document("b", b.text)])
    together = api.build_documents([a, b], workers=2)
    assert "星河数智科技有限公司" not in alone.entities
    doc_b = next(d for d in together.documents if d.id == "b")
    assert [m.canonical for m in doc_b.mentions if m.text == "星河数智"] == ["星河数智科技有限公司"]


# -- progress, summary, skipped inputs ------------------------------------------------------------------

def test_summary_counts_and_no_bar_when_not_a_terminal(tmp_path):
    result = run(*INPUTS, "-o", str(tmp_path / "g.ttl"), "--workers", "1")
    assert result.exit_code == 0
    match = SUMMARY.search(result.output)
    assert match and match.group(5) == "no input skipped"
    built = api.build(INPUTS)
    assert [int(g) for g in match.groups()[:4]] == [
        len(built.documents), built.entity_count, built.relation_count, len(built.quads)]
    assert "analyze" not in result.output and "\r" not in result.output


def test_progress_bar_when_asked(tmp_path):
    result = run(*INPUTS, "-o", str(tmp_path / "g.ttl"), "--workers", "1", "--progress")
    assert result.exit_code == 0
    count = len(api.build(INPUTS).documents)
    assert re.search(rf"\ranalyze: +\d+%\|.*\| \d+/{count} \[", result.output)  # tqdm's bar over every document
    assert SUMMARY.search(result.output)


def test_skipped_inputs_are_reported_with_reasons(tmp_path):
    jsonl = tmp_path / "mixed.jsonl"
    good = {"id": "ok", "text": "中国人民银行发布数字人民币试点进展。"}
    jsonl.write_text(json.dumps(good, ensure_ascii=False) + "\n{not json\n" + '{"id": "e", "text": ""}\n',
                     encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    result = run(str(jsonl), str(tmp_path / "missing.txt"), str(tmp_path / "bin.txt"),
                 "-o", str(tmp_path / "g.nq"), "--workers", "1")
    assert result.exit_code == EXIT_PARTIAL
    warnings = [line for line in result.output.splitlines() if line.startswith("kg: warning: skipped")]
    assert len(warnings) == 4
    for source, reason in (("mixed.jsonl:2", "JSON"), ("mixed.jsonl:3", "text"),
                           ("missing.txt", "no such file"), ("bin.txt", "binary")):
        assert any(re.search(f"{re.escape(source)}: .*{reason}", w) for w in warnings), source
    assert SUMMARY.search(result.output).group(6) == "4"


@pytest.mark.parametrize("args, message", [
    (["--workers", "0"], "--workers"),
    (["--workers", "2", "--dask", "tcp://127.0.0.1:1"], "either --workers or --dask"),
    (["--store", "oxigraph:x", "-o", "g.ttl"], "leave out -o"),
])
def test_bad_option_combinations(args, message):
    result = CliRunner().invoke(cli, ["build", INPUTS[0], *args])
    assert result.exit_code == EXIT_USAGE and message in result.output


def test_unique_ids_number_repeats():
    docs = [Document("a", "x"), Document("a", "y"), Document("b", "z"), Document("a", "w")]
    assert [d.id for d in api.unique_ids(docs)] == ["a", "a#2", "b", "a#3"]


@pytest.mark.parametrize("meta, same", [({}, True), ({"title": "t"}, False)])
def test_content_hash_covers_text_and_metadata(meta, same):
    a, b = Document("a", "同一段文字。"), Document("b", "同一段文字。", meta=meta)
    assert (api.content_hash(a) == api.content_hash(b)) is same
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", api.content_hash(a))


def test_hash_is_on_every_article():
    result = api.build(INPUTS)
    versions = [q for q in result.quads if q.predicate.value == HAS_VERSION]
    assert len(versions) == len(result.documents)
    assert all(q.subject == q.graph_name for q in versions)
    assert len({q.object.value for q in versions}) == len(versions)


def test_pairs_of_inputs_in_any_order_give_one_graph():
    """Input order changes nothing but nothing else either: the graphs are sorted."""
    a, b = INPUTS[:2]
    outs = {api.build(list(p)).serialize("nq") for p in itertools.permutations([a, b])}
    assert len(outs) == 1


def _keep(state: dict, batch: list[int]) -> int:
    state.setdefault("seen", []).extend(batch)
    return len(state["seen"])


def _total(state: dict, factor: int) -> int:
    if factor < 0:
        raise ValueError("negative factor")
    return sum(state.get("seen", [])) * factor


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_workers_keep_their_state_between_calls(workers):
    """A batch stays in the worker that took it; broadcast sees each worker's own state."""
    batches = [[k] for k in range(1, 41)]
    with open_runner(workers) as runner:
        kept = list(runner.imap_keep(_keep, batches))
        totals = runner.broadcast(_total, [(10,)] * runner.workers)
    assert sum(totals) == 10 * sum(range(1, 41))
    took: dict[int, list[int]] = {}
    for (worker, count), batch in zip(kept, batches):
        took.setdefault(worker, []).extend(batch)
        assert count == len(took[worker])  # each worker counts only its own batches, in order
    assert totals == [10 * sum(took.get(i, [])) for i in range(workers)]


def _pid(state: dict, batch: list[int]) -> int:
    return os.getpid()


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_worker_0_is_this_process(workers):
    with open_runner(workers) as runner:
        ran = list(runner.imap_keep(_pid, [[k] for k in range(30)]))
        here = runner.broadcast(_pid, [([0],)] * runner.workers)
    assert here[0] == os.getpid() and len(set(here)) == workers
    assert {pid for worker, pid in ran} <= set(here)
    assert all(pid == here[worker] for worker, pid in ran)


def _slow_first(state: dict, batch: list[int]) -> int:
    if batch == [0]:
        time.sleep(1.0)
    return batch[0]


def test_a_slow_batch_does_not_hold_up_the_other_worker():
    with open_runner(2) as runner:
        kept = list(runner.imap_keep(_slow_first, [[k] for k in range(12)]))
    assert [value for _, value in kept] == list(range(12))  # in order all the same
    slow = kept[0][0]
    assert sum(worker == slow for worker, _ in kept) <= 3  # the other took the rest meanwhile


def _die_elsewhere(state: dict, batch: list[int], main: int) -> int:
    if os.getpid() != main:
        os._exit(3)
    return batch[0]


def test_a_worker_that_dies_is_an_error_not_a_hang():
    with open_runner(2) as runner:
        with pytest.raises(KGError, match=r"stopped \(exit code 3\)"):
            list(runner.imap_keep(_die_elsewhere, [[k] for k in range(6)], os.getpid()))


def test_an_error_in_a_worker_is_raised_in_the_caller():
    with open_runner(2) as runner:
        list(runner.imap_keep(_keep, [[1], [2]]))
        with pytest.raises(ValueError, match="negative factor"):
            runner.broadcast(_total, [(-1,), (-1,)])


@pytest.mark.parametrize("workers", [1, 2])
def test_a_build_that_does_not_keep_documents_has_the_same_graph(workers):
    kept = api.build(INPUTS, workers=workers)
    lean = api.build(INPUTS, workers=workers, keep_documents=False)
    assert lean.nquads == kept.nquads and lean.document_count == len(kept.documents)
    with pytest.raises(KGError, match="did not keep its documents"):
        lean.documents
