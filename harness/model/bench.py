"""Which instruments a bench has, bound by role and name, with identity and calibration."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from .base import Strict

ROLES = ("power_analyzer", "dc_load", "ac_load", "ac_source", "ev_emulator", "energy_meter")


class Identity(Strict):
    """What ``identify()`` must return; a mismatch means the wrong instrument is wired."""

    manufacturer: str
    model: str
    serial: str | None = None


class Calibration(Strict):
    certificate: str
    due: dt.date
    lab: str | None = None


class InstrumentConfig(Strict):
    """One instrument on the bench."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="how suites and steps refer to it")
    role: str = Field(description="one of " + ", ".join(ROLES))
    driver: str = Field(description="driver key, e.g. 'yokogawa.wt' or 'chargebench.eve'")
    address: str = Field(description="VISA resource, host:port, or sim://NAME for the virtual lab")
    timeout_s: float = Field(default=2.0, gt=0, le=60)
    identity: Identity | None = None
    calibration: Calibration | None = None
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _role_known(self) -> InstrumentConfig:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}: expected one of {', '.join(ROLES)}")
        return self


class VirtualLab(Strict):
    """Present when the bench is the virtual lab: the command line starts and stops it."""

    time_scale: float = Field(default=1.0, gt=0, le=1000)
    seed: int = 1


class BenchConfig(Strict):
    kind: str = Field(default="bench", pattern="^bench$")
    id: str
    description: str = ""
    location: str | None = None
    virtual_lab: VirtualLab | None = None
    instruments: list[InstrumentConfig]

    @model_validator(mode="after")
    def _unique_names(self) -> BenchConfig:
        seen: set[str] = set()
        for inst in self.instruments:
            if inst.name in seen:
                raise ValueError(f"instrument name {inst.name!r} is used twice")
            seen.add(inst.name)
        return self

    def by_role(self, role: str) -> list[InstrumentConfig]:
        return [i for i in self.instruments if i.role == role]
