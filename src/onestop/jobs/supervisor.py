"""The background worker as a child of `onestop serve`: started with the server, started again
(after a growing pause) if it dies, stopped with the server.

On Linux the child is also told to stop when its parent dies without stopping it (killed with
SIGKILL): it gets SIGTERM from the kernel (prctl PR_SET_PDEATHSIG), finishes its task and exits.
"""

import ctypes
import ctypes.util
import logging
import signal
import subprocess
import sys
import threading

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
STOP_TIMEOUT = 30  # seconds a stopping worker is given to finish its task
PAUSE_MAX = 60


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    libc = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc:
        ctypes.CDLL(libc, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class WorkerSupervisor(threading.Thread):
    def __init__(self, command: list[str] | None = None):
        super().__init__(name="worker-supervisor", daemon=True)
        self.command = command or [sys.executable, "-m", "onestop.cli", "worker"]
        self.stopping = threading.Event()
        self.child: subprocess.Popen | None = None
        self.starts = 0

    def _spawn(self) -> None:
        self.starts += 1
        self.child = subprocess.Popen(self.command, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509
        print(f"background worker: pid {self.child.pid}", flush=True)

    def run(self) -> None:
        pause = 1
        while not self.stopping.is_set():
            self._spawn()
            code = self.child.wait()
            if self.stopping.is_set():
                return
            logger.error("background worker exited (%s); starting it again in %d s", code, pause)
            print(f"background worker exited ({code}); again in {pause} s", flush=True)
            if self.stopping.wait(pause):
                return
            pause = min(pause * 2, PAUSE_MAX)

    def stop(self) -> None:
        self.stopping.set()
        child = self.child
        if child is None or child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
