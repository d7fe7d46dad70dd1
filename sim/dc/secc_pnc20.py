"""ISO 15118-20 Plug & Charge on the simulated charger (DC and AC): over TLS, AuthorizationSetupRes offers PnC
(with EIM) and a 16-byte GenChallenge; the AuthorizationReq's PnC_AReqAuthorizationMode must carry a valid
signature by its contract certificate (FAILED_SignatureError), the challenge (WARNING_ChallengeInvalid) and a
contract chain to the MO root the charger trusts (WARNING_CertificateValidationError / WARNING_CertificateExpired).

Checked in Josev's order (signature, then challenge). Signatures as Josev 0.31.2 makes them for -20 (P-256,
SHA-256); the -20 algorithm suite of the standard (secp521r1 / SHA-512, Ed448) is not implemented.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from harness.protocols.iso15118 import exi, pki_contract, xmldsig

from .secc_pnc import _chain_from_json


class Pnc20Secc:
    """Mixin for the -20 SECC classes; ``s`` is the SeccSession, ``header`` the last request's Header."""

    s: Any
    header: dict | None = None
    challenge20: bytes | None = None

    def pnc20_offered(self) -> bool:
        return getattr(self.s, "pnc_dir", None) is not None and getattr(self.s, "tls", False)

    def pnc20_handle(self, name: str, body: dict) -> tuple[dict, set[str]] | None:
        """The PnC answers; None when the EIM handler answers."""
        if name == "AuthorizationSetupReq" and self.pnc20_offered():
            self.challenge20 = os.urandom(8 if "dc_pnc20_short_challenge" in self.s.defects else 16)
            return {"ResponseCode": "OK", "AuthorizationServices": ["EIM", "PnC"],
                    "CertificateInstallationService": False,
                    "PnC_ASResAuthorizationMode": {"GenChallenge": base64.b64encode(self.challenge20).decode()}}, \
                {"AuthorizationReq"}
        if name != "AuthorizationReq" or body.get("SelectedAuthorizationService") != "PnC":
            return None
        again = {"AuthorizationReq", "SessionStopReq"}  # a WARNING ends this authorization, not the session
        if self.challenge20 is None:
            return {"ResponseCode": "WARNING_AuthorizationSelectionInvalid", "EVSEProcessing": "Finished"}, again
        mode = body.get("PnC_AReqAuthorizationMode") or {}
        try:
            chain = _chain_from_json(mode.get("ContractCertificateChain"))
        except (KeyError, TypeError, ValueError):
            return {"ResponseCode": "WARNING_CertificateValidationError", "EVSEProcessing": "Finished"}, again
        why = xmldsig.verify((self.header or {}).get("Signature"), [("PnC_AReqAuthorizationMode", mode)],
                             chain.leaf.public_key(), exi.ISO20_COMMON)
        if why is not None and "dc_pnc20_accepts_bad_signature" not in self.s.defects:
            return {"ResponseCode": "FAILED_SignatureError", "EVSEProcessing": "Finished"}, set()
        if (mode.get("GenChallenge") != base64.b64encode(self.challenge20).decode()
                and "dc_pnc20_ignores_challenge" not in self.s.defects):
            return {"ResponseCode": "WARNING_ChallengeInvalid", "EVSEProcessing": "Finished"}, again
        roots = pki_contract.load_roots(Path(self.s.pnc_dir) / "secc" / "mo_root.pem")
        problem = pki_contract.check_chain(chain, roots)
        if problem is not None:
            code = "WARNING_CertificateExpired" if problem == "expired" else "WARNING_CertificateValidationError"
            return {"ResponseCode": code, "EVSEProcessing": "Finished"}, again
        return None  # verified: the EIM path answers Finished (and authorizes an AC charger)
