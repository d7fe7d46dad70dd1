"""Actions driving the OCPP CSMS peer, and the CSMS's registration as an engine service.

Every check becomes a measurement: the time a message took to arrive (judged against the step's timeout,
or a limit from the suite's limit set), a count of findings (must be 0), an energy error in per cent.
"""

from __future__ import annotations

import json
from typing import Any

from ..analysis import judge
from ..model import Measurement, Verdict
from ..model.steps_ocpp import (
    CsmsCall,
    CsmsDisconnect,
    CsmsEnergyBegin,
    CsmsEnergyCheck,
    CsmsExpect,
    CsmsExpectConnect,
    CsmsExpectNoConnect,
    CsmsFindings,
    CsmsForbid,
    CsmsMark,
    CsmsReady,
    CsmsSchema,
    CsmsSetReply,
    CsmsSigning,
    CsmsTls,
    CsmsVerifyOcmf,
)
from ..protocols.ocpp import ocmf
from ..protocols.ocpp.expect import matches, messages_since, wait_for
from ..protocols.ocpp.meter import energy_register_wh, signed_values
from ..protocols.ocpp.service import CsmsService
from ..protocols.ocpp.session import CONNECT, REJECTED
from .actions import ConditionNotReached, _record
from .actions import action as _register
from .context import Context, StepError
from .services import SERVICE_FACTORIES


def action(name: str):
    """Register an OCPP action; anything unexpected inside it is a StepError (ERROR for this test only),
    never an exception that ends the run."""

    def wrap(fn):
        def guarded(ctx: Context, step: Any) -> None:
            try:
                fn(ctx, step)
            except (StepError, ConditionNotReached):
                raise
            except Exception as exc:
                raise StepError(f"{name}: {type(exc).__name__}: {exc}") from exc

        guarded.__name__ = fn.__name__
        return _register(name)(guarded)

    return wrap


def _factory(dut: Any, bench: Any) -> CsmsService | None:
    return CsmsService(dut) if getattr(dut, "ocpp", None) is not None else None


SERVICE_FACTORIES.append(_factory)


def _svc(ctx: Context) -> CsmsService:
    svc = ctx.bench.services.get("csms")
    if not isinstance(svc, CsmsService):
        raise StepError("no CSMS is running: the DUT profile has no 'ocpp:' section")
    svc.begin(ctx)
    return svc


def _real(ctx: Context, seconds: Any) -> float:
    return ctx.number(seconds) / ctx.clock.time_scale


def _short(obj: Any) -> str:
    text = json.dumps(obj, separators=(",", ":"), default=str)
    return text if len(text) <= 200 else text[:197] + "..."


def _timed(ctx: Context, name: str, elapsed: float | None, timeout: float, reason: str | None,
           limit_id: str | None = None) -> None:
    """A measurement of 'it happened within the time allowed'."""
    if limit_id is not None:
        _record(ctx, judge(name, elapsed, "s", ctx.limit(limit_id), t=round(ctx.t(), 6),
                           missing_reason=reason or "did not happen"))
        return
    ok = elapsed is not None and reason is None
    _record(ctx, Measurement(name=name, value=elapsed, unit="s", high=timeout, t=round(ctx.t(), 6),
                             verdict=Verdict.PASS if ok else Verdict.FAIL, reason=None if ok else reason))


def _snake(text: str) -> str:
    out = "".join("_" + c.lower() if c.isupper() else c for c in text).lstrip("_")
    return out.replace("__", "_")


@action("csms.expect")
def csms_expect(ctx: Context, step: CsmsExpect) -> None:
    svc = _svc(ctx)
    ch = svc.charger()
    payload = svc.substitute(step.payload)
    timeout = ctx.number(step.timeout_s)
    since = svc.cursor.get(step.message, svc.mark) if step.order == "strict" else svc.mark
    previous = svc.last_seen.get(step.message) if step.interval else None
    if step.interval and previous is None:
        raise StepError(f"interval: no earlier {step.message} was expected in this test")
    if previous is not None:
        since = previous.seq
    elif step.since == "step":
        since = ch.history[-1].seq if ch.history else 0
    t0 = ctx.clock.now()
    kind = 3 if step.reply else 2
    seen = wait_for(ch, step.message, payload, timeout / ctx.clock.time_scale, since, strict=step.order == "strict",
                    check=ctx.clock._check, nth=step.nth, kind=kind)
    elapsed = ctx.clock.now() - t0
    name = step.name or _snake(step.message)
    if step.absent:
        reason = None if seen.message is None else f"{step.message} {_short(seen.message.payload)} came"
        _record(ctx, Measurement(name=name, value=elapsed if seen.message else None, unit="s", low=timeout,
                                 t=round(ctx.t(), 6), verdict=Verdict.PASS if reason is None else Verdict.FAIL,
                                 reason=reason or f"no {step.message} within {timeout:g} s, as required"))
        return
    if seen.message is not None:
        if step.order == "strict":
            svc.cursor[step.message] = seen.message.seq
        svc.last_seen[step.message] = seen.message
        origin = previous.mono if previous is not None else ctx.clock._t0 + t0 / ctx.clock.time_scale
        arrived = max(0.0, (seen.message.mono - origin) * ctx.clock.time_scale)
        _timed(ctx, name, arrived, timeout, None, step.limit)
        return
    if seen.mismatch is not None:
        reason = (f"strict order: the next {step.message} was {_short(seen.mismatch.payload)}, "
                  f"expected {_short(payload)}")
    else:
        got = [m.payload for m in messages_since(ch, since, step.message, kind=kind, direction="rx")][-3:]
        reason = (f"no {step.message} matching {_short(payload)} within {timeout:g} s"
                  + (f" (got {_short(got)})" if got else ""))
    _timed(ctx, name, None, timeout, reason, step.limit)


@action("csms.call")
def csms_call(ctx: Context, step: CsmsCall) -> None:
    svc = _svc(ctx)
    payload = svc.substitute(step.payload)
    expect = svc.substitute(step.expect)
    timeout = ctx.number(step.timeout_s)
    if "$tx" in json.dumps(step.payload) and svc.transaction_id() is None:
        if step.check:
            _timed(ctx, step.name or _snake(step.message) + "_reply", None, timeout,
                   f"{step.message} needs a running transaction and the charger started none")
        return
    try:
        out = svc.csms.call(svc.cp_id, step.message, payload, timeout / ctx.clock.time_scale,
                            validate=step.validate_payload)
    except ValueError as exc:
        raise StepError(str(exc)) from None
    except ConnectionError as exc:
        if not step.check:
            return
        _timed(ctx, step.name or _snake(step.message), None, timeout, str(exc), step.limit)
        return
    if not step.check:
        return
    elapsed = out.elapsed_s * ctx.clock.time_scale if out.elapsed_s is not None else None
    reason = None
    if elapsed is None:
        reason = f"no reply to {step.message} within {timeout:g} s"
    elif out.error_code is not None:
        if out.error_code not in step.expect_error:
            reason = f"{step.message} answered with CallError {out.error_code}: {out.error_description}"
    elif out.schema_error is not None:
        reason = f"{step.message} reply violates the schema: {out.schema_error}"
    elif expect is not None and not matches(expect, out.payload):
        reason = f"{step.message} reply {_short(out.payload)} does not match {_short(expect)}"
    _timed(ctx, step.name or _snake(step.message) + "_reply", elapsed, timeout, reason, step.limit)


@action("csms.set_reply")
def csms_set_reply(ctx: Context, step: CsmsSetReply) -> None:
    _svc(ctx).charger().replies.set(step.message, step.replies, step.then)


@action("csms.forbid")
def csms_forbid(ctx: Context, step: CsmsForbid) -> None:
    ch = _svc(ctx).charger()
    ch.forbidden.clear()
    ch.forbidden.update(step.messages)
    ch.forbid_until_accepted = step.until_accepted


@action("csms.ready")
def csms_ready(ctx: Context, step: CsmsReady) -> None:
    """Connected and registered; a charger stuck unregistered (e.g. after a Rejected boot) is cycled once by
    closing its connection, as a tester would power-cycle it, so one failed test does not sink the rest."""
    svc = _svc(ctx)
    ch = svc.charger()
    timeout = ctx.number(step.timeout_s)
    start = ctx.clock.now()
    cycled = False
    while ctx.clock.now() - start < timeout:
        if ch.session is not None and svc.registered() and not (step.idle and svc.transaction_id() is not None):
            return
        if not cycled and ctx.clock.now() - start > timeout / 3 and ch.session is not None:
            cycled = True
            ctx.rundir.event("csms_cycle", reason="connected but not registered: closing the connection")
            svc.csms.disconnect(svc.cp_id)
        ctx.clock.sleep(min(0.5, timeout / 20))
    raise ConditionNotReached(f"the charger was not connected, registered{' and idle' if step.idle else ''} "
                              f"within {timeout:g} s")


@action("csms.mark")
def csms_mark(ctx: Context, step: CsmsMark) -> None:
    _svc(ctx).set_mark()


@action("csms.schema")
def csms_schema(ctx: Context, step: CsmsSchema) -> None:
    _svc(ctx).charger().strict_schema = step.mode == "strict"


@action("csms.signing")
def csms_signing(ctx: Context, step: CsmsSigning) -> None:
    _svc(ctx).signing = step.mode


@action("csms.findings")
def csms_findings(ctx: Context, step: CsmsFindings) -> None:
    svc = _svc(ctx)
    ch = svc.charger()
    found = [f for f in ch.findings[svc.findings_mark:] if step.kinds is None or f.kind in step.kinds]
    for f in found:
        ctx.rundir.event("ocpp_finding", finding=f.kind, detail=f.detail, frame=f.frame, cp=f.cp_id)
    ok = not found
    _record(ctx, Measurement(name=step.name or "ocpp_findings", value=float(len(found)), unit="count", high=0,
                             t=round(ctx.t(), 6), verdict=Verdict.PASS if ok else Verdict.FAIL,
                             reason=None if ok else "; ".join(f.summary() for f in found[:3])))


@action("csms.expect_connect")
def csms_expect_connect(ctx: Context, step: CsmsExpectConnect) -> None:
    if step.only_if and step.only_if.lower() not in ctx.dut.claims():
        return
    svc = _svc(ctx)
    ch = svc.charger()
    timeout = ctx.number(step.timeout_s)
    t0 = ctx.clock.now()
    seen = wait_for(ch, CONNECT, svc.substitute(step.info), timeout / ctx.clock.time_scale, svc.mark, kind=0,
                    direction="--", check=ctx.clock._check)
    elapsed = ctx.clock.now() - t0
    rejects = [m for m in messages_since(ch, svc.mark, REJECTED)
               if seen.message is None or m.seq < seen.message.seq]
    reason = None
    if seen.message is None:
        last = messages_since(ch, svc.mark, CONNECT)
        reason = (f"no connection{' matching ' + _short(step.info) if step.info else ''} within {timeout:g} s"
                  + (f" (got {_short(last[-1].payload)})" if last else ""))
    elif step.no_rejects and rejects:
        reason = f"{len(rejects)} refused attempt(s) first: {rejects[0].payload.get('reason')}"
    if seen.message is not None:
        svc.mark = max(svc.mark, seen.message.seq)
    _timed(ctx, step.name or "reconnect", elapsed if seen.message else None, timeout, reason)


@action("csms.expect_no_connect")
def csms_expect_no_connect(ctx: Context, step: CsmsExpectNoConnect) -> None:
    svc = _svc(ctx)
    ch = svc.charger()
    seconds = ctx.number(step.seconds)
    since = ch.history[-1].seq if ch.history else 0
    seen = wait_for(ch, CONNECT, None, seconds / ctx.clock.time_scale, since, kind=0, direction="--",
                    check=ctx.clock._check)
    ok = seen.message is None
    _record(ctx, Measurement(name=step.name or "refused_server", value=None if ok else seen.waited_s,
                             unit="s", low=seconds, t=round(ctx.t(), 6),
                             verdict=Verdict.PASS if ok else Verdict.FAIL,
                             reason=(f"no connection within {seconds:g} s, as required" if ok else
                                     f"the charger connected to a server it must refuse "
                                     f"({_short(seen.message.payload)})")))


@action("csms.disconnect")
def csms_disconnect(ctx: Context, step: CsmsDisconnect) -> None:
    svc = _svc(ctx)
    svc.set_mark()
    svc.csms.disconnect(svc.cp_id)


@action("csms.tls")
def csms_tls(ctx: Context, step: CsmsTls) -> None:
    svc = _svc(ctx)
    svc.set_mark()
    try:
        svc.set_tls(step.variant)
    except RuntimeError as exc:
        raise StepError(str(exc)) from None


# -- cross-layer: metered energy against the analyzer, signed meter values ------------------------------------
def _meter_wh(ctx: Context, svc: CsmsService, timeout: float) -> float | None:
    """Ask the charger for a meter reading (TriggerMessage MeterValues) and return its energy register."""
    ch = svc.charger()
    since = ch.history[-1].seq if ch.history else 0
    payload = ({"requestedMessage": "MeterValues", "connectorId": 1} if ch.version == "1.6"
               else {"requestedMessage": "MeterValues", "evse": {"id": 1}})
    svc.csms.call(svc.cp_id, "TriggerMessage", payload, timeout / ctx.clock.time_scale)
    seen = wait_for(ch, "MeterValues", None, timeout / ctx.clock.time_scale, since, check=ctx.clock._check)
    return None if seen.message is None else energy_register_wh(seen.message.payload)


def _sync(analyzer: Any) -> None:
    """A query round trip, so the integrator command has been executed before the test goes on."""
    try:
        analyzer.identify()
    except Exception:  # an analyzer without a cheap query: the suite's waits must cover it
        pass


@action("csms.energy_begin")
def csms_energy_begin(ctx: Context, step: CsmsEnergyBegin) -> None:
    svc = _svc(ctx)
    analyzer = ctx.bench.instrument(step.instrument)
    analyzer.integration_stop()
    analyzer.integration_reset()
    start = _meter_wh(ctx, svc, ctx.number(step.timeout_s))
    analyzer.integration_start()
    _sync(analyzer)
    if start is None:
        raise StepError("the charger sent no energy register when asked (TriggerMessage MeterValues)")
    svc.energy_start = start


@action("csms.energy_check")
def csms_energy_check(ctx: Context, step: CsmsEnergyCheck) -> None:
    svc = _svc(ctx)
    analyzer = ctx.bench.instrument(step.instrument)
    analyzer.integration_stop()
    _sync(analyzer)
    end = _meter_wh(ctx, svc, ctx.number(step.timeout_s))
    reading = analyzer.read("wp", "sigma")
    start, svc.energy_start = svc.energy_start, None
    name = step.name or "meter_error"
    if end is None or start is None or reading.value is None or reading.value <= 0:
        _record(ctx, judge(name, None, "%", ctx.limit(step.limit), nominal=0.0, t=round(ctx.t(), 6),
                           missing_reason=f"no energy to compare (meter {start}->{end} Wh, analyzer "
                                          f"{reading.value} Wh)"))
        return
    error = (end - start - reading.value) / reading.value * 100.0
    uncertainty = (reading.uncertainty / reading.value * 100.0) if reading.uncertainty else 0.0
    ctx.rundir.event("energy_compare", meter_wh=end - start, analyzer_wh=reading.value, error_pct=error)
    _record(ctx, judge(name, error, "%", ctx.limit(step.limit), nominal=0.0, uncertainty=uncertainty,
                       instrument=step.instrument, t=round(ctx.t(), 6)))


@action("csms.verify_ocmf")
def csms_verify_ocmf(ctx: Context, step: CsmsVerifyOcmf) -> None:
    svc = _svc(ctx)
    key = svc.cfg.ocmf_public_key
    if not key:
        raise StepError("the DUT profile gives no ocpp.ocmf_public_key to verify signed meter values with")
    signed = [s for m in messages_since(svc.charger(), svc.mark, direction="rx", kind=2)
              for s in signed_values(m.payload)]
    bad = [(s, why) for s in signed for ok, why in [ocmf.verify(s, key)] if not ok]
    name = step.name or "ocmf_invalid_signatures"
    if not signed:
        reason = "the charger sent no signed meter value"
    elif bad:
        reason = f"{len(bad)} of {len(signed)} signed meter values fail: {bad[0][1]}"
    else:
        reason = None
    _record(ctx, Measurement(name=name, value=float(len(bad)) if signed else None, unit="count", high=0,
                             t=round(ctx.t(), 6), verdict=Verdict.PASS if reason is None else Verdict.FAIL,
                             reason=reason))
