"""The simulated charger's side of SLAC (ISO 15118-3) on a raw Ethernet interface, including the answers
its PLC modem would give (CM_ATTEN_PROFILE folded into CM_ATTEN_CHAR.IND, CM_SET_KEY.CNF).

Used on a veth pair inside a network namespace (tools/josev_peer/netns.sh), where no PLC modem exists.
Written apart from harness/protocols/slac on purpose: the charger must not share the EV's code.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import time

ETHERTYPE = 0x88E1
BROADCAST = b"\xff" * 6


def _frame(dst: bytes, src: bytes, mmtype: int, payload: bytes) -> bytes:
    return (dst + src + struct.pack("!H", ETHERTYPE) + struct.pack("<BHH", 1, mmtype, 0) + payload).ljust(60, b"\0")


class EvseSlac:
    """Answers one EV's matching; ``defects``: slac_late_parm_cnf (300 ms), slac_no_match_cnf."""

    def __init__(self, interface: str, defects: set[str] | None = None, attenuation_db: int = 20):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETHERTYPE))
        self.sock.bind((interface, ETHERTYPE))
        self.mac = self.sock.getsockname()[4][:6]
        self.defects = defects or set()
        self.atten = attenuation_db
        self.nid, self.nmk = os.urandom(7), os.urandom(16)
        self.matched = False

    def _recv(self, timeout_s: float) -> tuple[bytes, int, bytes] | None:
        ready, _, _ = select.select([self.sock], [], [], timeout_s)
        if not ready:
            return None
        data = self.sock.recv(1514)
        if len(data) < 19 or data[6:12] == self.mac:
            return None
        _mmv, mmtype, _fmi = struct.unpack_from("<BHH", data, 14)
        return data[6:12], mmtype, data[19:]

    def serve(self, seconds: float = 10.0) -> None:
        deadline = time.monotonic() + seconds
        ev = run_id = None
        sounds = 0
        while time.monotonic() < deadline:
            got = self._recv(0.05)
            if got is None:
                continue
            src, mmtype, p = got
            if mmtype == 0x6064:  # CM_SLAC_PARM.REQ
                ev, run_id, sounds = src, p[2:10], 0
                if "slac_late_parm_cnf" in self.defects:
                    time.sleep(0.3)
                cnf = BROADCAST + bytes([10, 6, 1]) + src + bytes([0, 0]) + run_id
                self.sock.send(_frame(src, self.mac, 0x6065, cnf))
            elif mmtype == 0x6076 and src == ev:  # CM_MNBC_SOUND.IND
                sounds += 1
                if p[19] == 0:  # the last sound: report the attenuation profile
                    ind = (bytes([0, 0]) + ev + run_id + b"\0" * 17 + b"\0" * 17 + bytes([sounds, 58])
                           + bytes([self.atten]) * 58)
                    self.sock.send(_frame(ev, self.mac, 0x606E, ind))
            elif mmtype == 0x607C and src == ev:  # CM_SLAC_MATCH.REQ
                if "slac_no_match_cnf" in self.defects:
                    continue
                cnf = (bytes([0, 0]) + struct.pack("<H", 0x56) + b"\0" * 17 + ev + b"\0" * 17 + self.mac + run_id
                       + b"\0" * 8 + self.nid + b"\0" + self.nmk)
                self.sock.send(_frame(ev, self.mac, 0x607D, cnf))
                self.matched = True
            elif mmtype == 0x6008:  # CM_SET_KEY.REQ: answer as the EV's own modem would
                self.sock.send(_frame(src, self.mac, 0x6009, bytes([0]) + b"\0" * 9))

    def close(self) -> None:
        self.sock.close()
