"""DIN SPEC 70121 on the simulated charger: which request may come next, and each answer.

A handler gets the decoded request body and returns (response body, next allowed requests). Failed
answers carry the mandatory fields with neutral values, as the schema requires them.
"""

from __future__ import annotations

from typing import Any

from harness.protocols.iso15118 import exi

from .stage import RIPPLE_A


def pv(value: float, unit: str) -> dict:
    for mult in (-1, 0, 1, 2):
        scaled = round(value / 10.0**mult)
        if -32768 <= scaled <= 32767:
            return {"Multiplier": mult, "Unit": unit, "Value": int(scaled)}
    raise ValueError(value)


def num(obj: Any, default: float = 0.0) -> float:
    if isinstance(obj, dict) and isinstance(obj.get("Value"), int):
        return obj["Value"] * 10.0 ** int(obj.get("Multiplier", obj.get("Exponent", 0)))
    return default


class DinSecc:
    """The DIN message set; ``s`` is the SeccSession (stage, lab, defects, session id)."""

    namespace = "urn:din:70121:2012:MsgDef"
    first = {"SessionSetupReq"}
    payment_req = "ServicePaymentSelectionReq"
    auth_req = "ContractAuthenticationReq"
    energy_types = ("DC_core", "DC_extended", "DC_combo_core", "DC_unique")
    energy_key = "EVRequestedEnergyTransferType"
    wrong_energy_code = "FAILED_WrongEnergyTransferType"

    def __init__(self, session: Any):
        self.s = session
        self.ev_max_v = 500.0

    @property
    def st(self):
        return self.s.stage

    # -- envelope --------------------------------------------------------------------------------------------
    def decode(self, payload_type: int, payload: bytes) -> dict:
        return exi.decode(payload, self.namespace)

    def encode(self, message: dict) -> tuple[int, bytes]:
        return 0x8001, exi.encode(message, self.namespace)

    def unwrap(self, msg: dict) -> tuple[str, dict, str | None]:
        root = msg["V2G_Message"]
        (name, body), = root["Body"].items()
        return name, body or {}, root.get("Header", {}).get("SessionID")

    def wrap(self, name: str, body: dict) -> dict:
        return {"V2G_Message": {"Header": {"SessionID": self.s.session_id}, "Body": {name: body}}}

    # -- status ----------------------------------------------------------------------------------------------
    def status(self) -> dict:
        st = self.s.stage
        code = "EVSE_Ready"
        if st.mode == "cable_check":
            code = "EVSE_IsolationMonitoringActive"
        elif st.mode == "emergency":
            code = "EVSE_EmergencyShutdown"
        iso = "Valid" if st.isolation_ok() else "Fault"
        return {"EVSEIsolationStatus": iso, "EVSEStatusCode": code, "NotificationMaxDelay": 0,
                "EVSENotification": "None"}

    def present_v(self) -> dict:
        v = self.s.stage.v_out + (15.0 if "dc_voltage_report_offset" in self.s.defects else 0.0)
        if "dc_precharge_offset" in self.s.defects and self.s.stage.mode == "precharge":
            v -= 30.0  # reports the target it was asked for, not the voltage it made
        return pv(max(v, 0.0), "V")

    def present_i(self) -> dict:
        i = self.s.stage.i_out * (1.04 if "dc_current_report_high" in self.s.defects else 1.0)
        return pv(i, "A")

    def limits(self) -> dict:
        r = self.s.stage.ratings
        return {"EVSEMaximumCurrentLimit": pv(r.max_current_a, "A"),
                "EVSEMaximumPowerLimit": pv(r.max_power_w, "W"),
                "EVSEMaximumVoltageLimit": pv(r.max_voltage_v, "V"),
                "EVSEMinimumCurrentLimit": pv(r.min_current_a, "A"),
                "EVSEMinimumVoltageLimit": pv(r.min_voltage_v, "V"),
                "EVSECurrentRegulationTolerance": pv(r.current_tolerance_a, "A"),
                "EVSEPeakCurrentRipple": pv(2 * RIPPLE_A, "A")}

    # -- answers ---------------------------------------------------------------------------------------------
    def failed(self, name: str, code: str) -> dict:
        """A schema-valid answer to ``name`` carrying a FAILED code."""
        res = name[:-3] + "Res"
        body: dict = {"ResponseCode": code}
        dc = {"DC_EVSEStatus": self.status()}
        extra = {
            "SessionSetupRes": {"EVSEID": "00"},
            "ServiceDiscoveryRes": self.discovery(),
            "ContractAuthenticationRes": {"EVSEProcessing": "Finished"},
            "AuthorizationRes": {"EVSEProcessing": "Finished"},
            "ChargeParameterDiscoveryRes": {"EVSEProcessing": "Finished", **self.schedule(),
                                            "DC_EVSEChargeParameter": {**dc, **self.limits()}},
            "CableCheckRes": {**dc, "EVSEProcessing": "Finished"},
            "PreChargeRes": {**dc, "EVSEPresentVoltage": self.present_v()},
            "PowerDeliveryRes": dc,
            "CurrentDemandRes": {**dc, "EVSEPresentVoltage": self.present_v(),
                                 "EVSEPresentCurrent": self.present_i(), "EVSECurrentLimitAchieved": False,
                                 "EVSEVoltageLimitAchieved": False, "EVSEPowerLimitAchieved": False,
                                 **self.cd_extra()},
            "WeldingDetectionRes": {**dc, "EVSEPresentVoltage": self.present_v()},
        }
        body.update(extra.get(res, {}))
        return {res: body}

    def schedule(self) -> dict:
        return {"SAScheduleList": {"SAScheduleTuple": [{"SAScheduleTupleID": 1, "PMaxSchedule": {
            "PMaxScheduleID": 1, "PMaxScheduleEntry": [{"RelativeTimeInterval": {"start": 0}, "PMax": 32767}]}}]}}

    def cd_extra(self) -> dict:
        return {}

    def setup(self) -> dict:
        return {"ResponseCode": "OK_NewSessionEstablished", "EVSEID": "5A5A4558414D504C45"}

    def discovery(self) -> dict:
        return {"PaymentOptions": {"PaymentOption": ["ExternalPayment"]}, "ChargeService": self._service()}

    @staticmethod
    def starts(body: dict) -> bool:
        return bool(body.get("ReadyToChargeState"))

    def _service(self) -> dict:
        return {"ServiceTag": {"ServiceID": 1, "ServiceCategory": "EVCharging"}, "FreeService": False,
                "EnergyTransferType": "DC_extended"}

    def handle(self, name: str, body: dict) -> tuple[dict, set[str]]:
        t = self.s.now()
        st = self.s.stage
        if name == "SessionSetupReq":
            return self.setup(), {"ServiceDiscoveryReq"}
        if name == "ServiceDiscoveryReq":
            return {"ResponseCode": "OK", **self.discovery()}, {self.payment_req}
        if name == self.payment_req:
            if body.get("SelectedPaymentOption") != "ExternalPayment" and not self.s.lax:
                return self.failed(name, "FAILED_PaymentSelectionInvalid")[name[:-3] + "Res"], set()
            return {"ResponseCode": "OK"}, {self.auth_req}
        if name == self.auth_req:
            return {"ResponseCode": "OK", "EVSEProcessing": "Finished"}, {self.auth_req,
                                                                          "ChargeParameterDiscoveryReq"}
        if name == "ChargeParameterDiscoveryReq":
            ok_type = body.get(self.energy_key) in self.energy_types
            if not ok_type and not self.s.lax:
                return self.failed(name, self.wrong_energy_code)["ChargeParameterDiscoveryRes"], set()
            p = body.get("DC_EVChargeParameter") or {}
            self.ev_max_v = num(p.get("EVMaximumVoltageLimit"), 500.0)
            return {"ResponseCode": "OK", "EVSEProcessing": "Finished", **self.schedule(),
                    "DC_EVSEChargeParameter": {"DC_EVSEStatus": self.status(), **self.limits()}}, \
                {"ChargeParameterDiscoveryReq", "CableCheckReq"}
        if name == "CableCheckReq":
            done = False
            if self.s.cp_state() in ("C", "D"):
                st.start_cable_check(t, self.ev_max_v)
                done = st.cable_check_done(t)
            return {"ResponseCode": "OK", "DC_EVSEStatus": self.status(),
                    "EVSEProcessing": "Finished" if done else "Ongoing"}, \
                {"CableCheckReq"} | ({"PreChargeReq"} if done else set())
        if name == "PreChargeReq":
            self.s.precharge_v = num(body.get("EVTargetVoltage"))
            st.precharge(t, self.s.precharge_v, num(body.get("EVTargetCurrent")))
            return {"ResponseCode": "OK", "DC_EVSEStatus": self.status(),
                    "EVSEPresentVoltage": self.present_v()}, {"PreChargeReq", "PowerDeliveryReq"}
        if name == "PowerDeliveryReq":
            return self.power_delivery(t, self.starts(body))
        if name == "CurrentDemandReq":
            return self.current_demand(t, body)
        if name == "WeldingDetectionReq":
            return {"ResponseCode": "OK", "DC_EVSEStatus": self.status(),
                    "EVSEPresentVoltage": self.present_v()}, {"WeldingDetectionReq", "SessionStopReq"}
        if name == "SessionStopReq":
            code = "FAILED" if "dc_wrong_response_code" in self.s.defects else "OK"
            st.off(t)
            self.s.dc.ev_contactor(t, False)
            return {"ResponseCode": code}, set()
        raise KeyError(name)

    def power_delivery(self, t: float, start: bool) -> tuple[dict, set[str]]:
        st = self.s.stage
        if start:
            self.s.dc.ev_contactor(t, True, self.s.precharge_v or st.v_out)
            nxt = {"CurrentDemandReq"}
        else:
            st.stop(t)
            self.s.dc.release_pending = True
            nxt = {"WeldingDetectionReq", "SessionStopReq"}
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.status()}, nxt

    def current_demand(self, t: float, body: dict) -> tuple[dict, set[str]]:
        st = self.s.stage
        status = body.get("DC_EVStatus") or {}
        if status.get("EVErrorCode", "NO_ERROR") != "NO_ERROR" or status.get("EVReady") is False:
            st.emergency(t)
        else:
            st.demand(t, num(body.get("EVTargetVoltage")), num(body.get("EVTargetCurrent")))
        r = st.ratings
        return {"ResponseCode": "OK", "DC_EVSEStatus": self.status(), "EVSEPresentVoltage": self.present_v(),
                "EVSEPresentCurrent": self.present_i(),
                "EVSECurrentLimitAchieved": st.i_target >= r.max_current_a,
                "EVSEVoltageLimitAchieved": st.v_target >= r.max_voltage_v,
                "EVSEPowerLimitAchieved": st.v_out * st.i_target >= r.max_power_w,
                "EVSEMaximumVoltageLimit": pv(r.max_voltage_v, "V"),
                "EVSEMaximumCurrentLimit": pv(r.max_current_a, "A"),
                "EVSEMaximumPowerLimit": pv(r.max_power_w, "W"), **self.cd_extra()}, \
            {"CurrentDemandReq", "PowerDeliveryReq"}
