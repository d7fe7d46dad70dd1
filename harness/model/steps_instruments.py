"""Step models for instrument roles beyond the EV emulator (loads, sources, analyzers, meters) and for
acquisition (sampling at the instrument's update rate into the run directory)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .steps import Number, StepBase

QuantitySpec = str  # "quantity" or "quantity@element", e.g. "p@sigma", "urms@1"


class AcquireStart(StepBase):
    """Start sampling quantities of one instrument at its update rate into samples/<stream>.parquet."""

    action: Literal["acquire.start"]
    instrument: str
    quantities: list[str] = Field(min_length=1, max_length=64,
                                  description="quantity or quantity@element, e.g. p@sigma")
    stream: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$",
                               description="file name under samples/ (default: the instrument's name)")
    interval_s: float | None = Field(default=None, gt=0, le=60,
                                     description="real seconds between reads (default: the update interval)")


class AcquireStop(StepBase):
    """Stop a stream; ERROR if it failed (lost instrument, bad reply) or read fewer rows than required."""

    action: Literal["acquire.stop"]
    stream: str
    min_samples: int = Field(default=1, ge=0)


class LoadSetMode(StepBase):
    """Set a DC load's mode and setpoint (CC A, CV V, CP W, CR Ohm); range-checked by the driver."""

    action: Literal["load.set_mode"]
    instrument: str = "load"
    mode: Literal["CC", "CV", "CP", "CR"]
    value: Number


class SetInput(StepBase):
    """Switch a load's input or a source's output on or off."""

    action: Literal["instrument.set_input"]
    instrument: str
    on: bool


class SourceSetVoltage(StepBase):
    """Set an AC source's voltage (V rms) and optionally its frequency."""

    action: Literal["source.set_voltage"]
    instrument: str = "grid"
    voltage_v: Number
    frequency_hz: Number | None = None


class SourceVoltageEvent(StepBase):
    """A sag or swell timed by the source: ``voltage_v`` for ``duration_s``, then back."""

    action: Literal["source.voltage_event"]
    instrument: str = "grid"
    voltage_v: Number
    duration_s: Number


class AnalyzerIntegration(StepBase):
    """Start, stop or reset an analyzer's energy integration."""

    action: Literal["analyzer.integration"]
    instrument: str = "analyzer"
    command: Literal["start", "stop", "reset"]


class CheckErrors(StepBase):
    """Drain an instrument's error queue (or its equivalent); any entry ends the test in ERROR."""

    action: Literal["instrument.check_errors"]
    instrument: str


INSTRUMENT_STEPS: tuple[type, ...] = (AcquireStart, AcquireStop, LoadSetMode, SetInput, SourceSetVoltage,
                                      SourceVoltageEvent, AnalyzerIntegration, CheckErrors)
