"""Parquet, beside JSON Lines and CSV: rows read in record batches (memory bounded by a batch,
not the file), each row an intake numbered from 1; flat result rows written the same way.

Needs pyarrow (``pip install 'cramp-triage[parquet]'``, or ``[dask]``), imported only here.
A column that is not an intake field stops the batch before anything is read, as a bad CSV
header does; a null is "not known"; text cells are read as their field's type, as CSV cells are.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import IO, Any

from ..errors import BatchInputError, CrampTriageError, Problem

ROWS_PER_READ = 1024


def pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise BatchInputError("Parquet needs pyarrow", [Problem(
            "format", "install it with: pip install 'cramp-triage[parquet]' (or use JSON Lines or CSV)")]) from None
    return pq


def parquet_columns(names: list[str]) -> list[str]:
    """The columns, checked against the intake fields (as a CSV header is)."""
    from ..intake import Intake

    unknown = [name for name in names if name not in Intake.model_fields]
    if unknown:
        allowed = ", ".join(Intake.model_fields)
        raise BatchInputError("bad Parquet columns",
                              [Problem("columns", f"unknown columns {unknown}; columns are intake fields: {allowed}")])
    return names


def parquet_records(source: IO[bytes], row_groups: list[int] | None = None,
                    first_row: int = 1) -> Iterator[tuple[int, dict[str, Any] | CrampTriageError]]:
    """Each row as (row number, its known answers as plain Python values); ``row_groups`` reads
    only those (a partition), numbered from ``first_row``."""
    pq = pyarrow_parquet()
    try:
        file = pq.ParquetFile(source)
    except Exception as error:  # noqa: BLE001 - pyarrow raises its own kinds for a file that is not Parquet
        raise BatchInputError("cannot read the Parquet input", [Problem("input", str(error))]) from None
    names = parquet_columns(file.schema_arrow.names)
    number = first_row
    for batch in file.iter_batches(batch_size=ROWS_PER_READ, row_groups=row_groups, columns=names):
        for row in batch.to_pylist():
            yield number, {name: plain(value) for name, value in row.items() if not missing(value)}
            number += 1


def missing(value: Any) -> bool:
    """Null in any of the ways a data frame says it (None, NaN, pandas' NA and NaT)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def plain(value: Any) -> Any:
    """A cell as the plain Python value the intake takes: numpy scalars and arrays unwrapped."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
