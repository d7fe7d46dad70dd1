"""EXI built-in datatype representations (EXI 1.0, section 7) in the JSON form of Josev.

Values are what Josev's EXICodec.jar (EclipseLink MOXy) puts in JSON: integers and
booleans as JSON numbers/booleans, enumerations by their lexical value, hexBinary as
upper-case hex text, base64Binary as base64 text, strings as strings.

Descriptors come from the generated tables; at load time they are turned into tuples
whose first item is one of the small integer codes below, so dispatch is a compare.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal, InvalidOperation

from .bits import BitReader, BitWriter
from .errors import ExiDecodeError, ExiEncodeError
from .strings import StringTables

BOOL, NBIT, UINT, INT, ENUM, HEX, B64, STR, DEC, LIST, FLOAT = range(11)
_CODES = {"bool": BOOL, "nbit": NBIT, "uint": UINT, "int": INT, "enum": ENUM, "hex": HEX,
          "b64": B64, "str": STR, "dec": DEC, "list": LIST, "float": FLOAT}

#: Hard caps on what a decoder will allocate for one value, whatever the stream says.
MAX_STRING_CHARS = 1 << 20
MAX_LIST_ITEMS = 1 << 16
MAX_INT_OCTETS = 24  # 168 bits: unsignedLong, long, and xs:integer X509SerialNumber up to RFC 5280's 20 octets


def compile_datatypes(descriptors: tuple) -> tuple:
    """Turn generated descriptors into runtime tuples (code, params...)."""
    out: list[tuple] = []
    for d in descriptors:
        code = _CODES[d[0]]
        if code == ENUM:
            values = d[1]
            out.append((ENUM, values, max(len(values) - 1, 0).bit_length(),
                        {v: i for i, v in enumerate(values)}))
        elif code == LIST:
            out.append((LIST, d[1]))
        elif code == BOOL:
            out.append((BOOL, 1))  # the width, for the decoder's fixed-width fast path
        else:
            out.append((code, *d[1:]))
    return tuple(out)


def _int_value(value: object, path: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExiEncodeError(path, f"expected an integer, got {value!r}")
    return value


def encode_value(w: BitWriter, dt: tuple, value: object, path: object,
                 strings: StringTables, key: str, datatypes: tuple) -> None:
    """Write one typed value; raise ExiEncodeError(path, ...) when it does not fit dt."""
    code = dt[0]
    if code == NBIT:
        v = _int_value(value, path)
        if not dt[2] <= v <= dt[3]:
            raise ExiEncodeError(path, f"{v} is outside [{dt[2]}, {dt[3]}]")
        w.write(v - dt[2], dt[1])
    elif code == STR:
        if not isinstance(value, str):
            raise ExiEncodeError(path, f"expected a string, got {value!r}")
        strings.encode(w, key, value)
    elif code == UINT:
        v = _int_value(value, path)
        if v < 0 or (dt[1] is not None and v > dt[1]):
            raise ExiEncodeError(path, f"{v} is outside [0, {dt[1]}]")
        w.write_uint(v)
    elif code == INT:
        v = _int_value(value, path)
        if (dt[1] is not None and v < dt[1]) or (dt[2] is not None and v > dt[2]):
            raise ExiEncodeError(path, f"{v} is outside [{dt[1]}, {dt[2]}]")
        if v < 0:
            w.write(1, 1)
            w.write_uint(-v - 1)
        else:
            w.write(0, 1)
            w.write_uint(v)
    elif code == BOOL:
        if not isinstance(value, bool):
            raise ExiEncodeError(path, f"expected a boolean, got {value!r}")
        w.write(1 if value else 0, 1)
    elif code == ENUM:
        idx = dt[3].get(value) if isinstance(value, (str, int)) else None
        if idx is None:
            raise ExiEncodeError(path, f"{value!r} is not one of {list(dt[1])}")
        w.write(idx, dt[2])
    elif code == HEX:
        if not isinstance(value, str):
            raise ExiEncodeError(path, f"expected hex text, got {value!r}")
        try:
            data = bytes.fromhex(value)
        except ValueError:
            raise ExiEncodeError(path, f"{value!r} is not hexBinary") from None
        w.write_uint(len(data))
        w.write_bytes(data)
    elif code == B64:
        if not isinstance(value, str):
            raise ExiEncodeError(path, f"expected base64 text, got {value!r}")
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ExiEncodeError(path, f"{value[:40]!r} is not base64Binary") from None
        w.write_uint(len(data))
        w.write_bytes(data)
    elif code == DEC:
        _encode_decimal(w, value, path)
    elif code == LIST:
        if not isinstance(value, list):
            raise ExiEncodeError(path, f"expected a list, got {value!r}")
        w.write_uint(len(value))
        item = datatypes[dt[1]]
        for i, v in enumerate(value):
            encode_value(w, item, v, (path, "", i), strings, key, datatypes)
    else:
        raise ExiEncodeError(path, "float values are not supported by this codec")


def decode_value(r: BitReader, dt: tuple, strings: StringTables, key: str,
                 datatypes: tuple) -> object:
    """Read one typed value; raise ExiDecodeError on truncation or nonsense."""
    code = dt[0]
    if code == NBIT:
        return r.read(dt[1], key) + dt[2]
    if code == STR:
        return strings.decode(r, key)
    if code == UINT:
        return r.read_uint(key, MAX_INT_OCTETS)
    if code == INT:
        negative = r.read(1, f"sign of {key}")
        magnitude = r.read_uint(key, MAX_INT_OCTETS)
        return -magnitude - 1 if negative else magnitude
    if code == BOOL:
        return r.read(1, key) == 1
    if code == ENUM:
        pos = r.pos
        idx = r.read(dt[2], key)
        if idx >= len(dt[1]):
            raise ExiDecodeError(pos, f"an enumeration index below {len(dt[1])} for {key}")
        return dt[1][idx]
    if code in (HEX, B64):
        pos = r.pos
        n = r.read_uint(f"length of {key}", 5)
        if 8 * n > r.remaining:
            raise ExiDecodeError(pos, f"a binary length for {key} within the stream ({n} bytes)")
        data = r.read_bytes(n, key)
        return data.hex().upper() if code == HEX else base64.b64encode(data).decode("ascii")
    if code == DEC:
        return _decode_decimal(r, key)
    if code == LIST:
        pos = r.pos
        n = r.read_uint(f"item count of {key}", 5)
        if n > min(MAX_LIST_ITEMS, r.remaining):
            raise ExiDecodeError(pos, f"a list length for {key} within the stream ({n} items)")
        item = datatypes[dt[1]]
        return [decode_value(r, item, strings, key, datatypes) for _ in range(n)]
    raise ExiDecodeError(r.pos, f"a supported datatype for {key} (float is not supported)")


def _encode_decimal(w: BitWriter, value: object, path: object) -> None:
    """EXI Decimal: sign bit, integral part, fractional digits reversed (7.1.3)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ExiEncodeError(path, f"expected a decimal, got {value!r}")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ExiEncodeError(path, f"{value!r} is not a decimal") from None
    if not d.is_finite():
        raise ExiEncodeError(path, f"{value!r} is not a finite decimal")
    sign, digits, exp = d.as_tuple()
    text = "".join(map(str, digits))
    if exp >= 0:  # type: ignore[operator]
        integral, fraction = text + "0" * exp, ""  # type: ignore[operator]
    else:
        integral, fraction = text[:exp] or "0", text[exp:].rjust(-exp, "0")  # type: ignore[operator]
    w.write(1 if sign else 0, 1)
    w.write_uint(int(integral))
    w.write_uint(int(fraction[::-1]) if fraction else 0)


def _decode_decimal(r: BitReader, key: str) -> str:
    negative = r.read(1, f"sign of {key}")
    integral = r.read_uint(key, MAX_INT_OCTETS)
    fraction = str(r.read_uint(key, MAX_INT_OCTETS))[::-1]
    text = f"{integral}.{fraction}" if fraction != "0" else f"{integral}"
    return "-" + text if negative else text


def is_empty(dt: tuple, value: object) -> bool:
    """True for values whose XML form has no characters (EXIficient then ends the element)."""
    return (value == "" and dt[0] in (STR, HEX, B64, ENUM)) or (value == [] and dt[0] == LIST)


def is_typed_valid(dt: tuple, value: object, path: object) -> bool:
    """Whether EXIficient would encode value with the typed representation.

    Values of the right JSON kind but outside the datatype (an n-bit integer out of range,
    an unknown enumeration literal, a negative unsigned) are valid JSON for Josev's jar,
    and EXIficient then writes them as untyped characters.  A value of the wrong JSON
    kind raises ExiEncodeError here, as the jar cannot take it either.
    """
    code = dt[0]
    if code in (NBIT, UINT, INT):
        v = _int_value(value, path)
        if code == NBIT:
            return dt[2] <= v <= dt[3]
        return v >= 0 if code == UINT else True
    if code == ENUM:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ExiEncodeError(path, f"expected an enumeration literal, got {value!r}")
        return value in dt[3]
    return True


def untyped_text(value: object) -> str:
    """The lexical form JAXB writes for a JSON value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def from_untyped(dt: tuple, text: str) -> object:
    """JSON value for characters that arrived untyped (JAXB parses them back)."""
    code = dt[0]
    if code in (NBIT, UINT, INT) or (code == ENUM and dt[1] and isinstance(dt[1][0], int)):
        try:
            return int(text.strip())
        except ValueError:
            return text
    if code == BOOL:
        return text.strip() in ("true", "1")
    return text
