"""An open-loop HTTP/1.1 load client on asyncio streams (the standard library): each kind of
request arrives at its own fixed rate whatever the server's answers take, so a slow server
meets more requests at once instead of fewer (no coordinated omission). A request's latency
runs from when it was due, not from when a connection became free. Only loopback addresses
are loaded.

A kind's `make()` gives the next request, or None when its prepared data ran out (counted as
an error: the run was prepared too small).
"""

import asyncio
import ipaddress
import json
import math
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: object = None  # JSON-serialisable, or None


@dataclass
class Kind:
    name: str
    per_second: float
    make: Callable[[], Request | None]
    expected: frozenset = frozenset({200})


@dataclass
class Tally:
    """What one kind got in the measured part of the run."""

    answers: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # transport errors and unexpected answers

    @property
    def done(self) -> int:
        return sum(self.answers.values())

    def percentile_ms(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


class _Pool:
    """Idle keep-alive connections to one server; a new one opened when none is idle. A
    connection idle for longer than MAX_IDLE_SECONDS is closed instead of reused: the server
    closes it after its keep-alive time (`onestop serve`: 5 s), and a request sent as it does
    would be lost."""

    MAX_IDLE_SECONDS = 2.0

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.idle: list[tuple[tuple[asyncio.StreamReader, asyncio.StreamWriter], float]] = []

    async def take(self):
        while self.idle:
            connection, since = self.idle.pop()
            if time.monotonic() - since < self.MAX_IDLE_SECONDS:
                return connection
            connection[1].close()
        return await asyncio.open_connection(self.host, self.port)

    def give(self, connection) -> None:
        self.idle.append((connection, time.monotonic()))

    def close(self) -> None:
        for (_, writer), _ in self.idle:
            writer.close()
        self.idle.clear()


def encode(request: Request, host: str, port: int) -> bytes:
    body = b"" if request.body is None else json.dumps(request.body).encode("utf-8")
    lines = [f"{request.method} {request.path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += ["Accept: application/json"]
    if request.body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def exchange(connection, raw: bytes) -> tuple[int, bytes, bool]:
    """One request on a connection: status, body, and whether the connection may be kept."""
    reader, writer = connection
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
    keep = fields.get("connection", "").lower() != "close"
    if "content-length" in fields:
        body = await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readuntil(b"\r\n")
    else:
        body, keep = await reader.read(), False
    return status, body, keep


class Client:
    def __init__(self, host: str, port: int):
        address = ipaddress.ip_address(socket.gethostbyname(host))
        if not address.is_loopback:
            raise ValueError(f"only loopback addresses are loaded, not {host}")
        self.host, self.port = host, port
        self.pool = _Pool(host, port)

    async def send(self, request: Request, *, fresh: bool = False) -> tuple[int, bytes]:
        """One request on a kept connection (or a new one of its own, `fresh`)."""
        raw = encode(request, self.host, self.port)
        if fresh:
            connection = await asyncio.open_connection(self.host, self.port)
            try:
                status, body, _ = await exchange(connection, raw)
            finally:
                connection[1].close()
            return status, body
        connection = await self.pool.take()
        try:
            status, body, keep = await exchange(connection, raw)
        except BaseException:
            connection[1].close()
            raise
        if keep:
            self.pool.give(connection)
        else:
            connection[1].close()
        return status, body

    async def _one(self, kind: Kind, due: float, tally: Tally | None) -> None:
        request = kind.make()
        if request is None:
            if tally is not None:
                tally.errors.append("prepared data ran out")
            return
        try:
            status, _ = await self.send(request)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            if tally is not None:
                tally.errors.append(repr(exc))
            return
        if tally is None:  # warm-up
            return
        tally.latencies.append(time.perf_counter() - due)
        tally.answers[status] = tally.answers.get(status, 0) + 1
        if status not in kind.expected:
            tally.errors.append(f"{request.method} {kind.name}: {status}")

    async def _arrivals(self, kind: Kind, began: float, warm_up: float, seconds: float, tally):
        tasks = []
        n = 0
        while True:
            due = began + n / kind.per_second
            if due >= began + warm_up + seconds:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            measured = tally if due >= began + warm_up else None
            tasks.append(asyncio.create_task(self._one(kind, due, measured)))
            n += 1
        await asyncio.gather(*tasks)

    async def run(
        self, kinds: list[Kind], *, warm_up: float, seconds: float, during=None
    ) -> dict[str, Tally]:
        """Every kind at its rate for warm_up + seconds; the measured part's tallies. `during`,
        a coroutine function, starts when the measured part does (a rush, a probe)."""
        tallies = {kind.name: Tally() for kind in kinds}
        began = time.perf_counter()
        extra = []
        if during is not None:

            async def later():
                await asyncio.sleep(warm_up)
                await during()

            extra.append(later())
        await asyncio.gather(
            *(self._arrivals(k, began, warm_up, seconds, tallies[k.name]) for k in kinds), *extra
        )
        self.pool.close()
        return tallies
