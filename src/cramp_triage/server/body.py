"""Reading a request body: JSON only, at most ``limit`` bytes (checked before and while reading,
so an oversized body is never held whole), UTF-8, and strict (no NaN, no key twice)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from ..errors import IntakeError
from ..files import parse_json
from .problems import ProblemError

JSON_TYPES = ("application/json", "application/fhir+json")


def _too_large(limit: int) -> ProblemError:
    return ProblemError(413, "body-too-large", "Request body too large",
                        f"the request body is over the limit of {limit} bytes")


async def read_json(request: Request, limit: int) -> Any:
    """The parsed JSON body, or a ``ProblemError`` (413, 415 or 400) saying what is wrong."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in JSON_TYPES and not (media_type.startswith("application/") and media_type.endswith("+json")):
        raise ProblemError(415, "unsupported-media-type", "Unsupported media type",
                           "send JSON with Content-Type: application/json (or application/fhir+json)")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ProblemError(400, "invalid-json", "Not JSON", "the request body is empty; send a JSON object")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemError(400, "invalid-json", "Not JSON", "the request body is not UTF-8 text") from None
    try:
        return parse_json(text, "intake", IntakeError)
    except IntakeError as error:
        from .problems import invalid_input

        if any(problem.loc == "intake" for problem in error.problems):  # not JSON at all
            detail = "; ".join(problem.message for problem in error.problems)
            raise ProblemError(400, "invalid-json", "Not JSON", detail) from None
        raise invalid_input(error) from None  # JSON, but with NaN or a key twice: name the field
