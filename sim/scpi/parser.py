"""SCPI message parsing: ``;`` chains with the header-path rule, long and short forms, numeric suffixes.

A command pattern is written as in programming manuals, e.g. ``:NUMeric[:NORMal]:ITEM#`` where the
upper-case letters are the short form, ``[...]`` is an optional node and ``#`` a numeric suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class ScpiError(Exception):
    """An error for the instrument's queue: standard SCPI code and message."""

    def __init__(self, code: int, message: str):
        self.code, self.message = code, message
        super().__init__(f'{code},"{message}"')


@dataclass(frozen=True)
class Node:
    short: str
    long: str
    optional: bool
    suffix: bool

    def matches(self, token: str) -> tuple[bool, int | None]:
        if token.upper() in (self.short, self.long) and any(ch.isdigit() for ch in self.long):
            return True, None  # a node whose name ends in digits (Chroma's L1, Keysight's T3)
        m = re.fullmatch(r"([A-Za-z_*]+)(\d*)", token)
        if not m:
            return False, None
        word, digits = m.group(1).upper(), m.group(2)
        if word not in (self.short, self.long):
            return False, None
        if digits and not self.suffix:
            return False, None
        return True, int(digits) if digits else None


def compile_pattern(pattern: str) -> list[Node]:
    nodes = []
    for opt, name in re.findall(r"(\[?):?([A-Za-z*][A-Za-z0-9*]*#?)\]?", pattern):
        suffix = name.endswith("#")
        name = name.rstrip("#")
        short = "".join(ch for ch in name if ch.isupper() or ch.isdigit() or ch == "*")
        nodes.append(Node(short=short, long=name.upper(), optional=bool(opt), suffix=suffix))
    return nodes


def match(nodes: list[Node], tokens: list[str]) -> list[int | None] | None:
    """Match header tokens against a pattern; return the numeric suffixes of suffixed nodes."""

    def walk(ni: int, ti: int, acc: list[int | None]) -> list[int | None] | None:
        if ni == len(nodes):
            return acc if ti == len(tokens) else None
        node = nodes[ni]
        if ti < len(tokens):
            ok, num = node.matches(tokens[ti])
            if ok:
                got = walk(ni + 1, ti + 1, acc + ([num] if node.suffix else []))
                if got is not None:
                    return got
        if node.optional:
            return walk(ni + 1, ti, acc + ([None] if node.suffix else []))
        return None

    return walk(0, 0, [])


@dataclass
class Unit:
    """One command or query of a chain: header path tokens, query flag, argument text."""

    tokens: list[str]
    query: bool
    args: list[str]
    common: bool


def split_chain(message: str) -> list[str]:
    parts, buf, quote = [], [], ""
    for ch in message:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            buf.append(ch)
        elif ch == ";":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    if quote:
        raise ScpiError(-102, "Syntax error; unterminated string")
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


def parse(message: str) -> list[Unit]:
    """Parse a program message; relative headers after ``;`` inherit the previous header's path."""
    units: list[Unit] = []
    prefix: list[str] = []
    for part in split_chain(message):
        header, _, argtext = part.partition(" ")
        header = header.strip()
        if not header:
            raise ScpiError(-102, "Syntax error")
        query = header.endswith("?")
        header = header.rstrip("?")
        args = [a.strip() for a in argtext.split(",")] if argtext.strip() else []
        if header.startswith("*"):
            units.append(Unit([header.upper()], query, args, common=True))
            continue
        absolute = header.startswith(":")
        tokens = [t for t in header.split(":") if t]
        if not tokens or not all(re.fullmatch(r"[A-Za-z_]+\d*", t) for t in tokens):
            raise ScpiError(-102, f"Syntax error; bad header {header!r}")
        if not absolute and units and not units[-1].common:
            tokens = prefix + tokens
        prefix = tokens[:-1]
        units.append(Unit(tokens, query, args, common=False))
    return units
