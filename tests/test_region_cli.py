"""``--region`` at the command line (issue 12): check, explain, batch and the rules commands word
their output for it, an unknown one is one line with exit code 2, and the help lists the
shipped pack's regions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import assert_one_line_error, run
from cramp_triage import RulePack, default_rules_path
from cramp_triage.cli.app import SHIPPED_REGIONS

PACK = RulePack.load(default_rules_path())
REGIONS = PACK.regions.regions
EMERGENCY = ("--breathless-or-chest-pain",)
ALL = ", ".join(REGIONS)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("code", list(REGIONS))
def test_check_text_names_the_regions_number_and_closes_with_the_region(code):
    region = REGIONS[code]
    result = run("check", *EMERGENCY, "--region", code.lower(), env={"NO_COLOR": "1"})  # any case
    assert result.exit_code == 0, result.stderr
    text = flat(result.stdout)
    said = f"{region.emergency} in {region.name}"
    assert text.count(said) >= 3  # what to do now, whom to see, the disclaimer
    assert flat(PACK.wording(code).disclaimer) in text
    assert f"numbers for region {code} (--region for another)" in text


def test_check_json_carries_the_region_and_defaults_to_the_packs():
    chosen = json.loads(run("check", *EMERGENCY, "--json", "--region", "AU").stdout)
    default = json.loads(run("check", *EMERGENCY, "--json").stdout)
    assert chosen["region"] == "AU" and "000 in Australia" in chosen["do_now"]
    assert default["region"] == PACK.default_region == "UK" and "999 in the UK" in default["do_now"]
    assert chosen["level"] == default["level"] and chosen["trace"] == default["trace"]


@pytest.mark.parametrize("command", ["check", "explain"])
def test_an_unknown_region_is_one_line_naming_the_regions_exit_2(command):
    result = run(command, *EMERGENCY, "--region", "Mars")
    assert_one_line_error(result, 2)
    assert "'MARS' is not a region" in result.stderr and ALL in result.stderr
    assert result.stdout == ""


def test_explain_words_its_result_for_the_region():
    text = flat(run("explain", *EMERGENCY, "--region", "nz").stdout)
    assert flat(PACK.wording("NZ").disclaimer) in text
    data = json.loads(run("explain", *EMERGENCY, "--region", "NZ", "--json").stdout)
    assert data["result"]["region"] == "NZ" and "111 in New Zealand" in data["result"]["do_now"]


def test_batch_words_every_line_for_the_region(tmp_path: Path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"breathless_or_chest_pain": true}\n{"duration_minutes": 2}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run("batch", str(source), "-o", str(target), "-q", "--region", "ca")
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["result"]["region"] for line in lines] == ["CA", "CA"]
    assert "911 in Canada" in lines[0]["result"]["do_now"]


def test_batch_with_an_unknown_region_writes_nothing(tmp_path: Path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"duration_minutes": 2}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run("batch", str(source), "-o", str(target), "-q", "--region", "ZZ")
    assert_one_line_error(result, 2)
    assert ALL in result.stderr and not target.exists()


def test_the_help_lists_the_shipped_packs_regions_and_default():
    assert SHIPPED_REGIONS == f"{', '.join(list(REGIONS)[:-1])} or {list(REGIONS)[-1]} (default {PACK.default_region})"
    root = flat(run("--help").stdout)
    assert f"follow --region: {SHIPPED_REGIONS}" in root
    for command in ("check", "explain", "batch", "serve"):
        assert SHIPPED_REGIONS in flat(run(command, "--help").stdout), command


def test_rules_regions_lists_each_region_from_the_pack():
    data = json.loads(run("rules", "regions", "--json").stdout)
    assert data["default"] == "UK"
    assert data["regions"] == {code: region.model_dump() for code, region in REGIONS.items()}
    text = run("rules", "regions").stdout
    for code, region in REGIONS.items():
        assert f"{code}: {region.name}" in text and f"emergency: {region.emergency}" in text
        assert flat(region.urgent) in flat(text)


def test_rules_red_flags_takes_a_region():
    assert run("rules", "red-flags", "--region", "US").exit_code == 0
    assert_one_line_error(run("rules", "red-flags", "--region", "XX"), 2)
