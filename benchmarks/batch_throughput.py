"""Batch throughput: the fixed seeded intakes as a JSON Lines file, triaged with 1 and 2 workers.

Runs ``cramp_triage.batch.run_batch`` (what ``cramp-triage batch`` runs) on the same file,
alternating 1 and 2 workers, ``--rounds`` times each, output to /dev/null; reports lines per
second (best and median of the rounds) and the ratio of the medians, and the CPU time each way
spends per line (this process and its workers, from getrusage): on a machine whose cores are
busy with other work, wall-clock speed-up is capped by the cores free, while the CPU per line
shows what running in parallel itself costs. Each round also times a pure-Python CPU loop
serially and on 2 processes: the speed-up the machine itself gave at that moment, the ceiling
for any 2-worker figure. Includes starting the
worker processes and building their ``Triager``. Target: 2 workers >= 1.8x one worker.

    python benchmarks/batch_throughput.py [--n 20000] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import N_INTAKES, intakes, machine  # noqa: E402

from cramp_triage.batch import run_batch  # noqa: E402

TARGET = 1.8


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_speedup(n: int = 2_000_000, tasks: int = 8) -> float:
    """Serial time ÷ 2-process time of the same pure-CPU work, right now on this machine."""
    started = time.perf_counter()
    for _ in range(tasks):
        _burn(n)
    serial = time.perf_counter() - started
    with ProcessPoolExecutor(max_workers=2) as pool:
        pool.submit(_burn, 1).result()  # processes started before timing
        started = time.perf_counter()
        list(pool.map(_burn, [n] * tasks))
        parallel = time.perf_counter() - started
    return serial / parallel


def measure(n: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "intakes.jsonl"
        source.write_text("".join(json.dumps(answers) + "\n" for answers in intakes(n)), encoding="utf-8")
        rates: dict[int, list[float]] = {1: [], 2: []}
        cpu_ms_per_line: dict[int, list[float]] = {1: [], 2: []}
        ceilings: list[float] = []
        for _ in range(rounds):
            ceilings.append(machine_speedup())
            for workers in (1, 2):
                before = _cpu_seconds()
                with open(source, "rb") as inp, open(os.devnull, "w", encoding="utf-8") as out:
                    summary = run_batch(inp, out, workers=workers)
                assert summary.lines == n and summary.rejected == 0
                rates[workers].append(summary.rate)
                cpu_ms_per_line[workers].append((_cpu_seconds() - before) / n * 1000)
    medians = {w: statistics.median(r) for w, r in rates.items()}
    ratio = medians[2] / medians[1]
    return {"benchmark": "batch", "n": n, "rounds": rounds, "machine": machine(),
            "lines_per_s": {str(w): {"median": round(medians[w]), "best": round(max(r)), "all": [round(x) for x in r]}
                            for w, r in rates.items()},
            "cpu_ms_per_line": {str(w): round(statistics.median(c), 3) for w, c in cpu_ms_per_line.items()},
            "ratio_2_vs_1": ratio,
            "machine_speedup_2_procs": [round(c, 2) for c in ceilings], "target": TARGET, "met": ratio >= TARGET,
            "load_average": os.getloadavg()}


def _cpu_seconds() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def report(result: dict) -> str:
    r, cpu = result["lines_per_s"], result["cpu_ms_per_line"]
    return "\n".join([
        f"Batch throughput, {result['n']:,} JSON lines, {result['rounds']} rounds ({result['machine']})",
        f"- 1 worker: median {r['1']['median']:,} lines/s (best {r['1']['best']:,}; all {r['1']['all']})",
        f"- 2 workers: median {r['2']['median']:,} lines/s (best {r['2']['best']:,}; all {r['2']['all']})",
        f"- 2 ÷ 1 = {result['ratio_2_vs_1']:.2f} (target ≥ {result['target']}): {'met' if result['met'] else 'MISSED'}; "
        f"load average at the end {', '.join(f'{x:.1f}' for x in result['load_average'])}",
        f"- the machine itself gave a pure-CPU loop {statistics.median(result['machine_speedup_2_procs']):.2f}x "
        f"on 2 processes in the same rounds (all {result['machine_speedup_2_procs']}): the ceiling at that moment",
        f"- CPU per line: 1 worker {cpu['1']:.3f} ms, 2 workers {cpu['2']:.3f} ms (all processes): "
        f"parallel overhead {cpu['2'] / cpu['1'] - 1:+.0%}, so on two free cores at most "
        f"{2 * cpu['1'] / cpu['2']:.2f}x",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=N_INTAKES)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.n, args.rounds)
    print(json.dumps(result) if args.json else report(result))


if __name__ == "__main__":
    main()
