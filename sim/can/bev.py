"""Emulated chargebench BEV-1 battery emulator / DC load on the lab's DC bus, speaking the frames of
instruments/chargebench/bev.dbc (decoded with cantools from that same file: the DBC is the contract).

``handle(arbitration_id, data)`` returns the frames to send back; it serves both the in-process python-can
``virtual`` bus (unit tests) and the emulated socketcand daemon (the virtual lab across processes).
A command outside the model's ratings is rejected and latches fault 256, like a range error on SCPI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cantools

DBC = Path(__file__).resolve().parents[2] / "instruments" / "chargebench" / "bev.dbc"
MODES = {0: None, 1: "CC", 2: "CV", 3: "CP", 4: "CR", 5: "BATT"}
RATINGS = {"CC": (0, 500), "CV": (0, 1000), "CP": (0, 360_000), "CR": (0.05, 1000), "BATT": (0, 1000)}
MODEL_CODE, SERIAL, FW = 0x0B01, 42, (1, 4)


class BevDevice:
    def __init__(self, name: str, lab: Any):
        self.name, self.lab = name, lab
        self.db = cantools.database.load_file(str(DBC))
        self.fault = 0
        self.fault_count = 0
        self.counter = 0
        self.limits = {"OvpVoltage": 1100.0, "OcpCurrent": 600.0, "OppPower": 400_000.0}

    def _latch(self, code: int) -> None:
        self.fault = code
        self.fault_count = min(self.fault_count + 1, 255)

    def handle(self, arbitration_id: int, data: bytes) -> list[tuple[int, bytes]]:
        try:
            msg = self.db.get_message_by_frame_id(arbitration_id)
        except KeyError:
            return []  # not ours: a CAN node ignores frames it does not know
        try:
            sig = msg.decode(data, decode_choices=False)
        except Exception:  # malformed frame: rejected, as a range error would be
            self._latch(256)
            return []
        fault = self.lab.faults.get(self.name)
        if fault == "error":
            self._latch(4)
        handler = getattr(self, "_" + msg.name, None)
        return handler(sig, fault) if handler else []

    def _BE_Control(self, sig: dict, fault: str | None) -> list:
        self.lab.now()
        dc = self.lab.dc
        mode = MODES.get(int(sig["Mode"]))
        if sig["Enable"] and mode is None:
            self._latch(256)
            return []
        if mode is not None:
            low, high = RATINGS[mode]
            if not low <= sig["Setpoint"] <= high:
                self._latch(256)
                return []
            dc.load_mode = mode
            dc.load_setpoint = sig["Setpoint"]
        dc.load_on = bool(sig["Enable"])
        return []

    def _BE_Limits(self, sig: dict, fault: str | None) -> list:
        self.limits = {k: float(sig[k]) for k in self.limits}
        return []

    def _BE_Battery(self, sig: dict, fault: str | None) -> list:
        self.lab.now()
        self.lab.dc.battery_voltage_v = float(sig["OpenCircuitVoltage"])
        self.lab.dc.battery_resistance_ohm = max(float(sig["InternalResistance"]), 1e-4)
        return []

    def _status(self, fault: str | None) -> bytes:
        self.lab.now()
        v, i = self.lab.dc.operating_point()
        trips = [code for code, over in ((1, v > self.limits["OvpVoltage"]), (2, i > self.limits["OcpCurrent"]),
                                         (3, v * i > self.limits["OppPower"])) if over]
        if trips and self.lab.dc.load_on:
            self.lab.dc.load_on = False
            self._latch(trips[0])
            v, i = self.lab.dc.operating_point()
        v, i = self.lab.noise(v), self.lab.noise(i)
        if fault == "out_of_range":
            v = 6553.5
        self.counter = (self.counter + 1) % 8
        mode = next((k for k, m in MODES.items() if m == self.lab.dc.load_mode), 0)
        state = 2 if self.fault else (1 if self.lab.dc.load_on else 0)
        return self.db.get_message_by_name("BE_Status").encode(
            {"Voltage": min(v, 6553.5), "Current": max(min(i, 3276.7), -3276.8), "Power": round(v * i),
             "State": state, "Mode": mode, "Counter": self.counter})

    def _BE_Request(self, sig: dict, fault: str | None) -> list:
        wanted = int(sig["RequestedId"])
        if fault == "timeout":
            return []
        names = {m.frame_id: m.name for m in self.db.messages}
        name = names.get(wanted)
        if name == "BE_Status":
            return [(wanted, self._status(fault))]
        if name == "BE_Faults":
            data = self.db.get_message_by_name("BE_Faults").encode({"FaultCode": self.fault,
                                                                    "FaultCount": self.fault_count})
            if sig["ClearFaults"]:
                self.fault = 0
            return [(wanted, data)]
        if name == "BE_Ident":
            return [(wanted, self.db.get_message_by_name("BE_Ident").encode(
                {"ModelCode": MODEL_CODE, "Serial": SERIAL, "FwMajor": FW[0], "FwMinor": FW[1]}))]
        return []
