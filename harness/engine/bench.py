"""Bind a bench config to live instruments by name: open, check identity and calibration, safe state."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from instruments import InstrumentError, open_instrument
from instruments.base.instrument import Instrument

from ..model import BenchConfig, DutProfile, InstrumentConfig, InstrumentRecord, SafeStateRecord
from ..protocols.dut_control import DutControlError, ModbusDutControl
from .bench_requests import BenchRequests
from .rundir import utc_now
from .services import SERVICE_FACTORIES, Service

Resolve = Callable[[str], str]


@dataclass
class BoundInstrument:
    config: InstrumentConfig
    address: str
    driver: Instrument | None = None
    record: InstrumentRecord | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def calibration_valid(self) -> bool:
        cal = self.config.calibration
        return cal is not None and cal.due >= dt.date.today()


class Bench:
    """The live bench. ``open()`` connects everything; ``safe_all()`` may be called from any thread."""

    def __init__(self, config: BenchConfig, dut: DutProfile, resolve: Resolve = lambda a: a):
        self.config = config
        self.dut = dut
        self.resolve = resolve
        self.items = {c.name: BoundInstrument(c, resolve(c.address)) for c in config.instruments}
        self.dut_control: ModbusDutControl | None = None
        self.services: dict[str, Service] = {}
        self.requests = BenchRequests()  # instrument calls other threads ask the engine thread to make

    def open(self, listener: Callable[[str, str, str, float], None] | None = None) -> None:
        for item in self.items.values():
            cfg = item.config
            item.record = InstrumentRecord(
                name=cfg.name, role=cfg.role, driver=cfg.driver, address=cfg.address,
                calibration_certificate=cfg.calibration.certificate if cfg.calibration else None,
                calibration_due=cfg.calibration.due.isoformat() if cfg.calibration else None,
                calibration_valid=item.calibration_valid)

            def note(direction: str, text: str, t: float, _name: str = cfg.name) -> None:
                if listener is not None:
                    listener(_name, direction, text, t)

            item.driver = open_instrument(cfg.driver, item.address, name=cfg.name, timeout_s=cfg.timeout_s,
                                          listener=note)
            ident = item.driver.identify()
            item.record.identity = str(ident)
            if cfg.identity is not None:
                ok = (ident.manufacturer.upper() == cfg.identity.manufacturer.upper()
                      and ident.model.upper() == cfg.identity.model.upper()
                      and (cfg.identity.serial is None or ident.serial == cfg.identity.serial))
                item.record.identity_ok = ok
                if not ok:
                    raise InstrumentError(cfg.name, f"identity {ident} does not match the bench config "
                                                    f"({cfg.identity.manufacturer} {cfg.identity.model} "
                                                    f"{cfg.identity.serial or ''})".rstrip())
        if self.dut.control is not None:
            self.dut_control = ModbusDutControl(self.dut.control, self.resolve(self.dut.control.address))

    def start_services(self, run_dir: Any) -> None:
        for factory in SERVICE_FACTORIES:
            service = factory(self.dut, self.config)
            if service is not None:
                service.start(run_dir, self.resolve)
                self.services[service.name] = service

    def instrument(self, name: str) -> Instrument:
        item = self.items.get(name)
        if item is None or item.driver is None:
            raise InstrumentError(name, f"is not on this bench: expected one of {', '.join(self.items)}")
        return item.driver

    def records(self) -> list[InstrumentRecord]:
        return [i.record for i in self.items.values() if i.record is not None]

    def safe_all(self) -> list[SafeStateRecord]:
        """Every instrument to its safe state; a failure on one never stops the others. Also restores the
        charger's offer so the next run starts from its rating."""
        self.requests.cancel_all("safe state")
        results = []
        for name, item in self.items.items():
            if item.driver is None:
                results.append(SafeStateRecord(instrument=name, ok=False, error="never connected", at=utc_now()))
                continue
            try:
                item.driver.safe_state()
                item.driver.confirm_safe()
                results.append(SafeStateRecord(instrument=name, ok=True, at=utc_now()))
            except Exception as exc:  # record it, go on with the next instrument
                results.append(SafeStateRecord(instrument=name, ok=False, error=str(exc), at=utc_now()))
        for name, service in self.services.items():
            try:
                service.safe_state()
                results.append(SafeStateRecord(instrument=name, ok=True, at=utc_now()))
            except Exception as exc:  # record it, go on
                results.append(SafeStateRecord(instrument=name, ok=False, error=str(exc), at=utc_now()))
        if self.dut_control is not None:
            try:
                self.dut_control.set_available(True)
                self.dut_control.set_current_limit(self.dut.max_current_a)
            except DutControlError:
                pass
        return results

    def close(self) -> None:
        for item in self.items.values():
            if item.driver is not None:
                item.driver.close()
        if self.dut_control is not None:
            self.dut_control.close()
        for service in self.services.values():
            try:
                service.stop()
            except Exception:  # stopping one peer must not keep the others running
                pass
