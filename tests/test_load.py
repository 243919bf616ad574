"""Concurrency: 16 threads share one default ``Triager``, one uncached ``Triager``, or several;
every result must equal the single-threaded answer. CI runs a reduced number of calls per thread;
``CRAMP_LOAD_CALLS=5000 pytest tests/test_load.py`` runs the full 16 x 5000 of the issue."""

from __future__ import annotations

import os
import random
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cramp_triage import Intake, Location, Triager, triage
from cramp_triage.intake import answer_type

THREADS = 16
CALLS = int(os.environ.get("CRAMP_LOAD_CALLS", "150"))  # per thread; the full run is 5000
MEDICINES = ["Lipitor 20 mg", "ezetimibe", "Lasix", "spironolactone", "Ventolin", "nifedipine", "paracetamol"]


def _intakes(count: int = 400, seed: int = 16) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    # yes/no answers, and leg_swelling, which still reads an old true/false
    yes_no = [name for name in Intake.model_fields if answer_type(name) is bool] + ["leg_swelling"]
    intakes = []
    for _ in range(count):
        answers: dict[str, Any] = {name: rng.random() < 0.5 for name in rng.sample(yes_no, rng.randint(0, 6))}
        if rng.random() < 0.6:
            answers["duration_minutes"] = rng.choice([0.5, 3, 9.5, 10, 10.5, 11, 30, 1e-05])
        if rng.random() < 0.4:
            answers["cramps_per_week"] = rng.choice([0, 3, 4, 5, 20])
        if rng.random() < 0.5:
            answers["locations"] = rng.sample([loc.value for loc in Location], rng.randint(1, 3))
        if rng.random() < 0.4:
            answers["medications"] = rng.sample(MEDICINES, rng.randint(1, 3))
        intakes.append(answers)
    return intakes


INTAKES = _intakes()


@pytest.fixture(scope="module")
def expected(pack) -> list[dict[str, Any]]:
    with Triager(pack, cache_size=0) as alone:
        return [alone.triage(answers).model_dump(mode="json") for answers in INTAKES]


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Switch threads as often as Python allows, so calls interleave as much as they can."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def _hammer(call_for: Callable[[int], Callable[[dict[str, Any]], Any]], expected: list[dict[str, Any]]) -> list[str]:
    """Run ``THREADS`` threads of ``CALLS`` calls each; return every mismatch or error."""
    problems: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        call = call_for(number)
        rng = random.Random(number)
        start.wait()
        for _ in range(CALLS):
            index = rng.randrange(len(INTAKES))
            try:
                got = call(INTAKES[index]).model_dump(mode="json")
            except Exception as error:  # noqa: BLE001 - a failure is what we are looking for
                with lock:
                    problems.append(f"thread {number}: {INTAKES[index]}: {type(error).__name__}: {error}")
                continue
            if got != expected[index]:
                with lock:
                    problems.append(f"thread {number}: {INTAKES[index]} gave a different result")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return problems


def test_one_default_triager_shared_by_16_threads(expected, busy_switching):
    assert _hammer(lambda _: triage, expected) == []


def test_one_uncached_triager_shared_by_16_threads(pack, expected, busy_switching):
    with Triager(pack, cache_size=0) as shared:
        assert _hammer(lambda _: shared.triage, expected) == []


def test_several_triagers_shared_by_16_threads(pack, expected, busy_switching):
    triagers = [Triager(pack, cache_size=size) for size in (0, 0, 64, 4096)]
    try:
        assert _hammer(lambda number: triagers[number % len(triagers)].triage, expected) == []
    finally:
        for triager in triagers:
            triager.close()


def test_a_triager_per_thread(pack, expected, busy_switching):
    triagers = [Triager(pack, cache_size=0) for _ in range(THREADS)]
    try:
        assert _hammer(lambda number: triagers[number].triage, expected) == []
    finally:
        for triager in triagers:
            triager.close()


# --- faults ----------------------------------------------------------------------------------------
# A rule action cannot be made to fail by pack data alone: actions are the engine module's own
# code, run on conclusions the loader has already checked (tests/test_engine.py forces a failure
# inside an action and checks the error names the rule and the Triager recovers). A broken custom
# pack *can* leave an answer without a level; that error must not poison the Triager either.


def test_a_broken_pack_error_leaves_the_triager_working(tmp_path, busy_switching):
    from cli_helpers import copy_pack
    from cramp_triage import EngineError
    from cramp_triage.yamlfile import read_yaml
    import yaml

    pack_dir = copy_pack(tmp_path)
    levels = read_yaml(pack_dir / "levels.yaml")
    levels["rules"] = [rule for rule in levels["rules"] if rule["id"] != "LV-SELF-CARE"]  # no floor level
    (pack_dir / "levels.yaml").write_text(yaml.safe_dump(levels), encoding="utf-8")
    with Triager(pack_dir, cache_size=0) as broken:
        for _ in range(3):
            with pytest.raises(EngineError) as caught:
                broken.triage({"pregnant": True})
            assert "no level" in str(caught.value)
            assert broken.triage({"numbness": True}).level.value == "see_professional"
            assert broken.triage({"breathless_or_chest_pain": True}).level.value == "emergency"
