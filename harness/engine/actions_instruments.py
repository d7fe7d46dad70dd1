"""Actions for instrument roles beyond the EV emulator, and for acquisition."""

from __future__ import annotations

from typing import Any

from instruments import InstrumentError
from instruments.base.roles import AcLoad, AcSource, DcLoad, PowerAnalyzer

from ..model.steps_instruments import (
    AcquireStart,
    AcquireStop,
    AnalyzerIntegration,
    CheckErrors,
    LoadSetMode,
    SetInput,
    SourceSetVoltage,
    SourceVoltageEvent,
)
from .acquisition import AcquisitionService, parse_items
from .actions import action
from .context import Context, StepError


def _role(ctx: Context, name: str, cls: type, what: str) -> Any:
    inst = ctx.bench.instrument(name)
    if not isinstance(inst, cls):
        raise StepError(f"instrument {name!r} is not {what}")
    return inst


def _acquisition(ctx: Context) -> AcquisitionService:
    """The run's acquisition service, added to the bench's services on first use (safe state stops it)."""
    service = ctx.bench.services.get("acquisition")
    if service is None:
        service = AcquisitionService()
        service.start(ctx.rundir, ctx.bench.resolve)
        ctx.bench.services["acquisition"] = service
    if not isinstance(service, AcquisitionService):
        raise StepError("the bench has a service named 'acquisition' that is not the acquisition service")
    return service


@action("acquire.start")
def acquire_start(ctx: Context, step: AcquireStart) -> None:
    inst = ctx.bench.instrument(step.instrument)
    stream = _acquisition(ctx).open(step.stream or step.instrument, inst, parse_items(step.quantities),
                                    step.interval_s, clock=ctx.clock)
    ctx.rundir.event("acquisition_started", stream=stream.name, instrument=step.instrument,
                     quantities=step.quantities, interval_s=stream.interval_s, file=str(stream.path))


@action("acquire.stop")
def acquire_stop(ctx: Context, step: AcquireStop) -> None:
    try:
        summary = _acquisition(ctx).close(step.stream)
    except KeyError:
        raise StepError(f"no acquisition stream {step.stream!r} is running") from None
    if summary["rows"] < step.min_samples:
        raise InstrumentError(summary["instrument"], f"stream {step.stream} read {summary['rows']} samples, "
                                                     f"fewer than the {step.min_samples} required")


@action("load.set_mode")
def load_set_mode(ctx: Context, step: LoadSetMode) -> None:
    _role(ctx, step.instrument, DcLoad, "a DC load").set_mode(step.mode, ctx.number(step.value))


@action("instrument.set_input")
def set_input(ctx: Context, step: SetInput) -> None:
    inst = ctx.bench.instrument(step.instrument)
    if isinstance(inst, DcLoad | AcLoad):
        inst.set_input(step.on)
    elif isinstance(inst, AcSource):
        inst.set_output(step.on)
    else:
        raise StepError(f"instrument {step.instrument!r} has no input or output to switch")


@action("source.set_voltage")
def source_set_voltage(ctx: Context, step: SourceSetVoltage) -> None:
    src = _role(ctx, step.instrument, AcSource, "an AC source")
    src.set_voltage(ctx.number(step.voltage_v))
    if step.frequency_hz is not None:
        src.set_frequency(ctx.number(step.frequency_hz))


@action("source.voltage_event")
def source_voltage_event(ctx: Context, step: SourceVoltageEvent) -> None:
    _role(ctx, step.instrument, AcSource, "an AC source").voltage_event(ctx.number(step.voltage_v),
                                                                        ctx.number(step.duration_s))


@action("analyzer.integration")
def analyzer_integration(ctx: Context, step: AnalyzerIntegration) -> None:
    analyzer = _role(ctx, step.instrument, PowerAnalyzer, "a power analyzer")
    getattr(analyzer, f"integration_{step.command}")()


@action("instrument.check_errors")
def check_errors(ctx: Context, step: CheckErrors) -> None:
    errors = ctx.bench.instrument(step.instrument).check_errors()
    ctx.rundir.event("instrument_errors", instrument=step.instrument, errors=errors)
    if errors:
        raise InstrumentError(step.instrument, "error queue: " + "; ".join(errors))
