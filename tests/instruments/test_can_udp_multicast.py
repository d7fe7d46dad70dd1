"""The CAN driver over python-can's udp_multicast interface, across two bus instances, inside a private
network namespace (``unshare -n``) whose loopback carries the multicast group, so nothing leaves the host.
Skipped where namespaces cannot be made (not root, no CAP_SYS_ADMIN)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("udp_multicast_check.py")
SETUP = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = subprocess.run(["unshare", "-n", "sh", "-c", SETUP], capture_output=True, timeout=10)
    return probe.returncode == 0


@pytest.mark.skipif(not _namespaces_work(), reason="cannot create a network namespace here (needs root)")
def test_bev_driver_over_udp_multicast_in_a_private_namespace():
    pytest.importorskip("msgpack")  # python-can's udp_multicast needs it
    done = subprocess.run(["unshare", "-n", "sh", "-c", f"{SETUP} && {sys.executable} {SCRIPT}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().startswith("CHARGEBENCH,BEV-1,BEV000042,1.4|[]")
