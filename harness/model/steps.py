"""Step actions as data: one model per named action, discriminated by ``action``.

Numeric arguments accept a number or a reference such as ``dut.max_current_a`` or ``param.current_a``;
references are looked up by the engine from a fixed table, never evaluated as expressions.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from .base import Strict

REF_PATTERN = r"^(dut|param)\.[a-z][a-z0-9_]*$"
Ref = Annotated[str, Field(pattern=REF_PATTERN)]
Number = float | Ref


class StepBase(Strict):
    """Base of every step model; subclasses add ``action: Literal[...]`` and their arguments."""


    note: str | None = Field(default=None, description="free text shown in the event log")


class EvSetState(StepBase):
    """Switch the EV emulator's pilot circuit to an IEC 61851-1 state (E = CP shorted to PE)."""

    action: Literal["ev.set_state"]
    state: Literal["A", "B", "C", "D", "E"]
    instrument: str = "ev"


class EvSetDiode(StepBase):
    """Fit or short the EV's pilot diode (a shorted diode must keep the charger from energising)."""

    action: Literal["ev.set_diode"]
    present: bool
    instrument: str = "ev"


class EvSetProximity(StepBase):
    """Set the resistance the EV emulator presents between PP and PE (None: open)."""

    action: Literal["ev.set_proximity"]
    ohms: float | None = Field(ge=0, le=100_000)
    instrument: str = "ev"


class EvSetDemand(StepBase):
    """Set the current the emulated EV draws per phase, capped by what the pilot advertises."""

    action: Literal["ev.set_demand"]
    current_a: Number
    instrument: str = "ev"


class DutSetCurrentLimit(StepBase):
    """Change the charger's offered current as the site's energy manager would (DutProfile.control)."""

    action: Literal["dut.set_current_limit"]
    current_a: Number


class DutSetAvailable(StepBase):
    """Make the charger available or unavailable (an unavailable AC charger shows state F, -12 V)."""

    action: Literal["dut.set_available"]
    available: bool


class Wait(StepBase):
    action: Literal["wait"]
    seconds: Number


class Nominal(Strict):
    """A nominal value derived by a named function of the pilot maths (no expressions)."""

    fn: Literal["duty_for_current", "current_for_duty"]
    value: Number


class Measure(StepBase):
    """Read one quantity from an instrument and judge it against a limit from the suite's limit set."""

    action: Literal["measure"]
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    instrument: str
    quantity: str
    element: int | Literal["sigma"] | None = Field(default=None, description="analyzer element")
    limit: str
    nominal: Number | Nominal | None = None
    average: int = Field(default=1, ge=1, le=1000, description="readings averaged at the update rate")


class WaitUntil(StepBase):
    """Poll a quantity until it crosses a threshold; optionally judge the elapsed time against a limit."""

    action: Literal["wait_until"]
    instrument: str
    quantity: str
    element: int | Literal["sigma"] | None = None
    above: Number | None = None
    below: Number | None = None
    timeout_s: Number
    poll_s: float = Field(default=0.05, gt=0, le=10)
    elapsed_name: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    elapsed_limit: str | None = None


CORE_STEPS: tuple[type[StepBase], ...] = (
    EvSetState, EvSetDiode, EvSetProximity, EvSetDemand, DutSetCurrentLimit, DutSetAvailable, Wait, Measure,
    WaitUntil,
)


def _all_steps() -> tuple[type, ...]:
    # Each area keeps its step models in its own module (one place per fact, no edit collisions).
    from .steps_hlc import HLC_STEPS
    from .steps_instruments import INSTRUMENT_STEPS
    from .steps_ocpp import OCPP_STEPS

    return CORE_STEPS + INSTRUMENT_STEPS + OCPP_STEPS + HLC_STEPS


STEP_MODELS = _all_steps()
Step = Annotated[Union[STEP_MODELS], Field(discriminator="action")]  # noqa: UP007 - built from a tuple
ACTION_NAMES = tuple(m.model_fields["action"].annotation.__args__[0] for m in STEP_MODELS)
