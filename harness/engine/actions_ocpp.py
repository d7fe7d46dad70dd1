"""Actions driving the OCPP CSMS peer."""

from __future__ import annotations
