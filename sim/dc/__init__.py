"""The virtual lab's DC charger: power stage, pilot, and the charger side (SECC) of DIN SPEC 70121 /
ISO 15118 on the project's EXI codec. Importing this module registers its lab service."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from ..services import SIM_SERVICES
from . import defects as _defects  # noqa: F401 - registers the DC defects


async def start_dc(lab: Any, bench: Any, dut: Any, options: dict[str, str]):
    """For a DC DUT profile: make the lab's charger a DC charger and serve its SECC (sim://secc, sim://sdp)."""
    if getattr(dut.supply, "value", dut.supply) != "DC":
        if getattr(dut, "hlc", None) is None:
            async def nothing() -> None:
                return None
            return {}, nothing
        from .secc import start as start_secc
        from .secc_iso2_ac import attach_ac

        attach_ac(lab)  # an AC charger with ISO 15118-2: its SECC serves on loopback like the DC one
        ac_tmp = tempfile.TemporaryDirectory(prefix="chargebench-v2g-pki-")  # TLS and Plug & Charge as DC
        served, stop_ac = await start_secc(lab, set(lab.defects), host=options.get("secc_host", "127.0.0.1"),
                                           pki_dir=Path(ac_tmp.name))
        served.update(_pki_served(Path(ac_tmp.name)))

        async def stop_ac_secc() -> None:
            await stop_ac()
            ac_tmp.cleanup()

        return served, stop_ac_secc
    from .charger import attach
    from .secc import start

    side = attach(lab, dut, bench)
    tmp = tempfile.TemporaryDirectory(prefix="chargebench-v2g-pki-")
    served, stop_secc = await start(lab, side.defects, host=options.get("secc_host", "127.0.0.1"),
                                    pki_dir=Path(tmp.name))
    served.update(_pki_served(Path(tmp.name)))
    control = await asyncio.start_server(lambda r, w: _control(side, r, w), "127.0.0.1", 0)
    served["sim://dc-control"] = f"127.0.0.1:{control.sockets[0].getsockname()[1]}"

    async def stop() -> None:
        control.close()
        await stop_secc()
        tmp.cleanup()

    return served, stop


def _pki_served(folder: Path) -> dict[str, str]:
    """The EV's side of the lab's PKI: the V2G root it trusts, and its contract, OEM and V2G root material."""
    return {"sim://v2g-root": str(folder / "good" / "v2g_root.pem"), "sim://v2g-pki": str(folder / "pnc" / "ev")}


async def _control(side: Any, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """``{"defects": [names]}`` replaces the DC charger's defects and switches its output off, as a fresh
    lab would start (the defect matrix reuses one lab)."""
    defects = side.defects
    while line := await reader.readline():
        try:
            names = json.loads(line)["defects"]
            unknown = [n for n in names if n not in _defects.NAMES]
            if unknown:
                raise ValueError(f"not DC defects: {unknown}")
            defects.clear()
            defects.update(names)
            side.stage.off(side.lab.now())
            side.ev_contactor(side.lab.now(), False)
            reply: dict = {"ok": True, "defects": sorted(defects)}
        except Exception as exc:  # noqa: BLE001 - a bad control line must not stop the lab
            reply = {"error": str(exc)}
        writer.write((json.dumps(reply) + "\n").encode())
        await writer.drain()
    writer.close()


SIM_SERVICES.append(start_dc)
