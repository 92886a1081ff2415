"""Learning pages in headless Chromium: every page type in every language passes axe-core (WCAG 2.2 AA), Arabic
reads right to left, pages fit a small phone, and a learner completes a course to a certificate."""

from __future__ import annotations

import re
from typing import Any

import pytest

from childsafe.core.settings import LANGUAGES
from childsafe.learn import courses
from tests.browser.conftest import sign_in
from tests.browser.test_help_browser import axe_violations, new_page

pytestmark = pytest.mark.browser

PUBLIC = ("/learn", "/learn/children", "/learn/children/9-12", "/learn/parents", "/learn/parents/privacy",
          "/learn/children/under-9/privacy", "/learn/children/13-17/get-help?country=FR", "/learn/industry/ai",
          "/learn/policy/strategy", "/learn/search?q=privacy", "/learn/courses", "/learn/courses/explorer-9-12",
          "/learn/courses/explorer-9-12/{lesson}", "/learn/campaigns")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_type_is_accessible(browser: Any, live_server: str, lang: str) -> None:
    lesson = courses.bundled().get("explorer-9-12", lang).lessons[0]
    page = new_page(browser, viewport={"width": 360, "height": 740})
    for path in PUBLIC:
        url = f"{live_server}{path.format(lesson=lesson.id)}{'&' if '?' in path else '?'}lang={lang}"
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == lang, path
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 362, (path, width)  # nothing wider than a small phone
        assert axe_violations(page) == [], (lang, path)
    # The quiz with its feedback shown.
    page.goto(f"{live_server}/learn/courses/explorer-9-12/{lesson.id}?lang={lang}")
    page.locator("main form input[type=radio]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".feedback")
    assert axe_violations(page) == [], (lang, "quiz feedback")
    assert page.context.cookies() == []  # reading, searching and quizzes set no cookie
    page.goto(f"{live_server}/learn/signup?lang={lang}")  # the sign-up form needs its CSRF cookie
    assert axe_violations(page) == [], (lang, "signup")
    editor = sign_in(browser, live_server, "editor1", lang)
    for path in ("/learn/manage", "/learn/manage/edit?page=parents/privacy&edit_lang=ar"):
        editor.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert axe_violations(editor) == [], (lang, path)


def test_a_learner_signs_up_completes_a_course_and_checks_the_certificate(browser: Any, live_server: str) -> None:
    course = courses.bundled().get("explorer-9-12", "fr")
    page = new_page(browser)
    page.goto(f"{live_server}/learn/signup?lang=fr")
    page.fill("#s-username", "lea-apprend")
    page.fill("#s-password", "une phrase de passe assez longue")
    page.fill("#s-name", "Léa")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/login.*"))
    page.fill("#username", "lea-apprend")
    page.fill("#password", "une phrase de passe assez longue")
    page.locator("main form button").click()
    page.wait_for_url(re.compile(r".*/learn/courses.*"))
    for lesson in course.lessons:
        page.goto(f"{live_server}/learn/courses/{course.id}/{lesson.id}?lang=fr")
        for question in lesson.questions:
            page.check(f"#{question.id}-{question.answer}")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("[role=status]")
    page.goto(f"{live_server}/learn/courses/{course.id}?lang=fr")
    page.fill("#cert-name", "Léa")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/learn/certificates/[A-Z0-9]+.*"))
    assert "Léa" in page.locator("main").inner_text()
    assert axe_violations(page) == []
