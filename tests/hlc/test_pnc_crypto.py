"""Plug & Charge crypto on its own: the generated PKI's chains verify (and the bad ones do not), XML signatures on
EXI verify both ways and fail on one flipped byte, and the contract key survives CertificateInstallation's
ECDH + AES-128-CBC round trip."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from harness.protocols.iso15118 import exi, pki, pki_contract, xmldsig


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("pnc")
    pki_contract.generate(root / "pnc", pki.generate(root / "v2g"))
    return root / "pnc" / "ev", root / "pnc" / "secc"


def test_chains(folders) -> None:
    ev, secc = folders
    mo = pki_contract.load_roots(secc / "mo_root.pem")
    contract = pki_contract.load_chain(ev, "contract")
    assert contract.cn == pki_contract.EMAID and len(contract.subs) == 2
    assert pki_contract.check_chain(contract, mo) is None
    assert pki_contract.check_chain(pki_contract.load_chain(ev, "contract_expired"), mo) == "expired"
    assert pki_contract.check_chain(pki_contract.load_chain(ev, "contract_untrusted"), mo) == "chain"
    cps = pki_contract.load_chain(secc, "cps")
    assert pki_contract.check_chain(cps, pki_contract.load_roots(ev / "v2g_root.pem")) is None
    oem = pki_contract.load_chain(ev, "oem_prov")
    assert pki_contract.check_chain(oem, pki_contract.load_roots(secc / "oem_root.pem")) is None
    assert oct((ev / "contract.key").stat().st_mode & 0o777) == "0o600"
    der, subs = contract.der()
    assert pki_contract.chain_from_der(der, subs).leaf == contract.leaf


def test_signature_round_trip_and_tamper(folders) -> None:
    ev, _ = folders
    contract = pki_contract.load_chain(ev, "contract")
    body = {"Id": "ID1", "GenChallenge": base64.b64encode(os.urandom(16)).decode()}
    sig = xmldsig.sign([("AuthorizationReq", body)], contract.key)
    assert len(base64.b64decode(sig["SignatureValue"]["value"])) == 64
    message = {"V2G_Message": {"Header": {"SessionID": "0102030405060708", "Signature": sig},
                               "Body": {"AuthorizationReq": body}}}
    back = exi.decode(exi.encode(message, exi.ISO2), exi.ISO2)["V2G_Message"]
    got = back["Header"]["Signature"]
    pub = contract.leaf.public_key()
    assert xmldsig.verify(got, [("AuthorizationReq", back["Body"]["AuthorizationReq"])], pub) is None
    assert "does not verify" in xmldsig.verify(xmldsig.tamper(got), [("AuthorizationReq", body)], pub)
    other = {**body, "GenChallenge": base64.b64encode(bytes(16)).decode()}
    assert "digest" in xmldsig.verify(got, [("AuthorizationReq", other)], pub)
    # one flipped byte anywhere in the encoded SignedInfo's DigestValue breaks it too
    digest = bytearray(base64.b64decode(got["SignedInfo"]["Reference"][0]["DigestValue"]))
    digest[0] ^= 0xFF
    bad = {**got, "SignedInfo": {**got["SignedInfo"], "Reference": [
        {**got["SignedInfo"]["Reference"][0], "DigestValue": base64.b64encode(bytes(digest)).decode()}]}}
    assert xmldsig.verify(bad, [("AuthorizationReq", body)], pub) is not None
    wrong_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    assert xmldsig.verify(got, [("AuthorizationReq", body)], wrong_key) == "SignatureValue does not verify"
    assert xmldsig.verify(None, [("AuthorizationReq", body)], pub) == "no Signature in the header"


def test_contract_key_encryption(folders) -> None:
    ev, secc = folders
    oem = pki_contract.load_chain(ev, "oem_prov")
    installed = pki_contract.load_chain(secc, "install")
    dh, enc = pki_contract.encrypt_key(oem.leaf, installed.key, os.urandom(16))
    assert len(dh) == 65 and dh[0] == 4 and len(enc) == 48
    key = pki_contract.decrypt_key(enc, dh, oem.key)
    assert key.private_numbers() == installed.key.private_numbers()
    with pytest.raises(ValueError):
        pki_contract.decrypt_key(enc[:40], dh, oem.key)


@pytest.mark.parametrize(("id_", "value", "jar"), [
    ("id4", "DEEXAC00000002", "80ec0202b4b21a4004111151561050cc0c0c0c0c0c0c0cbd3d00"),
    ("x", "DEEXAC000000012", "80ec0201bc4004511151561050cc0c0c0c0c0c0c0c4cbd3d00"),
    ("ID12", "ZZ000000000000", "80ec020324a21899400416968c0c0c0c0c0c0c0c0c0c0c0c3d3d00"),
])
def test_emaid_fragment_equals_josev_jar(id_: str, value: str, jar: str) -> None:
    """Bytes from Josev 0.31.2: EXI().to_exi(EMAID(id=..., value=...), Namespace.ISO_V2_MSG_DEF)."""
    assert xmldsig.fragment("eMAID", {"Id": id_, "value": value}).hex() == jar
