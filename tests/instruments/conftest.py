"""Fixtures: an in-process virtual lab on a background loop (tests/instruments/labthread.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from labthread import LabThread  # noqa: E402


@pytest.fixture
def lab():
    lt = LabThread()
    yield lt
    lt.close()
