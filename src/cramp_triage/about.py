"""Who we are, for what we publish: the library's name and version, and the canonical URIs that
name our JSON Schemas and FHIR resources.

The URIs are URNs: they name a schema or a Questionnaire wherever a service runs, and promise no
address on the web that could go stale.
"""

from __future__ import annotations

NAME = "cramp-triage"
CANONICAL = "urn:cramp-triage"
# The one place the version is written: hatch reads it into the wheel's metadata
# (pyproject.toml, [tool.hatch.version]), so it needs no look-up in the installed
# distributions, which would cost every start (every result names it) about 20 ms.
__version__ = "0.1.0"


def library_version() -> str:
    """The library's version, as its installed metadata gives it."""
    return __version__
