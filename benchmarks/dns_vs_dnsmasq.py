"""ChildSafe's filtering DNS resolver against dnsmasq: queries per second, p99 latency and memory, on loopback.

Both servers load the same synthetic blocklist (default one million names, `site{i}.example{i % 97}.test`,
written as a hosts file with every name -> 0.0.0.0) and answer the same query file, in the same run, on the
same machine:

* blocked names, picked at random from the list: ChildSafe answers from its domain index, dnsmasq from its
  `--addn-hosts` table;
* allowed names (`www{j}.allowed.test`), answered by a local upstream and cached by both servers, whose caches
  are warmed before measuring;
* safe-search names (www.google.com, www.bing.com, duckduckgo.com...): ChildSafe rewrites them to the engine's
  safe host with a CNAME; dnsmasq is given the same rewrite with `--cname` (dnsmasq only allows a CNAME to a
  locally known name, so it also gets the target's address with `--host-record`, where ChildSafe resolves the
  target through its upstream).

The upstream is a second dnsmasq on 127.0.0.1 answering `allowed.test` and the safe-search targets with a TTL
of one hour. Throughput comes from `dnsperf -c 4 -l SECONDS` (saturation: dnsperf keeps 100 queries in
flight); latency percentiles come from the per-query latencies dnsperf prints with `-v` during that same run,
and from a second, shorter run at a fixed rate (`--latency-qps`, default 1000/s) that shows latency without
queueing. Memory is VmRSS from /proc/<pid>/status, summed over the server's processes, after the list is
loaded and the caches warmed; it is also given per million listed domains. MB here is 10^6 bytes.

Targets (printed with the figures): ChildSafe serves at least half of dnsmasq's queries per second, and uses at
most 60 MB per million domains.

Run it small first, then with the default million (about four minutes on two cores):

    .venv/bin/python benchmarks/dns_vs_dnsmasq.py --domains 50000 --seconds 5
    .venv/bin/python benchmarks/dns_vs_dnsmasq.py

Needs dnsperf and dnsmasq (Debian: `apt-get install dnsperf dnsmasq-base`) and the `childsafe` command from
this repository's .venv. Figures are printed as a table and written to benchmarks/results/dns_vs_dnsmasq.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "dns_vs_dnsmasq.json"
INSTALL_HINT = "apt-get install dnsperf dnsmasq-base"

TARGET_QPS_RATIO = 0.5
TARGET_MB_PER_MILLION = 60.0
MB = 1_000_000

ALLOWED_ZONE = "allowed.test"
ALLOWED_ADDRESS = "198.51.100.1"
ALLOWED_NAMES = 2_000  # well under dnsmasq's --cache-size=10000 and ChildSafe's 50 000 cached answers
BLOCKED_SAMPLE = 50_000  # distinct blocked names in the query file
QUERY_LINES = 200_000  # dnsperf loops over the file
MIX = {"blocked": 0.4, "allowed": 0.4, "safe_search": 0.2}
UPSTREAM_TTL = 3600
# Safe-search names and the host each must be rewritten to (childsafe.filtering.safesearch); the addresses are
# what our upstream answers for those hosts, so a reply proves the rewrite happened.
SAFE_SEARCH = {
    "www.google.com": "forcesafesearch.google.com",
    "google.com": "forcesafesearch.google.com",
    "www.google.fr": "forcesafesearch.google.com",
    "www.google.de": "forcesafesearch.google.com",
    "www.google.co.uk": "forcesafesearch.google.com",
    "www.bing.com": "strict.bing.com",
    "duckduckgo.com": "safe.duckduckgo.com",
    "www.duckduckgo.com": "safe.duckduckgo.com",
}
SAFE_TARGETS = {
    "forcesafesearch.google.com": "216.239.38.120",
    "strict.bing.com": "204.79.197.220",
    "safe.duckduckgo.com": "52.142.124.215",
}

console = Console()


class BenchmarkError(RuntimeError):
    """The benchmark cannot go on; the message says why and what to do."""


# ---- the workload ---------------------------------------------------------------------------------------------
def blocked_name(i: int) -> str:
    return f"site{i}.example{i % 97}.test"


def allowed_name(j: int) -> str:
    return f"www{j}.{ALLOWED_ZONE}"


def write_blocklist(path: Path, count: int) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(f"# ChildSafe DNS benchmark: {count} synthetic domains\n")
        for start in range(0, count, 10_000):
            handle.write("".join(f"0.0.0.0 {blocked_name(i)}\n" for i in range(start, min(start + 10_000, count))))


@dataclass
class Workload:
    domains: int
    blocked: list[str]
    allowed: list[str]
    safe_search: list[str]
    lines: Counter[str] = field(default_factory=Counter)  # kind -> query lines

    def write_queries(self, path: Path, rng: random.Random) -> None:
        kinds = list(MIX)
        pools = {"blocked": self.blocked, "allowed": self.allowed, "safe_search": self.safe_search}
        picks = rng.choices(kinds, weights=[MIX[k] for k in kinds], k=QUERY_LINES)
        with open(path, "w", encoding="ascii") as handle:
            for kind in picks:
                handle.write(f"{rng.choice(pools[kind])} A\n")
        self.lines = Counter(picks)


def make_workload(domains: int, seed: int = 1) -> Workload:
    rng = random.Random(seed)
    blocked = [blocked_name(i) for i in rng.sample(range(domains), min(domains, BLOCKED_SAMPLE))]
    return Workload(domains, blocked, [allowed_name(j) for j in range(ALLOWED_NAMES)], list(SAFE_SEARCH))


# ---- a minimal DNS client, to wait for a server, warm its cache and check its answers ---------------------------
@dataclass(frozen=True)
class Answer:
    rcode: int
    cnames: tuple[str, ...]
    addresses: tuple[str, ...]


def _encode(name: str) -> bytes:
    return b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\x00"


def _read_name(data: bytes, offset: int) -> tuple[str, int]:
    labels: list[str] = []
    end, jumps = -1, 0
    while True:
        length = data[offset]
        if length & 0xC0 == 0xC0:
            if end < 0:
                end = offset + 2
            jumps += 1
            if jumps > 16:
                raise ValueError("compression loop")
            offset = (length & 0x3F) << 8 | data[offset + 1]
            continue
        offset += 1
        if length == 0:
            return ".".join(labels).lower(), end if end >= 0 else offset
        labels.append(data[offset:offset + length].decode("latin-1"))
        offset += length


def ask(port: int, name: str, timeout: float = 2.0) -> Answer | None:
    """One A query over UDP to 127.0.0.1:port; None when nothing (usable) came back in time."""
    ident = random.getrandbits(16)
    query = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + _encode(name) + struct.pack("!HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(query, ("127.0.0.1", port))
        try:
            while True:
                data = sock.recv(4096)
                if len(data) >= 12 and struct.unpack_from("!H", data)[0] == ident:
                    break
        except (TimeoutError, ConnectionRefusedError):
            return None
    try:
        _, flags, qdcount, ancount, _, _ = struct.unpack_from("!HHHHHH", data)
        offset = 12
        for _ in range(qdcount):
            offset = _read_name(data, offset)[1] + 4
        cnames, addresses = [], []
        for _ in range(ancount):
            offset = _read_name(data, offset)[1]
            rtype, _, _, rdlen = struct.unpack_from("!HHIH", data, offset)
            offset += 10
            if rtype == 1 and rdlen == 4:
                addresses.append(socket.inet_ntoa(data[offset:offset + 4]))
            elif rtype == 5:
                cnames.append(_read_name(data, offset)[0])
            offset += rdlen
    except (IndexError, struct.error, ValueError):
        return None
    return Answer(flags & 0xF, tuple(cnames), tuple(addresses))


def check(kind: str, name: str, answer: Answer | None) -> str | None:
    """What is wrong with `answer` to `name` of `kind`, or None when it is what the benchmark expects."""
    if answer is None:
        return "no answer"
    if kind == "blocked":
        blocked = answer.rcode == 3 or (answer.rcode == 0 and answer.addresses and not answer.cnames
                                        and ALLOWED_ADDRESS not in answer.addresses)
        return None if blocked else f"not blocked: {answer}"
    if kind == "allowed":
        return None if ALLOWED_ADDRESS in answer.addresses else f"not resolved through the upstream: {answer}"
    target = SAFE_SEARCH[name]
    if target in answer.cnames and SAFE_TARGETS[target] in answer.addresses:
        return None
    return f"not rewritten to {target}: {answer}"


# ---- processes ----------------------------------------------------------------------------------------------
def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (servers here listen on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port: int = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise BenchmarkError("no free port on 127.0.0.1")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _status_kb(pid: int, key: str, file: str = "status") -> int:
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Memory:
    processes: int
    rss_kb: int  # VmRSS summed over the processes
    pss_kb: int  # proportional share: pages mapped by several processes (the shared index) counted once
    anon_kb: int
    file_kb: int
    peak_kb: int  # VmHWM summed

    @property
    def rss_mb(self) -> float:
        return self.rss_kb * 1024 / MB


def memory_of(pid: int) -> Memory:
    pids = [p for p in _descendants(pid) if _status_kb(p, "VmRSS")]
    return Memory(len(pids), sum(_status_kb(p, "VmRSS") for p in pids),
                  sum(_status_kb(p, "Pss", "smaps_rollup") for p in pids),
                  sum(_status_kb(p, "RssAnon") for p in pids), sum(_status_kb(p, "RssFile") for p in pids),
                  sum(_status_kb(p, "VmHWM") for p in pids))


class Server:
    """A server process we started, in its own process group, logging to a file."""

    def __init__(self, name: str, argv: Sequence[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.name, self.log = name, log
        with open(log, "wb") as out:
            self.process: subprocess.Popen[bytes] = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_ready(self, port: int, probe: str, timeout: float) -> float:
        """Seconds until `probe` gets an answer; raises with the server's log if it dies or never answers."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise BenchmarkError(f"{self.name} exited with status {self.process.returncode}:\n{self.log_tail()}")
            if ask(port, probe, timeout=0.5) is not None:
                return time.monotonic() - start
            time.sleep(0.2)
        raise BenchmarkError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group holds only this server and its workers
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()


# ---- tools ---------------------------------------------------------------------------------------------------
@dataclass
class Tools:
    dnsperf: str
    dnsmasq: str
    childsafe: str

    def versions(self) -> dict[str, str]:
        def first_line(argv: list[str], pattern: str) -> str:
            out = subprocess.run(argv, capture_output=True, text=True, check=False)
            match = re.search(pattern, out.stdout + out.stderr)
            return match.group(1) if match else "unknown"

        return {"dnsperf": first_line([self.dnsperf, "-h"], r"Version (\S+)"),
                "dnsmasq": first_line([self.dnsmasq, "--version"], r"Dnsmasq version (\S+)"),
                "python": platform.python_version()}


def find_tools() -> Tools:
    dnsperf = shutil.which("dnsperf")
    dnsmasq = shutil.which("dnsmasq") or next((p for p in ("/usr/sbin/dnsmasq", "/sbin/dnsmasq")
                                                if os.access(p, os.X_OK)), None)
    missing = [name for name, path in (("dnsperf", dnsperf), ("dnsmasq", dnsmasq)) if not path]
    if missing:
        raise BenchmarkError(f"{' and '.join(missing)} not found; on Debian or Ubuntu: {INSTALL_HINT}")
    venv = ROOT / ".venv" / "bin" / "childsafe"
    childsafe = str(venv) if venv.exists() else shutil.which("childsafe")
    if not childsafe:
        raise BenchmarkError("the childsafe command was not found; run scripts/setup (it creates .venv)")
    helps = subprocess.run([childsafe, "--help"], capture_output=True, text=True, check=False).stdout
    if not re.search(r"\bdns\b", helps) or not re.search(r"\blists\b", helps):
        raise BenchmarkError(f"{childsafe} has no `dns` and `lists` commands: this checkout predates the "
                             "filtering CLI")
    assert dnsperf and dnsmasq
    return Tools(dnsperf, dnsmasq, childsafe)


def dnsmasq_argv(tools: Tools, port: int, workdir: Path, tag: str, extra: Sequence[str]) -> list[str]:
    """dnsmasq in the foreground on 127.0.0.1:port, reading nothing from /etc, logging to a file."""
    user = _user()
    return [tools.dnsmasq, "--keep-in-foreground", "--conf-file=/dev/null", "--no-hosts", "--no-resolv",
            "--pid-file=", f"--log-facility={workdir / f'{tag}.dnsmasq.log'}", f"--port={port}",
            "--listen-address=127.0.0.1", "--bind-interfaces", *(["--user=" + user] if user else []), *extra]


def _user() -> str | None:
    if os.geteuid() != 0:
        return None  # dnsmasq only changes user when started as root
    return "root"  # keeps read access to our private temporary directory


# ---- dnsperf ---------------------------------------------------------------------------------------------------
@dataclass
class PerfRun:
    """One dnsperf run: its summary and the latency (seconds) of every answered query, from -v."""

    seconds: float
    sent: int
    completed: int
    lost: int
    latencies: array[float]
    rcodes: Counter[str]


def run_dnsperf(tools: Tools, port: int, queries: Path, seconds: float, clients: int, progress: Progress,
                label: str, max_qps: int | None = None) -> PerfRun:
    argv = [tools.dnsperf, "-s", "127.0.0.1", "-p", str(port), "-d", str(queries), "-c", str(clients),
            "-l", f"{seconds:g}", "-v"] + (["-Q", str(max_qps)] if max_qps else [])
    task = progress.add_task(label, total=seconds)
    latencies: array[float] = array("d")
    rcodes: Counter[str] = Counter()
    summary: list[str] = []
    start = time.monotonic()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as perf:
        assert perf.stdout is not None
        for count, line in enumerate(perf.stdout):
            if line.startswith("> "):  # "> NOERROR name A 0.000123", or "> T name A" for a timeout
                fields = line.split()
                rcodes[fields[1]] += 1
                if fields[1] != "T":
                    latencies.append(float(fields[-1]))
            else:
                summary.append(line)
            if count % 20_000 == 0:
                progress.update(task, completed=min(seconds, time.monotonic() - start))
    progress.remove_task(task)
    text = "".join(summary)
    if perf.returncode != 0:
        raise BenchmarkError(f"dnsperf failed ({perf.returncode}):\n{text[-2000:]}")

    def number(pattern: str) -> float:
        match = re.search(pattern, text)
        if not match:
            raise BenchmarkError(f"cannot read {pattern!r} in dnsperf's output:\n{text[-2000:]}")
        return float(match.group(1))

    return PerfRun(number(r"Run time \(s\):\s+([\d.]+)"), int(number(r"Queries sent:\s+(\d+)")),
                   int(number(r"Queries completed:\s+(\d+)")), int(number(r"Queries lost:\s+(\d+)")),
                   latencies, rcodes)


@dataclass
class PerfSummary:
    qps: float  # all rounds: answered queries / seconds
    qps_per_round: list[float]
    sent: int
    completed: int
    lost: int
    mean_ms: float
    p50_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    rcodes: dict[str, int]


def summarise(runs: Sequence[PerfRun]) -> PerfSummary:
    ordered = sorted(value for run in runs for value in run.latencies)

    def percentile(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else float("nan")

    seconds = sum(run.seconds for run in runs)
    completed = sum(run.completed for run in runs)
    rcodes: Counter[str] = Counter()
    for run in runs:
        rcodes.update(run.rcodes)
    return PerfSummary(qps=completed / seconds if seconds else 0.0,
                       qps_per_round=[round(run.completed / run.seconds, 1) for run in runs if run.seconds],
                       sent=sum(run.sent for run in runs), completed=completed, lost=sum(run.lost for run in runs),
                       mean_ms=sum(ordered) / len(ordered) * 1000 if ordered else float("nan"),
                       p50_ms=percentile(0.50), p99_ms=percentile(0.99), p999_ms=percentile(0.999),
                       max_ms=ordered[-1] * 1000 if ordered else float("nan"), rcodes=dict(rcodes))


# ---- the servers under test ------------------------------------------------------------------------------------
@dataclass
class Contender:
    """A server under test and what was measured of it."""

    name: str
    server: Server
    port: int
    load_seconds: float  # ChildSafe: list import plus start until the first answer; dnsmasq: start to answer
    baseline: Memory | None
    memory: Memory | None = None  # after loading and warming the cache
    runs: list[PerfRun] = field(default_factory=list)
    paced: PerfRun | None = None
    peak_kb: int = 0

    def check_alive(self) -> None:
        if self.server.process.poll() is not None:
            raise BenchmarkError(f"{self.name} exited during the benchmark:\n{self.server.log_tail()}")


def warm_and_check(port: int, workload: Workload, name: str) -> None:
    """Ask every allowed and safe-search name once (filling the cache) and a sample of blocked names."""
    problems: list[str] = []
    sample = [("blocked", n) for n in workload.blocked[:200]] + [("allowed", n) for n in workload.allowed] + \
        [("safe_search", n) for n in workload.safe_search]
    for kind, query in sample:
        problem = check(kind, query, ask(port, query))
        if problem and len(problems) < 5:
            problems.append(f"{kind} {query}: {problem}")
    if problems:
        raise BenchmarkError(f"{name} does not answer as the benchmark expects, so the comparison would be "
                             "meaningless:\n  " + "\n  ".join(problems))


def childsafe_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHILDSAFE_")}
    env["CHILDSAFE_DATA_DIR"] = str(data_dir)  # SQLite and the list index live there
    return env


def start_childsafe(tools: Tools, workdir: Path, tag: str, hosts: Path, upstream_port: int,
                    workers: int | None, probe: str) -> tuple[Server, int, float]:
    """Import `hosts` into a private data directory, serve it, and wait for an answer to `probe`."""
    env = childsafe_env(workdir / f"childsafe-{tag}")
    start = time.monotonic()
    imported = subprocess.run([tools.childsafe, "lists", "import", "--format", "hosts", str(hosts),
                               "--name", "bench"], env=env, capture_output=True, text=True, check=False)
    if imported.returncode != 0:
        raise BenchmarkError(f"childsafe lists import failed:\n{imported.stdout}{imported.stderr}")
    port = free_port()
    argv = [tools.childsafe, "dns", "--listen", f"127.0.0.1:{port}", "--upstream", f"127.0.0.1:{upstream_port}"]
    if workers:
        argv += ["--workers", str(workers)]
    server = Server("ChildSafe", argv, workdir / f"{tag}.childsafe.log", env)
    server.wait_ready(port, probe, timeout=300)
    return server, port, time.monotonic() - start


def start_dnsmasq(tools: Tools, workdir: Path, tag: str, hosts: Path, upstream_port: int,
                  probe: str) -> tuple[Server, int, float]:
    port = free_port()
    extra = [f"--addn-hosts={hosts}", f"--server=127.0.0.1#{upstream_port}", "--cache-size=10000"]
    extra += [f"--host-record={target},{address}" for target, address in SAFE_TARGETS.items()]
    extra += [f"--cname={name},{target}" for name, target in SAFE_SEARCH.items()]
    start = time.monotonic()
    server = Server("dnsmasq", dnsmasq_argv(tools, port, workdir, tag, extra), workdir / f"{tag}.dnsmasq.out")
    server.wait_ready(port, probe, timeout=300)  # dnsmasq reads its hosts files before it answers anything
    return server, port, time.monotonic() - start


def baseline_memory(tools: Tools, workdir: Path, upstream_port: int, which: str, workers: int | None) -> Memory:
    """RSS of a server loaded with a one-domain list: what it costs before any list."""
    hosts = workdir / "baseline.hosts"
    write_blocklist(hosts, 1)
    if which == "ChildSafe":
        server, port, _ = start_childsafe(tools, workdir, "baseline", hosts, upstream_port, workers,
                                          blocked_name(0))
    else:
        server, port, _ = start_dnsmasq(tools, workdir, "baseline", hosts, upstream_port, blocked_name(0))
    with running(server):
        ask(port, allowed_name(0))
        return memory_of(server.pid)


# ---- report ----------------------------------------------------------------------------------------------------
def _mb(kb: int) -> float:
    return kb * 1024 / MB


def figures(c: Contender, domains: int) -> dict[str, Any]:
    """What is known of one server, as it goes into the JSON file (and, formatted, into the table)."""
    assert c.memory is not None
    millions = domains / 1e6
    return {
        "load_seconds": round(c.load_seconds, 2),
        "rss_mb": round(c.memory.rss_mb, 1),
        "pss_mb": round(_mb(c.memory.pss_kb), 1),
        "rss_mb_per_million_domains": round(c.memory.rss_mb / millions, 1),
        "rss_mb_with_one_domain_list": round(c.baseline.rss_mb, 1) if c.baseline else None,
        "list_mb_per_million_domains": round(_mb(c.memory.rss_kb - c.baseline.rss_kb) / millions, 1)
        if c.baseline else None,
        "peak_rss_mb_after_runs": round(_mb(c.peak_kb), 1),
        "memory_after_load": asdict(c.memory),
        "memory_with_one_domain_list": asdict(c.baseline) if c.baseline else None,
        "saturated": asdict(summarise(c.runs)),
        "paced": asdict(summarise([c.paced])) if c.paced else None,
    }


def report(ours: Contender, theirs: Contender, workload: Workload, args: argparse.Namespace, tools: Tools,
           wall: float, load_at_start: tuple[float, float, float]) -> dict[str, Any]:
    a, b = figures(ours, workload.domains), figures(theirs, workload.domains)
    sa, sb = a["saturated"], b["saturated"]
    ratio = sa["qps"] / sb["qps"] if sb["qps"] else float("nan")
    qps_ok = ratio >= TARGET_QPS_RATIO
    memory_ok = a["rss_mb_per_million_domains"] <= TARGET_MB_PER_MILLION

    def verdict(ok: bool) -> str:
        return "[green]met[/green]" if ok else "[red]missed[/red]"

    def pair(key: str, spec: str, section: str | None = None) -> tuple[str, str]:
        values = [(f[section] or {}).get(key) if section else f[key] for f in (a, b)]
        mine, other = ("-" if v is None else format(v, spec) for v in values)
        return mine, other

    def spread(summary: dict[str, Any]) -> str:
        return f"{min(summary['qps_per_round']):,.0f}-{max(summary['qps_per_round']):,.0f}"

    rows = [
        ("queries/s", *pair("qps", ",.0f", "saturated"), f"{ratio:.2f}x",
         f">= {TARGET_QPS_RATIO:.2f}x {verdict(qps_ok)}"),
        ("  range over rounds", spread(sa), spread(sb), "", ""),
        ("p50 latency (ms)", *pair("p50_ms", ".2f", "saturated"), "", ""),
        ("p99 latency (ms)", *pair("p99_ms", ".2f", "saturated"), "", ""),
        ("mean latency (ms)", *pair("mean_ms", ".2f", "saturated"), "", ""),
        (f"p99 at {args.latency_qps}/s (ms)", *pair("p99_ms", ".2f", "paced"), "", ""),
        ("queries lost", *pair("lost", "d", "saturated"), "", ""),
        ("RSS after load (MB)", *pair("rss_mb", ".1f"), "", ""),
        ("RSS/1M domains (MB)", *pair("rss_mb_per_million_domains", ".1f"), "",
         f"<= {TARGET_MB_PER_MILLION:.0f} {verdict(memory_ok)}"),
        ("  PSS (MB)", *pair("pss_mb", ".1f"), "", ""),
        ("  1-domain list (MB)", *pair("rss_mb_with_one_domain_list", ".1f"), "", ""),
        ("  list alone/1M (MB)", *pair("list_mb_per_million_domains", ".1f"), "", ""),
        ("peak RSS (MB)", *pair("peak_rss_mb_after_runs", ".1f"), "", ""),
        ("load time (s)", *pair("load_seconds", ".1f"), "", ""),
    ]
    mix = ", ".join(f"{kind} {count / QUERY_LINES:.0%}" for kind, count in sorted(workload.lines.items()))
    table = Table(title=f"{workload.domains:,} blocked domains; queries: {mix}",
                  caption=f"dnsperf -c {args.clients}, {args.seconds:g} s per server in {args.rounds} alternating "
                          f"rounds; ChildSafe {ours.memory.processes if ours.memory else '?'} process(es); "
                          f"{os.cpu_count()} CPUs; MB = 10^6 bytes; {wall:.0f} s in all")
    for column in ("", ours.name, theirs.name, "ratio", "target"):
        table.add_column(column, justify="right" if column else "left")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    note = "Latency: every answered query's, as dnsperf -v reports it. The saturated runs keep 100 queries in " \
           "flight, so their latency is mostly queueing"
    console.print(note + (f"; the run at {args.latency_qps}/s shows it without load." if args.latency_qps else "."))
    for name, summary in ((ours.name, sa), (theirs.name, sb)):
        odd = {k: v for k, v in summary["rcodes"].items() if k not in ("NOERROR", "NXDOMAIN")}
        if odd:
            console.print(f"[yellow]{name} also answered {odd}[/yellow]")
    return {
        "benchmark": "dns_vs_dnsmasq", "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), **tools.versions(),
                    "load_average_at_start": [round(x, 2) for x in load_at_start],
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "settings": {"domains": workload.domains, "seconds": args.seconds, "rounds": args.rounds,
                     "clients": args.clients, "latency_qps": args.latency_qps,
                     "latency_seconds": args.latency_seconds, "childsafe_workers": args.workers,
                     "query_lines": QUERY_LINES, "query_mix": dict(workload.lines),
                     "distinct_blocked": len(workload.blocked), "distinct_allowed": len(workload.allowed),
                     "safe_search_names": workload.safe_search},
        "childsafe": a, "dnsmasq": b, "qps_ratio": round(ratio, 3),
        "targets": {"qps_ratio_at_least": TARGET_QPS_RATIO, "qps_ratio_met": qps_ok,
                    "mb_per_million_at_most": TARGET_MB_PER_MILLION, "mb_per_million_met": memory_ok},
        "wall_seconds": round(wall, 1),
    }


# ---- main ------------------------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--domains", type=int, default=1_000_000, help="blocklist size")
    parser.add_argument("--seconds", type=float, default=20, help="saturated dnsperf time per server")
    parser.add_argument("--rounds", type=int, default=4,
                        help="split --seconds into this many runs, alternating servers, so a slow spell of a "
                             "shared machine does not land on one server only")
    parser.add_argument("--clients", type=int, default=4, help="dnsperf -c")
    parser.add_argument("--latency-qps", type=int, default=1000, help="rate of the paced latency run (0: none)")
    parser.add_argument("--latency-seconds", type=float, default=5, help="length of the paced latency run")
    parser.add_argument("--workers", type=int, default=None, help="childsafe dns --workers (None: not passed)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip measuring each server's memory with a one-domain list")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (lists, logs)")
    args = parser.parse_args(argv)
    if min(args.domains, args.seconds, args.rounds, args.clients) <= 0:
        parser.error("--domains, --seconds, --rounds and --clients must be positive")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    tools = find_tools()
    began = time.monotonic()
    load_at_start = os.getloadavg()  # recorded: other work on the machine skews queries per second
    with ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="childsafe-dnsbench-"))
        if args.keep:
            console.print(f"working directory: {workdir}")
        else:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        progress = stack.enter_context(Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                                TimeElapsedColumn(), console=console, transient=True))

        @contextmanager
        def step(description: str) -> Iterator[None]:
            task = progress.add_task(description, total=None)
            yield
            progress.remove_task(task)

        with step(f"writing {args.domains:,} domains and the query file"):
            hosts, queries = workdir / "blocklist.hosts", workdir / "queries.txt"
            write_blocklist(hosts, args.domains)
            workload = make_workload(args.domains)
            workload.write_queries(queries, random.Random(2))

        upstream_port = free_port()
        upstream_argv = dnsmasq_argv(tools, upstream_port, workdir, "upstream", [
            f"--address=/{ALLOWED_ZONE}/{ALLOWED_ADDRESS}", f"--local-ttl={UPSTREAM_TTL}",
            *[f"--host-record={target},{address}" for target, address in SAFE_TARGETS.items()]])
        upstream = stack.enter_context(running(Server("upstream", upstream_argv, workdir / "upstream.out")))
        upstream.wait_ready(upstream_port, allowed_name(0), timeout=30)

        baselines: dict[str, Memory | None] = {"ChildSafe": None, "dnsmasq": None}
        if not args.no_baseline:
            with step("memory with a one-domain list"):
                for name in baselines:
                    baselines[name] = baseline_memory(tools, workdir, upstream_port, name, args.workers)

        probe = blocked_name(args.domains - 1)  # the list's last name: answered once the whole list is loaded
        with step(f"dnsmasq: loading {args.domains:,} domains"):
            server, port, load = start_dnsmasq(tools, workdir, "main", hosts, upstream_port, probe)
        theirs = Contender("dnsmasq", stack.enter_context(running(server)), port, load, baselines["dnsmasq"])
        with step(f"ChildSafe: importing and loading {args.domains:,} domains"):
            server, port, load = start_childsafe(tools, workdir, "main", hosts, upstream_port, args.workers, probe)
        ours = Contender("ChildSafe", stack.enter_context(running(server)), port, load, baselines["ChildSafe"])

        for contender in (theirs, ours):
            with step(f"{contender.name}: warming the cache and checking answers"):
                warm_and_check(contender.port, workload, contender.name)
                contender.memory = memory_of(contender.server.pid)
        slice_seconds = args.seconds / args.rounds
        for number in range(args.rounds):
            for contender in (theirs, ours) if number % 2 == 0 else (ours, theirs):
                contender.runs.append(run_dnsperf(
                    tools, contender.port, queries, slice_seconds, args.clients, progress,
                    f"{contender.name}: dnsperf -c {args.clients}, round {number + 1} of {args.rounds}"))
                contender.check_alive()
        for contender in (theirs, ours):
            if args.latency_qps:
                contender.paced = run_dnsperf(tools, contender.port, queries, args.latency_seconds, args.clients,
                                              progress, f"{contender.name}: dnsperf -Q {args.latency_qps}",
                                              max_qps=args.latency_qps)
            contender.check_alive()
            contender.peak_kb = memory_of(contender.server.pid).peak_kb
    results = report(ours, theirs, workload, args, tools, time.monotonic() - began, load_at_start)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to {args.output}")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except BenchmarkError as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 1
    except KeyboardInterrupt:
        console.print("interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
