"""A ``DiffReport`` as text for a terminal, or Markdown for a change-control record."""

from __future__ import annotations

import json
from typing import Any

from ..untrusted import printable
from .diff import DiffReport


def _share(count: int, total: int) -> str:
    if not total:
        return "-"
    share = 100 * count / total
    return "<0.1%" if 0 < share < 0.1 else f"{share:.1f}%"


def _intake(example: dict[str, Any] | None) -> str:
    if example is None:
        return ""
    text = printable(json.dumps(example["intake"], ensure_ascii=False, sort_keys=True))
    return f"{text} (line {example['line']})" if "line" in example else text


def _what(data: dict[str, Any]) -> str:
    if data["over"] == "corpus":
        rejected = f", {data['rejected']:,} not intakes (counted in no change)" if data["rejected"] else ""
        return f"over a corpus of {data['intakes']:,} intakes{rejected}"
    return (f"over the answer space: {data['intakes']:,} intakes, every combination of the values either pack "
            f"can tell apart ({data['combinations']:,} run through both engines)")


def to_text(report: DiffReport) -> str:
    data = report.to_json()
    total = data["intakes"]
    levels = data["levels"]
    lines = [f"{printable(data['old'])} -> {printable(data['new'])}, {_what(data)}",
             "levels: " + ", ".join(f"{levels[w]:,} {w} ({_share(levels[w], total)})" for w in ("up", "down", "same"))]
    if data["moves"]:
        lines += ["", "level changes, each with its smallest intake:"]
        for move in data["moves"]:
            lines.append(f"  {move['direction']:<5} {move['from']} -> {move['to']}: {move['intakes']:,} "
                         f"({_share(move['intakes'], total)})  e.g. {_intake(move['example'])}")
    if data["items"]:
        lines += ["", "causes, referrals and self-care steps that appear or vanish:"]
        for item in data["items"]:
            lines.append(f"  {item['change']:<8} {item['kind']} {item['name']}: {item['intakes']:,} "
                         f"({_share(item['intakes'], total)})  e.g. {_intake(item['example'])}")
    if data["by_field"]:
        lines += ["", "by field and value (where some level changes): up / down / same"]
        width = max(len(f"{row['field']} = {row['value']}") for row in data["by_field"])
        for row in data["by_field"]:
            name = f"{row['field']} = {printable(row['value'])}"
            shown = sum(row[w] for w in ("up", "down", "same"))
            lines.append(f"  {name:<{width}}  {_share(row['up'], shown):>6} up  {_share(row['down'], shown):>6} down  "
                         f"{_share(row['same'], shown):>6} same")
    lines += ["", _verdict(report)]
    return "\n".join(lines) + "\n"


def _verdict(report: DiffReport) -> str:
    if report.lower:
        return f"{report.levels['down']:,} intakes get a less urgent level"
    return "no level goes down" + ("" if report.changed else "; nothing changes")


def to_markdown(report: DiffReport) -> str:
    data = report.to_json()
    total = data["intakes"]
    levels = data["levels"]

    def cell(text: str) -> str:
        return printable(text).replace("|", "\\|")

    lines = [f"# Rule pack change: {cell(data['old'])} → {cell(data['new'])}", "",
             f"Compared {_what(data)}. {_verdict(report).capitalize()}.", "",
             "| level | intakes | share |", "|---|---:|---:|"]
    lines += [f"| {w} | {levels[w]:,} | {_share(levels[w], total)} |" for w in ("up", "down", "same")]
    if data["moves"]:
        lines += ["", "## Level changes", "", "| change | from | to | intakes | share | smallest intake |",
                  "|---|---|---|---:|---:|---|"]
        lines += [f"| {m['direction']} | {m['from']} | {m['to']} | {m['intakes']:,} | {_share(m['intakes'], total)} | "
                  f"`{cell(_intake(m['example']))}` |" for m in data["moves"]]
    if data["items"]:
        lines += ["", "## Causes, referrals and self-care steps that appear or vanish", "",
                  "| change | kind | name | intakes | share | smallest intake |", "|---|---|---|---:|---:|---|"]
        lines += [f"| {i['change']} | {i['kind']} | {cell(i['name'])} | {i['intakes']:,} | {_share(i['intakes'], total)} | "
                  f"`{cell(_intake(i['example']))}` |" for i in data["items"]]
    if data["by_field"]:
        lines += ["", "## By field and value", "", "Of the intakes with each answer, the share whose level goes up, "
                  "down or stays (answers where no level changes are left out).", "",
                  "| field | value | up | down | same |", "|---|---|---:|---:|---:|"]
        for row in data["by_field"]:
            shown = sum(row[w] for w in ("up", "down", "same"))
            lines.append(f"| {row['field']} | {cell(row['value'])} | {_share(row['up'], shown)} | "
                         f"{_share(row['down'], shown)} | {_share(row['same'], shown)} |")
    return "\n".join(lines) + "\n"
