"""Bidirectional DC (ISO 15118-20 DC_BPT) below the suite: reverse flow on the lab's DC bus and power stage,
the EV battery model discharging, the analyzer's signed DC reading over SCPI, and who the BPT cases apply to.
The suite cases and their defects run in the shared -20 defect matrix (test_iso15118_20_suite.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from harness.engine.actions_hlc import _check_direction
from harness.engine.context import StepError
from harness.engine.plan import plan
from harness.loader import LoadError, load, load_suite
from harness.model import BenchConfig, DutProfile
from harness.protocols.iso15118.battery import Battery
from harness.protocols.iso15118.dialect_iso20 import Iso20Dialect
from instruments import open_instrument
from sim.dc.stage import DcPowerStage, DcRatings
from sim.dc_bus import DcBus

from .labrun import BENCH, DUTS, SUITES

sys.path.insert(0, str(Path(__file__).parents[1] / "instruments"))
from labthread import LabThread  # noqa: E402


def _stage(**defects: bool) -> DcPowerStage:
    bus = DcBus(load_on=True, load_mode="BATT", battery_voltage_v=350.0)
    ratings = DcRatings(max_voltage_v=500, max_current_a=300, max_power_w=150_000, max_discharge_current_a=150,
                        max_discharge_power_w=60_000)
    stage = DcPowerStage(ratings, bus, {name for name, on in defects.items() if on})
    stage.precharge(0.0, 350.0, 2.0)
    return stage


def test_stage_discharges_with_the_charging_ramps_and_within_the_declared_limits() -> None:
    stage = _stage()
    stage.demand(1.0, 420.0, -100.0, bidirectional=True)
    stage.advance(1.25)  # 0.25 s at the 200 A/s rise rate, from the 2 A precharge limit
    assert stage.i_out == pytest.approx(2.0 - 50.0, abs=0.5)
    stage.advance(3.0)
    v, i = stage.bus.operating_point()
    assert i == pytest.approx(-100.0) and v == pytest.approx(350.0 - 100 * 0.05)  # the battery sags as it gives
    assert stage.i_out == pytest.approx(-100.0, abs=0.5)  # with the declared ripple
    stage.demand(3.0, 420.0, -400.0, bidirectional=True)
    stage.advance(6.0)
    assert stage.i_out == pytest.approx(-150.0, abs=0.5)  # EVSEMaximumDischargeCurrent binds
    stage.ratings.max_discharge_power_w = 30_000
    for k in range(21):  # the EV repeats its request every loop; the power cap follows the voltage
        stage.demand(6.0 + 0.1 * k, 420.0, -400.0, bidirectional=True)
    assert stage.i_out == pytest.approx(-30_000 / stage.v_out, abs=0.6)  # then EVSEMaximumDischargePower
    stage.stop(8.0)
    stage.advance(10.0)
    assert (stage.mode, stage.contactor, stage.i_out) == ("off", False, 0.0)


def test_a_negative_target_needs_dc_bpt_at_load_time(tmp_path: Path) -> None:
    suite = tmp_path / "bad.yaml"
    suite.write_text("""kind: suite
id: bad
title: bad
version: "1"
standards: [{name: ISO 15118-20, edition: "2022", clauses: [x]}]
limits: [limits/iso15118-20_2022.yaml]
tests:
  - id: T-1
    title: t
    clause: x
    purpose: x
    steps:
      - {action: hlc.start, protocol: iso15118-20, target_current_a: -50}
""")
    with pytest.raises(LoadError, match=r"bad.yaml:13:9: .*needs energy: DC_BPT"):
        load_suite(suite)


def test_a_negative_target_outside_a_bpt_session_gives_no_current() -> None:
    stage = _stage()
    stage.demand(1.0, 420.0, -100.0)  # a DC (not DC_BPT) session: nothing flows backwards
    stage.advance(3.0)
    assert stage.i_out == 0.0
    with pytest.raises(StepError, match="DC_BPT"):
        _check_direction(Iso20Dialect("DC"), -100.0)
    _check_direction(Iso20Dialect("DC_BPT"), -100.0)


def test_ev_opening_s2_while_discharging_cuts_the_current_at_the_emergency_rate() -> None:
    stage = _stage()
    stage.demand(1.0, 420.0, -100.0, bidirectional=True)
    stage.advance(3.0)
    stage.ev_left_c(3.0)
    stage.advance(3.03)
    assert abs(stage.i_out) < 5.0 and stage.mode in ("emergency", "off")
    ignoring = _stage(dc_ignores_state_b=True)
    ignoring.demand(1.0, 420.0, 100.0)
    ignoring.advance(3.0)
    ignoring.ev_left_c(3.0)
    ignoring.advance(4.0)
    assert ignoring.i_out == pytest.approx(100.0, abs=0.5)


def test_battery_model_discharges_and_stops_at_its_minimum_soc() -> None:
    bat = Battery(soc_pct=50.0, target_current_a=-500.0, max_discharge_current_a=200.0)
    assert bat.discharging() and not bat.complete()
    assert bat.request_current() == -200.0
    bat.charge(360.0, -200.0, 600.0)  # 12 kWh out of 60 kWh
    assert bat.soc_pct == pytest.approx(30.0) and bat.energy_wh == pytest.approx(-12_000.0)
    bat.soc_pct = bat.min_soc_pct
    assert bat.request_current() == 0.0
    body = Iso20Dialect("DC_BPT").power_delivery(bat, True, None)
    assert body["BPT_ChannelSelection"] == "Discharge"
    assert body["EVPowerProfile"]["EVPowerProfileEntries"]["EVPowerProfileEntry"][0]["Power"]["Value"] < 0


def test_analyzer_reads_a_discharge_with_its_sign_over_scpi() -> None:
    """Element 4 of the WT on the lab's DC bus: IDC/P negative while the charger sinks, IRMS/S positive."""
    lab = LabThread()
    try:
        wt = open_instrument("yokogawa.wt", lab.serve("yokogawa.wt", "wt"), name="wt")

        def discharging() -> None:
            bus = lab.lab.dc
            bus.output_on, bus.load_on, bus.load_mode, bus.battery_voltage_v = True, True, "BATT", 400.0
            bus.sink_current_a = 80.0

        lab.call(discharging)
        time.sleep(0.06)  # the next update of the held readings
        idc, irms, p, s, udc = wt.sample([("idc", 4), ("irms", 4), ("p", 4), ("s", 4), ("udc", 4)])
        assert idc == pytest.approx(-80.0, rel=1e-3) and irms == pytest.approx(80.0, rel=1e-3)
        assert p == pytest.approx(-396.0 * 80, rel=2e-3) and s == pytest.approx(396.0 * 80, rel=2e-3)
        assert udc == pytest.approx(396.0, rel=1e-3)
    finally:
        lab.close()


def test_bpt_cases_apply_only_to_chargers_claiming_dc_bpt() -> None:
    suite = load_suite(SUITES / "iso15118_20.yaml").suite
    bench = load(BENCH, BenchConfig)
    for profile, applies in (("ccs1_dc_150kw.yaml", True), ("ccs2_dc_350kw.yaml", True),
                             ("j3400_dc_250kw.yaml", False)):
        dut = load(DUTS / profile, DutProfile)
        bpt = {p.case.id: p.reason for p in plan(suite, dut, bench) if p.case.id.startswith("ISO20-BPT-")}
        assert len(bpt) == 5
        assert all((reason is None) == applies for reason in bpt.values()), (profile, bpt)
