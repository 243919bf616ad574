"""CDS Hooks 2.0: the discovery document and the cards for one call. Plain data in and out; the
app (``app.py``) serves them.

The hook is ``patient-view``: a clinician opens the chart of a patient who has answered the
cramp-triage Questionnaire, and sees how urgent the answers are. No standard hook fires when a
questionnaire is completed (``questionnaire-inprogress`` was proposed, never adopted), and
``patient-view`` is the one every CDS client supports. The client sends the patient's newest
``QuestionnaireResponse`` to our Questionnaire in ``prefetch.questionnaireResponse`` (the
template below), or in ``context.questionnaireResponse``; the service never calls the client's
FHIR server itself, so without either it answers 412, as the specification asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import IntakeError, Problem
from ..fhir_response import QUESTIONNAIRE_URL
from ..result import Level, TriageResult

SERVICE_ID = "cramp-triage"
HOOK = "patient-view"
PREFETCH_KEY = "questionnaireResponse"
PREFETCH = {
    PREFETCH_KEY: (f"QuestionnaireResponse?patient={{{{context.patientId}}}}&questionnaire={QUESTIONNAIRE_URL}"
                   "&status=completed&_sort=-authored&_count=1"),
}
# Four levels onto the three indicators: the clinician reading the chart *is* the doctor a
# "see a doctor" level sends the patient to, so that is information, not a warning.
INDICATORS = {Level.self_care: "info", Level.see_professional: "info", Level.urgent: "warning",
              Level.emergency: "critical"}
MAX_SUMMARY = 139  # the specification: "<140-character summary"
LEVEL_CODES = "urn:cramp-triage:code:level"


def discovery() -> dict[str, Any]:
    return {"services": [{
        "hook": HOOK,
        "id": SERVICE_ID,
        "title": "Night-time leg cramp triage",
        "description": ("Triage of the patient's answers to the cramp-triage Questionnaire: how urgent, the "
                        "warning signs found, possible causes, whom to see, each from cited rules."),
        "prefetch": dict(PREFETCH),
        "usageRequirements": (f"The patient answers the Questionnaire {QUESTIONNAIRE_URL} (GET /v1/questionnaire); "
                              "the client sends the newest QuestionnaireResponse as prefetch. The service never "
                              "calls the client's FHIR server."),
    }]}


class NoData(Exception):
    """The request carried no QuestionnaireResponse and the service will not fetch one (412)."""


def response_in(request: Any) -> Mapping[str, Any] | None:
    """The QuestionnaireResponse a hook request carries: from the prefetch (a resource, or a
    search Bundle whose newest one is used) or the context. ``None`` when the client says the
    patient has none (the prefetch key present with null). Raises ``IntakeError`` for a
    malformed request and ``NoData`` when neither place holds one."""
    problems = []
    if not isinstance(request, Mapping):
        raise IntakeError("invalid CDS Hooks request", [Problem("body", "expected a JSON object")])
    if request.get("hook") != HOOK:
        problems.append(Problem("hook", f"this service answers the {HOOK} hook"))
    if not isinstance(request.get("hookInstance"), str):
        problems.append(Problem("hookInstance", "required: the UUID of this hook call"))
    context = request.get("context")
    if not isinstance(context, Mapping):
        problems.append(Problem("context", "required: the hook's context object"))
    prefetch = request.get("prefetch", {})
    if not isinstance(prefetch, Mapping):
        problems.append(Problem("prefetch", "expected an object of prefetched resources"))
    if problems:
        raise IntakeError("invalid CDS Hooks request", problems)
    assert isinstance(context, Mapping) and isinstance(prefetch, Mapping)
    for where, holder in (("prefetch", prefetch), ("context", context)):
        if PREFETCH_KEY not in holder:
            continue
        found = holder[PREFETCH_KEY]
        if found is None:
            return None  # the client has no response for this patient
        if isinstance(found, Mapping) and found.get("resourceType") == "Bundle":
            return _newest(found, f"{where}.{PREFETCH_KEY}")
        if isinstance(found, Mapping) and found.get("resourceType") == "OperationOutcome":
            continue  # the client could not fetch it
        if not isinstance(found, Mapping):
            raise IntakeError("invalid CDS Hooks request", [
                Problem(f"{where}.{PREFETCH_KEY}", "expected a QuestionnaireResponse or a search Bundle")])
        return found
    raise NoData(f"send the patient's QuestionnaireResponse in prefetch.{PREFETCH_KEY} or context.{PREFETCH_KEY}")


def _newest(bundle: Mapping[str, Any], where: str) -> Mapping[str, Any] | None:
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise IntakeError("invalid CDS Hooks request", [Problem(f"{where}.entry", "expected a list of entries")])
    found = [entry["resource"] for entry in entries
             if isinstance(entry, Mapping) and isinstance(entry.get("resource"), Mapping)
             and entry["resource"].get("resourceType") == "QuestionnaireResponse"]
    if not found:
        return None
    # ISO 8601 instants of one time zone order as text; a response without one counts as oldest.
    return max(found, key=lambda resource: str(resource.get("authored", "")))


# -- cards ---------------------------------------------------------------------------------------


class CardSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    url: str | None = None
    topic: dict[str, str] | None = None


class Card(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(max_length=MAX_SUMMARY)
    indicator: str = Field(pattern="^(info|warning|critical)$")
    detail: str = Field(description="GitHub-flavoured Markdown.")
    source: CardSource


class CardsResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cards: list[Card]


def cards(result: TriageResult, unanswered: list[str]) -> list[dict[str, Any]]:
    """The level card, and a card for warning signs not asked about (``unanswered``: their
    questions, when the result does not list them itself)."""
    label = f"cramp-triage, rule pack {result.rule_pack.name} {result.rule_pack.version}"
    level_card = {
        "summary": summary(f"Leg cramps: {result.level_label}", [finding.label for finding in result.serious]),
        "indicator": INDICATORS[result.level],
        "detail": level_detail(result),
        "source": {"label": label, **_cited(result),
                   "topic": {"system": LEVEL_CODES, "code": result.level.value, "display": result.level_label}},
    }
    found = [level_card]
    questions = _unanswered_red_flags(result) or unanswered
    if questions:
        found.append({
            "summary": summary(f"Leg cramps: {len(questions)} warning sign{'s' if len(questions) > 1 else ''} "
                               "not asked about", []),
            "indicator": "warning",
            "detail": "These answers are unknown, and could make the triage more urgent. Ask about them:\n\n"
                      + "\n".join(f"- {markdown(question)}" for question in questions),
            "source": {"label": label},
        })
    return found


def _unanswered_red_flags(result: TriageResult) -> list[str]:
    """The result's own list of red flags not answered, where the rule pack gives one: each as
    its question or label, whatever shape its items take."""
    items = getattr(result, "unanswered_red_flags", None) or []
    texts = []
    for item in items:
        if isinstance(item, str):
            texts.append(item)
            continue
        for name in ("question", "label", "field", "id"):
            value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
            if isinstance(value, str) and value:
                texts.append(value)
                break
    return texts


def _cited(result: TriageResult) -> dict[str, str]:
    """The URL of the source behind the most urgent finding (or of the first rule with one)."""
    deciding = [finding.rule for finding in result.serious]
    steps = sorted(result.trace, key=lambda step: step.rule not in deciding)  # stable: firing order
    for step in steps:
        for citation in step.citations:
            if citation.url:
                return {"url": citation.url}
    return {}


def summary(head: str, reasons: list[str]) -> str:
    """One line under 140 characters: the head, then the first reason, cut with "…" if need be."""
    text = f"{head} ({reasons[0]})" if reasons else head
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1].rstrip() + "…"


_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def markdown(text: str) -> str:
    """Plain text made safe in Markdown: every ASCII punctuation mark escaped, so words (a
    medicine name someone typed, say) can never become a link, an image or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def level_detail(result: TriageResult) -> str:
    lines = [f"**{markdown(result.level_label)}** ({markdown(result.level.value)})", "",
             f"**Do now:** {markdown(result.do_now)}", "", f"**If it gets worse:** {markdown(result.if_worse)}"]
    sections = [
        ("Warning signs", [f"{markdown(f.label)} ({markdown(f.rule)})" for f in result.serious]),
        ("Possible causes", [f"{markdown(c.label)}: {markdown(c.explanation)}" for c in result.causes]),
        ("Whom to see", [f"{markdown(r.who)}: {markdown(r.why)}" for r in result.see]),
        ("Self-care", [markdown(step.text) for step in result.self_care]),
        ("Medicines recognised", [f"{markdown(m.given)}: {markdown(m.label)}" for m in result.medications]),
        ("Medicines not recognised", [markdown(name) for name in result.unrecognised_medications]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"**{title}**", "", *(f"- {item}" for item in items)]
    sources: dict[str, str | None] = {}
    for step in result.trace:
        for citation in step.citations:
            sources.setdefault(citation.source, citation.url)
    cited = [f"[{markdown(name)}]({url})" if url else markdown(name) for name, url in sources.items()]
    lines += ["", f"**Sources:** {', '.join(cited)}", "", f"_{markdown(result.disclaimer)}_"]
    return "\n".join(lines)
