"""Fixtures for the EXI interoperability tests: the corpus and one Java reference bridge per session.

Why one bridge per session: starting the JVM with EXICodec.jar costs seconds, a call a few milliseconds, so
every Java-backed test shares one bridge process, closed when the session ends.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CLIENT_PATH = REPO / "tools" / "josev_bridge" / "client.py"


def load_corpus() -> list[dict[str, Any]]:
    """Every corpus line, in file order (see corpus/README.md for the format)."""
    lines: list[dict[str, Any]] = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            lines.extend(json.loads(line) for line in f if line.strip())
    return lines


def bridge_client_module() -> ModuleType:
    """tools/ is not a package; load the stdlib-only client by path (once)."""
    name = "chargebench_josev_bridge_client"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, CLIENT_PATH)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    return load_corpus()


@pytest.fixture(scope="session")
def bridge() -> Iterator[Any]:
    """A running Java bridge (BridgeClient), or a skip saying why there is none."""
    client = bridge_client_module()
    ok, reason = client.available()
    if not ok:
        pytest.skip(f"Java EXI bridge not available: {reason}")
    b = client.BridgeClient()
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def codec() -> ModuleType:
    """Our codec. It exists now, so a failing import is a failure, not a skip."""
    import harness.protocols.iso15118.exi as exi

    return exi
