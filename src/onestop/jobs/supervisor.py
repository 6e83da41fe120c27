"""The background worker as a child of `onestop serve`: started with the server, started again
(after a pause that grows while it keeps dying) if it dies, stopped with the server.

On Linux the child is also told to stop when its parent dies without stopping it (killed with
SIGKILL): it gets SIGTERM from the kernel (prctl PR_SET_PDEATHSIG), finishes its task and exits.

Two things of gunicorn's, which runs the pages in the same process: its master reaps every child
it has (waitpid(-1)), the worker too, and then the worker's exit status is lost to us (Popen.wait
answers 0), but its end is still seen and it is started again. And its page workers are forks of
this process that run the server's `finally` when they end: only the process that started the
worker may stop it.
"""

import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
import threading
import time

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
STOP_TIMEOUT = 30  # seconds a stopping worker is given to finish its task
PAUSE_MAX = 60
STEADY = 60  # seconds: a worker that ran this long died of something new, not of its start


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
        self.owner = os.getpid()

    def _spawn(self) -> None:
        self.starts += 1
        self.child = subprocess.Popen(  # noqa: S603
            self.command,
            preexec_fn=_die_with_parent,  # noqa: PLW1509
            # Its own process group: Ctrl-C in a terminal reaches serve, which stops the worker
            # (stop below), rather than the worker, which serve would then take for dead.
            process_group=0,
        )
        print(f"background worker: pid {self.child.pid}", flush=True)

    def run(self) -> None:
        pause = 1
        while not self.stopping.is_set():
            self._spawn()
            began = time.monotonic()
            code = self.child.wait()
            if self.stopping.is_set():
                return
            if time.monotonic() - began >= STEADY:
                pause = 1
            logger.error("background worker exited (%s); starting it again in %d s", code, pause)
            print(f"background worker exited ({code}); again in {pause} s", flush=True)
            if self.stopping.wait(pause):
                return
            pause = min(pause * 2, PAUSE_MAX)

    def stop(self) -> None:
        if os.getpid() != self.owner:  # a forked page worker ending: not its worker to stop
            return
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
