"""The EV battery on a real driver and its wire emulator (harness.engine.ev_bench.BatteryEmulator): BATT mode with
the pack's OCV and internal resistance on the chargebench BEV (CAN), the CV fallback on a supply without a
battery mode (EA PSB, SCPI); the EV contactor is the output switch, and re-programming tracks the OCV."""

from __future__ import annotations

import pytest

from harness.engine.ev_bench import BatteryEmulator
from instruments import open_instrument


def test_bev_battery_mode_tracks_the_ocv(lab) -> None:
    bev = open_instrument("chargebench.bev", lab.serve("chargebench.bev", "battery"), name="battery")
    try:
        emu = BatteryEmulator("battery", bev)
        assert emu.battery_mode
        emu.contactor(False)
        emu.program(352.5, 0.08)
        emu.current()  # CAN commands are not acknowledged: a request's answer comes after them
        dc = lab.call(lambda: lab.lab.dc)
        assert (dc.load_mode, dc.battery_voltage_v, dc.battery_resistance_ohm, dc.load_on) == \
            ("BATT", pytest.approx(352.5, abs=0.1), pytest.approx(0.08, abs=1e-3), False)
        emu.contactor(True)
        emu.program(360.0, 0.08)  # the state of charge rose
        assert emu.current() == pytest.approx(0.0, abs=0.5)  # the charger's output is off
        assert lab.call(lambda: (dc.load_on, dc.battery_voltage_v)) == (True, pytest.approx(360.0, abs=0.1))
        emu.contactor(False)
        emu.current()
        assert not lab.call(lambda: dc.load_on)
    finally:
        bev.close()


def test_supply_without_battery_mode_holds_the_ocv_in_cv(lab) -> None:
    psb = open_instrument("ea.psb", lab.serve("ea.psb", "psb"), name="psb")
    try:
        psb.identify()
        emu = BatteryEmulator("psb", psb)
        assert not emu.battery_mode
        emu.program(352.5, 0.08)
        dc = lab.call(lambda: lab.lab.dc)
        assert (dc.load_mode, dc.load_setpoint) == ("CV", pytest.approx(352.5))
    finally:
        psb.close()
