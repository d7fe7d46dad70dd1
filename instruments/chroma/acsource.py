"""Chroma 61800 series regenerative grid simulators (61809, 61812, 61830, 61845, 61860), SCPI over LAN.

Commands follow Chroma's "61800 Series Regenerative Grid Simulator Programming Manual" (shared with the
61500/61700 families): ``SOUR:VOLT:AC <V>`` (per-phase rms), ``SOUR:FREQ <Hz>``, ``OUTP ON|OFF``,
``MEAS:VOLT:AC?``, ``MEAS:CURR:AC?``, ``MEAS:POW:AC?``, ``MEAS:FREQ?``, ``SYST:ERR?``. A sag or swell uses
the pulse output mode: ``OUTP:MODE PULS``, ``PULS:VOLT:AC <V>``, ``PULS:DWEL <ms>``, then ``TRIG ON``;
the source returns to the fixed setting when the dwell ends. Harmonic injection uses the harmonic
waveform synthesis commands ``SOUR:HARM:ORD <n>`` / ``SOUR:HARM:AMPL <pct>`` / ``SOUR:HARM:STAT ON``.
Unconfirmed: the pulse-mode and harmonic-synthesis command spellings are our reading of the manual's
function descriptions and could not be checked against a unit.
"""

from __future__ import annotations

from typing import ClassVar

from ..base.errors import InstrumentReplyError
from ..base.instrument import Identity
from ..base.properties import strict_range
from ..base.scpi_source import ScpiAcSource


class Chroma61800(ScpiAcSource):
    VOLTAGE_COMMAND = "SOUR:VOLT:AC {:g}"
    VOLTAGE_QUERY = "SOUR:VOLT:AC?"
    FREQUENCY_COMMAND = "SOUR:FREQ {:g}"
    FREQUENCY_QUERY = "SOUR:FREQ?"
    MEASURE: ClassVar[dict[str, str]] = {"voltage": "MEAS:VOLT:AC?", "current": "MEAS:CURR:AC?",
                                         "power": "MEAS:POW:AC?", "frequency": "MEAS:FREQ?"}
    VOLTAGE_RANGE = (0.0, 300.0)
    FREQUENCY_RANGE = (30.0, 100.0)
    MAX_HARMONIC_ORDER = 50

    def identify(self) -> Identity:
        ident = super().identify()
        if ident.manufacturer.upper() != "CHROMA" or not ident.model.startswith("618"):
            raise InstrumentReplyError(self.name, f"*IDN? says {ident}: not a Chroma 61800")
        return ident

    def voltage_event(self, volts: float, duration_s: float) -> None:
        v = self._checked(self.volts, "event voltage", volts)
        ms = self._checked(strict_range(0.1, 99_999), "event duration (ms)", duration_s * 1000)
        self.send(f"OUTP:MODE PULS;:PULS:VOLT:AC {v:g};:PULS:DWEL {ms:g};:TRIG ON")

    def set_harmonic(self, order: int, percent: float) -> None:
        order, pct = self.check_harmonic(order, percent)
        self.send(f"SOUR:HARM:ORD {order};AMPL {pct:g};STAT {'ON' if pct > 0 else 'OFF'}")
