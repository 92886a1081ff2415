"""Where imported lists live on disk: a memory-mapped index per list and its names (for RPZ export).

Both files are written beside the old ones and swapped in with os.replace, so a server reading the old index
keeps a valid view until it reopens, and a failed import leaves the previous files untouched.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from childsafe.filtering.index import DomainIndex, write_index
from childsafe.filtering.listformats import ParsedList


def folder(data_dir: Path) -> Path:
    return data_dir / "filtering" / "lists"


def index_path(data_dir: Path, name: str) -> Path:
    return folder(data_dir) / f"{name}.idx"


def names_path(data_dir: Path, name: str) -> Path:
    return folder(data_dir) / f"{name}.names.gz"


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
        with open(file, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def write(data_dir: Path, name: str, parsed: ParsedList, meta: dict[str, str]) -> int:
    categories = sorted(parsed.categories)
    ids = {c: i for i, c in enumerate(categories)}
    target = names_path(data_dir, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=5) as handle:
            for domain, category in parsed.entries:
                handle.write(f"{domain}\t{category}\n".encode())
        count = write_index(index_path(data_dir, name), ((d, ids[c]) for d, c in parsed.entries), categories,
                            {**meta, "usage": parsed.categories})
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def names(data_dir: Path, name: str) -> Iterator[tuple[str, str]]:
    with gzip.open(names_path(data_dir, name), "rt", encoding="utf-8") as handle:
        for line in handle:
            domain, _, category = line.rstrip("\n").partition("\t")
            yield domain, category


def open_index(data_dir: Path, name: str) -> DomainIndex:
    return DomainIndex(index_path(data_dir, name))


def remove(data_dir: Path, name: str) -> None:
    index_path(data_dir, name).unlink(missing_ok=True)
    names_path(data_dir, name).unlink(missing_ok=True)
