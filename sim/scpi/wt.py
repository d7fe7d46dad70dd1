"""Emulated Yokogawa WT-series power analyzer on the lab's charger output (element 1..phases = L1..L3).

Values are held for the data update interval (:RATE), as the real instrument holds them; element 4 is
wired to the lab's DC bus; the harmonic list (:NUMeric:LIST) follows the grid's injected harmonics.
"""

from __future__ import annotations

import math

from .parser import ScpiError
from .server import ScpiDevice, fmt, one_arg

RATES_MS = [10, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]
FUNCS = {"URMS", "IRMS", "P", "S", "Q", "LAMBDA", "FU", "FI", "WP", "UTHD", "ITHD", "UDC", "IDC"}
WIRINGS = {"P1W2", "P1W3", "P3W3", "P3W4", "V3A3"}


class WtAnalyzer(ScpiDevice):
    identity = "YOKOGAWA,WT5000,91K000001,F2.01"
    error_query = ":STATus:ERRor"

    def setup(self) -> None:
        self.reset()
        self.add(":COMMunicate:HEADer", query=lambda s, a: "1" if self.header else "0",
                 write=lambda s, a: self._flag("header", a))
        self.add(":COMMunicate:VERBose", query=lambda s, a: "1" if self.verbose else "0",
                 write=lambda s, a: self._flag("verbose", a))
        self.add(":NUMeric:FORMat", query=lambda s, a: "ASCII", write=self._format)
        self.add(":NUMeric[:NORMal]:NUMber", query=lambda s, a: str(self.number), write=self._number)
        self.add(":NUMeric[:NORMal]:ITEM#", query=self._item_q, write=self._item)
        self.add(":NUMeric[:NORMal]:VALue", query=self._values)
        self.add(":RATE", query=lambda s, a: f"{self.rate_ms / 1000:.1E}", write=self._rate)
        self.add("[:INPut]:WIRing", query=lambda s, a: self.wiring, write=self._wiring)
        self.add(":INTEGrate:STARt", write=lambda s, a: self._integ("start"))
        self.add(":INTEGrate:STOP", write=lambda s, a: self._integ("stop"))
        self.add(":INTEGrate:RESet", write=lambda s, a: self._integ("reset"))
        self.add(":INTEGrate:STATe", query=lambda s, a: "START" if self.lab.integrating else "STOP")
        self.add(":NUMeric:LIST:NUMber", query=lambda s, a: "1", write=lambda s, a: self._list("number", a))
        self.add(":NUMeric:LIST:ORDer", query=lambda s, a: str(self.list_order),
                 write=lambda s, a: self._list("order", a))
        self.add(":NUMeric:LIST:SELect", query=lambda s, a: "ALL", write=lambda s, a: None)
        self.add(":NUMeric:LIST:ITEM#", query=lambda s, a: ",".join(self.list_item), write=self._list_item)
        self.add(":NUMeric:LIST:VALue", query=self._list_values)

    def reset(self) -> None:
        self.header = True
        self.verbose = True
        self.number = 15
        self.items: dict[int, tuple[str, str]] = {i: ("URMS", "1") for i in range(1, 256)}
        self.rate_ms = 50
        self.list_order = 50
        self.list_item = ("U", "1")
        self._held: dict[tuple[str, str], float] = {}
        self._held_index = -1
        self.wiring = "P1W2" if self.lab.ratings.phases == 1 else "P3W4"

    def _flag(self, attr: str, args: list[str]) -> None:
        value = one_arg(args).upper()
        if value not in ("ON", "OFF", "1", "0"):
            raise ScpiError(-224, "Illegal parameter value")
        setattr(self, attr, value in ("ON", "1"))

    def _format(self, s: list, args: list[str]) -> None:
        if one_arg(args).upper() not in ("ASCII", "ASC"):
            raise ScpiError(-224, "Illegal parameter value; only ASCii is emulated")

    def _number(self, s: list, args: list[str]) -> None:
        try:
            n = int(one_arg(args))
        except ValueError:
            raise ScpiError(-104, "Data type error") from None
        if not 1 <= n <= 255:
            raise ScpiError(-222, "Data out of range")
        self.number = n

    def _item(self, s: list, args: list[str]) -> None:
        index = s[0]
        if index is None or not 1 <= index <= 255:
            raise ScpiError(-114, "Header suffix out of range")
        if len(args) < 2:
            raise ScpiError(-109, "Missing parameter")
        func, element = args[0].upper(), args[1].upper()
        if func not in FUNCS:
            raise ScpiError(-224, "Illegal parameter value")
        if element not in {"SIGMA", "SIGMB", "SIGMC"} and not (element.isdigit() and 1 <= int(element) <= 7):
            raise ScpiError(-224, "Illegal parameter value")
        self.items[index] = (func, element)

    def _item_q(self, s: list, args: list[str]) -> str:
        func, element = self.items[s[0] or 1]
        return f"{func},{element}"

    def _rate(self, s: list, args: list[str]) -> None:
        text = one_arg(args).upper()
        try:
            ms = int(float(text[:-2])) if text.endswith("MS") else int(float(text.rstrip("S")) * 1000)
        except ValueError:
            raise ScpiError(-104, "Data type error") from None
        if ms not in RATES_MS:
            raise ScpiError(-222, "Data out of range")
        self.rate_ms = ms

    def _wiring(self, s: list, args: list[str]) -> None:
        value = one_arg(args).upper()
        if value not in WIRINGS:
            raise ScpiError(-224, "Illegal parameter value")
        self.wiring = value

    def _integ(self, action: str) -> None:
        self.lab.integration(action)

    def _list(self, what: str, args: list[str]) -> None:
        try:
            n = int(one_arg(args))
        except ValueError:
            raise ScpiError(-104, "Data type error") from None
        if what == "order":
            if not 1 <= n <= 500:
                raise ScpiError(-222, "Data out of range")
            self.list_order = n
        elif n != 1:
            raise ScpiError(-222, "Data out of range; one list item is emulated")

    def _list_item(self, s: list, args: list[str]) -> None:
        if len(args) < 2 or args[0].upper() not in ("U", "I"):
            raise ScpiError(-224, "Illegal parameter value")
        self.list_item = (args[0].upper(), args[1].upper())

    def _list_values(self, s: list, args: list[str]) -> str:
        """Total, DC (order 0), then orders 1..n: the fundamental is the rms value, harmonics come from the
        grid's injected voltage harmonics (U) or a typical rectifier spectrum (I)."""
        sig, element = self.list_item
        base = self._value("URMS" if sig == "U" else "IRMS", element)
        orders = []
        for n in range(1, self.list_order + 1):
            pct = (self.lab.grid.harmonics.get(n, 0.0) if sig == "U" else (3.0 if n in (3, 5, 7) else 0.0))
            orders.append(base if n == 1 else base * pct / 100.0)
        total = math.sqrt(sum(v * v for v in orders))
        return ",".join(fmt(v) for v in [total, 0.0, *orders])

    def _value(self, func: str, element: str) -> float:
        """Held for the data update interval, as the instrument holds its numeric data."""
        index = math.floor(self.lab.now() * 1000 / self.rate_ms)
        if index != self._held_index:
            self._held_index, self._held = index, {}
        key = (func, element)
        if key not in self._held:
            self._held[key] = self._compute(func, element)
        return self._held[key]

    def _compute(self, func: str, element: str) -> float:
        lab = self.lab
        if element == "4" and lab.ratings.phases < 4 and (lab.dc.output_on or lab.dc.load_on):
            return self._dc(func)
        phases = lab.ratings.phases
        if element.startswith("SIGM"):
            elements = list(range(1, phases + 1))
        else:
            elements = [int(element)] if int(element) <= phases else []
        if not elements:
            return 0.0 if func not in ("FU", "FI", "LAMBDA") else math.nan
        u = lab.noise(lab.phase_voltage())
        i = lab.noise(lab.current_a)  # signed on a DC charger's output: negative while it discharges the EV
        dc = lab.dc_side is not None
        if func in ("UDC", "IDC"):  # simple average: the DC value with its sign, about zero on an AC output
            return (u if func == "UDC" else i) if dc else 0.0
        p = u * i * 0.99
        s = u * abs(i)
        i = abs(i)
        n = len(elements)
        if func == "URMS":
            return u
        if func == "IRMS":
            return i
        if func == "P":
            return p * n
        if func == "S":
            return s * n
        if func == "Q":
            return math.sqrt(max(s * s - p * p, 0.0)) * n
        if func == "LAMBDA":
            return p / s if s > 0 else math.nan
        if func == "FU":
            return lab.noise(lab.grid.frequency_hz, 1e-5) if u > 1 else math.nan
        if func == "FI":
            return lab.noise(50.0, 1e-5) if i > 0.05 else math.nan
        if func == "WP":
            return lab.energy_wh() * n / phases
        if func == "UTHD":
            return max(lab.grid.thd_pct(), 1.2) if u > 1 else math.nan
        if func == "ITHD":
            return 4.5 if i > 0.05 else math.nan
        raise ScpiError(-224, "Illegal parameter value")

    def _dc(self, func: str) -> float:
        """Element 4 is wired to the DC bus (a DC charger's output into the DC load)."""
        v, i = self.lab.dc.operating_point()
        v, i = self.lab.noise(v), self.lab.noise(i)
        return {"URMS": v, "IRMS": abs(i), "P": v * i, "S": v * abs(i), "Q": 0.0, "LAMBDA": 1.0 if i else math.nan,
                "FU": math.nan, "FI": math.nan, "WP": 0.0, "UTHD": math.nan, "ITHD": math.nan, "UDC": v,
                "IDC": i}[func]

    def _values(self, s: list, args: list[str]) -> str:
        self.lab.now()  # readings come from the latest completed update
        return ",".join(fmt(self._value(*self.items[k])) for k in range(1, self.number + 1))
