"""Every setting and extension point is documented (a setting nobody can find is a setting nobody uses)."""

from pathlib import Path

from childsafe.core.settings import Settings
from childsafe.filtering.listformats import registry as list_formats
from childsafe.hashmatch.formats import registry as bank_formats
from childsafe.hashmatch.signals import registry as signal_types
from childsafe.helplines.formats import registry

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"CHILDSAFE_{name.upper()}" in text, name


def test_every_extension_point_is_documented() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    for point in (registry, list_formats, signal_types, bank_formats):
        assert f"childsafe.{point.point}" in text
        for name in point.names():
            assert f"`{name}`" in text


def test_readme_starts_with_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "scripts/run" in head and "scripts/test" in head
    assert "scripts/test" in (DOCS.parent / ".ci" / "run").read_text()
