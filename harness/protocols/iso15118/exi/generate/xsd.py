"""A small XML Schema reader: just enough of XSD 1.0 to build EXI grammars for V2G.

Why our own reader instead of xmlschema: EXI grammars depend on the exact particle
structure (the order of particles, min/max occurs, how extensions concatenate content)
and on facets inherited along derivation chains.  Reading the XSDs with the standard
library keeps the generator dependency-free and every rule visible here.

Supported: global/local elements, element refs, substitution groups, abstract
elements, named and anonymous simple/complex types, complexContent and simpleContent
extension/restriction, sequence/choice/all, model group refs, attribute groups,
wildcards (any, anyAttribute), mixed content, and the built-in datatype hierarchy.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .xsd_model import (
    ANY_TYPE,
    UNBOUNDED,
    XS,
    AttributeUse,
    ComplexType,
    ElementDecl,
    ModelGroup,
    Particle,
    QName,
    SimpleType,
    Wildcard,
    XsdError,
    builtin_types,
)

__all__ = [
    "ANY_TYPE", "UNBOUNDED", "XS", "AttributeUse", "ComplexType", "ElementDecl", "ModelGroup",
    "Particle", "QName", "SchemaSet", "SimpleType", "Wildcard", "XsdError",
]


def _x(tag: str) -> str:
    return f"{{{XS}}}{tag}"


class SchemaSet:
    """All components reachable from one root schema, with lazy reference resolution."""

    def __init__(self, xsd_dir: Path, root_namespace: str) -> None:
        self._by_ns = _index_xsd_dir(xsd_dir)
        self.builtins = builtin_types()
        self.element_nodes: dict[QName, tuple[ET.Element, str]] = {}
        self.type_nodes: dict[QName, tuple[ET.Element, str]] = {}
        self.group_nodes: dict[QName, tuple[ET.Element, str]] = {}
        self.attr_group_nodes: dict[QName, tuple[ET.Element, str]] = {}
        self.attr_nodes: dict[QName, tuple[ET.Element, str]] = {}
        self._loaded: set[Path] = set()
        self._ns_maps: dict[int, dict[str, str]] = {}
        self._types: dict[QName, SimpleType | ComplexType] = {}
        self._anon: dict[int, SimpleType | ComplexType] = {}
        self.elements: dict[QName, ElementDecl] = {}
        self.local_elements: list[ElementDecl] = []
        if root_namespace not in self._by_ns:
            raise XsdError(f"no XSD with targetNamespace {root_namespace!r} under {xsd_dir}")
        for path in self._by_ns[root_namespace]:
            self._load(path)
        for qn in sorted(self.element_nodes):
            self.global_element(qn)

    # -- loading ------------------------------------------------------------------------

    def _load(self, path: Path) -> None:
        if path in self._loaded:
            return
        self._loaded.add(path)
        ns_map: dict[str, str] = {}
        for _event, (prefix, uri) in ET.iterparse(path, events=["start-ns"]):
            ns_map.setdefault(prefix, uri)
        root = ET.parse(path).getroot()
        tns = root.get("targetNamespace", "")
        self._annotate(root, ns_map, tns, root.get("elementFormDefault", "unqualified"),
                       root.get("attributeFormDefault", "unqualified"))
        kinds = {
            "element": self.element_nodes, "complexType": self.type_nodes,
            "simpleType": self.type_nodes, "group": self.group_nodes,
            "attributeGroup": self.attr_group_nodes, "attribute": self.attr_nodes,
        }
        for child in root:
            if not isinstance(child.tag, str):
                continue
            local = child.tag.split("}")[-1]
            if local in ("import", "include"):
                ns = child.get("namespace", tns)
                for dep in self._by_ns.get(ns, []):
                    self._load(dep)
                if ns not in self._by_ns and ns != XS:
                    raise XsdError(f"{path.name}: no XSD found for imported namespace {ns!r}")
            elif local in kinds:
                kinds[local][(tns, child.attrib["name"])] = (child, tns)

    def _annotate(self, node: ET.Element, ns_map: dict[str, str], tns: str,
                  efd: str, afd: str) -> None:
        """Remember, for every node, the prefix map and form defaults of its document."""
        info = {"__tns__": tns, "__efd__": efd, "__afd__": afd, **ns_map}
        for n in node.iter():
            self._ns_maps[id(n)] = info

    def _qname(self, node: ET.Element, value: str) -> QName:
        info = self._ns_maps[id(node)]
        prefix, _, local = value.rpartition(":")
        if prefix not in info:
            raise XsdError(f"unknown prefix {prefix!r} in {value!r}")
        return (info[prefix], local)

    # -- types --------------------------------------------------------------------------

    def type_by_name(self, qn: QName) -> SimpleType | ComplexType:
        if qn[0] == XS:
            if qn[1] == "anyType":
                return ANY_TYPE
            if qn[1] not in self.builtins:
                raise XsdError(f"unsupported built-in type {qn[1]}")
            return self.builtins[qn[1]]
        if qn in self._types:
            return self._types[qn]
        if qn not in self.type_nodes:
            raise XsdError(f"unknown type {qn}")
        node, _tns = self.type_nodes[qn]
        return self._build_type(node, qn)

    def _build_type(self, node: ET.Element, qn: QName | None) -> SimpleType | ComplexType:
        key = id(node)
        if key in self._anon:
            return self._anon[key]
        if node.tag == _x("simpleType"):
            st = self._simple_type(node, qn)
            self._anon[key] = st
            if qn:
                self._types[qn] = st
            return st
        ct = ComplexType(qn)
        self._anon[key] = ct
        if qn:
            self._types[qn] = ct
        self._fill_complex(node, ct)
        return ct

    def _simple_type(self, node: ET.Element, qn: QName | None) -> SimpleType:
        restriction = node.find(_x("restriction"))
        if restriction is not None:
            if "base" in restriction.attrib:
                base = self.type_by_name(self._qname(restriction, restriction.attrib["base"]))
            else:
                base = self._build_type(restriction.find(_x("simpleType")), None)
            if not isinstance(base, SimpleType):
                raise XsdError(f"simple type {qn} restricts a complex type")
            return self._restrict(base, restriction, qn)
        lst = node.find(_x("list"))
        if lst is not None:
            if "itemType" in lst.attrib:
                item = self.type_by_name(self._qname(lst, lst.attrib["itemType"]))
            else:
                item = self._build_type(lst.find(_x("simpleType")), None)
            return SimpleType(qn, "list", "list", {}, variety="list", item=item)  # type: ignore[arg-type]
        if node.find(_x("union")) is not None:
            return SimpleType(qn, "union", "union", {}, variety="union")
        raise XsdError(f"unsupported simpleType {qn}")

    def _restrict(self, base: SimpleType, restriction: ET.Element, qn: QName | None) -> SimpleType:
        facets = dict(base.facets)
        enums: list[str] = []
        for f in restriction:
            if not isinstance(f.tag, str):
                continue
            name = f.tag.split("}")[-1]
            value = f.get("value")
            if name == "enumeration":
                enums.append(value or "")
            elif name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                if base.primitive == "integer":
                    v = int(value or "0")
                    if name == "minExclusive":
                        name, v = "minInclusive", v + 1
                    elif name == "maxExclusive":
                        name, v = "maxInclusive", v - 1
                    facets[name] = v
                else:
                    facets[name] = value
            elif name in ("length", "minLength", "maxLength", "totalDigits", "fractionDigits"):
                facets[name] = int(value or "0")
            elif name == "pattern":
                facets.setdefault("pattern", []).append(value)  # type: ignore[union-attr]
        if enums:
            facets["enumeration"] = enums
        return SimpleType(qn, base.primitive, base.builtin, facets, base.variety, base.item, base)

    def _fill_complex(self, node: ET.Element, ct: ComplexType) -> None:
        mixed = node.get("mixed") == "true"
        simple = node.find(_x("simpleContent"))
        complex_ = node.find(_x("complexContent"))
        if simple is not None:
            self._simple_content(simple, ct)
            return
        if complex_ is not None:
            mixed = mixed or complex_.get("mixed") == "true"
            deriv = complex_.find(_x("extension"))
            is_ext = deriv is not None
            if deriv is None:
                deriv = complex_.find(_x("restriction"))
            base = self.type_by_name(self._qname(deriv, deriv.attrib["base"]))
            if not isinstance(base, ComplexType):
                raise XsdError(f"complexContent of {ct.name} derives from a simple type")
            ct.base = base
            own = self._particle_of(deriv)
            own_attrs, own_wc = self._attributes_of(deriv)
            if is_ext:
                ct.attributes = _merge_attrs(base.attributes, own_attrs)
                ct.attr_wildcard = own_wc or base.attr_wildcard
                if base.particle is None or _is_empty_particle(base.particle):
                    ct.particle = own
                elif own is None or _is_empty_particle(own):
                    ct.particle = base.particle
                else:
                    ct.particle = Particle(1, 1, ModelGroup("sequence", [base.particle, own]))
                mixed = mixed or base.content == "mixed"
            else:
                ct.attributes = _merge_attrs(base.attributes, own_attrs, deriv, self)
                ct.attr_wildcard = own_wc
                ct.particle = own
        else:
            ct.particle = self._particle_of(node)
            ct.attributes, ct.attr_wildcard = self._attributes_of(node)
            ct.attributes = sorted(ct.attributes, key=lambda a: (a.qname[1], a.qname[0]))
        if ct.particle is not None and _is_empty_particle(ct.particle):
            ct.particle = None
        if mixed:
            ct.content = "mixed"
        elif ct.particle is not None:
            ct.content = "element"
        else:
            ct.content = "empty"

    def _simple_content(self, simple: ET.Element, ct: ComplexType) -> None:
        deriv = simple.find(_x("extension"))
        if deriv is None:
            deriv = simple.find(_x("restriction"))
        base = self.type_by_name(self._qname(deriv, deriv.attrib["base"]))
        own_attrs, own_wc = self._attributes_of(deriv)
        if isinstance(base, ComplexType):
            st = base.simple
            inherited = base.attributes
            ct.attr_wildcard = own_wc or base.attr_wildcard
        else:
            st = base
            inherited = []
            ct.attr_wildcard = own_wc
        if deriv.tag == _x("restriction") and st is not None:
            st = self._restrict(st, deriv, None)
        ct.base = base
        ct.simple = st
        ct.content = "simple"
        ct.attributes = _merge_attrs(inherited, own_attrs)

    def _particle_of(self, node: ET.Element) -> Particle | None:
        for child in node:
            if child.tag in (_x("sequence"), _x("choice"), _x("all"), _x("group")):
                return self._particle(child)
        return None

    def _occurs(self, node: ET.Element) -> tuple[int, int]:
        mn = int(node.get("minOccurs", "1"))
        mx_s = node.get("maxOccurs", "1")
        return mn, (UNBOUNDED if mx_s == "unbounded" else int(mx_s))

    def _particle(self, node: ET.Element) -> Particle:
        mn, mx = self._occurs(node)
        tag = node.tag.split("}")[-1]
        if tag == "element":
            return Particle(mn, mx, self._element_term(node))
        if tag == "any":
            return Particle(mn, mx, self._wildcard(node))
        if tag == "group":
            ref = self._qname(node, node.attrib["ref"])
            gnode, _ = self.group_nodes[ref]
            inner = self._particle_of(gnode)
            if inner is None:
                raise XsdError(f"empty group {ref}")
            return Particle(mn, mx, inner.term)
        parts = [self._particle(c) for c in node if isinstance(c.tag, str)
                 and c.tag in (_x("element"), _x("any"), _x("sequence"), _x("choice"),
                               _x("group"), _x("all"))]
        return Particle(mn, mx, ModelGroup(tag, parts))

    def _wildcard(self, node: ET.Element) -> Wildcard:
        ns = node.get("namespace", "##any").split()
        tns = self._ns_maps[id(node)]["__tns__"]
        constraint: object
        if ns == ["##any"]:
            constraint = "any"
        elif ns == ["##other"]:
            constraint = ("not", tns)
        else:
            uris = []
            for n in ns:
                uris.append(tns if n == "##targetNamespace" else "" if n == "##local" else n)
            constraint = tuple(sorted(uris))
        return Wildcard(constraint, node.get("processContents", "strict"))

    def _element_term(self, node: ET.Element) -> ElementDecl:
        if "ref" in node.attrib:
            return self.global_element(self._qname(node, node.attrib["ref"]))
        info = self._ns_maps[id(node)]
        form = node.get("form", info["__efd__"])
        ns = info["__tns__"] if form == "qualified" else ""
        decl = ElementDecl((ns, node.attrib["name"]), node, False,
                           nillable=node.get("nillable") == "true")
        self.local_elements.append(decl)
        return decl

    def global_element(self, qn: QName) -> ElementDecl:
        if qn in self.elements:
            return self.elements[qn]
        if qn not in self.element_nodes:
            raise XsdError(f"unknown element {qn}")
        node, _tns = self.element_nodes[qn]
        head = None
        if "substitutionGroup" in node.attrib:
            head = self._qname(node, node.attrib["substitutionGroup"])
        decl = ElementDecl(qn, node, True, abstract=node.get("abstract") == "true",
                           nillable=node.get("nillable") == "true", subst_head=head)
        self.elements[qn] = decl
        return decl

    def element_type(self, decl: ElementDecl) -> SimpleType | ComplexType:
        if decl._type is not None:
            return decl._type
        node = decl.type_ref
        assert isinstance(node, ET.Element)
        if "type" in node.attrib:
            t = self.type_by_name(self._qname(node, node.attrib["type"]))
        else:
            inline = node.find(_x("complexType"))
            if inline is None:
                inline = node.find(_x("simpleType"))
            if inline is not None:
                t = self._build_type(inline, None)
            elif decl.subst_head is not None:
                t = self.element_type(self.global_element(decl.subst_head))
            else:
                t = ANY_TYPE
        decl._type = t
        return t

    def _attributes_of(self, node: ET.Element) -> tuple[list[AttributeUse], Wildcard | None]:
        attrs: list[AttributeUse] = []
        wildcard: Wildcard | None = None
        for child in node:
            if child.tag == _x("attribute"):
                if child.get("use") == "prohibited":
                    continue
                attrs.append(self._attribute(child))
            elif child.tag == _x("attributeGroup"):
                gnode, _ = self.attr_group_nodes[self._qname(child, child.attrib["ref"])]
                more, wc = self._attributes_of(gnode)
                attrs.extend(more)
                wildcard = wildcard or wc
            elif child.tag == _x("anyAttribute"):
                wildcard = self._wildcard(child)
        return attrs, wildcard

    def _attribute(self, node: ET.Element) -> AttributeUse:
        required = node.get("use") == "required"
        if "ref" in node.attrib:
            qn = self._qname(node, node.attrib["ref"])
            node = self.attr_nodes[qn][0]
        else:
            info = self._ns_maps[id(node)]
            form = node.get("form", info["__afd__"])
            qn = (info["__tns__"] if form == "qualified" else "", node.attrib["name"])
        if "type" in node.attrib:
            t = self.type_by_name(self._qname(node, node.attrib["type"]))
        elif node.find(_x("simpleType")) is not None:
            t = self._build_type(node.find(_x("simpleType")), None)
        else:
            t = self.builtins["anySimpleType"]
        assert isinstance(t, SimpleType)
        return AttributeUse(qn, t, required)

    def substitution_members(self, head: ElementDecl) -> list[ElementDecl]:
        """The head and every element that may substitute it (transitively)."""
        out = [head]
        for qn in sorted(self.element_nodes):
            decl = self.global_element(qn)
            h = decl.subst_head
            seen: set[QName] = set()
            while h is not None and h not in seen:
                seen.add(h)
                if h == head.qname:
                    out.append(decl)
                    break
                h = self.global_element(h).subst_head
        return out


def _is_empty_particle(p: Particle) -> bool:
    if isinstance(p.term, ModelGroup):
        return all(_is_empty_particle(c) for c in p.term.particles)
    return p.max == 0


def _merge_attrs(base: list[AttributeUse], own: list[AttributeUse],
                 restriction: ET.Element | None = None,
                 schema: SchemaSet | None = None) -> list[AttributeUse]:
    merged = {a.qname: a for a in base}
    for a in own:
        merged[a.qname] = a
    if restriction is not None and schema is not None:
        for child in restriction:
            if child.tag == _x("attribute") and child.get("use") == "prohibited":
                name = child.get("name") or child.get("ref", "").split(":")[-1]
                merged = {k: v for k, v in merged.items() if k[1] != name}
    return sorted(merged.values(), key=lambda a: (a.qname[1], a.qname[0]))


def _index_xsd_dir(xsd_dir: Path) -> dict[str, list[Path]]:
    """Map targetNamespace -> XSD files under xsd_dir (first found wins per file name)."""
    out: dict[str, list[Path]] = {}
    seen_names: set[tuple[str, str]] = set()
    for path in sorted(xsd_dir.rglob("*.xsd")):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:
            raise XsdError(f"{path}: {exc}") from exc
        ns = root.get("targetNamespace", "")
        if (ns, path.name) in seen_names:
            continue
        seen_names.add((ns, path.name))
        out.setdefault(ns, []).append(path)
    return out
