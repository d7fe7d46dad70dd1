"""Defects of the simulated DC charger: each breaks one rule a DIN 70121 / ISO 15118 / IEC 61851-23 test
checks. ``catches`` lists every suite test meant to catch it, comma-separated; the last one per suite is the
test the defect matrix runs it against (the others fail too, by nature: the full matrix allows them)."""

from __future__ import annotations

from ..defects import Defect, register


def _d(name: str, sentence: str, *tests: str) -> Defect:
    """A DIN test id also names the same check in the ISO 15118-2 and -20 DC suites (same number). Except 15:
    -20 has no EV error code in its charge loop, so its emergency stop (ISO20-DC-15: the EV opens S2) is a
    different check with its own defect (dc_ignores_state_b)."""
    nums = [t.rsplit("-", 1)[1] for t in tests if t.startswith("din70121-dc:DIN-") and int(t.rsplit("-", 1)[1]) <= 16]
    more = [f"iso15118-2:ISO2-DC-{n}" for n in nums] + [f"iso15118-20:ISO20-DC-{n}" for n in nums if n != "15"]
    return Defect(name, sentence, ", ".join([*tests, *more]))


DC_DEFECTS = (
    _d("dc_pilot_duty_wrong", "The DC charger's pilot runs at 10 % duty instead of 5 % (HLC required).",
       "din70121-dc:DIN-01", "j3400:J3400-DC-01"),
    _d("dc_sdp_offers_tls", "The SDP response offers TLS (security 0x00) although the EV asked for TCP without TLS "
       "(and DIN 70121 allows no TLS at all).", "din70121-dc:DIN-02"),
    _d("dc_wrong_response_code", "SessionStopRes carries ResponseCode FAILED after a normal session.",
       "din70121-dc:DIN-03", "j3400:J3400-DC-04"),
    _d("dc_late_current_demand", "CurrentDemandRes is sent 60 ms after the request (DIN 70121 allows 25 ms); "
       "DC_ChargeLoopRes (-20) 600 ms after, past the EV's 0.5 s timeout.",
       "din70121-dc:DIN-04"),
    _d("dc_slow_cable_check", "Cable check (insulation test) takes 38.6 s: beyond the 38 s performance time, just "
       "inside the EV's 40 s timeout.",
       "din70121-dc:DIN-05"),
    _d("dc_precharge_offset", "Precharge settles 30 V above the EV's target while reporting the target.",
       "din70121-dc:DIN-06"),
    _d("dc_voltage_report_offset", "EVSEPresentVoltage reads 15 V above the real output voltage.",
       "din70121-dc:DIN-07", "iso15118-20:ISO20-BPT-04"),  # the same meter, charging or discharging
    _d("dc_current_report_high", "EVSEPresentCurrent reads 4 % above the real output current.",
       "din70121-dc:DIN-08", "iso15118-20:ISO20-BPT-04"),
    _d("dc_current_overshoot", "The output current settles 10 % above the EV's target current.",
       "din70121-dc:DIN-09"),
    _d("dc_no_sequence_check", "Requests out of sequence are answered as if they were in order.",
       "din70121-dc:DIN-10"),
    _d("dc_ignores_session_id", "Requests with a wrong SessionID are accepted.", "din70121-dc:DIN-11"),
    _d("dc_no_sequence_timeout", "The charger never closes TCP when the EV stops sending requests.",
       "din70121-dc:DIN-12"),
    _d("dc_accepts_wrong_parameter", "The charger accepts an AC energy transfer type/mode and a payment option "
       "it did not offer.", "din70121-dc:DIN-13"),
    _d("dc_slow_current_rampdown", "After PowerDelivery(stop) the current falls at 5 A/s instead of >= 100 A/s.",
       "din70121-dc:DIN-14"),
    _d("dc_ignores_emergency_stop", "The charger keeps delivering current when the EV reports an error "
       "(EVReady false, EVErrorCode set) in CurrentDemandReq.", "din70121-dc:DIN-15"),
    _d("dc_ignores_bad_header", "A request with a wrong V2GTP protocol version is processed instead of ending "
       "the connection.", "din70121-dc:DIN-16"),
    _d("dc_ignores_connection_loss", "When the TCP connection drops during charging, the output keeps delivering "
       "current.", "din70121-dc:DIN-18"),
    _d("dc_ignores_state_b", "When the EV opens S2 (pilot C -> B) during energy transfer, the charger keeps "
       "regulating the current instead of an emergency shutdown.", "iso15118-20:ISO20-DC-15"),
    _d("dc_bpt_discharge_overshoot", "In DC_BPT discharge the current settles 10 % above the EV's request "
       "(within the declared discharge limits).", "iso15118-20:ISO20-BPT-02"),
    _d("dc_bpt_discharge_over_limit", "In DC_BPT discharge the charger ignores its declared "
       "EVSEMaximumDischargeCurrent/Power and sinks what the EV asks, up to its charging maximum.",
       "iso15118-20:ISO20-BPT-03"),
    _d("dc_bpt_discharge_report_wrong_sign", "In DC_BPT discharge EVSEPresentCurrent is reported positive (the "
       "magnitude) instead of negative (EV to EVSE).", "iso15118-20:ISO20-BPT-04"),
    _d("dc_bpt_direction_latched", "The DC_BPT charger keeps the direction chosen in PowerDeliveryReq "
       "(BPT_ChannelSelection): a target current of the other sign gives no current.", "iso15118-20:ISO20-BPT-05"),
    _d("dc_bpt_not_offered", "The charger does not offer the DC_BPT service (ISO 15118-20 service 6) although it "
       "claims bidirectional charging.", *(f"iso15118-20:ISO20-BPT-0{n}" for n in (2, 3, 4, 5, 1))),
    _d("ac_hlc_no_power", "The AC charger with ISO 15118 never closes its contactor after PowerDelivery(Start).",
       "iso15118-20:ISO20-AC-01"),
    _d("ac_pnc_not_offered", "The AC charger claims Plug & Charge but never offers Contract, not even over TLS.",
       "iso15118-2:ISO2-AC-05"),
    _d("dc_tls_expired_cert", "The charger's TLS server certificate (SECC leaf) has expired.",
       *[f"iso15118-2:ISO2-PNC-0{n}" for n in range(1, 8)],  # Plug & Charge runs over that TLS too
       "iso15118-2:ISO2-TLS-01"),
    _d("dc_tls_accepts_missing_client_cert", "The charger opens an ISO 15118-20 session over TLS although the EV "
       "presented no vehicle certificate (no mutual authentication).", "iso15118-20:ISO20-TLS-02"),
    _d("dc_tls_1_2_only", "The charger's TLS server refuses TLS 1.3, which ISO 15118-20 requires.",
       *[f"iso15118-20:ISO20-PNC-0{n}" for n in range(1, 4)], "iso15118-20:ISO20-TLS-01"),
    _d("ac_hlc_nominal_before_auth", "The AC charger with ISO 15118-2 shows the nominal duty before the EV is "
       "authorized, instead of 5 %.", "iso15118-2:ISO2-AC-01"),
    _d("ac_hlc_stays_5pct", "The AC charger keeps 5 % duty after a positive EIM authorization.",
       "iso15118-2:ISO2-AC-02"),
    _d("dc_output_before_hlc", "The charger puts 400 V on the shared power pins as soon as an EV is plugged in "
       "(state B), before any DC mode is negotiated.", "j3400:J3400-DC-02"),
    _d("dc_ignores_ev_max_voltage", "Cable check runs at the charger's own maximum voltage, ignoring a 500 V class "
       "EV's maximum.", "j3400:J3400-DC-03"),
    _d("slac_late_parm_cnf", "SLAC: CM_SLAC_PARM.CNF leaves the charger 300 ms after the request (TT_match_response "
       "is 200 ms), so the EV needs a second attempt.", "din70121-dc:DIN-19"),
    _d("slac_no_match_cnf", "SLAC: the charger never answers CM_SLAC_MATCH.REQ, so no match.", "din70121-dc:DIN-19"),
)
PNC_DEFECTS = (  # ISO 15118-2 Plug & Charge (sim/dc/secc_pnc.py)
    Defect("dc_pnc_short_challenge", "PaymentDetailsRes carries an 8-byte GenChallenge instead of 16 bytes.",
           "iso15118-2:ISO2-PNC-01"),
    Defect("dc_pnc_bad_install_signature", "The CertificateInstallationRes signature (CPS leaf) does not verify: "
           "one bit of SignatureValue is flipped.", "iso15118-2:ISO2-PNC-02"),
    Defect("dc_pnc_slow_authorization", "The first (signed) AuthorizationRes of a Plug & Charge session is sent "
           "1.7 s after the request (performance time 1.5 s, EV timeout 2 s).", "iso15118-2:ISO2-PNC-03"),
    Defect("dc_pnc_accepts_bad_signature", "An AuthorizationReq whose signature does not verify is accepted.",
           "iso15118-2:ISO2-PNC-04"),
    Defect("dc_pnc_ignores_challenge", "An AuthorizationReq with a GenChallenge other than the one sent in "
           "PaymentDetailsRes is accepted.", "iso15118-2:ISO2-PNC-05"),
    Defect("dc_pnc_accepts_expired_contract", "An expired contract certificate is accepted in PaymentDetailsReq.",
           "iso15118-2:ISO2-PNC-06"),
    Defect("dc_pnc_accepts_untrusted_contract", "A contract certificate chain to an MO root the charger does not "
           "trust is accepted in PaymentDetailsReq.", "iso15118-2:ISO2-PNC-07"),
    Defect("dc_pnc_offers_contract_without_tls", "Contract (Plug & Charge) is offered and accepted over TCP "
           "without TLS.", "iso15118-2:ISO2-PNC-08"),
)
PNC_DEFECTS += (  # ISO 15118-20 Plug & Charge (sim/dc/secc_pnc20.py)
    Defect("dc_pnc20_short_challenge", "AuthorizationSetupRes (-20) carries an 8-byte GenChallenge instead of 16 "
           "bytes.", "iso15118-20:ISO20-PNC-01"),
    Defect("dc_pnc20_accepts_bad_signature", "A -20 AuthorizationReq whose PnC_AReqAuthorizationMode signature does "
           "not verify is accepted.", "iso15118-20:ISO20-PNC-02"),
    Defect("dc_pnc20_ignores_challenge", "A -20 AuthorizationReq with a GenChallenge other than the one of "
           "AuthorizationSetupRes is accepted.", "iso15118-20:ISO20-PNC-03"),
)
register(*DC_DEFECTS, *PNC_DEFECTS)
NAMES = frozenset(d.name for d in (*DC_DEFECTS, *PNC_DEFECTS))
