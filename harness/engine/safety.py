"""Safe state on every exit path.

``Safety`` turns SIGTERM and SIGINT into a ``RunAborted`` exception in the main thread, so the runner's
``finally`` puts every instrument in its safe state. Its watchdog thread, independent of test code,
enforces a deadline on every step and on the clean-up itself: when one is missed (a hung driver, a
deadlock), it makes the bench safe through fresh connections of its own and interrupts the main thread.
"""

from __future__ import annotations

import _thread
import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from types import FrameType
from typing import Any

from ..model import SafeStateRecord


class RunAborted(BaseException):
    """The run must stop now (signal or watchdog). BaseException: test code must not swallow it."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class Safety:
    def __init__(self, emergency: Callable[[], list[SafeStateRecord]], on_event: Callable[..., None],
                 cleanup_budget_s: float = 20.0):
        self.emergency = emergency
        self.on_event = on_event
        self.cleanup_budget_s = cleanup_budget_s
        self.abort_reason: str | None = None
        self.emergency_records: list[SafeStateRecord] = []
        self._deadline: float | None = None
        self._deadline_what = ""
        self._cleaning = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._old: dict[int, Any] = {}
        self._thread = threading.Thread(target=self._watch, name="chargebench-watchdog", daemon=True)

    # -- signals ---------------------------------------------------------------------------------------------
    def _handler(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.abort_reason is None:
            self.abort_reason = name
            self.on_event("signal", signal=name)
        if not self._cleaning:
            raise RunAborted(name)

    def __enter__(self) -> Safety:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._old[sig] = signal.signal(sig, self._handler)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for sig, old in self._old.items():
            signal.signal(sig, old)

    # -- deadlines -------------------------------------------------------------------------------------------
    @contextmanager
    def deadline(self, seconds: float, what: str):
        with self._lock:
            self._deadline, self._deadline_what = time.monotonic() + seconds, what
        try:
            yield
        finally:
            with self._lock:
                self._deadline = None

    @contextmanager
    def cleaning(self):
        """Signals arriving now are recorded but do not interrupt the clean-up; the watchdog bounds it."""
        self._cleaning = True
        with self._lock:
            self._deadline, self._deadline_what = time.monotonic() + self.cleanup_budget_s, "safe state"
        try:
            yield
        finally:
            with self._lock:
                self._deadline = None
            self._cleaning = False

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            with self._lock:
                late = self._deadline is not None and time.monotonic() > self._deadline
                what = self._deadline_what
                if late:
                    self._deadline = None
            if late:
                self.on_event("watchdog", what=what, action="emergency safe state via fresh connections")
                self.emergency_records = self.emergency()
                if self.abort_reason is None:
                    self.abort_reason = f"watchdog: {what} exceeded its deadline"
                if not self._cleaning:
                    _thread.interrupt_main()
