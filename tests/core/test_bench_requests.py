"""Bench requests: another thread asks, only the engine thread performs; a request may take several pumps;
a newer request with the same key replaces a pending one; an instrument error reaches the engine thread and
the asking thread both; cancelling releases every waiter."""

from __future__ import annotations

import threading

import pytest

from harness.engine.bench_requests import BenchRequests
from instruments import InstrumentLost


def test_only_the_engine_thread_performs() -> None:
    reqs = BenchRequests()
    reqs.bind()
    done: list[str] = []
    req = reqs.submit("pilot C", lambda: done.append(threading.current_thread().name) or True)
    other = threading.Thread(target=reqs.pump, name="session")
    other.start()
    other.join()
    assert not done and not req.done.is_set()  # a pump on another thread does nothing
    reqs.pump()
    assert done == [threading.current_thread().name] and req.done.is_set() and req.error is None


def test_waits_over_several_pumps_and_coalesces() -> None:
    reqs = BenchRequests()
    reqs.bind()
    current = [40.0]
    opened = reqs.submit("open", lambda: current[0] < 5.0)
    first = reqs.submit("track", lambda: True, key="track")
    second = reqs.submit("track", lambda: True, key="track")
    reqs.pump()
    assert not opened.done.is_set() and first.error == "superseded" and second.done.is_set()
    current[0] = 1.0
    reqs.pump()
    assert opened.done.is_set() and opened.error is None and reqs.pending() == []


def test_an_instrument_error_reaches_both_threads() -> None:
    reqs = BenchRequests()
    reqs.bind()

    def lost() -> bool:
        raise InstrumentLost("battery", "socketcand connection closed")

    req = reqs.submit("close", lost)
    with pytest.raises(InstrumentLost):
        reqs.pump()
    assert req.done.is_set() and "battery" in req.error and not req.wait(0.1)


def test_cancel_releases_a_waiting_session() -> None:
    reqs = BenchRequests()
    reqs.bind()
    req = reqs.submit("pilot B", lambda: True)
    result: list[bool] = []
    waiter = threading.Thread(target=lambda: result.append(req.wait(5.0)))
    waiter.start()
    reqs.cancel_all("the HLC session was aborted")
    waiter.join(2.0)
    assert result == [False] and req.error == "the HLC session was aborted"
