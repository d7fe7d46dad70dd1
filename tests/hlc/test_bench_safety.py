"""The EV battery on the bench, and safety during an HLC session, shown by injecting faults on the virtual lab
(DC bench with the battery emulator; one lab for the module):

- the harness programs the battery emulator from its EV battery model (BATT mode at the OCV, closed after
  PowerDelivery(start), opened after the current fell), and the lab says who plays the battery;
- a battery emulator lost mid-session ends the test in ERROR naming it, the bench in safe state and the
  charger's output current at zero;
- a hung instrument during the charge loop: the watchdog's emergency path also ends the HLC session (the
  connection drops), so the charger shuts its output down although the EV emulator cannot be reached.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from harness.engine import runner as runner_mod
from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile, Verdict
from instruments import open_instrument

from .labrun import BENCH, DC_BENCH, DUTS, SUITES

DUT = DUTS / "ccs1_dc_150kw.yaml"
SCALE = 5.0


@pytest.fixture(scope="module")
def lab():
    with VirtualLabProcess(DC_BENCH, DUT, [], SCALE) as lab:
        yield lab


def _events(run_dir: Path, kind: str) -> list[dict]:
    rows = [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]
    return [r for r in rows if r["event"] == kind]


def _run(lab: VirtualLabProcess, out: Path, case: str, bench: BenchConfig | None = None) -> Run:
    loaded = load_suite(SUITES / "din70121_dc.yaml")
    loaded.suite.tests = [t for t in loaded.suite.tests if t.id == case]
    return Run(loaded, load(DUT, DutProfile), bench or load(DC_BENCH, BenchConfig), out, time_scale=SCALE,
               resolve=lab.resolve, virtual_lab=lab.record())


def _when_charging(lab: VirtualLabProcess, faults: dict[str, str]) -> threading.Thread:
    """Inject ``faults`` (instrument -> fault) as soon as the charger delivers more than 50 A."""

    def watch() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if lab.control({"status": True})["current_a"] > 50:
                for name, fault in faults.items():
                    lab.control({"fault": fault, "instrument": name})
                return
            time.sleep(0.005)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _settled(lab: VirtualLabProcess, within_s: float = 2.0) -> dict:
    """The lab's status once the charger's output current is zero (its ramp-down takes a moment)."""
    deadline = time.monotonic() + within_s
    status = lab.control({"status": True})
    while status["current_a"] > 0 and time.monotonic() < deadline:
        time.sleep(0.02)
        status = lab.control({"status": True})
    return status


def _output(lab: VirtualLabProcess) -> tuple[float, float]:
    """(V, A) on the charger's output, read by a fresh analyzer connection."""
    wt = open_instrument("yokogawa.wt", lab.resolve("sim://analyzer"), name="check")
    try:
        return wt.read("urms", 1).value, wt.read("irms", 1).value
    finally:
        wt.close()


def test_battery_emulator_follows_the_ev(lab: VirtualLabProcess, tmp_path: Path) -> None:
    run = _run(lab, tmp_path, "DIN-03")
    with run:
        record = run.run_all()
    assert record.tests[0].verdict is Verdict.PASS, record.tests[0].reason
    assert record.virtual_lab["notes"]["ev_battery"] == "battery emulator 'battery' (the harness)"
    steps = [(e["action"], e.get("mode")) for e in _events(tmp_path, "ev_battery")]
    assert steps[:3] == [("prepare", "BATT"), ("close", None), ("open", None)], steps
    prepare, close, opened = _events(tmp_path, "ev_battery")[:3]
    assert prepare["ocv_v"] == pytest.approx(350.0) and prepare["resistance_ohm"] > 0
    assert opened["forced"] is False and abs(opened["current_a"]) < 5.0
    assert opened["tracked"] >= 1 and opened["ocv_v"] > prepare["ocv_v"]  # the voltage followed the SoC
    cp = [e["t"] for e in _events(tmp_path, "hlc_cp") if e["state"] == "C"]
    assert cp and cp[0] <= prepare["t"] < close["t"] < opened["t"]


def test_without_a_battery_emulator_the_lab_says_stand_in() -> None:
    with VirtualLabProcess(BENCH, DUT, [], SCALE) as plain:
        assert "stand-in" in plain.notes["ev_battery"]
        assert "stand-in" in plain.record()["notes"]["ev_battery"]


def test_lost_battery_emulator_mid_session(lab: VirtualLabProcess, tmp_path: Path) -> None:
    run = _run(lab, tmp_path, "DIN-09")
    try:
        with run:
            injector = _when_charging(lab, {"battery": "drop"})
            result = run.run_case(run.plan[0])
            injector.join(5)
            record = run.close()
        status = _settled(lab)
    finally:
        lab.control({"clear": "battery"})
    assert result.verdict is Verdict.ERROR and "lost instrument battery" in result.reason, result.reason
    assert record.status == "aborted" and record.end_reason.startswith("lost instrument battery")
    safe = {s.instrument: s for s in record.safe_state}
    assert not safe["battery"].ok and all(safe[n].ok for n in ("ev", "analyzer", "hlc")), record.safe_state
    assert status["ev_state"] == "A" and status["current_a"] == 0
    assert _output(lab)[1] == pytest.approx(0.0, abs=0.5)


def test_watchdog_ends_the_hlc_session(lab: VirtualLabProcess, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runner_mod, "STEP_MARGIN_S", 1.0)
    bench = load(DC_BENCH, BenchConfig)
    next(i for i in bench.instruments if i.name == "analyzer").timeout_s = 8.0  # longer than the step's deadline
    run = _run(lab, tmp_path, "DIN-07", bench)
    try:
        with run:
            # the analyzer hangs the reading step, and the EV emulator (state A would stop the charger) is gone
            injector = _when_charging(lab, {"analyzer": "timeout", "ev": "drop"})
            started = time.monotonic()
            with pytest.raises(runner_mod.RunAborted):
                run.run_case(run.plan[0])
            elapsed = time.monotonic() - started
            injector.join(5)
            time.sleep(0.5)  # 2.5 virtual s: the charger's ramp-down and output discharge
            lab.control({"clear": "analyzer"})
            volts, amps = _output(lab)  # before the run's own clean-up
    finally:
        lab.control({"clear": "analyzer"})
        lab.control({"clear": "ev"})
    assert elapsed < 8
    assert amps == pytest.approx(0.0, abs=0.5) and volts < 60.0, (volts, amps)
    emergency = _events(tmp_path, "emergency_safe_state")
    results = {r["instrument"]: r for r in emergency[0]["results"]}
    assert results["hlc"]["ok"] and results["battery"]["ok"] and not results["ev"]["ok"], results
    record = json.loads((tmp_path / "record.json").read_text())
    assert record["status"] == "aborted" and record["end_reason"].startswith("watchdog")
