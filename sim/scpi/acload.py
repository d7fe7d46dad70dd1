"""Emulated Chroma 63800 AC load on the charger's output: it draws current through the lab (the charger
caps it at what it offers), so the analyzer and the meters measure what it draws."""

from __future__ import annotations

from .parser import ScpiError
from .server import ScpiDevice, bool_arg, float_arg, fmt, one_arg


class Chroma63800Emulator(ScpiDevice):
    identity = "CHROMA,63802,638020000321,1.30"
    MAX_A = 18.0

    def setup(self) -> None:
        self.add("MODE", query=lambda s, a: "CC", write=self._mode)
        self.add("CURRent:STATic:L1", query=lambda s, a: fmt(self.lab.ac_load.current_a),
                 write=lambda s, a: self.lab.set_ac_load(current_a=float_arg(a, 0, self.MAX_A)))
        self.add("PF", query=lambda s, a: fmt(self.lab.ac_load.power_factor),
                 write=lambda s, a: self.lab.set_ac_load(power_factor=float_arg(a, 0, 1)))
        self.add("CFACtor", query=lambda s, a: fmt(self.lab.ac_load.crest_factor),
                 write=lambda s, a: self.lab.set_ac_load(crest_factor=float_arg(a, 1.414, 5)))
        self.add("LOAD[:STATe]", query=lambda s, a: "1" if self.lab.ac_load.on else "0",
                 write=lambda s, a: self.lab.set_ac_load(on=bool_arg(a)))
        self.add("MEASure[:SCALar]:VOLTage", query=lambda s, a: fmt(self.lab.noise(self.lab.phase_voltage())))
        self.add("MEASure[:SCALar]:CURRent", query=lambda s, a: fmt(self.lab.noise(self._amps())))
        self.add("MEASure[:SCALar]:POWer", query=lambda s, a: fmt(self.lab.noise(
            self.lab.phase_voltage() * self._amps() * self.lab.ac_load.power_factor)))
        self.add("MEASure[:SCALar]:PF", query=lambda s, a: fmt(self.lab.ac_load.power_factor if self._amps() else 0))

    def _amps(self) -> float:
        self.lab.now()
        return min(self.lab.ac_load.current_a, self.lab.current_a) if self.lab.ac_load.on else 0.0

    def _mode(self, s: list, args: list[str]) -> None:
        if one_arg(args).upper() != "CC":
            raise ScpiError(-224, "Illegal parameter value; only CC is emulated")

    def reset(self) -> None:
        self.lab.set_ac_load(on=False, current_a=0.0)
