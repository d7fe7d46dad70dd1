"""Suites: metadata, applicability, parameters and test cases made of steps. Data, not code."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import Strict
from .dut import Connector, Supply
from .steps import Step


class StandardRef(Strict):
    name: str
    edition: str
    clauses: list[str] = Field(default_factory=list)


class Applicability(Strict):
    """What the DUT profile must claim for a test to apply; anything else is NOT_APPLICABLE with a reason."""

    supply: list[Supply] | None = None
    connectors: list[Connector] | None = None
    requires: list[str] = Field(default_factory=list, description="flags from DutProfile.claims()")
    min_max_current_a: float | None = Field(default=None, description="DUT max current at least this")
    roles: list[str] = Field(default_factory=list, description="bench roles the test needs")


class TestCase(Strict):
    __test__ = False  # not a pytest class

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str
    clause: str = Field(description="the clause(s) the test checks, with standard and edition")
    purpose: str
    applicability: Applicability = Field(default_factory=Applicability)
    steps: list[Step] = Field(min_length=1)


class Suite(Strict):
    kind: str = Field(default="suite", pattern="^suite$")
    id: str
    title: str
    version: str
    standards: list[StandardRef] = Field(min_length=1)
    limits: list[str] = Field(min_length=1, description="limit-set files, relative to the suite file")
    applicability: Applicability = Field(default_factory=Applicability)
    parameters: dict[str, float] = Field(default_factory=dict)
    setup: list[Step] = Field(default_factory=list, description="run before each test")
    teardown: list[Step] = Field(default_factory=list, description="run after each test, whatever happened")
    tests: list[TestCase] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Suite:
        seen: set[str] = set()
        for case in self.tests:
            if case.id in seen:
                raise ValueError(f"test id {case.id!r} is used twice")
            seen.add(case.id)
        return self
