"""The watchdog's emergency path makes every service safe, each on its own bounded thread: a service that hangs
or raises is recorded as not safe, and the next one is still made safe (the HLC case on the virtual lab is
tests/hlc/test_bench_safety.py)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from harness.engine import runner as runner_mod
from harness.engine.runner import Run
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile

from .labrun import BENCH, DEFAULT_DUT, SUITE


class Peer:
    def __init__(self, name: str, behaviour: str):
        self.name, self.behaviour = name, behaviour
        self.made_safe = threading.Event()

    def safe_state(self) -> None:
        if self.behaviour == "hang":
            time.sleep(5)
        if self.behaviour == "raise":
            raise ConnectionError("backend gone")
        self.made_safe.set()


def test_each_service_is_made_safe_within_its_bound(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runner_mod, "SERVICE_EMERGENCY_S", 0.2)
    run = Run(load_suite(SUITE), load(DEFAULT_DUT, DutProfile), load(BENCH, BenchConfig), tmp_path)
    peers = [Peer("stuck", "hang"), Peer("broken", "raise"), Peer("hlc", "ok")]
    run.bench.services = {p.name: p for p in peers}
    started = time.monotonic()
    records = {r.instrument: r for r in run._emergency_services()}
    assert time.monotonic() - started < 1.0
    assert not records["stuck"].ok and "still running" in records["stuck"].error
    assert not records["broken"].ok and "backend gone" in records["broken"].error
    assert records["hlc"].ok and peers[2].made_safe.is_set()
    run.rundir.close()
