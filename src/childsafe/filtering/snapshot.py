"""The resolver's whole policy as one JSON file, so a DNS worker runs without the database or the web stack.

Whoever changes filtering state (the web app, the CLI) rewrites it atomically; workers notice the new file.
Keeping SQLAlchemy, FastAPI and the other features out of the worker keeps its memory to the engine and lists.
"""

from __future__ import annotations

import ipaddress
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from childsafe.filtering.engine import Assignment, ListSet
from childsafe.filtering.index import DomainIndex
from childsafe.filtering.policy import Profile, SafeSearchSettings
from childsafe.filtering.schedule import parse_budget, parse_schedule

VERSION = 1


def path_for(data_dir: Path) -> Path:
    return data_dir / "filtering" / "runtime.json"


def _profile(p: Profile) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "timezone": p.timezone, "preset": p.preset,
            "blocked_categories": sorted(p.blocked_categories), "allow": sorted(p.allow), "block": sorted(p.block),
            "schedules": [s.as_dict() for s in p.schedules], "budgets": [b.as_dict() for b in p.budgets],
            "safe_search": [p.safe_search.search, p.safe_search.youtube, p.safe_search.block_unforceable],
            "block_mode": p.block_mode, "bypass_protection": p.bypass_protection}


def write(path: Path, profiles: dict[int, Profile], assignment: Assignment, lists: list[tuple[Path, dict[str, str]]],
          grants: dict[int, dict[str, float]]) -> None:
    document = {
        "version": VERSION,
        "profiles": [_profile(p) for p in profiles.values()],
        "assignment": {"default": assignment.default_profile, "by_address": assignment.by_address,
                       "by_network": [[str(n), pid] for n, pid in assignment.by_network],
                       "by_token": assignment.by_token},
        "lists": [[str(p), usage] for p, usage in lists],
        "grants": {str(pid): domains for pid, domains in grants.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
    os.replace(tmp, path)


def read(path: Path) -> tuple[dict[int, Profile], Assignment, ListSet, dict[int, dict[str, float]]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("version") != VERSION:
        raise ValueError(f"{path}: unknown snapshot version {document.get('version')!r}")
    profiles = {}
    for raw in document["profiles"]:
        search, youtube, unforceable = raw["safe_search"]
        profiles[raw["id"]] = Profile(
            id=raw["id"], name=raw["name"], timezone=raw["timezone"], preset=raw["preset"],
            blocked_categories=frozenset(raw["blocked_categories"]), allow=frozenset(raw["allow"]),
            block=frozenset(raw["block"]),
            schedules=tuple(parse_schedule(s, i) for i, s in enumerate(raw["schedules"])),
            budgets=tuple(parse_budget(b, i) for i, b in enumerate(raw["budgets"])),
            safe_search=SafeSearchSettings(search, youtube, unforceable), block_mode=raw["block_mode"],
            bypass_protection=raw["bypass_protection"])
    a = document["assignment"]
    assignment = Assignment(a["default"], by_address=dict(a["by_address"]),
                            by_network=[(ipaddress.ip_network(n), pid) for n, pid in a["by_network"]],
                            by_token=dict(a["by_token"]))
    lists = ListSet([(DomainIndex(Path(p)), usage) for p, usage in document["lists"] if Path(p).exists()])
    grants = {int(pid): domains for pid, domains in document["grants"].items()}
    return profiles, assignment, lists, grants
