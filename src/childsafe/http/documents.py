"""PDF documents (certificates, posters, roadmaps, reports) drawn from HTML templates by WeasyPrint, which shapes Arabic
and sets right-to-left text and Chinese with the system's Noto fonts. Nothing is fetched while drawing."""

from __future__ import annotations

from typing import Any

from childsafe.core.errors import ChildSafeError
from childsafe.http.templating import render_document


class _NoFetching:
    """WeasyPrint's URL fetcher, refusing everything: the templates carry their styles and images inline."""

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"documents do not load outside resources ({url[:40]})")


class DocumentsUnavailableError(ChildSafeError):
    code = "pdf_unavailable"
    status = 503


def render_pdf(template: str, lang: str, context: dict[str, Any]) -> bytes:
    try:
        from weasyprint import HTML  # noqa: PLC0415  (slow to import; only documents need it)
    except OSError:  # the Pango libraries are missing (scripts/system-deps installs them)
        raise DocumentsUnavailableError("this server cannot draw PDF files yet: its Pango libraries are missing; "
                                        "the page itself works") from None

    html = render_document(template, lang, context)
    return HTML(string=html, url_fetcher=_NoFetching()).write_pdf()
