"""ISO 15118-2 Plug & Charge on the simulated charger (DC and AC): Contract offered only over TLS,
CertificateInstallation answered as a CPS would (contract key encrypted to the OEM provisioning key, signed by the
CPS leaf), the contract chain checked against the MO root the charger trusts, and the signed AuthorizationReq
checked against the GenChallenge it handed out.

Response codes as ISO 15118-2:2014 (and Josev) use them: FAILED_CertChainError, FAILED_CertificateExpired,
FAILED_SignatureError, FAILED_ChallengeInvalid, FAILED_PaymentSelectionInvalid.
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path
from typing import Any

from cryptography import x509

from harness.protocols.iso15118 import pki_contract, xmldsig

SLOW_AUTHORIZATION_S = 1.7  # dc_pnc_slow_authorization: beyond the 1.5 s performance time, inside the EV's 2 s
PNC_REQUESTS = {"CertificateInstallationReq", "PaymentDetailsReq"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _chain_json(chain: pki_contract.Chain, id_: str | None = None) -> dict:
    leaf, subs = chain.der()
    out: dict = {"Id": id_} if id_ else {}
    out["Certificate"] = _b64(leaf)
    if subs:
        out["SubCertificates"] = {"Certificate": [_b64(s) for s in subs]}
    return out


def _chain_from_json(obj: Any) -> pki_contract.Chain:
    subs = ((obj or {}).get("SubCertificates") or {}).get("Certificate") or []
    return pki_contract.chain_from_der(base64.b64decode(obj["Certificate"]), [base64.b64decode(s) for s in subs])


class PncSecc:
    """Mixin for the -2 SECC classes: ``s`` is the SeccSession (``tls``, ``pnc_dir``, ``defects``)."""

    s: Any
    contract: pki_contract.Chain | None = None
    challenge: bytes | None = None
    signature_checked = False
    header: dict | None = None
    reply_delay_s = 0.0

    # -- envelope: the Header's Signature in both directions -------------------------------------------------
    def unwrap(self, msg: dict) -> tuple[str, dict, str | None]:
        self.header = msg["V2G_Message"].get("Header") or {}
        return super().unwrap(msg)  # type: ignore[misc]

    def wrap(self, name: str, body: dict) -> dict:
        sig = body.pop("_Signature", None)
        out = super().wrap(name, body)  # type: ignore[misc]
        if sig is not None:
            out["V2G_Message"]["Header"]["Signature"] = sig
        return out

    # -- what is offered -------------------------------------------------------------------------------------
    def has(self, defect: str) -> bool:
        return defect in self.s.defects

    def payment_options(self) -> list[str]:
        """Contract only over TLS ([V2G2-..] via ISO 15118-2 7.7.3.7: PnC needs the TLS channel)."""
        pnc = getattr(self.s, "pnc_dir", None) is not None
        offer = pnc and (getattr(self.s, "tls", False) or self.has("dc_pnc_offers_contract_without_tls"))
        offer = offer and not (self.s.dc is None and self.has("ac_pnc_not_offered"))
        return ["ExternalPayment", "Contract"] if offer else ["ExternalPayment"]

    def _dir(self) -> Path:
        return Path(self.s.pnc_dir) / "secc"

    # -- the PnC requests; None: not a PnC matter, the EIM handler answers -----------------------------------
    def pnc_handle(self, name: str, body: dict) -> tuple[dict, set[str]] | None:
        if name == self.payment_req and body.get("SelectedPaymentOption") == "Contract":
            if "Contract" not in self.payment_options():
                return {"ResponseCode": "FAILED_PaymentSelectionInvalid"}, set()
            return {"ResponseCode": "OK"}, set(PNC_REQUESTS)
        if name == "CertificateInstallationReq":
            return self._install(body)
        if name == "PaymentDetailsReq":
            return self._details(body)
        if name == self.auth_req and self.contract is not None:
            return self._authorize(body)
        return None

    def _install(self, body: dict) -> tuple[dict, set[str]]:
        try:
            oem = x509.load_der_x509_certificate(base64.b64decode(body["OEMProvisioningCert"]))
        except (KeyError, ValueError):
            return self.failed("CertificateInstallationReq", "FAILED_CertChainError")["CertificateInstallationRes"], \
                set()
        why = xmldsig.verify(self.header.get("Signature"), [("CertificateInstallationReq", body)], oem.public_key())
        if why is not None:
            return self.failed("CertificateInstallationReq", "FAILED_SignatureError")["CertificateInstallationRes"], \
                set()
        d = self._dir()
        new = pki_contract.load_chain(d, "install")
        cps = pki_contract.load_chain(d, "cps")
        dh, enc = pki_contract.encrypt_key(oem, new.key, os.urandom(16))
        parts = {"ContractSignatureCertChain": _chain_json(new, "id1"),
                 "ContractSignatureEncryptedPrivateKey": {"Id": "id2", "value": _b64(enc)},
                 "DHpublickey": {"Id": "id3", "value": _b64(dh)},
                 "eMAID": {"Id": "id4", "value": new.cn}}
        sig = xmldsig.sign(list(parts.items()), cps.key)
        if self.has("dc_pnc_bad_install_signature"):
            sig = xmldsig.tamper(sig)
        return {"ResponseCode": "OK", "SAProvisioningCertificateChain": _chain_json(cps), **parts,
                "_Signature": sig}, {"PaymentDetailsReq"}

    def _details(self, body: dict) -> tuple[dict, set[str]]:
        try:
            chain = _chain_from_json(body.get("ContractSignatureCertChain"))
        except (KeyError, TypeError, ValueError):
            return self.failed("PaymentDetailsReq", "FAILED_CertChainError")["PaymentDetailsRes"], set()
        roots = pki_contract.load_roots(self._dir() / "mo_root.pem")
        problem = pki_contract.check_chain(chain, roots)
        if problem == "chain" and self.has("dc_pnc_accepts_untrusted_contract"):
            problem = None
        if problem == "expired" and self.has("dc_pnc_accepts_expired_contract"):
            problem = None
        if problem is not None:
            code = "FAILED_CertChainError" if problem == "chain" else "FAILED_CertificateExpired"
            return self.failed("PaymentDetailsReq", code)["PaymentDetailsRes"], set()
        self.contract = chain
        self.challenge = os.urandom(8 if self.has("dc_pnc_short_challenge") else 16)
        return {"ResponseCode": "OK", "GenChallenge": _b64(self.challenge), "EVSETimeStamp": int(time.time())}, \
            {self.auth_req}

    def _authorize(self, body: dict) -> tuple[dict, set[str]] | None:
        """Check the first AuthorizationReq (later Ongoing polls carry no signature, [V2G2-684] via Josev)."""
        if self.signature_checked:
            return None
        self.signature_checked = True
        res = self.auth_req[:-3] + "Res"
        given = body.get("GenChallenge")
        if given != _b64(self.challenge or b"") and not self.has("dc_pnc_ignores_challenge"):
            return self.failed(self.auth_req, "FAILED_ChallengeInvalid")[res], set()
        why = xmldsig.verify(self.header.get("Signature"), [(self.auth_req, body)], self.contract.leaf.public_key())
        if why is not None and not self.has("dc_pnc_accepts_bad_signature"):
            return self.failed(self.auth_req, "FAILED_SignatureError")[res], set()
        if self.has("dc_pnc_slow_authorization"):
            self.reply_delay_s = SLOW_AUTHORIZATION_S  # SeccSession sends the answer this much later
        return None

    def pnc_failed_extra(self, res: str) -> dict:
        """Mandatory fields of the PnC answers when they carry a FAILED code."""
        if res == "PaymentDetailsRes":
            return {"GenChallenge": _b64(bytes(16)), "EVSETimeStamp": int(time.time())}
        if res == "CertificateInstallationRes":
            empty = {"Certificate": ""}
            return {"SAProvisioningCertificateChain": empty, "ContractSignatureCertChain": {"Id": "id1", **empty},
                    "ContractSignatureEncryptedPrivateKey": {"Id": "id2", "value": ""},
                    "DHpublickey": {"Id": "id3", "value": ""}, "eMAID": {"Id": "id4", "value": "ZZ000000000000"}}
        return {}
