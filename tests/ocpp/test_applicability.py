"""Applicability comes from the DUT profile's ocpp: section (versions, security profile, 1.6 feature profiles,
2.0.1 functional blocks); what the charger does not claim is NOT_APPLICABLE with the reason."""

from __future__ import annotations

from pathlib import Path

import yaml

from harness.engine.plan import plan
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile

REPO = Path(__file__).resolve().parents[2]
BENCH = load(REPO / "profiles/bench/sim.yaml", BenchConfig)


def _dut(name: str, **ocpp) -> DutProfile:
    raw = yaml.safe_load((REPO / "profiles/dut" / name).read_text())
    raw["ocpp"].update(ocpp)
    return DutProfile.model_validate(raw)


def _not_applicable(suite: str, dut: DutProfile) -> dict[str, str]:
    return {p.case.id: p.reason for p in plan(load_suite(REPO / suite).suite, dut, BENCH) if p.reason}


def test_201_blocks_and_security_profile_decide():
    na = _not_applicable("suites/ocpp201_core.yaml", _dut("ac_ocpp201.yaml", blocks=["A", "B", "C", "E", "F", "J"]))
    assert {t for t in na if t.startswith("TC_K_")} == {"TC_K_01_CS", "TC_K_05_CS", "TC_K_10_CS", "TC_K_37_CS"}
    assert "XL201-01" in na and "TC_A_05_CS" in na and "TC_A_01_CS" not in na
    sp3 = _not_applicable("suites/ocpp201_core.yaml", _dut("ac_ocpp201.yaml", security_profile=3))
    assert "TC_A_07_CS" not in sp3 and "TC_A_01_CS" in sp3 and "ocpp:basic_auth" in sp3["TC_A_01_CS"]


def test_16_feature_profiles_and_versions_decide():
    na = _not_applicable("suites/ocpp16_core.yaml", _dut("ac_ocpp16.yaml", feature_profiles=["Core"]))
    assert {"TC_056_CS", "TC_058_1_CS", "TC_067_CS", "TC_054_CS", "TC_074_CS", "XL16-01"} <= set(na)
    assert "TC_001_CS" not in na
    wrong = _not_applicable("suites/ocpp16_core.yaml", _dut("ac_ocpp16.yaml", versions=["2.0.1"]))
    assert set(wrong) == {c.id for c in load_suite(REPO / "suites/ocpp16_core.yaml").suite.tests}
    assert "ocpp1.6j" in next(iter(wrong.values()))


def test_secrets_in_the_profile_are_not_dumped():
    dut = _dut("ac_ocpp16.yaml")
    assert "0123456789abcdef0123" not in str(dut.model_dump(mode="json"))
