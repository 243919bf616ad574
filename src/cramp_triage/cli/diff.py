"""``cramp-triage rules diff OLD NEW``: what a rule pack change does to the answers, for release."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from .app import EXIT_FINDINGS, fail, load_pack, rules_app


class DiffFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


@rules_app.command("diff", epilog="Example: cramp-triage rules diff old-pack/ rules/ --format md > change.md")
def diff_command(
    old: Path = typer.Argument(..., metavar="OLD", help="The rule pack folder in use now."),
    new: Path = typer.Argument(..., metavar="NEW", help="The rule pack folder to release."),
    corpus: Optional[str] = typer.Option(
        None, "--corpus", metavar="FILE",
        help="Real intakes (JSON Lines, CSV or Parquet, as batch reads them): count them instead of the answer space."),
    changed_out: Optional[str] = typer.Option(
        None, "--changed-out", metavar="FILE", help="With --corpus: write each changed row here as JSON Lines."),
    format: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f", help="text, md (a change-control record) or json."),
    json_output: bool = typer.Option(False, "--json", help="The same as --format json."),
    allow_lower: bool = typer.Option(False, "--allow-lower", help="Exit 0 even when some level goes down."),
    dask: Optional[str] = typer.Option(
        None, "--dask", metavar="ADDRESS",
        help="With --corpus: run on a Dask scheduler at ADDRESS, or 'local' for a local cluster (needs [dask])."),
) -> None:
    """Compare two rule packs: how many intakes get a higher, lower or the same level (by field
    and value), the smallest intake showing each change, and the causes, referrals and
    self-care steps that appear or vanish.

    Without --corpus, over the whole answer space of both packs (every combination of the
    values either pack can tell apart, counted exactly); with it, over real intakes.
    Exit code 1 when any level goes down, unless --allow-lower.
    """
    if changed_out is not None and corpus is None:
        fail("--changed-out needs --corpus (the answer space has no rows to write)")
    if dask is not None and corpus is None:
        fail("--dask needs --corpus")
    old_pack, new_pack = load_pack(old), load_pack(new)
    if corpus is None:
        from ..tools.diff import diff_space

        report = diff_space(old_pack, new_pack)
    else:
        report = _over_corpus(old_pack, new_pack, corpus, changed_out, dask, old, new)
    chosen = DiffFormat.json if json_output else format
    if chosen is DiffFormat.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        from ..tools.diff_render import to_markdown, to_text

        sys.stdout.write(to_markdown(report) if chosen is DiffFormat.md else to_text(report))
    if report.lower and not allow_lower:
        raise typer.Exit(EXIT_FINDINGS)


def _over_corpus(old_pack: Any, new_pack: Any, corpus: str, changed_out: Optional[str], dask: Optional[str],
                 old: Path, new: Path) -> Any:
    from ..batch import AtomicOutput, format_for, read_intakes
    from ..errors import BatchInputError
    from ..files import open_regular
    from ..tools.diff import diff_corpus

    output = AtomicOutput(changed_out) if changed_out is not None else None
    try:
        if dask is not None:
            from ..dask import diff_corpus_on_dask

            report = diff_corpus_on_dask(old, new, corpus, format_for(corpus), dask,
                                         changed=output.write if output is not None else None)
        else:
            with open_regular(corpus, BatchInputError) as source:
                rows = read_intakes(source, format_for(corpus))
                report = diff_corpus(old_pack, new_pack, rows, changed=output.write if output is not None else None)
        if output is not None:
            output.commit()
    except BaseException:
        if output is not None:
            output.discard()
        raise
    return report
