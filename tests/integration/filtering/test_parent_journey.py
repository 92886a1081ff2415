"""The issue's "done when": a parent imports lists, makes a profile for a tablet, and the tablet sees the policy."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import dns.message
import dns.query
import dns.rcode

from childsafe.accounts import service as accounts
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.clock import FixedClock
from childsafe.db.engine import Database
from childsafe.filtering import service
from childsafe.filtering.engine import Engine, EngineConfig
from tests.integration.filtering.test_dns_server import Running

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TABLET = "127.0.0.3"


def test_parent_journey(database: Database, tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # 16:00 in Berlin
    data_dir = tmp_path / "data"
    with database.unit_of_work() as session:
        service.import_list(session, data_dir=data_dir, fmt="ut1", source=str(FIXTURES / "ut1"), name="ut1",
                            actor=CLI_ACTOR, clock=clock)
        user = accounts.create_user(session, username="parent", password="a long enough password",
                                    roles=["guardian"], actor=CLI_ACTOR, clock=clock)
        parent = accounts._principal(user, "session")  # noqa: SLF001
        profile = service.save_profile(session, {
            "name": "Mia's tablet", "timezone": "Europe/Berlin", "preset": "9_12", "allow": ["wikipedia.org"],
            "schedules": [{"name": "bedtime", "days": "Mo-Su", "start": "20:00", "end": "07:00"}]},
            principal=parent, clock=clock)
        service.add_device(session, profile.id, name="tablet", network=TABLET, principal=parent, clock=clock)
        runtime = service.load_runtime(session, data_dir, clock)
    engine = Engine(runtime.profiles, runtime.assignment, runtime.lists, EngineConfig(block_ipv4=bytes([192, 0, 2, 1])),
                    clock)
    running = Running(engine)
    running.thread.start()
    assert running.ready.wait(5)
    try:
        def ask(name: str) -> dns.message.Message:
            return dns.query.udp(dns.message.make_query(name, "A"), "127.0.0.1", port=running.port, source=TABLET,
                                 timeout=3)

        for blocked in ("adult-site.example", "www.casino.example"):
            assert ask(blocked).answer[0].to_text().endswith("IN A 192.0.2.1"), blocked  # the block page
        safe = "\n".join(r.to_text() for r in ask("www.google.com").answer)
        assert "forcesafesearch.google.com" in safe and "216.239.38.120" in safe
        assert ask("www.example.org").answer[0].to_text().endswith("198.51.100.11")  # an ordinary site resolves
        assert ask("maths-games.example").rcode() == dns.rcode.NXDOMAIN  # white category: passed upstream
        clock.advance(hours=5)  # 21:00 in Berlin: bedtime
        assert ask("www.example.org").answer[0].to_text().endswith("192.0.2.1")
        assert ask("wikipedia.org").answer[0].to_text().endswith("198.51.100.10")
    finally:
        running.stop()
