"""``Level`` orders by urgency, not as text: an app writing ``if result.level >= Level.urgent``
must never skip an emergency. Its JSON and its text stay the plain name."""

from __future__ import annotations

import itertools
import json

import pytest

from cramp_triage import Level, TriageResult, triage

BY_URGENCY = [Level.self_care, Level.see_professional, Level.urgent, Level.emergency]


def test_the_members_are_listed_least_urgent_first():
    assert list(Level) == BY_URGENCY
    assert [level.rank for level in Level] == [0, 1, 2, 3]


@pytest.mark.parametrize(("low", "high"), list(itertools.combinations(BY_URGENCY, 2)), ids=str)
def test_each_comparison_follows_urgency(low, high):
    assert low < high and high > low
    assert low <= high and high >= low
    assert not high < low and not low > high
    assert not high <= low and not low >= high


@pytest.mark.parametrize("level", BY_URGENCY, ids=str)
def test_a_level_equals_itself_and_its_name(level):
    assert level <= level and level >= level and not level < level and not level > level
    assert level == level.value and hash(level) == hash(level.value)


def test_the_issue_example_alerts_on_an_emergency():
    assert Level.emergency >= Level.urgent  # was False: "emergency" < "urgent" as text


def test_max_and_min_follow_urgency():
    assert max([Level.urgent, Level.emergency]) is Level.emergency
    assert max([Level.see_professional, Level.self_care]) is Level.see_professional
    assert min(Level) is Level.self_care and max(Level) is Level.emergency


def test_sorted_follows_urgency_whatever_the_input_order():
    for order in itertools.permutations(BY_URGENCY):
        assert sorted(order) == BY_URGENCY
        assert sorted(order, reverse=True) == BY_URGENCY[::-1]


def test_comparing_with_a_level_name_follows_urgency_from_either_side():
    assert Level.emergency > "urgent" and "urgent" < Level.emergency
    assert "emergency" > Level.urgent  # the text comparison would say False
    assert Level.self_care <= "self_care"


def test_text_that_names_no_level_is_an_error_not_a_text_comparison():
    with pytest.raises(ValueError, match="'urgnet' is not a level; levels are self_care, see_professional"):
        Level.urgent >= "urgnet"  # noqa: B015 - the comparison itself must raise


@pytest.mark.parametrize("other", [2, 2.5, None, [Level.urgent]], ids=repr)
def test_comparing_with_another_type_is_a_type_error(other):
    with pytest.raises(TypeError):
        Level.urgent < other  # noqa: B015


@pytest.mark.parametrize("level", BY_URGENCY, ids=str)
def test_str_and_format_give_the_name(level):
    assert str(level) == level.value
    assert f"{level}" == level.value
    assert "{}".format(level) == level.value


def test_highest_picks_the_most_urgent():
    assert Level.highest(["urgent", "emergency", "self_care"]) is Level.emergency
    assert Level.highest([]) is None


def test_json_is_unchanged():
    result = triage({"breathless_or_chest_pain": True})
    data = json.loads(result.model_dump_json())
    assert data["level"] == "emergency"
    assert json.dumps(Level.urgent) == '"urgent"'
    assert TriageResult.model_validate(data).level is Level.emergency
    assert result.level >= Level.urgent
