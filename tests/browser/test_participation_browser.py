"""The national self-assessment, a youth consultation and the working group's space in headless Chromium: the
flows from the issue end to end, and axe-core over every page type in every language."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from childsafe.core.settings import LANGUAGES
from childsafe.strategy.framework import load
from tests.browser.conftest import sign_in
from tests.browser.test_help_browser import axe_violations, new_page

pytestmark = pytest.mark.browser


def test_a_ministry_team_completes_a_self_assessment_and_downloads_its_roadmap(browser: Any,
                                                                              live_server: str) -> None:
    page = sign_in(browser, live_server, "policy1", "fr")
    page.goto(f"{live_server}/strategy?lang=fr")
    page.fill("#a-title", "Auto-évaluation nationale 2026")
    page.fill("#a-country", "SN")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/strategy/assessments/\d+.*"))
    assert axe_violations(page) == []
    for n, area in enumerate(load().areas):
        for m, capability in enumerate(area.capabilities):
            key = capability.id.replace(".", "__")
            page.check(f"#{key}-{(n + m) % 5}")
        page.locator(f"#area-{area.id} form").first.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*#area-.*"))
    page.get_by_role("button", name=re.compile("Finaliser|Finalise")).click()
    page.wait_for_url(re.compile(r".*/results.*"))
    assert page.locator("svg.chart rect").count() == len(load().areas)
    assert axe_violations(page) == []
    pdf_link = page.locator("a[href*='roadmap.pdf']").get_attribute("href")
    response = page.request.get(f"{live_server}{pdf_link}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"


def test_a_youth_consultation_runs_end_to_end(browser: Any, live_server: str) -> None:
    organiser = sign_in(browser, live_server, "secretariat1", "en")
    organiser.goto(f"{live_server}/consultations-manage?lang=en")
    assert axe_violations(organiser) == []
    now = datetime.now(UTC)
    organiser.fill("#n-slug", "browser-2027")
    organiser.fill("#n-title", "Your voice on online safety")
    organiser.fill("#n-questions", "choice | Which matters most? | Privacy; Kindness\nopen | What should change?")
    organiser.fill("#n-opens", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    organiser.fill("#n-closes", (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    organiser.get_by_role("button", name="Create").click()
    organiser.wait_for_url(re.compile(r".*/consultations-manage/\d+.*"))
    organiser.select_option("#t-lang", "ar")
    organiser.fill("#t-title", "صوتك بشأن السلامة على الإنترنت")
    organiser.fill("#t-questions", "choice | ما الأهم؟ | الخصوصية; اللطف\nopen | ما الذي يجب أن يتغير؟")
    organiser.get_by_role("button", name="Save the language").click()
    young = new_page(browser, locale="ar-EG", viewport={"width": 360, "height": 740})
    young.goto(f"{live_server}/consultations/browser-2027?lang=ar")
    assert young.locator("html").get_attribute("dir") == "rtl"
    assert "صوتك" in young.locator("h1").inner_text()
    assert axe_violations(young) == []
    young.select_option("#age_band", "13-15")
    young.select_option("#country", "EG")
    young.locator("main fieldset input[type=radio]").nth(0).check()
    young.locator("main textarea").fill("More lessons about privacy at school.")
    time.sleep(3.2)  # a person takes a few seconds; the form refuses instant answers
    young.locator("main form button[type=submit]").click()
    young.wait_for_selector("main h1")
    assert young.context.cookies() == []
    organiser.reload()
    organiser.locator("main form input[value=approved]").first.check()
    organiser.get_by_role("button", name="Save decisions").click()
    results = new_page(browser)
    results.goto(f"{live_server}/consultations/browser-2027/results?lang=en")
    assert "More lessons about privacy at school." in results.locator("main").inner_text()
    assert axe_violations(results) == []


PUBLIC = ("/strategy", "/strategy/assessments/1/results", "/consultations", "/consultations/seed-2026",
          "/consultations/seed-2026/results", "/documents", "/documents/1", "/best-practices", "/best-practices/1")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_pages_in_every_language(browser: Any, live_server: str, lang: str) -> None:
    page = new_page(browser, viewport={"width": 360, "height": 740})
    for path in PUBLIC:
        page.goto(f"{live_server}{path}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert axe_violations(page) == [], (lang, path)
    staff = sign_in(browser, live_server, "secretariat1", lang)
    for path in ("/documents-manage", "/best-practices/review", "/consultations-manage"):
        staff.goto(f"{live_server}{path}?lang={lang}")
        assert axe_violations(staff) == [], (lang, path)
    staff.goto(f"{live_server}/consultations-manage/1?lang={lang}")
    assert axe_violations(staff) == [], (lang, "consultation editing")
    policy = sign_in(browser, live_server, "policy1", lang)
    for path in ("/best-practices/submit", "/strategy/assessments/1"):
        policy.goto(f"{live_server}{path}?lang={lang}")
        assert axe_violations(policy) == [], (lang, path)
