"""Faults injected through the virtual lab's control port while a real Run (harness.engine.runner) is going:
a timeout, a dropped connection, an error in the instrument's queue and a reply out of range, for one SCPI,
one Modbus and one CAN instrument, and once during an acquisition. Each must end its test in ERROR with a
reason naming the instrument and what happened, and leave safe-state records for the whole bench."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
BENCH = HERE / "benches" / "faults.yaml"
DUT = ROOT / "profiles" / "dut" / "j1772_80a.yaml"
SUITE = HERE / "suites" / "instruments.yaml"
INSTRUMENTS = ["ev", "analyzer", "chroma_load", "meter", "battery"]

# (test id, instrument, fault) -> what the reason must say besides the instrument's name
CASES = {
    ("SCPI-01", "chroma_load", "drop"): "lost instrument",
    ("SCPI-01", "chroma_load", "timeout"): "no reply to 'MEAS:VOLT?'",
    ("SCPI-01", "chroma_load", "error"): 'error queue: -200,"Execution error; injected fault"',
    ("SCPI-01", "chroma_load", "out_of_range"): "voltage reading 9e+30 V is outside",
    ("MODBUS-01", "meter", "drop"): "lost instrument",
    ("MODBUS-01", "meter", "timeout"): "no reply to 'read input 0x0000 2'",
    ("MODBUS-01", "meter", "error"): "Modbus exception 4 (server device failure)",
    ("MODBUS-01", "meter", "out_of_range"): "urms reading 9e+30 V is outside",
    ("CAN-01", "battery", "drop"): "lost instrument",
    ("CAN-01", "battery", "timeout"): "no frame 0x310",
    ("CAN-01", "battery", "error"): 'error queue: 4,"internal device fault"',
    ("CAN-01", "battery", "out_of_range"): "voltage reading 6553.5 V is outside",
    ("ACQ-02", "meter", "error"): "Modbus exception 4 (server device failure)",
    ("ACQ-01", "analyzer", "out_of_range"): "reading 9e+30",
}


@pytest.fixture(scope="module")
def lab():
    with VirtualLabProcess(BENCH, DUT, [], 1.0) as process:
        yield process


def run_one(lab: VirtualLabProcess, out: Path, test_id: str, instrument: str | None, fault: str | None,
            delay_s: float = 0.0):
    """Run one test of the self-test suite; inject the fault when the test starts, or ``delay_s`` later
    (from a timer: in the middle of an acquisition stream)."""
    loaded = load_suite(SUITE)
    case = next(t for t in loaded.suite.tests if t.id == test_id)
    loaded = dataclasses.replace(loaded, suite=loaded.suite.model_copy(update={"tests": [case]}))

    def inject() -> None:
        assert lab.control({"fault": fault, "instrument": instrument}) == {"ok": True}

    def on_event(kind: str, **kw: object) -> None:
        if kind == "test_started" and fault is not None:
            if delay_s:
                threading.Timer(delay_s, inject).start()
            else:
                inject()

    try:
        with Run(loaded, load(DUT, DutProfile), load(BENCH, BenchConfig), out, resolve=lab.resolve,
                 on_event=on_event) as run:
            record = run.run_all()
    finally:
        if instrument is not None:
            lab.control({"clear": instrument})
    return record


def test_the_same_tests_pass_without_faults(lab, tmp_path):
    """The control (runs first, on instruments with empty error queues): without a fault every test of the
    self-test suite passes, so the ERRORs below come from the faults and nothing else."""
    for test_id in ("SCPI-01", "MODBUS-01", "CAN-01"):
        record = run_one(lab, tmp_path / test_id, test_id, None, None)
        assert record.tests[0].verdict.value == "PASS", record.tests[0].reason
        assert all(s.ok for s in record.safe_state)


@pytest.mark.parametrize(("test_id", "instrument", "fault"), list(CASES), ids=["-".join(k) for k in CASES])
def test_fault_ends_the_test_in_error_and_the_bench_safe(lab, tmp_path, test_id, instrument, fault):
    record = run_one(lab, tmp_path / "run", test_id, instrument, fault)
    result = record.tests[0]
    assert result.verdict.value == "ERROR"
    assert result.reason.startswith(("lost instrument " + instrument, instrument)), result.reason
    assert CASES[(test_id, instrument, fault)] in result.reason
    on_disk = json.loads((tmp_path / "run" / "record.json").read_text())
    assert on_disk["tests"][0]["verdict"] == "ERROR" and on_disk["tests"][0]["reason"] == result.reason
    safe = {s["instrument"]: s for s in on_disk["safe_state"]}
    assert set(INSTRUMENTS) <= set(safe)
    assert ("acquisition" in safe) == test_id.startswith("ACQ")  # the service exists once a stream started
    for name in INSTRUMENTS:
        if name != instrument:
            assert safe[name]["ok"], safe[name]  # every other instrument was made safe
    if fault == "drop":
        if instrument != "meter":  # a meter drives nothing, so its safe state needs no connection
            assert not safe[instrument]["ok"]  # it is gone: the record says its safe state could not be applied
        assert on_disk["status"] == "aborted" and instrument in on_disk["end_reason"]


@pytest.mark.parametrize(("test_id", "instrument", "fault", "says"), [
    ("ACQ-01", "analyzer", "timeout", "no reply to ':NUMeric:NORMal:VALue?'"),
    ("ACQ-02", "meter", "drop", "lost instrument meter"),
], ids=["analyzer-timeout", "meter-drop"])
def test_fault_in_the_middle_of_a_stream(lab, tmp_path, test_id, instrument, fault, says):
    """The stream thread meets the fault; the test's acquire.stop reports it: ERROR, samples kept."""
    record = run_one(lab, tmp_path / "run", test_id, instrument, fault, delay_s=0.5)
    result = record.tests[0]
    assert result.verdict.value == "ERROR" and says in result.reason, result.reason
    table = pq.read_table(tmp_path / "run" / "samples" / f"{instrument}.parquet")
    assert table.num_rows >= 3  # what was sampled before the fault is on disk
    events = [json.loads(line) for line in (tmp_path / "run" / "events.jsonl").read_text().splitlines()]
    stopped = next(e for e in events if e["event"] == "acquisition_stopped")
    assert stopped["error"].startswith(instrument) and stopped["rows"] == table.num_rows


def test_acquisition_writes_samples_at_the_update_rate(lab, tmp_path):
    record = run_one(lab, tmp_path / "run", "ACQ-01", None, None)
    assert record.tests[0].verdict.value == "PASS", record.tests[0].reason
    table = pq.read_table(tmp_path / "run" / "samples" / "analyzer.parquet")
    t_ns = table.column("t_ns").to_pylist()
    events = [json.loads(line) for line in (tmp_path / "run" / "events.jsonl").read_text().splitlines()]
    stopped = next(e for e in events if e["event"] == "acquisition_stopped")
    assert table.num_rows + stopped["missed_updates"] >= 35  # 2 s at the WT's 50 ms update interval
    assert all(b > a for a, b in zip(t_ns, t_ns[1:], strict=False))
    assert max(table.column("p_sigma").to_pylist()) > 3000  # the EV drew 16 A at 240 V during the stream
    assert stopped["rows"] == table.num_rows and stopped["error"] is None
