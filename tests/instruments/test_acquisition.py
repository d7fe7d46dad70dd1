"""Acquisition streams on a real driver and emulator: rows at the update rate, timestamps at the read,
missed updates counted (never hidden), the shared connection serialised with the test's own reads."""

from __future__ import annotations

import threading
import time

import pyarrow.parquet as pq
import pytest

from harness.engine.acquisition import Stream, parse_items
from instruments import InstrumentError, open_instrument

ITEMS = [("urms", 1), ("p", "sigma")]


def test_parse_items():
    assert parse_items(["urms@1", "p@sigma", "voltage"]) == [("urms", 1), ("p", "sigma"), ("voltage", None)]


def test_stream_at_the_update_interval(lab, tmp_path):
    wt = open_instrument("yokogawa.wt", lab.serve("yokogawa.wt", "wt"), name="wt")
    stream = Stream("wt", wt, ITEMS, tmp_path / "wt.parquet", wt.update_interval_s())
    stream.start()
    reads = []

    def test_thread_reads() -> None:  # the test's own steps keep using the same connection meanwhile
        for _ in range(20):
            reads.append(wt.read("irms", 1).value)

    t = threading.Thread(target=test_thread_reads)
    t.start()
    time.sleep(0.5)
    t.join()
    summary = stream.stop()
    table = pq.read_table(tmp_path / "wt.parquet")
    assert summary["rows"] == table.num_rows and summary["error"] is None
    assert 9 <= summary["rows"] + summary["missed_updates"] <= 12  # 0.5 s at 50 ms: every update read or counted
    assert table.column_names == ["t_ns", "t_s", "read_us", "urms_1", "p_sigma"]
    t_ns = table.column("t_ns").to_pylist()
    gaps = [(b - a) / 1e6 for a, b in zip(t_ns, t_ns[1:], strict=False)]
    assert sorted(gaps)[len(gaps) // 2] == pytest.approx(50, abs=10)  # on the 50 ms grid
    assert all(g < 100 for g in gaps), gaps  # a read delayed by the other thread is caught up, not dropped
    assert len(reads) == 20 and all(r == 0.0 for r in reads)  # no reply was mixed up between threads
    assert wt.transport.__class__.__name__ == "VisaTransport"  # the lock wrapper is removed again


def test_missed_updates_are_counted(lab, tmp_path):
    wt = open_instrument("yokogawa.wt", lab.serve("yokogawa.wt", "wt"), name="wt")
    stream = Stream("wt", wt, ITEMS, tmp_path / "fast.parquet", 1e-5)  # faster than any read can be
    stream.start()
    time.sleep(0.2)
    summary = stream.stop()
    assert summary["rows"] > 0 and summary["missed_updates"] > summary["rows"]


def test_a_bad_quantity_fails_in_the_step_not_in_the_thread(lab, tmp_path):
    from harness.engine.acquisition import AcquisitionService

    class RunDir:
        path = tmp_path

        def event(self, kind: str, **fields: object) -> None:
            pass

    (tmp_path / "samples").mkdir()
    wt = open_instrument("yokogawa.wt", lab.serve("yokogawa.wt", "wt"), name="wt")
    service = AcquisitionService()
    service.start(RunDir(), lambda a: a)
    with pytest.raises(InstrumentError, match="has no quantity 'volts'"):
        service.open("wt", wt, [("volts", 1)])
    service.open("wt", wt, ITEMS)
    with pytest.raises(InstrumentError, match="already has an acquisition stream"):
        service.open("wt2", wt, ITEMS)
    service.safe_state()
    assert service.streams == {} and (tmp_path / "samples" / "wt.parquet").exists()
