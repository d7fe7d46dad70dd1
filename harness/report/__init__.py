"""Reports from the run record: HTML (certification style), JUnit XML. They add no logic of their own."""

from pathlib import Path

from ..model import RunRecord
from .html import write_html
from .junit import write_junit


def write_all(run_dir: Path, record: RunRecord) -> list[Path]:
    return [write_junit(run_dir, record), write_html(run_dir, record)]


__all__ = ["write_all", "write_html", "write_junit"]
