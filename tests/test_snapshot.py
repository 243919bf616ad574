"""The validated pack kept between processes (``pack/snapshot.py``): used only while every file
the loader read is unchanged, only if this user's processes wrote it, and it changes no result."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_helpers import copy_pack, write_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramp_triage import RulePack, RulePackError, Triager, cache, default_rules_path
from cramp_triage.engine import compile_pack
from cramp_triage.engine.runnable import trial_intakes
from cramp_triage.yamlfile import read_yaml
from cramp_triage.pack import snapshot

ROOT = Path(__file__).resolve().parents[1]
MEDICINES = [row["text"] for row in csv.DictReader((ROOT / "tests" / "data" / "medicines.tsv").open(), delimiter="\t")]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CRAMP_TRIAGE_CACHE", str(folder))
    monkeypatch.setattr(cache, "_keys", {})
    return folder


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return copy_pack(tmp_path)


class Reads:
    """Counts loads from the files; ``refuse()`` makes one fail (only a snapshot can then load)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.refused = False
        original = RulePack._read.__func__  # type: ignore[attr-defined]

        def read(cls: type[RulePack], root: Path) -> RulePack:
            if self.refused:
                raise AssertionError("the pack was read from its files")
            self.count += 1
            return original(cls, root)

        monkeypatch.setattr(RulePack, "_read", classmethod(read))

    def refuse(self) -> None:
        self.refused = True


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    return Reads(monkeypatch)


def _snapshots(folder: Path) -> list[Path]:
    return sorted((folder / snapshot.KIND).glob("*.pack"))


def _same(a: RulePack, b: RulePack) -> None:
    assert a.manifest == b.manifest and a.terms == b.terms and a.vocabulary == b.vocabulary
    assert a.rules == b.rules and [a.file_of(r.id) for r in a.rules] == [b.file_of(r.id) for r in b.rules]
    assert a.strata == b.strata and a.possible_facts == b.possible_facts and a.regions == b.regions
    assert all(a.wording(code) == b.wording(code) for code in a.regions.regions)


def test_a_second_load_is_the_snapshot_and_equals_a_load_from_the_files(cache_dir, pack_dir, reads, monkeypatch):
    first = RulePack.load(pack_dir)
    assert reads.count == 1 and len(_snapshots(cache_dir)) == 1
    reads.refuse()
    kept = RulePack.load(pack_dir)
    assert kept is not first and kept.path == pack_dir
    monkeypatch.setenv("CRAMP_TRIAGE_CACHE", "off")
    reads.refused = False
    _same(kept, RulePack.load(pack_dir))


def test_off_keeps_nothing(tmp_path, pack_dir, reads, monkeypatch):
    monkeypatch.setenv("CRAMP_TRIAGE_CACHE", "off")
    RulePack.load(pack_dir)
    RulePack.load(pack_dir)
    assert reads.count == 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.fixed_dictionaries({}, optional={
    "duration_minutes": st.sampled_from([0.5, 2, 10, 11, 61]), "eases_with_movement": st.booleans(),
    "locations": st.lists(st.sampled_from(["calf", "foot", "thigh"]), min_size=1, max_size=3),
    "during_sleep": st.booleans(), "cramps_per_week": st.integers(0, 9), "age_years": st.integers(10, 90),
    "pregnant": st.booleans(), "leg_swelling": st.sampled_from(["one_leg", "both_legs", "none"]),
    "muscle_weakness": st.booleans(), "kidney_disease": st.booleans(), "diabetes": st.booleans(),
    "medications": st.lists(st.sampled_from(MEDICINES), max_size=3)}))
def test_results_are_byte_identical_with_and_without_the_snapshot(kept_and_fresh, answers):
    kept, fresh = kept_and_fresh
    assert kept.triage(answers).model_dump_json() == fresh.triage(answers).model_dump_json()


@pytest.fixture(scope="module")
def kept_and_fresh(tmp_path_factory):
    """A Triager on the shipped pack taken from its snapshot, and one on the pack read from its files."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("CRAMP_TRIAGE_CACHE")
    try:
        os.environ["CRAMP_TRIAGE_CACHE"] = str(folder)
        RulePack.load(default_rules_path())
        kept = RulePack.load(default_rules_path())
        assert len(_snapshots(folder)) == 1
        os.environ["CRAMP_TRIAGE_CACHE"] = "off"
        fresh = RulePack.load(default_rules_path())
    finally:
        if before is None:
            os.environ.pop("CRAMP_TRIAGE_CACHE", None)
        else:
            os.environ["CRAMP_TRIAGE_CACHE"] = before
    with Triager(kept, cache_size=0) as a, Triager(fresh, cache_size=0) as b:
        yield a, b


def test_every_medicine_string_and_trial_intake_reads_the_same_from_the_snapshot(kept_and_fresh):
    kept, fresh = kept_and_fresh
    for text in MEDICINES:
        assert kept.triage({"medications": [text]}).model_dump_json() == \
            fresh.triage({"medications": [text]}).model_dump_json(), text
    for answers in trial_intakes(compile_pack(fresh.pack)):
        assert kept.triage(answers).model_dump_json() == fresh.triage(answers).model_dump_json()


# --- never stale ---------------------------------------------------------------------------------


def _edit_yaml(path: Path, change) -> None:
    data = read_yaml(path)
    change(data)
    write_yaml(path, data)


EDITS = {
    "pack.yaml": lambda d: d.update(description="edited"),
    "terms.yaml": lambda d: d["causes"]["idiopathic"].update(label="edited"),
    "red-flags.yaml": lambda d: d["rules"][0].update(title="edited"),
    "vocabulary/medications.yaml": lambda d: d["products"][0]["spellings"].append("editedstatin"),
}


@pytest.mark.parametrize("file_name", sorted(EDITS))
def test_a_changed_pack_file_is_read_again(cache_dir, pack_dir, reads, file_name):
    RulePack.load(pack_dir)
    RulePack.load(pack_dir)
    assert reads.count == 1
    _edit_yaml(pack_dir / file_name, EDITS[file_name])
    edited = RulePack.load(pack_dir)
    assert reads.count == 2
    shown = {"pack.yaml": edited.manifest.description, "terms.yaml": edited.terms.causes["idiopathic"].label,
             "red-flags.yaml": edited.rules[0].title,
             "vocabulary/medications.yaml": edited.vocabulary.products[0].spellings[-1]}
    assert shown[file_name] == "edited" or shown[file_name] == "editedstatin"
    RulePack.load(pack_dir)
    assert reads.count == 2  # and the edited pack is kept in its turn


def test_one_byte_changed_anywhere_is_a_change(cache_dir, pack_dir, reads):
    RulePack.load(pack_dir)
    terms = pack_dir / "terms.yaml"
    terms.write_bytes(terms.read_bytes() + b"\n")  # a new line at the end: the same data
    RulePack.load(pack_dir)
    assert reads.count == 2


def test_a_file_added_beside_the_pack_files_is_a_change(cache_dir, pack_dir, reads):
    RulePack.load(pack_dir)
    (pack_dir / "extra.yaml").write_text("rules: []\n")
    RulePack.load(pack_dir)
    assert reads.count == 2


def test_a_rule_file_added_to_the_manifest_is_read(cache_dir, pack_dir, reads):
    RulePack.load(pack_dir)
    write_yaml(pack_dir / "more.yaml", {"rules": []})
    _edit_yaml(pack_dir / "pack.yaml", lambda d: d["rule_files"].append("more.yaml"))
    assert RulePack.load(pack_dir).manifest.rule_files[-1] == "more.yaml"
    assert reads.count == 2


def test_a_broken_pack_is_never_kept_and_still_refused(cache_dir, pack_dir):
    _edit_yaml(pack_dir / "terms.yaml", lambda d: d["causes"].pop("idiopathic"))
    for _ in range(2):
        with pytest.raises(RulePackError, match="concludes undefined cause 'idiopathic'"):
            RulePack.load(pack_dir)
    assert _snapshots(cache_dir) == []


def test_other_code_does_not_read_what_this_code_kept(cache_dir, pack_dir, reads, monkeypatch):
    RulePack.load(pack_dir)
    monkeypatch.setattr(snapshot, "_stamp", "another checkout")
    RulePack.load(pack_dir)
    assert reads.count == 2
    monkeypatch.setattr(snapshot, "__version__", "9.9.9")
    RulePack.load(pack_dir)
    assert reads.count == 3


# --- never someone else's ------------------------------------------------------------------------


def _no_unpickling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes) -> None:
        raise AssertionError("unpickled a snapshot that is not ours")

    monkeypatch.setattr(snapshot.pickle, "loads", refuse)


def test_a_tampered_snapshot_is_refused_unread_and_replaced(cache_dir, pack_dir, reads, monkeypatch):
    RulePack.load(pack_dir)
    [kept] = _snapshots(cache_dir)
    data = bytearray(kept.read_bytes())
    data[-10] ^= 0x01
    kept.write_bytes(bytes(data))
    with monkeypatch.context() as patched:
        _no_unpickling(patched)
        pack = RulePack.load(pack_dir)
    assert reads.count == 2 and pack.name == "cramp-triage-core"
    RulePack.load(pack_dir)  # the rebuilt snapshot is sound
    assert reads.count == 2


def test_a_snapshot_sealed_with_another_key_is_refused(cache_dir, pack_dir, reads, monkeypatch):
    RulePack.load(pack_dir)
    (cache_dir / "key").write_bytes(os.urandom(cache.KEY_BYTES))  # another user's key, say
    monkeypatch.setattr(cache, "_keys", {})
    with monkeypatch.context() as patched:
        _no_unpickling(patched)
        RulePack.load(pack_dir)
    assert reads.count == 2


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file modes")
def test_a_key_others_can_read_is_never_trusted(cache_dir, pack_dir, reads, monkeypatch):
    RulePack.load(pack_dir)
    (cache_dir / "key").chmod(0o644)
    monkeypatch.setattr(cache, "_keys", {})
    with monkeypatch.context() as patched:
        _no_unpickling(patched)
        RulePack.load(pack_dir)
        RulePack.load(pack_dir)
    assert reads.count == 3


@pytest.mark.parametrize("damage", ["empty", "cut short", "garbage", "no header"])
def test_a_damaged_snapshot_is_a_miss(cache_dir, pack_dir, reads, damage):
    RulePack.load(pack_dir)
    [kept] = _snapshots(cache_dir)
    data = kept.read_bytes()
    kept.write_bytes({"empty": b"", "cut short": data[: len(data) // 2], "garbage": os.urandom(5000),
                      "no header": data[:32]}[damage])
    assert RulePack.load(pack_dir).name == "cramp-triage-core"
    assert reads.count == 2


def test_a_sealed_snapshot_that_does_not_unpickle_is_a_miss(cache_dir, pack_dir, reads):
    RulePack.load(pack_dir)
    [kept] = _snapshots(cache_dir)
    header = (kept.read_bytes()[32:]).split(b"\n", 1)[0]
    cache.seal(snapshot.KIND, kept.name, header + b"\n" + b"not a pickle")
    RulePack.load(pack_dir)
    assert reads.count == 2


def test_a_cache_folder_that_cannot_be_written_is_no_error(tmp_path, pack_dir, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("CRAMP_TRIAGE_CACHE", str(blocked))
    monkeypatch.setattr(cache, "_keys", {})
    assert RulePack.load(pack_dir).name == RulePack.load(pack_dir).name == "cramp-triage-core"


def test_snapshots_kept_are_bounded(cache_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(snapshot, "KEEP", 2)
    for n in range(4):
        RulePack.load(copy_pack(tmp_path / str(n)))
    assert len(_snapshots(cache_dir)) == 2


def test_processes_writing_at_once_leave_one_sound_snapshot(cache_dir, pack_dir):
    script = textwrap.dedent(f"""
        from cramp_triage import RulePack
        for _ in range(3):
            RulePack.load({str(pack_dir)!r})
    """)
    env = {**os.environ, "CRAMP_TRIAGE_CACHE": str(cache_dir)}
    children = [subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE) for _ in range(4)]
    for child in children:
        assert child.wait(timeout=120) == 0, child.stderr.read().decode()  # type: ignore[union-attr]
    assert len(_snapshots(cache_dir)) == 1
    assert [p.name for p in (cache_dir / snapshot.KIND).iterdir() if p.name.startswith(".")] == []  # no temp left
    assert len((cache_dir / "key").read_bytes()) == cache.KEY_BYTES
    done = subprocess.run([sys.executable, "-c", "from cramp_triage import RulePack\n"
                           "from cramp_triage.pack import rulepack\n"
                           "rulepack.RulePack._read = None  # only the snapshot can load it now\n"
                           f"print(RulePack.load({str(pack_dir)!r}).name)"], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "cramp-triage-core", done.stderr


def test_the_cli_result_is_the_same_from_a_cold_and_a_kept_pack(cache_dir):
    intake = json.dumps({"duration_minutes": 2, "locations": ["calf"], "medications": ["Lipitor 20 mg", "lasix"]})
    env = {**os.environ, "CRAMP_TRIAGE_CACHE": str(cache_dir)}
    command = [sys.executable, "-m", "cramp_triage.cli", "check", "--input", "-", "--json"]
    outputs = [subprocess.run(command, input=intake, env=env, capture_output=True, text=True, check=True).stdout
               for _ in range(2)]
    assert len(_snapshots(cache_dir)) == 1
    off = subprocess.run(command, input=intake, env={**env, "CRAMP_TRIAGE_CACHE": "off"}, capture_output=True,
                         text=True, check=True).stdout
    assert outputs[0] == outputs[1] == off
