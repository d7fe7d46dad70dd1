"""The drivers against their emulators over the real transports (SCPI over TCP via pyvisa-py, Modbus TCP
via pymodbus, CAN via socketcand and python-can's virtual bus), and the emulators' SCPI grammar."""

from __future__ import annotations

import threading

import pytest
import pyvisa

from instruments import InstrumentError, open_instrument
from instruments.base.can import CanTransport
from instruments.chargebench.bev import ChargebenchBev


def raw(address: str):
    rm = pyvisa.ResourceManager("@py")
    return rm.open_resource(address, read_termination="\n", write_termination="\n", timeout=2000)


def test_scpi_long_short_forms_chains_opc_and_error_codes(lab):
    res = raw(lab.serve("chroma.63200a", "load"))
    res.write("mode cch;:CURRent:STATic:L1 12.5;:curr:stat:l1?")
    assert float(res.read()) == 12.5
    res.write("CURR:STAT:L1 421")  # above the 420 A rating
    assert res.query("SYST:ERR?") == '-222,"Data out of range"'
    res.write("LOAD:BOGUS 1")
    assert res.query("SYSTem:ERRor:NEXT?") == '-113,"Undefined header"'
    res.write("MODE XX")
    assert res.query("SYST:ERR?") == '-224,"Illegal parameter value"'
    assert res.query("SYST:ERR?") == '0,"No error"'
    assert res.query("*OPC?") == "1"
    assert res.query("*IDN?").startswith("CHROMA,63206A-600-420")
    res.close()


def test_dc_load_analyzers_and_meter_agree_on_one_operating_point(lab):
    """A DC charger (set directly on the lab's DcBus, as the DC charger model will) feeds the Chroma load;
    the load, both analyzers' DC element and the CAN battery emulator's view must agree."""
    load = open_instrument("chroma.63200a", lab.serve("chroma.63200a", "load"), name="load")
    wt = open_instrument("yokogawa.wt", lab.serve("yokogawa.wt", "wt"), name="wt")
    pw = open_instrument("hioki.pw", lab.serve("hioki.pw", "pw"), name="pw")

    def charger_on() -> None:
        lab.lab.dc.output_on = True
        lab.lab.dc.source_voltage_v = 400.0
        lab.lab.dc.source_current_limit_a = 15.0

    lab.call(charger_on)
    load.identify()  # a 63206A: 600 V, 420 A, 6 kW
    load.set_current(12)
    load.set_input(True)
    v, i, p = load.sample([("voltage", None), ("current", None), ("power", None)])
    assert v == pytest.approx(400, rel=1e-3) and i == pytest.approx(12, rel=1e-3)
    assert wt.sample([("p", 4)])[0] == pytest.approx(4800, rel=2e-3)
    assert pw.sample([("p", 4), ("urms", 4)]) == pytest.approx([4800, 400], rel=2e-3)
    lab.call(lambda: setattr(lab.lab.dc, "source_current_limit_a", 10.0))
    import time

    time.sleep(0.06)  # next update of the held readings
    assert load.read("current").value == pytest.approx(10, rel=1e-3)  # the charger limits the current
    load.safe_state()
    time.sleep(0.06)
    assert load.read("current").value == 0.0
    assert load.check_errors() == []
    load.set_current(12)
    load.set_input(True)
    lab.call(lambda: setattr(lab.lab.dc, "source_current_limit_a", 400.0))
    load.set_current(400)  # 160 kW into a 6 kW load: its over-power protection trips
    time.sleep(0.06)
    assert load.read("current").value == 0.0
    assert load.check_errors() == ['-300,"Device-specific error; OPP tripped, input off"']


def test_protection_trip_queues_a_device_error(lab):
    load = open_instrument("itech.it8000", lab.serve("itech.it8000", "it"), name="it")
    load.identify()

    def charger_on() -> None:
        lab.lab.dc.output_on, lab.lab.dc.source_voltage_v, lab.lab.dc.source_current_limit_a = True, 800.0, 100.0

    lab.call(charger_on)
    load.set_protection(ovp_v=700)
    load.set_input(True)
    load.read("voltage")
    assert load.check_errors() == ['-300,"Device-specific error; OVP tripped, input off"']


def test_ac_source_sag_is_seen_by_meter_and_analyzer(lab):
    src = open_instrument("chroma.61800", lab.serve("chroma.61800", "grid"), name="grid")
    meter = open_instrument("eastron.sdm630", lab.serve("eastron.sdm630", "meter"), name="meter")
    src.identify()
    src.set_voltage(240)
    src.set_frequency(60)
    assert meter.identify().model == "SDM630"
    import time

    time.sleep(1.05)  # the SDM630 refreshes once a second
    assert meter.sample([("urms", 1), ("fu", None)]) == pytest.approx([240, 60], rel=1e-3)
    src.voltage_event(120, 5.0)
    time.sleep(1.05)
    assert meter.read("urms", 2).value == pytest.approx(120, rel=1e-3)
    src.safe_state()
    assert src.check_errors() == []


def test_ac_load_draws_through_the_charger(lab):
    ev = open_instrument("chargebench.eve", lab.serve("chargebench.eve", "ev"), name="ev")
    acl = open_instrument("chroma.63800", lab.serve("chroma.63800", "acl"), name="acl")
    em24 = open_instrument("gavazzi.em24", lab.serve("gavazzi.em24", "em24"), name="em24")
    acl.identify()
    acl.set_current(10)
    acl.set_power_factor(0.95)
    acl.set_input(True)
    ev.set_state("C")
    import time

    deadline = time.monotonic() + 5
    while acl.read("current").value < 9 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert acl.read("current").value == pytest.approx(10, rel=1e-3)
    time.sleep(0.55)  # EM24 refresh 500 ms
    assert em24.read("irms", 1).value == pytest.approx(10, rel=2e-3)
    assert em24.identify().model == "EM24DINAV"
    acl.safe_state()
    ev.safe_state()


def test_bev_over_socketcand(lab):
    bev = open_instrument("chargebench.bev", lab.serve("chargebench.bev", "bat"), name="bat")
    assert str(bev.identify()) == "CHARGEBENCH,BEV-1,BEV000042,1.4"
    lab.call(lambda: setattr(lab.lab.dc, "output_on", True))
    lab.call(lambda: setattr(lab.lab.dc, "source_voltage_v", 420.0))
    lab.call(lambda: setattr(lab.lab.dc, "source_current_limit_a", 80.0))
    bev.set_battery(400.0, 0.1)
    bev.set_mode("BATT", 400.0)
    bev.set_input(True)
    v, i = bev.sample([("voltage", None), ("current", None)])
    assert i == pytest.approx(80, rel=1e-2)  # (420 - 400) / 0.1 = 200 A, limited by the charger to 80 A
    assert v == pytest.approx(408, rel=1e-2)
    bev.transport.send(0x300, bytes.fromhex("1100FFFFFFFF0000"))  # a raw frame far beyond the rating
    assert bev.check_errors() == ['256,"command rejected (value out of range)"']
    bev.safe_state()
    assert bev.read("current").value == 0.0
    bev.close()


def test_bev_on_python_can_virtual_bus(lab):
    """In-process python-can 'virtual' bus: the emulator answers on its own thread, as a CAN node would."""
    import can

    from sim.can.bev import BevDevice

    device = BevDevice("bat", lab.lab)
    node = can.Bus(interface="virtual", channel="bev-test", receive_own_messages=False)
    stop = threading.Event()

    def respond() -> None:
        while not stop.is_set():
            msg = node.recv(timeout=0.05)
            if msg is not None:
                for rid, data in device.handle(msg.arbitration_id, bytes(msg.data)):
                    node.send(can.Message(arbitration_id=rid, data=data, is_extended_id=False))

    thread = threading.Thread(target=respond, daemon=True)
    thread.start()
    try:
        bev = ChargebenchBev(CanTransport("virtual://bev-test", name="bat", timeout_s=1.0), name="bat")
        assert bev.identify().model == "BEV-1"
        assert bev.check_errors() == []
        bev.close()
    finally:
        stop.set()
        thread.join(timeout=2)
        node.shutdown()


def test_analyzer_values_are_held_for_the_update_interval(lab):
    pw = open_instrument("hioki.pw", lab.serve("hioki.pw", "pw"), name="pw")
    lab.call(lambda: setattr(lab.lab.dc, "output_on", True))
    lab.call(lambda: setattr(lab.lab.dc, "source_voltage_v", 400.0))
    first = [pw.read("urms", 4).value for _ in range(3)]
    assert len(set(first)) < 3  # 3 queries well within 50 ms see at most two updates


def test_out_of_range_fault_reaches_lists_and_unit_replies():
    from sim.scpi.server import _out_of_range

    assert _out_of_range("2.300000E+02") == "9.0E+30"
    assert _out_of_range("400.00 V") == "9.0E+30 V"
    assert _out_of_range("2.3E+02,1.6E+01,NAN") == "9.0E+30,9.0E+30,NAN"
    assert _out_of_range("HIOKI,PW3390,190312345,V2.01") == "HIOKI,PW3390,190312345,V2.01"
    assert _out_of_range("CCH") == "CCH"


def _charging(lab, ev) -> None:
    import time

    ev.set_state("C")

    def closed() -> bool:
        lab.lab.now()  # let the charger's scheduled events happen
        return lab.lab.charger.contactor

    deadline = time.monotonic() + 5
    while not lab.call(closed) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lab.call(closed)


def test_injected_harmonic_is_measured_by_both_analyzers(lab):
    ev = open_instrument("chargebench.eve", lab.serve("chargebench.eve", "ev"), name="ev")
    grid = open_instrument("chroma.61800", lab.serve("chroma.61800", "grid"), name="grid")
    wt = open_instrument("yokogawa.wt", lab.serve("yokogawa.wt", "wt"), name="wt")
    pw = open_instrument("hioki.pw", lab.serve("hioki.pw", "pw"), name="pw")
    grid.identify()
    grid.set_harmonic(5, 4.0)
    _charging(lab, ev)
    u = wt.harmonics("u", 1, 7)
    assert u[4] / u[0] == pytest.approx(0.04, rel=1e-3) and u[2] == 0.0
    h = pw.harmonics("u", 1, 5)
    assert h[4] / h[0] == pytest.approx(0.04, rel=1e-3)
    assert wt.read("uthd", 1).value == pytest.approx(4.0, rel=1e-3)
    grid.set_harmonic(5, 0)
    assert grid.check_errors() == [] and wt.check_errors() == []
    ev.safe_state()


def test_keysight_abnormality_simulation_on_the_inlet(lab):
    import time

    ev = open_instrument("chargebench.eve", lab.serve("chargebench.eve", "ev"), name="ev")
    src = open_instrument("keysight.ac6900", lab.serve("keysight.ac6900", "ac"), name="ac")
    src.identify()
    src.set_voltage(230)
    _charging(lab, ev)
    src.voltage_event(180, 0.3)
    assert ev.read("inlet_voltage_v").value == pytest.approx(180, rel=1e-3)
    assert src.voltage_setpoint.__get__(src) == 230.0  # the setting is untouched by the event
    time.sleep(0.35)
    assert ev.read("inlet_voltage_v").value == pytest.approx(230, rel=1e-3)
    src.send("SIM:T3:VOLT 400")  # beyond the source's range, sent raw: the emulator queues -222
    assert src.check_errors() == ['-222,"Data out of range"']
    ev.safe_state()


def test_ea_psb_needs_the_lock_and_answers_with_units(lab):
    address = lab.serve("ea.psb", "psb")
    res = raw(address)
    res.write("OUTP ON")  # without SYST:LOCK ON the unit refuses remote control
    assert res.query("SYST:ERR?").startswith("-200,")
    res.close()
    psb = open_instrument("ea.psb", address, name="psb")  # the driver takes the lock
    psb.identify()

    def charger_on() -> None:
        lab.lab.dc.output_on, lab.lab.dc.source_voltage_v, lab.lab.dc.source_current_limit_a = True, 420.0, 60.0

    lab.call(charger_on)
    psb.set_mode("CV", 400.0)  # a battery at 400 V: the charger at 420 V pushes current into it
    psb.set_input(True)
    v, i = psb.sample([("voltage", None), ("current", None)])
    assert i == pytest.approx(60, rel=1e-2) and v == pytest.approx(403, rel=1e-2)
    psb.safe_state()
    assert psb.check_errors() == []


def test_wt_integration_counts_energy_while_charging(lab):
    import time

    ev = open_instrument("chargebench.eve", lab.serve("chargebench.eve", "ev"), name="ev")
    wt = open_instrument("yokogawa.wt", lab.serve("yokogawa.wt", "wt"), name="wt")
    wt.integration_reset()
    wt.integration_start()
    ev.set_demand(16)
    _charging(lab, ev)
    time.sleep(0.5)
    wt.integration_stop()
    energy = wt.read("wp", 1).value
    assert 0 < energy < 230 * 16 * 0.99 * 1.0 / 3600  # at most one second at full power per phase
    time.sleep(0.1)
    assert wt.read("wp", 1).value == energy  # stopped: the counter holds
    ev.safe_state()


@pytest.mark.parametrize("driver", ["chroma.63200a", "itech.it8000", "ea.psb", "chroma.61800", "keysight.ac6900",
                                    "chroma.63800"])
def test_safe_state_is_confirmed_by_reading_back(lab, driver):
    inst = open_instrument(driver, lab.serve(driver, "x"), name="x")
    inst.identify()
    (inst.set_output if hasattr(inst, "set_output") else inst.set_input)(True)
    with pytest.raises(InstrumentError, match="still reports"):
        inst.confirm_safe()  # not made safe yet: the read-back says so
    inst.safe_state()
    inst.confirm_safe()


def test_can_request_ignores_a_late_answer_to_an_earlier_request():
    import can

    from instruments.base.can import CanTransport

    node = can.Bus(interface="virtual", channel="stale-test", receive_own_messages=False)
    transport = CanTransport("virtual://stale-test", name="bat", timeout_s=1.0)
    node.send(can.Message(arbitration_id=0x310, data=b"\x01" * 8, is_extended_id=False))  # the late one
    stop = threading.Event()

    def respond() -> None:
        while not stop.is_set():
            msg = node.recv(timeout=0.05)
            if msg is not None and msg.arbitration_id == 0x3F0:
                node.send(can.Message(arbitration_id=0x310, data=b"\x02" * 8, is_extended_id=False))

    thread = threading.Thread(target=respond, daemon=True)
    thread.start()
    try:
        import time

        time.sleep(0.05)  # the late frame is in our receive queue now
        assert transport.request(0x3F0, bytes.fromhex("1003000000000000"), 0x310) == b"\x02" * 8
    finally:
        stop.set()
        thread.join(timeout=2)
        transport.close()
        node.shutdown()


def test_ea_psb_over_modbus_needs_remote_and_follows_the_bus(lab):
    from instruments.base.modbus import ModbusException, ModbusTransport
    from instruments.ea.psb_modbus import EaPsb10000Modbus

    address = lab.serve("ea.psb_modbus", "psb")
    local = EaPsb10000Modbus(ModbusTransport(address, name="psb"), name="psb", remote=False)
    with pytest.raises(ModbusException, match="exception 3"):
        local.set_input(True)  # without the remote coil the unit refuses
    local.close()
    psb = open_instrument("ea.psb_modbus", address, name="psb")
    psb.identify()

    def charger_on() -> None:
        lab.lab.dc.output_on, lab.lab.dc.source_voltage_v, lab.lab.dc.source_current_limit_a = True, 420.0, 60.0

    lab.call(charger_on)
    psb.set_mode("CC", 40)
    psb.set_input(True)
    assert psb.sample([("current", None), ("voltage", None)]) == pytest.approx([40, 420], rel=2e-3)
    with pytest.raises(InstrumentError, match="still reports the DC output on"):
        psb.confirm_safe()
    psb.safe_state()
    psb.confirm_safe()
    assert psb.check_errors() == []


def test_hioki_errors_through_the_event_status_register(lab):
    pw = open_instrument("hioki.pw", lab.serve("hioki.pw", "pw"), name="pw")
    assert pw.check_errors() == []
    pw.send(":BOGUS 1")  # undefined header: command error, ESR bit 5
    pw.send(":MEASure? X9")  # illegal item: execution error, ESR bit 4
    assert pw.check_errors() == ['-100,"Command error"', '-200,"Execution error"']
    assert pw.check_errors() == []  # *ESR? clears on read
