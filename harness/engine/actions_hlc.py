"""Actions driving the EV side of high-level communication, and the engine service that owns the session.

The session runs in its own thread; every instrument call stays on the engine's thread: when the session
needs the pilot changed (B -> C before cable check, back to B at the end) or the battery emulator switched
(harness.engine.ev_bench), it submits a bench request, which the engine performs while it waits.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model import BenchConfig, DutProfile
from ..model.steps_hlc import HlcSetTarget, HlcStart, HlcStop, HlcWait
from ..protocols.iso15118.battery import Battery
from ..protocols.iso15118.evcc import Evcc, Target
from ..protocols.iso15118.session import Deviation, Exchange
from .actions import action
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
