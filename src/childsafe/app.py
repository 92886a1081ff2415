"""The composition root: create_app(settings) assembles the core, every feature's routers and the shared pages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import anyio

from fastapi import FastAPI
from starlette.formparsers import MultiPartParser
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse

from childsafe import __version__
from childsafe.accounts import api as accounts_api
from childsafe.accounts import views as accounts_views
from childsafe.conversations import api as conversations_api
from childsafe.conversations import jobs as conversations_jobs
from childsafe.core.audit import SYSTEM_ACTOR
from childsafe.core.clock import Clock
from childsafe.core.settings import Settings, get_settings
from childsafe.db import migrate
from childsafe.db.engine import Database
from childsafe.filtering import api as filtering_api
from childsafe.filtering import views as filtering_views
from childsafe.filtering.runtime import WebFiltering
from childsafe.hashmatch import api as hashmatch_api
from childsafe.hashmatch.matcher import Matcher
from childsafe.hashmatch import worker as hashmatch_jobs
from childsafe.helplines import api as helplines_api
from childsafe.reports import api as reports_api
from childsafe.reports import jobs as reports_jobs
from childsafe.reports import views as reports_views
from childsafe.learn import views as learn_views
from childsafe.participation import views as participation_views
from childsafe.strategy import views as strategy_views
from childsafe.stats import api as stats_api
from childsafe.stats import jobs as stats_jobs
from childsafe.stats import views as stats_views
from childsafe.helplines import service as helplines_service
from childsafe.helplines import views as helplines_views
from childsafe.http import errors, templating
from childsafe.http.context import AppContext
from childsafe.http.deps import Language, MaybePrincipal
from childsafe.http.middleware import security_headers

# Uploaded pictures (reports) stay in memory: never spooled to a temporary file on disk.
MultiPartParser.spool_max_size = 11 * 1024 * 1024

FEATURE_TEMPLATE_PACKAGES = ("childsafe.accounts", "childsafe.helplines", "childsafe.filtering",
                             "childsafe.reports", "childsafe.stats", "childsafe.learn",
                             "childsafe.strategy", "childsafe.participation")


def prepare_database(database: Database, settings: Settings) -> None:
    """Migrate to the newest schema and, on first start, load the bundled data."""
    migrate.upgrade(database)
    if settings.load_bundled_data:
        with database.unit_of_work() as session:
            helplines_service.load_bundled_if_empty(session, actor=SYSTEM_ACTOR)


BACKGROUND_JOBS = (hashmatch_jobs.deliver_once, reports_jobs.deliver_once, reports_jobs.expire_personal_data,
                   conversations_jobs.expire_states, stats_jobs.expire_microdata)


async def _run_jobs(app: FastAPI, interval: float) -> None:
    while True:
        for job in BACKGROUND_JOBS:
            with contextlib.suppress(Exception):  # a broken receiver or a database hiccup must not stop the loop
                await anyio.to_thread.run_sync(job, app)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def background_jobs(app: FastAPI) -> AsyncIterator[None]:
    """Deliver webhooks and forwarded reports every CHILDSAFE_WEBHOOK_INTERVAL seconds (0: off)."""
    interval = app.state.context.settings.webhook_interval
    task = asyncio.ensure_future(_run_jobs(app, interval)) if interval > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def create_app(settings: Settings | None = None, *, database: Database | None = None,
               clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.effective_database_url)
    context = AppContext(settings=settings, database=database, secret_key=settings.effective_secret_key())
    if clock is not None:
        context.clock = clock
        context.login_limiter = context.api_limiter = None
        context.__post_init__()

    app = FastAPI(title="ChildSafe", version=__version__, docs_url=None, redoc_url=None, lifespan=background_jobs,
                  openapi_url="/api/openapi.json",
                  description="Child online protection: helplines and the platform's shared services.")
    app.state.context = context
    app.state.filtering = WebFiltering(database, settings.data_dir, settings.dns_upstreams, context.clock)
    app.state.matcher = Matcher(settings.data_dir, context.clock, settings.pdq_index)
    for package in FEATURE_TEMPLATE_PACKAGES:
        templating.add_template_package(package)
    errors.install(app)
    app.middleware("http")(filtering_views.host_block_page)
    app.middleware("http")(security_headers)
    app.mount("/static/learn", StaticFiles(packages=[("childsafe.learn", "static")]), name="learn-static")
    app.mount("/static", StaticFiles(packages=[("childsafe", "static")]), name="static")

    app.include_router(accounts_api.router)
    app.include_router(accounts_views.router)
    app.include_router(helplines_api.router)
    app.include_router(helplines_views.router)
    app.include_router(filtering_api.router)
    app.include_router(filtering_api.doh_router)
    app.include_router(filtering_views.router)
    app.include_router(hashmatch_api.router)
    app.include_router(reports_api.router)
    app.include_router(reports_api.contacts_router)
    app.include_router(reports_views.router)
    app.include_router(conversations_api.router)
    app.include_router(stats_api.router)
    app.include_router(stats_views.router)
    app.include_router(learn_views.router)
    app.include_router(strategy_views.router)
    app.include_router(participation_views.router)

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def home(request: Request, lang: Language, principal: MaybePrincipal) -> HTMLResponse:
        return templating.render(request, "home.html")

    @app.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs(request: Request, lang: Language) -> HTMLResponse:
        return templating.render(request, "api_docs.html", {"spec": app.openapi()})

    @app.get("/healthz", include_in_schema=False)
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    return app
