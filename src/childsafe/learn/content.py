"""Guidance pages as files (Markdown with TOML front matter, docs/learn-content.md): loading, checking, and which
translations are missing or outdated."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import PurePosixPath

from childsafe.core.i18n import N_
from childsafe.core.settings import LANGUAGES

SOURCE_LANGUAGE = "en"
AUDIENCES = {"children": N_("Children and young people"), "parents": N_("Parents, carers and educators"),
             "industry": N_("Industry"), "policy": N_("Policy-makers")}
BANDS = {"under-9": N_("Under 9"), "9-12": N_("9 to 12"), "13-17": N_("13 to 17")}
TOPICS = {
    "grooming-sextortion": N_("Grooming and sextortion"), "self-generated-images": N_("Self-generated images"),
    "cyberbullying": N_("Cyberbullying"), "privacy": N_("Privacy and data"),
    "wellbeing": N_("Screen time and wellbeing"), "gaming": N_("Gaming and in-game chat"),
    "ai": N_("AI chatbots and generated images"), "parental-controls": N_("Parental controls"),
    "get-help": N_("How and where to get help"), "strategy": N_("A national strategy"),
}
MAX_TITLE, MAX_SUMMARY = 90, 200
_RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z!]")
_PHONE = re.compile(r"(?<![\w/.-])\+?\d[\d -]{6,}\d(?![\w/-])")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{4}-\d{4}$")  # a date or a span of years is no phone number


class ContentError(ValueError):
    """A content file breaks the contract; the message names the file and the problem."""


@dataclass(frozen=True)
class Page:
    id: str  # "parents/privacy", "children/9-12/privacy"
    lang: str
    title: str
    summary: str
    reviewed: date
    revision: int  # the source's revision; for a translation, the source revision it translates
    body: str  # Markdown

    @property
    def audience(self) -> str:
        return self.id.split("/")[0]

    @property
    def band(self) -> str | None:
        parts = self.id.split("/")
        return parts[1] if len(parts) == 3 else None

    @property
    def topic(self) -> str:
        return self.id.split("/")[-1]


def page_id(path: PurePosixPath) -> str:
    """The id from a path below a language folder: `children/9-12/privacy.md` -> `children/9-12/privacy`."""
    parts = path.with_suffix("").parts
    audience = parts[0] if parts else ""
    shape_ok = (audience == "children" and len(parts) == 3 and parts[1] in BANDS) or (
        audience in AUDIENCES and audience != "children" and len(parts) == 2)
    if not shape_ok or path.suffix != ".md" or parts[-1] not in TOPICS:
        raise ContentError(f"{path}: expected <audience>/<topic>.md or children/<band>/<topic>.md with a known "
                           "audience, band and topic (docs/learn-content.md)")
    return "/".join(parts)


def check_body(body: str, where: str) -> None:
    for line in body.splitlines():
        if line.startswith("# "):
            raise ContentError(f"{where}: no level-1 heading in the body (the title is the page's heading)")
    if _RAW_HTML.search(body):
        raise ContentError(f"{where}: raw HTML is not allowed; write Markdown")
    if any(sum(c.isdigit() for c in m.group()) >= 8 and not _DATE.match(m.group()) for m in _PHONE.finditer(body)):
        raise ContentError(f"{where}: no phone numbers; link to /help, which shows the reader's country's helplines")


def parse_page(text: str, ident: str, lang: str) -> Page:
    where = f"{lang}/{ident}"
    if not text.startswith("+++\n") or "\n+++\n" not in text[4:]:
        raise ContentError(f"{where}: the file must start with front matter between +++ lines")
    front, body = text[4:].split("\n+++\n", 1)
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{where}: front matter is not valid TOML: {exc}") from None
    revision_key = "revision" if lang == SOURCE_LANGUAGE else "source_revision"
    expected = {"title", "summary", "reviewed", revision_key}
    if set(meta) != expected:
        raise ContentError(f"{where}: front matter needs exactly {', '.join(sorted(expected))}")
    title, summary = str(meta["title"]).strip(), str(meta["summary"]).strip()
    if not 1 <= len(title) <= MAX_TITLE or not 1 <= len(summary) <= MAX_SUMMARY:
        raise ContentError(f"{where}: title is 1-{MAX_TITLE} characters and summary 1-{MAX_SUMMARY}")
    if not isinstance(meta["reviewed"], date) or not isinstance(meta[revision_key], int) or meta[revision_key] < 1:
        raise ContentError(f"{where}: reviewed is a date (2026-11-28) and {revision_key} a whole number from 1")
    check_body(body, where)
    return Page(id=ident, lang=lang, title=title, summary=summary, reviewed=meta["reviewed"],
                revision=meta[revision_key], body=body.strip() + "\n")


def render_front_matter(page: Page) -> str:
    """The file text of a page, as a translator would commit it."""
    key = "revision" if page.lang == SOURCE_LANGUAGE else "source_revision"
    title, summary = page.title.replace('"', '\\"'), page.summary.replace('"', '\\"')
    return (f'+++\ntitle = "{title}"\nsummary = "{summary}"\nreviewed = {page.reviewed.isoformat()}\n'
            f"{key} = {page.revision}\n+++\n{page.body}")


def _walk(folder: Traversable, prefix: PurePosixPath) -> list[tuple[PurePosixPath, Traversable]]:
    found = []
    for entry in folder.iterdir():
        if entry.is_dir():
            found.extend(_walk(entry, prefix / entry.name))
        elif entry.name.endswith(".md"):
            found.append((prefix / entry.name, entry))
    return found


@dataclass(frozen=True)
class Library:
    pages: dict[tuple[str, str], Page]  # (lang, id) -> page

    def source(self, ident: str) -> Page | None:
        return self.pages.get((SOURCE_LANGUAGE, ident))

    def get(self, ident: str, lang: str) -> Page | None:
        """The page in `lang`, else the English source (the page says it is not translated yet)."""
        return self.pages.get((lang, ident)) or self.source(ident)

    def ids(self) -> list[str]:
        order = {a: i for i, a in enumerate(AUDIENCES)}
        bands, topics = list(BANDS), list(TOPICS)
        return sorted({i for (lang, i) in self.pages if lang == SOURCE_LANGUAGE}, key=lambda i: (
            order[i.split("/")[0]], bands.index(i.split("/")[1]) if i.count("/") == 2 else -1,
            topics.index(i.split("/")[-1])))

    def in_audience(self, audience: str, band: str | None = None) -> list[str]:
        return [i for i in self.ids() if i.split("/")[0] == audience and (band is None or f"/{band}/" in i)]

    def state(self, ident: str, lang: str) -> str:
        """current | outdated | missing, for a translation against the English source."""
        source, page = self.source(ident), self.pages.get((lang, ident))
        if lang == SOURCE_LANGUAGE or source is None:
            return "current"
        if page is None:
            return "missing"
        return "outdated" if page.revision < source.revision else "current"

    def with_page(self, page: Page) -> Library:
        return replace(self, pages={**self.pages, (page.lang, page.id): page})


def load_folder(root: Traversable) -> Library:
    pages = {}
    for lang in LANGUAGES:
        folder = root / lang
        if not folder.is_dir():
            continue
        for path, entry in _walk(folder, PurePosixPath()):
            ident = page_id(path)
            pages[(lang, ident)] = parse_page(entry.read_text("utf-8"), ident, lang)
    orphans = sorted(f"{lang}/{i}" for (lang, i) in pages if (SOURCE_LANGUAGE, i) not in pages)
    if orphans:
        raise ContentError(f"{orphans[0]}: a translation of a page that has no English source")
    return Library(pages)


@lru_cache(maxsize=1)
def bundled() -> Library:
    return load_folder(resources.files("childsafe.learn").joinpath("content"))
