"""Fixtures: a CSMS on loopback (no mocks: real sockets, real frames)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.protocols.ocpp import Csms, CsmsConfig
from harness.protocols.ocpp.trace import Tracer


@pytest.fixture
def csms(tmp_path: Path):
    server = Csms(CsmsConfig(heartbeat_interval=60), Tracer(tmp_path / "traces")).start()
    yield server
    server.stop()
