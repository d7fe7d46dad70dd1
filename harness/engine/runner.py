"""Run a plan: for each applicable test, setup, steps and teardown; record as it goes; safe state always."""

from __future__ import annotations

import copy
import platform
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from instruments import InstrumentError, InstrumentLost
from instruments.registry import open_transport

from .. import __version__
from ..loader import LoadedSuite
from ..model import (
    BenchConfig,
    DutProfile,
    RunRecord,
    SafeStateRecord,
    TestCase,
    TestResult,
    Verdict,
    worst,
)
from ..protocols.dut_control import DutControlError
from .actions import ConditionNotReached, run_step
from .bench import Bench
from .clock import Clock
from .context import Context, NotApplicable, StepError
from .plan import Planned, plan
from .rundir import RunDir, utc_now
from .safety import RunAborted, Safety

STEP_MARGIN_S = 30.0  # real seconds a step may take beyond the virtual time it waits for
SERVICE_EMERGENCY_S = 6.0  # real seconds the watchdog gives each service's safe_state()

OnEvent = Callable[..., None]


class Run:
    """One run of a suite. Use as a context manager: ``open`` on enter, ``close`` (safe state) on exit."""

    def __init__(self, loaded: LoadedSuite, dut: DutProfile, bench: BenchConfig, out: Path,
                 time_scale: float = 1.0, defects: list[str] | None = None,
                 resolve: Callable[[str], str] = lambda a: a, on_event: OnEvent | None = None,
                 sources: dict[str, str] | None = None, virtual_lab: dict | None = None):
        if bench.virtual_lab is None and time_scale != 1.0:
            raise ValueError("a time scale other than 1 is only allowed on the virtual lab")
        self.loaded = loaded
        self.suite = loaded.suite
        self.dut = dut
        self.bench_config = bench
        self.rundir = RunDir(out)
        self.on_event = on_event or (lambda kind, **kw: None)
        self.clock = Clock(time_scale, check=self._check_abort)
        self.bench = Bench(bench, dut, resolve)
        self.plan: list[Planned] = plan(self.suite, dut, bench)
        self.broken: str | None = None
        self.safety = Safety(self._emergency, self._event)
        self.record = RunRecord(
            run_id=uuid.uuid4().hex[:12], status="running", started=utc_now(),
            suite={"id": self.suite.id, "title": self.suite.title, "version": self.suite.version,
                   "file": str(loaded.path),
                   "standards": [s.model_dump() for s in self.suite.standards],
                   "limit_sets": [{"id": s.id, "version": s.version, "title": s.title} for s in loaded.limit_sets]},
            dut=dut.model_dump(mode="json"), bench={"id": bench.id, "description": bench.description},
            virtual_lab=({"time_scale": time_scale, "defects": list(defects or []), **(virtual_lab or {})}
                         if bench.virtual_lab is not None else None),
            harness={"version": __version__, "python": platform.python_version()},
        )
        if sources:
            self.record.suite["sources"] = sources

    # -- events ----------------------------------------------------------------------------------------------
    def _event(self, kind: str, **fields: Any) -> None:
        self.rundir.event(kind, **fields)
        self.on_event(kind, **fields)

    def _check_abort(self) -> None:
        """Called by every clock sleep: stop if the run must stop; else serve the bench requests of services."""
        if self.safety.abort_reason is not None and not self.safety._cleaning:
            raise RunAborted(self.safety.abort_reason)
        if not self.safety._cleaning:
            self.bench.requests.pump()

    def _trace(self, name: str, direction: str, text: str, t: float) -> None:
        with open(self.rundir.path / "traces" / f"{name}.scpi.log", "a", encoding="utf-8") as fh:
            fh.write(f"{t:.6f} {'>' if direction == 'w' else '<'} {text}\n")

    def _emergency(self) -> list[SafeStateRecord]:
        """The watchdog's path: services first (ending the HLC session drops its connection, so the charger
        must shut down even when the instrument that hangs is the one that would have stopped it), then a
        copy of each driver on a fresh connection, so a hung session cannot block it and no connect-time
        set-up is sent before the safe state."""
        records = self._emergency_services()
        for item in self.bench.items.values():
            cfg = item.config
            if item.driver is None:
                records.append(SafeStateRecord(instrument=cfg.name, ok=False, error="never connected", at=utc_now()))
                continue
            try:
                clone = copy.copy(item.driver)
                clone.transport = open_transport(type(item.driver).TRANSPORT, item.address, cfg.name, 2.0)
                try:
                    clone.safe_state()
                    clone.confirm_safe()
                finally:
                    clone.transport.close()
                records.append(SafeStateRecord(instrument=cfg.name, ok=True, at=utc_now()))
            except Exception as exc:  # keep going: the next instrument must still be made safe
                records.append(SafeStateRecord(instrument=cfg.name, ok=False, error=str(exc), at=utc_now()))
        self.rundir.event("emergency_safe_state", results=[r.model_dump() for r in records])
        return records

    def _emergency_services(self) -> list[SafeStateRecord]:
        """Each service's safe_state() on its own thread, bounded: the watchdog must go on to the instruments
        whatever a service does. Services' safe_state() is callable from any thread (services.py)."""
        self.bench.requests.cancel_all("emergency safe state")
        records = []
        for name, service in list(self.bench.services.items()):
            failure: list[str] = []

            def make_safe(svc: Any = service, out: list[str] = failure) -> None:
                try:
                    svc.safe_state()
                except Exception as exc:  # noqa: BLE001 - recorded, the next service still runs
                    out.append(f"{type(exc).__name__}: {exc}")

            worker = threading.Thread(target=make_safe, name=f"chargebench-emergency-{name}", daemon=True)
            worker.start()
            worker.join(SERVICE_EMERGENCY_S)
            error = failure[0] if failure else (
                f"safe_state still running after {SERVICE_EMERGENCY_S:g} s" if worker.is_alive() else None)
            records.append(SafeStateRecord(instrument=name, ok=error is None, error=error, at=utc_now()))
        return records

    # -- life cycle ------------------------------------------------------------------------------------------
    def __enter__(self) -> Run:
        self.safety.__enter__()
        try:
            self.open()
        except BaseException as exc:
            self.close(reason=f"bench could not be opened: {exc}", error=True)
            self.safety.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is not None and self.record.status == "running":
                reason = (self.safety.abort_reason or exc.reason) if isinstance(exc, RunAborted) else None
                if exc_type is KeyboardInterrupt:
                    reason = self.safety.abort_reason or "SIGINT"
                self.close(reason=reason or f"harness exception: {exc_type.__name__}: {exc}")
            elif self.record.status == "running":
                self.close()
        finally:
            self.safety.__exit__(None, None, None)

    def open(self) -> None:
        self.bench.requests.bind()
        self._event("run_started", run_id=self.record.run_id, suite=self.suite.id, dut=self.dut.id,
                    bench=self.bench_config.id)
        self.rundir.write_record(self.record)
        try:
            with self.safety.deadline(STEP_MARGIN_S + 10 * len(self.bench.items), "connecting the bench"):
                self.bench.open(listener=self._trace)
                self.bench.start_services(self.rundir)
        finally:
            self.record.instruments = self.bench.records()
            self.rundir.write_record(self.record)
        for rec in self.record.instruments:
            self._event("instrument", name=rec.name, identity=rec.identity,
                        calibration_valid=rec.calibration_valid, calibration_due=rec.calibration_due)
        self.rundir.write_record(self.record)

    def close(self, reason: str | None = None, error: bool = False) -> RunRecord:
        """Safe state for every instrument, then the final record. Idempotent."""
        if self.record.status != "running":
            return self.record
        with self.safety.cleaning():
            self._event("safe_state_begin")
            results = self.bench.safe_all()
            self.record.safe_state = results + self.safety.emergency_records
            for r in results:
                self._event("safe_state", instrument=r.instrument, ok=r.ok, error=r.error)
            self.bench.close()
        reason = reason or self.broken or self.safety.abort_reason
        self.record.status = "aborted" if (reason or error) else "completed"
        self.record.end_reason = reason or "all tests run"
        done = {t.id for t in self.record.tests}
        for p in self.plan:
            if p.case.id not in done:
                verdict = Verdict.NOT_APPLICABLE if p.reason else Verdict.SKIPPED
                self.record.tests.append(self._result(p.case, verdict, p.reason or
                                                      f"not run: {self.record.end_reason}"))
        verdicts = [t.verdict for t in self.record.tests]
        self.record.verdict = Verdict.ERROR if error else worst(verdicts, empty=Verdict.SKIPPED)
        self.record.finished = utc_now()
        self.rundir.write_record(self.record)
        self._event("run_finished", status=self.record.status, verdict=self.record.verdict.value,
                    end_reason=self.record.end_reason)
        self.rundir.close()
        return self.record

    @staticmethod
    def _result(case: TestCase, verdict: Verdict, reason: str | None) -> TestResult:
        return TestResult(id=case.id, title=case.title, clause=case.clause, verdict=verdict, reason=reason)

    # -- tests -----------------------------------------------------------------------------------------------
    def run_all(self) -> RunRecord:
        for planned in self.plan:
            self.run_case(planned)
        return self.close()

    def _budget(self, step: Any) -> float:
        waits = 0.0
        for field in ("seconds", "timeout_s"):
            value = getattr(step, field, None)
            if value is not None:
                try:
                    waits += float(value) if isinstance(value, int | float) else self._ctx.number(value)
                except StepError:
                    pass
        return STEP_MARGIN_S + waits / self.clock.time_scale

    def run_case(self, planned: Planned) -> TestResult:
        case = planned.case
        started = utc_now()
        if planned.reason:
            result = self._result(case, Verdict.NOT_APPLICABLE, planned.reason)
        elif self.broken:
            result = self._result(case, Verdict.SKIPPED, f"bench broken: {self.broken}")
        else:
            result = self._execute(case)
        result.started = started
        self.record.tests.append(result)
        self.rundir.write_record(self.record)
        self._event("test_finished", id=case.id, verdict=result.verdict.value, reason=result.reason,
                    duration_s=result.duration_s)
        return result

    def _execute(self, case: TestCase) -> TestResult:
        self._event("test_started", id=case.id, title=case.title, clause=case.clause)
        t0 = time.monotonic()
        ctx = self._ctx = Context(self.bench, self.dut, self.clock, self.loaded.limits, self.suite.parameters,
                                  self.rundir, test_t0=self.clock.now())
        verdict: Verdict | None = None
        reason: str | None = None
        try:
            for step in list(self.suite.setup) + list(case.steps):
                with self.safety.deadline(self._budget(step), f"{case.id} step {step.action}"):
                    run_step(ctx, step)
        except ConditionNotReached as exc:
            verdict, reason = Verdict.FAIL, str(exc)
        except NotApplicable as exc:
            verdict, reason = Verdict.NOT_APPLICABLE, str(exc)
        except InstrumentLost as exc:
            verdict, reason = Verdict.ERROR, f"lost instrument {exc}"
            self.broken = f"lost instrument {exc.instrument}: {exc.what}"
        except (InstrumentError, StepError, DutControlError) as exc:
            verdict, reason = Verdict.ERROR, str(exc)
        except KeyboardInterrupt:
            raise RunAborted(self.safety.abort_reason or "SIGINT") from None
        finally:
            if self.safety.abort_reason is None and not self.broken:
                reason = self._teardown(ctx, case, reason)
        if verdict is None:
            if reason:  # teardown failed
                verdict = Verdict.ERROR
            elif not ctx.measurements:
                verdict, reason = Verdict.ERROR, "the test measured nothing, so it cannot pass"
            else:
                verdict = worst([m.verdict for m in ctx.measurements])
                failed = [m for m in ctx.measurements if m.verdict is not Verdict.PASS]
                if failed:
                    reason = "; ".join(f"{m.name}: {m.reason or m.verdict.value}" for m in failed)
        result = TestResult(id=case.id, title=case.title, clause=case.clause, verdict=verdict, reason=reason,
                            measurements=ctx.measurements, duration_s=round(time.monotonic() - t0, 3))
        return result

    def _teardown(self, ctx: Context, case: TestCase, reason: str | None) -> str | None:
        try:
            for step in self.suite.teardown:
                with self.safety.deadline(self._budget(step), f"{case.id} teardown {step.action}"):
                    run_step(ctx, step)
        except InstrumentLost as exc:
            self.broken = f"lost instrument {exc.instrument}: {exc.what}"
            return f"{reason + '; ' if reason else ''}teardown: lost instrument {exc}"
        except (InstrumentError, StepError, DutControlError, ConditionNotReached) as exc:
            return f"{reason + '; ' if reason else ''}teardown: {exc}"
        return reason
