"""The RPZ export loaded into Debian's Unbound, checked with a real DNS client (dnspython)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import pytest
from typer.testing import CliRunner

from childsafe.cli import app
from childsafe.core.settings import get_settings
from tests.integration.filtering.fakes import ThreadedUpstream

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
UNBOUND = shutil.which("unbound") or "/usr/sbin/unbound"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHILDSAFE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHILDSAFE_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'db.sqlite3'}")
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(app, ["lists", "import", "--format", "ut1", str(FIXTURES / "ut1"), "--name", "ut1"]).exit_code == 0
    result = runner.invoke(app, ["filtering", "export-rpz", "-o", str(tmp_path / "childsafe.rpz")])
    assert result.exit_code == 0, result.output
    get_settings.cache_clear()
    return tmp_path / "childsafe.rpz"


def test_unbound_applies_the_exported_policy(zone: Path, tmp_path: Path) -> None:
    if not Path(UNBOUND).exists():
        import os
        if os.environ.get("CI"):
            pytest.fail("unbound is missing in CI: scripts/system-deps installs it")
        pytest.skip("unbound not installed")
    with ThreadedUpstream() as upstream:
        run_unbound(zone, tmp_path, upstream.port)


def run_unbound(zone: Path, tmp_path: Path, upstream_port: int) -> None:
    port = free_port()
    config = tmp_path / "unbound.conf"
    config.write_text(f"""
server:
    interface: 127.0.0.1
    port: {port}
    do-daemonize: no
    use-syslog: no
    logfile: ""
    username: ""
    chroot: ""
    directory: "{tmp_path}"
    pidfile: ""
    module-config: "respip iterator"
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    verbosity: 0
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@{upstream_port}
rpz:
    name: rpz.childsafe.
    zonefile: "{zone}"
""")
    check = subprocess.run([UNBOUND.replace("unbound", "unbound-checkconf"), str(config)], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    process = subprocess.Popen([UNBOUND, "-d", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        def ask(name: str) -> dns.message.Message:
            return dns.query.udp(dns.message.make_query(name, "A"), "127.0.0.1", port=port, timeout=2)

        deadline = time.monotonic() + 15
        while True:
            try:
                blocked = ask("casino.example")
                break
            except (dns.exception.Timeout, ConnectionRefusedError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(process.stdout.read().decode() if process.poll() is not None else "timeout")
        assert blocked.rcode() == dns.rcode.NXDOMAIN
        assert ask("www.bet.example").rcode() == dns.rcode.NXDOMAIN
        assert ask("doh-provider.example").rcode() == dns.rcode.NXDOMAIN  # bypass protection
        safe = ask("www.google.com")
        assert any("forcesafesearch.google.com" in rrset.to_text() for rrset in safe.answer)
        youtube = ask("www.youtube.com")
        assert any("restrictmoderate.youtube.com" in rrset.to_text() for rrset in youtube.answer)
        assert ask("use-application-dns.net").rcode() == dns.rcode.NXDOMAIN
    finally:
        process.terminate()
        process.wait(10)
