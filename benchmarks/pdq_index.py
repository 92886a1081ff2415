"""ChildSafe's exact PDQ index against python-threatexchange's PDQIndex and a FAISS flat binary index.

ChildSafe's index (`childsafe.hashmatch.pdqindex`) comes in two layouts, both exact, both in a memory-mapped file
with live adds in memory: multi-index hashing (16 slots of 16 bits, or 11 of 23-24 bits from 2 million hashes),
asked one query at a time; and compact (the hashes as columns and their ids, 36 bytes a hash, no tables), which
scans every hash with a C kernel and is asked the whole query set in one `search_many` call on every core (its
one-at-a-time rate is reported beside it). Their peers, measured in the same run on the same machine:

* python-threatexchange's `PDQIndex` (`threatexchange.signal_type.pdq.pdq_index`), what Meta's Hasher-Matcher-
  Actioner uses: FAISS `IndexBinaryMultiHash` (16 maps of 16 bits, one flip) behind an `IndexBinaryIDMap2`;
  built from (hex, id) entries and asked one hex hash at a time with its threshold of 31;
* a FAISS flat binary index (`faiss.IndexBinaryFlat(256)`): exhaustive search, queried the way it is meant to be
  used, all queries in one batched `range_search` (radius 32, i.e. distance <= 31) on every core.

Data: N random 256-bit hashes from a seeded numpy generator (ids 1..N), and Q planted queries (default 1000):
query k is a random stored hash with exactly k % 41 random bits flipped, so distances cycle through 0..40 and
those at 32..40 must not be reported. The truth for a query is its source hash when at most 31 bits were flipped,
plus any other stored hash that a peer reported and whose distance, recomputed here, is at most 31 (random
hashes are about 128 bits apart, so there are none in practice). Every reported distance is recomputed; a hit
beyond 31 or a wrong distance is counted against its peer.

Each peer runs in its own subprocess, so their memory does not mix. Memory is read from /proc/self/status:
the resident set (VmRSS) after building, less the resident set before (libraries imported, raw hashes loaded),
per hash, against the raw 32 bytes; the peak (VmHWM) shows what building costs. ChildSafe builds in one
subprocess and serves from another, which maps the file: its memory is the file's size (all of it is resident
in a busy server, in the page cache, shared between processes), and the resident set after the queries is shown
beside it. ChildSafe's multi-index layout and PDQIndex answer single queries in a loop. Each peer makes up to
--rounds passes over the queries (3) within --query-seconds (90); the best pass's queries per second is reported,
every pass's is kept, and a first pass cut short by the time limit says how many queries it ran. The machine may be
shared: a busy spell slows a pass, it never speeds one up.

Concurrent lookups: ChildSafe's layouts and PDQIndex are also asked by 40 threads at once, one query a call, as a
threaded HTTP server's requests come (40 is anyio's default thread limit, under which ChildSafe's HTTP lookups
run). The compact layout batches lookups that arrive together into shared passes (`scan.SharedScan`); the others
run them side by side, as far as the GIL lets them (FAISS releases it while searching).

Live changes: after its queries, each ChildSafe server adds --add (100,000) new hashes with one `.add` call, times
the first query after it, then passes over every query plus Q/5 queries planted near the added hashes (delta
included), and checks that deleted ids disappear. A freshly opened index then gets the same hashes in batches of
1,000, as a feed would bring them, and the same queries again.

Targets, printed beside the figures for each layout: at 10M hashes ChildSafe answers at least 10x PDQIndex's
queries per second; it needs at most 1.5x the raw 32 bytes a hash; adding 100,000 hashes takes under a second.

Run it small first, then with the defaults (1M and 10M: five to eight minutes on two cores, half of it PDQIndex):

    .venv/bin/pip install threatexchange faiss-cpu      # benchmark-only peers, not project dependencies
    .venv/bin/python benchmarks/pdq_index.py --sizes 100000
    .venv/bin/python benchmarks/pdq_index.py

Figures are printed as a table and written to benchmarks/results/pdq_index.json. MB here is 10^6 bytes.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "pdq_index.json"
INSTALL_HINT = ".venv/bin/pip install threatexchange faiss-cpu"

THRESHOLD = 31  # PDQ's confident-match threshold
MAX_FLIPS = 40  # planted distances cycle through 0..MAX_FLIPS
RAW_BYTES = 32  # a PDQ hash is 256 bits
WARMUP = 50  # random (unplanted) queries run before timing
CLIENTS = 40  # threads asking at once: anyio's default limit, which the HTTP server's lookups run under
MB = 1_000_000

TARGET_QPS_RATIO = 10.0  # ChildSafe / PDQIndex queries per second, at TARGET_SIZE
TARGET_SIZE = 10_000_000
TARGET_MEMORY_RATIO = 1.5  # bytes per hash / RAW_BYTES
TARGET_ADD_SECONDS = 1.0  # to add 100,000 hashes

PEERS = {
    "childsafe": "ChildSafe multi-index",
    "compact": "ChildSafe compact",
    "pdqindex": "threatexchange PDQIndex",
    "faiss": "FAISS IndexBinaryFlat",
}

OURS = {"childsafe": "multi-index", "compact": "compact"}  # ChildSafe's layouts, by peer name
console = Console() if sys.stdout.isatty() else Console(width=180)  # a log file gets the whole table


# ---- shared helpers ------------------------------------------------------------------------------------------
def proc_status() -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon and RssFile of this process, in bytes."""
    wanted = {"VmRSS", "VmHWM", "RssAnon", "RssFile"}
    found: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in wanted:
                found[key] = int(value.split()[0]) * 1024
    return found


def to_hex(rows: np.ndarray) -> list[str]:
    """(n, 32) uint8 rows to 64-hex-digit strings, the form python-threatexchange uses; chunked to spare memory."""
    out: list[str] = []
    for start in range(0, len(rows), 100_000):
        blob = rows[start:start + 100_000].tobytes().hex()
        out.extend(blob[i:i + 64] for i in range(0, len(blob), 64))
    return out


def flip_bits(row: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    bits = np.unpackbits(row)
    bits[rng.choice(256, size=count, replace=False)] ^= 1
    return np.packbits(bits)


Answers = list[list[tuple[int, int]]]  # per query, (id, distance) of every hash reported


def timed_passes(run: Callable[[Callable[[], bool]], Answers], total: int, config: dict[str, Any]) -> dict[str, Any]:
    """Up to config["rounds"] passes of `run` within config["query_seconds"]; the first pass's answers are kept.

    `run(out_of_time)` answers the queries in order and stops early once out_of_time() is true. Each complete pass
    records its queries per second (a first pass cut short by the time limit counts too, and is marked capped);
    the best pass is reported, since a busy spell on a shared machine can slow a pass but never speed one up.
    """
    budget, per_pass, first = config["query_seconds"], [], None
    start = time.perf_counter()

    def out_of_time() -> bool:
        return time.perf_counter() - start > budget

    for _ in range(config["rounds"]):
        began = time.perf_counter()
        answers = run(out_of_time)
        seconds = time.perf_counter() - began
        if first is not None and len(answers) < total:
            break
        first = answers if first is None else first
        per_pass.append(len(answers) / seconds if seconds else 0.0)
        if time.perf_counter() - start + seconds > budget:
            break
    assert first is not None
    return {"results": first, "rates": per_pass, "capped": len(first) < total}


def one_at_a_time(queries: list[str], search: Callable[[str], list[tuple[int, int]]], config: dict[str, Any]
                  ) -> dict[str, Any]:
    """timed_passes over single queries in a Python loop."""
    def run(out_of_time: Callable[[], bool]) -> Answers:
        answers = []
        for query in queries:
            answers.append(search(query))
            if out_of_time():
                break
        return answers

    return timed_passes(run, len(queries), config)


def concurrently(queries: list[str], search: Callable[[str], list[tuple[int, int]]], config: dict[str, Any]
                 ) -> dict[str, Any]:
    """timed_passes over single queries asked by CLIENTS threads at once, as a threaded server's requests come."""
    def run(out_of_time: Callable[[], bool]) -> Answers:
        answers: list[list[tuple[int, int]] | None] = [None] * len(queries)
        turns = iter(range(len(queries)))  # next() on a range iterator is atomic under the GIL

        def client() -> None:
            for k in turns:
                answers[k] = search(queries[k])
                if out_of_time():
                    return

        clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        done = next((k for k, answer in enumerate(answers) if answer is None), len(answers))
        return [answer for answer in answers[:done] if answer is not None]

    return timed_passes(run, len(queries), config)


# ---- the data set --------------------------------------------------------------------------------------------
def make_data(workdir: Path, n: int, queries: int, add: int, seed: int) -> dict[str, np.ndarray]:
    """Stored hashes, planted queries, and the hashes to add live (with their own planted queries)."""
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 256, size=(n, RAW_BYTES), dtype=np.uint8)
    sources = rng.integers(0, n, size=queries)
    flips = np.arange(queries) % (MAX_FLIPS + 1)
    planted = np.stack([flip_bits(hashes[s], int(d), rng) for s, d in zip(sources, flips, strict=True)])

    add_rng = np.random.default_rng(seed + 1)
    added = add_rng.integers(0, 256, size=(add, RAW_BYTES), dtype=np.uint8)
    delta_count = max(1, queries // 5) if add else 0
    delta_sources = add_rng.integers(0, max(add, 1), size=delta_count)
    delta_flips = np.arange(delta_count) % (MAX_FLIPS + 1)
    delta_planted = np.stack([flip_bits(added[s], int(d), add_rng)
                              for s, d in zip(delta_sources, delta_flips, strict=True)]) if delta_count else \
        np.zeros((0, RAW_BYTES), dtype=np.uint8)
    data = {
        "hashes": hashes, "ids": np.arange(1, n + 1, dtype=np.uint32),
        "queries": planted, "sources": sources, "flips": flips,
        "added": added, "added_ids": np.arange(n + 1, n + add + 1, dtype=np.uint32),
        "delta_queries": delta_planted, "delta_sources": delta_sources, "delta_flips": delta_flips,
    }
    for name, array in data.items():
        np.save(workdir / f"{name}.npy", array)
    return data


def load(workdir: Path, name: str) -> np.ndarray:
    return np.load(workdir / f"{name}.npy")


# ---- the workers, each in its own subprocess -----------------------------------------------------------------
def code_sha256(module: Any) -> str:
    """The source the worker imported: others may edit the index while a long run goes on."""
    return hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest()


def worker_childsafe_build(workdir: Path, config: dict[str, Any], peer: str) -> dict[str, Any]:
    from childsafe.hashmatch import pdqindex
    from childsafe.hashmatch.pdqindex import LAYOUT_NAMES, build

    code = code_sha256(pdqindex)

    hashes, ids = load(workdir, "hashes"), load(workdir, "ids")
    before = proc_status()
    start = time.perf_counter()
    build(workdir / f"{peer}.pdq", hashes, ids, layout=LAYOUT_NAMES[OURS[peer]])
    seconds = time.perf_counter() - start
    after = proc_status()
    return {"build_seconds": seconds, "rss_before": before["VmRSS"], "peak": after["VmHWM"],
            "build_peak_extra": after["VmHWM"] - before["VmRSS"], "code_sha256": code}


def worker_childsafe_serve(workdir: Path, config: dict[str, Any], peer: str) -> dict[str, Any]:
    from childsafe.hashmatch import pdqindex, scan
    from childsafe.hashmatch.pdqindex import PdqIndex

    code = code_sha256(pdqindex)

    queries = to_hex(load(workdir, "queries"))
    delta_queries = to_hex(load(workdir, "delta_queries"))
    added, added_ids = load(workdir, "added"), load(workdir, "added_ids")
    warmup = to_hex(np.random.default_rng(7).integers(0, 256, size=(WARMUP, RAW_BYTES), dtype=np.uint8))
    path = workdir / f"{peer}.pdq"
    gc.collect()
    before = proc_status()

    index = PdqIndex(path)
    opened = proc_status()
    for query in warmup:
        index.search(query, THRESHOLD)
    single = one_at_a_time(queries, lambda q: index.search(q, THRESHOLD), config)

    def measure(search: PdqIndex, asked: list[str]) -> dict[str, Any]:
        """The layout's own way: one query at a time (multi-index), or all of them in one call (compact)."""
        if peer == "compact":
            return timed_passes(lambda out_of_time: search.search_many(asked, THRESHOLD), len(asked), config)
        return one_at_a_time(asked, lambda q: search.search(q, THRESHOLD), config)

    timing = measure(index, queries) if peer == "compact" else single
    served = proc_status()
    clients = concurrently(queries, lambda q: index.search(q, THRESHOLD), config)
    out: dict[str, Any] = {
        "file_bytes": path.stat().st_size, "timing": timing, "single": single, "kernel": scan.KERNEL,
        "concurrent": clients,
        "rss_before": before["VmRSS"], "rss_opened": opened["VmRSS"], "rss_served": served["VmRSS"],
        "rss_anon_served": served["RssAnon"], "rss_file_served": served["RssFile"], "code_sha256": code,
    }
    if not len(added):
        return out

    # live adds: one call with every hash, then queries right after (the delta is searched by brute force)
    start = time.perf_counter()
    index.add(added, added_ids)
    out["add_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    index.search(queries[0], THRESHOLD)
    out["first_query_after_add_seconds"] = time.perf_counter() - start
    out["after_add"] = measure(index, queries + delta_queries)
    out["rss_after_add"] = proc_status()["VmRSS"]

    # deletes are tombstones: the sources of the first planted queries within 31 must disappear
    sources, flips = load(workdir, "sources"), load(workdir, "flips")
    pick = [k for k in range(min(len(queries), 60)) if flips[k] <= THRESHOLD][:20]
    doomed = {int(sources[k]) + 1 for k in pick}
    index.delete(doomed)
    leaked = sum(1 for k in pick for found, _ in index.search(queries[k], THRESHOLD) if found in doomed)
    out.update(deleted=len(doomed), deleted_still_found=leaked)
    index.close()

    # the same adds as a feed would bring them: batches of 1,000 on a freshly opened index, then the queries again
    fresh = PdqIndex(path)
    start = time.perf_counter()
    for at in range(0, len(added), 1_000):
        fresh.add(added[at:at + 1_000], added_ids[at:at + 1_000])
    out["add_batched_seconds"] = time.perf_counter() - start
    out["after_batched_adds"] = measure(fresh, queries + delta_queries)
    fresh.close()
    return out


def worker_pdqindex(workdir: Path, config: dict[str, Any]) -> dict[str, Any]:
    from threatexchange.signal_type.pdq.pdq_index import PDQIndex

    hashes, ids = load(workdir, "hashes"), load(workdir, "ids")
    queries = to_hex(load(workdir, "queries"))
    warmup = to_hex(np.random.default_rng(7).integers(0, 256, size=(WARMUP, RAW_BYTES), dtype=np.uint8))
    gc.collect()
    before = proc_status()

    start = time.perf_counter()
    entries = list(zip(to_hex(hashes), ids.tolist(), strict=True))
    hex_seconds = time.perf_counter() - start
    start = time.perf_counter()
    index = PDQIndex(entries)  # keeps every (hex, id) entry, as HMA's does
    seconds = time.perf_counter() - start
    del entries
    gc.collect()
    built = proc_status()

    def search(query: str) -> list[tuple[int, int]]:
        return [(int(m.metadata), int(m.similarity_info.distance)) for m in index.query(query)]

    for query in warmup:
        search(query)
    timing = one_at_a_time(queries, search, config)
    clients = concurrently(queries, search, config)
    return {"build_seconds": seconds, "hex_seconds": hex_seconds, "timing": timing, "concurrent": clients,
            "rss_before": before["VmRSS"],
            "rss_built": built["VmRSS"], "index_bytes": built["VmRSS"] - before["VmRSS"], "peak": built["VmHWM"],
            "build_peak_extra": built["VmHWM"] - before["VmRSS"]}


def worker_faiss(workdir: Path, config: dict[str, Any]) -> dict[str, Any]:
    import faiss

    hashes = load(workdir, "hashes")
    queries = load(workdir, "queries")
    warmup = np.random.default_rng(7).integers(0, 256, size=(WARMUP, RAW_BYTES), dtype=np.uint8)
    gc.collect()
    before = proc_status()

    start = time.perf_counter()
    index = faiss.IndexBinaryFlat(256)
    index.add(hashes)
    seconds = time.perf_counter() - start
    built = proc_status()

    def run(out_of_time: Callable[[], bool]) -> Answers:
        limits, distances, labels = index.range_search(queries, THRESHOLD + 1)  # distance < 32
        return [[(int(labels[j]) + 1, int(distances[j])) for j in range(limits[k], limits[k + 1])]
                for k in range(len(queries))]

    index.range_search(warmup, THRESHOLD + 1)
    timing = timed_passes(run, len(queries), config)
    return {"build_seconds": seconds, "timing": timing,
            "threads": faiss.omp_get_max_threads(), "rss_before": before["VmRSS"], "rss_built": built["VmRSS"],
            "index_bytes": built["VmRSS"] - before["VmRSS"], "peak": built["VmHWM"],
            "build_peak_extra": built["VmHWM"] - before["VmRSS"]}


WORKERS: dict[str, Callable[[Path, dict[str, Any]], dict[str, Any]]] = {
    **{f"{peer}-build": partial(worker_childsafe_build, peer=peer) for peer in OURS},
    **{f"{peer}-serve": partial(worker_childsafe_serve, peer=peer) for peer in OURS},
    "pdqindex": worker_pdqindex,
    "faiss": worker_faiss,
}


def run_worker(name: str, workdir: Path, timeout: float) -> dict[str, Any]:
    """Run one worker in a fresh interpreter; its figures come back through a JSON file."""
    result = workdir / f"{name}.json"
    result.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--workdir", str(workdir)]
    try:
        done = subprocess.run(command, timeout=timeout, capture_output=True, text=True, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0 or not result.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        return {"error": f"exit {done.returncode}: " + " | ".join(tail)}
    return json.loads(result.read_text(encoding="utf-8"))


# ---- checking answers ----------------------------------------------------------------------------------------
class Checker:
    """Recomputes every reported distance and keeps the truth per query (planted source and verified extras)."""

    def __init__(self, stored: np.ndarray, added: np.ndarray, queries: np.ndarray, sources: np.ndarray,
                 flips: np.ndarray, source_offset: int) -> None:
        self.stored, self.added = stored, added
        self.queries = queries
        self.truth: list[set[int]] = [
            {int(s) + source_offset + 1} if f <= THRESHOLD else set() for s, f in zip(sources, flips, strict=True)]

    def distance(self, query: int, ident: int) -> int | None:
        n = len(self.stored)
        if 1 <= ident <= n:
            row = self.stored[ident - 1]
        elif n < ident <= n + len(self.added):
            row = self.added[ident - n - 1]
        else:
            return None
        return int(np.bitwise_count(row ^ self.queries[query]).sum())

    def learn(self, results: list[list[tuple[int, int]]]) -> None:
        """Any verified hit within the threshold is part of the truth, whichever peer found it."""
        for k, found in enumerate(results):
            for ident, _ in found:
                true = self.distance(k, ident)
                if true is not None and true <= THRESHOLD:
                    self.truth[k].add(ident)

    def score(self, results: list[list[tuple[int, int]]]) -> dict[str, Any]:
        expected = hits = beyond = wrong = planted_far = 0
        for k, found in enumerate(results):
            idents = {ident for ident, _ in found}
            expected += len(self.truth[k])
            hits += len(self.truth[k] & idents)
            for ident, reported in found:
                true = self.distance(k, ident)
                if true is None or true > THRESHOLD:
                    beyond += 1
                if true != reported:
                    wrong += 1
            planted_far += int(not self.truth[k] and bool(idents))
        return {"queries": len(results), "expected": expected, "found": hits,
                "recall": hits / expected if expected else 1.0, "reported_beyond_31": beyond,
                "wrong_distances": wrong, "far_queries_answered": planted_far}


# ---- one size ------------------------------------------------------------------------------------------------
def rates(timing: dict[str, Any]) -> dict[str, Any]:
    """Queries per second of the best pass (and every pass) from a timed_passes result."""
    return {"qps": max(timing["rates"]), "qps_passes": timing["rates"], "queries_run": len(timing["results"]),
            "capped": timing["capped"]}


def ours_figures(build: dict[str, Any], serve: dict[str, Any], peer: str, data: dict[str, np.ndarray],
                 checker: Checker, args: argparse.Namespace) -> dict[str, Any]:
    """One ChildSafe layout's figures from its build and serve workers."""
    if "error" in build or "error" in serve or not build or not serve:
        return {"error": build.get("error") or serve.get("error") or "not run"}
    n = len(data["hashes"])
    figures = {
        "build_seconds": build["build_seconds"], "build_peak_extra": build["build_peak_extra"],
        "index_bytes": serve["file_bytes"], "memory_basis": "index file size (memory-mapped)",
        "rss_served_extra": serve["rss_served"] - serve["rss_before"], "kernel": serve["kernel"],
        "rss_file_served": serve["rss_file_served"],
        "mode": "all queries in one search_many call" if peer == "compact" else "single queries in a loop",
        "code_sha256": {"build": build["code_sha256"], "serve": serve["code_sha256"]},
        **rates(serve["timing"]), **checker.score(serve["timing"]["results"]),
    }
    figures["concurrent"] = {**rates(serve["concurrent"]), **checker.score(serve["concurrent"]["results"])}
    if peer == "compact":
        figures["single"] = {**rates(serve["single"]), **checker.score(serve["single"]["results"])}
        figures["threads"] = len(os.sched_getaffinity(0))
    if "add_seconds" in serve:
        delta_checker = Checker(data["hashes"], data["added"], data["delta_queries"],
                                data["delta_sources"], data["delta_flips"], n)
        for timing in (serve["after_add"], serve["after_batched_adds"]):
            delta_checker.learn(timing["results"][args.queries:])

        def live_figures(timing: dict[str, Any]) -> dict[str, Any]:
            answers = timing["results"]
            return {**rates(timing), "stored": checker.score(answers[:args.queries]),
                    "delta": delta_checker.score(answers[args.queries:])}

        figures["live"] = {
            "added": args.add, "add_seconds": serve["add_seconds"],
            "add_batched_seconds": serve["add_batched_seconds"],
            "first_query_after_add_seconds": serve["first_query_after_add_seconds"],
            **live_figures(serve["after_add"]), "batched": live_figures(serve["after_batched_adds"]),
            "rss_after_add_extra": serve["rss_after_add"] - serve["rss_before"],
            "deleted": serve["deleted"], "deleted_still_found": serve["deleted_still_found"],
        }
    return figures


def measure_size(n: int, args: argparse.Namespace, peers: list[str]) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"childsafe-pdqbench-{n}-", dir=args.workdir))
    try:
        with console.status(f"[{n:,}] generating {n:,} hashes and {args.queries} planted queries"):
            start = time.perf_counter()
            data = make_data(workdir, n, args.queries, args.add, args.seed)
            generate_seconds = time.perf_counter() - start
        config = {"query_seconds": args.query_seconds, "rounds": args.rounds}
        (workdir / "config.json").write_text(json.dumps(config), encoding="utf-8")

        raw: dict[str, dict[str, Any]] = {}
        plan = [(peer, f"{peer}-{step}") for peer in OURS for step in ("build", "serve")]
        plan += [("pdqindex", "pdqindex"), ("faiss", "faiss")]
        for peer, worker in plan:
            if peer not in peers or (worker == f"{peer}-serve" and "error" in raw.get(f"{peer}-build", {})):
                continue
            with console.status(f"[{n:,}] {worker}"):
                start = time.perf_counter()
                raw[worker] = run_worker(worker, workdir, args.worker_timeout)
                raw[worker]["wall_seconds"] = time.perf_counter() - start
            if "error" in raw[worker]:
                console.print(f"[red][{n:,}] {worker} failed: {raw[worker]['error']}[/red]")
            else:
                console.print(f"[{n:,}] {worker} done in {raw[worker]['wall_seconds']:.1f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    checker = Checker(data["hashes"], data["added"], data["queries"], data["sources"], data["flips"], 0)
    for worker in (*(f"{peer}-serve" for peer in OURS), "pdqindex", "faiss"):
        for timing in ("timing", "concurrent"):
            if timing in raw.get(worker, {}):
                checker.learn(raw[worker][timing]["results"])

    out: dict[str, Any] = {"size": n, "queries": args.queries, "generate_seconds": generate_seconds,
                           "load_at_end": os.getloadavg(), "peers": {}}
    for peer in OURS:
        if peer in peers:
            out["peers"][peer] = ours_figures(raw.get(f"{peer}-build", {}), raw.get(f"{peer}-serve", {}), peer,
                                              data, checker, args)
    for peer, mode in (("pdqindex", "single queries in a loop"),
                       ("faiss", "one batched range_search over all queries")):
        if peer not in raw:
            continue
        result = raw[peer]
        if "error" in result:
            out["peers"][peer] = {"error": result["error"]}
            continue
        figures = {key: result[key] for key in ("build_seconds", "build_peak_extra", "index_bytes", "threads",
                                                "hex_seconds") if key in result}
        figures.update(memory_basis="VmRSS after build less VmRSS before", mode=mode, **rates(result["timing"]),
                       **checker.score(result["timing"]["results"]))
        if "concurrent" in result:
            figures["concurrent"] = {**rates(result["concurrent"]), **checker.score(result["concurrent"]["results"])}
        out["peers"][peer] = figures

    for figures in out["peers"].values():
        if "index_bytes" in figures:
            figures["bytes_per_hash"] = figures["index_bytes"] / n
            figures["memory_ratio"] = figures["bytes_per_hash"] / RAW_BYTES
    out["qps_ratio"], out["concurrent_ratio"], out["targets"] = {}, {}, {}
    for layout in OURS:
        ours = out["peers"].get(layout, {})
        out["qps_ratio"][layout] = {peer: ours["qps"] / out["peers"][peer]["qps"] for peer in ("pdqindex", "faiss")
                                    if ours.get("qps") and out["peers"].get(peer, {}).get("qps")}
        theirs = out["peers"].get("pdqindex", {}).get("concurrent", {}).get("qps")
        if ours.get("concurrent", {}).get("qps") and theirs:
            out["concurrent_ratio"][layout] = ours["concurrent"]["qps"] / theirs
        if layout in out["peers"]:
            out["targets"][layout] = targets(out, layout)
    return out


def targets(out: dict[str, Any], layout: str) -> dict[str, Any]:
    """Each target for one layout with the figure it is judged on and whether it is met (None: not measured)."""
    ours = out["peers"].get(layout, {})
    ratio = out["qps_ratio"][layout].get("pdqindex")
    return {
        "qps_vs_pdqindex": {"target": f">= {TARGET_QPS_RATIO:g}x at {TARGET_SIZE:,}", "value": ratio,
                            "met": (ratio >= TARGET_QPS_RATIO) if ratio is not None else None,
                            "applies": out["size"] >= TARGET_SIZE},
        "memory": {"target": f"<= {TARGET_MEMORY_RATIO:g}x raw {RAW_BYTES} B/hash", "value": ours.get("memory_ratio"),
                   "met": (ours["memory_ratio"] <= TARGET_MEMORY_RATIO) if "memory_ratio" in ours else None,
                   "applies": True},
        "add_100k": {"target": f"< {TARGET_ADD_SECONDS:g} s", "value": ours.get("live", {}).get("add_seconds"),
                     "met": (ours["live"]["add_seconds"] < TARGET_ADD_SECONDS) if "live" in ours else None,
                     "applies": True},
        "exact_recall": {"target": "100% at <= 31, nothing beyond", "value": ours.get("recall"),
                         "met": (ours["recall"] == 1.0 and ours["reported_beyond_31"] == 0
                                 and ours["wrong_distances"] == 0) if "recall" in ours else None,
                         "applies": True},
    }


# ---- output --------------------------------------------------------------------------------------------------
def _mark(met: bool | None, applies: bool = True) -> str:
    if met is None:
        return "[dim]n/a[/dim]"
    if not applies:
        return f"[dim]judged at {TARGET_SIZE:,} only[/dim]"
    return "[green]met[/green]" if met else "[red]missed[/red]"


def _recall(figures: dict[str, Any]) -> str:
    return f"{figures['recall']:.2%} ({figures['found']}/{figures['expected']})"


def _passes(figures: dict[str, Any]) -> str:
    each = ", ".join(f"{rate:,.0f}" for rate in figures["qps_passes"])
    return f"{figures['queries_run']} x {len(figures['qps_passes'])} ({each})" + (
        " time-capped" if figures["capped"] else "")


def _live_recall(live: dict[str, Any]) -> str:
    stored, delta = live["stored"], live["delta"]
    return (f"stored {stored['recall']:.2%}, added {delta['recall']:.2%} ({delta['found']}/{delta['expected']}), "
            f"{stored['reported_beyond_31'] + delta['reported_beyond_31']} beyond 31")


def print_size(out: dict[str, Any]) -> None:
    n = out["size"]
    peers = [p for p in PEERS if p in out["peers"]]
    ours = [p for p in peers if p in OURS]
    table = Table(title=f"PDQ index, {n:,} hashes, {out['queries']} planted queries (distances 0..{MAX_FLIPS})")
    table.add_column("")
    for peer in peers:
        table.add_column(PEERS[peer], justify="right")
    table.add_column("target (each ChildSafe layout)")

    def cells(render: Callable[[dict[str, Any]], str], only: list[str] | None = None) -> list[str]:
        row = []
        for peer in peers:
            figures = out["peers"][peer]
            if only is not None and peer not in only:
                row.append("")
            elif "error" in figures:
                row.append("[red]error[/red]")
            else:
                try:
                    row.append(render(figures))
                except KeyError:
                    row.append("")
        return row

    def marks(target: str) -> str:
        found = [(layout, out["targets"][layout][target]) for layout in ours if layout in out["targets"]]
        return ", ".join(f"{OURS[layout]} " + _mark(t["met"], t["applies"]) for layout, t in found)

    def how(figures: dict[str, Any]) -> str:
        if "threads" not in figures:
            return "one at a time, 1 core"
        return f"batched, {figures['threads']} threads" + (f" ({figures['kernel']})" if "kernel" in figures else "")

    table.add_row("queries/s (best pass)", *cells(lambda f: f"{f['qps']:,.0f}"), "")
    table.add_row("how queried", *cells(how), "")
    table.add_row("queries x passes", *cells(_passes), "")
    table.add_row("queries/s one at a time", *cells(lambda f: f"{f['single']['qps']:,.0f} ({_passes(f['single'])})",
                                                    ["compact"]), "")
    table.add_row(f"queries/s, {CLIENTS} threads asking one at a time",
                  *cells(lambda f: f"{f['concurrent']['qps']:,.0f} ({_passes(f['concurrent'])})"), "")
    table.add_row(f"  recall at <= 31, {CLIENTS} threads", *cells(lambda f: _recall(f["concurrent"])), "")
    table.add_row(f"  / PDQIndex, {CLIENTS} threads",
                  *[f"{out['concurrent_ratio'][p]:.2f}x" if p in out["concurrent_ratio"] else "" for p in peers], "")
    for layout in ours:
        ratios = out["qps_ratio"].get(layout, {})
        table.add_row(f"{OURS[layout]} / this, queries/s",
                      *[("1.00" if p == layout else f"{ratios[p]:.2f}x" if p in ratios else "") for p in peers],
                      f">= {TARGET_QPS_RATIO:g}x PDQIndex: " + marks("qps_vs_pdqindex") if layout == ours[0] else "")
    table.add_row("recall at <= 31", *cells(_recall), "100%, nothing beyond: " + marks("exact_recall"))
    table.add_row("reported beyond 31 / wrong distance",
                  *cells(lambda f: f"{f['reported_beyond_31']} / {f['wrong_distances']}"), "0 / 0")
    table.add_row("planted 32..40 answered", *cells(lambda f: f"{f['far_queries_answered']}"), "0")
    table.add_row("build time", *cells(lambda f: f"{f['build_seconds']:.1f} s"), "")
    table.add_row("build peak above baseline", *cells(lambda f: f"{f['build_peak_extra'] / MB:,.0f} MB"), "")
    table.add_row("index memory", *cells(lambda f: f"{f['index_bytes'] / MB:,.0f} MB"), "")
    table.add_row("bytes per hash (raw 32)",
                  *cells(lambda f: f"{f['bytes_per_hash']:.1f} ({f['memory_ratio']:.2f}x)"),
                  f"<= {TARGET_MEMORY_RATIO:g}x: " + marks("memory"))
    table.add_row("resident after queries",
                  *cells(lambda f: f"{f['rss_served_extra'] / MB:,.0f} MB ({f['rss_file_served'] / MB:,.0f} MB mapped)",
                         ours), "")
    if any("live" in out["peers"][layout] for layout in ours):
        def live(render: Callable[[dict[str, Any]], str]) -> list[str]:
            return cells(lambda f: render(f["live"]), ours)

        added = next(out["peers"][layout]["live"]["added"] for layout in ours if "live" in out["peers"][layout])
        table.add_row(f"add {added:,} (one call)", *live(lambda v: f"{v['add_seconds']:.3f} s"),
                      f"< {TARGET_ADD_SECONDS:g} s: " + marks("add_100k"))
        table.add_row(f"add {added:,} (batches of 1,000)", *live(lambda v: f"{v['add_batched_seconds']:.3f} s"), "")
        table.add_row("first query after add", *live(lambda v: f"{v['first_query_after_add_seconds'] * 1000:.1f} ms"),
                      "")
        table.add_row("queries/s with the delta", *live(lambda v: f"{v['qps']:,.0f}: " + _passes(v)), "")
        table.add_row("recall with the delta", *live(_live_recall), "")
        table.add_row("queries/s after batched adds",
                      *live(lambda v: f"{v['batched']['qps']:,.0f}: " + _passes(v["batched"])), "")
        table.add_row("recall after batched adds", *live(lambda v: _live_recall(v["batched"])), "")
        table.add_row("deleted ids still found", *live(lambda v: f"{v['deleted_still_found']} of {v['deleted']}"), "0")
    console.print(table)


# ---- main ----------------------------------------------------------------------------------------------------
def available_peers(wanted: list[str]) -> list[str]:
    peers = []
    for peer in wanted:
        module = {"childsafe": "childsafe", "compact": "childsafe", "pdqindex": "threatexchange",
                  "faiss": "faiss"}[peer]
        needs = [module] + (["faiss"] if peer == "pdqindex" else [])
        missing = [m for m in needs if importlib.util.find_spec(m) is None]
        if missing:
            console.print(f"[yellow]{PEERS[peer]} is skipped: {', '.join(missing)} is not installed. "
                          f"These are benchmark-only peers, not project dependencies: {INSTALL_HINT}[/yellow]")
        else:
            peers.append(peer)
    return peers


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version(), "numpy": np.__version__}
    for dist in ("threatexchange", "faiss-cpu"):
        try:
            found[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            found[dist] = None
    source = ROOT / "src" / "childsafe" / "hashmatch" / "pdqindex.py"
    found["pdqindex.py sha256"] = hashlib.sha256(source.read_bytes()).hexdigest() if source.exists() else None
    try:
        found["git commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                             check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        found["git commit"] = None
    return found


def machine() -> dict[str, Any]:
    mem_total = None
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_total = int(line.split()[1]) * 1024
    return {"platform": platform.platform(), "cpus": os.cpu_count(), "mem_total": mem_total,
            "load_at_start": os.getloadavg()}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated index sizes")
    parser.add_argument("--queries", type=int, default=1000, help="planted queries per size")
    parser.add_argument("--add", type=int, default=100_000, help="hashes added live to the ChildSafe index")
    parser.add_argument("--rounds", type=int, default=3,
                        help="passes over the queries per peer; the best pass's queries/s is reported")
    parser.add_argument("--query-seconds", type=float, default=90.0,
                        help="time limit for each peer's passes; a first pass cut short reports how many it ran")
    parser.add_argument("--peers", default=",".join(PEERS), help="which of childsafe,compact,pdqindex,faiss to run")
    parser.add_argument("--seed", type=int, default=20_240_601)
    parser.add_argument("--workdir", type=Path, default=None, help="where the data and index files go (temporary)")
    parser.add_argument("--worker-timeout", type=float, default=1800.0, help="seconds before a worker is killed")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.size_list = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.peer_list = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = set(args.peer_list) - set(PEERS)
    if unknown:
        parser.error(f"unknown peers: {', '.join(sorted(unknown))}")
    if args.worker and args.workdir is None:
        parser.error("--worker needs --workdir")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:  # inside a subprocess started by run_worker
        config = json.loads((args.workdir / "config.json").read_text(encoding="utf-8"))
        result = WORKERS[args.worker](args.workdir, config)
        (args.workdir / f"{args.worker}.json").write_text(json.dumps(result), encoding="utf-8")
        return 0

    peers = available_peers(args.peer_list)
    if not set(OURS) & set(peers):
        console.print("[red]ChildSafe is not importable: run this with the project's .venv/bin/python[/red]")
        return 2
    results: dict[str, Any] = {
        "benchmark": "pdq_index", "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(), "versions": versions(),
        "settings": {"sizes": args.size_list, "queries": args.queries, "add": args.add, "seed": args.seed,
                     "threshold": THRESHOLD, "max_flips": MAX_FLIPS, "query_seconds": args.query_seconds,
                     "rounds": args.rounds,
                     "peers": peers},
        "notes": [
            "ChildSafe multi-index and PDQIndex: single hex queries in a Python loop, one core.",
            "ChildSafe compact: all queries in one search_many call, on every core (and one at a time beside it).",
            "FAISS IndexBinaryFlat: all queries in one batched range_search, all cores (OpenMP).",
            "Memory: ChildSafe = index file size (memory-mapped); peers = VmRSS after build less VmRSS before.",
            "MB = 10^6 bytes.",
        ],
        "sizes": [],
    }
    started = time.perf_counter()
    for n in args.size_list:
        out = measure_size(n, args, peers)
        results["sizes"].append(out)
        used = {code for layout in OURS for code in out["peers"].get(layout, {}).get("code_sha256", {}).values()}
        if used - {results["versions"]["pdqindex.py sha256"]}:
            out["warning"] = "pdqindex.py changed during the run: these figures are for another version of it"
            console.print(f"[yellow][{n:,}] {out['warning']}[/yellow]")
        print_size(out)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        results["seconds"] = time.perf_counter() - started
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    console.print("ChildSafe multi-index and PDQIndex are asked one query at a time in a loop (one core); ChildSafe "
                  "compact gets all queries in one search_many call and FAISS flat in one batched range_search, on "
                  "every core, as each is meant to be used.")
    console.print(f"Written to {args.output} ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
