"""Best practices from Member States and Sector Members, and quarterly reports from regional offices: submitted
through a form, reviewed by the secretariat, then listed in a public catalogue filterable by region and topic."""

from __future__ import annotations

import re

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError
from childsafe.core.i18n import N_
from childsafe.core.settings import LANGUAGES
from childsafe.participation.models import Submission
from childsafe.strategy import service as strategy

KINDS = {"best_practice": N_("Best practice"), "quarterly_report": N_("Quarterly report")}
PERIOD = re.compile(r"^20\d\d-Q[1-4]$")


def topics() -> list[str]:
    """The topics are the areas of the national capability framework, so practices line up with the roadmap."""
    return strategy.area_ids()


def submit(session: Session, values: dict[str, str], *, actor: Actor, clock: Clock | None = None) -> Submission:
    clock = clock or SystemClock()
    kind = values.get("kind", "")
    if kind not in KINDS:
        raise InvalidInputError(f"kind is one of {', '.join(KINDS)}", field="kind")
    title = " ".join(values.get("title", "").split())
    if not 3 <= len(title) <= 200:
        raise InvalidInputError("the title is 3 to 200 characters", field="title")
    region = values.get("region", "")
    if region not in strategy.region_ids():
        raise InvalidInputError(f"region is one of {', '.join(strategy.region_ids())}", field="region")
    topic = values.get("topic", "")
    if topic not in topics():
        raise InvalidInputError(f"topic is one of {', '.join(topics())}", field="topic")
    country = (values.get("country") or "").strip().upper() or None
    if country is not None and (len(country) != 2 or pycountry.countries.get(alpha_2=country) is None):
        raise InvalidInputError("country is an ISO code such as KE, or empty", field="country")
    period = values.get("period", "").strip()
    if kind == "quarterly_report" and not PERIOD.match(period):
        raise InvalidInputError("a quarterly report names its quarter, e.g. 2026-Q3", field="period")
    organisation = " ".join(values.get("organisation", "").split())
    summary = " ".join(values.get("summary", "").split())
    body = values.get("body", "").strip()
    if not 2 <= len(organisation) <= 200:
        raise InvalidInputError("name the organisation", field="organisation")
    if not 10 <= len(summary) <= 500:
        raise InvalidInputError("the summary is 10 to 500 characters", field="summary")
    if not 20 <= len(body) <= 20_000:
        raise InvalidInputError("the description is 20 to 20,000 characters", field="body")
    lang = values.get("lang") if values.get("lang") in LANGUAGES else "en"
    row = Submission(kind=kind, title=title, lang=lang, region=region, topic=topic, country=country,
                     organisation=organisation, period=period if kind == "quarterly_report" else "", summary=summary,
                     body=body, status="submitted", submitted_by=actor.ident, submitted_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "practices.submit", "submission", row.id, {"kind": kind}, clock)
    return row


def review(session: Session, submission_id: int, *, decision: str, note: str = "", actor: Actor,
           clock: Clock | None = None) -> Submission:
    row = get(session, submission_id)
    if decision not in ("approved", "rejected"):
        raise InvalidInputError("decision is approved or rejected", field="decision")
    if row.status != "submitted":
        raise ConflictError(f"this submission is already {row.status}", field="status")
    if row.submitted_by == actor.ident:
        raise ConflictError("someone else reviews what you submitted", field="decision")
    row.status, row.reviewed_by, row.review_note = decision, actor.ident, note.strip()[:2000]
    audit.record(session, actor, "practices.review", "submission", row.id, {"decision": decision}, clock)
    return row


def get(session: Session, submission_id: int) -> Submission:
    row = session.get(Submission, submission_id)
    if row is None:
        raise NotFoundError(f"no submission {submission_id}")
    return row


def catalogue(session: Session, *, kind: str = "best_practice", region: str = "", topic: str = "") -> list[Submission]:
    query = select(Submission).where(Submission.status == "approved", Submission.kind == kind).order_by(
        Submission.submitted_at.desc())
    if region:
        query = query.where(Submission.region == region)
    if topic:
        query = query.where(Submission.topic == topic)
    return list(session.scalars(query))


def queue(session: Session) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.status == "submitted")
                                .order_by(Submission.submitted_at)))
