"""Bench changes asked for by another thread and carried out on the engine thread.

Drivers are used from one thread only: the engine's, whose steps the watchdog's deadlines watch. A service
thread (the EV's HLC session) that needs the bench changed - the pilot to C, the battery emulator's
contactor closed - submits a request here; the engine performs it whenever it waits: in the ``hlc.*``
waits and in every clock sleep (the runner's clock check pumps). A request may take several pumps (wait
for the current to fall, then open): its function returns False until it is done. An instrument error
raised by a request is re-raised on the engine thread, so the step in progress ends in ERROR naming the
instrument, as if the step had made the call itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    what: str
    fn: Callable[[], bool]  # True: done; False: not yet, ask again at the next pump
    deadline: float | None = None  # time.monotonic(); past it the request ends undone
    key: str | None = None  # a newer request with the same key replaces a pending one
    done: threading.Event = field(default_factory=threading.Event)
    error: str | None = None

    def wait(self, timeout_s: float, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """Session side: wait for the engine to carry it out; False if it did not (timeout, error, cancel)."""
        end = time.monotonic() + timeout_s
        while not self.done.wait(0.005):
            if cancelled() or time.monotonic() > end:
                return False
        return self.error is None


class BenchRequests:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Request] = []
        self._owner: int | None = None
        self._pumping = False

    def bind(self) -> None:
        """The calling thread is the engine thread: only it runs requests."""
        self._owner = threading.get_ident()

    def submit(self, what: str, fn: Callable[[], bool], timeout_s: float | None = None,
               key: str | None = None) -> Request:
        req = Request(what, fn, None if timeout_s is None else time.monotonic() + timeout_s, key)
        with self._lock:
            if key is not None:
                for old in [r for r in self._pending if r.key == key]:
                    self._pending.remove(old)
                    self._end(old, "superseded")
            self._pending.append(req)
        return req

    def pending(self) -> list[str]:
        with self._lock:
            return [r.what for r in self._pending]

    def cancel_all(self, why: str) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        for req in batch:
            self._end(req, why)

    def pump(self) -> None:
        """Engine thread: carry out what is pending (a no-op on any other thread, and when re-entered)."""
        if self._pumping or (self._owner is not None and threading.get_ident() != self._owner):
            return
        with self._lock:
            batch = list(self._pending)
        if not batch:
            return
        self._pumping = True
        try:
            for req in batch:
                try:
                    finished = req.fn()
                except BaseException as exc:
                    self._drop(req, f"{type(exc).__name__}: {exc}")
                    raise
                if finished:
                    self._drop(req, None)
                elif req.deadline is not None and time.monotonic() > req.deadline:
                    self._drop(req, "timed out")
        finally:
            self._pumping = False

    def _drop(self, req: Request, error: str | None) -> None:
        with self._lock:
            if req in self._pending:
                self._pending.remove(req)
        self._end(req, error)

    @staticmethod
    def _end(req: Request, error: str | None) -> None:
        req.error = error
        req.done.set()
