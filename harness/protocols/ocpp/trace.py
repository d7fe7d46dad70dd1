"""Frame traces with socket timestamps (``run_dir/traces/ocpp.jsonl``), secrets redacted.

A frame is timestamped right where the socket handed it over (receive) or took it (send). Passwords and
keys never reach the disk: the redaction knows which OCPP fields carry them.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

REDACTED = "***"
SECRET_KEYS_16 = {"authorizationkey"}
SECRET_VARIABLES_201 = {"basicauthpassword"}
SECRET_FIELDS = {"password", "privatekey", "authorizationkey", "basicauthpassword", "key"}
PEM_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S)


def _scrub(obj: Any) -> tuple[Any, bool]:
    """Return a copy with secret values replaced, and whether anything was replaced."""
    hit = False
    if isinstance(obj, dict):
        out = {}
        var = obj.get("variable")
        name = obj.get("key") if isinstance(obj.get("key"), str) else (
            var.get("name") if isinstance(var, dict) else None)
        name = str(name or "").lower()
        secret_item = name in SECRET_KEYS_16 or name in SECRET_VARIABLES_201
        for k, v in obj.items():
            lk = k.lower()
            secret_value = secret_item and lk in ("value", "attributevalue")
            if secret_value or (lk in SECRET_FIELDS - {"key"} and isinstance(v, str)):
                out[k], hit = REDACTED, True
            else:
                out[k], sub = _scrub(v)
                hit = hit or sub
        return out, hit
    if isinstance(obj, list):
        items = [_scrub(v) for v in obj]
        return [i for i, _ in items], any(h for _, h in items)
    if isinstance(obj, str) and PEM_KEY.search(obj):
        return PEM_KEY.sub(REDACTED, obj), True
    return obj, False


def redact_frame(text: str) -> str:
    """The frame as it may be written down: unchanged unless it carries a secret."""
    try:
        msg = json.loads(text)
        clean, hit = _scrub(msg)
    except (ValueError, RecursionError):  # not JSON, or nested beyond what we walk: PEM keys still go
        return PEM_KEY.sub(REDACTED, text)
    return json.dumps(clean, separators=(",", ":")) if hit else text


def redact_payload(payload: Any) -> Any:
    return _scrub(payload)[0]


class Tracer:
    """Append-only JSON-lines trace (``ocpp.jsonl``, one line per frame, ``cp`` names the charge point);
    thread-safe, flushed per line (crash-safe). One file: hundreds of charge points cost no descriptors."""

    def __init__(self, folder: Path | None, secrets: list[str] | None = None):
        self.folder = folder
        self.secrets = [s for s in (secrets or []) if s]
        self._lock = threading.Lock()
        self._fh: Any = None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            self._fh = open(folder / "ocpp.jsonl", "a", encoding="utf-8")  # noqa: SIM115 - kept open

    def add_secret(self, secret: str) -> None:
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def _clean(self, text: str) -> str:
        text = redact_frame(text)
        for s in self.secrets:
            text = text.replace(s, REDACTED)
        return text

    def write(self, cp_id: str, direction: str, frame: str | bytes, t: float | None = None, **extra: Any) -> None:
        if self._fh is None:
            return
        if isinstance(frame, bytes):
            frame = frame.decode("utf-8", errors="replace")
        line = {"t": round(t if t is not None else time.time(), 6), "dir": direction, "cp": cp_id[:64],
                "frame": self._clean(frame[:65536]), **extra}
        with self._lock:
            if self._fh.closed:
                return
            self._fh.write(json.dumps(line) + "\n")
            self._fh.flush()

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
