"""The OCPP suites on the virtual lab: every applicable test PASSes on the nominal simulated charger."""

from __future__ import annotations

import pytest
from suite_runner import run_suite, verdicts

CASES = [("suites/ocpp16_core.yaml", "profiles/dut/ac_ocpp16.yaml")]


@pytest.mark.parametrize("suite,dut", CASES)
def test_suite_passes_on_virtual_lab(tmp_path, suite, dut):
    record = run_suite(suite, dut, tmp_path / "run")
    bad = {k: v for k, v in verdicts(record).items() if v not in ("PASS", "NOT_APPLICABLE")}
    assert not bad, [(t["id"], t["reason"]) for t in record["tests"] if t["id"] in bad]
    assert record["_exit"] == 0
    traces = list((tmp_path / "run" / "traces").glob("ocpp-*.jsonl"))
    assert traces, "the CSMS wrote no trace"
    text = traces[0].read_text()
    assert "0123456789abcdef0123" not in text  # the DUT's Basic auth password never reaches a trace
    assert "0123456789abcdef0123" not in (tmp_path / "run" / "record.json").read_text()
    assert "0123456789abcdef0123" not in (tmp_path / "run" / "events.jsonl").read_text()
