"""The run record (record.json): what ran, on what, against what, and how it ended."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .measurement import Measurement
from .verdict import Verdict


class TestResult(BaseModel):
    __test__ = False  # not a pytest class

    id: str
    title: str
    clause: str
    verdict: Verdict
    reason: str | None = None
    measurements: list[Measurement] = Field(default_factory=list)
    started: str | None = None
    duration_s: float | None = None


class InstrumentRecord(BaseModel):
    name: str
    role: str
    driver: str
    address: str
    identity: str | None = None
    identity_ok: bool | None = None
    calibration_certificate: str | None = None
    calibration_due: str | None = None
    calibration_valid: bool | None = None


class SafeStateRecord(BaseModel):
    instrument: str
    ok: bool
    error: str | None = None
    at: str


class RunRecord(BaseModel):
    schema_version: int = 1
    run_id: str
    status: Literal["running", "completed", "aborted"]
    end_reason: str | None = Field(default=None, description="how the run ended, e.g. 'SIGTERM'")
    verdict: Verdict | None = None
    started: str
    finished: str | None = None
    suite: dict
    dut: dict
    bench: dict
    virtual_lab: dict | None = None
    instruments: list[InstrumentRecord] = Field(default_factory=list)
    tests: list[TestResult] = Field(default_factory=list)
    safe_state: list[SafeStateRecord] = Field(default_factory=list)
    harness: dict = Field(default_factory=dict)
