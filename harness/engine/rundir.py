"""The run directory: events appended and flushed as they happen, the record rewritten atomically.

Whatever happens next (a crash, SIGKILL, a lost instrument), what was measured so far is on disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..model import RunRecord


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RunDir:
    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        (path / "traces").mkdir(exist_ok=True)
        (path / "samples").mkdir(exist_ok=True)
        self._events = open(path / "events.jsonl", "a", encoding="utf-8")  # noqa: SIM115 - kept open

    def event(self, kind: str, **fields: Any) -> None:
        """Append one event and push it to the disk before returning."""
        line = json.dumps({"at": utc_now(), "event": kind, **fields}, default=str)
        self._events.write(line + "\n")
        self._events.flush()
        os.fsync(self._events.fileno())

    def write_json(self, name: str, data: Any) -> None:
        target = self.path / name
        tmp = target.with_suffix(target.suffix + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, default=str)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(target)

    def write_record(self, record: RunRecord) -> None:
        self.write_json("record.json", record.model_dump(mode="json"))

    def write_manifest(self) -> None:
        """sha256 of every file in the run directory, so a report can be checked against its data."""
        lines = []
        for f in sorted(self.path.rglob("*")):
            if f.is_file() and f.name != "manifest.sha256":
                digest = hashlib.sha256(f.read_bytes()).hexdigest()
                lines.append(f"{digest}  {f.relative_to(self.path)}")
        (self.path / "manifest.sha256").write_text("\n".join(lines) + "\n")

    def close(self) -> None:
        if not self._events.closed:
            self._events.close()
