"""The EV's side of the bench during an HLC session: its pilot (the EV emulator) and its traction battery (the
bench's battery emulator), driven from the EV's battery model.

The session thread calls ``cp()`` and ``battery()``; both submit bench requests that the engine thread
carries out (harness.engine.bench_requests), so no driver is ever used from two threads. The battery
emulator is the bench's first ``dc_load`` (the virtual lab uses the same rule to switch its stand-in off).
Its programming follows what the EV does: battery mode at the pack's open-circuit voltage and internal
resistance with the contactor open before cable check; contactor closed after PowerDelivery(start); the
voltage following the state of charge during the loop; contactor opened after PowerDelivery(stop) once the
current has fallen (or the EV's patience ran out); off when the session is aborted (safe state).
"""

from __future__ import annotations

from typing import Any

from instruments.base.roles import DcLoad, EvEmulator

from ..protocols.iso15118.battery import Battery
from .context import Context, StepError

CP_WAIT_S = 3.0  # real seconds the session waits for a pilot change
CLOSE_WAIT_S = 3.0  # real seconds the session waits for the battery emulator's contactor to close
TRACK_PERIOD_S = 1.0  # virtual seconds between battery-emulator updates during the charge loop
PACK_RESISTANCE_OHM = 0.05  # the emulated pack's internal resistance: a model constant, not the EV's
ABORT_OPEN_WAIT_S = 2.0  # virtual: after an abort the EV waits this long for the charger to stop before opening


class BatteryEmulator:
    """A DC load playing the EV battery: BATT mode where the driver has one (``set_battery``), otherwise CV at
    the open-circuit voltage (a bidirectional supply holding a voltage is a battery without resistance)."""

    def __init__(self, name: str, driver: DcLoad):
        self.name, self.driver = name, driver
        self.battery_mode = callable(getattr(driver, "set_battery", None))
        self.closed = False

    def program(self, ocv_v: float, resistance_ohm: float) -> None:
        if self.battery_mode:
            self.driver.set_battery(ocv_v, resistance_ohm)  # type: ignore[attr-defined]
            self.driver.set_mode("BATT", ocv_v)
        else:
            self.driver.set_mode("CV", ocv_v)

    def contactor(self, closed: bool) -> None:
        self.driver.set_input(closed)
        self.closed = closed

    def current(self) -> float | None:
        return self.driver.read("current").value


class EvBench:
    """One session's pilot and battery requests, made on the session thread, carried out on the engine's."""

    def __init__(self, ctx: Context, battery: Battery, stop_current_a: float, open_wait_s: float):
        self.ctx, self.bat = ctx, battery
        self.stop_current_a, self.open_wait_s = stop_current_a, open_wait_s
        self.requests = ctx.bench.requests
        cfg = ctx.bench.config
        self.ev_name = next((i.name for i in cfg.instruments if i.role == "ev_emulator"), None)
        loads = cfg.by_role("dc_load")
        self.emulator: BatteryEmulator | None = None
        if loads:
            driver = ctx.bench.instrument(loads[0].name)
            if not isinstance(driver, DcLoad):
                raise StepError(f"instrument {loads[0].name!r} is not a DC load / battery emulator")
            self.emulator = BatteryEmulator(loads[0].name, driver)
        self.cancelled = lambda: False  # set by the service: the session was aborted
        self._tracked_t: float | None = None
        self.tracked = 0  # battery-emulator updates made during the charge loop

    def _event(self, kind: str, **fields: Any) -> None:
        self.ctx.rundir.event(kind, t=round(self.ctx.t(), 6), **fields)

    # -- the pilot ---------------------------------------------------------------------------------------------
    def cp(self, state: str) -> None:
        """Session thread: the pilot to ``state`` through the EV emulator; waits for the engine to do it."""
        if self.ev_name is None:
            return

        def run() -> bool:
            inst = self.ctx.bench.instrument(self.ev_name)
            if isinstance(inst, EvEmulator):
                inst.set_state(state)
                self._event("hlc_cp", state=state)
            return True

        self.requests.submit(f"pilot {state}", run).wait(CP_WAIT_S, self.cancelled)

    # -- the battery -------------------------------------------------------------------------------------------
    def battery(self, what: str) -> None:
        """Session thread: ``prepare`` (before cable check), ``close`` (after PowerDelivery(start)), ``track``
        (each charge-loop turn; rate-limited, not waited for) or ``open`` (after PowerDelivery(stop), and when
        the session ends otherwise)."""
        emu = self.emulator
        if emu is None:
            return
        if what == "prepare":
            self._ask("prepare", self._prepare, CLOSE_WAIT_S)
        elif what == "close":
            self._ask("close", self._close, CLOSE_WAIT_S)
        elif what == "track":
            now = self.ctx.clock.now()
            if self._tracked_t is None or now - self._tracked_t >= TRACK_PERIOD_S:
                self._tracked_t = now
                ocv = self.bat.ocv()
                self.requests.submit("battery emulator track", lambda: self._track(ocv), key="ev_battery.track")
        elif what == "open":
            if not emu.closed:
                return
            start = self.ctx.clock.now()
            self._ask("open", lambda: self._open(start), CLOSE_WAIT_S + self.open_wait_s / self.ctx.clock.time_scale)
        else:
            raise ValueError(f"unknown battery request {what!r}")

    def _ask(self, what: str, fn: Any, wait_s: float) -> None:
        req = self.requests.submit(f"battery emulator {what}", fn)
        if not req.wait(wait_s, self.cancelled) and req.error not in (None, "timed out") and not self.cancelled():
            raise RuntimeError(f"battery emulator {self.emulator.name}: {what}: {req.error}")

    # engine thread from here on
    def _prepare(self) -> bool:
        emu = self.emulator
        emu.contactor(False)
        emu.program(self.bat.ocv(), PACK_RESISTANCE_OHM)
        self._event("ev_battery", instrument=emu.name, action="prepare", ocv_v=round(self.bat.ocv(), 2),
                    resistance_ohm=PACK_RESISTANCE_OHM, mode="BATT" if emu.battery_mode else "CV")
        return True

    def _close(self) -> bool:
        self.emulator.contactor(True)
        self._event("ev_battery", instrument=self.emulator.name, action="close", ocv_v=round(self.bat.ocv(), 2))
        return True

    def _track(self, ocv: float) -> bool:
        if self.emulator.closed:
            self.emulator.program(ocv, PACK_RESISTANCE_OHM)
            self.emulator.current()  # the EV's BMS watches its pack: a lost emulator shows here
            self.tracked += 1
        return True

    def _open(self, start: float) -> bool:
        emu = self.emulator
        if not emu.closed:
            return True
        current = emu.current()
        waited = self.ctx.clock.now() - start
        if current is not None and abs(current) >= self.stop_current_a and waited < self.open_wait_s:
            return False  # still flowing: the EV opens its contactor once the charger has ramped down
        emu.contactor(False)
        self._event("ev_battery", instrument=emu.name, action="open", current_a=current,
                    waited_s=round(waited, 3), forced=waited >= self.open_wait_s, ocv_v=round(self.bat.ocv(), 3),
                    tracked=self.tracked)
        return True

    def off(self, ctx: Context) -> None:
        """Engine thread, after the session was aborted (``ctx``: the test now running): the EV's contactor
        open once the charger has stopped (it must, the connection is gone), at the latest after
        ABORT_OPEN_WAIT_S, so a charger that keeps delivering does not keep the bench energised."""
        emu = self.emulator
        if emu is None or not emu.closed:
            return
        start = ctx.clock.now()
        current = emu.current()
        while current is not None and abs(current) >= self.stop_current_a and ctx.clock.now() - start < \
                ABORT_OPEN_WAIT_S:
            ctx.clock.sleep(0.05)
            current = emu.current()
        emu.contactor(False)
        ctx.rundir.event("ev_battery", t=round(ctx.t(), 6), instrument=emu.name, action="off", current_a=current,
                         forced=current is not None and abs(current) >= self.stop_current_a)
