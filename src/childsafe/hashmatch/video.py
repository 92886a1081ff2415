"""Video matching in the manner of Meta's vPDQ: PDQ of frames sampled once a second, compared as sets.

A query video matches a banked video when at least 80 % of the query's usable frames (quality >= 50) are within
31 bits of some frame of the banked video (vPDQ's defaults). Frames are decoded in memory with PyAV (FFmpeg
inside the wheel); nothing is written to disk. `FrameIndex` holds every banked video's frames as one set of
columns, so a query is compared with all of them in one scan (the compact PDQ index's kernel), not video by video.
"""

from __future__ import annotations

import io
import re

import numpy as np

from childsafe.hashmatch import scan
from childsafe.hashmatch.pdqindex import hex_to_array

FRAMES_PER_SECOND = 1.0
QUERY_MATCH = 0.80
MAX_FRAMES = 3600  # one hour at one frame a second
_FRAME = re.compile(r"^(\d+(?:\.\d+)?):([0-9a-f]{64})$")


class VideoError(ValueError):
    """Not a video that can be decoded, or not a frame list."""


def frames_from_bytes(data: bytes, quality_floor: int = 50) -> list[tuple[float, str]]:
    """(timestamp, PDQ hex) of one frame a second with quality >= floor; consecutive duplicates dropped."""
    import av  # noqa: PLC0415  (only needed for video)

    import pdqhash  # noqa: PLC0415

    from childsafe.hashmatch.signals import bits_to_hex  # noqa: PLC0415

    frames: list[tuple[float, str]] = []
    try:
        with av.open(io.BytesIO(data)) as container:
            if not container.streams.video:
                raise VideoError("no video stream")
            stream = container.streams.video[0]
            next_at = 0.0
            for frame in container.decode(stream):
                at = float(frame.time or 0.0)
                if at + 1e-6 < next_at:
                    continue
                next_at = at + 1.0 / FRAMES_PER_SECOND
                bits, quality = pdqhash.compute(frame.to_ndarray(format="rgb24"))
                if quality < quality_floor:
                    continue
                value = bits_to_hex(np.asarray(bits, dtype=np.uint8))
                if not frames or frames[-1][1] != value:
                    frames.append((round(at, 1), value))
                if len(frames) >= MAX_FRAMES:
                    break
    except VideoError:
        raise
    except Exception:  # noqa: BLE001  (FFmpeg raises many kinds; all mean "not a video we can read")
        raise VideoError("not a video this server can decode") from None
    if not frames:
        raise VideoError("no frame of usable quality")
    return frames


def to_text(frames: list[tuple[float, str]]) -> str:
    return ";".join(f"{t:.1f}:{h}" for t, h in frames)


def parse_text(text: str) -> list[tuple[float, str]]:
    frames = []
    for part in text.strip().lower().split(";"):
        match = _FRAME.match(part.strip())
        if not match:
            raise VideoError(f"{part[:80]!r} is not 'seconds:pdq_hex'")
        frames.append((float(match.group(1)), match.group(2)))
    if not frames or len(frames) > MAX_FRAMES:
        raise VideoError(f"a video signal has 1 to {MAX_FRAMES} frames")
    return frames


def compare(query: list[tuple[float, str]], target: list[tuple[float, str]],
            threshold: int = 31) -> tuple[float, float]:
    """(share of query frames found in target, share of target frames found in query), both 0..1."""
    q = hex_to_array(h for _, h in query)
    t = hex_to_array(h for _, h in target)
    distances = np.bitwise_count(q[:, None, :] ^ t[None, :, :]).sum(axis=2)
    close = distances <= threshold
    return float(close.any(axis=1).mean()), float(close.any(axis=0).mean())


class FrameIndex:
    """Every banked video's frames, searched at once: for a query video, each banked video's share of its frames."""

    def __init__(self, videos: dict[int, list[tuple[float, str]]]) -> None:
        ids = list(videos)
        hashes = hex_to_array(h for i in ids for _, h in videos[i]) if ids else np.zeros((0, 32), dtype=np.uint8)
        self.columns = scan.to_columns(hashes)
        self.owners = np.repeat(np.array(ids, dtype=np.int64), [len(videos[i]) for i in ids])

    def shares(self, query: list[tuple[float, str]], threshold: int = 31) -> dict[int, float]:
        """For each banked video with a frame near one of the query's: the share of query frames within `threshold`
        of some frame of it (`compare`'s first figure), from one scan of every banked frame."""
        rows = hex_to_array(h for _, h in query)
        frames, positions, _ = scan.search(self.columns, scan.to_words(rows), threshold)
        if not len(frames):
            return {}
        found = np.unique(np.stack([self.owners[positions], frames.astype(np.int64)]), axis=1)  # each pair once
        videos, counts = np.unique(found[0], return_counts=True)
        return {int(v): int(c) / len(rows) for v, c in zip(videos.tolist(), counts.tolist(), strict=True)}
