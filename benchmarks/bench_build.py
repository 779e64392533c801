"""Build throughput, scaling with workers, and peak memory of a store build.

The corpus is real Chinese text made at run time: the sentences of examples/articles/ and of the
seed article in ../shared/seeds (when present; its text is never written into the repository)
are shuffled into JSONL documents of about 40 sentences, in a temporary folder.

Measured in the same run, on the same text:

  jieba.lcut     bare ``jieba.lcut`` over every document (dictionary loaded beforehand)
  kg build -j1   ``kg.api.build`` end to end (read JSONL, analyse, resolve, RDF, write N-Quads),
                 pipeline loaded beforehand, one process
  kg build -jN   the same with N worker processes (forked: they inherit the loaded pipeline)
  store build    ``kg build CORPUS --store oxigraph:DIR`` as a command (``--store-mb`` of JSONL),
                 peak memory of the whole process tree (RSS and PSS summed), sampled every 0.2 s

Results go to ``benchmarks/results/build.json`` and a Markdown table to standard output.

    .venv/bin/python benchmarks/bench_build.py                  # 2 MB throughput, 5 MB store build
    .venv/bin/python benchmarks/bench_build.py --store-mb 50    # the 50 MB memory check (minutes)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEED = ROOT.parent / "shared" / "seeds" / "000_04c2008ada7c6151.txt"
RESULTS = ROOT / "benchmarks" / "results" / "build.json"
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def sentences() -> list[str]:
    """Every sentence of the example articles and the seed (read at run time)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "articles").glob("*.txt"))]
    for line in (ROOT / "examples" / "articles" / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            texts.append(json.loads(line)["text"])
    if SEED.exists():
        texts.append(SEED.read_text(encoding="utf-8"))
    return [s.strip() for t in texts for s in _SENTENCE.findall(t) if len(s.strip()) >= 8]


def make_corpus(path: Path, megabytes: float, seed: int = 7) -> dict:
    """A JSONL corpus of about ``megabytes`` MB of shuffled real sentences."""
    pool, rng = sentences(), random.Random(seed)
    size, n, chars = 0, 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while size < megabytes * 1e6:
            text = "".join(rng.sample(pool, min(40, len(pool))))
            line = json.dumps({"id": f"bench-{n:06d}", "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            n, chars = n + 1, chars + len(text)
    return {"documents": n, "chars": chars, "bytes": size}


def texts_of(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the worker pool)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bench_jieba(texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of bare ``jieba.lcut`` over the texts."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    started, cpu = time.perf_counter(), cpu_seconds()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - started, cpu_seconds() - cpu


def bench_build(corpus: Path, workers: int, out: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (all processes) and triples of an end-to-end build."""
    from kg import api

    api.default_pipeline().res.segmenter.in_dictionary("")  # everything loaded, as in a warm worker
    started, cpu = time.perf_counter(), cpu_seconds()
    result = api.build([corpus], workers=workers, keep_documents=False)  # as kg build does
    result.write(out, "nq")
    return time.perf_counter() - started, cpu_seconds() - cpu, result.quad_count


def load_average() -> float:
    return os.getloadavg()[0]


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory(pid: int) -> tuple[int, int]:
    """Resident memory (bytes) of a process and all its descendants: RSS summed, and PSS summed
    (PSS splits the pages forked workers share with their parent, so it does not count them twice)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        children.setdefault(int(fields["PPid"]), []).append(int(entry))
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total_rss, total_pss, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        total_rss += rss.get(p, 0)
        total_pss += _pss(p)
        todo += children.get(p, [])
    return total_rss, total_pss


def bench_store(corpus: Path, db: Path, workers: int) -> dict:
    """``kg build --store`` as a command: wall time, peak RSS of the process tree, triples."""
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "--store", f"oxigraph:{db}",
           "--workers", str(workers), "--no-progress"]
    started, peak, peak_pss = time.perf_counter(), 0, 0
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None:
        rss, pss = tree_memory(proc.pid)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    summary = proc.stderr.read().strip().splitlines()
    if proc.returncode:
        raise SystemExit(f"store build failed: {summary[-1:]}")
    triples = int(re.search(r"(\d+) triples", summary[-1]).group(1))
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak / 2**20),
            "peak_pss_mb": round(peak_pss / 2**20), "triples": triples,
            "triples_per_s": round(triples / seconds), "summary": summary[-1]}


def table(r: dict) -> str:
    t = r["throughput"]
    lines = [
        f"Corpus: {r['corpus']['documents']} documents, {r['corpus']['chars']:,} characters "
        f"({r['corpus']['bytes'] / 1e6:.1f} MB JSONL); {r['machine']}; load average "
        f"{r['load_average_before']:.1f} before, {r['load_average_after']:.1f} after; speeds best of "
        f"{r['rounds']} interleaved rounds (ratio per round: "
        f"{', '.join(f'{x:.0%}' for x in r['round_ratios'])})",
        "",
        "| measure | wall clock | per CPU second | target |",
        "|---|---:|---:|---:|",
        f"| bare `jieba.lcut` | {t['jieba_chars_per_s']:,.0f} chars/s | {t['jieba_chars_per_cpu_s']:,.0f} chars/s | |",
        f"| `kg build` 1 worker, end to end | {t['build_chars_per_s'][0]:,.0f} chars/s | "
        f"{t['build_chars_per_cpu_s'][0]:,.0f} chars/s | |",
        f"| ratio to `jieba.lcut` (median of the rounds) | {t['ratio_to_jieba']:.0%} | "
        f"{t['cpu_ratio_to_jieba']:.0%} | >= 50% |",
    ]
    for w, speed, cpu in zip(r["workers"][1:], t["build_chars_per_s"][1:], t["build_chars_per_cpu_s"][1:]):
        lines.append(f"| `kg build` {w} workers (best round) | {speed:,.0f} chars/s "
                     f"({speed / t['build_chars_per_s'][0]:.2f}x) "
                     f"| {cpu:,.0f} chars/s ({cpu / t['build_chars_per_cpu_s'][0]:.0%} of 1 worker's) | |")
        per_round = r["round_speedups"][w]
        lines.append(f"| speed-up of {w} workers (median of the rounds: "
                     f"{', '.join(f'{x:.2f}' for x in per_round)}) | {statistics.median(per_round):.2f}x | | "
                     f"{'>= 1.7x' if w == 2 else ''} |")
    lines.append(f"| outputs of all worker counts byte-identical | {r['identical_outputs']} | | |")
    lines.append(f"| triples written per second (file, 1 worker) | {t['triples_per_s'][0]:,.0f} | | |")
    s = r.get("store")
    if s:
        lines += [f"| store build of {s['mb']} MB, {s['workers']} workers: time | {s['seconds']} s | | |",
                  f"| store build: peak memory, RSS summed over all processes | {s['peak_rss_mb']:,} MB | | <= 2048 MB |",
                  f"| store build: peak memory, PSS summed (shared pages once) | {s['peak_pss_mb']:,} MB | | |",
                  f"| store build: triples written per second | {s['triples_per_s']:,} | | |"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="MB of JSONL for the throughput runs")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (speeds: the best; ratio: the median)")
    parser.add_argument("--store-mb", type=float, default=5.0, help="MB of JSONL for the store build (0: skip)")
    parser.add_argument("--store-workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhkg-bench-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.jsonl"
        info = make_corpus(corpus, args.mb)
        texts = texts_of(corpus)
        print(f"corpus: {info['documents']} documents, {info['chars']:,} chars", file=sys.stderr)
        load = load_average()
        # rounds interleave the baseline and the builds; speeds are the best of the rounds (as
        # timeit does) and the ratio the median of the rounds' own ratios, so a burst of load on a
        # shared machine does not decide it
        rounds: list[dict] = []
        for _ in range(args.rounds):
            jieba_s, jieba_cpu = bench_jieba(texts)
            row = {"jieba": (jieba_s, jieba_cpu), "build": {}}
            for w in args.workers:
                row["build"][w] = bench_build(corpus, w, tmp / f"out{w}.nq")
                print(f"  kg build -j{w}: {row['build'][w][0]:.1f} s wall, {row['build'][w][1]:.1f} s CPU",
                      file=sys.stderr)
            rounds.append(row)
        jieba_s = min(r["jieba"][0] for r in rounds)
        jieba_cpu = min(r["jieba"][1] for r in rounds)
        seconds = [min(r["build"][w][0] for r in rounds) for w in args.workers]
        cpus = [min(r["build"][w][1] for r in rounds) for w in args.workers]
        triples = [rounds[0]["build"][w][2] for w in args.workers]
        same = len({(tmp / f"out{w}.nq").read_bytes() for w in args.workers}) == 1
        result = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "load_average_before": load, "load_average_after": load_average(),
            "corpus": info, "workers": args.workers, "identical_outputs": same, "rounds": args.rounds,
            "round_ratios": [r["jieba"][0] / r["build"][args.workers[0]][0] for r in rounds],
            # the speed-up of each worker count over the first, per round and its median
            "round_speedups": {w: [r["build"][args.workers[0]][0] / r["build"][w][0] for r in rounds]
                               for w in args.workers[1:]},
            "throughput": {
                "jieba_chars_per_s": info["chars"] / jieba_s,
                "jieba_chars_per_cpu_s": info["chars"] / jieba_cpu,
                "build_chars_per_s": [info["chars"] / s for s in seconds],
                "build_chars_per_cpu_s": [info["chars"] / c for c in cpus],
                # each round's baseline and build run back to back: the median of their ratios
                "ratio_to_jieba": statistics.median(r["jieba"][0] / r["build"][args.workers[0]][0] for r in rounds),
                "cpu_ratio_to_jieba": statistics.median(r["jieba"][1] / r["build"][args.workers[0]][1]
                                                        for r in rounds),
                "triples_per_s": [n / s for n, s in zip(triples, seconds)],
            },
        }
        if args.store_mb > 0:
            big = tmp / "big.jsonl"
            big_info = make_corpus(big, args.store_mb, seed=11)
            print(f"store build: {big_info['documents']} documents ...", file=sys.stderr)
            result["store"] = dict(bench_store(big, tmp / "db", args.store_workers), mb=args.store_mb,
                                   workers=args.store_workers, corpus=big_info)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))
    if not same:
        print("\nWARNING: the outputs of different worker counts differ", file=sys.stderr)


if __name__ == "__main__":
    main()
