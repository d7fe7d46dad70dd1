"""The EV's side of ISO 15118-2 Plug & Charge: ServiceDiscovery (Contract offered?) -> PaymentServiceSelection
(Contract) -> [CertificateInstallation] -> PaymentDetails -> signed Authorization; and of ISO 15118-20's:
AuthorizationSetup (PnC offered, GenChallenge) -> Authorization with the signed PnC_AReqAuthorizationMode.

Why apart from dialect_iso2: the crypto and the wallet are PnC only. The EV verifies CertificateInstallationRes
(CPS chain to the V2G root, the signature over the four signed elements, the decrypted key matching the contract
certificate) before it installs the contract; anything wrong there is the charger's fault.
Private keys stay in the Wallet; the session record gets eMAIDs and sizes only.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from . import exi, pki_contract, xmldsig
from .pki_contract import Chain

Body = dict[str, Any]
AUTH_ID = "ID1"
INSTALL_ID = "ID1"


@dataclass
class Wallet:
    """What the EV holds: its contract (if any), the OEM provisioning chain and key, the V2G roots it trusts,
    and the deliberately bad contracts used by deviations."""

    contract: Chain | None
    oem: Chain
    v2g_roots: list
    bad: dict[str, Chain] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Wallet:
        contract = pki_contract.load_chain(folder, "contract") if (folder / "contract_chain.pem").exists() else None
        bad = {kind: pki_contract.load_chain(folder, name) for kind, name in
               (("expired_contract", "contract_expired"), ("untrusted_contract", "contract_untrusted"))
               if (folder / f"{name}_chain.pem").exists()}
        return cls(contract, pki_contract.load_chain(folder, "oem_prov"),
                   pki_contract.load_roots(folder / "v2g_root.pem"), bad)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def chain_json(chain: Chain) -> Body:
    leaf, subs = chain.der()
    out: Body = {"Certificate": _b64(leaf)}
    if subs:
        out["SubCertificates"] = {"Certificate": [_b64(s) for s in subs]}
    return out


def _chain_from(obj: Any) -> Chain:
    subs = ((obj or {}).get("SubCertificates") or {}).get("Certificate") or []
    return pki_contract.chain_from_der(base64.b64decode(obj["Certificate"]), [base64.b64decode(s) for s in subs])


class PncEv:
    """The PnC middle of an ISO 15118-2 session, run by the dialect with the Evcc's _send."""

    def __init__(self, wallet: Wallet, install: bool) -> None:
        self.wallet, self.install = wallet, install or wallet.contract is None
        self.challenge: bytes | None = None

    # -- request bodies (the "_Signature" key goes into the Header, see Iso2Dialect.wrap) ----------------------
    def installation_req(self) -> Body:
        der = self.wallet.oem.leaf.public_bytes(serialization.Encoding.DER)
        body = {"Id": INSTALL_ID, "OEMProvisioningCert": _b64(der),
                "ListOfRootCertificateIDs": {"RootCertificateID": pki_contract.root_ids(self.wallet.v2g_roots)}}
        return {**body, "_Signature": xmldsig.sign([("CertificateInstallationReq", body)], self.wallet.oem.key)}

    def details_req(self, contract: Chain | None = None) -> Body:
        contract = contract or self.wallet.contract
        return {"eMAID": contract.cn, "ContractSignatureCertChain": chain_json(contract)}

    def authorization_req(self, challenge: bytes | None = None, key: Any = None) -> Body:
        body = {"Id": AUTH_ID, "GenChallenge": _b64(challenge if challenge is not None else self.challenge or b"")}
        return {**body, "_Signature": xmldsig.sign([("AuthorizationReq", body)], key or self.wallet.contract.key)}

    def deviation(self, kind: str, name: str, body: Body) -> Body:
        """The deliberately wrong version of ``body`` (see session.PNC_DEVIATIONS)."""
        if kind == "bad_signature" and "_Signature" in body:
            return {**body, "_Signature": xmldsig.tamper(body["_Signature"])}
        if "PnC_AReqAuthorizationMode" in body:  # ISO 15118-20
            if kind == "wrong_challenge":
                return self.authorization20_req(bytes(b ^ 0x5A for b in (self.challenge or bytes(16))))
            if kind in self.wallet.bad:
                return self.authorization20_req(contract=self.wallet.bad[kind])
        if kind == "wrong_challenge" and name == "AuthorizationReq":
            other = bytes(b ^ 0x5A for b in (self.challenge or bytes(16)))
            return self.authorization_req(other)
        if kind in ("expired_contract", "untrusted_contract") and name == "PaymentDetailsReq":
            if kind not in self.wallet.bad:
                raise ValueError(f"the contract PKI folder has no {kind.replace('_', ' ')}")
            return self.details_req(self.wallet.bad[kind])
        raise ValueError(f"deviation {kind} does not apply to {name}")

    # -- the sequence ----------------------------------------------------------------------------------------
    def negotiate(self, d: Any, evcc: Any) -> None:
        """From ServiceDiscovery to a finished Authorization; ends the session on the charger's fault."""
        rec = evcc.record
        disc = evcc._send("ServiceDiscoveryReq", d.service_discovery())
        options = (disc.get("PaymentOptionList") or {}).get("PaymentOption") or []
        rec.pnc["contract_offered"] = "Contract" in options
        if "Contract" not in options:
            raise evcc._fault(f"Plug & Charge: ServiceDiscoveryRes offers {options} over TLS, no Contract")
        service = (disc.get("ChargeService") or {}).get("ServiceID", 1)
        evcc._send(d.payment_req, {"SelectedPaymentOption": "Contract",
                                   "SelectedServiceList": {"SelectedService": [{"ServiceID": service}]}})
        if self.install:
            res = evcc._send("CertificateInstallationReq", self.installation_req())
            self._install(res, d.last_signature, evcc)
        rec.pnc["emaid"] = self.wallet.contract.cn
        pd = evcc._send("PaymentDetailsReq", self.details_req())
        try:
            self.challenge = base64.b64decode(pd.get("GenChallenge") or "")
        except ValueError:
            raise evcc._fault("PaymentDetailsRes: GenChallenge is not base64") from None
        rec.pnc["challenge_bytes"] = len(self.challenge)
        if not self.challenge:
            raise evcc._fault("PaymentDetailsRes carries no GenChallenge")
        evcc._until_finished(d.auth_req, self.authorization_req, evcc.timers.ongoing_s)
        rec.pnc["authorized"] = True

    # -- ISO 15118-20: AuthorizationSetup offers PnC with a GenChallenge; AuthorizationReq carries the signed
    # PnC_AReqAuthorizationMode (contract chain inside). Signed as Josev 0.31.2 does (P-256, SHA-256): the -20
    # algorithm suite (secp521r1 / SHA-512, Ed448) is not implemented here. No CertificateInstallation for -20.
    def authorization20_req(self, challenge: bytes | None = None, contract: Chain | None = None) -> Body:
        contract = contract or self.wallet.contract
        mode = {"Id": AUTH_ID, "GenChallenge": _b64(challenge if challenge is not None else self.challenge or b""),
                "ContractCertificateChain": chain_json(contract)}
        signature = xmldsig.sign([("PnC_AReqAuthorizationMode", mode)], contract.key, exi.ISO20_COMMON)
        return {"SelectedAuthorizationService": "PnC", "PnC_AReqAuthorizationMode": mode, "_Signature": signature}

    def negotiate20(self, evcc: Any) -> None:
        rec = evcc.record
        setup = evcc._send("AuthorizationSetupReq", {})
        services = setup.get("AuthorizationServices") or []
        rec.pnc["contract_offered"] = "PnC" in services
        if "PnC" not in services:
            raise evcc._fault(f"Plug & Charge: AuthorizationSetupRes offers {services} over TLS, no PnC")
        try:
            self.challenge = base64.b64decode((setup.get("PnC_ASResAuthorizationMode") or {}).get("GenChallenge") or "")
        except ValueError:
            raise evcc._fault("AuthorizationSetupRes: GenChallenge is not base64") from None
        rec.pnc["challenge_bytes"] = len(self.challenge)
        if not self.challenge:
            raise evcc._fault("AuthorizationSetupRes carries no PnC GenChallenge")
        rec.pnc["emaid"] = self.wallet.contract.cn
        evcc._until_finished("AuthorizationReq", self.authorization20_req, evcc.timers.ongoing_s)
        rec.pnc["authorized"] = True

    def _install(self, res: Body, signature: Any, evcc: Any) -> None:
        """Verify CertificateInstallationRes and install its contract, or end the session as the charger's fault."""
        try:
            cps = _chain_from(res.get("SAProvisioningCertificateChain"))
        except (KeyError, TypeError, ValueError):
            raise evcc._fault("CertificateInstallationRes: unreadable SAProvisioningCertificateChain") from None
        problem = pki_contract.check_chain(cps, self.wallet.v2g_roots)
        if problem is not None:
            raise evcc._fault(f"CertificateInstallationRes: CPS chain does not verify to the V2G root ({problem})")
        names = ("ContractSignatureCertChain", "ContractSignatureEncryptedPrivateKey", "DHpublickey", "eMAID")
        if any(not isinstance(res.get(n), dict) for n in names):
            raise evcc._fault("CertificateInstallationRes lacks a signed element")
        why = xmldsig.verify(signature, [(n, res[n]) for n in names], cps.leaf.public_key())
        if why is not None:
            raise evcc._fault(f"CertificateInstallationRes signature: {why}")
        try:
            contract = _chain_from(res["ContractSignatureCertChain"])
            key = pki_contract.decrypt_key(base64.b64decode(res["ContractSignatureEncryptedPrivateKey"]["value"]),
                                           base64.b64decode(res["DHpublickey"]["value"]), self.wallet.oem.key)
        except (KeyError, TypeError, ValueError) as exc:
            raise evcc._fault(f"CertificateInstallationRes: contract or key unusable ({type(exc).__name__})") from None
        if key.public_key().public_numbers() != contract.leaf.public_key().public_numbers():
            raise evcc._fault("CertificateInstallationRes: the decrypted key does not belong to the contract")
        if res["eMAID"].get("value") != contract.cn:
            raise evcc._fault(f"CertificateInstallationRes: eMAID {res['eMAID'].get('value')} is not the "
                              f"contract's {contract.cn}")
        contract.key = key
        self.wallet.contract = contract
        evcc.record.pnc["installed"] = contract.cn
