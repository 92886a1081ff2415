"""Markdown to safe HTML for guidance and lessons: no raw HTML, site links keep the reader's language, outside
links open nothing extra and tell the reader they leave the site."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup


def _localised(href: str, lang: str) -> str:
    """A site link keeps the reader's language; outside links are left alone."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return href
    query = dict(parse_qsl(parts.query))
    query.setdefault("lang", lang)
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.validateLink = lambda url: url.startswith(("/", "https://", "http://", "#", "mailto:"))  # no javascript:

    def link_open(renderer: RendererHTML, tokens: list[Token], index: int, options: dict, env: dict) -> str:
        token = tokens[index]
        href = str(token.attrGet("href") or "")
        rewrite = env.get("link") or (lambda h: _localised(h, env.get("lang", "en")))
        token.attrSet("href", rewrite(href))
        if href.startswith(("http://", "https://")):
            token.attrSet("rel", "noopener noreferrer")
            token.attrSet("class", "external")
        return renderer.renderToken(tokens, index, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def to_html(text: str, lang: str, link: Callable[[str], str] | None = None) -> Markup:
    """`link` rewrites every href (the offline package points site links at its own files)."""
    return Markup(_parser().render(text, {"lang": lang, "link": link}))  # noqa: S704  (escaped; raw HTML off)


def plain_text(text: str) -> str:
    """The words of a Markdown text, for the search index."""
    words = []
    for token in _parser().parse(text):
        for child in token.children or []:
            if child.type == "text":
                words.append(child.content)
    return " ".join(words)
