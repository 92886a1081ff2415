"""The guardian's profile form (flat text fields) to and from the profile document the service validates."""

from __future__ import annotations

from typing import Any

from childsafe.core.errors import InvalidInputError
from childsafe.http.forms import pipe_rows


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def form_to_profile(values: dict[str, str]) -> dict[str, Any]:
    schedules = []
    for name, days, start, end, mode, categories in pipe_rows(values.get("schedules", ""), "schedules", 6):
        schedules.append({"name": name, "days": days, "start": start, "end": end, "mode": mode or "allowlist_only",
                          "categories": [c.strip() for c in categories.split(",") if c.strip()]})
    budgets = []
    for category, minutes, days in pipe_rows(values.get("budgets", ""), "budgets", 3):
        if not minutes.isdigit():
            raise InvalidInputError(f"{minutes!r} is not a number of minutes", field="budgets")
        budgets.append({"category": category, "minutes": int(minutes), "days": days or "Mo-Su"})
    return {
        "name": values.get("name", ""), "timezone": values.get("timezone", "").strip() or "UTC",
        "preset": values.get("preset", ""), "allow": _lines(values.get("allow", "")),
        "block": _lines(values.get("block", "")),
        "extra_categories": [c for c in values.get("extra_categories", "").split(",") if c],
        "unblocked_categories": [c for c in values.get("unblocked_categories", "").split(",") if c],
        "schedules": schedules, "budgets": budgets, "safe_search": values.get("safe_search") == "on",
        "youtube": values.get("youtube", "moderate"), "block_unforceable": values.get("block_unforceable") == "on",
        "block_mode": values.get("block_mode", "blockpage"),
        "bypass_protection": values.get("bypass_protection") == "on",
    }


def profile_to_form(document: dict[str, Any] | None) -> dict[str, Any]:
    if document is None:
        return {"name": "", "timezone": "UTC", "preset": "9_12", "allow": "", "block": "", "schedules":
                "bedtime | Mo-Su | 20:30 | 07:00 | allowlist_only |", "budgets": "", "safe_search": "on",
                "youtube": "moderate", "block_unforceable": "on", "block_mode": "blockpage",
                "bypass_protection": "on", "extra_categories": "", "unblocked_categories": ""}
    return {
        "name": document["name"], "timezone": document["timezone"], "preset": document["preset"],
        "allow": "\n".join(document["allow"]), "block": "\n".join(document["block"]),
        "schedules": "\n".join(f"{s['name']} | {s['days']} | {s['start']} | {s['end']} | {s['mode']} | "
                               f"{','.join(s.get('categories', []))}" for s in document["schedules"]),
        "budgets": "\n".join(f"{b['category']} | {b['minutes']} | {b['days']}" for b in document["budgets"]),
        "safe_search": "on" if document["safe_search"] else "", "youtube": document["youtube"],
        "block_unforceable": "on" if document["block_unforceable"] else "", "block_mode": document["block_mode"],
        "bypass_protection": "on" if document["bypass_protection"] else "",
        "extra_categories": ",".join(document["extra_categories"]),
        "unblocked_categories": ",".join(document["unblocked_categories"]),
    }
