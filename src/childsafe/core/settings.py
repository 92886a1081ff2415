"""Settings read from CHILDSAFE_* environment variables."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
RTL_LANGUAGES = frozenset({"ar"})


def default_data_dir() -> Path:
    """The per-user data directory (XDG on Linux), used when CHILDSAFE_DATA_DIR is unset."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "childsafe"


class Settings(BaseSettings):
    """Every knob an operator can turn; documented in docs/operations.md (a test keeps them in step)."""

    model_config = SettingsConfigDict(env_prefix="CHILDSAFE_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    secret_key: str | None = None
    cookie_secure: bool = True
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=900, ge=10)
    api_rate_per_minute: int = Field(default=600, ge=1)
    default_language: str = "en"
    site_hosts: str = ""
    dns_upstreams: str = "9.9.9.9"
    webhook_interval: float = Field(default=5.0, ge=0)
    pdq_index: Literal["multi-index", "compact"] = "multi-index"
    report_retention_days: int = Field(default=90, ge=1, le=3650)
    report_quarantine: bool = False
    report_quarantine_days: int = Field(default=30, ge=1, le=365)
    conversations_semantic: bool = False
    conversations_layers: str = "lexicon,detectors,classifier"
    conversations_lexicon_dir: str = ""
    conversations_model_dir: str = ""
    conversations_policy: str = ""
    conversation_state_days: int = Field(default=30, ge=1, le=365)
    analyst_break_minutes: int = Field(default=50, ge=10, le=480)
    analyst_break_reveals: int = Field(default=20, ge=1, le=1000)
    stats_country: str = ""
    stats_min_cell: int = Field(default=10, ge=3, le=100)
    stats_epsilon_budget: float = Field(default=1.0, gt=0, le=10)
    stats_microdata_days: int = Field(default=365, ge=1, le=3650)
    stats_max_upload_mb: int = Field(default=200, ge=1, le=2000)
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "childsafe@localhost"
    load_bundled_data: bool = True

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"default_language must be one of {', '.join(LANGUAGES)}")
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'childsafe.sqlite3'}"

    def effective_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data directory (mode 0600)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
