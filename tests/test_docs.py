"""Every example in README.md and docs/*.md runs, the way a reader would run it.

Each fenced block is one example, run in order within its file, in a sandbox folder holding a
copy of ``examples/`` and the files listed in ``SANDBOX_FILES`` (so a command may write there):

- ``python``: run in a fresh interpreter; it must not fail.
- ``sh``: each command line (``\\`` continues it; ``#`` starts a comment) runs in bash with the
  installed ``cramp-triage`` first on PATH; it must exit 0.
- ``console``: ``$ command`` lines run the same way, and the lines after each, up to the next
  ``$``, are its expected output (stdout then stderr). A line ``...`` stands for any lines.
- ``yaml``/``json`` with a ``file=NAME`` directive: written to the sandbox as NAME, for the
  commands after it.
- anything else (``text``, ``mermaid``, plain ``yaml``/``json``) is shown, not run: a test of
  its own checks what matters there (e.g. that the Mermaid graph is current).

A directive goes in an HTML comment on the line just before a block:
``<!-- doctest: exit=1 -->`` (the expected exit code of every command in the block),
``<!-- doctest: file=NAME -->``, ``<!-- doctest: server -->`` for an example that calls the HTTP
service (a real ``cramp-triage serve`` runs on a free loopback port for these blocks, and the
``http://127.0.0.1:8000`` a reader would use is replaced with its address), or
``<!-- doctest: covered-by tests/FILE.py::TEST -->`` for an example that needs a terminal (the
named test exists and runs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from server_helpers import running_server

ROOT = Path(__file__).resolve().parents[1]
DOCS_SERVER = "http://127.0.0.1:8000"  # where the docs tell a reader the service listens
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = {"python", "sh", "console"}
BIN = Path(sys.executable).parent
# Input files the docs' commands name, made for the sandbox.
SANDBOX_FILES = {
    "intakes.jsonl": '{"duration_minutes": 2, "locations": ["calf"], "during_sleep": true}\n'
                     '{"leg_swelling": true, "duration_minutes": 5}\n',
    "extract.csv": "duration_minutes,locations,pregnant\n2,calf,no\n12,calf;foot,yes\n",
}
_DIRECTIVE = re.compile(r"<!--\s*doctest:\s*(.*?)\s*-->")
_FENCE = re.compile(r"^```([\w-]*)\s*$")


@dataclass
class Block:
    path: Path
    line: int
    lang: str
    text: str
    directives: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, each with the directive just before it."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        directives: dict[str, str] = {}
        before = lines[index - 1] if index else ""
        if (directive := _DIRECTIVE.search(before)) is not None:
            for word in directive.group(1).split(";"):
                key, _, value = word.strip().partition("=" if "=" in word else " ")
                directives[key.strip()] = value.strip()
        end = index + 1
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        found.append(Block(path, index + 1, opening.group(1), "\n".join(lines[index + 1:end]) + "\n", directives))
        index = end + 1
    return found


def _commands(text: str) -> list[str]:
    """Command lines of an ``sh`` block: comments dropped, ``\\`` continuations joined."""
    commands: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        commands.append(_strip_comment(pending + line))
        pending = ""
    return commands


def _strip_comment(command: str) -> str:
    """The command without a trailing ``  # comment`` (a ``#`` after a blank, outside quotes)."""
    quote = None
    for position, char in enumerate(command):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and position and command[position - 1] == " ":
            return command[:position].rstrip()
    return command


def _console(text: str) -> list[tuple[str, list[str]]]:
    """``$ command`` lines of a console block, each with its expected output lines."""
    runs: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            runs.append((line[2:], []))
        elif runs:
            runs[-1][1].append(line.rstrip())
    return runs


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; ``...`` matches any run of lines (also none)."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_matches(expected[1:], actual[start:]) for start in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and _matches(expected[1:], actual[1:])


@pytest.fixture(scope="module")
def sandboxes(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """One sandbox folder per Markdown file, shared by its blocks in order."""
    return {}


@pytest.fixture(scope="module")
def docs_server():
    """One running service for every block marked ``server``, started when the first needs it."""
    with running_server("--no-access-log") as server:
        yield server.base


def _sandbox(sandboxes: dict[Path, Path], tmp_path_factory: pytest.TempPathFactory, doc: Path) -> Path:
    if doc not in sandboxes:
        folder = tmp_path_factory.mktemp(doc.stem)
        shutil.copytree(ROOT / "examples", folder / "examples")
        shutil.copytree(ROOT / "rules", folder / "my-pack")
        for name, content in SANDBOX_FILES.items():
            (folder / name).write_text(content, encoding="utf-8")
        sandboxes[doc] = folder
    return sandboxes[doc]


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1",
            "COLUMNS": "100", "TERM": "dumb"}


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, env=_env(), capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


ALL_BLOCKS = [block for doc in DOCS for block in blocks(doc)]


def _runs(block: Block) -> bool:
    return block.lang in RUNNABLE or "file" in block.directives


@pytest.mark.parametrize("block", [b for b in ALL_BLOCKS if _runs(b)], ids=lambda b: b.id)
def test_example_runs(block: Block, sandboxes, tmp_path_factory, request) -> None:
    covered = block.directives.get("covered-by")
    if covered:
        test_file, _, test_name = covered.partition("::")
        source = (ROOT / test_file).read_text(encoding="utf-8")
        assert re.search(rf"^def {re.escape(test_name)}\(", source, re.M), f"{covered} does not exist"
        return
    # Blocks of one file share a sandbox, in file order: run the earlier ones first if needed.
    cwd = _sandbox(sandboxes, tmp_path_factory, block.path)
    if "file" in block.directives:
        (cwd / block.directives["file"]).write_text(block.text, encoding="utf-8")
        return
    expected_code = int(block.directives.get("exit", "0"))
    if "server" in block.directives:
        block = Block(block.path, block.line, block.lang,
                      block.text.replace(DOCS_SERVER, request.getfixturevalue("docs_server")), block.directives)
    if block.lang == "python":
        done = subprocess.run([sys.executable, "-c", block.text], cwd=cwd, env=_env(), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == expected_code, done.stderr
    elif block.lang == "sh":
        for command in _commands(block.text):
            done = _run(command, cwd)
            assert done.returncode == expected_code, f"$ {command}\n{done.stdout}\n{done.stderr}"
    else:
        for command, expected in _console(block.text):
            done = _run(command, cwd)
            assert done.returncode == expected_code, f"$ {command}\n{done.stdout}\n{done.stderr}"
            actual = [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]
            while expected and not expected[-1]:
                expected.pop()
            assert _matches(expected, actual), f"$ {command}\nexpected:\n" + "\n".join(expected) + \
                "\nactual:\n" + "\n".join(actual)


def test_blocks_run_in_file_order() -> None:
    # pytest keeps parametrize order, so each file's blocks run top to bottom in one sandbox.
    ids = [b.id for b in ALL_BLOCKS if _runs(b)]
    for doc in DOCS:
        lines = [int(i.rsplit(":", 1)[1]) for i in ids if i.startswith(str(doc.relative_to(ROOT)) + ":")]
        assert lines == sorted(lines)


def test_every_block_says_what_it_is() -> None:
    """A block without a language would silently never run."""
    unnamed = [b.id for b in ALL_BLOCKS if not b.lang]
    assert unnamed == []


def test_the_docs_never_point_at_the_steering_folder() -> None:
    for doc in DOCS:
        assert "../shared" not in doc.read_text(encoding="utf-8"), doc


def test_markdown_links_between_docs_resolve() -> None:
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links to missing {target}"


def test_blocks_that_call_the_service_say_so() -> None:
    """A block calling the service without the ``server`` directive would call nothing there."""
    missing = [b.id for b in ALL_BLOCKS if _runs(b) and DOCS_SERVER in b.text
               and "server" not in b.directives and "covered-by" not in b.directives]
    assert missing == []
