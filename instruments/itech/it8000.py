"""ITECH IT8000 series regenerative DC electronic loads (e.g. IT8018-1500-600), SCPI over LAN.

Commands follow ITECH's "IT8000 Programming Guide" (SCPI 1999): ``SYST:REM``, ``FUNC CURR|VOLT|POW|RES``,
setpoints ``CURR``, ``VOLT``, ``POW``, ``RES``, ``INP ON|OFF``, measurements ``MEAS:VOLT?|CURR?|POW?``,
protection ``VOLT:PROT``, ``CURR:PROT``, ``POW:PROT``, error queue ``SYST:ERR?``. Absorbed energy is fed
back to the grid (regenerative). Ratings come from the model name (IT80PP-VVV-III: PP kW).
Unconfirmed: the slew-rate command and its unit (we send ``CURR:SLEW <A/ms>``; some ITECH families use
``CURR:SLEW:RISE|FALL`` in A/us) and the model-name rule.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from ..base.errors import InstrumentReplyError
from ..base.instrument import Identity
from ..base.properties import control, strict_discrete_set
from ..base.scpi_load import ScpiDcLoad


class ItechIT8000(ScpiDcLoad):
    REGENERATIVE = True
    MODE_COMMAND = "FUNC {}"
    MODE_WORDS: ClassVar[dict[str, str]] = {"CC": "CURR", "CV": "VOLT", "CP": "POW", "CR": "RES"}
    SETPOINTS: ClassVar[dict[str, tuple[str, str]]] = {
        "CC": ("CURR?", "CURR {:g}"), "CV": ("VOLT?", "VOLT {:g}"), "CP": ("POW?", "POW {:g}"),
        "CR": ("RES?", "RES {:g}"),
    }
    SLEW_COMMAND = "CURR:SLEW {:g}"
    PROTECTION: ClassVar[dict[str, str]] = {"ovp": "VOLT:PROT {:g}", "ocp": "CURR:PROT {:g}", "opp": "POW:PROT {:g}"}
    INPUT_COMMAND = "INP {}"
    DEFAULT_RATINGS = (1500.0, 600.0, 18_000.0)

    function = control("FUNC?", "FUNC {}", "Control the operating mode.",
                       validator=strict_discrete_set(["CURR", "VOLT", "POW", "RES"]), cast=str)

    def __init__(self, transport: Any, name: str | None = None, remote: bool = True):
        super().__init__(transport, name)
        if remote:
            self.send("SYST:REM")  # front panel locked while the harness drives it

    def identify(self) -> Identity:
        ident = super().identify()
        if ident.manufacturer.upper() != "ITECH":
            raise InstrumentReplyError(self.name, f"*IDN? says {ident.manufacturer!r}: not an ITECH load")
        m = re.fullmatch(r"IT80(\d\d)\w*-(\d+)-(\d+)", ident.model.upper())
        if m is None:
            raise InstrumentReplyError(self.name, f"model {ident.model!r} is not an IT8000 (IT80PP-VVV-III)")
        self.configure_limits(float(m.group(2)), float(m.group(3)), float(m.group(1)) * 1000)
        return ident
