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
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

from harness.protocols.ocpp.pki import TestPki

from ..services import SIM_SERVICES


def _free_port() -> int:
    with socket.socket() as s:
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
