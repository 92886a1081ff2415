"""Statistics in headless Chromium: a statistician uploads three national surveys and publishes protected
releases; a policy-maker without an account compares the countries on a chart, in English and in Arabic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from childsafe.core.settings import LANGUAGES
from childsafe.stats import synthetic
from childsafe.stats.framework import load
from tests.browser.conftest import sign_in
from tests.browser.test_help_browser import axe_violations, new_page

pytestmark = pytest.mark.browser


def test_statistician_publishes_and_policy_maker_compares(browser: Any, live_server: str, tmp_path: Path) -> None:
    framework = load()
    codebook = tmp_path / "codebook.csv"
    codebook.write_text(synthetic.codebook(framework))
    page = sign_in(browser, live_server, "statistician1", "en")
    for n, (country, rate) in enumerate((("KE", 0.5), ("BR", 0.85), ("TH", 0.7))):
        survey = tmp_path / f"{country}.csv"
        survey.write_text(synthetic.survey_csv(framework, 3000, {"internet_use": rate}, seed=n))
        page.goto(f"{live_server}/stats/manage")
        if n == 0:
            assert axe_violations(page) == []
        page.fill("#u-name", f"{country} children online 2025")
        page.fill("#u-country", country)
        page.fill("#u-year", "2025")
        page.fill("#u-cap", "1.5")
        page.set_input_files("#u-file", str(survey))
        page.set_input_files("#u-codebook", str(codebook))
        page.get_by_role("button", name="Upload").click()
        page.wait_for_selector("h1:has-text('children online 2025')")
        if n == 0:
            assert axe_violations(page) == []
        page.fill("#r-epsilon", "0.8")
        page.get_by_role("button", name="Publish").click()
        page.wait_for_selector("[role=status]")
        assert "0.8 / 1" in page.locator("main").inner_text()
    policy = new_page(browser, viewport={"width": 1280, "height": 900})
    policy.goto(f"{live_server}/stats?indicator=access.internet_use")
    policy.select_option("#f-dimension", "sex")
    policy.get_by_role("button", name="Show").click()
    policy.wait_for_selector("svg.chart")
    assert policy.locator("svg.chart rect").count() == 6  # three countries x girls and boys
    table = policy.locator("main table").inner_text()
    assert "Kenya" in table and "Brazil" in table and "Thailand" in table and "Girls" in table
    assert axe_violations(policy) == []
    arabic = new_page(browser, locale="ar-EG", viewport={"width": 360, "height": 740})
    arabic.goto(f"{live_server}/stats?indicator=access.internet_use&lang=ar")
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    assert arabic.locator("svg.chart rect").count() == 3
    assert axe_violations(arabic) == []
    assert arabic.context.cookies() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_methodology_pages_in_every_language(browser: Any, live_server: str, lang: str) -> None:
    page = new_page(browser)
    page.goto(f"{live_server}/stats/methodology?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []
    page.locator("main ul a").first.click()
    page.wait_for_selector("blockquote")
    assert axe_violations(page) == []
