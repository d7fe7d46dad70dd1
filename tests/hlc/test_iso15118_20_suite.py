"""ISO 15118-20 DC and DC_BPT (EIM) on the virtual lab: all PASS on the good charger; each DC defect fails the -20 test
meant to catch it (with canaries kept at PASS)."""

from __future__ import annotations

import pytest

from harness.model import Verdict

from .labrun import DUTS, SUITES, assert_fails_only_listed, catches, dc_targets, run_suite

KEY = "iso15118-20"
ISO20 = dc_targets(KEY)
AC = {d: t for d, t in catches(KEY).items() if "-AC-" in t}


@pytest.fixture(scope="module")
def matrix(matrices):
    return matrices[KEY]


def test_clean_run_passes(matrix) -> None:
    clean = matrix[""]
    assert clean.status == "completed"
    assert not [(t.id, t.verdict, t.reason) for t in clean.tests
                if t.verdict is not Verdict.PASS and "-AC-" not in t.id]
    assert {t.id for t in clean.tests if t.verdict is Verdict.PASS} == set(ISO20.values())


@pytest.mark.parametrize("defect", sorted(ISO20))
def test_defect_fails_its_test_only(defect: str, matrix) -> None:
    assert_fails_only_listed(matrix, KEY, defect, ISO20[defect])  # a meter off charging is off discharging too


def test_ac_session_and_its_defect() -> None:
    """-20 AC on an AC charger with HLC: PASS clean, FAIL when the charger never switches the supply on."""
    suite, dut, only = SUITES / "iso15118_20.yaml", DUTS / "ccs2_ac_22kw.yaml", set(AC.values())
    clean = run_suite(suite, dut, [], 20.0, only)
    assert [t.verdict for t in clean.tests] == [Verdict.PASS], clean.tests
    for defect, target in AC.items():
        verdicts = {t.id: t.verdict for t in run_suite(suite, dut, [defect], 20.0, only).tests}
        assert verdicts == {target: Verdict.FAIL}, defect

