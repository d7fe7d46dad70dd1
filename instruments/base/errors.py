"""Typed instrument failures. Each names the instrument and what happened, so a test can end in ERROR
with a reason an engineer can act on at 2 a.m."""

from __future__ import annotations


class InstrumentError(Exception):
    """The instrument reported an error (its error queue) or refused a value."""

    def __init__(self, instrument: str, what: str):
        self.instrument = instrument
        self.what = what
        super().__init__(f"{instrument}: {what}")


class InstrumentTimeout(InstrumentError):
    """No reply within the instrument's timeout."""


class InstrumentLost(InstrumentError):
    """The connection dropped or could not be opened."""


class InstrumentReplyError(InstrumentError):
    """A reply that cannot be parsed or lies outside what the instrument can measure."""
