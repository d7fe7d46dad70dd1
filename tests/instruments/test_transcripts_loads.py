"""Recorded exchanges for the DC loads, AC load and AC sources (command sets per their manuals)."""

from __future__ import annotations

import pytest

from instruments import InstrumentError, InstrumentReplyError
from instruments.base.transport import TranscriptTransport
from instruments.chroma.acload import Chroma63800
from instruments.chroma.acsource import Chroma61800
from instruments.chroma.dcload import Chroma63200A
from instruments.ea.psb import EaPsb10000
from instruments.itech.it8000 import ItechIT8000
from instruments.keysight.ac6900 import KeysightAC6900


def test_chroma_63200a_modes_slew_protection_and_one_message_measurement():
    t = TranscriptTransport([
        ("*IDN?", "CHROMA,63206A-600-420,632060000123,1.10"),
        ("MODE CCH", None), ("CURR:STAT:L1 125.5", None),
        ("MODE CV", None), ("VOLT:STAT:L1 400", None),
        ("CURR:STAT:RISE 0.5;FALL 0.5", None),
        (":CONF:PROT:VOLT 450;:CONF:PROT:CURR 200", None),
        ("LOAD ON", None),
        ("MEAS:VOLT?;:MEAS:CURR?;:MEAS:POW?", "400.02;125.48;50193.2"),
        ("LOAD OFF", None),
        ("SYST:ERR?", '-222,"Data out of range"'), ("SYST:ERR?", '0,"No error"'),
    ])
    load = Chroma63200A(t, name="load")
    assert load.identify().model == "63206A-600-420"
    assert load.ratings == (600.0, 420.0, 6000.0)
    load.set_current(125.5)
    load.set_mode("CV", 400)
    load.set_slew_rate(500)  # A/ms -> 0.5 A/us
    load.set_protection(ovp_v=450, ocp_a=200)
    load.set_input(True)
    assert load.sample([("voltage", None), ("current", None), ("power", None)]) == [400.02, 125.48, 50193.2]
    load.safe_state()
    assert load.check_errors() == ['-222,"Data out of range"']
    assert t.finished


def test_chroma_63200a_range_checks_use_the_identified_model():
    t = TranscriptTransport([("*IDN?", "CHROMA,63203A-150-300,1,1")])
    load = Chroma63200A(t, name="load")
    load.identify()
    with pytest.raises(InstrumentError, match="refused to set CC setpoint: 301 is outside the range \\[0, 300\\]"):
        load.set_current(301)
    with pytest.raises(InstrumentError, match="CV setpoint: 151"):
        load.set_mode("CV", 151)
    with pytest.raises(InstrumentError, match="mode 'CX'"):
        load.set_mode("CX", 1)
    assert t.finished  # nothing was written


def test_chroma_63200a_rejects_unknown_model():
    with pytest.raises(InstrumentReplyError, match="not a 63200A"):
        Chroma63200A(TranscriptTransport([("*IDN?", "CHROMA,63640-80-80,1,1")]), name="l").identify()


def test_itech_it8000_takes_remote_and_uses_func():
    t = TranscriptTransport([
        ("SYST:REM", None), ("*IDN?", "ITECH,IT8018-1500-600,802018000456,1.05"),
        ("FUNC POW", None), ("POW 15000", None), ("CURR:SLEW 2.5", None),
        ("VOLT:PROT 1000;POW:PROT 16000", None), ("INP ON", None), ("INP OFF", None),
    ])
    load = ItechIT8000(t, name="it")
    load.identify()
    assert load.REGENERATIVE
    load.set_mode("CP", 15000)
    load.set_slew_rate(2.5)
    load.set_protection(ovp_v=1000, opp_w=16000)
    load.set_input(True)
    load.safe_state()
    with pytest.raises(InstrumentError, match="CP setpoint: 18001"):
        load.set_mode("CP", 18001)
    assert t.finished


def test_ea_psb_locks_and_maps_modes_onto_sink_and_source():
    t = TranscriptTransport([
        ("SYST:LOCK ON", None), ("*IDN?", "EA Elektro-Automatik,PSB 11000-80,2000010001,V2.10"),
        ("SOUR:VOLT 400", None), ("SINK:CURR 80", None),
        ("SINK:CURR 50", None), ("SOUR:VOLT 0", None),
        ("OUTP ON", None),
        ("MEAS:VOLT?;:MEAS:CURR?", "400.00 V;50.01 A"),
        ("OUTP OFF", None),
    ])
    psb = EaPsb10000(t, name="psb")
    psb.identify()
    assert psb.ratings[:2] == (1000.0, 80.0)
    psb.set_mode("CV", 400)  # a battery at 400 V: sinks up to the rated current
    psb.set_mode("CC", 50)
    psb.set_input(True)
    assert psb.sample([("voltage", None), ("current", None)]) == [400.0, 50.01]
    psb.safe_state()
    with pytest.raises(InstrumentError, match="no remote slew-rate"):
        psb.set_slew_rate(1)
    assert t.finished


def test_chroma_63800_ac_load():
    t = TranscriptTransport([
        ("*IDN?", "CHROMA,63802,638020000321,1.30"),
        ("MODE CC", None), ("CURR:STAT:L1 16", None), ("PF 0.9", None), ("CFAC 2", None), ("LOAD ON", None),
        ("MEAS:PF?", "0.899"), ("LOAD OFF", None),
    ])
    load = Chroma63800(t, name="acl")
    load.identify()
    load.set_current(16)
    load.set_power_factor(0.9)
    load.set_crest_factor(2.0)
    load.set_input(True)
    assert load.read("power_factor").value == 0.899
    load.safe_state()
    with pytest.raises(InstrumentError, match="current: 19 is outside the range \\[0, 18\\]"):
        load.set_current(19)
    with pytest.raises(InstrumentError, match="crest_factor: 1 is outside"):
        load.set_crest_factor(1.0)
    assert t.finished


def test_chroma_61800_voltage_frequency_sag_and_harmonic():
    t = TranscriptTransport([
        ("*IDN?", "CHROMA,61830,618300000789,2.01"),
        ("SOUR:VOLT:AC 230", None), ("SOUR:FREQ 50", None), ("OUTP ON", None),
        ("OUTP:MODE PULS;:PULS:VOLT:AC 115;:PULS:DWEL 200;:TRIG ON", None),
        ("SOUR:HARM:ORD 5;AMPL 4;STAT ON", None),
        ("MEAS:VOLT:AC?;:MEAS:FREQ?", "230.01;50.000"),
        ("OUTP OFF", None),
    ])
    src = Chroma61800(t, name="grid")
    src.identify()
    src.set_voltage(230)
    src.set_frequency(50)
    src.set_output(True)
    src.voltage_event(115, 0.2)
    src.set_harmonic(5, 4)
    assert src.sample([("voltage", None), ("frequency", None)]) == [230.01, 50.0]
    src.safe_state()
    with pytest.raises(InstrumentError, match="voltage: 301"):
        src.set_voltage(301)
    with pytest.raises(InstrumentError, match="harmonic order 51"):
        src.set_harmonic(51, 1)
    assert t.finished


def test_keysight_ac6900_abnormality_simulation():
    t = TranscriptTransport([
        ("*IDN?", "Keysight Technologies,AC6906H,JPVJ000123,1.02.00"),
        ("VOLT 230", None), ("FREQ 60", None), ("SIM:T3 0.5;T3:VOLT 260;:TRIG:SIM:IMM", None), ("OUTP OFF", None),
    ])
    src = KeysightAC6900(t, name="ac")
    src.identify()
    src.set_voltage(230)
    src.set_frequency(60)
    src.voltage_event(260, 0.5)
    src.safe_state()
    with pytest.raises(InstrumentError, match="no harmonic injection"):
        src.set_harmonic(3, 2)
    with pytest.raises(InstrumentError, match="frequency: 30"):
        src.set_frequency(30)
    assert t.finished


def test_chargebench_eve_pilot_and_safe_state():
    from instruments.chargebench.eve import ChargebenchEve

    t = TranscriptTransport([
        ("*IDN?", "CHARGEBENCH,EVE-1,EVE000001,1.0.0"), ("PIL:STAT C", None), ("LOAD:CURR 16", None),
        ("MEAS:PIL:DUTY?", "2.666667E+01"), ("LOAD:CURR 0;:PIL:STAT A", None), ("SYST:ERR?", '0,"No error"'),
    ])
    ev = ChargebenchEve(t, name="ev")
    assert ev.identify().model == "EVE-1"
    ev.set_state("C")
    ev.set_demand(16)
    assert ev.read("duty_cycle_pct").value == pytest.approx(26.66667)
    ev.safe_state()
    assert ev.check_errors() == []
    with pytest.raises(InstrumentError, match="refused to set state"):
        ev.set_state("F")
    assert t.finished
