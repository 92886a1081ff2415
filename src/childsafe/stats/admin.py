"""Administrative counts from this platform (helpline contacts, hotline reports) as protected figures.

All of one year's helpline tables are protected together, in one system of equations, because they share totals:
contacts by age band and by gender each add up to all contacts; a category's contacts add up over age bands and
over genders (a contact can be about several categories, so categories do not add up to all contacts)."""

from __future__ import annotations

import statistics
from collections.abc import Hashable
from typing import Any

from sqlalchemy.orm import Session

from childsafe.core.errors import ChildSafeError
from childsafe.reports import contacts as helpline_contacts
from childsafe.reports import service as reports
from childsafe.reports import taxonomy
from childsafe.stats import suppression
from childsafe.stats.suppression import TOTAL, Table

CROSS = ("age_band", "gender")
REPORT_CLASSES = (*reports.CLASSIFICATIONS, "not_assessed")
ILLEGAL = ("baseline", "national")


class DisclosureError(ChildSafeError):
    code = "disclosure_risk"
    status = 500


def helpline_table(session: Session, year: int) -> Table:
    """Keys: ("total",), ("age_band", band), ("gender", g), ("category", c), (c, "age_band", band), ..."""
    yearly = helpline_contacts.yearly(session, year)
    table = Table({("total",): yearly["contacts"]})
    categories = list(taxonomy.CATEGORIES)
    for dimension in CROSS:
        values = list(getattr(taxonomy, {"age_band": "AGE_BANDS", "gender": "GENDERS"}[dimension]))
        margins = yearly[f"by_{dimension}"]
        for value in values:
            table.values[(dimension, value)] = int(margins.get(value, 0))
        table.equations.append((tuple((dimension, v) for v in values), ("total",)))
        cross = helpline_contacts.crosstab(session, year, dimension)
        for category in categories:
            for value in values:
                table.values[(category, dimension, value)] = int(cross.get((category, value), 0))
            table.equations.append((tuple((category, dimension, v) for v in values), ("category", category)))
    for category in categories:
        table.values[("category", category)] = int(yearly["by_category"].get(category, 0))
    return table


def _cell(indicator: str, dimension: str, subgroup: str, value: float | None, hidden: bool) -> dict[str, Any]:
    return {"indicator": indicator, "dimension": dimension, "subgroup": subgroup,
            "value": None if hidden else value, "margin": None, "status": "suppressed" if hidden else "published"}


def protect_table(table: Table, threshold: int) -> set[Hashable]:
    hidden = suppression.suppress(table, threshold)
    if suppression.exposed(table, hidden):
        raise DisclosureError("a suppressed cell could be worked out from the published totals; nothing was "
                              "published")
    return hidden


def protected_cells(session: Session, year: int, threshold: int) -> list[dict[str, Any]]:
    cells = []
    table = helpline_table(session, year)
    hidden = protect_table(table, threshold)
    for key, value in table.values.items():
        if key == ("total",):
            dimension, subgroup = "total", ""
        elif len(key) == 2:
            dimension, subgroup = key
        else:
            dimension, subgroup = f"category_{key[1]}", f"{key[0]}|{key[2]}"
        cells.append(_cell("helplines.contacts", dimension, subgroup, value, key in hidden))
    outcomes = reports.yearly_outcomes(session, year)
    counts = outcomes["by_classification"]
    # The indicator counts reports assessed as illegal (baseline or national law); the other assessments are
    # published beside it as a breakdown and do not add up to it.
    report_table = Table({TOTAL: int(sum(counts.get(c, 0) for c in ILLEGAL)),
                          **{c: int(counts.get(c, 0)) for c in REPORT_CLASSES}}, [(ILLEGAL, TOTAL)])
    hidden = protect_table(report_table, threshold)
    for key, value in report_table.values.items():
        dimension, subgroup = ("total", "") if key == TOTAL else ("classification", str(key))
        cells.append(_cell("hotlines.reports", dimension, subgroup, value, key in hidden))
    days = outcomes["removal_days"]
    # A median of fewer than `threshold` removals is too close to describing single cases.
    median = round(statistics.median(days), 1) if days else None
    cells.append(_cell("hotlines.takedown_days", "total", "", median, len(days) < threshold))
    return cells
