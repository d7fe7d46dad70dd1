"""ISO 15118-2 DC (EIM) on the virtual lab: all PASS on the good charger; each DC defect fails the -2 test
meant to catch it (with canaries kept at PASS)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from harness.model import Verdict

from .labrun import DUTS, SUITES, assert_fails_only_listed, catches, dc_targets, run_suite

KEY = "iso15118-2"
ISO2 = dc_targets(KEY)
# the AC-only defects, plus two that also bite on AC: the AC charger's own slow contactor, and the FAILED
# SessionStopRes (registered against the DC good-case test, which it also fails)
AC = {d: t for d, t in catches(KEY).items() if "-AC-" in t} | {"slow_energise": "ISO2-AC-04",
                                                                "dc_wrong_response_code": "ISO2-AC-03"}
AC_DUT = DUTS / "ccs2_ac_22kw.yaml"
ALSO_AC = {"slow_energise": {"ISO2-AC-05"}}  # AC Plug & Charge judges the same contactor time as ISO2-AC-04


@pytest.fixture(scope="module")
def matrix(matrices):
    return matrices[KEY]


def test_clean_run_passes(matrix) -> None:
    clean = matrix[""]
    assert clean.status == "completed"
    assert not [(t.id, t.verdict, t.reason) for t in clean.tests
                if t.verdict is not Verdict.PASS and "-AC-" not in t.id]
    assert {t.id for t in clean.tests if t.verdict is Verdict.PASS} == set(ISO2.values())
    assert all(t.verdict is Verdict.NOT_APPLICABLE for t in clean.tests if "-AC-" in t.id)


@pytest.mark.parametrize("defect", sorted(ISO2))
def test_defect_fails_its_test_only(defect: str, matrix) -> None:
    assert_fails_only_listed(matrix, KEY, defect, ISO2[defect])


@pytest.fixture(scope="module")
def ac_runs():
    """The AC half on an AC charger with ISO 15118-2: a fresh lab per defect (AC defects are start-up only)."""
    only = set(AC.values())
    with ThreadPoolExecutor(3) as pool:
        futures = {d: pool.submit(run_suite, SUITES / "iso15118_2.yaml", AC_DUT, [d] if d else [], 20.0, only)
                   for d in ["", *AC]}
        return {d: f.result() for d, f in futures.items()}


def test_ac_clean_and_defects(ac_runs) -> None:
    clean = {t.id: t.verdict for t in ac_runs[""].tests}
    assert all(v is Verdict.PASS for v in clean.values()), ac_runs[""].tests
    assert set(clean) == set(AC.values())
    for defect, target in AC.items():
        record = ac_runs[defect]
        verdicts = {t.id: t.verdict for t in record.tests}
        assert verdicts[target] is Verdict.FAIL, (defect, record.tests)
        assert all(v is Verdict.PASS for k, v in verdicts.items()
                   if k != target and k not in ALSO_AC.get(defect, set())), (defect, record.tests)

