"""Helpline imports are one transaction; every change is audited with what changed."""

import copy

import pytest

from childsafe.core import audit
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.clock import FixedClock
from childsafe.core.errors import InvalidInputError
from childsafe.db.engine import Database
from childsafe.helplines import service
from childsafe.helplines.formats import HelplineFormat


def test_bundled_data_loaded_once(database: Database) -> None:
    with database.unit_of_work() as session:
        before = service.count(session)
        assert before > 100
        assert service.load_bundled_if_empty(session, actor=CLI_ACTOR) is None
        assert service.count(session) == before


def test_failed_import_changes_nothing(database: Database, clock: FixedClock) -> None:
    good = HelplineFormat.examples()[0]
    bad = copy.deepcopy(good)
    bad.update(id="de-broken", hours="sometimes")
    with database.unit_of_work() as session:
        before = service.count(session)
        entries = len(audit.recent(session, 1000))
    with pytest.raises(InvalidInputError) as caught, database.unit_of_work() as session:
        service.import_records(session, [good, bad], actor=CLI_ACTOR, clock=clock)
    assert "de-broken" in caught.value.message and caught.value.field == "hours"
    with database.unit_of_work() as session:
        assert service.count(session) == before
        assert not service.exists(session, "de-example-line")
        assert len(audit.recent(session, 1000)) == entries


def test_import_reports_and_replace_removes(database: Database, clock: FixedClock) -> None:
    good = HelplineFormat.examples()[0]
    with database.unit_of_work() as session:
        summary = service.import_records(session, [good], actor=CLI_ACTOR, clock=clock)
        assert (summary.created, summary.updated) == (1, 0)
        again = service.import_records(session, [good], actor=CLI_ACTOR, clock=clock)
        assert again.unchanged == 1
        replaced = service.import_records(session, [good], actor=CLI_ACTOR, replace=True, clock=clock)
        assert replaced.removed > 100 and service.count(session) == 1


def test_save_audits_changed_fields(database: Database, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        raw = service.get_helpline(session, "ke-childline-116").as_dict()
        raw["name"] = "Renamed"
        service.save_helpline(session, raw, actor=CLI_ACTOR, clock=clock)
        entry = audit.recent(session, 1)[0]
        assert entry.action == "helplines.update"
        assert entry.details["changed"] == ["name"]
        assert entry.details["before"]["name"] != "Renamed"
        service.delete_helpline(session, "ke-childline-116", actor=CLI_ACTOR, clock=clock)
        assert audit.recent(session, 1)[0].details["before"]["id"] == "ke-childline-116"
