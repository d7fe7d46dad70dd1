"""ISO 15118-2:2014 DC on the simulated charger: DIN's DC behaviour with -2's names and fields, plus Plug & Charge
(secc_pnc) over TLS."""

from __future__ import annotations

from .secc_din import DinSecc, pv
from .secc_pnc import PncSecc


class Iso2Secc(PncSecc, DinSecc):
    namespace = "urn:iso:15118:2:2013:MsgDef"
    payment_req = "PaymentServiceSelectionReq"
    auth_req = "AuthorizationReq"
    energy_key = "RequestedEnergyTransferMode"
    energy_types = ("DC_core", "DC_extended", "DC_combo_core", "DC_unique")
    wrong_energy_code = "FAILED_WrongEnergyTransferMode"
    evse_id = "DE*EXA*E0001"

    def setup(self) -> dict:
        return {"ResponseCode": "OK_NewSessionEstablished", "EVSEID": self.evse_id}

    def discovery(self) -> dict:
        return {"PaymentOptionList": {"PaymentOption": self.payment_options()},
                "ChargeService": {"ServiceID": 1, "ServiceCategory": "EVCharging", "FreeService": False,
                                  "SupportedEnergyTransferMode": {"EnergyTransferMode": ["DC_extended"]}}}

    def handle(self, name: str, body: dict) -> tuple[dict, set[str]]:
        return self.pnc_handle(name, body) or super().handle(name, body)

    def schedule(self) -> dict:
        return {"SAScheduleList": {"SAScheduleTuple": [{"SAScheduleTupleID": 1, "PMaxSchedule": {
            "PMaxScheduleEntry": [{"RelativeTimeInterval": {"start": 0, "duration": 86400},
                                   "PMax": pv(self.s.stage.ratings.max_power_w, "W")}]}}]}}

    def cd_extra(self) -> dict:
        return {"EVSEID": self.evse_id, "SAScheduleTupleID": 1}

    @staticmethod
    def starts(body: dict) -> bool:
        return body.get("ChargeProgress") == "Start"

    def failed(self, name: str, code: str) -> dict:
        out = super().failed(name, code)
        (res, body), = out.items()
        if res == "SessionSetupRes":
            body["EVSEID"] = self.evse_id
        if res == "ServiceDiscoveryRes":
            body.pop("PaymentOptions", None)
            body.update(self.discovery())
        body.update(self.pnc_failed_extra(res))
        return out
