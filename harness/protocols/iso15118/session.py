"""What an EV session records: every exchange with its socket-level response time, and the phases.

Kept apart from the state machine so steps can read a consistent snapshot while the session runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

PHASES = ("idle", "sdp", "connected", "session", "authorized", "parameters", "cable_check", "pre_charge",
          "pre_charged", "charging", "stopping", "welding", "stopped", "ended")

DeviationKind = Literal["out_of_sequence", "wrong_session_id", "invalid_parameter", "withhold", "late",
                        "drop_connection", "bad_header",
                        # Plug & Charge (ISO 15118-2): a flipped SignatureValue bit, a GenChallenge other than the
                        # charger's (correctly signed), an expired contract, a contract from an untrusted MO root
                        "bad_signature", "wrong_challenge", "expired_contract", "untrusted_contract"]
PNC_DEVIATIONS = ("bad_signature", "wrong_challenge", "expired_contract", "untrusted_contract")


@dataclass(frozen=True)
class Deviation:
    """A deliberate departure from the good sequence, applied when the EV is about to send ``at``."""

    kind: DeviationKind
    at: str  # request name, e.g. "ServiceDiscoveryReq"
    send: str | None = None  # out_of_sequence: the request sent instead
    delay_s: float = 0.0  # late: virtual seconds before sending
    close_wait_s: float = 5.0  # how long to wait for the charger to close TCP afterwards (virtual)


@dataclass
class Exchange:
    request: str
    t: float  # virtual seconds since the session started, when the request was sent
    response: str | None = None
    code: str | None = None
    response_time_s: float | None = None  # real seconds, request in the kernel -> first answer byte read
    deviation: str | None = None
    error: str | None = None
    body: dict | None = None


@dataclass
class SessionRecord:
    protocol: str
    exchanges: list[Exchange] = field(default_factory=list)
    phase: str = "idle"
    phase_t: dict[str, float] = field(default_factory=dict)  # first virtual time each phase was entered
    outcome: str | None = None  # "completed", "charger_fault: ...", "timeout: ...", "deviation", ...
    charger_fault: str | None = None
    evse_limits: dict[str, float | None] = field(default_factory=dict)
    sdp: dict[str, Any] = field(default_factory=dict)
    closed_after_s: float | None = None  # after a deviation: virtual seconds until the charger closed TCP
    deviation_exchange: Exchange | None = None
    last_present_v: float | None = None
    last_present_a: float | None = None
    last_target_a: float | None = None
    report_request_t: float | None = None  # virtual time the request behind the last loop answer was sent
    precharge_target_v: float | None = None
    precharge_present_v: float | None = None
    emergency_t: float | None = None  # virtual time the EV's error CurrentDemandReq was answered
    # Plug & Charge: contract_offered, installed (eMAID), emaid used, challenge_bytes, authorized (never keys)
    pnc: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    changed: threading.Condition = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    def enter(self, phase: str, t: float) -> None:
        with self.changed:
            self.phase = phase
            self.phase_t.setdefault(phase, t)
            self.changed.notify_all()

    def finish(self, outcome: str, t: float) -> None:
        with self.changed:
            if self.outcome is None:
                self.outcome = outcome
            self.phase = "ended"
            self.phase_t.setdefault("ended", t)
            self.changed.notify_all()

    def reached(self, phase: str) -> bool:
        return phase in self.phase_t

    # -- metrics for steps -----------------------------------------------------------------------------------
    def of(self, request: str) -> list[Exchange]:
        return [e for e in self.exchanges if e.request == request]

    def response_times(self, request: str) -> list[float]:
        return [e.response_time_s for e in self.of(request) if e.response_time_s is not None]

    def failed(self) -> list[Exchange]:
        """Answers with a FAILED response code to requests that were not deliberately wrong."""
        return [e for e in self.exchanges if e.deviation is None and e.code and e.code.upper().startswith("FAILED")]

    def phase_duration(self, phase: str) -> float | None:
        order = list(PHASES)
        if phase not in self.phase_t:
            return None
        later = [self.phase_t[p] for p in order[order.index(phase) + 1:] if p in self.phase_t]
        return min(later) - self.phase_t[phase] if later else None
