"""Medicine names -> product, class, group and WHO ATC code; unknown names are kept, never dropped.

Expected codes come from the clinical reference's table (checked against the WHO ATC index),
not from the vocabulary file the code reads.

Updated for vocabulary v2 (issue 10): common medicines with no cramp link (paracetamol,
omeprazole, vitamin D) are now recognised as such instead of being unknown, so the unknown
names below are names no vocabulary holds; a combination reports every class it has; the file
checks follow the v2 layout (products, product-level codes). The whole list of 712 strings is
``test_medicine_list.py``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from cramp_triage import Intake, default_rules_path, triage
from cramp_triage.errors import RulePackError
from cramp_triage.yamlfile import read_yaml
from cramp_triage.pack.vocabulary import Vocabulary

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
    ("Furosémide 40 mg", "furosemide", "diuretic", "C03CA01"),
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

# Combination products: one product, one ATC code (C10BA02, simvastatin and ezetimibe), both classes.
COMBINATIONS = [
    "ezetimibe/simvastatin",
    "Ezetimibe / Simvastatin 10/20 mg",
    "ezetimibe and simvastatin",
    "simvastatin + ezetimibe",
    "Vytorin 10/40",
    "Inegy",
]

NO_LINK = [("paracetamol", "paracetamol", "N02BE01"), ("Tylenol 500 mg", "paracetamol", "N02BE01"),
           ("vitamin D3 1000 IU", "colecalciferol", "A11CC05"), ("Omeprazole 20 mg", "omeprazole", "A02BC01")]
UNKNOWN = ["20 mg", "Stat1n", "chamomile tea", "xyzzy"]


def read(pack, text):
    return list(pack.reader.read(text).matches)


@pytest.mark.parametrize(("text", "name", "group", "atc"), KNOWN, ids=[row[0] for row in KNOWN])
def test_name_maps_to_class_and_atc(pack, text, name, group, atc):
    matches = read(pack, text)
    assert [(m.name, m.group, m.atc) for m in matches] == [(name, group, atc)]
    assert matches[0].given == text
    assert matches[0].current


@pytest.mark.parametrize("text", COMBINATIONS)
def test_combination_is_one_statin_product(pack, text):
    matches = read(pack, text)
    assert [(m.group, m.atc, m.classes) for m in matches] == [("statin", "C10BA02", ["statin", "lipid_lowering_other"])]


@pytest.mark.parametrize(
    ("text", "kind", "prefix"),
    [("Microzide", "diuretic_thiazide", "C03A"), ("Hygroton", "diuretic_thiazide_like", "C03B"),
     ("Bumex", "diuretic_loop", "C03C"), ("Demadex", "diuretic_loop", "C03C"),
     ("Midamor", "diuretic_potassium_sparing", "C03D"), ("Inspra", "diuretic_potassium_sparing", "C03D")],
)
def test_diuretics_are_told_apart_by_kind(pack, text, kind, prefix):
    [match] = read(pack, text)
    assert match.drug_class == kind
    assert match.group == "diuretic"
    assert match.atc.startswith(prefix)
    assert "diuretic" in match.label


def test_two_separate_medicines_in_one_text_are_both_found(pack):
    matches = read(pack, "Lipitor and Lasix")
    assert [(m.name, m.atc) for m in matches] == [("atorvastatin", "C10AA05"), ("furosemide", "C03CA01")]


@pytest.mark.parametrize(("text", "name", "atc"), NO_LINK)
def test_a_medicine_with_no_link_is_recognised_and_never_a_cause(text, name, atc):
    result = triage(Intake(medications=[text]))
    assert [(m.name, m.atc, m.drug_class, m.classes) for m in result.medications] == [(name, atc, None, [])]
    assert result.unrecognised_medications == []
    assert not any(fact["fact"] == "medication" for step in result.trace for fact in step.matched)


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown_name_is_kept_as_given(text):
    result = triage(Intake(medications=[text, "Lipitor"]))
    assert result.unrecognised_medications == [text]
    assert [m.name for m in result.medications] == ["atorvastatin"]


def test_unknown_names_are_never_dropped_and_named_as_not_checked():
    """Issue 10: a name that could not be checked no longer gives "nothing points to a cause";
    the rules name what could not be checked and send the person to a pharmacist."""
    result = triage({"medications": ["Paracetamol", "my blue pill", "ibuprofen gel"]})
    assert result.unrecognised_medications == ["my blue pill"]
    assert [c.category for c in result.causes] == ["medicine_unchecked"]
    assert result.causes[0].evidence == ["could not check: my blue pill"]
    assert "nothing" not in result.causes[0].explanation.lower()
    assert [s.id for s in result.see] == ["pharmacist_check"]


def test_a_name_not_taken_now_needs_no_check():
    result = triage({"medications": ["stopped my blue pill"]})
    assert result.unrecognised_medications == ["stopped my blue pill"]
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


def test_a_combination_of_two_groups_reaches_both_risk_factors():
    result = triage({"medications": ["Inegy 10/20"]})
    concluded = {fact["name"] for step in result.trace for fact in step.concluded if fact["fact"] == "finding"}
    assert {"rf_statin", "rf_lipid_lowering"} <= concluded


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
# Where the WHO index has no substance code, the data README says which code stands instead.
NO_SUBSTANCE_CODE = {"iron sucrose": "B03AC", "ferric carboxymaltose": "B03AC", "insulin": "A10A",
                     "inhaled corticosteroid": "R03BA", "calcium carbonate and colecalciferol": "A12AX",
                     "magnesium": "A12CC"}
NO_CODE = {"levosalbutamol", "arformoterol", "tonic water"}


def _level(code: str) -> int | None:
    return next((level for level, shape in ATC_LEVEL.items() if shape.match(code)), None)


@pytest.fixture(scope="module")
def vocabulary_file() -> dict:
    return read_yaml(Path(default_rules_path()) / "vocabulary" / "medications.yaml", RulePackError)


def test_every_atc_code_has_a_valid_shape(vocabulary_file):
    for class_id, drug_class in vocabulary_file["classes"].items():
        if drug_class["atc"] is not None:
            assert _level(drug_class["atc"]) in (1, 2, 3, 4, 5), class_id
    for product in vocabulary_file["products"]:
        code = product["atc"]
        if code is None:
            assert product["name"] in NO_CODE
            continue
        if product["name"] in NO_SUBSTANCE_CODE:
            assert code == NO_SUBSTANCE_CODE[product["name"]]
        else:
            assert _level(code) == 5, (product["name"], code)


def test_single_medicine_codes_sit_under_their_class_code(vocabulary_file):
    classes = vocabulary_file["classes"]
    for product in vocabulary_file["products"]:
        if len(product["ingredients"]) != 1 or not product["classes"] or product["atc"] is None:
            continue  # combinations are filed under their own codes (C09DA, R03AK...)
        class_code = classes[product["classes"][0]]["atc"]
        if class_code is not None:
            assert product["atc"].startswith(class_code), (product["name"], product["atc"], class_code)


def test_statin_codes_match_the_who_index(vocabulary_file):
    # The clinical reference warns that public code often mis-maps statin codes.
    who = {"simvastatin": "C10AA01", "lovastatin": "C10AA02", "pravastatin": "C10AA03", "fluvastatin": "C10AA04",
           "atorvastatin": "C10AA05", "rosuvastatin": "C10AA07", "pitavastatin": "C10AA08"}
    shipped = {p["name"]: p["atc"] for p in vocabulary_file["products"] if p["classes"] == ["statin"]}
    assert {name: shipped[name] for name in who} == who


def test_one_code_for_a_combination_however_it_is_written(pack):
    """Caduet and "amlodipine/atorvastatin" are one product with one code (C10BX03)."""
    codes = {m.atc for text in ("Caduet", "amlodipine/atorvastatin 10/20", "atorvastatin with amlodipine")
             for m in read(pack, text)}
    assert codes == {"C10BX03"}


# --- a broken vocabulary is refused, naming the entry ------------------------------------------


def _load(data: dict):
    return Vocabulary.load(data, "vocabulary/medications.yaml")


def test_a_name_given_to_two_products_is_refused_naming_both(vocabulary_file):
    data = copy.deepcopy(vocabulary_file)
    data["products"][0]["brands"]["UK"].append("Lipitor")
    with pytest.raises(RulePackError) as caught:
        _load(data)
    message = str(caught.value)
    assert "products[0] (simvastatin)" in message and "'Lipitor'" in message and "atorvastatin" in message


@pytest.mark.parametrize(("change", "named"), [
    (lambda d: d["products"][0].update(classes=["statins"]), "products[0] (simvastatin).classes: unknown class 'statins'"),
    (lambda d: d["products"][1].pop("atc"), "products[1] (lovastatin).atc: Field required"),
    (lambda d: d["products"][2]["brands"].update(XX=["Foo"]), "products[2] (pravastatin).brands.XX"),
    (lambda d: d["products"][3].update(suggests=["gout"]), "products[3] (fluvastatin).suggests"),
    (lambda d: d["class_words"].update(opioid=["opioid"]), "class_words.opioid: unknown class"),
    (lambda d: d.update(version=1), "version"),
])
def test_a_broken_entry_is_named(vocabulary_file, change, named):
    data = copy.deepcopy(vocabulary_file)
    change(data)
    with pytest.raises(RulePackError) as caught:
        _load(data)
    assert named in str(caught.value)
