"""A quick fuzz run: mutated real messages and random bytes never escape ExiDecodeError.

The long campaign (>= 100,000 inputs) is documented in harness/protocols/iso15118/exi/README.md;
this one keeps the project suite fast (a few seconds).
"""

from __future__ import annotations

import random
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.protocols.iso15118.exi import (
    APP_PROTOCOL,
    DIN,
    ISO2,
    ISO20_AC,
    ISO20_COMMON,
    ISO20_DC,
    ExiDecodeError,
    decode,
    encode,
)
from harness.protocols.iso15118.exi.samples import MessageSampler

NAMESPACES = [APP_PROTOCOL, DIN, ISO2, ISO20_COMMON, ISO20_AC, ISO20_DC]


def _seeds() -> list[tuple[str, bytes]]:
    rng = random.Random(1234)
    out = []
    for ns in NAMESPACES:
        sampler = MessageSampler(ns, rng, edge=True)
        for name in sampler.message_types():
            out.append((ns, encode(sampler.message_of_type(name), ns)))
    return out


SEEDS = _seeds()


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


def check(data: bytes, namespace: str) -> None:
    start = time.perf_counter()
    try:
        result = decode(data, namespace)
    except ExiDecodeError as exc:
        assert exc.bit_offset >= 0 and exc.expected
    else:
        assert isinstance(result, dict) and len(result) == 1
    assert time.perf_counter() - start < 0.5


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.sampled_from(SEEDS))
def test_mutated_messages(rng: random.Random, seed: tuple[str, bytes]) -> None:
    namespace, data = seed
    check(mutate(data, rng), rng.choice([namespace, namespace, *NAMESPACES]))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from(NAMESPACES), st.booleans())
def test_random_bytes(data: bytes, namespace: str, with_header: bool) -> None:
    check(b"\x80" + data if with_header else data, namespace)
