"""Dask: batch and the corpus diff on a LocalCluster of 2 worker processes, with the local
batch's guarantees (every row accounted for, OUT replaced only when complete, nothing lost when
a worker dies), and ``triage_partitions`` on a dask DataFrame. Small data: 2 busy cores."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

from cramp_triage import Triager  # noqa: E402
from cramp_triage.batch import read_intakes  # noqa: E402
from cramp_triage.dask import RESULT_COLUMNS, run_batch_dask, triage_partitions  # noqa: E402
from cramp_triage.dask.batch import plan  # noqa: E402
from cramp_triage.dask.frame import flat_result  # noqa: E402

ANSWERS: list[Any] = [
    {"duration_minutes": 12, "locations": ["calf"]}, {"duration_minutes": 2, "during_sleep": True},
    {"breathless_or_chest_pain": True}, {"medications": ["Lipitor 20 mg", "chamomile tea"]},
    {"cramps_per_week": 7, "pregnant": True}, {"leg_swelling": "one_leg"}, {}, {"age_years": 12},
]


def lines(n: int) -> list[str]:
    """``n`` JSON Lines, every 13th not an intake."""
    return ["not json" if i % 13 == 5 else '{"bad_field": 1}' if i % 13 == 9 else json.dumps(ANSWERS[i % len(ANSWERS)])
            for i in range(n)]


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with Client(cluster) as client:
            yield client


def expected_rows(path: Path, fmt: str = "jsonl") -> list[dict[str, Any]]:
    """What the local reader and a local ``Triager`` make of each row, as flat columns."""
    from cramp_triage import CrampTriageError

    triager = Triager()
    rows = []
    with path.open("rb") as source:
        for number, answers in read_intakes(source, fmt):
            try:
                outcome: Any = answers if isinstance(answers, CrampTriageError) else triager.triage(answers)
            except CrampTriageError as error:
                outcome = error
            rows.append({"line": number, **flat_result(outcome)})
    return rows


def test_partitions_cover_every_line_once(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines(101)))  # no line break at the end
    _, parts = plan(str(path), "jsonl", partition_bytes=300)
    assert len(parts) > 5
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    assert all(a.end == b.start and a.first + a.rows == b.first for a, b in zip(parts, parts[1:]))
    assert sum(p.rows for p in parts) == 101


@pytest.mark.parametrize("out_name", ["out.jsonl", "out.csv", "out.parquet"])
def test_batch_on_dask_accounts_for_every_row(client, tmp_path, out_name):
    import pandas as pd

    source = tmp_path / "in.csv"
    source.write_text("duration_minutes,locations,pregnant\n" + "\n".join(
        ["12,calf,", "2,calf;foot,no", "x,,", ",,yes", '"open,,'] * 12) + "\n")
    out = tmp_path / out_name
    out.write_text("previous")
    summary = run_batch_dask(str(source), str(out), client, fmt="csv", out_fmt=out_name.split(".")[1],
                             partition_bytes=64)
    assert (summary.lines, summary.rejected) == (60, 24)
    assert summary.cache_hits > 0
    expected = expected_rows(source, "csv")
    if out_name.endswith(".jsonl"):
        got = [json.loads(line) for line in out.read_text().splitlines()]
        assert [record["line"] for record in got] == [row["line"] for row in expected] == list(range(2, 62))
        assert [record["result"]["level"] if "result" in record else None for record in got] == \
               [row["level"] for row in expected]
    else:
        frame = pd.read_csv(out, dtype=str, keep_default_na=False) if out_name.endswith(".csv") else pd.read_parquet(out)
        assert list(frame.columns) == ["line", *RESULT_COLUMNS]
        assert [int(v) for v in frame["line"]] == [row["line"] for row in expected]
        def cells(column: str) -> list[Any]:  # null (Parquet) or empty (CSV): None
            return [None if pd.isna(v) or v == "" else v for v in frame[column]]

        assert cells("level") == [row["level"] for row in expected]
        assert cells("causes") == [row["causes"] or None for row in expected]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{out_name}.")]  # no temporary file left


def test_a_failed_run_keeps_the_previous_output(client, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines(40)) + "\n")
    out = tmp_path / "out.jsonl"
    out.write_text("previous")

    def fail(written: int) -> None:
        if written == 2:
            raise RuntimeError("stopped mid-run")

    with pytest.raises(RuntimeError):
        run_batch_dask(str(source), str(out), client, partition_bytes=200, on_partition=fail)
    assert out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]  # no temporary file left


def test_nothing_is_lost_when_a_worker_dies_mid_run(client, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines(400)) + "\n")
    out = tmp_path / "out.jsonl"
    pids = client.run(os.getpid)
    killed: list[int] = []

    def kill_one(written: int) -> None:
        if written == 1:  # the other partitions are queued or running on both workers
            pid = sorted(pids.values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    summary = run_batch_dask(str(source), str(out), client, partition_bytes=600, on_partition=kill_one)
    assert killed and summary.lines == 400
    got = [json.loads(line) for line in out.read_text().splitlines()]
    expected = expected_rows(source)
    assert [record["line"] for record in got] == list(range(1, 401))
    assert [record["result"]["level"] if "result" in record else None for record in got] == \
           [row["level"] for row in expected]
    client.wait_for_workers(2, timeout=120)  # the nanny started a new worker for the module's next tests
    assert killed[0] not in client.run(os.getpid).values()


def test_triage_partitions_gives_flat_columns_row_for_row(client):
    import dask.dataframe as dd
    import pandas as pd

    # dask turns object columns into text: True is "True", places are written as a CSV cell lists them
    rows = [{"duration_minutes": 12.0, "pregnant": None, "locations": "calf"},
            {"duration_minutes": None, "pregnant": True, "locations": None},
            {"duration_minutes": 3.0, "pregnant": "no", "locations": "foot; thigh"},
            {"duration_minutes": -1.0, "pregnant": None, "locations": None}]
    frame = pd.DataFrame(rows * 3, index=range(100, 112))
    result = triage_partitions(dd.from_pandas(frame, npartitions=3)).compute()
    assert list(result.columns) == RESULT_COLUMNS and list(result.index) == list(range(100, 112))
    triager = Triager()
    for (_, row), (_, out) in zip(frame.iterrows(), result.iterrows()):
        answers = {k: v for k, v in row.items() if v is not None and v == v}
        if answers.get("duration_minutes", 0) < 0:
            assert pd.isna(out["level"]) and "duration_minutes" in out["error"]
            continue
        if answers.get("pregnant") == "no":
            answers["pregnant"] = False
        if "locations" in answers:
            answers["locations"] = [place.strip() for place in answers["locations"].split(";")]
        expected = triager.triage(answers)
        assert out["level"] == expected.level.value and pd.isna(out["error"])  # null, as dask stores it
        assert out["causes"] == ";".join(c.category for c in expected.causes)
        assert out["unanswered_red_flags"] == ";".join(expected.unanswered_red_flags)
        assert out["rule_pack_version"] == expected.rule_pack.version


def test_the_corpus_diff_on_dask_equals_the_local_one(client, tmp_path):
    from cramp_triage import RulePack, default_rules_path
    from cramp_triage.dask import diff_corpus_on_dask
    from cramp_triage.tools.diff import diff_corpus

    old = Path(__file__).parent / "data" / "pack-1.0"
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(lines(60)) + "\n")
    local_changed: list[str] = []
    with corpus.open("rb") as source:
        local = diff_corpus(RulePack.load(old), RulePack.load(default_rules_path()), read_intakes(source, "jsonl"),
                            changed=local_changed.append)
    changed: list[str] = []
    on_dask = diff_corpus_on_dask(old, default_rules_path(), str(corpus), "jsonl", client, changed=changed.append,
                                  partition_bytes=300)
    assert on_dask.to_json() == local.to_json()
    assert "".join(changed) == "".join(local_changed)


def test_importing_cramp_triage_imports_no_dask_nor_pyarrow():
    code = ("import sys, cramp_triage; cramp_triage.triage({'duration_minutes': 2}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'dask', 'distributed', 'pyarrow', 'pandas'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_batch_command_on_a_local_cluster(tmp_path):
    """`cramp-triage batch IN -o OUT --dask local --workers 2`, as docs/cli.md gives it."""
    import pandas as pd

    source = tmp_path / "intakes.jsonl"
    source.write_text("\n".join(lines(30)) + "\n")
    out = tmp_path / "results.parquet"
    done = subprocess.run([str(Path(sys.executable).parent / "cramp-triage"), "batch", str(source), "-o", str(out),
                           "--dask", "local", "--workers", "2"], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # lines 6, 10, 19, 23 are not intakes
    assert "30 lines: 26 triaged, 4 rejected" in done.stderr.splitlines()[-1]
    frame = pd.read_parquet(out)
    assert list(frame["line"]) == list(range(1, 31))
    assert [row["line"] for _, row in frame.iterrows() if isinstance(row["error"], str)] == [6, 10, 19, 23]
    refused = subprocess.run([str(Path(sys.executable).parent / "cramp-triage"), "batch", "-", "-o", str(out),
                              "--dask", "local"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1


def test_a_pack_that_has_read_a_typo_still_goes_to_a_fresh_interpreter(pack):
    """A Dask worker has threads, so a pack's trial runs in a fresh interpreter, sent there
    pickled; a reader that has met a typo holds rapidfuzz, which must not stop it."""
    import pickle

    from cramp_triage.engine import compile_pack

    assert pack.reader.read_all(["atorvastatn"])[0].matches  # one typo: rapidfuzz is loaded
    copy = pickle.loads(pickle.dumps(compile_pack(pack)))
    assert copy.pack.reader.read_all(["simvastatn"])[0].matches[0].name == "simvastatin"


def test_an_unknown_region_is_refused_once_before_any_row_goes_to_the_cluster(tmp_path):
    from cramp_triage.errors import RegionError

    source = tmp_path / "in.jsonl"
    source.write_text('{"duration_minutes": 2}\n')
    with pytest.raises(RegionError):
        run_batch_dask(str(source), str(tmp_path / "out.jsonl"), client=None, region="ZZ")  # no cluster touched
    assert not (tmp_path / "out.jsonl").exists()
