"""Migrations on SQLite and PostgreSQL: they match the models, go down and up, and guard the audit log."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from childsafe.core import audit
from childsafe.core.audit import SYSTEM_ACTOR
from childsafe.db import migrate
from childsafe.db.base import Base
from childsafe.db.engine import Database


def test_schema_matches_models(database: Database) -> None:
    assert migrate.is_up_to_date(database)
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(database: Database) -> None:
    migrate.downgrade(database, "base")
    assert migrate.current_revision(database) is None
    migrate.upgrade(database)
    assert migrate.is_up_to_date(database)


def test_audit_log_is_append_only_in_the_database(database: Database) -> None:
    with database.unit_of_work() as session:
        audit.record(session, SYSTEM_ACTOR, "test.event", "thing", "1", {"a": 1})
    for statement in ("UPDATE audit_entry SET actor = 'someone else'", "DELETE FROM audit_entry"):
        with pytest.raises(DatabaseError, match="append-only"), database.engine.begin() as conn:
            conn.execute(text(statement))


def test_audit_chain_detects_tampering(database: Database) -> None:
    with database.unit_of_work() as session:
        for i in range(3):
            audit.record(session, SYSTEM_ACTOR, "test.event", "thing", str(i), {"n": i})
    with database.unit_of_work() as session:
        assert audit.verify_chain(session) is None
        target = audit.recent(session, 1, 1)[0].id
    # an attacker with database access disables the guard and edits an entry: the chain shows it
    with database.engine.begin() as conn:
        if database.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_update"))
        else:
            conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text("UPDATE audit_entry SET target_id = 'forged' WHERE id = :id"), {"id": target})
    with database.unit_of_work() as session:
        assert audit.verify_chain(session) == target
