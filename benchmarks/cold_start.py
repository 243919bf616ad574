"""Cold start of ``cramp-triage check --input FILE --json`` against a bare typer hello-world.

Both run as fresh processes, interleaved in the same run (this machine is shared and noisy:
absolute times drift, the ratio holds). Reports the median and best wall time of each and the
ratio of the medians; the target is a ratio of at most 1.3.

    python benchmarks/cold_start.py [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.3

HELLO = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()
'''

INTAKE = {"duration_minutes": 2, "eases_with_movement": True, "locations": ["calf"], "during_sleep": True,
          "medications": ["Lipitor 20 mg"]}


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (default 30)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    script = shutil.which("cramp-triage", path=str(Path(sys.executable).parent)) or shutil.which("cramp-triage")
    if script is None:
        raise SystemExit("cramp-triage is not installed next to this Python; pip install -e . first")
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        intake = Path(tmp) / "intake.json"
        intake.write_text(json.dumps(INTAKE))
        commands = {
            "typer hello-world": [sys.executable, str(hello)],
            "cramp-triage check --json": [script, "check", "--input", str(intake), "--json"],
        }
        for command in commands.values():  # warm the OS file cache and .pyc files, not timed
            wall_time(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(wall_time(command))

    hello, check = times["typer hello-world"], times["cramp-triage check --json"]
    ratio = statistics.median(check) / statistics.median(hello)
    if args.json:
        print(json.dumps({"runs": args.runs, "target_ratio": TARGET_RATIO, "ratio_of_medians": round(ratio, 3),
                          "ms": {name: {"median": round(statistics.median(s) * 1e3, 1), "best": round(min(s) * 1e3, 1)}
                                 for name, s in times.items()}}, indent=2))
        return
    for name, samples in times.items():
        print(f"{name:28} median {statistics.median(samples) * 1e3:6.1f} ms   best {min(samples) * 1e3:6.1f} ms")
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"ratio (medians): {ratio:.2f}x, {verdict} the target of {TARGET_RATIO}x "
          f"(best times: {min(check) / min(hello):.2f}x)")


if __name__ == "__main__":
    main()
