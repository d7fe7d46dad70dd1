"""Yokogawa WT series power analyzers (WT5000, WT1800E, WT500) over the WT command set.

Commands follow Yokogawa's communication interface manuals (IM WT5000-17EN, IM WT1801E-17EN,
IM WT500-17EN): numeric items are chosen with ``:NUMeric:NORMal:ITEM<x> <function>,<element>`` and read
together with ``:NUMeric:NORMal:VALue?``; the error queue is ``:STATus:ERRor?``; integration is
``:INTEGrate:STARt|STOP|RESet``; harmonics come from the ``:NUMeric:LIST`` group (total, DC, orders 1..n);
the data update interval is ``:RATE``. Headers and verbose replies are switched off on connect so replies are
bare numbers. Not yet checked against a real instrument (no hardware here): the recorded exchanges in
tests/instruments were transcribed from the manuals' syntax.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..base.errors import InstrumentError, InstrumentReplyError
from ..base.instrument import Identity, Quantity, ScpiInstrument
from ..base.integrator import ScpiIntegrator
from ..base.properties import control, strict_discrete_set
from ..base.roles import PowerAnalyzer

ELEMENTS = {"WT5000": 7, "WT1801E": 1, "WT1802E": 2, "WT1803E": 3, "WT1804E": 4, "WT1805E": 5,
            "WT1806E": 6, "WT1800": 6, "WT500": 3}
# our quantity name -> WT numeric function
FUNCTIONS = {"urms": "URMS", "irms": "IRMS", "p": "P", "s": "S", "q": "Q", "lambda": "LAMBDA", "fu": "FU",
             "fi": "FI", "wp": "WP", "uthd": "UTHD", "ithd": "ITHD",
             "udc": "UDC", "idc": "IDC"}  # simple averages: signed, so a DC discharge reads negative


class YokogawaWT(ScpiIntegrator, PowerAnalyzer, ScpiInstrument):
    """A WT-series analyzer; elements 1..N and 'sigma' (the wiring unit's total)."""

    ERROR_QUERY = ":STATus:ERRor?"
    QUANTITIES: ClassVar[dict[str, Quantity]] = {
        "urms": Quantity("V", 0, 1500, gain=0.0005, offset=0.05),
        "irms": Quantity("A", 0, 2000, gain=0.0005, offset=0.01),
        "p": Quantity("W", -3e6, 3e6, gain=0.0005, offset=1.0),
        "s": Quantity("VA", 0, 3e6, gain=0.0005, offset=1.0),
        "q": Quantity("var", -3e6, 3e6, gain=0.001, offset=1.0),
        "lambda": Quantity("1", -1, 1, offset=0.002),
        "fu": Quantity("Hz", 0, 1e6, gain=0.0006),
        "fi": Quantity("Hz", 0, 1e6, gain=0.0006),
        "wp": Quantity("Wh", -1e9, 1e9, gain=0.0005, offset=0.01),
        "uthd": Quantity("%", 0, 1000, offset=0.1),
        "ithd": Quantity("%", 0, 1000, offset=0.1),
        "udc": Quantity("V", -1500, 1500, gain=0.0005, offset=0.05),
        "idc": Quantity("A", -2000, 2000, gain=0.0005, offset=0.01),
    }

    wiring = control(":INPut:WIRing?", ":INPut:WIRing {}", "Control the wiring system of the first unit.",
                     validator=strict_discrete_set(["P1W2", "P1W3", "P3W3", "P3W4", "V3A3"]), cast=str)
    update_rate_ms = control(":RATE?", ":RATE {}MS", "Control the data update interval in milliseconds.",
                             validator=strict_discrete_set([10, 50, 100, 200, 500, 1000, 2000, 5000, 10000,
                                                            20000]),
                             cast=lambda r: round(float(r) * 1000))
    integration_state = control(":INTEGrate:STATe?", "", "Get the integrator state (RESet/STARt/STOP...).",
                                cast=str)

    def __init__(self, transport: Any, name: str | None = None, configure: bool = True):
        super().__init__(transport, name)
        self._items: list[tuple[str, str]] = []
        self._rate_s: float | None = None
        self.elements = 7
        if configure:
            self.configure()

    def configure(self) -> None:
        """Bare replies, ASCII numbers; learn the element count from the model."""
        self.send(":COMMunicate:HEADer OFF;VERBose OFF")
        self.send(":NUMeric:FORMat ASCii")
        self.elements = ELEMENTS.get(self.identify().model, 7)

    def identify(self) -> Identity:
        ident = super().identify()
        if ident.manufacturer.upper() != "YOKOGAWA":
            raise InstrumentReplyError(self.name, f"*IDN? says {ident.manufacturer!r}: not a Yokogawa WT")
        return ident

    def _element_token(self, element: int | str | None) -> str:
        if element is None:
            element = 1
        if isinstance(element, str):
            if element.lower() != "sigma":
                raise InstrumentError(self.name, f"element {element!r}: expected 1..{self.elements} or 'sigma'")
            return "SIGMA"
        if not 1 <= element <= self.elements:
            raise InstrumentError(self.name, f"element {element} is outside 1..{self.elements}")
        return str(element)

    def _selection(self, items: list[tuple[str, int | str | None]]) -> tuple[str | None, list[tuple[str, str]]]:
        """The item-selection message for ``:NUMeric:NORMal:VALue?`` (None when already selected)."""
        wanted = [(FUNCTIONS[q], self._element_token(el)) for q, el in items]
        if wanted == self._items:
            return None, wanted
        parts = [f":NUMeric:NORMal:NUMber {len(wanted)}"]
        parts += [f"ITEM{i} {fn},{el}" for i, (fn, el) in enumerate(wanted, start=1)]
        return ";".join(parts), wanted

    def read_many(self, items: list[tuple[str, int | str | None]]) -> list[float]:
        """Read several quantities from one update of the instrument (one query)."""
        for q, _ in items:
            if q not in FUNCTIONS:
                raise InstrumentError(self.name, f"has no quantity {q!r}")
        selection, wanted = self._selection(items)
        # selection and query in one message: nothing (an acquisition thread) can come between them
        self._items = []  # unknown until the instrument has answered
        reply = self.ask(f"{selection};:NUMeric:NORMal:VALue?" if selection else ":NUMeric:NORMal:VALue?")
        self._items = wanted
        fields = reply.split(",")
        if len(fields) != len(items):
            raise InstrumentReplyError(self.name, f"asked for {len(items)} values, got {len(fields)}: {reply!r}")
        values = []
        for text in fields:
            text = text.strip()
            if text.upper() in {"NAN", "INF", "-INF"}:
                values.append(float("nan"))
                continue
            try:
                value = float(text)
            except ValueError:
                raise InstrumentReplyError(self.name, f"cannot parse numeric value {text!r}") from None
            values.append(float("nan") if abs(value) >= 9.9e37 else value)
        return values

    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        return self.read_many([(quantity, element)])[0]

    def sample(self, items: list[tuple[str, int | str | None]]) -> list[float]:
        """Several quantities from one update (one query), each range-checked."""
        return [self.check(q, v) for (q, _), v in zip(items, self.read_many(items), strict=True)]

    def update_interval_s(self) -> float:
        """The data update interval (``:RATE``): numeric data change once per interval."""
        if self._rate_s is None:
            self._rate_s = self.update_rate_ms / 1000.0
        return self._rate_s

    def set_update_rate_ms(self, ms: int) -> None:
        self.update_rate_ms = ms
        self._rate_s = ms / 1000.0

    def harmonics(self, signal: str, element: int | str | None, max_order: int) -> list[float]:
        """Orders 1..max_order of U or I from the harmonic list (``:NUMeric:LIST``): the reply holds the
        total, then order 0 (DC), then orders 1..max_order."""
        if signal not in ("u", "i"):
            raise InstrumentError(self.name, f"harmonic signal {signal!r}: expected 'u' or 'i'")
        if not 1 <= max_order <= 500:
            raise InstrumentError(self.name, f"harmonic order {max_order} is outside 1..500")
        el = self._element_token(element)
        self.send(f":NUMeric:LIST:NUMber 1;ORDer {max_order};SELect ALL;ITEM1 {signal.upper()},{el}")
        reply = self.ask(":NUMeric:LIST:VALue?")
        fields = reply.split(",")
        if len(fields) != max_order + 2:
            raise InstrumentReplyError(self.name, f"harmonic list has {len(fields)} values, expected {max_order + 2}")
        try:
            return [float(f) for f in fields[2:]]
        except ValueError:
            raise InstrumentReplyError(self.name, f"cannot parse harmonic list {reply!r}") from None
