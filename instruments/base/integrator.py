"""The ``:INTEGrate`` command group that Yokogawa WT and Hioki PW analyzers share, written once."""

from __future__ import annotations

from collections.abc import Callable


class ScpiIntegrator:
    """Energy integration by ``:INTEGrate:STARt|STOP|RESet``; the safe state stops integration so the
    energy counters stay as evidence (an analyzer drives nothing)."""

    send: Callable[[str], None]  # the instrument's (mixed in before the Instrument base)

    def integration_start(self) -> None:
        self.send(":INTEGrate:STARt")

    def integration_stop(self) -> None:
        self.send(":INTEGrate:STOP")

    def integration_reset(self) -> None:
        self.send(":INTEGrate:RESet")

    def safe_state(self) -> None:
        self.send(":INTEGrate:STOP")
