"""``python -m cramp_triage.cli``: the same as the ``cramp-triage`` command."""

from . import main

main()
