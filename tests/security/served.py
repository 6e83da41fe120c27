"""`onestop serve` as a real deployment for the tests that need one: prepared with
`onestop prepare`, started under a given umask with gunicorn's worker processes, no Redis (the
in-memory cache of each process), and plain HTTP clients that may come from any loopback address
(127.0.0.0/8 is all this machine's), keep cookies, and post the pages' forms as a browser does.
"""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.processes import ROOT, fresh_database, suite_engine

LAX_UMASK = 0o022  # the usual umask: files 0644, folders 0755 unless the service says otherwise
DEMO_PASSWORD = "demo-password-of-the-tests"  # noqa: S105
DEMO_EMPLOYER = "91110108DEMO00001X"  # accounts/demo.py: the demo handler's employer


def deployment_environment(database_url: str, var_dir: Path, **changes: str) -> dict:
    """A deployment's environment: no secrets given, so the service makes its own in var_dir."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=database_url,
        ONESTOP_VAR_DIR=str(var_dir),
        ONESTOP_DEMO_PASSWORD=DEMO_PASSWORD,
        ONESTOP_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    env.update(changes)
    return env


def onestop(env: dict, *args: str, umask: int = LAX_UMASK) -> str:
    """Run `onestop args...` to its end under `umask`; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "onestop.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        umask=umask,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


@contextlib.contextmanager
def database(folder: Path, purpose: str) -> Iterator[str]:
    """DATABASE_URL of a fresh database of the suite's engine."""
    with fresh_database(suite_engine(), folder, purpose) as url:
        yield url


@dataclass
class Server:
    port: int
    log: Path
    process: subprocess.Popen

    def client(self, source: str = "127.0.0.1") -> "Client":
        return Client(self.port, source)


@contextlib.contextmanager
def serving(env: dict, folder: Path, *, workers: int, threads: int = 2) -> Iterator[Server]:
    """`onestop serve --no-prepare` under the lax umask until the block ends."""
    port = _free_port()
    log = folder / f"serve-{port}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "onestop.cli", "serve", "--no-prepare"),
                *("--host", "127.0.0.1", "--port", str(port)),
                *("--workers", str(workers), "--threads", str(threads)),
            ],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            umask=LAX_UMASK,
        )
    server = Server(port, log, process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"onestop serve ended at start:\n{server.log.read_text()}")
        with contextlib.suppress(OSError):
            if server.client().get("/api/v1/health").status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"onestop serve did not answer within 120 s:\n{server.log.read_text()}")


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Client:
    """One person's browser or program: from one address, with its cookies, one new connection
    per request (so that the server's processes take turns answering)."""

    port: int
    source: str = "127.0.0.1"
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, *, body=None, headers=None) -> Answer:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.source, 0)
        )
        try:
            sent = dict(headers or {})
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
            for header, value in answer.getheaders():
                if header.lower() == "set-cookie":
                    for name, morsel in SimpleCookie(value).items():
                        self.cookies[name] = morsel.value
            return Answer(answer.status, {k.lower(): v for k, v in answer.getheaders()}, content)
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict) -> Answer:
        """A page's form with its CSRF token, as a browser posts it."""
        if "csrftoken" not in self.cookies:
            self.get(path)
        body = urlencode({**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        return self.request(
            "POST",
            path,
            body=body.encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def post_json(self, path: str, data: dict) -> Answer:
        """A write of the API in a signed-in session (the CSRF token in its header)."""
        return self.request(
            "POST",
            path,
            body=json.dumps(data).encode("utf-8"),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
            },
        )

    def post_multipart(self, path: str, fields: dict, files: dict) -> Answer:
        """A form with files (`files`: name -> (file name, content type, bytes))."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content_type, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        answer = self.post_form("/accounts/login/", {"username": username, "password": password})
        assert answer.status == 302, answer.text[-2000:]
        assert "sessionid" in self.cookies
