"""JSON-lines server around Josev's EXIficient codec (runs inside .venv-josev only).

Why a long-running process: starting the JVM and loading EXICodec.jar costs about a second, so the tests and
the benchmark start it once and stream requests to it. Why stdin/stdout: the project side
(`client.py`) needs nothing but the standard library to talk to it.

Protocol, one JSON object per line each way (an optional "id" is echoed back):

    {"op": "encode", "namespace": NS, "json": {...}}        -> {"exi": "hex"}        | {"error": "..."}
    {"op": "decode", "namespace": NS, "exi": "hex"}          -> {"json": {...}}       | {"error": "..."}
    {"op": "timing", "namespace": NS, "json": {...}, "repeat": N}
        -> {"exi": "hex", "encode_ns": [...], "decode_ns": [...]}   (per-call times measured inside this
           process around the py4j call, i.e. JVM work plus the py4j hop, without our pipe)
    {"op": "version"}                                        -> {"version": "..."}
    {"op": "quit"}                                           -> {"bye": true}, then exit

Any request may carry "time": true to get "ns" (the codec call's duration) in its answer.
On start the bridge writes {"ready": true, "version": ...} once the JVM is up.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, TextIO


def _load_codec() -> Any:
    """Start the JVM through Josev's own wrapper, so we test exactly what Josev runs."""
    from iso15118.shared.exificient_exi_codec import ExificientEXICodec

    return ExificientEXICodec()


class Bridge:
    """Dispatches protocol requests to the Java codec."""

    def __init__(self, codec: Any) -> None:
        self.codec = codec

    def encode(self, message: dict, namespace: str) -> bytes:
        return bytes(self.codec.encode(json.dumps(message), namespace))

    def decode(self, data: bytes, namespace: str) -> dict:
        return json.loads(self.codec.decode(data, namespace))

    def handle(self, req: dict) -> dict:
        op = req.get("op")
        ns = req.get("namespace", "")
        t0 = time.perf_counter_ns()
        if op == "encode":
            out: dict = {"exi": self.encode(req["json"], ns).hex()}
        elif op == "decode":
            out = {"json": self.decode(bytes.fromhex(req["exi"]), ns)}
        elif op == "timing":
            out = self.timing(req["json"], ns, int(req.get("repeat", 10)))
        elif op == "version":
            out = {"version": str(self.codec.get_version())}
        else:
            raise ValueError(f"unknown op {op!r}")
        if req.get("time"):
            out["ns"] = time.perf_counter_ns() - t0
        return out

    def timing(self, message: dict, namespace: str, repeat: int) -> dict:
        """Time each encode and decode call separately, JSON (de)serialisation excluded."""
        text = json.dumps(message)
        enc_ns: list[int] = []
        dec_ns: list[int] = []
        data = b""
        for _ in range(repeat):
            t0 = time.perf_counter_ns()
            data = bytes(self.codec.encode(text, namespace))
            enc_ns.append(time.perf_counter_ns() - t0)
        for _ in range(repeat):
            t0 = time.perf_counter_ns()
            self.codec.decode(data, namespace)
            dec_ns.append(time.perf_counter_ns() - t0)
        return {"exi": data.hex(), "encode_ns": enc_ns, "decode_ns": dec_ns}


def serve(inp: TextIO, out: TextIO) -> None:
    """Answer requests until EOF or quit; every failure becomes an {"error"} answer, never a crash."""
    bridge = Bridge(_load_codec())

    def reply(obj: dict) -> None:
        out.write(json.dumps(obj, separators=(",", ":")) + "\n")
        out.flush()

    reply({"ready": True, "version": str(bridge.codec.get_version()), "pid": os.getpid()})
    for line in inp:
        if not line.strip():
            continue
        rid = None
        try:
            req = json.loads(line)
            rid = req.get("id")
            if req.get("op") == "quit":
                reply({"bye": True, "id": rid})
                return
            ans = bridge.handle(req)
        except Exception as exc:  # the jar reports failures as exceptions or None; both are answers
            ans = {"error": f"{type(exc).__name__}: {exc}"}
        if rid is not None:
            ans["id"] = rid
        reply(ans)


def main() -> None:
    # Keep the protocol channel private: anything else that prints (py4j, Josev logging) goes to stderr.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr
    serve(sys.stdin, channel)


if __name__ == "__main__":
    main()
