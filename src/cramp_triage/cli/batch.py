"""``cramp-triage batch IN -o OUT``: triage a JSON Lines or CSV file into JSON Lines, over processes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any, Callable, Optional

import typer

from .app import EXIT_FINDINGS, EXIT_INTERNAL, RULES_OPTION, app, fail, load_pack


@app.command()
def batch(
    input_path: str = typer.Argument(
        ..., metavar="IN",
        help="JSON Lines (one intake object per line) or CSV (a header of intake field names; "
             "';' between several locations or medicines); '-' for stdin."),
    output: str = typer.Option(
        ..., "--output", "-o", metavar="OUT", help="Write JSON Lines here, one per input line ('-' for stdout)."),
    input_format: Optional[str] = typer.Option(
        None, "--format", metavar="jsonl|csv", help="Input format (default: csv for a .csv file, else jsonl)."),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", min=1, help="Worker processes (default: the number of cores)."),
    rules: Optional[Path] = RULES_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
) -> None:
    """Triage every line of IN into OUT: {"line": N, "result": ...} or {"line": N, "error": ...}.

    A bad line gives an error record and the batch goes on; OUT has one line per input line.
    A summary (triaged, rejected, time, rate) goes to stderr. Exit code 1 if any line was rejected.

    Example: cramp-triage batch intakes.jsonl -o results.jsonl --workers 2
    """
    from ..batch import default_workers, format_for, run_batch
    from ..errors import BatchInputError

    try:
        fmt = format_for(input_path, input_format)
    except BatchInputError as error:
        fail(str(error))
    if rules is not None:
        load_pack(rules)  # a broken pack is one error here, not one per worker
    if input_path != "-" and output != "-" and Path(input_path).resolve() == Path(output).resolve():
        fail("OUT is the same file as IN; choose another output file")
    source = _open_input(input_path)
    out = _open_output(output)
    progress, on_progress = _progress(source, quiet)
    try:
        summary = run_batch(source, out, fmt=fmt, workers=workers or default_workers(), rules=rules,
                            on_progress=on_progress)
    except BatchInputError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot read or write: {error}")
    except Exception as error:  # noqa: BLE001 - e.g. a worker process died
        fail(f"the batch stopped: {type(error).__name__}: {error}", EXIT_INTERNAL)
    finally:
        if progress is not None:
            progress.stop()
        if source is not sys.stdin.buffer:
            source.close()
        if out is not sys.stdout:
            out.close()
    if not quiet:
        print(f"cramp-triage: batch: {summary}", file=sys.stderr)
    if summary.rejected:
        raise typer.Exit(EXIT_FINDINGS)


def _open_input(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the command
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")


def _open_output(path: str) -> IO[str]:
    if path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed by the command
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")


def _progress(source: IO[bytes], quiet: bool) -> tuple[Any, Optional[Callable[[int], None]]]:
    """A progress bar over the input bytes, only when a person watches stderr."""
    if quiet or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    try:
        total: Optional[int] = Path(source.name).stat().st_size if isinstance(source.name, str) else None
    except (AttributeError, OSError):
        total = None
    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task("triaging", total=total)
    progress.start()
    return progress, lambda consumed: progress.update(task, completed=consumed)
