"""Run every benchmark script (``benchmarks/bench_*.py``) and print their tables.

    python -m benchmarks               # all of them, in name order
    python -m benchmarks build query   # only bench_build.py and bench_query.py
    python -m benchmarks --list

Each script runs in its own process with this interpreter and its default settings; its table
(standard output) is printed under a heading, its progress (standard error) passes through.
The exit code is non-zero when a script fails.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(names: list[str]) -> list[Path]:
    """The bench_*.py scripts, all or the named ones."""
    found = sorted(HERE.glob("bench_*.py"))
    if not names:
        return found
    by_name = {p.stem[len("bench_"):]: p for p in found}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {', '.join(unknown)}; there are: {', '.join(sorted(by_name))}")
    return [by_name[n] for n in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmark names (bench_NAME.py); default: all")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)
    todo = scripts(args.names)
    if args.list:
        print("\n".join(p.stem[len("bench_"):] for p in todo))
        return 0
    failed = []
    for path in todo:
        print(f"\n## {path.stem[len('bench_'):]} ({path.name})\n", flush=True)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(path)], cwd=HERE.parent, stdout=subprocess.PIPE,
                              text=True)
        print(proc.stdout.rstrip() or "(no table)")
        print(f"\n_{path.name}: {time.perf_counter() - started:.0f} s, exit {proc.returncode}_", flush=True)
        if proc.returncode:
            failed.append(path.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
