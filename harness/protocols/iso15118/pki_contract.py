"""Plug & Charge material of the project's test PKI (ISO 15118-2 Annex F shape, ECDSA P-256):

- MO root -> MO sub-CA 1 -> MO sub-CA 2 -> contract leaf (CN = eMAID), plus an expired contract under the same
  chain and a contract from an MO root the charger does not trust (negative tests);
- OEM root -> OEM sub-CA 1 -> OEM sub-CA 2 -> OEM provisioning leaf (the EV's identity for CertificateInstallation)
  and a vehicle leaf (the EV's TLS client certificate for ISO 15118-20 mutual TLS);
- V2G root -> CPS sub-CA 1 -> CPS sub-CA 2 -> CPS leaf, which signs CertificateInstallationRes.

``generate`` writes two folders: ``ev/`` (what the EV holds: contract chains and keys, OEM provisioning chain and
key, the V2G root) and ``secc/`` (what the charger holds: the MO and OEM roots it trusts, the CPS chain and key, and
a contract to hand out by CertificateInstallation). A chain file is PEM, leaf first; ``<name>.key`` its key.
Private keys are read here and used for signing/ECDH only; nothing in this module logs them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from cryptography.x509.oid import NameOID

from .pki import _cert, write_key

EMAID = "DEEXAC00000001"  # eMAIDType: 14-15 characters; the contract the EV holds from the start
EMAID_INSTALLED = "DEEXAC00000002"  # the one CertificateInstallation hands out
PEM = serialization.Encoding.PEM


def _name(cn: str, dc: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "chargebench test"),
                      x509.NameAttribute(NameOID.DOMAIN_COMPONENT, dc)])


@dataclass
class Chain:
    """A leaf with its sub-CAs (issuer of the leaf first) and, where we hold it, the leaf's key."""

    leaf: x509.Certificate
    subs: list[x509.Certificate]
    key: ec.EllipticCurvePrivateKey | None = None

    @property
    def cn(self) -> str:
        return str(self.leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)

    def der(self) -> tuple[bytes, list[bytes]]:
        enc = serialization.Encoding.DER
        return self.leaf.public_bytes(enc), [c.public_bytes(enc) for c in self.subs]

    def write(self, folder: Path, name: str) -> None:
        (folder / f"{name}_chain.pem").write_bytes(b"".join(c.public_bytes(PEM) for c in (self.leaf, *self.subs)))
        if self.key is not None:
            write_key(folder / f"{name}.key", self.key)


def _hierarchy(root_cn: str, dc: str, leaf_cn: str, root: tuple | None = None
               ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey, Chain, ec.EllipticCurvePrivateKey]:
    """root (or the given (cert, key) root) -> sub-CA 1 -> sub-CA 2 -> leaf; also returns sub-CA 2's key so
    more leaves can hang off the same branch."""
    if root is None:
        rkey = ec.generate_private_key(ec.SECP256R1())
        rcert = _cert(_name(root_cn, dc), rkey, _name(root_cn, dc), rkey, True, 3650, path_len=2)
    else:
        rcert, rkey = root
    k1, k2, kl = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    s1 = _cert(_name(f"{dc} Sub-CA 1", dc), k1, rcert.subject, rkey, True, 1460, path_len=1)
    s2 = _cert(_name(f"{dc} Sub-CA 2", dc), k2, s1.subject, k1, True, 730, path_len=0)
    leaf = _cert(_name(leaf_cn, dc), kl, s2.subject, k2, False, 365)
    return rcert, rkey, Chain(leaf, [s2, s1], kl), k2


def _sibling(chain: Chain, issuer_key: ec.EllipticCurvePrivateKey, cn: str, expired: bool = False) -> Chain:
    """Another leaf from the issuer of ``chain``'s leaf."""
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _cert(_name(cn, chain.leaf.subject.get_attributes_for_oid(NameOID.DOMAIN_COMPONENT)[0].value), key,
                 chain.subs[0].subject, issuer_key, False, 365, expired=expired)
    return Chain(leaf, list(chain.subs), key)


def generate(folder: Path, v2g: Path) -> Path:
    """Write ``folder/ev`` and ``folder/secc`` (see the module doc); ``v2g`` is the folder of pki.generate (its
    root issues the CPS chain). Idempotent per folder; returns ``folder``."""
    ev, secc = folder / "ev", folder / "secc"
    if (ev / "contract_chain.pem").exists():
        return folder
    ev.mkdir(parents=True, exist_ok=True)
    secc.mkdir(parents=True, exist_ok=True)
    mo_root, _, contract, mo_sub2_key = _hierarchy("chargebench MO Root CA", "MO", EMAID)
    _, _, untrusted, _ = _hierarchy("chargebench rogue MO Root CA", "MO", "DEEXAC00000666")
    oem_root, _, oem, oem_sub2_key = _hierarchy("chargebench OEM Root CA", "OEM", "chargebench-ev-0001")
    v2g_root = x509.load_pem_x509_certificate((v2g / "v2g_root.pem").read_bytes())
    v2g_key = serialization.load_pem_private_key((v2g / "v2g_root.key").read_bytes(), None)
    _, _, cps, _ = _hierarchy("", "CPS", "chargebench CPS Leaf", root=(v2g_root, v2g_key))
    contract.write(ev, "contract")
    _sibling(contract, mo_sub2_key, EMAID, expired=True).write(ev, "contract_expired")
    untrusted.write(ev, "contract_untrusted")
    oem.write(ev, "oem_prov")
    _sibling(oem, oem_sub2_key, "chargebench-vehicle-0001").write(ev, "vehicle")
    shutil.copyfile(v2g / "v2g_root.pem", ev / "v2g_root.pem")
    (secc / "mo_root.pem").write_bytes(mo_root.public_bytes(PEM))
    (secc / "oem_root.pem").write_bytes(oem_root.public_bytes(PEM))
    cps.write(secc, "cps")
    _sibling(contract, mo_sub2_key, EMAID_INSTALLED).write(secc, "install")
    return folder


# -- reading -------------------------------------------------------------------------------------------------
def load_chain(folder: Path, name: str) -> Chain:
    """``<name>_chain.pem`` (leaf first) and ``<name>.key`` when present."""
    certs = x509.load_pem_x509_certificates((folder / f"{name}_chain.pem").read_bytes())
    key_path = folder / f"{name}.key"
    key = serialization.load_pem_private_key(key_path.read_bytes(), None) if key_path.exists() else None
    if key is not None and not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_path}: not an EC private key")
    return Chain(certs[0], certs[1:], key)


def load_roots(*paths: Path) -> list[x509.Certificate]:
    return [c for p in paths if p.exists() for c in x509.load_pem_x509_certificates(p.read_bytes())]


def chain_from_der(leaf: bytes, subs: list[bytes]) -> Chain:
    return Chain(x509.load_der_x509_certificate(leaf), [x509.load_der_x509_certificate(s) for s in subs])


def root_ids(roots: list[x509.Certificate]) -> list[dict]:
    """ListOfRootCertificateIDs entries (X509IssuerName as RFC 4514, X509SerialNumber)."""
    return [{"X509IssuerName": r.issuer.rfc4514_string(), "X509SerialNumber": r.serial_number} for r in roots]


# -- checking ------------------------------------------------------------------------------------------------
def check_chain(chain: Chain, roots: list[x509.Certificate], now: dt.datetime | None = None) -> str | None:
    """None when every link verifies up to one of ``roots`` and every certificate is valid now; else "chain"
    (a signature or issuer link fails: FAILED_CertChainError) or "expired" (FAILED_CertificateExpired)."""
    certs = [chain.leaf, *chain.subs]
    try:
        for child, parent in itertools.pairwise(certs):
            child.verify_directly_issued_by(parent)
        top = certs[-1]
        anchor = next((r for r in roots if r.subject == top.issuer), None)
        if anchor is None:
            return "chain"
        top.verify_directly_issued_by(anchor)
    except (InvalidSignature, ValueError, TypeError):
        return "chain"
    now = now or dt.datetime.now(dt.UTC)
    if any(not (c.not_valid_before_utc <= now <= c.not_valid_after_utc) for c in [*certs, anchor]):
        return "expired"
    return None


# -- the contract key in CertificateInstallationRes (ISO 15118-2 [V2G2-818], as in Josev encrypt_priv_key) ---------
_OTHER_INFO = bytes([0x01, 0x55, 0x56])  # AlgorithmID, PartyUInfo, PartyVInfo of the concatenation KDF


def _kdf(shared: bytes) -> bytes:
    return ConcatKDFHash(algorithm=hashes.SHA256(), length=16, otherinfo=_OTHER_INFO).derive(shared)


def encrypt_key(oem_cert: x509.Certificate, key: ec.EllipticCurvePrivateKey, iv: bytes) -> tuple[bytes, bytes]:
    """(DHpublickey as an uncompressed point, IV || AES-128-CBC(raw 32-byte private value)): ECDH between a fresh
    ephemeral key and the OEM provisioning certificate's public key, concatenation KDF (NIST SP 800-56A)."""
    eph = ec.generate_private_key(ec.SECP256R1())
    peer = oem_cert.public_key()
    if not isinstance(peer, ec.EllipticCurvePublicKey):
        raise ValueError("the OEM provisioning certificate has no EC public key")
    sym = _kdf(eph.exchange(ec.ECDH(), peer))
    enc = Cipher(algorithms.AES(sym), modes.CBC(iv)).encryptor()
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    dh = eph.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return dh, iv + enc.update(raw) + enc.finalize()


def decrypt_key(encrypted: bytes, dh_public: bytes, oem_key: ec.EllipticCurvePrivateKey) -> ec.EllipticCurvePrivateKey:
    """The contract key from CertificateInstallationRes; ValueError when it cannot be a P-256 key."""
    if len(encrypted) != 48:
        raise ValueError(f"encrypted private key is {len(encrypted)} bytes, expected 48 (IV + 32)")
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), dh_public)
    sym = _kdf(oem_key.exchange(ec.ECDH(), peer))
    dec = Cipher(algorithms.AES(sym), modes.CBC(encrypted[:16])).decryptor()
    raw = dec.update(encrypted[16:]) + dec.finalize()
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
