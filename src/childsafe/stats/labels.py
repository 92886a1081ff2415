"""Names people read for the dimensions and groups of published figures (translated on the page)."""

from __future__ import annotations

from collections.abc import Callable

from childsafe.core.i18n import N_
from childsafe.reports import taxonomy
from childsafe.stats.framework import AGE_BANDS

DIMENSIONS = {
    "total": N_("Overall"), "sex": N_("By sex"), "age_band": N_("By age"), "gender": N_("By gender"),
    "category": N_("By category"), "classification": N_("By assessment"),
    "category_age_band": N_("By category and age"), "category_gender": N_("By category and gender"),
}
SEXES = {"female": N_("Girls"), "male": N_("Boys")}
CLASSIFICATIONS = {
    "baseline": N_("Child sexual abuse material (illegal everywhere)"), "national": N_("Illegal under national law"),
    "not_illegal": N_("Not illegal"), "grooming": N_("Grooming"), "sextortion": N_("Sextortion"),
    "cyberbullying": N_("Cyberbullying"), "other_harm": N_("Other harm"), "not_assessed": N_("Not yet assessed"),
}
UNITS = {"percent": N_("Percent of children"), "count": N_("Number"), "days": N_("Days"), "level": N_("Level")}
SOURCE_TYPES = {"survey": N_("Survey of children"), "administrative": N_("Administrative records"),
                "national": N_("National figure reported by a statistician")}
METHODS = {"differential_privacy": N_("Differential privacy (Laplace noise, OpenDP)"),
           "small_cell_suppression": N_("Small-cell and secondary suppression"),
           "as_reported": N_("As reported, with its source")}
STATUSES = {"published": N_("Published"), "low_reliability": N_("Low reliability"),
            "suppressed": N_("Suppressed to protect children")}


def group(dimension: str, code: str, gettext: Callable[[str], str]) -> str:
    """The readable name of a group: "Girls", "9–11", "Violence", "Violence · 13 to 15"."""
    if not code:
        return gettext("All")
    if "|" in code:
        first, second = code.split("|", 1)
        return f"{group('category', first, gettext)} · {group(dimension.split('_', 1)[1], second, gettext)}"
    if dimension == "sex":
        return gettext(SEXES.get(code, code))
    if dimension == "age_band":
        if code in AGE_BANDS:
            low, high = AGE_BANDS[code]
            return f"{low}–{high}"
        return gettext(taxonomy.AGE_BANDS.get(code, code))
    if dimension == "gender":
        return gettext(taxonomy.GENDERS.get(code, code))
    if dimension == "category":
        return gettext(taxonomy.CATEGORIES[code][0]) if code in taxonomy.CATEGORIES else code
    if dimension == "classification":
        return gettext(CLASSIFICATIONS.get(code, code))
    return code
