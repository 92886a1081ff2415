"""Helpline contact records: counsellors only, validated against the taxonomy, counted by year."""

from fastapi.testclient import TestClient

from tests.conftest import csrf_from, login, make_user


def test_counsellor_records_contacts_and_exports_a_year(client: TestClient, database) -> None:  # noqa: ANN001
    assert client.get("/contacts", follow_redirects=False).status_code == 303
    make_user(database, "ana", ["analyst"])
    login(client, "ana")
    assert client.get("/contacts").status_code == 403
    assert client.get("/api/v1/contacts/export?year=2026").status_code == 403
    client.cookies.clear()
    make_user(database, "cora", ["counsellor"])
    login(client, "cora")
    assert client.get("/reports/queue").status_code == 403  # counsellors do not see hotline reports
    page = client.get("/contacts")
    token = csrf_from(page.text)
    saved = client.post("/contacts", data={"csrf_token": token, "channel": "chat", "caller": "child",
                                           "age_band": "13_15", "gender": "girl",
                                           "categories": ["violence/grooming", "mental_health/anxiety"],
                                           "actions": ["counselling", "referral"], "referrals": ["hotline"],
                                           "minutes": "25"})
    assert saved.status_code == 200 and 'role="status"' in saved.text
    headers = {"X-CSRF-Token": token}
    api = client.post("/api/v1/contacts", headers=headers, json={"channel": "phone", "caller": "adult_about_child",
                                                                 "categories": ["violence/bullying"]})
    assert api.status_code == 201 and api.json()["taxonomy_version"]
    for bad, field in (({"channel": "pigeon", "caller": "child", "categories": ["violence/bullying"]}, "channel"),
                       ({"channel": "phone", "caller": "child", "categories": []}, "categories"),
                       ({"channel": "phone", "caller": "child", "categories": ["violence/unknown"]}, "categories"),
                       ({"channel": "phone", "caller": "child", "categories": ["peers/other"], "minutes": "x"},
                        "minutes"),
                       ({"channel": "phone", "caller": "child", "categories": ["peers/other"], "name": "Mia"},
                        None)):
        response = client.post("/api/v1/contacts", headers=headers, json=bad)
        if field is None:
            assert response.status_code == 201  # unknown fields such as a name are ignored, never stored
        else:
            assert response.status_code == 422 and response.json()["error"]["field"] == field
    export = client.get("/api/v1/contacts/export?year=2026").json()
    assert export["contacts"] == 3
    assert export["by_category"] == {"mental_health": 1, "peers": 1, "violence": 2}
    assert export["by_subcategory"]["violence/grooming"] == 1 and export["by_channel"]["chat"] == 1
    assert client.get("/api/v1/contacts/export?year=2025").json()["contacts"] == 0
    taxonomy = client.get("/api/v1/contacts/taxonomy").json()
    assert "grooming" in taxonomy["categories"]["violence"]["subcategories"]
