"""Start and stop the virtual lab as its own process (``python -m sim``) and map ``sim://`` addresses.

This module never imports ``sim``: the lab is a separate process reached over the wire.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class VirtualLabError(Exception):
    pass


class VirtualLabProcess:
    def __init__(self, bench: Path, dut: Path, defects: list[str], time_scale: float, startup_s: float = 20.0,
                 options: dict[str, str] | None = None):
        self._tmp = tempfile.TemporaryDirectory(prefix="chargebench-lab-")
        ports = Path(self._tmp.name) / "ports.json"
        self._log = open(Path(self._tmp.name) / "lab.log", "w+b")  # noqa: SIM115 - lives with the process
        cmd = [sys.executable, "-m", "sim", "--bench", str(bench), "--dut", str(dut),
               "--time-scale", str(time_scale), "--ports-file", str(ports), "--watch-stdin"]
        for d in defects:
            cmd += ["--defect", d]
        for key, value in (options or {}).items():
            cmd += ["--option", f"{key}={value}"]
        # Own session: a Ctrl-C or a group SIGTERM aimed at the harness must not kill the lab before the
        # harness has put every emulated instrument in its safe state. The lab exits when our pipe closes.
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=os.getcwd())
        deadline = time.monotonic() + startup_s
        while not ports.exists():
            if self.proc.poll() is not None:
                raise VirtualLabError(f"the virtual lab exited with code {self.proc.returncode}: {self.output()}")
            if time.monotonic() > deadline:
                self.stop()
                raise VirtualLabError(f"the virtual lab did not start within {startup_s:g} s")
            time.sleep(0.02)
        info = json.loads(ports.read_text())
        self.pid: int = info["pid"]
        self.addresses: dict[str, str] = info["addresses"]
        self.notes: dict[str, str] = info.get("notes", {})  # e.g. who plays the EV battery

    def record(self) -> dict:
        """What the run record's ``virtual_lab`` section should say about this lab."""
        return {"pid": self.pid, **({"notes": self.notes} if self.notes else {})}

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace").strip()[-2000:]

    def resolve(self, address: str) -> str:
        if not address.startswith("sim://"):
            return address
        if address not in self.addresses:
            raise VirtualLabError(f"the virtual lab serves no {address}")
        return self.addresses[address]

    def control(self, message: dict) -> dict:
        """Send one message to the lab's control port (fault injection, status)."""
        import socket

        host, _, port = self.addresses["control"].rpartition(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall((json.dumps(message) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        return json.loads(data or b"{}")

    def stop(self, timeout_s: float = 5.0) -> None:
        if self.proc.poll() is None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()
        self._tmp.cleanup()

    def __enter__(self) -> VirtualLabProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
