"""``cramp-triage serve``: the HTTP service (needs the ``cramp-triage[server]`` extra)."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from .app import REGION_OPTION, RULES_OPTION, app, fail


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command(epilog="Example: cramp-triage serve --port 8000")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Anything but loopback needs "
                             "--allow-remote: the service has no TLS and no authentication of its own."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on (0: any free port)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes."),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help="Seconds one request may take."),
    max_body: int = typer.Option(64 * 1024, "--max-body", min=1024, help="Largest request body, in bytes."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log",
                                    help="Log each request's method, path and status (never its body)."),
    allow_remote: bool = typer.Option(False, "--allow-remote", help="Listen on a non-loopback address."),
    rules: Optional[Path] = RULES_OPTION,
    region: Optional[str] = REGION_OPTION,
) -> None:
    """Serve triage over HTTP: JSON, FHIR R4 and CDS Hooks 2.0. Needs cramp-triage[server].

    Endpoints: POST /v1/triage, /v1/explain, /v1/next-question; GET /v1/schema/intake,
    /v1/questionnaire, /healthz; GET /cds-services and POST /cds-services/cramp-triage;
    the OpenAPI document at /openapi.json. Errors are RFC 9457 problem details. Request bodies
    are never logged. --region is the region when a request names none (?region=AU does).
    """
    try:
        import uvicorn  # noqa: F401
        import fastapi  # noqa: F401
    except ImportError:
        fail("the HTTP service needs its extra: pip install 'cramp-triage[server]'")
    if not _loopback(host) and not allow_remote:
        fail(f"{host} is not a loopback address; the service has no TLS or authentication of its own: "
             "put it behind a proxy that has, and pass --allow-remote")
    from ..pack import RulePack, default_rules_path
    from ..server.app import SETTINGS_ENV, Settings

    if rules is not None or region is not None:
        # A broken pack, or a region it lacks, is one line here, not an error in each worker.
        RulePack.load(rules if rules is not None else default_rules_path()).wording(region)
    settings = Settings(max_body=max_body, timeout=timeout, rules=str(rules) if rules is not None else None,
                        region=region)
    os.environ[SETTINGS_ENV] = settings.to_env()  # each worker process builds its app from these
    print(f"cramp-triage: serving on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}); "
          "Ctrl-C stops", file=sys.stderr, flush=True)
    import uvicorn

    uvicorn.run("cramp_triage.server.app:create_app", factory=True, host=host, port=port, workers=workers,
                http="cramp_triage.server.nodelay:NoDelayProtocol", access_log=access_log, log_level="info",
                server_header=False, timeout_graceful_shutdown=5)
