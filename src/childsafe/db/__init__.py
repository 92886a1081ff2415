"""Database base class, engine and unit of work, and Alembic migrations."""

from childsafe.db.base import Base
from childsafe.db.engine import Database

__all__ = ["Base", "Database"]
