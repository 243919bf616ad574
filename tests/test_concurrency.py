"""Stress: ``triage()`` called from 8 threads at once; every result is checked against the
single-threaded answer for the same intake (computed by a separate, uncached ``Triager``).

The intakes are nearly all distinct so the firing cache in front of the engine cannot stand in
for it; a second test shares one uncached ``Triager`` so every call runs the engine."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from cramp_triage import Triager, TriageResult, default_triager, triage

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


def _hammer(call: Callable[[dict[str, Any]], TriageResult], work: list[list[int]],
            intakes: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Run ``work[i]`` (intake indexes) in thread i, all starting together; check every result."""
    start = threading.Barrier(len(work))
    failures: list[str] = []
    checked = [0] * len(work)

    def worker(index: int) -> None:
        try:
            start.wait()
            for which in work[index]:
                got = call(intakes[which]).model_dump(mode="json")
                if got != expected[which]:
                    failures.append(f"thread {index}: intake {intakes[which]} gave a different result")
                checked[index] += 1
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(f"thread {index}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert failures == []
    assert checked == [len(items) for items in work]


def _single_threaded(pack, intakes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A separate Triager without a cache: the answers do not come from the one under test.
    with Triager(pack, cache_size=0) as alone:
        return [alone.triage(answers).model_dump(mode="json") for answers in intakes]


def test_eight_threads_calling_triage_get_the_single_threaded_answers(pack):
    # Distinct intakes for (almost) every call, so the default Triager's cache of firings
    # cannot answer for the engine: the threads really meet at the engine.
    intakes = _intakes(THREADS * CALLS_PER_THREAD)
    expected = _single_threaded(pack, intakes)
    assert {result["level"] for result in expected} == {"self_care", "see_professional", "urgent", "emergency"}
    work = [list(range(i, len(intakes), THREADS)) for i in range(THREADS)]
    default_triager().clear_cache()
    _hammer(triage, work, intakes, expected)
    # nothing is left in the engine afterwards
    assert default_triager()._engine.facts_left() == []


def test_eight_threads_repeating_intakes_on_one_uncached_triager(pack):
    intakes = _intakes(60)
    expected = _single_threaded(pack, intakes)
    work = [[random.Random(i).randrange(len(intakes)) for _ in range(CALLS_PER_THREAD)] for i in range(THREADS)]
    with Triager(pack, cache_size=0) as shared:
        _hammer(shared.triage, work, intakes, expected)
        assert shared._engine.facts_left() == []


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
