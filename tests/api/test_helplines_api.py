"""The public helpline API other modules and sites rely on, and the editors' write API."""

import csv
import io

from fastapi.testclient import TestClient

from childsafe.features import FEATURES

from tests.conftest import PASSWORD, make_user


def test_find_help_for_germany_in_french(client: TestClient) -> None:
    body = client.get("/api/v1/helplines", params={"country": "DE", "lang": "fr"}).json()
    assert body["country"]["code"] == "DE" and body["country"]["name"] == "Allemagne"
    assert body["country"]["emergency"][0] == "112"
    assert body["country"]["child_116111"] is True
    first = body["helplines"][0]
    assert {"name", "contacts", "open_now", "sources", "verified"} <= set(first)
    assert any(c["channel"] == "phone" and c["value"] == "116111" for h in body["helplines"] for c in h["contacts"])
    # the fixed clock is Tuesday 11:00 in Berlin: Nummer gegen Kummer (Mo-Sa 14:00-20:00) is closed until 14:00
    nummer = next(h for h in body["helplines"] if h["id"] == "de-nummer-gegen-kummer-116111")
    assert nummer["open_now"] is False
    assert nummer["next_change"].startswith("2026-11-24T14:00:00")


def test_open_helplines_are_listed_first(client: TestClient) -> None:
    for country in ("DE", "KE", "US", "JP", "FR"):
        states = [h["open_now"] for h in client.get("/api/v1/helplines", params={"country": country}).json()["helplines"]]
        order = {True: 0, None: 1, False: 2}
        assert [order[s] for s in states] == sorted(order[s] for s in states), country


def test_channel_preference_moves_matching_contacts_first(client: TestClient) -> None:
    body = client.get("/api/v1/helplines", params={"country": "GB", "channel": "chat"}).json()
    top = body["helplines"][0]
    assert top["matches"]["channel"] is True
    assert top["contacts"][0]["channel"] == "chat"


def test_lowercase_country_is_accepted(client: TestClient) -> None:
    assert client.get("/api/v1/helplines?country=ke").json()["country"]["code"] == "KE"


def test_no_country_gives_an_empty_answer(client: TestClient) -> None:
    body = client.get("/api/v1/helplines").json()
    assert body["country"] is None and body["helplines"] == []


def test_bad_input_names_the_field(client: TestClient) -> None:
    cases = {"country=XX": "country", "country=DEU": "country", "country=DE&topic=gossip": "topic",
             "country=DE&channel=pigeon": "channel", "country=DE&lang=%3Cscript%3E": "lang",
             "country=DE&utm_source=x": "utm_source"}
    for query, field in cases.items():
        response = client.get(f"/api/v1/helplines?{query}")
        assert response.status_code == 422, query
        assert response.json()["error"]["field"] == field, query
        assert response.json()["error"]["code"] == "invalid_input"


def test_countries_list(client: TestClient) -> None:
    countries = client.get("/api/v1/helplines/countries?lang=zh").json()["countries"]
    assert len(countries) >= 100
    by_code = {c["code"]: c for c in countries}
    assert by_code["DE"]["name"] == "德国"
    assert by_code["KE"]["helplines"] >= 1
    assert client.get("/api/v1/helplines/countries?country=DE").status_code == 422


def test_get_one_and_unknown(client: TestClient) -> None:
    assert client.get("/api/v1/helplines/ke-childline-116").json()["country"] == "KE"
    missing = client.get("/api/v1/helplines/xx-nothing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_export_json_and_csv(client: TestClient) -> None:
    data = client.get("/api/v1/helplines/export").json()
    assert data["licence"] == "CC0-1.0" and len(data["helplines"]) > 100
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/helplines/export?format=csv").text)))
    assert {r["id"] for r in rows} == {h["id"] for h in data["helplines"]}


NEW = {"id": "de-test-line", "country": "DE", "name": "Testline", "organisation": "", "languages": ["de"],
       "timezone": "Europe/Berlin", "hours": "24/7", "topics": ["general"], "audience": ["children"],
       "age_max": None, "free": True, "anonymous": True, "child_116111": False,
       "contacts": [{"channel": "phone", "value": "0800 111 0 333"}], "notes": "",
       "sources": [{"url": "https://example.org", "title": "Example"}], "verified": "2026-11-01"}


def test_writes_need_authentication_and_scope(client: TestClient, database) -> None:  # noqa: ANN001
    assert client.post("/api/v1/helplines", json=NEW).status_code == 401
    make_user(database, "cora", ["counsellor"])
    from tests.conftest import login
    login(client, "cora")
    csrf = client.get("/account").text.split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post("/api/v1/helplines", json=NEW, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_editor_token_can_create_update_delete(client: TestClient, database) -> None:  # noqa: ANN001
    make_user(database, "eve", ["editor"])
    from tests.conftest import login
    login(client, "eve")
    csrf = client.get("/account").text.split('name="csrf_token" value="')[1].split('"')[0]
    # a cookie-authenticated write without the CSRF header is refused
    assert client.post("/api/v1/accounts/tokens", json={"name": "ci", "scopes": ["helplines:write"]}).status_code == 403
    token = client.post("/api/v1/accounts/tokens", json={"name": "ci", "scopes": ["helplines:write"]},
                        headers={"X-CSRF-Token": csrf}).json()["token"]
    client.cookies.clear()
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/helplines", json=NEW, headers=auth)
    assert created.status_code == 201, created.text
    assert created.json()["contacts"][0]["e164"] == "+498001110333"
    assert client.post("/api/v1/helplines", json=NEW, headers=auth).status_code == 409
    changed = dict(NEW, name="Testline 2")
    assert client.put("/api/v1/helplines/de-test-line", json=changed, headers=auth).json()["name"] == "Testline 2"
    mismatch = client.put("/api/v1/helplines/de-test-line", json=dict(NEW, id="de-other"), headers=auth)
    assert mismatch.status_code == 422 and mismatch.json()["error"]["field"] == "id"
    bad = client.put("/api/v1/helplines/de-test-line", json=dict(NEW, hours="whenever"), headers=auth)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "hours"
    assert client.delete("/api/v1/helplines/de-test-line", headers=auth).status_code == 204
    assert client.get("/api/v1/helplines/de-test-line").status_code == 404
    assert client.delete("/api/v1/helplines/de-x", headers={"Authorization": "Bearer cs_nope"}).status_code == 401
    # the audit log records who did each step
    make_user(database, "root", ["admin"])
    client.cookies.clear()
    login(client, "root")
    actions = [e["action"] for e in client.get("/api/v1/accounts/audit?action=helplines").json()]
    assert actions[:3] == ["helplines.delete", "helplines.update", "helplines.create"]
    assert PASSWORD not in client.get("/api/v1/accounts/audit").text


def test_openapi_operation_ids(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"helplines-find", "helplines-countries", "accounts-me"} <= ids
    assert all(i.split("-")[0] in FEATURES for i in ids), sorted(i for i in ids if i.split("-")[0] not in FEATURES)
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "helplines-find" in docs.text


def test_api_is_rate_limited_per_client(settings, database, clock) -> None:  # noqa: ANN001
    from childsafe.app import create_app

    limited = create_app(settings.model_copy(update={"api_rate_per_minute": 3}), database=database, clock=clock)
    with TestClient(limited, base_url="https://testserver") as c:
        assert [c.get("/api/v1/helplines/countries").status_code for _ in range(3)] == [200, 200, 200]
        refused = c.get("/api/v1/helplines/countries")
        assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
        assert c.get("/help").status_code == 200  # the child's page is never throttled
        clock.advance(seconds=61)
        assert c.get("/api/v1/helplines/countries").status_code == 200
