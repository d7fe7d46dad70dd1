"""``hlc.slac``: SLAC as the EV (ISO 15118-3) on the PLC modem's interface, as a suite step before SDP.

Capability gate, labgrid-style: a DUT profile without ``hlc.interface`` (the virtual lab on loopback, a bench
without a PLC modem) makes the test NOT_APPLICABLE with the reason; an interface the profile names but this
host lacks is a bench fault (ERROR). The match is recorded (event ``hlc_slac``, ``traces/slac.jsonl``) with
its attempts, attenuation, NID and timings - never the NMK, which only goes to our own modem.
"""

from __future__ import annotations

import json
import socket

from ..analysis import judge
from ..model.steps_hlc import HlcSlac
from ..protocols.slac.ev import EvSlac, SlacResult
from .actions import _record, action
from .context import Context, NotApplicable, StepError


def _open(ctx: Context) -> EvSlac:
    hlc = ctx.dut.hlc
    if hlc is None or not hlc.interface:
        raise NotApplicable("SLAC needs the PLC modem's interface: the DUT profile's hlc section names no "
                            "interface (hlc.interface)")
    try:
        socket.if_nametoindex(hlc.interface)
    except OSError:
        raise StepError(f"hlc.interface {hlc.interface!r} does not exist on this host") from None
    modem = bytes.fromhex(hlc.modem_mac.replace(":", "")) if hlc.modem_mac else None
    try:
        return EvSlac(hlc.interface, modem)
    except PermissionError:
        raise StepError(f"no raw socket on {hlc.interface}: SLAC needs CAP_NET_RAW") from None
    except OSError as exc:
        raise StepError(f"raw socket on {hlc.interface}: {exc}") from None


def _trace(ctx: Context, result: SlacResult) -> None:
    with open(ctx.rundir.path / "traces" / "slac.jsonl", "a", encoding="utf-8") as fh:
        for t, direction, mmtype in result.log:
            fh.write(json.dumps({"t": t, "dir": direction, "mmtype": mmtype}) + "\n")


@action("hlc.slac")
def hlc_slac(ctx: Context, step: HlcSlac) -> None:
    ev = _open(ctx)
    try:
        result = ev.run()
    finally:
        ev.close()
    public = result.public()
    public.pop("log")
    ctx.rundir.event("hlc_slac", interface=ev.interface, modem=ev.modem_mac.hex(":"), t=round(ctx.t(), 6),
                     **public)
    _trace(ctx, result)
    why = f"no match: {result.error}" if result.error else "no match"
    t = round(ctx.t(), 6)
    m = judge("slac_matched", 1.0 if result.matched else 0.0, "1", ctx.limit(step.matched_limit), t=t)
    if not result.matched:
        m.reason = why
    _record(ctx, m)
    if step.attempts_limit:
        _record(ctx, judge("slac_parm_attempts", float(result.parm_attempts) if result.parm_response_s else None,
                           "1", ctx.limit(step.attempts_limit), t=t, missing_reason="no CM_SLAC_PARM.CNF"))
    if step.response_limit:
        for name, value in (("slac_parm_response_time", result.parm_response_s),
                            ("slac_match_response_time", result.match_response_s)):
            _record(ctx, judge(name, None if value is None else value * 1e3, "ms", ctx.limit(step.response_limit),
                               t=t, missing_reason=why))
    if step.duration_limit:
        _record(ctx, judge("slac_matching_duration", result.duration_s, "s", ctx.limit(step.duration_limit), t=t,
                           missing_reason=why))
