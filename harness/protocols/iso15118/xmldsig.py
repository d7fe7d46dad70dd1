"""XML signatures on EXI (ISO 15118-2:2014 7.9.2.4 / Annex J, the way Josev's ``create_signature`` and
``verify_signature`` do it): each signed element is EXI-encoded as a fragment of the message schema and its
SHA-256 goes into a Reference (URI "#<Id>", canonical-EXI transform); SignedInfo is EXI-encoded as an xmldsig
fragment and signed with ECDSA P-256 / SHA-256; SignatureValue is the raw r || s (64 bytes), not DER.

Signatures are plain dicts in the codec's JSON form, ready for the V2G_Message Header's ``Signature``.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from . import exi

C14N = "http://www.w3.org/TR/canonical-exi/"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"  # Josev's DigestMethod (xmlenc namespace)

Part = tuple[str, dict]  # (element name, element content incl. its "Id"), e.g. ("AuthorizationReq", {...})


def fragment(name: str, content: dict, namespace: str = exi.ISO2) -> bytes:
    """The element as an EXI fragment of ``namespace`` (what its digest is taken over)."""
    if name == "eMAID" and namespace == exi.ISO2:
        return _emaid_fragment(str(content.get("Id", "")), str(content.get("value", "")))
    return exi.encode({name: content}, namespace)


def digest(name: str, content: dict, namespace: str = exi.ISO2) -> bytes:
    """SHA-256 of the element as an EXI fragment of ``namespace``."""
    return hashlib.sha256(fragment(name, content, namespace)).digest()


def _emaid_fragment(id_: str, value: str) -> bytes:
    """CertificateInstallationRes' eMAID (EMAIDType: Id attribute + string) as an ISO 15118-2 fragment.

    Why by hand: the -2 schema declares two global-scope ``eMAID`` elements of different types, so in a fragment
    EXI uses the schema-informed element fragment grammar (EXI 1.0 8.5.3), which our codec does not build. The
    layout below reproduces the bytes of Josev's EXICodec.jar (EXIficient) for this element exactly (vectors in
    tests/hlc/test_pnc_crypto.py): root SE(eMAID) 236/8 bits; AT(Id) 4/9 bits; CH 256/9 bits; EE 244/8 bits;
    ED 244/8 bits; each string as length+2 then one unsigned integer per character, no string-table hits.
    """
    bits: list[str] = ["10000000", f"{236:08b}", f"{4:09b}"]

    def uint(n: int) -> None:
        while True:
            low, n = n & 0x7F, n >> 7
            bits.append(f"{(0x80 if n else 0) | low:08b}")
            if not n:
                return

    def string(text: str) -> None:
        uint(len(text) + 2)
        for ch in text:
            uint(ord(ch))

    string(id_)
    bits.append(f"{256:09b}")
    string(value)
    bits.extend((f"{244:08b}", f"{244:08b}"))
    stream = "".join(bits)
    stream += "0" * (-len(stream) % 8)
    return int(stream, 2).to_bytes(len(stream) // 8, "big")


def signed_info(parts: list[Part], namespace: str = exi.ISO2) -> dict:
    refs = [{"URI": "#" + content["Id"], "Transforms": {"Transform": [{"Algorithm": C14N}]},
             "DigestMethod": {"Algorithm": SHA256},
             "DigestValue": base64.b64encode(digest(name, content, namespace)).decode()} for name, content in parts]
    return {"CanonicalizationMethod": {"Algorithm": C14N}, "SignatureMethod": {"Algorithm": ECDSA_SHA256},
            "Reference": refs}


def sign(parts: list[Part], key: ec.EllipticCurvePrivateKey, namespace: str = exi.ISO2) -> dict:
    """The Header's Signature over ``parts`` (each carries its ``Id``)."""
    info = signed_info(parts, namespace)
    der = key.sign(exi.encode({"SignedInfo": info}, exi.XMLDSIG), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return {"SignedInfo": info, "SignatureValue": {"value": base64.b64encode(
        r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode()}}


def verify(signature: dict | None, parts: list[Part], public_key: object, namespace: str = exi.ISO2) -> str | None:
    """None when ``signature`` covers every part with a matching digest and its value verifies with
    ``public_key``; otherwise why not (one line, no key material)."""
    if not isinstance(signature, dict) or not isinstance(signature.get("SignedInfo"), dict):
        return "no Signature in the header"
    info = signature["SignedInfo"]
    if (info.get("SignatureMethod") or {}).get("Algorithm") != ECDSA_SHA256:
        return f"SignatureMethod {(info.get('SignatureMethod') or {}).get('Algorithm')!r}"
    refs = {r.get("URI"): r for r in info.get("Reference") or [] if isinstance(r, dict)}
    for name, content in parts:
        ref = refs.get("#" + str(content.get("Id")))
        if ref is None:
            return f"no Reference to #{content.get('Id')} ({name})"
        try:
            got = base64.b64decode(ref.get("DigestValue") or "")
        except ValueError:
            return f"DigestValue of #{content.get('Id')} is not base64"
        if got != digest(name, content, namespace):
            return f"digest of {name} #{content.get('Id')} does not match"
    try:
        raw = base64.b64decode((signature.get("SignatureValue") or {}).get("value") or "")
    except ValueError:
        return "SignatureValue is not base64"
    if len(raw) != 64:
        return f"SignatureValue is {len(raw)} bytes, expected 64 (r || s)"
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return "the signer's certificate has no EC public key"
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public_key.verify(der, exi.encode({"SignedInfo": info}, exi.XMLDSIG), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "SignatureValue does not verify"
    except Exception as exc:  # noqa: BLE001 - a SignedInfo we cannot re-encode is a bad signature, not a crash
        return f"SignedInfo cannot be encoded: {type(exc).__name__}"
    return None


def tamper(signature: dict) -> dict:
    """A copy with one bit of SignatureValue flipped (the EV's deliberate bad signature)."""
    raw = bytearray(base64.b64decode(signature["SignatureValue"]["value"]))
    raw[10] ^= 0x01
    return {**signature, "SignatureValue": {"value": base64.b64encode(bytes(raw)).decode()}}
