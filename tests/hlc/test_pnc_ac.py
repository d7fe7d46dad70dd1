"""ISO 15118-2 Plug & Charge on AC, and what the EV refuses to do: the AC charger of the virtual lab (TLS and the
contract PKI as on DC) installs a contract, authorizes the signed request and closes its contactor; a bad
signature gets FAILED_SignatureError; nothing the run writes contains a private key. The step model refuses PnC
without TLS at load time."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from harness.engine.runner import Run
from harness.engine.virtual_lab import VirtualLabProcess
from harness.loader import load, load_suite
from harness.model import BenchConfig, DutProfile, Verdict
from harness.model.steps_hlc import HlcStart

from .labrun import BENCH, DUTS, SUITES

LIMITS = SUITES / "limits" / "iso15118-2_2014.yaml"
START = {"action": "hlc.start", "protocol": "iso15118-2", "energy": "AC", "tls": True, "payment": "PnC"}


def test_pnc_needs_tls_in_the_step_model() -> None:
    with pytest.raises(ValidationError, match="needs tls: true"):
        HlcStart(action="hlc.start", protocol="iso15118-2", payment="PnC")
    with pytest.raises(ValidationError, match="install_contract needs payment: PnC with iso15118-2"):
        HlcStart(action="hlc.start", protocol="iso15118-2", install_contract=True)


def test_ac_plug_and_charge(tmp_path) -> None:
    dut = yaml.safe_load((DUTS / "ccs2_ac_22kw.yaml").read_text())
    dut["hlc"].update(tls=True, tls_root="sim://v2g-root", payment=["EIM", "PnC"], contract_pki="sim://v2g-pki")
    (tmp_path / "dut.yaml").write_text(yaml.safe_dump(dut))
    suite = {
        "kind": "suite", "id": "pnc-ac", "title": "AC Plug & Charge", "version": "1",
        "standards": [{"name": "ISO 15118-2", "edition": "2014", "clauses": ["PnC"]}],
        "limits": [str(LIMITS)],
        "applicability": {"requires": ["iso15118-2", "payment:pnc"], "roles": ["ev_emulator"]},
        "setup": [{"action": "hlc.stop", "abort": True}, {"action": "ev.set_diode", "present": True},
                  {"action": "ev.set_state", "state": "B"}, {"action": "wait", "seconds": 0.5}],
        "teardown": [{"action": "hlc.stop", "abort": True}, {"action": "ev.set_state", "state": "A"}],
        "tests": [
            {"id": "AC-PNC-1", "title": "install, authorize, charge", "clause": "x", "purpose": "x", "steps": [
                {"action": "ev.set_demand", "current_a": 16},
                {**START, "install_contract": True, "wait_for": "charging", "timeout_s": 60},
                {"action": "hlc.check", "name": "installed", "metric": "contract_installed",
                 "limit": "contract_installed"},
                {"action": "hlc.check", "name": "authorized", "metric": "pnc_authorized", "limit": "pnc_authorized"},
                {"action": "hlc.check", "name": "charging", "metric": "charging_reached",
                 "limit": "charging_reached"}]},
            {"id": "AC-PNC-2", "title": "bad signature", "clause": "x", "purpose": "x", "steps": [
                {**START, "wait_for": "ended", "timeout_s": 30,
                 "deviation": {"kind": "bad_signature", "at": "AuthorizationReq"}},
                {"action": "hlc.expect_code", "name": "signature_error", "codes": ["FAILED_SignatureError"],
                 "limit": "pnc_expected_code"}]},
        ]}
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(suite, sort_keys=False))
    runs = tmp_path / "runs"
    with VirtualLabProcess(BENCH, tmp_path / "dut.yaml", [], 20.0) as lab:
        run = Run(load_suite(tmp_path / "suite.yaml"), load(tmp_path / "dut.yaml", DutProfile),
                  load(BENCH, BenchConfig), runs, time_scale=20.0, resolve=lab.resolve)
        with run:
            record = run.run_all()
        pki = Path(lab.resolve("sim://v2g-pki")).parent
        keys = [pki / "ev" / "contract.key", pki / "ev" / "oem_prov.key", pki / "secc" / "install.key",
                pki / "secc" / "cps.key"]
        secrets = [_secret_forms(k) for k in keys]
    assert [(t.id, t.verdict) for t in record.tests] == [("AC-PNC-1", Verdict.PASS), ("AC-PNC-2", Verdict.PASS)], \
        [(t.id, t.reason) for t in record.tests]
    written = [p for p in runs.rglob("*") if p.is_file()]
    assert any(p.name == "v2g.jsonl" for p in written)
    for path in written:  # no private key (PEM, raw hex or base64 of its value) in anything the run wrote
        data = path.read_bytes()
        assert b"PRIVATE KEY" not in data, path
        assert not any(form in data for forms in secrets for form in forms), path


def _secret_forms(path: Path) -> list[bytes]:
    key = serialization.load_pem_private_key(path.read_bytes(), None)
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    return [raw, raw.hex().encode(), raw.hex().upper().encode(), base64.b64encode(raw)]
