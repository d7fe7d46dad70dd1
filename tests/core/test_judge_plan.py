"""Decision rule, pilot maths and applicability: the pure parts of judging and planning."""

from __future__ import annotations

import pytest

from harness.analysis import judge
from harness.engine.plan import plan
from harness.loader import load, load_suite
from harness.model import BenchConfig, Confidence, DutProfile, Limit, Source, Verdict, worst
from harness.protocols.iec61851 import current_for_duty, duty_for_current

from .labrun import BENCH, ROOT, SUITE

SRC = Source(standard="IEC 61851-1", edition="2017", clause="A", confidence=Confidence.secondary)
WINDOW = Limit(id="w", description="d", unit="V", low=8.0, high=10.0, source=SRC)


@pytest.mark.parametrize(("value", "u", "expected"), [
    (9.0, 0.05, Verdict.PASS),
    (7.9, 0.05, Verdict.FAIL),
    (10.2, 0.05, Verdict.FAIL),
    (8.02, 0.05, Verdict.INCONCLUSIVE),  # uncertainty straddles the low limit
    (9.97, 0.05, Verdict.INCONCLUSIVE),
    (None, 0.0, Verdict.FAIL),
])
def test_guarded_acceptance(value, u, expected) -> None:
    assert judge("x", value, "V", WINDOW, uncertainty=u).verdict is expected


def test_expired_calibration_makes_it_inconclusive() -> None:
    m = judge("x", 9.0, "V", WINDOW, uncertainty=0.01, instrument="ev", calibration_valid=False)
    assert m.verdict is Verdict.INCONCLUSIVE and "calibration of ev has expired" in m.reason


def test_unit_mismatch_is_an_error_not_a_pass() -> None:
    assert judge("x", 9.0, "A", WINDOW).verdict is Verdict.ERROR


def test_tolerance_limit_needs_and_uses_a_nominal() -> None:
    tol = Limit(id="t", description="d", unit="%", tolerance=0.5, source=SRC)
    assert judge("d", 53.5, "%", tol, nominal=53.333).verdict is Verdict.PASS
    assert judge("d", 55.3, "%", tol, nominal=53.333).verdict is Verdict.FAIL
    with pytest.raises(ValueError):
        tol.bounds()


@pytest.mark.parametrize(("amps", "duty"), [(6, 10.0), (32, 53.333), (51, 85.0), (60, 88.0), (80, 96.0)])
def test_duty_cycle_formula_both_ranges(amps, duty) -> None:
    assert duty_for_current(amps) == pytest.approx(duty, abs=1e-3)
    assert current_for_duty(duty) == pytest.approx(amps, abs=1e-2)


def test_duty_outside_pwm_range_is_refused() -> None:
    with pytest.raises(ValueError):
        duty_for_current(90)
    assert current_for_duty(5) == 0.0  # 5 % means digital communication, not a current


def test_worst_verdict_order() -> None:
    assert worst([Verdict.PASS, Verdict.INCONCLUSIVE, Verdict.FAIL]) is Verdict.FAIL
    assert worst([Verdict.FAIL, Verdict.ERROR]) is Verdict.ERROR
    assert worst([Verdict.NOT_APPLICABLE, Verdict.PASS]) is Verdict.PASS


@pytest.mark.parametrize(("profile", "not_applicable"), [
    ("j1772_80a.yaml", set()),
    ("j1772_32a.yaml", {"CP-06"}),
    ("j3400_ac_48a.yaml", {"CP-06"}),
    ("type2_3ph_32a.yaml", {"CP-06"}),
])
def test_applicability_from_dut_profile(profile: str, not_applicable: set[str]) -> None:
    planned = plan(load_suite(SUITE).suite, load(ROOT / "profiles/dut" / profile, DutProfile),
                   load(BENCH, BenchConfig))
    got = {p.case.id for p in planned if p.reason}
    assert got == not_applicable
    for p in planned:
        if p.reason:
            assert "below the 52 A this test needs" in p.reason
