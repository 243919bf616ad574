"""JSON in is strict: the library takes exactly what the published intake schema allows, no more,
no less. Checked with jsonschema over documents generated from the schema (all valid) and over
arbitrary JSON shaped like an intake (mostly invalid), plus the cases the issue named."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

import cramp_triage
from cramp_triage import Intake, IntakeError, parse_intake, parse_intake_json
from cramp_triage.schemas import intake_schema, result_schema

SCHEMA = intake_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
FIELDS = list(Intake.model_fields)


def _accepted(document: Any) -> bool:
    try:
        parse_intake_json(json.dumps(document, allow_nan=False))
    except IntakeError:
        return False
    return True


def test_the_published_schemas_carry_dialect_id_and_version():
    for name, schema in (("intake", SCHEMA), ("result", result_schema())):
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:cramp-triage:schema:{name}:{cramp_triage.__version__}"
        assert schema["version"] == cramp_triage.__version__


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_schema(SCHEMA))
def test_every_document_the_schema_allows_is_accepted(document):
    assert _accepted(document), document


# Arbitrary JSON values, weighted towards the near misses: text that looks like a yes/no or a
# number, numbers at and past the bounds, whole numbers written as decimals, blank names.
_SCALARS = (
    st.none() | st.booleans()
    | st.integers(min_value=-3, max_value=1500) | st.sampled_from([0, 1, 4.0, 4.5, 500, 501, 1440, 1440.5, 1e300])
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=2000)
    | st.sampled_from(["yes", "no", "true", "1", "5", "calf", "knee", "Lipitor", " ", "", "\u3000", "\x1c",
                       " Lipitor ", "\u00a0x", "x" * 200, "x" * 201, " " + "x" * 200])
    | st.text(max_size=8)
)
_VALUES = _SCALARS | st.lists(_SCALARS, max_size=4) | st.dictionaries(st.text(max_size=3), _SCALARS, max_size=2)
# A valid document with one answer replaced by any value: only that answer decides.
_ONE_CHANGED = st.builds(lambda document, field, value: {**document, field: value},
                         from_schema(SCHEMA), st.sampled_from(FIELDS), _VALUES)
_DOCUMENTS = (
    _ONE_CHANGED
    | st.dictionaries(st.sampled_from(FIELDS + ["pregant", "resourceType"]), _VALUES, max_size=5)
    | st.lists(_SCALARS, max_size=2) | _SCALARS
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS)
def test_the_library_accepts_a_document_exactly_when_the_schema_does(document):
    assert _accepted(document) == VALIDATOR.is_valid(document), document


@pytest.mark.parametrize("document", [
    {"pregnant": "yes"}, {"pregnant": 1}, {"pregnant": "true"}, {"duration_minutes": "5"},
    {"cramps_per_week": "4"}, {"cramps_per_week": 4.5}, {"duration_minutes": True},
    {"locations": "calf"}, {"locations": ["Calf"]}, {"medications": ["  "]}, {"medications": ["\u3000"]},
    {"medications": [""]}, {"medications": ["x" * 201]}, {"pregant": True},
], ids=repr)
def test_the_issue_cases_are_refused_by_both(document):
    assert not VALIDATOR.is_valid(document)
    with pytest.raises(IntakeError) as caught:
        parse_intake(document)
    field = next(iter(document))
    assert [p.loc.split(".")[0] for p in caught.value.problems] == [field]


@pytest.mark.parametrize("document", [
    {"cramps_per_week": 4.0}, {"duration_minutes": 5}, {"medications": [" Lipitor "]}, {"locations": []},
    {"medications": ["\u00a0x"]}, {}, {"pregnant": None},
], ids=repr)
def test_near_misses_the_schema_allows_are_accepted_by_both(document):
    assert VALIDATOR.is_valid(document)
    parse_intake(document)


def test_a_medicine_name_is_checked_as_given_and_kept_trimmed():
    assert parse_intake({"medications": [" Lipitor 20 mg "]}).medications == ["Lipitor 20 mg"]
    with pytest.raises(IntakeError, match="medications.0: a medicine name cannot be only spaces"):
        parse_intake({"medications": [" \t"]})


def test_whole_numbers_written_as_decimals_are_whole_numbers():
    assert parse_intake_json('{"cramps_per_week": 4.0}').cramps_per_week == 4
    assert parse_intake_json('{"cramps_per_week": 4e0}').cramps_per_week == 4


@pytest.mark.parametrize(("text", "field", "message"), [
    ('{"duration_minutes": NaN}', "duration_minutes", "NaN is not a JSON number"),
    ('{"duration_minutes": -Infinity}', "duration_minutes", "-Infinity is not a JSON number"),
    ('{"pregnant": true, "pregnant": false}', "pregnant", "given twice; give each key once"),
])
def test_what_python_reads_but_json_is_not_is_refused(text, field, message):
    with pytest.raises(IntakeError) as caught:
        parse_intake_json(text)
    assert [(p.loc, p.message) for p in caught.value.problems] == [(field, message)]


def test_the_python_constructor_is_as_strict_as_json():
    for answers in ({"pregnant": "yes"}, {"duration_minutes": "5"}, {"pregnant": 1}):
        with pytest.raises(ValueError):
            Intake(**answers)
    assert Intake(locations=["calf"], duration_minutes=5).duration_minutes == 5.0
    assert Intake(locations=[cramp_triage.Location.calf]).locations == ["calf"]


def test_text_answers_have_their_own_door():
    from cramp_triage.intake import parse_intake_text

    intake = parse_intake_text({"pregnant": "yes", "duration_minutes": "2.5", "cramps_per_week": "4"})
    assert (intake.pregnant, intake.duration_minutes, intake.cramps_per_week) == (True, 2.5, 4)
    with pytest.raises(IntakeError, match="pregnant"):
        parse_intake_text({"pregnant": "perhaps"})


def test_location_names_and_the_enum_agree():
    from typing import get_args

    from cramp_triage.intake import LocationName

    assert list(get_args(LocationName)) == [location.value for location in cramp_triage.Location]
