"""HTML pages: the framework and regional comparison (public), and the country team's self-assessment with its
results, gap analysis and roadmap (page and PDF)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from childsafe.accounts.roles import Permission
from childsafe.accounts.service import Principal
from childsafe.core.errors import ChildSafeError, NotFoundError, PermissionDeniedError
from childsafe.http import charts, i18n
from childsafe.http.context import app_context
from childsafe.http.deps import CurrentPrincipal, DbSession, Language, MaybePrincipal, check_csrf
from childsafe.http.documents import render_pdf
from childsafe.http.templating import render
from childsafe.strategy import scoring, service
from childsafe.strategy.framework import load
from childsafe.strategy.models import Assessment

router = APIRouter(include_in_schema=False)


@router.get("/strategy")
def home(request: Request, lang: Language, session: DbSession, principal: MaybePrincipal,
         region: Annotated[str, Query(max_length=20)] = "") -> Response:
    framework = load()
    region = region if region in framework.regions else ""
    rows = service.published(session, region or None)
    gettext = i18n.translations(lang).gettext
    chart = None
    if rows:
        bars = [charts.Bar(i18n.country_name(a.country, lang), (a.published_scores or {}).get("overall"))
                for a in rows]
        chart = Markup(charts.bar_chart(bars, title=gettext("Overall maturity by country (0-100)"),
                                        description=gettext("Bar chart of the scores listed in the table beside it."),
                                        unit="percent", ident="strategy", rtl=lang == "ar"))
    return render(request, "strategy/home.html", {
        "framework": framework, "rows": rows, "region": region, "chart": chart,
        "mine": service.mine(session, principal) if principal else [],
        "can_create": principal is not None and principal.can(Permission.STRATEGY_ASSESS), **_names()})


@router.post("/strategy/assessments")
async def create(request: Request, lang: Language, session: DbSession, principal: CurrentPrincipal) -> Response:
    form = await request.form(max_fields=5)
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    assessment = service.create(session, country=str(form.get("country") or ""), title=str(form.get("title") or ""),
                                principal=principal, clock=app_context(request).clock)
    return RedirectResponse(f"/strategy/assessments/{assessment.id}?lang={lang}", status_code=303)


def _names() -> dict[str, dict[str, str]]:
    return {"status_names": service.STATUS_NAMES, "part_names": service.PART_NAMES}


def _member_or_admin(session: DbSession, assessment_id: int, principal: Principal) -> str:
    part = service.part_of(session, assessment_id, principal)
    if part is None and "admin" not in principal.roles:
        raise PermissionDeniedError("only the country team sees its assessment before it is published")
    return part or "coordinator"


def _assessment_page(request: Request, session: DbSession, assessment_id: int, principal: Principal, *,
                     error: str | None = None, status: int = 200) -> Response:
    part = _member_or_admin(session, assessment_id, principal)
    return render(request, "strategy/assessment.html", {
        "assessment": service.get(session, assessment_id), "framework": load(), "part": part,
        "answers": service.answers(session, assessment_id), "comments": service.comments(session, assessment_id),
        "members": service.members(session, assessment_id), "results": service.results(session, assessment_id),
        "error": error, **_names()}, status_code=status)


@router.get("/strategy/assessments/{assessment_id}")
def assessment_page(request: Request, assessment_id: int, lang: Language, session: DbSession,
                    principal: CurrentPrincipal) -> Response:
    return _assessment_page(request, session, assessment_id, principal)


async def _form(request: Request, principal: Principal) -> dict[str, str]:
    form = await request.form(max_fields=120, max_part_size=64 * 1024)
    check_csrf(request, principal, str(form.get("csrf_token") or ""))
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


def _back(assessment_id: int, lang: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/strategy/assessments/{assessment_id}?lang={lang}{anchor}", status_code=303)


@router.post("/strategy/assessments/{assessment_id}/areas/{area_id}")
async def save_area(request: Request, assessment_id: int, area_id: str, lang: Language, session: DbSession,
                    principal: CurrentPrincipal) -> Response:
    values = await _form(request, principal)
    area = load().area(area_id)
    if area is None:
        raise NotFoundError(f"no area {area_id!r}")
    try:
        for capability in area.capabilities:
            key = capability.id.replace(".", "__")
            service.save_answer(session, assessment_id, capability=capability.id, level=values.get(f"{key}-level"),
                                evidence=values.get(f"{key}-evidence", ""),
                                evidence_url=values.get(f"{key}-url", ""), principal=principal,
                                clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _assessment_page(request, session, assessment_id, principal, error=exc.message, status=exc.status)
    return _back(assessment_id, lang, f"#area-{area_id}")


@router.post("/strategy/assessments/{assessment_id}/comments")
async def add_comment(request: Request, assessment_id: int, lang: Language, session: DbSession,
                      principal: CurrentPrincipal) -> Response:
    values = await _form(request, principal)
    try:
        service.comment(session, assessment_id, capability=values.get("capability", ""), body=values.get("body", ""),
                        principal=principal, clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _assessment_page(request, session, assessment_id, principal, error=exc.message, status=exc.status)
    return _back(assessment_id, lang, "#c-" + values.get("capability", "").replace(".", "__"))


@router.post("/strategy/assessments/{assessment_id}/members")
async def add_member(request: Request, assessment_id: int, lang: Language, session: DbSession,
                     principal: CurrentPrincipal) -> Response:
    values = await _form(request, principal)
    try:
        service.add_member(session, assessment_id, username=values.get("username", ""), part=values.get("part", ""),
                           principal=principal, clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _assessment_page(request, session, assessment_id, principal, error=exc.message, status=exc.status)
    return _back(assessment_id, lang, "#team")


@router.post("/strategy/assessments/{assessment_id}/status")
async def change_status(request: Request, assessment_id: int, lang: Language, session: DbSession,
                        principal: CurrentPrincipal) -> Response:
    values = await _form(request, principal)
    try:
        service.set_status(session, assessment_id, status=values.get("status", ""), principal=principal,
                           clock=app_context(request).clock)
    except ChildSafeError as exc:
        session.rollback()
        return _assessment_page(request, session, assessment_id, principal, error=exc.message, status=exc.status)
    return RedirectResponse(f"/strategy/assessments/{assessment_id}/results?lang={lang}", status_code=303)


def _results_context(session: DbSession, assessment_id: int, lang: str) -> dict[str, object]:
    framework = load()
    found = service.results(session, assessment_id)
    gettext = i18n.translations(lang).gettext
    bars = [charts.Bar(framework.area(s.area).text("name", lang), s.score,
                       note=gettext("not answered yet")) for s in found.scores]
    chart = Markup(charts.bar_chart(bars, title=gettext("Maturity by area (0-100)"),
                                    description=gettext("Bar chart of the scores listed in the table beside it."),
                                    unit="percent", ident="areas", rtl=lang == "ar"))
    return {"assessment": service.get(session, assessment_id), "framework": framework, "results": found,
            "chart": chart, "phases": scoring.PHASES, "target": scoring.TARGET,
            "answers": service.answers(session, assessment_id)}


def _readable(session: DbSession, assessment_id: int, principal: Principal | None) -> Assessment:
    """Published results are public; before that only the country team (and administrators) see them."""
    assessment = service.get(session, assessment_id)
    if assessment.status != "published":
        if principal is None:
            raise PermissionDeniedError("sign in as a member of the country team")
        _member_or_admin(session, assessment_id, principal)
    return assessment


@router.get("/strategy/assessments/{assessment_id}/results")
def results_page(request: Request, assessment_id: int, lang: Language, session: DbSession,
                 principal: MaybePrincipal) -> Response:
    _readable(session, assessment_id, principal)
    return render(request, "strategy/results.html", _results_context(session, assessment_id, lang))


@router.get("/strategy/assessments/{assessment_id}/roadmap.pdf")
def roadmap_pdf(request: Request, assessment_id: int, lang: Language, session: DbSession,
                principal: MaybePrincipal) -> Response:
    assessment = _readable(session, assessment_id, principal)
    pdf = render_pdf("strategy/roadmap_pdf.html", lang, _results_context(session, assessment_id, lang))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="cop-roadmap-{assessment.country}-{assessment.id}.pdf"'})
