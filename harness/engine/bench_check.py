"""``chargebench bench check``: connect to every instrument of a bench config, compare what it says it is
with what the config expects, drain its error queue, and report calibration status, before a lab spends
a day of testing on a bench with the wrong analyzer wired in or an expired certificate.

The checks are the engine's own (the same open_instrument and identity rule as a run), so a bench that
passes here opens in ``chargebench run``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from instruments import driver_class, open_instrument

from ..model import BenchConfig, InstrumentConfig

CALIBRATION_WARN_DAYS = 30


@dataclass
class InstrumentCheck:
    name: str
    role: str
    driver: str
    address: str
    reachable: bool = False
    identity: str | None = None
    expected: str | None = None
    identity_ok: bool | None = None  # None: the config expects nothing
    errors: list[str] = field(default_factory=list)
    calibration_certificate: str | None = None
    calibration_due: str | None = None
    calibration: str = "missing"  # valid, due_soon, expired, missing
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.reachable and self.identity_ok is not False and self.calibration in ("valid", "due_soon")


def identity_matches(cfg: InstrumentConfig, manufacturer: str, model: str, serial: str) -> bool:
    """The rule the run uses (harness.engine.bench): maker and model case-insensitive, serial exact."""
    want = cfg.identity
    return want is None or (manufacturer.upper() == want.manufacturer.upper()
                            and model.upper() == want.model.upper()
                            and (want.serial is None or serial == want.serial))


def calibration_status(cfg: InstrumentConfig, today: dt.date) -> str:
    if cfg.calibration is None:
        return "missing"
    if cfg.calibration.due < today:
        return "expired"
    if (cfg.calibration.due - today).days <= CALIBRATION_WARN_DAYS:
        return "due_soon"
    return "valid"


def check_instrument(cfg: InstrumentConfig, address: str, today: dt.date) -> InstrumentCheck:
    result = InstrumentCheck(cfg.name, cfg.role, cfg.driver, cfg.address,
                             calibration=calibration_status(cfg, today),
                             calibration_certificate=cfg.calibration.certificate if cfg.calibration else None,
                             calibration_due=cfg.calibration.due.isoformat() if cfg.calibration else None)
    if cfg.identity is not None:
        result.expected = " ".join(x for x in (cfg.identity.manufacturer, cfg.identity.model,
                                                cfg.identity.serial) if x)
    try:
        role = driver_class(cfg.driver).ROLE
    except KeyError as exc:
        result.problem = str(exc).strip('"')
        return result
    if role != cfg.role:  # instruments are bound by role and name: a driver of another role cannot serve
        result.problem = f"driver {cfg.driver} is a {role}, the bench config says {cfg.role}"
        return result
    try:
        inst = open_instrument(cfg.driver, address, name=cfg.name, timeout_s=cfg.timeout_s)
    except Exception as exc:  # unreachable, refused, wrong driver: report it, check the others
        result.problem = f"cannot connect: {exc}"
        return result
    try:
        ident = inst.identify()
        result.reachable = True
        result.identity = str(ident)
        if cfg.identity is not None:
            result.identity_ok = identity_matches(cfg, ident.manufacturer, ident.model, ident.serial)
            if not result.identity_ok:
                result.problem = f"identity {ident} does not match the bench config ({result.expected})"
        result.errors = inst.check_errors()
    except Exception as exc:  # a reply we cannot parse is a finding too
        result.problem = f"{type(exc).__name__}: {exc}"
    finally:
        inst.close()
    return result


@dataclass
class BenchCheck:
    bench: str
    instruments: list[InstrumentCheck]

    @property
    def exit_code(self) -> int:
        """0 all good; 1 a calibration expired or missing (measurements would be INCONCLUSIVE); 3 an
        instrument unreachable or not the one the config names (the bench cannot run)."""
        if any(not i.reachable or i.identity_ok is False or i.problem for i in self.instruments):
            return 3
        if any(i.calibration in ("expired", "missing") for i in self.instruments):
            return 1
        return 0

    def as_dict(self) -> dict:
        return {"bench": self.bench, "exit_code": self.exit_code,
                "instruments": [asdict(i) | {"ok": i.ok} for i in self.instruments]}


def check_bench(config: BenchConfig, resolve: Callable[[str], str] = lambda a: a,
                today: dt.date | None = None) -> BenchCheck:
    today = today or dt.date.today()
    return BenchCheck(config.id, [check_instrument(c, resolve(c.address), today) for c in config.instruments])
