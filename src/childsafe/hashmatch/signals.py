"""Signal types (extension point `childsafe.signal_types`): how content is hashed, validated and compared.

Each type has a unique name, a hash function over bytes (or None when it cannot hash media), a validator that
returns the canonical text form, a distance, a default threshold, and examples that the one contract test
checks for every registered type.
"""

from __future__ import annotations

import hashlib
import io
import re
from abc import abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from childsafe.core.registry import Extension, Registry
from childsafe.hashmatch import urls

PDQ_MATCH_DISTANCE = 31  # Meta's reference default
PDQ_MIN_QUALITY = 50  # hashes below this quality are ignored (python-threatexchange does the same)
MAX_IMAGE_PIXELS = 50_000_000  # decompression-bomb guard


class SignalError(ValueError):
    """A signal value or a file that cannot be hashed; the message says why."""


@dataclass(frozen=True)
class Hashed:
    signal_type: str
    value: str
    quality: int | None = None


class SignalType(Extension):
    exact: ClassVar[bool] = True
    default_threshold: ClassVar[int] = 0

    @abstractmethod
    def validate(self, value: str) -> str:
        """The canonical form of `value`, or SignalError."""

    def distance(self, a: str, b: str) -> int:
        return 0 if a == b else 1 << 16

    def hash_bytes(self, data: bytes) -> Hashed | None:
        """Hash media held in memory; None when this type does not apply to it."""
        return None

    @classmethod
    @abstractmethod
    def examples(cls) -> list[tuple[str, str]]:
        """(raw value, canonical value) pairs."""


registry: Registry[SignalType] = Registry("signal_types")


@registry.register
class Md5Signal(SignalType):
    name = "md5"
    description = "MD5 of the file's bytes (exact)"

    def validate(self, value: str) -> str:
        text = value.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{32}", text):
            raise SignalError(f"{value[:70]!r} is not an MD5 hash (32 hex digits)")
        return text

    def hash_bytes(self, data: bytes) -> Hashed:
        return Hashed(self.name, hashlib.md5(data, usedforsecurity=False).hexdigest())

    @classmethod
    def examples(cls) -> list[tuple[str, str]]:
        return [(" D41D8CD98F00B204E9800998ECF8427E ", "d41d8cd98f00b204e9800998ecf8427e")]


@registry.register
class Sha256Signal(SignalType):
    name = "sha256"
    description = "SHA-256 of the file's bytes (exact)"

    def validate(self, value: str) -> str:
        text = value.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", text):
            raise SignalError(f"{value[:70]!r} is not a SHA-256 hash (64 hex digits)")
        return text

    def hash_bytes(self, data: bytes) -> Hashed:
        return Hashed(self.name, hashlib.sha256(data).hexdigest())

    @classmethod
    def examples(cls) -> list[tuple[str, str]]:
        e3 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        return [(e3.upper(), e3)]


def pdq_from_image_bytes(data: bytes) -> tuple[str, int]:
    """PDQ (Meta's reference algorithm via the pdqhash binding) of an image held in memory: (hex, quality)."""
    from PIL import Image, ImageOps  # noqa: PLC0415  (imaging is only needed when hashing)

    import pdqhash  # noqa: PLC0415

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            pixels = np.asarray(image)
    except Image.DecompressionBombError:
        raise SignalError("the image has too many pixels") from None
    except (OSError, ValueError, SyntaxError):
        raise SignalError("not an image this server can read") from None
    bits, quality = pdqhash.compute(pixels)
    return bits_to_hex(np.asarray(bits, dtype=np.uint8)), int(quality)


DIHEDRAL = ("original", "rotate90", "rotate180", "rotate270", "flip_vertical", "flip_horizontal",
            "rotate90_flip_vertical", "rotate90_flip_horizontal")


def pdq_dihedral_from_image_bytes(data: bytes) -> tuple[list[tuple[str, str]], int]:
    """The PDQ of all 8 rotations and flips in one pass: ([(variant, hex)], quality)."""
    from PIL import Image, ImageOps  # noqa: PLC0415

    import pdqhash  # noqa: PLC0415

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            pixels = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    except Image.DecompressionBombError:
        raise SignalError("the image has too many pixels") from None
    except (OSError, ValueError, SyntaxError):
        raise SignalError("not an image this server can read") from None
    vectors, quality = pdqhash.compute_dihedral(pixels)
    return [(name, bits_to_hex(np.asarray(v, dtype=np.uint8))) for name, v in zip(DIHEDRAL, vectors, strict=True)], \
        int(quality)


def bits_to_hex(bits: np.ndarray) -> str:
    """The reference's 256-element bit vector to 64 hex digits, element 0 as the most significant bit: the
    same text python-threatexchange and HMA exchange, so imported hash lists compare correctly."""
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


@registry.register
class PdqSignal(SignalType):
    name = "pdq"
    exact = False
    default_threshold = PDQ_MATCH_DISTANCE
    description = "PDQ perceptual image hash (256 bits, Hamming distance; matches at 31 or less)"

    def validate(self, value: str) -> str:
        text = value.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", text):
            raise SignalError(f"{value[:70]!r} is not a PDQ hash (64 hex digits)")
        return text

    def distance(self, a: str, b: str) -> int:
        return (int(a, 16) ^ int(b, 16)).bit_count()

    def hash_bytes(self, data: bytes) -> Hashed | None:
        try:
            value, quality = pdq_from_image_bytes(data)
        except SignalError:
            return None
        return Hashed(self.name, value, quality)

    @classmethod
    def examples(cls) -> list[tuple[str, str]]:
        h = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
        return [(h.upper(), h)]


@registry.register
class UrlSignal(SignalType):
    """A URL at one of three levels, written `level:value` (host:example.com, prefix:example.com/a/, exact:...)."""

    name = "url"
    description = "URL (canonicalised) matching a host, a path prefix or one exact page"

    def validate(self, value: str) -> str:
        level, sep, rest = value.strip().partition(":")
        if not sep or level not in urls.LEVELS or rest.startswith("//"):
            level, rest = "exact", value.strip()
        try:
            return f"{level}:{urls.signal_key(rest, level)}"
        except urls.UrlError as exc:
            raise SignalError(str(exc)) from None

    @classmethod
    def examples(cls) -> list[tuple[str, str]]:
        return [("HTTP://Example.COM:80/a/./b/%7Euser/", "exact:http://example.com/a/b/~user"),
                ("host:WWW.Example.com", "host:www.example.com"),
                ("prefix:https://example.com/gallery/x", "prefix:example.com/gallery/x/")]


@registry.register
class VideoPdqSignal(SignalType):
    """A video as its sampled frames' PDQ hashes, written `seconds:hex;seconds:hex;...` (see video.py)."""

    name = "video_pdq"
    exact = False
    default_threshold = PDQ_MATCH_DISTANCE
    description = "video: PDQ of one frame a second, matched vPDQ-style (80 % of the query's frames)"

    def validate(self, value: str) -> str:
        from childsafe.hashmatch import video  # noqa: PLC0415

        try:
            return video.to_text(video.parse_text(value))
        except video.VideoError as exc:
            raise SignalError(str(exc)) from None

    def distance(self, a: str, b: str) -> int:
        from childsafe.hashmatch import video  # noqa: PLC0415

        share, _ = video.compare(video.parse_text(a), video.parse_text(b))
        return 0 if share >= video.QUERY_MATCH else 1 << 16

    def hash_bytes(self, data: bytes) -> Hashed | None:
        from childsafe.hashmatch import video  # noqa: PLC0415

        if data[4:8] not in (b"ftyp", b"moov", b"mdat", b"wide", b"free") and not data.startswith(
                (b"\x1aE\xdf\xa3", b"RIFF", b"\x00\x00\x01\xba", b"FLV")):
            return None  # not a container we recognise: do not hand arbitrary bytes to FFmpeg
        try:
            return Hashed(self.name, video.to_text(video.frames_from_bytes(data)))
        except video.VideoError:
            return None

    @classmethod
    def examples(cls) -> list[tuple[str, str]]:
        a, b = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", "0" * 63 + "1"
        return [(f"0:{a.upper()}; 1.25:{b}", f"0.0:{a};1.2:{b}")]


def hash_media(data: bytes) -> list[Hashed]:
    """Every hash the registered types compute for these bytes (in memory; nothing is written)."""
    out = []
    for cls in registry:
        hashed = cls().hash_bytes(data)
        if hashed is not None:
            out.append(hashed)
    return out
