"""report.pdf: the same HTML rendered by WeasyPrint (A4, page numbers), so the PDF and the HTML never
disagree."""

from __future__ import annotations

from pathlib import Path


def write_pdf(run_dir: Path) -> Path | None:
    """Render report.html to report.pdf; None (and no file) when WeasyPrint or its Pango libraries are
    missing, which the caller reports rather than failing the run."""
    try:
        import weasyprint
    except (ImportError, OSError):
        return None
    path = run_dir / "report.pdf"
    weasyprint.HTML(filename=str(run_dir / "report.html"), base_url=str(run_dir)).write_pdf(str(path))
    return path
