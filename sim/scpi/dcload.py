"""Emulated SCPI DC loads on the lab's DC bus (sim/dc_bus.py): Chroma 63200A, ITECH IT8000, EA PSB 10000.

Each family is a dialect: its command patterns (long/short forms as in its manual) mapped onto one model
of a load with setpoints per mode, an input switch, slew and protection limits. The load side of the
DcBus follows the active mode and setpoint; measurements come from ``DcBus.operating_point()``, held for
the instrument's update interval. A reading beyond a protection limit trips the input off and queues a
device-specific error, as the real loads latch a protection state.
"""

from __future__ import annotations

from typing import ClassVar

from .held import Held
from .parser import ScpiError
from .server import ScpiDevice, bool_arg, float_arg, fmt, one_arg


class DcLoadEmulator(ScpiDevice):
    RATINGS: ClassVar[tuple[float, float, float]] = (600.0, 420.0, 6000.0)
    MODE_PATTERN: ClassVar[str | None] = None
    MODE_WORDS: ClassVar[dict[str, str]] = {}  # family word (upper, long and short) -> CC/CV/CP/CR
    SETPOINTS: ClassVar[dict[str, str]] = {}  # our mode -> pattern
    INPUT_PATTERN: ClassVar[str] = "INPut[:STATe]"
    SLEW_PATTERNS: ClassVar[list[str]] = []
    PROTECTION: ClassVar[dict[str, str]] = {}
    MEASURE: ClassVar[dict[str, str]] = {"voltage": "MEASure[:SCALar]:VOLTage[:DC]",
                                         "current": "MEASure[:SCALar]:CURRent[:DC]",
                                         "power": "MEASure[:SCALar]:POWer[:DC]"}
    UNITS: ClassVar[dict[str, str] | None] = None  # replies with a unit suffix when set
    UPDATE_S: ClassVar[float] = 0.02

    def setup(self) -> None:
        self.held = Held(self.lab, self.UPDATE_S)
        self.reset()
        if self.MODE_PATTERN:
            self.add(self.MODE_PATTERN, query=lambda s, a: self._mode_word(), write=self._set_mode)
        for mode, pattern in self.SETPOINTS.items():
            self.add(pattern, query=lambda s, a, m=mode: fmt(self.setpoints[m]),
                     write=lambda s, a, m=mode: self._setpoint(m, a))
        self.add(self.INPUT_PATTERN, query=lambda s, a: "1" if self.lab.dc.load_on else "0",
                 write=lambda s, a: self._input(bool_arg(a)))
        for pattern in self.SLEW_PATTERNS:
            self.add(pattern, query=lambda s, a: fmt(self.slew), write=self._slew)
        for key, pattern in self.PROTECTION.items():
            self.add(pattern, query=lambda s, a, k=key: fmt(self.limits[k]),
                     write=lambda s, a, k=key: self._limit(k, a))
        for quantity, pattern in self.MEASURE.items():
            self.add(pattern, query=lambda s, a, q=quantity: self._measure(q))

    def reset(self) -> None:
        v, i, p = self.RATINGS
        self.mode = "CC"
        self.setpoints = {"CC": 0.0, "CV": v, "CP": 0.0, "CR": 1000.0}
        self.slew = 1.0
        self.limits = {"ovp": v * 1.05, "ocp": i * 1.05, "opp": p * 1.05}
        self.lab.dc.load_on = False
        self._apply()

    def _mode_word(self) -> str:
        return next(w for w, m in self.MODE_WORDS.items() if m == self.mode)

    def _set_mode(self, s: list, args: list[str]) -> None:
        word = one_arg(args).upper()
        if word not in self.MODE_WORDS:
            raise ScpiError(-224, "Illegal parameter value")
        self.mode = self.MODE_WORDS[word]
        self._apply()

    def _range(self, mode: str) -> tuple[float, float]:
        v, i, p = self.RATINGS
        return {"CC": (0, i), "CV": (0, v), "CP": (0, p), "CR": (0.01, 10_000)}[mode]

    def _setpoint(self, mode: str, args: list[str]) -> None:
        self.setpoints[mode] = float_arg(args, *self._range(mode))
        self.on_setpoint(mode)
        self._apply()

    def on_setpoint(self, mode: str) -> None:
        """Families without a mode command infer it from the setpoint written (EA)."""

    def _input(self, on: bool) -> None:
        self.lab.now()
        self.lab.dc.load_on = on
        self._apply()

    def _slew(self, s: list, args: list[str]) -> None:
        self.slew = float_arg(args, 1e-6, self.RATINGS[1])

    def _limit(self, key: str, args: list[str]) -> None:
        v, i, p = self.RATINGS
        self.limits[key] = float_arg(args, 0, {"ovp": v, "ocp": i, "opp": p}[key] * 1.1)

    def _apply(self) -> None:
        dc = self.lab.dc
        dc.load_mode = self.mode
        dc.load_setpoint = self.setpoints[self.mode]

    def _point(self) -> tuple[float, float]:
        v, i = self.lab.dc.operating_point()
        trips = [k for k, over in (("ovp", v > self.limits["ovp"]), ("ocp", i > self.limits["ocp"]),
                                   ("opp", v * i > self.limits["opp"])) if over]
        if trips and self.lab.dc.load_on:
            self.lab.dc.load_on = False
            self.push_error(-300, f"Device-specific error; {trips[0].upper()} tripped, input off")
            v, i = self.lab.dc.operating_point()  # the protection acts before this update's reading
        return v, i

    def _measure(self, quantity: str) -> str:
        def compute() -> float:
            v, i = self._point()
            return {"voltage": v, "current": i, "power": v * i}[quantity]

        value = self.lab.noise(self.held.get(quantity, compute))
        if self.UNITS:
            return f"{value:.2f} {self.UNITS[quantity]}"
        return fmt(value)


class Chroma63200AEmulator(DcLoadEmulator):
    identity = "CHROMA,63206A-600-420,632060000123,1.10"
    RATINGS = (600.0, 420.0, 6000.0)
    MODE_PATTERN = "MODE"
    MODE_WORDS: ClassVar[dict[str, str]] = {"CCH": "CC", "CCL": "CC", "CRH": "CR", "CRL": "CR", "CV": "CV",
                                            "CPH": "CP", "CPL": "CP"}
    SETPOINTS: ClassVar[dict[str, str]] = {"CC": "CURRent:STATic:L1", "CR": "RESistance:STATic:L1",
                                           "CV": "VOLTage:STATic:L1", "CP": "POWer:STATic:L1"}
    INPUT_PATTERN = "LOAD[:STATe]"
    SLEW_PATTERNS: ClassVar[list[str]] = ["CURRent:STATic:RISE", "CURRent:STATic:FALL"]
    PROTECTION: ClassVar[dict[str, str]] = {"ovp": "CONFigure:PROTection:VOLTage",
                                            "ocp": "CONFigure:PROTection:CURRent",
                                            "opp": "CONFigure:PROTection:POWer"}


class ItechIT8000Emulator(DcLoadEmulator):
    identity = "ITECH,IT8018-1500-600,802018000456,1.05-1.02"
    RATINGS = (1500.0, 600.0, 18_000.0)
    MODE_PATTERN = "[SOURce]:FUNCtion"
    MODE_WORDS: ClassVar[dict[str, str]] = {"CURRENT": "CC", "CURR": "CC", "VOLTAGE": "CV", "VOLT": "CV",
                                            "POWER": "CP", "POW": "CP", "RESISTANCE": "CR", "RES": "CR"}
    SETPOINTS: ClassVar[dict[str, str]] = {"CC": "[SOURce]:CURRent[:LEVel][:IMMediate]",
                                           "CV": "[SOURce]:VOLTage[:LEVel][:IMMediate]",
                                           "CP": "[SOURce]:POWer[:LEVel][:IMMediate]",
                                           "CR": "[SOURce]:RESistance[:LEVel][:IMMediate]"}
    INPUT_PATTERN = "INPut[:STATe]"
    SLEW_PATTERNS: ClassVar[list[str]] = ["[SOURce]:CURRent:SLEW"]
    PROTECTION: ClassVar[dict[str, str]] = {"ovp": "[SOURce]:VOLTage:PROTection[:LEVel]",
                                            "ocp": "[SOURce]:CURRent:PROTection[:LEVel]",
                                            "opp": "[SOURce]:POWer:PROTection[:LEVel]"}

    def setup(self) -> None:
        super().setup()
        self.add("SYSTem:REMote", write=lambda s, a: None)


class EaPsbEmulator(DcLoadEmulator):
    identity = "EA Elektro-Automatik,PSB 11000-80,2000010001,V2.10"
    RATINGS = (1000.0, 80.0, 30_000.0)
    SETPOINTS: ClassVar[dict[str, str]] = {"CC": "SINK:CURRent", "CV": "[SOURce]:VOLTage",
                                           "CP": "SINK:POWer", "CR": "SINK:RESistance"}
    INPUT_PATTERN = "OUTPut[:STATe]"
    PROTECTION: ClassVar[dict[str, str]] = {"ovp": "[SOURce]:VOLTage:PROTection[:LEVel]",
                                            "ocp": "[SOURce]:CURRent:PROTection[:LEVel]",
                                            "opp": "[SOURce]:POWer:PROTection[:LEVel]"}
    MEASURE: ClassVar[dict[str, str]] = {"voltage": "MEASure[:SCALar]:VOLTage", "current": "MEASure[:SCALar]:CURRent",
                                         "power": "MEASure[:SCALar]:POWer"}
    UNITS: ClassVar[dict[str, str] | None] = {"voltage": "V", "current": "A", "power": "W"}

    def setup(self) -> None:
        super().setup()
        self.locked = False
        self.add("SYSTem:LOCK", query=lambda s, a: "ON" if self.locked else "OFF",
                 write=lambda s, a: setattr(self, "locked", bool_arg(a)))

    def reset(self) -> None:
        super().reset()
        self.setpoints["CV"] = 0.0
        self._sink = "CC"

    def on_setpoint(self, mode: str) -> None:
        if mode != "CV":
            self._sink = mode
        self.mode = "CV" if self.setpoints["CV"] > 0 else self._sink

    def _input(self, on: bool) -> None:
        if not self.locked:
            raise ScpiError(-200, "Execution error; remote control not locked (SYST:LOCK ON)")
        super()._input(on)

    def _setpoint(self, mode: str, args: list[str]) -> None:
        if not self.locked:
            raise ScpiError(-200, "Execution error; remote control not locked (SYST:LOCK ON)")
        super()._setpoint(mode, args)


EMULATORS: dict[str, type[ScpiDevice]] = {"chroma.63200a": Chroma63200AEmulator,
                                          "itech.it8000": ItechIT8000Emulator, "ea.psb": EaPsbEmulator}
