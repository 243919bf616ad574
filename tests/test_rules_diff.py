"""``rules diff``: a small old/new pair whose differences are known, over the answer space
(counted exactly: checked against brute force over the whole product) and over a corpus."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import copy_pack, write_yaml
from pack_helpers import rule

from cramp_triage import RulePack, Triager
from cramp_triage.batch import read_intakes
from cramp_triage.yamlfile import read_yaml
from cramp_triage.tools.diff import Outcome, diff_corpus, diff_space, direction
from cramp_triage.tools.pruning import discretise

LEVELS = [rule(f"LV-{level.upper().replace('_', '-')}", [{"finding": {"level": level}}], [{"level": level}], layer="level")
          for level in ("emergency", "urgent", "see_professional")]
BASE = rule("LV-SELF-CARE", [{"intake": {}}], [{"level": "self_care"}], layer="level")
STRETCH = rule("AD-STRETCH", [{"not": {"finding": {"kind": "red_flag"}}}], [{"self_care": "calf_stretch"}], layer="advice")


def mini_pack(tmp_path: Path, name: str, rules: list[dict[str, Any]], version: str) -> RulePack:
    """The shipped terms with only ``rules`` (and the level rules)."""
    folder = copy_pack(tmp_path / name)
    manifest = read_yaml(folder / "pack.yaml")
    manifest.update(rule_files=["mini.yaml"], version=version)
    write_yaml(folder / "pack.yaml", manifest)
    write_yaml(folder / "mini.yaml", {"rules": [BASE, *LEVELS, STRETCH, *rules]})
    return RulePack.load(folder)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[RulePack, RulePack]:
    tmp = tmp_path_factory.mktemp("diff")
    old = mini_pack(tmp, "old", [
        rule("RF-LONG", [{"intake": {"duration_minutes": {"gt": 10}}}], [{"finding": "long_cramp"}], layer="red_flag"),
        rule("RF-BREATH", [{"intake": {"breathless_or_chest_pain": True}}], [{"finding": "breathless_or_chest_pain"}],
             layer="red_flag"),
        rule("AD-GP", [{"finding": "long_cramp"}], [{"see": "gp"}], layer="advice"),
    ], "1.0.0")
    new = mini_pack(tmp, "new", [
        # A lower threshold: 6 to 10 minutes now see a professional (up).
        rule("RF-LONG", [{"intake": {"duration_minutes": {"gt": 5}}}], [{"finding": "long_cramp"}], layer="red_flag"),
        # Breathlessness read as a long cramp's finding: emergency becomes see_professional (down).
        rule("RF-BREATH", [{"intake": {"breathless_or_chest_pain": True}}], [{"finding": "long_cramp"}],
             layer="red_flag"),
        # gp goes, emergency services come for nothing: the referral vanishes, nothing appears.
        rule("AD-EMERGENCY", [{"finding": {"level": "emergency"}}], [{"see": "emergency_services"}], layer="advice"),
    ], "2.0.0")
    return old, new


def brute_force(old: RulePack, new: RulePack) -> dict[str, Any]:
    """Every intake of the joint space through both engines: what the diff must count."""
    space = discretise(old, new)
    names = list(space.domains)
    engines = Triager(old, cache_size=0), Triager(new, cache_size=0)
    levels = dict.fromkeys(("up", "down", "same"), 0)
    items: dict[tuple[str, str, str], int] = {}
    for values in itertools.product(*(space.domains[n] for n in names)):
        answers = {n: v for n, v in zip(names, values) if v is not None}
        before, after = (Outcome.of(engine.triage(answers)) for engine in engines)
        levels[direction(before.level, after.level)] += 1
        for kind, name in after.items - before.items:
            items[(kind, name, "appears")] = items.get((kind, name, "appears"), 0) + 1
        for kind, name in before.items - after.items:
            items[(kind, name, "vanishes")] = items.get((kind, name, "vanishes"), 0) + 1
    return {"size": math.prod(len(v) for v in space.domains.values()), "levels": levels, "items": items}


def test_the_space_uses_the_thresholds_of_both_packs(pair):
    old, new = pair
    assert {5, 10} <= set(discretise(old, new).domains["duration_minutes"])
    assert 5 not in discretise(old).domains["duration_minutes"]  # one pack alone would not try 6 to 10


def test_the_answer_space_counts_equal_brute_force(pair):
    old, new = pair
    report = diff_space(old, new)
    expected = brute_force(old, new)
    assert report.intakes == expected["size"] == report.space_size
    assert report.levels == expected["levels"]
    assert {key: tally.intakes for key, tally in report.items.items() if tally.intakes} == expected["items"]
    assert report.levels["up"] > 0 and report.levels["down"] > 0 and report.lower


def test_each_change_has_its_smallest_intake(pair):
    old, new = pair
    data = diff_space(old, new).to_json()
    moves = {(m["from"], m["to"]): m for m in data["moves"]}
    assert moves[("self_care", "see_professional")]["example"]["intake"] in ({"duration_minutes": 6},
                                                                            {"duration_minutes": 10})
    assert moves[("emergency", "see_professional")]["example"]["intake"] == {"breathless_or_chest_pain": True}
    items = {(i["kind"], i["name"], i["change"]): i for i in data["items"]}
    assert items[("referrals", "gp", "vanishes")]["example"]["intake"]["duration_minutes"] > 10
    # 6 to 10 minutes is now a red flag: no stretch advice; AD-GP is gone; the new pack has no
    # emergency left, so its emergency referral never fires.
    assert set(items) == {("referrals", "gp", "vanishes"), ("self_care", "calf_stretch", "vanishes")}
    for example in [m["example"]["intake"] for m in data["moves"]] + [i["example"]["intake"] for i in data["items"]]:
        before, after = (Outcome.of(Triager(p, cache_size=0).triage(example)) for p in pair)
        assert before != after


def test_by_field_and_value(pair):
    old, new = pair
    rows = {(r["field"], r["value"]): r for r in diff_space(old, new).to_json()["by_field"]}
    assert rows[("duration_minutes", "between 5 and 10")]["up"] > 0
    assert rows[("breathless_or_chest_pain", "yes")]["down"] > 0
    assert ("duration_minutes", "over 10") not in rows or rows[("duration_minutes", "over 10")]["up"] == 0


def test_a_pack_against_itself_changes_nothing(pair):
    report = diff_space(pair[0], pair[0])
    assert not report.changed and report.levels["same"] == report.intakes


def test_over_a_corpus(pair, tmp_path):
    old, new = pair
    lines = ['{"duration_minutes": 7}', '{"breathless_or_chest_pain": true}', '{"duration_minutes": 2}',
             'not json', '{"duration_minutes": 7}']
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n")
    changed: list[str] = []
    with path.open("rb") as source:
        report = diff_corpus(old, new, read_intakes(source, "jsonl"), changed=changed.append)
    assert (report.intakes, report.rejected) == (5, 1)
    assert report.levels == {"up": 2, "down": 1, "same": 1}
    records = [json.loads(line) for line in changed]
    assert [r["line"] for r in records] == [1, 2, 5]
    first = records[0]
    assert first["old"]["level"] == "self_care" and first["new"]["level"] == "see_professional"
    assert report.to_json()["moves"][0]["example"] == {"intake": {"duration_minutes": 7}, "line": 1}


# --- the command ----------------------------------------------------------------------------------


def test_the_command_exits_1_when_a_level_goes_down(pair):
    from cli_helpers import run

    old, new = (str(p.path) for p in pair)
    result = run("rules", "diff", old, new)
    assert result.exit_code == 1, result.stderr
    assert "emergency -> see_professional" in result.stdout and "intakes get a less urgent level" in result.stdout
    assert run("rules", "diff", old, new, "--allow-lower").exit_code == 0
    backwards = run("rules", "diff", new, old, "--format", "md")  # back again: 6 to 10 minutes go down
    assert backwards.exit_code == 1 and backwards.stdout.startswith("# Rule pack change:")
    same = run("rules", "diff", old, old, "--json")
    assert same.exit_code == 0 and json.loads(same.stdout)["levels"]["down"] == 0


def test_the_command_over_a_corpus_writes_the_changed_rows(pair, tmp_path):
    from cli_helpers import assert_one_line_error, run

    old, new = (str(p.path) for p in pair)
    corpus = tmp_path / "corpus.csv"
    corpus.write_text("duration_minutes,breathless_or_chest_pain\n7,\n2,no\n,yes\n12,maybe\n")
    out = tmp_path / "changed.jsonl"
    result = run("rules", "diff", old, new, "--corpus", str(corpus), "--changed-out", str(out), "--json")
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    assert (data["over"], data["intakes"], data["rejected"]) == ("corpus", 4, 1)
    assert [json.loads(line)["line"] for line in out.read_text().splitlines()] == [2, 4]  # CSV lines, header is 1
    assert_one_line_error(run("rules", "diff", old, new, "--changed-out", str(out)), 2)


def test_the_command_over_a_parquet_corpus(pair, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cli_helpers import run

    old, new = (str(p.path) for p in pair)
    corpus = tmp_path / "corpus.parquet"
    pq.write_table(pa.table({"duration_minutes": [7.0, None, 2.0]}), corpus)
    result = run("rules", "diff", old, new, "--corpus", str(corpus), "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    assert (data["intakes"], data["levels"]) == (3, {"up": 1, "down": 0, "same": 2})


@pytest.mark.slow
def test_the_worked_example_in_the_docs_is_current():
    """docs/rule-pack.md shows `rules diff tests/data/pack-1.0 rules --format md`: each table row
    and the summary there must be what the command prints now (about 12 s: the real packs)."""
    from cli_helpers import run

    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "rule-pack.md").read_text(encoding="utf-8")
    shown = text.split("<!-- diff-example:start -->")[1].split("<!-- diff-example:end -->")[0]
    shown_lines = [line[2:] for line in shown.strip().splitlines() if line.startswith("> ")]
    result = run("rules", "diff", str(root / "tests" / "data" / "pack-1.0"), str(root / "rules"), "--format", "md")
    assert result.exit_code == 0, result.stderr  # 2.0 lowers no level
    printed = set(result.stdout.splitlines())
    rows = [line for line in shown_lines if line.startswith("|") or line.startswith("Compared")]
    assert len(rows) > 30
    assert [line for line in rows if line not in printed] == []
