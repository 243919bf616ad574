"""``cramp-triage medicines lookup NAME...``: how each medicine name is read, for app developers
and clinicians checking a list (matched name, how it matched, taken now or not, class, ATC)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from ..untrusted import printable
from .app import RULES_OPTION, FullSummaries, app, load_pack

medicines_app = typer.Typer(help="Check how medicine names are read against the vocabulary.",
                            no_args_is_help=True, rich_markup_mode=None, cls=FullSummaries)
app.add_typer(medicines_app, name="medicines")

HOW = {"exact": "generic name", "brand": "brand", "spelling": "spelling", "combination": "one combination product",
       "fuzzy": "typo, one letter off", "class_word": "class word: the generic is not known"}


@medicines_app.command(epilog="Example: cramp-triage medicines lookup 'Lipitor 20 mg' 'stopped simvastatin' atorvastatn")
def lookup(
    names: list[str] = typer.Argument(..., metavar="NAME...", help="Medicine names as a person types them."),
    json_output: bool = typer.Option(False, "--json", help="Print each reading as JSON."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Show how each name is read: the product (generic name), how it matched (generic name,
    brand, spelling, combination, typo or class word), whether it is taken now, its classes
    linked with cramps and its WHO ATC code; or that it was not recognised, with a hint.

    Names are checked as the intake checks them (at most 50, each 1 to 200 characters).
    """
    from ..intake import parse_intake

    pack = load_pack(rules)
    texts = parse_intake({"medications": names}).medications or []
    readings = pack.reader.read_all(texts)
    if json_output:
        # ASCII escapes: a right-to-left override in a name cannot reorder the terminal's line.
        print(json.dumps([_as_json(reading) for reading in readings], indent=2))
        return
    for reading in readings:
        print("\n".join(describe(reading, pack.vocabulary)))


def _as_json(reading: Any) -> dict[str, Any]:
    return {"given": reading.given, "medicines": [m.model_dump(mode="json") for m in reading.matches],
            "current": reading.current, "unrecognised": reading.unrecognised, "hint": reading.hint,
            "no_medicine": reading.no_medicine}


def describe(reading: Any, vocabulary: Any) -> list[str]:
    """A reading in plain lines: the name as given, then what it was read as."""
    lines = [printable(reading.given)]
    if reading.no_medicine:
        return lines + ["  no medicine"]
    if not reading.matches:
        return lines + ["  not recognised: not checked for a link with cramps" + (" (not taken now)" if not reading.current else ""),
                        *(["  hint: " + reading.hint] if reading.hint else [])]
    for match in reading.matches:
        what = match.name if match.name is not None else f"a {match.label}"
        lines.append(f"  read '{printable(match.typed)}' as {what} ({HOW[match.match]}"
                     + (f": {match.read_as}" if match.match in ("brand", "spelling", "combination", "fuzzy") else "") + ")")
        linked = "; ".join(f"{vocabulary.classes[c].label} [{c}]" for c in match.classes) or "no link with cramps"
        lines.append(f"  class: {linked}; ATC {match.atc or 'none'}")
        lines.append("  taken now" if match.current else "  NOT taken now (stopped, past use or allergy): never a cause")
    return lines


def medicine_sections(result: Any) -> list[tuple[str, list[Any]]]:
    """The parts of ``check``'s text about medicines, as (heading, items): names not recognised
    (with hints), names read other than as typed or not taken now, and the condition questions
    they suggest. ``render`` prints them."""
    from rich.text import Text

    sections: list[tuple[str, list[Any]]] = []
    hints = {hint.given: hint.hint for hint in result.medicine_hints}
    if result.unrecognised_medications:
        sections.append(("Medicines not recognised (not checked for links with cramps)",
                         [Text(printable(name) + (f": {hints[name]}" if name in hints else ""))
                          for name in result.unrecognised_medications]))
    notes = [Text(f"read '{printable(m.typed)}' as {m.name or 'a ' + str(m.label)}" if m.current else
                  f"'{printable(m.given)}': not taken now, so not counted")
             for m in result.medications if m.match in ("fuzzy", "class_word") or not m.current]
    if notes:
        sections.append(("How your medicines were read", notes))
    if result.suggestions:
        sections.append(("Worth checking", [Text(f"{', '.join(s.medicines)}: {s.text}") for s in result.suggestions]))
    return sections
