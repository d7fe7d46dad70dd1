"""Security profiles over real sockets: Basic auth in the upgrade (SP1/SP2), TLS 1.2+ (SP2), mutual TLS (SP3),
the test PKI (CSR signing, certificate hash data), negative server variants, and secrets kept out of traces.
Then the suites under security profiles 2 and 3, nominal and with their TLS defects."""

from __future__ import annotations

import asyncio
import base64
import ssl
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from suite_runner import run_suite, verdicts
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from harness.protocols.ocpp import Csms, CsmsConfig
from harness.protocols.ocpp.pki import TestPki, cert_hash_data
from harness.protocols.ocpp.trace import Tracer

PASSWORD = "s3cret-password-0042"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return TestPki(tmp_path_factory.mktemp("pki")).ensure(["CP1"])


def _server(tmp_path, profile: int, pki: TestPki | None = None, variant: str = "valid") -> Csms:
    ctx = pki.server_context(variant, mutual=profile == 3) if pki else None
    cfg = CsmsConfig(security_profile=profile, passwords={"CP1": PASSWORD}, ssl_context=ctx)
    return Csms(cfg, Tracer(tmp_path / "traces")).start()


def _client_ctx(pki: TestPki, cert: bool = False) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(pki.path("ca.pem")))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert:
        ctx.load_cert_chain(pki.path("cp-CP1.pem"), pki.path("cp-CP1.key"))
    return ctx


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def _try(url: str, **kw) -> str:
    try:
        async with connect(url, subprotocols=["ocpp1.6"], open_timeout=3, **kw) as ws:
            await ws.send('[2,"1","Heartbeat",{}]')
            await asyncio.wait_for(ws.recv(), 3)
            return "ok"
    except InvalidStatus as exc:
        return f"http {exc.response.status_code}"
    except (ssl.SSLError, OSError, TimeoutError) as exc:
        return f"tls {type(exc).__name__}"
    except Exception as exc:  # the server closing on a bad client certificate surfaces differently per version
        return f"closed {type(exc).__name__}"


def test_sp1_basic_auth_accepts_right_and_refuses_wrong(tmp_path):
    csms = _server(tmp_path, 1)
    url = f"ws://127.0.0.1:{csms.port}/ocpp/CP1"
    try:
        assert asyncio.run(_try(url, additional_headers=_basic("CP1", PASSWORD))) == "ok"
        assert asyncio.run(_try(url, additional_headers=_basic("CP1", "wrong-password-000"))) == "http 401"
        assert asyncio.run(_try(url, additional_headers=_basic("CP2", PASSWORD))) == "http 401"
        assert asyncio.run(_try(url)) == "http 401"
        reasons = [m.payload["reason"] for m in csms.charger("CP1").history if m.action == "<rejected>"]
        assert reasons == ["wrong password", "Basic auth user is not the cp id", "no Basic authorization header"]
    finally:
        csms.stop()
    text = "".join(p.read_text() for p in (tmp_path / "traces").glob("*.jsonl"))
    assert PASSWORD not in text and "wrong-password-000" not in text


def test_sp2_tls_and_negative_server_variants(tmp_path, pki):
    csms = _server(tmp_path, 2, pki)
    url = f"wss://127.0.0.1:{csms.port}/ocpp/CP1"
    hdr = _basic("CP1", PASSWORD)
    try:
        assert asyncio.run(_try(url, ssl=_client_ctx(pki), additional_headers=hdr)) == "ok"
        info = next(m.payload for m in csms.charger("CP1").history if m.action == "<connect>")
        assert info["tls_version"] in ("TLSv1.2", "TLSv1.3")
        for variant in ("untrusted", "expired", "tls11"):
            pki.apply(csms.config.ssl_context, variant, mutual=False)
            assert asyncio.run(_try(url, ssl=_client_ctx(pki), additional_headers=hdr)).startswith("tls"), variant
        pki.apply(csms.config.ssl_context, "valid", mutual=False)
        assert asyncio.run(_try(url, ssl=_client_ctx(pki), additional_headers=hdr)) == "ok"
    finally:
        csms.stop()


def test_sp3_mutual_tls_needs_a_client_certificate(tmp_path, pki):
    csms = _server(tmp_path, 3, pki)
    url = f"wss://127.0.0.1:{csms.port}/ocpp/CP1"
    try:
        assert asyncio.run(_try(url, ssl=_client_ctx(pki, cert=True))) == "ok"
        info = [m.payload for m in csms.charger("CP1").history if m.action == "<connect>"][-1]
        assert info["client_cert"] == {"cn": "CP1", "o": "ChargeBench Test CPO"}
        assert asyncio.run(_try(url, ssl=_client_ctx(pki))) != "ok"
    finally:
        csms.stop()


def test_csr_signing_and_hash_data(pki):
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CP1")]))
           .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode())
    chain = x509.load_pem_x509_certificates(pki.sign_csr(csr).encode())
    root = x509.load_pem_x509_certificate(pki.path("ca.pem").read_bytes())
    chain[0].verify_directly_issued_by(root)
    bad = x509.load_pem_x509_certificates(pki.sign_csr(csr, valid=False).encode())[0]
    with pytest.raises(Exception):  # noqa: B017 - signed by the untrusted CA: any verification error
        bad.verify_directly_issued_by(root)
    h = cert_hash_data(pki.path("ca.pem").read_text())
    assert h["serialNumber"] == format(root.serial_number, "x") and len(h["issuerNameHash"]) == 64
    assert pki.path("cp-CP1.key").stat().st_mode & 0o077 == 0


SECURITY_RUNS = [
    ("suites/ocpp16_core.yaml", "profiles/dut/ac_ocpp16_sp2.yaml",
     ["ocpp16_first_reconnect_bad_auth", "ocpp16_accepts_any_server_cert"], {"TC_086_CS", "TC_087_CS"}),
    ("suites/ocpp201_core.yaml", "profiles/dut/ac_ocpp201_sp3.yaml",
     ["ocpp201_accepts_any_server_cert", "ocpp201_tls11_allowed", "ocpp201_first_reconnect_no_client_cert"],
     {"TC_A_05_CS", "TC_A_06_CS", "TC_A_07_CS"}),
]


def test_suites_under_security_profiles_2_and_3(tmp_path):
    jobs = []
    for i, (suite, dut, defects, _targets) in enumerate(SECURITY_RUNS):
        jobs += [(suite, dut, [], tmp_path / f"nominal{i}"), (suite, dut, defects, tmp_path / f"defects{i}")]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        records = list(pool.map(lambda j: run_suite(j[0], j[1], j[3], j[2], time_scale=40), jobs))
    for i, (_suite, _dut, _defects, targets) in enumerate(SECURITY_RUNS):
        nominal, broken = verdicts(records[2 * i]), verdicts(records[2 * i + 1])
        assert all(nominal[t] == "PASS" for t in targets), nominal
        bad = {k: v for k, v in nominal.items() if v not in ("PASS", "NOT_APPLICABLE")}
        assert not bad, [(t["id"], t["reason"]) for t in records[2 * i]["tests"] if t["id"] in bad]
        changed = {k for k in nominal if broken[k] != nominal[k]}
        assert changed == targets and all(broken[t] == "FAIL" for t in targets), (changed, targets)
