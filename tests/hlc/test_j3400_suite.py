"""SAE J3400 suite: the DC half on the J3400 DC profile (DC defects, run-time switched), the AC half on the
J3400 AC profile (the AC charger's own defects from sim/defects.py)."""

from __future__ import annotations

import pytest

from harness.model import Verdict

from .labrun import DUTS, SUITES, assert_fails_only_listed, catches, run_suite

KEY = "j3400"
DC = catches(KEY)
AC = {"duty_offset": "J3400-AC-01", "slow_energise": "J3400-AC-02"}  # AC charger defects, sim/defects.py
SUITE = SUITES / "j3400.yaml"
AC_DUT = DUTS / "j3400_ac_48a.yaml"


@pytest.fixture(scope="module")
def matrix(matrices):
    return matrices[KEY]


def test_dc_clean_run(matrix) -> None:
    verdicts = {t.id: t.verdict for t in matrix[""].tests}
    dc = [t for t in matrix[""].tests if t.id in DC.values()]
    assert not [(t.id, t.verdict, t.reason) for t in dc if t.verdict is not Verdict.PASS]
    assert all(v is Verdict.NOT_APPLICABLE for k, v in verdicts.items() if k.startswith("J3400-AC"))


@pytest.mark.parametrize("defect", sorted(DC))
def test_dc_defect_fails_its_test(defect: str, matrix) -> None:
    assert_fails_only_listed(matrix, KEY, defect, DC[defect])


@pytest.fixture(scope="module")
def ac_runs():
    return {d: run_suite(SUITE, AC_DUT, [d] if d else [], scale=20) for d in ["", *AC]}


def test_ac_clean_and_defects(ac_runs) -> None:
    clean = {t.id: t.verdict for t in ac_runs[""].tests}
    assert {k for k, v in clean.items() if v is Verdict.PASS} == set(AC.values())
    for defect, target in AC.items():
        verdicts = {t.id: t.verdict for t in ac_runs[defect].tests}
        assert verdicts[target] is Verdict.FAIL, defect
        assert all(v is clean[k] for k, v in verdicts.items() if k != target), defect
