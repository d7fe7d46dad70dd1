"""OCPP 2.0.1 behaviour of the simulated charging station (blocks A, B, C, E, F, J, K and the messages of
the other blocks the suites touch). Each ``ocpp201_*`` defect bends one rule."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from . import device_model as dm
from .cs201_handlers import Handlers201
from .station import Station, now_iso


class ChargingStation201(Handlers201, Station):
    version, subprotocol = "2.0.1", "ocpp2.0.1"

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.vars = dm.build(self.sp, int(self.heartbeat_s))
        self.boot_state = ""
        self.boot_reason = "PowerUp"
        self.seq = 0
        self.authorized = False
        self.status = ""
        self.local_list_version = 0

    def var(self, component: str, name: str) -> str:
        return self.vars[(component, name)].value

    async def call(self, action: str, payload: dict) -> dict:
        assert self.rpc is not None
        return await self.rpc.call(action, payload)

    # -- boot, status, heartbeat -------------------------------------------------------------------------------
    async def boot(self) -> str:
        reply = await self.call("BootNotification", {"reason": self.boot_reason, "chargingStation": {
            "model": self.dut.model[:20], "vendorName": self.dut.manufacturer[:50],
            "serialNumber": (self.dut.serial or "")[:25], "firmwareVersion": (self.dut.firmware or "")[:50]}})
        self.boot_state = reply.get("status", "")
        if reply.get("interval"):
            self.heartbeat_s = float(reply["interval"])
        return self.boot_state

    async def online(self) -> None:
        while await self.boot() != "Accepted":
            if self.boot_state == "Rejected" and self.d("ocpp201_rejected_no_retry"):
                await asyncio.Event().wait()
            if self.boot_state == "Pending" and self.d("ocpp201_pending_sends_calls"):
                await self.send_status(force=True)
            await self.vsleep(self.heartbeat_s)
        self.boot_reason = "PowerUp"
        if not self.d("ocpp201_no_status_after_boot"):
            await self.send_status(force=True)
        tasks = [asyncio.ensure_future(self._heartbeats()), asyncio.ensure_future(self._periodic())]
        try:
            await asyncio.gather(*tasks)
        finally:
            for t in tasks:
                t.cancel()

    def connector_status(self) -> str:
        if not self.available:
            return "Unavailable"
        return "Occupied" if self.ev_state() in "BCD" else "Available"

    async def send_status(self, force: bool = False) -> None:
        status = self.connector_status()
        if status == self.status and not force:
            return
        self.status = status
        await self.call("StatusNotification", {"timestamp": now_iso(), "connectorStatus": status, "evseId": 1,
                                               "connectorId": 1})

    async def _heartbeats(self) -> None:
        while True:
            await self.vsleep(self.heartbeat_s)
            await self.call("Heartbeat", {})

    async def _periodic(self) -> None:
        while True:
            interval = float(self.var("SampledDataCtrlr", "TxUpdatedInterval") or 0)
            await self.vsleep(interval if interval > 0 else 1.0)
            if interval > 0 and self.tx is not None and not self.d("ocpp201_no_periodic_meter"):
                await self.tx_event("Updated", "MeterValuePeriodic", meter="Sample.Periodic")

    # -- meter values ---------------------------------------------------------------------------------------
    def meter_value(self, context: str, energy: bool = True) -> list[dict]:
        sampled: list[dict] = []
        if energy:
            sv: dict = {"value": round(self.meter_wh(), 1), "context": context,
                        "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"}}
            if self.var("SampledDataCtrlr", "SignReadings") == "true":
                sv["signedMeterValue"] = {"signedMeterData": self.ocmf(context), "encodingMethod": "OCMF",
                                          "signingMethod": "ECDSA-secp256r1-SHA256", "publicKey": ""}
            sampled.append(sv)
        sampled.append({"value": round(self.lab.power_w(), 1), "context": context, "measurand": "Power.Active.Import",
                        "unitOfMeasure": {"unit": "W"}})
        return [{"timestamp": now_iso(), "sampledValue": sampled}]

    # -- transactions -----------------------------------------------------------------------------------------
    async def tx_event(self, event: str, trigger: str, meter: str | None = None, **info: Any) -> None:
        assert self.tx is not None
        gap = self.d("ocpp201_seqno_gap") and event == "Updated" and trigger == "RemoteStart"
        self.seq += 2 if gap else 1
        tx_info = {"transactionId": self.tx["id"], **{k: v for k, v in info.items() if k in (
            "chargingState", "stoppedReason", "remoteStartId")}}
        payload: dict = {"eventType": event, "timestamp": now_iso(), "triggerReason": trigger,
                         "seqNo": self.seq - 1, "transactionInfo": tx_info, "evse": {"id": 1, "connectorId": 1}}
        if "idToken" in info:
            payload["idToken"] = info["idToken"]
        if meter is not None:
            payload["meterValue"] = self.meter_value(meter)
        await self.call("TransactionEvent", payload)

    async def start_tx(self, trigger: str, state: str, **info: Any) -> None:
        self.tx = {"id": uuid.uuid4().hex[:20]}
        self.seq = 0
        await self.tx_event("Started", trigger, meter="Transaction.Begin", chargingState=state, **info)

    async def authorize(self, id_token: dict, remote_start_id: int | None) -> None:
        if self.var("AuthCtrlr", "AuthorizeRemoteStart") == "true":
            await self.call("Authorize", {"idToken": id_token})
        self.authorized = True
        self.allow_energy(True)
        self.update_limit()

    async def end_tx(self, trigger: str, reason: str) -> None:
        if self.tx is None:
            return
        if not (reason == "Remote" and self.d("ocpp201_stop_keeps_power")):
            self.allow_energy(False)
        self.authorized = False
        if self.d("ocpp201_stop_reason_wrong") and reason == "EVDisconnected":
            reason = "Local"
        meter = None if self.d("ocpp201_no_end_meter") else "Transaction.End"
        await self.tx_event("Ended", trigger, meter=meter, stoppedReason=reason, chargingState="Idle")
        self.tx = None
        self.clear_profiles(purpose="TxProfile")

    async def on_ev(self, old: str, new: str) -> None:
        if self.boot_state != "Accepted" or self.rpc is None:
            return
        if new == "A":
            await self.end_tx("EVCommunicationLost", "EVDisconnected")
            await self.send_status()
            return
        if old == "A":
            await self.send_status()
            if self.tx is None:
                trigger = "EVDetected" if self.d("ocpp201_tx_started_wrong_trigger") else "CablePluggedIn"
                await self.start_tx(trigger, "EVConnected")
            else:
                await self.tx_event("Updated", "CablePluggedIn", chargingState="EVConnected")
        if self.tx is not None and self.authorized:
            if new in "CD" and not self.d("ocpp201_no_charging_state_update"):
                await self.tx_event("Updated", "ChargingStateChanged", chargingState="Charging")
            elif new == "B" and old in "CD":
                await self.tx_event("Updated", "ChargingStateChanged", chargingState="SuspendedEV")
