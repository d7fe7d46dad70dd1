"""SLAC as the EV (ISO 15118-3 clause 9 / Annex A): find the charger the cable is plugged into and join its
HomePlug Green PHY network, over a raw Ethernet socket on the PLC modem's interface (Linux, CAP_NET_RAW).

Every frame is timestamped so a test can judge the charger's SLAC timing (TT_match_response 200 ms ...).
The NMK the charger hands over is a secret: it goes to our own modem and nowhere else (``public()`` leaves
it out of anything recorded).
"""

from __future__ import annotations

import os
import select
import socket
import time
from dataclasses import dataclass, field

from . import messages as m

# ISO 15118-3 Table A.1 via reference/iso15118.md section 2 (pyslac enums)
TT_MATCH_RESPONSE_S = 0.2
TT_EV_ATTEN_RESULTS_S = 1.2
TT_MATCHING_REPETITION_S = 10.0
C_EV_MATCH_RETRY = 2
NUM_START_ATTEN = 3
TP_EV_BATCH_MSG_INTERVAL_S = 0.03
# Where CM_SET_KEY.REQ goes when the bench does not name the EV's modem: the Qualcomm/Atheros local management
# address, which the host's own QCA7000-class modem answers (EVerest libslac EvSlacConfig.plc_peer_mac default).
LOCAL_MODEM = bytes.fromhex("00b052000001")


@dataclass
class SlacResult:
    matched: bool = False
    evse_mac: str | None = None
    nid: str | None = None
    nmk: str | None = field(default=None, repr=False)  # secret: never logged or recorded
    attenuation_db: float | None = None  # average of the charger's reported AAG groups
    parm_response_s: float | None = None
    parm_attempts: int = 0  # CM_SLAC_PARM.REQ sent until a CNF came within TT_match_response
    match_response_s: float | None = None
    error: str | None = None
    set_key_confirmed: bool = False  # our modem answered CM_SET_KEY.CNF
    duration_s: float | None = None  # first CM_SLAC_PARM.REQ to CM_SLAC_MATCH.CNF
    log: list[tuple[float, str, str]] = field(default_factory=list)  # (t, direction, message)

    def public(self) -> dict:
        """Everything but the NMK, for events, traces and reports."""
        return {k: v for k, v in self.__dict__.items() if k != "nmk"}


class EvSlac:
    def __init__(self, interface: str, modem_mac: bytes | None = None):
        self.interface = interface
        self.modem_mac = modem_mac or LOCAL_MODEM  # CM_SET_KEY.REQ is for our own modem, never broadcast
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(m.ETHERTYPE))
        self.sock.bind((interface, m.ETHERTYPE))
        self.mac = self.sock.getsockname()[4][:6]
        self.t0 = time.perf_counter()
        self.result = SlacResult()

    def close(self) -> None:
        self.sock.close()

    def _send(self, dst: bytes, mmtype: int, payload: bytes) -> float:
        self.sock.send(m.pack(dst, self.mac, mmtype, payload))
        t = time.perf_counter()
        self.result.log.append((round(t - self.t0, 6), ">", f"{mmtype:#06x}"))
        return t

    def _expect(self, mmtype: int, timeout_s: float) -> tuple[m.Frame, float] | None:
        deadline = time.perf_counter() + timeout_s
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                break
            data = self.sock.recv(1514)
            t = time.perf_counter()
            try:
                frame = m.parse(data)
            except m.SlacFrameError:
                continue
            if frame.src == self.mac or frame.mmtype != mmtype:
                continue
            if frame.dst not in (self.mac, m.BROADCAST):
                continue
            self.result.log.append((round(t - self.t0, 6), "<", f"{mmtype:#06x}"))
            return frame, t
        return None

    def run(self) -> SlacResult:
        """One matching attempt (with the standard's retries); never raises for the charger's faults."""
        r = self.result
        try:
            self._match()
        except m.SlacFrameError as exc:
            r.error = f"malformed frame from the charger: {exc}"
        except OSError as exc:
            r.error = f"socket: {exc}"
        return r

    def _match(self) -> None:
        r = self.result
        run_id = os.urandom(8)
        cnf = None
        first = None
        for _ in range(1 + C_EV_MATCH_RETRY):
            r.parm_attempts += 1
            sent = self._send(m.BROADCAST, m.CM_SLAC_PARM_REQ, m.slac_parm_req(run_id))
            first = first or sent
            cnf = self._expect(m.CM_SLAC_PARM_CNF, TT_MATCH_RESPONSE_S)
            if cnf:
                r.parm_response_s = cnf[1] - sent
                break
        if cnf is None:
            r.error = "no CM_SLAC_PARM.CNF"
            return
        parm = m.read_parm_cnf(cnf[0].payload)
        if parm["run_id"] != run_id:
            r.error = "CM_SLAC_PARM.CNF carries another RunID"
            return
        evse = cnf[0].src
        n = max(parm["num_sounds"], 1)
        for _ in range(NUM_START_ATTEN):
            self._send(m.BROADCAST, m.CM_START_ATTEN_CHAR_IND,
                       m.start_atten_char_ind(n, parm["time_out"], self.mac, run_id))
            time.sleep(TP_EV_BATCH_MSG_INTERVAL_S / 3)
        for left in range(n - 1, -1, -1):
            self._send(m.BROADCAST, m.CM_MNBC_SOUND_IND, m.mnbc_sound_ind(left, run_id, os.urandom(16)))
            time.sleep(TP_EV_BATCH_MSG_INTERVAL_S / 3)
        ind = self._expect(m.CM_ATTEN_CHAR_IND, TT_EV_ATTEN_RESULTS_S)
        if ind is None:
            r.error = "no CM_ATTEN_CHAR.IND"
            return
        atten = m.read_atten_char_ind(ind[0].payload)
        if atten["aag"]:
            r.attenuation_db = sum(atten["aag"]) / len(atten["aag"])
        self._send(evse, m.CM_ATTEN_CHAR_RSP, m.atten_char_rsp(self.mac, run_id))
        sent = self._send(evse, m.CM_SLAC_MATCH_REQ, m.slac_match_req(self.mac, evse, run_id))
        match = self._expect(m.CM_SLAC_MATCH_CNF, TT_MATCH_RESPONSE_S)
        if match is None:
            r.error = "no CM_SLAC_MATCH.CNF"
            return
        r.match_response_s = match[1] - sent
        r.duration_s = match[1] - first
        info = m.read_match_cnf(match[0].payload)
        r.evse_mac, r.nid, r.nmk = evse.hex(":"), info["nid"].hex(), info["nmk"].hex()
        # join the charger's logical network: hand the NMK to our own modem (unicast to it: a broadcast would
        # put the key on the wire for every station to read)
        self._send(self.modem_mac, m.CM_SET_KEY_REQ, m.set_key_req(info["nid"], info["nmk"], os.urandom(4)))
        r.set_key_confirmed = self._expect(m.CM_SET_KEY_CNF, 0.5) is not None
        r.matched = True
