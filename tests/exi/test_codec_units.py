"""Unit tests of the building blocks: bit streams, datatypes, string table, fragments."""

from __future__ import annotations

import pytest

from harness.protocols.iso15118.exi import APP_PROTOCOL, DIN, ISO2, ISO20_COMMON, XMLDSIG, decode, encode
from harness.protocols.iso15118.exi.bits import BitReader, BitWriter
from harness.protocols.iso15118.exi.errors import ExiDecodeError


def test_bit_writer_packs_msb_first_and_pads_with_zeros() -> None:
    w = BitWriter()
    w.write(0b10, 2)
    w.write(0b1, 1)
    w.write(0, 0)
    assert w.getvalue() == bytes([0b10100000])


@pytest.mark.parametrize(("value", "octets"), [(0, "00"), (127, "7f"), (128, "8001"), (300, "ac02"),
                                               (2**64 - 1, "ffffffffffffffffff01")])
def test_unsigned_integer_is_7bit_groups_least_significant_first(value: int, octets: str) -> None:
    w = BitWriter()
    w.write_uint(value)
    data = w.getvalue()
    assert data.hex() == octets
    assert BitReader(data).read_uint("x") == value


def test_unaligned_bytes_round_trip() -> None:
    w = BitWriter()
    w.write(1, 3)
    w.write_bytes(b"\x01\xff\x80")
    r = BitReader(w.getvalue())
    assert r.read(3, "x") == 1
    assert r.read_bytes(3, "x") == b"\x01\xff\x80"


def test_reader_reports_bit_offset_on_truncation() -> None:
    r = BitReader(b"\x80")
    r.read(5, "x")
    with pytest.raises(ExiDecodeError) as info:
        r.read(4, "an event code")
    assert info.value.bit_offset == 5
    assert "bit 5" in str(info.value) and "an event code" in str(info.value)


def _sap(namespaces: list[str]) -> dict:
    return {"supportedAppProtocolReq": {"AppProtocol": [
        {"ProtocolNamespace": ns, "VersionNumberMajor": 2, "VersionNumberMinor": 0, "SchemaID": i + 1,
         "Priority": i + 1} for i, ns in enumerate(namespaces)]}}


def test_josev_never_emits_string_table_hits() -> None:
    # EXICodec.jar sets valueMaxLength = valuePartitionCapacity = 0: a repeat is a miss
    # (vector from the jar: two AppProtocols with the same namespace)
    data = encode(_sap(["urn:a", "urn:a"]), APP_PROTOCOL)
    assert data.hex() == "80003bab9371d308020000040000775726e3a610040000100880"


def test_string_table_local_hit_is_shorter_and_decodes() -> None:
    message = _sap(["urn:a", "urn:a"])
    miss = encode(message, APP_PROTOCOL)
    hit = encode(message, APP_PROTOCOL, learn_strings=True)
    # "urn:a" (8-bit length + 5 chars) became a local hit: 8-bit 0 and a 0-bit index
    assert len(miss) - len(hit) == 5
    assert decode(hit, APP_PROTOCOL) == message


def test_string_table_global_hit_decodes() -> None:
    # the same value under two different qnames: the second is a global hit
    header = {"SessionID": "00", "Notification": {"FaultCode": "UnknownError", "FaultMsg": "DE*ABC"}}
    message = {"V2G_Message": {"Header": header, "Body": {"SessionSetupRes": {
        "ResponseCode": "OK", "EVSEID": "DE*ABC", "EVSETimeStamp": 5}}}}
    hit = encode(message, ISO2, learn_strings=True)
    assert len(hit) < len(encode(message, ISO2))
    # EXIficient 0.9.6 with its default options (unbounded value partitions) writes exactly this
    assert hit.hex() == "809800400100422229520a12189e0000400a00"
    assert decode(hit, ISO2) == message


def test_empty_text_uses_second_level_end_element() -> None:
    # vector from the jar: an empty SessionID ends the element at the second level
    message = {"V2G_Message": {"Header": {"SessionID": ""}, "Body": {"SessionStopReq": {}}}}
    assert encode(message, DIN).hex() == "809a447c00"
    assert decode(bytes.fromhex("809a447c00"), DIN) == message


def test_out_of_range_value_is_written_untyped_like_exificient() -> None:
    # the jar writes SAScheduleTupleID 0 (range 1..255) as untyped characters "0"
    message = {"V2G_Message": {"Header": {"SessionID": "6A92B02B"}, "Body": {"MeteringReceiptReq": {
        "SessionID": "697E9E118B180874", "SAScheduleTupleID": 0, "MeterInfo": {"MeterID": "T7abX"}}}}}
    expected = "8098011aa4ac0ad0f410d2fd3c23163010e8380cc20075437616258400"
    assert encode(message, ISO2).hex() == expected
    assert decode(bytes.fromhex(expected), ISO2) == message


SIGNED_INFO = {"SignedInfo": {
    "CanonicalizationMethod": {"Algorithm": "http://www.w3.org/TR/canonical-exi/"},
    "SignatureMethod": {"Algorithm": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"},
    "Reference": [{"URI": "#id1",
                   "Transforms": {"Transform": [{"Algorithm": "http://www.w3.org/TR/canonical-exi/"}]},
                   "DigestMethod": {"Algorithm": "http://www.w3.org/2001/04/xmlenc#sha256"},
                   "DigestValue": "AAECAwQ="}]}}

# fragments (what gets signed), vectors from the jar
FRAGMENTS = [
    (ISO2, {"AuthorizationReq": {"Id": "id1", "GenChallenge": "AAECAwQFBgcICQoLDA0ODw=="}},
     "8004015a590c408000081018202830384048505860687079e8"),
    (ISO20_COMMON, {"PnC_AReqAuthorizationMode": {
        "Id": "id1", "GenChallenge": "AAECAwQFBgcICQoLDA0ODw==",
        "ContractCertificateChain": {"Certificate": "AAEC", "SubCertificates": {"Certificate": ["AAEC"]}}}},
     "804b815a590c410000102030405060708090a0b0c0d0e0f00300010200300010224680"),
]


@pytest.mark.parametrize(("namespace", "message", "hexstr"), FRAGMENTS)
def test_signed_fragments_match_the_jar(namespace: str, message: dict, hexstr: str) -> None:
    assert encode(message, namespace).hex() == hexstr
    assert decode(bytes.fromhex(hexstr), namespace, fragment=True) == message


def test_signed_info_fragment_in_xmldsig_namespace() -> None:
    data = encode(SIGNED_INFO, XMLDSIG)
    assert data.hex().startswith("808112b43a3a381d1797bbbbbb973b999737b93397aa2917b1b0b737b734")
    assert data.hex().endswith("0a0002040608370")
    assert decode(data, XMLDSIG) == SIGNED_INFO


def test_josev_defaults_fill_jaxb_primitives_like_the_jar() -> None:
    # the jar sends an absent SAScheduleTupleID as 0 (its JAXB field is a Java short)
    message = {"V2G_Message": {"Header": {"SessionID": "6A92B02B"}, "Body": {"MeteringReceiptReq": {
        "SessionID": "697E9E118B180874", "MeterInfo": {"MeterID": "T7abX"}}}}}
    jar = "8098011aa4ac0ad0f410d2fd3c23163010e8380cc20075437616258400"
    assert encode(message, ISO2, josev_defaults=True).hex() == jar
    assert encode(message, ISO2).hex() != jar


@pytest.mark.parametrize("serial", [2**159 + 12345, -(2**159)])
def test_x509_serial_numbers_of_twenty_octets_round_trip(serial: int) -> None:
    """X509SerialNumber is xs:integer; real V2G roots carry RFC 5280 serials of up to 20 octets, which a charger's
    CertificateInstallationReq (ListOfRootCertificateIDs) must be able to carry both ways."""
    message = {"V2G_Message": {"Header": {"SessionID": "00"}, "Body": {"CertificateInstallationReq": {
        "Id": "I", "OEMProvisioningCert": "", "ListOfRootCertificateIDs": {"RootCertificateID": [
            {"X509IssuerName": "CN=root", "X509SerialNumber": serial}]}}}}}
    assert decode(encode(message, ISO2), ISO2) == message
