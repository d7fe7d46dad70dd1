"""The two error types of the codec: one for bad EXI input, one for bad messages."""

from __future__ import annotations


class ExiError(Exception):
    """Base class of every error the EXI codec raises."""


class ExiDecodeError(ExiError):
    """The EXI stream is truncated, corrupt or uses a feature outside the V2G profile.

    Carries the bit offset where decoding failed and what the decoder expected there, so
    a trace of a misbehaving charger points at the exact spot.
    """

    def __init__(self, bit_offset: int, expected: str) -> None:
        self.bit_offset = bit_offset
        self.expected = expected
        super().__init__(f"EXI decode error at bit {bit_offset}: expected {expected}")


def format_path(path: object) -> str:
    """Paths are built lazily as (parent, key, index) tuples; format one for a message."""
    if not isinstance(path, tuple):
        return str(path)
    parent, key, index = path
    text = f"{format_path(parent)}.{key}" if key else format_path(parent)
    return text if index is None else f"{text}[{index}]"


class ExiEncodeError(ExiError):
    """The message does not fit the schema: the path names the offending field."""

    def __init__(self, path: object, problem: str) -> None:
        path = format_path(path)
        self.path = path
        self.problem = problem
        super().__init__(f"EXI encode error at {path}: {problem}")
