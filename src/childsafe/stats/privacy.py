"""Differentially private release of survey indicators (OpenDP's Laplace mechanism on weighted cell sums).

For each indicator and each table (total, by sex, by age band) the release is the vector of weighted numerator
and denominator sums over the table's cells. Weights are clipped to the dataset's declared cap C, so adding or
removing one child changes one numerator cell and one denominator cell by at most C each: the vector's L1
sensitivity is 2C. OpenDP builds the Laplace measurement for that sensitivity and the query's share of the
budget and reports the epsilon it spends; the release spends the sum (sequential composition). The cells are
fixed by the framework (every sex and age band, present in the data or not), so which cells exist reveals nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import opendp.prelude as dp

from childsafe.stats.framework import AGE_BANDS, SEXES, Indicator
from childsafe.stats.survey import Microdata

dp.enable_features("contrib")

TABLES = {"total": (), "sex": ("sex",), "age_band": ("age_band",)}
MECHANISM = "laplace"
# A figure whose noise alone could move it by more than this many percentage points (95 %) is flagged.
RELIABILITY_MARGIN = 10.0


@dataclass(frozen=True)
class Cell:
    indicator: str
    table: str
    sex: str | None
    age_band: str | None
    value: float | None  # percent, or None when the noisy denominator is not positive
    margin: float | None  # 95 % half-width of the noise, in percentage points
    status: str  # "published" or "low_reliability"


@dataclass(frozen=True)
class Release:
    cells: list[Cell]
    epsilon: float  # spent, as OpenDP accounts it
    parameters: dict[str, Any]


def _cells(table: str) -> list[tuple[str | None, str | None]]:
    if table == "sex":
        return [(sex, None) for sex in SEXES]
    if table == "age_band":
        return [(None, band) for band in AGE_BANDS]
    return [(None, None)]


def weighted_sums(data: Microdata, indicators: list[Indicator], cap: float) -> dict[tuple[str, str, str | None,
                                                                                         str | None],
                                                                                   tuple[float, float]]:
    """(indicator, table, sex, band) -> (weighted yes, weighted answered) with clipped weights, in one DuckDB
    query over the columns (GROUPING SETS give the total, by-sex and by-age tables at once)."""
    columns: dict[str, np.ndarray] = {"sex": data.sex, "age_band": data.age_band,
                                      "w": np.minimum(data.weight, cap)}
    sums = []
    for n, indicator in enumerate(indicators):
        columns[f"v{n}"] = data.answers[indicator.variable]
        universe = ""
        if indicator.universe:
            columns[f"u{n}"] = data.answers[indicator.universe]
            universe = f" AND u{n} = 1"
        sums.append(f"SUM(CASE WHEN v{n} = 1{universe} THEN w ELSE 0 END) AS y{n}, "
                    f"SUM(CASE WHEN v{n} >= 0{universe} THEN w ELSE 0 END) AS d{n}")
    micro = columns  # noqa: F841  (DuckDB reads the dict of arrays by this name)
    rows = duckdb.sql(f"SELECT GROUPING(sex) AS gs, GROUPING(age_band) AS ga, sex, age_band, {', '.join(sums)} "
                      "FROM micro GROUP BY GROUPING SETS ((), (sex), (age_band))").fetchall()
    sexes, bands = list(SEXES), list(AGE_BANDS)
    result = {}
    for gs, ga, sex, band, *values in rows:
        if gs and ga:
            table, key = "total", (None, None)
        elif ga:
            if sex >= len(sexes):
                continue  # sex not given: counted in the total and by age, not by sex
            table, key = "sex", (sexes[sex], None)
        else:
            table, key = "age_band", (None, bands[band])
        for n, indicator in enumerate(indicators):
            result[(indicator.id, table, *key)] = (float(values[2 * n] or 0.0), float(values[2 * n + 1] or 0.0))
    return result


def _laplace(sensitivity: float, epsilon: float) -> tuple[dp.Measurement, float]:
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.l1_distance(T=float)
    scale = dp.binary_search_param(lambda s: dp.m.make_laplace(*space, scale=s), d_in=sensitivity, d_out=epsilon)
    return dp.m.make_laplace(*space, scale=scale), scale


def release(data: Microdata, indicators: list[Indicator], *, epsilon: float, cap: float) -> Release:
    """Spend `epsilon` over len(indicators) x len(TABLES) queries, equally; return the figures."""
    if not indicators:
        raise ValueError("no indicator to release")
    if not (epsilon > 0 and math.isfinite(epsilon)) or not (cap > 0 and math.isfinite(cap)):
        raise ValueError("epsilon and the weight cap must be positive numbers")
    sums = weighted_sums(data, indicators, cap)
    per_query = epsilon / (len(indicators) * len(TABLES))
    sensitivity = 2 * cap
    measurement, scale = _laplace(sensitivity, per_query)
    spent = 0.0
    cells = []
    for indicator in indicators:
        for table in TABLES:
            keys = _cells(table)
            exact = [sums.get((indicator.id, table, sex, band), (0.0, 0.0)) for sex, band in keys]
            noisy = measurement([y for y, _ in exact] + [d for _, d in exact])
            spent += measurement.map(sensitivity)
            for i, (sex, band) in enumerate(keys):
                yes, answered = noisy[i], noisy[len(keys) + i]
                cells.append(_figure(indicator.id, table, sex, band, yes, answered, scale))
    return Release(cells=cells, epsilon=spent, parameters={
        "mechanism": MECHANISM, "library": "opendp", "epsilon": spent, "epsilon_per_query": per_query,
        "queries": len(indicators) * len(TABLES), "weight_cap": cap, "sensitivity_l1": sensitivity,
        "noise_scale": scale, "tables": list(TABLES), "composition": "sequential (basic)"})


def _figure(indicator: str, table: str, sex: str | None, band: str | None, yes: float, answered: float,
            scale: float) -> Cell:
    if answered <= 0:
        return Cell(indicator, table, sex, band, None, None, "low_reliability")
    share = min(max(yes / answered, 0.0), 1.0)
    # Delta method for y/d with independent Laplace noise (variance 2b^2 each): sd ~ b*sqrt(2(1+p^2))/d.
    margin = 100 * 1.96 * scale * math.sqrt(2 * (1 + share * share)) / answered
    status = "published" if margin <= RELIABILITY_MARGIN else "low_reliability"
    return Cell(indicator, table, sex, band, round(100 * share, 1), round(margin, 1), status)
