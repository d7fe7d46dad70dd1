"""ISO 15118-20:2022 DC and DC_BPT (scheduled control mode, EIM) as the EV sends them.

Differences from -2 that matter here: no V2G_Message envelope (each message is its own root with a Header
carrying SessionID and TimeStamp), two schemas on the wire (CommonMessages 0x8002, DC 0x8004), the
AuthorizationSetup / ServiceDetail / ServiceSelection / ScheduleExchange steps, RationalNumber values.

DC_BPT: the EV discharges by asking for a negative EVTargetCurrent (positive values mean power from the EVSE
to the EV: [V2G20-1034/1035] as cited by EVerest), and says which way it starts in PowerDeliveryReq
(BPT_ChannelSelection, with a negative EVPowerProfile entry for discharge, as Josev's EVCC does). The
charge loop has no EVErrorCode: the EV's emergency stop is opening S2 (pilot C -> B, IEC 61851-23 CC.3.5).
"""

from __future__ import annotations

import time
from typing import Any

from . import exi, v2gtp
from .battery import Battery
from .dialect_din import Body, DinDialect
from .values import num, pv

SERVICE_DC = 2  # ISO 15118-20 Table 204 (service IDs): 2 DC, 6 DC_BPT; 3 WPT is never offered by a DC charger
SERVICE_DC_BPT = 6
SERVICE_WPT = 3
SERVICE_AC = 1


def rn(value: float) -> dict:
    return pv(value, exp_key="Exponent")


class Iso20Dialect(DinDialect):
    name = "iso15118-20"
    namespace = exi.ISO20_COMMON
    sap = ("urn:iso:std:iso:15118:-20:DC", 1, 0)
    initial_session_id = "0000000000000000"
    # DC_ChargeLoopReq: a -20 EV gives up after 0.5 s (Josev); the tester waits longer so that a late answer is
    # measured (and judged against 0.5 s by the suite) instead of ending the session
    timeouts = {"DC_ChargeLoopReq": 2.0, "ServiceDetailReq": 5.0, "CertificateInstallationReq": 5.0}
    cpd_req = "DC_ChargeParameterDiscoveryReq"
    cable_check_req = "DC_CableCheckReq"
    pre_charge_req = "DC_PreChargeReq"
    loop_req = "DC_ChargeLoopReq"
    welding_req = "DC_WeldingDetectionReq"
    payment_req = "ServiceSelectionReq"
    auth_req = "AuthorizationReq"
    emergency_via_pilot = True  # no EVErrorCode in DC_ChargeLoopReq: the EV signals an emergency with the pilot

    def __init__(self, energy: str = "DC") -> None:
        self.energy = "AC" if energy == "AC" else "DC"
        self.bpt = energy == "DC_BPT"
        self.service = SERVICE_DC_BPT if self.bpt else SERVICE_AC if energy == "AC" else SERVICE_DC
        if energy == "AC":  # -20 AC: its own schema (0x8003) and messages; no cable check, precharge, welding
            self.sap = ("urn:iso:std:iso:15118:-20:AC", 1, 0)
            self.cpd_req, self.loop_req = "AC_ChargeParameterDiscoveryReq", "AC_ChargeLoopReq"
        self.schedule_tuple = 1

    # -- framing ---------------------------------------------------------------------------------------------
    def wrap(self, session_id: str, name: str, body: Body) -> dict:
        header: Body = {"SessionID": session_id, "TimeStamp": int(time.time())}
        if "_Signature" in body:  # Plug & Charge (pnc.py): the signature goes into the Header
            header["Signature"] = body["_Signature"]
            body = {k: v for k, v in body.items() if k != "_Signature"}
        return {name: {"Header": header, **body}}

    # -- Plug & Charge (pnc.py) ------------------------------------------------------------------------------
    pnc: Any = None

    def use_pnc(self, wallet: Any, install: bool = False) -> None:
        from .pnc import PncEv

        self.pnc = PncEv(wallet, False)

    def pnc_deviation(self, kind: str, name: str, body: Body) -> Body:
        if self.pnc is None:
            raise ValueError(f"deviation {kind} needs payment: PnC")
        return self.pnc.deviation(kind, name, body)

    def unwrap(self, message: dict) -> tuple[str, Body, str | None]:
        if len(message) != 1:
            raise ValueError("not a single -20 message")
        (name, body), = message.items()
        if not isinstance(body, dict):
            raise ValueError(f"{name} has no content")
        header = body.get("Header") or {}
        return name, {k: v for k, v in body.items() if k != "Header"}, header.get("SessionID")

    @property
    def namespaces(self) -> tuple[str, ...]:
        return (exi.ISO20_COMMON, exi.ISO20_AC if self.energy == "AC" else exi.ISO20_DC)

    @staticmethod
    def _ns(name: str) -> str:
        return exi.ISO20_DC if name.startswith("DC_") else exi.ISO20_AC if name.startswith("AC_") else \
            exi.ISO20_COMMON

    def payload_type_for(self, name: str) -> int:
        return v2gtp.ISO20_DC if name.startswith("DC_") else v2gtp.ISO20_AC if name.startswith("AC_") else \
            v2gtp.ISO20_MAIN

    def encode(self, message: dict) -> bytes:
        return exi.encode(message, self._ns(next(iter(message))))

    def decode(self, data: bytes, payload_type: int | None = None) -> dict:
        ns = {v2gtp.ISO20_DC: exi.ISO20_DC, v2gtp.ISO20_AC: exi.ISO20_AC}.get(payload_type, exi.ISO20_COMMON)
        return exi.decode(data, ns)

    # -- sequence ----------------------------------------------------------------------------------------------
    def negotiate(self, evcc: Any) -> Body:
        ongoing = evcc.timers.ongoing_s
        if self.pnc is not None:
            self.pnc.negotiate20(evcc)
        else:
            evcc._send("AuthorizationSetupReq", {})
            evcc._until_finished("AuthorizationReq", self.authorization, ongoing)
        evcc.record.enter("authorized", evcc.t())
        disc = evcc._send("ServiceDiscoveryReq", {})
        offered = [s.get("ServiceID") for s in (disc.get("EnergyTransferServiceList") or {}).get("Service", [])]
        if self.service not in offered:
            from .evcc import SessionEnd

            raise SessionEnd(f"charger_fault: service {self.service} not offered (offered {offered})")
        detail = evcc._send("ServiceDetailReq", {"ServiceID": self.service})
        sets = (detail.get("ServiceParameterList") or {}).get("ParameterSet") or [{"ParameterSetID": 1}]
        evcc._send("ServiceSelectionReq", {"SelectedEnergyTransferService": {
            "ServiceID": self.service, "ParameterSetID": sets[0].get("ParameterSetID", 1)}})
        cpd = evcc._send(self.cpd_req, self.charge_parameters(evcc.battery))
        sched = evcc._until_finished("ScheduleExchangeReq", lambda: {"MaximumSupportingPoints": 24,
                                                                      "Scheduled_SEReqControlMode": {}}, ongoing)
        tuples = (sched.get("Scheduled_SEResControlMode") or {}).get("ScheduleTuple") or [{}]
        self.schedule_tuple = tuples[0].get("ScheduleTupleID", 1)
        return cpd

    def start_power(self, evcc: Any, cpd: Body) -> None:
        evcc._send(self.power_delivery_req, self.power_delivery(evcc.battery, True, None))

    def invalid(self, name: str, body: Body, bat: Battery) -> Body:
        if name == "ServiceSelectionReq":
            return {"SelectedEnergyTransferService": {"ServiceID": SERVICE_WPT, "ParameterSetID": 1}}
        raise ValueError(f"no invalid-parameter variant for {name}")

    # -- requests --------------------------------------------------------------------------------------------
    def authorization(self) -> Body:
        return {"SelectedAuthorizationService": "EIM", "EIM_AReqAuthorizationMode": {}}

    def charge_parameters(self, bat: Battery, transfer: str = "DC") -> Body:
        if self.energy == "AC":
            return {"AC_CPDReqEnergyTransferMode": {"EVMaximumChargePower": rn(bat.max_power_w),
                                                    "EVMinimumChargePower": rn(0)}}
        mode = {"EVMaximumChargePower": rn(bat.max_power_w), "EVMinimumChargePower": rn(0),
                "EVMaximumChargeCurrent": rn(bat.max_current_a), "EVMinimumChargeCurrent": rn(0),
                "EVMaximumVoltage": rn(bat.max_voltage_v), "EVMinimumVoltage": rn(bat.v_empty)}
        if self.bpt:
            mode |= {"EVMaximumDischargePower": rn(bat.max_discharge_power_w), "EVMinimumDischargePower": rn(0),
                     "EVMaximumDischargeCurrent": rn(bat.max_discharge_current_a),
                     "EVMinimumDischargeCurrent": rn(0)}
            return {"BPT_DC_CPDReqEnergyTransferMode": mode}
        return {"DC_CPDReqEnergyTransferMode": mode}

    def cable_check(self, bat: Battery) -> Body:
        return {}

    def pre_charge(self, bat: Battery, current_a: float) -> Body:
        return {"EVProcessing": "Ongoing", "EVPresentVoltage": rn(bat.ocv()), "EVTargetVoltage": rn(bat.ocv())}

    def power_delivery(self, bat: Battery, start: bool, schedule_id: int | None) -> Body:
        body: Body = {"EVProcessing": "Finished", "ChargeProgress": "Start" if start else "Stop"}
        if start:  # 8.3.4.3.8.2: the power profile is required with Finished + Start
            power = -bat.max_discharge_power_w if self.bpt and bat.discharging() else bat.max_power_w
            body["EVPowerProfile"] = {
                "TimeAnchor": 0,
                "EVPowerProfileEntries": {"EVPowerProfileEntry": [{"Duration": 3600, "Power": rn(power)}]},
                "Scheduled_EVPPTControlMode": {"SelectedScheduleTupleID": self.schedule_tuple,
                                               "PowerToleranceAcceptance": "PowerToleranceConfirmed"}}
            if self.bpt:
                body["BPT_ChannelSelection"] = "Discharge" if bat.discharging() else "Charge"
        return body

    def current_demand(self, bat: Battery, current_a: float, ready: bool = True, error: str = "NO_ERROR") -> Body:
        mode = {"EVTargetCurrent": rn(current_a), "EVTargetVoltage": rn(bat.target_voltage())}
        key = "BPT_Scheduled_DC_CLReqControlMode" if self.bpt else "Scheduled_DC_CLReqControlMode"
        if self.bpt:
            mode |= {"EVMaximumDischargePower": rn(bat.max_discharge_power_w), "EVMinimumDischargePower": rn(0),
                     "EVMaximumDischargeCurrent": rn(bat.max_discharge_current_a)}
        return {"MeterInfoRequested": False, "EVPresentVoltage": rn(bat.ocv()), key: mode}

    def welding(self, bat: Battery) -> Body:
        return {"EVProcessing": "Ongoing"}

    def ac_loop(self, bat: Battery) -> Body:
        return {"MeterInfoRequested": False, "Scheduled_AC_CLReqControlMode": {"EVPresentActivePower": rn(0)}}

    def session_stop(self) -> Body:
        return {"ChargingSession": "Terminate"}

    # -- answers ---------------------------------------------------------------------------------------------
    def evse_limits(self, body: Body) -> dict[str, float | None]:
        p = body.get("BPT_DC_CPDResEnergyTransferMode") or body.get("DC_CPDResEnergyTransferMode") or {}
        return {"max_current_a": num(p.get("EVSEMaximumChargeCurrent")),
                "max_voltage_v": num(p.get("EVSEMaximumVoltage")),
                "max_power_w": num(p.get("EVSEMaximumChargePower")),
                "min_current_a": num(p.get("EVSEMinimumChargeCurrent")),
                "current_tolerance_a": num(p.get("EVSECurrentRegulationTolerance")),
                "peak_ripple_a": num(p.get("EVSEPeakCurrentRipple")),
                "max_discharge_current_a": num(p.get("EVSEMaximumDischargeCurrent")),
                "max_discharge_power_w": num(p.get("EVSEMaximumDischargePower")),
                "min_discharge_current_a": num(p.get("EVSEMinimumDischargeCurrent"))}

    def evse_status(self, body: Body) -> Body:
        return body.get("EVSEStatus") or {}

    def stop_requested(self, body: Body) -> bool:
        return self.evse_status(body).get("EVSENotification") == "Terminate"
