"""The base every driver shares: identity, error queue, safe state, and named quantities for the engine."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from .errors import InstrumentError, InstrumentReplyError


@dataclass(frozen=True)
class Identity:
    manufacturer: str
    model: str
    serial: str
    firmware: str

    def __str__(self) -> str:
        return f"{self.manufacturer},{self.model},{self.serial},{self.firmware}"


@dataclass(frozen=True)
class Quantity:
    """A readable quantity: unit, plausible range (a reply outside it is the instrument's fault) and the
    instrument's accuracy as +/-(gain * |reading| + offset), used as the measurement's uncertainty."""

    unit: str
    low: float
    high: float
    gain: float = 0.0
    offset: float = 0.0


@dataclass(frozen=True)
class Reading:
    value: float | None  # None: the instrument has nothing to report (e.g. no edge captured)
    unit: str
    uncertainty: float


class Instrument(ABC):
    """One connected instrument. ``name`` is its name on the bench, used in every error message."""

    ROLE: ClassVar[str] = ""
    TRANSPORT: ClassVar[str] = "scpi"  # which transport open_instrument builds: scpi, modbus or can
    QUANTITIES: ClassVar[dict[str, Quantity]] = {}

    def __init__(self, transport: Any, name: str | None = None):
        self.transport = transport
        self.name = name or getattr(transport, "name", type(self).__name__)

    # -- transport helpers used by the declared properties --------------------------------------------
    def send(self, command: str) -> None:
        self.transport.write(command)

    def ask(self, command: str, cast: Any = str) -> Any:
        reply = self.transport.query(command)
        try:
            return cast(reply)
        except (TypeError, ValueError):
            raise InstrumentReplyError(self.name, f"cannot parse reply {reply!r} to {command!r}") from None

    def value_error(self, prop: str, exc: Exception) -> InstrumentError:
        return InstrumentError(self.name, f"refused to set {prop}: {exc}")

    # -- what every driver provides ---------------------------------------------------------------------
    @abstractmethod
    def identify(self) -> Identity: ...

    @abstractmethod
    def check_errors(self) -> list[str]:
        """Drain the instrument's error queue; return the errors (empty when none)."""

    @abstractmethod
    def safe_state(self) -> None:
        """Outputs off, EV emulator to state A, nothing energised. Must be callable at any time."""

    @abstractmethod
    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        """Read one quantity; NaN when the instrument reports 'no data'."""

    def read(self, quantity: str, element: int | str | None = None) -> Reading:
        """Read a named quantity, checked against what the instrument can measure."""
        spec = self.QUANTITIES.get(quantity)
        if spec is None:
            raise InstrumentError(self.name, f"has no quantity {quantity!r}: expected one of "
                                             f"{', '.join(sorted(self.QUANTITIES))}")
        value = self._read_raw(quantity, element)
        if math.isnan(value):
            return Reading(None, spec.unit, 0.0)
        if not spec.low <= value <= spec.high:
            raise InstrumentReplyError(self.name, f"{quantity} reading {value:g} {spec.unit} is outside "
                                                  f"[{spec.low:g}, {spec.high:g}]")
        return Reading(value, spec.unit, spec.gain * abs(value) + spec.offset)

    def check(self, quantity: str, value: float) -> float:
        """Range-check one raw value (NaN passes: 'no data'); used by read() and by acquisition."""
        spec = self.QUANTITIES[quantity]
        if value == value and not spec.low <= value <= spec.high:
            raise InstrumentReplyError(self.name, f"{quantity} reading {value:g} {spec.unit} is outside "
                                                  f"[{spec.low:g}, {spec.high:g}]")
        return value

    def sample(self, items: list[tuple[str, int | str | None]]) -> list[float]:
        """Read several quantities as close together as the instrument allows (drivers that can read them
        in one exchange override this); each value range-checked, NaN for 'no data'."""
        for q, _ in items:
            if q not in self.QUANTITIES:
                raise InstrumentError(self.name, f"has no quantity {q!r}: expected one of "
                                                 f"{', '.join(sorted(self.QUANTITIES))}")
        return [self.check(q, self._read_raw(q, el)) for q, el in items]

    def update_interval_s(self) -> float:
        """How often the instrument produces a new reading (acquisition samples at this rate)."""
        return 0.1

    def confirm_safe(self) -> None:  # noqa: B027 - optional hook: the base has nothing to confirm
        """Prove the instrument executed the safe-state commands (raise if it cannot be shown). The base
        has no generic way; protocol families override it."""

    def close(self) -> None:
        self.transport.close()


class ScpiInstrument(Instrument):
    """IEEE 488.2 / SCPI conventions: ``*IDN?``, an error queue, ``*OPC?``."""

    ERROR_QUERY: ClassVar[str] = "SYST:ERR?"
    MAX_ERRORS: ClassVar[int] = 32

    def identify(self) -> Identity:
        reply = self.ask("*IDN?")
        parts = [p.strip() for p in reply.split(",")]
        if len(parts) != 4:
            raise InstrumentReplyError(self.name, f"*IDN? reply {reply!r} is not 'maker,model,serial,firmware'")
        return Identity(*parts)

    def check_errors(self) -> list[str]:
        errors = []
        for _ in range(self.MAX_ERRORS):
            reply = self.ask(self.ERROR_QUERY)
            code = reply.split(",", 1)[0].strip()
            try:
                if int(code) == 0:
                    return errors
            except ValueError:
                raise InstrumentReplyError(self.name, f"error queue reply {reply!r} has no code") from None
            errors.append(reply)
        return errors

    def confirm_safe(self) -> None:
        """``*OPC?`` answers only after every earlier command has been executed."""
        if not self.complete():
            raise InstrumentError(self.name, "*OPC? did not confirm the safe-state commands")

    def complete(self) -> bool:
        return self.ask("*OPC?").strip() == "1"

    def raise_on_errors(self) -> None:
        errors = self.check_errors()
        if errors:
            raise InstrumentError(self.name, "error queue: " + "; ".join(errors))
