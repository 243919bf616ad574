"""Batch triage: JSON Lines or CSV in, JSON Lines out, streamed, over worker processes.

Every input line (JSON Lines) or row (CSV, after its header) gives exactly one output line, in
input order, carrying its input line number:

    {"line": 3, "result": {...the TriageResult JSON...}}
    {"line": 4, "error": {"type": "IntakeError", "message": "...", "problems": [{"loc": ..., "message": ...}]}}

A line that cannot be triaged gives an error record and the batch goes on. Input is read in
chunks and at most a few chunks per worker are in flight, so memory does not grow with the file.
CSV: the header names intake fields; an empty cell means "not known"; ``locations`` and
``medications`` cells list several values separated by ``;``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Optional

from ..errors import BatchInputError, CrampTriageError, IntakeError, Problem

FORMATS = ("jsonl", "csv")
LIST_SEPARATOR = ";"
CHUNK_RECORDS = 256  # records per task sent to a worker
IN_FLIGHT_PER_WORKER = 3  # chunks queued per worker: enough to keep it busy, bounded memory

# A chunk: (format, CSV header or None, [(line number, raw record)]); the record is the line's
# bytes (JSON Lines) or the row's cells (CSV).
Chunk = tuple[str, Optional[list[str]], list[tuple[int, Any]]]


@dataclass
class BatchSummary:
    triaged: int = 0
    rejected: int = 0
    seconds: float = 0.0

    @property
    def lines(self) -> int:
        return self.triaged + self.rejected

    @property
    def rate(self) -> float:
        """Lines per second."""
        return self.lines / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        return (f"{self.lines} lines: {self.triaged} triaged, {self.rejected} rejected, "
                f"{self.seconds:.2f} s, {self.rate:,.0f} lines/s")


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def format_for(path: str, given: str | None = None) -> str:
    """``given`` if set, else ``csv`` for a ``.csv`` file and JSON Lines for anything else."""
    if given is not None:
        if given not in FORMATS:
            raise BatchInputError("unknown input format", [Problem("format", f"use one of {', '.join(FORMATS)}")])
        return given
    return "csv" if path.lower().endswith(".csv") else "jsonl"


def run_batch(
    source: IO[bytes],
    out: IO[str],
    fmt: str = "jsonl",
    workers: int = 1,
    rules: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Triage every record of ``source`` (binary) into JSON Lines on ``out``; returns the counts.

    ``workers`` > 1 runs that many processes; ``on_progress`` is called with the input bytes
    consumed after each chunk is written. Raises ``BatchInputError`` for a bad CSV header.
    """
    started = time.perf_counter()
    summary = BatchSummary()
    records = _jsonl_records(source) if fmt == "jsonl" else _csv_records(source)
    header = next(records)[1] if fmt == "csv" else None  # read now: a bad header stops here
    chunks = _chunks(source, fmt, header, records)
    # Input that fits in one chunk is not worth starting processes for.
    first = list(itertools.islice(chunks, 2))
    if len(first) < 2:
        workers = 1
    chunks = itertools.chain(first, chunks)

    def write(chunk: Chunk, result: tuple[str, int, int], consumed: int) -> None:
        text, triaged, rejected = result
        if triaged + rejected != len(chunk[2]):  # never lose a line silently
            raise RuntimeError(f"a chunk of {len(chunk[2])} lines gave {triaged + rejected} records")
        out.write(text)
        summary.triaged += triaged
        summary.rejected += rejected
        if on_progress is not None:
            on_progress(consumed)

    # Load the pack once here: forked workers inherit it instead of each reading the YAML again,
    # and a pack the engine cannot run is one error here, not one per worker.
    from ..engine import compile_pack, prove_runnable
    from ..pack import RulePack, default_rules_path

    pack = RulePack.load(rules if rules is not None else default_rules_path())
    prove_runnable(compile_pack(pack))
    if workers <= 1:
        _start_worker(pack)
        for chunk, consumed in chunks:
            write(chunk, triage_chunk(chunk), consumed)
    else:
        pending: deque[tuple[Chunk, Future[tuple[str, int, int]], int]] = deque()
        with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(pack,)) as pool:
            for chunk, consumed in chunks:
                pending.append((chunk, pool.submit(triage_chunk, chunk), consumed))
                if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                    done, future, at = pending.popleft()
                    write(done, future.result(), at)
            while pending:
                done, future, at = pending.popleft()
                write(done, future.result(), at)
    out.flush()
    summary.seconds = time.perf_counter() - started
    return summary


# -- reading -------------------------------------------------------------------------------------


def _chunks(
    source: IO[bytes], fmt: str, header: list[str] | None, records: Iterator[tuple[int, Any]]
) -> Iterator[tuple[Chunk, int]]:
    """Chunks of records, each with the input bytes consumed once it is read."""
    batch: list[tuple[int, Any]] = []
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


def _jsonl_records(source: IO[bytes]) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(source, start=1):
        yield number, line


def _csv_records(source: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """The header first (checked against the intake fields), then each row with the line it starts on."""
    from ..intake import Intake

    text = io.TextIOWrapper(source, encoding="utf-8", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        raise BatchInputError("the CSV input is empty", [Problem("header", "the first line names intake fields")])
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in Intake.model_fields]
    if unknown or len(set(header)) != len(header):
        allowed = ", ".join(Intake.model_fields)
        what = f"unknown columns {unknown}" if unknown else "a column is named twice"
        raise BatchInputError("bad CSV header", [Problem("header", f"{what}; columns are intake fields: {allowed}")])
    yield reader.line_num, header
    start = reader.line_num + 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    finally:
        text.detach()  # leave ``source`` open for the caller


# -- triaging (in a worker process, or in this one) ---------------------------------------------

_triager: Any = None


def _start_worker(pack: Any) -> None:
    global _triager
    from ..triager import Triager

    _triager = Triager(pack)


def triage_chunk(chunk: Chunk) -> tuple[str, int, int]:
    """JSON Lines for one chunk (one line per record), with the counts triaged and rejected."""
    fmt, header, records = chunk
    lines: list[str] = []
    triaged = rejected = 0
    for number, raw in records:
        try:
            answers = _jsonl_answers(raw) if fmt == "jsonl" else _csv_answers(header or [], raw)
            result = _triager.triage(answers)
        except CrampTriageError as error:
            rejected += 1
            lines.append(_error_line(number, error))
        except Exception as error:  # noqa: BLE001 - one bad line must not end the batch
            rejected += 1
            lines.append(_error_line(number, CrampTriageError(f"internal error ({type(error).__name__})",
                                                              [Problem("line", str(error))])))
        else:
            triaged += 1
            lines.append(f'{{"line": {number}, "result": {result.model_dump_json()}}}\n')
    return "".join(lines), triaged, rejected


def _jsonl_answers(raw: bytes) -> Any:
    text = raw.strip()
    if not text:
        raise IntakeError("invalid intake", [Problem("intake", "empty line; expected a JSON object")])
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:  # ValueError also covers bad UTF-8
        raise IntakeError("invalid intake", [Problem("intake", f"not valid JSON ({error})")]) from None


def _csv_answers(header: list[str], row: list[str]) -> dict[str, Any]:
    from ..intake import LIST_FIELDS

    if not row:
        raise IntakeError("invalid intake", [Problem("intake", "empty line; expected a row of answers")])
    if len(row) != len(header):
        raise IntakeError("invalid intake", [Problem("row", f"{len(row)} cells, but the header names {len(header)}")])
    answers: dict[str, Any] = {}
    for name, cell in zip(header, row):
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError:
            raise IntakeError("invalid intake", [Problem(name, "not valid UTF-8")]) from None
        cell = cell.strip()
        if not cell:
            continue  # not known
        if name in LIST_FIELDS:
            answers[name] = [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]
        else:
            answers[name] = cell  # the intake model reads "yes", "2.5", "4" into its own types
    return answers


def _error_line(number: int, error: CrampTriageError) -> str:
    problems = [{"loc": p.loc, "message": p.message} for p in error.problems]
    record = {"line": number, "error": {"type": type(error).__name__, "message": error.message, "problems": problems}}
    return json.dumps(record, ensure_ascii=False) + "\n"


