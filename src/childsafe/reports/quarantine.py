"""Optional quarantine of reported pictures: encrypted at rest with AES-GCM under a key derived from the
server's secret, deleted on a schedule, shown to analysts blurred and greyscale until they choose to reveal."""

from __future__ import annotations

import base64
import io
import os
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from childsafe.reports.models import ReportImage


def _cipher(secret: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"childsafe report quarantine").derive(
        secret.encode())
    return AESGCM(key)


def store(session: Session, report_id: int, image: bytes, *, secret: str, now: datetime, days: int) -> ReportImage:
    nonce = os.urandom(12)
    row = ReportImage(report_id=report_id, nonce=nonce,
                      ciphertext=_cipher(secret).encrypt(nonce, image, str(report_id).encode()),
                      stored_at=now, delete_after=now + timedelta(days=days))
    session.add(row)
    session.flush()
    return row


def load(session: Session, report_id: int, *, secret: str) -> tuple[bytes, datetime] | None:
    row = session.scalar(select(ReportImage).where(ReportImage.report_id == report_id))
    if row is None:
        return None
    return _cipher(secret).decrypt(row.nonce, row.ciphertext, str(report_id).encode()), row.delete_after


def purge(session: Session, now: datetime) -> int:
    return session.execute(delete(ReportImage).where(ReportImage.delete_after < now)).rowcount or 0


def preview(image: bytes, *, reveal: bool) -> str | None:
    """A data: URL of a small PNG: blurred and greyscale unless revealed. None if it is not a readable image."""
    from PIL import Image, ImageFilter  # noqa: PLC0415

    Image.MAX_IMAGE_PIXELS = 50_000_000
    try:
        with Image.open(io.BytesIO(image)) as picture:
            picture = picture.convert("RGB")
            picture.thumbnail((480, 480))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if not reveal:
        picture = picture.convert("L").filter(ImageFilter.GaussianBlur(18))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
