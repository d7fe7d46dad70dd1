"""Random, schema-valid messages drawn from the grammar tables.

Why: property tests, fuzzing and interop checks need valid messages of every message
type of every namespace; walking the same grammars the codec uses gives them for free,
including rarely used branches (choices, substitution groups, optional fields).
"""

from __future__ import annotations

import base64
import random
import string

from .datatypes import B64, BOOL, DEC, ENUM, HEX, INT, LIST, NBIT, STR, UINT
from .schema import AT, CH, EE, SE, Schema, load_schema

_TEXT = string.ascii_letters + string.digits + ":/._-"


class MessageSampler:
    """Draws messages {root: content} for one namespace.

    The walk follows grammar productions, so the result is valid by construction;
    max_items bounds repetitions so messages stay small.
    """

    def __init__(self, namespace: str, rng: random.Random, max_items: int = 3,
                 unicode: bool = True, edge: bool = False) -> None:
        self.schema: Schema = load_schema(namespace)
        self.rng = rng
        self.max_items = max_items
        self.unicode = unicode
        #: also draw values EXIficient encodes at the second level: empty text, and
        #: integers / enumeration literals outside their datatype
        self.edge = edge

    def message_types(self) -> list[str]:
        """Every message of the namespace: the Body members for DIN/-2, else the roots."""
        roots = self.roots()
        if roots != ["V2G_Message"]:
            return roots
        body = self._grammar_of("V2G_Message", "Body")
        return sorted({p[1] for st in body.states for p in st[3] if p[0] == SE} - {"BodyElement"})

    def message_of_type(self, name: str) -> dict:
        """A message whose body (or root) is the message type name."""
        if self.roots() != ["V2G_Message"]:
            return self.message(name)
        header = self._child_index("V2G_Message", "Header")
        _code, child, _skey = self.schema.document.by_key[name]
        assert child is not None and child >= 0
        return {"V2G_Message": {"Header": self.element(header, 1),
                                "Body": {name: self.element(child, 2)}}}

    def _child_index(self, root: str, key: str) -> int:
        _code, child, _skey = self.schema.document.by_key[root]
        grammar = self.schema.grammars[child]  # type: ignore[index]
        for st in grammar.states:
            if key in st[1]:
                return st[1][key][1]
        raise KeyError(key)

    def _grammar_of(self, root: str, key: str):
        return self.schema.grammars[self._child_index(root, key)]

    def roots(self) -> list[str]:
        """The message roots: V2G_Message for DIN/-2, the Req/Res elements otherwise."""
        names = [name for name, _uri, child in self.schema.document.entries
                 if child is not None and child >= 0]
        if "V2G_Message" in names:
            return ["V2G_Message"]
        return [n for n in names if n.endswith(("Req", "Res"))] or names

    def message(self, root: str | None = None) -> dict:
        roots = self.roots()
        name = root or self.rng.choice(roots)
        _code, child, _skey = self.schema.document.by_key[name]
        assert child is not None and child >= 0
        return {name: self.element(child, 0)}

    def element(self, grammar_index: int, depth: int) -> dict:
        grammar = self.schema.grammars[grammar_index]
        obj: dict = {}
        counts: dict[str, int] = {}
        s = 0
        while True:
            _w, _by_key, ee, prods, *_l2 = grammar.states[s]
            options = [p for p in prods if p[0] in (AT, SE, CH, EE)]
            if ee >= 0 and (depth > 6 or self.rng.random() < 0.35):
                return obj
            options = [p for p in options if p[0] != EE
                       and not (p[0] == SE and counts.get(p[1], 0) >= self.max_items)]
            if not options:
                if ee >= 0:
                    return obj
                options = [p for p in prods if p[0] in (AT, SE, CH)]
                if not options:
                    raise ValueError(f"grammar {grammar_index} needs wildcard content")
            kind, key, child, s, is_list, _skey = self.rng.choice(options)
            counts[key] = counts.get(key, 0) + 1
            if child >= 0:
                value: object = self.element(child, depth + 1)
            else:
                # attributes with invalid values would need EXI's third level: not drawn
                value = self.value(self.schema.datatypes[~child], edge=kind != AT)
            if is_list:
                obj.setdefault(key, []).append(value)
            else:
                obj[key] = value

    def value(self, dt: tuple, edge: bool = True) -> object:
        rng = self.rng
        code = dt[0]
        if edge and self.edge and rng.random() < 0.08:
            if code in (STR, HEX, B64):
                return ""
            if code == NBIT:
                return rng.choice([dt[2] - 1, dt[3] + 1])
            if code == ENUM and isinstance(dt[1][0], str):
                return "NotInTheSchema"
            if code == UINT:
                return -rng.randint(1, 99)
        if code == NBIT:
            return rng.randint(dt[2], dt[3])
        if code == UINT:
            hi = dt[1] if dt[1] is not None else 2**64
            return rng.choice([0, 1, rng.randint(0, 200), rng.randint(0, hi), hi])
        if code == INT:
            lo = dt[1] if dt[1] is not None else -(2**63)
            hi = dt[2] if dt[2] is not None else 2**63
            return rng.choice([0, -1, lo, hi, rng.randint(lo, hi), rng.randint(-100, 100)])
        if code == BOOL:
            return rng.random() < 0.5
        if code == ENUM:
            return rng.choice(dt[1])
        if code == STR:
            n = rng.choice([1, 2, 5, rng.randint(1, 40)])
            text = "".join(rng.choice(_TEXT) for _ in range(n))
            if self.unicode and rng.random() < 0.1:
                text += rng.choice(["é", "€", "\u4e2d", "\U0001f50c"])
            return text
        if code == HEX:
            return rng.randbytes(rng.randint(1, 16)).hex().upper()
        if code == B64:
            return base64.b64encode(rng.randbytes(rng.randint(1, 64))).decode()
        if code == DEC:
            return str(rng.randint(-1000, 1000))
        if code == LIST:
            return [self.value(self.schema.datatypes[dt[1]]) for _ in range(rng.randint(0, 3))]
        raise ValueError(f"cannot sample datatype {dt!r}")
