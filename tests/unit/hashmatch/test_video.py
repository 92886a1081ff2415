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


def test_the_frame_index_gives_each_videos_share_as_compare_does() -> None:
    """One scan over every banked video's frames, against `compare` video by video: near copies, partial overlaps,
    repeated frames, videos with nothing near, and an empty index."""
    import numpy as np

    rng = np.random.default_rng(4)

    def frames(rows: np.ndarray) -> list[tuple[float, str]]:
        return [(float(k), row.tobytes().hex()) for k, row in enumerate(rows)]

    def near(rows: np.ndarray, bits: int) -> np.ndarray:
        out = rows.copy()
        for row in out:
            row[rng.choice(32, bits, replace=False)] ^= np.uint8(1)
        return out

    base = rng.integers(0, 256, size=(40, 32), dtype=np.uint8)
    banked = {
        11: frames(near(base, 9)),  # a near copy of the whole query
        12: frames(np.concatenate([near(base[:25], 20), rng.integers(0, 256, (30, 32), dtype=np.uint8)])),  # part
        13: frames(rng.integers(0, 256, size=(60, 32), dtype=np.uint8)),  # unrelated
        14: frames(np.repeat(near(base[:3], 2), 4, axis=0)),  # three frames, each four times
    }
    query = frames(np.concatenate([base, base[:5]]))  # repeated query frames count each time, as in compare
    shares = video.FrameIndex(banked).shares(query)
    for signal_id, target in banked.items():
        assert shares.get(signal_id, 0.0) == video.compare(query, target)[0]
    assert shares[11] == 1.0 and 0.5 < shares[12] < video.QUERY_MATCH and 13 not in shares
    assert video.FrameIndex({}).shares(query) == {}
