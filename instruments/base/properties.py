"""Declared instrument properties (PyMeasure style): the driver reads like the programming manual, and
every value is validated before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Validator = Callable[[Any], Any]


def strict_range(low: float, high: float) -> Validator:
    def check(value: Any) -> float:
        v = float(value)
        if not low <= v <= high:
            raise ValueError(f"{v:g} is outside the range [{low:g}, {high:g}]")
        return v

    check.__doc__ = f"in [{low:g}, {high:g}]"
    return check


def strict_discrete_set(values: Sequence[Any]) -> Validator:
    allowed = list(values)

    def check(value: Any) -> Any:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {allowed}")
        return value

    check.__doc__ = f"one of {allowed}"
    return check


def _scpi_float(reply: str) -> float:
    value = float(reply)
    if abs(value) >= 9.9e37:  # SCPI 'not a number' / overrange marker
        return float("nan")
    return value


class _Prop:
    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name


class measurement(_Prop):
    """Read-only: ``query`` is sent, the reply parsed with ``cast``."""

    def __init__(self, query: str, doc: str, cast: Callable[[str], Any] = _scpi_float):
        self.query, self.cast, self.__doc__ = query, cast, doc

    def __get__(self, inst: Any, owner: type | None = None) -> Any:
        if inst is None:
            return self
        return inst.ask(self.query, self.cast)


class setting(_Prop):
    """Write-only: the value is validated, optionally mapped, then formatted into ``command``."""

    def __init__(self, command: str, doc: str, validator: Validator | None = None,
                 map_values: dict[Any, str] | None = None):
        self.command, self.validator, self.map_values, self.__doc__ = command, validator, map_values, doc

    def _encode(self, value: Any) -> str:
        if self.validator is not None:
            value = self.validator(value)
        if self.map_values is not None:
            if value not in self.map_values:
                raise ValueError(f"{value!r} is not one of {list(self.map_values)}")
            value = self.map_values[value]
        return self.command.format(value)

    def __set__(self, inst: Any, value: Any) -> None:
        try:
            command = self._encode(value)
        except ValueError as exc:
            raise inst.value_error(self.name, exc) from None
        inst.send(command)

    def __get__(self, inst: Any, owner: type | None = None) -> Any:
        if inst is None:
            return self
        raise AttributeError(f"{self.name} is write-only")


class control(setting):
    """Read and write: a setting with a query."""

    def __init__(self, query: str, command: str, doc: str, validator: Validator | None = None,
                 map_values: dict[Any, str] | None = None, cast: Callable[[str], Any] = _scpi_float):
        super().__init__(command, doc, validator, map_values)
        self.query, self.cast = query, cast

    def __get__(self, inst: Any, owner: type | None = None) -> Any:
        if inst is None:
            return self
        value = inst.ask(self.query, self.cast)
        if self.map_values is not None:
            reverse = {v.upper(): k for k, v in self.map_values.items()}
            return reverse.get(str(value).upper(), value)
        return value
