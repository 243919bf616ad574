"""Who we are, for what we publish: the library's name and version, and the canonical URIs that
name our JSON Schemas and FHIR resources.

The URIs are URNs: they name a schema or a Questionnaire wherever a service runs, and promise no
address on the web that could go stale.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

NAME = "cramp-triage"
CANONICAL = "urn:cramp-triage"


@cache
def library_version() -> str:
    """The installed version, read once: the look-up scans the installed distributions."""
    try:
        return version(NAME)
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
