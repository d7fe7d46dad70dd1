"""Actions judging what an EV session recorded: figures of the session record against limits, the answer to a
deliberate deviation, and what the charger reported against what an instrument measured.

Apart from actions_hlc.py (which drives the session) so each stays small; both read the same HlcService.
"""

from __future__ import annotations

import statistics
import time

from ..analysis import judge
from ..model import Limit
from ..model.steps_hlc import HlcCheck, HlcCompare, HlcExpectCode
from ..protocols.iso15118.evcc import Evcc
from . import actions_hlc as hlc  # a module reference: actions.py imports both while actions_hlc initialises
from .actions import _record, action
from .context import Context, StepError


def _metric(evcc: Evcc, step: HlcCheck) -> tuple[float | None, str, str]:
    """(value, unit, why-missing) of one figure of the session record."""
    rec = evcc.record
    m = step.metric
    if m in ("response_time_max_ms", "response_time_median_ms"):
        times = rec.response_times(step.message or "")
        if not times:
            return None, "ms", f"no answer to {step.message} was received ({rec.outcome or rec.phase})"
        value = max(times) if m == "response_time_max_ms" else statistics.median(times)
        return value * 1e3, "ms", ""
    if m == "failed_responses":
        return float(len(rec.failed()) + (1 if rec.charger_fault else 0)), "1", ""
    if m == "phase_duration_s":
        value = rec.phase_duration(step.phase or "")
        return value, "s", f"phase {step.phase} did not complete ({rec.outcome or rec.phase})"
    if m == "closed_after_s":
        return rec.closed_after_s, "s", "the charger did not close the TCP connection"
    if m == "charging_reached":
        return (1.0 if rec.reached("charging") else 0.0), "1", ""
    if m == "session_completed":
        return (1.0 if rec.outcome == "completed" else 0.0), "1", ""
    if m == "sdp_security_tls":
        sec = rec.sdp.get("security")
        return (None if sec is None else float(sec == 0x00)), "1", "no SDP response"
    if m == "sdp_response_time_ms":
        t = rec.sdp.get("response_time_s")
        return (None if t is None else t * 1e3), "ms", "no SDP response"
    if m == "tls_version":
        version = rec.sdp.get("tls")
        return ({"TLSv1.2": 1.2, "TLSv1.3": 1.3}.get(version) if version else None), "1", \
            f"no TLS session ({rec.outcome})"
    if m == "contract_offered" and "contract_offered" in rec.pnc:  # PnC sessions (-20: AuthorizationSetupRes)
        return float(rec.pnc["contract_offered"]), "1", ""
    if m == "contract_offered":
        ex = next((e for e in rec.of("ServiceDiscoveryReq") if e.body), None)
        if ex is None:
            return None, "1", f"no ServiceDiscoveryRes ({rec.outcome or rec.phase})"
        return float("Contract" in ((ex.body.get("PaymentOptionList") or {}).get("PaymentOption") or [])), "1", ""
    if m in ("contract_installed", "pnc_authorized"):
        return float(bool(rec.pnc.get("installed" if m == "contract_installed" else "authorized"))), "1", ""
    if m == "session_established":
        return (1.0 if rec.reached("session") else 0.0), "1", ""
    if m == "gen_challenge_bytes":
        n = rec.pnc.get("challenge_bytes")
        return (None if n is None else float(n)), "1", f"no GenChallenge received ({rec.outcome or rec.phase})"
    if m == "precharge_error_v":
        if rec.precharge_present_v is None or rec.precharge_target_v is None:
            return None, "V", "no PreChargeRes"
        return rec.precharge_present_v - rec.precharge_target_v, "V", ""
    raise StepError(f"unknown metric {m}")


@action("hlc.check")
def hlc_check(ctx: Context, step: HlcCheck) -> None:
    evcc = hlc._session(ctx)
    hlc._wait(ctx, hlc._service(ctx), "sdp", 0.0)
    value, unit, missing = _metric(evcc, step)
    m = judge(step.name, value, unit, ctx.limit(step.limit), t=round(ctx.t(), 6),
              missing_reason=missing or "no value")
    if m.reason is None and step.metric == "session_completed" and value != 1.0:
        m.reason = f"session outcome: {evcc.record.outcome}"
    elif m.verdict.value != "PASS" and step.metric in ("session_completed", "failed_responses", "contract_installed",
                                                       "pnc_authorized"):
        bad = [f"{e.response} {e.code}" for e in evcc.record.failed()]
        m.reason = f"{m.reason}; outcome: {evcc.record.outcome}; failed: {', '.join(bad) or 'none'}"
    _record(ctx, m)


@action("hlc.expect_code")
def hlc_expect_code(ctx: Context, step: HlcExpectCode) -> None:
    ex = hlc._session(ctx).record.deviation_exchange
    code = ex.code if ex is not None else None
    value = None if ex is None else float(code in step.codes)
    m = judge(step.name, value, "1", ctx.limit(step.limit), t=round(ctx.t(), 6),
              missing_reason="the deviation was never sent")
    if ex is not None and value != 1.0:
        m.reason = f"answered {ex.response} {code or ''} {ex.error or ''}".strip() + f"; expected {step.codes}"
    _record(ctx, m)


def _discharge_limit(evcc: Evcc) -> float | None:
    """Where a charger that keeps its declared discharge limits settles when the EV asks for more: minus the
    smaller of EVSEMaximumDischargeCurrent and EVSEMaximumDischargePower at the reported voltage."""
    lim, v = evcc.record.evse_limits, evcc.record.last_present_v
    current, power = lim.get("max_discharge_current_a"), lim.get("max_discharge_power_w")
    if current is None or power is None or not v:
        return None
    return -min(current, power / abs(v))


def _reported(evcc: Evcc, what: str) -> float | None:
    rec = evcc.record
    if what == "discharge_limit":
        return _discharge_limit(evcc)
    return {"present_voltage": rec.last_present_v, "present_current": rec.last_present_a,
            "target_current": rec.last_target_a, "precharge_target": rec.precharge_target_v}[what]


@action("hlc.compare")
def hlc_compare(ctx: Context, step: HlcCompare) -> None:
    evcc = hlc._session(ctx)
    limit = ctx.limit(step.limit)
    inst = ctx.bench.instrument(step.instrument)
    t_read = evcc.t()
    readings = [inst.read(step.quantity, step.element) for _ in range(step.average)]
    values = [r.value for r in readings if r.value is not None]
    if step.reported in ("present_voltage", "present_current", "discharge_limit"):
        # pair the reading with a report the charger made for a request sent after it (a slow charger's
        # last answer describes an older moment)
        deadline = time.monotonic() + 2.0
        while ((evcc.record.report_request_t or -1.0) < t_read and evcc.record.outcome is None
               and time.monotonic() < deadline):
            time.sleep(0.002)
    reported = _reported(evcc, step.reported)
    item = ctx.bench.items[step.instrument]
    unit = "%" if step.relative else readings[0].unit
    value = None
    uncertainty = max(r.uncertainty for r in readings)
    if values and reported is not None:
        measured = sum(values) / len(values)
        value = reported - measured
        if step.relative:  # in % of the measured magnitude: a discharge current is negative
            value = 100.0 * value / abs(measured) if measured else None
            uncertainty = 100.0 * uncertainty / abs(measured) if measured else 0.0
    if step.declared_tolerance:
        declared = evcc.record.evse_limits.get("current_tolerance_a")
        if declared is None:
            raise StepError("the charger declared no EVSECurrentRegulationTolerance")
        note = f"tolerance {declared:g} declared by the DUT (ChargeParameterDiscoveryRes); {limit.source.note or ''}"
        limit = Limit(id=limit.id, description=limit.description, unit=limit.unit, low=-declared, high=declared,
                      source=limit.source.model_copy(update={"note": note}))
    _record(ctx, judge(step.name, value, unit, limit, uncertainty=uncertainty, instrument=step.instrument,
                       calibration_valid=item.calibration_valid, t=round(ctx.t(), 6),
                       missing_reason=f"no {step.reported} reported ({evcc.record.outcome or evcc.record.phase})"))
