"""Known EXI vectors captured from Josev's EXICodec.jar (reference/iso15118.md, 1.3)."""

from __future__ import annotations

import pytest

from harness.protocols.iso15118.exi import APP_PROTOCOL, DIN, decode, encode

VECTORS = [
    (
        APP_PROTOCOL,
        "8000ebab9371d34b9b79d189a98989c1d191d191818999d26b9b3a232b30020000040040",
        {"supportedAppProtocolReq": {"AppProtocol": [{
            "ProtocolNamespace": "urn:iso:15118:2:2013:MsgDef", "VersionNumberMajor": 2,
            "VersionNumberMinor": 0, "SchemaID": 1, "Priority": 1}]}},
    ),
    (
        DIN,
        "809a004011d0185bb98fdbd87c00",
        {"V2G_Message": {"Header": {"SessionID": "00"},
                         "Body": {"SessionSetupReq": {"EVCCID": "16EE63F6F61F"}}}},
    ),
]


@pytest.mark.parametrize(("namespace", "hexstr", "message"), VECTORS)
def test_decode_known_vector(namespace: str, hexstr: str, message: dict) -> None:
    assert decode(bytes.fromhex(hexstr), namespace) == message


@pytest.mark.parametrize(("namespace", "hexstr", "message"), VECTORS)
def test_encode_known_vector(namespace: str, hexstr: str, message: dict) -> None:
    assert encode(message, namespace).hex() == hexstr
