"""The command line contract and the artefacts of a run: record.json fields, junit.xml, report.html."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .labrun import ROOT, SUITE


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


@pytest.fixture(scope="module")
def defect_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("cli") / "run"
    res = _cli("run", str(SUITE), "--time-scale", "50", "--defect", "slow_energise", "--out", str(out))
    return res, out


def test_run_with_defect_exits_1_and_writes_the_record(defect_run) -> None:
    res, out = defect_run
    assert res.returncode == 1, res.stderr
    record = json.loads((out / "record.json").read_text())
    assert record["status"] == "completed" and record["verdict"] == "FAIL"
    cp07 = next(t for t in record["tests"] if t["id"] == "CP-07")
    assert cp07["verdict"] == "FAIL" and cp07["clause"].startswith("IEC 61851-1:2017")
    m = cp07["measurements"][0]
    assert {k: m[k] for k in ("name", "unit", "high", "verdict")} == {
        "name": "energise_time", "unit": "s", "high": 3.0, "verdict": "FAIL"}
    assert m["value"] == pytest.approx(4.0, abs=0.01)
    for t in record["tests"]:
        assert {"id", "title", "clause", "verdict", "measurements"} <= set(t)
    assert record["virtual_lab"]["defects"] == ["slow_energise"]


def test_junit_is_readable(defect_run) -> None:
    _, out = defect_run
    root = ET.parse(out / "junit.xml").getroot()
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == "12"
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name").split()[0] for c in failed] == ["CP-07"]


def test_report_shows_dut_instruments_limits_and_unconfirmed(defect_run) -> None:
    _, out = defect_run
    html = (out / "report.html").read_text()
    for text in ("Example EVSE Co. L2-80", "YOKOGAWA,WT5000,91K000001", "SIM-CAL-WT-0001", "2099-12-31",
                 "energise_time", "Table A.6", "[unconfirmed", "Virtual lab run", "slow_energise"):
        assert text in html, text
    assert (out / "manifest.sha256").read_text().count("  ") >= 4


def test_pdf_report_has_the_same_content(defect_run) -> None:
    _, out = defect_run
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5000


def test_defects_command_lists_names_with_a_sentence() -> None:
    res = _cli("defects")
    assert res.returncode == 0
    lines = res.stdout.strip().splitlines()
    assert len(lines) >= 8
    for line in lines:
        name, _, sentence = line.partition(": ")
        assert name.isidentifier() and sentence.endswith(".")


@pytest.mark.parametrize("args", [
    ["run", str(SUITE), "--defect", "no_such_defect"],
    ["run", str(SUITE), "--time-scale", "0"],
    ["run", str(SUITE), "--lab-option", "slac_interface"],
    ["run"],
    ["frobnicate"],
])
def test_usage_and_bad_input_exit_2(args: list[str]) -> None:
    res = _cli(*args)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr


def test_time_scale_refused_on_a_real_bench(tmp_path: Path) -> None:
    bench = tmp_path / "real.yaml"
    bench.write_text("kind: bench\nid: lab1\ninstruments:\n  - name: ev\n    role: ev_emulator\n"
                     "    driver: chargebench.eve\n    address: TCPIP::192.0.2.10::5025::SOCKET\n")
    res = _cli("run", str(SUITE), "--bench", str(bench), "--time-scale", "10")
    assert res.returncode == 2 and "real bench always runs at 1" in res.stderr
    res = _cli("run", str(SUITE), "--bench", str(bench), "--lab-option", "slac_interface=eth1")
    assert res.returncode == 2 and "--lab-option needs the virtual lab" in res.stderr


def test_pytest_plugin_runs_suite_cases(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "pytest", str(SUITE), "-q", "-p", "no:cacheprovider",
                          "--chargebench-time-scale", "50", "--chargebench-defect", "duty_offset",
                          "--chargebench-out", str(tmp_path), "-k", "CP-01 or CP-05",
                          f"--junitxml={tmp_path / 'pytest.xml'}"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 1, res.stdout[-3000:]
    assert "1 failed, 1 passed" in res.stdout
    assert "test_case[CP-05]" in res.stdout
    runs = list(tmp_path.glob("iec61851-ac-pilot-pytest-*/record.json"))
    assert len(runs) == 1 and json.loads(runs[0].read_text())["status"] == "completed"
