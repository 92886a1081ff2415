"""Roles and the permissions they grant; API token scopes are permissions too."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    ANALYST = "analyst"
    COUNSELLOR = "counsellor"
    STATISTICIAN = "statistician"
    GUARDIAN = "guardian"
    LEARNER = "learner"
    POLICY = "policy"  # a ministry or regulator's team member (self-assessment, best-practice submissions)
    SECRETARIAT = "secretariat"  # the working group's secretariat and regional offices


class Permission(StrEnum):
    ACCOUNTS_ADMIN = "accounts:admin"
    AUDIT_READ = "audit:read"
    HELPLINES_WRITE = "helplines:write"
    REPORTS_TRIAGE = "reports:triage"
    CONTACTS_WRITE = "contacts:write"
    STATS_WRITE = "stats:write"
    FILTERING_MANAGE = "filtering:manage"
    CONTENT_EDIT = "content:edit"
    HASHMATCH_MATCH = "hashmatch:match"
    HASHMATCH_MANAGE = "hashmatch:manage"
    CONVERSATIONS_SCORE = "conversations:score"
    STRATEGY_ASSESS = "strategy:assess"
    PRACTICES_SUBMIT = "practices:submit"
    PRACTICES_REVIEW = "practices:review"
    CONSULTATIONS_MANAGE = "consultations:manage"
    DOCUMENTS_MANAGE = "documents:manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.EDITOR: frozenset({Permission.HELPLINES_WRITE, Permission.CONTENT_EDIT}),
    Role.ANALYST: frozenset({Permission.REPORTS_TRIAGE, Permission.HASHMATCH_MATCH, Permission.HASHMATCH_MANAGE,
                             Permission.CONVERSATIONS_SCORE}),
    Role.COUNSELLOR: frozenset({Permission.CONTACTS_WRITE}),
    Role.STATISTICIAN: frozenset({Permission.STATS_WRITE}),
    Role.GUARDIAN: frozenset({Permission.FILTERING_MANAGE, Permission.CONVERSATIONS_SCORE}),
    Role.LEARNER: frozenset(),  # signed up to keep course progress and certificates; no other powers
    Role.POLICY: frozenset({Permission.STRATEGY_ASSESS, Permission.PRACTICES_SUBMIT}),
    Role.SECRETARIAT: frozenset({Permission.DOCUMENTS_MANAGE, Permission.CONSULTATIONS_MANAGE,
                                 Permission.PRACTICES_REVIEW, Permission.PRACTICES_SUBMIT}),
}


def permissions_for(roles: Iterable[Role | str]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(granted)


def parse_roles(values: Iterable[str]) -> list[Role]:
    """Validate role names, raising ValueError naming the first unknown one."""
    roles = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            roles.append(Role(value))
        except ValueError:
            raise ValueError(f"unknown role {value!r}; roles are {', '.join(r.value for r in Role)}") from None
    return sorted(set(roles))


def parse_scopes(values: Iterable[str]) -> list[Permission]:
    scopes = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            scopes.append(Permission(value))
        except ValueError:
            raise ValueError(f"unknown scope {value!r}; scopes are {', '.join(p.value for p in Permission)}") from None
    return sorted(set(scopes))
