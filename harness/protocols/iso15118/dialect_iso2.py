"""ISO 15118-2:2014 DC (and the parts of AC the EV needs) as the EV sends them: DIN's DC sequence with
-2's names and fields (PaymentServiceSelection, Authorization, ChargeProgress, SAScheduleTupleID), and
Plug & Charge (pnc.py) in place of EIM when asked.
"""

from __future__ import annotations

from typing import Any

from . import exi
from .battery import Battery
from .dialect_din import Body, DinDialect
from .pnc import PncEv, Wallet
from .values import num, pv


class Iso2Dialect(DinDialect):
    name = "iso15118-2"
    namespace = exi.ISO2
    sap = ("urn:iso:15118:2:2013:MsgDef", 2, 0)
    # V2G_EVCC_Msg_Timeout (ISO 15118-2 Table 109 via reference/iso15118.md 4.3)
    timeouts = {"CurrentDemandReq": 0.25, "PowerDeliveryReq": 5.0, "ServiceDetailReq": 5.0,
                "PaymentDetailsReq": 5.0, "CertificateInstallationReq": 5.0}
    payment_req = "PaymentServiceSelectionReq"
    auth_req = "AuthorizationReq"
    wrong_transfer_type = "AC_single_phase_core"  # -> FAILED_WrongEnergyTransferMode on a DC charger
    wrong_payment = "Contract"  # without TLS a charger must not accept Plug & Charge

    def __init__(self, energy: str = "DC") -> None:
        self.energy = energy
        self.pnc: PncEv | None = None  # Plug & Charge (use_pnc); None: EIM
        self.last_signature: dict | None = None  # the Header's Signature of the last answer

    # -- Plug & Charge (pnc.py) ------------------------------------------------------------------------------
    def use_pnc(self, wallet: Wallet, install: bool = False) -> None:
        self.pnc = PncEv(wallet, install)

    def negotiate(self, evcc: Any) -> Body:
        if self.pnc is None:
            return super().negotiate(evcc)
        self.pnc.negotiate(self, evcc)
        evcc.record.enter("authorized", evcc.t())
        return evcc._until_finished(self.cpd_req, lambda: self.charge_parameters(evcc.battery),
                                    evcc.timers.ongoing_s)

    def pnc_deviation(self, kind: str, name: str, body: Body) -> Body:
        if self.pnc is None:
            raise ValueError(f"deviation {kind} needs payment: PnC")
        return self.pnc.deviation(kind, name, body)

    def wrap(self, session_id: str, name: str, body: Body) -> dict:
        """A ``_Signature`` key of the body goes into the Header (the signed requests of PnC)."""
        if "_Signature" not in body:
            return super().wrap(session_id, name, body)
        body = dict(body)
        signature = body.pop("_Signature")
        message = super().wrap(session_id, name, body)
        message["V2G_Message"]["Header"]["Signature"] = signature
        return message

    def unwrap(self, message: dict) -> tuple[str, Body, str | None]:
        out = super().unwrap(message)
        self.last_signature = (message["V2G_Message"].get("Header") or {}).get("Signature")
        return out

    def payment_selection(self, discovery: Body) -> Body:
        service = (discovery.get("ChargeService") or {}).get("ServiceID", 1)
        return {"SelectedPaymentOption": "ExternalPayment",
                "SelectedServiceList": {"SelectedService": [{"ServiceID": service}]}}

    def charge_parameters(self, bat: Battery, transfer: str = "DC_extended") -> Body:
        if self.energy == "AC" and transfer == "DC_extended":
            return {"RequestedEnergyTransferMode": "AC_single_phase_core",
                    "AC_EVChargeParameter": {"EAmount": pv(20_000, "Wh"), "EVMaxVoltage": pv(400, "V"),
                                             "EVMaxCurrent": pv(bat.max_current_a, "A"),
                                             "EVMinCurrent": pv(6, "A")}}
        return {"RequestedEnergyTransferMode": transfer,
                "DC_EVChargeParameter": {
                    "DC_EVStatus": self.ev_status(bat, ready=False),
                    "EVMaximumCurrentLimit": pv(bat.max_current_a, "A"),
                    "EVMaximumPowerLimit": pv(bat.max_power_w, "W"),
                    "EVMaximumVoltageLimit": pv(bat.max_voltage_v, "V"),
                    "FullSOC": 100, "BulkSOC": 80}}

    def power_delivery(self, bat: Battery, start: bool, schedule_id: int | None) -> Body:
        body: Body = {"ChargeProgress": "Start" if start else "Stop", "SAScheduleTupleID": schedule_id or 1}
        if self.energy != "AC":
            body["DC_EVPowerDeliveryParameter"] = {"DC_EVStatus": self.ev_status(bat),
                                                   "ChargingComplete": not start}
        return body

    ac_loop_req = "ChargingStatusReq"

    def ac_loop(self, bat: Battery) -> Body:
        return {}

    def session_stop(self) -> Body:
        return {"ChargingSession": "Terminate"}

    @staticmethod
    def schedule_id(body: Body) -> int | None:
        tuples = (body.get("SAScheduleList") or {}).get("SAScheduleTuple") or []
        return tuples[0].get("SAScheduleTupleID") if tuples else None

    def evse_limits(self, body: Body) -> dict[str, float | None]:
        if "AC_EVSEChargeParameter" in body:
            p = body["AC_EVSEChargeParameter"]
            return {"max_current_a": num(p.get("EVSEMaxCurrent")), "max_voltage_v": num(p.get("EVSENominalVoltage")),
                    "max_power_w": None, "min_current_a": None, "current_tolerance_a": None, "peak_ripple_a": None}
        return super().evse_limits(body)

    def evse_status(self, body: Body) -> Body:
        return body.get("DC_EVSEStatus") or body.get("AC_EVSEStatus") or {}

    def stop_requested(self, body: Body) -> bool:
        status = self.evse_status(body)
        return status.get("EVSENotification") == "StopCharging" or status.get("EVSEStatusCode") in (
            "EVSE_Shutdown", "EVSE_EmergencyShutdown", "EVSE_Malfunction")
