"""Small test videos encoded in memory with PyAV: moving shapes over a textured background."""

from __future__ import annotations

import io

import av
import numpy as np

from tests.unit.hashmatch.images import picture


def video(seed: int, seconds: int = 8, fps: int = 5, size: tuple[int, int] = (256, 192)) -> bytes:
    width, height = size
    scenes = [np.asarray(picture(seed * 100 + i, 256).resize((width, height))) for i in range(seconds)]
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for second in range(seconds):
            for _ in range(fps):
                frame = av.VideoFrame.from_ndarray(scenes[second], format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()
