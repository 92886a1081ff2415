"""Signal types: the contract every registered type passes, URL canonicalisation, and PDQ conformance."""

import io

import numpy as np
import pytest
from PIL import Image

from childsafe.hashmatch import urls
from childsafe.hashmatch.signals import (PdqSignal, SignalError, bits_to_hex, hash_media, pdq_dihedral_from_image_bytes,
                                         pdq_from_image_bytes, registry)
from tests.unit.hashmatch.images import encode, picture


@pytest.mark.parametrize("cls", list(registry), ids=lambda c: c.name)
def test_every_signal_type_honours_the_contract(cls) -> None:  # noqa: ANN001
    kind = cls()
    assert cls.name and cls.description
    for raw, canonical in cls.examples():
        assert kind.validate(raw) == canonical
        assert kind.validate(canonical) == canonical  # idempotent
        assert kind.distance(canonical, canonical) == 0
    with pytest.raises(SignalError):
        kind.validate("not a signal ::: at all")
    if not cls.exact:
        assert 0 < cls.default_threshold


def test_exact_hashes_of_bytes() -> None:
    found = {h.signal_type: h.value for h in hash_media(b"")}
    assert found["md5"] == "d41d8cd98f00b204e9800998ecf8427e"
    assert found["sha256"].startswith("e3b0c442")
    assert "pdq" not in found  # not an image


@pytest.mark.parametrize("raw, canonical", [
    ("HTTP://Example.COM:80/a/./b/../c/", "http://example.com/a/c"),
    ("https://example.com:443", "https://example.com/"),
    ("example.com/path?b=1&a=%7e", "http://example.com/path?b=1&a=~"),
    ("https://example.com:8443/%7Euser/%2Fx", "https://example.com:8443/~user/%2Fx"),
    ("http://bücher.example/", "http://xn--bcher-kva.example/"),
    ("https://example.com/a#frag", "https://example.com/a"),
])
def test_url_canonicalisation(raw: str, canonical: str) -> None:
    assert urls.canonical(raw) == canonical


def test_url_levels_and_keys() -> None:
    keys = urls.keys(urls.canonical("https://cdn.example.com/gallery/2024/x.jpg"))
    assert ("exact", "https://cdn.example.com/gallery/2024/x.jpg") in keys
    assert ("prefix", "cdn.example.com/gallery/") in keys and ("prefix", "cdn.example.com/") in keys
    assert ("host", "example.com") in keys and ("host", "cdn.example.com") in keys
    for bad in ("ftp://x.example/", "http://", "   "):
        with pytest.raises(urls.UrlError):
            urls.canonical(bad)


def test_hex_matches_the_threatexchange_convention() -> None:
    bits = np.zeros(256, dtype=np.uint8)
    bits[0] = 1  # element 0 is the most significant bit of the first hex digit
    assert bits_to_hex(bits) == "8" + "0" * 63


# ---- conformance with the reference algorithm, on images the tests make -------------------------------------

def test_identical_pixels_identical_hash() -> None:
    a = pdq_from_image_bytes(encode(picture(1)))
    b = pdq_from_image_bytes(encode(picture(1), "BMP"))
    assert a == b and a[1] >= 50


@pytest.mark.parametrize("edit", ["resize", "jpeg", "crop", "resize_jpeg"])
def test_edited_copies_stay_within_31(edit: str) -> None:
    original = picture(2)
    if edit == "resize":
        copy = original.resize((300, 300), Image.LANCZOS)
    elif edit == "jpeg":
        copy = Image.open(io.BytesIO(encode(original, "JPEG", quality=60)))
    elif edit == "crop":
        # PDQ hashes the whole frame: 3 px a side (about 1 % of the area) stays well inside 31 on these
        # pictures, while 10 px a side already goes past it (measured; see docs/hashmatch.md)
        copy = original.crop((3, 3, 509, 509))
    else:
        copy = Image.open(io.BytesIO(encode(original.resize((256, 256)), "JPEG", quality=50)))
    kind = PdqSignal()
    a, _ = pdq_from_image_bytes(encode(original))
    b, _ = pdq_from_image_bytes(encode(copy.convert("RGB")))
    assert kind.distance(a, b) <= 31


def test_unrelated_images_are_far_apart() -> None:
    kind = PdqSignal()
    hashes = [pdq_from_image_bytes(encode(picture(seed)))[0] for seed in range(10, 16)]
    distances = [kind.distance(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1:]]
    assert min(distances) > 60


def test_dihedral_variants() -> None:
    image = picture(3)
    variants, quality = pdq_dihedral_from_image_bytes(encode(image))
    assert [name for name, _ in variants][:2] == ["original", "rotate90"] and quality >= 50
    rotated, _ = pdq_from_image_bytes(encode(image.rotate(90, expand=True)))
    distances = {name: PdqSignal().distance(rotated, h) for name, h in variants}
    assert min(distances, key=distances.get) == "rotate90" and distances["rotate90"] <= 31
    assert distances["original"] > 31  # without the variants, a rotated copy would be missed


def test_bad_images_are_refused() -> None:
    with pytest.raises(SignalError):
        pdq_from_image_bytes(b"GIF89a not really")
