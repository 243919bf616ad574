"""Soak: many triages in one process, resident memory (RSS) reported every ``--every`` calls.

    python benchmarks/soak.py                      # 1,000,000 triages on an uncached Triager
    python benchmarks/soak.py --cache              # the same through triage() (default Triager, cached)
    python benchmarks/soak.py --total 200000       # a shorter run

Growth is measured from the first report (once the first block has warmed up the allocator,
the engine's state and, with --cache, filled the bounded cache) to the highest later reading,
and must stay under 5 MiB; the growth from the very start is printed too. Exit 1 if it is over.
Linux only (reads /proc/self/statm).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from typing import Any

MIB = 1024 * 1024
LIMIT_MIB = 5.0
YES_NO = ["eases_with_movement", "during_sleep", "sleep_disrupted", "persistent", "pregnant", "liver_disease",
          "kidney_disease", "underactive_thyroid", "diabetes", "low_fluid_intake", "intense_exercise", "poor_diet",
          "nerve_symptoms", "numbness", "muscle_weakness", "leg_swelling", "red_warm_skin",
          "breathless_or_chest_pain", "pain_when_walking", "toxin_or_wound_exposure"]
MEDICINES = ["Lipitor 20 mg", "simvastatin", "ezetimibe", "Lasix", "spironolactone", "Ventolin inhaler",
             "nifedipine", "naproxen", "paracetamol", "omeprazole", "my own pills"]


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def intakes(count: int, seed: int = 1_000_000) -> list[dict[str, Any]]:
    """``count`` varied intakes (most of them distinct), the same for every run."""
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        answers: dict[str, Any] = {name: rng.random() < 0.4 for name in rng.sample(YES_NO, rng.randint(0, 8))}
        if rng.random() < 0.7:
            answers["duration_minutes"] = round(rng.uniform(0, 30), 2)
        if rng.random() < 0.5:
            answers["cramps_per_week"] = rng.randint(0, 14)
        if rng.random() < 0.6:
            answers["locations"] = rng.sample(["calf", "foot", "thigh"], rng.randint(1, 3))
        if rng.random() < 0.4:
            answers["medications"] = rng.sample(MEDICINES, rng.randint(1, 3))
        made.append(answers)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--every", type=int, default=100_000)
    parser.add_argument("--cache", action="store_true", help="use triage() (the default, cached Triager)")
    args = parser.parse_args()

    from cramp_triage import Triager, triage

    run = triage if args.cache else Triager(cache_size=0).triage
    pool = intakes(50_000)
    run(pool[0])
    start_rss = rss_bytes()
    readings: list[int] = []
    began = time.perf_counter()
    print(f"mode: {'triage() cached' if args.cache else 'uncached Triager'}; start RSS {start_rss / MIB:.2f} MiB")
    for done in range(1, args.total + 1):
        run(pool[done % len(pool)])
        if done % args.every == 0:
            readings.append(rss_bytes())
            rate = done / (time.perf_counter() - began)
            print(f"{done:>9,} triages  RSS {readings[-1] / MIB:8.2f} MiB  ({rate:,.0f}/s)", flush=True)
    if not readings:
        print("too few triages for a reading")
        return 1
    growth = (max(readings) - readings[0]) / MIB
    print(f"growth after the first {args.every:,}: {growth:.2f} MiB (limit {LIMIT_MIB} MiB); "
          f"from the start: {(readings[-1] - start_rss) / MIB:.2f} MiB")
    return 0 if growth < LIMIT_MIB else 1


if __name__ == "__main__":
    raise SystemExit(main())
