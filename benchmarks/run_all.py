"""Run every performance benchmark of this folder, each in a fresh process, and print the figures.

    python benchmarks/run_all.py              # full size, prints the report
    python benchmarks/run_all.py --quick      # small sizes, a smoke run (a minute or two)
    python benchmarks/run_all.py --readme     # also writes the report into benchmarks/README.md

Not part of the test suite: these are timings on a shared, noisy machine; every figure is also
given as a ratio to a floor measured in the same run, which is what to compare between runs.
Cold start (``cold_start.py``) and the 1,000,000-call soak (``soak.py``) are run separately.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
README = HERE / "README.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"

FULL = {"latency.py": ["--n", "20000"], "memory.py": ["--n", "100000"],
        "batch_throughput.py": ["--n", "20000", "--rounds", "3"], "verify_speed.py": [],
        "medicines.py": ["--rounds", "20"], "server_throughput.py": ["--n", "8000"],
        "scale.py": ["--n", "1000000"]}
QUICK = {"latency.py": ["--n", "2000"], "memory.py": ["--n", "10000"],
         "batch_throughput.py": ["--n", "3000", "--rounds", "1"], "verify_speed.py": [],
         "medicines.py": ["--rounds", "3"], "server_throughput.py": ["--n", "1000"],
        "scale.py": ["--n", "5000", "--hits", "2000"]}


def run(script: str, args: list[str]) -> dict:
    done = subprocess.run([sys.executable, str(HERE / script), *args, "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        return {"benchmark": script, "failed": done.stderr.strip().splitlines()[-1:] or ["no output"]}
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--readme", action="store_true", help="write the report into benchmarks/README.md")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import batch_throughput
    import latency
    import medicines
    import memory
    import scale
    import server_throughput
    import verify_speed

    reporters = {"latency.py": latency.report, "memory.py": memory.report,
                 "batch_throughput.py": batch_throughput.report, "verify_speed.py": verify_speed.report,
                 "medicines.py": medicines.report, "server_throughput.py": server_throughput.report,
                 "scale.py": scale.report}
    command = "python benchmarks/run_all.py" + (" --quick" if args.quick else "") + (" --readme" if args.readme else "")
    sections = [f"Produced by `{command}` on {datetime.date.today().isoformat()}.", ""]
    results = {}
    for script, script_args in (QUICK if args.quick else FULL).items():
        print(f"running {script} {' '.join(script_args)} ...", file=sys.stderr, flush=True)
        result = results[script] = run(script, script_args)
        text = f"{script} failed: {result['failed']}" if "failed" in result else reporters[script](result)
        sections += [text, ""]
    report = "\n".join(sections).rstrip() + "\n"
    print(report)
    (HERE / "last-run.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.readme:
        text = README.read_text(encoding="utf-8")
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        README.write_text(f"{head}{START}\n{report}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
