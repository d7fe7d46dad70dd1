"""Safe state on every exit path, shown by injecting the fault: SIGTERM and SIGINT halfway through a
real ``chargebench run``, a lost instrument, a harness exception, and a hung instrument the watchdog
catches. Each time every instrument gets ``safe_state()`` and the record says how the run ended."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.engine import runner as runner_mod
from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile, Verdict

from .labrun import BENCH, DEFAULT_DUT, ROOT, SUITE


def _events(run_dir: Path) -> list[dict]:
    path = run_dir / "events.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_halfway_aborts_with_safe_state(sig: signal.Signals, tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "run", str(SUITE), "--time-scale", "5",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(e["event"] == "test_finished" and e["id"] == "CP-06" for e in _events(out)):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never reached CP-06"
        time.sleep(0.05)
    os.kill(proc.pid, sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 3, (stdout.decode()[-2000:], stderr.decode()[-2000:])
    record = json.loads((out / "record.json").read_text())
    assert record["status"] == "aborted"
    assert record["end_reason"] == sig.name
    assert {s["instrument"]: s["ok"] for s in record["safe_state"]} == {"ev": True, "analyzer": True}, record[
        "safe_state"]
    verdicts = {t["id"]: t["verdict"] for t in record["tests"]}
    assert all(verdicts[f"CP-0{i}"] == "PASS" for i in range(1, 7))  # measured before the signal: kept
    assert "SKIPPED" in verdicts.values()
    kinds = [e["event"] for e in _events(out)]
    assert "signal" in kinds and kinds.index("signal") < kinds.index("safe_state_begin")
    assert kinds[-1] == "run_finished"
    assert (out / "report.html").exists() and (out / "junit.xml").exists()


def _run(out: Path, lab: VirtualLabProcess, bench: BenchConfig | None = None) -> Run:
    return Run(load_suite(SUITE), load(DEFAULT_DUT, DutProfile), bench or load(BENCH, BenchConfig), out,
               time_scale=50, resolve=lab.resolve)


def test_lost_instrument_errors_and_skips_the_rest(tmp_path: Path) -> None:
    with VirtualLabProcess(BENCH, DEFAULT_DUT, [], 50) as lab:
        run = _run(tmp_path, lab)
        with run:
            run.run_case(run.plan[0])
            lab.control({"fault": "drop", "instrument": "ev"})
            lost = run.run_case(run.plan[1])
            rest = run.run_case(run.plan[2])
            record = run.close()
        status = lab.control({"status": True})
    assert lost.verdict is Verdict.ERROR and "lost instrument ev" in lost.reason
    assert rest.verdict is Verdict.SKIPPED and "bench broken" in rest.reason
    assert record.status == "aborted" and record.end_reason.startswith("lost instrument ev")
    safe = {s.instrument: s for s in record.safe_state}
    assert safe["analyzer"].ok and not safe["ev"].ok and "ev" in safe["ev"].error
    assert status["ev_state"] == "A" or not status["contactor"]


def test_harness_exception_still_reaches_safe_state(tmp_path: Path) -> None:
    with VirtualLabProcess(BENCH, DEFAULT_DUT, [], 50) as lab:
        run = _run(tmp_path, lab)
        with pytest.raises(RuntimeError), run:
            run.run_case(run.plan[1])  # leaves the EV in B? teardown puts it in A; force C below
            run.bench.instrument("ev").set_demand(16)
            run.bench.instrument("ev").set_state("C")
            raise RuntimeError("boom")
        status = lab.control({"status": True})
    record = json.loads((tmp_path / "record.json").read_text())
    assert record["status"] == "aborted"
    assert record["end_reason"] == "harness exception: RuntimeError: boom"
    assert all(s["ok"] for s in record["safe_state"])
    assert status["ev_state"] == "A" and status["current_a"] == 0


def test_watchdog_makes_bench_safe_when_an_instrument_hangs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runner_mod, "STEP_MARGIN_S", 1.0)
    bench = load(BENCH, BenchConfig)
    for inst in bench.instruments:
        inst.timeout_s = 8.0  # the driver would wait far longer than the step's deadline
    with VirtualLabProcess(BENCH, DEFAULT_DUT, [], 50) as lab:
        run = _run(tmp_path, lab, bench)
        with run:
            run.bench.instrument("ev").set_demand(16)
            run.bench.instrument("ev").set_state("C")
            lab.control({"fault": "timeout", "instrument": "ev"})
            started = time.monotonic()
            with pytest.raises(runner_mod.RunAborted):
                run.run_case(run.plan[0])
            elapsed = time.monotonic() - started
            after_watchdog = lab.control({"status": True})  # before the run's own clean-up
            lab.control({"clear": "ev"})
    assert elapsed < 8
    assert after_watchdog["ev_state"] == "A" and after_watchdog["current_a"] == 0
    record = json.loads((tmp_path / "record.json").read_text())
    assert record["status"] == "aborted" and record["end_reason"].startswith("watchdog")
    emergency = [e for e in _events(tmp_path) if e["event"] == "emergency_safe_state"]
    assert emergency and {r["instrument"] for r in emergency[0]["results"]} == {"ev", "analyzer"}
