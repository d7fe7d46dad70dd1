"""Sessions against a real peer nobody here wrote (Josev, PyPI iso15118 0.31.2), both ways, in a private
network namespace. Slow (~20 s per session, two JVMs), so opt-in: CHARGEBENCH_JOSEV=1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from .labrun import ROOT, namespaces_unavailable

PEER = ROOT / "tools" / "josev_peer"
VENV = ROOT / ".venv-josev" / "bin" / "python"


def _why_skip() -> str | None:
    if os.environ.get("CHARGEBENCH_JOSEV") != "1":
        return "Josev interop is opt-in (CHARGEBENCH_JOSEV=1; about 3 minutes)"
    if not VENV.exists():
        return "no .venv-josev: run tools/josev_peer/setup.sh"
    if not shutil.which("java"):
        return "no JRE: Josev's EXI codec needs java"
    return namespaces_unavailable("openssl")


WHY_SKIP = _why_skip()
pytestmark = pytest.mark.skipif(WHY_SKIP is not None, reason=WHY_SKIP or "")


def _record(out: str) -> dict:
    return json.loads(out[out.index("{"):])


@pytest.mark.parametrize("protocol", ["din70121", "iso15118-2", "iso15118-20"])
def test_our_ev_completes_against_josev_secc(protocol: str) -> None:
    run = subprocess.run([str(PEER / "ev_vs_josev.sh"), protocol], capture_output=True, text=True, timeout=180)
    rec = _record(run.stdout)
    assert rec["outcome"] == "completed", (rec["outcome"], run.stderr[-2000:])
    names = {e["request"].removeprefix("DC_") for e in rec["exchanges"]}
    loop = "ChargeLoopReq" if protocol == "iso15118-20" else "CurrentDemandReq"
    assert {"CableCheckReq", "PreChargeReq", loop, "WeldingDetectionReq", "SessionStopReq"} <= names


def test_our_bpt_discharge_is_accepted_by_josev_secc() -> None:
    """ISO 15118-20 DC_BPT with the EV discharging (negative EVTargetCurrent, BPT_ChannelSelection Discharge,
    a negative EVPowerProfile entry): Josev's SECC decodes and validates every message."""
    run = subprocess.run([str(PEER / "ev_vs_josev.sh"), "iso15118-20", "--energy", "DC_BPT", "--target-a", "-50"],
                         capture_output=True, text=True, timeout=180)
    rec = _record(run.stdout)
    assert rec["outcome"] == "completed", (rec["outcome"], run.stderr[-2000:])
    assert sum(e["request"] == "DC_ChargeLoopReq" and e["code"] == "OK" for e in rec["exchanges"]) >= 3


@pytest.mark.parametrize(("deviation", "code"), [
    ("out_of_sequence:ServiceDiscoveryReq:CurrentDemandReq", "FAILED_SequenceError"),
    ("wrong_session_id:ServiceDiscoveryReq", "FAILED_UnknownSession"),
])
def test_deviations_sent_to_josev_secc(deviation: str, code: str) -> None:
    run = subprocess.run([str(PEER / "ev_vs_josev.sh"), "iso15118-2", "--deviation", deviation],
                         capture_output=True, text=True, timeout=180)
    rec = _record(run.stdout)
    dev = [e for e in rec["exchanges"] if e["deviation"]]
    assert dev and dev[0]["code"] == code, rec


@pytest.mark.parametrize("protocol", ["din70121", "iso15118-2", "iso15118-20"])
def test_josev_ev_completes_against_our_charger(protocol: str) -> None:
    run = subprocess.run([str(PEER / "josev_ev_vs_sim.sh"), protocol, "40"], capture_output=True, text=True,
                         timeout=180)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "SessionStopRes received" in run.stdout


@pytest.mark.parametrize(("args", "code"), [
    ([], None),
    (["--install"], None),
    (["--deviation", "bad_signature:AuthorizationReq"], "FAILED_SignatureError"),
    (["--deviation", "wrong_challenge:AuthorizationReq"], "FAILED_ChallengeInvalid"),
])
def test_our_pnc_ev_against_josev_secc(args: list[str], code: str | None) -> None:
    """ISO 15118-2 DC Plug & Charge over TLS 1.2 with Josev's own test PKI: Josev verifies our contract chain and
    signatures; with --install our EV verifies and decrypts Josev's CertificateInstallationRes; our deliberately
    bad AuthorizationReqs get Josev's FAILED codes."""
    run = subprocess.run([str(PEER / "pnc_vs_josev.sh"), *args], capture_output=True, text=True, timeout=180)
    rec = _record(run.stdout)
    auth = [e for e in rec["exchanges"] if e["request"] == "AuthorizationReq"]
    if code is None:
        assert rec["outcome"] == "completed" and rec["pnc"].get("authorized"), (rec["outcome"], run.stderr[-2000:])
        assert rec["sdp"]["tls"] == "TLSv1.2"
        if "--install" in args:
            assert rec["pnc"].get("installed") == rec["pnc"]["emaid"]
    else:
        assert auth and auth[-1]["code"] == code, rec


@pytest.mark.parametrize(("args", "expect"), [
    ([], "completed"),
    (["--deviation", "bad_signature:AuthorizationReq"], "FAILED_SignatureError"),
    (["--no-client-cert"], "no session"),
])
def test_our_pnc20_ev_against_josev_secc(args: list[str], expect: str) -> None:
    """ISO 15118-20 DC Plug & Charge over TLS 1.3 with our EV's client certificate (Josev requires one): Josev
    verifies our signed PnC_AReqAuthorizationMode; without a client certificate there is no session."""
    run = subprocess.run([str(PEER / "pnc_vs_josev.sh"), *args], capture_output=True, text=True, timeout=180,
                         env={**os.environ, "PROTO": "iso15118-20"})
    rec = _record(run.stdout)
    if expect == "completed":
        assert rec["outcome"] == "completed" and rec["pnc"].get("authorized"), (rec["outcome"], run.stderr[-2000:])
        assert rec["sdp"]["tls"] == "TLSv1.3"
    elif expect == "no session":
        assert not any(e["request"] == "SessionSetupReq" for e in rec["exchanges"]), rec
    else:
        auth = [e for e in rec["exchanges"] if e["request"] == "AuthorizationReq"]
        assert auth and auth[-1]["code"] == expect, rec


@pytest.mark.parametrize("args", [[], ["install"], ["install", "--defect", "dc_pnc_bad_install_signature"]])
def test_josev_pnc_ev_against_our_charger(args: list[str]) -> None:
    """Josev's EV doing ISO 15118-2 Plug & Charge over TLS with our simulated charger holding Josev's PKI: our
    charger verifies Josev's signed AuthorizationReq; with install, Josev verifies our CPS-signed
    CertificateInstallationRes and decrypts our encrypted contract key; a tampered signature makes it stop."""
    run = subprocess.run([str(PEER / "josev_pnc_ev_vs_sim.sh"), *args], capture_output=True, text=True, timeout=180)
    out = run.stdout
    if "--defect" in args:
        assert run.returncode != 0 and "Signature verification of CertificateInstallationRes failed" in out, out[-3000:]
        return
    assert run.returncode == 0, out[-3000:] + run.stderr[-2000:]
    assert '"request": "AuthorizationReq", "code": "OK"' in out
    assert ('"request": "CertificateInstallationReq", "code": "OK"' in out) == ("install" in args)
