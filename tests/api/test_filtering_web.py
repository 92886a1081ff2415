"""Guardians through the API and pages, the block page with "ask a grown-up", and DNS over HTTPS."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.rcode
import pytest
from fastapi.testclient import TestClient

from childsafe.app import create_app
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.settings import Settings
from childsafe.db.engine import Database
from childsafe.filtering import service
from tests.conftest import csrf_from, login, make_user
from tests.integration.filtering.fakes import ThreadedUpstream

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def upstream() -> Iterator[int]:
    with ThreadedUpstream() as fake:
        yield fake.port


@pytest.fixture
def web(settings: Settings, database: Database, clock, upstream: int) -> Iterator[TestClient]:  # noqa: ANN001
    with database.unit_of_work() as session:
        service.import_list(session, data_dir=settings.data_dir, fmt="ut1", source=str(FIXTURES / "ut1"), name="ut1",
                            licence="CC BY-SA 4.0", attribution="UT1", actor=CLI_ACTOR, clock=clock)
    app = create_app(settings.model_copy(update={"dns_upstreams": f"127.0.0.1:{upstream}"}), database=database,
                     clock=clock)
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def csrf(client: TestClient, path: str = "/account") -> str:
    return csrf_from(client.get(path).text)


def doh(client: TestClient, path: str, name: str, method: str = "GET") -> dns.message.Message:
    wire = dns.message.make_query(name, "A").to_wire()
    if method == "GET":
        encoded = base64.urlsafe_b64encode(wire).rstrip(b"=").decode()
        response = client.get(f"{path}?dns={encoded}")
    else:
        response = client.post(path, content=wire, headers={"content-type": "application/dns-message"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/dns-message"
    return dns.message.from_wire(response.content)


def test_guardian_profile_device_and_doh(web: TestClient, database: Database) -> None:
    make_user(database, "gwen", ["guardian"])
    login(web, "gwen")
    token = csrf(web)
    headers = {"X-CSRF-Token": token}
    created = web.post("/api/v1/filtering/profiles", headers=headers, json={
        "name": "Mia", "timezone": "Europe/Berlin", "preset": "9_12", "allow": ["wikipedia.org"],
        "block": ["annoying.example"]})
    assert created.status_code == 201, created.text
    profile_id = created.json()["id"]
    bad = web.put(f"/api/v1/filtering/profiles/{profile_id}", headers=headers,
                  json={"name": "Mia", "schedules": [{"name": "bed", "days": "Mo", "start": "25:00", "end": "07:00"}]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "schedules[0].start"
    device = web.post(f"/api/v1/filtering/profiles/{profile_id}/devices", headers=headers,
                      json={"name": "tablet", "network": "192.0.2.44"}).json()
    path = device["doh_path"]
    blocked = doh(web, path, "casino.example")
    assert blocked.answer[0].to_text().endswith("IN A 0.0.0.0")
    assert doh(web, path, "annoying.example", "POST").answer[0].to_text().endswith("0.0.0.0")
    safe = doh(web, path, "www.google.com")
    assert "forcesafesearch.google.com" in safe.answer[0].to_text()
    assert doh(web, path, "wikipedia.org").answer[0].to_text().endswith("198.51.100.10")
    assert web.get(f"/dns-query/nope?dns=AAAA").status_code in (400, 422)
    assert web.post(path, content=b"x" * 20, headers={"content-type": "text/plain"}).status_code == 422
    other = web.get("/api/v1/filtering/profiles").json()
    assert [p["name"] for p in other] == ["Mia"]


def test_profiles_are_private_between_households(web: TestClient, database: Database) -> None:
    make_user(database, "gwen", ["guardian"])
    make_user(database, "omar", ["guardian"])
    login(web, "gwen")
    made = web.post("/api/v1/filtering/profiles", headers={"X-CSRF-Token": csrf(web)}, json={"name": "Mia"}).json()
    web.cookies.clear()
    login(web, "omar")
    assert web.get(f"/api/v1/filtering/profiles/{made['id']}").status_code == 404
    assert web.get("/api/v1/filtering/profiles").json() == []
    web.cookies.clear()
    make_user(database, "eddie", ["editor"])
    login(web, "eddie")
    assert web.get("/api/v1/filtering/profiles").status_code == 403


def test_block_page_explains_and_asks_a_grown_up(web: TestClient, database: Database) -> None:
    make_user(database, "root", ["admin", "guardian"])
    login(web, "root")
    default = web.post("/api/v1/filtering/profiles", headers={"X-CSRF-Token": csrf(web)},
                       json={"name": "Household", "timezone": "Europe/Berlin", "is_default": True}).json()
    web.cookies.clear()
    page = web.get("/blocked?domain=www.casino.example&lang=fr")
    assert page.status_code == 200 and "set-cookie" not in page.headers
    assert "casino.example" in page.text and "/help" in page.text and '<html lang="fr"' in page.text
    token = page.text.split('name="token" value="')[1].split('"')[0]
    asked = web.post("/blocked/ask", data={"domain": "www.casino.example", "token": token})
    assert asked.status_code == 200 and 'role="status"' in asked.text
    forged = web.post("/blocked/ask", data={"domain": "www.casino.example", "token": "1.abc"})
    assert forged.status_code == 403
    assert "this site is not blocked" in web.get("/blocked?domain=wikipedia.org").text.lower()
    login(web, "root")
    requests = web.get("/api/v1/filtering/requests").json()
    assert [(r["domain"], r["reason"], r["status"]) for r in requests] == [("www.casino.example", "category", "pending")]
    assert requests[0]["profile_id"] == default["id"]
    home = web.get("/filtering")
    assert "www.casino.example" in home.text and "CC BY-SA 4.0" in home.text
    granted = web.post(f"/filtering/requests/{requests[0]['id']}",
                       data={"decision": "grant", "minutes": "30", "csrf_token": csrf_from(home.text)},
                       follow_redirects=False)
    assert granted.status_code == 303
    assert "not blocked" in web.get("/blocked?domain=www.casino.example").text.lower()


def test_host_based_block_page(settings: Settings, database: Database, clock) -> None:  # noqa: ANN001
    app = create_app(settings.model_copy(update={"site_hosts": "childsafe.home"}), database=database, clock=clock)
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/anything", headers={"host": "casino.example", "accept-language": "es"})
        assert page.status_code == 200 and "casino.example" in page.text and '<html lang="es"' in page.text
        assert client.get("/help", headers={"host": "childsafe.home"}).status_code == 200


def test_guardian_pages(web: TestClient, database: Database) -> None:
    make_user(database, "gwen", ["guardian"])
    login(web, "gwen")
    new = web.get("/filtering/profiles/new")
    assert new.status_code == 200 and "bedtime" in new.text
    saved = web.post("/filtering/profiles", data={
        "csrf_token": csrf_from(new.text), "name": "Leo", "preset": "13_15", "timezone": "Europe/Paris",
        "allow": "school.example\nlibrary.example", "block": "", "schedules": "bedtime | Mo-Su | 21:00 | 07:00 | allowlist_only |",
        "budgets": "games | 60 | Mo-Fr", "safe_search": "on", "youtube": "strict", "block_mode": "blockpage",
        "bypass_protection": "on", "extra_categories": ["games"]}, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:3000]
    edit = web.get(saved.headers["location"])
    assert "library.example" in edit.text and "games | 60 | Mo-Fr" in edit.text
    broken = web.post("/filtering/profiles", data={"csrf_token": csrf_from(edit.text), "name": "Leo",
                                                   "preset": "13_15", "timezone": "Nowhere/Land"})
    assert broken.status_code == 422 and 'aria-invalid="true"' in broken.text
