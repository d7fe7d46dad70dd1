"""DIN SPEC 70121 DC on the virtual lab: every test PASSes on the good charger, and each DC defect makes
exactly the test meant to catch it FAIL while the other tests run with it keep their PASS (by default a
canary set; CHARGEBENCH_FULL_MATRIX=1 runs the whole suite per defect)."""

from __future__ import annotations

import pytest

from harness.model import Verdict

from .labrun import assert_fails_only_listed, catches, dc_targets

KEY = "din70121-dc"
DIN = dc_targets(KEY)  # the SLAC case's defects are shown in a network namespace (test_slac.py)
SLAC_CASE = "DIN-19"


@pytest.fixture(scope="module")
def matrix(matrices):
    return matrices[KEY]


def test_clean_run_passes(matrix) -> None:
    clean = matrix[""]
    assert clean.status == "completed"
    bad = [(t.id, t.verdict, t.reason) for t in clean.tests if t.verdict is not Verdict.PASS and t.id != SLAC_CASE]
    assert not bad
    assert len(clean.tests) == 18
    slac = next(t for t in clean.tests if t.id == SLAC_CASE)  # the lab's profile has no PLC interface
    assert slac.verdict is Verdict.NOT_APPLICABLE and "hlc.interface" in slac.reason


def test_every_test_has_a_defect(matrix) -> None:
    clean = matrix[""]
    assert {t.id for t in clean.tests} == set(catches(KEY).values())
    assert set(catches(KEY).values()) - set(DIN.values()) == {SLAC_CASE}


@pytest.mark.parametrize("defect", sorted(DIN))
def test_defect_fails_its_test_only(defect: str, matrix) -> None:
    assert_fails_only_listed(matrix, KEY, defect, DIN[defect])
