"""Rows per second at scale: ``--n`` generated intakes (default 1,000,000) as one JSON Lines
file, triaged by ``cramp-triage batch`` with the local engine (``--workers 2`` processes) and on
Dask (a LocalCluster of 2 worker processes, ``batch --dask``), output JSON Lines to a file on the
same disk; and what a cached hit costs beside an uncached call (``triage()``, median of ``--hits``).

The intakes are ``common.iter_intakes`` (seeded; most distinct, so the result cache seldom
hits: the hit rate is reported). Both runs include starting their worker processes; the Dask
one includes starting the cluster. The load average is reported: on a shared machine the
figures say what the cores left gave.

    python benchmarks/scale.py [--n 1000000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import intakes, iter_intakes, machine  # noqa: E402


def write_input(path: Path, n: int) -> int:
    with path.open("w", encoding="utf-8") as file:
        for answers in iter_intakes(n):
            file.write(json.dumps(answers) + "\n")
    return path.stat().st_size


def local(path: Path, out: Path, workers: int) -> dict:
    from cramp_triage.batch import AtomicOutput, run_batch

    started = time.perf_counter()
    with path.open("rb") as source:
        output = AtomicOutput(out)
        summary = run_batch(source, output, workers=workers)
        output.commit()
    seconds = time.perf_counter() - started
    return {"rows": summary.lines, "seconds": round(seconds, 2), "rows_per_second": round(summary.lines / seconds),
            "hit_rate": round(summary.hit_rate, 4)}


def on_dask(path: Path, out: Path, workers: int) -> dict:
    from cramp_triage.dask import connect, run_batch_dask

    started = time.perf_counter()
    client, close = connect("local", workers)
    try:
        ready = time.perf_counter()
        summary = run_batch_dask(str(path), str(out), client)
    finally:
        close()
    seconds = time.perf_counter() - started
    return {"rows": summary.lines, "seconds": round(seconds, 2), "rows_per_second": round(summary.lines / seconds),
            "cluster_start_seconds": round(ready - started, 2), "hit_rate": round(summary.hit_rate, 4)}


def hit_cost(n: int) -> dict:
    from cramp_triage import Triager

    samples = intakes(n)
    cached, uncached = Triager(cache_size=n, result_cache_size=n), Triager(cache_size=0)
    for answers in samples:
        cached.triage(answers)
    hits, misses = [], []
    clock = time.perf_counter
    for answers in samples:
        start = clock()
        cached.triage(answers)
        hits.append(clock() - start)
        start = clock()
        uncached.triage(answers)
        misses.append(clock() - start)
    return {"n": n, "hit_median_us": round(statistics.median(hits) * 1e6, 2),
            "uncached_median_us": round(statistics.median(misses) * 1e6, 1)}


def measure(n: int, workers: int, hits: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "intakes.jsonl"
        size = write_input(path, n)
        runs = {"local": local(path, Path(folder) / "local.jsonl", workers),
                "dask": on_dask(path, Path(folder) / "dask.jsonl", workers)}
        out_bytes = (Path(folder) / "local.jsonl").stat().st_size
    return {"benchmark": "scale", "n": n, "workers": workers, "input_bytes": size, "output_bytes": out_bytes,
            "machine": machine(), "load_average": [round(x, 1) for x in os.getloadavg()], "runs": runs,
            "hit": hit_cost(hits)}


def report(result: dict) -> str:
    local, dask, hit = result["runs"]["local"], result["runs"]["dask"], result["hit"]
    return "\n".join([
        f"Scale: {result['n']:,} generated intakes ({result['input_bytes'] / 1e6:,.0f} MB of JSON Lines in, "
        f"{result['output_bytes'] / 1e6:,.0f} MB out), {result['workers']} workers ({result['machine']}; "
        f"load average at the end {', '.join(map(str, result['load_average']))})",
        f"- local engine (`batch --workers {result['workers']}`): {local['rows_per_second']:,} rows/s, "
        f"{local['seconds']:,} s, result cache hits {local['hit_rate']:.1%}",
        f"- Dask LocalCluster ({result['workers']} processes, `batch --dask local`): {dask['rows_per_second']:,} rows/s, "
        f"{dask['seconds']:,} s (cluster start {dask['cluster_start_seconds']} s), hits {dask['hit_rate']:.1%}",
        f"- a cached hit: median {hit['hit_median_us']} µs beside {hit['uncached_median_us']} µs uncached "
        f"({hit['n']:,} intakes, each twice)",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="intakes to generate and triage")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hits", type=int, default=20_000, help="intakes for the hit-cost figure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = measure(args.n, args.workers, args.hits)
    print(json.dumps(result) if args.json else report(result))


if __name__ == "__main__":
    main()
