"""The offline package: every guidance page and course of one language as static HTML in a ZIP, with the
stylesheet and illustrations, for schools with poor connectivity. Links between pages are relative files; links to
the platform's services (find help, report) point to the site and say they need a connection."""

from __future__ import annotations

import io
import zipfile
from importlib import resources

from childsafe.http.templating import render_document
from childsafe.learn.content import AUDIENCES, BANDS, TOPICS, Library
from childsafe.learn.courses import Catalogue
from childsafe.learn.markdown import to_html


def _linker(depth: int, site: str):  # noqa: ANN202
    up = "../" * depth

    def link(href: str) -> str:
        if href.startswith("/learn/courses/"):
            return f"{up}courses/{href.split('?')[0].split('/')[3]}.html"
        if href.startswith("/learn/"):
            return f"{up}{href.split('?')[0][len('/learn/'):].strip('/')}.html"
        if href.startswith("/"):
            return site + href
        return href

    return link


def build(lib: Library, catalogue: Catalogue, lang: str, site: str) -> bytes:
    buffer = io.BytesIO()
    labels = {"audiences": AUDIENCES, "bands": BANDS, "topics": TOPICS}
    static = resources.files("childsafe")
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("style.css", static.joinpath("static/style.css").read_bytes())
        for entry in resources.files("childsafe.learn").joinpath("static/illustrations").iterdir():
            if entry.name.endswith(".svg"):
                archive.writestr(f"illustrations/{entry.name}", entry.read_bytes())
        pages = [lib.get(ident, lang) for ident in lib.ids()]
        course_list = [catalogue.get(ident, lang) for ident in catalogue.ids()]
        archive.writestr("index.html", render_document("learn/offline/index.html", lang, {
            "pages": pages, "courses": course_list, "site": site, "up": "", **labels}))
        for page in pages:
            if page is None:
                continue
            depth = page.id.count("/")
            archive.writestr(f"{page.id}.html", render_document("learn/offline/page.html", lang, {
                "page": page, "body": to_html(page.body, page.lang, _linker(depth, site)), "up": "../" * depth,
                "site": site, "translated": page.lang == lang, **labels}))
        for course in course_list:
            if course is None:
                continue
            lessons = [(lesson, to_html(lesson.body, course.lang, _linker(1, site))) for lesson in course.lessons]
            archive.writestr(f"courses/{course.id}.html", render_document("learn/offline/course.html", lang, {
                "course": course, "lessons": lessons, "up": "../", "site": site, **labels}))
    return buffer.getvalue()
