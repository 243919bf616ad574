"""The ``cramp-triage`` command: the apps live in ``cli_app``; each module below adds commands."""

from __future__ import annotations

from . import cli_check  # noqa: F401 - registers `check`
from .cli_app import app

# Command modules (one per area) register on import; keep this list in one place.
from . import cli_scenarios  # noqa: F401
from . import cli_explain  # noqa: F401
from . import cli_rules  # noqa: F401
from . import cli_schema  # noqa: F401
from . import cli_verify  # noqa: F401
from . import cli_batch  # noqa: F401
# cli-modules:end


def main() -> None:
    app()


if __name__ == "__main__":
    main()
