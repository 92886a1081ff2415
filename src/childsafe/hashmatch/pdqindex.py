"""An exact PDQ index: multi-index hashing, memory-mapped, with live adds and deletes.

Cut the 256 bits into m slots. If two hashes are within Hamming distance 31, then by pigeonhole some slot
differs in at most r bits whenever m * (r + 1) > 31. Probing, in every slot, the query's value and all values
within r bits finds every hash within 31: recall is exact, not approximate. Two layouts:
    small (layout 0): 16 slots of 16 bits, r = 1 (17 probes a slot); buckets of N / 65,536 hashes
    large (layout 1): 11 slots of 24/23 bits, r = 2 (up to 301 probes a slot); buckets of about N / 2^23
The large layout trades 448 MB of fixed bucket tables for ~12 times fewer candidates to verify, which pays from
a few million hashes on; `build` picks it from LARGE_FROM hashes.

File layout (little endian), version 1:
    magic b"CSPDQ\\x00\\x00\\x01", count N (uint64), max_id (uint64), layout id (uint64)
    hashes  uint8[N, 32]          the hashes, big-endian bytes of the 64-hex-digit form
    ids     uint32[N]             signal id of each hash
    offsets uint32[sum(2^w + 1)]  per slot s, positions of bucket v are order[s, off_s[v]:off_s[v + 1]]
    order   uint32[m, N]          positions sorted by the slot's value
A reader maps the file read-only (shared between processes); writers build a new file and os.replace it.
"""

from __future__ import annotations

import itertools
import mmap
import os
import struct
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

MAGIC = b"CSPDQ\x00\x00\x01"
HEADER = struct.Struct("<8sQQQ")
LARGE_FROM = 2_000_000
SEGMENT_AT = 4096  # live additions are scanned by brute force up to this many, then given their own tables


class PdqIndexError(ValueError):
    """Not an index file of a version this code reads, or a damaged one."""


@dataclass(frozen=True)
class Layout:
    widths: tuple[int, ...]
    radius: int

    @cached_property
    def starts(self) -> tuple[int, ...]:
        return tuple(itertools.accumulate((0, *self.widths[:-1])))

    @cached_property
    def bases(self) -> np.ndarray:
        """Where each slot's offset table starts in the flat offsets array."""
        return np.array(list(itertools.accumulate((0, *[(1 << w) + 1 for w in self.widths[:-1]]))), dtype=np.int64)

    @cached_property
    def offsets_size(self) -> int:
        return sum((1 << w) + 1 for w in self.widths)

    @cached_property
    def probes(self) -> tuple[np.ndarray, np.ndarray]:
        """(slot of each probe, XOR mask of each probe): every value within `radius` bits, in every slot."""
        slots, masks = [], []
        for s, width in enumerate(self.widths):
            for r in range(self.radius + 1):
                for bits in itertools.combinations(range(width), r):
                    slots.append(s)
                    masks.append(sum(1 << b for b in bits))
        return np.array(slots, dtype=np.int64), np.array(masks, dtype=np.int64)


LAYOUTS = {0: Layout((16,) * 16, 1), 1: Layout((24, 24, 24) + (23,) * 8, 2)}
assert all(len(lay.widths) * (lay.radius + 1) > 31 and sum(lay.widths) == 256 for lay in LAYOUTS.values())


def hex_to_array(hexes: Iterable[str]) -> np.ndarray:
    """64-hex-digit PDQ strings to a (n, 32) uint8 array."""
    joined = b"".join(bytes.fromhex(h) for h in hexes)
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, 32)


def array_to_hex(row: np.ndarray) -> str:
    return row.tobytes().hex()


def slot_values(hashes: np.ndarray, layout: Layout) -> np.ndarray:
    """(n, m) int64 slot values, bits counted from the most significant bit of the hex form."""
    words = np.ascontiguousarray(hashes, dtype=np.uint8).reshape(-1, 32).view(">u8").astype(np.uint64)
    out = np.empty((len(words), len(layout.widths)), dtype=np.int64)
    for s, (start, width) in enumerate(zip(layout.starts, layout.widths, strict=True)):
        word, offset = divmod(start, 64)
        mask = np.uint64((1 << width) - 1)
        if offset + width <= 64:
            value = (words[:, word] >> np.uint64(64 - offset - width)) & mask
        else:
            spill = offset + width - 64
            value = ((words[:, word] << np.uint64(spill)) | (words[:, word + 1] >> np.uint64(64 - spill))) & mask
        out[:, s] = value.astype(np.int64)
    return out


def _tables(hashes: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """(flat offsets, order (m, n)): the bucket tables of every slot."""
    n = len(hashes)
    values = slot_values(hashes, layout) if n else np.zeros((0, len(layout.widths)), dtype=np.int64)
    offsets = np.zeros(layout.offsets_size, dtype="<u4")
    order = np.empty((len(layout.widths), n), dtype="<u4")
    for s, width in enumerate(layout.widths):
        column = values[:, s]
        order[s] = np.argsort(column, kind="stable")
        base = int(layout.bases[s])
        np.cumsum(np.bincount(column, minlength=1 << width), out=offsets[base + 1: base + (1 << width) + 1])
    return offsets, order


def build(path: Path, hashes: np.ndarray, ids: np.ndarray, *, max_id: int | None = None,
          layout: int | None = None) -> None:
    """Write an index for (n, 32) uint8 `hashes` with uint32 `ids`, atomically."""
    n = len(hashes)
    if len(ids) != n:
        raise ValueError("hashes and ids differ in length")
    layout_id = layout if layout is not None else (1 if n >= LARGE_FROM else 0)
    hashes = np.ascontiguousarray(hashes, dtype=np.uint8)
    ids = np.ascontiguousarray(ids, dtype="<u4")
    offsets, order = _tables(hashes, LAYOUTS[layout_id])
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(HEADER.pack(MAGIC, n, int(max_id if max_id is not None else (ids.max() if n else 0)), layout_id))
            out.write(hashes.tobytes())
            out.write(ids.tobytes())
            out.write(offsets.tobytes())
            out.write(order.tobytes())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Segment:
    """Hashes with their bucket tables, mapped from a file or built in memory; searched by probing."""

    def __init__(self, hashes: np.ndarray, ids: np.ndarray, offsets: np.ndarray, order: np.ndarray,
                 layout: Layout) -> None:
        self.hashes, self.ids, self.offsets, self.order, self.layout = hashes, ids, offsets, order, layout
        self.count = len(hashes)
        self.words = hashes.reshape(-1, 32).view(np.uint64)  # 4 words a hash: fewer, wider XORs to verify
        self.flat_order = order.reshape(-1)

    @classmethod
    def in_memory(cls, hashes: np.ndarray, ids: np.ndarray) -> _Segment:
        hashes = np.ascontiguousarray(hashes, dtype=np.uint8)
        offsets, order = _tables(hashes, LAYOUTS[0])
        return cls(hashes, np.ascontiguousarray(ids, dtype="<u4"), offsets, order, LAYOUTS[0])

    @classmethod
    def empty(cls) -> _Segment:
        return cls(np.zeros((0, 32), dtype=np.uint8), np.zeros(0, dtype="<u4"), np.zeros(0, dtype="<u4"),
                   np.zeros((16, 0), dtype="<u4"), LAYOUTS[0])

    def candidates(self, query: np.ndarray) -> np.ndarray:
        values = slot_values(query.reshape(1, 32), self.layout)[0]
        slots, masks = self.layout.probes
        index = self.layout.bases[slots] + (values[slots] ^ masks)
        starts = np.take(self.offsets, index).astype(np.int64)
        lengths = np.take(self.offsets, index + 1).astype(np.int64) - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        # gather every probed bucket in one vectorised step: position k of probe j is order[slot_j, start_j + k]
        base = slots * self.count + starts
        step = np.repeat(base - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return np.take(self.flat_order, np.arange(total) + step).astype(np.int64)

    def search(self, query: np.ndarray, threshold: int, found: dict[int, int]) -> None:
        if not self.count:
            return
        positions = self.candidates(query)
        if len(positions):
            distances = np.bitwise_count(np.take(self.words, positions, axis=0) ^ query.view(np.uint64)).sum(
                axis=1, dtype=np.int64)
            keep = distances <= threshold
            for pos, dist in zip(positions[keep].tolist(), distances[keep].tolist(), strict=True):
                found[int(self.ids[pos])] = dist


class PdqIndex:
    """Search within a distance; exact. Thread-compatible for readers; adds and deletes from one writer."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self.count = 0
        self.max_id = 0
        self.layout_id = 0
        self._main = self._open(path) if path is not None else _Segment.empty()
        self._segments: list[_Segment] = []
        self._delta_hashes = np.zeros((0, 32), dtype=np.uint8)
        self._delta_ids = np.zeros(0, dtype="<u4")
        self.tombstones: set[int] = set()

    def _open(self, path: Path) -> _Segment:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if len(self._map) < HEADER.size:
            raise PdqIndexError(f"{path} is too short to be a PDQ index")
        magic, n, max_id, layout_id = HEADER.unpack_from(self._map)
        if magic != MAGIC or layout_id not in LAYOUTS:
            raise PdqIndexError(f"{path} is not a ChildSafe PDQ index (or a newer version)")
        layout = LAYOUTS[layout_id]
        slots = len(layout.widths)
        expected = HEADER.size + n * 32 + n * 4 + layout.offsets_size * 4 + slots * n * 4
        if len(self._map) != expected:
            raise PdqIndexError(f"{path} is truncated or damaged")
        at = HEADER.size
        self.count, self.max_id, self.layout_id = n, max_id, layout_id
        hashes = np.frombuffer(self._map, dtype=np.uint8, count=n * 32, offset=at).reshape(n, 32)
        at += n * 32
        ids = np.frombuffer(self._map, dtype="<u4", count=n, offset=at)
        at += n * 4
        offsets = np.frombuffer(self._map, dtype="<u4", count=layout.offsets_size, offset=at)
        at += layout.offsets_size * 4
        order = np.frombuffer(self._map, dtype="<u4", count=slots * n, offset=at).reshape(slots, n)
        return _Segment(hashes, ids, offsets, order, layout)

    # ---- live changes ---------------------------------------------------------------------------------------
    def add(self, hashes: np.ndarray, ids: np.ndarray) -> None:
        """Hashes added after the build. Small additions are scanned; once there are SEGMENT_AT of them they get
        bucket tables of their own in memory (100,000 take about a tenth of a second), so queries stay fast
        until the next build folds everything into one file."""
        self._delta_hashes = np.concatenate([self._delta_hashes, np.asarray(hashes, dtype=np.uint8)])
        self._delta_ids = np.concatenate([self._delta_ids, np.asarray(ids, dtype="<u4")])
        if len(self._delta_ids) >= SEGMENT_AT:
            hashes, ids = self._delta_hashes, self._delta_ids
            # merge like an LSM tree: a segment no bigger than twice the new one is folded into it, so many
            # small feeds leave O(log n) segments for queries to probe, at O(n log n) total building cost
            while self._segments and self._segments[-1].count <= 2 * len(ids):
                last = self._segments.pop()
                hashes, ids = np.concatenate([last.hashes, hashes]), np.concatenate([last.ids, ids])
            self._segments.append(_Segment.in_memory(hashes, ids))
            self._delta_hashes = np.zeros((0, 32), dtype=np.uint8)
            self._delta_ids = np.zeros(0, dtype="<u4")

    def delete(self, ids: Iterable[int]) -> None:
        self.tombstones.update(int(i) for i in ids)

    @property
    def delta_size(self) -> int:
        return len(self._delta_ids) + sum(segment.count for segment in self._segments)

    def __len__(self) -> int:
        return self.count + self.delta_size - len(self.tombstones)

    # ---- search ------------------------------------------------------------------------------------------------
    def search(self, query_hex: str, threshold: int = 31) -> list[tuple[int, int]]:
        """(signal id, distance) for every indexed hash within `threshold` (at most 31 for exact recall)."""
        if not 0 <= threshold <= 31:
            raise ValueError("the multi-index search is exact only for thresholds from 0 to 31")
        query = hex_to_array([query_hex])[0]
        found: dict[int, int] = {}
        self._main.search(query, threshold, found)
        for segment in self._segments:
            segment.search(query, threshold, found)
        if len(self._delta_ids):
            distances = np.bitwise_count(self._delta_hashes ^ query).sum(axis=1, dtype=np.int64)
            for i in np.nonzero(distances <= threshold)[0].tolist():
                found[int(self._delta_ids[i])] = int(distances[i])
        return sorted(((i, d) for i, d in found.items() if i not in self.tombstones), key=lambda x: (x[1], x[0]))

    def close(self) -> None:
        self._main = _Segment.empty()
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:
                pass  # a caller still holds a view; the map closes when it goes
