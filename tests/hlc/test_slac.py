"""EV-side SLAC (harness/protocols/slac) against the simulated charger's SLAC on a veth pair in a private
network namespace: a match, the two charger faults the EV must notice, CM_SET_KEY.REQ to the EV's own modem,
and the suite's SLAC case (DIN-19, step hlc.slac) on the virtual lab serving SLAC on the veth pair: PASS
clean, FAIL with each SLAC defect, the NMK nowhere in the run directory."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from .labrun import ROOT, namespaces_unavailable

NETNS = ["bash", str(ROOT / "tools" / "josev_peer" / "netns.sh"), "python"]
PAIR = [*NETNS, str(ROOT / "tools" / "josev_peer" / "slac_pair.py")]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # the scripts run from tools/: import this tree, not an install


pytestmark = pytest.mark.skipif(namespaces_unavailable() is not None, reason=namespaces_unavailable() or "")


def _run(*defects: str, modem: str | None = None) -> dict:
    cmd = PAIR + [a for d in defects for a in ("--defect", d)] + (["--modem-mac", modem] if modem else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=ROOT, env=ENV)
    assert out.stdout.strip(), out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_slac_matches_and_joins() -> None:
    r = _run()
    assert r["matched"] and r["nid"] and len(r["nmk"]) == 32
    assert r["parm_attempts"] == 1 and r["parm_response_s"] < 0.2
    assert r["attenuation_db"] == 20


def test_late_parm_cnf_costs_a_retry() -> None:
    assert _run("slac_late_parm_cnf")["parm_attempts"] == 2


def test_missing_match_cnf_is_no_match() -> None:
    r = _run("slac_no_match_cnf")
    assert not r["matched"] and r["error"] == "no CM_SLAC_MATCH.CNF"


def test_set_key_goes_to_the_local_modem() -> None:
    """The NMK goes to the EV's own modem: its MAC when the profile names it, else the Qualcomm local address;
    never broadcast."""
    assert _run()["set_key_dst"] == "00:b0:52:00:00:01"
    named = _run(modem="02:00:00:00:00:42")
    assert named["set_key_dst"] == "02:00:00:00:00:42" and named["set_key_confirmed"]


def test_suite_case_with_slac() -> None:
    cmd = [*NETNS, str(ROOT / "tools" / "josev_peer" / "slac_suite.py")]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT, env=ENV)
    assert out.stdout.strip(), out.stderr[-2000:]
    runs = json.loads(out.stdout.strip().splitlines()[-1])
    clean = runs[""]
    assert clean["verdict"] == "PASS", clean
    assert clean["notes"]["slac"].startswith("served on veth0")
    event = clean["slac"]
    assert event["matched"] and event["parm_attempts"] == 1 and event["nid"] and event["attenuation_db"] == 20
    assert event["modem"] == "00:b0:52:00:00:01" and "nmk" not in event
    assert runs["slac_late_parm_cnf"]["verdict"] == "FAIL"
    assert runs["slac_late_parm_cnf"]["measurements"]["slac_parm_attempts"] == [2.0, "FAIL"]
    assert runs["slac_no_match_cnf"]["verdict"] == "FAIL"
    assert runs["slac_no_match_cnf"]["measurements"]["slac_matched"] == [0.0, "FAIL"]
    assert not any(r["nmk_leaked"] for r in runs.values())
