"""Defects the simulated charger can be given, so that every test can be shown to fail.

Each defect breaks exactly one rule; ``catches`` names the suite test meant to catch it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Defect:
    name: str
    sentence: str
    catches: str  # "suite-id:test-id"


DEFECTS: dict[str, Defect] = {d.name: d for d in [
    Defect("pilot_high_level_low", "The pilot generator's positive level is +11.0 V instead of +12 V.",
           "iec61851-ac-pilot:CP-01"),
    Defect("pilot_source_resistance_high", "The pilot source resistor R1 is 1.6 kOhm instead of 1 kOhm, so "
           "state B reads about 7.8 V.", "iec61851-ac-pilot:CP-02"),
    Defect("pwm_frequency_high", "The pilot PWM runs at 1050 Hz instead of 1 kHz.", "iec61851-ac-pilot:CP-03"),
    Defect("pwm_low_level_wrong", "During PWM the pilot's negative half only reaches -10.5 V instead of "
           "-12 V (a slow negative driver).",
           "iec61851-ac-pilot:CP-04"),
    Defect("duty_offset", "In the 6-51 A range the duty cycle is 2 points higher than the advertised "
           "current requires.", "iec61851-ac-pilot:CP-05"),
    Defect("duty_high_range_wrong", "Above 51 A the duty cycle uses I/2.5 + 60 instead of I/2.5 + 64.",
           "iec61851-ac-pilot:CP-06"),
    Defect("slow_energise", "The contactor closes 4 s after the EV asks for power (state C).",
           "iec61851-ac-pilot:CP-07"),
    Defect("slow_deenergise", "The contactor opens 300 ms after the EV goes from C back to B.",
           "iec61851-ac-pilot:CP-08"),
    Defect("ignores_state_e", "The charger keeps the supply on when the pilot is shorted to PE (state E).",
           "iec61851-ac-pilot:CP-09"),
    Defect("ignores_diode_fault", "The charger energises although the EV's pilot diode is shorted.",
           "iec61851-ac-pilot:CP-10"),
    Defect("ignores_current_change", "While charging, the charger keeps its old duty cycle when its offered "
           "current is lowered.", "iec61851-ac-pilot:CP-11"),
    Defect("no_state_f_when_unavailable", "The charger keeps +12 V on the pilot when it is made unavailable "
           "instead of showing state F (-12 V).", "iec61851-ac-pilot:CP-12"),
]}


# Modules whose import registers more defects with ``register`` (one line per area, e.g. "sim.ocpp.defects").
AREAS: list[str] = [
    "sim.dc.defects",
    "sim.ocpp.defects",
]


def register(*defects: Defect) -> None:
    for d in defects:
        if d.name in DEFECTS:
            raise ValueError(f"defect {d.name!r} is registered twice")
        DEFECTS[d.name] = d


def all_defects() -> dict[str, Defect]:
    import importlib

    for module in AREAS:
        importlib.import_module(module)
    return DEFECTS


def check(names: list[str]) -> list[str]:
    all_defects()
    unknown = [n for n in names if n not in DEFECTS]
    if unknown:
        raise ValueError(f"unknown defect(s) {', '.join(unknown)}: expected names from 'chargebench defects'")
    return names
