"""Verdicts and how they combine."""

from __future__ import annotations

from enum import Enum


class Verdict(str, Enum):
    """Outcome of a measurement, a test or a run (DESIGN.md, Verdicts)."""

    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    SKIPPED = "SKIPPED"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


# Worst first when combining: a bench ERROR outranks a DUT FAIL, which outranks INCONCLUSIVE.
_SEVERITY = {
    Verdict.NOT_APPLICABLE: 0,
    Verdict.SKIPPED: 1,
    Verdict.PASS: 2,
    Verdict.INCONCLUSIVE: 3,
    Verdict.FAIL: 4,
    Verdict.ERROR: 5,
}


def worst(verdicts: list[Verdict] | tuple[Verdict, ...], empty: Verdict = Verdict.PASS) -> Verdict:
    """The worst of several verdicts; ``empty`` when there are none."""
    if not verdicts:
        return empty
    return max(verdicts, key=lambda v: v.severity)
