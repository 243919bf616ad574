"""`cramp-triage medicines lookup NAME...`: how each name is read, as text and as JSON, with the
person's text printed safely; and the medicine parts of `check`'s text."""

from __future__ import annotations

import json

from cli_helpers import assert_one_line_error, run

from cramp_triage import triage


def test_lookup_shows_how_each_name_is_read():
    result = run("medicines", "lookup", "Lipitor 20 mg", "stopped simvastatin", "atorvastatn", "water tablet",
                 "inhaler", "xyzzy", "none")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Lipitor 20 mg",
        "  read 'Lipitor' as atorvastatin (brand: Lipitor)",
        "  class: statin (cholesterol-lowering medicine) [statin]; ATC C10AA05",
        "  taken now",
        "stopped simvastatin",
        "  read 'simvastatin' as simvastatin (generic name)",
        "  class: statin (cholesterol-lowering medicine) [statin]; ATC C10AA01",
        "  NOT taken now (stopped, past use or allergy): never a cause",
        "atorvastatn",
        "  read 'atorvastatn' as atorvastatin (typo, one letter off: atorvastatin)",
        "  class: statin (cholesterol-lowering medicine) [statin]; ATC C10AA05",
        "  taken now",
        "water tablet",
        "  read 'water tablet' as a diuretic (water tablet) (class word: the generic is not known)",
        "  class: diuretic (water tablet) [diuretic]; ATC C03",
        "  taken now",
        "inhaler",
        "  not recognised: not checked for a link with cramps",
        "  hint: Which inhaler? The name is on the inhaler or its box (for example Ventolin or Symbicort). "
        "Many preventer and combination inhalers contain a long-acting reliever.",
        "xyzzy",
        "  not recognised: not checked for a link with cramps",
        "none",
        "  no medicine",
    ]


def test_lookup_json_is_the_reading_with_the_result_shape(pack):
    result = run("medicines", "lookup", "--json", "Caduet", "amlodipine/atorvastatin 10/20", "Furosémide")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["given"] for d in data] == ["Caduet", "amlodipine/atorvastatin 10/20", "Furosémide"]
    assert [[m["atc"] for m in d["medicines"]] for d in data] == [["C10BX03"], ["C10BX03"], ["C03CA01"]]
    expected = [m.model_dump(mode="json") for m in pack.reader.read("Caduet").matches]
    assert data[0]["medicines"] == expected
    assert {key for d in data for key in d} == {"given", "medicines", "current", "unrecognised", "hint", "no_medicine"}


def test_untrusted_text_cannot_drive_the_terminal():
    evil = "Lipitor\x1b[2J\x1b]0;owned\x07\nfake line\u202e"
    as_json = run("medicines", "lookup", "--json", evil)
    assert json.loads(as_json.stdout)[0]["given"] == evil and "\u202e" not in as_json.stdout
    result = run("medicines", "lookup", evil)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "Lipitor\\u001b[2J\\u001b]0;owned\\u0007\\u000afake line\\u202e"  # as JSON writes them
    assert lines[1] == "  read 'Lipitor' as atorvastatin (brand: Lipitor)"


def test_check_text_prints_names_safely():
    result = run("check", "--no-input", "--medication", "x\x1b[2Jy\u202e", "--medication", "stopped Lasix\x07",
                 env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\x07" not in result.stdout
    assert "  - x\\u001b[2Jy\\u202e" in result.stdout


def test_lookup_checks_names_as_the_intake_does():
    assert_one_line_error(run("medicines", "lookup", "x" * 201), 2)
    assert "medications.0" in run("medicines", "lookup", "x" * 201).stderr
    assert_one_line_error(run("medicines", "lookup"), 2)


def test_check_text_says_how_medicines_were_read():
    result = run("check", "--no-input", "--medication", "atorvastatn", "--medication", "stopped Lasix",
                 "--medication", "inhaler", "--medication", "metformin", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "  - read 'atorvastatn' as atorvastatin" in text
    assert "  - 'stopped Lasix': not taken now, so not counted" in text
    assert "  - inhaler: Which inhaler?" in text
    suggestion = triage({"medications": ["metformin"]}).suggestions[0]
    assert f"  - metformin: {suggestion.text.split('.')[0]}." in text
