"""The working group's document library: output documents, contributions, reports and liaison statements, each
with versions per language, public without a password and searchable by symbol, title and (for text) content."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from childsafe.core import audit
from childsafe.core.audit import Actor
from childsafe.core.clock import Clock, SystemClock
from childsafe.core.errors import ConflictError, InvalidInputError, NotFoundError
from childsafe.core.i18n import N_
from childsafe.core.settings import LANGUAGES
from childsafe.participation.models import Document, DocumentFile

KINDS = {"output": N_("Output document"), "contribution": N_("Contribution"), "report": N_("Activity report"),
         "liaison": N_("Liaison statement")}
MAX_FILE = 20 * 1024 * 1024
SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.\-() ]{1,59}$")
# What a file may be, told by its first bytes rather than its name.
TYPES = {b"%PDF-": ("application/pdf", ".pdf"),
         b"PK\x03\x04": ("application/zip", ".docx")}  # Office Open XML and OpenDocument are ZIP files


def _media_type(data: bytes, filename: str) -> str:
    for magic, (media, _) in TYPES.items():
        if data.startswith(magic):
            if media == "application/zip":
                suffix = filename.lower().rsplit(".", 1)[-1]
                return {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "odt": "application/vnd.oasis.opendocument.text",
                        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}.get(
                    suffix, "application/zip")
            return media
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError("the file is not PDF, an office document or UTF-8 text", field="file") from None
    return "text/plain; charset=utf-8"


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def create(session: Session, *, symbol: str, kind: str, titles: dict[str, str], issued_on: date, meeting: str = "",
           sender: str = "", recipient: str = "", related: list[str] | None = None, actor: Actor,
           clock: Clock | None = None) -> Document:
    clock = clock or SystemClock()
    symbol = " ".join((symbol or "").split())
    if not SYMBOL.match(symbol):
        raise InvalidInputError("the symbol is 2 to 60 letters, digits and / . - ( ), e.g. CWG-COP/20/3", field="symbol")
    if session.scalar(select(Document.id).where(Document.symbol == symbol)) is not None:
        raise ConflictError(f"a document {symbol} exists; add a version to it instead", field="symbol")
    if kind not in KINDS:
        raise InvalidInputError(f"kind is one of {', '.join(KINDS)}", field="kind")
    titles = {lang: " ".join(t.split())[:300] for lang, t in titles.items() if lang in LANGUAGES and t.strip()}
    if not titles:
        raise InvalidInputError("give the title in at least one language", field="title")
    if kind == "liaison" and not (sender.strip() and recipient.strip()):
        raise InvalidInputError("a liaison statement says from whom and to whom", field="sender")
    document = Document(symbol=symbol, kind=kind, title=titles, meeting=meeting.strip()[:120], issued_on=issued_on,
                        sender=sender.strip()[:200], recipient=recipient.strip()[:200],
                        related=[r.strip() for r in related or [] if r.strip()][:20], created_by=actor.ident,
                        created_at=clock.now())
    session.add(document)
    session.flush()
    audit.record(session, actor, "documents.create", "document", symbol, {"kind": kind}, clock)
    return document


def add_file(session: Session, document_id: int, *, lang: str, filename: str, data: bytes, actor: Actor,
             clock: Clock | None = None) -> DocumentFile:
    """A new version of the document in one language (versions count up per language)."""
    clock = clock or SystemClock()
    document = get(session, document_id)
    if lang not in LANGUAGES:
        raise InvalidInputError(f"lang is one of {', '.join(LANGUAGES)}", field="lang")
    if not data:
        raise InvalidInputError("attach the file", field="file")
    if len(data) > MAX_FILE:
        raise InvalidInputError(f"a file may be at most {MAX_FILE >> 20} MB", field="file")
    media = _media_type(data, filename or "")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", (filename or "document").rsplit("/", 1)[-1])[:200] or "document"
    version = (session.scalar(select(func.max(DocumentFile.version)).where(
        DocumentFile.document_id == document.id, DocumentFile.lang == lang)) or 0) + 1
    row = DocumentFile(document_id=document.id, lang=lang, version=version, filename=name, media_type=media,
                       size=len(data), sha256=hashlib.sha256(data).hexdigest(), content=data,
                       text=data.decode("utf-8")[:200_000] if media.startswith("text/") else "",
                       uploaded_by=actor.ident, uploaded_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "documents.file", "document", document.symbol,
                 {"lang": lang, "version": version, "sha256": row.sha256}, clock)
    return row


def get(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"no document {document_id}")
    return document


def files(session: Session, document_id: int) -> list[DocumentFile]:
    return list(session.scalars(select(DocumentFile).where(DocumentFile.document_id == document_id)
                                .order_by(DocumentFile.lang, DocumentFile.version.desc())))


def file_with_content(session: Session, document_id: int, file_id: int) -> DocumentFile:
    row = session.scalar(select(DocumentFile).where(DocumentFile.id == file_id,
                                                    DocumentFile.document_id == document_id))
    if row is None:
        raise NotFoundError("no such file")
    return row


def search(session: Session, *, q: str = "", kind: str = "", lang: str = "") -> list[Document]:
    """Documents whose symbol, title in any language, meeting or text content contain every word of q."""
    query = select(Document).order_by(Document.issued_on.desc(), Document.id.desc())
    if kind in KINDS:
        query = query.where(Document.kind == kind)
    documents = list(session.scalars(query))
    if lang in LANGUAGES:
        with_lang = set(session.scalars(select(DocumentFile.document_id).where(DocumentFile.lang == lang)))
        documents = [d for d in documents if d.id in with_lang]
    words = _fold(q).split()
    if not words:
        return documents
    texts: dict[int, str] = {}
    for document_id, text in session.execute(select(DocumentFile.document_id, DocumentFile.text).where(
            DocumentFile.text != "")):
        texts[document_id] = texts.get(document_id, "") + " " + text
    found = []
    for document in documents:
        haystack = _fold(" ".join([document.symbol, document.meeting, document.sender, document.recipient,
                                   *document.title.values(), texts.get(document.id, "")]))
        if all(word in haystack for word in words):
            found.append(document)
    return found


def by_symbol(session: Session, symbols: list[str]) -> list[Document]:
    if not symbols:
        return []
    return list(session.scalars(select(Document).where(Document.symbol.in_(symbols))))
