"""Measurements as first-class records: value, unit, limits, uncertainty and outcome."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .limits import Source
from .verdict import Verdict


class Measurement(BaseModel):
    """One judged number (OpenHTF-style) with its limit's source kept structured, not stringified."""

    name: str
    value: float | None
    unit: str
    low: float | None = None
    high: float | None = None
    nominal: float | None = None
    uncertainty: float = Field(default=0.0, ge=0, description="expanded uncertainty (k=2), same unit")
    verdict: Verdict
    limit_id: str | None = None
    source: Source | None = None
    reason: str | None = Field(default=None, description="why INCONCLUSIVE/ERROR, or what was compared")
    instrument: str | None = None
    t: float | None = Field(default=None, description="seconds since the test started (virtual clock)")
