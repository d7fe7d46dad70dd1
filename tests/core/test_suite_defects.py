"""Every test can fail: each virtual-charger defect makes the test meant to catch it FAIL, and leaves
every other test's verdict as in the clean run."""

from __future__ import annotations

import pytest

from harness.model import Verdict
from sim.defects import DEFECTS

from .labrun import run_suite

AC_PILOT = {name: d for name, d in DEFECTS.items() if d.catches.startswith("iec61851-ac-pilot:")}


def test_clean_run_passes(clean_record) -> None:
    assert clean_record.status == "completed"
    assert clean_record.verdict is Verdict.PASS
    assert len(clean_record.tests) >= 8
    assert all(t.verdict is Verdict.PASS for t in clean_record.tests), [
        (t.id, t.verdict, t.reason) for t in clean_record.tests if t.verdict is not Verdict.PASS]
    assert all(t.measurements for t in clean_record.tests)


def test_every_suite_test_has_a_defect(clean_record) -> None:
    caught = {d.catches.split(":", 1)[1] for d in AC_PILOT.values()}
    assert {t.id for t in clean_record.tests} <= caught


@pytest.mark.parametrize("defect", sorted(AC_PILOT))
def test_defect_fails_its_test_only(defect: str, clean_record, tmp_path) -> None:
    target = AC_PILOT[defect].catches.split(":", 1)[1]
    record = run_suite(tmp_path, [defect])
    verdicts = {t.id: t.verdict for t in record.tests}
    baseline = {t.id: t.verdict for t in clean_record.tests}
    assert verdicts[target] is Verdict.FAIL, next(t.reason for t in record.tests if t.id == target)
    others = {k: v for k, v in verdicts.items() if k != target}
    assert others == {k: v for k, v in baseline.items() if k != target}
    assert record.verdict is Verdict.FAIL
