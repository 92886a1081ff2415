"""A ministry team completes a self-assessment together, downloads its roadmap, and publishes for regional
comparison; roles, CSRF and bad input."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from childsafe.strategy.framework import load
from tests.conftest import csrf_from, login, make_user


def test_a_team_assesses_publishes_and_compares(client, database) -> None:  # noqa: ANN001
    framework = load()
    for name in ("lead", "helper", "outsider"):
        make_user(database, name, ["policy"])
    login(client, "lead")
    home = client.get("/strategy")
    created = client.post("/strategy/assessments", follow_redirects=False, data={
        "csrf_token": csrf_from(home.text), "country": "KE", "title": "Kenya 2026 self-assessment"})
    assert created.status_code == 303
    url = created.headers["location"].split("?")[0]
    page = client.get(url)
    csrf = csrf_from(page.text)
    assert client.post(url + "/members", data={"csrf_token": csrf, "username": "helper",
                                               "part": "contributor"}, follow_redirects=False).status_code == 303
    unknown = client.post(url + "/members", data={"csrf_token": csrf, "username": "nobody", "part": "contributor"})
    assert unknown.status_code == 404 and "no user named" in unknown.text
    client.post("/logout", data={"csrf_token": csrf})
    client.cookies.clear()
    login(client, "helper")
    page = client.get(url)
    csrf = csrf_from(page.text)
    for n, area in enumerate(framework.areas):
        values = {"csrf_token": csrf}
        for capability in area.capabilities:
            key = capability.id.replace(".", "__")
            values[f"{key}-level"] = str((n + len(key)) % 5)
            values[f"{key}-evidence"] = f"Evidence for {capability.id}"
        saved = client.post(f"{url}/areas/{area.id}", data=values, follow_redirects=False)
        assert saved.status_code == 303, saved.text
    bad = client.post(f"{url}/areas/{framework.areas[0].id}", data={
        "csrf_token": csrf, framework.areas[0].capabilities[0].id.replace(".", "__") + "-level": "9"})
    assert bad.status_code == 422 and "level is 0 to 4" in bad.text
    assert client.post(f"{url}/areas/governance", data={"csrf_token": "forged"}).status_code == 403
    commented = client.post(url + "/comments", follow_redirects=False, data={
        "csrf_token": csrf, "capability": framework.areas[0].capabilities[0].id, "body": "Check the decree date."})
    assert commented.status_code == 303
    assert client.post(url + "/status", data={"csrf_token": csrf, "status": "final"}).status_code == 403
    client.cookies.clear()
    login(client, "outsider")
    assert client.get(url).status_code == 403
    client.cookies.clear()
    login(client, "lead")
    page = client.get(url)
    assert "Check the decree date." in page.text and "helper" in page.text
    csrf = csrf_from(page.text)
    results = client.get(url + "/results")
    assert "Roadmap" in results.text and 'role="img"' in results.text
    pdf = client.get(url + "/roadmap.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Kenya 2026 self-assessment" in text and "Roadmap" in text
    client.post(url + "/status", data={"csrf_token": csrf, "status": "final"})
    locked = client.post(f"{url}/areas/governance", data={"csrf_token": csrf})
    assert locked.status_code == 409 and "final" in locked.text
    client.post(url + "/status", data={"csrf_token": csrf, "status": "published"})
    client.cookies.clear()
    public = client.get("/strategy?region=africa")
    assert "Kenya" in public.text and public.text.count("<rect") == 1
    assert "Kenya" not in client.get("/strategy?region=europe").text.split("Regional comparison")[1].split(
        "The framework")[0]
    assert client.get(url + "/results").status_code == 200  # published results are public
    assert re.search(r"<h2[^>]*>Roadmap", client.get(url + "/results?lang=en").text)


def test_only_policy_users_start_assessments(client, database) -> None:  # noqa: ANN001
    make_user(database, "learner1", ["learner"])
    login(client, "learner1")
    home = client.get("/strategy")
    assert "Start an assessment" not in home.text
    refused = client.post("/strategy/assessments", data={"csrf_token": csrf_from(client.get("/account").text),
                                                         "country": "KE", "title": "x"})
    assert refused.status_code == 403
