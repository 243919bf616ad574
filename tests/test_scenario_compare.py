"""`cramp-triage scenarios compare --rules OLD --rules NEW PATH...`: which cases change level,
causes or referrals between two rule packs, side by side, for a teacher updating a pack."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from cli_helpers import assert_one_line_error, copy_pack, run
from cramp_triage import default_rules_path

CASES = """
    id: three-cases
    title: Three vignettes
    given: {locations: [calf], during_sleep: true}
    teaching_note: One changes level and referral, one changes cause, one stays.
    cases:
      - name: long-that-eases
        given: {duration_minutes: 15, eases_with_movement: true}
        expect: {level: see_professional, see_include: [gp]}
      - name: pregnant
        given: {duration_minutes: 2, pregnant: true}
        expect: {causes_include: [pregnancy]}
      - name: swollen-calf
        given: {leg_swelling: one_leg}
        expect: {level: urgent}
"""


def retire(pack: Path, file: str, rule_id: str) -> None:
    path = pack / file
    text = path.read_text(encoding="utf-8")
    at = text.index("status: active", text.index(f"id: {rule_id}\n"))
    path.write_text(text[:at] + "status: retired" + text[at + len("status: active"):], encoding="utf-8")


@pytest.fixture
def new_pack(tmp_path: Path) -> Path:
    pack = copy_pack(tmp_path)
    retire(pack, "red-flags.yaml", "RF-LONG")  # a long cramp that eases: no longer a reason to see a doctor
    retire(pack, "causes.yaml", "CA-PREGNANCY")  # pregnancy no longer named as a cause
    return pack


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    path = tmp_path / "three.scenario.yaml"
    path.write_text(textwrap.dedent(CASES).lstrip(), encoding="utf-8")
    return path


def test_compare_lists_the_cases_whose_level_causes_or_referrals_change(scenarios, new_pack):
    old = default_rules_path()
    result = run("scenarios", "compare", "--rules", str(old), "--rules", str(new_pack), str(scenarios))
    assert result.exit_code == 1, result.stderr  # some case changed, as diff exits
    lines = result.stdout.splitlines()
    assert lines[:3] == [f"old: rule pack cramp-triage-core 2.0.0 ({old})",
                         f"new: rule pack cramp-triage-core 2.0.0 ({new_pack})",
                         "3 cases: 2 changed (level 1, causes 1, referrals 2), 1 unchanged."]
    assert "three-cases[long-that-eases]: Three vignettes (level, referrals changed)" in lines
    assert "three-cases[pregnant]: Three vignettes (causes, referrals changed)" in lines
    assert not any("swollen-calf" in line for line in lines)
    # Side by side: the old pack's answer on the left, the new one's on the right; changes marked.
    table = lines[lines.index("three-cases[long-that-eases]: Three vignettes (level, referrals changed)"):]
    cells = {row.split("│")[1].strip(): [cell.strip() for cell in row.split("│")[2:4]]
             for row in table[:14] if row.startswith("│")}
    assert cells == {"level *": ["see_professional", "self_care"], "causes": ["idiopathic", "idiopathic"],
                     "referrals *": ["gp", "none"], "expectations *": ["hold", "do not hold"]}


def test_compare_json_has_every_case_under_both_packs(scenarios, new_pack):
    result = run("scenarios", "compare", "--json", "--rules", str(default_rules_path()), "--rules", str(new_pack),
                 str(scenarios))
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["cases"], report["changed"]) == (3, 2)
    assert report["new"] == {"name": "cramp-triage-core", "version": "2.0.0", "path": str(new_pack)}
    by_id = {case["id"]: case for case in report["by_case"]}
    assert by_id["three-cases[long-that-eases]"]["changed"] == ["level", "referrals"]
    assert by_id["three-cases[long-that-eases]"]["old"] == {
        "level": "see_professional", "causes": ["idiopathic"], "referrals": ["gp"], "passed": True}
    assert by_id["three-cases[long-that-eases]"]["new"]["level"] == "self_care"
    assert by_id["three-cases[pregnant]"]["changed"] == ["causes", "referrals"]  # no cause, no midwife
    assert "pregnancy" in by_id["three-cases[pregnant]"]["old"]["causes"]
    assert "pregnancy" not in by_id["three-cases[pregnant]"]["new"]["causes"]
    assert by_id["three-cases[pregnant]"]["new"]["passed"] is False
    assert by_id["three-cases[swollen-calf]"]["changed"] == []
    assert by_id["three-cases[swollen-calf]"]["old"] == by_id["three-cases[swollen-calf]"]["new"]


def test_compare_exits_0_when_no_case_changes(scenarios, tmp_path):
    same = copy_pack(tmp_path)
    result = run("scenarios", "compare", "--rules", str(default_rules_path()), "--rules", str(same), str(scenarios))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[2] == "3 cases: 0 changed (level 0, causes 0, referrals 0), 3 unchanged."


@pytest.mark.parametrize("count", [0, 1, 3])
def test_compare_needs_exactly_two_packs(scenarios, count):
    args = [arg for _ in range(count) for arg in ("--rules", str(default_rules_path()))]
    result = run("scenarios", "compare", *args, str(scenarios))
    assert_one_line_error(result, 2)
    if count:
        assert result.stderr == (f"cramp-triage: error: give --rules twice, the old pack then the new one "
                                 f"(got {count})\n")
