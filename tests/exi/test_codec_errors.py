"""Bad input: one typed error each way, with the bit offset or the message path."""

from __future__ import annotations

import random

import pytest

from harness.protocols.iso15118.exi import DIN, ISO2, ISO20_DC, ExiDecodeError, ExiEncodeError, decode, encode
from harness.protocols.iso15118.exi.bits import BitReader
from harness.protocols.iso15118.exi.samples import MessageSampler

CURRENT_DEMAND_REQ = {"V2G_Message": {"Header": {"SessionID": "0102030405060708"}, "Body": {"CurrentDemandReq": {
    "DC_EVStatus": {"EVReady": True, "EVErrorCode": "NO_ERROR", "EVRESSSOC": 55},
    "EVTargetCurrent": {"Multiplier": 0, "Unit": "A", "Value": 120},
    "EVMaximumVoltageLimit": {"Multiplier": 0, "Unit": "V", "Value": 420},
    "ChargingComplete": False,
    "EVTargetVoltage": {"Multiplier": 0, "Unit": "V", "Value": 400}}}}}


def test_every_strict_prefix_is_rejected() -> None:
    data = encode(CURRENT_DEMAND_REQ, ISO2)
    for n in range(len(data)):
        with pytest.raises(ExiDecodeError):
            decode(data[:n], ISO2)


def test_wrong_header_names_bit_zero() -> None:
    with pytest.raises(ExiDecodeError) as info:
        decode(b"\x24EXI\x80", ISO2)
    assert info.value.bit_offset == 0
    assert "header" in info.value.expected


def test_string_length_beyond_the_stream_is_rejected_without_allocating() -> None:
    # DIN SessionSetupReq up to EVCCID, then a 4-octet length claiming ~2**27 bytes
    data = bytes.fromhex("809a004011d0") + b"\xff\xff\xff\x7f" + b"\x00" * 4
    with pytest.raises(ExiDecodeError) as info:
        decode(data, DIN)
    assert info.value.bit_offset > 8


def test_endless_unsigned_integer_is_capped() -> None:
    with pytest.raises(ExiDecodeError, match="unsigned integer of at most 10 octets"):
        BitReader(b"\xff" * 64).read_uint("a value")
    with pytest.raises(ExiDecodeError):
        decode(b"\x80" + b"\xff" * 64, DIN)


def test_non_zero_trailing_bytes_are_rejected() -> None:
    data = encode(CURRENT_DEMAND_REQ, ISO2)
    assert decode(data + b"\x00", ISO2) == CURRENT_DEMAND_REQ
    with pytest.raises(ExiDecodeError, match="end of the stream"):
        decode(data + b"\x01", ISO2)


def test_decode_rejects_unknown_namespace_and_non_bytes() -> None:
    with pytest.raises(ValueError):
        decode(b"\x80\x00", "urn:nope")
    with pytest.raises(TypeError):
        decode("80", ISO2)  # type: ignore[arg-type]


def _body(message: dict) -> dict:
    return message["V2G_Message"]["Body"]["CurrentDemandReq"]


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda m: _body(m).update(Bogus=1), "V2G_Message.Body.CurrentDemandReq.Bogus"),
    (lambda m: _body(m).pop("EVTargetVoltage"), "V2G_Message.Body.CurrentDemandReq"),
    (lambda m: _body(m)["DC_EVStatus"].update(EVReady="yes"), "V2G_Message.Body.CurrentDemandReq.DC_EVStatus.EVReady"),
    (lambda m: _body(m)["EVTargetCurrent"].update(Value="120"),
     "V2G_Message.Body.CurrentDemandReq.EVTargetCurrent.Value"),
    (lambda m: _body(m).update(ChargingComplete=[False]), "V2G_Message.Body.CurrentDemandReq.ChargingComplete"),
    (lambda m: _body(m).update(EVTargetCurrent=[]), "V2G_Message.Body.CurrentDemandReq.EVTargetCurrent"),
    (lambda m: m["V2G_Message"]["Header"].update(SessionID="xyz"), "V2G_Message.Header.SessionID"),
])
def test_invalid_message_names_the_path(mutate, path: str) -> None:
    message = {"V2G_Message": {"Header": dict(CURRENT_DEMAND_REQ["V2G_Message"]["Header"]),
                               "Body": {"CurrentDemandReq": {k: dict(v) if isinstance(v, dict) else v for k, v in
                                                             _body(CURRENT_DEMAND_REQ).items()}}}}
    mutate(message)
    with pytest.raises(ExiEncodeError) as info:
        encode(message, ISO2)
    assert info.value.path == path
    assert path in str(info.value)


def test_strict_mode_refuses_values_outside_the_datatype() -> None:
    message = {"DC_CableCheckReq": {"Header": {"SessionID": "0102030405060708", "TimeStamp": 1}}}
    encode(message, ISO20_DC)
    message["DC_CableCheckReq"]["Header"]["TimeStamp"] = -1
    assert encode(message, ISO20_DC)  # EXIficient writes it untyped
    with pytest.raises(ExiEncodeError, match="TimeStamp"):
        encode(message, ISO20_DC, strict=True)


@pytest.mark.parametrize("message", [None, [], {}, {"a": 1, "b": 2}, {"NotAnElement": {}}])
def test_malformed_roots_raise_encode_errors(message: object) -> None:
    with pytest.raises(ExiEncodeError):
        encode(message, ISO2)  # type: ignore[arg-type]


def test_unknown_namespace_is_an_encode_error() -> None:
    with pytest.raises(ExiEncodeError, match="namespace"):
        encode(CURRENT_DEMAND_REQ, "urn:nope")


def test_sampled_messages_with_a_stray_key_are_refused() -> None:
    rng = random.Random(3)
    sampler = MessageSampler(DIN, rng)
    for name in sampler.message_types():
        message = sampler.message_of_type(name)
        message["V2G_Message"]["Body"][name]["Stray"] = 1
        with pytest.raises(ExiEncodeError, match="Stray"):
            encode(message, DIN)
