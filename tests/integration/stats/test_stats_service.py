"""Statistics on SQLite and PostgreSQL: upload, budget ledger, releases, administrative counts under the
differencing attack, national figures, withdrawal and microdata expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from childsafe.accounts.models import User
from childsafe.accounts.roles import permissions_for
from childsafe.accounts.service import Principal
from childsafe.core.audit import AuditEntry
from childsafe.core.errors import ConflictError, InvalidInputError
from childsafe.reports import contacts
from childsafe.stats import admin, service, suppression, synthetic
from childsafe.stats.framework import load
from childsafe.stats.models import BudgetEntry, Dataset, Figure
from childsafe.stats.survey import SurveyFileError
from tests.conftest import make_user


def principal(database, role: str = "statistician", name: str = "stat") -> Principal:  # noqa: ANN001
    make_user(database, name, [role])
    with database.unit_of_work() as session:
        user_id = session.scalar(select(User.id).where(User.username == name))
    return Principal(user_id=user_id, username=name, roles=(role,), permissions=permissions_for([role]),
                     via="session")


def upload(session, who: Principal, clock, *, rows: int = 3000, country: str = "KE", rate: float = 0.7,  # noqa: ANN001
           budget: float = 1.0) -> Dataset:
    framework = load()
    text = synthetic.survey_csv(framework, rows, {"internet_use": rate}, seed=len(country) + rows)
    return service.upload_survey(session, name=f"{country} survey", country=country, year=2025,
                                 lines=text.splitlines(), codebook=synthetic.codebook(framework), weight_cap=1.5,
                                 epsilon_budget=budget, actor=who.actor, clock=clock)


def test_upload_release_and_ledger(database, clock) -> None:  # noqa: ANN001
    who = principal(database)
    with database.unit_of_work() as session:
        dataset_id = upload(session, who, clock, rows=30_000).id
    with database.unit_of_work() as session:
        release = service.release_survey(session, dataset_id, epsilon=0.6, actor=who.actor, clock=clock)
        release_id = release.id
        assert release.parameters["mechanism"] == "laplace" and release.parameters["rows"] == 30_000
    with database.unit_of_work() as session:
        entries = service.ledger(session, dataset_id)
        assert [(e.release_id, round(e.epsilon, 9)) for e in entries] == [(release_id, 0.6)]
        rows = service.figures(session, indicator="access.internet_use", countries=["KE"])
        assert len(rows) == 1 and rows[0][0].value == pytest.approx(70, abs=5)
        assert {f.subgroup for f, _ in service.figures(session, indicator="access.internet_use",
                                                       dimension="sex")} == {"female", "male"}
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(["stats.upload", "stats.release"]))) == 2
    with database.unit_of_work() as session, pytest.raises(ConflictError, match="only 0.4 of the dataset's budget"):
        service.release_survey(session, dataset_id, epsilon=0.5, actor=who.actor, clock=clock)
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(BudgetEntry)) == 1  # the refusal spent nothing
        service.release_survey(session, dataset_id, epsilon=0.4, actor=who.actor, clock=clock)
    with database.unit_of_work() as session:
        assert service.spent(session, dataset_id) == pytest.approx(1.0)


def test_a_failing_file_stores_nothing(database, clock) -> None:  # noqa: ANN001
    who = principal(database)
    framework = load()
    lines = synthetic.survey_csv(framework, 50, {}).splitlines()
    lines[30] = lines[30].replace(",", ",x", 1)
    with database.unit_of_work() as session, pytest.raises(SurveyFileError, match="row 31"):
        service.upload_survey(session, name="broken", country="KE", year=2025, lines=lines,
                              codebook=synthetic.codebook(framework), weight_cap=1, epsilon_budget=1,
                              actor=who.actor, clock=clock)
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Dataset)) == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("country", "XX", "ISO 3166-1"), ("year", "1890", "year must be"), ("weight_cap", "0", "weight_cap"),
    ("epsilon_budget", "50", "at most 10"), ("name", "", "name the survey")])
def test_upload_metadata_is_checked(database, clock, field: str, value: str, message: str) -> None:  # noqa: ANN001
    who = principal(database)
    framework = load()
    values = {"name": "s", "country": "KE", "year": "2025", "weight_cap": "1", "epsilon_budget": "1", field: value}
    with database.unit_of_work() as session, pytest.raises(InvalidInputError, match=message):
        service.upload_survey(session, lines=synthetic.survey_csv(framework, 5, {}).splitlines(),
                              codebook=synthetic.codebook(framework), actor=who.actor, clock=clock, **values)


def test_administrative_counts_resist_the_differencing_attack(database, clock) -> None:  # noqa: ANN001
    counsellor = principal(database, "counsellor", "coun")
    who = principal(database)
    plan = [("violence/cyberbullying", "13_15", "girl", 14), ("violence/cyberbullying", "16_17", "boy", 12),
            ("violence/grooming", "13_15", "girl", 3), ("mental_health/self_harm", "16_17", "girl", 25),
            ("mental_health/anxiety", "9_12", "boy", 2), ("family/conflict", "9_12", "girl", 30)]
    with database.unit_of_work() as session:
        for category, age, gender, n in plan:
            for _ in range(n):
                contacts.record(session, {"channel": "chat", "caller": "child", "age_band": age, "gender": gender,
                                          "categories": [category]}, principal=counsellor, clock=clock)
    with database.unit_of_work() as session:
        table = admin.helpline_table(session, clock.now().year)
        assert table.values[("violence", "age_band", "13_15")] == 17
        primary = {key for key, n in table.values.items() if 0 < n < 10}
        assert suppression.exposed(table, primary)  # primary suppression alone would leak
        release = service.release_administrative(session, country="KE", year=clock.now().year, actor=who.actor,
                                                 clock=clock)
        release_id = release.id
    with database.unit_of_work() as session:
        published = {(f.dimension, f.subgroup): f for f in session.scalars(
            select(Figure).where(Figure.release_id == release_id, Figure.indicator == "helplines.contacts"))}
        assert published[("total", "")].value == 86
        assert published[("category_age_band", "mental_health|9_12")].status == "suppressed"  # 2 contacts
        assert published[("category_age_band", "violence|13_15")].value == 17  # the 3 about grooming hide in it
        for figure in published.values():
            assert figure.value is None or not 0 < figure.value < 10
        hotline = {(f.indicator, f.dimension): f for f in session.scalars(
            select(Figure).where(Figure.release_id == release_id, Figure.indicator != "helplines.contacts"))}
        assert hotline[("hotlines.takedown_days", "total")].status == "suppressed"  # fewer than 10 removals
        assert hotline[("hotlines.reports", "total")].value == 0  # zeros are published
        # Rebuild the intruder's view from what was published, and attack it.
        hidden = {key for key in table.values if _published(published, key).value is None}
        assert hidden and suppression.exposed(table, hidden) == []


def _published(published: dict, key: tuple) -> Figure:  # noqa: ANN001
    if key == ("total",):
        return published[("total", "")]
    if len(key) == 2:
        return published[key]
    return published[(f"category_{key[1]}", f"{key[0]}|{key[2]}")]


def test_national_figures_withdrawal_and_expiry(database, clock) -> None:  # noqa: ANN001
    who = principal(database)
    with database.unit_of_work() as session:
        release = service.enter_national(session, indicator="framework.national_strategy", country="br",
                                         year=2024, value="adopted", source="Ministry report 2024", actor=who.actor,
                                         clock=clock)
        release_id = release.id
        with pytest.raises(InvalidInputError, match="value is one of"):
            service.enter_national(session, indicator="framework.national_strategy", country="BR", year=2024,
                                   value="great", source="x report", actor=who.actor, clock=clock)
    with database.unit_of_work() as session:
        rows = service.figures(session, indicator="framework.national_strategy")
        assert [(f.country, f.value) for f, _ in rows] == [("BR", 2.0)]
        service.withdraw(session, release_id, actor=who.actor, clock=clock)
    with database.unit_of_work() as session:
        assert service.figures(session, indicator="framework.national_strategy") == []
        dataset_id = upload(session, who, clock, rows=100).id
    with database.unit_of_work() as session:
        assert service.expire_microdata(session, clock.now() + timedelta(days=366)) == 1
    with database.unit_of_work() as session, pytest.raises(ConflictError, match="deleted"):
        service.release_survey(session, dataset_id, epsilon=0.1, actor=who.actor, clock=clock)
