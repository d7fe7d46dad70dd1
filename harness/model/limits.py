"""Limits with their source: standard, edition, clause and how sure we are of the number."""

from __future__ import annotations

from enum import Enum

from pydantic import Field, model_validator

from .base import Strict


class Confidence(str, Enum):
    """How the number was checked (reference/standards.md tags)."""

    verified = "verified"  # read in the standard's own text
    secondary = "secondary"  # from a summary, vendor manual or implementation citing the clause
    unconfirmed = "unconfirmed"  # not checked against any text

    @property
    def confirmed(self) -> bool:
        return self is Confidence.verified


class Source(Strict):
    """Where a limit comes from."""

    standard: str = Field(description="Standard name, e.g. 'IEC 61851-1'")
    edition: str = Field(description="Edition or year, e.g. '2017 (Ed. 3)'")
    clause: str = Field(description="Clause, table or requirement id, e.g. 'Annex A, Table A.6 seq. 8.1'")
    confidence: Confidence = Field(description="verified only when read in the standard's own text")
    note: str | None = Field(default=None, description="Where the number was read, or why it is unconfirmed")


class Limit(Strict):
    """An acceptance interval, absolute (low/high) or relative to a nominal value (tolerance)."""

    id: str = Field(pattern=r"^[a-z0-9_.-]+$")
    description: str
    unit: str
    low: float | None = None
    high: float | None = None
    tolerance: float | None = Field(default=None, gt=0, description="+/- around a nominal given by the step")
    source: Source

    @model_validator(mode="after")
    def _one_form(self) -> Limit:
        if self.tolerance is None and self.low is None and self.high is None:
            raise ValueError("a limit needs low and/or high, or a tolerance around a nominal")
        if self.tolerance is not None and (self.low is not None or self.high is not None):
            raise ValueError("give either low/high or tolerance, not both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) is above high ({self.high})")
        return self

    def bounds(self, nominal: float | None = None) -> tuple[float | None, float | None]:
        """The interval for this limit, around ``nominal`` when the limit is a tolerance."""
        if self.tolerance is not None:
            if nominal is None:
                raise ValueError(f"limit {self.id} is a tolerance and needs a nominal value")
            return nominal - self.tolerance, nominal + self.tolerance
        return self.low, self.high


class LimitSet(Strict):
    """A versioned set of limits for one standard edition (suites/limits/*.yaml)."""

    kind: str = Field(default="limits", pattern="^limits$")
    id: str
    title: str
    version: str
    limits: list[Limit]

    def by_id(self) -> dict[str, Limit]:
        return {limit.id: limit for limit in self.limits}
