"""Our codec against the EXIficient corpus, both directions, byte for byte; no Java needed.

Every corpus line is a fixed point of EXIficient (tests/exi/corpus/README.md), so a codec that is
byte-exact with Josev's jar must reproduce both `exi` from `json` and `json` from `exi`.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CORPUS = [
    json.loads(line)
    for path in sorted(CORPUS_DIR.glob("*.jsonl"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def test_corpus_is_there() -> None:
    """Guards against a silently empty parametrisation (a missing or truncated corpus)."""
    assert len(CORPUS) >= 300
    stems = {line["id"].split("/")[0] for line in CORPUS}
    assert stems >= {"sap", "din", "iso2", "iso20_cm", "iso20_dc", "iso20_ac"}


@pytest.mark.parametrize("line", CORPUS, ids=[line["id"] for line in CORPUS])
def test_decode_then_encode_matches_exificient(codec: ModuleType, line: dict[str, Any]) -> None:
    exi = bytes.fromhex(line["exi"])
    assert codec.decode(exi, line["namespace"]) == line["json"]
    assert codec.encode(line["json"], line["namespace"]).hex() == line["exi"]
