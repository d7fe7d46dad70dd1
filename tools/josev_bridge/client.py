"""Project-side client for the Java reference EXI codec (stdlib only).

Why stdlib only: the project's environment must not depend on Josev (pydantic v1 pins), so the Java codec runs
in `.venv-josev` as `bridge.py` and this module only spawns it and speaks JSON lines over its pipes.

    from client import BridgeClient, available
    ok, reason = available()
    with BridgeClient() as bridge:
        exi = bridge.encode({"V2G_Message": {...}}, "urn:din:70121:2012:MsgDef")
        msg = bridge.decode(exi, "urn:din:70121:2012:MsgDef")
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VENV = Path(os.environ.get("CHARGEBENCH_JOSEV_VENV", REPO / ".venv-josev"))
BRIDGE = HERE / "bridge.py"
START_TIMEOUT_S = 60.0
CALL_TIMEOUT_S = 60.0


class BridgeError(RuntimeError):
    """The Java codec refused a message (its own error text), or the bridge process failed."""


def venv_python() -> Path:
    return VENV / "bin" / "python"


def available() -> tuple[bool, str]:
    """Whether the bridge can run here; when not, why (for pytest skip reasons)."""
    if shutil.which("java") is None:
        return False, "no `java` on PATH (run: bash tools/josev_bridge/setup.sh)"
    if not venv_python().exists():
        return False, f"{VENV} missing (run: bash tools/josev_bridge/setup.sh)"
    if not list(VENV.glob("lib/python3*/site-packages/iso15118/shared/EXICodec.jar")):
        return False, f"EXICodec.jar not installed in {VENV} (run: bash tools/josev_bridge/setup.sh)"
    return True, ""


class BridgeClient:
    """One bridge subprocess (one JVM); start once, reuse for many calls, close when done."""

    def __init__(self, start_timeout: float = START_TIMEOUT_S) -> None:
        ok, reason = available()
        if not ok:
            raise BridgeError(reason)
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (lives as long as the bridge)
        self._proc = subprocess.Popen(
            [str(venv_python()), str(BRIDGE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            bufsize=1,
            cwd=tempfile.gettempdir(),  # Josev reads a .env file from its CWD; keep ours out of it
        )
        hello = self._read(start_timeout)
        if not hello.get("ready"):
            raise BridgeError(f"bridge did not start: {hello}")
        self.version: str = hello.get("version", "")
        self.pid: int = self._proc.pid

    # -- plumbing -------------------------------------------------------------------------------------------
    def _read(self, timeout: float) -> dict:
        assert self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], timeout)
        line = self._proc.stdout.readline() if ready else ""
        if not line:
            raise BridgeError(f"bridge gave no answer within {timeout} s; stderr: {self._stderr_tail()}")
        return json.loads(line)

    def _stderr_tail(self, n: int = 2000) -> str:
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read()[-n:]

    def request(self, req: dict[str, Any], timeout: float = CALL_TIMEOUT_S) -> dict:
        """Send one raw protocol request; returns the raw answer (may contain "error")."""
        assert self._proc.stdin is not None
        if self._proc.poll() is not None:
            raise BridgeError(f"bridge exited ({self._proc.returncode}): {self._stderr_tail()}")
        self._proc.stdin.write(json.dumps(req, separators=(",", ":")) + "\n")
        self._proc.stdin.flush()
        return self._read(timeout)

    def _checked(self, req: dict[str, Any]) -> dict:
        ans = self.request(req)
        if "error" in ans:
            raise BridgeError(ans["error"])
        return ans

    # -- codec API ------------------------------------------------------------------------------------------
    def encode(self, message: dict, namespace: str) -> bytes:
        return bytes.fromhex(self._checked({"op": "encode", "namespace": namespace, "json": message})["exi"])

    def decode(self, data: bytes, namespace: str) -> dict:
        return self._checked({"op": "decode", "namespace": namespace, "exi": data.hex()})["json"]

    def timing(self, message: dict, namespace: str, repeat: int = 20) -> dict:
        """In-JVM-side per-call times: {"exi", "encode_ns": [...], "decode_ns": [...]}."""
        return self._checked({"op": "timing", "namespace": namespace, "json": message, "repeat": repeat})

    # -- lifetime -------------------------------------------------------------------------------------------
    def close(self) -> None:
        """Ask politely, then terminate: a stray JVM per test session is what Josev's #231 was about."""
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write('{"op":"quit"}\n')
                self._proc.stdin.flush()
                self._proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.terminate()
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                stream.close()
        self._stderr.close()

    def __enter__(self) -> BridgeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
