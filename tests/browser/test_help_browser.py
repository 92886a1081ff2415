"""A child finds help in headless Chromium, in Arabic and in French; every page passes axe-core at WCAG 2.2 AA."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS)
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]]


def new_page(browser: Any, **options: Any) -> Any:
    context = browser.new_context(bypass_csp=True, **options)  # only so the axe script can be injected
    return context.new_page()


def test_child_finds_help_in_arabic(browser: Any, live_server: str) -> None:
    page = new_page(browser, locale="ar-EG", viewport={"width": 360, "height": 740})
    page.goto(f"{live_server}/help?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.select_option("#country", "SA")
    page.get_by_role("button").filter(has_text=re.compile(".+")).last.click()
    page.wait_for_selector("article.helpline")
    assert "116111" in page.locator("article.helpline").first.inner_text()
    assert page.locator(".emergency a").first.get_attribute("href").startswith("tel:")
    assert page.context.cookies() == []
    assert axe_violations(page) == []


def test_child_finds_help_in_french_with_country_from_browser(browser: Any, live_server: str) -> None:
    page = new_page(browser, locale="fr-FR", extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    page.goto(f"{live_server}/help")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#country").input_value() == "FR"
    page.select_option("#topic", "bullying")
    page.locator("form.help-form button").click()
    page.wait_for_selector("article.helpline")
    text = page.locator("main").inner_text()
    assert "119" in text
    assert axe_violations(page) == []


def test_help_works_without_javascript(browser: Any, live_server: str) -> None:
    page = new_page(browser, java_script_enabled=False)
    page.goto(f"{live_server}/help?lang=en")
    page.select_option("#country", "KE")
    page.locator("form.help-form button").click()
    page.wait_for_selector("article.helpline")
    assert "116" in page.locator("article.helpline").first.inner_text()


@pytest.mark.parametrize("path", ["/", "/help?country=JP&lang=zh", "/help?country=RU&lang=ru",
                                  "/help?country=MX&lang=es", "/help/embed?country=KE&lang=ar", "/help/embed/info",
                                  "/login?lang=ar", "/api/docs", "/nowhere?lang=fr",
                                  "/blocked?domain=casino.example&lang=ar", "/blocked?domain=wikipedia.org&lang=ru"])
def test_public_pages_pass_axe(browser: Any, live_server: str, path: str) -> None:
    page = new_page(browser)
    page.goto(f"{live_server}{path}")
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False)


def test_editor_pages_pass_axe(browser: Any, live_server: str) -> None:
    page = sign_in(browser, live_server, "editor1", "en")
    for path in ("/account", "/helplines/manage?country=DE", "/helplines/manage/de-nummer-gegen-kummer-116111",
                 "/helplines/manage/new"):
        page.goto(f"{live_server}{path}")
        violations = axe_violations(page)
        assert violations == [], f"{path}: {json.dumps(violations)}"


def test_guardian_pages_pass_axe(browser: Any, live_server: str) -> None:
    page = sign_in(browser, live_server, "guardian1", "fr")
    page.goto(f"{live_server}/filtering/profiles/new?lang=fr")
    assert axe_violations(page) == []
    page.fill("#f-name", "Tablette de Mia")
    page.fill("#f-timezone", "Europe/Paris")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/filtering/profiles/\d+.*"))
    page.fill("#d-name", "tablette")
    page.fill("#d-network", "192.0.2.10")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_selector("text=192.0.2.10/32")
    assert axe_violations(page) == []
    page.goto(f"{live_server}/filtering?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert axe_violations(page) == []
