"""Chroma 63200A series high-power DC electronic loads (e.g. 63206A-600-420), SCPI over LAN.

Commands follow Chroma's "63200A Series Programmable DC Electronic Load Operating & Programming Manual":
``MODE CCH|CRH|CV|CPH`` (high ranges), static setpoints ``CURR:STAT:L1``, ``RES:STAT:L1``, ``VOLT:STAT:L1``,
``POW:STAT:L1``, current slew ``CURR:STAT:RISE|FALL`` in A/us, ``LOAD ON|OFF``, ``MEAS:VOLT?|CURR?|POW?``,
error queue ``SYST:ERR?``. The ratings come from the model name (632PPA-VVV-III: PP kW, VVV V, III A).
Unconfirmed (no manual page to hand for these): the protection commands ``CONF:PROT:VOLT|CURR|POW`` are our
reading of the front-panel OVP/OCP/OPP settings; the model-name rule was checked on a few names only.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ..base.errors import InstrumentReplyError
from ..base.instrument import Identity
from ..base.properties import control, strict_discrete_set
from ..base.scpi_load import ScpiDcLoad


class Chroma63200A(ScpiDcLoad):
    MODE_COMMAND = "MODE {}"
    MODE_WORDS: ClassVar[dict[str, str]] = {"CC": "CCH", "CR": "CRH", "CV": "CV", "CP": "CPH"}
    SETPOINTS: ClassVar[dict[str, tuple[str, str]]] = {
        "CC": ("CURR:STAT:L1?", "CURR:STAT:L1 {:g}"), "CR": ("RES:STAT:L1?", "RES:STAT:L1 {:g}"),
        "CV": ("VOLT:STAT:L1?", "VOLT:STAT:L1 {:g}"), "CP": ("POW:STAT:L1?", "POW:STAT:L1 {:g}"),
    }
    SLEW_COMMAND = "CURR:STAT:RISE {0:g};FALL {0:g}"
    SLEW_UNIT_PER_MS = 1e-3  # A/us
    PROTECTION: ClassVar[dict[str, str]] = {"ovp": ":CONF:PROT:VOLT {:g}", "ocp": ":CONF:PROT:CURR {:g}",
                                            "opp": ":CONF:PROT:POW {:g}"}
    INPUT_COMMAND = "LOAD {}"
    INPUT_QUERY = "LOAD?"
    DEFAULT_RATINGS = (600.0, 420.0, 6000.0)

    mode = control("MODE?", "MODE {}", "Control the load mode (high/low ranges).",
                   validator=strict_discrete_set(["CCH", "CCL", "CRH", "CRL", "CV", "CPH", "CPL"]), cast=str)

    def identify(self) -> Identity:
        ident = super().identify()
        if ident.manufacturer.upper() != "CHROMA":
            raise InstrumentReplyError(self.name, f"*IDN? says {ident.manufacturer!r}: not a Chroma load")
        m = re.fullmatch(r"632(\d\d)A-(\d+)-(\d+)", ident.model.upper())
        if m is None:
            raise InstrumentReplyError(self.name, f"model {ident.model!r} is not a 63200A (632PPA-VVV-III)")
        self.configure_limits(float(m.group(2)), float(m.group(3)), float(m.group(1)) * 1000)
        return ident
