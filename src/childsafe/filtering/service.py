"""Filtering use cases: import and refresh lists, manage profiles and devices, handle block-page requests."""

from __future__ import annotations

import ipaddress
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from childsafe.filtering import liststore
from childsafe.filtering.domains import DomainError, normalise
from childsafe.filtering.engine import Assignment, ListSet
from childsafe.filtering.listformats import ListFormatError, registry
from childsafe.filtering.models import AccessRequest, Device, FilterList, FilterProfile, QueryCount
from childsafe.filtering.policy import DEFAULT_PRESET, PRESETS, Profile, SafeSearchSettings
from childsafe.filtering.schedule import ScheduleError, parse_budget, parse_schedule

LIST_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")
MAX_DOMAINS_PER_PROFILE_LIST = 5000
MAX_PENDING_REQUESTS = 50


# ---- lists --------------------------------------------------------------------------------------------------

@contextmanager
def _fetched(source: str, max_bytes: int) -> Iterator[Path]:
    """A local path for `source`: the path itself, or a download into a temporary file for an http(s) URL."""
    if not source.startswith(("http://", "https://")):
        path = Path(source)
        if not path.exists():
            raise InvalidInputError(f"{source} does not exist", field="source")
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix="childsafe-list-"))
    try:
        target = folder / "download"
        size = 0
        with httpx.stream("GET", source, follow_redirects=True, timeout=60) as response, open(target, "wb") as out:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InvalidInputError(f"{source} is larger than {max_bytes // (1 << 20)} MB", field="source")
                out.write(chunk)
        yield target
    except httpx.HTTPError as exc:
        raise InvalidInputError(f"cannot download {source}: {exc}", field="source") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_list(session: Session, *, data_dir: Path, fmt: str, source: str, name: str, category: str = "",
                licence: str = "", attribution: str = "", actor: Actor, clock: Clock | None = None,
                max_bytes: int = 2 << 30) -> FilterList:
    """Parse the whole list first; only a list that parsed completely replaces the files and the record."""
    clock = clock or SystemClock()
    if not name or len(name) > 60 or not set(name) <= LIST_NAME_CHARS:
        raise InvalidInputError("a list name is 1 to 60 lowercase letters, digits, - or _", field="name")
    try:
        parser = registry.get(fmt)()
    except KeyError as exc:
        raise InvalidInputError(str(exc).strip("'\""), field="format") from None
    category = category or name.replace("-", "_")
    with _fetched(source, max_bytes) as path:
        if not path.is_dir() and path.stat().st_size > max_bytes:
            raise InvalidInputError(f"{source} is larger than {max_bytes // (1 << 20)} MB", field="source")
        try:
            parsed = parser.parse(path, category)
        except ListFormatError as exc:
            raise InvalidInputError(str(exc), field="source") from None
        digest = liststore.checksum(path)
    entries = liststore.write(data_dir, name, parsed, {"name": name, "format": fmt, "source": source})
    row = session.scalar(select(FilterList).where(FilterList.name == name))
    created = row is None
    if row is None:
        row = FilterList(name=name)
        session.add(row)
    row.format, row.source, row.sha256, row.entries, row.skipped = fmt, source, digest, entries, parsed.skipped
    row.categories = dict(sorted(parsed.categories.items()))
    row.licence = licence or row.licence or ""
    row.attribution = attribution or row.attribution or ""
    row.block_by_default = fmt != "ut1"  # hosts and adblock files are blocklists; UT1 categories go by preset
    row.imported_at = clock.now()
    session.flush()
    audit.record(session, actor, "filtering.list.import" if created else "filtering.list.update", "filter_list", name,
                 {"format": fmt, "source": source, "entries": entries, "skipped": parsed.skipped, "sha256": digest},
                 clock)
    return row


def update_lists(session: Session, *, data_dir: Path, actor: Actor, name: str | None = None,
                 clock: Clock | None = None) -> list[tuple[str, str]]:
    """Re-read each list's source; rebuild only those whose checksum changed. Returns (name, outcome) pairs."""
    outcomes = []
    for row in list_lists(session):
        if name and row.name != name:
            continue
        with _fetched(row.source, 2 << 30) as path:
            digest = liststore.checksum(path)
        if digest == row.sha256:
            outcomes.append((row.name, "unchanged"))
            continue
        import_list(session, data_dir=data_dir, fmt=row.format, source=row.source, name=row.name,
                    category=next(iter(row.categories), ""), actor=actor, clock=clock)
        outcomes.append((row.name, "updated"))
    if name and not outcomes:
        raise NotFoundError(f"no list named {name!r}", field="name")
    return outcomes


def list_lists(session: Session) -> list[FilterList]:
    return list(session.scalars(select(FilterList).order_by(FilterList.name)))


def all_categories(session: Session) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in list_lists(session):
        found.update(row.categories)
    return dict(sorted(found.items()))


# ---- profiles and devices -----------------------------------------------------------------------------------

def _domains(values: Any, field: str) -> list[str]:
    if not isinstance(values, list) or len(values) > MAX_DOMAINS_PER_PROFILE_LIST:
        raise InvalidInputError(f"must be a list of at most {MAX_DOMAINS_PER_PROFILE_LIST} domains", field=field)
    out = []
    for i, value in enumerate(values):
        try:
            out.append(normalise(value))
        except DomainError as exc:
            raise InvalidInputError(str(exc), field=f"{field}[{i}]") from None
    return sorted(set(out))


def _names(values: Any, field: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and 0 < len(v) <= 60 for v in values):
        raise InvalidInputError("must be a list of category names", field=field)
    return sorted(set(values))


def validate_profile(raw: Any) -> dict[str, Any]:
    """Check a profile document from the API or a form; raise InvalidInputError naming the field."""
    if not isinstance(raw, dict):
        raise InvalidInputError("a profile is an object", field="profile")
    known = {"name", "timezone", "preset", "extra_categories", "unblocked_categories", "allow", "block", "schedules",
             "budgets", "safe_search", "youtube", "block_unforceable", "block_mode", "bypass_protection",
             "is_default"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InvalidInputError(f"{unknown[0]!r} is not a profile field", field=unknown[0])
    name = raw.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 60:
        raise InvalidInputError("a profile needs a name of 1 to 60 characters", field="name")
    zone = raw.get("timezone", "UTC")
    if zone not in available_timezones():
        raise InvalidInputError(f"{zone!r} is not an IANA time zone", field="timezone")
    preset = raw.get("preset", DEFAULT_PRESET)
    if preset not in PRESETS:
        raise InvalidInputError(f"preset must be one of {', '.join(PRESETS)}", field="preset")
    try:
        schedules = [parse_schedule(s, i).as_dict() for i, s in enumerate(raw.get("schedules") or [])]
        budgets = [parse_budget(b, i).as_dict() for i, b in enumerate(raw.get("budgets") or [])]
    except ScheduleError as exc:
        raise InvalidInputError(str(exc), field=exc.field) from None
    youtube = raw.get("youtube", "moderate")
    if youtube not in ("off", "moderate", "strict"):
        raise InvalidInputError("youtube is off, moderate or strict", field="youtube")
    block_mode = raw.get("block_mode", "blockpage")
    if block_mode not in ("blockpage", "nxdomain"):
        raise InvalidInputError("block_mode is blockpage or nxdomain", field="block_mode")
    flags = {}
    for key, default in (("safe_search", True), ("block_unforceable", True), ("bypass_protection", True),
                         ("is_default", False)):
        value = raw.get(key, default)
        if not isinstance(value, bool):
            raise InvalidInputError(f"{key} is true or false", field=key)
        flags[key] = value
    return {"name": name.strip(), "timezone": zone, "preset": preset,
            "extra_categories": _names(raw.get("extra_categories") or [], "extra_categories"),
            "unblocked_categories": _names(raw.get("unblocked_categories") or [], "unblocked_categories"),
            "allow": _domains(raw.get("allow") or [], "allow"), "block": _domains(raw.get("block") or [], "block"),
            "schedules": schedules, "budgets": budgets, "youtube": youtube, "block_mode": block_mode, **flags}


def profile_document(row: FilterProfile) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "timezone": row.timezone, "preset": row.preset,
            "extra_categories": row.extra_categories, "unblocked_categories": row.unblocked_categories,
            "allow": row.allow, "block": row.block, "schedules": row.schedules, "budgets": row.budgets,
            "safe_search": row.safe_search, "youtube": row.youtube, "block_unforceable": row.block_unforceable,
            "block_mode": row.block_mode, "bypass_protection": row.bypass_protection, "is_default": row.is_default,
            "devices": [{"id": d.id, "name": d.name, "network": d.network, "doh_path": f"/dns-query/{d.doh_token}"}
                        for d in row.devices]}


def _may_manage(principal: Principal, row: FilterProfile) -> None:
    if principal.can(Permission.ACCOUNTS_ADMIN):
        return
    if not principal.can(Permission.FILTERING_MANAGE) or row.owner_id != principal.user_id:
        raise NotFoundError("no such profile", field="profile_id")  # do not reveal other households' profiles


def _may_set_default(principal: Principal, values: dict[str, Any]) -> None:
    if values["is_default"] and not principal.can(Permission.ACCOUNTS_ADMIN):
        raise PermissionDeniedError("only an administrator sets the default profile", field="is_default")


def list_profiles(session: Session, principal: Principal) -> list[FilterProfile]:
    query = select(FilterProfile).order_by(FilterProfile.name)
    if not principal.can(Permission.ACCOUNTS_ADMIN):
        query = query.where(FilterProfile.owner_id == principal.user_id)
    return list(session.scalars(query))


def get_profile(session: Session, profile_id: int, principal: Principal) -> FilterProfile:
    row = session.get(FilterProfile, profile_id)
    if row is None:
        raise NotFoundError("no such profile", field="profile_id")
    _may_manage(principal, row)
    return row


def save_profile(session: Session, raw: Any, *, principal: Principal, profile_id: int | None = None,
                 clock: Clock | None = None) -> FilterProfile:
    clock = clock or SystemClock()
    principal.require(Permission.FILTERING_MANAGE)
    values = validate_profile(raw)
    _may_set_default(principal, values)
    row = FilterProfile(owner_id=principal.user_id) if profile_id is None else \
        get_profile(session, profile_id, principal)
    if values["is_default"]:
        for other in session.scalars(select(FilterProfile).where(FilterProfile.is_default.is_(True))):
            other.is_default = False
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = clock.now()
    session.add(row)
    session.flush()
    audit.record(session, principal.actor, "filtering.profile.save", "filter_profile", row.id,
                 {"name": row.name, "preset": row.preset}, clock)
    return row


def delete_profile(session: Session, profile_id: int, *, principal: Principal, clock: Clock | None = None) -> None:
    row = get_profile(session, profile_id, principal)
    session.delete(row)
    audit.record(session, principal.actor, "filtering.profile.delete", "filter_profile", profile_id, {}, clock)


def add_device(session: Session, profile_id: int, *, name: str, network: str | None, principal: Principal,
               clock: Clock | None = None) -> Device:
    row = get_profile(session, profile_id, principal)
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 60:
        raise InvalidInputError("a device needs a name of 1 to 60 characters", field="name")
    if network:
        try:
            network = str(ipaddress.ip_network(network.strip(), strict=False))
        except ValueError:
            raise InvalidInputError(f"{network!r} is not an IP address or subnet", field="network") from None
        clash = session.scalar(select(Device).where(Device.network == network))
        if clash is not None:
            raise ConflictError(f"{network} is already assigned to another device", field="network")
    device = Device(profile_id=row.id, name=name.strip(), network=network or None,
                    doh_token=secrets.token_urlsafe(18))
    session.add(device)
    session.flush()
    audit.record(session, principal.actor, "filtering.device.add", "filter_device", device.id,
                 {"profile": row.id, "network": device.network}, clock)
    return device


def remove_device(session: Session, device_id: int, *, principal: Principal, clock: Clock | None = None) -> None:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFoundError("no such device", field="device_id")
    _may_manage(principal, device.profile)
    session.delete(device)
    audit.record(session, principal.actor, "filtering.device.remove", "filter_device", device_id, {}, clock)


# ---- the block page's "ask a grown-up" ----------------------------------------------------------------------

def request_access(session: Session, *, profile_id: int, domain: str, reason: str,
                   clock: Clock | None = None) -> AccessRequest:
    now = (clock or SystemClock()).now()
    try:
        domain = normalise(domain)
    except DomainError as exc:
        raise InvalidInputError(str(exc), field="domain") from None
    if session.get(FilterProfile, profile_id) is None:
        raise NotFoundError("no such profile", field="profile_id")
    existing = session.scalar(select(AccessRequest).where(AccessRequest.profile_id == profile_id,
                                                          AccessRequest.domain == domain,
                                                          AccessRequest.status == "pending"))
    if existing is not None:
        return existing
    pending = session.scalars(select(AccessRequest.id).where(AccessRequest.profile_id == profile_id,
                                                              AccessRequest.status == "pending")).all()
    if len(pending) >= MAX_PENDING_REQUESTS:
        raise ConflictError("there are already many questions waiting for a grown-up", field="domain")
    row = AccessRequest(profile_id=profile_id, domain=domain, reason=reason[:80], created_at=now)
    session.add(row)
    session.flush()
    return row


def list_requests(session: Session, principal: Principal) -> list[AccessRequest]:
    ids = [p.id for p in list_profiles(session, principal)]
    if not ids:
        return []
    return list(session.scalars(select(AccessRequest).where(AccessRequest.profile_id.in_(ids))
                                .order_by(AccessRequest.created_at.desc()).limit(200)))


def decide_request(session: Session, request_id: int, *, grant: bool, minutes: int, principal: Principal,
                   clock: Clock | None = None) -> AccessRequest:
    clock = clock or SystemClock()
    row = session.get(AccessRequest, request_id)
    if row is None:
        raise NotFoundError("no such request", field="request_id")
    get_profile(session, row.profile_id, principal)
    if not 5 <= minutes <= 7 * 24 * 60:
        raise InvalidInputError("a temporary allow lasts from 5 minutes to 7 days", field="minutes")
    now = clock.now()
    row.status, row.decided_at = ("granted" if grant else "denied"), now
    row.expires_at = now + timedelta(minutes=minutes) if grant else None
    audit.record(session, principal.actor, f"filtering.request.{row.status}", "filter_access_request", row.id,
                 {"profile": row.profile_id, "domain": row.domain, "minutes": minutes if grant else 0}, clock)
    return row


def active_grants(session: Session, now: datetime) -> dict[int, dict[str, float]]:
    grants: dict[int, dict[str, float]] = {}
    for row in session.scalars(select(AccessRequest).where(AccessRequest.status == "granted",
                                                           AccessRequest.expires_at > now)):
        grants.setdefault(row.profile_id, {})[row.domain] = row.expires_at.timestamp()  # type: ignore[union-attr]
    return grants


def purge(session: Session, now: datetime, *, request_days: int = 30, count_days: int = 90) -> None:
    """Children's data expires: old block-page requests and old daily counts are deleted."""
    session.execute(delete(AccessRequest).where(AccessRequest.created_at < now - timedelta(days=request_days)))
    session.execute(delete(QueryCount).where(QueryCount.day < (now - timedelta(days=count_days)).date()))


def add_counts(session: Session, counts: dict[tuple[int, str, str], int]) -> None:
    for (profile_id, label, day), n in counts.items():
        from datetime import date  # noqa: PLC0415

        when = date.fromisoformat(day)
        row = session.scalar(select(QueryCount).where(QueryCount.profile_id == profile_id, QueryCount.label == label,
                                                      QueryCount.day == when))
        if row is None:
            session.add(QueryCount(profile_id=profile_id, label=label, day=when, count=n))
        else:
            row.count += n


# ---- what the resolver runs with -----------------------------------------------------------------------------

BUILTIN_DEFAULT = Profile(0, "default")  # the 9-12 (under 13) preset, used until an administrator sets one


@dataclass
class Runtime:
    profiles: dict[int, Profile]
    assignment: Assignment
    lists: ListSet
    grants: dict[int, dict[str, float]]


def to_policy(row: FilterProfile, default_blocked: set[str]) -> Profile:
    blocked = (set(PRESETS[row.preset]) | default_blocked | set(row.extra_categories)) - set(row.unblocked_categories)
    return Profile(
        id=row.id, name=row.name, timezone=row.timezone, preset=row.preset, blocked_categories=frozenset(blocked),
        allow=frozenset(row.allow), block=frozenset(row.block),
        schedules=tuple(parse_schedule(s, i) for i, s in enumerate(row.schedules)),
        budgets=tuple(parse_budget(b, i) for i, b in enumerate(row.budgets)),
        safe_search=SafeSearchSettings(row.safe_search, row.youtube, row.block_unforceable),
        block_mode=row.block_mode, bypass_protection=row.bypass_protection)


def runtime_version(session: Session) -> tuple[object, ...]:
    """Changes whenever anything the resolver runs with changes: profiles, devices, grants, lists."""
    from sqlalchemy import func  # noqa: PLC0415

    queries = (select(func.count(), func.max(FilterProfile.updated_at)),
               select(func.count(), func.max(Device.id)),
               select(func.count(), func.max(AccessRequest.decided_at)).where(AccessRequest.status == "granted"),
               select(func.count(), func.max(FilterList.imported_at)))
    return tuple(value for query in queries for value in session.execute(query).one())


def publish(session: Session, data_dir: Path, clock: Clock | None = None) -> Path:
    """Write the snapshot DNS workers run with (see snapshot.py) from the current state; returns its path."""
    from childsafe.filtering import snapshot  # noqa: PLC0415

    runtime = load_runtime(session, data_dir, clock)
    lists = [(liststore.index_path(data_dir, row.name), row.categories) for row in list_lists(session)]
    path = snapshot.path_for(data_dir)
    snapshot.write(path, runtime.profiles, runtime.assignment, lists, runtime.grants)
    for index, _ in runtime.lists.indexes:
        index.close()
    return path


def ingest_counts(session: Session, data_dir: Path, now: datetime) -> int:
    """Fold the per-category counts DNS workers wrote into the database, then expire old data."""
    import json  # noqa: PLC0415

    total = 0
    for path in sorted((data_dir / "filtering").glob("counts-*.json")):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
            counts = {(int(p), str(label), str(day)): int(n) for p, label, day, n in entries}
        except (OSError, ValueError, TypeError):
            continue
        add_counts(session, counts)
        total += sum(counts.values())
        path.unlink(missing_ok=True)
    purge(session, now)
    return total


def load_runtime(session: Session, data_dir: Path, clock: Clock | None = None) -> Runtime:
    lists = list_lists(session)
    default_blocked = {c for row in lists if row.block_by_default for c, u in row.categories.items() if u == "black"}
    listset = ListSet([(liststore.open_index(data_dir, row.name), row.categories) for row in lists
                       if liststore.index_path(data_dir, row.name).exists()])
    rows = list(session.scalars(select(FilterProfile)))
    default = next((r for r in rows if r.is_default), None)
    builtin = Profile(0, "default", blocked_categories=frozenset(set(PRESETS[DEFAULT_PRESET]) | default_blocked))
    profiles = {0: builtin} | {r.id: to_policy(r, default_blocked) for r in rows}
    assignment = Assignment(default.id if default else 0)
    for row in rows:
        for device in row.devices:
            assignment.by_token[device.doh_token] = row.id
            if device.network:
                network = ipaddress.ip_network(device.network)
                if network.num_addresses == 1:
                    assignment.by_address[str(network.network_address)] = row.id
                else:
                    assignment.by_network.append((network, row.id))
    now = (clock or SystemClock()).now()
    return Runtime(profiles, assignment, listset, active_grants(session, now))


def categories_for(session: Session, data_dir: Path, domain: str) -> dict[str, str]:
    """Which list categories name this domain (or a parent), for other features' checks (reports' intake)."""
    try:
        name = normalise(domain)
    except DomainError:
        return {}
    found: dict[str, str] = {}
    for row in list_lists(session):
        path = liststore.index_path(data_dir, row.name)
        if path.exists():
            index = liststore.open_index(data_dir, row.name)
            for category in index.match(name):
                found[category] = row.categories.get(category, "black")
            index.close()
    return found
