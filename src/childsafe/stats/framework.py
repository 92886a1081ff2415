"""The methodological framework: indicators as versioned data (data/framework.toml), loaded and checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from childsafe.core.i18n import in_every_language

UNITS = ("percent", "count", "days", "level")
SOURCE_TYPES = ("survey", "administrative", "national")
ADMIN_SOURCES = ("helpline_contacts", "hotline_reports", "hotline_takedown_days")
TEXTS = ("name", "definition", "numerator", "denominator", "collection", "question")
SURVEY_DISAGGREGATIONS = ("sex", "age_band")
# Survey respondents are children 9-17 (Global Kids Online's bands); the codebook maps age in years to these.
AGE_BANDS = {"9_11": (9, 11), "12_14": (12, 14), "15_17": (15, 17)}
SEXES = ("female", "male")


class FrameworkError(ValueError):
    """The framework file is not valid; the message names the indicator and the field."""


@dataclass(frozen=True)
class Module:
    id: str
    name: dict[str, str]


@dataclass(frozen=True)
class Indicator:
    id: str
    module: str
    revision: int
    unit: str
    source_type: str
    texts: dict[str, dict[str, str]]
    sources: tuple[str, ...]
    disaggregations: tuple[str, ...]
    variable: str = ""
    universe: str = ""
    admin_source: str = ""
    risk_type: str = ""
    levels: tuple[str, ...] = ()
    level_names: dict[str, dict[str, str]] = field(default_factory=dict)

    def text(self, key: str, lang: str) -> str:
        return self.texts[key].get(lang) or self.texts[key]["en"]

    def level_name(self, level: str, lang: str) -> str:
        names = self.level_names.get(level, {})
        return names.get(lang) or names.get("en") or level

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "module": self.module, "revision": self.revision, "unit": self.unit,
                "source_type": self.source_type, "disaggregations": ["country", "year", *self.disaggregations],
                "sources": list(self.sources), **{key: self.texts[key] for key in TEXTS},
                **({"variable": self.variable, "universe": self.universe or None} if self.variable else {}),
                **({"admin_source": self.admin_source} if self.admin_source else {}),
                **({"risk_type": self.risk_type} if self.risk_type else {}),
                **({"levels": [{"code": lv, "name": self.level_names.get(lv, {})} for lv in self.levels]}
                   if self.levels else {})}


@dataclass(frozen=True)
class Framework:
    version: str
    modules: tuple[Module, ...]
    indicators: tuple[Indicator, ...]

    def get(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    def survey_variables(self) -> set[str]:
        return {i.variable for i in self.indicators if i.variable} | {i.universe for i in self.indicators if
                                                                      i.universe}

    def of(self, source_type: str) -> list[Indicator]:
        return [i for i in self.indicators if i.source_type == source_type]


def _languages(raw: Any, where: str) -> dict[str, str]:
    return in_every_language(raw, where, FrameworkError)


def _indicator(raw: dict[str, Any], modules: set[str]) -> Indicator:
    ident = str(raw.get("id", ""))
    where = f"indicator {ident or '?'}"
    if not ident or ident.split(".")[0] != raw.get("module") or raw.get("module") not in modules:
        raise FrameworkError(f"{where}: id must be '<module>.<name>' with a known module")
    for key, allowed in (("unit", UNITS), ("source_type", SOURCE_TYPES)):
        if raw.get(key) not in allowed:
            raise FrameworkError(f"{where}: {key} must be one of {', '.join(allowed)}")
    source_type, unit = raw["source_type"], raw["unit"]
    if source_type == "survey" and (not raw.get("variable") or unit != "percent"):
        raise FrameworkError(f"{where}: a survey indicator is a percent of a yes/no variable")
    if source_type == "survey" and set(raw.get("disaggregations", [])) - set(SURVEY_DISAGGREGATIONS):
        raise FrameworkError(f"{where}: survey disaggregations are {', '.join(SURVEY_DISAGGREGATIONS)}")
    if source_type == "administrative" and raw.get("admin_source") not in ADMIN_SOURCES:
        raise FrameworkError(f"{where}: admin_source must be one of {', '.join(ADMIN_SOURCES)}")
    levels = tuple(raw.get("levels") or ())
    if unit == "level" and not levels:
        raise FrameworkError(f"{where}: a level indicator lists its levels")
    if not raw.get("sources"):
        raise FrameworkError(f"{where}: name at least one public source")
    return Indicator(
        id=ident, module=raw["module"], revision=int(raw.get("revision", 1)), unit=unit, source_type=source_type,
        texts={key: _languages(raw.get(key), f"{where}: {key}") for key in TEXTS},
        sources=tuple(str(s) for s in raw["sources"]), disaggregations=tuple(raw.get("disaggregations") or ()),
        variable=str(raw.get("variable", "")), universe=str(raw.get("universe", "")),
        admin_source=str(raw.get("admin_source", "")), risk_type=str(raw.get("risk_type", "")), levels=levels,
        level_names={lv: _languages((raw.get("level_names") or {}).get(lv), f"{where}: level {lv}")
                     for lv in levels})


def parse(text: str) -> Framework:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"the framework is not valid TOML: {exc}") from None
    modules = tuple(Module(str(m["id"]), _languages(m.get("name"), f"module {m.get('id')}"))
                    for m in raw.get("modules", []))
    indicators = tuple(_indicator(i, {m.id for m in modules}) for i in raw.get("indicators", []))
    ids = [i.id for i in indicators]
    if len(set(ids)) != len(ids):
        raise FrameworkError("indicator ids must be unique")
    variables = {i.variable for i in indicators if i.variable}
    for indicator in indicators:
        if indicator.universe and indicator.universe not in variables:
            raise FrameworkError(f"indicator {indicator.id}: universe {indicator.universe!r} is no indicator's "
                                 "variable")
    return Framework(version=str(raw.get("version", "")), modules=modules, indicators=indicators)


@lru_cache(maxsize=1)
def load() -> Framework:
    """The bundled framework."""
    return parse(resources.files("childsafe.stats").joinpath("data/framework.toml").read_text("utf-8"))
