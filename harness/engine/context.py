"""What step actions see: the bench, the clock, the limits, the current test's measurements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import DutProfile, Limit, Measurement, Nominal
from ..protocols.iec61851 import NOMINAL_FUNCTIONS
from .bench import Bench
from .clock import Clock
from .rundir import RunDir


class StepError(Exception):
    """The step could not do what it says (a harness or bench problem): the test ends in ERROR."""


class NotApplicable(Exception):
    """The bench or profile lacks what this test needs (a capability gate found at run time, labgrid-style):
    the test ends NOT_APPLICABLE with the reason."""


@dataclass
class Context:
    bench: Bench
    dut: DutProfile
    clock: Clock
    limits: dict[str, Limit]
    parameters: dict[str, float]
    rundir: RunDir
    measurements: list[Measurement] = field(default_factory=list)
    test_t0: float = 0.0

    def number(self, value: Any) -> float:
        """A step's numeric argument: a number, or ``dut.<field>`` / ``param.<name>`` looked up (no eval)."""
        if isinstance(value, int | float):
            return float(value)
        scope, _, key = str(value).partition(".")
        if scope == "dut":
            got = getattr(self.dut, key, None)
            if not isinstance(got, int | float):
                raise StepError(f"{value}: the DUT profile has no numeric field {key!r}")
            return float(got)
        if scope == "param":
            if key not in self.parameters:
                raise StepError(f"{value}: the suite has no parameter {key!r}")
            return self.parameters[key]
        raise StepError(f"{value!r} is not a number or a dut./param. reference")

    def nominal(self, value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, Nominal):
            try:
                return NOMINAL_FUNCTIONS[value.fn](self.number(value.value))
            except ValueError as exc:
                raise StepError(str(exc)) from None
        return self.number(value)

    def t(self) -> float:
        return self.clock.now() - self.test_t0

    def limit(self, limit_id: str) -> Limit:
        try:
            return self.limits[limit_id]
        except KeyError:
            raise StepError(f"limit {limit_id!r} is not loaded") from None
