"""Software peers the charger talks to during a run (the OCPP CSMS, the EV's HLC stack), started with the
bench and made safe and stopped with it.

An area registers a factory in ``SERVICE_FACTORIES``; the factory looks at the DUT profile and the bench
and returns a service, or None when the run does not need it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ..model import BenchConfig, DutProfile


class Service(Protocol):
    name: str

    def start(self, run_dir: Any, resolve: Callable[[str], str]) -> None:
        """Begin serving; ``run_dir`` has ``event()`` and ``path`` (traces go under ``path / 'traces'``)."""

    def safe_state(self) -> None:
        """Stop anything that could keep energy flowing (e.g. end an HLC session). Idempotent, bounded in time,
        and callable from any thread: the watchdog's emergency path calls it too. No instrument calls here."""

    def stop(self) -> None: ...


ServiceFactory = Callable[[DutProfile, BenchConfig], "Service | None"]
SERVICE_FACTORIES: list[ServiceFactory] = []
