"""Test images made on the fly: smooth random pictures (PDQ needs structure), and their edited copies."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter


def picture(seed: int, size: int = 512) -> Image.Image:
    rng = np.random.default_rng(seed)
    coarse = (rng.random((24, 24, 3)) * 255).astype("uint8")
    return Image.fromarray(coarse).resize((size, size), Image.BICUBIC).filter(ImageFilter.GaussianBlur(2))


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
