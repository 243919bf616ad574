"""``verify`` over the whole answer space of the shipped pack: seconds and intakes per second.

Skipped, with a note, when ``cramp_triage.tools.verify`` is not there. Each checked intake runs
through the engine (uncached) and the reference, plus the invariant checks.

    python benchmarks/verify_speed.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import machine  # noqa: E402


def measure() -> dict:
    try:
        from cramp_triage.tools.verify import verify
    except ImportError:
        return {"benchmark": "verify", "skipped": "cramp_triage.verify is not there"}
    from cramp_triage import RulePack, default_rules_path

    pack = RulePack.load(default_rules_path())
    started = time.perf_counter()
    report = verify(pack)
    seconds = time.perf_counter() - started
    return {"benchmark": "verify", "machine": machine(), "space_size": report.space_size,
            "representatives": report.representatives, "checked": report.checked,
            "violations": len(report.violations), "seconds": round(seconds, 2),
            "intakes_per_s": round(report.checked / seconds)}


def report(result: dict) -> str:
    if "skipped" in result:
        return f"verify: skipped ({result['skipped']})"
    return (f"verify over the answer space ({result['machine']}): {result['checked']:,} intakes checked "
            f"(space of {result['space_size']:,}, {result['representatives']:,} representatives), "
            f"{result['seconds']:.1f} s, {result['intakes_per_s']:,} intakes/s, {result['violations']} violations")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure()
    print(json.dumps(result) if args.json else report(result))


if __name__ == "__main__":
    main()
