"""The filtering policy as the web app holds it: for DoH and the block page, reloaded when it gets stale."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from childsafe.core.clock import Clock
from childsafe.db.engine import Database
from childsafe.filtering import service
from childsafe.filtering.engine import Engine, EngineConfig
from childsafe.filtering.server import Resolver, Upstream, parse_hostport

STALE_SECONDS = 15.0


class WebFiltering:
    """Owns an Engine for the web process; `mark_stale()` after a change makes the next use reload it."""

    def __init__(self, database: Database, data_dir: Path, upstreams: str, clock: Clock) -> None:
        self.database = database
        self.data_dir = data_dir
        self.clock = clock
        self.upstream_addresses = [parse_hostport(u, 53) for u in upstreams.split(",") if u.strip()]
        self._engine: Engine | None = None
        self._loaded = 0.0
        self._lock = threading.Lock()
        self._resolver: Resolver | None = None
        self._started_upstreams = False
        self._version: tuple[object, ...] | None = None

    def mark_stale(self) -> None:
        self._loaded = 0.0
        self._version = None

    def changed(self, session: object) -> None:
        """After a change: rewrite the DNS workers' snapshot and reload this process's engine on next use."""
        service.publish(session, self.data_dir, self.clock)  # type: ignore[arg-type]
        self.mark_stale()

    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None or time.monotonic() - self._loaded > STALE_SECONDS:
                with self.database.unit_of_work() as session:
                    service.ingest_counts(session, self.data_dir, self.clock.now())
                    version = service.runtime_version(session)
                    if self._engine is not None and version == self._version:
                        self._loaded = time.monotonic()
                        return self._engine
                    runtime = service.load_runtime(session, self.data_dir, self.clock)
                self._version = version
                if self._engine is None:
                    self._engine = Engine(runtime.profiles, runtime.assignment, runtime.lists, EngineConfig(),
                                          self.clock)
                else:
                    old = self._engine.lists
                    self._engine.profiles, self._engine.assignment = runtime.profiles, runtime.assignment
                    self._engine.lists = runtime.lists
                    self._engine.clear_caches()
                    for index, _ in old.indexes:
                        index.close()
                self._engine.temporary = runtime.grants
                self._loaded = time.monotonic()
            return self._engine

    async def resolver(self) -> Resolver:
        engine = self.engine()
        if self._resolver is None:
            self._resolver = Resolver(engine, [Upstream(h, p) for h, p in self.upstream_addresses])
        if not self._started_upstreams:
            for upstream in self._resolver.upstreams:
                await upstream.start()
            self._started_upstreams = True
        self._resolver.engine = engine
        return self._resolver
