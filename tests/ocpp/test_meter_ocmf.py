"""Meter values and OCMF signatures as the cross-layer checks read them (no charger needed: payload level)."""

from __future__ import annotations

from harness.protocols.ocpp import ocmf
from harness.protocols.ocpp.meter import energy_register_wh, signed_values
from sim.ocpp.station import ocmf_key, ocmf_public_hex


def _signed(payload: str, cp: str = "CP1", tamper: bool = False) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    sig = ocmf_key(cp).sign(payload.encode(), ec.ECDSA(hashes.SHA256())).hex()
    body = payload.replace("0.5", "0.6") if tamper else payload
    return f'OCMF|{body}|{{"SA":"ECDSA-secp256r1-SHA256","SD":"{sig}"}}'


def test_ocmf_verifies_only_the_signed_payload_with_the_right_key():
    payload = '{"FV":"1.0","RD":[{"RV":0.5,"RU":"kWh"}]}'
    assert ocmf.verify(_signed(payload), ocmf_public_hex("CP1")) == (True, "ok")
    assert ocmf.verify(_signed(payload, tamper=True), ocmf_public_hex("CP1"))[0] is False
    assert ocmf.verify(_signed(payload), ocmf_public_hex("CP2"))[0] is False
    for junk in ("", "OCMF|{}", "OCMF|{bad|{}", 'OCMF|{}|{"SD":"zz"}', "XYZ|{}|{}"):
        assert ocmf.verify(junk, ocmf_public_hex("CP1"))[0] is False


def test_energy_register_in_both_versions_and_malformed():
    v16 = {"meterValue": [{"sampledValue": [{"value": "12.5", "unit": "kWh"}]}]}
    v201 = {"meterValue": [{"sampledValue": [
        {"value": 7.0, "measurand": "Power.Active.Import"},
        {"value": 1500.0, "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"}}]}]}
    assert energy_register_wh(v16) == 12500.0 and energy_register_wh(v201) == 1500.0
    assert energy_register_wh({"meterValue": "x"}) is None
    assert energy_register_wh({"meterValue": [{"sampledValue": [{"value": "abc"}, 3]}]}) is None
    signed = {"meterValue": [{"sampledValue": [{"value": "OCMF|a|b", "format": "SignedData"},
                                               {"value": 1, "signedMeterValue": {"signedMeterData": "OCMF|c|d"}}]}]}
    assert signed_values(signed) == ["OCMF|a|b", "OCMF|c|d"] and signed_values({"meterValue": [1, None]}) == []
