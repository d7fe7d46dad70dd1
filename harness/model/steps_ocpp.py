"""Step models for the OCPP CSMS peer (csms.expect, csms.call, ...)."""

from __future__ import annotations

OCPP_STEPS: tuple[type, ...] = ()
