"""Emulated chargebench EVE-1 EV emulator (command set: docs/instruments/chargebench-eve.md)."""

from __future__ import annotations

import math

from ..pilot import sensed_state
from .parser import ScpiError
from .server import ScpiDevice, bool_arg, float_arg, fmt, one_arg


class EveEmulator(ScpiDevice):
    identity = "CHARGEBENCH,EVE-1,EVE000001,1.0.0"

    def setup(self) -> None:
        self.add("PILot:STATe", query=lambda s, a: self.lab.ev.state, write=self._state)
        self.add("PILot:DIODe", query=lambda s, a: "1" if self.lab.ev.diode else "0",
                 write=lambda s, a: self.lab.set_ev_diode(bool_arg(a)))
        self.add("PROXimity:RESistance", query=self._pp_q, write=self._pp)
        self.add("LOAD:CURRent", query=lambda s, a: fmt(self.lab.ev.demand_a),
                 write=lambda s, a: self.lab.set_ev_demand(float_arg(a, 0, 80)))
        self.add("MEASure:PILot:HIGH", query=lambda s, a: fmt(self._pilot().high))
        self.add("MEASure:PILot:LOW", query=lambda s, a: fmt(self._pilot().low))
        self.add("MEASure:PILot:FREQuency", query=self._freq)
        self.add("MEASure:PILot:DUTY", query=self._duty)
        self.add("MEASure:PILot:STATe", query=lambda s, a: sensed_state(self._pilot().high))
        self.add("MEASure:INLet:VOLTage", query=lambda s, a: fmt(self.lab.noise(self.lab.phase_voltage())))
        self.add("MEASure:CURRent", query=lambda s, a: fmt(self.lab.noise(self.lab.current_a)))
        self.add("MEASure:TIME:SWITch", query=lambda s, a: fmt(self._switch_time()))

    def reset(self) -> None:
        self.lab.set_ev_demand(0.0)
        self.lab.set_ev_state("A")

    def _state(self, s: list, args: list[str]) -> None:
        state = one_arg(args).upper()
        if state not in ("A", "B", "C", "D", "E"):
            raise ScpiError(-224, "Illegal parameter value")
        self.lab.set_ev_state(state)

    def _pp(self, s: list, args: list[str]) -> None:
        if one_arg(args).upper() == "OPEN":
            self.lab.ev.pp_ohms = None
        else:
            self.lab.ev.pp_ohms = float_arg(args, 0, 100_000)

    def _pp_q(self, s: list, args: list[str]) -> str:
        return "OPEN" if self.lab.ev.pp_ohms is None else fmt(self.lab.ev.pp_ohms)

    def _pilot(self):
        self.lab.now()
        levels = self.lab.charger.pilot()
        return levels

    def _duty(self, s: list, args: list[str]) -> str:
        self.lab.now()
        duty = self.lab.charger.duty_pct()
        return fmt(0.0 if duty <= 0 else 100.0 if duty >= 100 else round(duty, 2))

    def _freq(self, s: list, args: list[str]) -> str:
        self.lab.now()
        duty = self.lab.charger.duty_pct()
        return fmt(0.0 if duty <= 0 or duty >= 100 else self.lab.charger.frequency_hz)

    def _switch_time(self) -> float:
        self.lab.now()
        return self.lab.ev.last_switch_time if not math.isnan(self.lab.ev.last_switch_time) else math.nan
