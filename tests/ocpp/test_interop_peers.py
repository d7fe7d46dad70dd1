"""The CSMS serving charge points nobody here wrote, over real sockets, security profiles 0 to 3:
em-ocpp-chargepoint-simulator (npm, OCPP 1.6J, a full remote start/stop scenario) and test-ocpp (PyPI, 1.6 and
2.0.1 boot/heartbeat and transport security checks). Installed by tools/ocpp_peers/setup.sh; skipped with
that hint when missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.protocols.ocpp import Csms, CsmsConfig
from harness.protocols.ocpp.expect import wait_for
from harness.protocols.ocpp.pki import TestPki
from harness.protocols.ocpp.trace import Tracer

PEERS = Path(__file__).resolve().parents[2] / "tools" / "ocpp_peers"
EM_MAIN = PEERS / "node_modules/em-ocpp-chargepoint-simulator/build/src/main.js"
_VENV_TEST_OCPP = PEERS / ".venv-test-ocpp/bin/test-ocpp"
TEST_OCPP = _VENV_TEST_OCPP if _VENV_TEST_OCPP.exists() else Path(shutil.which("test-ocpp") or _VENV_TEST_OCPP)
HINT = "run tools/ocpp_peers/setup.sh to install the OCPP peers"
PASSWORD = "interop-password-0123"

needs_em = pytest.mark.skipif(not EM_MAIN.exists() or shutil.which("node") is None,
                              reason=f"em-ocpp-chargepoint-simulator is not installed: {HINT}")
needs_test_ocpp = pytest.mark.skipif(not TEST_OCPP.exists(), reason=f"test-ocpp is not installed: {HINT}")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return TestPki(tmp_path_factory.mktemp("pki")).ensure(["EMSIM01", "TOCPP01"])


def _csms(tmp_path: Path, profile: int, pki: TestPki, cp: str) -> Csms:
    ctx = pki.server_context("valid", mutual=profile == 3) if profile >= 2 else None
    cfg = CsmsConfig(security_profile=profile, passwords={cp: PASSWORD}, ssl_context=ctx, heartbeat_interval=60,
                     strict_schema=False)  # record-only: a peer's off-spec frame is a finding, the scenario goes on
    return Csms(cfg, Tracer(tmp_path / "traces")).start()


@needs_em
@pytest.mark.parametrize("profile", [0, 1, 2, 3])
def test_em_simulator_full_session(tmp_path, pki, profile):
    cp = "EMSIM01"
    csms = _csms(tmp_path, profile, pki, cp)
    scheme = "wss" if profile >= 2 else "ws"
    auth = f"{cp}:{PASSWORD}@" if profile in (1, 2) else ""
    env = {**os.environ, "CB_URL": f"{scheme}://{auth}127.0.0.1:{csms.port}/ocpp/{cp}",
           "NODE_EXTRA_CA_CERTS": str(pki.path("ca.pem")), "RESPONSE_TIMEOUT": "10000"}
    if profile == 3:
        env["SSL_CLIENT_KEYSTORE"] = json.dumps([{"id": cp, "key": str(pki.path(f"cp-{cp}.key")),
                                                  "cert": str(pki.path(f"cp-{cp}.pem"))}])
    shutil.copy(PEERS / "em_sim_scenario.js", tmp_path / "scenario.js")
    proc = subprocess.Popen(["node", str(EM_MAIN), "scenario.js"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        ch = csms.charger(cp, "1.6")
        assert wait_for(ch, "BootNotification", {"chargePointVendor": "em-sim"}, 20, 0).message, _out(proc)
        assert wait_for(ch, "StatusNotification", {"connectorId": 1, "status": "Available"}, 10, 0).message
        conf = csms.call(cp, "GetConfiguration", {"key": ["HeartbeatInterval"]}, 10)
        assert conf.payload == {"configurationKey": [{"key": "HeartbeatInterval", "readonly": False, "value": "60"}]}
        start = csms.call(cp, "RemoteStartTransaction", {"connectorId": 1, "idTag": "EMTAG01"}, 10)
        assert start.payload == {"status": "Accepted"}
        tx = wait_for(ch, "StartTransaction", {"idTag": "EMTAG01"}, 10, 0).message
        assert tx is not None
        assert wait_for(ch, "MeterValues", None, 10, 0).message is not None
        tx_id = next(m.payload["transactionId"] for m in ch.history if m.action == "StartTransaction" and m.kind == 3)
        # the peer leaves a CALL it has no handler for unanswered: a finding, and the CSMS goes on serving
        assert csms.call(cp, "Reset", {"type": "Soft"}, 1.0).payload is None
        stop = csms.call(cp, "RemoteStopTransaction", {"transactionId": tx_id}, 10)
        assert stop.payload == {"status": "Accepted"}
        assert wait_for(ch, "StopTransaction", {"transactionId": tx_id, "reason": "Remote"}, 10, 0).message
        assert wait_for(ch, "StatusNotification", {"status": "Available"}, 10, tx.seq).message
        proc.wait(20)
        connect = next(m.payload for m in ch.history if m.action == "<connect>")
        if profile >= 2:
            assert connect["tls_version"] in ("TLSv1.2", "TLSv1.3")
        if profile == 3:
            assert connect["client_cert"]["cn"] == cp
        assert [f.kind for f in ch.findings] == ["no_reply"], [f.summary() for f in ch.findings]
    finally:
        proc.kill()
        csms.stop()
    traces = (tmp_path / "traces" / "ocpp.jsonl").read_text()
    assert "RemoteStopTransaction" in traces and PASSWORD not in traces


def _out(proc: subprocess.Popen) -> str:
    proc.kill()
    return (proc.communicate(timeout=5)[0] or "")[-2000:]


def _test_ocpp(url: str, cp: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(TEST_OCPP), url, cp, "--timeout", "10", *args], capture_output=True, text=True,
                          timeout=60)


@needs_test_ocpp
@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
@pytest.mark.parametrize("profile", [0, 1, 2, 3])
def test_test_ocpp_boot_and_heartbeat(tmp_path, pki, version, profile):
    cp = "TOCPP01"
    csms = _csms(tmp_path, profile, pki, cp)
    try:
        url = f"{'wss' if profile >= 2 else 'ws'}://127.0.0.1:{csms.port}/ocpp"
        args = ["--ocpp", version]
        if profile in (1, 2):
            args += ["--password", PASSWORD]
        if profile >= 2:
            args += ["--ca", str(pki.path("ca.pem"))]
        if profile == 3:
            args += ["--cert", str(pki.path(f"cp-{cp}.pem")), "--key", str(pki.path(f"cp-{cp}.key"))]
        res = _test_ocpp(url, cp, *args)
        assert res.returncode == 0, res.stdout[-1500:] + res.stderr[-1500:]
        ch = csms.charger(cp)
        assert ch.version == version
        assert wait_for(ch, "Heartbeat", None, 5, 0).message is not None
        boot = wait_for(ch, "BootNotification", None, 1, 0).message
        assert boot is not None and not ch.findings, [f.summary() for f in ch.findings]
        if profile in (1, 2):  # the same peer with a wrong password is refused in the upgrade
            bad = _test_ocpp(url, cp, *[a if a != PASSWORD else "wrong-password-9999" for a in args])
            assert bad.returncode != 0
            assert any(m.payload.get("reason") == "wrong password" for m in ch.history if m.action == "<rejected>")
        if profile == 3:  # without its client certificate it is refused
            bad = _test_ocpp(url, cp, "--ocpp", version, "--ca", str(pki.path("ca.pem")))
            assert bad.returncode != 0
    finally:
        csms.stop()
    assert "wrong-password-9999" not in "".join(p.read_text() for p in (tmp_path / "traces").glob("*.jsonl"))
