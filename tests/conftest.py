"""Shared fixtures: each database test runs on SQLite and on PostgreSQL, from a migrated template copied per test."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from childsafe.accounts import service as accounts
from childsafe.app import create_app, prepare_database
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.clock import FixedClock
from childsafe.core.settings import Settings
from childsafe.db.engine import Database

PG_URL = os.environ.get("CHILDSAFE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"]
PASSWORD = "correct horse battery staple"
# A Tuesday, 10:00 UTC (11:00 in Berlin, 13:00 in Nairobi).
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _pg_admin_url() -> str:
    assert PG_URL
    return str(make_url(PG_URL).set(drivername="postgresql+psycopg"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = Database(f"sqlite:///{path}")
    prepare_database(database, Settings(database_url=database.url, data_dir=path.parent))
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CHILDSAFE_TEST_POSTGRES_URL is not set in CI: run the tests through scripts/test")
        pytest.skip("PostgreSQL not available (set CHILDSAFE_TEST_POSTGRES_URL or use scripts/test)")
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"cs_template_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = str(make_url(_pg_admin_url()).set(database=name))
    database = Database(url)
    prepare_database(database, Settings(database_url=url))
    database.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database holding the bundled data, on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "childsafe.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    template = request.getfixturevalue("postgres_template")
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"cs_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield str(make_url(_pg_admin_url()).set(database=name))
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, secret_key="test-secret-key-0123456789",
                    cookie_secure=True, webhook_interval=0)


@pytest.fixture
def app(settings: Settings, database: Database, clock: FixedClock):  # noqa: ANN201
    return create_app(settings, database=database, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def make_user(database: Database, username: str, roles: list[str]) -> None:
    with database.unit_of_work() as session:
        accounts.create_user(session, username=username, password=PASSWORD, roles=roles, actor=CLI_ACTOR)


CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_from(page.text), "next": "/account"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


@pytest.fixture
def editor_client(client: TestClient, database: Database) -> TestClient:
    make_user(database, "eddie", ["editor"])
    login(client, "eddie")
    return client


@pytest.fixture
def admin_client(client: TestClient, database: Database) -> TestClient:
    make_user(database, "ada", ["admin"])
    login(client, "ada")
    return client


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """CHILDSAFE_* pointing the command line at this test's data directory and database."""
    from childsafe.core.settings import get_settings  # noqa: PLC0415

    monkeypatch.setenv("CHILDSAFE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CHILDSAFE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def token_for(client: TestClient, database, roles: list[str], scopes: list[str],
              username: str = "tsa") -> dict[str, str]:  # noqa: ANN001
    """A bearer header for a new user's API token with these scopes (the cookie is dropped afterwards)."""
    make_user(database, username, roles)
    login(client, username)
    csrf = csrf_from(client.get("/account").text)
    token = client.post("/api/v1/accounts/tokens", json={"name": "platform", "scopes": scopes},
                        headers={"X-CSRF-Token": csrf}).json()["token"]
    client.cookies.clear()
    return {"Authorization": f"Bearer {token}"}
