"""Full mutation run of the shipped pack: every mutant (each rule deleted, each threshold moved,
each yes/no or choice test changed) against the rule-level assertions of tests/test_rules.py,
the shipped scenarios and the safety invariants over one intake per level behaviour of the
verify space (every reachable key of its level cone). Prints the score, the score of each check
on its own, and any survivor.

    python benchmarks/mutation.py               # every mutant
    python benchmarks/mutation.py --limit 20    # the first 20 (a quick run, as the tests do)

Exit 1 if a rule deletion or a threshold move survives. CI runs the same mutants against the
rule table and the scenarios in tests/test_mutation.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from cramp_triage import RulePack, default_rules_path  # noqa: E402
from cramp_triage.tools.mutation import firing_check, invariant_check, run_mutation, scenario_check  # noqa: E402
from cramp_triage.tools.verify import Keyer, cones, discretise, representatives  # noqa: E402
from test_mutation import table_cases  # noqa: E402


def main() -> int:
    pack = RulePack.load(default_rules_path())
    space = discretise(pack)
    keyer = Keyer(pack, space)
    _, level_cone = cones(pack, keyer)
    levels = list(representatives(space, keyer, level_cone).values())
    checks = [
        firing_check(table_cases(), "rule-level assertions (tests/test_rules.py)"),
        scenario_check([ROOT / "examples" / "scenarios"], pack, "shipped scenarios"),
        invariant_check(levels, f"invariants over the {len(levels)} level behaviours of the verify space"),
    ]
    start = time.perf_counter()
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None
    report = run_mutation(pack, checks, limit=limit)
    print(report.summary())
    print(f"{len(report.outcomes)} mutants in {time.perf_counter() - start:.1f} s")
    return 1 if report.survivors("delete", "threshold") else 0


if __name__ == "__main__":
    raise SystemExit(main())
