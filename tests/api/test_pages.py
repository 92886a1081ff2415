"""Server-rendered pages: the child's /help page, the widget, sign-in, and the editor screens."""

import re

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, csrf_from, login, make_user

EXTERNAL = re.compile(r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*(?:src|href)="(?:https?:)?//', re.I)


def test_help_page_is_light_private_and_self_contained(client: TestClient) -> None:
    response = client.get("/help?country=FR&lang=fr")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    css = client.get("/static/style.css")
    js = client.get("/static/quick-exit.js")
    assert len(response.content) + len(css.content) + len(js.content) < 50 * 1024
    assert not EXTERNAL.search(response.text)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert 'class="quick-exit"' in response.text
    assert '<html lang="fr" dir="ltr">' in response.text
    assert "119" in response.text and "tel:" in response.text


def test_help_page_in_arabic_is_right_to_left(client: TestClient) -> None:
    response = client.get("/help?country=SA", headers={"Accept-Language": "ar-SA,ar;q=0.9"})
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "116111" in response.text


def test_country_preselected_from_browser_language(client: TestClient) -> None:
    response = client.get("/help", headers={"Accept-Language": "es-CO,es;q=0.8"})
    assert '<option value="CO" selected>' in response.text
    assert '<html lang="es"' in response.text


def test_language_switcher_needs_no_cookie(client: TestClient) -> None:
    response = client.get("/help?country=KE&lang=zh")
    for code in ("ar", "en", "es", "fr", "ru", "zh"):
        assert f"lang={code}" in response.text
    assert "set-cookie" not in response.headers


def test_bad_country_on_the_page_is_explained_not_crashed(client: TestClient) -> None:
    response = client.get("/help?country=ZZZ")
    assert response.status_code == 200 and "ISO 3166-1" in response.text


def test_embed_can_be_framed_other_pages_cannot(client: TestClient) -> None:
    embed = client.get("/help/embed?country=KE")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    assert client.get("/help").headers["x-frame-options"] == "DENY"


def test_login_requires_csrf_and_throttles(client: TestClient, database) -> None:  # noqa: ANN001
    make_user(database, "olga", ["editor"])
    page = client.get("/login")
    assert page.headers["set-cookie"].startswith("childsafe_pre=")
    no_token = client.post("/login", data={"username": "olga", "password": PASSWORD})
    assert no_token.status_code == 403
    token = csrf_from(page.text)
    for _ in range(5):
        wrong = client.post("/login", data={"username": "olga", "password": "wrong password!", "csrf_token": token})
        assert wrong.status_code == 401
    throttled = client.post("/login", data={"username": "olga", "password": PASSWORD, "csrf_token": token})
    assert throttled.status_code == 429 and "retry-after" in throttled.headers


def test_session_cookie_is_secure(client: TestClient, database) -> None:  # noqa: ANN001
    make_user(database, "sam", ["editor"])
    page = client.get("/login")
    response = client.post("/login", data={"username": "sam", "password": PASSWORD, "csrf_token": csrf_from(page.text),
                                           "next": "https://evil.example/"}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "childsafe_session=" in cookie and "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    assert response.headers["location"] == "/account"  # no open redirect


def test_cross_site_post_is_refused(client: TestClient) -> None:
    response = client.post("/login", data={"username": "a", "password": "b"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_pages_need_the_right_role(client: TestClient, database) -> None:  # noqa: ANN001
    assert client.get("/helplines/manage", follow_redirects=False).status_code == 303
    make_user(database, "gina", ["guardian"])
    login(client, "gina")
    assert client.get("/helplines/manage").status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_editor_edits_a_helpline_through_the_form(editor_client: TestClient) -> None:
    form_page = editor_client.get("/helplines/manage/ke-childline-116")
    assert form_page.status_code == 200
    token = csrf_from(form_page.text)
    fields = dict(re.findall(r'<input id="f-[a-z_0-9]+" name="([a-z_0-9]+)" type="[a-z]+" value="([^"]*)"', form_page.text))
    contacts = re.search(r'<textarea id="f-contacts"[^>]*>([^<]*)</textarea>', form_page.text).group(1)
    sources = re.search(r'<textarea id="f-sources"[^>]*>([^<]*)</textarea>', form_page.text).group(1)
    data = {**fields, "id": "ke-childline-116", "contacts": contacts, "sources": sources.replace("&amp;", "&"),
            "topics": ["general", "abuse"], "free": "yes", "anonymous": "unknown", "csrf_token": token,
            "is_new": "0", "name": "Child Helpline 116 (edited)"}
    saved = editor_client.post("/helplines/manage", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:2000]
    assert editor_client.get("/api/v1/helplines/ke-childline-116").json()["name"] == "Child Helpline 116 (edited)"
    bad = editor_client.post("/helplines/manage", data={**data, "timezone": "Nowhere/Else"})
    assert bad.status_code == 422 and "timezone" in bad.text and 'aria-invalid="true"' in bad.text
    no_csrf = editor_client.post("/helplines/manage", data={**data, "csrf_token": ""})
    assert no_csrf.status_code == 403


def test_admin_manages_users_and_sees_the_audit_log(admin_client: TestClient) -> None:
    page = admin_client.get("/admin/users")
    token = csrf_from(page.text)
    created = admin_client.post("/admin/users", data={"username": "newbie", "password": "a long enough pass",
                                                      "roles": ["analyst"], "csrf_token": token}, follow_redirects=False)
    assert created.status_code == 303
    short = admin_client.post("/admin/users", data={"username": "shorty", "password": "short", "csrf_token": token})
    assert short.status_code == 422 and "12 characters" in short.text
    last_admin = admin_client.post("/admin/users/ada", data={"roles": ["editor"], "active": "on", "csrf_token": token})
    assert last_admin.status_code == 409
    audit = admin_client.get("/admin/audit")
    assert "accounts.user.create" in audit.text and "intact" in audit.text


def test_error_pages_are_friendly(client: TestClient) -> None:
    response = client.get("/nowhere?lang=ru")
    assert response.status_code == 404 and '<html lang="ru"' in response.text and "/help" in response.text
    api = client.get("/api/v1/nowhere")
    assert api.json() == {"error": {"code": "not_found", "message": "Not Found", "field": None}}
