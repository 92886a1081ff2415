"""CSV and SDMX-JSON exports and the server-drawn chart."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from childsafe.stats import export
from childsafe.http.charts import Bar, bar_chart
from childsafe.stats.framework import load
from childsafe.stats.models import Figure, Release

PREPARED = datetime(2026, 11, 28, tzinfo=UTC)


def rows() -> list[tuple[Figure, Release]]:
    survey = Release(id=1, method="differential_privacy", source="National survey 2025")
    counts = Release(id=2, method="small_cell_suppression", source="Helpline records")
    return [(Figure(country="KE", year=2025, subgroup="female", value=71.5, margin=1.2, status="published"), survey),
            (Figure(country="KE", year=2025, subgroup="male", value=None, margin=None, status="suppressed"), counts),
            (Figure(country="BR", year=2025, subgroup="female", value=88.0, margin=0.4, status="published"), survey)]


def test_sdmx_json_has_a_key_per_observation_and_marks_suppressed_cells() -> None:
    indicator = load().get("access.internet_use")
    message = export.to_sdmx_json(rows(), indicator, "sex", PREPARED)
    json.dumps(message)
    dims = message["structure"]["dimensions"]["observation"]
    assert [d["id"] for d in dims] == ["REF_AREA", "INDICATOR", "SEX", "TIME_PERIOD"]
    assert [v["id"] for v in dims[0]["values"]] == ["BR", "KE"]
    assert [v["id"] for v in dims[2]["values"]] == ["F", "M"]
    observations = message["dataSets"][0]["observations"]
    assert observations["1:0:0:0"][0] == 71.5 and observations["0:0:0:0"][0] == 88.0
    suppressed = observations["1:0:1:0"]
    attributes = message["structure"]["attributes"]["observation"]
    assert suppressed[0] is None
    assert attributes[0]["values"][suppressed[1]]["id"] == "O"
    assert attributes[1]["values"][suppressed[2]]["id"] == "C"
    assert attributes[3]["values"][observations["1:0:0:0"][4]]["id"] == "1.2"


def test_csv_has_one_line_per_figure() -> None:
    text = export.to_csv(rows(), load().get("access.internet_use"))
    lines = text.splitlines()
    assert lines[0].startswith("indicator,country,year,dimension,group,value")
    assert len(lines) == 4 and ",suppressed," in lines[2]


def test_chart_is_labelled_and_escapes_text() -> None:
    svg = bar_chart([Bar("Kenya <b>", 71.5, 1.2), Bar("Brazil", None, note="Suppressed"), Bar("Chile", 40.0)],
                    title="Use & access", description="desc", unit="percent", ident="t")
    assert 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert "<title id=\"t-title\">Use &amp; access</title>" in svg
    assert "Kenya &lt;b&gt;" in svg and "<b>" not in svg
    assert svg.count("<rect") == 2 and "Suppressed" in svg and "71.5 % ± 1.2" in svg
