"""Hioki PW3390 and PW6001 power analyzers, over LAN (raw TCP; port 3390 on the PW3390).

Commands follow Hioki's "PW3390 Communication Command Instruction Manual" (PW3390A975) and the PW6001
equivalent: headers off with ``:HEADer OFF`` so replies are bare numbers; several items read together in
one update with ``:MEASure? <item>,<item>,...`` where an item is a function and a channel (``U1``, ``I1``,
``P1``, ``S1``, ``Q1``, ``PF1``, ``FREQU1``, ``UTHD1``, ``ITHD1``, ``WP1``; sums over channels 1-3 as
``P123``); integration ``:INTEGrate:STARt|STOP|RESet``; errors through the IEEE 488.2 event status
register ``*ESR?`` (bit 5 command error, 4 execution error, 3 device error, 2 query error): Hioki has no
SCPI error queue. The data update interval is 50 ms on both models.
Unconfirmed: the FREQU/UTHD/ITHD/WP item spellings, the harmonic items ``UH1_05`` (order 5 of channel 1)
and the integration command spellings are our reading of the manual's tables.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..base.errors import InstrumentError, InstrumentReplyError
from ..base.instrument import Identity, Quantity, ScpiInstrument
from ..base.integrator import ScpiIntegrator
from ..base.roles import PowerAnalyzer

CHANNELS = {"PW3390": 4, "PW6001": 6}
ITEMS = {"urms": "U", "irms": "I", "p": "P", "s": "S", "q": "Q", "lambda": "PF", "fu": "FREQU",
         "uthd": "UTHD", "ithd": "ITHD", "wp": "WP"}
ESR_BITS = {0x20: '-100,"Command error"', 0x10: '-200,"Execution error"', 0x08: '-300,"Device-specific error"',
            0x04: '-400,"Query error"'}


class HiokiPW(ScpiIntegrator, PowerAnalyzer, ScpiInstrument):
    """A PW3390 (4 channels) or PW6001 (up to 6); elements are channels, 'sigma' the sum of 1-3."""

    QUANTITIES: ClassVar[dict[str, Quantity]] = {
        "urms": Quantity("V", 0, 1500, gain=0.0005, offset=0.1),
        "irms": Quantity("A", 0, 5000, gain=0.0005, offset=0.02),
        "p": Quantity("W", -1e7, 1e7, gain=0.0005, offset=1.0),
        "s": Quantity("VA", 0, 1e7, gain=0.0005, offset=1.0),
        "q": Quantity("var", -1e7, 1e7, gain=0.001, offset=1.0),
        "lambda": Quantity("1", -1, 1, offset=0.002),
        "fu": Quantity("Hz", 0, 1e6, gain=0.0005),
        "uthd": Quantity("%", 0, 1000, offset=0.1),
        "ithd": Quantity("%", 0, 1000, offset=0.1),
        "wp": Quantity("Wh", -1e9, 1e9, gain=0.0005, offset=0.01),
    }

    def __init__(self, transport: Any, name: str | None = None, configure: bool = True):
        super().__init__(transport, name)
        self.channels = 4
        if configure:
            self.send(":HEADer OFF")
            self.identify()

    def identify(self) -> Identity:
        ident = super().identify()
        if ident.manufacturer.upper() != "HIOKI" or ident.model.upper() not in CHANNELS:
            raise InstrumentReplyError(self.name, f"*IDN? says {ident}: not a Hioki PW3390/PW6001")
        self.channels = CHANNELS[ident.model.upper()]
        return ident

    def check_errors(self) -> list[str]:
        reply = self.ask("*ESR?")
        try:
            esr = int(reply)
        except ValueError:
            raise InstrumentReplyError(self.name, f"*ESR? reply {reply!r} is not a number") from None
        return [text for bit, text in ESR_BITS.items() if esr & bit]

    def _item(self, quantity: str, element: int | str | None) -> str:
        if quantity not in ITEMS:
            raise InstrumentError(self.name, f"has no quantity {quantity!r}")
        if element in (None, 1) or element == "1":
            return f"{ITEMS[quantity]}1"
        if isinstance(element, str):
            if element.lower() != "sigma":
                raise InstrumentError(self.name, f"element {element!r}: expected 1..{self.channels} or 'sigma'")
            return f"{ITEMS[quantity]}123"
        if not 1 <= element <= self.channels:
            raise InstrumentError(self.name, f"channel {element} is outside 1..{self.channels}")
        return f"{ITEMS[quantity]}{element}"

    def _measure(self, items: list[str]) -> list[float]:
        reply = self.ask(":MEASure? " + ",".join(items))
        fields = reply.split(",")
        if len(fields) != len(items):
            raise InstrumentReplyError(self.name, f"asked for {len(items)} values, got {len(fields)}: {reply!r}")
        try:
            values = [float(f) for f in fields]
        except ValueError:
            raise InstrumentReplyError(self.name, f"cannot parse {reply!r}") from None
        return [float("nan") if abs(v) >= 9.9e37 else v for v in values]  # Hioki's 'no data' / over-range

    def sample(self, items: list[tuple[str, int | str | None]]) -> list[float]:
        values = self._measure([self._item(q, el) for q, el in items])
        return [self.check(q, v) for (q, _), v in zip(items, values, strict=True)]

    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        return self._measure([self._item(quantity, element)])[0]

    def harmonics(self, signal: str, element: int | str | None, max_order: int) -> list[float]:
        if signal not in ("u", "i"):
            raise InstrumentError(self.name, f"harmonic signal {signal!r}: expected 'u' or 'i'")
        if not 1 <= max_order <= 100:
            raise InstrumentError(self.name, f"harmonic order {max_order} is outside 1..100")
        ch = self._item("urms", element)[1:]
        return self._measure([f"{signal.upper()}H{ch}_{n:02d}" for n in range(1, max_order + 1)])

    def update_interval_s(self) -> float:
        return 0.05
