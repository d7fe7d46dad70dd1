"""Recorded exchanges for the power analyzers: the driver must write exactly what the manual prescribes
and parse the replies as the instrument gives them (no hardware, no emulator)."""

from __future__ import annotations

import math

import pytest

from instruments import InstrumentError, InstrumentReplyError
from instruments.base.transport import TranscriptTransport
from instruments.hioki.pw import HiokiPW
from instruments.yokogawa.wt import YokogawaWT

WT_OPEN = [(":COMMunicate:HEADer OFF;VERBose OFF", None), (":NUMeric:FORMat ASCii", None),
           ("*IDN?", "YOKOGAWA,WT1803E,C2XX00001,F1.03")]


def test_wt_reads_several_items_in_one_update():
    t = TranscriptTransport(WT_OPEN + [
        (":NUMeric:NORMal:NUMber 3;ITEM1 URMS,1;ITEM2 P,SIGMA;ITEM3 LAMBDA,2;:NUMeric:NORMal:VALue?",
         "230.12E+00,22.08E+03,NAN"),
        (":NUMeric:NORMal:VALue?", "230.10E+00,22.07E+03,0.99"),  # same items: selection not resent
    ])
    wt = YokogawaWT(t, name="wt")
    assert wt.elements == 3
    u, p, pf = wt.sample([("urms", 1), ("p", "sigma"), ("lambda", 2)])
    assert (u, p) == (230.12, 22080.0) and math.isnan(pf)
    assert wt.sample([("urms", 1), ("p", "sigma"), ("lambda", 2)])[2] == 0.99
    assert t.finished


def test_wt_harmonic_list_total_dc_then_orders():
    t = TranscriptTransport(WT_OPEN + [
        (":NUMeric:LIST:NUMber 1;ORDer 3;SELect ALL;ITEM1 U,2", None),
        (":NUMeric:LIST:VALue?", "230.5E+00,0.0E+00,230.0E+00,6.9E+00,4.6E+00"),
    ])
    assert YokogawaWT(t, name="wt").harmonics("u", 2, 3) == [230.0, 6.9, 4.6]
    assert t.finished


def test_wt_update_rate_and_integration():
    t = TranscriptTransport(WT_OPEN + [
        (":RATE 100MS", None), (":INTEGrate:RESet", None), (":INTEGrate:STARt", None),
        (":INTEGrate:STOP", None), (":STATus:ERRor?", '113,"Undefined header"'), (":STATus:ERRor?", '0,"No error"'),
    ])
    wt = YokogawaWT(t, name="wt")
    wt.set_update_rate_ms(100)
    assert wt.update_interval_s() == 0.1
    wt.integration_reset()
    wt.integration_start()
    wt.safe_state()
    assert wt.check_errors() == ['113,"Undefined header"']
    assert t.finished


def test_wt_refuses_before_writing():
    t = TranscriptTransport(WT_OPEN)
    wt = YokogawaWT(t, name="wt")
    with pytest.raises(InstrumentError, match="refused to set update_rate_ms"):
        wt.update_rate_ms = 30
    with pytest.raises(InstrumentError, match="element 4 is outside 1..3"):
        wt.read("p", 4)
    assert t.finished  # nothing went on the wire


def test_wt_reading_outside_what_it_can_measure():
    t = TranscriptTransport(WT_OPEN + [(":NUMeric:NORMal:NUMber 1;ITEM1 URMS,1;:NUMeric:NORMal:VALue?", "9.0E+30")])
    with pytest.raises(InstrumentReplyError, match="urms reading 9e\\+30 V is outside"):
        YokogawaWT(t, name="wt").read("urms", 1)


HIOKI_OPEN = [(":HEADer OFF", None), ("*IDN?", "HIOKI,PW3390,190312345,V2.01")]


def test_hioki_measure_query_with_channels_and_sum():
    t = TranscriptTransport(HIOKI_OPEN + [
        (":MEASure? U1,P123,FREQU2,P4", "+230.05E+00,+22.081E+03,+50.000E+00,+40.20E+03"),
    ])
    pw = HiokiPW(t, name="pw")
    assert pw.channels == 4
    assert pw.sample([("urms", 1), ("p", "sigma"), ("fu", 2), ("p", 4)]) == [230.05, 22081.0, 50.0, 40200.0]
    assert t.finished


def test_hioki_errors_come_from_the_event_status_register():
    t = TranscriptTransport(HIOKI_OPEN + [("*ESR?", "48"), ("*ESR?", "0")])
    pw = HiokiPW(t, name="pw")
    assert pw.check_errors() == ['-100,"Command error"', '-200,"Execution error"']
    assert pw.check_errors() == []


def test_hioki_harmonics_integration_and_bad_channel():
    t = TranscriptTransport(HIOKI_OPEN + [
        (":MEASure? UH2_01,UH2_02,UH2_03", "+230.0E+00,+0.0E+00,+6.9E+00"),
        (":INTEGrate:RESet", None), (":INTEGrate:STARt", None), (":INTEGrate:STOP", None),
    ])
    pw = HiokiPW(t, name="pw")
    assert pw.harmonics("u", 2, 3) == [230.0, 0.0, 6.9]
    pw.integration_reset()
    pw.integration_start()
    pw.safe_state()
    with pytest.raises(InstrumentError, match="channel 5 is outside 1..4"):
        pw.read("urms", 5)
    assert t.finished


def test_hioki_rejects_another_maker():
    t = TranscriptTransport([(":HEADer OFF", None), ("*IDN?", "YOKOGAWA,WT5000,1,1")])
    with pytest.raises(InstrumentReplyError, match="not a Hioki"):
        HiokiPW(t, name="pw")
