"""`cramp-triage scenarios report`: case sheets a learner can print or hand in, as one
self-contained HTML page (checked in a real headless Chromium: rendered, screenshot taken) and
as Markdown; every text from a scenario file or a pack is escaped."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import textwrap
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from cli_helpers import run
from cramp_triage.explain import explain
from cramp_triage.scenarios import load_cases, run_case
from cramp_triage.scenarios.sheet import report

LIBRARY = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
PREGNANT = LIBRARY / "pregnant-with-swollen-calf.scenario.yaml"

# Untrusted text where a learner's file puts it: a title, a tag, a teaching note, a medicine name.
HOSTILE = """
    id: hostile
    title: "<script>alert('title')</script> A long cramp **bold** [link](https://evil.example)"
    tags: ["<b>tag</b>"]
    given: {duration_minutes: 12, eases_with_movement: true, locations: [calf], medications: ["<img src=x onerror=alert(1)>"]}
    expect:
      level: self_care
      rules_fired_include: [RF-LONG]
    teaching_note: >-
      She thinks it is ordinary </p><iframe src="https://evil.example"></iframe> \u202eevil\u202c & | ~~struck~~.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.scenario.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return [PREGNANT, write(tmp_path, "hostile", HOSTILE)]


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def source_urls(pack) -> set[str]:
    return {source.url for source in pack.manifest.sources.values() if source.url}


# --- the sheet's content ---------------------------------------------------------------------


def test_a_sheet_holds_answers_outcomes_rules_with_sources_note_and_unknowns(pack, triager):
    [case] = load_cases([PREGNANT], pack)
    outcome = run_case(triager, case)
    explanation = explain(case.intake, triager)
    sheets = report([outcome], lambda _: explanation, triager)
    [sheet] = sheets.sheets
    assert (sheet.title, sheet.passed, sheet.level.value) == (case.title, True, "urgent")
    # The answers as questions in plain words, in the interview's order; a legacy `true` read as one leg.
    asked = {answer.field: answer for answer in sheet.answers}
    assert asked["leg_swelling"].answer == "one leg" and asked["leg_swelling"].question.startswith("Is one of your legs")
    assert asked["duration_minutes"].answer == "3 minutes" and asked["pregnant"].answer == "yes"
    assert set(asked) == set(case.given)
    # Expected and actual: each expectation with its line, in the file's order, and whether it holds.
    assert [(item.key, item.holds) for item in sheet.expectations] == [
        ("level", True), ("serious_include", True), ("causes_include", True), ("see_include", True),
        ("rules_fired_include", True), ("rules_not_fired", True)]
    assert [item.line for item in sheet.expectations] == sorted(item.line for item in sheet.expectations)
    assert sheet.found == [("warning sign", " ".join(f.label.split())) for f in outcome.result.serious]
    # Every rule that fired, once, with its title and each source (its address when it has one).
    assert [rule.id for rule in sheet.rules] == list(dict.fromkeys(step.rule for step in outcome.result.trace))
    dvt = next(rule for rule in sheet.rules if rule.id == "RF-DVT")
    assert dvt.title == pack.rule_by_id["RF-DVT"].title
    assert [s.url for s in dvt.sources] == [pack.manifest.sources[c.source].url for c in pack.rule_by_id["RF-DVT"].citations]
    assert sheet.teaching_note == " ".join(case.teaching_note.split())
    # The unknowns are explain's: each question, and what an answer could change, in words.
    assert [u.question for u in sheet.unknowns] == [u["question"] for u in explanation["unknown_that_matter"]]
    assert sheet.unknowns and all(set(u.could_change) <= {"the level", "the causes", "whom to see", "self-care"}
                                  for u in sheet.unknowns)
    assert sheets.disclaimer == outcome.result.disclaimer


def test_a_failing_case_says_which_expectations_do_not_hold(tmp_path, pack, triager):
    [case] = load_cases([write(tmp_path, "hostile", HOSTILE)], pack)
    [sheet] = report([run_case(triager, case)], lambda c: explain(c.intake, triager), triager).sheets
    assert not sheet.passed
    assert [(item.key, item.expected, item.line, item.holds, item.got) for item in sheet.expectations] == [
        ("level", "self_care", 6, False, "see_professional"), ("rules_fired_include", "RF-LONG", 7, True, "")]
    assert sheet.found == [("reason to see a doctor", " ".join(pack.terms.findings["long_cramp"].label.split()))]


# --- HTML: one self-contained, escaped page --------------------------------------------------------


def test_the_html_is_one_self_contained_page_with_every_text_escaped(files, pack, tmp_path):
    out = tmp_path / "sheets.html"
    result = run("scenarios", "report", *map(str, files), "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.stderr  # a failing case is on its sheet, not an error
    assert result.stderr == f"wrote 2 case sheets to {out} (1 passed, 1 failed)\n"
    html = out.read_text(encoding="utf-8")
    page = parsed(html)
    tags = [tag for tag, _ in page.tags]
    # Nothing runs and nothing is fetched: no script, frame, image, object, stylesheet link or form.
    assert not set(tags) & {"script", "iframe", "img", "object", "embed", "link", "form", "base", "svg"}
    assert tags.count("style") == 1 and "@import" not in html and "url(" not in html
    assert not any(name.startswith("on") or name == "src" for _, attrs in page.tags for name in attrs)
    policy = next(attrs["content"] for tag, attrs in page.tags if tag == "meta" and attrs.get("http-equiv"))
    assert policy.startswith("default-src 'none';")
    # The only links: to a case on the page, or a source's address from the pack.
    hrefs = {attrs["href"] for tag, attrs in page.tags if tag == "a"}
    assert {h for h in hrefs if not h.startswith("#case-")} <= source_urls(pack)
    assert {"#case-1", "#case-2"} <= hrefs
    # The hostile title, tag, note and medicine show as text.
    text = " ".join(page.text)
    assert "<script>alert('title')</script> A long cramp **bold** [link](https://evil.example)" in text
    assert '</p><iframe src="https://evil.example"></iframe>' in text and "<b>tag</b>" in text
    assert "\u202e" not in html and "\\u202eevil\\u202c" in text  # a bidi override cannot reorder the page
    assert "<img" not in html.replace("&lt;img", "")
    assert " ".join(pack.manifest.disclaimer.split())[:60] in text  # the disclaimer, always


def test_the_html_in_a_real_browser_shows_each_case_and_its_level(files, pack, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed and could not be installed here "
                    "(.ci/run installs Debian's chromium package with apt-get when it runs as root)")
    out = tmp_path / "sheets.html"
    assert run("scenarios", "report", *map(str, files), "-o", str(out)).exit_code == 0
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr
    shown = " ".join(parsed(dom.stdout).text)
    cases = load_cases(files, pack)
    for case in cases:
        assert " ".join(case.title.split()) in shown
    assert "Get medical help today" in shown and "See a doctor" in shown  # the two levels, in words
    assert "<script>alert('title')</script>" in shown and not re.search(r"<script\b", dom.stdout)
    screenshot = tmp_path / "sheets.png"
    shot = subprocess.run([*flags, f"--screenshot={screenshot}", "--window-size=1000,1400", out.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0 and screenshot.is_file(), shot.stderr
    width, height, pixels = read_png(screenshot.read_bytes())
    assert (width, height) == (1000, 1400)
    # Not blank: mostly white paper, with a good share of ink (text, the level badges, the rules).
    white = sum(pixel == (255, 255, 255) for pixel in pixels)
    assert 0.5 < white / len(pixels) < 0.97
    assert len(set(pixels)) > 50  # text is anti-aliased: many shades, not a flat colour


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, b"", b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        header = body if kind == b"IHDR" else header
        chunks += body if kind == b"IDAT" else b""
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(chunks), width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[x] = (line[x] + near[2]) & 0xFF
        rows.append(line)
        previous = line
    pixels = [tuple(row[x:x + 3]) for row in rows for x in range(0, stride, channels)]
    return width, height, pixels  # type: ignore[return-value]


# --- Markdown --------------------------------------------------------------------------------------


def test_the_markdown_renders_each_case_with_every_text_escaped(files, pack, triager):
    result = run("scenarios", "report", *map(str, files), "--format", "md")
    assert result.exit_code == 0, result.stderr
    markdown = result.stdout
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)
    page = parsed(html)
    headings = [text for text in re.findall(r"<h2>(.*?)</h2>", html)]
    cases = load_cases(files, pack)
    assert len(headings) == len(cases) == 2
    assert headings[0] == f"1. {' '.join(cases[0].title.split())}"
    # The hostile title renders as its own text: no script, no bold, no link to evil.example.
    assert headings[1] == ("2. &lt;script&gt;alert('title')&lt;/script&gt; A long cramp **bold** "
                           "[link](https://evil.example)")
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "iframe", "img", "b", "del", "s"}
    assert {attrs["href"] for tag, attrs in page.tags if tag == "a"} <= source_urls(pack)
    # Each sheet's parts: the answers table, the level in words, the expectations, the rules, the note.
    assert html.count("<table>") == 4
    assert "<strong>Get medical help today</strong>" in html and "<strong>See a doctor</strong>" in html
    assert "<strong>does not hold</strong>: got see_professional" in html
    assert "<code>RF-DVT</code> <strong>Possible blood clot in a leg vein (DVT)</strong>" in html
    assert '<a href="https://www.nhs.uk/conditions/deep-vein-thrombosis-dvt/">' in html
    assert html.count("<blockquote>") == 2
    assert "Unknown answers that could change it" in html
    disclaimer = " ".join(triager.triage(cases[0].intake).disclaimer.split())
    assert html.endswith(f"<p><em>{disclaimer}</em></p>\n")  # the disclaimer, always


def test_report_refuses_an_unwritable_output(tmp_path):
    result = run("scenarios", "report", str(PREGNANT), "-o", str(tmp_path / "missing" / "sheets.html"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cramp-triage: error: cannot write {tmp_path / 'missing' / 'sheets.html'}: ")
