"""A built-in test PKI (``cryptography``): CSMS root CA, server certificate, charge point client
certificates, CSR signing for SignCertificate, certificate hash data, and server variants for negative
tests (untrusted CA, expired, TLS 1.1 only). Keys are written with 0600 permissions and never logged.

Run ``python -m harness.protocols.ocpp.pki FOLDER CPID...`` to make one for a real bench.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import sys
import warnings
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CPO = "ChargeBench Test CPO"
VARIANTS = ("valid", "untrusted", "expired", "tls11")
# TLS 1.2 suites OCPP names (1.6 security whitepaper §2.4.3, 2.0.1 Part 2 A00.FR.318): ECDHE-ECDSA or RSA with
# AES-GCM (TLS 1.3 suites are not affected by this list).
TLS12_CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                 "AES128-GCM-SHA256:AES256-GCM-SHA384")


def _name(cn: str, org: str = CPO) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    os.chmod(path, 0o600)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _cert(subject: x509.Name, pub, issuer: x509.Name, key, *, ca: bool = False, server: bool = False,
          client: bool = False, days: int = 825, expired: bool = False) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    start, end = (now - dt.timedelta(days=30), now - dt.timedelta(days=1)) if expired else (
        now - dt.timedelta(hours=1), now + dt.timedelta(days=days))
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(pub)
         .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    if server:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                         x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                            critical=False)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if client:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return b.sign(key, hashes.SHA256())


class TestPki:
    """Files in one folder: ca.pem, server.pem/.key, server-expired.*, server-untrusted.*, cp-<id>.*"""

    __test__ = False

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        return self.folder / name

    def ensure(self, cp_ids: list[str] = ()) -> TestPki:  # type: ignore[assignment]
        """Create what is missing (idempotent)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.path("ca.pem").exists():
            self._make_ca("ca", "ChargeBench Test Root CA")
            self._make_ca("untrusted-ca", "Untrusted Root CA")
            ca, ca_key = self.load("ca")
            other, other_key = self.load("untrusted-ca")
            for name, issuer, ikey, expired in (("server", ca, ca_key, False), ("server-expired", ca, ca_key, True),
                                                ("server-untrusted", other, other_key, False)):
                key = ec.generate_private_key(ec.SECP256R1())
                cert = _cert(_name("localhost"), key.public_key(), issuer.subject, ikey, server=True,
                             expired=expired)
                self.path(f"{name}.pem").write_bytes(_pem(cert) + _pem(issuer))
                _write_key(self.path(f"{name}.key"), key)
        ca, ca_key = self.load("ca")
        for cp in cp_ids:
            if not self.path(f"cp-{cp}.pem").exists():
                key = ec.generate_private_key(ec.SECP256R1())
                cert = _cert(_name(cp), key.public_key(), ca.subject, ca_key, client=True)
                self.path(f"cp-{cp}.pem").write_bytes(_pem(cert))
                _write_key(self.path(f"cp-{cp}.key"), key)
        return self

    def _make_ca(self, name: str, cn: str) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _cert(_name(cn), key.public_key(), _name(cn), key, ca=True, days=3650)
        self.path(f"{name}.pem").write_bytes(_pem(cert))
        _write_key(self.path(f"{name}.key"), key)

    def load(self, name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        cert = x509.load_pem_x509_certificate(self.path(f"{name}.pem").read_bytes())
        key = serialization.load_pem_private_key(self.path(f"{name}.key").read_bytes(), None)
        return cert, key  # type: ignore[return-value]

    def sign_csr(self, csr_pem: str, valid: bool = True, days: int = 365) -> str:
        """Sign a charger's CSR as the CSMS CA (SignCertificate flow). ``valid=False`` signs with the untrusted
        CA, for the 'invalid certificate' negative case."""
        csr = x509.load_pem_x509_csr(csr_pem.encode())
        if not csr.is_signature_valid:
            raise ValueError("the CSR's signature does not verify")
        issuer, key = self.load("ca" if valid else "untrusted-ca")
        cert = _cert(csr.subject, csr.public_key(), issuer.subject, key, client=True, days=days)
        return (_pem(cert) + _pem(issuer)).decode()

    def server_context(self, variant: str = "valid", mutual: bool = False) -> ssl.SSLContext:
        """TLS server context: TLS 1.2+ with the valid certificate, or a negative-test variant."""
        if variant not in VARIANTS:
            raise ValueError(f"TLS variant must be one of {VARIANTS}")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.apply(ctx, variant, mutual)
        return ctx

    def apply(self, ctx: ssl.SSLContext, variant: str, mutual: bool) -> None:
        """(Re)configure a live context: new handshakes use the new settings."""
        name = {"valid": "server", "tls11": "server", "untrusted": "server-untrusted",
                "expired": "server-expired"}[variant]
        ctx.load_cert_chain(self.path(f"{name}.pem"), self.path(f"{name}.key"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            if variant == "tls11":
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
                ctx.minimum_version = ssl.TLSVersion.TLSv1_1
                ctx.maximum_version = ssl.TLSVersion.TLSv1_1
            else:
                ctx.minimum_version = ssl.TLSVersion.TLSv1_2
                ctx.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED
                ctx.set_ciphers(TLS12_CIPHERS)
        if mutual:
            # OPTIONAL, not REQUIRED: a presented certificate must still verify against the CSMS root, but a
            # missing one is refused in the HTTP upgrade, where the CSMS can record it (with TLS 1.3 a REQUIRED
            # failure happens after the client thinks it is connected, and leaves no trace on the server).
            ctx.verify_mode = ssl.CERT_OPTIONAL
            ctx.load_verify_locations(self.path("ca.pem"))


def cert_hash_data(cert_pem: str, issuer_pem: str | None = None, algorithm: str = "SHA256") -> dict[str, str]:
    """OCPP CertificateHashDataType: hashes of the issuer's DER name and of its public key bits, and the
    serial number in hex (1.6 security whitepaper / OCPP 2.0.1 Part 2 2.6)."""
    algo = {"SHA256": hashes.SHA256(), "SHA384": hashes.SHA384(), "SHA512": hashes.SHA512()}[algorithm]
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    issuer = x509.load_pem_x509_certificate(issuer_pem.encode()) if issuer_pem else cert

    def digest(data: bytes) -> str:
        h = hashes.Hash(algo)
        h.update(data)
        return h.finalize().hex()

    key_bits = issuer.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint)
    return {"hashAlgorithm": algorithm, "issuerNameHash": digest(cert.issuer.public_bytes()),
            "issuerKeyHash": digest(key_bits), "serialNumber": format(cert.serial_number, "x")}


if __name__ == "__main__":
    TestPki(sys.argv[1]).ensure(sys.argv[2:])
