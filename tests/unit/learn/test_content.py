"""Every bundled page and course keeps the file contract (docs/learn-content.md), and the contract's rules are
enforced with messages that name the file."""

from __future__ import annotations

from datetime import date

import pytest

from childsafe.core.settings import LANGUAGES
from childsafe.learn import content, courses
from childsafe.learn.content import AUDIENCES, BANDS, ContentError, Library, Page, page_id, parse_page
from pathlib import PurePosixPath

GOOD = '+++\ntitle = "T"\nsummary = "S."\nreviewed = 2026-11-28\nrevision = 1\n+++\n## Part\n\nText [help](/help).\n'


def test_the_four_guideline_sets_exist_with_the_childrens_age_bands() -> None:
    lib = content.bundled()
    ids = lib.ids()
    for audience in AUDIENCES:
        assert lib.in_audience(audience), audience
    for band in BANDS:
        assert lib.in_audience("children", band), band
    for topic in ("grooming-sextortion", "self-generated-images", "cyberbullying", "privacy", "wellbeing", "gaming",
                  "ai", "parental-controls", "get-help"):
        assert f"parents/{topic}" in ids, topic
    assert "policy/strategy" in ids and "children/13-17/get-help" in ids


def test_every_page_is_in_every_language() -> None:
    lib = content.bundled()
    for ident in lib.ids():
        for lang in LANGUAGES:
            assert (lang, ident) in lib.pages, (lang, ident)
            assert lib.state(ident, lang) == "current", (lang, ident)


def test_adult_pages_name_their_sources() -> None:
    lib = content.bundled()
    for ident in lib.ids():
        if not ident.startswith("children/"):
            assert "## Sources" in lib.source(ident).body, ident


def test_courses_have_lessons_quizzes_and_their_illustrations() -> None:
    from importlib import resources  # noqa: PLC0415

    catalogue = courses.bundled()
    assert len(catalogue.ids()) >= 3
    folder = resources.files("childsafe.learn").joinpath("static/illustrations")
    for ident in catalogue.ids():
        for lang in LANGUAGES:
            course = catalogue.courses[(lang, ident)]
            for lesson in course.lessons:
                assert folder.joinpath(lesson.illustration).is_file(), lesson.illustration
                svg = folder.joinpath(lesson.illustration).read_text()
                assert "<script" not in svg and "<text" not in svg and "href" not in svg


def test_a_good_page_parses_and_its_id_comes_from_the_path() -> None:
    page = parse_page(GOOD, "parents/privacy", "en")
    assert (page.audience, page.topic, page.band, page.revision) == ("parents", "privacy", None, 1)
    assert page_id(PurePosixPath("children/9-12/ai.md")) == "children/9-12/ai"


@pytest.mark.parametrize(("text", "message"), [
    ("no front matter", "front matter between"),
    (GOOD.replace("revision = 1", "revision = 0"), "whole number"),
    (GOOD.replace('title = "T"', 'title = "' + "x" * 91 + '"'), "title is 1-90"),
    (GOOD.replace("## Part", "# Part"), "level-1 heading"),
    (GOOD.replace("Text", "<script>x</script>"), "raw HTML"),
    (GOOD.replace("Text", "Call 0800 1111"), "phone numbers"),
    (GOOD.replace("reviewed = 2026-11-28\n", ""), "front matter needs exactly"),
    (GOOD.replace("title", "titel"), "front matter needs exactly"),
])
def test_broken_pages_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        parse_page(text, "parents/privacy", "en")


def test_translations_carry_the_source_revision_and_can_be_outdated() -> None:
    translated = parse_page(GOOD.replace("revision = 1", "source_revision = 1"), "parents/privacy", "fr")
    with pytest.raises(ContentError, match="source_revision"):
        parse_page(GOOD, "parents/privacy", "fr")
    source = Page("parents/privacy", "en", "T", "S", date(2026, 1, 1), 2, "b\n")
    lib = Library({("en", source.id): source, ("fr", source.id): translated})
    assert lib.state(source.id, "fr") == "outdated" and lib.state(source.id, "ru") == "missing"
    assert lib.get(source.id, "ru") is source  # falls back to English


@pytest.mark.parametrize("path", ["children/privacy.md", "parents/9-12/privacy.md", "teachers/privacy.md",
                                  "parents/cooking.md", "parents/privacy.txt"])
def test_misplaced_files_are_refused(path: str) -> None:
    with pytest.raises(ContentError, match="expected"):
        page_id(PurePosixPath(path))
