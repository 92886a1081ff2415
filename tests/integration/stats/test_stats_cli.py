"""The statistics command line: synthetic files, upload (all rows or nothing), release, counts, ledger."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from childsafe.cli import app

runner = CliRunner()


def test_upload_release_and_ledger(cli_env: Path) -> None:
    made = runner.invoke(app, ["stats", "synthetic", str(cli_env / "s"), "--rows", "3000", "--rate",
                               "internet_use=0.9"])
    assert made.exit_code == 0, made.output
    survey, codebook = cli_env / "s" / "survey.csv", cli_env / "s" / "codebook.csv"
    lines = survey.read_text().splitlines()
    broken = cli_env / "broken.csv"
    broken.write_text("\n".join([*lines[:10], lines[10].replace(",", ",,", 1), *lines[11:]]) + "\n")
    failed = runner.invoke(app, ["stats", "upload", str(broken), "--codebook", str(codebook), "--name", "x",
                                 "--country", "KE", "--year", "2025"])
    assert failed.exit_code == 2 and "row 11" in failed.output and "nothing was changed" in failed.output
    assert "KE" not in runner.invoke(app, ["stats", "ledger"]).output
    uploaded = runner.invoke(app, ["stats", "upload", str(survey), "--codebook", str(codebook), "--name",
                                   "Kenya kids online", "--country", "KE", "--year", "2025", "--budget", "1"])
    assert uploaded.exit_code == 0, uploaded.output
    assert "dataset 1: 3,000 rows" in uploaded.output
    released = runner.invoke(app, ["stats", "release", "1", "--epsilon", "0.25", "--indicator",
                                   "access.internet_use"])
    assert released.exit_code == 0 and "epsilon 0.25 over 3 queries" in released.output
    over = runner.invoke(app, ["stats", "release", "1", "--epsilon", "0.9"])
    assert over.exit_code == 2 and "budget" in over.output
    assert "0.25" in runner.invoke(app, ["stats", "ledger", "1"]).output
    counts = runner.invoke(app, ["stats", "publish-counts", "--year", "2025", "--country", "KE"])
    assert counts.exit_code == 0, counts.output
    listed = json.loads(runner.invoke(app, ["stats", "indicators", "--json"]).output)
    assert len(listed["indicators"]) >= 15
    assert "access.internet_use" in runner.invoke(app, ["stats", "indicators", "--lang", "ru"]).output
