"""The engine boundary: durable-rules hazards are guarded, failures surface as our errors."""

from __future__ import annotations

import threading

import pytest
from conftest import fail_on_conclusion

from cramp_triage import EngineError, Intake, Level, Triager
from cramp_triage.engine.compile import SALIENCE


def test_creating_and_using_a_triager_starts_no_thread(pack):
    before = threading.active_count()
    with Triager(pack) as triager:
        triager.triage({"duration_minutes": 2})
        assert threading.active_count() == before


def test_state_is_empty_after_each_evaluation(triager):
    for answers in ({"leg_swelling": True, "pregnant": True}, {"nerve_symptoms": True}, {}):
        triager.triage(answers)
        assert triager._engine.facts_left() == []


def test_forward_chain_runs_in_layers(triager):
    result = triager.triage({"medications": ["furosemide"], "duration_minutes": 3, "locations": ["foot"]})
    layers = [step.layer for step in result.trace]
    fired = [step.rule for step in result.trace]
    # observation -> risk factor -> cause -> advice, each reading the previous layer's facts
    assert fired.index("RK-DIURETIC") < fired.index("CA-MEDICATION") < fired.index("AD-MEDICINE-REVIEW")
    assert {"finding", "cause", "level", "advice"} <= set(layers)
    assert set(layers) <= set(SALIENCE)


def test_red_flags_set_the_level_before_any_advice(triager):
    # Pack 1.0 set the level before any cause was named; pack 2.0's combined red flags (read
    # from other findings) run a stratum later, so the level now waits for them and may come
    # after a cause in the trace. Advice, which depends on the level, still waits for it.
    result = triager.triage({"leg_swelling": True, "pregnant": True})
    fired = [step.rule for step in result.trace]
    assert fired.index("RF-DVT") < fired.index("RF-SWELLING-PREGNANCY") < fired.index("LV-URGENT")
    assert fired.index("LV-URGENT") < fired.index("AD-SEE-URGENT")


def test_negation_waits_for_everything_it_negates(triager):
    # CA-IDIOPATHIC says "no other cause"; the medication cause is concluded two layers later
    # than the intake, so a naive `not` would fire before it exists.
    result = triager.triage({"medications": ["simvastatin"]})
    assert [c.category for c in result.causes] == ["medication"]
    assert "CA-IDIOPATHIC" not in [s.rule for s in result.trace]


def test_repeated_evaluations_give_the_same_answer(triager):
    answers = {"leg_swelling": True, "breathless_or_chest_pain": True, "medications": ["Lasix"]}
    first = triager.triage(answers).model_dump()
    for _ in range(20):
        assert triager.triage(answers).model_dump() == first


def test_a_failing_action_raises_engine_error_naming_the_rule_and_the_triager_recovers(pack, monkeypatch):
    triager = Triager(pack)
    fail_on_conclusion(monkeypatch, "possible_dvt")
    with pytest.raises(EngineError) as caught:
        triager.triage({"leg_swelling": True})
    assert caught.value.rule == "RF-DVT"
    assert "boom" in str(caught.value)
    monkeypatch.undo()
    assert triager.triage({"leg_swelling": True}).level is Level.urgent
    assert triager._engine.facts_left() == []


def test_many_triagers_can_live_side_by_side(pack):
    triagers = [Triager(pack) for _ in range(5)]
    levels = [t.triage({"numbness": True}).level for t in triagers]
    assert levels == [Level.see_professional] * 5
    for t in triagers:
        t.close()
    with pytest.raises(EngineError):
        triagers[0].triage({})


def test_engine_agrees_with_reference_on_examples(triager, reference):
    samples = [
        {},
        {"leg_swelling": True, "breathless_or_chest_pain": True},
        {"duration_minutes": 11, "eases_with_movement": False},
        {"duration_minutes": 10, "locations": ["thigh"], "pregnant": True, "poor_diet": True},
        {"nerve_symptoms": True, "medications": ["Crestor", "Ventolin inhaler"]},
        {"diabetes": True, "kidney_disease": True, "cramps_per_week": 4},
    ]
    for answers in samples:
        result = triager.triage(Intake(**answers))
        expected = reference.evaluate(answers)
        assert {s.rule for s in result.trace} == expected.fired, answers
        assert result.level.value == expected.level, answers


def test_examples_run(capsys):
    import runpy
    from pathlib import Path

    runpy.run_path(str(Path(__file__).parents[1] / "examples" / "python_api.py"))
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "self_care"
    assert out[1] == "['pregnancy']"
