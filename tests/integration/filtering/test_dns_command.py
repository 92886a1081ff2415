"""`childsafe dns` as a real process: it publishes the snapshot, becomes the lean worker, and follows changes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
from typer.testing import CliRunner

from childsafe.cli import app
from childsafe.db.engine import Database
from childsafe.filtering import service
from tests.integration.filtering.fakes import ThreadedUpstream

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(port: int, name: str, source: str = "127.0.0.1") -> dns.message.Message:
    return dns.query.udp(dns.message.make_query(name, "A"), "127.0.0.1", port=port, source=source, timeout=2)


def test_dns_command_serves_and_follows_changes(cli_env: Path, database_url: str) -> None:
    with ThreadedUpstream() as upstream:
        run(cli_env, database_url, upstream.port)


def run(cli_env: Path, database_url: str, upstream_port: int) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["lists", "import", "--format", "ut1", str(FIXTURES / "ut1"), "--name", "ut1"]).exit_code == 0
    port = free_port()
    env = {**os.environ, "CHILDSAFE_DATA_DIR": str(cli_env), "CHILDSAFE_DATABASE_URL": database_url}
    process = subprocess.Popen([sys.executable, "-m", "childsafe", "dns", "--listen", f"127.0.0.1:{port}",
                                "--upstream", f"127.0.0.1:{upstream_port}", "--block-address", "192.0.2.9"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                reply = ask(port, "casino.example")
                break
            except (dns.exception.Timeout, ConnectionRefusedError):
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline
        assert reply.answer[0].to_text().endswith("IN A 192.0.2.9")
        status = Path(f"/proc/{process.pid}/status").read_text()
        assert "childsafe.filtering.worker" in Path(f"/proc/{process.pid}/cmdline").read_text()  # exec'd, lean
        assert int(status.split("VmRSS:")[1].split()[0]) < 80_000  # kB: no database or web stack resident
        # a guardian gives 127.0.0.5 a profile that allows gambling; the running worker follows the snapshot
        database = Database(database_url)
        with database.unit_of_work() as session:
            from childsafe.accounts import service as accounts
            from childsafe.core.audit import CLI_ACTOR

            user = accounts.create_user(session, username="gina", password="a long enough password", roles=["guardian"],
                                        actor=CLI_ACTOR)
            parent = accounts._principal(user, "session")  # noqa: SLF001
            profile = service.save_profile(session, {"name": "teen", "preset": "16_17",
                                                     "unblocked_categories": ["gambling"]}, principal=parent)
            service.add_device(session, profile.id, name="laptop", network="127.0.0.5", principal=parent)
            service.publish(session, cli_env)
        database.dispose()
        deadline = time.monotonic() + 15
        while ask(port, "casino.example", "127.0.0.5").answer and time.monotonic() < deadline:
            time.sleep(0.5)
        assert ask(port, "casino.example", "127.0.0.5").rcode() == dns.rcode.NXDOMAIN  # forwarded, not blocked
        assert ask(port, "casino.example").answer[0].to_text().endswith("192.0.2.9")  # others unchanged
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
