"""chargebench BEV-1: a battery emulator / DC load controlled over CAN, with the DBC kept beside this file
(bev.dbc).

Battery emulators with CAN control (e.g. those built around a bidirectional DC supply and a CAN front
end) each define their own frames and do not publish a common set, so this is ours: a lab can map a real
emulator's frames onto bev.dbc or build the CAN front end from it. Command frames are sent and take
effect at once; measured values, faults and identity come back as answers to BE_Request (a device that
instead broadcasts BE_Status cyclically works with the same driver, which waits for the next frame).
The error-queue equivalent is the latched fault in BE_Faults, cleared with BE_Request.ClearFaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ..base.can import load_dbc
from ..base.errors import InstrumentError, InstrumentReplyError
from ..base.instrument import Identity, Quantity
from ..base.properties import strict_range
from ..base.roles import LOAD_MODES, DcLoad

DBC = Path(__file__).with_name("bev.dbc")
MODE_CODES = {"CC": 1, "CV": 2, "CP": 3, "CR": 4, "BATT": 5}
FAULTS = {0: "no fault", 1: "over-voltage protection", 2: "over-current protection",
          3: "over-power protection", 4: "internal device fault", 256: "command rejected (value out of range)"}
MODELS = {0x0B01: "BEV-1"}
# model limits, checked before any frame is sent
LIMITS = {"CC": strict_range(0, 500), "CV": strict_range(0, 1000), "CP": strict_range(0, 360_000),
          "CR": strict_range(0.05, 1000), "BATT": strict_range(0, 1000)}


class ChargebenchBev(DcLoad):
    TRANSPORT = "can"
    REGENERATIVE = True
    QUANTITIES: ClassVar[dict[str, Quantity]] = {
        "voltage": Quantity("V", 0, 1100, gain=0.001, offset=0.1),
        "current": Quantity("A", -600, 600, gain=0.002, offset=0.1),
        "power": Quantity("W", -500_000, 500_000, gain=0.003, offset=5),
    }

    def __init__(self, transport: Any, name: str | None = None):
        super().__init__(transport, name)
        self.db = load_dbc(DBC)
        self._enable, self._mode, self._setpoint, self._slew = 0, "CC", 0.0, 10.0
        self._limits = {"OvpVoltage": 1100.0, "OcpCurrent": 600.0, "OppPower": 400_000.0}

    def _send(self, message: str, **signals: Any) -> None:
        msg = self.db.get_message_by_name(message)
        self.transport.send(msg.frame_id, msg.encode(signals))

    def _ask(self, message: str, clear: bool = False) -> dict[str, Any]:
        req = self.db.get_message_by_name("BE_Request")
        msg = self.db.get_message_by_name(message)
        data = self.transport.request(req.frame_id, req.encode({"RequestedId": msg.frame_id,
                                                                "ClearFaults": int(clear)}), msg.frame_id)
        try:
            return msg.decode(data, decode_choices=False)
        except Exception as exc:  # cantools raises on a short or malformed frame
            raise InstrumentReplyError(self.name, f"cannot decode {message} {data.hex()}: {exc}") from None

    def _control(self) -> None:
        self._send("BE_Control", Enable=self._enable, Mode=MODE_CODES[self._mode],
                   Setpoint=self._setpoint, SlewRate=self._slew)

    # -- role ------------------------------------------------------------------------------------------------
    def set_mode(self, mode: str, value: float) -> None:
        if mode not in (*LOAD_MODES, "BATT"):
            raise InstrumentError(self.name, f"mode {mode!r}: expected one of {', '.join((*LOAD_MODES, 'BATT'))}")
        try:
            value = LIMITS[mode](value)
        except ValueError as exc:
            raise self.value_error(f"{mode} setpoint", exc) from None
        self._mode, self._setpoint = mode, value
        self._control()

    def set_input(self, on: bool) -> None:
        self._enable = int(bool(on))
        self._control()

    def set_slew_rate(self, a_per_ms: float) -> None:
        try:
            self._slew = strict_range(0.01, 655)(a_per_ms)
        except ValueError as exc:
            raise self.value_error("slew rate", exc) from None
        self._control()

    def set_protection(self, ovp_v: float | None = None, ocp_a: float | None = None,
                       opp_w: float | None = None) -> None:
        checks = {"OvpVoltage": (ovp_v, strict_range(0, 1100)), "OcpCurrent": (ocp_a, strict_range(0, 600)),
                  "OppPower": (opp_w, strict_range(0, 400_000))}
        for signal, (value, check) in checks.items():
            if value is not None:
                try:
                    self._limits[signal] = check(value)
                except ValueError as exc:
                    raise self.value_error(signal, exc) from None
        self._send("BE_Limits", **self._limits)

    def set_battery(self, ocv_v: float, resistance_ohm: float) -> None:
        """Battery emulation: open-circuit voltage and internal resistance (mode BATT)."""
        try:
            ocv, r = strict_range(0, 1000)(ocv_v), strict_range(0.0001, 6.5)(resistance_ohm)
        except ValueError as exc:
            raise self.value_error("battery", exc) from None
        self._send("BE_Battery", OpenCircuitVoltage=ocv, InternalResistance=r)

    # -- instrument ------------------------------------------------------------------------------------------
    def identify(self) -> Identity:
        ident = self._ask("BE_Ident")
        model = MODELS.get(int(ident["ModelCode"]))
        if model is None:
            raise InstrumentReplyError(self.name, f"model code 0x{int(ident['ModelCode']):04X} is not a BEV")
        return Identity("CHARGEBENCH", model, f"BEV{int(ident['Serial']):06d}",
                        f"{int(ident['FwMajor'])}.{int(ident['FwMinor'])}")

    def check_errors(self) -> list[str]:
        faults = self._ask("BE_Faults", clear=True)
        code = int(faults["FaultCode"])
        return [] if code == 0 else [f"{code},\"{FAULTS.get(code, 'unknown fault')}\""]

    def safe_state(self) -> None:
        """Input off (no current flows); the setpoint is kept so the record shows what was commanded."""
        self._enable = 0
        self._control()

    def confirm_safe(self) -> None:
        """CAN frames are not acknowledged: read BE_Status back and check the output is really off."""
        state = int(self._ask("BE_Status")["State"])
        if state == 1:
            raise InstrumentError(self.name, "BE_Status still reports the output on after the safe state")

    def sample(self, items: list[tuple[str, int | str | None]]) -> list[float]:
        status = self._ask("BE_Status")
        out = []
        for q, _ in items:
            if q not in self.QUANTITIES:
                raise InstrumentError(self.name, f"has no quantity {q!r}")
            out.append(self.check(q, float(status[q.capitalize()])))
        return out

    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        return self.sample([(quantity, element)])[0]

    def update_interval_s(self) -> float:
        return 0.01
