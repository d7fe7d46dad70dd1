"""The simulated charger's OCPP client (1.6J and 2.0.1), started by the virtual lab when the DUT profile
has an ``ocpp:`` section.

How it finds the CSMS: the lab picks a free loopback port and reports it as ``sim://csms``; the harness's
CSMS service resolves the DUT profile's ``ocpp.csms: sim://csms`` to that port and listens there, and the
charger connects (and reconnects with backoff) to ws(s)://127.0.0.1:PORT/ocpp/<id>, as a real charger
configured with its CSMS URL would. The lab also installs the test PKI (``sim://ocpp-pki``) on the charger.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

from harness.protocols.ocpp.pki import TestPki

from ..services import SIM_SERVICES


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def _free_port() -> int:
    """A port for the harness's CSMS, which binds it later in another process. Chosen below the kernel's
    ephemeral range: a port from bind(0) is an ephemeral one that any outgoing connection (the lab's own
    clients, parallel runs) may take as its source port before the CSMS binds it."""
    low, _ = _ephemeral_range()
    top = max(low, 11000)
    for _ in range(100):
        port = 10000 + secrets.randbelow(top - 10000)
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:  # everything below the range taken: fall back to the kernel's choice
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start(lab: Any, bench: Any, dut: Any, options: dict[str, str]):
    if getattr(dut, "ocpp", None) is None:
        async def nothing() -> None:
            return None
        return {}, nothing
    cfg = dut.ocpp
    port = int(options.get("csms_port") or _free_port())
    own_pki = "ocpp_pki" not in options
    pki = Path(options.get("ocpp_pki") or tempfile.mkdtemp(prefix="chargebench-pki-"))
    await asyncio.to_thread(TestPki(pki).ensure, [cfg.charge_point_id])
    url = f"ws://127.0.0.1:{port}/ocpp/{cfg.charge_point_id}"
    if cfg.version == "1.6":
        from .cp16 import ChargePoint16 as cls
    else:
        from .cs201 import ChargingStation201 as cls
    station = cls(lab, dut, url, pki, set(lab.defects))
    task = asyncio.ensure_future(station.run())

    async def stop() -> None:
        await station.stop()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        if own_pki:
            shutil.rmtree(pki, ignore_errors=True)

    return {"sim://csms": f"127.0.0.1:{port}", "sim://ocpp-pki": str(pki)}, stop


SIM_SERVICES.append(start)
