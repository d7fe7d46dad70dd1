"""Recorded exchanges for the Modbus meters (register reads, word order) and the CAN battery emulator
(frames per bev.dbc). Register words and frame bytes are written out by hand from the documents, not
computed with the drivers' own helpers, so a wrong address, scale or word order fails here."""

from __future__ import annotations

import pytest

from instruments import InstrumentError, InstrumentReplyError, InstrumentTimeout
from instruments.base.can import CanTranscript
from instruments.base.modbus import ModbusException, ModbusTranscript
from instruments.chargebench.bev import ChargebenchBev
from instruments.eastron.sdm630 import EastronSDM630
from instruments.gavazzi.em24 import GavazziEM24

# float32 big-endian: 230.0 = 0x4366 0x0000, 50.0 = 0x4248 0x0000, 12.5 = 0x4148 0x0000
F230, F50, F12_5, F0 = "0x4366 0x0000", "0x4248 0x0000", "0x4148 0x0000", "0x0000 0x0000"


def test_sdm630_identity_from_holding_registers():
    t = ModbusTranscript([("read holding 0xFC02 1", "0x0070"), ("read holding 0xFC00 2", "0x0134 0xAF25")])
    assert str(EastronSDM630(t, name="m").identify()) == "EASTRON,SDM630,20229925,n/a"
    assert t.finished


def test_sdm630_reads_one_span_for_several_quantities():
    # urms@1 at 0x0000, irms@1 at 0x0006 -> one read of 8 registers; frequency at 0x0046 and import energy
    # at 0x0048: 0x48 + 2 = 74 registers from 0x0000, within one request
    words = [F230, F0, F0, F12_5] + [F0] * 31 + [F50, "0x447A 0x0000"]
    t = ModbusTranscript([("read input 0x0000 74", " ".join(words))])
    m = EastronSDM630(t, name="m")
    got = m.sample([("urms", 1), ("irms", 1), ("fu", None), ("energy_import_kwh", None)])
    assert got == [230.0, 12.5, 50.0, 1000.0]
    assert t.finished


def test_sdm630_exception_is_an_error_and_is_kept_for_check_errors():
    t = ModbusTranscript([("read input 0x000C 2", "exception 2")])
    m = EastronSDM630(t, name="m")
    with pytest.raises(ModbusException, match="exception 2 \\(illegal data address\\)"):
        m.read("p", 1)
    assert m.check_errors() == ["Modbus exception 2 (illegal data address) to 'read input 0x000C 2'"]
    assert m.check_errors() == []


def test_sdm630_out_of_range_reply():
    t = ModbusTranscript([("read input 0x0000 2", "0x7149 0xF2CA")])  # 1e30 V
    with pytest.raises(InstrumentReplyError, match="urms reading 1e\\+30 V is outside"):
        EastronSDM630(t, name="m").read("urms", 1)


def test_em24_int32_least_significant_word_first_and_scales():
    # V L1-N 230.0 V x10 = 2300 = 0x000008FC -> LSW first: 0x08FC 0x0000
    # A L1 16.0 A x1000 = 16000 = 0x00003E80 -> 0x3E80 0x0000
    # W sys 11040.0 W x10 = 110400 = 0x0001AF40 -> 0xAF40 0x0001
    t = ModbusTranscript([
        ("read input 0x0000 2", "0x08FC 0x0000"),
        ("read input 0x000C 2", "0x3E80 0x0000"),
        ("read input 0x0028 2", "0xAF40 0x0001"),
        ("read input 0x0035 1", "0x03DF"),  # PF sys 0.991
    ])
    m = GavazziEM24(t, name="em")
    assert m.read("urms", 1).value == pytest.approx(230.0)
    assert m.read("irms", 1).value == pytest.approx(16.0)
    assert m.read("p").value == pytest.approx(11040.0)
    assert m.read("lambda").value == pytest.approx(0.991)
    assert t.finished


def test_em24_identity():
    t = ModbusTranscript([
        ("read input 0x000B 1", "0x0670"),  # 1648: EM24 DIN AV
        ("read input 0x5000 7", "0x4B5A 0x3132 0x3334 0x3536 0x3738 0x3941 0x4200"),
        ("read input 0x0302 1", "0x0203"),
    ])
    assert str(GavazziEM24(t, name="em").identify()) == "CARLO GAVAZZI,EM24DINAV,KZ123456789AB,2.3"


def test_em24_unknown_id_code():
    t = ModbusTranscript([("read input 0x000B 1", "0x0001")])
    with pytest.raises(InstrumentReplyError, match="identification code 1 is not an EM24"):
        GavazziEM24(t, name="em").identify()


# BE_Control (0x300): Enable bit 0, Mode bits 4-7, Setpoint bits 16-47 (0.001), SlewRate bits 48-63 (0.01)
# CC 125.5 A, slew 10 A/ms: 0x11, 0x00, 125500 = 0x0001EA3C LE -> 3C EA 01 00, 1000 = 0x03E8 LE -> E8 03
def test_bev_control_frames_and_status():
    t = CanTranscript([
        ("send 300#10003CEA0100E803", None),   # set_mode CC 125.5 with the input still off
        ("send 300#11003CEA0100E803", None),   # input on
        ("request 3F0#1003000000000000 -> 310", "A10F85FFDCECFF65"),  # 400.1 V, -12.3 A, -4900 W
        ("send 300#10003CEA0100E803", None),   # safe state: enable 0, mode and setpoint kept
    ])
    bev = ChargebenchBev(t, name="bat")
    bev.set_mode("CC", 125.5)
    bev.set_input(True)
    assert bev.sample([("voltage", None), ("current", None), ("power", None)]) == pytest.approx([400.1, -12.3, -4900])
    bev.safe_state()


def test_bev_identity_faults_and_range_check():
    t = CanTranscript([
        ("request 3F0#F103000000000000 -> 3F1", "010B2A0000000104"),
        ("request 3F0#1103010000000000 -> 311", "0001010000000000"),
        ("request 3F0#1103010000000000 -> 311", "0000010000000000"),
        ("request 3F0#1003000000000000 -> 310", "timeout"),
    ])
    bev = ChargebenchBev(t, name="bat")
    assert str(bev.identify()) == "CHARGEBENCH,BEV-1,BEV000042,1.4"
    assert bev.check_errors() == ['256,"command rejected (value out of range)"']
    assert bev.check_errors() == []
    with pytest.raises(InstrumentError, match="CC setpoint: 501 is outside"):
        bev.set_mode("CC", 501)
    with pytest.raises(InstrumentTimeout, match="no frame 0x310"):
        bev.read("voltage")
    assert t.finished


def test_bev_confirms_its_safe_state_by_reading_status():
    # State bits 56-57: 0 off -> last byte 0x00 (Mode/Counter 0); 1 on -> 0x01
    t = CanTranscript([("request 3F0#1003000000000000 -> 310", "0000000000000000"),
                       ("request 3F0#1003000000000000 -> 310", "0000000000000001")])
    bev = ChargebenchBev(t, name="bat")
    bev.confirm_safe()
    with pytest.raises(InstrumentError, match="still reports the output on"):
        bev.confirm_safe()


PSB_MODEL = "0x5053 0x4220 0x3131 0x3030 0x302D 0x3830" + " 0x0000" * 14  # "PSB 11000-80", 20 registers
PSB_SERIAL = "0x3230 0x3030 0x3031 0x3030 0x3032" + " 0x0000" * 15  # "2000010002"


def test_ea_psb_modbus_remote_setpoints_in_percent_of_nominal():
    from instruments.ea.psb_modbus import EaPsb10000Modbus

    t = ModbusTranscript([
        ("write coil 0x0192 ON", None),  # remote control first
        ("read holding 0x0001 20", PSB_MODEL),
        ("read holding 0x0079 6", "0x447A 0x0000 0x42A0 0x0000 0x46EA 0x6000"),  # 1000 V, 80 A, 30 kW
        ("read holding 0x0097 20", PSB_SERIAL),
        ("write holding 0x01F3 0x6666", None),  # sink current 40 A = 50 % of 80 A = 0x6666
        ("write holding 0x01F4 0x0000", None),  # source voltage 0: the unit sinks at any voltage
        ("write coil 0x0195 ON", None),
        ("read holding 0x01FB 3", "0x5604 0x6666 0x72B0"),
        ("read holding 0x01F9 2", "0x0000 0x0880"),  # output on (bit 7), OVP alarm (bit 11)
        ("write coil 0x0195 OFF", None),
    ])
    psb = EaPsb10000Modbus(t, name="psb")
    assert str(psb.identify()) == "EA Elektro-Automatik,PSB 11000-80,2000010002,n/a"
    psb.set_mode("CC", 40)
    psb.set_input(True)
    v, i, p = psb.sample([("voltage", None), ("current", None), ("power", None)])
    assert (v, i, p) == (pytest.approx(420.0, abs=0.01), pytest.approx(40.0, abs=0.01), pytest.approx(16800, abs=1))
    assert psb.check_errors() == ["alarm: over-voltage protection"]
    psb.safe_state()
    with pytest.raises(InstrumentError, match="CC setpoint: 81 is outside the range \\[0, 80\\]"):
        psb.set_mode("CC", 81)
    assert t.finished
