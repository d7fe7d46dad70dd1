"""Reports from the run record: HTML (certification style), JUnit XML. They add no logic of their own."""

from pathlib import Path

from ..model import RunRecord
from .html import write_html
from .junit import write_junit
from .pdf import write_pdf


def write_all(run_dir: Path, record: RunRecord, pdf: bool = True) -> list[Path]:
    written = [write_junit(run_dir, record), write_html(run_dir, record)]
    if pdf:
        path = write_pdf(run_dir)
        if path is not None:
            written.append(path)
    return written


__all__ = ["write_all", "write_html", "write_junit", "write_pdf"]
