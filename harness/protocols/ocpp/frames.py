"""OCPP-J framing (RPC framework, OCPP-J 1.6 section 4 / OCPP 2.0.1 Part 4 section 4): parse, classify,
validate against the OCA schemas shipped with ``ocpp``.

Parsing never raises on the charger's input: anything malformed comes back as a ``FrameError`` naming the
OCPP error code the CSMS should answer with (or None when no answer is possible).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import fastjsonschema
import ocpp
from ocpp.exceptions import OCPPError
from ocpp.messages import Call, CallResult
from ocpp.messages import _validate_payload as validate_payload  # the sync core of the async API
from ocpp.v16.enums import Action as Action16
from ocpp.v201.enums import Action as Action201

CALL, CALLRESULT, CALLERROR = 2, 3, 4
VERSIONS = {"ocpp1.6": "1.6", "ocpp2.0.1": "2.0.1"}
ACTIONS = {"1.6": {a.value for a in Action16}, "2.0.1": {a.value for a in Action201}}
MAX_ID = 36  # OCPP-J: unique id is a string of at most 36 characters


@dataclass
class Frame:
    kind: int
    unique_id: str
    action: str | None = None
    payload: Any = None
    error_code: str | None = None
    error_description: str | None = None


@dataclass
class FrameError:
    """A malformed frame: what is wrong, and the CallError code owed to the sender (if it had an id)."""

    kind: str
    detail: str
    unique_id: str | None = None
    error_code: str | None = None


def error_code(version: str, code: str) -> str:
    """OCPP 1.6 spells it FormationViolation (OCPP-J 1.6 section 4.2.3); ``ocpp`` sends FormatViolation."""
    if version == "1.6" and code == "FormatViolation":
        return "FormationViolation"
    if version == "1.6" and code == "OccurrenceConstraintViolation":
        return "OccurenceConstraintViolation"
    return code


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (RFC 8259)")


_HEAD = re.compile(r'\s*\[\s*2\s*,\s*"([^"\\]{1,36})"')  # a CALL's unique id, read without parsing the rest


def rpc_error(version: str, kind: str) -> str:
    """The CallError code for a frame that is not a valid RPC message (OCPP-J 1.6 §4.2.3; 2.0.1 Part 4 §4.2.3)."""
    if kind == "too_deep":
        return "GenericError"
    if kind == "bad_message_type":
        return "MessageTypeNotSupported" if version != "1.6" else "GenericError"
    return "RpcFrameworkError" if version != "1.6" else "FormationViolation"


def parse(text: str | bytes) -> Frame | FrameError:
    if isinstance(text, bytes):
        return FrameError("binary_frame", "OCPP-J uses text frames only")
    try:
        msg = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        head = _HEAD.match(text)
        return FrameError("too_deep", "JSON nested deeper than the CSMS parses", head.group(1) if head else None,
                          "rpc" if head else None)
    except ValueError as exc:
        return FrameError("invalid_json", f"not JSON: {str(exc)[:200]}")
    if not isinstance(msg, list) or not msg:
        return FrameError("not_an_array", "an OCPP-J message is a non-empty JSON array")
    kind = msg[0]
    uid = msg[1] if len(msg) > 1 and isinstance(msg[1], str) else None
    if not isinstance(kind, int) or isinstance(kind, bool) or kind not in (CALL, CALLRESULT, CALLERROR):
        # Without a valid type we cannot know it was a CALL; answer only when it carries an id.
        return FrameError("bad_message_type", f"message type id {str(kind)[:40]} is not 2, 3 or 4", uid,
                          "rpc" if uid else None)
    if uid is None or len(uid) > MAX_ID:
        return FrameError("bad_unique_id", f"unique id {msg[1] if len(msg) > 1 else None!r} is not a string "
                          f"of at most {MAX_ID} characters")
    if kind == CALL:
        if len(msg) != 4 or not isinstance(msg[2], str) or not isinstance(msg[3], dict):
            return FrameError("bad_call", "a CALL is [2, id, action, {payload}]", uid, "rpc")
        return Frame(CALL, uid, msg[2], msg[3])
    if kind == CALLRESULT:
        if len(msg) != 3 or not isinstance(msg[2], dict):
            return FrameError("bad_callresult", "a CALLRESULT is [3, id, {payload}]", uid)
        return Frame(CALLRESULT, uid, payload=msg[2])
    if len(msg) != 5 or not isinstance(msg[2], str) or not isinstance(msg[4], dict):
        return FrameError("bad_callerror", "a CALLERROR is [4, id, code, description, {details}]", uid)
    return Frame(CALLERROR, uid, payload=msg[4], error_code=msg[2], error_description=str(msg[3]))


# 1.6 schemas with multipleOf on floats: the ocpp package validates these with Decimal parsing.
DECIMAL_16 = {"SetChargingProfile", "RemoteStartTransaction", "GetCompositeSchedule"}
_fast: dict[tuple[str, int, str], Callable[[Any], Any] | None] = {}


def _fast_validator(version: str, kind: int, action: str) -> Callable[[Any], Any] | None:
    """The same OCA schema the ocpp package ships, compiled to Python (fastjsonschema): about 15 times faster
    than jsonschema for the valid frames that make up nearly all traffic."""
    key = (version, kind, action)
    if key not in _fast:
        name = action + ("Response" if kind == CALLRESULT else ("Request" if version != "1.6" else ""))
        path = os.path.join(os.path.dirname(ocpp.__file__), "v" + version.replace(".", ""), "schemas", name + ".json")
        try:
            with open(path, encoding="utf-8-sig") as fh:
                _fast[key] = fastjsonschema.compile(json.load(fh))
        except (OSError, ValueError, fastjsonschema.JsonSchemaDefinitionException):
            _fast[key] = None
    return _fast[key]


def check_schema(version: str, kind: int, action: str, payload: dict) -> tuple[str, str] | None:
    """Validate ``payload`` for ``action``; None when valid, else (error code, cause).

    Valid payloads pass the compiled validator; anything it refuses is classified by the ocpp package's own
    validation, so the error code is the one the library (and the suites) expect."""
    if action not in ACTIONS[version]:
        return "NotSupported", f"{action!r} is not an OCPP {version} action"
    fast = None if (version == "1.6" and action in DECIMAL_16) else _fast_validator(version, kind, action)
    if fast is not None:
        try:
            fast(payload)
            return None
        except fastjsonschema.JsonSchemaValueException:
            pass
    message = (Call(unique_id="x", action=action, payload=payload) if kind == CALL
               else CallResult(unique_id="x", action=action, payload=payload))
    try:
        validate_payload(message, version)
    except OCPPError as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        return error_code(version, exc.code), str(details.get("cause", exc.description))[:300]
    return None


def pack_call(uid: str, action: str, payload: dict) -> str:
    return json.dumps([CALL, uid, action, payload], separators=(",", ":"))


def pack_result(uid: str, payload: dict) -> str:
    return json.dumps([CALLRESULT, uid, payload], separators=(",", ":"))


def pack_error(uid: str, code: str, description: str = "", details: dict | None = None) -> str:
    return json.dumps([CALLERROR, uid, code, description[:255], details or {}], separators=(",", ":"))
