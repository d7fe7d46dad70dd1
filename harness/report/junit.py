"""JUnit XML for CI systems: one testcase per suite test, FAIL/INCONCLUSIVE as failures, ERROR as errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..model import RunRecord, Verdict


def write_junit(run_dir: Path, record: RunRecord) -> Path:
    tests = record.tests
    count = {v: sum(1 for t in tests if t.verdict is v) for v in Verdict}
    suite = ET.Element("testsuite", {
        "name": record.suite["id"], "tests": str(len(tests)),
        "failures": str(count[Verdict.FAIL] + count[Verdict.INCONCLUSIVE]), "errors": str(count[Verdict.ERROR]),
        "skipped": str(count[Verdict.SKIPPED] + count[Verdict.NOT_APPLICABLE]),
        "timestamp": record.started, "time": str(sum(t.duration_s or 0 for t in tests)),
    })
    props = ET.SubElement(suite, "properties")
    for name, value in (("run_id", record.run_id), ("status", record.status), ("end_reason", record.end_reason),
                        ("dut", record.dut.get("id")), ("bench", record.bench.get("id"))):
        ET.SubElement(props, "property", {"name": name, "value": str(value)})
    for t in tests:
        case = ET.SubElement(suite, "testcase", {"classname": record.suite["id"], "name": f"{t.id} {t.title}",
                                                "time": str(t.duration_s or 0)})
        detail = "\n".join(f"{m.name} = {m.value} {m.unit} [{m.low}, {m.high}] {m.verdict.value}"
                           for m in t.measurements)
        if t.verdict in (Verdict.FAIL, Verdict.INCONCLUSIVE):
            el = ET.SubElement(case, "failure", {"message": f"{t.verdict.value}: {t.reason or ''}",
                                                 "type": t.verdict.value})
            el.text = detail
        elif t.verdict is Verdict.ERROR:
            el = ET.SubElement(case, "error", {"message": t.reason or "error", "type": "ERROR"})
            el.text = detail
        elif t.verdict in (Verdict.SKIPPED, Verdict.NOT_APPLICABLE):
            ET.SubElement(case, "skipped", {"message": f"{t.verdict.value}: {t.reason or ''}"})
        out = ET.SubElement(case, "system-out")
        out.text = f"clause: {t.clause}\n{detail}"
    path = run_dir / "junit.xml"
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
