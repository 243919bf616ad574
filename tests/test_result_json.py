"""The stable JSON shape of a result: it round-trips, has exactly the documented keys, and its
exported JSON Schema validates real results (and the intake schema validates real intakes)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import cramp_triage
from cramp_triage import Intake, Level, TriageResult, triage

API_DOCS = Path(__file__).parents[1] / "docs" / "api.md"

# The result's top-level keys, as docs/api.md's "The result" section documents them.
DOCUMENTED_KEYS = {
    "level", "level_label", "do_now", "if_worse", "serious", "unanswered_red_flags", "causes", "see", "self_care",
    "trace", "medications", "unrecognised_medications", "medicine_hints", "suggestions", "disclaimer", "region", "rule_pack",
    "library",
}

SAMPLES: list[dict[str, Any]] = [
    {},
    {"duration_minutes": 2, "locations": ["calf"], "during_sleep": True, "medications": ["Lipitor 20 mg", "foo"]},
    {"leg_swelling": True, "breathless_or_chest_pain": True, "pregnant": True},
    {"nerve_symptoms": True, "persistent": True, "liver_disease": True, "medications": ["ezetimibe/simvastatin"]},
    {"duration_minutes": 15.5, "eases_with_movement": False, "kidney_disease": True, "cramps_per_week": 9},
    {"age_years": 12, "leg_swelling": "both_legs", "medications": ["quinine"], "muscle_pain": True},
]


@pytest.fixture(scope="module", params=range(len(SAMPLES)), ids=lambda i: f"sample{i}")
def result(request) -> TriageResult:
    return triage(SAMPLES[request.param])


def test_json_round_trips(result):
    data = result.model_dump(mode="json")
    text = json.dumps(data)  # plain JSON values only
    again = TriageResult.model_validate(json.loads(text))
    assert again == result
    assert again.model_dump(mode="json") == data
    assert TriageResult.model_validate_json(result.model_dump_json()) == result


def test_top_level_keys_are_exactly_the_documented_ones(result):
    assert set(result.model_dump(mode="json")) == DOCUMENTED_KEYS


def test_the_api_docs_document_every_top_level_key():
    text = API_DOCS.read_text(encoding="utf-8")
    section = re.search(r"^## The result\n(.*?)(?=^#|\Z)", text, re.S | re.M)
    assert section, "docs/api.md has a 'The result' section"
    named = set(re.findall(r"`([a-z_]+)`", section.group(1)))
    assert DOCUMENTED_KEYS <= named


def test_shape_of_the_parts(result):
    data = result.model_dump(mode="json")
    assert data["level"] in [level.value for level in Level]
    assert set(data["rule_pack"]) == {"name", "version"}
    assert data["library"] == {"name": "cramp-triage", "version": cramp_triage.__version__}
    for item in data["serious"]:
        assert set(item) == {"id", "label", "level", "emergency", "rule"}
    for cause in data["causes"]:
        assert set(cause) == {"category", "type", "label", "explanation", "evidence", "rule"}
        assert cause["type"] in ("idiopathic", "secondary")
    for referral in data["see"]:
        assert set(referral) == {"id", "who", "why", "when", "rule"}
        assert referral["when"] in ("now", "today", "within_days", "routine")
    assert all(isinstance(name, str) and name in Intake.model_fields for name in data["unanswered_red_flags"])
    for step in data["self_care"]:
        assert set(step) == {"id", "text", "rule"}
    for step in data["trace"]:
        assert set(step) == {"rule", "title", "layer", "matched", "concluded", "citations"}
        assert step["citations"], "every rule is cited"
        for citation in step["citations"]:
            assert set(citation) == {"source", "section", "url"}
            assert citation["url"] is None or citation["url"].startswith("https://")
        for fact in step["matched"] + step["concluded"]:
            assert "fact" in fact and "sid" not in fact and "t" not in fact
    for match in data["medications"]:
        assert set(match) == {"given", "name", "drug_class", "group", "label", "atc", "classes", "match", "typed",
                              "read_as", "current", "suggests"}
    for hint in data["medicine_hints"]:
        assert set(hint) == {"given", "hint"}
    for suggestion in data["suggestions"]:
        assert set(suggestion) == {"field", "text", "medicines"}
    assert all(isinstance(name, str) for name in data["unrecognised_medications"])


def test_every_rule_named_in_a_result_is_in_the_trace(result):
    fired = {step.rule for step in result.trace}
    for part in (result.serious, result.causes, result.see, result.self_care):
        for item in part:
            assert item.rule in fired


def test_result_schema_validates_real_results(result):
    schema = TriageResult.model_json_schema(mode="serialization")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(result.model_dump(mode="json"), schema, cls=jsonschema.Draft202012Validator)


def test_result_schema_rejects_a_broken_result():
    schema = TriageResult.model_json_schema(mode="serialization")
    data = triage({}).model_dump(mode="json")
    for broken in ({**data, "level": "relax"}, {k: v for k, v in data.items() if k != "disclaimer"},
                   {**data, "extra": 1}, {**data, "causes": [{"category": "idiopathic"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


def test_intake_schema_validates_good_and_refuses_bad_intakes():
    schema = Intake.model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for answers in SAMPLES:
        jsonschema.validate(answers, schema, cls=jsonschema.Draft202012Validator)
    for bad in ({"duration_minutes": 1441}, {"locations": ["knee"]}, {"pregant": True},
                {"cramps_per_week": -1}, {"medications": [""]}, {"pregnant": "perhaps"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)


def test_intake_schema_names_every_field_with_a_description():
    properties = Intake.model_json_schema()["properties"]
    assert set(properties) == set(Intake.model_fields)
    for name, spec in properties.items():
        assert spec.get("description"), name
