"""Bit-packed input and output streams (EXI alignment option 'bit-packed')."""

from __future__ import annotations

from .errors import ExiDecodeError


def _what(what: object) -> str:
    """Callers pass ("what", "of whom") tuples so hot paths never format strings."""
    return " ".join(what) if isinstance(what, tuple) else str(what)


class BitWriter:
    """Appends n-bit values most significant bit first; whole bytes move to a bytearray.

    Pending bits live in a small Python int so each write is a shift and an or; bytes are
    flushed once 32 bits are pending, which keeps the int small.
    """

    __slots__ = ("_out", "_acc", "_n")

    def __init__(self) -> None:
        self._out = bytearray()
        self._acc = 0
        self._n = 0

    def write(self, value: int, width: int) -> None:
        if width == 0:
            return
        self._acc = (self._acc << width) | value
        self._n += width
        if self._n >= 32:
            self._flush()

    def _flush(self) -> None:
        n = self._n
        whole = n >> 3
        rest = n - (whole << 3)
        self._out += (self._acc >> rest).to_bytes(whole, "big")
        self._acc &= (1 << rest) - 1
        self._n = rest

    def write_bytes(self, data: bytes) -> None:
        if self._n == 0:
            self._out += data
        elif data:
            self._acc = (self._acc << (8 * len(data))) | int.from_bytes(data, "big")
            self._n += 8 * len(data)
            self._flush()

    def write_uint(self, value: int) -> None:
        """EXI Unsigned Integer: 7-bit groups, least significant first, high bit = more."""
        if value < 128:
            self.write(value, 8)
            return
        while value >= 128:
            self.write((value & 127) | 128, 8)
            value >>= 7
        self.write(value, 8)

    def getvalue(self) -> bytes:
        """Pad the last byte with zero bits (EXI document end) and return the stream."""
        if self._n & 7:
            pad = 8 - (self._n & 7)
            self._acc <<= pad
            self._n += pad
        self._flush()
        return bytes(self._out)


class BitReader:
    """Reads n-bit values from a bytes object; every read is bounds-checked."""

    __slots__ = ("data", "pos", "end")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.end = len(data) * 8

    def read(self, width: int, what: object) -> int:
        if width == 0:
            return 0
        pos = self.pos
        stop = pos + width
        if stop > self.end:
            raise ExiDecodeError(pos, f"{width} bit(s) for {_what(what)}, but the stream ends")
        self.pos = stop
        first = pos >> 3
        last = (stop + 7) >> 3
        chunk = int.from_bytes(self.data[first:last], "big")
        return (chunk >> ((last << 3) - stop)) & ((1 << width) - 1)

    def read_uint(self, what: object, max_octets: int = 10) -> int:
        """EXI Unsigned Integer, capped at max_octets groups (10 groups = 70 bits)."""
        start = self.pos
        result = 0
        shift = 0
        for _ in range(max_octets):
            octet = self.read(8, what)
            result |= (octet & 127) << shift
            if octet < 128:
                return result
            shift += 7
        raise ExiDecodeError(start, f"{_what(what)}: an unsigned integer of at most {max_octets} octets")

    def read_bytes(self, count: int, what: object) -> bytes:
        pos = self.pos
        if pos + 8 * count > self.end:
            raise ExiDecodeError(pos, f"{count} byte(s) of {_what(what)}, but the stream ends")
        if pos & 7 == 0:
            self.pos = pos + 8 * count
            return self.data[pos >> 3:(pos >> 3) + count]
        value = self.read(8 * count, what) if count else 0
        return value.to_bytes(count, "big")

    @property
    def remaining(self) -> int:
        return self.end - self.pos


class SmallBitReader(BitReader):
    """BitReader for short streams: the whole stream as one int, each read a shift and mask.

    Twice as fast as slicing for V2G-sized messages; only used below SMALL_STREAM bytes,
    since shifting a big int costs time proportional to its size.
    """

    __slots__ = ("_big",)

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self._big = int.from_bytes(data, "big")

    def read(self, width: int, what: object) -> int:
        stop = self.pos + width
        if stop > self.end:
            raise ExiDecodeError(self.pos, f"{width} bit(s) for {_what(what)}, but the stream ends")
        self.pos = stop
        return (self._big >> (self.end - stop)) & ((1 << width) - 1)


SMALL_STREAM = 512


def reader_for(data: bytes) -> BitReader:
    """The faster reader for the stream's size."""
    return SmallBitReader(data) if len(data) <= SMALL_STREAM else BitReader(data)
