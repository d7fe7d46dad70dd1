"""ISO 15118-2 AC (EIM) on the virtual lab's AC charger: 5 % pilot duty until authorization, then the nominal
duty ([V2G2-852/853]); the contactor closes after PowerDelivery(Start) with the EV in state C.

Lives beside the DC SECC because it shares its session machinery (sim/dc/secc.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ac_charger import SimulatedAcCharger
from .secc_din import pv
from .secc_iso2 import Iso2Secc

HLC_DUTY_PCT = 5.0


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
        return super()._may_energise() and self.power_granted

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
        return {"PaymentOptionList": {"PaymentOption": ["ExternalPayment"]},
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
        return {res: {"ResponseCode": code, **extra.get(res, {})}}

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
