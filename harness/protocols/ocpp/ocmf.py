"""Open Charge Metering Format (OCMF, S.A.F.E. e.V.): ``OCMF|<payload JSON>|<signature JSON>``; the
signature (``SA`` algorithm, ``SD`` hex DER) is over the payload section's bytes."""

from __future__ import annotations

import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

ALGORITHMS = {"ECDSA-secp256r1-SHA256": hashes.SHA256(), "ECDSA-secp384r1-SHA256": hashes.SHA256(),
              "ECDSA-secp384r1-SHA384": hashes.SHA384()}


def verify(text: str, public_key_hex: str) -> tuple[bool, str]:
    """(valid, why). Never raises on the charger's data."""
    parts = text.split("|")
    if len(parts) != 3 or parts[0] != "OCMF":
        return False, "not OCMF|payload|signature"
    try:
        json.loads(parts[1])
        sig = json.loads(parts[2])
        algo = ALGORITHMS[sig.get("SA", "ECDSA-secp256r1-SHA256")]
        key = serialization.load_der_public_key(bytes.fromhex(public_key_hex))
        if not isinstance(key, ec.EllipticCurvePublicKey):
            return False, "the profile's public key is not an EC key"
        key.verify(bytes.fromhex(sig["SD"]), parts[1].encode(), ec.ECDSA(algo))
    except InvalidSignature:
        return False, "signature does not verify"
    except (ValueError, KeyError, TypeError) as exc:
        return False, f"malformed: {exc}"
    return True, "ok"
