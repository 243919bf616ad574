"""The 712 medicine strings of ``tests/data/medicines.tsv`` (see ``tests/data/README.md``) read
against the shipped vocabulary: recall, false positives and negation, with the figures the
README prints checked against the ones measured here; and the typo threshold, chosen on this
list."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from cramp_triage import default_rules_path
from cramp_triage.pack.fuzzy import THRESHOLD, Threshold
from cramp_triage.pack.reading import Reader, Reading
from cramp_triage.pack.vocabulary import Vocabulary
from cramp_triage.tools.lint import lint_pack

ROOT = Path(__file__).resolve().parents[1]
LIST = ROOT / "tests" / "data" / "medicines.tsv"
README = ROOT / "README.md"


@dataclass(frozen=True)
class Row:
    text: str
    generics: list[str]
    classes: set[str]
    atc: list[str]
    current: bool
    kind: str
    note: str


def rows() -> list[Row]:
    with LIST.open(encoding="utf-8", newline="") as handle:
        return [Row(r["text"], _split(r["generics"]), set(_split(r["classes"])), _split(r["atc"]),
                    r["current"] == "yes", r["kind"], r["note"])
                for r in csv.DictReader(handle, delimiter="\t")]


def _split(cell: str) -> list[str]:
    return [part for part in cell.split(";") if part]


ROWS = rows()


def read_exactly(row: Row, reading: Reading) -> bool:
    """Products, classes, codes and whether it is taken now, all as the list expects."""
    matches = reading.matches
    return ([m.name for m in matches if m.name] == row.generics
            and {c for m in matches for c in m.classes} == row.classes
            and [m.atc for m in matches if m.name and m.atc] == row.atc
            and all(m.current == row.current for m in matches))


@dataclass(frozen=True)
class Figures:
    rows: int
    exact: int
    linked: int  # strings of a medicine taken now that is linked with cramps
    linked_found: int  # ... read with the right class
    unlinked: int  # strings that name no linked medicine
    false_positives: int  # ... read as a linked one
    negated: int
    negated_as_current: int

    @property
    def recall(self) -> float:
        return self.linked_found / self.linked

    @property
    def false_positive_rate(self) -> float:
        return self.false_positives / self.unlinked

    def sentence(self) -> str:
        """The README's figures, as the README words them."""
        return (f"On the {self.rows} strings of `tests/data/medicines.tsv`, {self.linked_found} of {self.linked} "
                f"medicines linked with cramps are read with the right class (recall {self.recall:.1%}), "
                f"{self.false_positives} of {self.unlinked} names with no link are read as linked (false positives "
                f"{self.false_positive_rate:.1%}), and {self.negated_as_current} of {self.negated} negated or "
                f"past-use strings are taken as current.")


def measure(reader: Reader) -> Figures:
    readings = [(row, reader.read(row.text)) for row in ROWS]
    linked = [(row, r) for row, r in readings if row.classes and row.current]
    unlinked = [(row, r) for row, r in readings if not row.classes]
    negated = [(row, r) for row, r in readings if not row.current]
    return Figures(
        rows=len(ROWS),
        exact=sum(read_exactly(row, r) for row, r in readings),
        linked=len(linked),
        linked_found=sum({c for m in r.matches if m.current for c in m.classes} == row.classes for row, r in linked),
        unlinked=len(unlinked),
        false_positives=sum(any(m.classes for m in r.matches) for _, r in unlinked),
        negated=len(negated),
        negated_as_current=sum(any(m.current for m in r.matches) for _, r in negated),
    )


@pytest.fixture(scope="module")
def figures(pack) -> Figures:
    return measure(pack.reader)


def test_the_list_is_the_documented_one():
    assert len(ROWS) == 712
    assert sum(not row.current for row in ROWS) >= 50
    assert sum(row.kind == "no_link" for row in ROWS) >= 100


def test_recall_false_positives_and_negation_meet_their_targets(figures):
    print(f"\n{figures.sentence()} {figures.exact} of {figures.rows} read exactly as listed.")
    assert figures.recall >= 0.98
    assert figures.false_positives == 0
    assert figures.negated_as_current == 0


def test_the_readme_prints_the_measured_figures(figures):
    readme = " ".join(README.read_text(encoding="utf-8").split())
    assert figures.sentence() in readme, f"README.md should say: {figures.sentence()}"


@pytest.mark.parametrize("row", ROWS, ids=[f"{i + 2}:{row.text}" for i, row in enumerate(ROWS)])
def test_each_string_is_read_as_listed(pack, row):
    reading = pack.reader.read(row.text)
    assert read_exactly(row, reading), [m.model_dump(exclude={"given", "label", "group"}) for m in reading.matches]
    if row.kind == "typo":
        assert [m.match for m in reading.matches] == ["fuzzy"]
        assert reading.matches[0].typed.lower() != reading.matches[0].read_as.lower()
    if row.kind == "class_word" or (row.kind == "negated" and not row.generics):
        assert [(m.name, m.match) for m in reading.matches] == [(None, "class_word")]
    if row.kind == "vague":
        assert reading.unrecognised and reading.hint
    if row.kind == "unknown":
        assert not reading.matches and reading.hint is None


def test_the_vocabulary_is_built_on_first_use_and_rapidfuzz_only_for_an_unknown_word():
    probe = (
        "import sys, cramp_triage\n"
        "from cramp_triage import RulePack, default_rules_path, Triager\n"
        "pack = RulePack.load(default_rules_path())\n"
        "assert 'reader' not in vars(pack), 'built at load'\n"
        "triager = Triager(pack)\n"
        "triager.triage({'medications': ['Lipitor 20 mg', 'stopped Lasix', 'water tablet']})\n"
        "assert 'rapidfuzz' not in sys.modules, 'imported for known names'\n"
        "triager.triage({'medications': ['atorvastatn']})\n"
        "assert 'rapidfuzz' in sys.modules\n"
    )
    # A pack read from its files (nothing kept between processes): the reader waits for its first use.
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CRAMP_TRIAGE_CACHE": "off"})
    assert done.returncode == 0, done.stderr


def test_a_kept_pack_comes_with_its_reader_built(tmp_path):
    """The pack kept between processes carries the reader built once, before it was kept; a
    known name still needs no rapidfuzz."""
    probe = (
        "import sys\n"
        "from cramp_triage import RulePack, default_rules_path\n"
        "pack = RulePack.load(default_rules_path())\n"
        "assert 'reader' in vars(pack), 'not kept with the pack'\n"
        "assert pack.reader.read('Lipitor 20 mg').matches\n"
        "assert 'rapidfuzz' not in sys.modules\n"
    )
    env = {**os.environ, "CRAMP_TRIAGE_CACHE": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "from cramp_triage import RulePack, default_rules_path; "
                    "RulePack.load(default_rules_path())"], check=True, env=env, timeout=120)  # keeps it
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr


# --- the typo threshold ----------------------------------------------------------------------


def test_lint_refuses_names_of_different_medicines_within_one_typo(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(default_rules_path(), pack)
    vocabulary = pack / "vocabulary" / "medications.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("brands: {US: [Microzide], EU: [Esidrex]}",
                                       "brands: {US: [Microzide, Lipitorr], EU: [Esidrex]}"), encoding="utf-8")
    problems = [str(p) for p in lint_pack(pack) if p.severity == "error"]
    assert problems == ["vocabulary/medications.yaml: error: 'lipitor' and 'lipitorr' name different medicines "
                        "(or classes) within one typo of each other; a typo of one could be read as the other"]


def test_no_two_names_of_different_medicines_are_within_one_typo(pack):
    assert pack.reader.close_pairs() == []


@pytest.mark.parametrize(("looser", "why"), [
    (Threshold(max_edits=1, min_letters=THRESHOLD.min_letters - 1), "shorter words"),
    (Threshold(max_edits=THRESHOLD.max_edits + 1, min_letters=THRESHOLD.min_letters), "two edits"),
])
def test_a_looser_threshold_brings_different_medicines_within_reach(pack, looser, why):
    assert Reader(pack.vocabulary, looser).close_pairs(), why


def test_a_tighter_threshold_misses_typos_of_the_list(pack):
    tighter = Reader(pack.vocabulary, Threshold(THRESHOLD.max_edits, THRESHOLD.min_letters + 1))
    typos = [row for row in ROWS if row.kind == "typo"]
    missed = [row.text for row in typos if not read_exactly(row, tighter.read(row.text))]
    assert missed
    assert all(read_exactly(row, pack.reader.read(row.text)) for row in typos)


def test_a_fuzzy_reading_names_what_was_typed_and_what_it_was_read_as(pack):
    [match] = pack.reader.read("atorvastatn 20mg").matches
    assert (match.name, match.match, match.typed, match.read_as) == ("atorvastatin", "fuzzy", "atorvastatn",
                                                                     "atorvastatin")


def test_a_typo_as_near_to_two_different_medicines_is_not_read():
    """The shipped names are never this close (the test above), but a pack's might be: a word one
    typo from two products is then read as neither, never as the wrong one."""
    drug = {"group": "g", "label": "a drug", "atc": None, "link": "test", "sources": ["test"]}
    vocabulary = Vocabulary.load({"version": 2, "classes": {"one": drug}, "products": [
        {"name": "zorbalinex", "atc": None, "classes": ["one"], "ingredients": ["zorbalinex"]},
        {"name": "zorbelinex", "atc": None, "classes": ["one"], "ingredients": ["zorbelinex"]}]}, "test")
    reader = Reader(vocabulary)
    assert reader.close_pairs() == [("zorbalinex", "zorbelinex")]
    assert reader.read("zorbilinex 10 mg").unrecognised  # one typo from both
    assert [m.name for m in reader.read("zorbalinexx").matches] == ["zorbalinex"]  # one typo from one
