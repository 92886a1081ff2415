"""Exhaustive PDQ search over hash columns: the compact index's lookups, and the live additions of either index.

The hashes are kept as four columns of 64-bit words (`columns`, uint64[4, n]) so that the C kernel (`_scan.c`) can
read eight hashes with one instruction. Queries come as uint64[k, 4], the same bytes viewed the same way, so the
byte order of the words does not matter to a Hamming distance. A batch of queries is scanned in one pass over the
columns, split over the processor's cores (the kernel releases the GIL). Without the compiled kernel (no C compiler
at install), numpy does the same search, far more slowly.

A pass reads every stored hash however few the queries, so `SharedScan` lets lookups from concurrent threads (the
HTTP server's, one image each) share passes: while one runs, those that arrive wait and then go in one pass together.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np

try:
    from childsafe.hashmatch import _scan
except ImportError:  # the extension is optional (pyproject.toml); numpy stands in
    _scan = None

KERNEL = _scan.KERNEL if _scan is not None else "numpy"
SPLIT_FROM = 1 << 16  # hashes a thread is worth starting for
Found = tuple[np.ndarray, np.ndarray, np.ndarray]  # query index, position, distance of every pair within reach


def to_columns(hashes: np.ndarray) -> np.ndarray:
    """(n, 32) uint8 hashes to uint64[4, n] columns."""
    return np.ascontiguousarray(np.ascontiguousarray(hashes, dtype=np.uint8).reshape(-1, 32).view("<u8").T)


def to_words(hashes: np.ndarray) -> np.ndarray:
    """(k, 32) uint8 queries to uint64[k, 4], the view the columns are compared with."""
    return np.ascontiguousarray(hashes, dtype=np.uint8).reshape(-1, 32).view("<u8")


@cache
def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@cache
def pool() -> ThreadPoolExecutor:
    """The threads that split a large search (this module's, and the multi-index's compiled lookups)."""
    return ThreadPoolExecutor(cores(), thread_name_prefix="pdq-search")


def _kernel(columns: np.ndarray, lo: int, hi: int, queries: np.ndarray, threshold: int, kernel: str | None) -> Found:
    room = max(256, 4 * len(queries))
    while True:
        out_query, out_pos = np.empty(room, dtype=np.uint32), np.empty(room, dtype=np.uint32)
        out_dist = np.empty(room, dtype=np.uint8)
        count = _scan.scan(columns, lo, hi, queries, threshold, out_query, out_pos, out_dist, kernel)
        if count <= room:
            return out_query[:count], out_pos[:count], out_dist[:count]
        room = count  # more pairs than room (near-duplicate banks): scan this range again with enough


def _numpy(columns: np.ndarray, lo: int, hi: int, queries: np.ndarray, threshold: int) -> Found:
    parts: list[Found] = []
    step = 1 << 18
    for start in range(lo, hi, step):
        block = columns[:, start: min(hi, start + step)]
        for k, query in enumerate(queries):
            distance = np.bitwise_count(block ^ query[:, None]).sum(axis=0, dtype=np.int64)
            near = np.nonzero(distance <= threshold)[0]
            if len(near):
                parts.append((np.full(len(near), k, dtype=np.uint32), (near + start).astype(np.uint32),
                              distance[near].astype(np.uint8)))
    return _joined(parts)


def _joined(parts: list[Found]) -> Found:
    if not parts:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint8)
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))  # type: ignore[return-value]


def search(columns: np.ndarray, queries: np.ndarray, threshold: int, *, kernel: str | None = None) -> Found:
    """Every (query, stored position) pair within `threshold` bits, with its distance; exact for any threshold.

    `kernel` is for tests and benchmarks: "numpy", or a compiled kernel ("avx512", "avx512bw", "avx2", "popcnt",
    "portable"); by default the fastest the processor runs."""
    n = columns.shape[1] if columns.ndim == 2 else 0
    if n == 0 or len(queries) == 0:
        return _joined([])
    if kernel == "numpy" or _scan is None:
        return _numpy(columns, 0, n, queries, threshold)
    threads = min(cores(), max(1, n // SPLIT_FROM))
    if threads == 1:
        return _kernel(columns, 0, n, queries, threshold, kernel)
    cuts = [n * t // threads for t in range(threads + 1)]
    parts = list(pool().map(lambda t: _kernel(columns, cuts[t], cuts[t + 1], queries, threshold, kernel),
                             range(threads)))
    return _joined(parts)


class _Lookup:
    def __init__(self, queries: np.ndarray, threshold: int) -> None:
        self.queries, self.threshold = queries, threshold
        self.ready = threading.Event()  # set when answered, or when this lookup is to lead the next pass
        self.leads = False
        self.answer: Found | None = None
        self.error: BaseException | None = None


class SharedScan:
    """Concurrent lookups on one set of columns, batched into shared passes as they arrive.

    A lone lookup runs at once. While a pass runs, lookups that arrive queue; when it ends, the oldest of them leads
    the next pass, which answers every one queued by then. Under load from many small lookups the throughput
    approaches that of one big batch, and no lookup waits for more than the pass before its own."""

    def __init__(self, columns: np.ndarray, *, kernel: str | None = None) -> None:
        self.columns, self.kernel = columns, kernel
        self._lock = threading.Lock()
        self._queued: list[_Lookup] = []
        self._running = False
        self.passes = 0  # how many passes have run (for tests and metrics)

    @property
    def waiting(self) -> int:
        """Lookups queued for the next pass."""
        with self._lock:
            return len(self._queued)

    def search(self, queries: np.ndarray, threshold: int) -> Found:
        """As `search`: every (query, stored position) pair within `threshold`, with its distance."""
        lookup = _Lookup(queries, threshold)
        with self._lock:
            self._queued.append(lookup)
            lookup.leads = not self._running
            self._running = True
        if not lookup.leads:
            lookup.ready.wait()
        if lookup.leads:  # first in, or handed the lead when the pass before ended
            self._run_pass()
        if lookup.error is not None:
            raise lookup.error
        assert lookup.answer is not None
        return lookup.answer

    def _run_pass(self) -> None:
        with self._lock:
            batch, self._queued = self._queued, []
        try:
            for threshold in sorted({lookup.threshold for lookup in batch}):
                _answer([lookup for lookup in batch if lookup.threshold == threshold], self.columns, threshold,
                        self.kernel)
        except BaseException as error:  # every caller in the pass gets it, and none is left waiting
            for lookup in batch:
                if lookup.answer is None:
                    lookup.error = error
        finally:
            with self._lock:
                self.passes += 1
                if self._queued:
                    self._queued[0].leads = True
                    self._queued[0].ready.set()
                else:
                    self._running = False
            for lookup in batch:
                lookup.ready.set()


def _answer(lookups: list[_Lookup], columns: np.ndarray, threshold: int, kernel: str | None) -> None:
    """One pass for all of `lookups`; each gets its own pairs back, numbered from its first query."""
    starts = np.cumsum([0] + [len(lookup.queries) for lookup in lookups])
    query, position, distance = search(columns, np.concatenate([lookup.queries for lookup in lookups]), threshold,
                                       kernel=kernel)
    order = np.argsort(query, kind="stable")
    query, position, distance = query[order], position[order], distance[order]
    cuts = np.searchsorted(query, starts)
    for k, lookup in enumerate(lookups):
        part = slice(cuts[k], cuts[k + 1])
        lookup.answer = ((query[part] - starts[k]).astype(np.uint32), position[part], distance[part])
