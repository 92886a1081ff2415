"""A live server on a free loopback port and headless Debian Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from childsafe.app import create_app
from childsafe.core.settings import Settings
from childsafe.db.engine import Database
from tests.conftest import make_user

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _chromium() -> str:
    path = os.environ.get("CHILDSAFE_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: scripts/system-deps installs it")
        pytest.skip("Chromium not installed (scripts/test installs Debian's chromium)")
    return path


@pytest.fixture(scope="session")
def live_server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("live")
    shutil.copy(sqlite_template, folder / "childsafe.sqlite3")
    url = f"sqlite:///{folder / 'childsafe.sqlite3'}"
    database = Database(url)
    make_user(database, "editor1", ["editor"])
    make_user(database, "guardian1", ["guardian"])
    make_user(database, "analyst1", ["analyst"])
    make_user(database, "counsellor1", ["counsellor"])
    make_user(database, "statistician1", ["statistician"])
    make_user(database, "policy1", ["policy"])
    make_user(database, "secretariat1", ["secretariat"])
    from childsafe.core.audit import CLI_ACTOR  # noqa: PLC0415
    from childsafe.filtering import service as filtering  # noqa: PLC0415

    with database.unit_of_work() as session:
        filtering.import_list(session, data_dir=folder, fmt="ut1", name="ut1", actor=CLI_ACTOR,
                              source=str(Path(__file__).resolve().parents[1] / "fixtures" / "ut1"))
    _seed_working_group(database)
    settings = Settings(data_dir=folder, database_url=url, secret_key="browser-test-secret", cookie_secure=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, database=database), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    database.dispose()


def _seed_working_group(database: Database) -> None:
    """One of each working-group page type, so every page can be checked in every language: a published
    self-assessment, a closed consultation with answers, a document and an approved best practice."""
    from datetime import UTC, date, datetime, timedelta  # noqa: PLC0415

    from sqlalchemy import select  # noqa: PLC0415

    from childsafe.accounts.models import User  # noqa: PLC0415
    from childsafe.accounts.roles import permissions_for  # noqa: PLC0415
    from childsafe.accounts.service import Principal  # noqa: PLC0415
    from childsafe.core.audit import CLI_ACTOR, Actor  # noqa: PLC0415
    from childsafe.core.clock import FixedClock  # noqa: PLC0415
    from childsafe.participation import consultations, documents, practices  # noqa: PLC0415
    from childsafe.strategy import service as strategy  # noqa: PLC0415
    from childsafe.strategy.framework import load  # noqa: PLC0415

    with database.unit_of_work() as session:
        user_id = session.scalar(select(User.id).where(User.username == "policy1"))
        lead = Principal(user_id, "policy1", ("policy",), permissions_for(["policy"]), "session")
        assessment = strategy.create(session, country="GH", title="Ghana 2026", principal=lead)
        for n, capability in enumerate(load().capabilities()):
            strategy.save_answer(session, assessment.id, capability=capability.id, level=n % 5, principal=lead)
        strategy.set_status(session, assessment.id, status="final", principal=lead)
        strategy.set_status(session, assessment.id, status="published", principal=lead)
        then = datetime.now(UTC) - timedelta(days=10)
        past = consultations.create(session, slug="seed-2026", lang="en", title="Seeded consultation",
                                    intro="For the page checks.", questions="choice | Pick one | A; B\nopen | Why?",
                                    opens_at=then, closes_at=then + timedelta(days=1), actor=CLI_ACTOR)
        questions = consultations.questions_of(session, past.id)
        for n in range(12):
            consultations.respond(session, past, age_band="13-15", country="GH", lang="en",
                                  answers={questions[0].id: str(n % 2), questions[1].id: "Because."},
                                  clock=FixedClock(then + timedelta(hours=1)))
        document = documents.create(session, symbol="CWG-COP/1/1", kind="output", titles={"en": "Seeded report"},
                                    issued_on=date(2026, 1, 1), actor=CLI_ACTOR)
        documents.add_file(session, document.id, lang="en", filename="r.txt", data=b"seeded", actor=CLI_ACTOR)
        practice = practices.submit(session, {
            "kind": "best_practice", "title": "Seeded practice", "region": "africa", "topic": "education",
            "organisation": "A ministry", "summary": "A seeded summary for the page checks.",
            "body": "A seeded description long enough to pass."}, actor=Actor("user", "policy1"))
        practices.review(session, practice.id, decision="approved", actor=Actor("user", "secretariat1"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    playwright_sync = pytest.importorskip("playwright.sync_api")
    executable = _chromium()
    with playwright_sync.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def sign_in(browser: object, live_server: str, username: str, lang: str = "en") -> object:
    """A new page signed in as `username` through the real login form."""
    import re  # noqa: PLC0415

    from tests.browser.test_help_browser import new_page  # noqa: PLC0415

    page = new_page(browser)
    page.goto(f"{live_server}/login?lang={lang}")
    page.fill("#username", username)
    page.fill("#password", "correct horse battery staple")
    page.locator("main form button").click()
    page.wait_for_url(re.compile(r".*/account.*"))
    return page
