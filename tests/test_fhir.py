"""FHIR R4: the Questionnaire generated from the interview, and QuestionnaireResponses read back
into intakes. What we produce is validated with ``fhir.resources`` (its R4B models: R4B changed
nothing in Questionnaire or QuestionnaireResponse since R4), and the invariants those models do
not check (linkIds unique, enableWhen pointing at earlier items of the right type) are checked
here. The enableWhen conditions are checked against the interview itself."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given, settings
from hypothesis import strategies as st

import cramp_triage
from cramp_triage import Intake, IntakeError, Level, questionnaire
from cramp_triage.fhir_response import QUESTIONNAIRE_URL, code_system
from cramp_triage.interview import interview_for

ITEM_TYPES = {"boolean": "boolean", "number": "decimal", "integer": "integer", "choice": "choice", "text": "string"}
VALUE_KEY = {"boolean": "valueBoolean", "decimal": "valueDecimal", "integer": "valueInteger",
             "choice": "valueCoding", "string": "valueString"}


@pytest.fixture(scope="module")
def form(triager) -> dict[str, Any]:
    return questionnaire(triager)


def response(*items: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": QUESTIONNAIRE_URL,
            **header, "item": list(items)}


def test_the_questionnaire_is_valid_fhir(form):
    parsed = Questionnaire.model_validate(form)
    assert parsed.status == "active" and parsed.url == QUESTIONNAIRE_URL
    assert form["version"] == cramp_triage.RulePack.load(cramp_triage.default_rules_path()).version


def test_one_item_per_intake_field_in_the_interviews_order(form, triager):
    assert [item["linkId"] for item in form["item"]] == [q.field for q in interview_for(triager).questions]
    assert sorted(item["linkId"] for item in form["item"]) == sorted(Intake.model_fields)


def test_each_item_takes_the_intake_fields_answer_type_and_options(form):
    from cramp_triage.intake import answer_shapes

    for item in form["item"]:
        shape = answer_shapes()[item["linkId"]]
        assert item["type"] == ITEM_TYPES[shape.type]
        assert item["repeats"] is shape.repeats and item["required"] is False
        if shape.choices is not None:
            assert [o["valueCoding"]["code"] for o in item["answerOption"]] == list(shape.choices)
            assert {o["valueCoding"]["system"] for o in item["answerOption"]} == {code_system(item["linkId"])}
        else:
            assert "answerOption" not in item  # only choice items may have options (que-5)
        bounds = {ext["url"].rsplit("/", 1)[1]: ext for ext in item.get("extension", [])}
        if shape.minimum is not None:
            assert bounds["minValue"].get("valueDecimal", bounds["minValue"].get("valueInteger")) == shape.minimum
            assert bounds["maxValue"].get("valueDecimal", bounds["maxValue"].get("valueInteger")) == shape.maximum
        assert item.get("maxLength") == shape.max_length


def test_enable_when_points_back_at_earlier_items_of_the_right_type(form):
    types = {}
    for item in form["item"]:
        conditions = item.get("enableWhen", [])
        assert ("enableBehavior" in item) == (len(conditions) > 1)  # que-12
        for condition in conditions:
            assert condition["question"] in types, "a condition names an earlier item"
            answer_keys = [key for key in condition if key.startswith("answer")]
            assert answer_keys == [VALUE_KEY[types[condition["question"]]].replace("value", "answer")]
            assert condition["operator"] == "!="
        types[item["linkId"]] = item["type"]


def test_an_emergency_answer_disables_every_later_question(form, triager):
    assert triager.triage({"breathless_or_chest_pain": True}).level is Level.emergency
    first, *later = form["item"]
    assert first["linkId"] == "breathless_or_chest_pain" and "enableWhen" not in first
    for item in later:
        assert {"question": "breathless_or_chest_pain", "operator": "!=", "answerBoolean": True} in item["enableWhen"]


def _conditions(form: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(item["linkId"], c["question"], c.get("answerBoolean", c.get("answerCoding", {}).get("code")))
            for item in form["item"] for c in item.get("enableWhen", [])]


_YES_NO = [name for name, info in Intake.model_fields.items() if info.annotation == (bool | None)]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_disabled_item_is_one_the_interview_would_not_ask(form, triager, data):
    """Whatever else is known, once the condition's answer is given the interview would stop or
    skip the item: the form never hides a question the interview would ask."""
    guide = interview_for(triager)
    item, earlier, value = data.draw(st.sampled_from(_conditions(form)))
    others = data.draw(st.dictionaries(st.sampled_from([f for f in _YES_NO if f not in (item, earlier)]),
                                       st.booleans(), max_size=6))
    answers = {**others, earlier: value}
    stopped = guide.level(answers) == Level.emergency.value
    assert stopped or not guide.relevance.could_change(item, answers), (item, answers)


def test_a_full_response_reads_back_into_the_intake():
    qr = response(
        {"linkId": "duration_minutes", "answer": [{"valueDecimal": 2.5}]},
        {"linkId": "cramps_per_week", "answer": [{"valueInteger": 4}]},
        {"linkId": "locations", "answer": [{"valueCoding": {"system": code_system("locations"), "code": "calf"}},
                                           {"valueCoding": {"code": "foot"}}]},
        {"linkId": "medications", "answer": [{"valueString": "Lipitor 20 mg"}]},
        {"linkId": "pregnant", "answer": [{"valueBoolean": False}]},
        {"linkId": "numbness", "text": "Do your legs feel numb?"},  # asked, not known
        authored="2026-11-25T21:00:00Z", subject={"reference": "Patient/example"},
    )
    QuestionnaireResponse.model_validate(qr)
    intake = Intake.from_questionnaire_response(qr)
    assert intake == Intake(duration_minutes=2.5, cramps_per_week=4, locations=["calf", "foot"],
                            medications=["Lipitor 20 mg"], pregnant=False)
    assert intake.numbness is None


@pytest.mark.parametrize("status", ["completed", "in-progress", "amended", "stopped"])
def test_a_usable_status_is_read(status):
    assert Intake.from_questionnaire_response(response(status=status)) == Intake()


def test_the_questionnaire_may_be_named_with_its_version_or_left_out():
    assert Intake.from_questionnaire_response(response(questionnaire=f"{QUESTIONNAIRE_URL}|1.0.0")) == Intake()
    qr = response()
    del qr["questionnaire"]
    assert Intake.from_questionnaire_response(qr) == Intake()


@pytest.mark.parametrize(("qr", "loc", "words"), [
    (response(status="entered-in-error"), "status", "entered in error"),
    ({**response(), "status": None}, "status", "required"),
    (response(questionnaire="http://example.org/Questionnaire/other"), "questionnaire", QUESTIONNAIRE_URL),
    ({**response(), "resourceType": "Questionnaire"}, "resourceType", "QuestionnaireResponse"),
    (response({"linkId": "pregant", "answer": [{"valueBoolean": True}]}), "item.0.linkId", "'pregant'"),
    (response({"linkId": "pregnant", "answer": [{"valueString": "yes"}]}), "item.0.answer.0", "valueBoolean"),
    (response({"linkId": "pregnant", "answer": [{"valueBoolean": True}, {"valueBoolean": False}]}),
     "item.0.answer", "one answer"),
    (response({"linkId": "cramps_per_week", "answer": [{"valueDecimal": 4}]}), "item.0.answer.0", "valueInteger"),
    (response({"linkId": "locations", "answer": [{"valueCoding": {"system": "http://snomed.info/sct",
                                                                   "code": "calf"}}]}),
     "item.0.answer.0.valueCoding", code_system("locations")),
    (response({"linkId": "locations", "answer": [{"valueCoding": {"code": "calf"}}, {"valueCoding": {"code": "knee"}}]}),
     "item.0.answer.1", "locations: Input should be 'calf'"),
    (response({"linkId": "pregnant"}, {"linkId": "pregnant", "answer": [{"valueBoolean": True}]}),
     "item.1.linkId", "twice"),
    (response({"linkId": "pregnant", "item": [{"linkId": "x"}]}), "item.0.item", "nested"),
    (response({"linkId": "pregnant", "answer": [{"valueBoolean": True, "item": []}]}), "item.0.answer.0", "only"),
    (response({"linkId": "pregnant"}, {"linkId": "duration_minutes", "answer": [{"valueDecimal": 2000}]}),
     "item.1.answer.0", "duration_minutes: Input should be less than or equal to 1440"),
    ({**response(), "item": {"linkId": "pregnant"}}, "item", "list"),
    (response("pregnant"), "item.0", "linkId"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_a_faulty_response_is_an_error_naming_the_place(qr, loc, words):
    with pytest.raises(IntakeError) as caught:
        Intake.from_questionnaire_response(qr)
    assert [p.loc for p in caught.value.problems] == [loc]
    assert words in caught.value.problems[0].message


def test_every_fault_is_reported_at_once():
    qr = response({"linkId": "pregant"}, {"linkId": "numbness", "answer": [{"valueInteger": 1}]}, status="draft")
    with pytest.raises(IntakeError) as caught:
        Intake.from_questionnaire_response(qr)
    assert [p.loc for p in caught.value.problems] == ["status", "item.0.linkId", "item.1.answer.0"]


def test_not_an_object_is_an_error():
    with pytest.raises(IntakeError, match="expected a JSON object"):
        Intake.from_questionnaire_response([])  # type: ignore[arg-type]


def test_a_response_made_from_the_questionnaire_round_trips(form):
    """Answer every item of the generated form with its first option (or a plain value): the
    response is valid FHIR and gives the intake with those answers."""
    plain = {"boolean": True, "decimal": 2.5, "integer": 3, "string": "naproxen"}
    items, expected = [], {}
    for item in form["item"]:
        if item["type"] == "choice":
            value: Any = item["answerOption"][0]["valueCoding"]
            expected[item["linkId"]] = [value["code"]] if item["repeats"] else value["code"]
        else:
            value = plain[item["type"]]
            expected[item["linkId"]] = [value] if item["repeats"] else value
        items.append({"linkId": item["linkId"], "answer": [{VALUE_KEY[item["type"]]: value}]})
    qr = response(*items)
    QuestionnaireResponse.model_validate(qr)
    assert Intake.from_questionnaire_response(qr).answered() == expected
