"""Table-driven EXI body encoder and decoder for the V2G schemas.

The stream layout is what Josev's EXICodec.jar (EXIficient 0.9.6) produces: the one-byte
header 0x80 (distinguishing bits, no options, version 1), a schema-informed, non-strict,
bit-packed body, and zero bits padding the last byte.  A message is the dict
{root element name: content} in Josev's JSON form.
"""

from __future__ import annotations

from .bits import BitWriter, reader_for
from .datatypes import (
    BOOL,
    ENUM,
    LIST,
    NBIT,
    decode_value,
    encode_value,
    from_untyped,
    is_empty,
    is_typed_valid,
    untyped_text,
)
from .errors import ExiDecodeError, ExiEncodeError
from .schema import AT, CH, EE, SE, XMLDSIG, Grammar, RootSet, Schema, load_schema
from .strings import StringTables

HEADER = 0x80
MAX_DEPTH = 64


def _describe(grammar: Grammar, state: int) -> str:
    names = []
    for kind, key, *_ in grammar.states[state][3]:
        names.append("end of element" if kind == EE else key)
    return " | ".join(names) or "nothing"


def _free_keys(grammar: Grammar, obj: dict) -> list[str]:
    """Attributes first (sorted, as EXI requires), then children in the message's order."""
    attrs = grammar.attr_keys
    return [k for k in attrs if k in obj] + [k for k in obj if k not in attrs and k in grammar.order]


#: datatypes whose decoding reads a fixed width: code -> index of that width in the datatype
_FAST = {NBIT: 1, ENUM: 2, BOOL: 1}


class _Encoder:
    __slots__ = ("w", "schema", "grammars", "datatypes", "strings", "strict", "josev_defaults")

    def __init__(self, schema: Schema, learn_strings: bool, strict: bool, josev_defaults: bool) -> None:
        self.w = BitWriter()
        self.schema = schema
        self.grammars = schema.grammars
        self.datatypes = schema.datatypes
        self.strings = StringTables(learn_strings)
        self.strict = strict
        self.josev_defaults = josev_defaults

    def element(self, grammar: Grammar, obj: object, path: object, depth: int, qkey: str) -> None:
        """Encode one complex element; qkey is its qname, the string-table key of its text.

        path is (parent path, key, index), formatted only when an error is raised.
        """
        if not isinstance(obj, dict):
            raise ExiEncodeError(path, f"expected an object, got {type(obj).__name__}")
        if depth > MAX_DEPTH:
            raise ExiEncodeError(path, "nesting too deep")
        w = self.w
        states = grammar.states
        list_keys = grammar.list_keys
        s = 0
        used = 0
        fill = self.josev_defaults and grammar.defaults
        for key in _free_keys(grammar, obj) if grammar.free_order else grammar.order:
            if key in obj:
                used += 1
                value = obj[key]
            elif fill and key in grammar.defaults and key in states[s][1]:
                value = grammar.defaults[key]
            else:
                continue
            if value is None:
                continue
            items = value if isinstance(value, list) and key in list_keys else (value,)
            for i, item in enumerate(items):
                st = states[s]
                prod = st[1].get(key)
                where = (path, key, i if items is value else None)
                if prod is None:
                    raise ExiEncodeError(where, f"not allowed here; expected {_describe(grammar, s)}")
                code, child, nxt, kind, skey = prod
                if child >= 0:
                    w.write(code, st[0])
                    self.element(self.grammars[child], item, where, depth + 1, skey)
                elif kind == SE:
                    w.write(code, st[0])
                    self.simple(self.datatypes[~child], item, where, skey)
                elif kind == CH:
                    if self.characters(st, code, self.datatypes[~child], item, where, qkey):
                        if used != len(obj):
                            break
                        return  # the element ended at the second level
                else:
                    w.write(code, st[0])
                    encode_value(w, self.datatypes[~child], item, where, self.strings, skey, self.datatypes)
                s = nxt
        if used != len(obj):
            unknown = sorted(k for k in obj if k not in grammar.order)
            if unknown:
                raise ExiEncodeError((path, unknown[0], None), f"unknown field; allowed: {list(grammar.order)}")
            raise ExiEncodeError(path, "fields after an empty or invalid value")
        st = states[s]
        if st[2] < 0:
            raise ExiEncodeError(path, f"incomplete; expected {_describe(grammar, s)}")
        w.write(st[2], st[0])

    def simple(self, dt: tuple, value: object, path: object, key: str) -> None:
        """An element of simple type: CH [typed] then EE, or EXIficient's second level."""
        w = self.w
        code = dt[0]
        # fast paths: CH code 0, the value and EE code 0 in one write
        if code == NBIT:
            if type(value) is int and dt[2] <= value <= dt[3]:
                w.write((value - dt[2]) << 1, dt[1] + 2)
                return
        elif code == BOOL:
            if value is True or value is False:
                w.write(2 if value else 0, 3)
                return
        elif code == ENUM and type(value) is str:
            idx = dt[3].get(value)
            if idx is not None:
                w.write(idx << 1, dt[2] + 2)
                return
        if is_empty(dt, value):
            w.write(0b1000, 4)  # escape, then EE at the second level of Element_i,0
        elif self.strict or is_typed_valid(dt, value, path):
            w.write(0, 1)
            encode_value(w, dt, value, path, self.strings, key, self.datatypes)
            w.write(0, 1)
        else:
            w.write(0b1110, 4)  # escape, then CH [untyped value] (code 6 of 7)
            self.strings.encode(w, key, untyped_text(value))
            w.write(0b100, 3)  # escape, then EE at the second level of the content state

    def characters(self, st: tuple, code: int, dt: tuple, value: object, path: object, key: str) -> bool:
        """Simple content of a complex type; True when the element already ended."""
        w = self.w
        escape = len(st[3])
        if is_empty(dt, value) and st[5] >= 0:
            w.write(escape, st[0])
            w.write(st[5], st[4])
            return True
        if not self.strict and not is_typed_valid(dt, value, path):
            w.write(escape, st[0])
            w.write(st[6], st[4])
            self.strings.encode(w, key, untyped_text(value))
            w.write(0b100, 3)
            return True
        w.write(code, st[0])
        encode_value(w, dt, value, path, self.strings, key, self.datatypes)
        return False

    def root(self, roots: RootSet, message: object, fragment: bool) -> None:
        if not isinstance(message, dict) or len(message) != 1:
            raise ExiEncodeError("$", "a message is an object with exactly one root element")
        (name, content), = message.items()
        entry = roots.by_key.get(name)
        if entry is None or entry[1] is None:
            raise ExiEncodeError(name, f"not a root element of {self.schema.namespace}")
        code, child, qkey = entry
        w = self.w
        w.write(HEADER, 8)
        w.write(code, roots.width)
        if child >= 0:
            self.element(self.grammars[child], content, name, 0, qkey)
        else:
            self.simple(self.datatypes[~child], content, name, qkey)
        if fragment:
            w.write(len(roots.entries) + 1, roots.width)  # ED of FragmentContent


class _Decoder:
    __slots__ = ("r", "schema", "grammars", "datatypes", "strings")

    def __init__(self, schema: Schema, data: bytes) -> None:
        self.r = reader_for(data)
        self.schema = schema
        self.grammars = schema.grammars
        self.datatypes = schema.datatypes
        self.strings = StringTables(True)

    def element(self, grammar: Grammar, depth: int, qkey: str) -> dict:
        """Decode one complex element; qkey is its qname, the string-table key of its text."""
        if depth > MAX_DEPTH:
            raise ExiDecodeError(self.r.pos, "less deeply nested elements")
        r = self.r
        states = grammar.states
        obj: dict = {}
        s = 0
        while True:
            st = states[s]
            prods = st[3]
            pos = r.pos
            code = r.read(st[0], "an event code")
            if code >= len(prods):
                self.second_level(grammar, s, code, pos, obj, qkey)
                return obj
            kind, key, child, s, is_list, skey = prods[code]
            if kind == SE:
                value = self.element(self.grammars[child], depth + 1, skey) if child >= 0 else self.simple(child, skey)
                if is_list:
                    obj.setdefault(key, []).append(value)
                else:
                    obj[key] = value
            elif kind == EE:
                return obj
            elif kind in (AT, CH):
                obj[key] = decode_value(r, self.datatypes[~child], self.strings,
                                        skey if kind == AT else qkey, self.datatypes)
            else:
                raise ExiDecodeError(pos, f"a schema-declared event ({_describe(grammar, s)}); "
                                          "wildcard and untyped content are not supported")

    def second_level(self, grammar: Grammar, s: int, code: int, pos: int, obj: dict, qkey: str) -> None:
        """EE or CH [untyped value] in place of simple content, as EXIficient writes them."""
        st = grammar.states[s]
        ch = st[1].get("value")
        if code == len(st[3]) and ch is not None and ch[3] == CH:
            l2 = self.r.read(st[4], "a second-level event code")
            dt = self.datatypes[~ch[1]]
            if l2 == st[5]:
                obj["value"] = [] if dt[0] == LIST else ""
                return
            if l2 == st[6]:
                obj["value"] = from_untyped(dt, self.strings.decode(self.r, qkey))
                self.untyped_end("value")
                return
        raise ExiDecodeError(pos, f"an event code below {len(st[3])} ({_describe(grammar, s)}), "
                                  f"got {code}: this second-level event is not supported")

    def untyped_end(self, key: str) -> None:
        pos = self.r.pos
        if self.r.read(3, f"end of {key}") != 0b100:
            raise ExiDecodeError(pos, f"end of {key} after untyped characters")

    def simple(self, child: int, key: str) -> object:
        r = self.r
        pos = r.pos
        dt = self.datatypes[~child]
        code = dt[0]
        if code in _FAST and r.end - pos >= dt[_FAST[code]] + 2:
            # fast path: CH code 0, the value and EE code 0 in one read
            width = dt[_FAST[code]]
            bits = r.read(width + 2, key)
            if not bits >> (width + 1) and not bits & 1:
                v = bits >> 1
                if code == NBIT:
                    return v + dt[2]
                if code == BOOL:
                    return v == 1
                if v < len(dt[1]):
                    return dt[1][v]
            r.pos = pos
        if r.read(1, ("the CH event of", key)) != 0:
            l2 = r.read(3, ("a second-level event of", key))
            if l2 == 0:
                return [] if dt[0] == LIST else ""
            if l2 == 6:
                value = from_untyped(dt, self.strings.decode(r, key))
                self.untyped_end(key)
                return value
            raise ExiDecodeError(pos, f"typed characters of {key}, got second-level event {l2}")
        value = decode_value(r, dt, self.strings, key, self.datatypes)
        pos = r.pos
        if r.read(1, ("the end of", key)) != 0:
            raise ExiDecodeError(pos, f"end of {key} (second-level event not supported)")
        return value

    def root(self, roots: RootSet, fragment: bool) -> dict:
        r = self.r
        header = r.read(8, "the EXI header")
        if header != HEADER:
            raise ExiDecodeError(0, f"EXI header 0x80 (no options, version 1), got {header:#04x}")
        pos = r.pos
        code = r.read(roots.width, "a root element event code")
        if code >= len(roots.entries):
            raise ExiDecodeError(pos, f"a root element code below {len(roots.entries)}, got {code}")
        name, uri, child = roots.entries[code]
        if child is None:
            raise ExiDecodeError(pos, f"a root element with one type ({name} is ambiguous)")
        qkey = f"{{{uri}}}{name}"
        if child >= 0:
            value: object = self.element(self.grammars[child], 0, qkey)
        else:
            value = self.simple(child, qkey)
        if fragment:
            pos = r.pos
            end = r.read(roots.width, "end of fragment")
            if end != len(roots.entries) + 1:
                raise ExiDecodeError(pos, f"end of fragment (code {len(roots.entries) + 1}), got {end}")
        if r.remaining >= 8:
            # EXIficient pads to the byte boundary only; tolerate trailing zero bytes
            tail = r.data[(r.pos + 7) >> 3:]
            if any(tail):
                raise ExiDecodeError(r.pos, "the end of the stream (non-zero trailing bytes)")
        return {name: value}


def _is_fragment(schema: Schema, root_name: str) -> bool:
    return schema.namespace == XMLDSIG or root_name in schema.fragment_roots


def encode(message: dict, namespace: str, *, learn_strings: bool = False,
           strict: bool = False, josev_defaults: bool = False) -> bytes:
    """Encode a message dict {root: content} to EXI for the given V2G namespace.

    learn_strings=False matches Josev (no string-table hits); True follows the EXI
    defaults (unbounded value partitions), as EXIficient does without Josev's settings.
    strict=False writes values outside their datatype (an out-of-range n-bit integer, an
    unknown enumeration literal) as untyped characters, exactly as EXIficient does;
    strict=True raises ExiEncodeError for them instead.
    josev_defaults=True also fills in what Josev's jar adds to a message that leaves out
    fields its JAXB classes hold as Java primitives (0 / false), so the bytes equal the
    jar's for such messages too (messages in the jar's own decoded form never need it).
    """
    schema = _schema(namespace, ExiEncodeError)
    enc = _Encoder(schema, learn_strings, strict, josev_defaults)
    name = next(iter(message), "") if isinstance(message, dict) else ""
    fragment = _is_fragment(schema, name)
    enc.root(schema.fragment if fragment else schema.document, message, fragment)
    return enc.w.getvalue()


def decode(data: bytes, namespace: str, *, fragment: bool | None = None) -> dict:
    """Decode an EXI stream to the message dict {root: content}.

    fragment=None decodes as a document, except for the xmldsig namespace; pass True to
    decode a signed fragment (e.g. an ISO 15118-2 AuthorizationReq body element).
    """
    schema = _schema(namespace, None)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("decode() takes bytes")
    dec = _Decoder(schema, bytes(data))
    if fragment is None:
        fragment = namespace == XMLDSIG
    return dec.root(schema.fragment if fragment else schema.document, fragment)


def _schema(namespace: str, error: type | None) -> Schema:
    try:
        return load_schema(namespace)
    except KeyError:
        if error is ExiEncodeError:
            raise ExiEncodeError("$", f"unknown namespace {namespace!r}") from None
        raise ValueError(f"unknown namespace {namespace!r}") from None
