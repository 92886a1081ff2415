"""The national COP capability framework as versioned data (data/framework.toml): areas, capabilities with a
question, the evidence to attach and the action that closes a gap; five maturity levels from absent to sustained
and evaluated. Regions (data/regions.toml) group countries for comparison."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from childsafe.core.i18n import in_every_language

LEVELS = 5  # 0 absent .. 4 sustained and evaluated


class FrameworkError(ValueError):
    """The framework file is not valid; the message names the area or capability and the field."""


@dataclass(frozen=True)
class Capability:
    id: str
    area: str
    texts: dict[str, dict[str, str]]  # name, question, evidence, action -> lang -> text
    links: tuple[str, ...]

    def text(self, key: str, lang: str) -> str:
        return self.texts[key].get(lang) or self.texts[key]["en"]


@dataclass(frozen=True)
class Area:
    id: str
    weight: int  # how early its gaps come in a roadmap (foundations first)
    texts: dict[str, dict[str, str]]  # name, description
    sources: tuple[str, ...]
    capabilities: tuple[Capability, ...]

    def text(self, key: str, lang: str) -> str:
        return self.texts[key].get(lang) or self.texts[key]["en"]


@dataclass(frozen=True)
class Level:
    value: int
    texts: dict[str, dict[str, str]]  # name, description

    def text(self, key: str, lang: str) -> str:
        return self.texts[key].get(lang) or self.texts[key]["en"]


@dataclass(frozen=True)
class Framework:
    version: str
    levels: tuple[Level, ...]
    areas: tuple[Area, ...]
    regions: dict[str, tuple[str, ...]]  # region id -> ISO codes
    region_names: dict[str, dict[str, str]]

    def capabilities(self) -> list[Capability]:
        return [c for area in self.areas for c in area.capabilities]

    def capability(self, ident: str) -> Capability | None:
        return next((c for c in self.capabilities() if c.id == ident), None)

    def area(self, ident: str) -> Area | None:
        return next((a for a in self.areas if a.id == ident), None)

    def region_of(self, country: str) -> str | None:
        return next((r for r, members in self.regions.items() if country in members), None)


def _languages(raw: Any, where: str) -> dict[str, str]:
    return in_every_language(raw, where, FrameworkError)


def _capability(raw: dict[str, Any], area: str) -> Capability:
    ident = str(raw.get("id", ""))
    if not ident.startswith(area + "."):
        raise FrameworkError(f"capability {ident or '?'}: its id starts with its area ({area}.)")
    links = tuple(str(link) for link in raw.get("links", []))
    if any(not link.startswith("/") for link in links):
        raise FrameworkError(f"capability {ident}: links are site paths such as /learn/policy/strategy")
    return Capability(ident, area, {k: _languages(raw.get(k), f"capability {ident}: {k}")
                                    for k in ("name", "question", "evidence", "action")}, links)


def parse(text: str, regions_text: str) -> Framework:
    try:
        raw, regions_raw = tomllib.loads(text), tomllib.loads(regions_text)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"not valid TOML: {exc}") from None
    levels = tuple(Level(int(item.get("value", -1)), {k: _languages(item.get(k), f"level {item.get('value')}: {k}")
                                                      for k in ("name", "description")})
                   for item in raw.get("levels", []))
    if [level.value for level in levels] != list(range(LEVELS)):
        raise FrameworkError(f"levels are 0 to {LEVELS - 1}, in order")
    areas = []
    for item in raw.get("areas", []):
        ident = str(item.get("id", ""))
        weight = item.get("weight")
        if not ident or not isinstance(weight, int) or not 1 <= weight <= 3:
            raise FrameworkError(f"area {ident or '?'}: an id and a weight from 1 to 3")
        if not item.get("sources"):
            raise FrameworkError(f"area {ident}: name the public frameworks it rests on")
        capabilities = tuple(_capability(c, ident) for c in item.get("capabilities", []))
        if not capabilities:
            raise FrameworkError(f"area {ident}: at least one capability")
        areas.append(Area(ident, weight, {k: _languages(item.get(k), f"area {ident}: {k}")
                                          for k in ("name", "description")},
                          tuple(str(s) for s in item["sources"]), capabilities))
    ids = [c.id for a in areas for c in a.capabilities] + [a.id for a in areas]
    if len(set(ids)) != len(ids):
        raise FrameworkError("area and capability ids must be unique")
    regions, names = {}, {}
    seen: set[str] = set()
    for item in regions_raw.get("regions", []):
        members = tuple(str(c).upper() for c in item.get("countries", []))
        if seen & set(members):
            raise FrameworkError(f"region {item.get('id')}: {sorted(seen & set(members))[0]} is in two regions")
        seen |= set(members)
        regions[str(item["id"])] = members
        names[str(item["id"])] = _languages(item.get("name"), f"region {item.get('id')}: name")
    return Framework(str(raw.get("version", "")), levels, tuple(areas), regions, names)


@lru_cache(maxsize=1)
def load() -> Framework:
    data = resources.files("childsafe.strategy").joinpath("data")
    return parse(data.joinpath("framework.toml").read_text("utf-8"), data.joinpath("regions.toml").read_text("utf-8"))
