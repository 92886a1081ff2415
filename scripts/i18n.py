"""Extract messages from Python (N_, _, gettext) and Jinja templates, and update the six .po catalogs."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "childsafe"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract"),
           ("templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS = {pattern: {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
           for pattern, method in METHODS if method != "python"}


def extract() -> Catalog:
    template = Catalog(project="ChildSafe", version="0.1", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(str(PACKAGE), METHODS, OPTIONS):
        template.add(message, locations=[], auto_comments=comments, context=context)
    return template


def translated(string: object) -> bool:
    if isinstance(string, str):
        return bool(string)
    return bool(string) and all(string)  # type: ignore[arg-type]


def main() -> int:
    template = extract()
    with (LOCALE / "messages.pot").open("wb") as handle:
        write_po(handle, template, omit_header=True, sort_output=True, no_location=True)
    for lang in LANGUAGES:
        path = LOCALE / lang / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
        else:
            catalog = Catalog(locale=lang, project="ChildSafe", version="0.1", fuzzy=False)
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if lang == "en":
            for message in catalog:
                if message.id and not translated(message.string):
                    message.string = message.id
        with path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, no_location=True, include_previous=False)
        missing = sum(1 for m in catalog if m.id and not translated(m.string))
        print(f"{lang}: {len(catalog)} messages, {missing} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
