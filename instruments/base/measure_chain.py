"""Reading several quantities in one SCPI message (``MEAS:VOLT?;:MEAS:CURR?``), shared by the DC loads
and the AC sources: one message means one instrument update, so the values belong together."""

from __future__ import annotations

from typing import Any, ClassVar

from .errors import InstrumentError, InstrumentReplyError


class ChainedMeasurements:
    """Mix in before the Instrument base; the family sets ``MEASURE`` (quantity -> query)."""

    MEASURE: ClassVar[dict[str, str]] = {}
    UPDATE_INTERVAL_S: ClassVar[float] = 0.1
    name: str
    ask: Any
    check: Any

    @staticmethod
    def parse_number(text: str) -> float:
        return float(text)

    def sample(self, items: list[tuple[str, int | str | None]]) -> list[float]:
        for q, _ in items:
            if q not in self.MEASURE:
                raise InstrumentError(self.name, f"has no quantity {q!r}: expected one of {', '.join(self.MEASURE)}")
        reply = self.ask(";:".join(self.MEASURE[q] for q, _ in items))  # one message, one update
        fields = reply.split(";")
        if len(fields) != len(items):
            raise InstrumentReplyError(self.name, f"asked for {len(items)} values, got {reply!r}")
        try:
            values = [self.parse_number(f) for f in fields]
        except (ValueError, IndexError):
            raise InstrumentReplyError(self.name, f"cannot parse {reply!r}") from None
        return [self.check(q, v) for (q, _), v in zip(items, values, strict=True)]

    def _read_raw(self, quantity: str, element: int | str | None) -> float:
        return self.sample([(quantity, element)])[0]

    def update_interval_s(self) -> float:
        return self.UPDATE_INTERVAL_S
