"""Run a suite through the command line on the virtual lab and return its record (a real lab process, real
sockets, the real CSMS)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_suite(suite: str, dut: str, out: Path, defects: list[str] = (), time_scale: float = 20) -> dict:  # type: ignore[assignment]
    cmd = [sys.executable, "-c", "from harness.cli import main; main()", "run", suite, "--dut", dut,
           "--time-scale", str(time_scale), "--out", str(out)]
    for d in defects:
        cmd += ["--defect", d]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    record = out / "record.json"
    assert record.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    data = json.loads(record.read_text())
    data["_exit"] = proc.returncode
    return data


def verdicts(record: dict) -> dict[str, str]:
    return {t["id"]: t["verdict"] for t in record["tests"]}
