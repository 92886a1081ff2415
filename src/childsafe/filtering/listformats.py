"""Blocklist file formats (extension point `childsafe.list_formats`): UT1 folders, hosts files, adblock rules.

A parser turns a file or folder into (domain, category) entries plus the categories it defines, each marked
"black" (block when the profile blocks the category) or "white" (never blocked by category; adblock `@@`
exceptions and UT1's child, educational_games and sexual_education). Problems raise ListFormatError naming the
file and line; what cannot be expressed in DNS (URL paths, cosmetic rules) is counted as skipped, not guessed.
"""

from __future__ import annotations

import ipaddress
import re
from abc import abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from childsafe.core.registry import Extension, Registry
from childsafe.filtering.domains import DomainError, normalise

MAX_LINE = 2048
WHITE_UT1 = frozenset({"child", "educational_games", "sexual_education"})
SPECIAL_HOSTS = frozenset({"localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost",
                           "ip6-loopback", "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters",
                           "ip6-allhosts", "0.0.0.0"})


class ListFormatError(ValueError):
    """A list file cannot be read; names the file and line."""


@dataclass
class ParsedList:
    categories: dict[str, str] = field(default_factory=dict)  # name -> "black" | "white"
    entries: list[tuple[str, str]] = field(default_factory=list)  # (domain, category)
    skipped: int = 0

    def category(self, name: str, usage: str) -> None:
        self.categories.setdefault(name, usage)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if len(raw) > MAX_LINE:
                    raise ListFormatError(f"{path}: line {number}: longer than {MAX_LINE} bytes")
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise ListFormatError(f"{path}: line {number}: not UTF-8 text") from None
                if "\x00" in line:
                    raise ListFormatError(f"{path}: line {number}: contains a NUL byte (binary file?)")
                yield number, line.strip()
    except OSError as exc:
        raise ListFormatError(f"{path}: {exc.strerror}") from None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _domain(text: str, path: Path, number: int) -> str:
    try:
        return normalise(text)
    except DomainError as exc:
        raise ListFormatError(f"{path}: line {number}: {exc}") from None


class ListFormat(Extension):
    """Reads one kind of list."""

    accepts_folder: ClassVar[bool] = False

    @abstractmethod
    def parse(self, path: Path, category: str) -> ParsedList:
        """Parse `path`; `category` names the category for formats that do not carry their own."""

    @classmethod
    @abstractmethod
    def examples(cls) -> dict[str, str]:
        """Relative file name -> content, and what parse() must make of it in examples_expected()."""

    @classmethod
    @abstractmethod
    def examples_expected(cls) -> ParsedList: ...


registry: Registry[ListFormat] = Registry("list_formats")


@registry.register
class Ut1Format(ListFormat):
    """Université Toulouse 1 lists: a folder per category with `domains` and `usage` (black/white)."""

    name = "ut1"
    accepts_folder = True
    description = "UT1 blacklists folder (one sub-folder per category with domains, urls, usage)"

    def parse(self, path: Path, category: str) -> ParsedList:
        if not path.is_dir():
            raise ListFormatError(f"{path}: a UT1 list is a folder of category folders")
        parsed = ParsedList()
        folders = sorted(p for p in path.iterdir() if p.is_dir() and (p / "usage").exists())
        if not folders:
            raise ListFormatError(f"{path}: no category folders with a 'usage' file")
        for folder in folders:
            name = folder.name
            if not re.fullmatch(r"[a-z0-9_]{1,40}", name):
                raise ListFormatError(f"{folder}: category names are lowercase letters, digits and _")
            usage_words = {line.lower() for _, line in _lines(folder / "usage") if line and not line.startswith("#")}
            usage = "white" if "white" in usage_words or name in WHITE_UT1 else "black"
            parsed.category(name, usage)
            domains = folder / "domains"
            if domains.exists():
                for number, line in _lines(domains):
                    if not line or line.startswith("#"):
                        continue
                    if _is_ip(line):
                        parsed.skipped += 1  # an address is not a name DNS filtering can match
                        continue
                    parsed.entries.append((_domain(line, domains, number), name))
            urls = folder / "urls"
            if urls.exists():
                # host/path entries cannot be filtered by DNS without blocking the whole host: counted, not used
                parsed.skipped += sum(1 for _, line in _lines(urls) if line and not line.startswith("#"))
        return parsed

    @classmethod
    def examples(cls) -> dict[str, str]:
        return {"gambling/domains": "casino.example\n# comment\n192.0.2.1\n", "gambling/usage": "black\ngambling\n",
                "gambling/urls": "example.org/poker\n", "child/domains": "kids.example\n", "child/usage": "white\n"}

    @classmethod
    def examples_expected(cls) -> ParsedList:
        return ParsedList({"child": "white", "gambling": "black"},
                          [("kids.example", "child"), ("casino.example", "gambling")], skipped=2)


@registry.register
class HostsFormat(ListFormat):
    """hosts files: `0.0.0.0 name [name...]`, `127.0.0.1 name`, or a bare name per line; # comments."""

    name = "hosts"
    description = "hosts file (address followed by names, or one name per line)"

    def parse(self, path: Path, category: str) -> ParsedList:
        parsed = ParsedList()
        parsed.category(category, "black")
        for number, line in _lines(path):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            names = fields[1:] if _is_ip(fields[0]) else fields
            if _is_ip(fields[0]) and not names:
                raise ListFormatError(f"{path}: line {number}: an address with no name after it")
            for name in names:
                if name.lower() in SPECIAL_HOSTS or _is_ip(name):
                    parsed.skipped += 1
                    continue
                parsed.entries.append((_domain(name, path, number), category))
        return parsed

    @classmethod
    def examples(cls) -> dict[str, str]:
        return {"hosts": "# test\n127.0.0.1 localhost\n0.0.0.0 ads.example tracker.example # two\nbare.example\n"}

    @classmethod
    def examples_expected(cls) -> ParsedList:
        return ParsedList({"custom": "black"}, [("ads.example", "custom"), ("tracker.example", "custom"),
                                                 ("bare.example", "custom")], skipped=1)


_ADBLOCK_DOMAIN = re.compile(r"^(@@)?\|\|([^/^$|*]+)\^?(\$.*)?$")


@registry.register
class AdblockFormat(ListFormat):
    """Adblock-style domain rules: `||example.com^` blocks, `@@||example.com^` is an exception (allow)."""

    name = "adblock"
    description = "adblock domain rules (||domain^ and @@||domain^ exceptions); other rule kinds are skipped"

    def parse(self, path: Path, category: str) -> ParsedList:
        parsed = ParsedList()
        parsed.category(category, "black")
        allow = f"{category}_allow"
        for number, line in _lines(path):
            if not line or line.startswith(("!", "[")) or (line.startswith("#") and not line.startswith("##")):
                continue
            match = _ADBLOCK_DOMAIN.match(line)
            if not match or (match.group(3) and not re.fullmatch(r"\$(important|document|all)(,[a-z]+)*",
                                                                  match.group(3))):
                parsed.skipped += 1  # cosmetic, path or option-restricted rules do not map to DNS
                continue
            domain = _domain(match.group(2), path, number)
            if match.group(1):
                parsed.category(allow, "white")
                parsed.entries.append((domain, allow))
            else:
                parsed.entries.append((domain, category))
        return parsed

    @classmethod
    def examples(cls) -> dict[str, str]:
        return {"rules.txt": "! title\n||ads.example^\n@@||good.ads.example^\n##.banner\n||x.example/path\n"
                             "||opt.example^$third-party\n||imp.example^$important\n"}

    @classmethod
    def examples_expected(cls) -> ParsedList:
        return ParsedList({"custom": "black", "custom_allow": "white"},
                          [("ads.example", "custom"), ("good.ads.example", "custom_allow"),
                           ("imp.example", "custom")], skipped=3)
