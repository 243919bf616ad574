"""Reading answers as people type them (`interview/answers.py`, `interview/amounts.py`): the
rule for each kind of answer, shown on natural replies and checked by property on the forms it
promises (any number with any unit, any clock time, any range, any rate)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramp_triage.interview import UNKNOWN, load_questions, parse_answer, questions_path
from cramp_triage.interview.amounts import AmountError, read_amount
from cramp_triage.interview.answers import Reading, keyboard_hint, read_answer
from cramp_triage.pack import default_rules_path

QUESTIONS = {q.field: q for q in load_questions(questions_path(default_rules_path()))}
YES_NO = QUESTIONS["pregnant"]


@pytest.mark.parametrize("text, value, read_as", [
    ("y", True, None), ("Yes", True, None), ("n", False, None), (" no ", False, None),
    ("yeah", True, "yes"), ("yep", True, "yes"), ("Yes!", True, "yes"), ("yes I do", True, "yes"),
    ("of course", True, "yes"), ("I think so", True, "yes"), ("sure", True, "yes"),
    ("nope", False, "no"), ("nah", False, "no"), ("not really", False, "no"), ("never", False, "no"),
    ("of course not", False, "no"), ("I don't think so", False, "no"), ("definitely not", False, "no"),
    ("no, I don't", False, "no"), ("?", UNKNOWN, None), ("not sure", UNKNOWN, "don't know"),
    ("I don't know", UNKNOWN, "don't know"), ("no idea", UNKNOWN, "don't know"), ("dunno", UNKNOWN, "don't know"),
])
def test_yes_and_no_in_a_persons_words(text: str, value: object, read_as: str | None) -> None:
    assert read_answer(YES_NO, text) == Reading(value, read_as)


@pytest.mark.parametrize("text", ["perhaps", "maybe", "yes no", "yeah, not really", "sometimes", "", "left"])
def test_a_reply_that_is_neither_yes_nor_no_is_asked_again(text: str) -> None:
    with pytest.raises(ValueError, match=r"y \(yes\), n \(no\) or \? \(don't know\)"):
        read_answer(YES_NO, text)


@pytest.mark.parametrize("text, value", [
    ("one", "one_leg"), ("left", "one_leg"), ("my right leg", "one_leg"), ("just the left one", "one_leg"),
    ("both", "both_legs"), ("both legs", "both_legs"), ("left and right", "both_legs"), ("Both Legs", "both_legs"),
    ("no", "none"), ("nope", "none"), ("neither", "none"), ("none", "none"), ("one_leg", "one_leg"),
])
def test_a_choice_by_its_words_a_side_or_a_no(text: str, value: str) -> None:
    reading = read_answer(QUESTIONS["leg_swelling"], text)
    assert reading.value == value
    assert (reading.read_as is None) == (text.lower().replace(" ", "_") == value)


@pytest.mark.parametrize("text", ["y", "yes", "swollen", "left calf hurts", "one or both"])
def test_a_choice_that_does_not_say_which_is_asked_again(text: str) -> None:
    with pytest.raises(ValueError, match="one leg / both legs / none"):
        read_answer(QUESTIONS["leg_swelling"], text)


@pytest.mark.parametrize("text, value, read_as", [
    ("calf", ["calf"], None), ("calf, foot", ["calf", "foot"], None), ("calf and foot", ["calf", "foot"], None),
    ("left calf", ["calf"], "calf (which side is not asked)"), ("both calves", ["calf"], "calf (which side is not asked)"),
    ("right foot", ["foot"], "foot (which side is not asked)"), ("calves and feet", ["calf", "foot"], "calf and foot"),
    ("my toes", ["foot"], "foot"), ("hamstrings", ["thigh"], "thigh"),
    ("all of them", ["calf", "foot", "thigh"], "calf, foot and thigh"),
])
def test_places_as_people_name_them(text: str, value: list[str], read_as: str | None) -> None:
    assert read_answer(QUESTIONS["locations"], text) == Reading(value, read_as)


@pytest.mark.parametrize("text", ["none", "nowhere", "no"])
def test_none_of_the_places_is_kept_as_not_known(text: str) -> None:
    # The intake knows calf, foot and thigh; an empty list would be read as "not known" anyway.
    reading = read_answer(QUESTIONS["locations"], text)
    assert reading.value is UNKNOWN and reading.read_as is not None and "not known" in reading.read_as


def test_a_place_the_intake_does_not_know_is_named_in_the_refusal() -> None:
    with pytest.raises(ValueError, match="'knee' is not one of calf, foot, thigh"):
        read_answer(QUESTIONS["locations"], "left knee")


@pytest.mark.parametrize("text, value", [
    ("none", []), ("nothing", []), ("I don't take any", []), ("no medicines", []),
    ("Lipitor 20 mg, salbutamol", ["Lipitor 20 mg", "salbutamol"]), ("metformin; ramipril", ["metformin", "ramipril"]),
    ("no longer take simvastatin", ["no longer take simvastatin"]),  # the reader reads the negation
])
def test_medicine_names_and_none(text: str, value: list[str]) -> None:
    assert parse_answer(QUESTIONS["medications"], text) == value


@pytest.mark.parametrize("text, minutes", [
    ("2", 2), ("2.5", 2.5), ("30 sec", 0.5), ("30s", 0.5), ("90s", 1.5), ("half a minute", 0.5), ("1:30", 1.5),
    ("2 hours", 120), ("an hour and a half", 90), ("a minute and a half", 1.5), ("1 minute 30 seconds", 1.5),
    ("1h30", 90), ("2m30s", 2.5), ("three quarters of an hour", 45), ("1½ minutes", 1.5), ("1 1/2 min", 1.5),
    ("twenty seconds", 1 / 3), ("about 5 minutes", 5), ("5ish", 5), ("it lasts for about 2 minutes", 2),
    ("2,5", 2.5), ("1:00:00", 60),
])
def test_a_duration_with_its_unit(text: str, minutes: float) -> None:
    reading = read_answer(QUESTIONS["duration_minutes"], text)
    assert reading.value == pytest.approx(minutes)
    assert (reading.read_as is None) == (text in ("2", "2.5"))


@pytest.mark.parametrize("text, minutes, remark", [
    ("2-3 minutes", 3, "the higher end"), ("2 to 3 min", 3, "the higher end"),
    ("between 10 and 15 minutes", 15, "the higher end"), ("up to 5 minutes", 5, "the most it could be"),
    ("less than a minute", 1, "the most it could be"),
])
def test_a_range_is_read_at_its_cautious_end(text: str, minutes: float, remark: str) -> None:
    reading = read_answer(QUESTIONS["duration_minutes"], text)
    assert reading.value == minutes and reading.read_as == f"{minutes:g} minute{'s' if minutes != 1 else ''} ({remark})"


@pytest.mark.parametrize("text, why", [
    ("over 10 minutes", "no number to go by"), ("10+", "no number to go by"), ("at least an hour", "no number"),
    ("a few seconds", "'few' is not a number"), ("long", "cannot read 'long'"), ("-1", "less than 0"),
    ("1:75", "up to 59"), ("25 hours", "read as 1500 minutes"),
])
def test_a_duration_that_cannot_be_read_says_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        read_answer(QUESTIONS["duration_minutes"], text)


@pytest.mark.parametrize("text, count, read_as", [
    ("4", 4, None), ("3 a week", 3, "3 cramps a week"), ("3 times a week", 3, "3 cramps a week"),
    ("every night", 7, "7 cramps a week"), ("nightly", 7, "7 cramps a week"), ("2 a night", 14, "14 cramps a week"),
    ("twice a month", 1, "1 cramp a week (rounded up to a whole number)"), ("once a week", 1, "1 cramp a week"),
    ("2 or 3 a week", 3, "3 cramps a week (the higher end)"), ("none", 0, "0 cramps a week"),
])
def test_how_often_as_a_rate(text: str, count: int, read_as: str | None) -> None:
    reading = read_answer(QUESTIONS["cramps_per_week"], text)
    assert (reading.value, reading.read_as) == (count, read_as) and isinstance(reading.value, int)


@pytest.mark.parametrize("text, years", [("72", 72), ("72 years old", 72), ("I'm 72", 72), ("seventy-two", 72),
                                         ("a hundred and five", 105)])
def test_an_age(text: str, years: int) -> None:
    assert parse_answer(QUESTIONS["age_years"], text) == years


@pytest.mark.parametrize("field, text", [
    ("duration_minutes", "long"), ("cramps_per_week", "2.5"), ("cramps_per_week", "most nights"),
    ("age_years", "12.5"), ("age_years", "130"), ("age_years", "six months"),
])
def test_numbers_that_cannot_be_read_are_asked_again(field: str, text: str) -> None:
    with pytest.raises(ValueError, match="."):
        parse_answer(QUESTIONS[field], text)


def test_the_hint_says_units_and_rates_may_be_typed() -> None:
    assert "30 sec" in keyboard_hint(QUESTIONS["duration_minutes"])
    assert "a night" in keyboard_hint(QUESTIONS["cramps_per_week"])
    assert keyboard_hint(YES_NO) == YES_NO.hint == "y/n/?"


# -- the grammar, by property: any number, with any unit word, in any form it promises --

UNIT_WORDS = {"s": 1 / 60, "sec": 1 / 60, "seconds": 1 / 60, "m": 1, "min": 1, "minutes": 1, "h": 60, "hr": 60,
              "hours": 60}
numbers = st.integers(0, 999) | st.decimals(0, 99, places=2).map(float)


@settings(max_examples=200, deadline=None)
@given(number=numbers, unit=st.sampled_from(sorted(UNIT_WORDS)), space=st.sampled_from(["", " "]))
def test_any_number_with_any_unit(number: float, unit: str, space: str) -> None:
    text = f"{number}{space}{unit}"
    assert read_amount(text, "time").value == pytest.approx(float(number) * UNIT_WORDS[unit])


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(0, 600), seconds=st.integers(0, 59))
def test_any_clock_time_is_minutes_and_seconds(minutes: int, seconds: int) -> None:
    assert read_amount(f"{minutes}:{seconds:02d}", "time").value == pytest.approx(minutes + seconds / 60)


@settings(max_examples=200, deadline=None)
@given(low=st.integers(0, 500), high=st.integers(0, 500), separator=st.sampled_from(["-", " - ", " to ", " or "]))
def test_any_range_is_read_at_its_higher_end(low: int, high: int, separator: str) -> None:
    amount = read_amount(f"{low}{separator}{high} minutes", "time")
    assert amount.value == max(low, high) and amount.remark == "the higher end"


@settings(max_examples=200, deadline=None)
@given(count=st.integers(0, 60), period=st.sampled_from(["night", "day", "week", "month"]),
       per=st.sampled_from(["a", "per", "each", "every", "/"]))
def test_any_rate_becomes_a_whole_number_a_week_never_rounded_down(count: int, period: str, per: str) -> None:
    weeks = {"night": 1 / 7, "day": 1 / 7, "week": 1, "month": 365.25 / 12 / 7}[period]
    value = read_amount(f"{count} times {per} {period}", "rate").value
    assert value == math.ceil(count / weeks - 1e-9) and value >= count / weeks - 1e-9


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=30))
def test_any_text_is_read_or_refused_never_crashes(text: str) -> None:
    for question in QUESTIONS.values():
        try:
            read_answer(question, text)
        except ValueError:
            pass


def test_a_number_is_never_guessed_from_a_vague_word() -> None:
    for text in ("a few", "several minutes", "a while", "ages", "a couple of minutes"):
        with pytest.raises(AmountError):
            read_amount(text, "time")
