"""Fixtures for the core tests (helpers live in labrun.py)."""

from __future__ import annotations

import pytest

from harness.model import RunRecord

from .labrun import ROOT, run_suite


@pytest.fixture(scope="session")
def clean_record(tmp_path_factory: pytest.TempPathFactory) -> RunRecord:
    """The suite on the default DUT with no defect: the baseline every defect run is compared with."""
    return run_suite(tmp_path_factory.mktemp("clean"))


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
