"""HomePlug AV management messages used by SLAC (ISO 15118-3 Annex A), packed and parsed by hand.

Frame: Ethernet header, MMV (0x01), MMTYPE (little endian), FMI (2 bytes), then the payload.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

ETHERTYPE = 0x88E1
BROADCAST = b"\xff" * 6
MMV = 0x01

CM_SET_KEY_REQ, CM_SET_KEY_CNF = 0x6008, 0x6009
CM_SLAC_PARM_REQ, CM_SLAC_PARM_CNF = 0x6064, 0x6065
CM_START_ATTEN_CHAR_IND = 0x606A
CM_ATTEN_CHAR_IND, CM_ATTEN_CHAR_RSP = 0x606E, 0x606F
CM_MNBC_SOUND_IND = 0x6076
CM_SLAC_MATCH_REQ, CM_SLAC_MATCH_CNF = 0x607C, 0x607D
CM_ATTEN_PROFILE_IND = 0x6086

APPLICATION_TYPE = 0x00  # PEV-EVSE association
SECURITY_TYPE = 0x00  # no security


class SlacFrameError(Exception):
    pass


@dataclass(frozen=True)
class Frame:
    dst: bytes
    src: bytes
    mmtype: int
    payload: bytes


def pack(dst: bytes, src: bytes, mmtype: int, payload: bytes) -> bytes:
    frame = dst + src + struct.pack("!H", ETHERTYPE) + struct.pack("<BHH", MMV, mmtype, 0) + payload
    return frame.ljust(60, b"\x00")  # Ethernet minimum frame size


def parse(data: bytes) -> Frame:
    if len(data) < 19:
        raise SlacFrameError(f"{len(data)} bytes is too short for a HomePlug frame")
    (ethertype,) = struct.unpack_from("!H", data, 12)
    if ethertype != ETHERTYPE:
        raise SlacFrameError(f"ethertype {ethertype:#06x}")
    mmv, mmtype, _fmi = struct.unpack_from("<BHH", data, 14)
    if mmv != MMV:
        raise SlacFrameError(f"MMV {mmv}")
    return Frame(data[0:6], data[6:12], mmtype, data[19:])


# -- payloads ------------------------------------------------------------------------------------------------
def slac_parm_req(run_id: bytes) -> bytes:
    return bytes([APPLICATION_TYPE, SECURITY_TYPE]) + run_id


def start_atten_char_ind(num_sounds: int, time_out: int, ev_mac: bytes, run_id: bytes) -> bytes:
    return bytes([APPLICATION_TYPE, SECURITY_TYPE, num_sounds, time_out, 0x01]) + ev_mac + run_id


def mnbc_sound_ind(count_left: int, run_id: bytes, rnd: bytes) -> bytes:
    return bytes([APPLICATION_TYPE, SECURITY_TYPE]) + b"\x00" * 17 + bytes([count_left]) + run_id + b"\x00" * 8 + rnd


def atten_char_rsp(ev_mac: bytes, run_id: bytes) -> bytes:
    return bytes([APPLICATION_TYPE, SECURITY_TYPE]) + ev_mac + run_id + b"\x00" * 17 + b"\x00" * 17 + b"\x00"


def slac_match_req(ev_mac: bytes, evse_mac: bytes, run_id: bytes) -> bytes:
    return (bytes([APPLICATION_TYPE, SECURITY_TYPE]) + struct.pack("<H", 0x3E) + b"\x00" * 17 + ev_mac
            + b"\x00" * 17 + evse_mac + run_id + b"\x00" * 8)


def set_key_req(nid: bytes, nmk: bytes, nonce: bytes) -> bytes:
    return (bytes([0x01]) + nonce + b"\x00" * 4 + bytes([0x04]) + b"\x00\x00" + bytes([0x00, 0x00]) + nid
            + bytes([0x01]) + nmk)


# -- readers -------------------------------------------------------------------------------------------------
def read_parm_cnf(p: bytes) -> dict:
    if len(p) < 26:
        raise SlacFrameError("CM_SLAC_PARM.CNF too short")
    return {"sound_target": p[0:6], "num_sounds": p[6], "time_out": p[7], "resp_type": p[8],
            "forwarding_sta": p[9:15], "run_id": p[17:25]}


def read_atten_char_ind(p: bytes) -> dict:
    if len(p) < 2 + 6 + 8 + 17 + 17 + 1 + 1:  # ... NumSounds, then ATTEN_PROFILE (NumGroups, AAG[])
        raise SlacFrameError("CM_ATTEN_CHAR.IND too short")
    groups = p[51] if len(p) > 51 else 0
    aag = list(p[52:52 + groups])
    return {"source": p[2:8], "run_id": p[8:16], "num_sounds": p[50], "groups": groups, "aag": aag}


def read_match_cnf(p: bytes) -> dict:
    if len(p) < 2 + 2 + 17 + 6 + 17 + 6 + 8 + 8 + 7 + 1 + 16:
        raise SlacFrameError("CM_SLAC_MATCH.CNF too short")
    return {"ev_mac": p[21:27], "evse_mac": p[44:50], "run_id": p[50:58], "nid": p[66:73], "nmk": p[74:90]}
