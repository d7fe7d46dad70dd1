"""Run HLC suites on the virtual lab (its own process, reached over loopback TCP/UDP as a real bench would be)
and run many defect variants side by side to keep the matrix fast."""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile, RunRecord
from sim.defects import all_defects

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "profiles" / "bench" / "sim.yaml"
SUITES = ROOT / "suites"
DUTS = ROOT / "profiles" / "dut"
SCALE = 50.0
WORKERS = 3
FULL = os.environ.get("CHARGEBENCH_FULL_MATRIX") == "1"  # every defect against the whole suite (slow)


def run_suite(suite: Path, dut: Path, defects: list[str] | None = None, out: Path | None = None,
              scale: float = SCALE, only: set[str] | None = None) -> RunRecord:
    loaded = load_suite(suite)
    if only is not None:
        loaded.suite.tests = [t for t in loaded.suite.tests if t.id in only]
    with (tempfile.TemporaryDirectory(prefix="hlc-run-") as tmp,
          VirtualLabProcess(BENCH, dut, defects or [], scale) as lab):
        run = Run(loaded, load(dut, DutProfile), load(BENCH, BenchConfig), out or Path(tmp), time_scale=scale,
                  defects=defects or [], resolve=lab.resolve)
        with run:
            return run.run_all()


def catches(suite_id: str) -> dict[str, str]:
    """defect name -> the test id it is meant to fail in ``suite_id``."""
    out = {}
    for name, d in all_defects().items():
        for target in d.catches.split(", "):
            if target.startswith(suite_id + ":"):
                out[name] = target.split(":", 1)[1]
    return out


def run_matrix(suite: Path, dut: Path, targets: dict[str, str], canaries: set[str]) -> dict[str, RunRecord]:
    """Each defect against its target test plus a few canary tests (or the whole suite when FULL)."""
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = {d: pool.submit(run_suite, suite, dut, [d], None, SCALE, None if FULL else canaries | {t})
                   for d, t in targets.items()}
        return {d: f.result() for d, f in futures.items()}
