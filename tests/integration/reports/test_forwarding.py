"""Forwarding a case sends it to the destination's channels: signed webhook and email, with retries."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from childsafe.accounts import service as accounts
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.clock import FixedClock
from childsafe.core.errors import InvalidInputError
from childsafe.db.engine import Database
from childsafe.hashmatch import service as hashmatch
from childsafe.reports import forwarding, service
from childsafe.reports.models import ReportDelivery


def analyst(session):  # noqa: ANN001, ANN201
    user = accounts.create_user(session, username="ana", password="a long enough password", roles=["analyst"],
                                actor=CLI_ACTOR)
    return accounts._principal(user, "session")  # noqa: SLF001


def test_forwarded_cases_reach_every_channel(database: Database, clock: FixedClock, tmp_path: Path) -> None:
    posted: list[httpx.Request] = []
    answers = iter([500, 200])
    mails: list[tuple[str, str, str]] = []
    client = httpx.Client(transport=httpx.MockTransport(
        lambda request: posted.append(request) or httpx.Response(next(answers))))
    with database.unit_of_work() as session:
        _, secret = forwarding.add_channel(session, destination="law_enforcement", kind="webhook",
                                           target="https://police.example/intake", actor=CLI_ACTOR, clock=clock)
        forwarding.add_channel(session, destination="law_enforcement", kind="email", target="cyber@police.example",
                               actor=CLI_ACTOR, clock=clock)
        forwarding.add_channel(session, destination="hosting_platform", kind="email", target="abuse@host.example",
                               actor=CLI_ACTOR, clock=clock)
        with pytest.raises(InvalidInputError):
            forwarding.add_channel(session, destination="law_enforcement", kind="email", target="x\r\nBcc: y",
                                   actor=CLI_ACTOR)
        principal = analyst(session)
        report = service.submit(session, data_dir=tmp_path, url="bad.example/a", description="d",
                                contact="me@example.org", clock=clock)
        service.claim(session, report.id, principal=principal, clock=clock)
        service.assess(session, report.id, classification="baseline", hosting_country="NL", principal=principal,
                       clock=clock)
        service.forward(session, report.id, destination="law_enforcement", principal=principal, clock=clock)
    with database.unit_of_work() as session:
        assert forwarding.deliver_pending(session, client=client, send_email=lambda *m: mails.append(m),
                                          now=clock.now()) == (1, 1)
        clock.advance(seconds=31)
        assert forwarding.deliver_pending(session, client=client, send_email=lambda *m: mails.append(m),
                                          now=clock.now()) == (1, 0)
        assert {d.status for d in session.query(ReportDelivery)} == {"delivered"}
    body = posted[-1].content
    stamp = posted[-1].headers["x-childsafe-timestamp"]
    assert posted[-1].headers["x-childsafe-signature"] == "sha256=" + hashmatch.signature(secret, body, stamp)
    case = json.loads(body)["case"]
    assert case["classification"] == "baseline" and case["hosting_country"] == "NL"
    assert "me@example.org" not in body.decode() and "me@example.org" not in mails[0][2]  # never forwarded
    assert mails[0][0] == "cyber@police.example" and case["reference"] in mails[0][1]


def test_email_without_a_mail_server_waits_and_retries(database: Database, clock: FixedClock, tmp_path: Path) -> None:
    with database.unit_of_work() as session:
        forwarding.add_channel(session, destination="hosting_platform", kind="email", target="abuse@host.example",
                               actor=CLI_ACTOR, clock=clock)
        principal = analyst(session)
        report = service.submit(session, data_dir=tmp_path, description="d", clock=clock)
        service.claim(session, report.id, principal=principal, clock=clock)
        service.assess(session, report.id, classification="cyberbullying", principal=principal, clock=clock)
        service.forward(session, report.id, destination="hosting_platform", principal=principal, clock=clock)
        assert forwarding.deliver_pending(session, client=httpx.Client(), send_email=None, now=clock.now()) == (0, 1)
        delivery = session.query(ReportDelivery).one()
        assert delivery.status == "pending" and "SMTP_HOST" in delivery.last_error


def test_reply_addresses_expire(database: Database, clock: FixedClock, tmp_path: Path, settings) -> None:  # noqa: ANN001
    from childsafe.app import create_app
    from childsafe.reports import jobs
    from childsafe.reports.models import Report

    with database.unit_of_work() as session:
        service.submit(session, data_dir=tmp_path, description="old", contact="a@example.org", clock=clock)
    app = create_app(settings.model_copy(update={"report_retention_days": 30}), database=database, clock=clock)
    assert jobs.expire_personal_data(app) == 0
    clock.advance(days=31)
    assert jobs.expire_personal_data(app) == 1
    with database.unit_of_work() as session:
        report = session.query(Report).one()
        assert report.contact is None and report.description == "old"
