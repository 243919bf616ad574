"""Batch triage: JSON Lines or CSV in, JSON Lines out, streamed, over worker processes.

Every input line (JSON Lines) or row (CSV, after its header) gives exactly one output line, in
input order, carrying its input line number:

    {"line": 3, "result": {...the TriageResult JSON...}}
    {"line": 4, "error": {"type": "IntakeError", "message": "...", "problems": [{"loc": ..., "message": ...}]}}

A line that cannot be triaged gives an error record and the batch goes on. Input is read in
chunks and at most a few chunks per worker are in flight, so memory does not grow with the file.

Each record is one physical line, read up to ``MAX_LINE_BYTES`` (a longer line is read past and
becomes an error record): a stray quote in a CSV row spoils that row only, never the rows after
it. A UTF-8 byte-order mark before the first line is dropped. CSV: the header names intake
fields; an empty cell means "not known"; ``locations`` and ``medications`` cells list several
values separated by ``;``; yes/no cells read yes, no, true or false, number cells a number, and
the batch makes them typed values itself (it does not rely on the intake model reading text).
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Optional

from ..errors import BatchInputError, CrampTriageError, IntakeError, Problem

FORMATS = ("jsonl", "csv", "parquet")
LIST_SEPARATOR = ";"
CHUNK_RECORDS = 256  # records per task sent to a worker
IN_FLIGHT_PER_WORKER = 3  # chunks queued per worker: enough to keep it busy, bounded memory
MAX_LINE_BYTES = 1_000_000
_BOM = b"\xef\xbb\xbf"

# A record: (line number, the line's bytes without its line break, or None for a line too long);
# for Parquet, (row number, the row's known answers, or the error reading it).
Record = tuple[int, Any]
# A chunk: (format, CSV header or None, records).
Chunk = tuple[str, Optional[list[str]], list[Record]]
# What a chunk gives: (JSON Lines, lines triaged, lines rejected, result cache hits).
ChunkResult = tuple[str, int, int, int]


@dataclass
class BatchSummary:
    triaged: int = 0
    rejected: int = 0
    seconds: float = 0.0
    cache_hits: int = 0  # lines answered with a result made before for the same answers

    @property
    def hit_rate(self) -> float:
        return self.cache_hits / self.lines if self.lines else 0.0

    @property
    def lines(self) -> int:
        return self.triaged + self.rejected

    @property
    def rate(self) -> float:
        """Lines per second."""
        return self.lines / self.seconds if self.seconds > 0 else 0.0

    def add(self, triaged: int, rejected: int, cache_hits: int, started: float) -> None:
        """Count one finished chunk or partition; ``started`` is the run's ``perf_counter()``."""
        self.triaged += triaged
        self.rejected += rejected
        self.cache_hits += cache_hits
        self.seconds = time.perf_counter() - started

    def __str__(self) -> str:
        return (f"{self.lines} lines: {self.triaged} triaged, {self.rejected} rejected, "
                f"{self.seconds:.2f} s, {self.rate:,.0f} lines/s, {self.hit_rate:.0%} cache hits")


class BatchStopped(Exception):
    """The batch was asked to stop (by ``signal``: SIGINT, SIGTERM) and has, between two chunks."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(f"stopped by signal {signal_number}")
        self.signal = signal_number


class StopRequest:
    """A stop asked for by a signal handler (``request``), acted on between two chunks, so that
    the lines written and the lines counted always agree. Before the first chunk, or asked twice,
    the stop is at once."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self.deferring = False

    def request(self, signal_number: int) -> None:
        if not self.deferring or self.signal is not None:
            raise BatchStopped(signal_number)
        self.signal = signal_number

    def check(self) -> None:
        if self.signal is not None:
            raise BatchStopped(self.signal)


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def format_for(path: str, given: str | None = None) -> str:
    """``given`` if set, else ``csv`` for a ``.csv`` file, ``parquet`` for ``.parquet`` and JSON
    Lines for anything else."""
    if given is not None:
        if given not in FORMATS:
            raise BatchInputError("unknown input format", [Problem("format", f"use one of {', '.join(FORMATS)}")])
        return given
    lower = path.lower()
    return "csv" if lower.endswith(".csv") else "parquet" if lower.endswith(".parquet") else "jsonl"


def read_intakes(source: IO[bytes], fmt: str) -> Iterator[tuple[int, Any]]:
    """Each record of a JSON Lines, CSV or Parquet ``source`` as (line or row number, its answers
    or the ``CrampTriageError`` saying why it is not an intake): the batch's own reading, for
    other commands (``rules diff --corpus``). A bad CSV header or Parquet column raises
    ``BatchInputError`` here, before the first record."""
    records = _records(source, fmt)
    header = _csv_header(records) if fmt == "csv" else None
    return _read_records(fmt, header, records)


def _records(source: IO[bytes], fmt: str) -> Iterator[Record]:
    if fmt == "parquet":
        from .parquet import parquet_records

        return parquet_records(source)  # type: ignore[return-value]
    return _lines(source)


def _read_records(fmt: str, header: list[str] | None, records: Iterator[Record]) -> Iterator[tuple[int, Any]]:
    for number, raw in records:
        try:
            yield number, record_answers(fmt, header, raw)
        except CrampTriageError as error:
            yield number, error


def run_batch(
    source: IO[bytes],
    out: IO[str],
    fmt: str = "jsonl",
    workers: int = 1,
    rules: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    summary: BatchSummary | None = None,
    stop: StopRequest | None = None,
    region: str | None = None,
) -> BatchSummary:
    """Triage every record of ``source`` (binary) into JSON Lines on ``out``; returns the counts.

    ``workers`` > 1 runs that many processes; ``on_progress`` is called with the input bytes
    consumed after each chunk is written. Raises ``BatchInputError`` for a bad CSV header, before
    anything is written. ``summary``, if given, is kept up to date as lines are written, so a
    caller still has the counts when the run is stopped; ``stop`` lets a signal handler stop it
    between chunks (``BatchStopped``), the workers ending after the chunk they are on. Every
    result is worded for ``region`` (``None``: the pack's default); an unknown one raises
    ``RegionError`` before anything is written.
    """
    started = time.perf_counter()
    summary = summary if summary is not None else BatchSummary()
    records = _records(source, fmt)  # Parquet: its columns are checked here
    header = _csv_header(records) if fmt == "csv" else None  # read now: a bad header stops here
    chunks = _chunks(source, fmt, header, records)
    # Input that fits in one chunk is not worth starting processes for.
    first = list(itertools.islice(chunks, 2))
    if len(first) < 2:
        workers = 1
    chunks = itertools.chain(first, chunks)

    def write(chunk: Chunk, result: ChunkResult, consumed: int) -> None:
        text, triaged, rejected, hits = result
        if triaged + rejected != len(chunk[2]):  # never lose a line silently
            raise RuntimeError(f"a chunk of {len(chunk[2])} lines gave {triaged + rejected} records")
        out.write(text)
        summary.add(triaged, rejected, hits, started)
        if on_progress is not None:
            on_progress(consumed)
        if stop is not None:
            stop.check()

    # Load the pack once here: forked workers inherit it instead of each reading the YAML again,
    # and a pack the engine cannot run is one error here, not one per worker.
    from ..engine import compile_pack, prove_runnable
    from ..pack import RulePack, default_rules_path

    pack = RulePack.load(rules if rules is not None else default_rules_path())
    pack.wording(region)  # an unknown region would fail every line: one error, now
    prove_runnable(compile_pack(pack))
    if stop is not None:
        stop.check()
        stop.deferring = True
    try:
        if workers <= 1:
            _start_worker(pack, region, in_worker=False)
            for chunk, consumed in chunks:
                write(chunk, triage_chunk(chunk), consumed)
        else:
            _over_workers(pack, region, workers, chunks, write)
    finally:
        if stop is not None:
            stop.deferring = False
    out.flush()
    summary.seconds = time.perf_counter() - started
    return summary


def _over_workers(pack: Any, region: str | None, workers: int, chunks: Iterator[tuple[Chunk, int]],
                  write: Callable[[Chunk, ChunkResult, int], None]) -> None:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(pack, region))
    finished = False
    try:
        pending: deque[tuple[Chunk, Future[ChunkResult], int]] = deque()
        for chunk, consumed in chunks:
            pending.append((chunk, pool.submit(triage_chunk, chunk), consumed))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                done, future, at = pending.popleft()
                write(done, future.result(), at)
        while pending:
            done, future, at = pending.popleft()
            write(done, future.result(), at)
        finished = True
    finally:
        # Stopped (Ctrl-C, SIGTERM, a failure): the chunks not started are dropped and each worker
        # ends after the chunk it is on (a fraction of a second). Killing a worker instead can
        # cut a result in half in the pipe, and the pool then waits for the rest for ever.
        pool.shutdown(wait=True, cancel_futures=not finished)


# -- reading -------------------------------------------------------------------------------------


def _lines(source: IO[bytes], first: int = 1) -> Iterator[Record]:
    """Each physical line, numbered from ``first``, without its line break; a line over
    ``MAX_LINE_BYTES`` is read past in bounded pieces and given as None."""
    number = first - 1
    while True:
        line = source.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:
                rest = source.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        if number == 1 and line.startswith(_BOM):  # as Excel writes "CSV UTF-8"
            line = line[len(_BOM):]
        yield number, line.rstrip(b"\r\n")


def _chunks(source: IO[bytes], fmt: str, header: list[str] | None,
            records: Iterator[Record]) -> Iterator[tuple[Chunk, int]]:
    """Chunks of records, each with the input bytes consumed once it is read."""
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= CHUNK_RECORDS:
            yield (fmt, header, batch), _position(source)
            batch = []
    if batch:
        yield (fmt, header, batch), _position(source)


def _position(source: IO[bytes]) -> int:
    try:
        return source.tell()
    except (OSError, ValueError):  # a pipe
        return 0


def _csv_header(records: Iterator[Record]) -> list[str]:
    """The header line, checked against the intake fields."""
    from ..intake import Intake

    first = next(records, None)
    if first is None or not (first[1] or b"").strip():
        raise BatchInputError("the CSV input is empty", [Problem("header", "the first line names intake fields")])
    raw = first[1]
    if raw is None:
        raise BatchInputError("bad CSV header", [Problem("header", f"line 1 is over {MAX_LINE_BYTES} bytes")])
    try:
        header = [name.strip() for name in _csv_cells(raw)]
    except IntakeError as error:
        raise BatchInputError("bad CSV header", [Problem("header", error.problems[0].message)]) from None
    unknown = [name for name in header if name not in Intake.model_fields]
    if unknown or len(set(header)) != len(header):
        allowed = ", ".join(Intake.model_fields)
        what = f"unknown columns {unknown}" if unknown else "a column is named twice"
        raise BatchInputError("bad CSV header", [Problem("header", f"{what}; columns are intake fields: {allowed}")])
    return header


def _csv_cells(raw: bytes) -> list[str]:
    """One physical line as CSV cells; a quote that does not close on the line is an error."""
    text = raw.decode("utf-8", errors="surrogateescape")
    try:
        rows = list(csv.reader([text], strict=True))
    except csv.Error as error:
        why = ("a quote opens a cell that does not close on this line (each row is one line)"
               if "end of data" in str(error) else str(error))
        raise IntakeError("invalid row", [Problem("row", why)]) from None
    return rows[0] if rows else []


# -- triaging (in a worker process, or in this one) ---------------------------------------------

_triager: Any = None
_region: str | None = None


def _start_worker(pack: Any, region: str | None = None, in_worker: bool = True) -> None:
    global _triager, _region
    from ..triager import Triager

    if in_worker:  # the parent stops the workers; Ctrl-C in a terminal, or SIGTERM to the group, reach them too
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _die_with_parent()
    _triager = Triager(pack)
    _region = region


def _die_with_parent() -> None:
    """End this worker when the batch process dies, even by SIGKILL, which nothing can catch:
    a worker waiting on its task queue would otherwise wait for ever (Linux: PR_SET_PDEATHSIG)."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


def triage_chunk(chunk: Chunk) -> ChunkResult:
    """JSON Lines for one chunk (one line per record), with the counts triaged and rejected, and
    how many were answered from this worker's result cache."""
    fmt, header, records = chunk
    lines: list[str] = []
    triaged = rejected = 0
    hits_before = _triager.cache_info["result_hits"]
    for number, outcome in triage_records(_triager, fmt, header, records, _region):
        if isinstance(outcome, CrampTriageError):
            rejected += 1
            lines.append(_error_line(number, outcome))
        else:
            triaged += 1
            lines.append(f'{{"line": {number}, "result": {outcome.model_dump_json()}}}\n')
    return "".join(lines), triaged, rejected, _triager.cache_info["result_hits"] - hits_before


def triage_records(triager: Any, fmt: str, header: list[str] | None, records: Iterable[Record],
                   region: str | None = None) -> Iterator[tuple[int, Any]]:
    """Each record as (its number, its ``TriageResult`` worded for ``region``, or the
    ``CrampTriageError`` saying why not): a bad record, or a failure on one, never ends the rest."""
    for number, raw in records:
        try:
            yield number, triager.triage(record_answers(fmt, header, raw), region)
        except CrampTriageError as error:
            yield number, error
        except Exception as error:  # noqa: BLE001 - one bad line must not end the batch
            yield number, CrampTriageError(f"internal error ({type(error).__name__})", [Problem("line", str(error))])


def record_answers(fmt: str, header: list[str] | None, raw: Any) -> Any:
    """The answers of one record (a JSON object, or a typed ``Intake`` for a CSV row); raises
    ``IntakeError`` saying why it is not an intake."""
    if isinstance(raw, CrampTriageError):
        raise raw
    if isinstance(raw, dict):  # a Parquet row: typed values, text read as its field's type
        return row_intake(raw)
    if raw is None:
        raise IntakeError("invalid intake", [Problem("line", f"the line is over {MAX_LINE_BYTES} bytes")])
    return _jsonl_answers(raw) if fmt == "jsonl" else _csv_answers(header or [], raw)


def row_intake(row: dict[str, Any]) -> Any:
    """A row of typed cells (Parquet, a data frame) as an ``Intake``: a text cell is read as its
    field's type, as a CSV cell is (several places or medicines in one text separated by ``;``)."""
    from ..intake import LIST_FIELDS, parse_intake_text

    answers = {name: [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
               if name in LIST_FIELDS and isinstance(value, str) else value for name, value in row.items()}
    return parse_intake_text(answers)


def _jsonl_answers(raw: bytes) -> Any:
    from ..files import parse_json

    if not raw.strip():
        raise IntakeError("invalid intake", [Problem("intake", "empty line; expected a JSON object")])
    return parse_json(raw, "intake", IntakeError)


def _csv_answers(header: list[str], raw: bytes) -> Any:
    from ..intake import LIST_FIELDS, parse_intake_text

    if not raw.strip():
        raise IntakeError("invalid intake", [Problem("intake", "empty line; expected a row of answers")])
    row = _csv_cells(raw)
    if len(row) != len(header):
        raise IntakeError("invalid intake", [Problem("row", f"{len(row)} cells, but the header names {len(header)}")])
    answers: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, cell in zip(header, row):
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError:
            problems.append(Problem(name, "not valid UTF-8"))
            continue
        cell = cell.strip()
        if not cell:
            continue  # not known
        if name in LIST_FIELDS:
            answers[name] = [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]
        else:
            answers[name] = cell
    if problems:
        raise IntakeError("invalid intake", problems)
    return parse_intake_text(answers)  # each cell read as its field's type; then as strict as JSON


def read_lines(source: IO[bytes], first: int = 1) -> Iterator[Record]:
    """The records of a JSON Lines or CSV ``source`` (a part of a file, for a partition: its
    first line numbered ``first``), as the batch reads them."""
    return _lines(source, first)


def read_csv_header(source: IO[bytes]) -> list[str]:
    """The CSV header (line 1), checked against the intake fields; raises ``BatchInputError``."""
    return _csv_header(_lines(source))


def _error_line(number: int, error: CrampTriageError) -> str:
    problems = [{"loc": p.loc, "message": p.message} for p in error.problems]
    record = {"line": number, "error": {"type": type(error).__name__, "message": error.message, "problems": problems}}
    return json.dumps(record, ensure_ascii=False) + "\n"
