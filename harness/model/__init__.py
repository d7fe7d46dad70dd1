"""Pure data (pydantic v2): suites, limits, measurements, verdicts, DUT profiles, bench configs, records.

No I/O happens here; :mod:`harness.loader` turns YAML into these models.
"""

from .bench import ROLES, BenchConfig, Calibration, Identity, InstrumentConfig, VirtualLab
from .dut import Connector, DutControl, DutProfile, Supply
from .limits import Confidence, Limit, LimitSet, Source
from .measurement import Measurement
from .record import InstrumentRecord, RunRecord, SafeStateRecord, TestResult
from .steps import (
    ACTION_NAMES,
    DutSetAvailable,
    DutSetCurrentLimit,
    EvSetDemand,
    EvSetDiode,
    EvSetProximity,
    EvSetState,
    Measure,
    Nominal,
    Step,
    Wait,
    WaitUntil,
)
from .suite import Applicability, StandardRef, Suite, TestCase
from .verdict import Verdict, worst

__all__ = [
    "ACTION_NAMES", "ROLES", "DutSetAvailable", "DutSetCurrentLimit", "EvSetDemand", "EvSetDiode",
    "EvSetProximity", "EvSetState", "Wait", "Applicability", "BenchConfig", "Calibration", "Confidence", "Connector",
    "DutControl", "DutProfile", "Identity", "InstrumentConfig", "InstrumentRecord", "Limit", "LimitSet",
    "Measure", "Measurement", "Nominal", "RunRecord", "SafeStateRecord", "Source", "StandardRef", "Step",
    "Suite", "Supply", "TestCase", "TestResult", "Verdict", "VirtualLab", "WaitUntil", "worst",
]
