"""``rules diff --corpus --dask``: each partition of the corpus compared on a worker (one
``Comparer``, two ``Triager``s, per worker process), the partial tables merged in order."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..batch.runner import read_lines, record_answers
from ..errors import BatchInputError, CrampTriageError
from ..files import open_regular
from ..pack import RulePack
from ..tools.diff import Comparer, DiffReport, changed_record
from .batch import RETRIES, Partition, _Window, connect, plan

_comparers: dict[tuple[str, str], Comparer] = {}
_lock = threading.Lock()


def _comparer(old: str, new: str) -> Comparer:
    with _lock:
        comparer = _comparers.get((old, new))
        if comparer is None:
            comparer = _comparers[(old, new)] = Comparer(RulePack.load(old), RulePack.load(new))
    return comparer


def diff_partition(old: str, new: str, path: str, fmt: str, header: list[str] | None,
                   part: Partition) -> tuple[DiffReport, str, int]:
    """On a worker: one partition -> its table, its changed rows as JSON Lines, records read."""
    comparer = _comparer(old, new)
    report = comparer.report("corpus")
    changed: list[str] = []
    with open_regular(path, BatchInputError) as file:
        if part.row_group is not None:
            from ..batch.parquet import parquet_records

            records: Any = parquet_records(file, row_groups=[part.row_group], first_row=part.first)
        else:
            records = read_lines(io.BufferedReader(_Window(file, part.start, part.end)), part.first)
        read = 0
        for number, raw in records:
            read += 1
            try:
                answers: Any = record_answers(fmt, header, raw)
            except CrampTriageError as error:
                answers = error
            differs = comparer.add_row(report, number, answers)
            if differs is not None:
                changed.append(changed_record(number, *differs))
    return report, "".join(changed), read


def diff_corpus_on_dask(old: Path, new: Path, corpus: str, fmt: str, address: str | Any,
                        changed: Callable[[str], Any] | None = None, partition_bytes: int | None = None) -> DiffReport:
    """The corpus diff on a Dask cluster (``address``: a scheduler, 'local', or a ``Client``);
    changed rows go to ``changed`` in input order. Every worker must see OLD, NEW and the corpus."""
    from .batch import partition_size

    client, close = (address, lambda: None) if not isinstance(address, str) else connect(address)
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        header, parts = plan(corpus, fmt, partition_bytes or partition_size(corpus, workers))
        paths = [str(Path(p).resolve()) for p in (old, new, corpus)]
        futures = [client.submit(diff_partition, *paths[:2], paths[2], fmt, header, part, retries=RETRIES, pure=False)
                   for part in parts]
        total: DiffReport | None = None
        for part, future in zip(parts, futures):
            report, text, read = future.result()
            if read != part.rows:
                raise RuntimeError(f"partition {part.index} holds {part.rows} rows but gave {read} records")
            if changed is not None and text:
                changed(text)
            if total is None:
                total = report
            else:
                total.merge(report)
        if total is None:  # an empty corpus
            total = Comparer(RulePack.load(old), RulePack.load(new)).report("corpus")
        return total
    finally:
        close()
