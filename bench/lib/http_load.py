"""A small HTTP/1.1 load client: several keep-alive connections, each in a thread, sending
prepared requests for a bounded time (and a bounded count). Only loopback addresses are loaded.

Lean on purpose: the client shares the machine's cores with the server it measures, so it sends
prepared bytes and reads no more of an answer than its status, length and body.
"""

import ipaddress
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Load:
    seconds: float = 0.0
    answers: dict[int, int] = field(default_factory=dict)  # status -> count
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(self.answers.values())

    @property
    def per_second(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def median_ms(self) -> float:
        return 1000 * statistics.median(self.latencies) if self.latencies else 0.0


def request_bytes(host: str, port: int, path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Connection:
    def __init__(self, host: str, port: int):
        self.address = (host, port)
        self.sock = None
        self.buffer = b""

    def open(self) -> None:
        self.sock = socket.create_connection(self.address, timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buffer += chunk

    def exchange(self, request: bytes) -> int:
        """Send one request and read its answer; the answer's status."""
        if self.sock is None:
            self.open()
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
        if "content-length" in fields:
            length = int(fields["content-length"])
            while len(self.buffer) < length:
                self._more()
            self.buffer = self.buffer[length:]
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            raise ConnectionError("chunked answers are not read by this client")
        else:  # the body ends with the connection
            try:
                while True:
                    self._more()
            except ConnectionError:
                pass
            self.close()
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status


def _check_loopback(host: str) -> None:
    address = ipaddress.ip_address(socket.gethostbyname(host))
    if not address.is_loopback:
        raise ValueError(f"only loopback addresses are loaded, not {host}")


def run(
    host: str,
    port: int,
    requests: list[bytes],
    *,
    connections: int = 8,
    seconds: float = 3.0,
    most: int = 1_000_000,
    each_once: bool = False,
) -> Load:
    """`connections` clients in threads, each sending the requests in turn (offset per client)
    until `seconds` have passed or `most` requests were sent in all; `each_once`: the clients
    take the requests from one list in its order, each sent once (at most)."""
    _check_loopback(host)
    load = Load()
    lock = threading.Lock()
    sent = [0]
    start = threading.Barrier(connections + 1)
    deadline = [0.0]

    def client(offset: int) -> None:
        connection = _Connection(host, port)
        answers: dict[int, int] = {}
        latencies = []
        errors = []
        n = offset
        start.wait()
        while time.perf_counter() < deadline[0]:
            with lock:
                if sent[0] >= (min(most, len(requests)) if each_once else most):
                    break
                if each_once:
                    n = sent[0]
                sent[0] += 1
            began = time.perf_counter()
            try:
                status = connection.exchange(requests[n % len(requests)])
            except OSError as exc:
                errors.append(repr(exc))
                connection.close()
                continue
            latencies.append(time.perf_counter() - began)
            answers[status] = answers.get(status, 0) + 1
            n += 1
        connection.close()
        with lock:
            for status, count in answers.items():
                load.answers[status] = load.answers.get(status, 0) + count
            load.latencies += latencies
            load.errors += errors

    threads = [
        threading.Thread(target=client, args=(c * 7,), daemon=True) for c in range(connections)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    load.seconds = time.perf_counter() - began
    return load


def rounds(
    host: str,
    port: int,
    kinds: dict[str, list[bytes]],
    *,
    connections: int,
    seconds: float,
    count: int,
) -> dict[str, list[Load]]:
    """Each kind's requests loaded `count` times, kinds taking turns within a round and the
    order reversed every other round (a drift of the machine's speed then falls on each kind
    alike), after one second of each to warm every worker: {kind: [Load per round]}."""
    found = {kind: [] for kind in kinds}
    for requests in kinds.values():
        run(host, port, requests, connections=connections, seconds=1.0)
    for turn in range(count):
        order = list(kinds.items())
        for kind, requests in order if turn % 2 == 0 else reversed(order):
            found[kind].append(run(host, port, requests, connections=connections, seconds=seconds))
    return found


def median(loads: list[Load]) -> Load:
    """The round of the median rate."""
    return sorted(loads, key=lambda load: load.per_second)[len(loads) // 2]
