"""Runtime view of the generated grammar tables: one `Schema` per V2G namespace.

The tables are loaded lazily (first use of a namespace) and reshaped for the two hot
loops: the encoder looks productions up by JSON key, the decoder by event code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from .datatypes import compile_datatypes

# Production kinds; must match generate/emit.py
AT, SE, EE, CH, CH_UNTYPED, SE_WILD, AT_WILD = range(7)

APP_PROTOCOL = "urn:iso:15118:2:2010:AppProtocol"
DIN = "urn:din:70121:2012:MsgDef"
ISO2 = "urn:iso:15118:2:2013:MsgDef"
ISO20_COMMON = "urn:iso:std:iso:15118:-20:CommonMessages"
ISO20_AC = "urn:iso:std:iso:15118:-20:AC"
ISO20_DC = "urn:iso:std:iso:15118:-20:DC"
ISO20_WPT = "urn:iso:std:iso:15118:-20:WPT"
ISO20_ACDP = "urn:iso:std:iso:15118:-20:ACDP"
XMLDSIG = "http://www.w3.org/2000/09/xmldsig#"

#: namespace -> generated table module
TABLE_MODULES: dict[str, str] = {
    APP_PROTOCOL: "app_protocol",
    DIN: "din",
    ISO2: "iso2",
    ISO20_COMMON: "iso20_cm",
    ISO20_AC: "iso20_ac",
    ISO20_DC: "iso20_dc",
    ISO20_WPT: "iso20_wpt",
    ISO20_ACDP: "iso20_acdp",
    XMLDSIG: "xmldsig",
}

#: Root elements that Josev's EXICodec.jar encodes as EXI fragments, per namespace
#: (read from its AbstractEXICodec): the parts of a message that get signed.
FRAGMENT_ROOTS: dict[str, frozenset[str]] = {
    ISO2: frozenset({
        "CertificateInstallationReq", "AuthorizationReq", "MeteringReceiptReq", "SignedInfo",
        "ContractSignatureCertChain", "ContractSignatureEncryptedPrivateKey", "DHpublickey",
        "eMAID", "SalesTariff",
    }),
    ISO20_COMMON: frozenset({"OEMProvisioningCertificateChain", "PnC_AReqAuthorizationMode"}),
}


@dataclass(frozen=True, slots=True)
class Grammar:
    """One complex type's grammar.

    states[i] = (width, by_key, ee_code, productions, l2_width, l2_ee, l2_ch):
      by_key maps a JSON key to (event code, child, next state, kind, string-table key);
      productions is indexed by event code: (kind, key, child, next state, is_list,
      string-table key), the key being the qname "{uri}local" of the element/attribute;
      the escape code len(productions) leads to the second level, where l2_ee is EE
      (-1 when EE is first-level) and l2_ch is CH [untyped value].
    order: the JSON keys in the order the encoder emits them, unless free_order: then the
      message's own key order is kept (JAXB keeps repeated-choice content as one list).
    defaults: values Josev's jar sends for keys a message leaves out (JAXB primitives).
    """

    states: tuple
    order: tuple[str, ...]
    list_keys: frozenset[str]
    free_order: bool
    attr_keys: tuple[str, ...]
    defaults: dict[str, object]


@dataclass(frozen=True, slots=True)
class RootSet:
    """DocContent or FragmentContent: the root elements, sorted as EXI requires."""

    width: int
    by_key: dict[str, tuple[int, int | None, str]]
    entries: tuple[tuple[str, str, int | None], ...]


@dataclass(frozen=True, slots=True)
class Schema:
    namespace: str
    datatypes: tuple
    grammars: tuple[Grammar, ...]
    document: RootSet
    fragment: RootSet
    fragment_roots: frozenset[str]


def _expand(runs: tuple) -> list[tuple]:
    """Undo the table compression: repeat runs, make next-state indices absolute."""
    states = []
    for count, (width, rel, *l2) in runs:
        for _ in range(count):
            index = len(states)
            prods = tuple((kind, key, child, index + nxt, is_list, skey)
                          for kind, key, child, nxt, is_list, skey in rel)
            states.append((width, prods, *l2))
    return states


def _compile_grammar(raw: tuple) -> Grammar:
    runs, order, free_order, defaults = raw
    states_raw = _expand(runs)
    states = []
    list_keys: set[str] = set()
    for width, prods, l2_width, ee2, ch2 in states_raw:
        by_key: dict[str, tuple[int, int, int, int, str]] = {}
        ee = -1
        for code, (kind, key, child, nxt, is_list, skey) in enumerate(prods):
            if kind == EE:
                ee = code
            elif kind in (AT, SE, CH) and key not in by_key:
                by_key[key] = (code, child, nxt, kind, skey)
            if is_list:
                list_keys.add(key)
        states.append((width, by_key, ee, prods, l2_width, ee2, ch2))
    attr_keys = tuple(p[1] for st in states_raw for p in st[1] if p[0] == AT)  # noqa: B007
    attr_keys = tuple(k for k in order if k in attr_keys)
    return Grammar(tuple(states), tuple(order), frozenset(list_keys), free_order, attr_keys, defaults)


def _root_set(entries: tuple, extra: int) -> RootSet:
    by_key: dict[str, tuple[int, int | None, str]] = {}
    for code, (local, uri, child) in enumerate(entries):
        by_key.setdefault(local, (code, child, f"{{{uri}}}{local}"))
    # codes 0..n-1 for the elements, then SE(*) (and ED for fragments)
    width = (len(entries) + extra - 1).bit_length()
    return RootSet(width, by_key, entries)


@cache
def load_schema(namespace: str) -> Schema:
    """Load and compile the tables of one namespace (cached)."""
    module_name = TABLE_MODULES[namespace]
    mod = importlib.import_module(f"{__package__}.tables.{module_name}")
    return Schema(
        namespace=namespace,
        datatypes=compile_datatypes(mod.DATATYPES),
        grammars=tuple(_compile_grammar(g) for g in mod.GRAMMARS),
        document=_root_set(mod.DOCUMENT, 1),
        fragment=_root_set(mod.FRAGMENT, 2),
        fragment_roots=FRAGMENT_ROOTS.get(namespace, frozenset()),
    )
