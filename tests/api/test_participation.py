"""Youth consultations end to end (anonymous answers, moderation, suppressed results, summary PDF), the public
document library with versions and search, and the best-practice catalogue with its review."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from pypdf import PdfReader

from childsafe.core import antiabuse
from tests.conftest import csrf_from, login, make_user

QUESTIONS = ("choice | Where do you feel safest online? | Games; Social media; Messaging\n"
             "scale | How much do adults listen to you about online safety? | 5\n"
             "open | What should governments do?")


def _organise(client, database, clock) -> str:  # noqa: ANN001
    make_user(database, "sec", ["secretariat"])
    login(client, "sec")
    page = client.get("/consultations-manage")
    opens = clock.now().strftime("%Y-%m-%dT%H:%M")
    closes = (clock.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post("/consultations-manage", data={"csrf_token": csrf_from(page.text), "slug": "Bad Slug",
                                                     "title": "x", "questions": QUESTIONS, "opens_at": opens,
                                                     "closes_at": closes})
    assert bad.status_code == 422 and "lowercase" in bad.text
    made = client.post("/consultations-manage", follow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "slug": "cwg-2027", "text_lang": "en",
        "title": "Your voice before the working group meets", "intro": "Tell us.", "questions": QUESTIONS,
        "opens_at": opens, "closes_at": closes})
    assert made.status_code == 303
    edit = client.get(made.headers["location"])
    mismatch = client.post(made.headers["location"].split("?")[0] + "/translate", data={
        "csrf_token": csrf_from(edit.text), "text_lang": "fr", "title": "Ta voix", "questions": "open | Q"})
    assert mismatch.status_code == 422
    translated = client.post(made.headers["location"].split("?")[0] + "/translate", follow_redirects=False, data={
        "csrf_token": csrf_from(edit.text), "text_lang": "fr", "title": "Ta voix avant la réunion",
        "questions": ("choice | Où te sens-tu le plus en sécurité en ligne ? | Jeux; Réseaux sociaux; Messageries\n"
                      "scale | Les adultes t'écoutent-ils ? | 5\nopen | Que devraient faire les gouvernements ?")})
    assert translated.status_code == 303
    client.cookies.clear()
    return made.headers["location"].split("?")[0]


def _answer(client, clock, **fields: str):  # noqa: ANN001, ANN202
    page = client.get("/consultations/cwg-2027?lang=fr")
    token = antiabuse.form_token("test-secret-key-0123456789", clock.now().timestamp() - 10)
    question_ids = re.findall(r'name="q(\d+)"', page.text)
    first, second, third = sorted(set(question_ids), key=int)
    data = {"token": token, "age_band": "13-15", "country": "KE", f"q{first}": "1", f"q{second}": "4",
            f"q{third}": "Teach online safety in every school.", **fields}
    return client.post("/consultations/cwg-2027?lang=fr", data=data), (first, second, third)


def test_a_youth_consultation_runs_end_to_end(client, database, clock) -> None:  # noqa: ANN001
    manage_url = _organise(client, database, clock)
    page = client.get("/consultations/cwg-2027?lang=fr")
    assert "Ta voix avant la réunion" in page.text and "Où te sens-tu" in page.text
    assert "set-cookie" not in page.headers
    sent, ids = _answer(client, clock)
    assert sent.status_code == 200 and "set-cookie" not in sent.headers
    trap, _ = _answer(client, clock, website="http://spam.example")
    assert trap.status_code == 400
    too_fast = client.post("/consultations/cwg-2027", data={
        "token": antiabuse.form_token("test-secret-key-0123456789", clock.now().timestamp()), "age_band": "13-15",
        "country": "KE", f"q{ids[0]}": "1"})
    assert too_fast.status_code == 400
    wrong, _ = _answer(client, clock, **{f"q{ids[0]}": "7"})
    assert wrong.status_code == 422
    for n in range(11):
        _answer(client, clock, **{f"q{ids[2]}": f"Answer number {n} with my school name"})
    results = client.get("/consultations/cwg-2027/results?lang=fr")
    assert "Teach online safety" not in results.text  # not moderated yet
    # Only 12 answered, all 13-15: the 13-15 column's small cells are hidden, the options with 12 shown.
    assert "Réseaux sociaux" in results.text
    make_user(database, "mod", ["secretariat"])
    login(client, "mod")
    edit = client.get(manage_url)
    first_pending = re.search(r'name="a(\d+)"', edit.text).group(1)
    decisions = {f"a{first_pending}": "approved"}
    decisions.update({f"a{m}": "rejected" for m in re.findall(r'name="a(\d+)"', edit.text) if m != first_pending})
    client.post(manage_url + "/moderate", data={"csrf_token": csrf_from(edit.text), **decisions})
    client.cookies.clear()
    results = client.get("/consultations/cwg-2027/results")
    assert "Teach online safety in every school." in results.text
    assert "my school name" not in results.text
    pdf = client.get("/consultations/cwg-2027/summary.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Teach online safety" in text and "Your voice before the working" in text


def test_small_counts_are_hidden_in_results(client, database, clock) -> None:  # noqa: ANN001
    _organise(client, database, clock)
    for band in ("13-15", "13-15", "16-17"):
        _answer(client, clock, age_band=band)
    results = client.get("/consultations/cwg-2027/results")
    assert "fewer than 10" in results.text
    table = results.text.split("<table")[1].split("</table>")[0]
    assert ">1<" not in table and ">2<" not in table and ">3<" not in table


def test_document_library_is_public_versioned_and_searchable(client, database) -> None:  # noqa: ANN001
    make_user(database, "lib", ["secretariat"])
    login(client, "lib")
    page = client.get("/documents-manage")
    made = client.post("/documents-manage", follow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "symbol": "CWG-COP/20/3", "kind": "output", "title_lang": "en",
        "title": "Report of the twentieth meeting", "issued_on": "2026-10-01", "meeting": "CWG-COP 20",
        "file_lang": "en"}, files={"file": ("report.txt", b"Outcomes: youth consultation on gaming safety.",
                                            "text/plain")})
    assert made.status_code == 303
    doc_id = made.headers["location"].split("/")[2].split("?")[0]
    again = client.post("/documents-manage", follow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "document_id": doc_id, "file_lang": "fr"},
        files={"file": ("rapport.pdf", b"%PDF-1.4 minimal", "application/pdf")})
    assert again.status_code == 303
    refused = client.post("/documents-manage", data={
        "csrf_token": csrf_from(page.text), "document_id": doc_id, "file_lang": "fr"},
        files={"file": ("x.bin", b"\x00\xff\xfe binary", "application/octet-stream")})
    assert refused.status_code == 422
    liaison = client.post("/documents-manage", data={
        "csrf_token": csrf_from(page.text), "symbol": "LS-17", "kind": "liaison", "title": "On age assurance",
        "title_lang": "en", "issued_on": "2026-10-02", "file_lang": "en"},
        files={"file": ("ls.txt", b"text", "text/plain")})
    assert liaison.status_code == 422 and "from whom" in liaison.text
    client.cookies.clear()
    listing = client.get("/documents?q=gaming")
    assert "CWG-COP/20/3" in listing.text
    assert "CWG-COP/20/3" not in client.get("/documents?q=nothing-like-this").text
    assert "CWG-COP/20/3" in client.get("/documents?doc_lang=fr").text
    detail = client.get(f"/documents/{doc_id}")
    file_links = re.findall(rf'/documents/{doc_id}/files/(\d+)', detail.text)
    assert len(file_links) == 2
    download = client.get(f"/documents/{doc_id}/files/{file_links[0]}")
    assert download.headers["content-disposition"].startswith("attachment")


def test_best_practices_are_reviewed_before_the_catalogue(client, database) -> None:  # noqa: ANN001
    make_user(database, "mina", ["policy"])
    login(client, "mina")
    form = client.get("/best-practices/submit")
    values = {"csrf_token": csrf_from(form.text), "kind": "best_practice", "title": "Helpline in every school",
              "organisation": "Ministry of Education", "region": "africa", "topic": "education", "country": "KE",
              "summary": "Posters and lessons bring the helpline number to every classroom.",
              "body": "We printed posters with the helpline and trained teachers in 2025."}
    bad = client.post("/best-practices/submit", data={**values, "region": "mars"})
    assert bad.status_code == 422
    assert client.post("/best-practices/submit", data=values).status_code == 200
    quarterly = client.post("/best-practices/submit", data={**values, "kind": "quarterly_report"})
    assert quarterly.status_code == 422 and "quarter" in quarterly.text
    assert "Helpline in every school" not in client.get("/best-practices").text  # not reviewed yet
    client.cookies.clear()
    make_user(database, "rev", ["secretariat"])
    login(client, "rev")
    queue = client.get("/best-practices/review")
    submission = re.search(r"/best-practices/review/(\d+)", queue.text).group(1)
    client.post(f"/best-practices/review/{submission}", data={"csrf_token": csrf_from(queue.text),
                                                              "decision": "approved"})
    client.cookies.clear()
    catalogue = client.get("/best-practices?region=africa&topic=education")
    assert "Helpline in every school" in catalogue.text
    assert "Helpline in every school" not in client.get("/best-practices?region=europe").text
    assert client.get(f"/best-practices/{submission}").status_code == 200
