"""uvicorn's HTTP protocol with Nagle's algorithm off on every connection.

uvicorn writes a response's head and body separately. With more than one worker it listens on a
socket it made itself, whose connections asyncio leaves with Nagle on: the body then waits for
the client's delayed ACK of the head, about 40 ms on Linux, on every request (a request took
44 ms instead of 0.9 ms in the benchmark). Setting TCP_NODELAY on each connection fixes that
for any worker count. ``cramp-triage serve`` passes this class as uvicorn's ``http`` protocol.
"""

from __future__ import annotations

import socket
from typing import Any

try:  # the faster parser when it is installed, as uvicorn's "auto" would choose
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Protocol
except ImportError:
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Protocol  # type: ignore[assignment]


class NoDelayProtocol(_Protocol):
    def connection_made(self, transport: Any) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # the connection is already gone; uvicorn will see that too
                pass
        super().connection_made(transport)
