"""Median encode/decode time per message type: our pure-Python EXI codec against Josev's Java codec.

    bash tools/josev_bridge/setup.sh
    python benchmarks/exi_vs_bridge.py [--repeat 200] [--bridge-repeat 20] [--only CurrentDemand]

Why two Java numbers: "in-JVM" is the bridge's own timing around each py4j call (what Josev pays per
message inside its process); "round trip" adds our pipe to the bridge process (what a harness using the
bridge would pay). Both are measured in the same run as ours, on the same corpus message, so the ratios
compare like with like. Goals (issue 3): ours <= 1/100 of the in-JVM time, and <= 250 us for
CurrentDemandReq/Res. Writes benchmarks/results/exi.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "exi" / "corpus"
OUT = REPO / "benchmarks" / "results" / "exi.md"
CURRENT_DEMAND_GOAL_US = 250.0
RATIO_GOAL = 100.0


@dataclass
class Row:
    """One message type: medians in microseconds."""

    id: str
    size: int
    ours_enc: float
    ours_dec: float
    jvm_enc: float
    jvm_dec: float
    rt_enc: float
    rt_dec: float

    @property
    def ratio_enc(self) -> float:
        return self.jvm_enc / self.ours_enc

    @property
    def ratio_dec(self) -> float:
        return self.jvm_dec / self.ours_dec


def load_client() -> ModuleType:
    spec = importlib.util.spec_from_file_location("josev_bridge_client", REPO / "tools/josev_bridge/client.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def representatives(variant: str, only: str | None) -> list[dict[str, Any]]:
    """One corpus message per message type: the given variant (required fields, plausible values)."""
    picked = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for text in path.read_text(encoding="utf-8").splitlines():
            line = json.loads(text)
            if line["id"].endswith("/" + variant) and (only is None or only in line["id"]):
                picked.append(line)
    return picked


def median_us(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches (first-call imports, table loading)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times) / 1e3


def measure(line: dict[str, Any], codec: ModuleType, bridge: Any, repeat: int, bridge_repeat: int) -> Row:
    ns, msg, exi = line["namespace"], line["json"], bytes.fromhex(line["exi"])
    ours_enc = median_us(lambda: codec.encode(msg, ns), repeat)
    ours_dec = median_us(lambda: codec.decode(exi, ns), repeat)
    bridge.timing(msg, ns, repeat=3)  # and once more for this type right before its measurement
    jvm = bridge.timing(msg, ns, repeat=bridge_repeat)
    rt_enc = median_us(lambda: bridge.encode(msg, ns), bridge_repeat)
    rt_dec = median_us(lambda: bridge.decode(exi, ns), bridge_repeat)
    return Row(
        id=line["id"].rsplit("/", 1)[0],
        size=len(exi),
        ours_enc=ours_enc,
        ours_dec=ours_dec,
        jvm_enc=statistics.median(jvm["encode_ns"]) / 1e3,
        jvm_dec=statistics.median(jvm["decode_ns"]) / 1e3,
        rt_enc=rt_enc,
        rt_dec=rt_dec,
    )


def warm_up(lines: list[dict[str, Any]], bridge: Any, rounds: int = 3) -> None:
    """Let the JVM compile its hot paths on every message type first, so no type pays for JIT alone."""
    for _ in range(rounds):
        for line in lines:
            try:
                bridge.decode(bridge.encode(line["json"], line["namespace"]), line["namespace"])
            except Exception:  # measured (and reported) later
                pass


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {java[0] if java else 'java ?'}; load average at the end {load}"
    )


def codec_revision(codec: ModuleType) -> str:
    """Which codec was measured: the repository commit when it is imported from this checkout."""
    where = Path(codec.__file__).resolve().parent
    if not where.is_relative_to(REPO):
        return f"imported from {where}"

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True).stdout.strip()

    dirty = " plus uncommitted changes" if git("status", "--porcelain", "--", str(where)) else ""
    return f"commit {git('rev-parse', '--short', 'HEAD')}{dirty}"


def render(rows: list[Row], command: str, version: str, codec: str) -> str:
    def goal(row: Row) -> str:
        ok_ratio = min(row.ratio_enc, row.ratio_dec) >= RATIO_GOAL
        cd = "CurrentDemand" in row.id
        ok_cd = not cd or max(row.ours_enc, row.ours_dec) <= CURRENT_DEMAND_GOAL_US
        return "yes" if ok_ratio and ok_cd else "**no**"

    out = [
        "# EXI codec: pure Python vs Josev's EXICodec.jar (EXIficient)",
        "",
        f"- Command: `{command}`",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {machine()}",
        f"- Our codec: harness.protocols.iso15118.exi, {codec}",
        f"- Java codec: Josev iso15118 0.31.2 EXICodec.jar, get_version() = {version}",
        "- Times are medians in microseconds per call, each message a corpus line (variant `typical`).",
        "  *in-JVM*: timed inside the bridge around the py4j call (Josev's own cost per message);",
        "  *round trip*: through the bridge process pipe. Ratio = in-JVM / ours.",
        f"- Goals: ratio >= {RATIO_GOAL:.0f} for encode and decode; CurrentDemandReq/Res <= "
        f"{CURRENT_DEMAND_GOAL_US:.0f} us.",
        "",
        "| message | EXI bytes | ours enc | ours dec | in-JVM enc | in-JVM dec | round trip enc "
        "| round trip dec | ratio enc | ratio dec | goals met |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|",
    ]
    for r in rows:
        out.append(
            f"| {r.id} | {r.size} | {r.ours_enc:.0f} | {r.ours_dec:.0f} | {r.jvm_enc:.0f} | {r.jvm_dec:.0f} "
            f"| {r.rt_enc:.0f} | {r.rt_dec:.0f} | {r.ratio_enc:.0f}x | {r.ratio_dec:.0f}x | {goal(r)} |"
        )
    if rows:
        met = sum(goal(r) == "yes" for r in rows)
        out += [
            "",
            f"Summary: {len(rows)} message types; goals met for {met}. Median over types: ours encode "
            f"{statistics.median(r.ours_enc for r in rows):.0f} us, decode "
            f"{statistics.median(r.ours_dec for r in rows):.0f} us; in-JVM encode "
            f"{statistics.median(r.jvm_enc for r in rows):.0f} us, decode "
            f"{statistics.median(r.jvm_dec for r in rows):.0f} us.",
        ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="calls per median, ours")
    parser.add_argument("--bridge-repeat", type=int, default=20, help="calls per median, Java")
    parser.add_argument("--only", help="substring of the corpus id, e.g. CurrentDemand")
    parser.add_argument("--variant", default="typical")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--codec-note", default="", help="e.g. which commit an exported codec tree is")
    args = parser.parse_args(argv)

    import harness.protocols.iso15118.exi as codec

    client = load_client()
    ok, reason = client.available()
    if not ok:
        print(f"Java bridge not available: {reason}", file=sys.stderr)
        return 2
    lines = representatives(args.variant, args.only)
    rows: list[Row] = []
    with client.BridgeClient() as bridge:
        warm_up(lines, bridge)
        for line in lines:
            try:
                rows.append(measure(line, codec, bridge, args.repeat, args.bridge_repeat))
            except Exception as exc:  # a codec gap must not hide the other numbers; say it
                print(f"{line['id']}: not measured ({type(exc).__name__}: {exc})", file=sys.stderr)
                continue
            r = rows[-1]
            print(
                f"{r.id:55s} ours {r.ours_enc:7.0f}/{r.ours_dec:7.0f} us  jvm {r.jvm_enc:7.0f}/{r.jvm_dec:7.0f} us",
                file=sys.stderr,
            )
        version = bridge.version
    command = "python benchmarks/exi_vs_bridge.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    args.out.write_text(
        render(rows, command.strip(), version, " ".join(filter(None, [codec_revision(codec), args.codec_note]))),
        encoding="utf-8",
    )
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
