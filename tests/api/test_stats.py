"""The statistics routes: the public framework and figures, the statistician's upload-and-release flow through the
pages and the API, exports, roles and bad input."""

from __future__ import annotations

import json

from childsafe.core.settings import LANGUAGES
from childsafe.stats import synthetic
from childsafe.stats.framework import load
from tests.conftest import csrf_from, login, make_user, token_for


def survey_files(rows: int = 2000, rate: float = 0.6, seed: int = 0) -> dict[str, tuple[str, bytes, str]]:
    framework = load()
    return {"file": ("survey.csv", synthetic.survey_csv(framework, rows, {"internet_use": rate}, seed).encode(),
                     "text/csv"),
            "codebook": ("codebook.csv", synthetic.codebook(framework).encode(), "text/csv")}


def test_the_framework_is_public_in_six_languages(client) -> None:  # noqa: ANN001
    body = client.get("/api/v1/stats/indicators").json()
    assert body["indicators"] and body["version"]
    first = body["indicators"][0]
    assert set(first["definition"]) == set(LANGUAGES) and "country" in first["disaggregations"]
    one = client.get(f"/api/v1/stats/indicators/{first['id']}").json()
    assert one["id"] == first["id"]
    assert client.get("/api/v1/stats/indicators/nope").status_code == 404
    page = client.get(f"/stats/methodology/{first['id']}?lang=ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.text and first["question"]["ar"] in page.text
    assert first["name"]["zh"] in client.get("/stats/methodology?lang=zh").text


def test_a_statistician_publishes_and_a_policy_maker_compares_three_countries(client, database) -> None:  # noqa: ANN001
    make_user(database, "stat", ["statistician"])
    login(client, "stat")
    csrf = csrf_from(client.get("/stats/manage").text)
    for n, (country, rate) in enumerate((("KE", 0.45), ("BR", 0.8), ("TH", 0.65))):
        response = client.post("/stats/manage/upload", files=survey_files(rate=rate, seed=n), follow_redirects=False,
                               data={"csrf_token": csrf, "name": f"{country} kids online", "country": country,
                                     "year": "2025", "weight_cap": "1.5", "epsilon_budget": "2"})
        assert response.status_code == 303, response.text
        page = client.get(response.headers["location"])
        assert "kids online" in page.text
        released = client.post(response.headers["location"].split("?")[0] + "/release", follow_redirects=False,
                               data={"csrf_token": csrf_from(page.text), "epsilon": "1",
                                     "indicators": ["access.internet_use", "access.daily_use"]})
        assert released.status_code == 303, released.text
        assert "1 / 2" in client.get(released.headers["location"]).text  # the ledger shows the spend
    client.cookies.clear()  # the policy-maker has no account
    page = client.get("/stats?indicator=access.internet_use&year=2025")
    assert page.status_code == 200
    assert page.text.count("<rect") == 3 and 'role="img"' in page.text
    for name in ("Kenya", "Brazil", "Thailand"):
        assert name in page.text
    by_sex = client.get("/stats?indicator=access.internet_use&dimension=sex&country=KE&country=BR")
    assert by_sex.text.count("<rect") == 4 and "Thailand" not in by_sex.text.split("<main")[1].split("<table")[1]
    figures = client.get("/api/v1/stats/figures?indicator=access.internet_use&country=KE,BR,TH").json()["figures"]
    values = {f["country"]: f["value"] for f in figures}
    for figure in figures:  # noise and sampling: the noise's 95% margin tripled (about 1 in 4,000 per figure misses
        # it), and three standard errors of a 2,000-answer sample; a fixed 6 points failed a CI run (80 -> 86.6)
        rate = {"KE": 45, "BR": 80, "TH": 65}[figure["country"]]
        assert abs(figure["value"] - rate) < 3 * figure["margin_95"] + 3.4, figure
    assert values["KE"] < values["TH"] < values["BR"]
    assert all(f["method"] == "differential_privacy" and f["margin_95"] for f in figures)
    csv_text = client.get("/api/v1/stats/figures.csv?indicator=access.internet_use").text
    assert csv_text.count("\n") == 4
    sdmx = client.get("/api/v1/stats/figures.sdmx.json?indicator=access.internet_use&dimension=age_band")
    assert sdmx.headers["content-type"].startswith("application/vnd.sdmx.data+json")
    message = json.loads(sdmx.text)
    assert len(message["dataSets"][0]["observations"]) == 9
    assert [d["id"] for d in message["structure"]["dimensions"]["observation"]][2] == "AGE"


def test_roles_csrf_and_bad_files(client, database) -> None:  # noqa: ANN001
    assert client.get("/stats/manage", follow_redirects=False).status_code in (303, 401)
    assert client.post("/api/v1/stats/datasets", files=survey_files()).status_code == 401
    analyst = token_for(client, database, ["analyst"], ["reports:triage"], username="ana")
    assert client.post("/api/v1/stats/datasets", files=survey_files(), headers=analyst).status_code == 403
    statistician = token_for(client, database, ["statistician"], ["stats:write"], username="sta")
    files = survey_files(rows=20)
    broken = files["file"][1].replace(b"\n", b"\n7,", 1)  # a cell too many in the first data row
    response = client.post("/api/v1/stats/datasets", headers=statistician,
                           files={**files, "file": ("s.csv", broken, "text/csv")},
                           data={"name": "x", "country": "KE", "year": "2025"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "file" and "row 2" in response.json()["error"]["message"]
    assert client.get("/api/v1/stats/datasets", headers=statistician).json()["datasets"] == []
    latin1 = client.post("/api/v1/stats/datasets", headers=statistician,
                         files={**files, "file": ("s.csv", files["file"][1].split(b"\n")[0] + b"\n\xe9,9\n",
                                                  "text/csv")},
                         data={"name": "x", "country": "KE", "year": "2025"})
    assert latin1.status_code == 422 and "line 2" in latin1.json()["error"]["message"]
    created = client.post("/api/v1/stats/datasets", headers=statistician, files=files,
                          data={"name": "ok", "country": "KE", "year": "2025", "epsilon_budget": "0.5"})
    assert created.status_code == 201, created.text
    dataset = created.json()
    assert dataset["rows"] == 20 and dataset["epsilon_remaining"] == 0.5
    over = client.post(f"/api/v1/stats/datasets/{dataset['id']}/releases", headers=statistician,
                       json={"epsilon": 0.9})
    assert over.status_code == 409 and over.json()["error"]["field"] == "epsilon"
    unknown = client.post(f"/api/v1/stats/datasets/{dataset['id']}/releases", headers=statistician,
                          json={"epsilon": 0.1, "indicators": ["hotlines.reports"]})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "indicators"
    ledger = client.get(f"/api/v1/stats/datasets/{dataset['id']}/ledger", headers=statistician).json()
    assert ledger["entries"] == [] and ledger["epsilon_spent"] == 0
    # A signed-in statistician's form without its CSRF token is refused.
    make_user(database, "stat2", ["statistician"])
    login(client, "stat2")
    refused = client.post("/stats/manage/national", data={"indicator": "framework.hotline", "country": "KE",
                                                           "year": "2024", "value": "national", "source": "x"})
    assert refused.status_code == 403


def test_figures_query_is_validated(client) -> None:  # noqa: ANN001
    assert client.get("/api/v1/stats/figures").status_code == 422
    bad = client.get("/api/v1/stats/figures?indicator=nope")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "indicator"
    assert client.get("/api/v1/stats/figures?indicator=access.internet_use&dimension=colour").status_code == 422
    assert client.get("/api/v1/stats/figures?indicator=access.internet_use&colour=1").status_code == 422
    empty = client.get("/stats?indicator=access.internet_use")
    assert empty.status_code == 200 and "No figures have been published" in empty.text
