"""The bundled framework is complete in six languages and every rule of the file format is enforced."""

from __future__ import annotations

import pytest

from childsafe.core.settings import LANGUAGES
from childsafe.stats.framework import TEXTS, FrameworkError, load, parse

MINIMAL = """
version = "t"
[[modules]]
id = "access"
name = {ar = "a", en = "e", es = "s", fr = "f", ru = "r", zh = "z"}
[[indicators]]
id = "access.internet_use"
module = "access"
unit = "percent"
source_type = "survey"
variable = "internet_use"
universe = "UNIVERSE"
disaggregations = ["sex"]
sources = ["ITU 2010"]
""" + "".join(f'{key} = {{ar = "a", en = "e", es = "s", fr = "f", ru = "r", zh = "z"}}\n' for key in TEXTS)


def test_bundled_framework_covers_every_module_in_six_languages() -> None:
    framework = load()
    assert [m.id for m in framework.modules] == ["access", "risks", "skills", "helplines", "hotlines", "framework"]
    assert len(framework.indicators) >= 15
    for indicator in framework.indicators:
        assert indicator.sources, indicator.id
        for key in TEXTS:
            assert set(indicator.texts[key]) == set(LANGUAGES), (indicator.id, key)
    kinds = {i.source_type for i in framework.indicators}
    assert kinds == {"survey", "administrative", "national"}
    assert {i.admin_source for i in framework.of("administrative")} == {"helpline_contacts", "hotline_reports",
                                                                          "hotline_takedown_days"}
    assert {i.risk_type for i in framework.indicators if i.module == "risks"} == {"content", "contact", "conduct",
                                                                                    "contract"}


def test_a_minimal_file_parses() -> None:
    framework = parse(MINIMAL.replace('"UNIVERSE"', '""'))
    assert framework.get("access.internet_use").text("name", "zh") == "z"


@pytest.mark.parametrize(("change", "message"), [
    (('zh = "z"}\n[[indicators]]', 'zh = ""}\n[[indicators]]'), "no text in zh"),
    (('"UNIVERSE"', '"nothing"'), "universe 'nothing'"),
    (('unit = "percent"', 'unit = "ratio"'), "unit must be one of"),
    (('sources = ["ITU 2010"]', "sources = []"), "public source"),
    (('module = "access"', 'module = "other"'), "known module"),
    (('disaggregations = ["sex"]', 'disaggregations = ["income"]'), "survey disaggregations"),
    (("version", "version = = "), "not valid TOML"),
])
def test_invalid_files_name_the_problem(change: tuple[str, str], message: str) -> None:
    text = MINIMAL.replace('"UNIVERSE"', '""') if change[0] != '"UNIVERSE"' else MINIMAL
    with pytest.raises(FrameworkError, match=message):
        parse(text.replace(*change, 1))
