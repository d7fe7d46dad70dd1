"""The XSD component model the generator works on, and the built-in datatype hierarchy.

Only what EXI grammars need: particles with their occurrence ranges, element declarations
with substitution-group heads, attribute uses, wildcards, and simple types with the facets
accumulated along their derivation chain (EXI picks n-bit integers, enumerations, ... from them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

XS = "http://www.w3.org/2001/XMLSchema"
UNBOUNDED = -1

QName = tuple[str, str]  # (namespace uri, local name)


@dataclass(eq=False)
class SimpleType:
    """A simple type with facets accumulated along its derivation chain."""

    name: QName | None
    primitive: str  # 'string', 'boolean', 'decimal', 'integer', 'hexBinary', ...
    builtin: str  # nearest built-in ancestor (local name in the XSD namespace)
    facets: dict[str, object] = field(default_factory=dict)
    variety: str = "atomic"  # atomic | list | union
    item: SimpleType | None = None  # list item type
    base: SimpleType | None = None


@dataclass(eq=False)
class AttributeUse:
    qname: QName
    type: SimpleType
    required: bool


@dataclass(eq=False)
class Wildcard:
    """xs:any / xs:anyAttribute: namespace constraint as 'any', ('not', ns) or a tuple of uris."""

    constraint: object
    process: str = "strict"


@dataclass(eq=False)
class ElementDecl:
    qname: QName
    type_ref: object  # resolved lazily to SimpleType | ComplexType
    is_global: bool
    abstract: bool = False
    nillable: bool = False
    subst_head: QName | None = None
    _type: SimpleType | ComplexType | None = None


@dataclass(eq=False)
class Particle:
    min: int
    max: int  # UNBOUNDED for unbounded
    term: ElementDecl | ModelGroup | Wildcard


@dataclass(eq=False)
class ModelGroup:
    compositor: str  # sequence | choice | all
    particles: list[Particle]


@dataclass(eq=False)
class ComplexType:
    name: QName | None
    content: str = "empty"  # empty | simple | element | mixed
    particle: Particle | None = None
    simple: SimpleType | None = None
    attributes: list[AttributeUse] = field(default_factory=list)
    attr_wildcard: Wildcard | None = None
    base: ComplexType | SimpleType | None = None


# ---------------------------------------------------------------------------------------
# Built-in datatypes

_BUILTIN_TREE: dict[str, tuple[str | None, dict[str, object]]] = {
    "anySimpleType": (None, {}),
    "string": ("anySimpleType", {}),
    "normalizedString": ("string", {}),
    "token": ("normalizedString", {}),
    "language": ("token", {}),
    "Name": ("token", {}),
    "NMTOKEN": ("token", {}),
    "NCName": ("Name", {}),
    "ID": ("NCName", {}),
    "IDREF": ("NCName", {}),
    "ENTITY": ("NCName", {}),
    "boolean": ("anySimpleType", {}),
    "float": ("anySimpleType", {}),
    "double": ("anySimpleType", {}),
    "decimal": ("anySimpleType", {}),
    "integer": ("decimal", {}),
    "nonPositiveInteger": ("integer", {"maxInclusive": 0}),
    "negativeInteger": ("nonPositiveInteger", {"maxInclusive": -1}),
    "long": ("integer", {"minInclusive": -(2**63), "maxInclusive": 2**63 - 1}),
    "int": ("long", {"minInclusive": -(2**31), "maxInclusive": 2**31 - 1}),
    "short": ("int", {"minInclusive": -(2**15), "maxInclusive": 2**15 - 1}),
    "byte": ("short", {"minInclusive": -128, "maxInclusive": 127}),
    "nonNegativeInteger": ("integer", {"minInclusive": 0}),
    "positiveInteger": ("nonNegativeInteger", {"minInclusive": 1}),
    "unsignedLong": ("nonNegativeInteger", {"maxInclusive": 2**64 - 1}),
    "unsignedInt": ("unsignedLong", {"maxInclusive": 2**32 - 1}),
    "unsignedShort": ("unsignedInt", {"maxInclusive": 2**16 - 1}),
    "unsignedByte": ("unsignedShort", {"maxInclusive": 2**8 - 1}),
    "hexBinary": ("anySimpleType", {}),
    "base64Binary": ("anySimpleType", {}),
    "anyURI": ("anySimpleType", {}),
    "QName": ("anySimpleType", {}),
    "NOTATION": ("anySimpleType", {}),
    "duration": ("anySimpleType", {}),
    "dateTime": ("anySimpleType", {}),
    "time": ("anySimpleType", {}),
    "date": ("anySimpleType", {}),
    "gYearMonth": ("anySimpleType", {}),
    "gYear": ("anySimpleType", {}),
    "gMonthDay": ("anySimpleType", {}),
    "gDay": ("anySimpleType", {}),
    "gMonth": ("anySimpleType", {}),
}
_PRIMITIVES = {
    "string", "boolean", "float", "double", "decimal", "hexBinary", "base64Binary",
    "anyURI", "QName", "NOTATION", "duration", "dateTime", "time", "date",
    "gYearMonth", "gYear", "gMonthDay", "gDay", "gMonth",
}


def builtin_types() -> dict[str, SimpleType]:
    out: dict[str, SimpleType] = {}

    def make(name: str) -> SimpleType:
        if name in out:
            return out[name]
        parent_name, facets = _BUILTIN_TREE[name]
        parent = make(parent_name) if parent_name else None
        if name in _PRIMITIVES or parent is None:
            primitive = name
        elif name == "integer" or (parent and parent.primitive == "integer"):
            primitive = "integer"
        else:
            primitive = parent.primitive
        merged = dict(parent.facets) if parent else {}
        merged.update(facets)
        st = SimpleType((XS, name), primitive, name, merged, base=parent)
        out[name] = st
        return st

    for n in _BUILTIN_TREE:
        make(n)
    return out


class XsdError(Exception):
    """The XSD set cannot be read (missing file, unresolved reference, unsupported construct)."""



ANY_TYPE = ComplexType((XS, "anyType"), content="mixed")
