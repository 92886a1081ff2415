"""Reports: the public form and API with their abuse protection, intake checks, and the analysts' queue."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from fastapi.testclient import TestClient

from childsafe.core.audit import CLI_ACTOR
from childsafe.filtering import service as filtering
from childsafe.hashmatch import service as hashmatch
from childsafe.core import antiabuse
from childsafe.reports import api as reports_api
from tests.conftest import csrf_from, login, make_user
from tests.unit.hashmatch.images import encode, picture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def solve(client: TestClient) -> dict[str, str]:
    puzzle = client.get("/api/v1/reports/challenge").json()
    return {"token": puzzle["token"], "nonce": antiabuse.solve(puzzle["token"], puzzle["bits"])}


def seed(database, settings, clock) -> str:  # noqa: ANN001
    image = encode(picture(41))
    pdq = next(h for h in __import__("childsafe.hashmatch.signals", fromlist=["x"]).hash_media(image)
               if h.signal_type == "pdq").value
    with database.unit_of_work() as session:
        filtering.import_list(session, data_dir=settings.data_dir, fmt="ut1", source=str(FIXTURES / "ut1"),
                              name="ut1", actor=CLI_ACTOR, clock=clock)
        hashmatch.create_bank(session, name="hotline", actor=CLI_ACTOR, clock=clock)
        hashmatch.import_signals(session, "hotline", f"pdq {pdq}\nurl prefix:adult-site.example/gallery/\n",
                                 fmt="te", filename=None, actor=CLI_ACTOR, clock=clock)
    return pdq


def test_api_report_with_checks_and_the_analyst_flow(client: TestClient, database, settings, clock) -> None:  # noqa: ANN001
    reports_api.submissions.reset("testclient")
    seed(database, settings, clock)
    missing = client.post("/api/v1/reports", json={"url": "adult-site.example/gallery/1"})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "pow"
    image = base64.b64encode(encode(picture(41).resize((300, 300)), "JPEG", quality=70)).decode()
    created = client.post("/api/v1/reports", json={
        "url": "HTTP://Adult-Site.example/gallery/1", "description": "pictures of a child", "age_band": "13_17",
        "language": "es", "image_base64": image, "pow": solve(client)})
    assert created.status_code == 201, created.text
    assert set(created.json()) == {"reference", "received_at"}  # the reporter learns nothing about the checks
    bad = client.post("/api/v1/reports", json={"url": "ftp://x", "pow": solve(client)})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "url"
    assert client.get("/api/v1/reports/queue").status_code == 401
    make_user(database, "cora", ["counsellor"])
    login(client, "cora")
    assert client.get("/api/v1/reports/queue").status_code == 403
    client.cookies.clear()
    make_user(database, "ana", ["analyst"])
    login(client, "ana")
    headers = {"X-CSRF-Token": csrf_from(client.get("/account").text)}
    case = client.get("/api/v1/reports/queue").json()[0]
    assert case["url"] == "http://adult-site.example/gallery/1" and case["language"] == "es"
    assert {m["signal_type"] for m in case["checks"]["matches"]} == {"pdq", "url"}
    assert case["checks"]["categories"] == {"adult": "black"}
    assert "contact" not in case and set(case["media_hashes"]) == {"md5", "sha256", "pdq"}
    rid = case["id"]
    assert client.post(f"/api/v1/reports/{rid}/forward", json={"destination": "law_enforcement"},
                       headers=headers).status_code == 409
    assert client.post(f"/api/v1/reports/{rid}/claim", headers=headers).json()["status"] == "claimed"
    assessed = client.post(f"/api/v1/reports/{rid}/assess", headers=headers,
                           json={"classification": "baseline", "hosting_country": "nl"}).json()
    assert assessed["hosting_country"] == "NL" and assessed["assessed_at"]
    assert client.post(f"/api/v1/reports/{rid}/forward", json={"destination": "national_hotline"},
                       headers=headers).json()["forwarded_at"]
    removed = client.post(f"/api/v1/reports/{rid}/removed", headers=headers).json()
    assert removed["status"] == "removed" and removed["removed_at"]
    assert client.post(f"/api/v1/reports/{rid}/close", headers=headers).json()["status"] == "closed"
    frozen = client.post(f"/api/v1/reports/{rid}/assess", headers=headers, json={"classification": "not_illegal"})
    assert frozen.status_code == 409  # closed cases change only after reopening
    assert client.post(f"/api/v1/reports/{rid}/reopen", headers=headers).json()["status"] == "removed"


def test_public_form_without_javascript(client: TestClient, database, settings, clock) -> None:  # noqa: ANN001
    reports_api.submissions.reset("testclient")
    seed(database, settings, clock)
    page = client.get("/report?lang=es")
    assert page.status_code == 200 and "set-cookie" not in page.headers and '<html lang="es"' in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    fast = client.post("/report", data={"token": token, "url": "casino.example"})
    assert fast.status_code == 422 and "too quickly" in fast.text
    old = antiabuse.form_token(settings.effective_secret_key(), now=clock.now().timestamp() - 60)
    image = encode(picture(41))
    sent = client.post("/report?lang=es", data={"token": old, "description": "un adulto me pide fotos",
                                                "where_seen": "un juego"},
                       files={"image": ("captura.png", image, "image/png")})
    assert sent.status_code == 200 and "<code>" in sent.text
    trap = client.post("/report", data={"token": old, "url": "x.example", "website": "http://spam"})
    assert trap.status_code == 200 and "<code>" not in trap.text  # a bot fills the hidden field: nothing stored
    make_user(database, "ana", ["analyst"])
    login(client, "ana")
    queue = client.get("/reports/queue")
    assert queue.status_code == 200 and queue.text.count("/reports/") >= 1
    rid = client.get("/api/v1/reports/queue").json()[0]["id"]
    detail = client.get(f"/reports/{rid}")
    assert "un adulto me pide fotos" in detail.text and "hotline" in detail.text
    assert "captura" not in detail.text  # no file name, no picture: fingerprints only


def test_rate_limit_per_address(client: TestClient) -> None:
    reports_api.submissions.reset("testclient")
    for _ in range(10):
        assert client.post("/api/v1/reports", json={"description": "x", "pow": solve(client)}).status_code == 201
    limited = client.post("/api/v1/reports", json={"description": "x", "pow": solve(client)})
    assert limited.status_code == 429 and "retry-after" in limited.headers
    reports_api.submissions.reset("testclient")


def test_only_admins_configure_channels(client: TestClient, database) -> None:  # noqa: ANN001
    make_user(database, "ana", ["analyst"])
    login(client, "ana")
    headers = {"X-CSRF-Token": csrf_from(client.get("/account").text)}
    channel = {"destination": "national_hotline", "kind": "webhook", "target": "https://hotline.example/in"}
    assert client.post("/api/v1/reports/channels", json=channel, headers=headers).status_code == 403
    client.cookies.clear()
    make_user(database, "root", ["admin"])
    login(client, "root")
    headers = {"X-CSRF-Token": csrf_from(client.get("/account").text)}
    made = client.post("/api/v1/reports/channels", json=channel, headers=headers)
    assert made.status_code == 201 and len(made.json()["secret"]) > 30


def test_quarantine_keeps_pictures_encrypted_blurred_and_temporary(settings, database, clock) -> None:  # noqa: ANN001
    from childsafe.app import create_app
    from childsafe.reports import jobs
    from childsafe.reports.models import ReportImage

    reports_api.submissions.reset("testclient")
    app = create_app(settings.model_copy(update={"report_quarantine": True, "report_quarantine_days": 7}),
                     database=database, clock=clock)
    image = encode(picture(51))
    with TestClient(app, base_url="https://testserver") as client:
        token = antiabuse.form_token(settings.effective_secret_key(), now=clock.now().timestamp() - 60)
        assert client.post("/report", data={"token": token, "description": "see picture"},
                           files={"image": ("p.png", image, "image/png")}).status_code == 200
        with database.unit_of_work() as session:
            stored = session.query(ReportImage).one()
            assert image not in stored.ciphertext and len(stored.ciphertext) >= len(image)
        make_user(database, "ana", ["analyst"])
        login(client, "ana")
        rid = client.get("/api/v1/reports/queue").json()[0]["id"]
        page = client.get(f"/reports/{rid}")
        blurred = re.search(r'src="(data:image/png;base64,[^"]+)"', page.text).group(1)
        assert "(blurred)" in page.text
        revealed = client.post(f"/reports/{rid}", data={"step": "reveal", "csrf_token": csrf_from(page.text)})
        sharp = re.search(r'src="(data:image/png;base64,[^"]+)"', revealed.text).group(1)
        assert sharp != blurred and "(blurred)" not in revealed.text
        assert "1 picture revealed" in client.get("/reports/queue").text
        audit = client.get("/api/v1/accounts/audit").status_code  # analysts cannot read the audit log
        assert audit == 403
        clock.advance(days=8)
        jobs.expire_personal_data(app)
        with database.unit_of_work() as session:
            assert session.query(ReportImage).count() == 0
        assert "data:image/png" not in client.get(f"/reports/{rid}").text


def test_without_quarantine_no_picture_is_kept(client: TestClient, database, settings, clock) -> None:  # noqa: ANN001
    from childsafe.reports.models import ReportImage

    reports_api.submissions.reset("testclient")
    token = antiabuse.form_token(settings.effective_secret_key(), now=clock.now().timestamp() - 60)
    client.post("/report", data={"token": token, "description": "x"},
                files={"image": ("p.png", encode(picture(52)), "image/png")})
    with database.unit_of_work() as session:
        assert session.query(ReportImage).count() == 0


def test_analysts_are_reminded_to_take_breaks(client: TestClient, database, clock) -> None:  # noqa: ANN001
    make_user(database, "ana", ["analyst"])
    login(client, "ana")
    first = client.get("/reports/queue").text
    assert "Signed in for 0 minutes" in first and "Time for a break" not in first
    clock.advance(minutes=49)
    assert "Time for a break" not in client.get("/reports/queue").text
    clock.advance(minutes=2)
    later = client.get("/reports/queue").text
    assert "Time for a break" in later and "signed in for 51 minutes" in later
