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
)
from harness.protocols.iso15118.exi.fuzz import mutate, seed_corpus

NAMESPACES = [APP_PROTOCOL, DIN, ISO2, ISO20_COMMON, ISO20_AC, ISO20_DC]


SEEDS = [(ns, data) for ns, data in seed_corpus(random.Random(1234), per_type=1) if ns in NAMESPACES]


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
