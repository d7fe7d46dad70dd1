"""Expectations over a charger's message history: wait for a message matching a partial payload, in
lenient order (anything since the mark counts) or strict order (the next one of that action must match).

Payloads are compared as subsets: every key the test names must be there with an equal value (lists match
element by element, or ``{"$any": [...]}`` when one element anywhere must match). Numbers compare by value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .session import Charger, Message


def matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        if set(expected) == {"$any"}:
            return isinstance(actual, list) and any(matches(e, a) for e in expected["$any"] for a in actual)
        if set(expected) == {"$oneof"}:
            return any(matches(e, actual) for e in expected["$oneof"])
        if set(expected) == {"$present"}:
            return (actual is not None) == bool(expected["$present"])
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) <= len(actual) and all(
            matches(e, a) for e, a in zip(expected, actual, strict=False))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return abs(float(expected) - float(actual)) <= 1e-9 * max(1.0, abs(float(expected)))
    return expected == actual


@dataclass
class Seen:
    message: Message | None
    mismatch: Message | None = None  # strict order: the message of that action that came first and differed
    waited_s: float = 0.0


def wait_for(charger: Charger, action: str, payload: dict | None, timeout_s: float, since_seq: int,
             strict: bool = False, kind: int = 2, direction: str = "rx",
             check: Callable[[], None] | None = None, nth: int = 1) -> Seen:
    """Block until the ``nth`` matching message arrives after ``since_seq`` (real seconds timeout)."""
    t0 = time.monotonic()
    deadline = t0 + timeout_s
    idx = 0
    found = 0
    with charger.cond:
        while True:
            hist = charger.history
            while idx < len(hist):
                m = hist[idx]
                idx += 1
                if m.seq <= since_seq or m.action != action or m.kind != kind or m.direction != direction:
                    continue
                if payload is None or matches(payload, m.payload):
                    found += 1
                    if found >= nth:
                        return Seen(m, waited_s=time.monotonic() - t0)
                elif strict:
                    return Seen(None, mismatch=m, waited_s=time.monotonic() - t0)
            left = deadline - time.monotonic()
            if left <= 0:
                return Seen(None, waited_s=time.monotonic() - t0)
            charger.cond.wait(min(left, 0.05))
            if check is not None:
                charger.cond.release()
                try:
                    check()
                finally:
                    charger.cond.acquire()


def messages_since(charger: Charger, since_seq: int, action: str | None = None, kind: int | None = None,
                   direction: str | None = None) -> list[Message]:
    with charger.cond:
        return [m for m in charger.history if m.seq > since_seq and (action is None or m.action == action)
                and (kind is None or m.kind == kind) and (direction is None or m.direction == direction)]
