"""Fuzz campaign for the decoder: mutated real messages and random bytes.

    python -m harness.protocols.iso15118.exi.fuzz --inputs 100000 --seed 1

Every input must either decode to a message or raise ExiDecodeError, within a time
limit; anything else (another exception type, a hang, a slow input) is a finding and
is printed with the input in hex.  The project's test suite runs a short version of
this (tests/exi/test_codec_fuzz.py).
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from .codec import decode, encode
from .errors import ExiDecodeError
from .samples import MessageSampler
from .schema import APP_PROTOCOL, DIN, ISO2, ISO20_AC, ISO20_ACDP, ISO20_COMMON, ISO20_DC, ISO20_WPT

NAMESPACES = (APP_PROTOCOL, DIN, ISO2, ISO20_COMMON, ISO20_AC, ISO20_DC, ISO20_WPT, ISO20_ACDP)


def seed_corpus(rng: random.Random, per_type: int = 2) -> list[tuple[str, bytes]]:
    """Valid streams of every message type of every namespace."""
    out = []
    for ns in NAMESPACES:
        sampler = MessageSampler(ns, rng, edge=True)
        for name in sampler.message_types():
            for _ in range(per_type):
                out.append((ns, encode(sampler.message_of_type(name), ns)))
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Bit flips, byte overwrites, truncation, insertion and slice duplication."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        if op == 0 and buf:
            i = rng.randrange(len(buf) * 8)
            buf[i >> 3] ^= 0x80 >> (i & 7)
        elif op == 1 and buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif op == 2:
            del buf[rng.randrange(len(buf) + 1):]
        elif op == 3:
            i = rng.randrange(len(buf) + 1)
            buf[i:i] = rng.randbytes(rng.randint(1, 8))
        elif buf:
            i = rng.randrange(len(buf))
            j = rng.randrange(i, len(buf)) + 1
            k = rng.randrange(len(buf) + 1)
            buf[k:k] = buf[i:j]
    return bytes(buf)


def run(inputs: int, seed: int, time_limit: float = 0.5) -> dict[str, int]:
    rng = random.Random(seed)
    seeds = seed_corpus(rng)
    stats = {"inputs": 0, "decoded": 0, "decode_errors": 0, "findings": 0}
    slowest = 0.0
    for i in range(inputs):
        if i % 5 == 4:
            ns = rng.choice(NAMESPACES)
            data = rng.randbytes(rng.randint(0, 300))
            if rng.random() < 0.7:
                data = b"\x80" + data
        else:
            ns, data = rng.choice(seeds)
            data = mutate(data, rng)
            if rng.random() < 0.1:
                ns = rng.choice(NAMESPACES)
        start = time.thread_time()  # CPU time: a loaded machine must not fake a hang
        try:
            decode(data, ns)
            stats["decoded"] += 1
        except ExiDecodeError:
            stats["decode_errors"] += 1
        except Exception as exc:  # noqa: BLE001 - a finding, reported below
            stats["findings"] += 1
            print(f"FINDING {type(exc).__name__}: {exc} ns={ns} data={data.hex()}", file=sys.stderr)
        elapsed = time.thread_time() - start
        slowest = max(slowest, elapsed)
        if elapsed > time_limit:
            stats["findings"] += 1
            print(f"SLOW {elapsed:.3f}s ns={ns} data={data.hex()}", file=sys.stderr)
        stats["inputs"] += 1
    stats["slowest_cpu_us"] = int(slowest * 1e6)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.protocols.iso15118.exi.fuzz", description=__doc__)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    stats = run(args.inputs, args.seed)
    stats["seconds"] = int(time.perf_counter() - start)
    print(" ".join(f"{k}={v}" for k, v in stats.items()))
    return 1 if stats["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
