"""EA Elektro-Automatik PSB 10000 bidirectional DC supplies (e.g. PSB 11000-80), SCPI over LAN, used as a
battery emulator / regenerative DC load on the charger's output.

Commands follow EA's "Programming Guide ModBus & SCPI for PSB 10000": remote control must be taken with
``SYST:LOCK ON`` first; source setpoints ``SOUR:VOLT``, ``SOUR:CURR``, ``SOUR:POW``, sink setpoints
``SINK:CURR``, ``SINK:POW``, ``SINK:RES``; ``OUTP ON|OFF``; ``MEAS:VOLT?|CURR?|POW?`` answer with a unit
(``400.00 V``); protection ``SOUR:VOLT:PROT``, ``SOUR:CURR:PROT``, ``SOUR:POW:PROT``; ``SYST:ERR?``.
How our modes map: CC sinks ``SINK:CURR`` with the source voltage at 0; CV holds ``SOUR:VOLT`` (a battery
at that voltage) with the sink current at the rating; CP sinks ``SINK:POW``; CR uses ``SINK:RES`` (the
resistance mode must be enabled on the unit). The PSB has no current slew setting. The ratings come from
the model name (PSB 1VVVV-III: VVVV volts). The same unit also speaks ModBus RTU/TCP (same guide); this
driver uses SCPI. Unconfirmed: the unit suffix on replies for every query, and the model-name rule.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from ..base.errors import InstrumentError, InstrumentReplyError
from ..base.instrument import Identity
from ..base.scpi_load import ScpiDcLoad


class EaPsb10000(ScpiDcLoad):
    REGENERATIVE = True
    SETPOINTS: ClassVar[dict[str, tuple[str, str]]] = {
        "CC": ("SINK:CURR?", "SINK:CURR {:g}"), "CV": ("SOUR:VOLT?", "SOUR:VOLT {:g}"),
        "CP": ("SINK:POW?", "SINK:POW {:g}"), "CR": ("SINK:RES?", "SINK:RES {:g}"),
    }
    PROTECTION: ClassVar[dict[str, str]] = {"ovp": "SOUR:VOLT:PROT {:g}", "ocp": "SOUR:CURR:PROT {:g}",
                                            "opp": "SOUR:POW:PROT {:g}"}
    INPUT_COMMAND = "OUTP {}"
    INPUT_QUERY = "OUTP?"
    DEFAULT_RATINGS = (1000.0, 80.0, 30_000.0)

    def __init__(self, transport: Any, name: str | None = None, lock: bool = True):
        super().__init__(transport, name)
        if lock:
            self.send("SYST:LOCK ON")

    def set_mode(self, mode: str, value: float) -> None:
        volts, amps, watts = self.ratings
        if mode not in self.SETPOINTS:
            raise InstrumentError(self.name, f"mode {mode!r}: expected one of {', '.join(self.SETPOINTS)}")
        super().set_mode(mode, value)  # validated and sent first
        if mode == "CV":
            self.send(f"SINK:CURR {amps:g}")
        else:
            self.send("SOUR:VOLT 0")
            if mode == "CP":
                self.send(f"SINK:CURR {amps:g}")

    def identify(self) -> Identity:
        ident = super().identify()
        if "ELEKTRO-AUTOMATIK" not in ident.manufacturer.upper() and ident.manufacturer.upper() != "EA":
            raise InstrumentReplyError(self.name, f"*IDN? says {ident.manufacturer!r}: not an EA unit")
        m = re.match(r"PSB 1(\d{4})-(\d+)", ident.model.upper())
        if m is None:
            raise InstrumentReplyError(self.name, f"model {ident.model!r} is not a PSB 10000 (PSB 1VVVV-III)")
        self.configure_limits(float(m.group(1)), float(m.group(2)), self.ratings[2])
        return ident
