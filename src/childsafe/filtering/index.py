"""A compact, memory-mappable domain index: sorted 64-bit name hashes with a 16-bit category id per entry.

File layout (little endian), version 1:
    magic  b"CSDIDX\\x00\\x01"  (8 bytes)
    count  uint64               number of entries
    meta   uint64               length of the JSON metadata block that follows the arrays
    hashes uint64[count]        sorted ascending; a name listed in two categories appears twice
    cats   uint16[count]        category id of each entry (index into meta["categories"])
    meta   UTF-8 JSON           {"categories": [...], "source": ..., ...}
Ten bytes per entry: five million domains fit in about 50 MB, mapped read-only and shared by every process.
A name matches when it, or any parent domain, is in the index (a listed domain covers its subdomains).
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
import tempfile
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from childsafe.filtering.domains import parents

MAGIC = b"CSDIDX\x00\x01"
HEADER = struct.Struct("<8sQQ")


class IndexFormatError(ValueError):
    """The file is not a domain index of a version this code reads."""


def name_hash(name: str) -> int:
    """A stable 64-bit hash of a normalised domain name (BLAKE2b, so no one can craft collisions cheaply)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def write_index(path: Path, entries: Iterable[tuple[str, int]], categories: list[str],
                meta: dict[str, Any] | None = None) -> int:
    """Write (normalised name, category id) pairs to `path` atomically; returns the number of entries kept."""
    if len(categories) > 65535:
        raise ValueError("at most 65535 categories per index")
    hashes = array("Q")  # 8 bytes an entry while building, not a Python int object each
    cats = array("H")
    for name, category in entries:
        hashes.append(name_hash(name))
        cats.append(category)
    h = np.frombuffer(hashes, dtype=np.uint64).astype("<u8")
    c = np.frombuffer(cats, dtype=np.uint16).astype("<u2")
    del hashes, cats
    order = np.lexsort((c, h))
    h, c = h[order], c[order]
    if len(h):
        keep = np.ones(len(h), dtype=bool)
        keep[1:] = (h[1:] != h[:-1]) | (c[1:] != c[:-1])
        h, c = h[keep], c[keep]
    document = json.dumps({"categories": categories, **(meta or {})}, ensure_ascii=False).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(HEADER.pack(MAGIC, len(h), len(document)))
            handle.write(h.tobytes())
            handle.write(c.tobytes())
            handle.write(document)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)  # readers see the old file or the new one, never half of either
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(h)


class DomainIndex:
    """A read-only view of an index file, memory-mapped."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with open(self.path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if len(self._map) < HEADER.size:
            raise IndexFormatError(f"{path} is too short to be a domain index")
        magic, count, meta_len = HEADER.unpack_from(self._map, 0)
        if magic != MAGIC:
            raise IndexFormatError(f"{path} is not a ChildSafe domain index (or a newer version)")
        expected = HEADER.size + count * 10 + meta_len
        if len(self._map) != expected:
            raise IndexFormatError(f"{path} is truncated or damaged")
        self.count = count
        self.hashes = np.frombuffer(self._map, dtype="<u8", count=count, offset=HEADER.size)
        self.cats = np.frombuffer(self._map, dtype="<u2", count=count, offset=HEADER.size + count * 8)
        self.meta: dict[str, Any] = json.loads(bytes(self._map[HEADER.size + count * 10:]))
        self.categories: list[str] = self.meta["categories"]
        self._hash_list = self.hashes  # kept for searchsorted

    def __len__(self) -> int:
        return self.count

    def categories_of_exact(self, name: str) -> set[int]:
        key = np.uint64(name_hash(name))
        i = int(np.searchsorted(self.hashes, key))
        found = set()
        while i < self.count and self.hashes[i] == key:
            found.add(int(self.cats[i]))
            i += 1
        return found

    def match_ids(self, name: str) -> set[int]:
        """Category ids listing `name` or one of its parent domains (one vectorised search for all of them)."""
        if not self.count:
            return set()
        keys = np.fromiter((name_hash(n) for n in parents(name)), dtype="<u8")
        positions = np.searchsorted(self.hashes, keys)
        found: set[int] = set()
        for key, i in zip(keys.tolist(), positions.tolist(), strict=True):
            while i < self.count and int(self.hashes[i]) == key:
                found.add(int(self.cats[i]))
                i += 1
        return found

    def match(self, name: str) -> set[str]:
        """Category names listing `name` or one of its parent domains."""
        return {self.categories[i] for i in self.match_ids(name)}

    def close(self) -> None:
        # numpy views must go before the map can close
        self.hashes = self.cats = self._hash_list = None  # type: ignore[assignment]
        try:
            self._map.close()
        except BufferError:
            pass  # a view is still alive somewhere; the map closes with it
