"""The trust & safety engineer's command line: banks, hash, match a folder, bulk hash lookups."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from childsafe.cli import app
from tests.unit.hashmatch.images import encode, picture

runner = CliRunner()


def test_import_hash_and_match_a_folder(cli_env: Path) -> None:
    folder = cli_env / "images"
    folder.mkdir()
    (folder / "known.png").write_bytes(encode(picture(31)))
    (folder / "copy.jpg").write_bytes(encode(picture(31).resize((256, 256)), "JPEG", quality=70))
    (folder / "other.png").write_bytes(encode(picture(32)))
    hashed = [json.loads(line) for line in runner.invoke(app, ["hash", "--json", str(folder / "known.png")]).output.splitlines()]
    assert hashed[0]["pdq_quality"] >= 50 and len(hashed[0]["sha256"]) == 64
    bank_file = cli_env / "list.csv"
    bank_file.write_text(f"signal_type,signal,note\npdq,{hashed[0]['pdq']},case 1\n")
    assert runner.invoke(app, ["banks", "create", "known", "--source", "test", "--licence", "internal"]).exit_code == 0
    imported = runner.invoke(app, ["banks", "import", "known", str(bank_file)])
    assert imported.exit_code == 0 and "1 added" in imported.output
    assert "known" in runner.invoke(app, ["banks", "list"]).output
    lines = [json.loads(line) for line in runner.invoke(app, ["match", str(folder)]).output.splitlines()]
    by_file = {Path(d["file"]).name: d["results"] for d in lines}
    pdq = {name: next(r for r in results if r["signal_type"] == "pdq") for name, results in by_file.items()}
    assert pdq["known.png"]["matches"][0]["distance"] == 0
    assert 0 < pdq["copy.jpg"]["matches"][0]["distance"] <= 31
    assert pdq["other.png"]["matches"] == []
    queries = cli_env / "q.txt"
    queries.write_text(f"pdq,{hashed[0]['pdq']}\nmd5,{'0' * 32}\n")
    bulk = [json.loads(line) for line in runner.invoke(app, ["match", "--hashes", str(queries)]).output.splitlines()]
    assert [bool(r["matches"]) for r in bulk] == [True, False]
    assert runner.invoke(app, ["banks", "reindex"]).exit_code == 0
    compact = runner.invoke(app, ["banks", "reindex", "--layout", "compact"])
    assert compact.exit_code == 0 and "(compact)" in compact.output
    again = [json.loads(line) for line in runner.invoke(app, ["match", "--hashes", str(queries)]).output.splitlines()]
    assert again[0]["matches"][0]["distance"] == 0 and again[1]["matches"] == []
    wrong = runner.invoke(app, ["banks", "reindex", "--layout", "tiny"])
    assert wrong.exit_code != 0 and "multi-index, compact" in wrong.output
    assert hashed[0]["pdq"] in runner.invoke(app, ["banks", "export", "known", "--format", "te"]).output


def test_bad_bank_file_changes_nothing(cli_env: Path) -> None:
    runner.invoke(app, ["banks", "create", "b"])
    bad = cli_env / "bad.txt"
    bad.write_text("md5 0cc175b9c0f1b6a831c399e269772661\nsha1 da39a3ee5e6b4b0d3255bfef95601890afd80709\n")
    result = runner.invoke(app, ["banks", "import", "b", str(bad), "--format", "te"])
    assert result.exit_code == 2 and "line 2" in result.output and "nothing was changed" in result.output
    assert runner.invoke(app, ["banks", "export", "b"]).output.strip() == "signal_type,signal"
