"""``RulePack``: loading a pack folder, and the checks that make a pack usable.

A pack is a folder: ``pack.yaml`` (name, version, sources, disclaimer, default region, rule
files), ``terms.yaml`` (every finding, cause, level, referral and self-care step a rule may
conclude, with its plain words), ``regions.yaml`` (each region's emergency number and where to
get help today, which the words name through placeholders) and ``vocabulary/medications.yaml``. Loading validates everything and reports every
problem with its file and rule id; a pack that loads can be compiled.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .._compat import cached_property
from ..errors import Problem, RulePackError
from ..files import recording_reads
from ..intake import Intake, Location, LocationName, answer_type
from ..result import Level, MedicationMatch
from . import regions as region_words
from . import snapshot
from .conditions import FieldTests, Pattern, Test, selector_attributes
from .regions import Regions, Wording
from .schema import CONCLUSION_KINDS, Manifest, Rule, Terms
from .reading import Reader
from .vocabulary import Vocabulary, medication_facts, medication_key


# --- the pack ---------------------------------------------------------------------------------

FactKey = tuple[str, str]  # (kind, name), e.g. ("finding", "possible_dvt")


class RulePack:
    """A loaded, validated rule pack. Build one with ``RulePack.load(path)``;
    ``RulePack.load(default_rules_path())`` is the shipped pack."""

    def __init__(self, path: Path, manifest: Manifest, terms: Terms, vocabulary: Vocabulary,
                 rules: list[Rule], files: dict[str, str], regions: Regions) -> None:
        self.path = path
        self.manifest = manifest
        self.terms = terms  # with placeholders: ``wording(region).terms`` has them filled
        self.vocabulary = vocabulary
        self.rules = rules
        self._files = files  # rule id -> file it came from
        self.regions = regions
        self._wordings: dict[str, Wording] = {}

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def version(self) -> str:
        return self.manifest.version

    def file_of(self, rule_id: str) -> str:
        return self._files[rule_id]

    @property
    def default_region(self) -> str:
        return self.manifest.default_region

    def wording(self, region: str | None = None) -> Wording:
        """The words a person reads, for ``region`` (a code of ``regions.yaml``; ``None``: the
        pack's default). Raises ``RegionError`` naming the pack's regions for any other."""
        code = self.manifest.default_region if region is None else region
        found = self._wordings.get(code) if isinstance(code, str) else None
        if found is None:
            if not isinstance(code, str) or code not in self.regions.regions:
                raise region_words.unknown_region(code, list(self.regions.regions))
            # Built once per region and kept: a race builds the same words twice, harmlessly.
            found = self._wordings[code] = region_words.wording(code, self.regions.regions[code], self.terms,
                                                                self.manifest)
        return found

    @cached_property
    def reader(self) -> Reader:
        """Reads medicine names against the vocabulary; built on first use, once per pack (so once
        per process for the shipped pack): loading the pack does not pay for it."""
        return Reader(self.vocabulary)

    @cached_property
    def active_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.status == "active"]

    @cached_property
    def rule_by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    # -- facts and what matches them --

    def fact_for(self, kind: str, name: str) -> dict[str, Any]:
        """The engine fact a conclusion asserts: its kind, name and the attributes rules may match."""
        fact: dict[str, Any] = {"fact": kind, "name": name}
        if kind == "finding":
            term = self.terms.findings[name]
            fact["kind"] = term.kind
            if term.level is not None:
                fact["level"] = term.level.value
            if term.when is not None:
                fact["when"] = term.when.value
        elif kind == "cause":
            fact["type"] = self.terms.causes[name].type
        elif kind == "level":
            fact["rank"] = Level(name).rank
        return fact

    @cached_property
    def possible_facts(self) -> dict[FactKey, dict[str, Any]]:
        """Every fact the pack's terms and vocabulary can put in the engine."""
        facts: dict[FactKey, dict[str, Any]] = {}
        for kind in CONCLUSION_KINDS:
            for name in self.terms.table(kind):
                name = name.value if isinstance(name, Level) else name
                facts[(kind, name)] = self.fact_for(kind, name)
        for fact in medication_facts(self.vocabulary):
            facts[("medication", medication_key(fact))] = fact
        return facts

    def matching_facts(self, pattern: Pattern) -> set[FactKey]:
        """The facts (kind, name) a fact pattern could match."""
        kind = pattern.fact_kind
        assert kind is not None
        wanted = selector_attributes(kind, pattern.selector)
        return {key for key, fact in self.possible_facts.items()
                if key[0] == kind and all(fact.get(attr) in values for attr, values in wanted.items())}

    def produces(self, rule: Rule) -> set[FactKey]:
        return {(c.kind, c.name) for c in rule.then}

    def consumes(self, rule: Rule) -> Iterator[tuple[FactKey, bool]]:
        """Each fact the rule's conditions could match, with whether it is negated."""
        for pattern in rule.when:
            target, negated = (pattern.negated, True) if pattern.negated is not None else (pattern, False)
            if target.fact_kind is not None and target.fact_kind != "medication":
                for key in self.matching_facts(target):
                    yield key, negated

    @cached_property
    def fields_read(self) -> frozenset[str]:
        """The intake fields the active rules test."""
        return frozenset(name for rule in self.active_rules for pattern in rule.when
                         for group in (pattern.negated or pattern).intake_groups() for name in group)

    def suggestions(self, medicines: Iterable[MedicationMatch]) -> dict[str, list[str]]:
        """Condition fields the rules read that medicines taken now suggest (metformin:
        diabetes), each with the medicines' names. A suggestion never answers the field."""
        found: dict[str, list[str]] = {}
        for medicine in medicines:
            if not medicine.current or medicine.name is None:
                continue
            for field in medicine.suggests:
                names = found.setdefault(field, []) if field in self.fields_read else []
                if medicine.name not in names:
                    names.append(medicine.name)
        return found

    @cached_property
    def citations(self) -> dict[str, list[dict[str, Any]]]:
        """Rule id -> its citations as a result shows them: source, section, and the source's URL
        from the manifest."""
        sources = self.manifest.sources
        return {rule.id: [{"source": c.source, "section": c.section, "url": sources[c.source].url}
                          for c in rule.citations]
                for rule in self.rules}

    @cached_property
    def red_flags(self) -> list[str]:
        """Names of the findings that are red flags."""
        return [name for name, term in self.terms.findings.items() if term.kind == "red_flag"]

    def upstream_fields(self, keys: Iterable[FactKey]) -> set[str]:
        """Intake fields whose answers could produce any of these facts: read by a rule that
        concludes one, or by a rule upstream of it (through the facts it needs, never through a
        ``not``). ``medications`` stands for a medicine condition."""
        fields: set[str] = set()
        seen: set[str] = set()
        frontier = [rule for key in keys for rule in self.producers.get(key, [])]
        while frontier:
            rule = frontier.pop()
            if rule.id in seen:
                continue
            seen.add(rule.id)
            for pattern in rule.when:
                if pattern.negated is not None:
                    continue
                if pattern.fact_kind == "medication":
                    fields.add("medications")
                elif pattern.fact_kind is None:
                    fields.update(field for group in pattern.intake_groups() for field in group)
                else:
                    frontier.extend(p for key in self.matching_facts(pattern) for p in self.producers.get(key, []))
        return fields

    @cached_property
    def red_flag_fields(self) -> list[str]:
        """Intake fields an answer to which can lead to a red flag, in the intake's order."""
        order = list(Intake.model_fields)
        return sorted(self.upstream_fields(("finding", name) for name in self.red_flags), key=order.index)

    @cached_property
    def producers(self) -> dict[FactKey, list[Rule]]:
        """Fact (kind, name) -> the active rules that conclude it."""
        producers: dict[FactKey, list[Rule]] = {}
        for rule in self.active_rules:
            for key in self.produces(rule):
                producers.setdefault(key, []).append(rule)
        return producers

    @cached_property
    def strata(self) -> dict[str, int]:
        """Rule id -> stratum: 0 for rules on answers alone, else 1 + the highest stratum of any
        rule whose conclusions it reads. A rule that says ``not`` runs only after every rule that
        could conclude what it negates."""
        producers = self.producers
        strata: dict[str, int] = {}
        visiting: set[str] = set()

        def stratum(rule: Rule) -> int:
            if rule.id in strata:
                return strata[rule.id]
            if rule.id in visiting:
                raise RulePackError("rule pack has a cycle", [Problem(rule.id, "its conclusions feed back into its own conditions")])
            visiting.add(rule.id)
            below = [stratum(p) for key, _ in self.consumes(rule) for p in producers.get(key, [])]
            visiting.discard(rule.id)
            strata[rule.id] = 1 + max(below) if below else 0
            return strata[rule.id]

        for rule in self.active_rules:
            stratum(rule)
        return strata

    # -- loading --

    @classmethod
    def load(cls, path: str | Path) -> RulePack:
        """Load and validate a pack folder; raise ``RulePackError`` listing every problem found.

        A pack that loaded is kept in the cache folder and taken from there while its files are
        unchanged (``snapshot.py``): the same pack, without parsing and checking it again."""
        root = Path(path)
        kept = snapshot.restore(root)
        if isinstance(kept, cls):
            kept.path = root
            return kept
        with recording_reads() as reads:
            pack = cls._read(root)
        if snapshot.enabled():
            pack._prepare()
            snapshot.save(root, pack, reads)
        return pack

    def _prepare(self) -> None:
        """Work every triage needs, done before the pack is kept so that a start finds it done."""
        for name in ("reader", "active_rules", "rule_by_id", "citations", "possible_facts", "producers",
                     "fields_read", "red_flags"):
            getattr(self, name)
        self.wording()  # the default region's words

    @classmethod
    def _read(cls, root: Path) -> RulePack:
        """The pack in ``root``, read from its files and checked."""
        from ..yamlfile import read_yaml  # here: a pack taken from its snapshot reads no YAML

        manifest_path = root / "pack.yaml"
        if not manifest_path.is_file():
            raise RulePackError(f"not a rule pack: {root}", [Problem(str(manifest_path), "missing")], path=str(root))
        manifest = _validate(Manifest, read_yaml(manifest_path, RulePackError), "pack.yaml")
        terms = _validate(Terms, read_yaml(root / manifest.terms, RulePackError), manifest.terms)
        vocabulary = Vocabulary.load(read_yaml(root / manifest.vocabulary, RulePackError), manifest.vocabulary)
        regions = _validate(Regions, read_yaml(root / manifest.regions, RulePackError), manifest.regions)

        problems: list[Problem] = []
        rules: list[Rule] = []
        files: dict[str, str] = {}
        for file_name in manifest.rule_files:
            data = read_yaml(root / file_name, RulePackError)
            entries = data.get("rules") if isinstance(data, dict) else None
            if not isinstance(entries, list):
                problems.append(Problem(file_name, "expected a mapping with a `rules:` list"))
                continue
            for position, entry in enumerate(entries):
                rule_id = entry.get("id") if isinstance(entry, dict) else None
                where = f"{file_name}: {rule_id or f'rule #{position + 1}'}"
                try:
                    rule = Rule.model_validate(entry)
                except ValidationError as error:
                    problems.extend(_problems(error, where))
                    continue
                if rule.id in files:
                    problems.append(Problem(where, f"duplicate rule id (also in {files[rule.id]})"))
                    continue
                files[rule.id] = file_name
                rules.append(rule)
        pack = cls(root, manifest, terms, vocabulary, rules, files, regions)
        problems.extend(pack.check())
        if problems:
            raise RulePackError(f"invalid rule pack {root}", problems, path=str(root))
        return pack

    def check(self) -> list[Problem]:
        """Cross-checks a schema cannot express: fields, terms, sources, cycles, placeholders."""
        problems: list[Problem] = []
        for rule in self.rules:
            where = f"{self.file_of(rule.id)}: {rule.id}"
            problems.extend(Problem(where, message) for message in self._rule_problems(rule))
        if not problems:
            try:
                self.strata  # noqa: B018 - computing it finds cycles
            except RulePackError as error:
                problems.extend(error.problems)
        return problems + list(region_words.check(self.manifest, self.terms, self.regions))

    def _rule_problems(self, rule: Rule) -> Iterator[str]:
        for citation in rule.citations:
            source = self.manifest.sources.get(citation.source)
            if source is None:
                yield f"citation names unknown source {citation.source!r}; known: {sorted(self.manifest.sources)}"
            elif citation.section is not None and citation.section not in (source.sections or []):
                yield f"citation names unknown section {citation.section!r} of {citation.source!r}"
            elif source.sections and citation.section is None:
                yield f"a citation of {citation.source!r} must name its section"
        for conclusion in rule.then:
            if conclusion.kind == "finding" and (term := self.terms.findings.get(conclusion.name)) is not None \
                    and term.field is not None and term.field not in INTAKE_FIELD_KINDS:
                yield f"finding {conclusion.name!r} stands for unknown intake field {term.field!r}"
            if conclusion.name not in {str(getattr(k, "value", k)) for k in self.terms.table(conclusion.kind)}:
                yield f"concludes undefined {conclusion.kind} {conclusion.name!r} (define it in {self.manifest.terms})"
        if rule.layer == "red_flag" and any(
            (p.negated or p).fact_kind not in (None, "medication") for p in rule.when
        ):
            yield "a red_flag rule reads answers and medicines only, so it fires before anything else"
        for pattern in rule.when:
            target = pattern.negated or pattern
            for group in target.intake_groups():
                yield from _intake_problems(group)
            if target.fact_kind is not None and not self.matching_facts(target):
                yield f"condition {target.fact_kind}: {target.selector!r} can match nothing the pack defines"


def _intake_problems(group: FieldTests) -> Iterator[str]:
    fields = INTAKE_FIELD_KINDS
    for field, test in group.items():
        kind = fields.get(field)
        if kind is None:
            yield f"unknown intake field {field!r}; known: {', '.join(sorted(fields))}"
            continue
        op = test.operator if isinstance(test, Test) else "eq"
        value = test.value if isinstance(test, Test) else test
        if op == "known":
            continue
        if kind == "bool" and (op not in ("eq", "neq") or not isinstance(value, bool)):
            yield f"{field} is yes/no: test it with true or false"
        elif kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            yield f"{field} is a number: compare it with a number"
        elif kind in ("locations", "choice") and (op not in ("eq", "neq") or value not in choices(field)):
            yield f"{field} takes one of {choices(field)}"


def _field_kind(name: str) -> str:
    kind = answer_type(name)
    if kind is bool:
        return "bool"
    if kind is LocationName:
        return "locations"
    if get_origin(kind) is Literal:
        return "choice"  # one of a few named answers, e.g. leg_swelling
    if kind in (int, float):
        return "number"
    return "other"


def choices(field: str) -> list[str]:
    """The named answers of a ``locations`` or ``choice`` field, in the model's order."""
    return [str(value) for value in get_args(answer_type(field))]


# Intake fields a rule may test (medications reach the rules as medication facts instead).
INTAKE_FIELD_KINDS: dict[str, str] = {
    name: _field_kind(name) for name in Intake.model_fields if name != "medications"
}


def _validate(model: type[BaseModel], data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise RulePackError(f"invalid rule pack file {where}", _problems(error, where), path=where) from None


def _problems(error: ValidationError, where: str) -> list[Problem]:
    return [
        Problem(f"{where}: {'.'.join(str(p) for p in item['loc'])}" if item["loc"] else where, item["msg"])
        for item in error.errors(include_url=False)
    ]


def default_rules_path() -> Path:
    """The shipped pack: inside the installed package, or ``rules/`` of a source checkout."""
    package = Path(__file__).resolve().parents[1]  # src/cramp_triage, or site-packages/cramp_triage
    packaged = package / "rules"
    if (packaged / "pack.yaml").is_file():
        return packaged
    return package.parents[1] / "rules"
