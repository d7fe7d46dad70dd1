"""The CSMS as an engine service: started per run from the DUT profile's ``ocpp:`` section, with per-test
state (expectation mark, reply overrides, forbidden actions), the SignCertificate CA and password tracking.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .csms import Csms, CsmsConfig
from .frames import CALLRESULT
from .pki import TestPki, cert_hash_data
from .session import CONNECT, Charger, Session
from .trace import Tracer

SUBPROTOCOL = {"1.6": "ocpp1.6", "2.0.1": "ocpp2.0.1"}


class CsmsService:
    name = "csms"

    def __init__(self, dut: Any):
        self.dut = dut
        self.cfg = dut.ocpp
        self.cp_id: str = self.cfg.charge_point_id
        self.csms: Csms | None = None
        self.pki: TestPki | None = None
        self.ssl = None
        self.test_key: object = None
        self.mark = 0
        self.cursor: dict[str, int] = {}
        self.last_seen: dict[str, Any] = {}
        self.findings_mark = 0
        self.signing = "valid"
        self.variant = "valid"
        self.run_dir: Any = None
        self.energy_start: float | None = None  # Wh, noted by csms.energy_begin

    # -- life cycle -------------------------------------------------------------------------------------------
    def start(self, run_dir: Any, resolve: Callable[[str], str]) -> None:
        self.run_dir = run_dir
        host, _, port = resolve(self.cfg.csms).rpartition(":")
        sp = self.cfg.security_profile
        if self.cfg.pki:
            self.pki = TestPki(Path(resolve(self.cfg.pki))).ensure()
        if sp >= 2:
            if self.pki is None:
                raise RuntimeError("security profile 2/3 needs ocpp.pki (the CSMS's certificates)")
            self.ssl = self.pki.server_context("valid", mutual=sp == 3)
        passwords = {self.cp_id: self.cfg.password.get_secret_value()} if self.cfg.password else {}
        config = CsmsConfig(host=host or "127.0.0.1", port=int(port), path_prefix="/", security_profile=sp,
                            passwords=passwords, ssl_context=self.ssl,
                            heartbeat_interval=self.cfg.heartbeat_interval_s, strict_schema=self.cfg.strict_schema,
                            versions=[SUBPROTOCOL[v] for v in self.cfg.versions])
        self.csms = Csms(config, Tracer(Path(run_dir.path) / "traces")).start()
        self.csms.after["SignCertificate"] = self._sign
        self.csms.on_result_hooks.append(self._track_password)
        run_dir.event("csms_started", address=f"{config.host}:{self.csms.port}", security_profile=sp,
                      versions=config.versions, charge_point_id=self.cp_id)

    def safe_state(self) -> None:
        """End a running transaction from the backend side, so no energy keeps flowing because of us."""
        if self.csms is None:
            return
        tx = self.transaction_id()
        ch = self.csms.chargers.get(self.cp_id)
        if tx is None or ch is None or ch.session is None:
            return
        action, payload = (("RemoteStopTransaction", {"transactionId": tx}) if ch.version == "1.6"
                           else ("RequestStopTransaction", {"transactionId": tx}))
        try:
            self.csms.call(self.cp_id, action, payload, 2.0)
        except Exception:  # best effort: the EV emulator's state A already ends the session
            pass

    def stop(self) -> None:
        if self.csms is not None:
            self.csms.stop()

    # -- per test ---------------------------------------------------------------------------------------------
    def charger(self) -> Charger:
        assert self.csms is not None
        return self.csms.charger(self.cp_id, self.cfg.version if self.cp_id not in self.csms.chargers else None)

    def begin(self, key: object) -> Charger:
        """Called by every action: a new test starts from a clean slate of overrides and a fresh mark."""
        ch = self.charger()
        if key is not self.test_key:
            self.test_key = key
            ch.replies.reset()
            ch.forbidden.clear()
            ch.strict_schema = self.cfg.strict_schema
            self.mark = ch.history[-1].seq if ch.history else 0
            self.cursor.clear()
            self.last_seen.clear()
            self.findings_mark = len(ch.findings)
            self.signing = "valid"
            if self.cfg.password is not None:
                self.csms.set_password(self.cp_id, self.cfg.password.get_secret_value())
            if self.variant != "valid":
                self.set_tls("valid")
        return ch

    def registered(self) -> bool:
        """The charger's last BootNotification on its current connection was answered Accepted."""
        ch = self.charger()
        for m in reversed(ch.history):
            if m.action == "BootNotification" and m.kind == CALLRESULT:
                return m.payload.get("status") == "Accepted"
            if m.action == CONNECT:
                return False
        return False

    def set_mark(self) -> None:
        ch = self.charger()
        self.mark = ch.history[-1].seq if ch.history else 0
        self.cursor.clear()

    def set_tls(self, variant: str) -> None:
        if self.ssl is None or self.pki is None:
            raise RuntimeError("the CSMS runs without TLS (security profile 0/1)")
        self.pki.apply(self.ssl, variant, mutual=self.cfg.security_profile == 3)
        self.variant = variant
        self.csms.disconnect(self.cp_id)

    # -- values a step can refer to ----------------------------------------------------------------------------
    def transaction_id(self) -> Any:
        ch = self.csms.chargers.get(self.cp_id) if self.csms else None
        if ch is None:
            return None
        for m in reversed(ch.history):
            if ch.version == "1.6" and m.action == "StartTransaction" and m.kind == CALLRESULT:
                return m.payload.get("transactionId")
            if ch.version == "1.6" and m.action == "StopTransaction" and m.direction == "rx":
                return None
            if ch.version != "1.6" and m.action == "TransactionEvent" and m.direction == "rx" and m.kind == 2:
                if m.payload.get("eventType") == "Ended":
                    return None
                return m.payload.get("transactionInfo", {}).get("transactionId")
        return None

    def substitute(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        if not isinstance(value, str) or not value.startswith("$"):
            return value
        if value == "$password":
            return self.cfg.password.get_secret_value() if self.cfg.password else ""
        if value == "$new_password":
            new = secrets.token_hex(10)
            self.csms.tracer.add_secret(new)
            return new
        if value == "$tx":
            return self.transaction_id()
        m = re.fullmatch(r"\$now([+-]\d+)?", value)
        if m:
            t = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(m.group(1) or 0))
            return t.isoformat(timespec="seconds").replace("+00:00", "Z")
        if value in ("$ca_cert", "$ca_hash"):
            if self.pki is None:
                raise RuntimeError("no test PKI is configured (ocpp.pki)")
            pem = self.pki.path("ca.pem").read_text()
            return pem if value == "$ca_cert" else cert_hash_data(pem)
        return value

    # -- hooks on the CSMS loop --------------------------------------------------------------------------------
    async def _sign(self, session: Session, request: dict, reply: dict) -> None:
        """The CSMS acting as CA: sign the charger's CSR and send CertificateSigned."""
        if self.pki is None or self.signing == "none" or reply.get("status") != "Accepted":
            return
        try:
            chain = self.pki.sign_csr(request["csr"], valid=self.signing == "valid")
        except Exception as exc:  # a CSR we cannot read is the charger's fault
            session.charger.find("bad_csr", str(exc), str(request.get("csr", ""))[:200], time.time())
            return
        payload: dict = {"certificateChain": chain}
        if session.version != "1.6":
            payload["certificateType"] = "ChargingStationCertificate"
        await session.call("CertificateSigned", payload, 10.0)

    def _track_password(self, session: Session, action: str, request: dict, result: dict) -> None:
        """A password the charger accepted is the one it will come back with."""
        if action == "ChangeConfiguration" and request.get("key") == "AuthorizationKey" \
                and result.get("status") in ("Accepted", "RebootRequired"):
            self.csms.set_password(session.charger.cp_id, request["value"])
        if action == "SetVariables":
            for item, res in zip(request.get("setVariableData", []), result.get("setVariableResult", []),
                                 strict=False):
                if item.get("variable", {}).get("name") == "BasicAuthPassword" \
                        and res.get("attributeStatus") == "Accepted":
                    self.csms.set_password(session.charger.cp_id, item["attributeValue"])
