"""Step models for the OCPP CSMS peer (csms.expect, csms.call, ...).

Timeouts are in seconds of test time (virtual on the virtual lab). Payloads are partial: a step names only
the fields it checks; strings ``$tx`` (current transaction id), ``$now``/``$now+N`` (ISO time), ``$ca_cert``
(the test root CA in PEM) and ``$ca_hash`` (its certificate hash data) are filled in by the engine.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .steps import Number, StepBase

Name = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$", description="measurement name (default from the action)")


class CsmsExpect(StepBase):
    """Wait for a message from the charger matching a partial payload (``absent``: make sure none comes)."""

    action: Literal["csms.expect"]
    message: str = Field(pattern=r"^[A-Z][A-Za-z0-9]+$")
    payload: dict[str, Any] | None = None
    timeout_s: Number = 30.0
    order: Literal["lenient", "strict"] = Field(default="lenient", description="strict: the next such "
                                                "message after the previous strict expectation must match")
    nth: int = Field(default=1, ge=1, le=100)
    absent: bool = False
    interval: bool = Field(default=False, description="the next one after the previous expected message of this "
                           "action; its measurement is the time between the two (heartbeat period, boot retry)")
    reply: bool = Field(default=False, description="the charger's CALLRESULT to the CSMS's CALL of this action")
    since: Literal["mark", "step"] = Field(default="mark", description="mark: since the test (or csms.mark) "
                                           "began; step: only messages after this step starts")
    name: str | None = Name
    limit: str | None = None


class CsmsCall(StepBase):
    """Send a CSMS-initiated CALL and judge the reply (partial match, or an accepted CallError code)."""

    action: Literal["csms.call"]
    message: str = Field(pattern=r"^[A-Z][A-Za-z0-9]+$")
    payload: dict[str, Any] = Field(default_factory=dict)
    timeout_s: Number = 30.0
    expect: dict[str, Any] | None = None
    expect_error: list[str] = Field(default_factory=list, description="CallError codes that also pass")
    validate_payload: bool = Field(default=True, description="false: send a deliberately invalid payload")
    check: bool = Field(default=True, description="false: housekeeping, the reply is not judged")
    name: str | None = Name
    limit: str | None = None


class CsmsSetReply(StepBase):
    """Change what the CSMS answers to the charger's next CALLs of one action (merged onto the default)."""

    action: Literal["csms.set_reply"]
    message: str = Field(pattern=r"^[A-Z][A-Za-z0-9]+$")
    replies: list[dict[str, Any]] = Field(default_factory=list)
    then: dict[str, Any] | None = None


class CsmsForbid(StepBase):
    """Make these actions from the charger findings for the rest of the test (empty list: allow all)."""

    action: Literal["csms.forbid"]
    messages: list[str] = Field(default_factory=list)
    until_accepted: bool = Field(default=False, description="only until the CSMS answers a BootNotification "
                                 "Accepted (B02/B03: nothing but BootNotification while not accepted)")


class CsmsReady(StepBase):
    """Wait until the charger is connected, registered and idle (setup; not a measurement)."""

    action: Literal["csms.ready"]
    timeout_s: Number = 60.0
    idle: bool = Field(default=True, description="also wait until no transaction is running")


class CsmsMark(StepBase):
    """Expectations after this step only look at messages that arrive after it."""

    action: Literal["csms.mark"]


class CsmsFindings(StepBase):
    """Judge the findings against the charger since the test began (count, must be 0)."""

    action: Literal["csms.findings"]
    kinds: list[str] | None = None
    name: str | None = Name


class CsmsExpectConnect(StepBase):
    """Wait for the charger to (re)connect, optionally checking the connection (TLS version, client cert)."""

    action: Literal["csms.expect_connect"]
    timeout_s: Number = 30.0
    info: dict[str, Any] | None = None
    no_rejects: bool = Field(default=True, description="a refused attempt before it (e.g. wrong password) fails")
    only_if: str | None = Field(default=None, description="run only when the DUT profile claims this flag "
                                "(e.g. ocpp:mtls: the charger reconnects with a new client certificate)")
    name: str | None = Name


class CsmsExpectNoConnect(StepBase):
    """Make sure the charger does not connect for a while (it must refuse an invalid server)."""

    action: Literal["csms.expect_no_connect"]
    seconds: Number
    name: str | None = Name


class CsmsDisconnect(StepBase):
    """Close the charger's connection from the CSMS side (it must reconnect)."""

    action: Literal["csms.disconnect"]


class CsmsTls(StepBase):
    """Switch the CSMS's TLS server (negative tests) and drop the connection so the charger must handshake."""

    action: Literal["csms.tls"]
    variant: Literal["valid", "untrusted", "expired", "tls11"]


class CsmsSchema(StepBase):
    """Strict: answer schema violations with a CallError. Record: answer normally, keep the finding."""

    action: Literal["csms.schema"]
    mode: Literal["strict", "record"]


class CsmsSigning(StepBase):
    """How the CSMS CA answers the charger's SignCertificate: a valid chain, an untrusted one, or nothing."""

    action: Literal["csms.signing"]
    mode: Literal["valid", "untrusted", "none"]


class CsmsEnergyBegin(StepBase):
    """Start comparing energy: reset and start the analyzer's integrator, note the charger's meter."""

    action: Literal["csms.energy_begin"]
    instrument: str = "analyzer"
    timeout_s: Number = 10.0


class CsmsEnergyCheck(StepBase):
    """Stop the integrator and judge the charger's metered energy against it (relative error, %)."""

    action: Literal["csms.energy_check"]
    instrument: str = "analyzer"
    limit: str
    timeout_s: Number = 10.0
    name: str | None = Name


class CsmsVerifyOcmf(StepBase):
    """Verify every OCMF signed meter value received in this test with the DUT profile's public key."""

    action: Literal["csms.verify_ocmf"]
    name: str | None = Name


OCPP_STEPS: tuple[type, ...] = (
    CsmsExpect, CsmsCall, CsmsSetReply, CsmsForbid, CsmsReady, CsmsMark, CsmsFindings, CsmsExpectConnect,
    CsmsExpectNoConnect, CsmsDisconnect, CsmsTls, CsmsSchema, CsmsSigning, CsmsEnergyBegin, CsmsEnergyCheck,
    CsmsVerifyOcmf,
)
