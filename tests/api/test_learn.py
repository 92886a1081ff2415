"""Learning pages through the app: guidance for each audience without an account, search, courses with progress
and certificates, campaign PDFs with real helpline numbers, the offline package, and the translation workflow."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader

from childsafe.core.settings import LANGUAGES
from childsafe.learn import content, courses
from tests.conftest import csrf_from, login, make_user


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_audience_finds_guidance_in_its_language_without_an_account(client, lang: str) -> None:  # noqa: ANN001
    lib = content.bundled()
    home = client.get(f"/learn?lang={lang}")
    assert home.status_code == 200 and f'lang="{lang}"' in home.text and "set-cookie" not in home.headers
    for ident in ("parents/grooming-sextortion", "children/9-12/privacy", "children/under-9/wellbeing",
                  "children/13-17/get-help", "industry/grooming-sextortion", "policy/strategy"):
        page = client.get(f"/learn/{ident}?lang={lang}")
        assert page.status_code == 200, ident
        expected = lib.get(ident, lang)
        assert expected.title.replace("'", "&#39;").replace('"', "&#34;") in page.text
        assert "Last reviewed" in page.text or lang != "en"
        assert "set-cookie" not in page.headers
    band = client.get(f"/learn/children/under-9?lang={lang}")
    assert band.status_code == 200 and lib.get("children/under-9/privacy", lang).title.split("'")[0] in band.text


def test_get_help_pages_show_the_readers_country_helplines(client) -> None:  # noqa: ANN001
    page = client.get("/learn/children/13-17/get-help?country=GB")
    assert "Childline" in page.text and 'href="tel:' in page.text
    by_language = client.get("/learn/parents/get-help", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert by_language.status_code == 200 and 'lang="fr"' in by_language.text


def test_search_in_several_languages(client) -> None:  # noqa: ANN001
    english = client.get("/learn/search?q=sextortion")
    assert "/learn/parents/grooming-sextortion" in english.text
    for lang in LANGUAGES:
        title = content.bundled().get("parents/cyberbullying", lang).title
        found = client.get("/learn/search", params={"q": title, "lang": lang})
        assert "/learn/parents/cyberbullying" in found.text, lang
    assert client.get("/learn/search?q=" + "x" * 201).status_code == 422


def test_a_learner_completes_a_course_and_gets_a_certificate(client) -> None:  # noqa: ANN001
    course = courses.bundled().get("parents-essentials", "en")
    form = client.get("/learn/signup")
    weak = client.post("/learn/signup", data={"csrf_token": csrf_from(form.text), "username": "amina",
                                              "password": "short"})
    assert weak.status_code == 422
    created = client.post("/learn/signup", follow_redirects=False, data={
        "csrf_token": csrf_from(weak.text), "username": "amina", "password": "a long enough passphrase",
        "display_name": "Amina K."})
    assert created.status_code == 303
    login(client, "amina", "a long enough passphrase")
    first = course.lessons[0]
    page = client.get(f"/learn/courses/{course.id}/{first.id}")
    assert 'alt="' + first.illustration_alt.replace('"', "&#34;") in page.text
    wrong = {q.id: str((q.answer + 1) % len(q.choices)) for q in first.questions}
    failed = client.post(f"/learn/courses/{course.id}/{first.id}", data={"csrf_token": csrf_from(page.text), **wrong})
    assert "Not quite." in failed.text and first.questions[0].explanation.split("'")[0] in failed.text
    for lesson in course.lessons:
        page = client.get(f"/learn/courses/{course.id}/{lesson.id}")
        right = {q.id: str(q.answer) for q in lesson.questions}
        passed = client.post(f"/learn/courses/{course.id}/{lesson.id}", data={"csrf_token": csrf_from(page.text),
                                                                               **right})
        assert "Lesson passed." in passed.text
    overview = client.get(f"/learn/courses/{course.id}")
    assert "Get my certificate" in overview.text
    issued = client.post(f"/learn/courses/{course.id}/certificate", follow_redirects=False,
                         data={"csrf_token": csrf_from(overview.text), "name": "Amina K."})
    assert issued.status_code == 303
    code = re.search(r"/learn/certificates/([A-Z0-9]+)", issued.headers["location"]).group(1)
    client.cookies.clear()
    check = client.get(f"/learn/certificates/{code}")
    assert "Amina K." in check.text and course.title in check.text
    pdf = client.get(f"/learn/certificates/{code}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Amina K." in text and code in text
    assert client.get("/learn/certificates/NOSUCHCODE").status_code == 404


def test_certificates_need_every_lesson_passed(client, database) -> None:  # noqa: ANN001
    make_user(database, "lee", ["learner"])
    login(client, "lee")
    page = client.get("/learn/courses/parents-essentials")
    refused = client.post("/learn/courses/parents-essentials/certificate",
                          data={"csrf_token": csrf_from(client.get("/account").text), "name": "Lee"})
    assert refused.status_code == 409 and "pass every lesson" in refused.text
    assert "Get my certificate" not in page.text


def test_anonymous_quiz_gives_feedback_and_stores_nothing(client) -> None:  # noqa: ANN001
    course = courses.bundled().get("explorer-9-12", "es")
    lesson = course.lessons[0]
    answered = client.post(f"/learn/courses/{course.id}/{lesson.id}?lang=es",
                           data={q.id: str(q.answer) for q in lesson.questions})
    assert answered.status_code == 200 and lesson.questions[0].explanation.split("'")[0] in answered.text
    assert "set-cookie" not in answered.headers


@pytest.mark.parametrize(("country", "lang"), [("GB", "en"), ("FR", "fr"), ("BR", "es")])
def test_campaign_posters_carry_the_countrys_helpline_numbers(client, country: str, lang: str) -> None:  # noqa: ANN001
    from childsafe.learn import campaigns  # noqa: PLC0415

    pdf = client.get(f"/learn/campaigns/{country}.pdf?lang={lang}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    with client.app.state.context.database.unit_of_work() as session:
        lines = campaigns.helplines_for(session, country, lang, client.app.state.context.clock)
    assert lines
    numbers = [value for line in lines for channel, value in line.contacts if channel == "phone"]
    assert numbers and all(number.replace(" ", "") in text.replace(" ", "") for number in numbers)
    leaflet = client.get(f"/learn/campaigns/{country}.pdf?lang={lang}&kind=leaflet")
    assert len(PdfReader(io.BytesIO(leaflet.content)).pages) == 2
    assert client.get("/learn/campaigns/XX.pdf").status_code == 404
    chosen = client.get(f"/learn/campaigns/pdf?country={country.lower()}&kind=leaflet", follow_redirects=False)
    assert chosen.headers["location"].startswith(f"/learn/campaigns/{country}.pdf")


def test_offline_package_links_between_its_own_files(client) -> None:  # noqa: ANN001
    data = client.get("/learn/offline.zip?lang=ru")
    archive = zipfile.ZipFile(io.BytesIO(data.content))
    names = set(archive.namelist())
    assert {"index.html", "style.css", "parents/privacy.html", "children/9-12/privacy.html",
            "courses/parents-essentials.html"} <= names
    assert any(n.startswith("illustrations/") for n in names)
    for name in names:
        if not name.endswith(".html"):
            continue
        html = archive.read(name).decode()
        assert 'lang="ru"' in html and "<script" not in html
        folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        for href in re.findall(r'(?:href|src)="([^"#]+)"', html):
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            target = _resolve(folder, href)
            assert target in names, (name, href)


def _resolve(folder: str, href: str) -> str:
    parts = [p for p in folder.split("/") if p]
    for piece in href.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def test_translation_workflow_draft_review_publish(client, database) -> None:  # noqa: ANN001
    make_user(database, "tina", ["editor"])
    make_user(database, "omar", ["editor"])
    login(client, "tina")
    matrix = client.get("/learn/manage")
    assert matrix.status_code == 200 and "parents/privacy" in matrix.text
    edit = client.get("/learn/manage/edit?page=parents/privacy&edit_lang=fr")
    bad = client.post("/learn/manage/edit", data={
        "csrf_token": csrf_from(edit.text), "page": "parents/privacy", "edit_lang": "fr", "title": "Vie privée",
        "summary": "Résumé.", "body": "Appelez le 0800 123 456", "action": "review"})
    assert bad.status_code == 422 and "phone" in bad.text
    saved = client.post("/learn/manage/edit", follow_redirects=False, data={
        "csrf_token": csrf_from(edit.text), "page": "parents/privacy", "edit_lang": "fr",
        "title": "Vie privée et données (révisé)", "summary": "Résumé révisé.",
        "body": "## Nouveau\n\nTexte révisé par l'équipe.", "action": "review"})
    assert saved.status_code == 303
    matrix = client.get("/learn/manage")
    draft_id = re.search(r"/learn/manage/drafts/(\d+)/publish", matrix.text).group(1)
    own = client.post(f"/learn/manage/drafts/{draft_id}/publish", data={"csrf_token": csrf_from(matrix.text)})
    assert own.status_code == 403  # four eyes
    file_text = client.get(f"/learn/manage/drafts/{draft_id}.md").text
    assert file_text.startswith("+++\n") and "source_revision = 1" in file_text
    client.post("/logout", data={"csrf_token": csrf_from(matrix.text)})
    client.cookies.clear()
    login(client, "omar")
    matrix = client.get("/learn/manage")
    published = client.post(f"/learn/manage/drafts/{draft_id}/publish", data={"csrf_token": csrf_from(matrix.text)},
                            follow_redirects=False)
    assert published.status_code == 303
    client.cookies.clear()
    page = client.get("/learn/parents/privacy?lang=fr")
    assert "Vie privée et données (révisé)" in page.text and "Texte révisé" in page.text
    assert "/learn/parents/privacy" in client.get("/learn/search?lang=fr&q=révisé").text
    assert client.get("/learn/manage", follow_redirects=False).status_code in (303, 401)
