"""Keysight AC6900 series AC power sources (AC6903H, AC6906H, AC6912H, AC6918H), SCPI over LAN.

Commands follow Keysight's "AC6900 Series Programming Guide": ``VOLT <V>`` (rms), ``FREQ <Hz>``,
``OUTP ON|OFF``, ``MEAS:VOLT:AC?``, ``MEAS:CURR:AC?``, ``MEAS:POW:AC?``, ``MEAS:FREQ?``, ``SYST:ERR?``.
Sags and swells use the power-line abnormality simulation: ``SIM:T3 <s>`` (the event's duration),
``SIM:T3:VOLT <V>`` (its voltage), then ``TRIG:SIM:IMM``. The AC6900 synthesises harmonics only through
user arbitrary waveforms, which this driver does not program, so set_harmonic() says so.
Unconfirmed: the exact abnormality-simulation command spellings (SIM:T3...) are our reading of the
guide's function description.
"""

from __future__ import annotations

from typing import ClassVar

from ..base.errors import InstrumentReplyError
from ..base.instrument import Identity
from ..base.properties import strict_range
from ..base.scpi_source import ScpiAcSource


class KeysightAC6900(ScpiAcSource):
    MEASURE: ClassVar[dict[str, str]] = {"voltage": "MEAS:VOLT:AC?", "current": "MEAS:CURR:AC?",
                                         "power": "MEAS:POW:AC?", "frequency": "MEAS:FREQ?"}
    VOLTAGE_RANGE = (0.0, 322.0)
    FREQUENCY_RANGE = (40.0, 500.0)

    def identify(self) -> Identity:
        ident = super().identify()
        if "KEYSIGHT" not in ident.manufacturer.upper() or not ident.model.upper().startswith("AC69"):
            raise InstrumentReplyError(self.name, f"*IDN? says {ident}: not a Keysight AC6900")
        return ident

    def voltage_event(self, volts: float, duration_s: float) -> None:
        v = self._checked(self.volts, "event voltage", volts)
        s = self._checked(strict_range(0.0001, 999.9), "event duration (s)", duration_s)
        self.send(f"SIM:T3 {s:g};T3:VOLT {v:g};:TRIG:SIM:IMM")

    def set_harmonic(self, order: int, percent: float) -> None:
        self.check_harmonic(order, percent)
