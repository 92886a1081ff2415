"""JSON routes: the framework and the published figures (public), and the statisticians' uploads and releases."""

from __future__ import annotations

import json
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from starlette.datastructures import UploadFile

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import InvalidInputError, NotFoundError
from childsafe.http.context import app_context
from childsafe.http.deps import DbSession, check_csrf, require, strict_query
from childsafe.stats import export, service
from childsafe.stats.framework import load
from childsafe.stats.models import BudgetEntry, Dataset, Release
from childsafe.stats.survey import utf8_lines

router = APIRouter(prefix="/api/v1/stats", tags=["stats"], dependencies=[Depends(strict_query)])
Statistician = Annotated[Principal, require(Permission.STATS_WRITE)]
DIMENSIONS = ("total", "sex", "age_band", "category", "gender", "classification", "category_age_band",
              "category_gender")


@router.get("/indicators", operation_id="stats-indicators",
            summary="The methodological framework: every indicator with its definition in the six languages")
def indicators() -> dict[str, Any]:
    framework = load()
    return {"version": framework.version,
            "modules": [{"id": m.id, "name": m.name} for m in framework.modules],
            "indicators": [i.as_json() for i in framework.indicators]}


@router.get("/indicators/{indicator_id}", operation_id="stats-indicator", summary="One indicator of the framework")
def indicator(indicator_id: Annotated[str, Path(max_length=60)]) -> dict[str, Any]:
    found = load().get(indicator_id)
    if found is None:
        raise NotFoundError(f"no indicator {indicator_id!r}")
    return found.as_json()


class FigureQuery:
    def __init__(self, indicator: Annotated[str, Query(max_length=60)],
                 dimension: Annotated[str, Query(max_length=20)] = "total",
                 year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                 country: Annotated[str, Query(max_length=200, description="ISO codes, comma-separated")] = "",
                 ) -> None:
        self.indicator = load().get(indicator)
        if self.indicator is None:
            raise InvalidInputError(f"no indicator {indicator!r}", field="indicator")
        if dimension not in DIMENSIONS:
            raise InvalidInputError(f"dimension is one of {', '.join(DIMENSIONS)}", field="dimension")
        self.dimension, self.year = dimension, year
        self.countries = [c.strip().upper() for c in country.split(",") if c.strip()]

    def rows(self, session: DbSession) -> list[tuple[Any, Release]]:
        assert self.indicator is not None
        return service.figures(session, indicator=self.indicator.id, dimension=self.dimension, year=self.year,
                               countries=self.countries)


Figures = Annotated[FigureQuery, Depends()]


@router.get("/figures", operation_id="stats-figures", summary="Published figures of one indicator, by country "
            "and year, overall or by a disaggregation; suppressed cells are listed with no value")
def figures(query: Figures, session: DbSession) -> dict[str, Any]:
    return {"indicator": query.indicator.id if query.indicator else None, "dimension": query.dimension,
            "figures": [{"country": f.country, "year": f.year, "group": f.subgroup or None, "value": f.value,
                         "margin_95": f.margin, "status": f.status, "release": r.id, "method": r.method,
                         "source": r.source} for f, r in query.rows(session)]}


@router.get("/figures.csv", operation_id="stats-figures-csv", summary="The same figures as CSV")
def figures_csv(query: Figures, session: DbSession) -> Response:
    assert query.indicator is not None
    return Response(export.to_csv(query.rows(session), query.indicator), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{query.indicator.id}.csv"'})


@router.get("/figures.sdmx.json", operation_id="stats-figures-sdmx", summary="The same figures as SDMX-JSON 1.0")
def figures_sdmx(request: Request, query: Figures, session: DbSession) -> Response:
    assert query.indicator is not None
    body = export.to_sdmx_json(query.rows(session), query.indicator, query.dimension, app_context(request).clock.now())
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/vnd.sdmx.data+json; version=1.0")


def _dataset_json(session: DbSession, dataset: Dataset) -> dict[str, Any]:
    used = service.spent(session, dataset.id)
    return {"id": dataset.id, "name": dataset.name, "country": dataset.country, "year": dataset.year,
            "rows": dataset.rows, "variables": dataset.variables, "weight_cap": dataset.weight_cap,
            "epsilon_budget": dataset.epsilon_budget, "epsilon_spent": round(used, 6),
            "epsilon_remaining": round(max(dataset.epsilon_budget - used, 0.0), 6),
            "uploaded_at": dataset.uploaded_at.isoformat(), "expires_at": dataset.expires_at.isoformat(),
            "microdata_deleted": dataset.purged_at is not None}


async def upload_from_form(request: Request, session: DbSession, principal: Principal) -> Dataset:
    """Shared by the API and the page: a multipart form with `file` (CSV), `codebook` (CSV) and the metadata."""
    ctx = app_context(request)
    limit = ctx.settings.stats_max_upload_mb * 1024 * 1024
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 1024 * 1024:
        raise InvalidInputError(f"the survey file may be at most {ctx.settings.stats_max_upload_mb} MB", field="file")
    form = await request.form(max_files=2, max_fields=20)
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    survey, book = form.get("file"), form.get("codebook")
    if not isinstance(survey, UploadFile) or not survey.filename:
        raise InvalidInputError("attach the survey file (CSV)", field="file")
    if survey.size is not None and survey.size > limit:
        raise InvalidInputError(f"the survey file may be at most {ctx.settings.stats_max_upload_mb} MB", field="file")
    if isinstance(book, UploadFile):
        codebook_bytes = await book.read(1024 * 1024 + 1)
        if len(codebook_bytes) > 1024 * 1024:
            raise InvalidInputError("the codebook may be at most 1 MB", field="codebook")
    else:
        codebook_bytes = str(book or "").encode()
    try:
        codebook = codebook_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError("the codebook is not UTF-8 text", field="codebook") from None
    lines = utf8_lines(survey.file)
    values = {key: str(form.get(key) or "") for key in ("name", "country", "year", "source", "weight_cap",
                                                         "epsilon_budget")}

    def work() -> Dataset:
        return service.upload_survey(
            session, name=values["name"], country=values["country"], year=values["year"], lines=lines,
            codebook=codebook, weight_cap=values["weight_cap"] or 1,
            epsilon_budget=values["epsilon_budget"] or ctx.settings.stats_epsilon_budget, source=values["source"],
            actor=principal.actor, retention_days=ctx.settings.stats_microdata_days, clock=ctx.clock)

    return await anyio.to_thread.run_sync(work)


@router.post("/datasets", operation_id="stats-upload", status_code=201,
             summary="Upload survey microdata (multipart: file, codebook, name, country, year, weight_cap, "
                     "epsilon_budget, source); stored only if every row passes")
async def upload(request: Request, session: DbSession, principal: Statistician) -> dict[str, Any]:
    dataset = await upload_from_form(request, session, principal)
    return _dataset_json(session, dataset)


@router.get("/datasets", operation_id="stats-datasets", summary="Uploaded surveys with their privacy budget")
def list_datasets(session: DbSession, principal: Statistician) -> dict[str, Any]:
    return {"datasets": [_dataset_json(session, d) for d in service.datasets(session)]}


def _entry(entry: BudgetEntry) -> dict[str, Any]:
    return {"epsilon": entry.epsilon, "release": entry.release_id, "purpose": entry.purpose,
            "at": entry.at.isoformat(), "actor": entry.actor}


@router.get("/datasets/{dataset_id}/ledger", operation_id="stats-ledger", summary="The privacy-budget ledger")
def ledger(dataset_id: int, session: DbSession, principal: Statistician) -> dict[str, Any]:
    dataset = service.get_dataset(session, dataset_id)
    return {**_dataset_json(session, dataset), "entries": [_entry(e) for e in service.ledger(session, dataset_id)]}


def release_json(release: Release) -> dict[str, Any]:
    return {"id": release.id, "kind": release.kind, "method": release.method, "country": release.country,
            "year": release.year, "parameters": release.parameters, "source": release.source,
            "framework_version": release.framework_version, "published_at": release.published_at.isoformat(),
            "withdrawn": release.withdrawn_at is not None}


@router.post("/datasets/{dataset_id}/releases", operation_id="stats-release-survey", status_code=201,
             summary="Publish a differentially private release, spending epsilon from the dataset's budget")
def release_survey(request: Request, dataset_id: int, session: DbSession, principal: Statistician,
                   epsilon: Annotated[float, Body(embed=True)],
                   indicators: Annotated[list[str] | None, Body(embed=True)] = None) -> dict[str, Any]:
    check_csrf(request, principal, None)
    release = service.release_survey(session, dataset_id, epsilon=epsilon, indicators=indicators,
                                     actor=principal.actor, clock=app_context(request).clock)
    return release_json(release)


@router.post("/releases/administrative", operation_id="stats-release-administrative", status_code=201,
             summary="Publish this platform's helpline and hotline counts for a year, with small-cell suppression")
def release_administrative(request: Request, session: DbSession, principal: Statistician,
                           year: Annotated[int, Body(embed=True)],
                           country: Annotated[str | None, Body(embed=True)] = None) -> dict[str, Any]:
    check_csrf(request, principal, None)
    ctx = app_context(request)
    release = service.release_administrative(session, country=country or ctx.settings.stats_country, year=year,
                                             actor=principal.actor, threshold=ctx.settings.stats_min_cell,
                                             clock=ctx.clock)
    return release_json(release)


@router.post("/national", operation_id="stats-national", status_code=201,
             summary="Enter a national figure with its source")
def national(request: Request, session: DbSession, principal: Statistician,
             body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    check_csrf(request, principal, None)
    release = service.enter_national(session, indicator=str(body.get("indicator", "")),
                                     country=str(body.get("country", "")), year=body.get("year"),
                                     value=body.get("value"), source=str(body.get("source", "")),
                                     actor=principal.actor, clock=app_context(request).clock)
    return release_json(release)


@router.delete("/releases/{release_id}", operation_id="stats-withdraw", status_code=204,
               summary="Withdraw a release: its figures stop being shown (the record stays)")
def withdraw(request: Request, release_id: int, session: DbSession, principal: Statistician) -> Response:
    check_csrf(request, principal, None)
    service.withdraw(session, release_id, actor=principal.actor, clock=app_context(request).clock)
    return Response(status_code=204)
