"""OCPP 1.6J behaviour of the simulated charger (Core, Smart Charging, Remote Trigger, Local Auth List,
Reservation and the security whitepaper's messages). Each ``ocpp16_*`` defect bends one rule."""

from __future__ import annotations

import asyncio
from typing import Any

from .rpc import CallError
from .station import Station, now_iso

READ_ONLY = {"NumberOfConnectors", "SupportedFeatureProfiles", "ChargeProfileMaxStackLevel",
             "ChargingScheduleAllowedChargingRateUnit", "LocalAuthListMaxLength"}


class ChargePoint16(Station):
    version, subprotocol = "1.6", "ocpp1.6"

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.config: dict[str, str] = {
            "HeartbeatInterval": str(int(self.heartbeat_s)), "MeterValueSampleInterval": "0",
            "AuthorizeRemoteTxRequests": "false", "ConnectionTimeOut": "60",
            "NumberOfConnectors": str(self.cfg.connectors), "MeterValuesSampledData": "Energy.Active.Import.Register",
            "SupportedFeatureProfiles": ",".join(self.cfg.feature_profiles), "ChargeProfileMaxStackLevel": "8",
            "ChargingScheduleAllowedChargingRateUnit": "Current,Power", "LocalAuthListEnabled": "true",
            "LocalAuthListMaxLength": "100", "SecurityProfile": str(self.sp), "CpoName": "ChargeBench Test CPO",
            "AuthorizationKey": "", "SignMeterValues": "false"}
        self.status: dict[int, str] = {}
        self.pending_remote: dict | None = None
        self.boot_state = ""
        self.local_list_version = 0

    # -- outgoing ------------------------------------------------------------------------------------------------
    async def call(self, action: str, payload: dict) -> dict:
        assert self.rpc is not None
        return await self.rpc.call(action, payload)

    async def set_status(self, connector: int, status: str, force: bool = False) -> None:
        if self.status.get(connector) == status and not force:
            return
        self.status[connector] = status
        await self.call("StatusNotification", {"connectorId": connector, "errorCode": "NoError", "status": status,
                                               "timestamp": now_iso()})

    async def boot(self) -> str:
        reply = await self.call("BootNotification", {"chargePointVendor": self.dut.manufacturer[:20],
                                                     "chargePointModel": self.dut.model[:20],
                                                     "chargePointSerialNumber": (self.dut.serial or "")[:25],
                                                     "firmwareVersion": (self.dut.firmware or "")[:50]})
        self.boot_state = reply.get("status", "")
        if reply.get("interval"):
            self.heartbeat_s = float(reply["interval"])
        return self.boot_state

    async def online(self) -> None:
        while await self.boot() != "Accepted":
            if self.boot_state == "Rejected" and self.d("ocpp16_boot_no_retry"):
                await asyncio.Event().wait()
            await self.vsleep(self.heartbeat_s)
        self.status.clear()
        for c in range(0, self.cfg.connectors + 1):
            await self.set_status(c, self._idle_status() if c else "Available")
        tasks = [asyncio.ensure_future(self._heartbeats()), asyncio.ensure_future(self._meter_loop())]
        try:
            await asyncio.gather(*tasks)
        finally:
            for t in tasks:
                t.cancel()

    def _idle_status(self) -> str:
        if not self.available:
            return "Unavailable"
        return "Preparing" if self.ev_state() in "BCD" else "Available"

    async def _heartbeats(self) -> None:
        while True:
            await self.vsleep(self.heartbeat_s)
            await self.call("Heartbeat", {})

    async def _meter_loop(self) -> None:
        while True:
            interval = float(self.config["MeterValueSampleInterval"] or 0)
            await self.vsleep(interval if interval > 0 else 1.0)
            if interval > 0 and self.tx is not None:
                await self.send_meter_values("Sample.Periodic")

    def sampled(self, context: str) -> list[dict]:
        values = [{"value": f"{self.meter_wh():.1f}", "context": context, "measurand": "Energy.Active.Import.Register",
                   "unit": "Wh"},
                  {"value": f"{self.lab.power_w():.1f}", "context": context, "measurand": "Power.Active.Import",
                   "unit": "W"}]
        if self.config["SignMeterValues"] == "true":
            values.append({"value": self.ocmf(context), "context": context, "format": "SignedData",
                           "measurand": "Energy.Active.Import.Register", "unit": "Wh"})
        return values

    async def send_meter_values(self, context: str = "Trigger") -> None:
        payload: dict = {"connectorId": 1,
                         "meterValue": [{"timestamp": now_iso(), "sampledValue": self.sampled(context)}]}
        if self.tx is not None:
            payload["transactionId"] = self.tx["id"]
        await self.call("MeterValues", payload)

    # -- transactions ------------------------------------------------------------------------------------------
    async def start_tx(self, id_tag: str) -> None:
        if self.config["AuthorizeRemoteTxRequests"] == "true":
            await self.call("Authorize", {"idTag": id_tag})
        reply = await self.call("StartTransaction", {"connectorId": 1, "idTag": id_tag,
                                                     "meterStart": int(self.meter_wh()), "timestamp": now_iso()})
        if reply.get("idTagInfo", {}).get("status") != "Accepted":
            return
        self.tx = {"id": reply["transactionId"], "idTag": id_tag}
        self.allow_energy(True)
        self.update_limit()
        await self.set_status(1, "Charging" if self.ev_state() in "CD" else "SuspendedEV")

    async def stop_tx(self, reason: str) -> None:
        if self.tx is None:
            return
        tx, self.tx = self.tx, None
        if not (reason == "Remote" and self.d("ocpp16_stop_keeps_power")):
            self.allow_energy(False)
        self.clear_profiles(purpose="TxProfile")
        if self.d("ocpp16_stop_reason_local") and reason == "Remote":
            reason = "Local"
        await self.call("StopTransaction", {"transactionId": tx["id"], "meterStop": int(self.meter_wh()),
                                            "timestamp": now_iso(), "reason": reason,
                                            "transactionData": [{"timestamp": now_iso(),
                                                                 "sampledValue": self.sampled("Transaction.End")}]})
        if self.ev_state() in "BCD":
            await self.set_status(1, "Finishing")

    async def on_ev(self, old: str, new: str) -> None:
        if self.boot_state != "Accepted" or self.rpc is None:
            return
        if new == "A":
            if self.tx is not None:
                await self.stop_tx("EVDisconnected")
            await self.set_status(1, self._idle_status())
        elif old == "A":
            await self.set_status(1, "Preparing")
            if self.pending_remote is not None and not self.d("ocpp16_remote_start_before_plug_lost"):
                remote, self.pending_remote = self.pending_remote, None
                await self.start_tx(remote["idTag"])
        elif self.tx is not None:
            await self.set_status(1, "Charging" if new in "CD" else "SuspendedEV")

    # -- CSMS-initiated ------------------------------------------------------------------------------------------
    def handlers(self) -> dict:
        names = ["GetConfiguration", "ChangeConfiguration", "RemoteStartTransaction", "RemoteStopTransaction",
                 "Reset", "TriggerMessage", "ExtendedTriggerMessage", "ChangeAvailability", "UnlockConnector",
                 "ClearCache", "DataTransfer", "GetLocalListVersion", "SendLocalList", "SetChargingProfile",
                 "ClearChargingProfile", "GetCompositeSchedule", "ReserveNow", "CancelReservation",
                 "CertificateSigned", "InstallCertificate", "GetInstalledCertificateIds", "DeleteCertificate",
                 "GetDiagnostics", "UpdateFirmware", "GetLog", "SignedUpdateFirmware"]
        table = {n: getattr(self, "h_" + n) for n in names}
        if self.d("ocpp16_pending_ignores_calls"):
            for n in ("GetConfiguration", "ChangeConfiguration"):
                table[n] = self._not_while_pending(table[n])
        return table

    def _not_while_pending(self, fn: Any) -> Any:
        async def wrapped(p: dict):
            if self.boot_state == "Pending":
                raise CallError("GenericError", "busy booting")
            return await fn(p)
        return wrapped

    async def h_GetConfiguration(self, p: dict):
        keys = p.get("key") or [k for k in self.config if k != "AuthorizationKey"]
        if self.d("ocpp16_getconfig_missing_heartbeat") and not p.get("key"):
            keys = [k for k in keys if k != "HeartbeatInterval"]
        known = [{"key": k, "readonly": k in READ_ONLY, "value": self.config[k]} for k in keys
                 if k in self.config and k != "AuthorizationKey"]
        unknown = [k for k in keys if k not in self.config]
        return {"configurationKey": known, **({"unknownKey": unknown} if unknown else {})}, None

    async def h_ChangeConfiguration(self, p: dict):
        key, value = p["key"], p["value"]
        if key not in self.config:
            return {"status": "NotSupported"}, None
        if key in READ_ONLY:
            return {"status": "Rejected"}, None
        if key in ("HeartbeatInterval", "MeterValueSampleInterval") and not value.isdigit():
            return {"status": "Rejected"}, None
        self.config[key] = value
        if key == "HeartbeatInterval" and not self.d("ocpp16_heartbeat_ignores_change"):
            self.heartbeat_s = float(value)
        if key == "AuthorizationKey":
            if not self.d("ocpp16_keeps_old_password"):
                self.password = value
            return {"status": "Accepted"}, self._reconnect_later
        return {"status": "Accepted"}, None

    async def _reconnect_later(self) -> None:
        await asyncio.sleep(0.05)
        self.reconnect()

    async def h_RemoteStartTransaction(self, p: dict):
        if self.tx is not None or not self.available:
            return {"status": "Rejected"}, None
        if self.ev_state() in "BCD":
            if self.d("ocpp16_remote_start_rejected_when_plugged") and p.get("connectorId"):
                return {"status": "Rejected"}, None
            if p.get("chargingProfile"):
                self.add_profile(p["chargingProfile"], tx_bound=True)

            async def go() -> None:
                await self.start_tx(p["idTag"])
            return {"status": "Accepted"}, go
        self.pending_remote = p
        return {"status": "Accepted"}, None

    async def h_RemoteStopTransaction(self, p: dict):
        if self.tx is None or self.tx["id"] != p["transactionId"]:
            return {"status": "Rejected"}, None

        async def go() -> None:
            await self.stop_tx("Remote")
        return {"status": "Accepted"}, go

    async def h_Reset(self, p: dict):
        if self.d("ocpp16_reset_no_reboot"):
            return {"status": "Accepted"}, None

        async def go() -> None:
            await self.stop_tx("HardReset" if p["type"] == "Hard" else "SoftReset")
            await asyncio.sleep(0.02)
            self.boot_state = ""
            self.reconnect()
        return {"status": "Accepted"}, go

    async def _trigger(self, what: str, connector: int | None) -> Any:
        if self.d("ocpp16_trigger_no_message") and what in ("StatusNotification", "Heartbeat"):
            return None
        if what == "BootNotification":
            return self.boot
        if what == "Heartbeat":
            return lambda: self.call("Heartbeat", {})
        if what == "StatusNotification":
            return lambda: self.set_status(connector or 1, self.status.get(connector or 1, "Available"), force=True)
        if what == "MeterValues":
            return self.send_meter_values
        if what in ("DiagnosticsStatusNotification", "LogStatusNotification"):
            return lambda: self.call(what, {"status": "Idle"})
        if what in ("FirmwareStatusNotification", "SignedFirmwareStatusNotification"):
            return lambda: self.call(what, {"status": "Idle"})
        if what == "SignChargePointCertificate":
            cn = "wrong-cn" if self.d("ocpp16_csr_wrong_cn") else None
            return lambda: self.call("SignCertificate", {"csr": self.make_csr(cn)})
        return "NotImplemented"

    async def h_TriggerMessage(self, p: dict):
        then = await self._trigger(p["requestedMessage"], p.get("connectorId"))
        if then == "NotImplemented":
            return {"status": "NotImplemented"}, None
        return {"status": "Accepted"}, then

    async def h_ExtendedTriggerMessage(self, p: dict):
        return await self.h_TriggerMessage(p)

    async def h_ChangeAvailability(self, p: dict):
        available = p["type"] == "Operative"
        if self.tx is not None and not available:
            return {"status": "Scheduled"}, None

        async def go() -> None:
            self.set_available(available)
            await self.set_status(p["connectorId"] or 1, self._idle_status())
        return {"status": "Accepted"}, go

    async def h_UnlockConnector(self, p: dict):
        if p["connectorId"] < 1 or p["connectorId"] > self.cfg.connectors:
            return {"status": "NotSupported"}, None
        return {"status": "UnlockFailed" if self.d("ocpp16_unlock_fails") else "Unlocked"}, None

    async def h_ClearCache(self, p: dict):
        return {"status": "Accepted"}, None

    async def h_DataTransfer(self, p: dict):
        return {"status": "Accepted" if self.d("ocpp16_datatransfer_accepts_any") else "UnknownVendorId"}, None

    async def h_GetLocalListVersion(self, p: dict):
        return {"listVersion": self.local_list_version}, None

    async def h_SendLocalList(self, p: dict):
        self.local_list_version = p["listVersion"]
        return {"status": "Accepted"}, None

    async def h_SetChargingProfile(self, p: dict):
        profile = p["csChargingProfiles"]
        if profile["chargingProfilePurpose"] == "TxProfile" and self.tx is None \
                and not self.d("ocpp16_txprofile_accepted_without_tx"):
            return {"status": "Rejected"}, None
        if profile["chargingProfilePurpose"] == "TxProfile" and self.tx is None:
            return {"status": "Accepted"}, None
        self.add_profile(profile, tx_bound=profile["chargingProfilePurpose"] == "TxProfile")
        return {"status": "Accepted"}, None

    async def h_ClearChargingProfile(self, p: dict):
        if self.d("ocpp16_clear_profile_unknown") and p.get("id") is not None:
            return {"status": "Unknown"}, None
        found = self.clear_profiles(p.get("id"), p.get("chargingProfilePurpose"), p.get("stackLevel"))
        return {"status": "Accepted" if found else "Unknown"}, None

    async def h_GetCompositeSchedule(self, p: dict):
        limit = self.composite_limit()
        if self.d("ocpp16_composite_ignores_profile"):
            limit = None
        limit = self.dut.max_current_a if limit is None else limit
        unit = p.get("chargingRateUnit", "A")
        if unit == "W":
            limit = limit * self.dut.nominal_voltage_v * self.dut.phases
        return {"status": "Accepted", "connectorId": p["connectorId"], "scheduleStart": now_iso(),
                "chargingSchedule": {"duration": p["duration"], "chargingRateUnit": unit,
                                     "chargingSchedulePeriod": [{"startPeriod": 0, "limit": round(limit, 1)}]}}, None

    async def h_ReserveNow(self, p: dict):
        return {"status": "Accepted" if self.tx is None else "Occupied"}, None

    async def h_CancelReservation(self, p: dict):
        return {"status": "Accepted"}, None

    async def h_CertificateSigned(self, p: dict):
        if self.check_signed(p["certificateChain"]) and not self.d("ocpp16_accepts_invalid_cert"):
            self.install_client_cert(p["certificateChain"])
            return {"status": "Accepted"}, (self._reconnect_later if self.sp == 3 else None)
        if self.d("ocpp16_accepts_invalid_cert"):
            return {"status": "Accepted"}, None

        async def report() -> None:
            await self.call("SecurityEventNotification", {"type": "InvalidChargePointCertificate",
                                                          "timestamp": now_iso()})
        return {"status": "Rejected"}, report

    async def h_InstallCertificate(self, p: dict):
        self.installed.append((p["certificateType"], p["certificate"]))
        return {"status": "Accepted"}, None

    async def h_GetInstalledCertificateIds(self, p: dict):
        found = [self.hash_data(pem) for kind, pem in self.installed if kind == p["certificateType"]]
        if self.d("ocpp16_cert_hash_wrong"):
            for f in found:
                f["serialNumber"] = f["serialNumber"][:-1] + ("1" if f["serialNumber"][-1] == "0" else "0")
        return ({"status": "Accepted", "certificateHashData": found} if found else {"status": "NotFound"}), None

    async def h_DeleteCertificate(self, p: dict):
        return {"status": "Accepted"}, None

    async def h_GetDiagnostics(self, p: dict):
        return {"fileName": "diagnostics.log"}, None

    async def h_UpdateFirmware(self, p: dict):
        return {}, None

    async def h_GetLog(self, p: dict):
        return {"status": "Accepted", "filename": "log.txt"}, None

    async def h_SignedUpdateFirmware(self, p: dict):
        return {"status": "Accepted"}, None
