"""`chargebench bench check` on the virtual lab: the default bench, a wrong identity, an expired calibration;
and an expired calibration's reason reaching a run's record and report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.engine.bench_check import calibration_status, check_bench
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load
from harness.model import BenchConfig

ROOT = Path(__file__).resolve().parents[2]
BENCHES = ROOT / "profiles" / "bench"
DUT = ROOT / "profiles" / "dut" / "j1772_80a.yaml"


def _check(name: str):
    path = BENCHES / name
    cfg = load(path, BenchConfig)
    with VirtualLabProcess(path, DUT, [], 1.0) as lab:
        return check_bench(cfg, lab.resolve)


def test_default_virtual_bench_is_ready():
    result = _check("sim.yaml")
    assert result.exit_code == 0
    assert all(i.ok and i.identity_ok and i.calibration == "valid" for i in result.instruments)


def test_wrong_identity_is_reported_and_stops_the_bench():
    result = _check("sim_wrong_identity.yaml")
    assert result.exit_code == 3
    analyzer = next(i for i in result.instruments if i.name == "analyzer")
    assert analyzer.identity_ok is False
    assert "WT5000" in analyzer.identity and "WT1806E" in analyzer.problem


def test_expired_calibration_is_reported():
    result = _check("sim_expired_calibration.yaml")
    assert result.exit_code == 1
    ev = next(i for i in result.instruments if i.name == "ev")
    assert (ev.calibration, ev.calibration_due, ev.identity_ok) == ("expired", "2024-06-30", True)


def test_unreachable_instrument(tmp_path):
    cfg = load(BENCHES / "sim.yaml", BenchConfig)
    result = check_bench(cfg, lambda a: "TCPIP::127.0.0.1::1::SOCKET")  # nothing listens on port 1
    assert result.exit_code == 3
    assert all(not i.reachable and "Connection refused" in i.problem for i in result.instruments)


def test_role_must_match_the_driver():
    cfg = load(BENCHES / "sim.yaml", BenchConfig)
    cfg.instruments[1].role = "dc_load"  # the analyzer's driver is a power analyzer
    result = check_bench(cfg, lambda a: "TCPIP::127.0.0.1::1::SOCKET")
    assert result.exit_code == 3
    assert result.instruments[1].problem == "driver yokogawa.wt is a power_analyzer, the bench config says dc_load"


def test_calibration_due_soon():
    cfg = load(BENCHES / "sim.yaml", BenchConfig).instruments[0]
    assert calibration_status(cfg, dt.date(2099, 12, 15)) == "due_soon"
    assert calibration_status(cfg, dt.date(2100, 1, 1)) == "expired"


def test_cli_bench_check_writes_table_and_json(tmp_path):
    out = tmp_path / "check.json"
    result = CliRunner().invoke(app, ["bench", "check", str(BENCHES / "sim_wrong_identity.yaml"),
                                      "--dut", str(DUT), "--json", str(out)])
    assert result.exit_code == 3, result.output
    assert "MISMATCH" in result.output and "NOT READY" in result.output
    doc = json.loads(out.read_text())
    assert [i["identity_ok"] for i in doc["instruments"]] == [True, False]


@pytest.mark.slow
def test_expired_calibration_reason_reaches_the_report(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(ROOT / "suites" / "iec61851_ac_pilot.yaml"), "--bench",
                                      str(BENCHES / "sim_expired_calibration.yaml"), "--time-scale", "50",
                                      "--out", str(out)])
    assert result.exit_code == 1, result.output
    record = json.loads((out / "record.json").read_text())
    ev_tests = [t for t in record["tests"] if t["measurements"] and t["measurements"][0]["instrument"] == "ev"]
    assert ev_tests and all(t["verdict"] == "INCONCLUSIVE" for t in ev_tests)
    assert all("calibration of ev has expired" in t["reason"] for t in ev_tests)
    assert "calibration of ev has expired; measured verdict would be PASS" in (out / "report.html").read_text()
