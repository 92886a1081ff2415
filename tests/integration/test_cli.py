"""The command line: validate, import (all or nothing), export, and creating the first admin."""

import json
from pathlib import Path

from typer.testing import CliRunner

from childsafe.cli import app
from childsafe.helplines.formats import HelplineFormat

runner = CliRunner()


def test_validate_bundled() -> None:
    result = runner.invoke(app, ["helplines", "validate"])
    assert result.exit_code == 0 and "ok:" in result.output


def test_validate_reports_record_and_field(tmp_path: Path) -> None:
    bad = HelplineFormat.examples()[0] | {"timezone": "Atlantis/Capital"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([bad]))
    result = runner.invoke(app, ["helplines", "validate", str(path)])
    assert result.exit_code == 1
    assert "de-example-line: timezone" in result.output


def test_import_is_all_or_nothing_and_export_round_trips(cli_env: Path) -> None:
    good = HelplineFormat.examples()[0]
    bad = good | {"id": "de-second", "contacts": [{"channel": "phone", "value": "12"}]}
    path = cli_env / "mixed.json"
    path.write_text(json.dumps([good, bad]))
    failed = runner.invoke(app, ["helplines", "import", str(path)])
    assert failed.exit_code == 2 and "nothing was changed" in failed.output
    exported = runner.invoke(app, ["helplines", "export", "--format", "csv", "-o", str(cli_env / "out.csv")])
    assert exported.exit_code == 0
    assert "de-example-line" not in (cli_env / "out.csv").read_text()
    path.write_text(json.dumps([good]))
    assert runner.invoke(app, ["helplines", "import", str(path)]).exit_code == 0
    again = runner.invoke(app, ["helplines", "import", str(cli_env / "out.csv")])
    assert again.exit_code == 0 and "created 0, updated 0" in again.output


def test_admin_create(cli_env: Path) -> None:
    result = runner.invoke(app, ["admin", "create", "boss", "--password", "long enough password"])
    assert result.exit_code == 0 and "boss" in result.output
    short = runner.invoke(app, ["admin", "create", "tiny", "--password", "short"])
    assert short.exit_code == 2 and "password" in short.output
    assert "boss\tadmin" in runner.invoke(app, ["admin", "list"]).output
