"""Bank file formats (extension point `childsafe.bank_formats`): CSV, ThreatExchange text, plain hash lists."""

from __future__ import annotations

import csv
import io
import re
from abc import abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar

from childsafe.core.registry import Extension, Registry


class BankFormatError(ValueError):
    """The file cannot be read; names the line."""


Row = tuple[str, str, dict[str, Any]]  # (signal type, raw signal, metadata)


class BankFormat(Extension):
    suffixes: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def read(self, text: str, default_type: str | None = None) -> Iterator[tuple[int, Row]]:
        """(line number, row) pairs; signal values are validated later by their signal type."""

    @abstractmethod
    def write(self, rows: list[Row]) -> str: ...

    @classmethod
    @abstractmethod
    def examples(cls) -> tuple[str, list[Row]]:
        """A small file and the rows it holds."""


registry: Registry[BankFormat] = Registry("bank_formats")


@registry.register
class CsvBankFormat(BankFormat):
    """`signal_type,signal[,metadata...]`; a header row names the metadata columns (meta1.. without one)."""

    name = "csv"
    suffixes = (".csv",)
    description = "CSV: signal_type,signal[,metadata...] with an optional header row"

    def read(self, text: str, default_type: str | None = None) -> Iterator[tuple[int, Row]]:
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        names: list[str] | None = None
        for number, cells in enumerate(reader, start=1):
            if not cells or not any(c.strip() for c in cells) or cells[0].startswith("#"):
                continue
            if number == 1 and [c.strip().lower() for c in cells[:2]] == ["signal_type", "signal"]:
                names = [c.strip() for c in cells[2:]]
                continue
            if len(cells) < 2:
                raise BankFormatError(f"line {number}: expected signal_type,signal")
            extra = cells[2:]
            keys = names if names is not None and len(names) == len(extra) else \
                [f"meta{i + 1}" for i in range(len(extra))]
            yield number, (cells[0].strip(), cells[1].strip(), dict(zip(keys, extra, strict=True)))

    def write(self, rows: list[Row]) -> str:
        keys = sorted({k for _, _, meta in rows for k in meta})
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["signal_type", "signal", *keys])
        for signal_type, value, meta in rows:
            writer.writerow([signal_type, value, *[meta.get(k, "") for k in keys]])
        return out.getvalue()

    @classmethod
    def examples(cls) -> tuple[str, list[Row]]:
        md5 = "d41d8cd98f00b204e9800998ecf8427e"
        return (f"signal_type,signal,source\nmd5,{md5},unit test\n",
                [("md5", md5, {"source": "unit test"})])


@registry.register
class ThreatExchangeTextFormat(BankFormat):
    """python-threatexchange's local file: one `signal_type signal` per line, or a bare signal of a given type."""

    name = "te"
    suffixes = (".txt", ".te")
    description = "ThreatExchange/HMA text: 'signal_type signal' per line (or bare signals with --signal-type)"

    def read(self, text: str, default_type: str | None = None) -> Iterator[tuple[int, Row]]:
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            first, _, rest = line.partition(" ")
            if rest.strip():
                yield number, (first, rest.strip(), {})
            elif default_type:
                yield number, (default_type, first, {})
            else:
                raise BankFormatError(f"line {number}: no signal type (write 'pdq <hash>' or pass --signal-type)")

    def write(self, rows: list[Row]) -> str:
        return "".join(f"{signal_type} {value}\n" for signal_type, value, _ in rows)

    @classmethod
    def examples(cls) -> tuple[str, list[Row]]:
        pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
        return f"# comment\npdq {pdq}\n", [("pdq", pdq, {})]


@registry.register
class HashListFormat(BankFormat):
    """Plain hash lists as hotlines and NCMEC-style feeds share them: one MD5 or SHA-256 per line."""

    name = "hashlist"
    suffixes = (".lst", ".hashes")
    description = "one MD5 (32 hex) or SHA-256 (64 hex) per line; SHA-1 and other kinds are refused"

    def read(self, text: str, default_type: str | None = None) -> Iterator[tuple[int, Row]]:
        for number, line in enumerate(text.splitlines(), start=1):
            value = line.strip().split(",")[0].strip()
            if not value or value.startswith("#"):
                continue
            if not re.fullmatch(r"[0-9A-Fa-f]+", value):
                raise BankFormatError(f"line {number}: {value[:70]!r} is not a hexadecimal hash")
            kind = {32: "md5", 64: default_type or "sha256"}.get(len(value))
            if kind is None:
                raise BankFormatError(f"line {number}: a {len(value) * 4}-bit hash is not MD5 or SHA-256")
            yield number, (kind, value, {})

    def write(self, rows: list[Row]) -> str:
        return "".join(f"{value}\n" for signal_type, value, _ in rows if signal_type in ("md5", "sha256"))

    @classmethod
    def examples(cls) -> tuple[str, list[Row]]:
        return ("D41D8CD98F00B204E9800998ECF8427E\n", [("md5", "D41D8CD98F00B204E9800998ECF8427E", {})])


def format_for(name: str | None, filename: str | None = None) -> BankFormat:
    if name:
        return registry.get(name)()
    for cls in registry:
        if filename and filename.lower().endswith(cls.suffixes):
            return cls()
    raise KeyError(f"cannot tell the format of {filename!r}; use --format with one of {', '.join(registry.names())}")
