"""Query latency of the example queries at 10^4, 10^5 (and optionally 10^6) triples.

Stores compared in the same run, on the same synthetic contract-shaped corpus (one named graph
per article, written as N-Quads text):

  rdflib       rdflib ``Dataset(default_union=True)`` in memory
  oxigraph     ``kg.store`` in-memory store (pyoxigraph)
  oxigraph-db  ``kg.store`` persistent ``oxigraph:DIR`` store

Each query runs once to warm up, then ``--runs`` times; the median is reported. The results go
to ``benchmarks/results/query.json`` and a Markdown table to standard output.

    .venv/bin/python benchmarks/bench_query.py                 # 10^4 and 10^5
    .venv/bin/python benchmarks/bench_query.py --sizes 1e6     # the big one (rdflib takes minutes)
"""
from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.ontology import PREFIXES  # noqa: E402
from kg.query import bind_params, parse_term, prefix_header  # noqa: E402
from kg.store import OxigraphStore, open_files  # noqa: E402

QUERIES = ROOT / "examples" / "queries"
RESULTS = ROOT / "benchmarks" / "results" / "query.json"

ZKG, NIF, ITS = PREFIXES["zkg"], PREFIXES["nif"], PREFIXES["itsrdf"]
RDF, RDFS, SKOS = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["skos"]
DCT, PROV, XSD = PREFIXES["dcterms"], PREFIXES["prov"], PREFIXES["xsd"]
ENT, DOC = PREFIXES["zkgr"] + "entity/", PREFIXES["zkgr"] + "doc/"
TYPE = RDF + "type"

# aggregate and text-filter queries: the ones the 20x target is about
KIND = {"entities-by-class": "aggregate", "property-counts": "aggregate",
        "co-mentioned-organizations": "aggregate", "search-labels": "text filter"}

# ------------------------------------------------------------------------------------------
# synthetic corpus

SYLLABLES = "华信银科融智云链数达通安泰恒盛兴中金汇远创联新宏博德瑞丰正元鼎讯星腾光"
ORG_SUFFIX = [("银行", "FinancialInstitution"), ("科技有限公司", "Company"), ("集团", "Company"),
              ("研究院", "ResearchInstitute"), ("管理局", "GovernmentAgency"), ("信息中心", "OrganizationUnit")]
PRODUCT_SUFFIX = [("平台", "Platform"), ("贷", "FinancialProduct"), ("链", "Platform"), ("系列", "ProductSeries")]
TECHNOLOGIES = ["区块链", "人工智能", "隐私计算", "大数据", "云计算", "物联网", "知识图谱", "机器学习",
                "边缘计算", "数字孪生", "分布式数据库", "联邦学习", "量子计算", "生物识别", "自然语言处理"]
RELATIONS = [("develops", "org", "product"), ("usesTechnology", "product", "tech"),
             ("certifiedBy", "product", "org"), ("cooperatesWith", "org", "org"),
             ("worksFor", "person", "org"), ("serves", "org", "org"), ("invests", "org", "org")]


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def entity_pool(n_docs: int, seed: int = 7) -> dict[str, list[tuple[str, str]]]:
    """Named entities by kind: (canonical name, class); the pool grows with the corpus."""
    rng = random.Random(seed)
    size = max(50, n_docs)
    pool = {"org": [], "product": [], "person": [], "tech": [(t, "Technology") for t in TECHNOLOGIES]}
    # the most frequent organization and person: the benchmark's ?name parameters
    pool["org"].append(("中国工商银行", "FinancialInstitution"))
    pool["person"].append(("张明", "Person"))
    seen = {"中国工商银行", "张明"}
    for kind, count in (("org", size), ("product", size), ("person", size // 2)):
        while len(pool[kind]) < count:
            if kind == "person":
                name, cls = "王李张刘陈杨赵黄周吴"[rng.randrange(10)] + _name(rng, 2), "Person"
            else:
                suffix, cls = rng.choice(ORG_SUFFIX if kind == "org" else PRODUCT_SUFFIX)
                name = _name(rng, 2 + rng.randrange(2)) + suffix
            if name not in seen:
                seen.add(name)
                pool[kind].append((name, cls))
    return pool


def _lit(text: str, lang: str | None = None, dt: str | None = None) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"@{lang}' if lang else f'"{text}"^^<{dt}>' if dt else f'"{text}"'


_CUMULATIVE: dict[int, list[float]] = {}


def _pick(rng: random.Random, items: list) -> tuple[str, str]:
    """Half uniform, half Zipf (weight 1/rank): a few entities are mentioned often, like real
    corpora; the most frequent organization appears in about a quarter of the articles."""
    if rng.random() < 0.5:
        return rng.choice(items)
    cum = _CUMULATIVE.get(id(items))
    if cum is None or len(cum) != len(items):
        cum = _CUMULATIVE[id(items)] = list(itertools.accumulate(1 / (k + 1) for k in range(len(items))))
    return rng.choices(items, cum_weights=cum)[0]


def document_lines(i: int, pool: dict, rng: random.Random) -> list[str]:
    """N-Quads of one contract-shaped article (about 230 quads)."""
    doc = f"{DOC}d{i:07d}"
    g = f" <{doc}> .\n"
    out: list[str] = []
    add = lambda s, p, o: out.append(f"{s} <{p}> {o}{g}")  # noqa: E731
    ent = lambda name: f"<{ENT}{quote(name, safe='')}>"  # noqa: E731
    picked = {k: [_pick(rng, pool[k]) for _ in range(4)] for k in ("org", "product", "person", "tech")}
    sentences = [f"{a[0]}与{b[0]}围绕{t[0]}开展合作，发布{p[0]}。" for a, b, t, p in
                 zip(picked["org"], picked["org"][1:] + picked["org"][:1], picked["tech"], picked["product"])]
    text = "".join(sentences)
    author, pub = picked["person"][0], (f"{'金融科技评论' if i % 2 else '中国金融电脑'}", "Publication")
    d = f"<{doc}>"
    for cls in (ZKG + "Article", NIF + "Context"):
        add(d, TYPE, f"<{cls}>")
    add(d, DCT + "identifier", _lit(f"d{i:07d}"))
    add(d, DCT + "title", _lit(sentences[0][:12], "zh"))
    add(d, ZKG + "author", ent(author[0]))
    add(d, ZKG + "publishedIn", ent(pub[0]))
    add(d, ZKG + "datePublished", _lit(f"20{10 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}", dt=XSD + "date"))
    add(d, NIF + "isString", _lit(text))
    add(d, NIF + "beginIndex", _lit("0", dt=XSD + "nonNegativeInteger"))
    add(d, NIF + "endIndex", _lit(str(len(text)), dt=XSD + "nonNegativeInteger"))
    described = {author, pub}
    sent_iris, start = [], 0
    for k, s in enumerate(sentences):
        si = f"<{doc}#sentence={start},{start + len(s)}>"
        sent_iris.append(si)
        add(si, TYPE, f"<{NIF}Sentence>")
        add(si, NIF + "referenceContext", d)
        add(si, NIF + "anchorOf", _lit(s))
        add(si, NIF + "beginIndex", _lit(str(start), dt=XSD + "nonNegativeInteger"))
        add(si, NIF + "endIndex", _lit(str(start + len(s)), dt=XSD + "nonNegativeInteger"))
        for name, cls in (picked["org"][k], picked["org"][(k + 1) % 4], picked["tech"][k], picked["product"][k]):
            b = start + s.index(name)
            m = f"<{doc}#char={b},{b + len(name)}>"
            add(m, TYPE, f"<{NIF}Phrase>")
            add(m, NIF + "referenceContext", d)
            add(m, NIF + "anchorOf", _lit(name))
            add(m, NIF + "beginIndex", _lit(str(b), dt=XSD + "nonNegativeInteger"))
            add(m, NIF + "endIndex", _lit(str(b + len(name)), dt=XSD + "nonNegativeInteger"))
            add(m, ITS + "taIdentRef", ent(name))
            add(m, ITS + "taClassRef", f"<{ZKG}{cls}>")
            described.add((name, cls))
        start += len(s)
    for name, cls in sorted(described):
        add(ent(name), TYPE, f"<{ZKG}{cls}>")
        add(ent(name), RDFS + "label", _lit(name, "zh"))
        if cls != "Technology" and len(name) > 4:
            add(ent(name), SKOS + "altLabel", _lit(name[:2] + name[-2:], "zh"))
    for k, (pred, sk, ok) in enumerate(rng.sample(RELATIONS, 4)):
        s_name = picked[sk][k][0]
        o_name = picked[ok][(k + 1) % 4][0] if sk == ok else picked[ok][k][0]
        add(ent(s_name), ZKG + pred, ent(o_name))
        _statement(add, doc, k, ent(s_name), ZKG + pred, ent(o_name), sent_iris[k], d)
        if pred == "worksFor":
            add(ent(s_name), TYPE, f"<{ZKG}Person>")
            add(ent(s_name), RDFS + "label", _lit(s_name, "zh"))
            add(ent(s_name), ZKG + "jobTitle", _lit("首席技术官", "zh"))
    org = ent(picked["org"][0][0])
    metric = f"<{doc}#metric=0,4>"
    add(org, ZKG + "hasMetric", metric)
    add(metric, TYPE, f"<{ZKG}Metric>")
    add(metric, RDFS + "label", _lit("个人客户", "zh"))
    add(metric, ZKG + "value", _lit(str(rng.randrange(1, 1000) * 10 ** 6), dt=XSD + "decimal"))
    add(metric, ZKG + "unit", _lit("户"))
    add(metric, ZKG + "qualifier", _lit("approximately"))
    _statement(add, doc, 9, org, ZKG + "hasMetric", metric, sent_iris[0], d)
    return out


def _statement(add, doc, k, s, p, o, sentence, d) -> None:
    st = f"<{doc}#stmt-{k}>"
    add(st, TYPE, f"<{RDF}Statement>")
    add(st, RDF + "subject", s)
    add(st, RDF + "predicate", f"<{p}>")
    add(st, RDF + "object", o)
    add(st, PROV + "wasDerivedFrom", d)
    add(st, ZKG + "evidence", sentence)
    add(st, ZKG + "extractor", _lit("relation-rules/v1"))
    add(st, ZKG + "confidence", _lit("0.8", dt=XSD + "decimal"))


def synthetic_nquads(n_triples: int, seed: int = 7) -> str:
    """About ``n_triples`` contract-shaped quads as N-Quads text, deterministic for a seed."""
    n_docs = max(1, n_triples // 230)
    pool = entity_pool(n_docs, seed)
    rng = random.Random(seed)
    lines: list[str] = []
    i = 0
    while len(lines) < n_triples:
        lines += document_lines(i, pool, rng)
        i += 1
    return "".join(lines[:n_triples])


# ------------------------------------------------------------------------------------------
# measuring

PARAMS = {  # a realistic parameter for each query that takes one
    "products-of-organization": {"name": "中国工商银行"},
    "certifications": {"name": "中国工商银行"},
    "metrics-of-entity": {"name": "中国工商银行"},
    "evidence-of-fact": {"name": "中国工商银行", "predicate": "zkg:develops"},
    "co-mentioned-organizations": {"name": "中国工商银行"},
    "entity-neighbourhood": {"name": "中国工商银行"},
    "articles-by-author-or-publication": {"name": "张明"},
    "search-labels": {"text": "银行"},
}


def example_queries() -> dict[str, str]:
    """Every example query, with its benchmark parameters bound, runnable anywhere."""
    out = {}
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        params = {k: parse_term(v) for k, v in PARAMS.get(path.stem, {}).items()}
        out[path.stem] = prefix_header(text) + bind_params(text, params)
    return out


def time_runs(fn, runs: int, slow_ms: float = 10_000) -> tuple[float, int]:
    """Median wall time in ms of ``fn`` after one warm-up run, and the row count it returned.

    A query whose warm-up run takes longer than ``slow_ms`` is not repeated: the warm-up time
    is reported (rdflib needs minutes for some queries at 10^6 triples).
    """
    t0 = time.perf_counter()
    rows = fn()
    first = (time.perf_counter() - t0) * 1000
    if first > slow_ms:
        return first, rows
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), rows


def bench_oxigraph(store: OxigraphStore, queries: dict[str, str], runs: int) -> dict:
    """Through ``Store.query``: parsing check, union default graph, results materialized."""
    return {name: time_runs(lambda text=text: len(store.query(text)), runs) for name, text in queries.items()}


def isolated(fn, runs: int, timeout: float) -> tuple[float | None, int | None]:
    """``time_runs`` in a forked child that is killed after ``timeout`` seconds (None, None)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    child = ctx.Process(target=lambda: results.put(time_runs(fn, runs)), daemon=True)
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return None, None
    return results.get(timeout=5)


def bench_rdflib(dataset, queries: dict[str, str], runs: int, timeout: float) -> dict:
    out = {}
    for name, text in queries.items():
        out[name] = isolated(lambda text=text: len(list(dataset.query(text))), runs, timeout)
        shown = f"{out[name][0]:.0f} ms" if out[name][0] is not None else f"> {timeout:.0f} s (stopped)"
        print(f"    rdflib {name}: {shown}", file=sys.stderr, flush=True)
    return out


def measure(n: int, runs: int, rdflib_runs: int, rdflib_timeout: float, skip_rdflib: bool) -> dict:
    """Load one corpus of ``n`` triples into every store and time every example query."""
    import warnings

    from rdflib import Dataset

    queries = example_queries()
    result: dict = {"triples": n, "load_s": {}, "stores": {}, "rdflib_timeout_s": rdflib_timeout}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.nq"
        path.write_text(synthetic_nquads(n), encoding="utf-8")

        t0 = time.perf_counter()
        with open_files([path]) as mem:  # what `kg query FILE` does
            result["load_s"]["oxigraph"] = round(time.perf_counter() - t0, 2)
            result["stores"]["oxigraph"] = bench_oxigraph(mem, queries, runs)
        gc.collect()

        t0 = time.perf_counter()
        with OxigraphStore(Path(tmp) / "db", create=True) as db:  # what `kg load` does
            db.load([path])
        result["load_s"]["oxigraph-db"] = round(time.perf_counter() - t0, 2)
        with OxigraphStore(Path(tmp) / "db") as db:  # reopened: queries read from disk
            result["stores"]["oxigraph-db"] = bench_oxigraph(db, queries, runs)
        gc.collect()

        if not skip_rdflib:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                dataset = Dataset(default_union=True)
                dataset.parse(path, format="nquads")
                result["load_s"]["rdflib"] = round(time.perf_counter() - t0, 2)
                result["stores"]["rdflib"] = bench_rdflib(dataset, queries, rdflib_runs, rdflib_timeout)
            del dataset
            gc.collect()
    _check_rows(result)
    return result


def _check_rows(result: dict) -> None:
    """Every store must return the same number of rows, or the timings compare different work."""
    stores = result["stores"]
    for name, (_, rows) in stores["oxigraph"].items():
        for store, times in stores.items():
            other = times[name][1]
            if other is not None and other != rows:
                print(f"  warning: {name}: {store} returned {other} rows, oxigraph {rows}", file=sys.stderr)


def table(results: list[dict]) -> str:
    """A Markdown table: median ms per query, store and size, with the rdflib/oxigraph ratio."""
    lines = ["| query | kind | triples | rdflib ms | oxigraph ms | oxigraph-db ms | rdflib / oxigraph |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for name in sorted(results[0]["stores"]["oxigraph"]):
        for res in results:
            st = res["stores"]
            rd = st.get("rdflib", {}).get(name, (None, 0))[0]
            ox_ms, db_ms = st["oxigraph"][name][0], st["oxigraph-db"][name][0]
            limit = res.get("rdflib_timeout_s", 0) * 1000
            if "rdflib" not in st:
                rd_text, ratio = "-", "-"
            elif rd is None:  # stopped at the time limit: the ratio is a lower bound
                rd_text, ratio = f"> {limit:.0f}", f"> {limit / ox_ms:,.0f}x"
            else:
                rd_text, ratio = f"{rd:,.1f}", f"{rd / ox_ms:,.0f}x"
            lines.append(f"| {name} | {KIND.get(name, 'lookup')} | {res['triples']:.0e} | {rd_text} | "
                         f"{ox_ms:.1f} | {db_ms:.1f} | {ratio} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e4, 1e5])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (oxigraph)")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="timed runs per query (rdflib)")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0,
                        help="seconds after which an rdflib query is stopped (reported as a lower bound)")
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = []
    for n in args.sizes:
        print(f"measuring {int(n):,} triples ...", file=sys.stderr, flush=True)
        results.append(measure(int(n), args.runs, args.rdflib_runs, args.rdflib_timeout, args.skip_rdflib))
        print(f"  loaded in {results[-1]['load_s']} s", file=sys.stderr, flush=True)
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    runs = {str(r["triples"]): r for r in previous.get("runs", [])} if isinstance(previous, dict) else {}
    runs.update({str(r["triples"]): r for r in results})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    from importlib.metadata import version
    meta = {"python": platform.python_version(), "pyoxigraph": version("pyoxigraph"),
            "rdflib": version("rdflib"), "machine": platform.machine(), "cpus": os.cpu_count(),
            "load_average_at_end": [round(x, 1) for x in os.getloadavg()], "runs": args.runs,
            "rdflib_runs": args.rdflib_runs}
    ordered = sorted(runs.values(), key=lambda r: r["triples"])
    args.out.write_text(json.dumps({"meta": meta, "runs": ordered}, ensure_ascii=False, indent=1))
    print(table(ordered))


if __name__ == "__main__":
    main()
