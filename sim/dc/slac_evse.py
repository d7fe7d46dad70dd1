"""The simulated charger's side of SLAC (ISO 15118-3) on a raw Ethernet interface, including the answers
its PLC modem would give (CM_ATTEN_PROFILE folded into CM_ATTEN_CHAR.IND) and the answer of the EV's own
modem to CM_SET_KEY.REQ (on a veth pair there is no modem on either side).

Used on a veth pair inside a network namespace (tools/josev_peer/netns.sh), where no PLC modem exists: by
tools/josev_peer/slac_pair.py directly, and by the virtual lab when started with ``--option
slac_interface=IFACE`` (it then serves SLAC on IFACE for its whole life, with the DC charger's defects).
Written apart from harness/protocols/slac on purpose: the charger must not share the EV's code.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import threading
import time
from typing import Any

from ..services import SIM_SERVICES

ETHERTYPE = 0x88E1
BROADCAST = b"\xff" * 6


def _frame(dst: bytes, src: bytes, mmtype: int, payload: bytes) -> bytes:
    return (dst + src + struct.pack("!H", ETHERTYPE) + struct.pack("<BHH", 1, mmtype, 0) + payload).ljust(60, b"\0")


class EvseSlac:
    """Answers EVs' matching; ``defects`` (a live set): slac_late_parm_cnf (300 ms), slac_no_match_cnf."""

    def __init__(self, interface: str, defects: set[str] | None = None, attenuation_db: int = 20):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETHERTYPE))
        self.sock.bind((interface, ETHERTYPE))
        self.mac = self.sock.getsockname()[4][:6]
        self.defects = defects if defects is not None else set()
        self.atten = attenuation_db
        self.nid, self.nmk = os.urandom(7), os.urandom(16)
        self.matched = False
        self.set_key_dst: str | None = None  # where the EV sent CM_SET_KEY.REQ (should be its own modem)
        self._ev: bytes | None = None
        self._run_id = b""
        self._sounds = 0

    def _recv(self, timeout_s: float) -> tuple[bytes, bytes, int, bytes] | None:
        ready, _, _ = select.select([self.sock], [], [], timeout_s)
        if not ready:
            return None
        data = self.sock.recv(1514)
        if len(data) < 19 or data[6:12] == self.mac:
            return None
        _mmv, mmtype, _fmi = struct.unpack_from("<BHH", data, 14)
        return data[0:6], data[6:12], mmtype, data[19:]

    def serve(self, seconds: float = 10.0, stop: threading.Event | None = None) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
            got = self._recv(0.05)
            if got is not None:
                self._handle(*got)

    def _handle(self, dst: bytes, src: bytes, mmtype: int, p: bytes) -> None:
        if mmtype == 0x6064:  # CM_SLAC_PARM.REQ
            self._ev, self._run_id, self._sounds = src, p[2:10], 0
            if "slac_late_parm_cnf" in self.defects:
                time.sleep(0.3)
            cnf = BROADCAST + bytes([10, 6, 1]) + src + bytes([0, 0]) + self._run_id
            self.sock.send(_frame(src, self.mac, 0x6065, cnf))
        elif mmtype == 0x6076 and src == self._ev:  # CM_MNBC_SOUND.IND
            self._sounds += 1
            if p[19] == 0:  # the last sound: report the attenuation profile
                ind = (bytes([0, 0]) + src + self._run_id + b"\0" * 17 + b"\0" * 17 + bytes([self._sounds, 58])
                       + bytes([self.atten]) * 58)
                self.sock.send(_frame(src, self.mac, 0x606E, ind))
        elif mmtype == 0x607C and src == self._ev:  # CM_SLAC_MATCH.REQ
            if "slac_no_match_cnf" in self.defects:
                return
            cnf = (bytes([0, 0]) + struct.pack("<H", 0x56) + b"\0" * 17 + src + b"\0" * 17 + self.mac + self._run_id
                   + b"\0" * 8 + self.nid + b"\0" + self.nmk)
            self.sock.send(_frame(src, self.mac, 0x607D, cnf))
            self.matched = True
        elif mmtype == 0x6008:  # CM_SET_KEY.REQ: answer as the EV's own modem would
            self.set_key_dst = dst.hex(":")
            self.sock.send(_frame(src, self.mac, 0x6009, bytes([0]) + b"\0" * 9))

    def close(self) -> None:
        self.sock.close()


async def start_slac(lab: Any, bench: Any, dut: Any, options: dict[str, str]):
    """``--option slac_interface=IFACE``: serve SLAC there in a thread until the lab stops. Defects come from
    the DC charger's live set (switched through sim://dc-control), else the lab's start-up defects."""
    iface = options.get("slac_interface")
    if not iface:
        async def nothing() -> None:
            return None
        return {}, nothing
    side = getattr(lab, "dc_side", None)
    evse = EvseSlac(iface, side.defects if side is not None else set(lab.defects))
    stop = threading.Event()
    thread = threading.Thread(target=evse.serve, args=(float("inf"), stop), name="sim-slac", daemon=True)
    thread.start()
    lab.notes["slac"] = f"served on {iface} (simulated charger and PLC modems)"

    async def halt() -> None:
        stop.set()
        thread.join(1.0)
        evse.close()

    return {}, halt


SIM_SERVICES.append(start_slac)
