"""Turn the ISO 15118-2 PKI made by Josev's own create_certs.sh into the EV folder our Plug & Charge code reads
(harness/protocols/iso15118/pki_contract.py layout): contract and OEM provisioning chains (leaf first) with their
keys decrypted, and the V2G root. Usage: josev_wallet.py JOSEV_PKI_DIR OUT_DIR

The keys land unencrypted in OUT_DIR (mode 0600): use a temporary folder; nothing is printed but file names.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness.protocols.iso15118.pki import write_key


def _key(pki: Path, name: str, password_file: str):
    password = (pki / "private_keys" / password_file).read_text().strip().encode()
    return serialization.load_pem_private_key((pki / "private_keys" / f"{name}.key").read_bytes(), password)


def _chain(pki: Path, names: list[str]) -> bytes:
    certs = [x509.load_der_x509_certificate((pki / "certs" / f"{n}.der").read_bytes()) for n in names]
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def main(argv: list[str]) -> int:
    pki, out = Path(argv[0]) / "iso15118_2", Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "contract_chain.pem").write_bytes(_chain(pki, ["contractLeafCert", "moSubCA2Cert", "moSubCA1Cert"]))
    write_key(out / "contract.key", _key(pki, "contractLeaf", "contractLeafPassword.txt"))
    (out / "oem_prov_chain.pem").write_bytes(_chain(pki, ["oemLeafCert", "oemSubCA2Cert", "oemSubCA1Cert"]))
    write_key(out / "oem_prov.key", _key(pki, "oemLeaf", "oemLeafPassword.txt"))
    # Josev's -20 EVCC presents its OEM chain as the TLS 1.3 client certificate: our "vehicle" certificate
    (out / "vehicle_chain.pem").write_bytes((out / "oem_prov_chain.pem").read_bytes())
    write_key(out / "vehicle.key", _key(pki, "oemLeaf", "oemLeafPassword.txt"))
    (out / "v2g_root.pem").write_bytes(_chain(pki, ["v2gRootCACert"]))
    print("wrote", ", ".join(sorted(p.name for p in out.iterdir())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
