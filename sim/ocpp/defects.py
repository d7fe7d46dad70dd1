"""OCPP defects of the simulated charger: each breaks one rule and names the test meant to catch it."""

from __future__ import annotations

from ..defects import Defect, register

S16, S201 = "ocpp16-core", "ocpp201-core"

register(*[Defect(name, sentence, f"{suite}:{test}") for name, sentence, suite, test in [
    ("ocpp16_boot_no_retry", "After a Rejected BootNotification the charge point never boots again.", S16,
     "TC_001_CS"),
    ("ocpp16_pending_ignores_calls", "While its registration is Pending the charge point answers "
     "GetConfiguration/ChangeConfiguration with a CallError.", S16, "TC_002_CS"),
    ("ocpp16_remote_start_rejected_when_plugged", "RemoteStartTransaction naming connector 1 is Rejected "
     "when the cable is already plugged in.", S16, "TC_010_CS"),
    ("ocpp16_remote_start_before_plug_lost", "A RemoteStartTransaction accepted before plug-in is forgotten: "
     "no transaction starts when the EV connects.", S16, "TC_011_1_CS"),
    ("ocpp16_stop_reason_local", "A remotely stopped transaction reports reason Local instead of Remote.", S16,
     "TC_012_CS"),
    ("ocpp16_reset_no_reboot", "Reset is Accepted but the charge point does not reboot.", S16, "TC_013_CS"),
    ("ocpp16_getconfig_missing_heartbeat", "GetConfiguration without keys omits HeartbeatInterval.", S16,
     "TC_019_1_CS"),
    ("ocpp16_heartbeat_ignores_change", "A changed HeartbeatInterval is Accepted but heartbeats keep the old "
     "interval.", S16, "TC_021_CS"),
    ("ocpp16_unlock_fails", "UnlockConnector answers UnlockFailed with no session running.", S16, "TC_017_1_CS"),
    ("ocpp16_datatransfer_accepts_any", "DataTransfer with an unknown vendorId is Accepted instead of "
     "UnknownVendorId.", S16, "TC_064_CS"),
    ("ocpp16_trigger_no_message", "TriggerMessage for StatusNotification or Heartbeat is "
     "Accepted but the message is never sent.", S16,
     "TC_054_CS"),
    ("ocpp16_composite_ignores_profile", "GetCompositeSchedule reports the rated current whatever profiles "
     "are installed.", S16, "TC_056_CS"),
    ("ocpp16_txprofile_accepted_without_tx", "A TxProfile is Accepted although no transaction runs.", S16,
     "TC_058_1_CS"),
    ("ocpp16_clear_profile_unknown", "ClearChargingProfile answers Unknown for an installed profile.", S16,
     "TC_067_CS"),
    ("ocpp16_keeps_old_password", "A new AuthorizationKey is Accepted but the charge point reconnects with the "
     "old password.", S16, "TC_073_CS"),
    ("ocpp16_csr_wrong_cn", "The CSR sent after ExtendedTriggerMessage names another charge point.", S16,
     "TC_074_CS"),
    ("ocpp16_cert_hash_wrong", "GetInstalledCertificateIds reports a wrong serial number hash.", S16,
     "TC_075_1_CS"),
    ("ocpp16_accepts_invalid_cert", "CertificateSigned with a certificate from an untrusted CA is Accepted.",
     S16, "TC_077_CS"),
    ("ocpp16_first_reconnect_bad_auth", "After the CSMS closes the connection, the first reconnection uses a "
     "wrong Basic auth user.", S16, "TC_086_CS"),
    ("ocpp16_accepts_any_server_cert", "The charge point does not verify the CSMS's TLS certificate (it accepts "
     "an expired or untrusted one).", S16, "TC_087_CS"),
    ("ocpp16_profile_not_applied", "Charging profiles are Accepted but the pilot keeps offering the rated "
     "current.", S16, "XL16-01"),
    ("ocpp16_meter_reads_high", "The charger's meter reads 3 % high.", S16, "XL16-02"),
    ("ocpp16_stop_keeps_power", "After a remote stop the charger keeps its PWM, so the EV keeps drawing power.",
     S16, "XL16-03"),
    ("ocpp16_ocmf_bad_signature", "OCMF signed meter values carry a signature that does not verify.", S16,
     "XL16-04"),
]])

register(*[Defect(name, sentence, f"{S201}:{test}") for name, sentence, test in [
    ("ocpp201_first_reconnect_bad_auth", "After the CSMS closes the connection, the first reconnection "
     "sends a Basic auth user that is not the station's id.", "TC_A_01_CS"),
    ("ocpp201_accepts_any_server_cert", "The station does not verify the CSMS's TLS certificate.", "TC_A_05_CS"),
    ("ocpp201_tls11_allowed", "The station accepts a server that offers only TLS 1.1.", "TC_A_06_CS"),
    ("ocpp201_first_reconnect_no_client_cert", "After the CSMS closes the connection, the first "
     "reconnection under security profile 3 presents no client certificate.", "TC_A_07_CS"),
    ("ocpp201_keeps_old_password", "A new BasicAuthPassword is Accepted but the station reconnects with the old "
     "one.", "TC_A_09_CS"),
    ("ocpp201_csr_wrong_cn", "The CSR sent for SignChargingStationCertificate names another station.", "TC_A_11_CS"),
    ("ocpp201_accepts_downgrade", "A lower SecurityCtrlr.SecurityProfile is Accepted.", "TC_A_22_CS"),
    ("ocpp201_no_status_after_boot", "After an accepted boot the station reports no connector status.",
     "TC_B_01_CS"),
    ("ocpp201_pending_sends_calls", "While Pending the station sends StatusNotification.", "TC_B_02_CS"),
    ("ocpp201_rejected_no_retry", "After a Rejected boot the station never boots again.", "TC_B_03_CS"),
    ("ocpp201_getvariables_wrong_value", "GetVariables reports HeartbeatInterval one second off.", "TC_B_06_CS"),
    ("ocpp201_unknown_component_accepted", "GetVariables reports an unknown component as UnknownVariable.",
     "TC_B_07_CS"),
    ("ocpp201_setvariables_ignored", "A new HeartbeatInterval is Accepted but heartbeats keep the old interval.",
     "TC_B_09_CS"),
    ("ocpp201_accepts_invalid_value", "SetVariables accepts a value that does not fit the variable's data type.",
     "TC_B_10_CS"),
    ("ocpp201_report_seqno_from_1", "NotifyReport sequence numbers start at 1 instead of 0.", "TC_B_12_CS"),
    ("ocpp201_report_empty_accepted", "GetReport matching nothing is Accepted instead of EmptyResultSet.",
     "TC_B_18_CS"),
    ("ocpp201_reset_wrong_reason", "After a Reset the station boots with reason PowerUp instead of RemoteReset.",
     "TC_B_20_CS"),
    ("ocpp201_clearcache_rejected", "ClearCache is Rejected although the cache is enabled.", "TC_C_37_CS"),
    ("ocpp201_tx_started_wrong_trigger", "A transaction started by plug-in reports trigger EVDetected instead of "
     "CablePluggedIn.", "TC_E_03_CS"),
    ("ocpp201_no_charging_state_update", "The station does not report chargingState Charging when energy "
     "flows.", "TC_E_09_CS"),
    ("ocpp201_seqno_gap", "TransactionEvent seqNo skips a number at the remote start's Updated event.", "TC_E_13_CS"),
    ("ocpp201_stop_reason_wrong", "Unplugging ends the transaction with stoppedReason Local instead of "
     "EVDisconnected.", "TC_E_15_CS"),
    ("ocpp201_no_end_meter", "The Ended TransactionEvent carries no Transaction.End meter value.", "TC_E_17_CS"),
    ("ocpp201_remote_start_rejected_plugged", "RequestStartTransaction naming EVSE 1 is Rejected when the cable "
     "is plugged in.", "TC_F_01_CS"),
    ("ocpp201_remote_first_lost", "RequestStartTransaction before plug-in is Accepted but no transaction "
     "starts.", "TC_F_02_CS"),
    ("ocpp201_remote_stop_rejected", "RequestStopTransaction is Rejected while the EV is suspended (state B).",
     "TC_F_03_CS"),
    ("ocpp201_trigger_no_message", "TriggerMessage for StatusNotification or Heartbeat is Accepted but the "
     "message is never sent.", "TC_F_06_CS"),
    ("ocpp201_unlock_failed", "UnlockConnector answers UnlockFailed with no transaction.", "TC_F_08_CS"),
    ("ocpp201_metervalues_no_energy", "MeterValues triggered for the whole station carry no energy register.",
     "TC_J_01_CS"),
    ("ocpp201_no_periodic_meter", "TxUpdatedInterval is Accepted but no periodic meter values are sent.",
     "TC_J_02_CS"),
    ("ocpp201_profile_not_reported", "GetChargingProfiles answers NoProfiles although a profile is installed.",
     "TC_K_01_CS"),
    ("ocpp201_txprofile_accepted_without_tx", "A TxProfile is Accepted although no transaction runs.",
     "TC_K_05_CS"),
    ("ocpp201_clear_profile_unknown", "ClearChargingProfile by id answers Unknown for an installed profile.",
     "TC_K_10_CS"),
    ("ocpp201_composite_ignores_profile", "GetCompositeSchedule reports the rated current whatever profiles are "
     "installed.", "TC_K_37_CS"),
    ("ocpp201_profile_not_applied", "Charging profiles are Accepted but the pilot keeps offering the rated "
     "current.", "XL201-01"),
    ("ocpp201_meter_reads_high", "The station's meter reads 3 % high.", "XL201-02"),
    ("ocpp201_stop_keeps_power", "After a remote stop the station keeps its PWM, so the EV keeps drawing power.",
     "XL201-03"),
    ("ocpp201_ocmf_bad_signature", "OCMF signed meter values carry a signature that does not verify.",
     "XL201-04"),
]])
