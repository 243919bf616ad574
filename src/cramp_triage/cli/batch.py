"""``cramp-triage batch IN -o OUT``: triage a JSON Lines, CSV or Parquet file into JSON Lines, over
processes (or, with ``--dask``, on a Dask cluster: ``cramp_triage.dask``).

OUT is written to a temporary file beside it and renamed over it only when every line is done:
a failed or stopped run (an error, Ctrl-C, SIGTERM) leaves the previous OUT exactly as it was.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Callable, Optional

import typer

from ..untrusted import printable
from .app import EXIT_FINDINGS, REGION_OPTION, RULES_OPTION, app, fail

@app.command()
def batch(
    input_path: str = typer.Argument(
        ..., metavar="IN",
        help="JSON Lines (one intake object per line), CSV (a header of intake field names; "
             "';' between several locations or medicines) or Parquet (columns named as intake fields); "
             "'-' for stdin."),
    output: str = typer.Option(
        ..., "--output", "-o", metavar="OUT", help="Write JSON Lines here, one per input line ('-' for stdout)."),
    input_format: Optional[str] = typer.Option(
        None, "--format", metavar="jsonl|csv|parquet",
        help="Input format (default: csv for a .csv file, parquet for .parquet, else jsonl)."),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", min=1, help="Worker processes (default: the number of cores)."),
    rules: Optional[Path] = RULES_OPTION,
    region: Optional[str] = REGION_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    keep_partial: bool = typer.Option(
        False, "--keep-partial", help="If the run fails or is stopped, keep the lines done so far in OUT.partial."),
    dask: Optional[str] = typer.Option(
        None, "--dask", metavar="ADDRESS",
        help="Run on the Dask scheduler at ADDRESS (host:port), or 'local' for a cluster of --workers processes "
             "here (needs cramp-triage[dask]). OUT may then be .jsonl, .csv or .parquet (flat result columns)."),
) -> None:
    """Triage every line of IN into OUT: {"line": N, "result": ...} or {"line": N, "error": ...}.

    A bad line gives an error record and the batch goes on; OUT has one line per input line, and
    is replaced only when the whole run is done. A summary (lines, triaged, rejected, time, rate)
    goes to stderr. Exit code 1 if any line was rejected; 130 or 143 if stopped by Ctrl-C or
    SIGTERM (OUT left as it was, and the lines done counted).

    Example: cramp-triage batch intakes.jsonl -o results.jsonl --workers 2
    """
    from ..batch import AtomicOutput, BatchStopped, BatchSummary, StopRequest, default_workers, format_for
    from ..batch import run_batch, same_file

    fmt = format_for(input_path, input_format)
    if dask is not None:
        _on_dask(input_path, output, fmt, dask, workers, rules, quiet, region)
        return
    source = _open_input(input_path)
    try:
        if output != "-" and same_file(source, output):
            fail(f"OUT is the same file as IN ({output}); choose another output file")
        out: Any = AtomicOutput(output) if output != "-" else sys.stdout
        summary = BatchSummary()
        stop = StopRequest()
        progress, on_progress = _progress(source, quiet)
        try:
            with _signals_stop(stop):
                run_batch(source, out, fmt=fmt, workers=workers or default_workers(), rules=rules,
                          on_progress=on_progress, summary=summary, stop=stop, region=region)
                if isinstance(out, AtomicOutput):
                    out.commit()
        except (KeyboardInterrupt, BatchStopped) as stopped:
            partial = out.discard(keep_partial) if isinstance(out, AtomicOutput) else None
            kept = f"; the lines done are in {printable(str(partial))}" if partial is not None else ""
            left = f"{printable(output)} left as it was" if output != "-" else "the lines done went to stdout"
            print(f"cramp-triage: batch: stopped after {summary.lines} lines ({summary.triaged} triaged, "
                  f"{summary.rejected} rejected); {left}{kept}", file=sys.stderr)
            number = stopped.signal if isinstance(stopped, BatchStopped) else signal.SIGINT
            raise typer.Exit(128 + number) from None  # 130 for Ctrl-C, 143 for SIGTERM, as a shell reports them
        except BaseException:
            if isinstance(out, AtomicOutput):
                out.discard(keep_partial)
            raise
        finally:
            if progress is not None:
                progress.stop()
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    if not quiet:
        print(f"cramp-triage: batch: {summary}", file=sys.stderr)
    if summary.rejected:
        raise typer.Exit(EXIT_FINDINGS)


def _on_dask(input_path: str, output: str, fmt: str, address: str, workers: Optional[int], rules: Optional[Path],
             quiet: bool, region: Optional[str]) -> None:
    """``batch --dask``: the partitions on a Dask cluster, OUT replaced only when all are in."""
    if input_path == "-" or output == "-":
        fail("--dask reads IN and writes OUT as files (the workers read IN themselves), not '-'")
    from ..batch import format_for
    from ..batch.output import same_file
    from ..files import open_regular
    from ..errors import BatchInputError

    with open_regular(input_path, BatchInputError) as source:
        if same_file(source, output):
            fail(f"OUT is the same file as IN ({output}); choose another output file")
    try:
        from ..dask import connect, run_batch_dask
    except ImportError:
        fail("--dask needs Dask: pip install 'cramp-triage[dask]'")
    client, close = connect(address, workers)
    try:
        summary = run_batch_dask(input_path, output, client, fmt=fmt, out_fmt=format_for(output),
                                 rules=str(rules.resolve()) if rules is not None else None, region=region)
    finally:
        close()
    if not quiet:
        print(f"cramp-triage: batch: {summary}", file=sys.stderr)
    if summary.rejected:
        raise typer.Exit(EXIT_FINDINGS)


@contextmanager
def _signals_stop(stop: Any) -> Iterator[None]:
    """While the batch runs, Ctrl-C and SIGTERM stop it between two chunks (OUT kept as it was)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread has handlers
        yield
        return
    previous = {number: signal.signal(number, lambda signum, frame: stop.request(signum))
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _open_input(path: str) -> IO[bytes]:
    from ..errors import BatchInputError
    from ..files import open_regular

    if path == "-":
        return sys.stdin.buffer
    return open_regular(path, BatchInputError)


def _progress(source: IO[bytes], quiet: bool) -> tuple[Any, Optional[Callable[[int], None]]]:
    """A progress bar over the input bytes, only when a person watches stderr."""
    if quiet or not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress

    from .render import make_console

    try:
        total: Optional[int] = Path(source.name).stat().st_size if isinstance(source.name, str) else None
    except (AttributeError, OSError):
        total = None
    progress = Progress(console=make_console(sys.stderr), transient=True)
    task = progress.add_task("triaging", total=total)
    progress.start()
    return progress, lambda consumed: progress.update(task, completed=consumed)
