"""The test function a suite's cases run through under pytest (see harness.pytest_plugin).

``pytest suites/iec61851_ac_pilot.yaml`` collects this module once per suite file and parametrizes it with
the suite's test cases, so fixtures, markers, -k selection and allure-pytest all work as usual.
"""

from __future__ import annotations

import pytest

from harness.model import Verdict


def test_case(chargebench_run, chargebench_case) -> None:
    result = chargebench_run.run_case(chargebench_case)
    detail = "; ".join(f"{m.name}={m.value} {m.unit} [{m.low}, {m.high}] {m.verdict.value}"
                       for m in result.measurements)
    if result.verdict in (Verdict.NOT_APPLICABLE, Verdict.SKIPPED):
        pytest.skip(f"{result.verdict.value}: {result.reason}")
    if result.verdict is not Verdict.PASS:
        pytest.fail(f"{result.verdict.value} ({result.clause}): {result.reason}\n{detail}", pytrace=False)
