"""The HTTP service: requests per second and latency of ``POST /v1/triage`` with 1 and 2 uvicorn
workers, beside what the library's own ``triage()`` costs for the same intakes.

For each worker count it starts ``cramp-triage serve --workers N --no-access-log`` on a free
127.0.0.1 port, warms it up, then sends the fixed seeded intakes (``common.intakes``) from one
asyncio client, a minimal HTTP/1.1 client written for this so that the load generator spends
as little CPU as it can (it shares the machine's cores with the server):

- latency: one keep-alive connection, one request at a time (a quarter of the intakes): the
  median and p99 round trip, to set beside ``triage()``'s own cost;
- throughput: ``--concurrency`` keep-alive connections: requests per second, and the median and
  p99 round trip with that many requests in flight (which includes waiting in line).

A sample of the answers is checked against the library's. In this process, ``triage()``'s
median and p99 on the same intakes (the default ``Triager``, as the service uses) give the
cost without HTTP. The load average before and after is reported: on a shared machine, compare
figures of one run only. Loopback only; every loop is bounded.

    python benchmarks/server_throughput.py [--n 4000] [--concurrency 8] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from common import intakes, machine, summary_us  # noqa: E402

from cramp_triage import Triager  # noqa: E402

BIN = Path(sys.executable).parent
START_SECONDS = 60
WARM_UP = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    process = subprocess.Popen([str(BIN / "cramp-triage"), "serve", "--port", str(port), "--workers", str(workers),
                                "--no-access-log"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the server with {workers} workers did not start within {START_SECONDS} s")


def _request(port: int, body: bytes) -> bytes:
    return (f"POST /v1/triage HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def _connection(port: int, requests: list[bytes], times: list[float], bodies: list[bytes]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for request in requests:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            body = await reader.readexactly(length)
            times.append(time.perf_counter() - started)
            if status != b"200":
                raise RuntimeError(f"status {status.decode()}: {body[:200]!r}")
            bodies.append(body)
    finally:
        writer.close()


async def _load(port: int, payloads: list[bytes], concurrency: int) -> tuple[float, list[float], list[bytes]]:
    """Send every payload once, spread over ``concurrency`` connections; the wall time, each
    round trip, and the answers (in the order of ``payloads``)."""
    shares = [payloads[i::concurrency] for i in range(concurrency)]
    times: list[list[float]] = [[] for _ in shares]
    bodies: list[list[bytes]] = [[] for _ in shares]
    started = time.perf_counter()
    await asyncio.gather(*(_connection(port, [_request(port, p) for p in share], t, b)
                           for share, t, b in zip(shares, times, bodies)))
    wall = time.perf_counter() - started
    ordered = [b""] * len(payloads)
    for index, answers in enumerate(bodies):
        ordered[index::concurrency] = answers
    return wall, [t for series in times for t in series], ordered


def measure(n: int, concurrency: int) -> dict[str, Any]:
    samples = intakes(n)
    payloads = [json.dumps(answers).encode() for answers in samples]
    library = Triager()
    expected = [library.triage(answers).model_dump(mode="json") for answers in samples[:: max(1, n // 200)]]

    # The library alone, in this process: what each request costs before any HTTP.
    library = Triager()
    costs = []
    for answers in samples:
        started = time.perf_counter()
        library.triage(answers)
        costs.append(time.perf_counter() - started)

    load_before = os.getloadavg()
    runs: dict[str, Any] = {}
    for workers in (1, 2):
        process, port = _start(workers)
        try:
            asyncio.run(_load(port, payloads[:WARM_UP], concurrency))
            _, one_at_a_time, _ = asyncio.run(_load(port, payloads[: max(1, n // 4)], 1))
            wall, times, answers = asyncio.run(_load(port, payloads, concurrency))
        finally:
            process.terminate()
            process.wait(timeout=30)
        got = [json.loads(body) for body in answers[:: max(1, n // 200)]]
        if got != expected:
            raise RuntimeError(f"with {workers} workers the service answered differently from the library")
        runs[str(workers)] = {"latency": summary_us(one_at_a_time),
                              "throughput": {"requests_per_second": n / wall, **summary_us(times)}}
    library_figures = summary_us(costs)
    return {
        "benchmark": "server_throughput", "n": n, "concurrency": concurrency, "machine": machine(),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "workers": runs, "library_triage": library_figures,
        "two_vs_one": runs["2"]["throughput"]["requests_per_second"] / runs["1"]["throughput"]["requests_per_second"],
        "added_us_median": runs["1"]["latency"]["median_us"] - library_figures["median_us"],
    }


def report(result: dict[str, Any]) -> str:
    lib = result["library_triage"]
    before, after = (", ".join(f"{x:.1f}" for x in result["load_average"][k]) for k in ("before", "after"))
    c = result["concurrency"]
    lines = [f"HTTP service, POST /v1/triage, {result['n']:,} seeded intakes ({result['machine']}; the load "
             f"generator shares the cores; load average {before} before, {after} after)",
             f"| what | one at a time: median µs | p99 µs | {c} in flight: requests/s | median µs | p99 µs |",
             "|---|---:|---:|---:|---:|---:|"]
    for workers, figures in result["workers"].items():
        one, many = figures["latency"], figures["throughput"]
        lines.append(f"| service, {workers} worker{'s' if workers != '1' else ''} | {one['median_us']:.0f} "
                     f"| {one['p99_us']:.0f} | {many['requests_per_second']:,.0f} | {many['median_us']:.0f} "
                     f"| {many['p99_us']:.0f} |")
    lines.append(f"| library `triage()` alone, in process | {lib['median_us']:.0f} | {lib['p99_us']:.0f} "
                 f"| {1e6 / lib['median_us']:,.0f} (one core) | | |")
    lines.append("")
    lines.append(f"- the service adds {result['added_us_median']:.0f} µs to a request at the median (loopback, "
                 f"HTTP, JSON both ways, a worker thread); 2 workers ÷ 1 = {result['two_vs_one']:.2f} in requests/s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = measure(args.n, args.concurrency)
    print(json.dumps(result) if args.json else report(result))


if __name__ == "__main__":
    main()
