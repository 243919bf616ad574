"""``cramp-triage schema intake|result``: the JSON Schemas of the intake and of the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from .app import RULES_OPTION, load_pack, schema_app


def _print_schema(schema: dict[str, Any]) -> None:
    print(json.dumps(schema, indent=2))


@schema_app.command(epilog="Example: cramp-triage schema intake > intake.schema.json")
def intake(rules: Optional[Path] = RULES_OPTION) -> None:
    """Print the JSON Schema of the intake (what --input takes, exactly: no more, no less).

    The schema does not depend on the rule pack; --rules only checks that the pack loads.
    """
    from ..schemas import intake_schema

    if rules is not None:
        load_pack(rules)
    _print_schema(intake_schema())


@schema_app.command(epilog="Example: cramp-triage schema result > result.schema.json")
def result(rules: Optional[Path] = RULES_OPTION) -> None:
    """Print the JSON Schema of the result (what check --json prints).

    The schema does not depend on the rule pack; --rules only checks that the pack loads.
    """
    from ..schemas import result_schema

    if rules is not None:
        load_pack(rules)
    _print_schema(result_schema())
