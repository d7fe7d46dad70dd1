"""The registry of named step actions. Suites, Robot keywords and pytest fixtures all call these."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from instruments.base.roles import EvEmulator

from ..analysis import judge
from ..model import (
    DutSetAvailable,
    DutSetCurrentLimit,
    EvSetDemand,
    EvSetDiode,
    EvSetProximity,
    EvSetState,
    Measure,
    Wait,
    WaitUntil,
)
from .context import Context, StepError

Action = Callable[[Context, Any], None]
ACTIONS: dict[str, Action] = {}


def action(name: str) -> Callable[[Action], Action]:
    def register(fn: Action) -> Action:
        ACTIONS[name] = fn
        return fn

    return register


def run_step(ctx: Context, step: Any) -> None:
    fn = ACTIONS.get(step.action)
    if fn is None:
        raise StepError(f"no action {step.action!r} is registered")
    ctx.rundir.event("step", action=step.action, args=step.model_dump(exclude={"action"}, exclude_none=True),
                     t=round(ctx.t(), 6))
    fn(ctx, step)


def _ev(ctx: Context, name: str) -> EvEmulator:
    inst = ctx.bench.instrument(name)
    if not isinstance(inst, EvEmulator):
        raise StepError(f"instrument {name!r} is not an EV emulator")
    return inst


def _control(ctx: Context):
    if ctx.bench.dut_control is None:
        raise StepError("the DUT profile declares no control port (control:), so its offer cannot be changed")
    return ctx.bench.dut_control


@action("ev.set_state")
def ev_set_state(ctx: Context, step: EvSetState) -> None:
    _ev(ctx, step.instrument).set_state(step.state)


@action("ev.set_diode")
def ev_set_diode(ctx: Context, step: EvSetDiode) -> None:
    _ev(ctx, step.instrument).set_diode(step.present)


@action("ev.set_proximity")
def ev_set_proximity(ctx: Context, step: EvSetProximity) -> None:
    _ev(ctx, step.instrument).set_proximity(step.ohms)


@action("ev.set_demand")
def ev_set_demand(ctx: Context, step: EvSetDemand) -> None:
    _ev(ctx, step.instrument).set_demand(ctx.number(step.current_a))


@action("dut.set_current_limit")
def dut_set_current_limit(ctx: Context, step: DutSetCurrentLimit) -> None:
    _control(ctx).set_current_limit(ctx.number(step.current_a))


@action("dut.set_available")
def dut_set_available(ctx: Context, step: DutSetAvailable) -> None:
    _control(ctx).set_available(step.available)


@action("wait")
def wait(ctx: Context, step: Wait) -> None:
    ctx.clock.sleep(ctx.number(step.seconds))


def _read(ctx: Context, instrument: str, quantity: str, element: Any):
    return ctx.bench.instrument(instrument).read(quantity, element)


def _record(ctx: Context, measurement) -> None:
    ctx.measurements.append(measurement)
    ctx.rundir.event("measurement", **measurement.model_dump(mode="json", exclude={"source"}))


@action("measure")
def measure(ctx: Context, step: Measure) -> None:
    limit = ctx.limit(step.limit)
    readings = [_read(ctx, step.instrument, step.quantity, step.element) for _ in range(step.average)]
    values = [r.value for r in readings if r.value is not None]
    value = sum(values) / len(values) if len(values) == len(readings) else None
    unit = readings[0].unit
    uncertainty = max(r.uncertainty for r in readings)
    item = ctx.bench.items[step.instrument]
    _record(ctx, judge(step.name, value, unit, limit, nominal=ctx.nominal(step.nominal),
                       uncertainty=uncertainty, instrument=step.instrument,
                       calibration_valid=item.calibration_valid, t=round(ctx.t(), 6),
                       missing_reason=f"{step.instrument} reported no {step.quantity}"))


@action("wait_until")
def wait_until(ctx: Context, step: WaitUntil) -> None:
    above = ctx.number(step.above) if step.above is not None else None
    below = ctx.number(step.below) if step.below is not None else None
    if above is None and below is None:
        raise StepError("wait_until needs 'above' or 'below'")
    timeout = ctx.number(step.timeout_s)
    start = ctx.clock.now()
    reached = False
    value = None
    while True:
        reading = _read(ctx, step.instrument, step.quantity, step.element)
        value = reading.value
        elapsed = ctx.clock.now() - start
        if value is not None and (above is None or value > above) and (below is None or value < below):
            reached = True
            break
        if elapsed > timeout:
            break
        ctx.clock.sleep(step.poll_s)
    condition = " and ".join(x for x in (f"> {above:g}" if above is not None else "",
                                         f"< {below:g}" if below is not None else "") if x)
    ctx.rundir.event("wait_until", quantity=step.quantity, condition=condition, reached=reached,
                     elapsed_s=round(elapsed, 6), last_value=value)
    if step.elapsed_name and step.elapsed_limit:
        limit = ctx.limit(step.elapsed_limit)
        item = ctx.bench.items[step.instrument]
        _record(ctx, judge(step.elapsed_name, elapsed if reached else None, "s", limit,
                           uncertainty=step.poll_s, instrument=step.instrument,
                           calibration_valid=item.calibration_valid, t=round(ctx.t(), 6),
                           missing_reason=f"{step.quantity} did not become {condition} within {timeout:g} s"))
    elif not reached:
        raise ConditionNotReached(f"{step.instrument} {step.quantity} did not become {condition} "
                                  f"within {timeout:g} s (last value {value})")


class ConditionNotReached(Exception):
    """The DUT did not reach a state the test needs: the test FAILs with this reason."""


# Area modules register their actions on import; keep this list in one place.
from . import actions_hlc, actions_hlc_judge, actions_instruments, actions_ocpp, actions_slac  # noqa: E402,F401
