"""Self-assessment use cases: a country team creates an assessment, answers with evidence, comments, finalises,
and may publish its area scores for regional comparison. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.accounts import service as accounts
from childsafe.accounts.roles import Permission, permissions_for
from childsafe.accounts.service import Principal
from childsafe.core import audit
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.i18n import N_
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from childsafe.strategy import scoring
from childsafe.strategy.framework import LEVELS, Framework, load
from childsafe.strategy.models import Answer, Assessment, Comment, Member

PARTS = ("coordinator", "contributor", "reviewer")
PART_NAMES = {"coordinator": N_("coordinator"), "contributor": N_("contributor"), "reviewer": N_("reviewer")}
STATUS_NAMES = {"draft": N_("draft"), "final": N_("final"), "published": N_("published")}
MAX_EVIDENCE = 4000


def _country(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInputError("country must be an ISO 3166-1 alpha-2 code such as KE", field="country")
    return code


def create(session: Session, *, country: str, title: str, principal: Principal, clock: Clock | None = None,
           framework: Framework | None = None) -> Assessment:
    clock, framework = clock or SystemClock(), framework or load()
    principal.require(Permission.STRATEGY_ASSESS)
    title = " ".join((title or "").split())
    if not 1 <= len(title) <= 200:
        raise InvalidInputError("give the assessment a title (at most 200 characters)", field="title")
    assessment = Assessment(country=_country(country), title=title, framework_version=framework.version,
                            status="draft", created_by=principal.actor.ident, created_at=clock.now())
    session.add(assessment)
    session.flush()
    session.add(Member(assessment_id=assessment.id, user_id=principal.user_id, part="coordinator"))
    audit.record(session, principal.actor, "strategy.create", "strategy_assessment", assessment.id,
                 {"country": assessment.country}, clock)
    return assessment


def get(session: Session, assessment_id: int) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFoundError(f"no assessment {assessment_id}")
    return assessment


def part_of(session: Session, assessment_id: int, principal: Principal) -> str | None:
    return session.scalar(select(Member.part).where(Member.assessment_id == assessment_id,
                                                    Member.user_id == principal.user_id))


def _require_part(session: Session, assessment: Assessment, principal: Principal, parts: tuple[str, ...]) -> None:
    part = part_of(session, assessment.id, principal)
    if part not in parts and "admin" not in principal.roles:
        raise PermissionDeniedError("this needs a " + " or ".join(parts) + " of the country team")


def mine(session: Session, principal: Principal) -> list[tuple[Assessment, str]]:
    rows = session.execute(select(Assessment, Member.part).join(Member, Member.assessment_id == Assessment.id)
                           .where(Member.user_id == principal.user_id).order_by(Assessment.created_at.desc()))
    return [(a, p) for a, p in rows]


def members(session: Session, assessment_id: int) -> list[tuple[str, str]]:
    from childsafe.accounts.models import User  # noqa: PLC0415  (names only, for the team list)

    rows = session.execute(select(User.username, Member.part).join(Member, Member.user_id == User.id)
                           .where(Member.assessment_id == assessment_id).order_by(User.username))
    return [(u, p) for u, p in rows]


def add_member(session: Session, assessment_id: int, *, username: str, part: str, principal: Principal,
               clock: Clock | None = None) -> None:
    assessment = get(session, assessment_id)
    _require_part(session, assessment, principal, ("coordinator",))
    if part not in PARTS:
        raise InvalidInputError(f"part is one of {', '.join(PARTS)}", field="part")
    user = accounts.get_user(session, username)
    if Permission.STRATEGY_ASSESS not in permissions_for(user.roles):
        raise InvalidInputError(f"{user.username} does not have the policy role", field="username")
    existing = session.scalar(select(Member).where(Member.assessment_id == assessment.id,
                                                   Member.user_id == user.id))
    if existing is not None:
        existing.part = part
    else:
        session.add(Member(assessment_id=assessment.id, user_id=user.id, part=part))
    audit.record(session, principal.actor, "strategy.member", "strategy_assessment", assessment.id,
                 {"user": user.username, "part": part}, clock)


def answers(session: Session, assessment_id: int) -> dict[str, Answer]:
    return {a.capability: a for a in session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))}


def save_answer(session: Session, assessment_id: int, *, capability: str, level: Any, evidence: str = "",
                evidence_url: str = "", principal: Principal, clock: Clock | None = None,
                framework: Framework | None = None) -> Answer:
    clock, framework = clock or SystemClock(), framework or load()
    assessment = get(session, assessment_id)
    _require_part(session, assessment, principal, ("coordinator", "contributor"))
    if assessment.status != "draft":
        raise ConflictError("the assessment is final; the coordinator can reopen it", field="status")
    if framework.capability(capability) is None:
        raise InvalidInputError(f"no capability {capability!r}", field="capability")
    if level in ("", None):
        chosen = None
    else:
        try:
            chosen = int(level)
        except (TypeError, ValueError):
            chosen = -1
        if not 0 <= chosen < LEVELS:
            raise InvalidInputError(f"level is 0 to {LEVELS - 1}", field="level")
    evidence = (evidence or "").strip()
    if len(evidence) > MAX_EVIDENCE:
        raise InvalidInputError(f"evidence is at most {MAX_EVIDENCE} characters", field="evidence")
    evidence_url = (evidence_url or "").strip()
    if evidence_url and (urlsplit(evidence_url).scheme not in ("http", "https") or len(evidence_url) > 500):
        raise InvalidInputError("the evidence link is an http(s) address", field="evidence_url")
    row = session.scalar(select(Answer).where(Answer.assessment_id == assessment.id, Answer.capability == capability))
    if row is None:
        row = Answer(assessment_id=assessment.id, capability=capability)
        session.add(row)
    row.level, row.evidence, row.evidence_url = chosen, evidence, evidence_url
    row.updated_by, row.updated_at = principal.actor.ident, clock.now()
    session.flush()
    audit.record(session, principal.actor, "strategy.answer", "strategy_assessment", assessment.id,
                 {"capability": capability, "level": chosen}, clock)
    return row


def comment(session: Session, assessment_id: int, *, capability: str, body: str, principal: Principal,
            clock: Clock | None = None) -> Comment:
    clock = clock or SystemClock()
    assessment = get(session, assessment_id)
    _require_part(session, assessment, principal, PARTS)
    body = (body or "").strip()
    if not 1 <= len(body) <= 2000:
        raise InvalidInputError("a comment is 1 to 2,000 characters", field="body")
    row = Comment(assessment_id=assessment.id, capability=capability[:80], author=principal.actor.ident, body=body,
                  created_at=clock.now())
    session.add(row)
    session.flush()
    return row


def comments(session: Session, assessment_id: int) -> dict[str, list[Comment]]:
    found: dict[str, list[Comment]] = {}
    for row in session.scalars(select(Comment).where(Comment.assessment_id == assessment_id)
                               .order_by(Comment.created_at, Comment.id)):
        found.setdefault(row.capability, []).append(row)
    return found


@dataclass(frozen=True)
class Results:
    scores: list[scoring.AreaScore]
    overall: float | None
    roadmap: list[scoring.Action]
    answered: int
    total: int


def results(session: Session, assessment_id: int, framework: Framework | None = None) -> Results:
    framework = framework or load()
    levels = {k: a.level for k, a in answers(session, assessment_id).items()}
    scores = scoring.area_scores(framework, levels)
    return Results(scores, scoring.overall(scores), scoring.roadmap(framework, levels),
                   sum(s.answered for s in scores), sum(s.total for s in scores))


def set_status(session: Session, assessment_id: int, *, status: str, principal: Principal,
               clock: Clock | None = None, framework: Framework | None = None) -> Assessment:
    """draft -> final (locked) -> published (area scores public); final or published -> draft reopens it."""
    clock = clock or SystemClock()
    assessment = get(session, assessment_id)
    _require_part(session, assessment, principal, ("coordinator",))
    allowed = {"draft": {"final"}, "final": {"draft", "published"}, "published": {"draft"}}
    if status not in allowed[assessment.status]:
        raise ConflictError(f"an assessment that is {assessment.status} cannot become {status}", field="status")
    if status == "final":
        assessment.finalised_at = clock.now()
    if status == "published":
        found = results(session, assessment.id, framework)
        assessment.published_scores = {"overall": found.overall,
                                       "areas": {s.area: s.score for s in found.scores}}
        assessment.published_at = clock.now()
    if status == "draft":
        assessment.published_scores, assessment.published_at = None, None
    assessment.status = status
    audit.record(session, principal.actor, f"strategy.{status}", "strategy_assessment", assessment.id, {}, clock)
    return assessment


def published(session: Session, region: str | None = None, framework: Framework | None = None) -> list[Assessment]:
    """The newest published assessment per country, optionally in one region."""
    framework = framework or load()
    latest: dict[str, Assessment] = {}
    for row in session.scalars(select(Assessment).where(Assessment.status == "published")
                               .order_by(Assessment.published_at.desc())):
        latest.setdefault(row.country, row)
    rows = sorted(latest.values(), key=lambda a: a.country)
    return [a for a in rows if region is None or framework.region_of(a.country) == region]


def area_ids() -> list[str]:
    """For other features (best-practice topics): the framework's areas."""
    return [area.id for area in load().areas]


def area_name(area_id: str, lang: str) -> str:
    area = load().area(area_id)
    return area.text("name", lang) if area else area_id


def region_ids() -> list[str]:
    return list(load().regions)


def region_name(region_id: str, lang: str) -> str:
    names = load().region_names.get(region_id)
    return names.get(lang, names["en"]) if names else region_id
