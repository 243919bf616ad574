"""Generated junk into ``Intake`` and ``cramp-triage check --input``: every case ends in a clear
error naming the field (or a valid triage), quickly, never a traceback, crash or hang. Rule and
scenario files: alias bombs and oversized files are refused with a clear error."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import assert_one_line_error, copy_pack, run, write_yaml
from cramp_triage import CrampTriageError, Intake, IntakeError, RulePack, RulePackError, parse_intake, parse_intake_json
from cramp_triage.tools.invariants import check_result
from cramp_triage.files import MAX_FILE_BYTES

FIELDS = sorted(Intake.model_fields)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TIME_LIMIT = 2.0  # seconds for one junk case, on a loaded machine; a hang would blow far past it

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=10**18, max_value=10**400)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=50)
           | st.sampled_from(["", "yes", "no", "true", "calf", "NaN", "1e999", "\x00", "\ud800"[:0] + "é"]))
junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                                          max_size=5), max_leaves=20)


def _timed(call: Any) -> Any:
    start = time.perf_counter()
    try:
        return call()
    finally:
        assert time.perf_counter() - start < TIME_LIMIT


@FUZZ
@given(field=st.sampled_from(FIELDS), value=junk)
def test_junk_in_one_field_is_refused_naming_it_or_triaged(triager, pack, field, value):
    answers = {field: value}
    try:
        result = _timed(lambda: triager.triage(answers))
    except IntakeError as error:
        assert error.problems and all(p.loc.split(".")[0] == field for p in error.problems), error.problems
        assert field in str(error)
    else:
        assert check_result(result, pack) == []


@FUZZ
@given(data=junk)
def test_junk_as_a_whole_intake_is_refused_or_triaged(triager, data):
    try:
        _timed(lambda: triager.triage(data))
    except IntakeError as error:
        assert error.problems
        keys = [str(k) for k in data] if isinstance(data, dict) else []
        # every problem names the key it is about (or the intake as a whole, for a non-object)
        assert all(p.loc == "intake" or any(p.loc == k or p.loc.startswith(k + ".") for k in keys)
                   for p in error.problems), error.problems


@pytest.mark.parametrize(("answers", "field"), [
    ({"duration_minutes": math.nan}, "duration_minutes"),
    ({"duration_minutes": math.inf}, "duration_minutes"),
    ({"duration_minutes": -math.inf}, "duration_minutes"),
    ({"duration_minutes": 10**400}, "duration_minutes"),
    ({"cramps_per_week": 10**400}, "cramps_per_week"),
    ({"cramps_per_week": 1e300}, "cramps_per_week"),
    ({"medications": ["x" * 10_000_000]}, "medications"),
    ({"medications": ["aspirin"] * 1_000_000}, "medications"),
    ({"locations": ["calf"] * 1_000_000}, "locations"),
    ({"pregnant": {"a": [{"b": [1] * 1000}] * 1000}}, "pregnant"),
    ({"leg_swelling": "y" * 10_000_000}, "leg_swelling"),
])
def test_extreme_values_are_refused_quickly_naming_the_field(triager, answers, field):
    with pytest.raises(IntakeError) as caught:
        _timed(lambda: triager.triage(answers))
    assert {p.loc.split(".")[0] for p in caught.value.problems} == {field}


def test_deeply_nested_value_is_refused():
    nested: Any = "calf"
    for _ in range(100_000):
        nested = [nested]
    with pytest.raises(IntakeError) as caught:
        _timed(lambda: parse_intake({"locations": nested}))
    assert caught.value.problems[0].loc.startswith("locations")


@pytest.mark.parametrize("text", [
    b"", b"   ", b"null", b"[]", b'"calf"', b"{", b"not json", b"\xff\xfe{}", b'{"pregnant": tru}',
    b"[" * 200_000, b'{"a":' * 200_000, b'{"duration_minutes": NaN}', b'{"duration_minutes": Infinity}',
    b'{"duration_minutes": 1e999}', '{"medications": ["\ud800"]}'.encode("utf-8", "surrogatepass"),
])
def test_parse_intake_json_refuses_junk_text(text):
    with pytest.raises(IntakeError):
        _timed(lambda: parse_intake_json(text))


@pytest.mark.parametrize("answers", [
    {"duration_minutes": 1e-05}, {"duration_minutes": 5e-324}, {"duration_minutes": 1440},
    {"duration_minutes": 1e-300, "locations": ["calf"], "during_sleep": True},
])
def test_tiny_numbers_reach_the_engine_safely(triager, reference, answers):
    """Regression: durable-rules cannot parse exponent notation ("1e-05") and segfaulted."""
    result = triager.triage(answers)
    assert {s.rule for s in result.trace} == reference.evaluate(answers).fired


def _tiny_in_subprocess() -> subprocess.CompletedProcess[str]:
    code = "from cramp_triage import Triager; t = Triager(cache_size=0); print(t.triage({'duration_minutes': 1e-05}).level.value); print(t.triage({}).level.value)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_tiny_number_does_not_crash_the_process():
    done = _tiny_in_subprocess()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["self_care", "self_care"]


# --- the command line -------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=junk)
def test_check_input_with_junk_json_exits_cleanly(tmp_path, data):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
    result = _timed(lambda: run("check", "--input", str(path), "--json"))
    if result.exit_code == 0:
        assert json.loads(result.stdout)["disclaimer"]
    else:
        assert_one_line_error(result, 2)


@pytest.mark.parametrize(("content", "mentions"), [
    (b"", "empty"), (b"\n\n", "empty"), (b"not json", "JSON"), (b"\xff\xfe\x00{", "JSON"),
    (b"[1, 2]", "object"), (b'{"duration_minutes": "long"}', "duration_minutes"),
    (b'{"duration_minutes": NaN}', "duration_minutes"), (b'{"cramps_per_week": 1e999}', "cramps_per_week"),
    (b'{"pregnant": [[[[[[[[]]]]]]]]}', "pregnant"), (b'{"medications": "Lipitor"}', "medications"),
    (b'{"nonsense": true}', "nonsense"), (b"[" * 200_000, "nested too deeply"), (b"x" * 2_000_000, "the limit is 1000000"),
])
def test_check_input_junk_is_a_one_line_error(tmp_path, content, mentions):
    path = tmp_path / "intake.json"
    path.write_bytes(content)
    result = _timed(lambda: run("check", "--input", str(path)))
    assert_one_line_error(result, 2)
    assert mentions in result.stderr


def test_check_input_from_stdin_with_invalid_utf8_in_a_real_process():
    done = subprocess.run([sys.executable, "-m", "cramp_triage.cli", "check", "--input", "-"],
                          input=b'{"medications": ["\xff\xfe"]}', capture_output=True, timeout=120)
    assert done.returncode == 2
    err = done.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("cramp-triage: error: ") and "Traceback" not in err


# --- rule and scenario files --------------------------------------------------------------------------


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))


def test_alias_bomb_in_a_rule_file_is_refused(tmp_path):
    pack_dir = copy_pack(tmp_path)
    (pack_dir / "red-flags.yaml").write_text(BOMB, encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        _timed(lambda: RulePack.load(pack_dir))
    assert "red-flags.yaml" in str(caught.value) and "alias" in str(caught.value)
    result = _timed(lambda: run("rules", "verify", "--rules", str(pack_dir)))
    assert_one_line_error(result, 2)


def test_oversized_rule_file_is_refused(tmp_path):
    pack_dir = copy_pack(tmp_path)
    (pack_dir / "terms.yaml").write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        _timed(lambda: RulePack.load(pack_dir))
    assert "terms.yaml" in str(caught.value) and "limit" in str(caught.value)


def test_alias_bomb_and_oversized_scenario_files_are_refused(tmp_path, pack):
    from cramp_triage.scenarios import load_scenario_file

    bomb = tmp_path / "bomb.scenario.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    big = tmp_path / "big.scenario.yaml"
    big.write_text("id: big\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1), encoding="utf-8")
    for path, word in ((bomb, "alias"), (big, "limit")):
        with pytest.raises(CrampTriageError) as caught:
            _timed(lambda: load_scenario_file(path, pack))
        assert word in str(caught.value)
        result = _timed(lambda: run("scenarios", "run", str(path)))
        assert_one_line_error(result, 2)


def test_yaml_tags_that_would_run_code_are_refused(tmp_path):
    pack_dir = copy_pack(tmp_path)
    (pack_dir / "red-flags.yaml").write_text("rules: !!python/object/apply:os.system ['echo pwned']\n",
                                              encoding="utf-8")
    with pytest.raises(RulePackError):
        RulePack.load(pack_dir)


def test_a_condition_with_too_many_alternatives_is_refused_not_hung(tmp_path):
    """durable-rules never returns from matching once 512 tests follow one test; an "any of" of
    600 findings is such a pack. Building a Triager refuses it before the engine sees it."""
    from cramp_triage import Triager
    from cramp_triage.yamlfile import read_yaml

    pack_dir = copy_pack(tmp_path)
    terms = read_yaml(pack_dir / "terms.yaml")
    names = [f"finding_{i}" for i in range(600)]
    terms["findings"].update({name: {"label": name, "kind": "observation"} for name in names})
    write_yaml(pack_dir / "terms.yaml", terms)
    rules = read_yaml(pack_dir / "causes.yaml")
    rules["rules"][0]["when"] = [{"finding": names}]
    write_yaml(pack_dir / "causes.yaml", rules)
    with pytest.raises(RulePackError) as caught:
        _timed(lambda: Triager(pack_dir))
    found = re.search(r'causes\.yaml: CA-DEHYDRATION: (\d+) tests follow the test fact eq "finding" \((\d+) on name',
                      str(caught.value))
    assert found and int(found[1]) > 511 and int(found[2]) >= 600, str(caught.value)


@pytest.mark.parametrize(("args", "field"), [
    (["--duration", "nan"], "duration_minutes"), (["--duration", "inf"], "duration_minutes"),
    (["--duration", "1e999"], "duration_minutes"), (["--duration", "-1"], "duration_minutes"),
    (["--cramps-per-week", "9" * 40], "cramps_per_week"), (["--medication", ""], "medications"),
    (["--medication", "x" * 5000], "medications"), (["--location", "knee"], "location"),
])
def test_check_options_with_junk_are_one_line_errors(args, field):
    result = _timed(lambda: run("check", *args))
    assert_one_line_error(result, 2)
    assert field in result.stderr


def test_check_option_with_a_tiny_number_triages():
    result = run("check", "--duration", "1e-5", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "self_care"
