"""Which tests apply to this DUT on this bench; the others are NOT_APPLICABLE with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Applicability, BenchConfig, DutProfile, Suite, TestCase


@dataclass
class Planned:
    case: TestCase
    reason: str | None  # None: applies


def why_not(app: Applicability, dut: DutProfile, bench: BenchConfig) -> str | None:
    if app.supply and dut.supply not in app.supply:
        return f"DUT supplies {dut.supply.value}; test needs {'/'.join(s.value for s in app.supply)}"
    if app.connectors and dut.connector not in app.connectors:
        return (f"DUT connector {dut.connector.value}; test needs "
                f"{'/'.join(c.value for c in app.connectors)}")
    missing = [flag for flag in app.requires if flag.lower() not in dut.claims()]
    if missing:
        return f"DUT profile does not claim {', '.join(missing)}"
    if app.min_max_current_a is not None and dut.max_current_a < app.min_max_current_a:
        return f"DUT max current {dut.max_current_a:g} A is below the {app.min_max_current_a:g} A this test needs"
    roles = {i.role for i in bench.instruments}
    absent = [r for r in app.roles if r not in roles]
    if absent:
        return f"bench has no {', '.join(absent)}"
    return None


def plan(suite: Suite, dut: DutProfile, bench: BenchConfig) -> list[Planned]:
    suite_reason = why_not(suite.applicability, dut, bench)
    return [Planned(case, suite_reason or why_not(case.applicability, dut, bench)) for case in suite.tests]
