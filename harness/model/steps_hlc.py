"""Step models for high-level communication as the EV (SDP, V2GTP, DIN SPEC 70121, ISO 15118-2/-20).

A session runs in the background once ``hlc.start`` returns; later steps change what the EV asks for,
stop it, and judge what was recorded (response times at the socket, response codes, phase durations)
or compare what the charger reported with what an instrument measured.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Strict
from .steps import Number, StepBase

Phase = Literal["sdp", "connected", "session", "authorized", "parameters", "cable_check", "pre_charge", "pre_charged",
                "charging", "stopping", "welding", "stopped", "ended"]
Name = Field(pattern=r"^[a-z][a-z0-9_]*$")


class HlcDeviation(Strict):
    """A deliberate departure from the good sequence when the EV is about to send ``at``."""

    kind: Literal["out_of_sequence", "wrong_session_id", "invalid_parameter", "withhold", "late",
                  "drop_connection", "bad_header", "bad_signature", "wrong_challenge", "expired_contract",
                  "untrusted_contract"]
    at: str = Field(pattern=r"^[A-Za-z_]+Req$")
    send: str | None = Field(default=None, pattern=r"^[A-Za-z_]+Req$", description="out_of_sequence: sent instead")
    delay_s: float = Field(default=0.0, ge=0, le=600, description="late: virtual seconds")
    close_wait_s: float = Field(default=5.0, gt=0, le=600, description="wait for the charger to close TCP")


class HlcStart(StepBase):
    """Start an EV session (SDP, TCP, supportedAppProtocol, the protocol's sequence) and wait for a phase."""

    action: Literal["hlc.start"]
    protocol: Literal["din70121", "iso15118-2", "iso15118-20"]
    energy: Literal["DC", "AC", "DC_BPT"] = "DC"
    payment: Literal["EIM", "PnC"] = Field(default="EIM", description="PnC: Plug & Charge with the contract of "
                                                                       "the DUT profile's hlc.contract_pki (TLS only)")
    install_contract: bool = Field(default=False, description="PnC: CertificateInstallation before PaymentDetails")
    tls: bool = Field(default=False, description="TLS with the V2G PKI: 1.2 for -2, 1.3 for -20")
    client_cert: bool = Field(default=True, description="TLS 1.3 (-20): present the vehicle certificate "
                                                         "(vehicle_chain.pem in hlc.contract_pki; mutual TLS)")
    target_current_a: Number = Field(default=100.0, description="negative: discharge (energy DC_BPT only)")
    soc_pct: Number = 30.0
    max_voltage_v: Number | None = Field(default=None, description="EVMaximumVoltageLimit (default from the "
                                                                      "battery model)")
    stop_after_s: Number | None = Field(default=None, description="charge-loop seconds before the EV stops")
    deviation: HlcDeviation | None = None
    wait_for: Phase = "charging"
    timeout_s: Number = 120.0

    @model_validator(mode="after")
    def _pnc_needs_tls(self) -> HlcStart:
        """The EV refuses Plug & Charge without TLS (ISO 15118-2: the contract is used over TLS only)."""
        if self.payment == "PnC" and not self.tls:
            raise ValueError("payment: PnC needs tls: true (the EV offers Plug & Charge over TLS only)")
        if self.payment == "PnC" and self.protocol == "din70121":
            raise ValueError("payment: PnC is ISO 15118 only (DIN SPEC 70121 has EIM only)")
        if self.install_contract and (self.payment != "PnC" or self.protocol != "iso15118-2"):
            raise ValueError("install_contract needs payment: PnC with iso15118-2")
        if isinstance(self.target_current_a, float) and self.target_current_a < 0 and self.energy != "DC_BPT":
            raise ValueError("a negative target_current_a asks to discharge: it needs energy: DC_BPT")
        return self


class HlcWait(StepBase):
    """Wait until the session reaches a phase (or ends); ERROR-free: a session that ends early is recorded."""

    action: Literal["hlc.wait"]
    phase: Phase
    timeout_s: Number = 60.0


class HlcSetTarget(StepBase):
    """Change the current the EV asks for in the charge loop; negative asks to discharge (DC_BPT sessions only,
    the ISO 15118-20 sign: positive is power from the EVSE to the EV)."""

    action: Literal["hlc.set_target"]
    current_a: Number


class HlcStop(StepBase):
    """End charging as the EV: normally (PowerDelivery stop, welding detection, SessionStop) or as an
    emergency (EVReady false with an EVErrorCode in CurrentDemandReq)."""

    action: Literal["hlc.stop"]
    emergency: bool = False
    abort: bool = Field(default=False, description="drop the connection at once (teardown); no session: no-op")
    drop: bool = Field(default=False, description="drop the TCP connection mid-session (a deliberate deviation)")
    wait: bool = True
    timeout_s: Number = 60.0


class HlcCheck(StepBase):
    """Judge one figure from the session record against a limit."""

    action: Literal["hlc.check"]
    name: str = Name
    metric: Literal["response_time_max_ms", "response_time_median_ms", "failed_responses", "phase_duration_s",
                    "closed_after_s", "session_completed", "sdp_security_tls", "sdp_response_time_ms",
                    "precharge_error_v", "tls_version", "charging_reached", "contract_offered",
                    "contract_installed", "pnc_authorized", "gen_challenge_bytes", "session_established"]
    message: str | None = Field(default=None, description="request name for response-time metrics")
    phase: Phase | None = None
    limit: str


class HlcExpectCode(StepBase):
    """Judge the answer to the deviation: 1 when its ResponseCode is one of ``codes``, else 0."""

    action: Literal["hlc.expect_code"]
    name: str = Name
    codes: list[str] = Field(min_length=1)
    limit: str


class HlcCompare(StepBase):
    """Compare what the charger reports (or the EV asked for) with an instrument reading, as
    reported - measured (or in % of the measured value)."""

    action: Literal["hlc.compare"]
    name: str = Name
    reported: Literal["present_voltage", "present_current", "target_current", "precharge_target",
                      "discharge_limit"] = Field(description="discharge_limit: minus the smaller of the declared "
                                                 "maximum discharge current and power / reported voltage")
    instrument: str
    quantity: str
    element: int | Literal["sigma"] | None = None
    relative: bool = False
    average: int = Field(default=5, ge=1, le=100)
    declared_tolerance: bool = Field(default=False, description="judge against the charger's declared "
                                                                "EVSECurrentRegulationTolerance")
    limit: str



class HlcSlac(StepBase):
    """SLAC as the EV (ISO 15118-3) on the DUT profile's ``hlc.interface`` (the PLC modem's), before
    ``hlc.start``: find the charger on the cable and join its network. Records the match (attempts,
    attenuation, NID, timings; never the NMK) and judges it; NOT_APPLICABLE where the profile names no
    interface. A limit set to null skips that judgement."""

    action: Literal["hlc.slac"]
    matched_limit: str = "slac_matched"
    attempts_limit: str | None = "slac_parm_first_attempt"
    response_limit: str | None = "slac_response_time"
    duration_limit: str | None = "slac_matching_duration"

HLC_STEPS: tuple[type, ...] = (HlcStart, HlcWait, HlcSetTarget, HlcStop, HlcCheck, HlcExpectCode, HlcCompare,
                               HlcSlac)
