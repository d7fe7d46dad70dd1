"""What the simulated charger's OCPP client shares across versions: the connection loop (reconnect with
backoff, Basic auth, TLS, client certificate), the coupling to the virtual lab (transactions gate the
pilot PWM, charging profiles change the offered current through ``lab.set_setpoint``, the meter reads the
lab's energy), certificates and OCMF signing."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
import json
import ssl
import warnings
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.asyncio.client import connect

from .rpc import Rpc

MAX_PURPOSE = ("ChargePointMaxProfile", "ChargingStationMaxProfile")
POLL_S = 0.005  # real seconds between looks at the EV's pilot state


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ocmf_key(cp_id: str) -> ec.EllipticCurvePrivateKey:
    """The meter's signing key, derived from the charge point id so the DUT profile can carry its public key."""
    n = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
    seed = int.from_bytes(hashlib.sha256(b"chargebench-ocmf:" + cp_id.encode()).digest(), "big") % (n - 1) + 1
    return ec.derive_private_key(seed, ec.SECP256R1())


def ocmf_public_hex(cp_id: str) -> str:
    return ocmf_key(cp_id).public_key().public_bytes(serialization.Encoding.DER,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo).hex()


class Station:
    """Base of the 1.6 and 2.0.1 behaviours. Subclasses provide ``handlers()``, ``online()`` and ``on_ev()``."""

    version = ""
    subprotocol = ""

    def __init__(self, lab: Any, dut: Any, url: str, pki: Path | None, defects: set[str]):
        self.lab, self.dut, self.url, self.pki = lab, dut, url, pki
        self.cfg = dut.ocpp
        self.cp_id = self.cfg.charge_point_id
        self.defects = defects
        self.ts = lab.time_scale
        self.sp = self.cfg.security_profile
        self.password = self.cfg.password.get_secret_value() if self.cfg.password else None
        self.client_cert = (pki / f"cp-{self.cp_id}.pem", pki / f"cp-{self.cp_id}.key") if pki else None
        self.rpc: Rpc | None = None
        self.heartbeat_s = float(self.cfg.heartbeat_interval_s)
        self.energy_allowed = False
        self.available = True
        self.tx: dict | None = None
        self.profiles: dict[int, dict] = {}
        self.limit_a: float | None = None
        self.installed: list[tuple[str, str]] = []
        self.csr_key: ec.EllipticCurvePrivateKey | None = None
        self.connects = 0
        self._stop = asyncio.Event()
        self._drop = asyncio.Event()
        self._server_closed = False
        self._wh = 0.0
        self._wh_t = lab.now()
        self._ev_changes: asyncio.Queue[str] = asyncio.Queue()
        self._ev_last = lab.ev.state
        self._hook_lab()

    def d(self, name: str) -> bool:
        return name in self.defects

    # -- time ----------------------------------------------------------------------------------------------
    async def vsleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0) / self.ts)

    # -- coupling to the lab ---------------------------------------------------------------------------------
    def _hook_lab(self) -> None:
        lab, charger = self.lab, self.lab.charger
        integrate, duty = lab._integrate, charger.duty_pct

        def integrate_and_meter(t: float) -> None:
            self._wh += lab.power_w() * (t - self._wh_t) / 3600.0
            self._wh_t = t
            integrate(t)

        def gated_duty() -> float:
            value = duty()
            return 100.0 if not self.energy_allowed and 0.0 < value < 100.0 else value

        set_state = lab.set_ev_state

        def set_state_and_tell(state: str) -> None:
            set_state(state)
            self._ev_changes.put_nowait(state)

        lab.set_ev_state = set_state_and_tell  # every pilot state change reaches the OCPP side, in order
        lab._integrate = integrate_and_meter  # the charger's own meter sees what the lab delivers
        charger.duty_pct = gated_duty  # no PWM (state B1/C1) until a transaction is authorised

    def meter_wh(self) -> float:
        self.lab._integrate(self.lab.now())
        return self._wh * (1.03 if self.d(f"ocpp{self.version.replace('.', '')}_meter_reads_high") else 1.0)

    def allow_energy(self, allowed: bool) -> None:
        if self.energy_allowed != allowed:
            self.energy_allowed = allowed
            t = self.lab.now()
            self.lab.charger.reevaluate(t)
            self.lab._recompute(t)

    def ev_state(self) -> str:
        return self.lab.ev.state

    def set_available(self, available: bool) -> None:
        self.available = available
        self.lab.set_available(available)

    # -- charging profiles -------------------------------------------------------------------------------------
    def add_profile(self, profile: dict, tx_bound: bool) -> None:
        schedule = profile["chargingSchedule"]
        schedule = schedule[0] if isinstance(schedule, list) else schedule
        self.profiles[int(profile.get("chargingProfileId", profile.get("id", 0)))] = {
            "purpose": profile["chargingProfilePurpose"], "stack": int(profile["stackLevel"]),
            "unit": schedule["chargingRateUnit"], "periods": schedule["chargingSchedulePeriod"],
            "t0": self.lab.now(), "tx": tx_bound, "raw": profile}
        self.update_limit()

    def clear_profiles(self, profile_id: int | None = None, purpose: str | None = None,
                       stack: int | None = None) -> bool:
        gone = [k for k, p in self.profiles.items()
                if (profile_id is None or k == profile_id) and (purpose is None or p["purpose"] == purpose)
                and (stack is None or p["stack"] == stack)]
        for k in gone:
            del self.profiles[k]
        self.update_limit()
        return bool(gone)

    def _profile_limit(self, p: dict, now: float) -> float:
        elapsed = now - p["t0"]
        limit = p["periods"][0]["limit"]
        for period in p["periods"]:
            if float(period["startPeriod"]) <= elapsed:
                limit = period["limit"]
        limit = float(limit)
        if p["unit"] == "W":
            limit = limit / (self.dut.nominal_voltage_v * self.dut.phases)
        return limit

    def composite_limit(self) -> float | None:
        now = self.lab.now()

        def top(purposes: tuple[str, ...]) -> dict | None:
            cands = [p for p in self.profiles.values() if p["purpose"] in purposes
                     and (p["purpose"] != "TxProfile" or self.tx is not None)]
            return max(cands, key=lambda p: p["stack"]) if cands else None

        limits = []
        tx = top(("TxProfile",)) or top(("TxDefaultProfile",))
        if tx is not None:
            limits.append(self._profile_limit(tx, now))
        cap = top(MAX_PURPOSE)
        if cap is not None:
            limits.append(self._profile_limit(cap, now))
        return min(limits) if limits else None

    def update_limit(self) -> None:
        limit = self.composite_limit()
        if limit == self.limit_a:
            return
        self.limit_a = limit
        if self.d(f"ocpp{self.version.replace('.', '')}_profile_not_applied"):
            return
        self.lab.set_setpoint(self.dut.max_current_a if limit is None else min(limit, self.dut.max_current_a))

    # -- certificates ------------------------------------------------------------------------------------------
    def make_csr(self, cn: str | None = None) -> str:
        self.csr_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ChargeBench Test CPO"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn or self.cp_id)])
        csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(self.csr_key, hashes.SHA256())
        return csr.public_bytes(serialization.Encoding.PEM).decode()

    def check_signed(self, chain_pem: str) -> bool:
        """Accept a chain only if its leaf is signed by our CSMS root, is current, and names us."""
        if self.pki is None or self.csr_key is None:
            return False
        try:
            certs = x509.load_pem_x509_certificates(chain_pem.encode())
            root = x509.load_pem_x509_certificate((self.pki / "ca.pem").read_bytes())
            leaf = certs[0]
            leaf.verify_directly_issued_by(root)
            cn = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
            now = dt.datetime.now(dt.UTC)
            return cn == self.cp_id and leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc
        except Exception:  # any parse or signature problem means: not valid
            return False

    def install_client_cert(self, chain_pem: str) -> None:
        assert self.pki is not None and self.csr_key is not None
        cert, key = self.pki / f"cp-{self.cp_id}-new.pem", self.pki / f"cp-{self.cp_id}-new.key"
        cert.write_text(chain_pem)
        key.write_bytes(self.csr_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        self.client_cert = (cert, key)

    @staticmethod
    def hash_data(pem: str) -> dict[str, str]:
        """CertificateHashDataType as the charger computes it (its own code, not the harness's): SHA-256 of the
        issuer name's DER and of the issuer key's bits; for the self-signed roots installed here the issuer
        key is the certificate's own."""
        cert = x509.load_pem_x509_certificate(pem.encode())
        key = cert.public_key().public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint)
        return {"hashAlgorithm": "SHA256", "issuerNameHash": hashlib.sha256(cert.issuer.public_bytes()).hexdigest(),
                "issuerKeyHash": hashlib.sha256(key).hexdigest(), "serialNumber": format(cert.serial_number, "x")}

    # -- OCMF --------------------------------------------------------------------------------------------------
    def ocmf(self, context: str) -> str:
        reading = {"TM": now_iso(), "RV": round(self.meter_wh() / 1000, 4), "RI": "01-00:98.08.00.FF",
                   "RU": "kWh", "ST": "G"}
        payload = json.dumps({"FV": "1.0", "GI": "ChargeBench Sim Meter", "GS": self.dut.serial or self.cp_id,
                              "PG": "T1", "TT": context, "RD": [reading]}, separators=(",", ":"))
        data = payload.encode()
        if self.d(f"ocpp{self.version.replace('.', '')}_ocmf_bad_signature"):
            data = data + b" "
        sig = ocmf_key(self.cp_id).sign(data, ec.ECDSA(hashes.SHA256())).hex()
        return f"OCMF|{payload}|" + json.dumps({"SA": "ECDSA-secp256r1-SHA256", "SD": sig}, separators=(",", ":"))

    # -- connection ----------------------------------------------------------------------------------------------
    def _ssl(self) -> ssl.SSLContext | None:
        """TLS 1.2+ against the CSMS root (security profiles 2/3), the client certificate for profile 3."""
        if self.sp < 2:
            return None
        v = self.version.replace(".", "")
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.pem")) if self.pki else ssl.create_default_context()
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.d(f"ocpp{v}_accepts_any_server_cert"):
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if self.d(f"ocpp{v}_tls11_allowed"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1_1
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        if self._server_closed and self.d(f"ocpp{v}_first_reconnect_no_client_cert"):
            pass
        elif self.sp == 3 and self.client_cert:
            ctx.load_cert_chain(*self.client_cert)
        return ctx

    def _headers(self) -> dict[str, str]:
        if self.sp in (1, 2) and self.password is not None:
            token = base64.b64encode(f"{self.cp_id}:{self.password}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        return {}

    def reconnect(self) -> None:
        self._drop.set()

    async def run(self) -> None:
        backoff = 1.0
        while not self._stop.is_set():
            url = self.url.replace("ws://", "wss://") if self.sp >= 2 else self.url
            try:
                headers = self._headers()
                if self._server_closed and self.d(f"ocpp{self.version.replace('.', '')}_first_reconnect_bad_auth"):
                    token = base64.b64encode(f"not-{self.cp_id}:{self.password}".encode()).decode()
                    headers = {"Authorization": f"Basic {token}"}
                ctx = self._ssl()
                self._server_closed = False  # the defects above bend only the first attempt after a close
                async with connect(url, subprotocols=[self.subprotocol], additional_headers=headers,
                                   ssl=ctx, open_timeout=5, ping_interval=None, close_timeout=1) as ws:
                    self.connects += 1
                    backoff = 1.0
                    await self._session(ws)
            except asyncio.CancelledError:
                raise
            except Exception:  # refused, TLS failure, 401, dropped: retry like a real charger
                pass
            if self._stop.is_set():
                break
            await self.vsleep(backoff)
            backoff = min(backoff * 2, 8.0)

    async def _session(self, ws: Any) -> None:
        self.rpc = Rpc(ws, self.handlers(), timeout_s=max(2.0, 30.0 / self.ts))
        self._drop.clear()
        tasks = [asyncio.ensure_future(c) for c in (self.rpc.serve(), self.online(), self._watch(),
                                                    self._drop.wait(), self._stop.wait())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            self._server_closed = tasks[0].done() and not (self._drop.is_set() or self._stop.is_set())
        finally:
            for t in tasks:
                t.cancel()
            self.rpc = None

    async def _watch(self) -> None:
        """Follow the EV's pilot state changes in order (none is lost while a CALL is outstanding)."""
        limits = asyncio.ensure_future(self._limits())
        try:
            while True:
                state = await self._ev_changes.get()
                if state != self._ev_last:
                    old, self._ev_last = self._ev_last, state
                    with contextlib.suppress(Exception):
                        await self.on_ev(old, state)
        finally:
            limits.cancel()

    async def _limits(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            self.update_limit()

    async def stop(self) -> None:
        self._stop.set()

    # -- to be provided by the version ----------------------------------------------------------------------------
    def handlers(self) -> dict:
        raise NotImplementedError

    async def online(self) -> None:
        raise NotImplementedError

    async def on_ev(self, old: str, new: str) -> None:
        raise NotImplementedError
