"""Turn a schema set into the compact grammar tables the runtime codec reads.

Table layout (a generated Python module, so loading it is just an import of a .pyc):

- DATATYPES: tuple of datatype descriptors, e.g. ("nbit", 8, -128), ("uint",), ("str",),
  ("enum", ("A", "B")), ("hex",), ("b64",), ("bool",), ("int",), ("dec",), ("list", dt).
- GRAMMARS: tuple of complex-type grammars; each is (runs, order, free_order, defaults):
  runs = ((count, (width, productions, l2 width, l2 EE code, l2 CH code)), ...), a state
  repeated count times (see _run_length), and a production is
  (kind, key, child, next, is_list, string-table key):
  kind is one of the runtime constants (AT, SE, EE, CH, ...), key the JSON key (the local
  name, or "value" for simple content), child a grammar index (>= 0) for complex children,
  -(datatype index + 1) for simple-typed children and AT/CH values, next the next state
  relative to the state's own index.
  order lists the JSON keys in the order the encoder visits them; free_order grammars
  (repeated choices, mixed content) follow the order of the message's keys instead;
  defaults maps keys Josev's JAXB classes hold as Java primitives to the value the jar
  sends when the message leaves them out (see josev_jaxb.py).
- DOCUMENT: ((local name, uri, child), ...) of global elements sorted by local name then uri.
- FRAGMENT: the same for all element declarations, for EXI fragments (signatures).
"""

from __future__ import annotations

import pprint
from collections.abc import Callable
from pathlib import Path

from .grammar import AT, AT_ANY, AT_NS, CH, CH_UNTYPED, EE, SE, SE_ANY, SE_NS, GrammarBuilder
from .xsd import UNBOUNDED, ComplexType, ElementDecl, ModelGroup, Particle, SchemaSet, SimpleType

# Runtime kinds (must match harness.protocols.iso15118.exi.grammar)
K_AT, K_SE, K_EE, K_CH, K_CH_UNTYPED, K_SE_WILD, K_AT_WILD = range(7)
_KIND = {AT: K_AT, SE: K_SE, EE: K_EE, CH: K_CH, CH_UNTYPED: K_CH_UNTYPED,
         SE_NS: K_SE_WILD, SE_ANY: K_SE_WILD, AT_NS: K_AT_WILD, AT_ANY: K_AT_WILD}

NBIT_LIMIT = 4096


def datatype_descriptor(st: SimpleType, recurse: Callable[[SimpleType], int]) -> tuple:
    """EXI datatype representation of a simple type (EXI 1.0, 7.1 and Table 7-1)."""
    if st.variety == "list":
        assert st.item is not None
        return ("list", recurse(st.item))
    if st.variety == "union":
        return ("str",)
    enums = st.facets.get("enumeration")
    if enums and st.primitive not in ("QName", "NOTATION"):
        values = tuple(int(v) if st.primitive == "integer" else v for v in enums)  # type: ignore[union-attr]
        return ("enum", values)
    prim = st.primitive
    if prim == "boolean":
        return ("bool",)
    if prim == "integer":
        lo = st.facets.get("minInclusive")
        hi = st.facets.get("maxInclusive")
        if lo is not None and hi is not None and int(hi) - int(lo) < NBIT_LIMIT:  # type: ignore[arg-type]
            span = int(hi) - int(lo)  # type: ignore[arg-type]
            return ("nbit", span.bit_length(), int(lo), int(hi))  # type: ignore[arg-type]
        if lo is not None and int(lo) >= 0:  # type: ignore[arg-type]
            return ("uint", hi)
        return ("int", lo, hi)
    if prim == "hexBinary":
        return ("hex",)
    if prim == "base64Binary":
        return ("b64",)
    if prim == "decimal":
        return ("dec",)
    if prim in ("float", "double"):
        return ("float",)
    return ("str",)


class TableBuilder:
    """Collects grammars and datatypes of one schema set into table form."""

    def __init__(self, schema: SchemaSet, loop_from: int | None = None,
                 jaxb_primitives: tuple[tuple[str, str, str], ...] = ()) -> None:
        self.schema = schema
        self.builder = GrammarBuilder(schema, loop_from)
        self._primitives: dict[str, dict[str, object]] = {}
        for cls, fld, jtype in jaxb_primitives:
            self._primitives.setdefault(_norm(cls), {})[_norm(fld)] = False if jtype == "boolean" else 0
        self.datatypes: list[tuple] = []
        self._dt_index: dict[tuple, int] = {}
        self.grammars: list[tuple | None] = []
        self._g_index: dict[int, int] = {}

    def datatype(self, st: SimpleType) -> int:
        desc = datatype_descriptor(st, self.datatype)
        if desc not in self._dt_index:
            self._dt_index[desc] = len(self.datatypes)
            self.datatypes.append(desc)
        return self._dt_index[desc]

    def child_ref(self, decl: ElementDecl) -> int:
        t = self.schema.element_type(decl)
        if isinstance(t, SimpleType):
            return -(self.datatype(t) + 1)
        return self.grammar(t, decl.qname[1])

    def grammar(self, ct: ComplexType, element_name: str = "") -> int:
        key = id(ct)
        if key in self._g_index:
            return self._g_index[key]
        idx = len(self.grammars)
        self._g_index[key] = idx
        self.grammars.append(None)
        states = self.builder.type_grammar(ct)
        lists = _list_keys(ct)
        out_states = []
        at_keys: list[str] = []
        se_keys: list[tuple[int, str]] = []
        attr_phase = _attribute_phase_states(states)
        for index, st in enumerate(states):
            n_first = len(st.productions)
            width = (n_first).bit_length()  # n first-level codes + one escape to level 2
            prods = []
            for term, nxt in st.productions:
                kind = _KIND[term.kind]
                key = ""
                child = 0
                if term.kind == AT:
                    assert term.qname and term.stype
                    key = term.qname[1]
                    child = -(self.datatype(term.stype) + 1)
                    if key not in at_keys:
                        at_keys.append(key)
                elif term.kind == SE:
                    assert term.decl
                    key = term.qname[1]  # type: ignore[index]
                    child = self.child_ref(term.decl)
                    se_keys.append((term.order, key))
                elif term.kind == CH:
                    assert term.stype
                    key = "value"
                    child = -(self.datatype(term.stype) + 1)
                # string-table partition: the qname of the attribute or element ({uri}local)
                skey = f"{{{term.qname[0]}}}{term.qname[1]}" if term.kind in (AT, SE) else ""  # type: ignore[index]
                prods.append((kind, key, child, nxt, key in lists, skey))
            out_states.append((width, tuple(prods), *_second_level(st, index, attr_phase)))
        order = sorted(at_keys)
        if ct.content == "simple":
            order.append("value")
        for _o, k in sorted(se_keys):
            if k not in order:
                order.append(k)
        cls = _norm(ct.name[1] if ct.name else element_name)
        fields = self._primitives.get(cls, {})
        defaults = {k: fields[_norm(k)] for _o, k in se_keys if _norm(k) in fields}
        self.grammars[idx] = (_run_length(out_states), tuple(order), _free_order(ct), defaults)
        return idx

    def element_list(self, decls: list[ElementDecl]) -> tuple:
        by_qname: dict[tuple[str, str], list[ElementDecl]] = {}
        for d in decls:
            by_qname.setdefault(d.qname, []).append(d)
        out = []
        for qn in sorted(by_qname, key=lambda q: (q[1], q[0])):
            group = by_qname[qn]
            types = {id(self.schema.element_type(d)) for d in group}
            child = self.child_ref(group[0]) if len(types) == 1 else None
            out.append((qn[1], qn[0], child))
        return tuple(out)


def _run_length(states: list[tuple]) -> tuple:
    """Compress the state list: next-state indices relative, equal neighbours merged.

    Counted elements (maxOccurs up to 2048) expand into long chains of states that differ
    only by their absolute next index; relative indices make them equal, so a chain is
    stored once with a repeat count.  Keeps the table modules small and fast to import.
    """
    runs: list[list] = []
    for index, (width, prods, *l2) in enumerate(states):
        rel = tuple((kind, key, child, 0 if kind == K_EE else nxt - index, is_list, skey)
                    for kind, key, child, nxt, is_list, skey in prods)
        state = (width, rel, *l2)
        if runs and runs[-1][1] == state:
            runs[-1][0] += 1
        else:
            runs.append([1, state])
    return tuple((count, state) for count, state in runs)


def _norm(name: str) -> str:
    """JAXB class and field names drop underscores and change case: compare loosely."""
    return name.replace("_", "").lower()


def _attribute_phase_states(states: list) -> set[int]:
    """States reached from the start through attributes only (EXI: j < content)."""
    phase = {0}
    todo = [0]
    while todo:
        s = todo.pop()
        for term, nxt in states[s].productions:
            if term.kind == AT and nxt not in phase:
                phase.add(nxt)
                todo.append(nxt)
    return phase


def _second_level(st, index: int, attr_phase: set[int]) -> tuple[int, int, int]:
    """(width, EE code, CH [untyped] code) of a state's second level (8.5.4.4.1, non-strict).

    Element_i,0: EE (when not first-level), AT(xsi:type), AT(xsi:nil), AT(*),
    AT(qname) [untyped value], SE(*), CH [untyped value]; other attribute-phase states
    lose the two xsi productions; content states keep EE, SE(*) and CH [untyped value].
    EXIficient uses these when a value is empty (EE) or invalid for its type (CH).
    """
    has_ee = any(term.kind == EE for term, _n in st.productions)
    if index == 0:
        rest = 6
    elif index in attr_phase:
        rest = 4
    else:
        rest = 2
    count = rest + (0 if has_ee else 1)
    ee2 = -1 if has_ee else 0
    ch2 = count - 1
    return ((count - 1).bit_length(), ee2, ch2)


def _free_order(ct: ComplexType) -> bool:
    """True when the schema leaves the order of children open (a repeated choice, mixed).

    JAXB maps such content to one list, so MOXy writes the children in the order of the
    JSON keys; everywhere else the XML order is the schema order whatever the JSON says.
    """
    if ct.content == "mixed":
        return True

    def walk(p: Particle, repeated: bool) -> bool:
        rep = repeated or p.max == UNBOUNDED or p.max > 1
        if isinstance(p.term, ModelGroup):
            names = _element_names(p.term)
            if p.term.compositor == "choice" and rep and len(names) > 1:
                return True
            return any(walk(c, rep) for c in p.term.particles)
        return False

    return ct.particle is not None and walk(ct.particle, False)


def _element_names(group: ModelGroup) -> set[str]:
    out: set[str] = set()
    for c in group.particles:
        if isinstance(c.term, ModelGroup):
            out |= _element_names(c.term)
        elif isinstance(c.term, ElementDecl):
            out.add(c.term.qname[1])
    return out


def _list_keys(ct: ComplexType) -> set[str]:
    """JSON keys rendered as arrays: elements that may occur more than once."""
    counts: dict[str, int] = {}

    def walk(p: Particle, mult: int) -> None:
        m = mult * (2 if p.max == UNBOUNDED or p.max > 1 else 1)
        if isinstance(p.term, ModelGroup):
            for c in p.term.particles:
                walk(c, m)
        elif isinstance(p.term, ElementDecl):
            name = p.term.qname[1]
            counts[name] = counts.get(name, 0) + m

    if ct.particle is not None:
        walk(ct.particle, 1)
    if ct.content == "mixed":
        # JAXB maps mixed content to one List<Object>: MOXy renders every child as an array
        return set(counts)
    return {k for k, v in counts.items() if v > 1}


def build_tables(schema: SchemaSet, namespace: str, loop_from: int | None = None,
                 jaxb_primitives: tuple[tuple[str, str, str], ...] = ()) -> dict:
    tb = TableBuilder(schema, loop_from, jaxb_primitives)
    document = tb.element_list(list(schema.elements.values()))
    for qn in sorted(schema.type_nodes):
        t = schema.type_by_name(qn)
        if isinstance(t, ComplexType):
            tb.grammar(t)
    fragment = tb.element_list(list(schema.elements.values()) + list(schema.local_elements))
    return {
        "NAMESPACE": namespace,
        "DATATYPES": tuple(tb.datatypes),
        "GRAMMARS": tuple(tb.grammars),
        "DOCUMENT": document,
        "FRAGMENT": fragment,
    }


def write_module(path: Path, tables: dict, sources: list[str]) -> None:
    lines = [
        '"""EXI grammar tables generated from the V2G XSDs. Do not edit.',
        "",
        "Regenerate with: python -m harness.protocols.iso15118.exi.generate --xsd-dir DIR",
        "Source schemas: " + ", ".join(sources),
        '"""',
        "",
        "# fmt: off",
        "# ruff: noqa",
    ]
    for name, value in tables.items():
        lines.append(f"{name} = {pprint.pformat(value, width=120, compact=True)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
