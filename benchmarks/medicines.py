"""The cost of reading one medicine name: the first call, and every call after it.

Measured in one fresh process, in this order:

- ``import``: ``import cramp_triage``; nothing of the vocabulary is read or built then (checked);
- ``load``: ``RulePack.load`` of the shipped pack from its files, which reads and validates the
  vocabulary (the cache folder is off for this process: a pack kept between processes comes
  with its reader built, and its start is ``cold_start.py``'s subject);
- ``first read``: the first name read builds the reader's index (``RulePack.reader``), once;
- ``first typo``: the first name with a word the vocabulary does not know imports rapidfuzz and
  builds the typo index, once (a list of known names never does: checked);
- ``after the first``: every string of ``tests/data/medicines.tsv`` read ``--rounds`` times,
  call by call: median, mean and p99 per string, for all strings, for those whose words are
  all known, and for those with an unknown word (its look-up is remembered after the first);
- ``new unknown word``: a made-up 8-letter word never seen before, each time (no memory).

Target: at most 20 µs per string after the first (the median over the list; the mean and the
CPU time per string are given too: on a busy machine the mean counts the waits for a core).

    python benchmarks/medicines.py [--rounds 20] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import SEED, machine, percentile  # noqa: E402

LIST = Path(__file__).resolve().parents[1] / "tests" / "data" / "medicines.tsv"
TARGET_US = 20.0


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _summary(seconds: list[float]) -> dict[str, float]:
    return {"median_us": statistics.median(seconds) * 1e6, "mean_us": statistics.fmean(seconds) * 1e6,
            "p99_us": percentile(seconds, 0.99) * 1e6, "n": len(seconds)}


def measure(rounds: int) -> dict:
    os.environ["CRAMP_TRIAGE_CACHE"] = "off"  # the pack read from its files, each run alike
    start = time.perf_counter()
    import cramp_triage
    from cramp_triage import RulePack, default_rules_path
    import_ms = _ms(start)
    fuzzy_at_import = "rapidfuzz" in sys.modules

    start = time.perf_counter()
    pack = RulePack.load(default_rules_path())
    load_ms = _ms(start)
    built_at_load = "reader" in vars(pack)

    with LIST.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    start = time.perf_counter()
    pack.reader.read("Lipitor 20 mg")
    first_read_ms = _ms(start)
    reader = pack.reader
    known = [t for t in texts if not _unknown_words(reader, t)]
    for text in known:
        reader.read(text)
    fuzzy_for_known = "rapidfuzz" in sys.modules

    start = time.perf_counter()
    reader.read("atorvastatn 20 mg")
    first_typo_ms = _ms(start)

    clock = time.perf_counter
    times: dict[str, list[float]] = {"all": [], "known": [], "unknown": []}
    cpu_start = time.process_time()
    for _ in range(rounds):
        for text in texts:
            start = clock()
            reader.read(text)
            elapsed = clock() - start
            times["all"].append(elapsed)
            times["known" if text in known else "unknown"].append(elapsed)
    cpu_us = (time.process_time() - cpu_start) / len(times["all"]) * 1e6  # waiting for a core is not in it
    rng = random.Random(SEED)
    fresh = []
    for _ in range(200):
        word = "".join(rng.choice("bcdfghklmnprstvz") for _ in range(8))
        start = clock()
        reader.read(f"{word} 10 mg")
        fresh.append(clock() - start)

    figures = {name: _summary(values) for name, values in times.items()}
    figures["new_unknown_word"] = _summary(fresh)
    met = figures["all"]["median_us"] <= TARGET_US
    return {"benchmark": "medicines", "machine": machine(), "rounds": rounds, "strings": len(texts),
            "known_strings": len(known), "version": cramp_triage.__version__,
            "once_ms": {"import": import_ms, "load": load_ms, "first_read": first_read_ms, "first_typo": first_typo_ms},
            "lazy": {"nothing_built_at_import": not fuzzy_at_import, "reader_not_built_at_load": not built_at_load,
                     "rapidfuzz_not_imported_for_known_names": not fuzzy_for_known},
            "figures_us": figures, "cpu_us_per_string": cpu_us, "target_us": TARGET_US, "met": met}


def _unknown_words(reader, text: str) -> bool:  # noqa: ANN001 - the library's Reader
    shortest = reader.threshold.min_typed
    return any(len(word) >= shortest and word not in reader.lexicon
               for word in "".join(c.lower() if c.isalpha() else " " for c in text).split())


def report(result: dict) -> str:
    once, f, lazy = result["once_ms"], result["figures_us"], result["lazy"]
    lines = [f"Reading medicine names ({result['machine']}): {result['strings']} strings of tests/data/medicines.tsv, "
             f"{result['rounds']} rounds",
             f"- once per process: import {once['import']:.0f} ms; pack load (with the vocabulary) {once['load']:.0f} ms; "
             f"first name read, building the index, {once['first_read']:.1f} ms; first typo, importing rapidfuzz, "
             f"{once['first_typo']:.1f} ms",
             f"- lazy: nothing built at import {lazy['nothing_built_at_import']}, reader not built at load "
             f"{lazy['reader_not_built_at_load']}, rapidfuzz not imported for known names "
             f"{lazy['rapidfuzz_not_imported_for_known_names']}",
             "| strings | n | median µs | mean µs | p99 µs |", "|---|---:|---:|---:|---:|"]
    labels = {"all": "all, after the first", "known": "every word known", "unknown": "with an unknown word",
              "new_unknown_word": "a new unknown word each time"}
    for key, label in labels.items():
        lines.append(f"| {label} | {f[key]['n']:,} | {f[key]['median_us']:.1f} | {f[key]['mean_us']:.1f} | "
                     f"{f[key]['p99_us']:.1f} |")
    lines.append(f"- target ≤ {result['target_us']:.0f} µs per string after the first (median): "
                 f"{'met' if result['met'] else 'MISSED'}; CPU time per string {result['cpu_us_per_string']:.1f} µs "
                 "(a mean far above the median is the machine's load: CPU time leaves out the waits)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = measure(args.rounds)
    print(json.dumps(result) if args.json else report(result))


if __name__ == "__main__":
    main()
