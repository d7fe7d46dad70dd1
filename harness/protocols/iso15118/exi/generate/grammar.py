"""Build normalized EXI schema-informed grammars (EXI 1.0, section 8.5.4) from an XSD model.

How it maps to the specification:
- attribute uses (sorted by local name, then uri), the attribute wildcard and the content
  particle each become a small automaton; the spec's grammar concatenation is an epsilon
  edge from one automaton's end to the next one's start;
- particles repeat their term min times, then (max - min) optional copies, or one
  looping copy when max is unbounded (8.5.4.1.5);
- an element particle whose declaration heads a substitution group yields one SE per
  member, sorted by local name then uri (8.5.4.1.6); abstract members are kept, as
  EXIficient does;
- normalization (8.5.4.2) removes epsilon productions and merges productions with the
  same terminal: that is the subset construction done in `_determinize`;
- event codes (8.5.4.3): AT(qname) sorted by local name then uri, AT(uri:*), AT(*),
  SE(qname) in schema order, SE(uri:*), SE(*), EE, CH.

The grammars are non-strict (as EXIficient is configured in Josev's EXICodec.jar), so
every element-grammar state also has second-level productions; only their existence
matters for the encoding (one extra first-level code point), since valid messages never
use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .xsd import (
    UNBOUNDED,
    ComplexType,
    ElementDecl,
    ModelGroup,
    Particle,
    QName,
    SchemaSet,
    SimpleType,
    Wildcard,
)

# Terminal kinds, in event-code order (8.5.4.3).
AT, AT_NS, AT_ANY, SE, SE_NS, SE_ANY, EE, CH, CH_UNTYPED = range(9)


@dataclass(eq=False)
class Terminal:
    kind: int
    qname: QName | None = None  # AT/SE qname, or (uri, '*') for namespace wildcards
    decl: ElementDecl | None = None  # SE
    stype: SimpleType | None = None  # AT / CH
    order: int = 0  # schema order for SE

    def key(self) -> tuple[int, QName | None]:
        return (self.kind, self.qname)


@dataclass
class _Nfa:
    edges: list[list[tuple[Terminal | None, int]]] = field(default_factory=list)

    def new(self) -> int:
        self.edges.append([])
        return len(self.edges) - 1

    def add(self, src: int, term: Terminal | None, dst: int) -> None:
        self.edges[src].append((term, dst))


@dataclass
class State:
    """A normalized grammar state: productions in event-code order, (terminal, next state)."""

    productions: list[tuple[Terminal, int]]


class GrammarBuilder:
    """Builds the normalized grammar of one type, numbering SE terminals in schema order."""

    MAX_EXPANSION = 1 << 14

    def __init__(self, schema: SchemaSet, loop_from: int | None = None) -> None:
        self.schema = schema
        self.loop_from = loop_from
        self._order = 0

    # -- automaton construction ---------------------------------------------------------

    def type_grammar(self, ct: ComplexType) -> list[State]:
        nfa = _Nfa()
        start = nfa.new()
        cur = start
        for use in ct.attributes:
            nxt = nfa.new()
            nfa.add(cur, Terminal(AT, use.qname, stype=use.type), nxt)
            if not use.required:
                nfa.add(cur, None, nxt)
            cur = nxt
        if ct.attr_wildcard is not None:
            for term in self._wildcard_terms(ct.attr_wildcard, attribute=True):
                nfa.add(cur, term, cur)
        if ct.content == "simple":
            nxt = nfa.new()
            nfa.add(cur, Terminal(CH, stype=ct.simple), nxt)
            cur = nxt
        elif ct.particle is not None:
            content_start = cur
            cur = self._particle(nfa, ct.particle, cur)
            if ct.content == "mixed":
                self._mixed = True
                reach = self._reachable(nfa, content_start)
                for s in reach:
                    nfa.add(s, Terminal(CH_UNTYPED), s)
        elif ct.content == "mixed":
            nfa.add(cur, Terminal(CH_UNTYPED), cur)
        final = nfa.new()
        nfa.add(cur, Terminal(EE), final)
        return _determinize(nfa, start, final)

    def _reachable(self, nfa: _Nfa, start: int) -> list[int]:
        seen = {start}
        todo = [start]
        while todo:
            s = todo.pop()
            for _t, d in nfa.edges[s]:
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        return sorted(seen)

    def _particle(self, nfa: _Nfa, p: Particle, cur: int) -> int:
        """Append particle p after NFA state cur; return the state where it ends.

        Counted elements (min..max) expand into one state per occurrence, as the spec
        says.  loop_from reproduces Josev's precompiled EXIficient grammars: for an
        element whose maxOccurs is at least loop_from, the state after the last allowed
        occurrence still offers the element, looping (Xerces counting states keep the
        count out of the automaton).  Josev's ISO 15118-2 grammar does this from 16 on,
        its -20 grammars from 255 on; SAP and DIN never.
        """
        if p.max != UNBOUNDED and p.max > self.MAX_EXPANSION:
            raise ValueError("maxOccurs too large to expand")
        order_mark = self._order
        for _ in range(p.min):
            self._order = order_mark
            cur = self._term(nfa, p.term, cur)
        if p.max == UNBOUNDED:
            self._order = order_mark
            loop_start = cur
            end = self._term(nfa, p.term, loop_start)
            nfa.add(end, None, loop_start)
            return loop_start
        optional_ends = []
        for _ in range(p.max - p.min):
            self._order = order_mark
            optional_ends.append(cur)
            cur = self._term(nfa, p.term, cur)
        for s in optional_ends:
            nfa.add(s, None, cur)
        if (self.loop_from is not None and p.max >= self.loop_from
                and isinstance(p.term, ElementDecl)):
            self._order = order_mark
            end = self._term(nfa, p.term, cur)
            nfa.add(end, None, cur)
        return cur

    def _term(self, nfa: _Nfa, term: ElementDecl | ModelGroup | Wildcard, cur: int) -> int:
        if isinstance(term, ElementDecl):
            end = nfa.new()
            for decl in self._members(term):
                nfa.add(cur, Terminal(SE, decl.qname, decl=decl, order=self._order), end)
                self._order += 1
            return end
        if isinstance(term, Wildcard):
            end = nfa.new()
            for t in self._wildcard_terms(term, attribute=False):
                t.order = self._order
                self._order += 1
                nfa.add(cur, t, end)
            return end
        if term.compositor == "sequence":
            for child in term.particles:
                cur = self._particle(nfa, child, cur)
            return cur
        if term.compositor == "choice":
            end = nfa.new()
            if not term.particles:
                nfa.add(cur, None, end)
            for child in term.particles:
                start = nfa.new()
                nfa.add(cur, None, start)
                nfa.add(self._particle(nfa, child, start), None, end)
            return end
        raise ValueError(f"model group {term.compositor!r} is not supported")

    def _members(self, decl: ElementDecl) -> list[ElementDecl]:
        if not decl.is_global:
            return [decl]
        # EXIficient (the reference) keeps abstract heads and members in the list, unlike
        # the letter of 8.5.4.1.6; byte equality with Josev requires doing the same.
        members = self.schema.substitution_members(decl)
        return sorted(members, key=lambda m: (m.qname[1], m.qname[0]))

    def _wildcard_terms(self, wc: Wildcard, attribute: bool) -> list[Terminal]:
        if wc.constraint == "any" or isinstance(wc.constraint, tuple) and wc.constraint[:1] == ("not",):
            return [Terminal(AT_ANY if attribute else SE_ANY)]
        assert isinstance(wc.constraint, tuple)
        return [Terminal(AT_NS if attribute else SE_NS, (uri, "*")) for uri in wc.constraint]


def _closure(nfa: _Nfa, states: frozenset[int]) -> frozenset[int]:
    out = set(states)
    todo = list(states)
    while todo:
        s = todo.pop()
        for t, d in nfa.edges[s]:
            if t is None and d not in out:
                out.add(d)
                todo.append(d)
    return frozenset(out)


def _sort_key(t: Terminal) -> tuple:
    if t.kind == AT:
        assert t.qname
        return (AT, t.qname[1], t.qname[0])
    if t.kind in (AT_NS, SE_NS):
        assert t.qname
        return (t.kind, t.qname[0])
    if t.kind == SE:
        return (SE, t.order)
    return (t.kind,)


def _determinize(nfa: _Nfa, start: int, final: int) -> list[State]:
    """Subset construction = EXI grammar normalization (8.5.4.2)."""
    first = _closure(nfa, frozenset([start]))
    index: dict[frozenset[int], int] = {first: 0}
    todo = [first]
    raw: list[list[tuple[Terminal, frozenset[int]]]] = []
    while todo:
        cur = todo.pop(0)
        groups: dict[tuple, tuple[Terminal, set[int]]] = {}
        for s in sorted(cur):
            for t, d in nfa.edges[s]:
                if t is None:
                    continue
                k = t.key()
                if k in groups:
                    prev, dests = groups[k]
                    if t.kind == SE and t.order < prev.order:
                        groups[k] = (t, dests)
                    dests.add(d)
                else:
                    groups[k] = (t, {d})
        prods: list[tuple[Terminal, frozenset[int]]] = []
        for t, dests in groups.values():
            nxt = _closure(nfa, frozenset(dests))
            if t.kind != EE and nxt not in index:
                index[nxt] = len(index)
                todo.append(nxt)
            prods.append((t, nxt))
        prods.sort(key=lambda p: _sort_key(p[0]))
        raw.append(prods)
    # raw is in discovery order which equals index order (BFS, appended as discovered)
    states = []
    for prods in raw:
        states.append(State([(t, -1 if t.kind == EE else index[n]) for t, n in prods]))
    return states
