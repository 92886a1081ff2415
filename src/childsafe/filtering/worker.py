"""A lean DNS worker: `python -m childsafe.filtering.worker`, started by `childsafe dns`.

It imports the engine, the server and the index only (no database, no web framework), reads the policy from
the snapshot file, and re-reads it when the file changes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import signal
import time
from pathlib import Path

from childsafe.filtering import snapshot
from childsafe.filtering.engine import Engine, EngineConfig
from childsafe.filtering.server import DnsServer, Resolver, Upstream, parse_hostport

POLL_SECONDS = 5.0


def _load(engine: Engine | None, path: Path, config: EngineConfig) -> Engine:
    profiles, assignment, lists, grants = snapshot.read(path)
    if engine is None:
        engine = Engine(profiles, assignment, lists, config)
    else:
        old = engine.lists
        engine.profiles, engine.assignment, engine.lists = profiles, assignment, lists
        engine.clear_caches()
        for index, _ in old.indexes:
            index.close()
    engine.temporary = grants
    return engine


def _flush_counts(engine: Engine, folder: Path) -> None:
    """Counts (per profile, category and day; never names) go to a file the web app folds into the database."""
    if not engine.counts:
        return
    target = folder / f"counts-{os.getpid()}-{time.time_ns()}.json"
    entries = [[p, label, day, n] for (p, label, day), n in engine.counts.items()]
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries), encoding="utf-8")
    tmp.replace(target)
    engine.counts = {}


async def _watch(engine: Engine, path: Path, config: EngineConfig) -> None:
    seen = os.stat(path).st_mtime_ns
    while True:
        await asyncio.sleep(POLL_SECONDS)
        with contextlib.suppress(OSError):
            _flush_counts(engine, path.parent)
        with contextlib.suppress(OSError, ValueError, KeyError):
            current = os.stat(path).st_mtime_ns
            if current != seen:
                _load(engine, path, config)
                seen = current


async def serve(path: Path, listen: list[tuple[str, int]], upstreams: list[tuple[str, int]],
                config: EngineConfig) -> None:
    engine = _load(None, path, config)
    server = DnsServer(Resolver(engine, [Upstream(h, p) for h, p in upstreams]), listen)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    watcher = asyncio.ensure_future(_watch(engine, path, config))
    await stop.wait()
    watcher.cancel()
    await server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="childsafe-dns-worker")
    parser.add_argument("--snapshot", required=True, type=Path)
    parser.add_argument("--listen", action="append", required=True)
    parser.add_argument("--upstream", action="append", required=True)
    parser.add_argument("--block-address", default="0.0.0.0")
    parser.add_argument("--block-address6", default="")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--count-queries", action="store_true")
    args = parser.parse_args(argv)
    config = EngineConfig(block_ipv4=ipaddress.IPv4Address(args.block_address).packed,
                          block_ipv6=ipaddress.IPv6Address(args.block_address6).packed if args.block_address6 else None,
                          count_queries=args.count_queries)
    children = []
    for _ in range(max(1, args.workers) - 1):  # forked before any loop starts; all share the port (SO_REUSEPORT)
        pid = os.fork()
        if pid == 0:
            children = []
            break
        children.append(pid)
    listen = [parse_hostport(item, 53) for item in args.listen]
    upstreams = [parse_hostport(item, 53) for item in args.upstream]
    try:
        import uvloop  # noqa: PLC0415  (a faster event loop for UDP; optional)
    except ImportError:
        asyncio.run(serve(args.snapshot, listen, upstreams, config))
    else:
        uvloop.run(serve(args.snapshot, listen, upstreams, config))
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
