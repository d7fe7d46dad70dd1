"""Bad input gets one line per problem, ``file:line:col: what is wrong, what is expected``, never a
traceback; hostile YAML is refused quickly."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.loader import LoadError, load_any, load_suite

from .labrun import ROOT, SUITE

GOOD = [SUITE, *sorted((ROOT / "profiles").rglob("*.yaml")), *sorted((ROOT / "suites" / "limits").glob("*.yaml"))]
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): .+")

SUITE_HEAD = """kind: suite
id: s
title: t
version: "1"
standards: [{name: IEC 61851-1, edition: "2017"}]
limits: [LIMITS]
"""
STEP_TEST = """tests:
  - id: T1
    title: t
    clause: c
    purpose: p
    steps:
      - {action: measure, name: v, instrument: ev, quantity: pilot_high_v, limit: cp_state_a_high}
"""

BROKEN = {
    # name: (content, line, col, substring)
    "suite_typo_key": (SUITE_HEAD + "limts: []\n" + STEP_TEST, 7, 1, "unknown key 'limts'"),
    "suite_bad_action": (SUITE_HEAD + STEP_TEST.replace("action: measure", "action: mesure"), 13, 18,
                         "unknown action 'mesure'"),
    "suite_unknown_limit": (SUITE_HEAD + STEP_TEST.replace("limit: cp_state_a_high", "limit: nope"), 13, 83,
                            "limit 'nope' is not in the suite's limit sets"),
    "suite_bad_state": (SUITE_HEAD + STEP_TEST.replace(
        "{action: measure, name: v, instrument: ev, quantity: pilot_high_v, limit: cp_state_a_high}",
        "{action: ev.set_state, state: X}"), 13, 39, "state"),
    "suite_no_tests": (SUITE_HEAD, 1, 1, "tests: required key is missing"),
    "dut_wrong_type": ("kind: dut\nid: d\nmanufacturer: m\nmodel: x\nconnector: J1772\nsupply: AC\nphases: 1\n"
                       "nominal_voltage_v: 240\nmax_current_a: lots\n", 9, 16, "max_current_a"),
    "dut_bad_connector": ("kind: dut\nid: d\nmanufacturer: m\nmodel: x\nconnector: Type9\nsupply: AC\nphases: 1\n"
                          "nominal_voltage_v: 240\nmax_current_a: 32\n", 5, 12, "connector"),
    "bench_unknown_role": ("kind: bench\nid: b\ninstruments:\n  - name: ev\n    role: toaster\n"
                           "    driver: chargebench.eve\n    address: sim://ev\n", 4, 5, "unknown role 'toaster'"),
    "bench_bad_date": ("kind: bench\nid: b\ninstruments:\n  - name: ev\n    role: ev_emulator\n"
                       "    driver: chargebench.eve\n    address: sim://ev\n"
                       "    calibration: {certificate: C1, due: someday}\n", 8, 41, "due"),
    "bench_duplicate_key": ("kind: bench\nid: b\nid: c\ninstruments: []\n", 3, 1, "duplicate key 'id'"),
    "python_tag": ("kind: dut\nid: !!python/object/apply:os.system ['true']\n", 2, 5, "is not allowed"),
    "syntax": ("kind: bench\nid: [unclosed\n", 3, 1, "YAML syntax"),
    "unknown_kind": ("kind: toaster\nid: x\n", 1, 7, "kind 'toaster' is unknown"),
    "empty": ("", 1, 1, "file is empty"),
    "not_mapping": ("- a\n- b\n", 1, 1, "expected a mapping"),
}


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(content.replace("LIMITS", str(ROOT / "suites/limits/iec61851-1_2017.yaml")))
    return path


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_shipped_files_are_valid(path: Path) -> None:
    load_any(path)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_gives_file_line_col(name: str, tmp_path: Path) -> None:
    content, line, col, text = BROKEN[name]
    path = _write(tmp_path, name, content)
    with pytest.raises(LoadError) as info:
        load_any(path)
    first = info.value.problems[0]
    assert (first.file, first.line, first.col) == (str(path), line, col), str(info.value)
    assert text in first.message, str(info.value)
    for shown in str(info.value).splitlines():
        assert LINE.match(shown), shown


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    layers = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    layers += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("kind: bench\n" + "\n".join(layers) + "\n")
    start = time.monotonic()
    with pytest.raises(LoadError) as info:
        load_any(path)
    assert time.monotonic() - start < 2.0
    assert "alias bomb" in str(info.value)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "two", "kind: dut\nid: d\nmanufacturer: m\nmodel: x\nconnector: J1772\n"
                                   "supply: XX\nphases: 9\nnominal_voltage_v: 240\nmax_current_a: 32\n")
    with pytest.raises(LoadError) as info:
        load_any(path)
    assert [(p.line, p.col) for p in info.value.problems] == [(6, 9), (7, 9)]


def test_suite_limits_resolve() -> None:
    loaded = load_suite(SUITE)
    assert "energise_time" in loaded.limits
    assert all(lim.source.clause for lim in loaded.limits.values())


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_validate_command_exit_codes(tmp_path: Path) -> None:
    ok = _cli("validate", str(SUITE), "profiles/bench/sim.yaml", "profiles/dut/j1772_32a.yaml")
    assert ok.returncode == 0, ok.stderr
    bad = [_write(tmp_path, n, BROKEN[n][0]) for n in ("suite_typo_key", "python_tag", "bench_unknown_role")]
    res = _cli("validate", *map(str, bad))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr + res.stdout
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 3 and all(LINE.match(ln) for ln in lines), res.stderr


def test_run_with_bad_suite_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad", BROKEN["suite_typo_key"][0])
    res = _cli("run", str(bad))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and LINE.match(res.stderr.strip())


def test_schema_command_writes_json_schemas(tmp_path: Path) -> None:
    res = _cli("schema", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    import json

    for kind in ("suite", "dut", "bench", "limits"):
        doc = json.loads((tmp_path / f"{kind}.schema.json").read_text())
        assert doc["additionalProperties"] is False
    suite_doc = (tmp_path / "suite.schema.json").read_text()
    assert "ev.set_state" in suite_doc and "wait_until" in suite_doc
