"""Resident memory of a process holding the default ``Triager``, and its growth over many triages.

Two series in this process, one after the other: the default ``Triager`` (cache on, bounded at
``DEFAULT_CACHE_SIZE`` entries, so it grows until the cache is full and then stays flat) and a
``Triager(cache_size=0)`` (the engine alone: every call asserts and retracts, must stay flat).
Resident memory is read from /proc/self/statm every tenth of the run. The 1,000,000-call soak
is ``benchmarks/soak.py``; this is the quicker check.

    python benchmarks/memory.py [--n 100000] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import intakes, machine  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def series(triager, samples: list[dict], n: int) -> dict:
    points = []
    start_rss = rss_mib()
    started = time.perf_counter()
    for i in range(1, n + 1):
        triager.triage(samples[i % len(samples)])
        if i % (n // 10) == 0:
            points.append(round(rss_mib(), 2))
    gc.collect()
    # Growth after the first tenth: what keeps growing once everything is warm (the cache fills
    # within the first DEFAULT_CACHE_SIZE distinct intakes).
    return {"rss_start_mib": round(start_rss, 2), "rss_every_tenth_mib": points,
            "growth_mib": round(points[-1] - start_rss, 2), "growth_after_first_tenth_mib": round(points[-1] - points[0], 2),
            "seconds": round(time.perf_counter() - started, 1), "cache": triager.cache_info}


def measure(n: int) -> dict:
    before_import = rss_mib()
    import cramp_triage
    from cramp_triage import Triager, default_triager

    after_import = rss_mib()
    samples = intakes()
    triager = default_triager()
    triager.triage(samples[0])
    holding = rss_mib()
    cached = series(triager, samples, n)
    uncached = series(Triager(cache_size=0), samples, n)
    flat = uncached["growth_after_first_tenth_mib"] < 5 and cached["growth_after_first_tenth_mib"] < 5
    return {"benchmark": "memory", "n": n, "machine": machine(), "version": cramp_triage.__version__,
            "rss_python_mib": round(before_import, 2), "rss_after_import_mib": round(after_import, 2),
            "rss_holding_default_triager_mib": round(holding, 2), "default_cache": cached,
            "no_cache": uncached, "flat": flat}


def report(result: dict) -> str:
    c, u = result["default_cache"], result["no_cache"]
    return "\n".join([
        f"Resident memory ({result['machine']}), {result['n']:,} triages per series",
        f"- bare interpreter {result['rss_python_mib']:.1f} MiB; after `import cramp_triage` "
        f"{result['rss_after_import_mib']:.1f} MiB; holding the default Triager after one triage "
        f"{result['rss_holding_default_triager_mib']:.1f} MiB",
        f"- default Triager (cache {c['cache']['size']:,} entries, {c['cache']['hits']:,} hits): "
        f"{c['rss_start_mib']:.1f} -> {c['rss_every_tenth_mib'][-1]:.1f} MiB (+{c['growth_mib']:.1f}; "
        f"+{c['growth_after_first_tenth_mib']:.1f} after the first tenth); every tenth: {c['rss_every_tenth_mib']}",
        f"- Triager(cache_size=0): {u['rss_start_mib']:.1f} -> {u['rss_every_tenth_mib'][-1]:.1f} MiB "
        f"(+{u['growth_mib']:.1f}; +{u['growth_after_first_tenth_mib']:.1f} after the first tenth); "
        f"every tenth: {u['rss_every_tenth_mib']}",
        f"- flat (under 5 MiB after warm-up): {'yes' if result['flat'] else 'NO'}",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.n)
    print(json.dumps(result) if args.json else report(result))


if __name__ == "__main__":
    main()
