"""The safety invariants as properties over generated intakes (hypothesis): every result is
complete and cited, red flags set the level, escalation is monotone along each field's stated
direction, "don't know" is never less cautious than the benign answer, answers are
deterministic (in one process and across processes), and nothing names quinine or tonic water as
a remedy, in the result or in the text a person reads. Each check is also shown to fail."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramp_triage import Intake, Level, Location, Swelling, Triager, triage
from cramp_triage.intake import answer_type
from cramp_triage.pack.answer_space import known_values
from cramp_triage.tools.invariants import DIRECTIONS, benign, check_result, check_same, mentions_quinine
from cramp_triage.tools.wording import quinine_as_remedy
from cramp_triage.cli.render import render_text

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
YES_NO = [name for name in Intake.model_fields if answer_type(name) is bool]
MEDICINE_TEXTS = ["Lipitor 20 mg", "simvastatin", "ezetimibe", "Lasix", "spironolactone", "Ventolin inhaler",
                  "nifedipine", "naproxen", "paracetamol", "vitamin D", "tonic water", "quinine sulfate"]


def _answers() -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {name: st.none() | st.booleans() for name in YES_NO}
    fields["duration_minutes"] = st.none() | st.sampled_from([0, 9.5, 10, 10.5, 11, 60, 61]) | st.floats(0, 1440)
    fields["cramps_per_week"] = st.none() | st.sampled_from([3, 4, 5]) | st.integers(0, 500)
    fields["age_years"] = st.none() | st.sampled_from([15, 16, 64, 65]) | st.integers(0, 120)
    # JSON true/false are still read (as one_leg/none), so they are drawn too
    fields["leg_swelling"] = st.none() | st.sampled_from([s.value for s in Swelling]) | st.booleans()
    fields["locations"] = st.none() | st.lists(st.sampled_from([loc.value for loc in Location]), min_size=1,
                                               max_size=3, unique=True)
    fields["medications"] = st.none() | st.lists(st.sampled_from(MEDICINE_TEXTS) | st.text(min_size=1, max_size=20)
                                                 .filter(str.strip), min_size=1, max_size=4)
    return st.fixed_dictionaries({}, optional=fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


def test_every_field_has_a_stated_direction():
    assert set(DIRECTIONS) == set(Intake.model_fields)


@SETTINGS
@given(answers=_answers())
def test_every_result_meets_the_invariants(triager, pack, answers):
    result = triager.triage(answers)
    assert check_result(result, pack, answers) == []


@SETTINGS
@given(answers=_answers())
def test_engine_agrees_with_the_reference(triager, reference, answers):
    result = triager.triage(answers)
    expected = reference.evaluate(answers)
    assert {step.rule for step in result.trace} == expected.fired
    assert result.level.value == expected.level


def _escalated(name: str, value: Any, data: st.DataObject) -> Any:
    """One step up along the field's direction (None: no step possible from here)."""
    direction = DIRECTIONS[name]
    if isinstance(direction, tuple):  # answers least to most alarming
        current = {True: "one_leg", False: "none"}.get(value, value)
        higher = direction[direction.index(current) + 1:] if current in direction else direction
        return data.draw(st.sampled_from(higher)) if higher else None
    if direction == "lower":
        top = 120 if value is None else value - 1
        return None if top < 0 else data.draw(st.integers(0, top))
    if direction == "yes":
        return None if value is True else True
    if direction == "no":
        return None if value is False else False
    if direction == "higher":
        top = 1440 if name == "duration_minutes" else 500
        low = 0 if value is None else value
        if low >= top:
            return None
        if name == "cramps_per_week":
            return data.draw(st.integers(int(low) + (value is not None), top))
        return data.draw(st.floats(low, top).filter(lambda v: value is None or v > value))
    if direction == "more":
        pool = [loc.value for loc in Location] if name == "locations" else MEDICINE_TEXTS
        missing = [item for item in pool if item not in (value or [])]
        return None if not missing else [*(value or []), data.draw(st.sampled_from(missing))]
    return None


@SETTINGS
@given(answers=_answers(), name=st.sampled_from(sorted(n for n, d in DIRECTIONS.items() if d != "neutral")),
       data=st.data())
def test_escalating_an_answer_never_lowers_the_level(triager, answers, name, data):
    raised = _escalated(name, answers.get(name), data)
    if raised is None:
        return
    before = triager.triage(answers).level
    after = triager.triage({**answers, name: raised}).level
    assert after.rank >= before.rank, (name, answers.get(name), raised)


@SETTINGS
@given(answers=_answers(), data=st.data())
def test_unknown_is_never_less_cautious_than_the_benign_answer(triager, pack, answers, data):
    """For a field a red flag depends on, left unanswered, the level is at least the level with
    its benign answer (no, yes for "eases", the shortest duration, no swelling, ...)."""
    fields = [f for f in pack.red_flag_fields if f not in answers and f != "medications"]
    if not fields:
        return
    name = data.draw(st.sampled_from(fields))
    answer = benign(name, [None, *known_values(pack, name)])
    assert answer is not None, name
    unknown, settled = triager.triage(answers).level, triager.triage({**answers, name: answer}).level
    assert unknown.rank >= settled.rank, (name, answer, unknown, settled)


def test_the_benign_answer_follows_each_direction():
    assert benign("numbness", [None, True, False]) is False
    assert benign("eases_with_movement", [None, True, False]) is True
    assert benign("duration_minutes", [None, 9, 10, 11, 59, 60, 61]) == 9
    assert benign("leg_swelling", [None, "one_leg", "both_legs", "none"]) == "none"
    assert benign("medications", [None, ["a"]]) is None and benign("during_sleep", [None, True]) is None


@SETTINGS
@given(answers=_answers())
def test_an_emergency_finding_always_means_emergency(triager, answers):
    result = triager.triage(answers)
    if any(finding.emergency for finding in result.serious):
        assert result.level is Level.emergency
    if any(finding.level is Level.urgent for finding in result.serious):
        assert result.level.rank >= Level.urgent.rank


@SETTINGS
@given(answers=_answers())
def test_deterministic_in_one_process_cached_or_not(pack, triager, answers):
    with Triager(pack, cache_size=0) as fresh:
        results = [triager.triage(answers), triager.triage(answers), fresh.triage(answers), fresh.triage(answers),
                   triage(answers)]
    assert check_same(results) == []


@SETTINGS
@given(answers=_answers())
def test_nothing_a_person_reads_names_quinine_or_tonic_water(triager, pack, answers):
    result = triager.triage(answers)
    text = io.StringIO()
    render_text(result, file=text, color=False)
    # A medicine the person typed is echoed back as "not recognised": that is their words, not advice.
    shown = text.getvalue()
    for name in result.unrecognised_medications:
        shown = shown.replace(name, "")
    # Each paragraph or list item on its own: only the neutral review may name it.
    units = re.split(r"\n(?=  - )|\n\s*\n", shown)
    assert not [unit for unit in units if quinine_as_remedy(unit, pack)]
    taking = any(m.group == "quinine" for m in result.medications)
    named = [unit for unit in units if mentions_quinine(unit, pack)]
    assert len(named) <= (1 if taking else 0), named


_CHILD = """
import json, sys
from cramp_triage import triage
for line in sys.stdin:
    print(json.dumps(triage(json.loads(line)).model_dump(mode="json"), sort_keys=True))
"""


def test_deterministic_across_processes(triager):
    """Two fresh interpreters, with different hash seeds, give the answers this process gives."""
    intakes = [{}, {"leg_swelling": True, "breathless_or_chest_pain": True, "medications": ["Lasix", "Crestor"]},
               {"duration_minutes": 10, "locations": ["calf", "foot"], "during_sleep": True, "pregnant": True},
               {"duration_minutes": 11, "eases_with_movement": False, "nerve_symptoms": True, "poor_diet": True},
               {"cramps_per_week": 4, "kidney_disease": True, "diabetes": True, "medications": ["nifedipine"]}]
    expected = [json.dumps(triager.triage(i).model_dump(mode="json"), sort_keys=True) for i in intakes]
    stdin = "".join(json.dumps(i) + "\n" for i in intakes)
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", _CHILD], input=stdin, capture_output=True, text=True,
                             env=env, timeout=120, check=True).stdout.splitlines()
        assert out == expected


@pytest.mark.parametrize("answers", [{"persistent": True}, {"medications": ["quinine"]}])
def test_the_quinine_check_can_fail(triager, pack, answers):
    """The check itself: the FDA warning cited by id is allowed, advice naming it is not."""
    result = triager.triage(answers)
    assert check_result(result, pack, answers) == []
    advice = result.model_copy(update={"do_now": result.do_now + " Try tonic water."})
    assert check_result(advice, pack) == ["the result mentions quinine or tonic water at do_now"]


@pytest.mark.parametrize("why", [
    "You listed quinine. Ask them to review it; it helps cramps.",  # a remedy word beside the review
    "You listed quinine. Ask them to review it. Keep taking it until then.",  # carried by a pronoun
    "You listed quinine or tonic water; it does not help cramps.",  # no review asked for
    "Tonic water at night may ease cramps: ask for a review.",
])
def test_only_a_neutral_review_may_name_quinine(triager, pack, why):
    result = triager.triage({"medications": ["quinine"]})
    [review] = [r for r in result.see if "quinine" in r.why.lower()]
    assert check_result(result, pack) == []
    changed = [r.model_copy(update={"why": why}) if r is review else r for r in result.see]
    assert check_result(result.model_copy(update={"see": changed}), pack) == [
        f"the result mentions quinine or tonic water at see.{result.see.index(review)}.why"]
    # the same neutral words anywhere but a referral's reason are refused too
    moved = result.model_copy(update={"if_worse": result.if_worse + " " + review.why})
    assert check_result(moved, pack) == ["the result mentions quinine or tonic water at if_worse"]


def test_the_referral_and_wording_checks_can_fail(triager, pack):
    from cramp_triage.result import When

    urgent = triager.triage({"red_warm_skin": True})
    assert check_result(urgent, pack) == []
    late = [r.model_copy(update={"when": When.within_days}) for r in urgent.see]
    assert check_result(urgent.model_copy(update={"see": late}), pack) == [
        "level urgent but the most pressing referral is within_days"]
    numb = triager.triage({"numbness": True})
    assert any("most pressing referral is nobody" in p for p in check_result(numb.model_copy(update={"see": []}), pack))
    statin = triager.triage({"medications": ["Lipitor"]})
    said = statin.model_copy(update={"do_now": "You do not need to see anyone."})
    assert check_result(said, pack) == ["do_now says nobody needs to be seen, but `see` lists someone"]
    soon = [r.model_copy(update={"when": When.within_days}) for r in statin.see]
    assert check_result(statin.model_copy(update={"see": soon}), pack) == [
        "level self_care but the most pressing referral is within_days"]


def test_the_unanswered_and_safety_net_checks_can_fail(triager, pack):
    result = triager.triage({})
    assert check_result(result, pack, {}) == []
    calm = result.model_copy(update={"self_care": [*result.self_care, result.self_care[0].model_copy(
        update={"text": "Cramps like yours are usually harmless."})]})
    assert any("reassurance although" in p for p in check_result(calm, pack))
    dropped = result.model_copy(update={"unanswered_red_flags": result.unanswered_red_flags[1:]})
    assert any(p.startswith("unanswered_red_flags: missing ['breathless_or_chest_pain']")
               for p in check_result(dropped, pack, {}))
    short = result.model_copy(update={"if_worse": result.if_worse.replace("tetanus", "a cut")})
    assert check_result(short, pack) == ["if_worse does not name the sign of toxin_or_tetanus_risk"]


def test_the_fits_the_person_checks_can_fail(triager, pack):
    kidney = {"kidney_disease": True, "fluid_restriction": True}
    result = triager.triage(kidney)
    assert check_result(result, pack, kidney) == []
    more = result.model_copy(update={"self_care": [*result.self_care, result.self_care[0].model_copy(
        update={"text": "Drink more water."})]})
    assert check_result(more, pack, kidney) == ["self-care says to drink more or eat mineral-rich food despite a fluid limit"]
    older = {"age_years": 70, "pregnant": False}
    stepped = triager.triage(older)
    edge = stepped.model_copy(update={"self_care": [stepped.self_care[0].model_copy(
        update={"text": "Stand on a step with your heels hanging off."})]})
    assert check_result(edge, pack, older) == ["a stretch on the edge of a step for someone it may not be safe for"]


def test_the_serious_finding_checks_can_fail(triager, pack):
    result = triager.triage({"breathless_or_chest_pain": True, "leg_swelling": True})
    assert check_result(result, pack) == []
    lowered = result.model_copy(update={"level": Level.urgent})
    assert any("emergency finding" in p for p in check_result(lowered, pack))
    hidden = result.model_copy(update={"serious": result.serious[1:]})
    assert any("not among the serious findings" in p for p in check_result(hidden, pack))
    untraced = result.model_copy(update={"trace": [s for s in result.trace if s.rule != result.serious[0].rule]})
    assert any("is not in the trace" in p for p in check_result(untraced, pack))
    uncited = result.model_copy(update={"trace": [s.model_copy(update={"citations": []}) for s in result.trace]})
    assert any("has no citation" in p for p in check_result(uncited, pack))


def test_escalations_follow_each_direction():
    from cramp_triage.tools.invariants import escalations

    assert escalations("numbness", None, [None, True, False]) == [True]
    assert escalations("numbness", True, [None, True, False]) == []
    assert escalations("eases_with_movement", True, [None, True, False]) == [False]
    assert escalations("duration_minutes", None, [None, 9, 10, 11]) == [11]
    assert escalations("duration_minutes", 9, [None, 9, 10, 11]) == [10]
    assert escalations("medications", ["a"], [None, ["a"], ["b"], ["a", "b"]]) == [["a", "b"]]
    assert escalations("during_sleep", None, [None, True, False]) == []
