"""Turn the ISO 15118-2 PKI made by Josev's own create_certs.sh into the folders our code reads:

- ``josev_wallet.py JOSEV_PKI_DIR OUT_DIR``: the EV's wallet (harness/protocols/iso15118/pki_contract.py layout):
  contract and OEM provisioning chains (leaf first) with their keys decrypted, and the V2G root;
- ``josev_wallet.py --lab JOSEV_PKI_DIR OUT_DIR``: the simulated charger's PKI folder (sim/dc/secc.py
  ``pki_dir``): good/ (SECC leaf chain and key for TLS), pnc/secc/ (MO and OEM roots it trusts, the CPS chain and
  key that sign CertificateInstallationRes, Josev's contract as the one to install), so Josev's EV trusts it.

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


def lab(pki: Path, out: Path) -> None:
    good, secc, ev = out / "good", out / "pnc" / "secc", out / "pnc" / "ev"
    for d in (good, secc, ev):
        d.mkdir(parents=True, exist_ok=True)
    chain = _chain(pki, ["seccLeafCert", "cpoSubCA2Cert", "cpoSubCA1Cert"])
    for name in ("secc_chain.pem", "secc_expired_chain.pem"):  # no expired twin in Josev's PKI: the same chain
        (good / name).write_bytes(chain)
    (good / "secc.pem").write_bytes(_chain(pki, ["seccLeafCert"]))
    (good / "v2g_root.pem").write_bytes(_chain(pki, ["v2gRootCACert"]))
    write_key(good / "secc.key", _key(pki, "seccLeaf", "seccLeafPassword.txt"))
    (secc / "mo_root.pem").write_bytes(_chain(pki, ["moRootCACert"]))
    (secc / "oem_root.pem").write_bytes(_chain(pki, ["oemRootCACert"]))
    (secc / "cps_chain.pem").write_bytes(_chain(pki, ["cpsLeafCert", "cpsSubCA2Cert", "cpsSubCA1Cert"]))
    write_key(secc / "cps.key", _key(pki, "cpsLeaf", "cpsLeafPassword.txt"))
    (secc / "install_chain.pem").write_bytes(_chain(pki, ["contractLeafCert", "moSubCA2Cert", "moSubCA1Cert"]))
    write_key(secc / "install.key", _key(pki, "contractLeaf", "contractLeafPassword.txt"))
    wallet(pki, ev)  # pki_contract.generate sees the EV side as done and keeps all of this


def main(argv: list[str]) -> int:
    if argv[0] == "--lab":
        lab(Path(argv[1]) / "iso15118_2", Path(argv[2]))
        return 0
    wallet(Path(argv[0]) / "iso15118_2", Path(argv[1]))
    return 0


def wallet(pki: Path, out: Path) -> None:
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
