"""The reporting flow in headless Chromium: a child reports in Spanish, an analyst works the case to removal."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser.conftest import sign_in

from tests.browser.test_help_browser import axe_violations, new_page

pytestmark = pytest.mark.browser


def test_child_reports_in_spanish_and_an_analyst_works_the_case(browser: Any, live_server: str) -> None:
    child = new_page(browser, locale="es-ES", extra_http_headers={"Accept-Language": "es-ES,es;q=0.9"})
    child.goto(f"{live_server}/report")
    assert child.locator("html").get_attribute("lang") == "es"
    assert axe_violations(child) == []
    child.fill("#url", "casino.example/mesas")
    child.fill("#description", "un adulto me pide fotos en un juego")
    child.select_option("#age_band", "under_13")
    time.sleep(3.2)  # people take a few seconds; the form refuses instant submissions
    child.locator("main form button[type=submit]").click()
    child.wait_for_selector("main code")
    reference = child.locator("main code").inner_text()
    assert len(reference) >= 8 and child.context.cookies() == []
    assert axe_violations(child) == []

    analyst = sign_in(browser, live_server, "analyst1", "en")
    analyst.goto(f"{live_server}/reports/queue")
    assert axe_violations(analyst) == []
    analyst.locator("main table a").first.click()
    analyst.wait_for_selector("text=un adulto me pide fotos en un juego")
    assert "gambling" in analyst.locator("main").inner_text()  # the automatic list check
    assert axe_violations(analyst) == []
    analyst.get_by_role("button", name="Claim").click()
    analyst.select_option("#classification", "grooming")
    analyst.fill("#hosting_country", "MT")
    analyst.get_by_role("button", name="Save assessment").click()
    analyst.select_option("#destination", "law_enforcement")
    analyst.get_by_role("button", name="Record forwarding").click()
    analyst.get_by_role("button", name="Mark removed").click()
    analyst.wait_for_selector("h1:has-text('removed')")
    assert axe_violations(analyst) == []


def test_counsellor_records_a_contact(browser: Any, live_server: str) -> None:
    page = sign_in(browser, live_server, "counsellor1", "ru")
    page.goto(f"{live_server}/contacts?lang=ru")
    assert axe_violations(page) == []
    page.select_option("#c-channel", "chat")
    page.check("#k-violence-cyberbullying")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("[role=status]")
    assert "violence/cyberbullying" in page.locator("main table").inner_text()
    assert axe_violations(page) == []
