"""An exact PDQ index: multi-index hashing, memory-mapped, with live adds and deletes.

Cut the 256 bits into m slots. If two hashes are within Hamming distance 31, then by pigeonhole some slot
differs in at most r bits whenever m * (r + 1) > 31. Probing, in every slot, the query's value and all values
within r bits finds every hash within 31: recall is exact, not approximate. Two layouts:
    small (layout 0): 16 slots of 16 bits, r = 1 (17 probes a slot); buckets of N / 65,536 hashes
    large (layout 1): 11 slots of 24/23 bits, r = 2 (up to 301 probes a slot); buckets of about N / 2^23
The large layout trades about 117 million buckets (117 MB of one-byte bucket offsets) for ~12 times fewer
candidates to verify, which pays from a few million hashes on; `build` picks it from LARGE_FROM hashes.
Exact multi-index hashing cannot be small: every slot but one needs a position per hash (at least ~20 bits even
compressed), 89 bytes a hash in all at 10 million against the raw 32. So there is a third layout:
    compact (layout 2): no tables, the hashes as four columns of 64-bit words and their ids (36 bytes a hash); a
                        lookup scans them all with the C kernel in `scan` (a batch of queries in one pass, on every
                        core), exact at any threshold; lookups from concurrent threads share passes. Slower one
                        query at a time; in batches, two thirds as fast at 10 million hashes and five times faster
                        at 1 million.

File layout (little endian), version 2 (each section padded to a multiple of 8 bytes):
    header  magic b"CSPDQ\x00\x00\x02", then count N, max_id, layout id and fine width F (1, 2 or 4 bytes),
            each a uint64
    hashes  uint8[N, 32]     big-endian bytes of the 64-hex-digit form, sorted by slot 0's value, so slot 0 needs
                             no order table: its bucket v is hashes[start(0, v):start(0, v + 1)]
    ids     uint32[N]        signal id of each hash
    coarse  uint32[...]      per slot, per block of 64 buckets (2^w / 64 blocks), where the block's first bucket
                             starts
    fine    uintF[...]       per slot, per block, 65 counts: where each of its buckets starts less the block's start,
                             then the block's size. start(s, v) = coarse[s][v // 64] + fine[s][v // 64][v % 64],
                             and bucket v ends at coarse[s][v // 64] + fine[s][v // 64][v % 64 + 1]
    order   uint32[m - 1, N] for slots 1..m-1, positions sorted by that slot's value: its bucket v is
                             order[s - 1, start(s, v):start(s, v + 1)]
The compact layout (2) has, after the header (fine width 0): columns uint64[4, N] (word k of every hash, the hash's
bytes read as four little-endian words), then ids uint32[N].
Version 1 kept a uint32 for every bucket and an order table for every slot: 127 bytes a hash at 10 million, against
89 now. (Positions of 3 bytes would save 10 more, but reading them made queries about a fifth slower.)
A reader maps the file read-only (shared between processes); writers build a new file and os.replace it. A file
of another version is refused with PdqIndexError; the matcher then serves from the database until
`childsafe banks reindex` writes a current one.
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

from childsafe.hashmatch import scan

try:
    from childsafe.hashmatch import _probe
except ImportError:  # the extension is optional (setup.py); the same lookups run in numpy
    _probe = None

MAGIC = b"CSPDQ\x00\x00\x02"
HEADER = struct.Struct("<8sQQQQ")
BLOCK_BITS = 6
BLOCK = 1 << BLOCK_BITS  # buckets per coarse offset
LARGE_FROM = 2_000_000
SEGMENT_AT = 4096  # live additions are scanned by brute force up to this many, then given their own tables
PROBE_SPLIT_FROM = 64  # queries in a batch from which a multi-index lookup is split over the cores


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
    def blocks(self) -> tuple[int, ...]:
        """Blocks of BLOCK buckets in each slot."""
        return tuple((1 << w) >> BLOCK_BITS for w in self.widths)

    @cached_property
    def coarse_bases(self) -> np.ndarray:
        """Where each slot's block starts begin in the flat coarse array."""
        return np.array(list(itertools.accumulate((0, *self.blocks[:-1]))), dtype=np.int64)

    @cached_property
    def fine_bases(self) -> np.ndarray:
        """Where each slot's in-block offsets begin in the flat fine array (BLOCK + 1 a block)."""
        return self.coarse_bases * (BLOCK + 1)

    @cached_property
    def coarse_size(self) -> int:
        return sum(self.blocks)

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

    @cached_property
    def probe_bases(self) -> tuple[np.ndarray, np.ndarray]:
        """For each probe, where its slot's fine and coarse offsets start."""
        slots = self.probes[0]
        return self.fine_bases[slots], self.coarse_bases[slots]

    @cached_property
    def slot0_probes(self) -> int:
        return int(np.count_nonzero(self.probes[0] == 0))

    @cached_property
    def probe_tables(self) -> np.ndarray:
        """For each probe, which order table it reads, counted from slot 1 (slot 0's probes read none)."""
        return np.maximum(self.probes[0] - 1, 0)

    @cached_property
    def compiled_probes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For `_probe`: each probe's fine and coarse bases, and its order table (-1: slot 0, which has none)."""
        fine_bases, coarse_bases = self.probe_bases
        return fine_bases, coarse_bases, self.probes[0] - 1

    @cached_property
    def shifts(self) -> tuple[tuple[int, int], ...]:
        """(shift, mask) of each slot in the hash read as one 256-bit integer."""
        return tuple((256 - start - width, (1 << width) - 1) for start, width in zip(self.starts, self.widths,
                                                                                    strict=True))

    def query_values(self, query: np.ndarray) -> np.ndarray:
        """`slot_values` of one hash, without the array machinery one row does not need."""
        number = int.from_bytes(query.tobytes(), "big")
        return np.array([(number >> shift) & mask for shift, mask in self.shifts], dtype=np.int64)


LAYOUTS = {0: Layout((16,) * 16, 1), 1: Layout((24, 24, 24) + (23,) * 8, 2)}
COMPACT = 2
LAYOUT_NAMES = {"multi-index": None, "compact": COMPACT}  # operators' names (CHILDSAFE_PDQ_INDEX); None: by size
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


@dataclass
class _Tables:
    """A set of hashes with the bucket tables of every slot, ready to probe (see the module's file layout)."""

    hashes: np.ndarray  # (n, 32) uint8, sorted by slot 0's value
    ids: np.ndarray  # (n,) uint32
    coarse: np.ndarray  # uint32, per slot per block of BLOCK buckets
    fine: np.ndarray  # uint8/16/32, per slot per bucket
    order: np.ndarray  # (m - 1, n) uint32
    layout: Layout


def _fine_dtype(largest: int) -> str:
    return "<u1" if largest <= 0xFF else "<u2" if largest <= 0xFFFF else "<u4"


def tables(hashes: np.ndarray, ids: np.ndarray, layout: Layout) -> _Tables:
    """Sort by slot 0, then the bucket tables of every slot."""
    n = len(hashes)
    values = slot_values(hashes, layout) if n else np.zeros((0, len(layout.widths)), dtype=np.int64)
    first = np.argsort(values[:, 0], kind="stable")
    hashes, ids, values = hashes[first], ids[first], values[first]
    coarse = np.empty(layout.coarse_size, dtype="<u4")
    fine = np.zeros(layout.coarse_size * (BLOCK + 1), dtype=np.int64)
    for s, width in enumerate(layout.widths):
        counts = np.bincount(values[:, s], minlength=1 << width).reshape(-1, BLOCK)
        at, blocks = int(layout.coarse_bases[s]), len(counts)
        coarse[at: at + blocks] = np.concatenate([[0], np.cumsum(counts.sum(axis=1))[:-1]])
        np.cumsum(counts, axis=1, out=fine.reshape(-1, BLOCK + 1)[at: at + blocks, 1:])
    fine_packed = fine.astype(_fine_dtype(int(fine.max()) if len(fine) else 0))
    order = np.empty((len(layout.widths) - 1, n), dtype="<u4")
    for s in range(1, len(layout.widths)):
        order[s - 1] = np.argsort(values[:, s], kind="stable")
    return _Tables(hashes, ids, coarse, fine_packed, order, layout)


def _section(size: int) -> int:
    return size + (-size % 8)


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (_section(len(data)) - len(data))


def _sections(hashes: np.ndarray, ids: np.ndarray, layout_id: int) -> tuple[int, list[np.ndarray]]:
    """(fine width, the file's sections after the header) of an index of `layout_id`."""
    if layout_id == COMPACT:
        return 0, [scan.to_columns(hashes), ids]
    built = tables(hashes, ids, LAYOUTS[layout_id])
    return built.fine.itemsize, [built.hashes, built.ids, built.coarse, built.fine, built.order]


def build(path: Path, hashes: np.ndarray, ids: np.ndarray, *, max_id: int | None = None,
          layout: int | None = None) -> None:
    """Write an index for (n, 32) uint8 `hashes` with uint32 `ids`, atomically. `layout`: 0 or 1 (multi-index
    hashing, small or large), COMPACT, or None for multi-index hashing of the size that suits n."""
    n = len(hashes)
    if len(ids) != n:
        raise ValueError("hashes and ids differ in length")
    layout_id = layout if layout is not None else (1 if n >= LARGE_FROM else 0)
    if layout_id not in LAYOUTS and layout_id != COMPACT:
        raise ValueError(f"no index layout {layout_id}")
    fine_width, sections = _sections(np.ascontiguousarray(hashes, dtype=np.uint8).reshape(-1, 32),
                                     np.ascontiguousarray(ids, dtype="<u4"), layout_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(HEADER.pack(MAGIC, n, int(max_id if max_id is not None else (ids.max() if n else 0)),
                                  layout_id, fine_width))
            for section in sections:
                out.write(_padded(np.ascontiguousarray(section).tobytes()))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Segment:
    """Hashes with their bucket tables, mapped from a file or built in memory; searched by probing."""

    def __init__(self, t: _Tables) -> None:
        self.hashes, self.ids, self.layout = t.hashes, t.ids, t.layout
        self.coarse, self.fine = t.coarse, t.fine
        self.count = len(t.hashes)
        self.words = t.hashes.reshape(-1, 32).view(np.uint64)  # 4 words a hash: fewer, wider XORs to verify
        self.order = t.order.reshape(-1)

    @classmethod
    def in_memory(cls, hashes: np.ndarray, ids: np.ndarray) -> _Segment:
        return cls(tables(np.ascontiguousarray(hashes, dtype=np.uint8), np.ascontiguousarray(ids, dtype="<u4"),
                          LAYOUTS[0]))

    @classmethod
    def empty(cls) -> _Segment:
        return cls.in_memory(np.zeros((0, 32), dtype=np.uint8), np.zeros(0, dtype="<u4"))

    def candidates(self, query: np.ndarray) -> np.ndarray:
        """Positions of every hash sharing a probed bucket with the query (a position may come more than once)."""
        layout = self.layout
        slots, masks = layout.probes
        fine_bases, coarse_bases = layout.probe_bases
        buckets = layout.query_values(query)[slots] ^ masks
        block = buckets >> BLOCK_BITS
        at_fine = fine_bases + block * (BLOCK + 1) + (buckets & (BLOCK - 1))
        fine = np.take(self.fine, at_fine).astype(np.int64)
        starts = np.take(self.coarse, coarse_bases + block) + fine
        lengths = np.take(self.fine, at_fine + 1) - fine
        ends = np.cumsum(lengths)
        total = int(ends[-1])
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        # every probed bucket's entries in one vectorised step: entry k of probe j is at start_j + k in its table;
        # slot 0's table is the hash order itself, and its probes come first, so its entries are the first ones
        at = np.arange(total) + np.repeat(starts + layout.probe_tables * self.count - (ends - lengths), lengths)
        first = int(ends[layout.slot0_probes - 1])
        at[first:] = np.take(self.order, at[first:])
        return at

    def rows(self) -> np.ndarray:
        return self.hashes

    def search(self, rows: np.ndarray, threshold: int, found: list[dict[int, int]]) -> None:
        """Each query row's hashes within `threshold` (at most 31) into its dict, signal id -> distance."""
        if not self.count or not len(rows):
            return
        if _probe is None:
            self.search_in_python(rows, threshold, found)
            return
        queries, positions, distances = self.probe(rows, threshold)
        for k, ident, dist in zip(queries.tolist(), self.ids[positions].tolist(), distances.tolist(), strict=True):
            found[k][ident] = dist

    def probe(self, rows: np.ndarray, threshold: int) -> scan.Found:
        """The compiled lookup (`_probe.c`, without the GIL): (query, position, distance) of every pair found, a
        position once for each slot it is near the query in. A large batch is split over the cores."""
        if len(rows) < PROBE_SPLIT_FROM or scan.cores() == 1:
            return self._probe_rows(rows, threshold)
        parts = np.array_split(np.arange(len(rows)), scan.cores())
        found = list(scan.pool().map(lambda part: self._probe_rows(rows[part], threshold), parts))
        queries = [(query + part[0]).astype(np.uint32) for (query, _, _), part in zip(found, parts, strict=True)]
        return np.concatenate(queries), np.concatenate([f[1] for f in found]), np.concatenate([f[2] for f in found])

    def _probe_rows(self, rows: np.ndarray, threshold: int) -> scan.Found:
        layout = self.layout
        slots, masks = layout.probes
        values = slot_values(rows, layout) if len(rows) > 8 else np.array([layout.query_values(r) for r in rows])
        buckets = np.ascontiguousarray(values[:, slots] ^ masks)
        queries = scan.to_words(rows)
        room = max(64, 4 * len(rows))
        while True:
            out_query, out_pos = np.empty(room, dtype=np.uint32), np.empty(room, dtype=np.uint32)
            out_dist = np.empty(room, dtype=np.uint8)
            count = _probe.probe(self.words, self.coarse, self.fine, self.fine.dtype.itemsize, self.order, buckets,
                                 *layout.compiled_probes, queries, threshold, out_query, out_pos, out_dist)
            if count <= room:
                return out_query[:count], out_pos[:count], out_dist[:count]
            room = count

    def search_in_python(self, rows: np.ndarray, threshold: int, found: list[dict[int, int]]) -> None:
        """`search` in numpy: the fallback without a C compiler, and what tests compare the compiled one with."""
        for query, into in zip(rows, found, strict=True):
            positions = self.candidates(query)
            if len(positions):
                distances = np.bitwise_count(np.take(self.words, positions, axis=0) ^ query.view(np.uint64)).sum(
                    axis=1, dtype=np.int64)
                keep = distances <= threshold
                for pos, dist in zip(positions[keep].tolist(), distances[keep].tolist(), strict=True):
                    into[int(self.ids[pos])] = dist


class _Scanned:
    """Hashes as columns with their ids, mapped from a compact file or held in memory; searched by scanning."""

    def __init__(self, columns: np.ndarray, ids: np.ndarray) -> None:
        self.columns, self.ids = columns, ids
        self.count = len(ids)
        self.shared = scan.SharedScan(columns)  # concurrent lookups share passes over the columns

    @classmethod
    def empty(cls) -> _Scanned:
        return cls(np.zeros((4, 0), dtype="<u8"), np.zeros(0, dtype="<u4"))

    def rows(self) -> np.ndarray:
        """The hashes as (n, 32) uint8 rows again."""
        return np.ascontiguousarray(self.columns.T).view(np.uint8).reshape(-1, 32)

    def extended(self, hashes: np.ndarray, ids: np.ndarray) -> _Scanned:
        return _Scanned(np.concatenate([self.columns, scan.to_columns(hashes)], axis=1),
                        np.concatenate([self.ids, np.asarray(ids, dtype="<u4")]))

    def search(self, rows: np.ndarray, threshold: int, found: list[dict[int, int]]) -> None:
        if not self.count:
            return
        queries, positions, distances = self.shared.search(scan.to_words(rows), threshold)
        for k, ident, dist in zip(queries.tolist(), self.ids[positions].tolist(), distances.tolist(), strict=True):
            found[k][ident] = dist


class PdqIndex:
    """Search within a distance; exact. Thread-compatible for readers; adds and deletes from one writer."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self.count = 0
        self.max_id = 0
        self.layout_id = 0
        self._main: _Segment | _Scanned = self._open(path) if path is not None else _Segment.empty()
        self._segments: list[_Segment | _Scanned] = []
        self._delta = _Scanned.empty()  # additions not yet in a segment of their own, scanned
        self.tombstones: set[int] = set()

    def _open(self, path: Path) -> _Segment | _Scanned:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(handle.fileno()).st_size \
                else None
        if self._map is None or len(self._map) < HEADER.size:
            raise PdqIndexError(f"{path} is too short to be a PDQ index")
        magic, n, max_id, layout_id, fine_width = HEADER.unpack_from(self._map)
        if magic[:5] != MAGIC[:5]:
            raise PdqIndexError(f"{path} is not a ChildSafe PDQ index")
        if magic != MAGIC:
            raise PdqIndexError(f"{path} is a PDQ index of another version ({magic[-1]}, this code reads "
                                f"{MAGIC[-1]}): run `childsafe banks reindex`")
        if layout_id == COMPACT and fine_width == 0:
            segment: _Segment | _Scanned = self._open_compact(path, n)
        elif layout_id in LAYOUTS and fine_width in (1, 2, 4):
            segment = self._open_tables(path, n, LAYOUTS[layout_id], fine_width)
        else:
            raise PdqIndexError(f"{path} has a damaged header")
        self.count, self.max_id, self.layout_id = n, max_id, layout_id
        return segment

    def _views(self, path: Path, sizes: tuple[int, ...], dtypes: tuple[object, ...]) -> list[np.ndarray]:
        assert self._map is not None
        if len(self._map) != HEADER.size + sum(map(_section, sizes)):
            raise PdqIndexError(f"{path} is truncated or damaged")
        at, views = HEADER.size, []
        for size, dtype in zip(sizes, dtypes, strict=True):
            views.append(np.frombuffer(self._map, dtype=dtype, count=size // np.dtype(dtype).itemsize, offset=at))
            at += _section(size)
        return views

    def _open_compact(self, path: Path, n: int) -> _Scanned:
        columns, ids = self._views(path, (n * 32, n * 4), ("<u8", "<u4"))
        return _Scanned(columns.reshape(4, n), ids)

    def _open_tables(self, path: Path, n: int, layout: Layout, fine_width: int) -> _Segment:
        m = len(layout.widths)
        sizes = (n * 32, n * 4, layout.coarse_size * 4, layout.coarse_size * (BLOCK + 1) * fine_width,
                 (m - 1) * n * 4)
        hashes, ids, coarse, fine, order = self._views(path, sizes,
                                                       (np.uint8, "<u4", "<u4", f"<u{fine_width}", "<u4"))
        segment = _Segment(_Tables(hashes.reshape(n, 32), ids, coarse, fine, order.reshape(m - 1, n), layout))
        blocks = np.array(layout.blocks)
        last = np.take(coarse, layout.coarse_bases + blocks - 1).astype(np.int64) + np.take(
            fine, layout.fine_bases + blocks * (BLOCK + 1) - 1)
        if not np.all(last == n):  # every slot's buckets must hold exactly the N hashes
            raise PdqIndexError(f"{path} has damaged bucket tables")
        return segment

    # ---- live changes ---------------------------------------------------------------------------------------
    def add(self, hashes: np.ndarray, ids: np.ndarray) -> None:
        """Hashes added after the build. They are scanned; once there are SEGMENT_AT of them they become a segment
        of their own in memory (a multi-index one gets bucket tables: 100,000 take about a tenth of a second), so
        queries stay fast and adds stay cheap until the next build folds everything into one file."""
        self._delta = self._delta.extended(np.asarray(hashes, dtype=np.uint8).reshape(-1, 32), ids)
        if self._delta.count >= SEGMENT_AT:
            hashes, ids = self._delta.rows(), self._delta.ids
            self._delta = _Scanned.empty()
            # merge like an LSM tree: a segment no bigger than twice the new one is folded into it, so many
            # small feeds leave O(log n) segments for queries to search, at O(n log n) total building cost
            while self._segments and self._segments[-1].count <= 2 * len(ids):
                last = self._segments.pop()
                hashes, ids = np.concatenate([last.rows(), hashes]), np.concatenate([last.ids, ids])
            self._segments.append(_Scanned(scan.to_columns(hashes), ids) if self.layout_id == COMPACT
                                  else _Segment.in_memory(hashes, ids))

    def delete(self, ids: Iterable[int]) -> None:
        self.tombstones.update(int(i) for i in ids)

    @property
    def delta_size(self) -> int:
        return self._delta.count + sum(segment.count for segment in self._segments)

    def __len__(self) -> int:
        return self.count + self.delta_size - len(self.tombstones)

    # ---- search ------------------------------------------------------------------------------------------------
    def search_many(self, query_hexes: list[str], threshold: int = 31) -> list[list[tuple[int, int]]]:
        """For each query, (signal id, distance) of every indexed hash within `threshold` (at most 31, where
        multi-index hashing is exact), nearest first. A compact index scans once for the whole batch."""
        if not 0 <= threshold <= 31:
            raise ValueError("the multi-index search is exact only for thresholds from 0 to 31")
        rows = hex_to_array(query_hexes) if query_hexes else np.zeros((0, 32), dtype=np.uint8)
        found: list[dict[int, int]] = [{} for _ in range(len(rows))]
        for segment in (self._main, *self._segments, self._delta):
            segment.search(rows, threshold, found)
        return [sorted(((i, d) for i, d in each.items() if i not in self.tombstones), key=lambda x: (x[1], x[0]))
                for each in found]

    def search(self, query_hex: str, threshold: int = 31) -> list[tuple[int, int]]:
        """(signal id, distance) for every indexed hash within `threshold`: `search_many` of one."""
        return self.search_many([query_hex], threshold)[0]

    def close(self) -> None:
        self._main = _Segment.empty()
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:
                pass  # a caller still holds a view; the map closes when it goes
