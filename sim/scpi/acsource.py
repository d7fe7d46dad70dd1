"""Emulated AC sources / grid simulators driving the lab's grid (sim/lab.py GridSide): Chroma 61800 and
Keysight AC6900. The charger's output follows the grid, so the analyzer and the meters see what the
source does (a sag on the source is a sag at the EV inlet)."""

from __future__ import annotations

from typing import ClassVar

from .parser import ScpiError
from .server import ScpiDevice, bool_arg, float_arg, fmt, one_arg


class AcSourceEmulator(ScpiDevice):
    VOLTAGE_MAX: ClassVar[float] = 300.0
    FREQUENCY_RANGE: ClassVar[tuple[float, float]] = (30.0, 100.0)

    def setup(self) -> None:
        self.event = {"volts": 0.0, "seconds": 0.0}
        self.add("MEASure[:SCALar]:VOLTage[:AC]", query=lambda s, a: fmt(self.lab.noise(self._volts())))
        self.add("MEASure[:SCALar]:CURRent[:AC]", query=lambda s, a: fmt(self.lab.noise(self.lab.current_a)))
        self.add("MEASure[:SCALar]:POWer[:AC]", query=lambda s, a: fmt(self.lab.noise(self.lab.power_w())))
        self.add("MEASure[:SCALar]:FREQuency", query=lambda s, a: fmt(self.lab.grid.frequency_hz))
        self.add("OUTPut[:STATe]", query=lambda s, a: "1" if self.lab.grid.on else "0",
                 write=lambda s, a: self._output(bool_arg(a)))

    def _volts(self) -> float:
        return self.lab.grid.voltage_at(self.lab.now())

    def _output(self, on: bool) -> None:
        self.lab.now()
        self.lab.grid.on = on

    def _voltage(self, s: list, args: list[str]) -> None:
        self.lab.now()
        self.lab.grid.voltage_v = float_arg(args, 0, self.VOLTAGE_MAX)

    def _frequency(self, s: list, args: list[str]) -> None:
        self.lab.now()
        self.lab.grid.frequency_hz = float_arg(args, *self.FREQUENCY_RANGE)

    def _fire(self) -> None:
        t = self.lab.now()
        if self.event["seconds"] <= 0:
            raise ScpiError(-221, "Settings conflict; no event duration set")
        self.lab.grid.event_v = self.event["volts"]
        self.lab.grid.event_until = t + self.event["seconds"]


class Chroma61800Emulator(AcSourceEmulator):
    identity = "CHROMA,61830,618300000789,2.01"

    def setup(self) -> None:
        super().setup()
        self.mode = "FIXED"
        self.harm_order = 0
        self.add("[SOURce]:VOLTage:AC", query=lambda s, a: fmt(self.lab.grid.voltage_v), write=self._voltage)
        self.add("[SOURce]:FREQuency", query=lambda s, a: fmt(self.lab.grid.frequency_hz), write=self._frequency)
        self.add("OUTPut:MODE", query=lambda s, a: self.mode, write=self._mode)
        self.add("PULSe:VOLTage:AC", query=lambda s, a: fmt(self.event["volts"]),
                 write=lambda s, a: self.event.__setitem__("volts", float_arg(a, 0, self.VOLTAGE_MAX)))
        self.add("PULSe:DWELl", query=lambda s, a: fmt(self.event["seconds"] * 1000),
                 write=lambda s, a: self.event.__setitem__("seconds", float_arg(a, 0.1, 99_999) / 1000))
        self.add("TRIGger[:STATe]", write=self._trigger)
        self.add("[SOURce]:HARMonic:ORDer", query=lambda s, a: str(self.harm_order), write=self._order)
        self.add("[SOURce]:HARMonic:AMPLitude", write=self._amplitude)
        self.add("[SOURce]:HARMonic:STATe", write=lambda s, a: None if bool_arg(a) else self._clear())

    def _mode(self, s: list, args: list[str]) -> None:
        word = one_arg(args).upper()
        modes = {"FIX": "FIXED", "FIXED": "FIXED", "PULS": "PULSE", "PULSE": "PULSE"}
        if word not in modes:
            raise ScpiError(-224, "Illegal parameter value")
        self.mode = modes[word]

    def _trigger(self, s: list, args: list[str]) -> None:
        if one_arg(args).upper() != "ON":
            return
        if self.mode != "PULSE":
            raise ScpiError(-221, "Settings conflict; output mode is not PULSE")
        self._fire()

    def _order(self, s: list, args: list[str]) -> None:
        self.harm_order = int(float_arg(args, 2, 50))

    def _amplitude(self, s: list, args: list[str]) -> None:
        if not self.harm_order:
            raise ScpiError(-221, "Settings conflict; no harmonic order selected")
        pct = float_arg(args, 0, 30)
        if pct > 0:
            self.lab.grid.harmonics[self.harm_order] = pct
        else:
            self.lab.grid.harmonics.pop(self.harm_order, None)

    def _clear(self) -> None:
        self.lab.grid.harmonics.pop(self.harm_order, None)


class KeysightAC6900Emulator(AcSourceEmulator):
    identity = "Keysight Technologies,AC6906H,JPVJ000123,1.02.00"
    VOLTAGE_MAX = 322.0
    FREQUENCY_RANGE = (40.0, 500.0)

    def setup(self) -> None:
        super().setup()
        self.add("[SOURce]:VOLTage[:LEVel][:IMMediate][:AMPLitude]", query=lambda s, a: fmt(self.lab.grid.voltage_v),
                 write=self._voltage)
        self.add("[SOURce]:FREQuency[:CW]", query=lambda s, a: fmt(self.lab.grid.frequency_hz), write=self._frequency)
        self.add("SIMulation:T3", query=lambda s, a: fmt(self.event["seconds"]),
                 write=lambda s, a: self.event.__setitem__("seconds", float_arg(a, 0.0001, 999.9)))
        self.add("SIMulation:T3:VOLTage", query=lambda s, a: fmt(self.event["volts"]),
                 write=lambda s, a: self.event.__setitem__("volts", float_arg(a, 0, self.VOLTAGE_MAX)))
        self.add("TRIGger:SIMulation[:IMMediate]", write=lambda s, a: self._fire())


EMULATORS: dict[str, type[ScpiDevice]] = {"chroma.61800": Chroma61800Emulator,
                                          "keysight.ac6900": KeysightAC6900Emulator}
