"""An exact PDQ index: multi-index hashing over 16 slots of 16 bits, memory-mapped, with live adds and deletes.

Two 256-bit hashes within Hamming distance 31 differ in at most 1 bit in at least one of 16 slots of 16 bits
(pigeonhole: 16 slots x 2 bits = 32 > 31). So probing, in each slot, the query's 16-bit value and its 16
one-bit neighbours finds every hash within 31: recall is exact, not approximate.

File layout (little endian), version 1:
    magic b"CSPDQ\\x00\\x00\\x01", count N (uint64), max_id (uint64), reserved (uint64)
    hashes  uint8[N, 32]          the hashes, big-endian bytes of the 64-hex-digit form
    ids     uint32[N]             signal id of each hash
    offsets uint32[16, 65537]     for slot s, positions of bucket v are order[s, offsets[s, v]:offsets[s, v + 1]]
    order   uint32[16, N]         positions sorted by the slot's 16-bit value
A reader maps the file read-only (shared between processes); writers build a new file and os.replace it.
Adds after the build live in a small in-memory delta searched by brute force; deletes are tombstones.
"""

from __future__ import annotations

import mmap
import os
import struct
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

MAGIC = b"CSPDQ\x00\x00\x01"
HEADER = struct.Struct("<8sQQQ")
SLOTS = 16
BUCKETS = 1 << 16
FLIPS = np.array([0] + [1 << b for b in range(16)], dtype=np.uint16)


class PdqIndexError(ValueError):
    """Not an index file of a version this code reads, or a damaged one."""


def hex_to_array(hexes: Iterable[str]) -> np.ndarray:
    """64-hex-digit PDQ strings to a (n, 32) uint8 array."""
    joined = b"".join(bytes.fromhex(h) for h in hexes)
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, 32)


def array_to_hex(row: np.ndarray) -> str:
    return row.tobytes().hex()


def _slots(hashes: np.ndarray) -> np.ndarray:
    """(n, 16) slot values: big-endian 16-bit words, so slot 0 is the first four hex digits."""
    return hashes.reshape(-1, 16, 2).astype(np.uint16) @ np.array([256, 1], dtype=np.uint16)


def _tables(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(offsets (16, 65537), order (16, n)) for the hashes: the bucket tables of the 16 slots."""
    n = len(hashes)
    slots = _slots(hashes) if n else np.zeros((0, SLOTS), dtype=np.uint16)
    offsets = np.zeros((SLOTS, BUCKETS + 1), dtype="<u4")
    order = np.empty((SLOTS, n), dtype="<u4")
    for s in range(SLOTS):
        column = slots[:, s]
        order[s] = np.argsort(column, kind="stable")
        np.cumsum(np.bincount(column, minlength=BUCKETS), out=offsets[s, 1:])
    return offsets, order


def build(path: Path, hashes: np.ndarray, ids: np.ndarray, *, max_id: int | None = None) -> None:
    """Write an index for (n, 32) uint8 `hashes` with uint32 `ids`, atomically."""
    n = len(hashes)
    if len(ids) != n:
        raise ValueError("hashes and ids differ in length")
    hashes = np.ascontiguousarray(hashes, dtype=np.uint8)
    ids = np.ascontiguousarray(ids, dtype="<u4")
    offsets, order = _tables(hashes)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(HEADER.pack(MAGIC, n, int(max_id if max_id is not None else (ids.max() if n else 0)), 0))
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

    def __init__(self, hashes: np.ndarray, ids: np.ndarray, offsets: np.ndarray, order: np.ndarray) -> None:
        self.hashes, self.ids, self.offsets, self.order = hashes, ids, offsets, order
        self.count = len(hashes)

    @classmethod
    def in_memory(cls, hashes: np.ndarray, ids: np.ndarray) -> _Segment:
        hashes = np.ascontiguousarray(hashes, dtype=np.uint8)
        offsets, order = _tables(hashes)
        return cls(hashes, np.ascontiguousarray(ids, dtype="<u4"), offsets, order)

    def candidates(self, query: np.ndarray) -> np.ndarray:
        q = _slots(query.reshape(1, 32))[0]
        probes = (q[:, None] ^ FLIPS[None, :]).astype(np.int64)  # (16, 17)
        rows = np.repeat(np.arange(SLOTS), len(FLIPS))
        flat = probes.ravel()
        starts = self.offsets[rows, flat].astype(np.int64)
        lengths = self.offsets[rows, flat + 1].astype(np.int64) - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        # gather every probed bucket in one vectorised step: position k of probe j is order[row_j, start_j + k]
        base = rows.astype(np.int64) * self.count + starts
        step = np.repeat(base - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return self.order.ravel()[np.arange(total) + step].astype(np.int64)

    def search(self, query: np.ndarray, threshold: int, found: dict[int, int]) -> None:
        if not self.count:
            return
        positions = self.candidates(query)
        if len(positions):
            distances = np.bitwise_count(self.hashes[positions] ^ query).sum(axis=1, dtype=np.int64)
            keep = distances <= threshold
            for pos, dist in zip(positions[keep].tolist(), distances[keep].tolist(), strict=True):
                found[int(self.ids[pos])] = dist


SEGMENT_AT = 4096  # live additions are scanned by brute force up to this many, then given their own tables


class PdqIndex:
    """Search within a distance; exact. Thread-compatible for readers; adds and deletes from one writer."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self.count = 0
        self.max_id = 0
        empty = np.zeros((0, 32), dtype=np.uint8)
        self.hashes, self.ids = empty, np.zeros(0, dtype="<u4")
        self.offsets = np.zeros((SLOTS, BUCKETS + 1), dtype="<u4")
        self.order = np.zeros((SLOTS, 0), dtype="<u4")
        if path is not None:
            self._open(path)
        self._main = _Segment(self.hashes, self.ids, self.offsets, self.order)
        self._segments: list[_Segment] = []
        self._delta_hashes = np.zeros((0, 32), dtype=np.uint8)
        self._delta_ids = np.zeros(0, dtype="<u4")
        self.tombstones: set[int] = set()

    def _open(self, path: Path) -> None:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if len(self._map) < HEADER.size:
            raise PdqIndexError(f"{path} is too short to be a PDQ index")
        magic, n, max_id, _ = HEADER.unpack_from(self._map)
        if magic != MAGIC:
            raise PdqIndexError(f"{path} is not a ChildSafe PDQ index (or a newer version)")
        expected = HEADER.size + n * 32 + n * 4 + SLOTS * (BUCKETS + 1) * 4 + SLOTS * n * 4
        if len(self._map) != expected:
            raise PdqIndexError(f"{path} is truncated or damaged")
        at = HEADER.size
        self.count, self.max_id = n, max_id
        self.hashes = np.frombuffer(self._map, dtype=np.uint8, count=n * 32, offset=at).reshape(n, 32)
        at += n * 32
        self.ids = np.frombuffer(self._map, dtype="<u4", count=n, offset=at)
        at += n * 4
        self.offsets = np.frombuffer(self._map, dtype="<u4", count=SLOTS * (BUCKETS + 1), offset=at).reshape(
            SLOTS, BUCKETS + 1)
        at += SLOTS * (BUCKETS + 1) * 4
        self.order = np.frombuffer(self._map, dtype="<u4", count=SLOTS * n, offset=at).reshape(SLOTS, n)

    # ---- live changes ---------------------------------------------------------------------------------------
    def add(self, hashes: np.ndarray, ids: np.ndarray) -> None:
        """Hashes added after the build. Small additions are scanned; once there are SEGMENT_AT of them they get
        bucket tables of their own in memory (100,000 take about a tenth of a second), so queries stay fast
        until the next build folds everything into one file."""
        self._delta_hashes = np.concatenate([self._delta_hashes, np.asarray(hashes, dtype=np.uint8)])
        self._delta_ids = np.concatenate([self._delta_ids, np.asarray(ids, dtype="<u4")])
        if len(self._delta_ids) >= SEGMENT_AT:
            self._segments.append(_Segment.in_memory(self._delta_hashes, self._delta_ids))
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
        self.hashes = self.ids = self.order = self.offsets = None  # type: ignore[assignment]
        self._main = _Segment(np.zeros((0, 32), dtype=np.uint8), np.zeros(0, dtype="<u4"),
                              np.zeros((SLOTS, BUCKETS + 1), dtype="<u4"), np.zeros((SLOTS, 0), dtype="<u4"))
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:
                pass
