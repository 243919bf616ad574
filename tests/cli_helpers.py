"""Shared helpers for the CLI tests: run the app in-process through typer's runner."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from typer.testing import CliRunner, Result

from cramp_triage import default_rules_path
from cramp_triage.cli import app


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    return CliRunner(env=env).invoke(app, list(args), input=stdin)


def copy_pack(tmp_path: Path) -> Path:
    """A writable copy of the shipped rule pack."""
    target = tmp_path / "pack"
    shutil.copytree(default_rules_path(), target)
    return target


def assert_one_line_error(result: Result, code: int) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cramp-triage: error: ")
    assert "Traceback" not in result.stderr and "╭" not in result.stderr


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_yaml(path: Path, data: Any) -> None:
    """Write data as YAML without anchors (the project's reader refuses aliases)."""
    path.write_text(yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False))
