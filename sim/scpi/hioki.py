"""Emulated Hioki PW3390 power analyzer: channels 1-3 on the charger's AC output (L1-L3), channel 4 on
the lab's DC bus (a DC charger's output into the DC load), values held for the 50 ms update interval.
Errors set bits of the event status register (*ESR?), as Hioki instruments report them."""

from __future__ import annotations

import math
import re

from .held import Held
from .parser import ScpiError
from .server import ScpiDevice, fmt, one_arg

FUNCS = ("U", "I", "P", "S", "Q", "PF", "FREQU", "UTHD", "ITHD", "WP")


class HiokiPW3390Emulator(ScpiDevice):
    identity = "HIOKI,PW3390,190312345,V2.01"
    CHANNELS = 4

    def setup(self) -> None:
        self.header = True
        self.held = Held(self.lab, 0.05)
        self.add(":HEADer", query=lambda s, a: "ON" if self.header else "OFF", write=self._header)
        self.add(":MEASure", query=self._measure)
        self.add(":INTEGrate:STARt", write=lambda s, a: self.lab.integration("start"))
        self.add(":INTEGrate:STOP", write=lambda s, a: self.lab.integration("stop"))
        self.add(":INTEGrate:RESet", write=lambda s, a: self.lab.integration("reset"))

    def _header(self, s: list, args: list[str]) -> None:
        value = one_arg(args).upper()
        if value not in ("ON", "OFF"):
            raise ScpiError(-224, "Illegal parameter value")
        self.header = value == "ON"

    def _ac(self, func: str, ch: int) -> float:
        lab = self.lab
        if ch > lab.ratings.phases:
            return 0.0 if func not in ("PF", "FREQU") else math.nan
        u, signed = lab.noise(lab.phase_voltage()), lab.noise(lab.current_a)  # negative: a DC discharge
        i = abs(signed)  # RMS
        pf = 0.99
        harmonic_u = lab.grid.thd_pct()
        values = {"U": u, "I": i, "P": u * signed * pf, "S": u * i, "Q": u * i * math.sqrt(1 - pf * pf),
                  "PF": pf if i > 0.05 else math.nan, "FREQU": lab.grid.frequency_hz if u > 1 else math.nan,
                  "UTHD": harmonic_u if u > 1 else math.nan, "ITHD": 4.5 if i > 0.05 else math.nan,
                  "WP": lab.energy_wh() / lab.ratings.phases}
        return values[func]

    def _dc(self, func: str) -> float:
        v, i = self.lab.dc.operating_point()
        v, i = self.lab.noise(v), self.lab.noise(i)
        values = {"U": v, "I": abs(i), "P": v * i, "S": v * abs(i), "Q": 0.0, "PF": 1.0 if i else math.nan,
                  "FREQU": math.nan, "UTHD": math.nan, "ITHD": math.nan, "WP": 0.0}
        return values[func]

    def _harmonic(self, sig: str, ch: int, order: int) -> float:
        u = self.lab.phase_voltage() if ch <= self.lab.ratings.phases else 0.0
        base = u if sig == "U" else (self.lab.current_a if ch <= self.lab.ratings.phases else 0.0)
        if order == 1:
            return base
        pct = self.lab.grid.harmonics.get(order, 0.0) if sig == "U" else (3.0 if order in (3, 5, 7) else 0.0)
        return base * pct / 100.0

    def _one(self, item: str) -> float:
        m = re.fullmatch(r"([UI])H(\d)_(\d{2,3})", item)
        if m:
            return self._harmonic(m.group(1), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"([A-Z]+?)(\d|123)", item)
        if m is None or m.group(1) not in FUNCS:
            raise ScpiError(-224, f"Illegal parameter value; item {item}")
        func, ch = m.group(1), m.group(2)
        if ch == "123":
            parts = [self._ac(func, c) for c in (1, 2, 3)]
            return sum(parts) / (3 if func in ("U", "I", "PF", "FREQU", "UTHD", "ITHD") else 1)
        c = int(ch)
        if not 1 <= c <= self.CHANNELS:
            raise ScpiError(-224, "Illegal parameter value; no such channel")
        return self._dc(func) if c == 4 else self._ac(func, c)

    def _measure(self, s: list, args: list[str]) -> str:
        if not args:
            raise ScpiError(-109, "Missing parameter")
        values = [self.held.get(item.upper(), lambda it=item.upper(): self._one(it)) for item in args]
        text = ",".join(fmt(v) for v in values)
        return (":MEASURE " + text) if self.header else text
