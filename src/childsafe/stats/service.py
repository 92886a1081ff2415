"""Statistics use cases: upload a survey, spend its privacy budget on a release, publish protected administrative
counts and national figures, and read the published figures for comparison. Every change is audited."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pycountry
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError
from childsafe.stats import admin, privacy, suppression
from childsafe.stats.framework import Framework, Indicator, load
from childsafe.stats.models import BudgetEntry, Dataset, Figure, Release
from childsafe.stats.survey import Microdata, parse_codebook, read_microdata

MAX_BUDGET = 10.0  # beyond this epsilon "differential privacy" protects nobody in practice


def check_country(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInputError("country must be an ISO 3166-1 alpha-2 code such as KE or BR", field="country")
    return code


def check_year(value: Any, clock: Clock) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise InvalidInputError("year must be a whole number", field="year") from None
    if not 1990 <= year <= clock.now().year:
        raise InvalidInputError(f"year must be from 1990 to {clock.now().year}", field="year")
    return year


def _positive(value: Any, name: str, upper: float | None = None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{name} must be a number", field=name) from None
    if not (math.isfinite(number) and number > 0) or (upper is not None and number > upper):
        raise InvalidInputError(f"{name} must be above 0" + (f" and at most {upper:g}" if upper else ""), field=name)
    return number


def upload_survey(session: Session, *, name: str, country: str, year: Any, lines: Iterable[str], codebook: str,
                  weight_cap: Any, epsilon_budget: Any, source: str = "", actor: Actor,
                  retention_days: int = 365, clock: Clock | None = None, framework: Framework | None = None,
                  ) -> Dataset:
    """Check the codebook and every row; store the dataset only if all of it passes (raises SurveyFileError)."""
    clock, framework = clock or SystemClock(), framework or load()
    name = (name or "").strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInputError("name the survey (at most 200 characters)", field="name")
    country, year = check_country(country), check_year(year, clock)
    cap = _positive(weight_cap, "weight_cap")
    budget = _positive(epsilon_budget, "epsilon_budget", MAX_BUDGET)
    book = parse_codebook(codebook, framework)
    data = read_microdata(lines, book)
    now = clock.now()
    dataset = Dataset(name=name, country=country, year=year, source=(source or "").strip()[:400], rows=len(data),
                      variables=sorted(data.answers), codebook=book.as_json(), weight_cap=cap,
                      epsilon_budget=budget, microdata=data.to_bytes(), uploaded_at=now, uploaded_by=actor.ident,
                      expires_at=now + timedelta(days=retention_days))
    session.add(dataset)
    session.flush()
    audit.record(session, actor, "stats.upload", "stats_dataset", dataset.id,
                 {"rows": dataset.rows, "country": country, "year": year, "epsilon_budget": budget}, clock)
    return dataset


def get_dataset(session: Session, dataset_id: int, *, lock: bool = False) -> Dataset:
    query = select(Dataset).where(Dataset.id == dataset_id)
    dataset = session.scalars(query.with_for_update() if lock else query).first()
    if dataset is None:
        raise NotFoundError(f"no dataset {dataset_id}")
    return dataset


def datasets(session: Session) -> list[Dataset]:
    return list(session.scalars(select(Dataset).order_by(Dataset.uploaded_at.desc())))


def spent(session: Session, dataset_id: int) -> float:
    return float(session.scalar(select(func.coalesce(func.sum(BudgetEntry.epsilon), 0.0)).where(
        BudgetEntry.dataset_id == dataset_id)) or 0.0)


def ledger(session: Session, dataset_id: int) -> list[BudgetEntry]:
    return list(session.scalars(select(BudgetEntry).where(BudgetEntry.dataset_id == dataset_id)
                                .order_by(BudgetEntry.at, BudgetEntry.id)))


def releasable(dataset: Dataset, framework: Framework) -> list[Indicator]:
    """The survey indicators this dataset can answer: it has the variable and, if any, the universe variable."""
    have = set(dataset.variables)
    return [i for i in framework.of("survey") if i.variable in have and (not i.universe or i.universe in have)]


def release_survey(session: Session, dataset_id: int, *, epsilon: Any, indicators: list[str] | None = None,
                   actor: Actor, clock: Clock | None = None, framework: Framework | None = None) -> Release:
    """Spend `epsilon` of the dataset's budget on a differentially private release (the ledger entry and the
    figures land in the same transaction; the dataset row is locked so two releases cannot overspend)."""
    clock, framework = clock or SystemClock(), framework or load()
    epsilon = _positive(epsilon, "epsilon", MAX_BUDGET)
    dataset = get_dataset(session, dataset_id, lock=True)
    available = releasable(dataset, framework)
    if indicators:
        unknown = sorted(set(indicators) - {i.id for i in available})
        if unknown:
            raise InvalidInputError(f"this dataset cannot answer {', '.join(unknown)}", field="indicators")
        available = [i for i in available if i.id in set(indicators)]
    if not available:
        raise InvalidInputError("this dataset answers no indicator of the framework", field="indicators")
    remaining = dataset.epsilon_budget - spent(session, dataset.id)
    if epsilon > remaining + 1e-9:
        raise ConflictError(f"the release needs epsilon {epsilon:g} but only {max(remaining, 0):.4g} of the "
                            "dataset's budget is left", field="epsilon")
    blob = session.scalar(select(Dataset.microdata).where(Dataset.id == dataset.id))
    if blob is None:
        raise ConflictError("the microdata of this dataset have been deleted (retention period)", field="dataset")
    result = privacy.release(Microdata.from_bytes(blob), available, epsilon=epsilon, cap=dataset.weight_cap)
    if result.epsilon > remaining + 1e-9:
        raise ConflictError("the release would overspend the budget", field="epsilon")
    release = _new_release(session, "survey", "differential_privacy", dataset.country, dataset.year, actor,
                           clock, framework, parameters={**result.parameters, "rows": dataset.rows},
                           source=dataset.source, dataset_id=dataset.id)
    for cell in result.cells:
        dimension = cell.table
        session.add(Figure(release_id=release.id, indicator=cell.indicator, country=dataset.country,
                           year=dataset.year, dimension=dimension, subgroup=cell.sex or cell.age_band or "",
                           value=cell.value, margin=cell.margin, status=cell.status))
    session.add(BudgetEntry(dataset_id=dataset.id, release_id=release.id, epsilon=result.epsilon,
                            purpose=f"release {release.id}: {len(available)} indicators", at=clock.now(),
                            actor=actor.ident))
    audit.record(session, actor, "stats.release", "stats_release", release.id,
                 {"dataset": dataset.id, "epsilon": result.epsilon, "indicators": [i.id for i in available]}, clock)
    return release


def _new_release(session: Session, kind: str, method: str, country: str, year: int, actor: Actor,
                 clock: Clock, framework: Framework, *, parameters: dict[str, Any], source: str = "",
                 dataset_id: int | None = None) -> Release:
    release = Release(kind=kind, method=method, country=country, year=year, dataset_id=dataset_id,
                      framework_version=framework.version, parameters=parameters, source=source,
                      published_at=clock.now(), published_by=actor.ident)
    session.add(release)
    session.flush()
    return release


def release_administrative(session: Session, *, country: str, year: Any, actor: Actor,
                           threshold: int = 10, clock: Clock | None = None,
                           framework: Framework | None = None) -> Release:
    """This platform's helpline contacts and hotline reports for a year, with small-cell and secondary
    suppression; refuses to publish if the differencing attack could recover any hidden cell."""
    clock, framework = clock or SystemClock(), framework or load()
    country, year = check_country(country), check_year(year, clock)
    cells = admin.protected_cells(session, year, threshold)
    release = _new_release(session, "administrative", "small_cell_suppression", country, year, actor, clock,
                           framework, parameters={"threshold": threshold, "secondary": "equation-based, audited "
                                                  "by linear programming", "zeros": "published"},
                           source="ChildSafe helpline contact records and hotline reports")
    for cell in cells:
        session.add(Figure(release_id=release.id, country=country, year=year, **cell))
    audit.record(session, actor, "stats.release", "stats_release", release.id,
                 {"kind": "administrative", "figures": len(cells),
                  "suppressed": sum(c["status"] == "suppressed" for c in cells)}, clock)
    return release


def enter_national(session: Session, *, indicator: str, country: str, year: Any, value: Any, source: str,
                   actor: Actor, clock: Clock | None = None, framework: Framework | None = None) -> Release:
    """A national figure as a statistician reports it, with its source (a level code for level indicators)."""
    clock, framework = clock or SystemClock(), framework or load()
    found = framework.get(indicator)
    if found is None:
        raise InvalidInputError(f"no indicator {indicator!r} in the framework", field="indicator")
    country, year = check_country(country), check_year(year, clock)
    source = (source or "").strip()
    if not 3 <= len(source) <= 1000:
        raise InvalidInputError("name the source of the figure (a publication, a ministry, a year)", field="source")
    number = _national_value(found, value)
    release = _new_release(session, "national", "as_reported", country, year, actor, clock, framework,
                           parameters={"indicator": found.id}, source=source)
    session.add(Figure(release_id=release.id, indicator=found.id, country=country, year=year, dimension="total",
                       subgroup="", value=number, margin=None, status="published"))
    audit.record(session, actor, "stats.national", "stats_release", release.id,
                 {"indicator": found.id, "country": country, "year": year}, clock)
    return release


def _national_value(indicator: Indicator, value: Any) -> float:
    text = str(value or "").strip()
    if indicator.unit == "level":
        if text not in indicator.levels:
            raise InvalidInputError(f"value is one of {', '.join(indicator.levels)}", field="value")
        return float(indicator.levels.index(text))
    try:
        number = float(text)
    except ValueError:
        raise InvalidInputError("value must be a number", field="value") from None
    upper = 100.0 if indicator.unit == "percent" else 1e12
    if not (math.isfinite(number) and 0 <= number <= upper):
        raise InvalidInputError(f"value must be from 0 to {upper:g}", field="value")
    return number


def withdraw(session: Session, release_id: int, *, actor: Actor, clock: Clock | None = None) -> Release:
    clock = clock or SystemClock()
    release = session.get(Release, release_id)
    if release is None:
        raise NotFoundError(f"no release {release_id}")
    if release.withdrawn_at is None:
        release.withdrawn_at = clock.now()
        audit.record(session, actor, "stats.withdraw", "stats_release", release.id, {}, clock)
    return release


def releases(session: Session, limit: int = 100) -> list[Release]:
    return list(session.scalars(select(Release).order_by(Release.published_at.desc(), Release.id.desc())
                                .limit(limit)))


def figures(session: Session, *, indicator: str, dimension: str = "total", year: int | None = None,
            countries: Iterable[str] = ()) -> list[tuple[Figure, Release]]:
    """The published figures with their release; the newest release wins for each country, year and group."""
    query = (select(Figure, Release).join(Release, Release.id == Figure.release_id)
             .where(Figure.indicator == indicator, Figure.dimension == dimension, Release.withdrawn_at.is_(None))
             .order_by(Release.published_at.desc(), Release.id.desc()))
    if year is not None:
        query = query.where(Figure.year == year)
    wanted = [c.upper() for c in countries if c]
    if wanted:
        query = query.where(Figure.country.in_(wanted))
    latest: dict[tuple[str, int, str], tuple[Figure, Release]] = {}
    for figure, release in session.execute(query):
        latest.setdefault((figure.country, figure.year, figure.subgroup), (figure, release))
    return sorted(latest.values(), key=lambda pair: (pair[0].year, pair[0].country, pair[0].subgroup))


def coverage(session: Session) -> dict[str, dict[str, Any]]:
    """Per indicator: the countries, years and dimensions with published figures (for the page's filters)."""
    rows = session.execute(select(Figure.indicator, Figure.country, Figure.year, Figure.dimension).join(
        Release, Release.id == Figure.release_id).where(Release.withdrawn_at.is_(None)).distinct())
    found: dict[str, dict[str, set[Any]]] = {}
    for indicator, country, year, dimension in rows:
        entry = found.setdefault(indicator, {"countries": set(), "years": set(), "dimensions": set()})
        entry["countries"].add(country)
        entry["years"].add(year)
        entry["dimensions"].add(dimension)
    return {k: {key: sorted(v) for key, v in entry.items()} for k, entry in found.items()}


def expire_microdata(session: Session, now: datetime) -> int:
    """Delete the microdata of datasets past their retention date; the ledger and releases stay."""
    result = session.execute(update(Dataset).where(Dataset.expires_at <= now, Dataset.purged_at.is_(None))
                             .values(microdata=None, purged_at=now))
    return result.rowcount or 0


def protect_counts(counts: dict[tuple[str, str], int], rows: Iterable[str], columns: Iterable[str], *,
                   threshold: int = 10) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]]]:
    """For other features' published counts (consultation results): a rows x columns table with its totals
    (keys (row, "_total"), ("_total", column), ("_total", "_total")), and the cells to hide so that no small count
    can be seen or worked out. Raises DisclosureError if the audit fails."""
    table = suppression.crosstab(counts, rows, columns)
    return dict(table.values), admin.protect_table(table, threshold)
