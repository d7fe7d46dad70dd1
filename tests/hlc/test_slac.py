"""EV-side SLAC (harness/protocols/slac) against the simulated charger's SLAC on a veth pair in a private
network namespace: a match, and the two charger faults the EV must notice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from .labrun import ROOT

PAIR = ["bash", str(ROOT / "tools" / "josev_peer" / "netns.sh"), "python", str(ROOT / "tools" / "josev_peer" /
                                                                               "slac_pair.py")]


def _namespaces() -> str | None:
    for tool in ("unshare", "ip"):
        if not shutil.which(tool):
            return f"{tool} is missing (util-linux / iproute2)"
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0 and os.geteuid() != 0:
        return f"network namespaces unavailable (unshare -rn: {probe.stderr.decode().strip()})"
    return None


pytestmark = pytest.mark.skipif(_namespaces() is not None, reason=_namespaces() or "")


def _run(*defects: str) -> dict:
    cmd = PAIR + [a for d in defects for a in ("--defect", d)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=ROOT)
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
