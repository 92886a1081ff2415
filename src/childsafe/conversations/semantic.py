"""The optional semantic layer: messages compared with example sentences per signal in an embedding space.

The model is WordLlama's bundled "l2_supercat" static embeddings (MIT, inside the `wordllama` wheel: no download).
We load its files ourselves because the library's own loader looks for the tokenizer in the wrong folder and then
tries the network. Install with `pip install childsafe[semantic]`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np


class SemanticUnavailableError(RuntimeError):
    """The semantic layer was asked for but its package is not installed."""


@dataclass
class SemanticLayer:
    embed: object  # a callable list[str] -> ndarray (n, d), rows normalised
    names: list[str]  # signal per prototype row
    prototypes: np.ndarray
    threshold: float

    def hits(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """Per text, the signals whose closest example is similar enough, with a confidence in 0..1."""
        if not texts:
            return []
        vectors = self.embed(texts)  # type: ignore[operator]
        similarity = vectors @ self.prototypes.T
        out = []
        for row in similarity:
            best: dict[str, float] = {}
            for column in np.nonzero(row >= self.threshold)[0]:
                name = self.names[column]
                confidence = float(min(1.0, 0.5 + (row[column] - self.threshold) / (1.0 - self.threshold)))
                best[name] = max(best.get(name, 0.0), confidence)
            out.append(sorted(best.items()))
        return out


@lru_cache(maxsize=1)
def load(threshold: float = 0.6) -> SemanticLayer:
    try:
        import wordllama  # noqa: PLC0415
        from safetensors import safe_open  # noqa: PLC0415
        from wordllama import WordLlama  # noqa: PLC0415
        from wordllama.inference import WordLlamaInference  # noqa: PLC0415
    except ImportError as exc:
        raise SemanticUnavailableError("the semantic layer needs the 'semantic' extra (wordllama)") from exc
    root = Path(wordllama.__file__).parent
    tokenizer = WordLlama.load_tokenizer(root / "tokenizers" / "l2_supercat_tokenizer_config.json")
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
        matrix = f.get_tensor("embedding.weight")
    model = WordLlamaInference(matrix, tokenizer, binary=False)

    def embed(texts: list[str]) -> np.ndarray:
        vectors = np.asarray(model.embed(texts, norm=True), dtype=np.float32)
        return vectors

    data = tomllib.loads(resources.files("childsafe.conversations").joinpath("data/prototypes.toml")
                         .read_text("utf-8"))
    names = [name for name, examples in data["signals"].items() for _ in examples]
    sentences = [example for examples in data["signals"].values() for example in examples]
    return SemanticLayer(embed, names, embed(sentences), threshold)
