"""Stress: ``triage()`` called from 8 threads at once; every result is checked against the
single-threaded answer for the same intake."""

from __future__ import annotations

import random
import threading
from typing import Any

from cramp_triage import default_triager, triage
from cramp_triage.compile import RULESET
from cramp_triage.engine import _SID

THREADS = 8
CALLS_PER_THREAD = 300

MEDICINES = ["Lipitor 20 mg", "Lasix", "Ventolin inhaler", "nifedipine", "ezetimibe/simvastatin", "paracetamol",
             "Aldactone", "unknown pill"]
YES_NO = ["eases_with_movement", "during_sleep", "sleep_disrupted", "persistent", "pregnant", "liver_disease",
          "kidney_disease", "underactive_thyroid", "diabetes", "low_fluid_intake", "intense_exercise", "poor_diet",
          "nerve_symptoms", "numbness", "muscle_weakness", "leg_swelling", "red_warm_skin",
          "breathless_or_chest_pain", "pain_when_walking", "toxin_or_wound_exposure"]


def _intakes(count: int, seed: int = 20261125) -> list[dict[str, Any]]:
    """A fixed, varied set: from no answers to many, with every red flag and cause appearing."""
    rng = random.Random(seed)
    intakes: list[dict[str, Any]] = [{}, {"breathless_or_chest_pain": True}, {"leg_swelling": True, "pregnant": True},
                                     {"nerve_symptoms": True}, {"duration_minutes": 2, "locations": ["calf"],
                                                                "during_sleep": True}]
    while len(intakes) < count:
        answers: dict[str, Any] = {}
        for field in rng.sample(YES_NO, rng.randint(0, 6)):
            # rare red flags stay rare, so most intakes are not urgent
            answers[field] = rng.random() < 0.4
        if rng.random() < 0.7:
            answers["duration_minutes"] = rng.choice([0.5, 2, 10, 10.5, 11, 30])
        if rng.random() < 0.5:
            answers["locations"] = rng.sample(["calf", "foot", "thigh"], rng.randint(1, 3))
        if rng.random() < 0.4:
            answers["cramps_per_week"] = rng.randint(0, 10)
        if rng.random() < 0.4:
            answers["medications"] = rng.sample(MEDICINES, rng.randint(1, 3))
        intakes.append(answers)
    return intakes


def test_eight_threads_get_the_single_threaded_answers():
    intakes = _intakes(60)
    expected = [triage(answers).model_dump(mode="json") for answers in intakes]
    levels = {result["level"] for result in expected}
    assert levels == {"self_care", "see_professional", "urgent", "emergency"}, "the set exercises every level"

    start = threading.Barrier(THREADS)
    failures: list[str] = []
    checked = [0] * THREADS

    def worker(index: int) -> None:
        rng = random.Random(index)
        try:
            start.wait()
            for _ in range(CALLS_PER_THREAD):
                which = rng.randrange(len(intakes))
                got = triage(intakes[which]).model_dump(mode="json")
                if got != expected[which]:
                    failures.append(f"thread {index}: intake {intakes[which]} gave a different result")
                checked[index] += 1
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(f"thread {index}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert failures == []
    assert checked == [CALLS_PER_THREAD] * THREADS
    # nothing is left in the engine afterwards
    assert default_triager()._engine().get_facts(RULESET, _SID) == []


def test_the_default_triager_is_built_once_even_when_first_used_from_many_threads(monkeypatch):
    from cramp_triage import api

    monkeypatch.setattr(api, "_default", None)  # as in a fresh process
    seen: list[int] = []
    start = threading.Barrier(THREADS)

    def worker() -> None:
        start.wait()
        seen.append(id(default_triager()))

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(seen) == THREADS
    assert len(set(seen)) == 1
    assert seen[0] == id(api._default)
    api._default.close()
