"""The HTTP service: ``cramp-triage serve`` (the ``cramp-triage[server]`` extra: FastAPI and
uvicorn). JSON in and out, errors as RFC 9457 problem details, FHIR R4 and CDS Hooks 2.0.

``create_app()`` builds the FastAPI app; nothing here is imported by ``import cramp_triage``.
"""

from .app import Settings, create_app

__all__ = ["Settings", "create_app"]
