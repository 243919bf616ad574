"""Intakes as data frame rows in, flat result columns out; one ``Triager`` per worker process.

A result's columns are plain text, so that CSV and Parquet hold them as they are: ``level``,
``causes``, ``see`` and ``unanswered_red_flags`` (several names joined with ``;``, as CSV
cells list them), ``rule_pack_version``, and ``error`` (why the row is not an intake; the other
columns are then empty).
"""

from __future__ import annotations

import threading
from typing import Any

from ..batch.parquet import missing, plain
from ..errors import CrampTriageError
from ..triager import Triager

RESULT_COLUMNS = ["level", "causes", "see", "unanswered_red_flags", "rule_pack_version", "error"]
SEPARATOR = ";"

_triagers: dict[str | None, Triager] = {}
_lock = threading.Lock()


def worker_triager(rules: str | None = None) -> Triager:
    """This process's ``Triager`` for ``rules`` (a pack folder the workers can read; None: the
    shipped pack), built on first use and kept: one per worker process, however many tasks."""
    triager = _triagers.get(rules)
    if triager is None:
        with _lock:  # a worker runs tasks on several threads
            triager = _triagers.get(rules)
            if triager is None:
                triager = _triagers[rules] = Triager(rules)
    return triager


def flat_result(outcome: Any) -> dict[str, Any]:
    """A ``TriageResult``, or the ``CrampTriageError`` of a row, as the flat columns."""
    if isinstance(outcome, CrampTriageError):
        return {**dict.fromkeys(RESULT_COLUMNS), "error": str(outcome)}
    return {"level": outcome.level.value,
            "causes": SEPARATOR.join(cause.category for cause in outcome.causes),
            "see": SEPARATOR.join(referral.id for referral in outcome.see),
            "unanswered_red_flags": SEPARATOR.join(outcome.unanswered_red_flags),
            "rule_pack_version": outcome.rule_pack.version, "error": None}


def row_answers(row: dict[str, Any]) -> dict[str, Any]:
    """A data frame row as answers: missing values left out, numpy values made plain."""
    return {name: plain(value) for name, value in row.items() if not missing(value)}


def triage_frame(frame: Any, rules: str | None = None) -> Any:
    """One pandas partition of intakes -> its flat result columns, row for row (same index)."""
    import pandas as pd

    from ..batch.runner import row_intake

    triager = worker_triager(rules)
    rows = []
    for row in frame.to_dict("records"):
        try:
            outcome: Any = triager.triage(row_intake(row_answers(row)))
        except CrampTriageError as error:
            outcome = error
        rows.append(flat_result(outcome))
    return pd.DataFrame(rows, index=frame.index, columns=RESULT_COLUMNS, dtype=object)


def triage_partitions(ddf: Any, rules: str | None = None) -> Any:
    """A dask DataFrame of intakes (columns named as intake fields; text cells are read as their
    field's type, as CSV cells are, so ``"calf;foot"`` is two places: dask makes object columns
    text unless ``dataframe.convert-string`` is off) -> a dask DataFrame of flat result columns, partition for
    partition, with the same index. Each worker process builds one ``Triager`` and keeps it."""
    import pandas as pd

    meta = pd.DataFrame({name: pd.Series(dtype=object) for name in RESULT_COLUMNS})
    return ddf.map_partitions(triage_frame, rules, meta=meta)
