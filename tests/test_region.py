"""Regions (issue 12): each region's emergency number and same-day services reach every word a
person reads, the default comes from the pack, the firings do not depend on the region, an
unknown region is an error naming the pack's, the pack refuses placeholders it cannot fill, and
no number is written anywhere in the pack but regions.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_helpers import copy_pack, write_yaml
from cramp_triage import (
    IntakeError,
    Level,
    RegionError,
    RulePack,
    RulePackError,
    Triager,
    default_rules_path,
    triage,
    triage_many,
)
from cramp_triage.explain import explain
from cramp_triage.yamlfile import read_yaml
from cramp_triage.schemas import result_schema
from cramp_triage.tools.invariants import check_result

SHIPPED = RulePack.load(default_rules_path())
REGIONS = SHIPPED.regions.regions
EMERGENCY = {"breathless_or_chest_pain": True}
URGENT = {"duration_minutes": 12, "eases_with_movement": False}
BENIGN = {"duration_minutes": 2, "locations": ["calf"], "during_sleep": True, "breathless_or_chest_pain": False}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_shipped_pack_has_the_seven_regions_and_uk_is_the_default():
    assert list(REGIONS) == ["UK", "IE", "EU", "US", "AU", "NZ", "CA"]
    assert SHIPPED.default_region == "UK"
    numbers = {code: region.emergency for code, region in REGIONS.items()}
    assert numbers == {"UK": "999", "IE": "112 or 999", "EU": "112", "US": "911", "AU": "000", "NZ": "111",
                       "CA": "911"}
    assert "NHS 111" in REGIONS["UK"].urgent and "1800 022 222" in REGIONS["AU"].urgent
    assert "0800 611 116" in REGIONS["NZ"].urgent and "811" in REGIONS["CA"].urgent
    assert all(source.url.startswith("http") for region in REGIONS.values() for source in region.sources)


@pytest.mark.parametrize("code", list(REGIONS))
def test_an_emergency_names_the_regions_number_everywhere_a_person_reads(code):
    region = REGIONS[code]
    result = triage(EMERGENCY, region=code)
    assert result.level is Level.emergency and result.region == code
    said = f"{region.emergency} in {region.name}"
    assert said in flat(result.do_now)
    assert said in flat(result.disclaimer)
    assert any(said in flat(referral.who) for referral in result.see if referral.when == "now")
    assert check_result(result, SHIPPED, EMERGENCY) == []


@pytest.mark.parametrize("code", list(REGIONS))
def test_an_urgent_answer_names_the_regions_same_day_service(code):
    region = REGIONS[code]
    result = triage(URGENT, region=code)
    assert result.level is Level.urgent and result.region == code
    assert flat(region.urgent) in flat(result.do_now)
    assert any(flat(region.urgent) in flat(referral.who) for referral in result.see if referral.when == "today")
    # The signs still unchecked that would be an emergency are listed with the emergency number.
    assert f"{region.emergency} in {region.name}" in flat(result.do_now)
    assert check_result(result, SHIPPED, URGENT) == []


@pytest.mark.parametrize("code", list(REGIONS))
def test_the_safety_net_of_a_benign_answer_names_both_services(code):
    region = REGIONS[code]
    result = triage(BENIGN, region=code)
    assert result.level.rank < Level.urgent.rank
    assert f"{region.emergency} in {region.name}" in flat(result.if_worse)
    assert flat(region.urgent) in flat(result.if_worse)


@pytest.mark.parametrize("code", [code for code in REGIONS if code != "UK"])
def test_no_other_regions_number_or_service_leaks_into_a_result(code):
    text = flat(triage(URGENT, region=code).model_dump_json())
    uk = REGIONS["UK"]
    assert "NHS 111" not in text and f"{uk.emergency} in {uk.name}" not in text and uk.urgent not in text


def test_the_default_region_is_the_packs():
    assert triage(URGENT) == triage(URGENT, region=SHIPPED.default_region)
    assert triage(URGENT).region == "UK"


def test_a_pack_that_names_another_default_region_uses_it(tmp_path):
    pack_dir = copy_pack(tmp_path)
    manifest = read_yaml(pack_dir / "pack.yaml")
    manifest["default_region"] = "NZ"
    write_yaml(pack_dir / "pack.yaml", manifest)
    with Triager(pack_dir, cache_size=0) as triager:
        result = triager.triage(EMERGENCY)
    assert result.region == "NZ" and "111 in New Zealand" in result.do_now


@pytest.mark.parametrize("bad", ["XX", "uk", "GB", "", " UK", 5])
def test_an_unknown_region_is_an_error_naming_the_packs_regions(bad):
    with pytest.raises(RegionError) as caught:
        triage(URGENT, region=bad)  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, IntakeError)  # whatever reports bad answers reports it too
    assert [problem.loc for problem in error.problems] == ["region"]
    assert "UK, IE, EU, US, AU, NZ, CA" in str(error)


def test_an_unknown_region_fails_before_the_engine_runs():
    triager = Triager(SHIPPED)
    with pytest.raises(RegionError):
        triager.triage({"duration_minutes": "not a number"}, region="XX")  # the region is checked first
    assert triager.cache_info["misses"] == 0


def test_the_firings_are_the_same_in_every_region_so_the_cache_serves_them_all():
    triager = Triager(SHIPPED)
    results = [triager.triage(URGENT, region=code) for code in REGIONS]
    assert triager.cache_info["misses"] == 1 and triager.cache_info["hits"] == len(REGIONS) - 1
    decided = {(r.level, tuple(c.category for c in r.causes), tuple(s.id for s in r.see),
                tuple(step.rule for step in r.trace)) for r in results}
    assert len(decided) == 1
    assert len({r.do_now for r in results}) == len(REGIONS)


def test_triage_many_words_every_result_for_the_region_and_refuses_an_unknown_one_at_once():
    results = list(triage_many([EMERGENCY, {"pregnant": "maybe"}, URGENT], region="IE"))
    assert [getattr(r, "region", None) for r in results] == ["IE", None, "IE"]
    assert isinstance(results[1], IntakeError)
    with pytest.raises(RegionError):
        next(triage_many([EMERGENCY], region="ZZ"))


def test_explain_words_its_result_for_the_region():
    data = explain(EMERGENCY, region="US")
    assert data["result"]["region"] == "US" and "911 in the US" in data["result"]["do_now"]
    with pytest.raises(RegionError):
        explain(EMERGENCY, region="USA")


def test_the_result_schema_requires_the_region():
    schema = result_schema()
    assert "region" in schema["required"] and schema["properties"]["region"]["type"] == "string"


# --- the pack's data ----------------------------------------------------------------------------

# Every number a region names, and the common ones besides, as they would be written in text.
NUMBERS = sorted({n for r in REGIONS.values() for n in re.findall(r"\d+(?: \d+)*", f"{r.emergency} {r.urgent}")}
                 | {"999", "112", "911", "000", "111", "811"})


def test_no_file_of_the_pack_but_regions_yaml_names_an_emergency_or_advice_number():
    pattern = re.compile(r"(?<![\d,.])(" + "|".join(map(re.escape, NUMBERS)) + r")(?![\d,])|NHS 111|healthdirect",
                         re.IGNORECASE)
    found = []
    for path in sorted(Path(default_rules_path()).rglob("*.yaml")):
        if path.name == "regions.yaml":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_the_api_docs_table_lists_each_region_with_its_emergency_number():
    text = (Path(__file__).parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z]{2})` \| ([^|]+?) \|", text, re.M))
    assert rows == {code: region.emergency for code, region in REGIONS.items()}


def _pack_with(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    pack_dir = copy_pack(tmp_path)
    for name in ("pack.yaml", "terms.yaml", "regions.yaml"):
        data = read_yaml(pack_dir / name)
        if edit(name, data):
            write_yaml(pack_dir / name, data)
    return pack_dir


def _load_problems(pack_dir: Path) -> list[str]:
    with pytest.raises(RulePackError) as caught:
        RulePack.load(pack_dir)
    return [str(problem) for problem in caught.value.problems]


def test_an_unknown_placeholder_is_a_load_error_naming_the_term(tmp_path):
    def edit(name, data):  # type: ignore[no-untyped-def]
        if name == "terms.yaml":
            data["levels"]["urgent"]["lead"] = "Get help today ({urgnet}) if you notice any of these:"
            data["self_care"]["stretch_calf"] = {"text": "Stretch, then call {doctor}."}
            return True
        return False

    problems = _load_problems(_pack_with(tmp_path, edit))
    assert any(p.startswith("terms.yaml: levels.urgent.lead: unknown placeholder {urgnet}") for p in problems)
    assert any(p.startswith("terms.yaml: self_care.stretch_calf.text: unknown placeholder {doctor}") for p in problems)
    assert all("{emergency}, {region}, {urgent}" in p for p in problems)


def test_a_text_that_must_name_a_service_and_does_not_is_a_load_error_naming_the_term(tmp_path):
    def edit(name, data):  # type: ignore[no-untyped-def]
        if name == "terms.yaml":
            data["levels"]["emergency"]["do_now"] = "Call emergency services now."
            data["see"]["urgent_same_day"]["who"] = "A doctor, today"
            return True
        if name == "pack.yaml":
            data["disclaimer"] = "Not a diagnosis, and not for emergencies."
            return True
        return False

    problems = _load_problems(_pack_with(tmp_path, edit))
    assert "terms.yaml: levels.emergency.do_now: must name the emergency number: use {emergency}" in problems
    assert "terms.yaml: see.urgent_same_day: must name where to get help today: use {urgent}" in problems
    assert "pack.yaml: disclaimer: must name the emergency number: use {emergency}" in problems


def test_a_region_missing_a_service_or_an_unknown_default_is_a_load_error(tmp_path):
    def edit(name, data):  # type: ignore[no-untyped-def]
        if name == "regions.yaml":
            del data["regions"]["AU"]["urgent"]
            data["regions"]["usa"] = dict(data["regions"]["US"])
            return True
        return False

    problems = _load_problems(_pack_with(tmp_path, edit))
    assert any(p.startswith("regions.yaml: regions.AU.urgent") for p in problems)
    assert any(p.startswith("regions.yaml: regions.usa") for p in problems)

    def edit_default(name, data):  # type: ignore[no-untyped-def]
        if name == "pack.yaml":
            data["default_region"] = "FR"
            return True
        return False

    problems = _load_problems(_pack_with(tmp_path / "again", edit_default))
    assert problems == ["pack.yaml: default_region: 'FR' is not in regions.yaml; known: UK, IE, EU, US, AU, NZ, CA"]


def test_a_pack_without_regions_is_a_load_error_naming_the_file(tmp_path):
    pack_dir = copy_pack(tmp_path)
    (pack_dir / "regions.yaml").unlink()
    with pytest.raises(RulePackError) as caught:
        RulePack.load(pack_dir)
    assert "regions.yaml" in str(caught.value)
