"""Shared fixtures: the defect matrices of all HLC suites, run once per session and side by side."""

from __future__ import annotations

import pytest

from .labrun import run_all_matrices


@pytest.fixture(scope="session")
def matrices():
    return run_all_matrices()
