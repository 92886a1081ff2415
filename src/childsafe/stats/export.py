"""Published figures as CSV and as an SDMX-JSON 1.0 data message (all dimensions at observation level), with the
dimension and attribute names UNICEF's child-protection dataflow uses (REF_AREA, INDICATOR, SEX, AGE, OBS_STATUS,
CONF_STATUS, UNIT_MEASURE)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pycountry

from childsafe.stats.framework import Indicator
from childsafe.stats.models import Figure, Release

CSV_COLUMNS = ("indicator", "country", "year", "dimension", "group", "value", "margin_95", "unit", "status",
               "method", "release", "source")
UNITS = {"percent": "PCNT", "count": "NUMBER", "days": "DAYS", "level": "LEVEL"}
# SDMX cross-domain code lists CL_OBS_STATUS and CL_CONF_STATUS.
OBS_STATUS = {"published": ("A", "Normal value"), "low_reliability": ("U", "Low reliability"),
              "suppressed": ("O", "Missing value")}
CONF_STATUS = {"published": ("F", "Free"), "low_reliability": ("F", "Free"),
               "suppressed": ("C", "Confidential statistical information")}
SDMX_DIMENSIONS = {"sex": ("SEX", "Sex"), "age_band": ("AGE", "Age")}
SEX_CODES = {"female": "F", "male": "M"}


def _age_code(band: str) -> str:
    low, _, high = band.partition("_")
    return f"Y{low}T{high}"


def to_csv(rows: list[tuple[Figure, Release]], indicator: Indicator) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for figure, release in rows:
        writer.writerow([figure.indicator, figure.country, figure.year, figure.dimension, figure.subgroup,
                         "" if figure.value is None else figure.value,
                         "" if figure.margin is None else figure.margin, indicator.unit, figure.status,
                         release.method, release.id, release.source])
    return out.getvalue()


def _values(items: list[str], name: Any = None) -> list[dict[str, str]]:
    return [{"id": item, **({"name": name(item)} if name else {})} for item in items]


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def to_sdmx_json(rows: list[tuple[Figure, Release]], indicator: Indicator, dimension: str, prepared: datetime,
                 lang: str = "en") -> dict[str, Any]:
    """One observation per figure, keyed by the index of each dimension value; suppressed figures are present
    with a null value and CONF_STATUS C, so a reader sees that the cell exists and why it is empty."""
    countries = sorted({f.country for f, _ in rows})
    years = sorted({str(f.year) for f, _ in rows})
    dimensions = [
        {"id": "REF_AREA", "name": "Reference area", "keyPosition": 0, "values": _values(countries, _country_name)},
        {"id": "INDICATOR", "name": "Indicator", "keyPosition": 1,
         "values": [{"id": indicator.id, "name": indicator.text("name", lang)}]},
    ]
    breakdown: list[str] = []
    if dimension != "total":
        breakdown = sorted({f.subgroup for f, _ in rows})
        ident, name = SDMX_DIMENSIONS.get(dimension, (dimension.upper(), dimension.replace("_", " ")))
        coder = {"sex": SEX_CODES.get, "age_band": _age_code}.get(dimension)
        dimensions.append({"id": ident, "name": name, "keyPosition": 2,
                           "values": [{"id": (coder(g) if coder else g) or g, "name": g} for g in breakdown]})
    dimensions.append({"id": "TIME_PERIOD", "name": "Time period", "role": "time", "keyPosition": len(dimensions),
                       "values": _values(years)})
    statuses = list(OBS_STATUS)
    conf = sorted({CONF_STATUS[s][0] for s in statuses})
    attributes = [
        {"id": "OBS_STATUS", "name": "Observation status",
         "values": [{"id": OBS_STATUS[s][0], "name": OBS_STATUS[s][1]} for s in statuses]},
        {"id": "CONF_STATUS", "name": "Confidentiality status",
         "values": [{"id": c, "name": next(n for k, n in CONF_STATUS.values() if k == c)} for c in conf]},
        {"id": "UNIT_MEASURE", "name": "Unit of measure", "values": [{"id": UNITS[indicator.unit]}]},
        {"id": "NOISE_MARGIN_95", "name": "Half-width of the 95 % interval of the privacy noise", "values": []},
        {"id": "DATA_SOURCE", "name": "Data source", "values": _values(sorted({r.source for _, r in rows}))},
    ]
    sources = [v["id"] for v in attributes[4]["values"]]
    observations = {}
    for figure, release in rows:
        key = [countries.index(figure.country), 0]
        if dimension != "total":
            key.append(breakdown.index(figure.subgroup))
        key.append(years.index(str(figure.year)))
        margin_index = None
        if figure.margin is not None:
            attributes[3]["values"].append({"id": str(figure.margin)})
            margin_index = len(attributes[3]["values"]) - 1
        observations[":".join(map(str, key))] = [
            figure.value, statuses.index(figure.status), conf.index(CONF_STATUS[figure.status][0]), 0,
            margin_index, sources.index(release.source)]
    return {
        "header": {"id": f"CHILDSAFE-{indicator.id}-{dimension}", "test": False,
                   "prepared": prepared.strftime("%Y-%m-%dT%H:%M:%SZ"), "sender": {"id": "CHILDSAFE"}},
        "structure": {"name": indicator.text("name", lang),
                      "dimensions": {"dataSet": [], "series": [], "observation": dimensions},
                      "attributes": {"dataSet": [], "series": [], "observation": attributes}},
        "dataSets": [{"action": "Information", "observations": observations}],
    }
