"""HTML pages: cross-country comparison and methodology (public), and the statisticians' workspace."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import ChildSafeError, NotFoundError
from childsafe.http import i18n
from childsafe.http.context import app_context
from childsafe.http.deps import DbSession, Language, check_csrf, require
from childsafe.http.templating import render
from childsafe.http import charts
from childsafe.stats import labels, service
from childsafe.stats.api import upload_from_form
from childsafe.stats.framework import Indicator, load

router = APIRouter(include_in_schema=False)
Statistician = Annotated[Principal, require(Permission.STATS_WRITE)]
MAX_COUNTRIES = 12


def _value_text(indicator: Indicator, value: float | None, lang: str) -> str:
    if value is None:
        return ""
    if indicator.unit == "level":
        return indicator.level_name(indicator.levels[int(value)], lang)
    if indicator.unit == "percent":
        return f"{value:g} %"
    return f"{value:,.0f}" if indicator.unit == "count" else f"{value:g}"


@router.get("/stats")
def compare(request: Request, lang: Language, session: DbSession,
            indicator: Annotated[str, Query(max_length=60)] = "",
            dimension: Annotated[str, Query(max_length=20)] = "total",
            year: Annotated[str, Query(max_length=4)] = "",
            country: Annotated[list[str] | None, Query(max_length=MAX_COUNTRIES)] = None) -> Response:
    framework = load()
    gettext = i18n.translations(lang).gettext
    coverage = service.coverage(session)
    chosen = framework.get(indicator) or next((i for i in framework.indicators if i.id in coverage),
                                              framework.indicators[0])
    covered = coverage.get(chosen.id, {"countries": [], "years": [], "dimensions": []})
    dimensions = [d for d in labels.DIMENSIONS if d in covered["dimensions"]] or ["total"]
    dimension = dimension if dimension in dimensions else "total"
    years = covered["years"]
    chosen_year = int(year) if year.isdigit() and int(year) in years else (years[-1] if years else None)
    countries = [c.upper() for c in (country or []) if c.upper() in covered["countries"]][:MAX_COUNTRIES]
    rows = service.figures(session, indicator=chosen.id, dimension=dimension, year=chosen_year,
                           countries=countries) if chosen_year else []
    table = [{"country": f.country, "group": labels.group(dimension, f.subgroup, gettext) if f.subgroup else "",
              "value": _value_text(chosen, f.value, lang), "margin": f.margin, "status": f.status,
              "method": r.method, "source": r.source, "raw": f} for f, r in rows]
    bars = [charts.Bar(label=i18n.country_name(t["country"], lang) + (f" · {t['group']}" if t["group"] else ""),
                       value=t["raw"].value if chosen.unit != "level" else (t["raw"].value or 0) + 0.0,
                       margin=t["margin"], series=sorted({f.subgroup for f, _ in rows}).index(t["raw"].subgroup),
                       note=gettext(labels.STATUSES[t["status"]]) if t["raw"].value is None else "",
                       shown=t["value"] if chosen.unit == "level" else "")
            for t in table]
    title = chosen.text("name", lang)
    description = gettext("Bar chart of the figures listed in the table beside it.")
    chart = Markup(charts.bar_chart(bars, title=f"{title} ({chosen_year})", description=description,
                                    unit=chosen.unit, ident="compare", rtl=lang == "ar",
                                    scale=len(chosen.levels) - 1 if chosen.unit == "level" else None)) if bars else None
    query = {"indicator": chosen.id, "dimension": dimension, **({"year": chosen_year} if chosen_year else {}),
             **({"country": ",".join(countries)} if countries else {})}
    return render(request, "stats/compare.html", {
        "framework": framework, "chosen": chosen, "dimension": dimension, "dimensions": dimensions,
        "years": years, "year": chosen_year, "all_countries": covered["countries"], "countries": countries,
        "table": table, "chart": chart, "labels": labels, "export_query": query})


@router.get("/stats/methodology")
def methodology(request: Request, lang: Language) -> Response:
    return render(request, "stats/methodology.html", {"framework": load(), "labels": labels})


@router.get("/stats/methodology/{indicator_id}")
def methodology_indicator(request: Request, indicator_id: str, lang: Language) -> Response:
    framework = load()
    found = framework.get(indicator_id)
    if found is None:
        raise NotFoundError(f"no indicator {indicator_id!r}")
    module = next(m for m in framework.modules if m.id == found.module)
    return render(request, "stats/indicator.html", {"framework": framework, "indicator": found, "module": module,
                                                    "labels": labels})


def _workspace(request: Request, session: DbSession, *, error: str | None = None, status: int = 200,
               notice: str | None = None) -> Response:
    framework = load()
    datasets = [(d, service.spent(session, d.id), service.releasable(d, framework))
                for d in service.datasets(session)]
    return render(request, "stats/manage.html", {
        "framework": framework, "datasets": datasets, "releases": service.releases(session), "error": error,
        "notice": notice, "labels": labels, "default_country": app_context(request).settings.stats_country,
        "default_budget": app_context(request).settings.stats_epsilon_budget,
        "year_now": app_context(request).clock.now().year}, status_code=status)


@router.get("/stats/manage")
def workspace(request: Request, lang: Language, principal: Statistician, session: DbSession) -> Response:
    return _workspace(request, session)


def _back(request: Request, notice: str) -> Response:
    return RedirectResponse(f"/stats/manage?lang={request.state.lang}&done={notice}", status_code=303)


@router.post("/stats/manage/upload")
async def upload(request: Request, lang: Language, principal: Statistician, session: DbSession) -> Response:
    try:
        dataset = await upload_from_form(request, session, principal)
    except ChildSafeError as exc:
        session.rollback()
        problems = getattr(exc, "problems", None)
        return _workspace(request, session, error="; ".join(problems) if problems else exc.message, status=422)
    return RedirectResponse(f"/stats/manage/datasets/{dataset.id}?lang={lang}", status_code=303)


@router.get("/stats/manage/datasets/{dataset_id}")
def dataset_page(request: Request, dataset_id: int, lang: Language, principal: Statistician,
                 session: DbSession, error: str | None = None, status: int = 200) -> Response:
    dataset = service.get_dataset(session, dataset_id)
    return render(request, "stats/dataset.html", {
        "dataset": dataset, "spent": service.spent(session, dataset.id), "ledger": service.ledger(session, dataset.id),
        "indicators": service.releasable(dataset, load()), "error": error, "labels": labels}, status_code=status)


async def _form(request: Request, principal: Principal) -> dict[str, Any]:
    form = await request.form()
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    return {"values": {k: str(v) for k, v in form.items() if isinstance(v, str)},
            "lists": {k: [str(v) for v in form.getlist(k)] for k in form}}


@router.post("/stats/manage/datasets/{dataset_id}/release")
async def release_survey(request: Request, dataset_id: int, lang: Language, principal: Statistician,
                         session: DbSession) -> Response:
    form = await _form(request, principal)
    try:
        service.release_survey(session, dataset_id, epsilon=form["values"].get("epsilon"),
                               indicators=form["lists"].get("indicators") or None, actor=principal.actor,
                               clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return dataset_page(request, dataset_id, lang, principal, session, error=exc.message, status=422)
    return RedirectResponse(f"/stats/manage/datasets/{dataset_id}?lang={lang}&done=release", status_code=303)


@router.post("/stats/manage/administrative")
async def release_administrative(request: Request, lang: Language, principal: Statistician,
                                 session: DbSession) -> Response:
    form = await _form(request, principal)
    ctx = app_context(request)
    try:
        service.release_administrative(session, country=form["values"].get("country", ""),
                                       year=form["values"].get("year"), actor=principal.actor,
                                       threshold=ctx.settings.stats_min_cell, clock=ctx.clock)
    except ChildSafeError as exc:
        session.rollback()
        return _workspace(request, session, error=exc.message, status=422)
    return _back(request, "administrative")


@router.post("/stats/manage/national")
async def national(request: Request, lang: Language, principal: Statistician, session: DbSession) -> Response:
    values = (await _form(request, principal))["values"]
    try:
        service.enter_national(session, indicator=values.get("indicator", ""), country=values.get("country", ""),
                               year=values.get("year"), value=values.get("value"), source=values.get("source", ""),
                               actor=principal.actor, clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _workspace(request, session, error=exc.message, status=422)
    return _back(request, "national")


@router.post("/stats/manage/releases/{release_id}/withdraw")
async def withdraw(request: Request, release_id: int, lang: Language, principal: Statistician,
                   session: DbSession) -> Response:
    await _form(request, principal)
    service.withdraw(session, release_id, actor=principal.actor, clock=app_context(request).clock)
    return _back(request, "withdrawn")
