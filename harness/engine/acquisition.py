"""Sampling analyzers and meters at their update rate into the run directory (Parquet, run_dir/samples/).

One thread per stream reads all its quantities in one exchange per update interval (``Instrument.sample``)
and timestamps each row at the read (wall-clock ns and run-clock seconds, taken just before the query,
plus how long the read took). Rows are written in row groups as they come, so a crash loses at most the
last second. An update interval that passes without a read is counted as missed, never hidden.

Step actions and the test share one connection: while a stream runs, the instrument's transport is wrapped
so that every exchange (one query, one Modbus request, one CAN request and its answer) holds a lock.

The streams live in a run service (harness.engine.services protocol), added to the bench's services by the
first ``acquire.start`` of a run: the bench's safe state stops them all, so an acquisition never outlives
its run, whatever the exit path (and runs that acquire nothing carry no extra service).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from instruments import InstrumentError
from instruments.base.instrument import Instrument

ROW_GROUP_S = 1.0  # flush to disk at least this often


class LockedTransport:
    """Every call on the wrapped transport holds the lock: exchanges from two threads never interleave."""

    def __init__(self, inner: Any, lock: threading.RLock):
        self._inner, self._lock = inner, lock
        self.name = inner.name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._inner, attr)
        if not callable(value):
            return value

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return value(*args, **kwargs)

        return locked


def parse_items(specs: list[str]) -> list[tuple[str, int | str | None]]:
    """``["urms@1", "p@sigma", "voltage"]`` -> [("urms", 1), ("p", "sigma"), ("voltage", None)]."""
    items: list[tuple[str, int | str | None]] = []
    for spec in specs:
        q, _, el = spec.partition("@")
        items.append((q, None if not el else int(el) if el.isdigit() else el))
    return items


def column(q: str, el: int | str | None) -> str:
    return q if el is None else f"{q}_{el}"


@dataclass
class Stream:
    name: str
    instrument: Instrument
    items: list[tuple[str, int | str | None]]
    path: Path
    interval_s: float
    clock: Any = None
    rows: int = 0
    missed: int = 0
    error: InstrumentError | None = None
    started: float = 0.0
    stopped: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        fields = [pa.field("t_ns", pa.int64()), pa.field("t_s", pa.float64()), pa.field("read_us", pa.int32())]
        fields += [pa.field(column(q, el), pa.float64()) for q, el in self.items]
        self._schema = pa.schema(fields, metadata={"instrument": self.instrument.name,
                                                   "interval_s": repr(self.interval_s)})
        self._writer = pq.ParquetWriter(self.path, self._schema, compression="zstd")
        self._lock = threading.RLock()
        self._saved_transport = self.instrument.transport
        self.instrument.transport = LockedTransport(self._saved_transport, self._lock)
        self._thread = threading.Thread(target=self._run, name=f"acquire-{self.name}", daemon=True)
        self.started = time.monotonic()
        self._thread.start()

    def _run(self) -> None:
        cols: list[list] = [[] for _ in range(3 + len(self.items))]
        last_flush = time.monotonic()
        next_t = time.monotonic()
        try:
            while not self._stop.is_set():
                t_ns = time.time_ns()
                t0 = time.monotonic()
                t_s = self.clock.now() if self.clock is not None else t0 - self.started
                values = self.instrument.sample(self.items)
                t1 = time.monotonic()
                for col, v in zip(cols, [t_ns, t_s, int((t1 - t0) * 1e6), *values], strict=True):
                    col.append(v)
                self.rows += 1
                if t1 - last_flush >= ROW_GROUP_S:
                    self._flush(cols)
                    last_flush = t1
                if self.interval_s <= 0:  # as fast as the instrument answers (benchmarks)
                    continue
                next_t += self.interval_s
                late = time.monotonic() - next_t
                if late > 0:  # the read took longer than an update: those updates were not sampled
                    skipped = int(late // self.interval_s) + 1
                    self.missed += skipped
                    next_t += skipped * self.interval_s
                self._stop.wait(max(next_t - time.monotonic(), 0.0))
        except InstrumentError as exc:
            self.error = exc
        except Exception as exc:  # any other failure must still end the stream with a reason
            self.error = InstrumentError(self.instrument.name, f"acquisition failed: {type(exc).__name__}: {exc}")
        finally:
            self._flush(cols)
            self._writer.close()

    def _flush(self, cols: list[list]) -> None:
        import pyarrow as pa

        if cols[0]:
            self._writer.write_table(pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in
                                                           zip(cols, self._schema, strict=True)],
                                                          schema=self._schema))
            for c in cols:
                c.clear()

    def stop(self) -> dict:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.instrument.transport = self._saved_transport
        self.stopped = time.monotonic()
        return self.summary()

    def summary(self) -> dict:
        duration = (self.stopped or time.monotonic()) - self.started
        return {"stream": self.name, "instrument": self.instrument.name, "rows": self.rows,
                "missed_updates": self.missed, "duration_s": round(duration, 3),
                "rate_hz": round(self.rows / duration, 2) if duration > 0 else 0.0,
                "interval_s": self.interval_s, "file": str(self.path),
                "error": str(self.error) if self.error else None}


class AcquisitionService:
    """The run's streams; a run service so that the bench's safe state stops them on every exit path."""

    name = "acquisition"

    def __init__(self) -> None:
        self.streams: dict[str, Stream] = {}
        self.run_dir: Any = None

    def start(self, run_dir: Any, resolve: Any) -> None:
        self.run_dir = run_dir

    def open(self, name: str, instrument: Instrument, items: list[tuple[str, int | str | None]],
             interval_s: float | None = None, clock: Any = None) -> Stream:
        if name in self.streams:
            raise InstrumentError(instrument.name, f"acquisition stream {name!r} is already running")
        if any(s.instrument is instrument for s in self.streams.values()):
            raise InstrumentError(instrument.name, "already has an acquisition stream running")
        instrument.sample(items)  # bad quantity names fail here, in the step, not in the thread
        scale = clock.time_scale if clock is not None else 1.0
        interval = interval_s if interval_s is not None else instrument.update_interval_s() / scale
        path = Path(self.run_dir.path) / "samples" / f"{name}.parquet"
        stream = Stream(name, instrument, items, path, interval, clock=clock)
        stream.start()
        self.streams[name] = stream
        return stream

    def close(self, name: str) -> dict:
        stream = self.streams.pop(name, None)
        if stream is None:
            raise KeyError(name)
        summary = stream.stop()
        if self.run_dir is not None:
            self.run_dir.event("acquisition_stopped", **summary)
        if stream.error is not None:
            raise stream.error
        return summary

    def safe_state(self) -> None:
        for name in list(self.streams):
            stream = self.streams.pop(name)
            summary = stream.stop()
            if self.run_dir is not None:
                self.run_dir.event("acquisition_stopped", **summary, by="safe state")

    def stop(self) -> None:
        self.safe_state()
