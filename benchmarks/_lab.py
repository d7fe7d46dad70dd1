"""Shared by the skeleton benchmarks: start the virtual lab like `chargebench run` does."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "profiles/bench/sim.yaml"
DUT = ROOT / "profiles/dut/j1772_80a.yaml"
SUITE = ROOT / "suites/iec61851_ac_pilot.yaml"


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6
