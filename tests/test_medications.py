"""Medicine names -> drug class, group and WHO ATC code; unknown names are kept, never dropped.

Expected codes come from the clinical reference's table (checked against the WHO ATC index),
not from the vocabulary file the code reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cramp_triage import Intake, default_rules_path, triage
from cramp_triage.files import read_yaml
from cramp_triage.errors import RulePackError

# text as a person types it -> (generic name, group the rules match on, ATC code)
KNOWN: list[tuple[str, str, str, str]] = [
    # statins (C10AA), generic names and brands, any case, with doses and forms
    ("simvastatin", "simvastatin", "statin", "C10AA01"),
    ("Zocor", "simvastatin", "statin", "C10AA01"),
    ("lovastatin", "lovastatin", "statin", "C10AA02"),
    ("Mevacor 20mg", "lovastatin", "statin", "C10AA02"),
    ("Pravachol", "pravastatin", "statin", "C10AA03"),
    ("fluvastatin XL 80 mg", "fluvastatin", "statin", "C10AA04"),
    ("Lipitor 20 mg tablets", "atorvastatin", "statin", "C10AA05"),
    ("ATORVASTATIN", "atorvastatin", "statin", "C10AA05"),
    ("lipitor", "atorvastatin", "statin", "C10AA05"),
    ("Crestor", "rosuvastatin", "statin", "C10AA07"),
    ("rosuvastatin 10 mg once daily", "rosuvastatin", "statin", "C10AA07"),
    ("Livalo", "pitavastatin", "statin", "C10AA08"),
    # other cholesterol-lowering medicines (C10)
    ("ezetimibe 10mg", "ezetimibe", "lipid_lowering", "C10AX09"),
    ("Zetia", "ezetimibe", "lipid_lowering", "C10AX09"),
    ("fenofibrate", "fenofibrate", "lipid_lowering", "C10AB05"),
    ("Lopid", "gemfibrozil", "lipid_lowering", "C10AB04"),
    # diuretics (C03) by kind
    ("hydrochlorothiazide 25 mg", "hydrochlorothiazide", "diuretic", "C03AA03"),
    ("chlorthalidone", "chlortalidone", "diuretic", "C03BA04"),
    ("Indapamide SR 1.5mg", "indapamide", "diuretic", "C03BA11"),
    ("FUROSEMIDE 40MG", "furosemide", "diuretic", "C03CA01"),
    ("Lasix", "furosemide", "diuretic", "C03CA01"),
    ("frusemide", "furosemide", "diuretic", "C03CA01"),
    ("spironolactone", "spironolactone", "diuretic", "C03DA01"),
    ("Aldactone 25 mg tablet", "spironolactone", "diuretic", "C03DA01"),
    ("eplerenone", "eplerenone", "diuretic", "C03DA04"),
    ("amiloride", "amiloride", "diuretic", "C03DB01"),
    ("triamterene", "triamterene", "diuretic", "C03DB02"),
    # beta-agonist inhalers (R03AC)
    ("Ventolin inhaler 100 mcg", "salbutamol", "beta_agonist", "R03AC02"),
    ("albuterol", "salbutamol", "beta_agonist", "R03AC02"),
    ("Salbutamol", "salbutamol", "beta_agonist", "R03AC02"),
    ("salmeterol", "salmeterol", "beta_agonist", "R03AC12"),
    ("Serevent Diskus", "salmeterol", "beta_agonist", "R03AC12"),
    ("formoterol", "formoterol", "beta_agonist", "R03AC13"),
    # others named by NICE-CKS and AFP-2012
    ("nifedipine", "nifedipine", "other_associated", "C08CA05"),
    ("Adalat LA 30", "nifedipine", "other_associated", "C08CA05"),
    ("raloxifene", "raloxifene", "other_associated", "G03XC01"),
    ("Aleve", "naproxen", "other_associated", "M01AE02"),
    ("teriparatide", "teriparatide", "other_associated", "H05AA02"),
    ("Premarin", "conjugated estrogens", "other_associated", "G03CA57"),
]

# Combination products: one product, one ATC code (C10BA02, simvastatin and ezetimibe).
COMBINATIONS = [
    "ezetimibe/simvastatin",
    "Ezetimibe / Simvastatin 10/20 mg",
    "ezetimibe and simvastatin",
    "simvastatin + ezetimibe",
    "Vytorin 10/40",
    "Inegy",
]

UNKNOWN = ["paracetamol", "Tylenol 500 mg", "vitamin D3 1000 IU", "Omeprazole 20 mg", "20 mg", "Stat1n"]


@pytest.fixture(scope="module")
def vocabulary(pack):
    return pack.vocabulary


@pytest.mark.parametrize(("text", "name", "group", "atc"), KNOWN, ids=[row[0] for row in KNOWN])
def test_name_maps_to_class_and_atc(vocabulary, text, name, group, atc):
    matches = vocabulary.match(text)
    assert [(m.name, m.group, m.atc) for m in matches] == [(name, group, atc)]
    assert matches[0].given == text


@pytest.mark.parametrize("text", COMBINATIONS)
def test_combination_is_one_statin_product(vocabulary, text):
    matches = vocabulary.match(text)
    assert [(m.group, m.atc) for m in matches] == [("statin", "C10BA02")]


@pytest.mark.parametrize(
    ("text", "kind", "prefix"),
    [("Microzide", "diuretic_thiazide", "C03A"), ("Hygroton", "diuretic_thiazide_like", "C03B"),
     ("Bumex", "diuretic_loop", "C03C"), ("Demadex", "diuretic_loop", "C03C"),
     ("Midamor", "diuretic_potassium_sparing", "C03D"), ("Inspra", "diuretic_potassium_sparing", "C03D")],
)
def test_diuretics_are_told_apart_by_kind(vocabulary, text, kind, prefix):
    [match] = vocabulary.match(text)
    assert match.drug_class == kind
    assert match.group == "diuretic"
    assert match.atc.startswith(prefix)
    assert "diuretic" in match.label


def test_two_separate_medicines_in_one_text_are_both_found(vocabulary):
    matches = vocabulary.match("Lipitor and Lasix")
    assert [(m.name, m.atc) for m in matches] == [("atorvastatin", "C10AA05"), ("furosemide", "C03CA01")]


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown_name_is_kept_as_given(text):
    result = triage(Intake(medications=[text, "Lipitor"]))
    assert result.unrecognised_medications == [text]
    assert [m.name for m in result.medications] == ["atorvastatin"]


def test_unknown_names_never_dropped_and_not_a_cause():
    result = triage({"medications": ["Paracetamol", "my blue pill", "ibuprofen gel"]})
    assert result.unrecognised_medications == ["Paracetamol", "my blue pill", "ibuprofen gel"]
    assert result.medications == []
    assert [c.category for c in result.causes] == ["idiopathic"]


def test_same_medicine_twice_is_one_fact_but_both_texts_are_reported():
    result = triage({"medications": ["Lipitor 20 mg", "atorvastatin", "LIPITOR"]})
    assert [m.given for m in result.medications] == ["Lipitor 20 mg", "atorvastatin", "LIPITOR"]
    assert {m.atc for m in result.medications} == {"C10AA05"}
    fired = [step.rule for step in result.trace]
    assert fired.count("RK-STATIN") == 1
    assert [c.category for c in result.causes] == ["medication"]


def test_duplicate_unknown_names_are_kept():
    result = triage({"medications": ["herbal tea", "herbal tea"]})
    assert set(result.unrecognised_medications) == {"herbal tea"}
    assert result.unrecognised_medications


@pytest.mark.parametrize(
    ("text", "finding"),
    [("Zocor", "rf_statin"), ("Zetia", "rf_lipid_lowering"), ("Lasix", "rf_diuretic"),
     ("Ventolin", "rf_beta_agonist"), ("Procardia", "rf_other_medicine")],
)
def test_each_class_reaches_its_risk_factor_and_the_medication_cause(pack, text, finding):
    result = triage({"medications": [text]})
    concluded = {(fact["fact"], fact["name"]) for step in result.trace for fact in step.concluded}
    assert ("finding", finding) in concluded
    assert [c.category for c in result.causes] == ["medication"]
    cause = result.causes[0]
    assert cause.type == "secondary"
    assert cause.evidence == [pack.terms.findings[finding].label]
    assert "prescriber" in [s.id for s in result.see]
    # the risk-factor rule matched the medicine fact of the named medicine
    step = next(s for s in result.trace if ("finding", finding) in {(f["fact"], f["name"]) for f in s.concluded})
    assert [f["name"] for f in step.matched if f["fact"] == "medication"] == [result.medications[0].name]


# --- the vocabulary file itself --------------------------------------------------------------

# WHO ATC levels: 1 anatomical group (C), 2 therapeutic (C10), 3 pharmacological (C10A),
# 4 chemical (C10AA), 5 substance (C10AA05).
ATC_LEVEL = {
    1: re.compile(r"^[A-Z]$"),
    2: re.compile(r"^[A-Z]\d{2}$"),
    3: re.compile(r"^[A-Z]\d{2}[A-Z]$"),
    4: re.compile(r"^[A-Z]\d{2}[A-Z]{2}$"),
    5: re.compile(r"^[A-Z]\d{2}[A-Z]{2}\d{2}$"),
}


def _level(code: str) -> int | None:
    return next((level for level, shape in ATC_LEVEL.items() if shape.match(code)), None)


@pytest.fixture(scope="module")
def vocabulary_file() -> dict:
    return read_yaml(Path(default_rules_path()) / "vocabulary" / "medications.yaml", RulePackError)


def test_every_atc_code_has_a_valid_shape(vocabulary_file):
    for class_id, drug_class in vocabulary_file["classes"].items():
        if drug_class["atc"] is not None:
            assert _level(drug_class["atc"]) in (1, 2, 3, 4), class_id
    for medicine in vocabulary_file["medicines"]:
        code = medicine.get("atc")
        assert code is not None, medicine["name"]
        level = _level(code)
        assert level is not None, (medicine["name"], code)
        # A single substance (or fixed combination) has a 7-character substance code; a class
        # code (level 4) stands only where the vocabulary says so (several product codes).
        if level != 5:
            assert medicine["name"] == "iron sucrose", (medicine["name"], code)


def test_medicine_codes_sit_under_their_class_code(vocabulary_file):
    classes = vocabulary_file["classes"]
    for medicine in vocabulary_file["medicines"]:
        class_code = classes[medicine["class"]]["atc"]
        if class_code is None:
            continue
        code = medicine["atc"]
        if medicine["class"] == "statin" and code.startswith("C10BA"):
            continue  # statin combinations are filed under C10BA, not C10AA
        assert code.startswith(class_code), (medicine["name"], code, class_code)


def test_statin_codes_match_the_who_index(vocabulary_file):
    # The clinical reference warns that public code often mis-maps statin codes.
    who = {"simvastatin": "C10AA01", "lovastatin": "C10AA02", "pravastatin": "C10AA03", "fluvastatin": "C10AA04",
           "atorvastatin": "C10AA05", "rosuvastatin": "C10AA07", "pitavastatin": "C10AA08"}
    shipped = {m["name"]: m["atc"] for m in vocabulary_file["medicines"] if m["class"] == "statin"}
    assert {name: shipped[name] for name in who} == who


def test_no_name_or_brand_is_shared_between_medicines(vocabulary_file):
    seen: dict[str, str] = {}
    for medicine in vocabulary_file["medicines"]:
        for text in (medicine["name"], *medicine.get("brands", [])):
            key = text.lower()
            assert seen.setdefault(key, medicine["name"]) == medicine["name"], text
