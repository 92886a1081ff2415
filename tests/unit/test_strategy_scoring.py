"""Scores, gaps and the roadmap from answers, on the bundled framework (pure, no database)."""

from __future__ import annotations

import pytest

from childsafe.core.settings import LANGUAGES
from childsafe.strategy import scoring
from childsafe.strategy.framework import FrameworkError, load, parse


def test_the_framework_covers_ten_areas_in_six_languages_and_six_regions() -> None:
    framework = load()
    assert [a.id for a in framework.areas] == ["governance", "legal", "law_enforcement", "victim_support",
                                               "reporting", "industry", "education", "research", "international",
                                               "participation"]
    assert len(framework.levels) == 5 and len(framework.capabilities()) >= 20
    for capability in framework.capabilities():
        for key in ("name", "question", "evidence", "action"):
            assert set(capability.texts[key]) == set(LANGUAGES)
    assert set(framework.regions) == {"africa", "americas", "arab_states", "asia_pacific", "cis", "europe"}
    assert framework.region_of("KE") == "africa" and framework.region_of("FR") == "europe"
    assert framework.region_of("EG") == "arab_states" and framework.region_of("RU") == "cis"


def test_scores_and_roadmap_order() -> None:
    framework = load()
    first, second = framework.areas[0], framework.areas[-1]
    levels = {c.id: 4 for c in framework.capabilities()}
    levels[first.capabilities[0].id] = 0  # a foundational gap
    levels[second.capabilities[0].id] = 0  # the same gap in a less foundational area
    levels[first.capabilities[1].id] = 3  # established: kept going in year 3
    levels[first.capabilities[2].id] = None  # not answered: counted as a gap, not as zero in the score
    scores = {s.area: s for s in scoring.area_scores(framework, levels)}
    assert scores[first.id].answered == len(first.capabilities) - 1
    assert scores[first.id].score == round(100 * 3 / ((len(first.capabilities) - 1) * 4), 1)
    plan = scoring.roadmap(framework, levels)
    ids = [a.capability.id for a in plan]
    assert ids.index(first.capabilities[0].id) < ids.index(second.capabilities[0].id)
    assert plan[-1].phase == "sustain" and plan[-1].capability.id == first.capabilities[1].id
    unanswered = next(a for a in plan if a.capability.id == first.capabilities[2].id)
    assert unanswered.level == 0 and unanswered.phase == "foundations"
    full = {c.id: 4 for c in framework.capabilities()}
    assert scoring.roadmap(framework, full) == [] and scoring.overall(scoring.area_scores(framework, full)) == 100


def test_a_broken_framework_is_refused() -> None:
    with pytest.raises(FrameworkError, match="levels are 0 to 4"):
        parse('version = "x"\n', "")
    regions = '[[regions]]\nid = "a"\ncountries = ["KE"]\nname = {ar="a",en="a",es="a",fr="a",ru="a",zh="a"}\n'
    with pytest.raises(FrameworkError, match="KE is in two regions"):
        levels = "".join(f'[[levels]]\nvalue = {i}\nname = {{ar="a",en="a",es="a",fr="a",ru="a",zh="a"}}\n'
                         f'description = {{ar="a",en="a",es="a",fr="a",ru="a",zh="a"}}\n' for i in range(5))
        parse(levels, regions + regions.replace('id = "a"', 'id = "b"'))
