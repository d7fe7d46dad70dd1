"""Build schema-valid V2G messages (in the EXICodec.jar JSON form) by walking the XSDs with xmlschema.

Why schema-driven: the corpus has to reach every message type, every optional element present and
absent, every choice branch and the edges of every value range; hand-written messages would miss most of
that. The XSDs are read from the installed `iso15118` wheel at generation time and never copied into the
repository (they are ISO/DIN copyright). Runs inside `.venv-josev` (needs xmlschema).

A `Plan` says how to fill a message: optional elements on or off, which end of each range, which branch of
each choice, which enumeration value, which unit multiplier, or seeded random picks.
"""

from __future__ import annotations

import base64
import random
import string
from dataclasses import dataclass, field
from typing import Any

XS = "{http://www.w3.org/2001/XMLSchema}"

# Value ranges of the XSD built-in integer types (EXI encodes them by range, so the ends matter).
INT_RANGES: dict[str, tuple[int, int]] = {
    "byte": (-(2**7), 2**7 - 1),
    "short": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
    "unsignedByte": (0, 2**8 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "nonNegativeInteger": (0, 2**64),
    "positiveInteger": (1, 2**64),
    "integer": (-(2**64), 2**64),
    "decimal": (-(2**31), 2**31 - 1),
}
STRING_LIKE = {"string", "anyURI", "ID", "NCName", "token", "normalizedString", "Name", "IDREF", "language"}
DEFAULT_MAX_LEN = 32  # for strings and binaries without a maxLength facet
UNBOUNDED_MAX = 5  # occurrences used for maxOccurs="unbounded" in the "max" plan
# List items the "max" plan may spend per message: the first long list (e.g. 1024 schedule entries) gets
# its maxOccurs, later ones their minimum, so a message stays near real sizes (tens of kB, not MB).
LIST_BUDGET = 1500
LONG_LIST = 64  # maxOccurs above this makes a "long" list (schedules, tariffs, price rules)
ALNUM = string.ascii_letters + string.digits
MULTIPLIER_NAMES = {"Multiplier", "Exponent"}


@dataclass
class Plan:
    """How to fill one message. `kind` is one of: min, max, random."""

    kind: str = "random"
    seed: int = 0
    optional: str = "random"  # "all", "none" or "random"
    choice: int | None = None  # branch index for every choice / substitution group (mod its width)
    enum: int | None = None  # index into every enumeration (mod its length)
    multiplier: int | None = None  # value for every Multiplier / Exponent element
    hits: bool = False  # the same string value wherever a string goes (string-table hits)
    list_count: int | None = None  # occurrences for every list (clamped to its bounds)
    long_list: int | None = None  # only the n-th long list met (in document order) gets its maxOccurs
    skip: frozenset[str] = frozenset()  # optional elements never to emit (jar gaps), by local name
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)


@dataclass
class Stats:
    """What a walk met, so the driver knows which variants are worth making."""

    choice_width: int = 1
    enum_len: int = 0
    multipliers: bool = False
    long_lists: int = 0


class Generator:
    """Turns XSD elements into JSON values according to a Plan."""

    def __init__(self, maps: Any, plan: Plan) -> None:
        self.maps = maps
        self.plan = plan
        self.stats = Stats()
        self.budget = LIST_BUDGET

    # -- elements -------------------------------------------------------------------------------------------
    def candidates(self, el: Any) -> list[Any]:
        """The element itself (if instantiable) and everything that may substitute for it."""
        out = []
        if not el.abstract and not getattr(el.type, "abstract", False):
            out.append(el)
        for sub in sorted(self.maps.substitution_groups.get(el.name, ()), key=lambda e: e.name):
            out.extend(self.candidates(sub))
        return out

    def pick(self, options: list[Any]) -> Any:
        self.stats.choice_width = max(self.stats.choice_width, len(options))
        p = self.plan
        if p.choice is not None:
            return options[p.choice % len(options)]
        if p.kind == "min":
            return options[0]
        if p.kind == "max":
            return options[-1]
        return p.rng.choice(options)

    def resolve(self, el: Any) -> Any:
        """The element to emit in place of `el` (a substitution group member when it has any)."""
        return self.pick(self.candidates(el)) if self.maps.substitution_groups.get(el.name) else el

    def typed(self, t: Any, name: str) -> Any:
        if t.is_simple():
            return self.simple(t, name)
        obj: dict[str, Any] = {}
        for attr in t.attributes.values():
            if getattr(attr, "local_name", None) is None:
                continue  # anyAttribute
            if attr.use != "required" and builtin_name(attr.type) == "IDREF":
                continue  # JAXB insists an IDREF resolves to an ID in the same document
            if attr.use == "required" or self.want_optional():
                obj[attr.local_name] = self.simple(attr.type, attr.local_name)
        if t.has_simple_content():
            obj["value"] = self.simple(t.content, name)
        elif t.content is not None and hasattr(t.content, "model"):
            self.group(t.content, obj)
        return obj

    # -- content models -------------------------------------------------------------------------------------
    def want_optional(self) -> bool:
        p = self.plan
        if p.optional == "all":
            return True
        if p.optional == "none":
            return False
        return p.rng.random() < 0.5

    def occurrences(self, lo: int, hi: int | None) -> int:
        p = self.plan
        top = hi if hi is not None else UNBOUNDED_MAX
        if lo == 0 and not self.want_optional():
            return 0
        base = max(lo, 1)
        if top <= 1:
            return base
        if top > LONG_LIST:
            index = self.stats.long_lists
            self.stats.long_lists += 1
            if p.long_list is not None:  # fill exactly one long list, whatever the plan's kind
                return top if index == p.long_list else base
        if p.list_count is not None:
            n = min(max(p.list_count, base), top)
        elif p.kind == "max":
            n = top if top <= self.budget else base
            self.budget -= n
        elif p.kind == "min":
            n = base
        else:
            n = p.rng.randint(base, min(top, base + 2))
        return n

    def group(self, g: Any, obj: dict[str, Any]) -> None:
        if g.model == "choice":
            items = [i for i in g if self.usable(i) and getattr(i, "local_name", None) not in self.plan.skip]
            if not items:
                return
            self.particle(self.pick(items), obj, force=True)
            return
        for item in g:
            if self.usable(item):
                self.particle(item, obj, force=False)

    def usable(self, item: Any) -> bool:
        """Wildcards (xs:any) are left out: the jar's JSON form has no way to carry foreign XML."""
        if type(item).__name__.startswith("XsdAny"):
            return False
        if hasattr(item, "model"):
            return any(self.usable(i) for i in item)
        return bool(self.candidates(item))

    def particle(self, item: Any, obj: dict[str, Any], force: bool) -> None:
        lo = max(item.min_occurs, 1) if force else item.min_occurs
        if hasattr(item, "model"):  # nested group: treat as present-or-absent once
            if lo or self.want_optional():
                self.group(item, obj)
            return
        if lo == 0 and item.local_name in self.plan.skip:
            return
        hi = item.max_occurs
        n = self.occurrences(lo, hi)
        if n == 0:
            return
        chosen = self.resolve(item)
        if hi is None or hi > 1:
            obj[chosen.local_name] = [self.typed(chosen.type, chosen.local_name) for _ in range(n)]
        else:
            obj[chosen.local_name] = self.typed(chosen.type, chosen.local_name)

    # -- simple values --------------------------------------------------------------------------------------
    def simple(self, t: Any, name: str) -> Any:
        builtin = builtin_name(t)
        enum = getattr(t, "enumeration", None)
        if enum:
            return self.enumerated(list(enum))
        if builtin == "boolean":
            return {"min": False, "max": True}.get(self.plan.kind, self.plan.rng.random() < 0.5)
        if builtin in INT_RANGES:
            return self.integer(t, builtin, name)
        lo_len = getattr(t, "min_length", None) or 0
        hi_len = getattr(t, "max_length", None)
        if builtin in ("hexBinary", "base64Binary"):
            raw = bytes(self.plan.rng.randrange(256) for _ in range(self.length(lo_len, hi_len)))
            return raw.hex().upper() if builtin == "hexBinary" else base64.b64encode(raw).decode()
        return self.text(builtin, lo_len, hi_len)

    def enumerated(self, values: list[str]) -> str:
        self.stats.enum_len = max(self.stats.enum_len, len(values))
        p = self.plan
        if p.enum is not None:
            return values[p.enum % len(values)]
        if p.kind == "min":
            return values[0]
        if p.kind == "max":
            return values[-1]
        return p.rng.choice(values)

    def integer(self, t: Any, builtin: str, name: str) -> int:
        lo, hi = INT_RANGES[builtin]
        if getattr(t, "min_value", None) is not None:
            lo = max(lo, int(t.min_value))
        if getattr(t, "max_value", None) is not None:
            hi = min(hi, int(t.max_value))
        p = self.plan
        if name in MULTIPLIER_NAMES:
            self.stats.multipliers = True
            if p.multiplier is not None:
                return min(max(p.multiplier, lo), hi)
        if p.kind == "min":
            return lo
        if p.kind == "max":
            return hi
        r = p.rng.random()
        if r < 0.1:
            return lo
        if r < 0.2:
            return hi
        # Mostly small magnitudes, as real messages have, sometimes anywhere in the range.
        if r < 0.7:
            return min(max(p.rng.randint(-1000, 1000), lo), hi)
        return p.rng.randint(lo, hi)

    def length(self, lo: int, hi: int | None) -> int:
        top = hi if hi is not None else DEFAULT_MAX_LEN
        if self.plan.kind == "min":
            return lo
        if self.plan.kind == "max":
            return top
        return self.plan.rng.randint(lo, min(top, lo + 20))

    def text(self, builtin: str, lo: int, hi: int | None) -> str:
        if self.plan.hits:
            # Identical values in one message: EXIficient then emits local/global value hits.
            base = "HitValue0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 4
            n = max(lo, min(hi if hi is not None else 12, 12))
            return ("ID" + base)[:n] if builtin in ("ID", "NCName") else base[:n]
        n = self.length(lo, hi)
        if builtin in ("ID", "NCName", "Name", "IDREF"):
            n = max(n, 1)
            return "I" + "".join(self.plan.rng.choice(ALNUM) for _ in range(n - 1))
        if builtin == "anyURI" and n >= 8:
            return ("urn:x:" + "".join(self.plan.rng.choice(ALNUM) for _ in range(n)))[:n]
        return "".join(self.plan.rng.choice(ALNUM) for _ in range(n))


def builtin_name(t: Any) -> str:
    """Local name of the XSD built-in type a simple type derives from (e.g. 'unsignedShort')."""
    cur = t
    while cur is not None:
        name = getattr(cur, "name", None)
        if name and name.startswith(XS):
            return name[len(XS) :]
        cur = getattr(cur, "base_type", None)
    prim = getattr(t, "primitive_type", None)
    return prim.local_name if prim is not None else "string"
