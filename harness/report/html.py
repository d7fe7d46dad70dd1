"""The certification-style HTML report, rendered from the record with one Jinja2 template."""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..model import RunRecord, Verdict

TEMPLATES = Path(__file__).resolve().parents[2] / "reports" / "templates"


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.6g}"


def _unc(value: float | None) -> str:
    """Uncertainties carry two significant digits."""
    return "—" if value is None else f"{value:.2g}"


def write_html(run_dir: Path, record: RunRecord) -> Path:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["num"] = _fmt
    env.filters["unc"] = _unc
    counts = {v.value: sum(1 for t in record.tests if t.verdict is v) for v in Verdict}
    unconfirmed = sorted({(m.limit_id, m.source.clause, m.source.confidence.value, m.source.note or "")
                          for t in record.tests for m in t.measurements
                          if m.source is not None and not m.source.confidence.confirmed})
    html = env.get_template("report.html.j2").render(r=record, counts=counts, unconfirmed=unconfirmed)
    path = run_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
