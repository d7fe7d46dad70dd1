"""Property tests: every message type of every namespace survives encode/decode.

Messages are drawn from the grammar tables themselves (MessageSampler), including the
values EXIficient writes at the second level (empty text, out-of-range integers,
unknown enumeration literals), so both directions are exercised on all branches.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.protocols.iso15118.exi import (
    APP_PROTOCOL,
    DIN,
    ISO2,
    ISO20_AC,
    ISO20_ACDP,
    ISO20_COMMON,
    ISO20_DC,
    ISO20_WPT,
    decode,
    encode,
)
from harness.protocols.iso15118.exi.samples import MessageSampler

NAMESPACES = [APP_PROTOCOL, DIN, ISO2, ISO20_COMMON, ISO20_AC, ISO20_DC, ISO20_WPT, ISO20_ACDP]
CASES = [(ns, name) for ns in NAMESPACES
         for name in MessageSampler(ns, random.Random(0)).message_types()]


def test_every_message_type_is_covered() -> None:
    names = {name for _ns, name in CASES}
    # DIN and -2 bodies, -20 messages including bidirectional power transfer
    assert {"CurrentDemandReq", "CurrentDemandRes", "SessionSetupReq", "DC_ChargeLoopReq",
            "DC_ChargeLoopRes", "AC_ChargeLoopReq", "supportedAppProtocolReq"} <= names
    assert len(CASES) >= 120


@pytest.mark.parametrize(("namespace", "message_type"), CASES, ids=[f"{n.rsplit(':', 1)[-1]}-{m}" for n, m in CASES])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False), edge=st.booleans())
def test_round_trip(namespace: str, message_type: str, rng: random.Random, edge: bool) -> None:
    message = MessageSampler(namespace, rng, edge=edge).message_of_type(message_type)
    data = encode(message, namespace)
    assert decode(data, namespace) == message
    assert encode(decode(data, namespace), namespace) == data


@settings(max_examples=60, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_string_table_hits_round_trip(rng: random.Random) -> None:
    """With learning value tables (EXI defaults) the encoder emits hits the decoder resolves."""
    sampler = MessageSampler(ISO2, rng)
    message = sampler.message_of_type(rng.choice(sampler.message_types()))
    data = encode(message, ISO2, learn_strings=True)
    assert decode(data, ISO2) == message
