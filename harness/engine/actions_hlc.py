"""Actions driving the EV side of high-level communication, and the engine service that owns the session.

The session runs in its own thread; every instrument call stays on the engine's thread: when the session
needs the pilot changed (B -> C before cable check, back to B at the end) or the battery emulator switched
(harness.engine.ev_bench), it submits a bench request, which the engine performs while it waits.
"""

from __future__ import annotations

import json
import ssl
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..analysis import judge
from ..model import BenchConfig, DutProfile, Limit
from ..model.steps_hlc import HlcCheck, HlcCompare, HlcExpectCode, HlcSetTarget, HlcStart, HlcStop, HlcWait
from ..protocols.iso15118.battery import Battery
from ..protocols.iso15118.evcc import Evcc, Target
from ..protocols.iso15118.session import Deviation, Exchange
from .actions import _record, action
from .context import Context, StepError
from .ev_bench import EvBench
from .services import SERVICE_FACTORIES


def _dialect(protocol: str, energy: str) -> Any:
    if protocol == "din70121":
        from ..protocols.iso15118.dialect_din import DinDialect

        return DinDialect()
    if protocol == "iso15118-2" and energy in ("DC", "AC"):
        from ..protocols.iso15118.dialect_iso2 import Iso2Dialect

        return Iso2Dialect(energy)
    if protocol == "iso15118-20" and energy in ("DC", "DC_BPT", "AC"):
        from ..protocols.iso15118.dialect_iso20 import Iso20Dialect

        return Iso20Dialect(energy)
    raise StepError(f"the EV side does not implement {protocol} {energy} yet")


class HlcService:
    """Owns the EV session of a run; safe state drops the connection so the charger must shut down."""

    name = "hlc"

    def __init__(self, dut: DutProfile, bench: BenchConfig):
        self.dut, self.bench = dut, bench
        self.evcc: Evcc | None = None
        self.ev: EvBench | None = None  # the session's pilot and battery emulator requests
        self.run_dir: Any = None
        self.resolve: Callable[[str], str] = lambda a: a
        self._trace_lock = threading.Lock()

    def start(self, run_dir: Any, resolve: Callable[[str], str]) -> None:
        self.run_dir, self.resolve = run_dir, resolve

    def safe_state(self) -> None:
        """Any thread (the watchdog's too): drop the connection; the session's bench requests are abandoned."""
        if self.evcc is not None:
            self.evcc.abort()
            self.evcc.join(5.0)

    def stop(self) -> None:
        self.safe_state()

    def target(self, tls_version: str | None = None, client_cert: bool = True) -> Target:
        hlc = self.dut.hlc
        tls = None
        if tls_version is not None:
            if not hlc.tls_root:
                raise StepError("the DUT profile's hlc section names no tls_root (the V2G root the EV trusts)")
            from ..protocols.iso15118.pki import ev_context

            client = None
            if tls_version == "1.3" and client_cert and hlc.contract_pki:  # -20: mutual TLS, vehicle certificate
                folder = Path(self.resolve(hlc.contract_pki))
                client = (folder / "vehicle_chain.pem", folder / "vehicle.key")
            try:
                tls = ev_context(Path(self.resolve(hlc.tls_root)), tls_version, client)
            except (OSError, ssl.SSLError) as exc:
                raise StepError(f"TLS material of the DUT profile's hlc section: {exc}") from None
        if hlc.sdp:
            host, _, port = self.resolve(hlc.sdp).rpartition(":")
            return Target(sdp_address=(host.strip("[]"), int(port)), tls=tls)
        if hlc.interface:
            return Target(interface=hlc.interface, tls=tls)
        raise StepError("the DUT profile's hlc section gives neither sdp nor interface")

    def pump(self, ctx: Context) -> None:
        """Engine thread: carry out the session's pending bench requests."""
        ctx.bench.requests.pump()

    def end_session(self, ctx: Context) -> None:
        """Engine thread: abort the session, forget its requests, open the EV's contactor (battery emulator)."""
        self.safe_state()
        ctx.bench.requests.cancel_all("the HLC session was aborted")
        if self.ev is not None:
            self.ev.off(ctx)

    def trace(self, ex: Exchange) -> None:
        if self.run_dir is None:
            return
        row = {"protocol": self.evcc.dialect.name if self.evcc else None, "request": ex.request, "t": round(ex.t, 6),
               "response": ex.response, "code": ex.code, "deviation": ex.deviation, "error": ex.error,
               "response_time_ms": None if ex.response_time_s is None else round(ex.response_time_s * 1e3, 3)}
        with self._trace_lock, open(self.run_dir.path / "traces" / "v2g.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")


def _factory(dut: DutProfile, bench: BenchConfig) -> HlcService | None:
    return HlcService(dut, bench) if dut.hlc is not None else None


SERVICE_FACTORIES.append(_factory)


def _service(ctx: Context) -> HlcService:
    service = ctx.bench.services.get("hlc")
    if not isinstance(service, HlcService):
        raise StepError("no HLC service: the DUT profile has no 'hlc' section")
    return service


def _session(ctx: Context) -> Evcc:
    evcc = _service(ctx).evcc
    if evcc is None:
        raise StepError("no HLC session was started (hlc.start)")
    return evcc


def _wait(ctx: Context, svc: HlcService, phase: str, timeout_s: float) -> bool:
    """Pump pilot requests until the session reaches ``phase`` or ends; False on timeout."""
    rec = svc.evcc.record
    start = ctx.clock.now()
    while True:
        svc.pump(ctx)
        if rec.reached(phase) or rec.outcome is not None:
            svc.pump(ctx)
            if rec.outcome and rec.outcome.startswith("harness error"):
                raise StepError(f"HLC session: {rec.outcome}")
            return rec.reached(phase)
        if ctx.clock.now() - start > timeout_s:
            return False
        ctx.clock._check()
        time.sleep(0.002)


def _battery(ctx: Context, step: HlcStart) -> Battery:
    high = ctx.dut.nominal_voltage_v >= 800
    bat = Battery(v_empty=600.0 if high else 320.0, v_full=800.0 if high else 420.0,
                  max_voltage_v=850.0 if high else 450.0, max_current_a=min(ctx.dut.max_current_a, 500.0),
                  max_power_w=(ctx.dut.max_power_kw or 150.0) * 1000, soc_pct=ctx.number(step.soc_pct),
                  target_current_a=ctx.number(step.target_current_a))
    if step.max_voltage_v is not None:
        bat.max_voltage_v = ctx.number(step.max_voltage_v)
        bat.v_full = min(bat.v_full, bat.max_voltage_v)
    return bat


def _wallet(svc: HlcService) -> Any:
    """The EV's Plug & Charge material from the DUT profile's hlc.contract_pki folder."""
    folder = svc.dut.hlc.contract_pki
    if not folder:
        raise StepError("payment: PnC needs hlc.contract_pki in the DUT profile (the EV's contract material)")
    from ..protocols.iso15118.pnc import Wallet

    try:
        return Wallet.load(Path(svc.resolve(folder)))
    except (OSError, ValueError) as exc:
        raise StepError(f"hlc.contract_pki {folder}: {exc}") from None


@action("hlc.start")
def hlc_start(ctx: Context, step: HlcStart) -> None:
    svc = _service(ctx)
    svc.end_session(ctx)
    dev = None
    if step.deviation is not None:
        dev = Deviation(**step.deviation.model_dump())
    dialect = _dialect(step.protocol, step.energy)
    _check_direction(dialect, ctx.number(step.target_current_a))
    dialect.preload()
    if step.payment == "PnC":
        dialect.use_pnc(_wallet(svc), install=step.install_contract)
    tls = ("1.3" if step.protocol == "iso15118-20" else "1.2") if step.tls else None
    battery = _battery(ctx, step)
    evcc = Evcc(dialect, battery, svc.target(tls, step.client_cert), ctx.clock, on_exchange=svc.trace, deviation=dev,
                stop_after_s=ctx.number(step.stop_after_s) if step.stop_after_s is not None else None)
    ev = EvBench(ctx, battery, evcc.timers.stop_current_a, evcc.timers.contactor_open_s)
    ev.cancelled = evcc.aborted
    evcc.cp = ev.cp if ev.ev_name else None
    evcc.ev_battery = ev.battery if ev.emulator else None
    svc.ev = ev
    if step.wait_for == "pre_charged":
        evcc.hold_precharge.set()
    svc.evcc = evcc
    evcc.start()
    reached = _wait(ctx, svc, step.wait_for, ctx.number(step.timeout_s))
    ctx.rundir.event("hlc_session", protocol=step.protocol, phase=evcc.record.phase, reached=reached,
                     outcome=evcc.record.outcome, sdp=evcc.record.sdp)


@action("hlc.wait")
def hlc_wait(ctx: Context, step: HlcWait) -> None:
    svc = _service(ctx)
    _session(ctx).hold_precharge.clear()
    _wait(ctx, svc, step.phase, ctx.number(step.timeout_s))


def _check_direction(dialect: Any, current_a: float) -> None:
    """A negative target (discharge) only makes sense in a bidirectional session: say so, do not clamp it."""
    if current_a < 0 and not getattr(dialect, "bpt", False):
        raise StepError(f"target current {current_a:g} A asks to discharge: start the session with energy: DC_BPT")


@action("hlc.set_target")
def hlc_set_target(ctx: Context, step: HlcSetTarget) -> None:
    evcc = _session(ctx)
    current = ctx.number(step.current_a)
    _check_direction(evcc.dialect, current)
    evcc.battery.target_current_a = current


@action("hlc.stop")
def hlc_stop(ctx: Context, step: HlcStop) -> None:
    if step.abort:
        svc = ctx.bench.services.get("hlc")
        if not isinstance(svc, HlcService):
            return  # nothing to end: an AC profile without HLC in a shared suite
        svc.end_session(ctx)
        return
    svc = _service(ctx)
    evcc = _session(ctx)
    if step.drop:
        evcc.abort()  # the connection goes away without PowerDelivery(stop): a loss of communication
        evcc.join(5.0)
        ctx.rundir.event("hlc_dropped", t=round(ctx.t(), 6))
        return
    evcc.request_stop(emergency=step.emergency)
    timeout = ctx.number(step.timeout_s)
    if step.wait:
        _wait(ctx, svc, "ended", timeout)
    elif step.emergency:
        start = ctx.clock.now()
        while evcc.record.emergency_t is None and evcc.record.outcome is None:
            svc.pump(ctx)
            if ctx.clock.now() - start > timeout:
                break
            time.sleep(0.001)
    else:
        _wait(ctx, svc, "welding", timeout)


# -- judging what the session recorded ---------------------------------------------------------------------
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
    evcc = _session(ctx)
    _wait(ctx, _service(ctx), "sdp", 0.0)
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
    ex = _session(ctx).record.deviation_exchange
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
    evcc = _session(ctx)
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
