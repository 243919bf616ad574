"""Case sheets as Markdown (CommonMark with GitHub tables): the same sheets as ``sheet_html``,
for a repository, a wiki or a course page. Every text is escaped, so a title such as
``<script>`` or ``**bold**`` shows as written and never becomes markup or a link."""

from __future__ import annotations

import re

from ..about import NAME, library_version
from ..untrusted import printable
from .sheet import CaseSheet, Report, Source

# The characters Markdown (with GitHub's tables and strikethrough) may read as markup inside a
# line: emphasis, code, links and images (no link without "["), raw HTML, entities, cell ends.
# CommonMark lets a backslash escape each. Line-start markers (# - 1.) cannot occur: each text
# is put on a line after text of ours.
_MARKUP = re.compile(r"([\\`*_\[\]<>|~&])")


def m(text: object) -> str:
    """Text made safe for Markdown: one line, control and bidi characters as \\uXXXX, markup escaped."""
    return _MARKUP.sub(r"\\\1", printable(" ".join(str(text).split())))


def to_markdown(report: Report) -> str:
    count = len(report.sheets)
    lines = ["# Case sheets", "",
             f"{count} case{'' if count == 1 else 's'}: {report.passed} passed, {count - report.passed} failed. "
             f"Rule pack {m(report.rule_pack)}; made by {m(NAME)} {m(library_version())}.", ""]
    for number, sheet in enumerate(report.sheets, 1):
        lines += _sheet(number, sheet)
    lines += ["---", "", f"*{m(report.disclaimer)}*", ""]
    return "\n".join(lines)


def _sheet(number: int, sheet: CaseSheet) -> list[str]:
    verdict = "PASSED" if sheet.passed else "FAILED"
    tags = f" · tags: {m(', '.join(sheet.tags))}" if sheet.tags else ""
    lines = [f"## {number}. {m(sheet.title)}", "", f"**{verdict}** · `{_code(sheet.id)}` · {m(sheet.file)}{tags}", ""]
    lines += ["### The answers", ""]
    if sheet.answers:
        lines += ["| Question | Answer |", "|---|---|"]
        lines += [f"| {m(a.question)} | {m(a.answer)} |" for a in sheet.answers]
    else:
        lines.append("None: every answer is not known.")
    lines += ["", "### What the rules concluded", "", f"**{m(sheet.level_label)}** (`{sheet.level.value}`)", ""]
    for label, items in (("Warning signs", [what for kind, what in sheet.found if kind == "warning sign"]),
                         ("Reasons to see a doctor", [what for kind, what in sheet.found if kind != "warning sign"]),
                         ("Possible causes", sheet.causes), ("Whom to see", sheet.see)):
        lines.append(f"- {label}: {'; '.join(m(item) for item in items) or 'none'}")
    lines += ["", "### What the case expects", "", "| Expectation | Expected | As run |", "|---|---|---|"]
    for item in sheet.expectations:
        line = f" (line {item.line})" if item.line is not None else ""
        verdict_cell = "holds" if item.holds else f"**does not hold**: got {m(item.got)}"
        lines.append(f"| `{_code(item.key)}`{line} | {m(item.expected)} | {verdict_cell} |")
    lines += ["", "### Rules that fired", ""]
    for index, rule in enumerate(sheet.rules, 1):
        sources = "; ".join(_source(source) for source in rule.sources)
        lines.append(f"{index}. `{_code(rule.id)}` **{m(rule.title)}**: {m(rule.explanation)} Sources: {sources}")
    lines += ["", "### Teaching note", "", f"> {m(sheet.teaching_note)}", "",
              "### Unknown answers that could change it", ""]
    if sheet.unknowns:
        lines += [f"- {m(u.question)} *Could change {m(', '.join(u.could_change))}.*" for u in sheet.unknowns]
    else:
        lines.append("None: no answer left unknown could change the outcome.")
    return lines + [""]


def _code(text: str) -> str:
    # Inside backticks nothing is markup; a backtick or pipe in an id would end the span or the cell.
    return printable(" ".join(str(text).split())).replace("`", "'").replace("|", "/")


def _source(source: Source) -> str:
    section = f", section “{m(source.section)}”" if source.section else ""
    if source.url is None:
        return f"{m(source.title)}{section}"
    return f"{m(source.title)}{section}: <{source.url}>"  # an autolink: the address shows, on paper too
