"""Markdown rendering, search in each script, and quiz grading."""

from __future__ import annotations

import pytest

from childsafe.learn import courses
from childsafe.learn.content import ContentError
from childsafe.learn.markdown import plain_text, to_html
from childsafe.learn.search import Index, terms

COURSE = """
title = "C"
summary = "S"
audience = "parents"
reviewed = 2026-11-28
revision = 1
pass_mark = 0.75
[[lessons]]
id = "one"
title = "One"
illustration = "x.svg"
illustration_alt = "x"
body = "Text"
[[lessons.questions]]
id = "q1"
text = "?"
choices = ["a", "b"]
answer = 1
explanation = "b"
[[lessons.questions]]
id = "q2"
text = "?"
choices = ["a", "b", "c"]
answer = 0
explanation = "a"
"""


def test_site_links_keep_the_language_and_nothing_unsafe_renders() -> None:
    html = str(to_html("[help](/help) [out](https://example.org) [x](javascript:alert(1)) <b>b</b>", "ar"))
    assert 'href="/help?lang=ar"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "javascript:" not in html.replace("[x](javascript:alert(1))", "")
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert plain_text("## Title\n\nSome **bold** [link](/x)").split() == ["Title", "Some", "bold", "link"]


@pytest.mark.parametrize(("lang", "text", "query"), [
    ("fr", "La vie privée des élèves", "eleves vie privee"),
    ("ru", "Ёжик и безопасность", "ежик"),
    ("ar", "التنمّر الإلكتروني في المدرسة", "تنمر إلكتروني"),
    ("zh", "如何应对网络欺凌", "网络欺凌"),
    ("es", "Sextorsión: qué hacer", "sextorsion"),
])
def test_search_folds_each_script(lang: str, text: str, query: str) -> None:
    index = Index(lang)
    index.add("hit", text, "", "")
    index.add("miss", "autre chose другое 其他 أخرى", "", "")
    assert [h.id for h in index.search(query)] == ["hit"]


def test_titles_weigh_more_than_bodies() -> None:
    index = Index("en")
    index.add("body", "Games", "", "privacy " * 2)
    index.add("title", "Privacy", "", "")
    assert [h.id for h in index.search("privacy")][0] == "title"
    assert terms("The AND of", "en") == []


def test_grading_and_pass_mark() -> None:
    course = courses.parse_course(COURSE, "c", "en")
    lesson = course.lessons[0]
    both = courses.grade(course, lesson, {"q1": "1", "q2": "0"})
    assert (both.right, both.passed, both.results) == (2, True, {"q1": True, "q2": True})
    one = courses.grade(course, lesson, {"q1": "1", "q2": "2"})
    assert (one.right, one.passed) == (1, False)  # 1/2 is below 0.75
    junk = courses.grade(course, lesson, {"q1": "-1", "q2": "zero"})
    assert junk.right == 0


@pytest.mark.parametrize(("change", "message"), [
    (("answer = 1", "answer = 2"), "answer is the index"),
    (('choices = ["a", "b"]', 'choices = ["a"]'), "2 to 4 choices"),
    (('audience = "parents"', 'audience = "cats"'), "audience"),
    (('body = "Text"', 'body = "<i>x</i>"'), "raw HTML"),
    (("pass_mark = 0.75", "pass_mark = 2"), "pass_mark"),
])
def test_broken_courses_name_the_problem(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ContentError, match=message):
        courses.parse_course(COURSE.replace(*change, 1), "c", "en")
