"""Invalid input for every ``Intake`` field gets an ``IntakeError`` naming the field; ``None`` means
"don't know"; JSON documents are checked for syntax, shape and encoding."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from cramp_triage import CrampTriageError, Intake, IntakeError, Location, parse_intake, parse_intake_json, triage

YES_NO_FIELDS = [name for name, info in Intake.model_fields.items() if "bool" in str(info.annotation)]
NUMBER_FIELDS = ["duration_minutes", "cramps_per_week", "age_years"]
LIST_FIELDS = ["locations", "medications"]
CHOICE_FIELDS = ["leg_swelling"]

# Values that are no yes/no answer in any reading.
NOT_YES_NO: list[Any] = ["maybe", 2, -1, 0.5, [], {}, [True]]


def test_field_groups_cover_every_field():
    assert set(YES_NO_FIELDS) | set(NUMBER_FIELDS) | set(LIST_FIELDS) | set(CHOICE_FIELDS) == set(Intake.model_fields)
    assert len(YES_NO_FIELDS) >= 23


def _problem_locs(answers: dict[str, Any]) -> list[str]:
    with pytest.raises(IntakeError) as caught:
        parse_intake(answers)
    error = caught.value
    assert isinstance(error, CrampTriageError)
    assert error.problems, "an IntakeError lists its problems"
    for problem in error.problems:
        assert problem.message
    return [problem.loc for problem in error.problems]


@pytest.mark.parametrize("field", YES_NO_FIELDS)
@pytest.mark.parametrize("value", NOT_YES_NO, ids=repr)
def test_yes_no_field_rejects_non_boolean(field, value):
    locs = _problem_locs({field: value})
    assert locs == [field]


@pytest.mark.parametrize("field", YES_NO_FIELDS)
def test_yes_no_field_accepts_true_false_and_unknown(field):
    assert getattr(parse_intake({field: True}), field) is True
    assert getattr(parse_intake({field: False}), field) is False
    assert getattr(parse_intake({field: None}), field) is None
    assert field not in parse_intake({field: None}).answered()


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (-0.1, "greater than or equal to 0"),
        (1440.5, "less than or equal to 1440"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        (-math.inf, "finite"),
        ("ten minutes", "number"),
        (True, "number"),
        ([5], "number"),
        ({"minutes": 5}, "number"),
    ],
    ids=repr,
)
def test_duration_rejects(value, why):
    with pytest.raises(IntakeError) as caught:
        parse_intake({"duration_minutes": value})
    [problem] = caught.value.problems
    assert problem.loc == "duration_minutes"
    assert why in problem.message


def test_duration_accepts_its_whole_range():
    assert parse_intake({"duration_minutes": 0}).duration_minutes == 0
    assert parse_intake({"duration_minutes": 0.25}).duration_minutes == 0.25
    assert parse_intake({"duration_minutes": 1440}).duration_minutes == 1440


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (-1, "greater than or equal to 0"),
        (501, "less than or equal to 500"),
        (2.5, "integer"),
        (math.nan, "integer"),
        (math.inf, "integer"),
        ("often", "integer"),
        (False, "number"),
        ([3], "integer"),
    ],
    ids=repr,
)
def test_cramps_per_week_rejects(value, why):
    with pytest.raises(IntakeError) as caught:
        parse_intake({"cramps_per_week": value})
    [problem] = caught.value.problems
    assert problem.loc == "cramps_per_week"
    assert why in problem.message


def test_cramps_per_week_accepts_its_whole_range():
    assert parse_intake({"cramps_per_week": 0}).cramps_per_week == 0
    assert parse_intake({"cramps_per_week": 500}).cramps_per_week == 500


@pytest.mark.parametrize(
    ("value", "loc"),
    [
        ("calf", "locations"),  # a bare string, not a list
        (["knee"], "locations.0"),
        (["calf", "shin"], "locations.1"),
        (["CALF "], "locations.0"),
        ([1], "locations.0"),
        ([None], "locations.0"),
        (["calf", "foot", "thigh", "calf"], "locations"),  # too many items
        ({"calf": True}, "locations"),
    ],
    ids=repr,
)
def test_locations_rejects(value, loc):
    with pytest.raises(IntakeError) as caught:
        parse_intake({"locations": value})
    assert [p.loc for p in caught.value.problems] == [loc]
    if loc != "locations":
        assert all(name.value in caught.value.problems[0].message for name in Location)


def test_locations_deduplicates_and_empty_means_unknown():
    assert parse_intake({"locations": ["foot", "calf", "foot"]}).locations == [Location.foot, Location.calf]
    assert parse_intake({"locations": []}).locations is None


@pytest.mark.parametrize(
    ("value", "loc"),
    [
        ("Lipitor", "medications"),  # a bare string, not a list
        ([""], "medications.0"),
        (["   "], "medications.0"),
        (["Lipitor", ""], "medications.1"),
        ([42], "medications.0"),
        ([None], "medications.0"),
        (["x" * 201], "medications.0"),
        (["aspirin"] * 51, "medications"),  # too many items
    ],
    ids=lambda v: repr(v)[:30],
)
def test_medications_rejects(value, loc):
    with pytest.raises(IntakeError) as caught:
        parse_intake({"medications": value})
    assert [p.loc for p in caught.value.problems] == [loc]


def test_medication_text_is_trimmed_but_kept():
    assert parse_intake({"medications": ["  Lipitor 20 mg "]}).medications == ["Lipitor 20 mg"]


@pytest.mark.parametrize("name", ["pregant", "Pregnant", "duration", "location", "medication", "sid", "t"])
def test_unknown_field_is_an_error_naming_it(name):
    with pytest.raises(IntakeError) as caught:
        parse_intake({name: True})
    [problem] = caught.value.problems
    assert problem.loc == name
    assert "unknown field" in problem.message


def test_every_problem_is_reported_at_once():
    with pytest.raises(IntakeError) as caught:
        parse_intake({"duration_minutes": -5, "pregnant": "perhaps", "locations": ["knee"], "typo": 1})
    assert sorted(p.loc for p in caught.value.problems) == ["duration_minutes", "locations.0", "pregnant", "typo"]
    text = str(caught.value)
    assert "\n" not in text
    for loc in ("duration_minutes", "pregnant", "locations.0", "typo"):
        assert loc in text


def test_triage_raises_intake_error_for_bad_answers():
    with pytest.raises(IntakeError):
        triage({"duration_minutes": "long"})
    with pytest.raises(IntakeError):
        triage({"leg_swellling": True})


def test_intake_model_refuses_unknown_fields_directly():
    with pytest.raises(ValueError):
        Intake(pregant=True)  # type: ignore[call-arg]


@pytest.mark.parametrize("data", [None, [], [{"pregnant": True}], "pregnant", 3, True])
def test_parse_intake_needs_a_mapping(data):
    with pytest.raises(IntakeError) as caught:
        parse_intake(data)
    [problem] = caught.value.problems
    assert problem.loc == "intake"
    assert "JSON object" in problem.message


# --- JSON documents ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "not valid JSON"),
        ("   ", "not valid JSON"),
        ("pregnant: yes", "not valid JSON"),
        ('{"pregnant": true', "not valid JSON"),
        ("{'pregnant': true}", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"medications": ["Lipitor \xff"]}', "not valid JSON"),  # invalid UTF-8
        (b"\xc3\x28", "not valid JSON"),
        ("[" * 100_000, "nested too deeply"),  # too deep to parse
        ("[]", "JSON object"),
        ("null", "JSON object"),
        ("42", "JSON object"),
        ('"calf"', "JSON object"),
    ],
    ids=lambda v: repr(v)[:30],
)
def test_parse_intake_json_rejects(text, why):
    with pytest.raises(IntakeError) as caught:
        parse_intake_json(text)
    [problem] = caught.value.problems
    assert problem.loc == "intake"
    assert why in problem.message


@pytest.mark.parametrize("text", ['{"duration_minutes": NaN}', '{"duration_minutes": Infinity}',
                                  '{"duration_minutes": 1e400}'])
def test_parse_intake_json_refuses_non_finite_numbers(text):
    with pytest.raises(IntakeError) as caught:
        parse_intake_json(text)
    assert [p.loc for p in caught.value.problems] == ["duration_minutes"]


def test_parse_intake_json_accepts_text_and_utf8_bytes():
    document = {"duration_minutes": 2, "locations": ["calf"], "medications": ["Lipitor 20 mg", "Ménière tablets"]}
    from_text = parse_intake_json(json.dumps(document))
    from_bytes = parse_intake_json(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    assert from_text == from_bytes
    assert from_text.medications == ["Lipitor 20 mg", "Ménière tablets"]


# --- None means "don't know" -------------------------------------------------------------------


def test_null_answers_mean_unknown_and_equal_leaving_them_out():
    every_null = {name: None for name in Intake.model_fields}
    assert parse_intake(every_null) == Intake()
    assert parse_intake_json(json.dumps(every_null)).answered() == {}
    assert triage(every_null) == triage({})


def test_no_is_not_the_same_as_unknown():
    # "no swelling" and "don't know" are different answers. (Pack 2.0: leg_swelling is a choice,
    # and an old JSON false is read as its "none".)
    assert parse_intake({"leg_swelling": "none"}).answered() == {"leg_swelling": "none"}
    assert parse_intake({"leg_swelling": False}).answered() == {"leg_swelling": "none"}
    assert parse_intake({"leg_swelling": None}).answered() == {}
    assert parse_intake({"pregnant": False}).answered() == {"pregnant": False}


@pytest.mark.parametrize(("given", "read"), [("one_leg", "one_leg"), ("both_legs", "both_legs"), ("none", "none"),
                                             (True, "one_leg"), (False, "none")])
def test_leg_swelling_takes_its_three_answers_and_old_true_false(given, read):
    # true/false: pack 1.0's yes/no question asked about swelling "usually on one side".
    assert parse_intake({"leg_swelling": given}).leg_swelling == read
    assert parse_intake_json(json.dumps({"leg_swelling": given})).leg_swelling == read


@pytest.mark.parametrize("value", ["yes", "no", "true", 1, 0, "one leg", "left", ["one_leg"]], ids=repr)
def test_leg_swelling_rejects_anything_else_naming_the_answers(value):
    with pytest.raises(IntakeError) as caught:
        parse_intake({"leg_swelling": value})
    [problem] = caught.value.problems
    assert problem.loc == "leg_swelling"
    assert "one_leg" in problem.message and "both_legs" in problem.message and "none" in problem.message


def test_the_json_schema_says_exactly_what_leg_swelling_takes():
    schema = Intake.model_json_schema()["properties"]["leg_swelling"]
    kinds = {option.get("type"): option for option in schema["anyOf"]}
    assert kinds["string"]["enum"] == ["one_leg", "both_legs", "none"]
    assert set(kinds) == {"string", "boolean", "null"}
    assert "one_leg" in kinds["boolean"]["description"] and "none" in kinds["boolean"]["description"]


@pytest.mark.parametrize(("value", "why"), [(-1, "greater than or equal to 0"), (121, "less than or equal to 120"),
                                           (30.5, "integer"), (True, "number"), ("forty", "integer")], ids=repr)
def test_age_rejects(value, why):
    with pytest.raises(IntakeError) as caught:
        parse_intake({"age_years": value})
    [problem] = caught.value.problems
    assert problem.loc == "age_years" and why in problem.message


def test_age_accepts_its_whole_range():
    assert parse_intake({"age_years": 0}).age_years == 0
    assert parse_intake({"age_years": 120}).age_years == 120


def test_intake_is_immutable():
    intake = Intake(pregnant=True)
    with pytest.raises(ValueError):
        intake.pregnant = False  # type: ignore[misc]


def test_any_mapping_is_accepted_as_documented():
    from types import MappingProxyType

    assert parse_intake(MappingProxyType({"pregnant": True})) == Intake(pregnant=True)
    assert triage(MappingProxyType({"leg_swelling": True})).level.value == "urgent"  # type: ignore[arg-type]
