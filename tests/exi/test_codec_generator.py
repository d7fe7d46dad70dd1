"""The committed grammar tables are exactly what the generator builds from the XSDs.

The XSDs are ISO/DIN copyright and not in this repository: the test looks for them in
$CHARGEBENCH_V2G_XSD_DIR or in an installed iso15118 wheel (e.g. .venv-josev) and is
skipped when there are none.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.protocols.iso15118.exi.generate.__main__ import main

TABLES = Path(__file__).resolve().parents[2] / "harness/protocols/iso15118/exi/tables"


def _xsd_dir() -> Path | None:
    env = os.environ.get("CHARGEBENCH_V2G_XSD_DIR")
    if env and Path(env).is_dir():
        return Path(env)
    root = Path(__file__).resolve().parents[2]
    for venv in sorted(root.glob(".venv*")):
        for found in venv.glob("lib/python3*/site-packages/iso15118/shared/schemas"):
            return found
    return None


@pytest.mark.skipif(_xsd_dir() is None, reason="no V2G XSDs available (ISO/DIN copyright, not committed)")
def test_tables_regenerate_identically(tmp_path: Path) -> None:
    assert main(["--xsd-dir", str(_xsd_dir()), "--out", str(tmp_path)]) == 0
    for table in sorted(TABLES.glob("*.py")):
        if table.name == "__init__.py":
            continue
        assert (tmp_path / table.name).read_text() == table.read_text(), table.name
