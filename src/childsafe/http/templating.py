"""Jinja2 rendering with per-request language: every page gets lang, dir, gettext and a CSRF token."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from childsafe.core.settings import LANGUAGES
from childsafe.http import i18n


_TEMPLATE_PACKAGES: list[str] = []


def add_template_package(package: str) -> None:
    """Called by the composition root for each feature whose package has a templates/ folder."""
    if package not in _TEMPLATE_PACKAGES:
        _TEMPLATE_PACKAGES.append(package)
        environment.cache_clear()


@lru_cache(maxsize=1)
def environment() -> Environment:
    loaders = [PackageLoader("childsafe", "templates")]
    loaders += [PackageLoader(name, "templates") for name in _TEMPLATE_PACKAGES]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.globals["LANGUAGES"] = LANGUAGES
    env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
    return env


def _gettext_functions(lang: str) -> dict[str, Any]:
    trans = i18n.translations(lang)

    def gettext(message: str, **variables: Any) -> str:
        text = Markup(trans.gettext(message))
        return text % variables if variables else text

    def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
        variables.setdefault("num", n)
        return Markup(trans.ngettext(singular, plural, n)) % variables

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


def url_with(request: Request, path: str | None = None, **params: Any) -> str:
    """A link to `path` (default: this page) keeping the chosen language, with params replaced."""
    query = dict(request.query_params) if path is None else {}
    lang = request.state.lang if hasattr(request.state, "lang") else None
    if lang:
        query["lang"] = lang
    for key, value in params.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    target = path if path is not None else request.url.path
    return f"{target}?{urlencode(query)}" if query else target


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    lang = getattr(request.state, "lang", "en")
    values: dict[str, Any] = {
        "request": request, "lang": lang, "dir": i18n.direction(lang),
        "principal": getattr(request.state, "principal", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "url_with": lambda path=None, **kw: url_with(request, path, **kw),
        "country_name": lambda code: i18n.country_name(code, lang),
        "language_name": lambda tag: i18n.language_name(tag, lang),
    }
    values.update(_gettext_functions(lang))
    values.update(context or {})
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code, headers=headers)


def render_document(template: str, lang: str, context: dict[str, Any] | None = None) -> str:
    """A template rendered outside a request (PDF sources, offline pages), in `lang`."""
    values: dict[str, Any] = {"lang": lang, "dir": i18n.direction(lang),
                              "country_name": lambda code: i18n.country_name(code, lang),
                              "language_name": lambda tag: i18n.language_name(tag, lang)}
    values.update(_gettext_functions(lang))
    values.update(context or {})
    return environment().get_template(template).render(values)
