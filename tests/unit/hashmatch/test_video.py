"""Video hashing and vPDQ-style comparison on videos the test encodes itself."""

from childsafe.hashmatch import video
from childsafe.hashmatch.signals import hash_media
from tests.unit.hashmatch.videos import video as make_video


def test_frames_once_a_second_and_set_comparison() -> None:
    original = video.frames_from_bytes(make_video(1))
    assert 6 <= len(original) <= 8 and all(len(h) == 64 for _, h in original)
    smaller = video.frames_from_bytes(make_video(1, size=(160, 120)))
    share, _ = video.compare(smaller, original)
    assert share >= video.QUERY_MATCH
    other = video.frames_from_bytes(make_video(2))
    assert video.compare(other, original)[0] < 0.2


def test_hash_media_recognises_video_only() -> None:
    types = {h.signal_type for h in hash_media(make_video(3, seconds=2))}
    assert "video_pdq" in types and "pdq" not in types
    assert "video_pdq" not in {h.signal_type for h in hash_media(b"\x00\x00\x00\x18ftypmp42 broken")}
