"""The caches in front of the engine (finished results, and firings): they change no result,
stay bounded, leak nothing, and no caller can change what the next one gets."""

from __future__ import annotations

import copy
import pickle
import threading

import pytest
from conftest import fail_on_conclusion
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramp_triage import EngineError, Intake, Level, Triager

YES_NO_FIELDS = [name for name, info in Intake.model_fields.items() if info.annotation == (bool | None)]
MEDICINE_TEXTS = ["Lipitor 20 mg", "atorvastatin", "Lasix", "furosemide 40mg", "Ventolin inhaler",
                  "paracetamol", "aspirin", "naproxen", "Zocor"]

intakes = st.fixed_dictionaries(
    {},
    optional={
        **{name: st.booleans() for name in YES_NO_FIELDS},
        "duration_minutes": st.sampled_from([0, 0.5, 1, 2, 9.5, 10, 10.5, 30, 1440]),
        "cramps_per_week": st.integers(0, 30),
        "locations": st.lists(st.sampled_from(["calf", "foot", "thigh"]), min_size=1, max_size=3),
        "medications": st.lists(st.sampled_from(MEDICINE_TEXTS), max_size=4),
    },
)


@pytest.fixture(scope="module")
def uncached(pack):
    with Triager(pack, cache_size=0) as triager:
        yield triager


@pytest.fixture(scope="module")
def small_cache(pack):
    # Small, so that evictions happen during the property test as well as hits.
    with Triager(pack, cache_size=16) as triager:
        yield triager


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=intakes)
def test_cached_results_equal_uncached_results(answers, uncached, small_cache):
    expected = uncached.triage(answers).model_dump()
    assert small_cache.triage(answers).model_dump() == expected  # a miss, or a hit from earlier
    assert small_cache.triage(answers).model_dump() == expected  # now surely a hit


def test_words_as_typed_are_never_taken_from_the_cache(pack):
    """Paracetamol and aspirin are known medicines with no cramp link since vocabulary v2, so
    the names nothing reads are two herbal teas."""
    triager = Triager(pack)
    first = triager.triage({"medications": ["Lipitor 20 mg", "chamomile tea"]})
    hits = triager.cache_info["hits"]
    # Same engine facts (atorvastatin, one name that could not be checked), different words.
    second = triager.triage({"medications": ["atorvastatin", "nettle tea"]})
    assert triager.cache_info["hits"] == hits + 1
    assert [m.given for m in first.medications] == ["Lipitor 20 mg"]
    assert [m.given for m in second.medications] == ["atorvastatin"]
    assert first.unrecognised_medications == ["chamomile tea"]
    assert second.unrecognised_medications == ["nettle tea"]
    assert first.trace == second.trace


def test_the_order_of_medicines_is_part_of_the_key(pack, uncached):
    triager = Triager(pack)
    for medicines in (["Lipitor", "Lasix"], ["Lasix", "Lipitor"], ["Lipitor", "Lasix"]):
        answers = {"medications": medicines}
        assert triager.triage(answers).model_dump() == uncached.triage(answers).model_dump()
    assert triager.cache_info["entries"] == 2


def test_yes_and_one_are_different_keys(pack):
    # True == 1 in Python; the key is the engine's JSON text, where they differ.
    triager = Triager(pack)
    triager.triage({"cramps_per_week": 1})
    triager.triage({"duration_minutes": 1})
    triager.triage({"duration_minutes": 1.0})
    assert triager.cache_info["hits"] == 1


def test_the_cache_is_bounded_and_forgets_the_oldest(pack):
    triager = Triager(pack, cache_size=3)
    for minutes in range(1, 11):
        triager.triage({"duration_minutes": minutes})
    info = triager.cache_info
    assert (info["entries"], info["hits"], info["misses"]) == (3, 0, 10)
    triager.triage({"duration_minutes": 10})  # recent: kept
    triager.triage({"duration_minutes": 1})  # oldest: gone
    assert (triager.cache_info["hits"], triager.cache_info["misses"]) == (1, 11)
    assert (triager.cache_info["results"], triager.cache_info["result_hits"]) == (3, 1)


def test_cache_size_zero_turns_it_off(pack):
    triager = Triager(pack, cache_size=0)
    for _ in range(3):
        assert triager.triage({"leg_swelling": True}).level is Level.urgent
    assert triager.cache_info == {"size": 0, "entries": 0, "results": 0, "hits": 0, "misses": 0, "result_hits": 0}
    with pytest.raises(ValueError, match="cache_size"):
        Triager(pack, cache_size=-1)


def test_changing_a_result_does_not_change_the_next_one(pack):
    triager = Triager(pack)
    answers = {"locations": ["calf"], "duration_minutes": 2, "during_sleep": True, "medications": ["Lipitor"]}
    first = triager.triage(answers)
    expected = first.model_dump()
    changes = [
        lambda: first.trace[0].matched[0].setdefault("locations", []),
        lambda: first.trace[0].matched[0].update(fact="x"),
        lambda: first.trace[0].matched.append({}),
        lambda: first.trace[-1].concluded.clear(),
        lambda: first.causes.append(first.causes[0]),
        lambda: first.see.sort(),
        lambda: first.unanswered_red_flags.extend(["pregnant"]),
        lambda: first.causes[0].evidence.__setitem__(0, "changed"),
        lambda: first.medications[0].classes.pop(),
        lambda: first.trace.__iadd__(first.trace),
    ]
    for change in changes:
        with pytest.raises(TypeError, match="cannot be changed"):
            change()
    evaluation = triager.evaluate(answers)
    evaluation.firings[0].matched.clear()  # the raw firings are the caller's own copy
    again = triager.triage(answers)
    assert again is first  # the same result, not rebuilt
    assert again.model_dump() == expected
    assert triager.cache_info["result_hits"] == 1


def test_a_frozen_result_copies_into_plain_data(pack, uncached):
    answers = {"duration_minutes": 12, "locations": ["calf", "foot"]}
    result = Triager(pack).triage(answers)
    expected = uncached.triage(answers)
    dumped = result.model_dump()
    dumped["trace"][0]["matched"].append({})  # model_dump() is the caller's to change
    deep = result.model_copy(deep=True)
    deep.trace[0].matched.append({})
    copy.deepcopy(result).trace[0].matched.append({})
    assert pickle.loads(pickle.dumps(result)) == result
    assert result == expected and result.model_dump_json() == expected.model_dump_json()


def test_a_result_hit_is_the_same_words_only(pack, uncached):
    """The words typed are part of the result key: another wording of the same medicines is a
    result miss (its `given`, `unrecognised_medications` and hints are its own), then a hit."""
    triager = Triager(pack)
    wordings = [["Lipitor 20 mg", "chamomile tea"], ["atorvastatin", "nettle tea"], [" Lipitor 20 mg", "chamomile tea"],
                ["Lipitor 20 mg", "inhaler"]]
    for medicines in wordings + wordings:
        answers = {"medications": medicines}
        assert triager.triage(answers).model_dump() == uncached.triage(answers).model_dump()
    assert triager.cache_info["result_hits"] == len(wordings)
    assert triager.triage({"medications": ["Lipitor 20 mg", "inhaler"]}).medicine_hints  # a hint, per wording


@pytest.mark.parametrize("first, second", [
    ({"duration_minutes": 2}, {"duration_minutes": 2.0}),  # int and float: each its own key
    ({"leg_swelling": True}, {"leg_swelling": "one_leg"}),  # read alike, kept apart
    ({"pregnant": None}, {}),  # null named, or left out
])
def test_answers_that_read_alike_are_each_answered_right(pack, uncached, first, second):
    triager = Triager(pack)
    for answers in (first, second, first, second):
        assert triager.triage(answers).model_dump() == uncached.triage(answers).model_dump()
    assert triager.cache_info["result_hits"] == 2


def test_an_invalid_answer_is_never_served_from_the_cache(pack):
    from cramp_triage import IntakeError

    triager = Triager(pack)
    triager.triage({"locations": ["calf"], "cramps_per_week": 3})
    for bad in ({"locations": ("calf",), "cramps_per_week": 3},  # a tuple: strict JSON arrays only
                {"locations": ["calf"], "cramps_per_week": True},  # true is not 1
                {"locations": ["calf"], "cramps_per_week": "3"}):
        with pytest.raises(IntakeError):
            triager.triage(bad)
    assert triager.cache_info["result_hits"] == 0


def test_an_intake_and_its_json_each_hit(pack):
    triager = Triager(pack)
    intake = Intake(duration_minutes=12, locations=["calf"])
    first = triager.triage(intake)
    assert triager.triage(Intake(duration_minutes=12, locations=["calf"])) is first
    assert triager.triage({"duration_minutes": 12, "locations": ["calf"]}) == first
    assert triager.cache_info["result_hits"] == 1


def test_a_failed_evaluation_is_not_cached(pack, monkeypatch):
    triager = Triager(pack)
    fail_on_conclusion(monkeypatch, "possible_dvt")
    with pytest.raises(EngineError):
        triager.triage({"leg_swelling": True})
    assert triager.cache_info["entries"] == 0
    monkeypatch.undo()
    assert triager.triage({"leg_swelling": True}).level is Level.urgent


def test_threads_sharing_a_cached_triager_get_the_uncached_answers(pack, uncached):
    answers = [{"duration_minutes": minutes, "medications": ["Lasix"] if minutes % 2 else []}
               for minutes in range(20)]
    expected = [uncached.triage(a).model_dump() for a in answers]
    triager = Triager(pack, cache_size=8)  # smaller than the set: hits, misses and evictions race
    wrong: list[int] = []

    def work(offset: int) -> None:
        for i in range(200):
            index = (i * 7 + offset) % len(answers)
            if triager.triage(answers[index]).model_dump() != expected[index]:
                wrong.append(index)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    info = triager.cache_info
    assert info["hits"] + info["misses"] == 8 * 200
    assert info["hits"] > 0 and info["entries"] <= 8


def test_the_result_cache_has_its_own_bound(pack):
    triager = Triager(pack, cache_size=8, result_cache_size=2)
    for minutes in (1, 2, 3, 1):
        triager.triage({"duration_minutes": minutes})
    info = triager.cache_info
    assert (info["results"], info["result_hits"], info["entries"], info["hits"]) == (2, 0, 3, 1)  # 1: a firing hit
    assert Triager(pack, cache_size=4).cache_info["size"] == 4
    with pytest.raises(ValueError, match="result_cache_size"):
        Triager(pack, result_cache_size=-1)


def test_the_region_is_part_of_the_result_key(pack, uncached):
    """The same answers in two regions are two results (their emergency numbers differ); the
    default region asked by name or by None is one."""
    triager = Triager(pack)
    answers = {"breathless_or_chest_pain": True}
    for region in ["UK", "AU", None, "UK", "AU"]:
        assert triager.triage(answers, region).model_dump() == uncached.triage(answers, region).model_dump()
    assert triager.triage(answers, "AU").do_now != triager.triage(answers, "UK").do_now
    # misses: UK, AU; hits: None (UK's key), UK, AU in the loop, then AU and UK
    assert triager.cache_info["result_hits"] == 5
