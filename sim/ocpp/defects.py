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
    ("ocpp16_first_reconnect_bad_auth", "The first reconnection uses a wrong Basic auth user.", S16, "TC_086_CS"),
    ("ocpp16_profile_not_applied", "Charging profiles are Accepted but the pilot keeps offering the rated "
     "current.", S16, "XL16-01"),
    ("ocpp16_meter_reads_high", "The charger's meter reads 3 % high.", S16, "XL16-02"),
    ("ocpp16_stop_keeps_power", "After a remote stop the charger keeps its PWM, so the EV keeps drawing power.",
     S16, "XL16-03"),
    ("ocpp16_ocmf_bad_signature", "OCMF signed meter values carry a signature that does not verify.", S16,
     "XL16-04"),
]])
