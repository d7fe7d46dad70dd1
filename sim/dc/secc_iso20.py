"""ISO 15118-20:2022 DC and DC_BPT (scheduled control mode, EIM) on the simulated charger.

Each -20 message is its own root with a Header (SessionID, TimeStamp); CommonMessages travel as V2GTP
0x8002 and DC messages as 0x8004. The power-stage behaviour is DIN's (secc_din.DinSecc).

DC_BPT: the EV discharges by asking for a negative EVTargetCurrent; positive values mean power from the
EVSE to the EV and negative the reverse ([V2G20-1034/1035] as cited by EVerest; not read in the text here),
so EVSEPresentCurrent is negative while discharging. Discharge limits are declared as magnitudes, as Josev
and EVerest send them.
"""

from __future__ import annotations

import time

from harness.protocols.iso15118 import exi

from .secc_din import DinSecc, num
from .secc_pnc20 import Pnc20Secc

MAIN, DC = 0x8002, 0x8004
SERVICES = (2, 6)  # DC, DC_BPT (ISO 15118-20 Table 204)


def rn(value: float) -> dict:
    for exp in (-1, 0, 1, 2, 3):
        scaled = round(value / 10.0**exp)
        if -32768 <= scaled <= 32767:
            return {"Exponent": exp, "Value": int(scaled)}
    raise ValueError(value)


class Iso20Secc(Pnc20Secc, DinSecc):
    namespace = "urn:iso:std:iso:15118:-20:DC"
    first = {"SessionSetupReq"}
    evse_id = "DE*EXA*E0001"

    def __init__(self, session) -> None:
        super().__init__(session)
        self.bpt = False
        self.channel = "Charge"  # DC_BPT: PowerDeliveryReq's BPT_ChannelSelection

    # -- envelope --------------------------------------------------------------------------------------------
    def decode(self, payload_type: int, payload: bytes) -> dict:
        return exi.decode(payload, exi.ISO20_DC if payload_type == DC else exi.ISO20_COMMON)

    def encode(self, message: dict) -> tuple[int, bytes]:
        dc = next(iter(message)).startswith("DC_")
        return (DC if dc else MAIN), exi.encode(message, exi.ISO20_DC if dc else exi.ISO20_COMMON)

    def unwrap(self, msg: dict) -> tuple[str, dict, str | None]:
        (name, body), = msg.items()
        self.header = body.get("Header") or {}  # its Signature: Plug & Charge (secc_pnc20)
        return name, {k: v for k, v in body.items() if k != "Header"}, body.get("Header", {}).get("SessionID")

    def wrap(self, name: str, body: dict) -> dict:
        return {name: {"Header": {"SessionID": self.s.session_id, "TimeStamp": int(time.time())}, **body}}

    # -- values ----------------------------------------------------------------------------------------------
    def v(self) -> dict:
        return rn(num(self.present_v()))

    def i(self) -> dict:
        value = num(self.present_i())
        if "dc_bpt_discharge_report_wrong_sign" in self.s.defects:
            value = abs(value)
        return rn(value)

    def cpd_mode(self) -> dict:
        r = self.s.stage.ratings
        mode = {"EVSEMaximumChargePower": rn(r.max_power_w), "EVSEMinimumChargePower": rn(0),
                "EVSEMaximumChargeCurrent": rn(r.max_current_a), "EVSEMinimumChargeCurrent": rn(r.min_current_a),
                "EVSEMaximumVoltage": rn(r.max_voltage_v), "EVSEMinimumVoltage": rn(r.min_voltage_v)}
        if self.bpt:
            mode |= {"EVSEMaximumDischargePower": rn(r.max_discharge_power_w), "EVSEMinimumDischargePower": rn(0),
                     "EVSEMaximumDischargeCurrent": rn(r.max_discharge_current_a),
                     "EVSEMinimumDischargeCurrent": rn(r.min_discharge_current_a)}
            return {"BPT_DC_CPDResEnergyTransferMode": mode}
        return {"DC_CPDResEnergyTransferMode": mode}

    def loop_res(self) -> dict:
        key = "BPT_Scheduled_DC_CLResControlMode" if self.bpt else "Scheduled_DC_CLResControlMode"
        st, r = self.s.stage, self.s.stage.ratings
        if st.i_target < 0:  # discharging: the discharge limits bind
            power, current = r.max_discharge_power_w, r.max_discharge_current_a
        else:
            power, current = r.max_power_w, r.max_current_a
        return {"EVSEPresentCurrent": self.i(), "EVSEPresentVoltage": self.v(),
                "EVSEPowerLimitAchieved": st.v_out * abs(st.i_target) >= power,
                "EVSECurrentLimitAchieved": abs(st.i_target) >= current,
                "EVSEVoltageLimitAchieved": st.v_target >= r.max_voltage_v, key: {}}

    def failed(self, name: str, code: str) -> dict:
        res = name[:-3] + "Res"
        extra = {  # built lazily: an AC charger has no DC stage to read voltages from
            "SessionSetupRes": lambda: {"EVSEID": self.evse_id},
            "AuthorizationSetupRes": lambda: {"AuthorizationServices": ["EIM"],
                                              "CertificateInstallationService": False,
                                              "EIM_ASResAuthorizationMode": {}},
            "AuthorizationRes": lambda: {"EVSEProcessing": "Finished"},
            "ServiceDiscoveryRes": self.discovery,
            "ServiceDetailRes": lambda: self.detail(2),
            "DC_ChargeParameterDiscoveryRes": self.cpd_mode,
            "ScheduleExchangeRes": lambda: {"EVSEProcessing": "Finished", **self.schedule()},
            "DC_CableCheckRes": lambda: {"EVSEProcessing": "Finished"},
            "DC_PreChargeRes": lambda: {"EVSEPresentVoltage": self.v()},
            "DC_ChargeLoopRes": self.loop_res,
            "DC_WeldingDetectionRes": lambda: {"EVSEPresentVoltage": self.v()},
        }
        return {res: {"ResponseCode": code, **(extra[res]() if res in extra else {})}}

    def services(self) -> tuple[int, ...]:
        return (2,) if "dc_bpt_not_offered" in self.s.defects else SERVICES

    def discovery(self) -> dict:
        return {"ServiceRenegotiationSupported": False, "EnergyTransferServiceList": {
            "Service": [{"ServiceID": sid, "FreeService": False} for sid in self.services()]}}

    def detail(self, sid: int) -> dict:
        params = [{"Name": "Connector", "intValue": 2}, {"Name": "ControlMode", "intValue": 1},
                  {"Name": "MobilityNeedsMode", "intValue": 1}, {"Name": "Pricing", "intValue": 0}]
        if sid == 6:
            params += [{"Name": "BPTChannel", "intValue": 1}, {"Name": "GeneratorMode", "intValue": 1}]
        return {"ServiceID": sid, "ServiceParameterList": {"ParameterSet": [{"ParameterSetID": 1,
                                                                             "Parameter": params}]}}

    def schedule(self) -> dict:
        return {"Scheduled_SEResControlMode": {"ScheduleTuple": [{"ScheduleTupleID": 1, "ChargingSchedule": {
            "PowerSchedule": {"TimeAnchor": 0, "PowerScheduleEntries": {"PowerScheduleEntry": [
                {"Duration": 86400, "Power": rn(self.s.stage.ratings.max_power_w)}]}},
            # optional in the schema, but Josev's EVCC refuses a ChargingSchedule without a price schedule
            "PriceLevelSchedule": {"TimeAnchor": 0, "PriceScheduleID": 1, "NumberOfPriceLevels": 1,
                                   "PriceLevelScheduleEntries": {"PriceLevelScheduleEntry": [
                                       {"Duration": 86400, "PriceLevel": 0}]}}}}]}}

    # -- answers ---------------------------------------------------------------------------------------------
    def handle(self, name: str, body: dict) -> tuple[dict, set[str]]:
        t = self.s.now()
        st = self.s.stage
        ok = {"ResponseCode": "OK"}
        pnc = self.pnc20_handle(name, body)
        if pnc is not None:
            return pnc
        if name == "SessionSetupReq":
            return {"ResponseCode": "OK_NewSessionEstablished", "EVSEID": self.evse_id}, {"AuthorizationSetupReq"}
        if name == "AuthorizationSetupReq":
            return self.failed(name, "OK")["AuthorizationSetupRes"], {"AuthorizationReq"}
        if name == "AuthorizationReq":
            return {**ok, "EVSEProcessing": "Finished"}, {"AuthorizationReq", "ServiceDiscoveryReq"}
        if name == "ServiceDiscoveryReq":
            return {**ok, **self.discovery()}, {"ServiceDetailReq", "ServiceSelectionReq"}
        if name == "ServiceDetailReq":
            return {**ok, **self.detail(body.get("ServiceID", 2))}, {"ServiceDetailReq", "ServiceSelectionReq"}
        if name == "ServiceSelectionReq":
            sid = (body.get("SelectedEnergyTransferService") or {}).get("ServiceID")
            if sid not in self.services() and not self.s.lax:
                return {"ResponseCode": "FAILED_ServiceSelectionInvalid"}, set()
            self.bpt = sid == 6
            return ok, {"DC_ChargeParameterDiscoveryReq"}
        if name == "DC_ChargeParameterDiscoveryReq":
            mode = body.get("BPT_DC_CPDReqEnergyTransferMode") or body.get("DC_CPDReqEnergyTransferMode") or {}
            self.ev_max_v = num(mode.get("EVMaximumVoltage"), 500.0)
            return {**ok, **self.cpd_mode()}, {"ScheduleExchangeReq"}
        if name == "ScheduleExchangeReq":
            return {**ok, "EVSEProcessing": "Finished", **self.schedule()}, {"ScheduleExchangeReq",
                                                                             "DC_CableCheckReq"}
        if name == "DC_CableCheckReq":
            done = False
            if self.s.cp_state() in ("C", "D"):
                st.start_cable_check(t, self.ev_max_v)
                done = st.cable_check_done(t)
            return {**ok, "EVSEProcessing": "Finished" if done else "Ongoing"}, \
                {"DC_CableCheckReq"} | ({"DC_PreChargeReq"} if done else set())
        if name == "DC_PreChargeReq":
            self.s.precharge_v = num(body.get("EVTargetVoltage"))
            st.precharge(t, self.s.precharge_v, 2.0)
            return {**ok, "EVSEPresentVoltage": self.v()}, {"DC_PreChargeReq", "PowerDeliveryReq"}
        if name == "PowerDeliveryReq":
            if body.get("ChargeProgress") == "Start":
                self.channel = body.get("BPT_ChannelSelection") or "Charge"
                self.s.dc.ev_contactor(t, True, self.s.precharge_v or st.v_out)
                return ok, {"DC_ChargeLoopReq", "PowerDeliveryReq"}
            st.stop(t)
            self.s.dc.release_pending = True
            return ok, {"DC_WeldingDetectionReq", "SessionStopReq"}
        if name == "DC_ChargeLoopReq":
            mode = body.get("BPT_Scheduled_DC_CLReqControlMode") or body.get("Scheduled_DC_CLReqControlMode") or {}
            target = num(mode.get("EVTargetCurrent"))
            if "dc_bpt_direction_latched" in self.s.defects and (target < 0) != (self.channel == "Discharge"):
                target = 0.0  # keeps to the direction chosen at PowerDelivery(Start)
            if self.s.cp_state() in ("C", "D"):  # with S2 open (state B) no energy flows, whatever the EV asks
                st.demand(t, num(mode.get("EVTargetVoltage")), target, self.bpt)
            return {**ok, **self.loop_res()}, {"DC_ChargeLoopReq", "PowerDeliveryReq"}
        if name == "DC_WeldingDetectionReq":
            return {**ok, "EVSEPresentVoltage": self.v()}, {"DC_WeldingDetectionReq", "SessionStopReq"}
        if name == "SessionStopReq":
            st.off(t)
            self.s.dc.ev_contactor(t, False)
            return {"ResponseCode": "FAILED" if "dc_wrong_response_code" in self.s.defects else "OK"}, set()
        raise KeyError(name)
