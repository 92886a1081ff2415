"""Trained classifiers: a hashed linear model over normalised tokens (words and word pairs), so scoring is a few
dictionary-free array lookups per message; trained with scikit-learn, stored as plain arrays (.npz, no pickle)."""

from __future__ import annotations

import csv
import io
import json
import math
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

FORMAT = "childsafe-linear/1"
DIM_BITS = 18


_HASHES: dict[str, int] = {}
_HASHES_MAX = 200_000
_PAIR = 0x9E3779B1  # a bigram's feature: (first word's hash * _PAIR) ^ second word's hash


def _hashes(tokens: Sequence[str]) -> list[int]:
    """crc32 of each word, remembered (a bounded table: words repeat, and forgetting it all is cheap)."""
    table = _HASHES
    out = []
    for token in tokens:
        value = table.get(token)
        if value is None:
            if len(table) >= _HASHES_MAX:
                table.clear()
            value = table[token] = zlib.crc32(token.encode())
        out.append(value)
    return out


def features(tokens: Sequence[str], mask: int) -> list[int]:
    """Hashed unigrams and bigrams; crc32 is stable across processes and machines, unlike hash(). A bigram's
    feature is derived from its two words' hashes, so each word is hashed once."""
    hashes = _hashes(tokens)
    out = [h & mask for h in hashes]
    out.extend(((a * _PAIR) ^ b) & mask for a, b in zip(hashes, hashes[1:], strict=False))
    return out


@dataclass
class LinearModel:
    label: str
    weights: np.ndarray  # float32, 2**dim_bits
    bias: float
    dim_bits: int = DIM_BITS
    meta: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._mask = (1 << self.dim_bits) - 1
        # Indexing an array beats numpy scalar access for a handful of features, and unlike a list of Python floats
        # (8 MB for 2**18 weights) it stays small enough for the processor's caches: 4 bytes a weight, as stored.
        self._w = array("f", self.weights.astype(np.float32).tobytes())
        # token -> (its hash times _PAIR, its hash, its own weight), each masked: a pair's feature is
        # ((a * _PAIR) ^ b) & mask, which is (a * _PAIR) & mask ^ b & mask, so a pair costs one XOR here
        self._known: dict[str, tuple[int, int, float]] = {}

    def probability(self, tokens: Sequence[str]) -> float:
        """The logistic of the bias plus the weights of `features(tokens)`. A token's hashes and weight are
        remembered, so a word pair is one XOR and one lookup."""
        if not tokens:
            return 0.0
        get, w = self._known.get, self._w
        known = [get(token) or self._learn(token) for token in tokens]
        z = (self.bias + sum([weight for _, _, weight in known])
             + sum([w[left ^ right] for (left, _, _), (_, right, _) in zip(known, known[1:], strict=False)]))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def _learn(self, token: str) -> tuple[int, int, float]:
        if len(self._known) >= _HASHES_MAX:
            self._known.clear()
        value, mask = zlib.crc32(token.encode()), self._mask
        entry = self._known[token] = ((value * _PAIR) & mask, value & mask, self._w[value & mask])
        return entry

    def save(self, path: Path) -> None:
        np.savez_compressed(path, weights=self.weights.astype(np.float16), bias=np.array([self.bias]),
                            dim_bits=np.array([self.dim_bits]),
                            meta=np.array(json.dumps({"format": FORMAT, "label": self.label, **self.meta})))

    @classmethod
    def load(cls, source: Path | io.BytesIO) -> LinearModel:
        with np.load(source, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} model")
            return cls(label=meta.pop("label"), weights=data["weights"].astype(np.float32),
                       bias=float(data["bias"][0]), dim_bits=int(data["dim_bits"][0]),
                       meta={k: v for k, v in meta.items() if k != "format"})


def train(texts: Sequence[Sequence[str]], labels: Sequence[int], label: str, *, dim_bits: int = DIM_BITS,
          c: float = 1.0, meta: dict[str, object] | None = None,
          progress: Callable[[int], None] | None = None) -> LinearModel:
    """Logistic regression on hashed features; `texts` are already-normalised token lists."""
    from scipy.sparse import csr_matrix  # noqa: PLC0415  (training only)
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    if len(set(labels)) < 2:
        raise ValueError("training needs examples of both classes (0 and 1)")
    mask = (1 << dim_bits) - 1
    indptr, indices = [0], []
    for n, tokens in enumerate(texts, 1):
        indices.extend(features(tokens, mask))
        indptr.append(len(indices))
        if progress and n % 1000 == 0:
            progress(1000)
    matrix = csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(texts), 1 << dim_bits))
    matrix.sum_duplicates()
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", solver="liblinear", random_state=0)
    model.fit(matrix, np.asarray(labels))
    return LinearModel(label=label, weights=model.coef_[0].astype(np.float32), bias=float(model.intercept_[0]),
                       dim_bits=dim_bits, meta={"examples": len(labels), "positives": int(sum(labels)), **(meta or {})})


def read_training_csv(stream: Iterable[str], label: str) -> tuple[list[str], list[int], list[str | None]]:
    """Rows with a `text` column and a 0/1 column named after the label (or `label`), and optionally a `language`
    column (each row is then normalised as that language; empty means the default); errors name the row."""
    reader = csv.DictReader(stream)
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise ValueError("the CSV needs a header with a 'text' column")
    column = label if label in reader.fieldnames else "label"
    if column not in reader.fieldnames:
        raise ValueError(f"the CSV needs a '{label}' (or 'label') column of 0 and 1")
    texts, labels, languages = [], [], []
    for row_number, row in enumerate(reader, 2):
        value = (row.get(column) or "").strip()
        if value not in ("0", "1"):
            raise ValueError(f"row {row_number}: {column} is {value!r}, not 0 or 1")
        texts.append(row.get("text") or "")
        labels.append(int(value))
        languages.append((row.get("language") or "").strip() or None)
    return texts, labels, languages


@lru_cache(maxsize=8)
def bundled(label: str, directory: str | None = None) -> LinearModel | None:
    """The model for a label: a deployment's own (`directory`/<label>.npz) first, else the one we ship, if any."""
    if directory and (Path(directory) / f"{label}.npz").is_file():
        return LinearModel.load(Path(directory) / f"{label}.npz")
    resource = resources.files("childsafe.conversations").joinpath(f"data/models/{label}.npz")
    if not resource.is_file():
        return None
    return LinearModel.load(io.BytesIO(resource.read_bytes()))
