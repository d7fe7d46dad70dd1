"""Each OCPP suite PASSes on the nominal virtual charger, and every OCPP test can fail: each defect of the
simulated charger makes its targeted test FAIL while the others keep their verdicts.

Defects are run in groups (one run of the suite per group, groups in parallel): in each run exactly the
tests the group's defects target must FAIL, and every other test must keep its nominal verdict. Grouping keeps
the whole matrix to a few suite runs; a defect whose effect leaked into another test would show up as an
extra FAIL in its group's run.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from suite_runner import run_suite, verdicts

from sim.defects import all_defects

SUITES = {
    "ocpp16-core": ("suites/ocpp16_core.yaml", "profiles/dut/ac_ocpp16.yaml", 3),
    "ocpp201-core": ("suites/ocpp201_core.yaml", "profiles/dut/ac_ocpp201.yaml", 3),
}
# Defects whose targets only apply under security profile 2 or 3: test_security.py runs them.
SP_ONLY = {"ocpp16_first_reconnect_bad_auth", "ocpp16_accepts_any_server_cert", "ocpp201_accepts_any_server_cert",
           "ocpp201_tls11_allowed", "ocpp201_first_reconnect_no_client_cert"}


def _defects(suite_id: str) -> list:
    return sorted((d for d in all_defects().values() if d.catches.split(":")[0] == suite_id
                   and d.name not in SP_ONLY), key=lambda d: d.name)


PASSWORDS = {"ocpp16-core": "0123456789abcdef0123", "ocpp201-core": "fedcba9876543210fedc"}


def _check_no_secrets(run_dir, suite_id: str) -> None:
    """The DUT's Basic auth password (and the test's new ones, redacted in frames) never reach the run files."""
    secret = PASSWORDS[suite_id]
    files = [run_dir / "record.json", run_dir / "events.jsonl", *(run_dir / "traces").glob("ocpp*.jsonl")]
    assert any(f.name.startswith("ocpp") for f in files), "the CSMS wrote no trace"
    for f in files:
        assert secret not in f.read_text(), f"the password appears in {f.name}"


@pytest.mark.parametrize("suite_id", list(SUITES))
def test_each_defect_fails_its_test_only(tmp_path, suite_id):
    suite, dut, n_groups = SUITES[suite_id]
    defects = _defects(suite_id)
    assert defects, f"no defects registered for {suite_id}"
    groups = [defects[i::n_groups] for i in range(n_groups)]
    jobs = [([], tmp_path / "nominal")] + [([d.name for d in g], tmp_path / f"group{i}")
                                          for i, g in enumerate(groups)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        records = list(pool.map(lambda job: run_suite(suite, dut, job[1], job[0], time_scale=40), jobs))
    _check_no_secrets(jobs[0][1], suite_id)
    nominal = verdicts(records[0])
    assert all(v in ("PASS", "NOT_APPLICABLE") for v in nominal.values()), [
        (t["id"], t["verdict"], t["reason"]) for t in records[0]["tests"] if t["verdict"] != "PASS"]
    problems = []
    for group, record in zip(groups, records[1:], strict=True):
        got = verdicts(record)
        targets = {d.catches.split(":")[1]: d.name for d in group}
        for test_id, verdict in got.items():
            if test_id in targets and verdict != "FAIL":
                problems.append(f"{targets[test_id]}: {test_id} is {verdict}, expected FAIL")
            if test_id not in targets and verdict != nominal[test_id]:
                reason = next(t["reason"] for t in record["tests"] if t["id"] == test_id)
                problems.append(f"group {sorted(targets.values())}: {test_id} became {verdict} ({reason})")
        missing = set(targets) - set(got)
        problems += [f"{targets[t]} targets {t}, which the suite does not have" for t in missing]
    assert not problems, "\n".join(problems)
