"""OCPP CSMS peer: plays the backend a charger under test talks to (OCPP 1.6J and 2.0.1).

Built on the ``ocpp`` package's schemas and enums over ``websockets``; a raw-frame layer underneath so a
charger that breaks the rules is recorded as a finding instead of stopping the CSMS.
"""

from .csms import Csms, CsmsConfig
from .session import Finding, Message, Session

__all__ = ["Csms", "CsmsConfig", "Finding", "Message", "Session"]
