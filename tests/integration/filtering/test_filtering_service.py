"""Lists, profiles, devices and block-page requests through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from childsafe.accounts import service as accounts
from childsafe.accounts.service import Principal
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.clock import FixedClock
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from childsafe.db.engine import Database
from childsafe.filtering import liststore, service
from childsafe.filtering.models import FilterList
from childsafe.filtering.policy import decide

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PASSWORD = "a perfectly long passphrase"


def guardian(session, name: str = "gwen") -> Principal:  # noqa: ANN001
    user = accounts.create_user(session, username=name, password=PASSWORD, roles=["guardian"], actor=CLI_ACTOR)
    return accounts._principal(user, "session")  # noqa: SLF001


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def import_fixtures(session, data_dir: Path, clock: FixedClock) -> None:  # noqa: ANN001
    service.import_list(session, data_dir=data_dir, fmt="ut1", source=str(FIXTURES / "ut1"), name="ut1",
                        licence="CC BY-SA 4.0", actor=CLI_ACTOR, clock=clock)
    hosts = data_dir.parent / "hosts.txt"
    hosts.write_text("0.0.0.0 tracker.example\n")
    service.import_list(session, data_dir=data_dir, fmt="hosts", source=str(hosts), name="trackers",
                        actor=CLI_ACTOR, clock=clock)


def test_import_records_source_and_licence(database: Database, data_dir: Path, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        import_fixtures(session, data_dir, clock)
        rows = {r.name: r for r in service.list_lists(session)}
    assert rows["ut1"].licence == "CC BY-SA 4.0" and rows["ut1"].entries == 7 and rows["ut1"].skipped == 1
    assert rows["ut1"].categories["educational_games"] == "white" and not rows["ut1"].block_by_default
    assert rows["trackers"].block_by_default
    assert liststore.open_index(data_dir, "ut1").match("www.casino.example") == {"gambling"}


def test_bad_list_changes_nothing_and_names_the_line(database: Database, data_dir: Path, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        import_fixtures(session, data_dir, clock)
    before = liststore.index_path(data_dir, "trackers").read_bytes()
    bad = data_dir.parent / "hosts.txt"
    bad.write_text("0.0.0.0 fine.example\n0.0.0.0 not_valid..example\n")
    with pytest.raises(InvalidInputError, match="line 2"), database.unit_of_work() as session:
        service.import_list(session, data_dir=data_dir, fmt="hosts", source=str(bad), name="trackers",
                            actor=CLI_ACTOR, clock=clock)
    assert liststore.index_path(data_dir, "trackers").read_bytes() == before
    with database.unit_of_work() as session:
        assert session.query(FilterList).filter_by(name="trackers").one().entries == 1


def test_update_rebuilds_only_changed_lists(database: Database, data_dir: Path, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        import_fixtures(session, data_dir, clock)
        assert dict(service.update_lists(session, data_dir=data_dir, actor=CLI_ACTOR)) == {
            "trackers": "unchanged", "ut1": "unchanged"}
        (data_dir.parent / "hosts.txt").write_text("0.0.0.0 tracker.example\n0.0.0.0 more.example\n")
        assert dict(service.update_lists(session, data_dir=data_dir, actor=CLI_ACTOR))["trackers"] == "updated"
        assert service.list_lists(session)[0].entries == 2


def test_profiles_are_validated_and_private(database: Database, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        gwen, other = guardian(session), guardian(session, "omar")
        profile = service.save_profile(session, {"name": "Mia's tablet", "timezone": "Europe/Berlin",
                                                 "preset": "under_9", "allow": ["School.Example."],
                                                 "schedules": [{"name": "bedtime", "days": "Mo-Su",
                                                                "start": "20:00", "end": "07:00"}]},
                                       principal=gwen, clock=clock)
        assert profile.allow == ["school.example"]
        for raw, field in (({"name": "x", "preset": "toddler"}, "preset"),
                           ({"name": "x", "timezone": "Mars/Base"}, "timezone"),
                           ({"name": "x", "allow": ["bad..name"]}, "allow[0]"),
                           ({"name": "x", "schedules": [{"name": "b", "days": "Mo", "start": "9", "end": "10:00"}]},
                            "schedules[0].start"),
                           ({"name": "x", "colour": "red"}, "colour")):
            with pytest.raises(InvalidInputError) as caught:
                service.save_profile(session, raw, principal=gwen, clock=clock)
            assert caught.value.field == field
        with pytest.raises(NotFoundError):
            service.get_profile(session, profile.id, other)
        with pytest.raises(PermissionDeniedError):
            service.save_profile(session, {"name": "x", "is_default": True}, principal=gwen, clock=clock)
        device = service.add_device(session, profile.id, name="tablet", network="192.168.1.23", principal=gwen,
                                    clock=clock)
        assert device.network == "192.168.1.23/32" and len(device.doh_token) >= 20
        with pytest.raises(ConflictError):
            service.add_device(session, profile.id, name="again", network="192.168.1.23", principal=gwen)
        with pytest.raises(InvalidInputError):
            service.add_device(session, profile.id, name="bad", network="192.168.1.300", principal=gwen)


def test_runtime_applies_profiles_devices_and_grants(database: Database, data_dir: Path, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        import_fixtures(session, data_dir, clock)
        gwen = guardian(session)
        profile = service.save_profile(session, {"name": "tablet", "timezone": "Europe/Berlin", "preset": "13_15"},
                                       principal=gwen, clock=clock)
        service.add_device(session, profile.id, name="tablet", network="10.0.0.0/24", principal=gwen, clock=clock)
        request = service.request_access(session, profile_id=profile.id, domain="games.example", reason="budget",
                                         clock=clock)
        assert service.request_access(session, profile_id=profile.id, domain="GAMES.example", reason="budget",
                                      clock=clock).id == request.id
        service.decide_request(session, request.id, grant=True, minutes=30, principal=gwen, clock=clock)
        runtime = service.load_runtime(session, data_dir, clock)
    assert runtime.assignment.profile_for("10.0.0.7") == profile.id
    assert runtime.assignment.profile_for("10.0.1.7") == 0  # unassigned: the built-in under-13 default
    child = runtime.profiles[profile.id]
    local = datetime(2026, 11, 24, 16, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert decide(child, "casino.example", runtime.lists.categories("casino.example"), local).reason == "category"
    assert decide(child, "tracker.example", runtime.lists.categories("tracker.example"), local).detail == "trackers"
    assert decide(child, "maths-games.example", runtime.lists.categories("maths-games.example"), local).reason == "white"
    assert "games.example" in runtime.grants[profile.id]
    default = runtime.profiles[0]
    assert "social_networks" in default.blocked_categories  # the under-13 preset


def test_import_from_an_http_url(database: Database, data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    import functools
    import threading
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "hosts.txt").write_text("0.0.0.0 served.example\n")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "www"))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hosts.txt"
        with database.unit_of_work() as session:
            row = service.import_list(session, data_dir=data_dir, fmt="hosts", source=url, name="remote",
                                      actor=CLI_ACTOR, clock=clock)
            assert row.entries == 1 and row.source == url
            with pytest.raises(InvalidInputError, match="larger than"):
                service.import_list(session, data_dir=data_dir, fmt="hosts", source=url, name="tiny",
                                    actor=CLI_ACTOR, clock=clock, max_bytes=5)
            with pytest.raises(InvalidInputError, match="cannot download"):
                service.import_list(session, data_dir=data_dir, fmt="hosts", source=url + ".missing",
                                    name="gone", actor=CLI_ACTOR, clock=clock)
    finally:
        server.shutdown()
    assert liststore.open_index(data_dir, "remote").match("www.served.example") == {"remote"}
