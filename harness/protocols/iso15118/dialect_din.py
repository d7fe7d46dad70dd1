"""DIN SPEC 70121:2014 DC messages as the EV sends them, and what the EV reads from the answers.

The session logic (evcc.py) is written once against this small interface; ISO 15118-2 subclasses it
with its own names and fields.
"""

from __future__ import annotations

from typing import Any

from . import exi, v2gtp
from .battery import Battery
from .values import num, pv

Body = dict[str, Any]


class DinDialect:
    name = "din70121"
    namespace = exi.DIN
    sap = ("urn:din:70121:2012:MsgDef", 2, 0)
    payload_type = v2gtp.EXI
    initial_session_id = "00"
    # EV message name -> V2G_EVCC_Msg_Timeout in seconds (DIN SPEC 70121 Table 75 via reference/iso15118.md 4.3)
    timeouts = {"CurrentDemandReq": 0.25}
    default_timeout = 2.0
    payment_req = "ServicePaymentSelectionReq"
    auth_req = "ContractAuthenticationReq"
    wrong_transfer_type = "AC_single_phase_core"  # refused by a DC charger: FAILED_WrongEnergyTransferType
    wrong_payment = "Contract"  # DIN allows ExternalPayment only
    cpd_req = "ChargeParameterDiscoveryReq"
    cable_check_req = "CableCheckReq"
    pre_charge_req = "PreChargeReq"
    power_delivery_req = "PowerDeliveryReq"
    loop_req = "CurrentDemandReq"
    welding_req = "WeldingDetectionReq"
    lenient_names = False

    def preload(self) -> None:
        """Load the codec tables now: their lazy load would otherwise land inside the first exchange."""
        from .exi.schema import load_schema

        for ns in (exi.APP_PROTOCOL, *self.namespaces):
            load_schema(ns)

    @property
    def namespaces(self) -> tuple[str, ...]:
        return (self.namespace,)

    def payload_type_for(self, name: str) -> int:
        return self.payload_type

    # -- the protocol-specific middle of the sequence ------------------------------------------------------
    def negotiate(self, evcc: Any) -> Body:
        """Service discovery, payment, authorization and charge parameters; returns the parameter answer."""
        disc = evcc._send("ServiceDiscoveryReq", self.service_discovery())
        evcc._send(self.payment_req, self.payment_selection(disc))
        evcc._until_finished(self.auth_req, self.authorization, evcc.timers.ongoing_s)
        evcc.record.enter("authorized", evcc.t())
        return evcc._until_finished(self.cpd_req, lambda: self.charge_parameters(evcc.battery),
                                    evcc.timers.ongoing_s)

    def start_power(self, evcc: Any, cpd: Body) -> None:
        evcc._send(self.power_delivery_req, self.power_delivery(evcc.battery, True, self.schedule_id(cpd)))

    def invalid(self, name: str, body: Body, bat: Battery) -> Body:
        """A schema-valid request with a parameter the charger must refuse."""
        if name == self.cpd_req:
            return self.charge_parameters(bat, transfer=self.wrong_transfer_type)
        if name == self.payment_req:
            return {**body, "SelectedPaymentOption": self.wrong_payment}
        raise ValueError(f"no invalid-parameter variant for {name}")

    # -- framing ---------------------------------------------------------------------------------------------
    def wrap(self, session_id: str, name: str, body: Body) -> dict:
        return {"V2G_Message": {"Header": {"SessionID": session_id}, "Body": {name: body}}}

    def unwrap(self, message: dict) -> tuple[str, Body, str | None]:
        """(body name, body, session id) of a decoded response; ValueError when the shape is wrong."""
        root = message.get("V2G_Message")
        if not isinstance(root, dict) or not isinstance(root.get("Body"), dict) or len(root["Body"]) != 1:
            raise ValueError("not a V2G_Message with exactly one body element")
        (name, body), = root["Body"].items()
        header = root.get("Header") or {}
        return name, body if isinstance(body, dict) else {}, header.get("SessionID")

    def encode(self, message: dict) -> bytes:
        return exi.encode(message, self.namespace)

    def decode(self, data: bytes, payload_type: int | None = None) -> dict:
        return exi.decode(data, self.namespace)

    # -- requests --------------------------------------------------------------------------------------------
    def ev_status(self, bat: Battery, ready: bool = True, error: str = "NO_ERROR") -> Body:
        return {"EVReady": ready, "EVErrorCode": error, "EVRESSSOC": int(round(bat.soc_pct))}

    def session_setup(self, evccid: str) -> Body:
        return {"EVCCID": evccid}

    def service_discovery(self) -> Body:
        return {}

    def payment_selection(self, discovery: Body) -> Body:
        service = (discovery.get("ChargeService") or {}).get("ServiceTag", {}).get("ServiceID", 1)
        return {"SelectedPaymentOption": "ExternalPayment",
                "SelectedServiceList": {"SelectedService": [{"ServiceID": service}]}}

    def authorization(self) -> Body:
        return {}

    def charge_parameters(self, bat: Battery, transfer: str = "DC_extended") -> Body:
        return {"EVRequestedEnergyTransferType": transfer,
                "DC_EVChargeParameter": {
                    "DC_EVStatus": self.ev_status(bat, ready=False),
                    "EVMaximumCurrentLimit": pv(bat.max_current_a, "A"),
                    "EVMaximumPowerLimit": pv(bat.max_power_w, "W"),
                    "EVMaximumVoltageLimit": pv(bat.max_voltage_v, "V"),
                    "FullSOC": 100, "BulkSOC": 80}}

    def cable_check(self, bat: Battery) -> Body:
        return {"DC_EVStatus": self.ev_status(bat)}

    def pre_charge(self, bat: Battery, current_a: float) -> Body:
        return {"DC_EVStatus": self.ev_status(bat), "EVTargetVoltage": pv(bat.ocv(), "V"),
                "EVTargetCurrent": pv(current_a, "A")}

    def power_delivery(self, bat: Battery, start: bool, schedule_id: int | None) -> Body:
        return {"ReadyToChargeState": start,
                "DC_EVPowerDeliveryParameter": {"DC_EVStatus": self.ev_status(bat),
                                                "ChargingComplete": not start}}

    def current_demand(self, bat: Battery, current_a: float, ready: bool = True,
                       error: str = "NO_ERROR") -> Body:
        return {"DC_EVStatus": self.ev_status(bat, ready, error), "EVTargetCurrent": pv(current_a, "A"),
                "EVMaximumVoltageLimit": pv(bat.max_voltage_v, "V"), "ChargingComplete": bat.complete(),
                "EVTargetVoltage": pv(bat.target_voltage(), "V")}

    def welding(self, bat: Battery) -> Body:
        return {"DC_EVStatus": self.ev_status(bat, ready=False)}

    def session_stop(self) -> Body:
        return {}

    # -- reading answers -------------------------------------------------------------------------------------
    @staticmethod
    def finished(body: Body) -> bool:
        return body.get("EVSEProcessing", "Finished") == "Finished"

    @staticmethod
    def present_voltage(body: Body) -> float | None:
        return num(body.get("EVSEPresentVoltage"))

    @staticmethod
    def present_current(body: Body) -> float | None:
        return num(body.get("EVSEPresentCurrent"))

    @staticmethod
    def evse_status(body: Body) -> Body:
        return body.get("DC_EVSEStatus") or {}

    def evse_limits(self, body: Body) -> dict[str, float | None]:
        p = body.get("DC_EVSEChargeParameter") or {}
        return {"max_current_a": num(p.get("EVSEMaximumCurrentLimit")),
                "max_voltage_v": num(p.get("EVSEMaximumVoltageLimit")),
                "max_power_w": num(p.get("EVSEMaximumPowerLimit")),
                "min_current_a": num(p.get("EVSEMinimumCurrentLimit")),
                "current_tolerance_a": num(p.get("EVSECurrentRegulationTolerance")),
                "peak_ripple_a": num(p.get("EVSEPeakCurrentRipple"))}

    @staticmethod
    def schedule_id(body: Body) -> int | None:
        return None

    def stop_requested(self, body: Body) -> bool:
        status = self.evse_status(body)
        return status.get("EVSENotification") == "StopCharging" or status.get("EVSEStatusCode") in (
            "EVSE_Shutdown", "EVSE_EmergencyShutdown", "EVSE_Malfunction")
