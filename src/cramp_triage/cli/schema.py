"""``cramp-triage schema intake|result``: the JSON Schemas of the intake and of the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from .app import RULES_OPTION, load_pack, schema_app


def _print_schema(model: type) -> None:
    print(json.dumps(model.model_json_schema(), indent=2))  # type: ignore[attr-defined]


@schema_app.command(epilog="Example: cramp-triage schema intake > intake.schema.json")
def intake(rules: Optional[Path] = RULES_OPTION) -> None:
    """Print the JSON Schema of the intake (what --input takes).

    The schema does not depend on the rule pack; --rules only checks that the pack loads.
    """
    from ..intake import Intake

    if rules is not None:
        load_pack(rules)
    _print_schema(Intake)


@schema_app.command(epilog="Example: cramp-triage schema result > result.schema.json")
def result(rules: Optional[Path] = RULES_OPTION) -> None:
    """Print the JSON Schema of the result (what check --json prints).

    The schema does not depend on the rule pack; --rules only checks that the pack loads.
    """
    from ..result import TriageResult

    if rules is not None:
        load_pack(rules)
    _print_schema(TriageResult)
