"""EXI string values and the string table's value partitions (EXI 1.0, 7.1.10 and 7.3).

Josev's EXICodec.jar sets EXIficient's valueMaxLength and valuePartitionCapacity to 0,
so it never adds a value to the table and never emits a hit: every string is a miss
(length + 2, then the code points).  That is the encoder's default here, for byte
equality with Josev.  Other encoders (EXIficient with default options, for example)
do emit hits, so the decoder keeps the value partitions as the spec says (unbounded)
and resolves local (0) and global (1) hits.
"""

from __future__ import annotations

from .bits import BitReader, BitWriter
from .errors import ExiDecodeError

MAX_STRING_CHARS = 1 << 20


class StringTables:
    """Global and per-qname local value partitions for one EXI stream.

    learn=False (Josev's settings) keeps the partitions empty: no hits, no growth.
    """

    __slots__ = ("learn", "global_values", "global_index", "local_values", "local_index")

    def __init__(self, learn: bool) -> None:
        self.learn = learn
        self.global_values: list[str] = []
        self.global_index: dict[str, int] = {}
        self.local_values: dict[str, list[str]] = {}
        self.local_index: dict[str, dict[str, int]] = {}

    def _add(self, key: str, value: str) -> None:
        if value in self.global_index:
            # cannot happen for a miss, but keep the partitions consistent anyway
            return
        self.global_index[value] = len(self.global_values)
        self.global_values.append(value)
        local = self.local_values.get(key)
        if local is None:
            local = self.local_values[key] = []
            self.local_index[key] = {}
        self.local_index[key][value] = len(local)
        local.append(value)

    def encode(self, w: BitWriter, key: str, value: str) -> None:
        if self.learn:
            local = self.local_index.get(key)
            if local is not None and value in local:
                w.write_uint(0)
                w.write(local[value], (len(local) - 1).bit_length())
                return
            gidx = self.global_index.get(value)
            if gidx is not None:
                w.write_uint(1)
                w.write(gidx, (len(self.global_values) - 1).bit_length())
                return
        if value.isascii():
            w.write_uint(len(value) + 2)
            w.write_bytes(value.encode("ascii"))
        else:
            w.write_uint(len(value) + 2)
            for ch in value:
                w.write_uint(ord(ch))
        if self.learn and value:
            self._add(key, value)

    def decode(self, r: BitReader, key: str) -> str:
        start = r.pos
        n = r.read_uint(f"string length of {key}", 5)
        if n == 0:
            local = self.local_values.get(key)
            if not local:
                raise ExiDecodeError(start, f"a string for {key} (local hit into an empty table)")
            pos = r.pos
            idx = r.read((len(local) - 1).bit_length(), f"local string id of {key}")
            if idx >= len(local):
                raise ExiDecodeError(pos, f"a local string id below {len(local)} for {key}")
            return local[idx]
        if n == 1:
            table = self.global_values
            if not table:
                raise ExiDecodeError(start, f"a string for {key} (global hit into an empty table)")
            pos = r.pos
            idx = r.read((len(table) - 1).bit_length(), f"global string id of {key}")
            if idx >= len(table):
                raise ExiDecodeError(pos, f"a global string id below {len(table)} for {key}")
            return table[idx]
        length = n - 2
        if length > MAX_STRING_CHARS or 8 * length > r.remaining:
            raise ExiDecodeError(start, f"a string length for {key} within the stream ({length} chars)")
        pos = r.pos
        raw = r.read_bytes(length, key)
        if raw.isascii():
            value = raw.decode("ascii")
        else:
            r.pos = pos
            chars = []
            for _ in range(length):
                cpos = r.pos
                cp = r.read_uint(f"a character of {key}", 3)
                if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
                    raise ExiDecodeError(cpos, f"a Unicode code point in {key}, got {cp:#x}")
                chars.append(chr(cp))
            value = "".join(chars)
        if self.learn and value:
            self._add(key, value)
        return value
