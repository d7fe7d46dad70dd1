"""What the CSMS answers to the charger's CALLs: sensible defaults per OCPP version, which a test can
override with a queue of replies (e.g. BootNotification Pending, then Accepted)."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import threading
from collections import deque
from collections.abc import Callable
from typing import Any


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Reply = dict[str, Any]
Default = Callable[[dict, "ReplyBook"], Reply]


def _accepted_16(_p: dict, _b: ReplyBook) -> Reply:
    return {"idTagInfo": {"status": "Accepted"}}


def _start_tx_16(_p: dict, book: ReplyBook) -> Reply:
    return {"transactionId": next(book.tx_ids), "idTagInfo": {"status": "Accepted"}}


def _tx_event_201(p: dict, _b: ReplyBook) -> Reply:
    return {"idTokenInfo": {"status": "Accepted"}} if "idToken" in p else {}


def _boot(_p: dict, book: ReplyBook) -> Reply:
    return {"currentTime": now_iso(), "interval": book.heartbeat_interval, "status": "Accepted"}


def _empty(_p: dict, _b: ReplyBook) -> Reply:
    return {}


def _status(value: str) -> Default:
    return lambda _p, _b: {"status": value}


DEFAULTS: dict[str, dict[str, Default]] = {
    "1.6": {
        "BootNotification": _boot,
        "Heartbeat": lambda _p, _b: {"currentTime": now_iso()},
        "StatusNotification": _empty, "MeterValues": _empty,
        "Authorize": _accepted_16, "StartTransaction": _start_tx_16, "StopTransaction": _accepted_16,
        "DataTransfer": _status("Accepted"), "DiagnosticsStatusNotification": _empty,
        "FirmwareStatusNotification": _empty, "SecurityEventNotification": _empty,
        "SignCertificate": _status("Accepted"), "LogStatusNotification": _empty,
        "SignedFirmwareStatusNotification": _empty,
    },
    "2.0.1": {
        "BootNotification": _boot,
        "Heartbeat": lambda _p, _b: {"currentTime": now_iso()},
        "StatusNotification": _empty, "MeterValues": _empty, "NotifyReport": _empty, "NotifyEvent": _empty,
        "Authorize": lambda _p, _b: {"idTokenInfo": {"status": "Accepted"}},
        "TransactionEvent": _tx_event_201, "DataTransfer": _status("Accepted"),
        "SecurityEventNotification": _empty, "SignCertificate": _status("Accepted"),
        "FirmwareStatusNotification": _empty, "LogStatusNotification": _empty,
        "NotifyChargingLimit": _empty, "ClearedChargingLimit": _empty, "ReportChargingProfiles": _empty,
        "NotifyEVChargingNeeds": _status("Accepted"), "NotifyEVChargingSchedule": _status("Accepted"),
        "NotifyDisplayMessages": _empty, "NotifyMonitoringReport": _empty,
        "NotifyCustomerInformation": _empty, "ReservationStatusUpdate": _empty,
        "PublishFirmwareStatusNotification": _empty,
        "GetCertificateStatus": _status("Accepted"),
        "Get15118EVCertificate": lambda _p, _b: {"status": "Accepted", "exiResponse": ""},
    },
}


def merge(base: Any, patch: Any) -> Any:
    """Deep-merge ``patch`` onto ``base``: a test states only what it changes (None deletes a key)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = merge(base.get(k), v)
        return out
    return copy.deepcopy(patch)


class ReplyBook:
    """Per-action reply queues over the version's defaults. Thread-safe (tests change it from the engine)."""

    def __init__(self, version: str, heartbeat_interval: int = 300):
        self.version = version
        self.heartbeat_interval = heartbeat_interval
        self.tx_ids = itertools.count(1)
        self._queues: dict[str, deque[Reply]] = {}
        self._sticky: dict[str, Reply] = {}
        self._lock = threading.Lock()

    def set(self, action: str, replies: list[Reply], then: Reply | None = None) -> None:
        """Answer the next ``len(replies)`` calls with these (merged onto the default), then ``then``."""
        with self._lock:
            self._queues[action] = deque(replies)
            if then is None:
                self._sticky.pop(action, None)
            else:
                self._sticky[action] = then

    def reset(self) -> None:
        with self._lock:
            self._queues.clear()
            self._sticky.clear()

    def knows(self, action: str) -> bool:
        return action in DEFAULTS[self.version]

    def reply(self, action: str, payload: dict) -> Reply | None:
        """The CALLRESULT payload, or None when the CSMS has no handler (answer NotImplemented)."""
        fn = DEFAULTS[self.version].get(action)
        if fn is None:
            return None
        base = fn(payload, self)
        with self._lock:
            queue = self._queues.get(action)
            patch = queue.popleft() if queue else self._sticky.get(action)
        return merge(base, patch) if patch else base
