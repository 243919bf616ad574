"""triage() latency against the floor, all measured in the same run, call by call, interleaved.

For every intake of the fixed seeded set (``common.intakes``) it times, in a rotating order:

- ``reference``: ``ReferenceEvaluator.evaluate`` (parse + facts + the plain-Python rules);
- ``plain``: the same rules as closures (``plain_floor.py``; a tighter floor, same answers);
- ``assembly``: ``assemble()`` of that intake's evaluation into a ``TriageResult``;
- ``uncached``: ``Triager(cache_size=0).triage`` (parse + facts + durable-rules + assembly);
- ``cached``: ``Triager(cache_size=N, result_cache_size=N).triage`` on a second pass over the set (every call a
  result hit: the key of the answers as given, an LRU look-up, the frozen result made before;
  target ≤ 20 µs at the median);
- ``naive``: ``naive_driver.NaiveTriager.triage`` (fresh sid, ``get_facts``, ``delete_state``);
- ``engine`` and ``naive_engine``: the same two without the assembly (``evaluate()``: parse +
  facts + durable-rules -> firings), the gain of the engine design on its own.

The floor of a call is ``reference + assembly`` of that intake: the plain-Python evaluation plus
the same result assembly, so it is compared like with like with ``triage()``. ``tight floor`` is
``plain + assembly``. Ratios are of the medians (and of the p99s) of the same run.

    python benchmarks/latency.py [--n 20000] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import N_INTAKES, intakes, machine, summary_us  # noqa: E402
from naive_driver import NaiveTriager  # noqa: E402
from plain_floor import PlainFloor  # noqa: E402

from cramp_triage import RulePack, Triager, default_rules_path  # noqa: E402
from cramp_triage.assemble import assemble  # noqa: E402
from cramp_triage.tools.reference import ReferenceEvaluator  # noqa: E402

TARGETS = {"uncached_vs_floor": 10.0, "cached_vs_floor": 1.5, "naive_vs_uncached": 2.0, "cached_hit_us": 20.0}


def measure(n: int) -> dict:
    pack = RulePack.load(default_rules_path())
    samples = intakes(n)
    reference = ReferenceEvaluator(pack)
    plain = PlainFloor(pack)
    uncached = Triager(pack, cache_size=0)
    cached = Triager(pack, cache_size=n, result_cache_size=n)
    naive = NaiveTriager(pack)
    evaluations = [uncached.evaluate(answers) for answers in samples]  # for timing assembly alone
    for answers in samples:  # first pass: fill the cache (and warm everything up)
        cached.triage(answers)
    for answers, evaluation in zip(samples[:200], evaluations):
        reference.evaluate(answers), plain.evaluate(answers), naive.triage(answers), assemble(pack, evaluation)

    # Every way must give the same answers, or the comparison means nothing.
    for answers in samples[:: max(1, n // 500)]:
        expected = uncached.triage(answers).model_dump()
        assert cached.triage(answers).model_dump() == expected
        assert naive.triage(answers).model_dump() == expected
        assert plain.evaluate(answers) == reference.evaluate(answers)
        assert {s["rule"] for s in expected["trace"]} == reference.evaluate(answers).fired

    calls = {
        "reference": lambda i: reference.evaluate(samples[i]),
        "plain": lambda i: plain.evaluate(samples[i]),
        "assembly": lambda i: assemble(pack, evaluations[i]),
        "uncached": lambda i: uncached.triage(samples[i]),
        "cached": lambda i: cached.triage(samples[i]),
        "naive": lambda i: naive.triage(samples[i]),
        "engine": lambda i: uncached.evaluate(samples[i]),
        "naive_engine": lambda i: naive.evaluate(samples[i]),
    }
    names = list(calls)
    times: dict[str, list[float]] = {name: [0.0] * n for name in names}
    clock = time.perf_counter
    hits_before = cached.cache_info["result_hits"]
    for i in range(n):
        for k in range(len(names)):
            name = names[(i + k) % len(names)]  # rotate, so no way always runs first
            call = calls[name]
            start = clock()
            call(i)
            times[name][i] = clock() - start
    hit_rate = (cached.cache_info["result_hits"] - hits_before) / n

    times["floor"] = [r + a for r, a in zip(times["reference"], times["assembly"])]
    times["tight_floor"] = [p + a for p, a in zip(times["plain"], times["assembly"])]
    figures = {name: summary_us(values) for name, values in times.items()}

    def ratio(a: str, b: str, key: str = "median_us") -> float:
        return figures[a][key] / figures[b][key]

    ratios = {
        "uncached_vs_floor": ratio("uncached", "floor"),
        "cached_vs_floor": ratio("cached", "floor"),
        "naive_vs_uncached": ratio("naive", "uncached"),
        "naive_engine_vs_engine": ratio("naive_engine", "engine"),
        "uncached_vs_tight_floor": ratio("uncached", "tight_floor"),
        "cached_vs_tight_floor": ratio("cached", "tight_floor"),
        "uncached_vs_floor_p99": ratio("uncached", "floor", "p99_us"),
        "cached_vs_floor_p99": ratio("cached", "floor", "p99_us"),
        "naive_vs_uncached_p99": ratio("naive", "uncached", "p99_us"),
    }
    met = {
        "uncached_vs_floor": ratios["uncached_vs_floor"] <= TARGETS["uncached_vs_floor"],
        "cached_vs_floor": ratios["cached_vs_floor"] <= TARGETS["cached_vs_floor"],
        "naive_vs_uncached": ratios["naive_vs_uncached"] >= TARGETS["naive_vs_uncached"],
        "cached_hit_us": figures["cached"]["median_us"] <= TARGETS["cached_hit_us"],
    }
    return {"benchmark": "latency", "n": n, "machine": machine(), "cache_hit_rate": hit_rate,
            "figures_us": figures, "ratios": ratios, "targets": TARGETS, "met": met}


def report(result: dict) -> str:
    f, r = result["figures_us"], result["ratios"]
    rows = [
        ("floor: reference + assembly", "floor"), ("tight floor: plain closures + assembly", "tight_floor"),
        ("  reference evaluation alone", "reference"), ("  plain closures alone", "plain"),
        ("  assembly alone", "assembly"), ("triage(), uncached (durable-rules)", "uncached"),
        ("triage(), cached: a repeated intake (a result hit)", "cached"), ("naive durable-rules driver, triage", "naive"),
        ("evaluate() alone, uncached (no assembly)", "engine"), ("naive driver, evaluate alone", "naive_engine"),
    ]
    lines = [f"triage() latency over {result['n']:,} seeded intakes ({result['machine']})",
             "| what | median µs | p99 µs | median ÷ floor | p99 ÷ floor p99 |", "|---|---:|---:|---:|---:|"]
    for label, key in rows:
        lines.append(f"| {label} | {f[key]['median_us']:.1f} | {f[key]['p99_us']:.1f} | "
                     f"{f[key]['median_us'] / f['floor']['median_us']:.2f} | {f[key]['p99_us'] / f['floor']['p99_us']:.2f} |")
    lines.append("")
    lines.append(f"- uncached ÷ floor = {r['uncached_vs_floor']:.2f} (target ≤ 10): "
                 f"{'met' if result['met']['uncached_vs_floor'] else 'MISSED'}; ÷ tight floor = {r['uncached_vs_tight_floor']:.2f}")
    lines.append(f"- cached ÷ floor = {r['cached_vs_floor']:.2f} (target ≤ 1.5): "
                 f"{'met' if result['met']['cached_vs_floor'] else 'MISSED'}; ÷ tight floor = {r['cached_vs_tight_floor']:.2f}; "
                 f"hit rate {result['cache_hit_rate']:.0%}")
    lines.append(f"- a cached hit: median {f['cached']['median_us']:.1f} µs (target ≤ {TARGETS['cached_hit_us']:.0f}): "
                 f"{'met' if result['met']['cached_hit_us'] else 'MISSED'}; "
                 f"{f['uncached']['median_us'] / f['cached']['median_us']:.0f}x less than uncached")
    lines.append(f"- naive ÷ ours (uncached) = {r['naive_vs_uncached']:.2f} (target ≥ 2): "
                 f"{'met' if result['met']['naive_vs_uncached'] else 'MISSED'}; at p99 {r['naive_vs_uncached_p99']:.2f}; "
                 f"engine alone (no assembly): {r['naive_engine_vs_engine']:.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=N_INTAKES)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = measure(args.n)
    print(json.dumps(result) if args.json else report(result))


if __name__ == "__main__":
    main()
