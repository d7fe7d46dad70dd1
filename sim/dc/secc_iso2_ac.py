"""ISO 15118-2 AC (EIM) on the virtual lab's AC charger: 5 % pilot duty until authorization, then the nominal
duty ([V2G2-852/853]); the contactor closes after PowerDelivery(Start) with the EV in state C.

Lives beside the DC SECC because it shares its session machinery (sim/dc/secc.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.protocols.iso15118 import exi

from ..ac_charger import SimulatedAcCharger
from .secc_din import pv
from .secc_iso2 import Iso2Secc
from .secc_iso20 import Iso20Secc, rn

HLC_DUTY_PCT = 5.0
AC = 0x8003  # V2GTP payload type of -20 AC messages


@dataclass
class HlcAcCharger(SimulatedAcCharger):
    """The AC charger with an ISO 15118-2 controller: 5 % duty while HLC is pending, power only when granted."""

    authorized: bool = False
    power_granted: bool = False

    def duty_pct(self) -> float:
        duty = super().duty_pct()
        if 0.0 < duty < 100.0 and not self.authorized and "ac_hlc_nominal_before_auth" not in self.defects:
            return HLC_DUTY_PCT
        if 0.0 < duty < 100.0 and self.authorized and "ac_hlc_stays_5pct" in self.defects:
            return HLC_DUTY_PCT
        return duty

    def _may_energise(self) -> bool:
        return super()._may_energise() and self.power_granted and "ac_hlc_no_power" not in self.defects

    def hlc(self, t: float, authorized: bool | None = None, power: bool | None = None) -> None:
        if authorized is not None:
            self.authorized = authorized
        if power is not None:
            self.power_granted = power
        self.reevaluate(t)


class Iso2AcSecc(Iso2Secc):
    energy_types = ("AC_single_phase_core", "AC_three_phase_core")

    @property
    def charger(self) -> HlcAcCharger:
        return self.s.lab.charger

    def ac_status(self) -> dict:
        return {"NotificationMaxDelay": 0, "EVSENotification": "None", "RCD": False}

    def discovery(self) -> dict:
        return {"PaymentOptionList": {"PaymentOption": self.payment_options()},
                "ChargeService": {"ServiceID": 1, "ServiceCategory": "EVCharging", "FreeService": False,
                                  "SupportedEnergyTransferMode": {"EnergyTransferMode": list(self.energy_types)}}}

    def failed(self, name: str, code: str) -> dict:
        res = name[:-3] + "Res"
        extra = {"SessionSetupRes": {"EVSEID": self.evse_id}, "ServiceDiscoveryRes": self.discovery(),
                 "AuthorizationRes": {"EVSEProcessing": "Finished"},
                 "ChargeParameterDiscoveryRes": {"EVSEProcessing": "Finished", **self.schedule(),
                                                 "AC_EVSEChargeParameter": self.ac_parameters()},
                 "PowerDeliveryRes": {"AC_EVSEStatus": self.ac_status()},
                 "ChargingStatusRes": {"EVSEID": self.evse_id, "SAScheduleTupleID": 1,
                                       "AC_EVSEStatus": self.ac_status()}}
        return {res: {"ResponseCode": code, **extra.get(res, {}), **self.pnc_failed_extra(res)}}

    def ac_parameters(self) -> dict:
        r = self.charger.ratings
        return {"AC_EVSEStatus": self.ac_status(), "EVSENominalVoltage": pv(r.voltage_v, "V"),
                "EVSEMaxCurrent": pv(r.max_current_a, "A")}

    def schedule(self) -> dict:
        r = self.charger.ratings
        return {"SAScheduleList": {"SAScheduleTuple": [{"SAScheduleTupleID": 1, "PMaxSchedule": {
            "PMaxScheduleEntry": [{"RelativeTimeInterval": {"start": 0, "duration": 86400},
                                   "PMax": pv(r.voltage_v * r.max_current_a * r.phases, "W")}]}}]}}

    def handle(self, name: str, body: dict) -> tuple[dict, set[str]]:
        t = self.s.now()
        ok = {"ResponseCode": "OK"}
        pnc = self.pnc_handle(name, body)
        if pnc is not None:
            return pnc
        if name == "AuthorizationReq":
            self.charger.hlc(t, authorized=True)
            return {**ok, "EVSEProcessing": "Finished"}, {"AuthorizationReq", "ChargeParameterDiscoveryReq"}
        if name == "ChargeParameterDiscoveryReq":
            if body.get(self.energy_key) not in self.energy_types and not self.s.lax:
                return self.failed(name, self.wrong_energy_code)["ChargeParameterDiscoveryRes"], set()
            return {**ok, "EVSEProcessing": "Finished", **self.schedule(),
                    "AC_EVSEChargeParameter": self.ac_parameters()}, {"PowerDeliveryReq"}
        if name == "PowerDeliveryReq":
            start = body.get("ChargeProgress") == "Start"
            self.charger.hlc(t, power=start)
            nxt = {"ChargingStatusReq", "PowerDeliveryReq"} if start else {"SessionStopReq"}
            return {**ok, "AC_EVSEStatus": self.ac_status()}, nxt
        if name == "ChargingStatusReq":
            return {**ok, "EVSEID": self.evse_id, "SAScheduleTupleID": 1,
                    "EVSEMaxCurrent": pv(self.charger.offered_a, "A"),
                    "AC_EVSEStatus": self.ac_status()}, {"ChargingStatusReq", "PowerDeliveryReq"}
        if name == "SessionStopReq":
            self.charger.hlc(t, authorized=False, power=False)
            return {"ResponseCode": "FAILED" if "dc_wrong_response_code" in self.s.defects else "OK"}, set()
        return super().handle(name, body)


def attach_ac(lab) -> None:
    """Give the lab's AC charger an ISO 15118-2 controller (DUT profile: AC supply with an hlc section)."""
    old = lab.charger
    charger = HlcAcCharger(old.ratings, old.events, old.defects)
    charger.on_contactor = old.on_contactor
    lab.charger = charger


class Iso20AcSecc(Iso20Secc):
    """ISO 15118-20 AC (scheduled, EIM) on the AC charger. As for -2, the pilot goes from 5 % to the nominal duty
    after authorization so the lab's current follows the pilot (whether -20 keeps 5 % is not confirmed here)."""

    namespace = "urn:iso:std:iso:15118:-20:AC"

    @property
    def charger(self) -> HlcAcCharger:
        return self.s.lab.charger

    def decode(self, payload_type: int, payload: bytes) -> dict:
        if payload_type == AC:
            return exi.decode(payload, exi.ISO20_AC)
        return super().decode(payload_type, payload)

    def encode(self, message: dict) -> tuple[int, bytes]:
        if next(iter(message)).startswith("AC_"):
            return AC, exi.encode(message, exi.ISO20_AC)
        return super().encode(message)

    def services(self) -> tuple[int, ...]:
        return (1,)

    def detail(self, sid: int) -> dict:
        params = [{"Name": "Connector", "intValue": 1}, {"Name": "ControlMode", "intValue": 1},
                  {"Name": "EVSENominalVoltage", "intValue": int(self.charger.ratings.voltage_v)},
                  {"Name": "MobilityNeedsMode", "intValue": 1}, {"Name": "Pricing", "intValue": 0}]
        return {"ServiceID": sid, "ServiceParameterList": {"ParameterSet": [{"ParameterSetID": 1,
                                                                             "Parameter": params}]}}

    def cpd_mode(self) -> dict:
        r = self.charger.ratings
        return {"AC_CPDResEnergyTransferMode": {"EVSEMaximumChargePower": rn(r.voltage_v * r.max_current_a * r.phases),
                                                "EVSEMinimumChargePower": rn(0), "EVSENominalFrequency": rn(50)}}

    def schedule(self) -> dict:
        r = self.charger.ratings
        return {"Scheduled_SEResControlMode": {"ScheduleTuple": [{"ScheduleTupleID": 1, "ChargingSchedule": {
            "PowerSchedule": {"TimeAnchor": 0, "PowerScheduleEntries": {"PowerScheduleEntry": [
                {"Duration": 86400, "Power": rn(r.voltage_v * r.max_current_a * r.phases)}]}},
            "PriceLevelSchedule": {"TimeAnchor": 0, "PriceScheduleID": 1, "NumberOfPriceLevels": 1,
                                   "PriceLevelScheduleEntries": {"PriceLevelScheduleEntry": [
                                       {"Duration": 86400, "PriceLevel": 0}]}}}}]}}

    def failed(self, name: str, code: str) -> dict:
        res = name[:-3] + "Res"
        if res == "AC_ChargeParameterDiscoveryRes":
            return {res: {"ResponseCode": code, **self.cpd_mode()}}
        if res == "AC_ChargeLoopRes":
            return {res: {"ResponseCode": code, "Scheduled_AC_CLResControlMode": {}}}
        return super().failed(name, code)

    def handle(self, name: str, body: dict) -> tuple[dict, set[str]]:
        t = self.s.now()
        ok = {"ResponseCode": "OK"}
        pnc = self.pnc20_handle(name, body)
        if pnc is not None:
            return pnc
        if name == "AuthorizationReq":
            self.charger.hlc(t, authorized=True)
            return {**ok, "EVSEProcessing": "Finished"}, {"AuthorizationReq", "ServiceDiscoveryReq"}
        if name == "ServiceSelectionReq":
            res, _ = super().handle(name, body)
            return res, ({"AC_ChargeParameterDiscoveryReq"} if res["ResponseCode"] == "OK" else set())
        if name == "AC_ChargeParameterDiscoveryReq":
            return {**ok, **self.cpd_mode()}, {"ScheduleExchangeReq"}
        if name == "ScheduleExchangeReq":
            return {**ok, "EVSEProcessing": "Finished", **self.schedule()}, {"ScheduleExchangeReq",
                                                                             "PowerDeliveryReq"}
        if name == "PowerDeliveryReq":
            start = body.get("ChargeProgress") == "Start"
            self.charger.hlc(t, power=start)
            return ok, ({"AC_ChargeLoopReq", "PowerDeliveryReq"} if start else {"SessionStopReq"})
        if name == "AC_ChargeLoopReq":
            return {**ok, "Scheduled_AC_CLResControlMode": {}}, {"AC_ChargeLoopReq", "PowerDeliveryReq"}
        if name == "SessionStopReq":
            self.charger.hlc(t, authorized=False, power=False)
            return {"ResponseCode": "FAILED" if "dc_wrong_response_code" in self.s.defects else "OK"}, set()
        return super().handle(name, body)
