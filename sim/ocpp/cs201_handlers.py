"""CSMS-initiated messages as the simulated 2.0.1 station answers them (a mixin of ChargingStation201)."""

from __future__ import annotations

import asyncio
from typing import Any

from . import device_model as dm
from .station import now_iso

HANDLED = ["GetVariables", "SetVariables", "GetBaseReport", "GetReport", "RequestStartTransaction",
           "RequestStopTransaction", "Reset", "TriggerMessage", "ChangeAvailability", "UnlockConnector",
           "ClearCache", "DataTransfer", "GetLocalListVersion", "SendLocalList", "SetChargingProfile",
           "ClearChargingProfile", "GetChargingProfiles", "GetCompositeSchedule", "CertificateSigned",
           "InstallCertificate", "GetInstalledCertificateIds", "DeleteCertificate", "GetLog", "UpdateFirmware",
           "SetNetworkProfile", "CustomerInformation", "GetTransactionStatus", "ReserveNow", "CancelReservation"]


class Handlers201:
    self: Any

    def handlers(self) -> dict:
        return {n: getattr(self, "h_" + n) for n in HANDLED}

    async def _later_reconnect(self) -> None:
        await asyncio.sleep(0.05)
        self.reconnect()

    # -- B: device model --------------------------------------------------------------------------------------
    async def h_GetVariables(self, p: dict):
        out = []
        for item in p["getVariableData"]:
            comp, var = item["component"]["name"], item["variable"]["name"]
            res: dict = {"component": item["component"], "variable": item["variable"]}
            v = self.vars.get((comp, var))
            if v is None:
                known = any(c == comp for c, _ in self.vars) or self.d("ocpp201_unknown_component_accepted")
                res["attributeStatus"] = "UnknownVariable" if known else "UnknownComponent"
            elif v.mutability == "WriteOnly":
                res["attributeStatus"] = "Rejected"
            else:
                value = v.value
                if self.d("ocpp201_getvariables_wrong_value") and var == "HeartbeatInterval":
                    value = str(int(value) + 1)
                res.update(attributeStatus="Accepted", attributeValue=value)
            out.append(res)
        return {"getVariableResult": out}, None

    async def h_SetVariables(self, p: dict):
        out, then = [], None
        for item in p["setVariableData"]:
            comp, name, value = item["component"]["name"], item["variable"]["name"], item["attributeValue"]
            res: dict = {"component": item["component"], "variable": item["variable"]}
            v = self.vars.get((comp, name))
            if v is None:
                res["attributeStatus"] = "UnknownVariable" if any(c == comp for c, _ in self.vars) \
                    else "UnknownComponent"
            elif self._reject_set(v, name, value):
                res["attributeStatus"] = "Rejected"
            else:
                res["attributeStatus"] = "Accepted"
                if name == "HeartbeatInterval" and not self.d("ocpp201_setvariables_ignored"):
                    self.heartbeat_s = float(value)
                if name == "BasicAuthPassword":
                    if not self.d("ocpp201_keeps_old_password"):
                        self.password = value
                    then = self._later_reconnect
                else:
                    v.value = value if dm.valid(v, value) else v.value
            out.append(res)
        return {"setVariableResult": out}, then

    def _reject_set(self, v: dm.Variable, name: str, value: str) -> bool:
        if v.mutability == "ReadOnly":
            return True
        if not dm.valid(v, value):
            return not self.d("ocpp201_accepts_invalid_value")
        downgrade = name == "SecurityProfile" and int(value) < int(v.value)
        return downgrade and not self.d("ocpp201_accepts_downgrade")

    async def _report(self, request_id: int, items: list[dict]) -> None:
        half = max(1, (len(items) + 1) // 2)
        chunks = [items[:half], items[half:]] if len(items) > 1 else [items]
        first = 1 if self.d("ocpp201_report_seqno_from_1") else 0
        for i, chunk in enumerate(chunks):
            await self.call("NotifyReport", {"requestId": request_id, "generatedAt": now_iso(), "seqNo": first + i,
                                             "tbc": i < len(chunks) - 1, "reportData": chunk})

    async def h_GetBaseReport(self, p: dict):
        items = [dm.report_item(c, n, v) for (c, n), v in self.vars.items()]

        async def go() -> None:
            await self._report(p["requestId"], items)
        return {"status": "Accepted"}, go

    async def h_GetReport(self, p: dict):
        wanted = p.get("componentVariable") or []
        items = [dm.report_item(c, n, v) for (c, n), v in self.vars.items()
                 if not wanted or any(w["component"]["name"] == c and w.get("variable", {}).get("name", n) == n
                                      for w in wanted)]
        if not items and not self.d("ocpp201_report_empty_accepted"):
            return {"status": "EmptyResultSet"}, None

        async def go() -> None:
            if items:
                await self._report(p["requestId"], items)
        return {"status": "Accepted"}, go

    # -- E/F: transactions ---------------------------------------------------------------------------------------
    async def h_RequestStartTransaction(self, p: dict):
        if not self.available or (self.tx is not None and self.authorized):
            return {"status": "Rejected"}, None
        if p.get("chargingProfile"):
            self.add_profile(p["chargingProfile"], tx_bound=True)
        plugged = self.ev_state() in "BCD"
        if plugged and self.d("ocpp201_remote_start_rejected_plugged") and p.get("evseId"):
            return {"status": "Rejected"}, None
        if not plugged and self.d("ocpp201_remote_first_lost"):
            return {"status": "Accepted"}, None
        reply: dict = {"status": "Accepted"}
        if self.tx is not None:
            reply["transactionId"] = self.tx["id"]

        async def go() -> None:
            await self.authorize(p["idToken"], p["remoteStartId"])
            info = {"idToken": p["idToken"], "remoteStartId": p["remoteStartId"]}
            if self.tx is None:
                await self.start_tx("RemoteStart", "EVConnected" if plugged else "Idle", **info)
            else:
                await self.tx_event("Updated", "RemoteStart", **info)
            if self.ev_state() in "CD" and not self.d("ocpp201_no_charging_state_update"):
                await self.tx_event("Updated", "ChargingStateChanged", chargingState="Charging")
        return reply, go

    async def h_RequestStopTransaction(self, p: dict):
        if self.tx is None or self.tx["id"] != p["transactionId"]:
            return {"status": "Rejected"}, None
        if self.d("ocpp201_remote_stop_rejected") and self.ev_state() == "B":
            return {"status": "Rejected"}, None

        async def go() -> None:
            await self.end_tx("RemoteStop", "Remote")
        return {"status": "Accepted"}, go

    async def h_GetTransactionStatus(self, p: dict):
        return {"messagesInQueue": False, **({"ongoingIndicator": self.tx is not None}
                                            if p.get("transactionId") else {})}, None

    async def h_Reset(self, p: dict):
        async def go() -> None:
            await self.end_tx("ResetCommand", "ImmediateReset")
            self.boot_reason = "PowerUp" if self.d("ocpp201_reset_wrong_reason") else "RemoteReset"
            await asyncio.sleep(0.02)
            self.boot_state = ""
            self.reconnect()
        return {"status": "Accepted"}, go

    async def h_TriggerMessage(self, p: dict):
        what = p["requestedMessage"]
        evse = p.get("evse")
        if self.d("ocpp201_trigger_no_message") and what in ("StatusNotification", "Heartbeat"):
            return {"status": "Accepted"}, None
        actions = {
            "BootNotification": self.boot,
            "Heartbeat": lambda: self.call("Heartbeat", {}),
            "StatusNotification": lambda: self.send_status(force=True),
            "MeterValues": lambda: self.call("MeterValues", {"evseId": 1, "meterValue": self.meter_value(
                "Trigger", energy=not (self.d("ocpp201_metervalues_no_energy") and evse is None))}),
            "SignChargingStationCertificate": lambda: self.call("SignCertificate", {
                "csr": self.make_csr("wrong-cn" if self.d("ocpp201_csr_wrong_cn") else None),
                "certificateType": "ChargingStationCertificate"}),
            "TransactionEvent": lambda: self.tx_event("Updated", "Trigger") if self.tx else asyncio.sleep(0),
        }
        if what not in actions:
            return {"status": "NotImplemented"}, None
        return {"status": "Accepted"}, actions[what]

    async def h_ChangeAvailability(self, p: dict):
        available = p["operationalStatus"] == "Operative"

        async def go() -> None:
            self.set_available(available)
            await self.send_status()
        return {"status": "Scheduled" if self.tx is not None and not available else "Accepted"}, go

    async def h_UnlockConnector(self, p: dict):
        if p["evseId"] != 1 or p["connectorId"] != 1:
            return {"status": "UnknownConnector"}, None
        if self.tx is not None:
            return {"status": "OngoingAuthorizedTransaction"}, None
        return {"status": "UnlockFailed" if self.d("ocpp201_unlock_failed") else "Unlocked"}, None

    async def h_ClearCache(self, p: dict):
        return {"status": "Rejected" if self.d("ocpp201_clearcache_rejected") else "Accepted"}, None

    async def h_DataTransfer(self, p: dict):
        return {"status": "UnknownVendorId"}, None

    async def h_GetLocalListVersion(self, p: dict):
        return {"versionNumber": self.local_list_version}, None

    async def h_SendLocalList(self, p: dict):
        self.local_list_version = p["versionNumber"]
        return {"status": "Accepted"}, None

    # -- K: smart charging ---------------------------------------------------------------------------------------
    async def h_SetChargingProfile(self, p: dict):
        profile = p["chargingProfile"]
        if profile["chargingProfilePurpose"] == "TxProfile" and self.tx is None:
            return {"status": "Accepted" if self.d("ocpp201_txprofile_accepted_without_tx") else "Rejected"}, None
        self.add_profile(profile, tx_bound=profile["chargingProfilePurpose"] == "TxProfile")
        return {"status": "Accepted"}, None

    async def h_ClearChargingProfile(self, p: dict):
        pid = p.get("chargingProfileId")
        if self.d("ocpp201_clear_profile_unknown") and pid is not None:
            return {"status": "Unknown"}, None
        crit = p.get("chargingProfileCriteria") or {}
        found = self.clear_profiles(pid, crit.get("chargingProfilePurpose"), crit.get("stackLevel"))
        return {"status": "Accepted" if found else "Unknown"}, None

    async def h_GetChargingProfiles(self, p: dict):
        profiles = [x["raw"] for x in self.profiles.values()]
        if not profiles or self.d("ocpp201_profile_not_reported"):
            return {"status": "NoProfiles"}, None

        async def go() -> None:
            await self.call("ReportChargingProfiles", {"requestId": p["requestId"], "chargingLimitSource": "CSO",
                                                       "evseId": 1, "chargingProfile": profiles, "tbc": False})
        return {"status": "Accepted"}, go

    async def h_GetCompositeSchedule(self, p: dict):
        limit = None if self.d("ocpp201_composite_ignores_profile") else self.composite_limit()
        limit = self.dut.max_current_a if limit is None else limit
        unit = p.get("chargingRateUnit", "A")
        if unit == "W":
            limit = limit * self.dut.nominal_voltage_v * self.dut.phases
        return {"status": "Accepted", "schedule": {
            "evseId": p["evseId"], "duration": p["duration"], "scheduleStart": now_iso(), "chargingRateUnit": unit,
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": round(limit, 1)}]}}, None

    # -- A/M: certificates ---------------------------------------------------------------------------------------
    async def h_CertificateSigned(self, p: dict):
        if self.check_signed(p["certificateChain"]):
            self.install_client_cert(p["certificateChain"])
            return {"status": "Accepted"}, (self._later_reconnect if self.sp == 3 else None)

        async def report() -> None:
            await self.call("SecurityEventNotification", {"type": "InvalidChargingStationCertificate",
                                                          "timestamp": now_iso()})
        return {"status": "Rejected"}, report

    async def h_InstallCertificate(self, p: dict):
        self.installed.append((p["certificateType"], p["certificate"]))
        return {"status": "Accepted"}, None

    async def h_GetInstalledCertificateIds(self, p: dict):
        types = p.get("certificateType") or []
        chain = [{"certificateType": kind, "certificateHashData": self.hash_data(pem)}
                 for kind, pem in self.installed if not types or kind in types]
        return ({"status": "Accepted", "certificateHashDataChain": chain} if chain else {"status": "NotFound"}), None

    async def h_DeleteCertificate(self, p: dict):
        return {"status": "Accepted"}, None

    # -- others ---------------------------------------------------------------------------------------------------
    async def h_GetLog(self, p: dict):
        return {"status": "Accepted", "filename": "log.txt"}, None

    async def h_UpdateFirmware(self, p: dict):
        return {"status": "Accepted"}, None

    async def h_SetNetworkProfile(self, p: dict):
        return {"status": "Accepted"}, None

    async def h_CustomerInformation(self, p: dict):
        return {"status": "Accepted"}, None

    async def h_ReserveNow(self, p: dict):
        return {"status": "Accepted" if self.tx is None else "Occupied"}, None

    async def h_CancelReservation(self, p: dict):
        return {"status": "Accepted"}, None
