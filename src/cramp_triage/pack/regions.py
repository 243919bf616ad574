"""Regions: where a person is, so the words name the right emergency number and the right place
for same-day advice. ``regions.yaml`` holds them (data, with the official pages they were checked
against); terms and the disclaimer name them only through placeholders (``{emergency}``,
``{urgent}``, ``{region}``), filled here into one ``Wording`` per region.

The engine never sees a region: the rules decide the same level, causes and referrals wherever
the person is, and only the words a person reads change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from ..errors import Problem, RegionError
from ..result import Level, When
from .schema import Manifest, Terms, _Strict

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class RegionSource(_Strict):
    title: str
    url: str


class Region(_Strict):
    name: str = Field(description="As it reads after 'in': 'the UK', 'Ireland'.")
    emergency: str = Field(description="The emergency number(s): '999', '112 or 999'.")
    urgent: str = Field(description="Where to get medical help the same day, read after 'in {region}, ': "
                                    "'call NHS 111'.")
    sources: list[RegionSource] = Field(min_length=1, description="Official pages the services were checked against.")

    def values(self) -> dict[str, str]:
        """Placeholder -> its words."""
        return {"region": self.name, "emergency": self.emergency, "urgent": self.urgent}


PLACEHOLDERS = ("emergency", "region", "urgent")


RegionCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]  # UK, US, EU...


class Regions(_Strict):
    regions: dict[RegionCode, Region] = Field(min_length=1)


def fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


@dataclass(frozen=True)
class Wording:
    """Every word of a pack a person reads, for one region."""

    region: str
    terms: Terms
    disclaimer: str
    safety_nets: dict[Level, str]  # level -> its ``if_worse``


def wording(code: str, region: Region, terms: Terms, manifest: Manifest) -> Wording:
    values = region.values()
    filled = Terms.model_validate(_fill_all(terms.model_dump(), values))
    return Wording(code, filled, fill(manifest.disclaimer, values), safety_nets(filled))


def _fill_all(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return fill(value, values)
    if isinstance(value, dict):
        return {key: _fill_all(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill_all(item, values) for item in value]
    return value


def safety_nets(terms: Terms) -> dict[Level, str]:
    """Level -> its ``if_worse``: one sentence per level in its ``safety_net``, listing the signs
    of every red flag at that level (generated, so the two cannot drift apart), then the level's
    own ``if_worse`` words."""
    signs: dict[Level, list[str]] = {level: [] for level in Level}
    for finding in terms.findings.values():
        if finding.kind == "red_flag" and finding.sign not in signs[finding.level]:  # type: ignore[index]
            signs[finding.level].append(finding.sign)  # type: ignore[index,arg-type]
    nets: dict[Level, str] = {}
    for level, term in terms.levels.items():
        sentences = [f"{terms.levels[net].lead} {'; '.join(signs[net])}." for net in term.safety_net if signs[net]]
        nets[level] = " ".join(sentences + ([term.if_worse] if term.if_worse else []))
    return nets


def unknown_region(code: object, known: list[str]) -> RegionError:
    return RegionError("unknown region", [Problem("region", f"{code!r} is not a region of this rule pack; "
                                                            f"use one of {', '.join(known)}")])


# --- checks at load -------------------------------------------------------------------------

# Texts that send a person to emergency services, or for help today, must say where: the
# placeholder each needs. A pack that dropped one would send someone to "emergency services"
# without the number.
NEEDS = {"emergency": "the emergency number: use {emergency}", "urgent": "where to get help today: use {urgent}"}


def check(manifest: Manifest, terms: Terms, regions: Regions) -> Iterator[Problem]:
    """Placeholders: every one known, every text that must name a service naming it, and the
    default region one of the pack's."""
    if manifest.default_region not in regions.regions:
        yield Problem("pack.yaml: default_region", f"{manifest.default_region!r} is not in {manifest.regions}; "
                                                   f"known: {', '.join(regions.regions)}")
    texts = [("pack.yaml: disclaimer", manifest.disclaimer)]
    texts += [(f"{manifest.terms}: {path}", text) for path, text in _texts(terms.model_dump(mode="json"))]
    for where, text in texts:
        for name in PLACEHOLDER.findall(text):
            if name not in PLACEHOLDERS:
                yield Problem(where, f"unknown placeholder {{{name}}}; known: "
                                     f"{', '.join('{' + known + '}' for known in PLACEHOLDERS)}")
    required = [("pack.yaml: disclaimer", manifest.disclaimer, "emergency"),
                (f"{manifest.terms}: levels.emergency.do_now", terms.levels[Level.emergency].do_now, "emergency"),
                (f"{manifest.terms}: levels.urgent.do_now", terms.levels[Level.urgent].do_now, "urgent")]
    placeholder = {When.now: "emergency", When.today: "urgent"}
    required += [(f"{manifest.terms}: see.{name}", f"{term.who} {term.why}", placeholder[term.when])
                 for name, term in terms.see.items() if term.when in placeholder]
    for where, text, name in required:
        if f"{{{name}}}" not in text:
            yield Problem(where, f"must name {NEEDS[name]}")


def _texts(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}.{index}")
