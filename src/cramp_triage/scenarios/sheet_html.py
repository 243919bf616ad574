"""Case sheets as one self-contained HTML page: the style inline (``sheet.css``), no scripts,
nothing loaded from elsewhere (a Content-Security-Policy says so to the browser too), and every
text escaped: a scenario's title or note, a custom pack's words, are shown, never run."""

from __future__ import annotations

import html
from importlib.resources import files

from ..about import NAME, library_version
from ..untrusted import printable
from .sheet import CaseSheet, Report, Source

# default-src 'none': no script, image, font, frame or connection; only the inline style applies.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def e(text: object) -> str:
    """Text made safe for HTML: one line, control and bidi characters as \\uXXXX, markup escaped."""
    return html.escape(printable(" ".join(str(text).split())), quote=True)


def to_html(report: Report) -> str:
    css = files(__package__).joinpath("sheet.css").read_text(encoding="utf-8")
    count = len(report.sheets)
    failed = count - report.passed
    # The id too: the cases of one file share its title.
    contents = "".join(f'<li><a href="#case-{number}">{e(sheet.title)}</a> <code>{e(sheet.id)}</code> '
                       f"({_verdict_word(sheet)})</li>" for number, sheet in enumerate(report.sheets, 1))
    body = "\n".join(_sheet(number, sheet) for number, sheet in enumerate(report.sheets, 1))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Case sheets: {count} scenario case{'' if count == 1 else 's'}</title>
<style>
{css}</style>
</head>
<body>
<header>
<h1>Case sheets</h1>
<p class="summary">{count} case{'' if count == 1 else 's'}: {report.passed} passed, {failed} failed.
Rule pack {e(report.rule_pack)}; made by {e(NAME)} {e(library_version())}.</p>
<ol class="contents">{contents}</ol>
</header>
{body}
<p class="disclaimer">{e(report.disclaimer)}</p>
</body>
</html>
"""


def _verdict_word(sheet: CaseSheet) -> str:
    return "passed" if sheet.passed else "failed"


def _sheet(number: int, sheet: CaseSheet) -> str:
    tags = f" · tags: {e(', '.join(sheet.tags))}" if sheet.tags else ""
    verdict = _verdict_word(sheet)
    parts = [
        f'<article class="case" id="case-{number}">',
        f'<h2>{number}. {e(sheet.title)}</h2>',
        f'<p class="meta"><span class="verdict {verdict}">{verdict.upper()}</span> '
        f'<code>{e(sheet.id)}</code> · {e(sheet.file)}{tags}</p>',
        "<section><h3>The answers</h3>",
        _answers(sheet),
        "</section>",
        "<section><h3>What the rules concluded</h3>",
        f'<p><span class="level level-{e(sheet.level.value)}">{e(sheet.level_label)}</span> '
        f"<code>{e(sheet.level.value)}</code></p>",
        _conclusions(sheet),
        "</section>",
        "<section><h3>What the case expects</h3>",
        _expectations(sheet),
        "</section>",
        "<section><h3>Rules that fired</h3>",
        _rules(sheet),
        "</section>",
        "<section><h3>Teaching note</h3>",
        f'<p class="note">{e(sheet.teaching_note)}</p>',
        "</section>",
        "<section><h3>Unknown answers that could change it</h3>",
        _unknowns(sheet),
        "</section>",
        "</article>",
    ]
    return "\n".join(parts)


def _answers(sheet: CaseSheet) -> str:
    if not sheet.answers:
        return "<p>None: every answer is not known.</p>"
    rows = "".join(f'<tr><td>{e(a.question)}</td><td class="answer">{e(a.answer)}</td></tr>' for a in sheet.answers)
    return f"<table><thead><tr><th>Question</th><th>Answer</th></tr></thead><tbody>{rows}</tbody></table>"


def _conclusions(sheet: CaseSheet) -> str:
    rows = [("Warning signs", [what for kind, what in sheet.found if kind == "warning sign"]),
            ("Reasons to see a doctor", [what for kind, what in sheet.found if kind != "warning sign"]),
            ("Possible causes", sheet.causes), ("Whom to see", sheet.see)]
    cells = "".join(f"<tr><th scope=\"row\">{label}</th><td>{_list(items)}</td></tr>" for label, items in rows)
    return f"<table><tbody>{cells}</tbody></table>"


def _list(items: list[str]) -> str:
    if not items:
        return "none"
    return "<ul>" + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>"


def _expectations(sheet: CaseSheet) -> str:
    rows = []
    for item in sheet.expectations:
        line = f" (line {item.line})" if item.line is not None else ""
        verdict = ('<td class="holds">holds</td>' if item.holds
                   else f'<td class="fails">does not hold: got {e(item.got)}</td>')
        rows.append(f"<tr><td><code>{e(item.key)}</code>{line}</td><td>{e(item.expected)}</td>{verdict}</tr>")
    return ("<table><thead><tr><th>Expectation</th><th>Expected</th><th>As run</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _rules(sheet: CaseSheet) -> str:
    items = []
    for rule in sheet.rules:
        sources = "; ".join(_source(source) for source in rule.sources)
        items.append(f"<li><code>{e(rule.id)}</code> <strong>{e(rule.title)}</strong>"
                     f'<div class="why">{e(rule.explanation)}</div>'
                     f'<div class="sources">Sources: {sources}</div></li>')
    return f'<ol class="rules">{"".join(items)}</ol>'


def _source(source: Source) -> str:
    section = f", section “{e(source.section)}”" if source.section else ""
    if source.url is None:
        return f"{e(source.title)}{section}"
    # The address is shown as well as linked, so it is there on paper.
    return f'{e(source.title)}{section}: <a href="{e(source.url)}">{e(source.url)}</a>'


def _unknowns(sheet: CaseSheet) -> str:
    if not sheet.unknowns:
        return "<p>None: no answer left unknown could change the outcome.</p>"
    items = "".join(f"<li>{e(u.question)} <em>Could change {e(', '.join(u.could_change))}.</em></li>"
                    for u in sheet.unknowns)
    return f"<ul>{items}</ul>"
