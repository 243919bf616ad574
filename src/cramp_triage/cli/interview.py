"""The interview in a terminal: one question at a time on stderr (so ``--json`` output stays
clean), answers read from stdin in a person's own words.

Each question says how far along it is ("Question 3 of at most 14"); the rules decide which
questions are left (``interview.flow``). Once the answers make it urgent, that is said at once,
with what to do now, and the rest is optional: an empty line finishes. At an emergency nothing
more is asked. Ctrl-C or Ctrl-D stops without a result (exit code 130).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from ..untrusted import printable
from .app import EXIT_INTERRUPTED

WELCOME = ("A few questions about your cramps. Answer y (yes), n (no) or ? (don't know), or in your own "
           "words; press Ctrl-C to stop.")


class Stopped(Exception):
    """Ctrl-C, or the end of the input (Ctrl-D), while the questions were asked."""


def read_line() -> str:
    """One line from stdin; the end of the input is the person stopping."""
    line = sys.stdin.readline()
    if not line:
        raise Stopped()
    return line


class Terminal:
    """What the interview says, on stderr: plain text, with colour where the terminal has it
    (and neither ``NO_COLOR`` nor ``--no-color`` says no)."""

    def __init__(self, color: bool | None) -> None:
        from .render import make_console

        self.console = make_console(sys.stderr, color)

    def say(self, text: str = "", style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(printable(text), style=style), soft_wrap=True)

    def ask(self, prompt: str, dim: str = "") -> str:
        """Show ``prompt`` (and ``dim`` after it, fainter) and read the reply."""
        from rich.text import Text

        self.console.print(Text.assemble(printable(prompt), (printable(dim), "dim"), " "), end="", soft_wrap=True)
        self.console.file.flush()
        return read_line()


def interview(triager: Any, color: bool | None, region: str | None = None) -> dict[str, Any]:
    """The answers of an interview; exits 130 when the person stops it. Urgent advice given
    early is worded for ``region`` (its emergency numbers), as the result will be."""
    terminal = Terminal(color)
    session = _Session(triager, terminal, region)
    try:
        return session.run()
    except (KeyboardInterrupt, Stopped):  # anywhere in the questions, not only while waiting for a line
        terminal.say()
        if session.told is None:
            print("cramp-triage: stopped; nothing was triaged", file=sys.stderr)
        else:
            print(f"cramp-triage: stopped; no full result, but the advice above stands ({session.told})",
                  file=sys.stderr)
        raise typer.Exit(EXIT_INTERRUPTED) from None


class _Session:
    def __init__(self, triager: Any, terminal: Terminal, region: str | None = None) -> None:
        from ..interview import interview_for

        self.triager = triager
        self.region = region
        self.guide = interview_for(triager)
        self.terminal = terminal
        self.answers: dict[str, Any] = {}
        self.settled: set[str] = set()  # asked, answered or not: "don't know" is not asked again
        self.told: str | None = None  # the level said early, once it is urgent

    def run(self) -> dict[str, Any]:
        from ..interview import next_question
        from ..interview.answers import UNKNOWN, keyboard_hint, read_answer
        from ..result import Level

        say = self.terminal.say
        say(WELCOME)
        while (question := next_question(self.answers, self.triager, asked=self.settled)) is not None:
            if self.told is None:
                self.tell_early()
            at_most = self.guide.at_most(self.answers, self.settled)
            say()
            progress = f"Question {len(self.settled) + 1} of at most {at_most}"
            say(progress + ("  (optional: press Enter to finish)" if self.told else ""), "dim")
            if question.suggested_by:  # a medicine suggests the condition; the person answers it
                say(f"(Asked because you take {', '.join(question.suggested_by)}.)")
            while True:
                line = self.terminal.ask(question.text, f" [{keyboard_hint(question)}]")
                if self.told and not line.strip():
                    say()
                    return self.answers
                try:
                    reading = read_answer(question, line)
                except ValueError as error:
                    say(f"  {error}", "yellow")
                    continue
                break
            if reading.read_as is not None:
                say(f"  read as {reading.read_as}", "dim")
            self.settled.add(question.field)
            if reading.value is not UNKNOWN:
                self.answers[question.field] = reading.value
        if self.guide.level(self.answers) == list(Level)[-1].value:
            say()
            say("No more questions: this needs emergency help now.", "bold")
        say()
        return self.answers

    def tell_early(self) -> None:
        """Once the answers make it urgent, and no answer left could lower that, say so now, with
        what to do, and make the rest optional."""
        from ..result import Level

        if self.guide.rank(self.answers) < list(Level).index(Level.urgent):
            return
        if self.guide.could_lower(self.answers, self.settled):
            return  # a "don't know" holds it there for now: ask first
        from rich.text import Text

        from .render import LEVEL_STYLE, indented

        result = self.triager.triage(self.answers, self.region)
        self.told = result.level_label.upper()
        say, console = self.terminal.say, self.terminal.console
        say()
        say(f" {self.told} ", LEVEL_STYLE[result.level])
        console.print(indented(console, Text(printable(result.do_now))), soft_wrap=True)
        say()
        more = ("check the other warning signs and see possible causes"
                if any(self.guide.relevance.could_change(q.field, self.answers, ("level",))
                       for q in self.guide.open_questions(self.answers, self.settled))
                else "see possible causes")
        say(f"You can stop here: press Enter to finish, or answer a few more to {more}.")


def save_asking(path: Path, answers: dict[str, Any], color: bool | None) -> Path | None:
    """Save the answers to ``path`` (``--save-answers``); a file already there is replaced only
    if the person says so. The path saved to, or None when they said no."""
    from .saved_answers import write_answers

    try:
        write_answers(path, answers)
        return path
    except FileExistsError:
        pass
    terminal = Terminal(color)
    try:
        reply = terminal.ask(f"{path} exists: replace it with these answers?", " [y/N]")
    except (KeyboardInterrupt, Stopped):
        reply = ""
        terminal.say()
    if reply.strip().lower() not in ("y", "yes"):
        terminal.say(f"Not saved: {path} is as it was.")
        return None
    write_answers(path, answers, replace=True)
    return path


def offer_to_save(answers: dict[str, Any], rules: Path | None, color: bool | None,
                  region: str | None = None) -> None:
    """After an interview: offer to save the answers, then say how to run ``explain`` on them.
    Stopping here (Ctrl-C, Ctrl-D) only skips the saving: the result was given."""
    from .saved_answers import explain_command, write_answers

    terminal = Terminal(color)
    terminal.say()
    try:
        while True:
            name = terminal.ask("Save these answers, to run `explain` on them later? File name",
                                " (Enter to skip):").strip()
            if not name:
                return
            path = Path(name).expanduser()
            try:
                write_answers(path, answers)
            except FileExistsError:
                if terminal.ask(f"{name} exists: replace it?", " [y/N]").strip().lower() not in ("y", "yes"):
                    continue
                write_answers(path, answers, replace=True)
            except OSError as error:
                terminal.say(f"  cannot save to {name}: {error.strerror or error}", "yellow")
                continue
            terminal.say(f"Saved to {name}. To see every rule that fired, run:")
            terminal.say("  " + explain_command(["--input", str(path)], rules, region), "bold")
            return
    except (KeyboardInterrupt, Stopped):
        terminal.say()
