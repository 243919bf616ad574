"""``batch --dask``: the same batch, its partitions triaged on a Dask cluster.

The guarantees are the local batch's: every input row gives one output row with its number
(a result, or an error record), in input order; OUT is written to a temporary file beside it
and renamed over it only when every partition is in; a worker that dies mid-run loses nothing,
as the scheduler runs its partitions again elsewhere (and the client checks that each partition
gives as many rows as it holds).

Partitions: JSON Lines and CSV are cut into byte ranges that end at a line break (the client
reads the file once, counting lines, so each range knows its first line number); Parquet into
its row groups. Workers read their own range from IN (a path they must see, as Dask's own
readers need) and send back the finished rows; the client writes them, so the output can be
anywhere the client can write.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..batch.output import AtomicOutput
from ..batch.runner import BatchSummary, _error_line, read_csv_header, read_lines, triage_records
from ..errors import BatchInputError, CrampTriageError, Problem
from ..files import open_regular
from .frame import RESULT_COLUMNS, flat_result, worker_triager

PARTITION_BYTES = 8_000_000  # at most: about 50,000 intakes of JSON Lines
MIN_PARTITION_BYTES = 64_000
PARTITIONS_PER_WORKER = 4  # at least, when the input allows: a slow or lost worker holds up a quarter of its share
OUTPUT_FORMATS = ("jsonl", "csv", "parquet")
RETRIES = 3


@dataclass(frozen=True)
class Partition:
    """A part of IN: bytes ``start``..``end`` (JSON Lines, CSV) or one row group (Parquet), its
    first line or row number, and how many records it holds."""

    index: int
    first: int
    rows: int
    start: int = 0
    end: int = 0
    row_group: int | None = None


def plan(path: str, fmt: str, partition_bytes: int = PARTITION_BYTES) -> tuple[list[str] | None, list[Partition]]:
    """The CSV header (checked) and the partitions of IN."""
    if fmt == "parquet":
        from ..batch.parquet import parquet_columns, pyarrow_parquet

        with open_regular(path, BatchInputError) as source:
            try:
                meta = pyarrow_parquet().ParquetFile(source).metadata
                names = meta.schema.to_arrow_schema().names
            except BatchInputError:
                raise
            except Exception as error:  # noqa: BLE001 - pyarrow's own kinds for a file that is not Parquet
                raise BatchInputError("cannot read the Parquet input", [Problem("input", str(error))]) from None
            parquet_columns(names)
            parts, first = [], 1
            for group in range(meta.num_row_groups):
                rows = meta.row_group(group).num_rows
                parts.append(Partition(group, first, rows, row_group=group))
                first += rows
            return None, parts
    with open_regular(path, BatchInputError) as source:
        header = read_csv_header(source) if fmt == "csv" else None
        start = source.tell() if header is not None else 0
        if header is not None:  # the header line, however the reader buffered it
            source.seek(0)
            start = len(source.readline())
            source.seek(start)
        first = 2 if header is not None else 1
        return header, list(_byte_ranges(source, start, first, partition_bytes))


def _byte_ranges(source: IO[bytes], start: int, first: int, size: int) -> Iterator[Partition]:
    """Ranges of about ``size`` bytes, each ending just after a line break (or at the end)."""
    index, position, line = 0, start, first
    source.seek(start)
    while True:
        block = source.read(size)
        if not block:
            return
        lines = block.count(b"\n")
        if not block.endswith(b"\n"):
            rest = source.readline()  # up to the next line break
            block += rest
            lines += 1  # the line cut by the block (ended by `rest`, or the last line of the file)
        end = position + len(block)
        yield Partition(index, line, lines, position, end)
        index, position, line = index + 1, end, line + lines


class _Window(io.RawIOBase):
    """Bytes ``start``..``end`` of a file, as a stream the batch's line reader can read."""

    def __init__(self, file: IO[bytes], start: int, end: int) -> None:
        self._file, self._left = file, end - start
        file.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        data = self._file.read(min(len(buffer), self._left))
        buffer[:len(data)] = data
        self._left -= len(data)
        return len(data)


def triage_partition(path: str, fmt: str, header: list[str] | None, part: Partition, rules: str | None,
                     out_fmt: str, region: str | None = None) -> tuple[Any, int, int, int, int]:
    """On a worker: one partition -> (JSON Lines text, or flat rows), triaged, rejected, cache
    hits, records read."""
    triager = worker_triager(rules)
    hits_before = triager.cache_info["result_hits"]
    with open_regular(path, BatchInputError) as file:
        if part.row_group is not None:
            from ..batch.parquet import parquet_records

            records: Any = parquet_records(file, row_groups=[part.row_group], first_row=part.first)
        else:
            records = read_lines(io.BufferedReader(_Window(file, part.start, part.end)), part.first)
        outcomes = list(triage_records(triager, fmt, header, records, region))
    rejected = sum(isinstance(outcome, CrampTriageError) for _, outcome in outcomes)
    if out_fmt == "jsonl":
        body: Any = "".join(_error_line(n, o) if isinstance(o, CrampTriageError)
                            else f'{{"line": {n}, "result": {o.model_dump_json()}}}\n' for n, o in outcomes)
    else:
        body = [{"line": n, **flat_result(o)} for n, o in outcomes]
    hits = triager.cache_info["result_hits"] - hits_before
    return body, len(outcomes) - rejected, rejected, hits, len(outcomes)


class _Writer:
    """OUT as JSON Lines, CSV (the flat columns) or Parquet (the same columns), atomically."""

    def __init__(self, path: str, fmt: str) -> None:
        self.fmt = fmt
        self.out = AtomicOutput(path, binary=fmt == "parquet")
        self._parquet: Any = None

    def write(self, body: Any) -> None:
        if self.fmt == "jsonl":
            self.out.write(body)
        elif self.fmt == "csv":
            text = io.StringIO()
            writer = csv.DictWriter(text, ["line", *RESULT_COLUMNS], lineterminator="\n")
            if self._parquet is None:
                writer.writeheader()
                self._parquet = True  # the header is written
            writer.writerows(body)
            self.out.write(text.getvalue())
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = pa.schema([("line", pa.int64()), *((name, pa.string()) for name in RESULT_COLUMNS)])
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.out.stream(), schema)
            self._parquet.write_table(pa.Table.from_pylist(body, schema=schema))

    def commit(self) -> None:
        if self.fmt == "parquet" and self._parquet is None:
            self.write([])  # an empty input: a valid Parquet file with no rows
        if self.fmt == "parquet":
            self._parquet.close()
        elif self.fmt == "csv" and self._parquet is None:
            self.write([])
        self.out.commit()

    def discard(self) -> None:
        self.out.discard()


def connect(address: str, workers: int | None = None) -> tuple[Any, Callable[[], None]]:
    """A ``distributed.Client`` for ``address`` ('local': a LocalCluster of worker processes on
    this machine), and how to close what was opened."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BatchInputError("--dask needs Dask", [Problem(
            "dask", "install it with: pip install 'cramp-triage[dask]'")]) from None
    if address == "local":
        # Its log lines (a worker slow to close on a busy machine) are not the batch's to report.
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.ERROR)
        client = Client(cluster)

        def close() -> None:
            client.close()
            cluster.close()

        return client, close
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError, ValueError) as error:
        raise BatchInputError(f"cannot reach the Dask scheduler {address}", [Problem("dask", str(error))]) from None
    return client, client.close


def partition_size(path: str, workers: int) -> int:
    """Bytes per partition: ``PARTITIONS_PER_WORKER`` partitions for each worker at least, each
    between ``MIN_PARTITION_BYTES`` and ``PARTITION_BYTES``."""
    size = os.stat(path).st_size
    return max(MIN_PARTITION_BYTES, min(PARTITION_BYTES, size // (PARTITIONS_PER_WORKER * max(1, workers)) + 1))


def run_batch_dask(path: str, output: str, client: Any, fmt: str = "jsonl", out_fmt: str = "jsonl",
                   rules: str | None = None, partition_bytes: int | None = None,
                   on_partition: Callable[[int], None] | None = None,
                   summary: BatchSummary | None = None, region: str | None = None) -> BatchSummary:
    """Triage IN on ``client``'s cluster into OUT, worded for ``region`` (``None``: the pack's
    default); returns the counts. ``on_partition`` is called with the number of partitions
    written so far."""
    if out_fmt not in OUTPUT_FORMATS:
        raise BatchInputError("unknown output format", [Problem("output", f"use one of {', '.join(OUTPUT_FORMATS)}")])
    if region is not None:  # an unknown region would fail every row: one error, now (the pack only, no engine)
        from ..pack import RulePack, default_rules_path

        RulePack.load(rules if rules is not None else default_rules_path()).wording(region)
    started = time.perf_counter()
    summary = summary if summary is not None else BatchSummary()
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    header, parts = plan(path, fmt, partition_bytes or partition_size(path, workers))
    writer = _Writer(output, out_fmt)
    window = 2 * workers
    absolute = str(Path(path).resolve())
    try:
        pending: deque[tuple[Partition, Any]] = deque()
        written = 0
        queue = iter(parts)
        for part in queue:
            pending.append((part, client.submit(triage_partition, absolute, fmt, header, part, rules, out_fmt,
                                                region, retries=RETRIES, pure=False)))
            if len(pending) >= window:
                written = _write_next(pending, writer, summary, started, written, on_partition)
        while pending:
            written = _write_next(pending, writer, summary, started, written, on_partition)
        writer.commit()
    except BaseException:
        for _, future in pending:
            future.cancel()
        writer.discard()
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _write_next(pending: deque[tuple[Partition, Any]], writer: _Writer, summary: BatchSummary, started: float,
                written: int, on_partition: Callable[[int], None] | None) -> int:
    part, future = pending.popleft()
    body, triaged, rejected, hits, read = future.result()
    if read != part.rows:  # never lose a row silently
        raise RuntimeError(f"partition {part.index} holds {part.rows} rows but gave {read} records")
    writer.write(body)
    summary.add(triaged, rejected, hits, started)
    if on_partition is not None:
        on_partition(written + 1)
    return written + 1
