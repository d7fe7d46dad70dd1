"""Wall time of the AC pilot suite on the virtual lab, end to end as `chargebench run` runs it.

    python benchmarks/suite_walltime.py [--repeat 3] [--scales 1,10,50]

Includes starting the lab process, connecting the bench, all tests and safe state; not the reports.
Time scale 1 is the real-time duration of the suite (what a real bench would take); higher scales are
what CI uses.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _lab import BENCH, DUT, SUITE

from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile


def one_run(scale: float) -> tuple[float, str]:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, VirtualLabProcess(BENCH, DUT, [], scale) as lab:
        run = Run(load_suite(SUITE), load(DUT, DutProfile), load(BENCH, BenchConfig), Path(tmp) / "r",
                  time_scale=scale, resolve=lab.resolve)
        with run:
            record = run.run_all()
    return time.perf_counter() - t0, record.verdict.value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scales", default="1,10,50")
    args = ap.parse_args()
    for scale in (float(s) for s in args.scales.split(",")):
        times, verdicts = [], set()
        for _ in range(1 if scale == 1 else args.repeat):
            elapsed, verdict = one_run(scale)
            times.append(elapsed)
            verdicts.add(verdict)
        print(f"time scale {scale:>5g}: median {statistics.median(times):6.2f} s over {len(times)} run(s), "
              f"verdicts {sorted(verdicts)}")


if __name__ == "__main__":
    main()
