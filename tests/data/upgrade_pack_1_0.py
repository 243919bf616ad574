"""Recreate ``tests/data/pack-1.0/``: rule pack 1.0.0 as shipped (commit 85b4b50), in today's
file format, so ``rules diff`` can compare it with the shipped 2.0.0.

Pack 1.0's files no longer load as they were: the schema grew attributes that only word a
result (a red flag's ``when`` and ``sign``, a referral's ``when``), and ``leg_swelling``
became a choice. The upgrade adds those words and nothing else; every rule, condition and
conclusion is kept. ``leg_swelling: true`` becomes ``one_leg``, as the intake reads an old
``true`` ("swollen, usually on one side"); ``both_legs`` is an answer pack 1.0 was never asked.
The medicine vocabulary is today's (1.0's file format no longer loads; its classes and groups
are all still there), so the medicines are read alike on both sides and only the rules differ.
A pack now names its regions (``regions.yaml``, today's) and its ``default_region`` (UK), and
its words name the numbers by placeholder: 1.0's "999 in the UK, 112 in Europe, 911 in the US"
becomes "{emergency} in {region}" and "in the UK, (call) NHS 111" becomes "in {region}, {urgent}", so
for the UK they read as they did.

    python tests/data/upgrade_pack_1_0.py   # from the repository root, with git
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

COMMIT = "85b4b50"
TARGET = Path(__file__).parent / "pack-1.0"
# How soon, for the wording only: each red flag's `when` is the one its level allows
# (result.LEVEL_WHEN); referrals as pack 2.0 words the same ones.
RED_FLAG_WHEN = {"emergency": "now", "urgent": "today", "see_professional": "within_days"}
SEE_WHEN = {"emergency_services": "now", "urgent_same_day": "today", "gp": "within_days"}


def git_show(path: str) -> str:
    return subprocess.run(["git", "show", f"{COMMIT}:{path}"], check=True, capture_output=True, text=True).stdout


def upgrade_terms(text: str) -> str:
    lines = text.splitlines()
    out: list[str] = []
    section = None
    for index, line in enumerate(lines):
        if re.match(r"^\S", line):
            section = line.rstrip(":")
        out.append(line)
        level = re.match(r"^    level: (\w+)$", line)
        if section == "findings" and level:
            label = next(l for l in reversed(lines[:index]) if l.startswith("    label:")).split(":", 1)[1].strip()
            out.append(f"    when: {RED_FLAG_WHEN[level.group(1)]}")
            out.append(f"    sign: {label}")
        entry = re.match(r"^  (\w+):$", line)
        if section == "see" and entry:
            out.append(f"    when: {SEE_WHEN.get(entry.group(1), 'routine')}")
    return "\n".join(out) + "\n"


def main() -> None:
    shutil.rmtree(TARGET, ignore_errors=True)
    listing = subprocess.run(["git", "ls-tree", "-r", "--name-only", COMMIT, "rules"], check=True,
                             capture_output=True, text=True).stdout.split()
    for path in listing:
        if path.startswith("rules/vocabulary/"):
            continue
        text = git_show(path)
        name = path.removeprefix("rules/")
        if name == "terms.yaml":
            text = upgrade_terms(text)
        text = text.replace("{leg_swelling: true}", "{leg_swelling: one_leg}")
        text = re.sub(r"999 in the UK, 112 in Europe, 911 in the US", "{emergency} in {region}", text)
        text = re.sub(r"in the UK,(\s+)(?:call )?NHS(\s+)111", r"in {region},\1{urgent}", text)
        if name == "pack.yaml":
            text = text.replace("\nrule_files:", "\ndefault_region: UK\nrule_files:", 1)
        (TARGET / name).parent.mkdir(parents=True, exist_ok=True)
        (TARGET / name).write_text(text, encoding="utf-8")
    rules = Path(__file__).parents[2] / "rules"
    shutil.copytree(rules / "vocabulary", TARGET / "vocabulary")
    shutil.copy(rules / "regions.yaml", TARGET / "regions.yaml")


if __name__ == "__main__":
    main()
