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
from functools import cached_property, lru_cache
from importlib import resources
from itertools import accumulate, chain
from operator import xor
from pathlib import Path

import numpy as np

try:
    from childsafe.conversations import _reader
except ImportError:  # the compiled reader is optional (setup.py): numpy reads the same, more slowly
    _reader = None

FORMAT = "childsafe-linear/1"
DIM_BITS = 18


# Per mask, word -> its two masked hash halves (see features), remembered in two tables so that a message's
# words are looked up in C (map over dict.get), not one by one in Python.
_LEFT: dict[int, dict[str, int]] = {}
_RIGHT: dict[int, dict[str, int]] = {}
_HALVES_MAX = 200_000
_PAIR = 0x9E3779B1  # a bigram's feature: (first word's hash * _PAIR) ^ second word's hash


def _learn(tokens: Sequence[str], mask: int) -> tuple[dict[str, int], dict[str, int]]:
    left, right = _LEFT.setdefault(mask, {}), _RIGHT.setdefault(mask, {})
    if len(right) + len(tokens) > _HALVES_MAX:  # bounded tables: words repeat, and forgetting it all is cheap
        left.clear()
        right.clear()
    for token in tokens:
        if token not in right:
            value = zlib.crc32(token.encode())
            left[token], right[token] = (value * _PAIR) & mask, value & mask
    return left, right


def features(tokens: Sequence[str], mask: int) -> list[int]:
    """Hashed unigrams and bigrams; crc32 is stable across processes and machines, unlike hash(). A bigram's feature
    ((a * _PAIR) ^ b) & mask is (a * _PAIR) & mask ^ b & mask, so each word's two halves are worked out once and
    remembered, and a pair costs one XOR. Models of one size share the tables, and a message's features."""
    right = _RIGHT.get(mask)
    found = list(map(right.get, tokens)) if right is not None else [None]
    if None in found:
        right = _learn(tokens, mask)[1]
        found = list(map(right.get, tokens))
    found.extend(map(xor, map(_LEFT[mask].get, tokens[:-1]), found[1:]))
    return found


@dataclass
class LinearModel:
    label: str
    weights: np.ndarray  # float32, 2**dim_bits
    bias: float
    dim_bits: int = DIM_BITS
    meta: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.mask = (1 << self.dim_bits) - 1

    @cached_property
    def _w(self) -> array:
        """The weights for one message at a time, made when first needed (the engine reads many at once, through
        `Reader`). Indexing an array beats numpy scalar access for a handful of features, and unlike a list of
        Python floats (8 MB for 2**18 weights) it stays small enough for the processor's caches: 4 bytes a weight."""
        return array("f", self.weights.astype(np.float32).tobytes())

    def probability(self, tokens: Sequence[str]) -> float:
        """The logistic of the bias plus the weights of `features(tokens, self.mask)`: one message, one model (the
        engine reads many of both at once, through `Reader`)."""
        if not tokens:
            return 0.0
        return logistic(self.bias + sum(map(self._w.__getitem__, features(tokens, self.mask))))

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


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class Reader:
    """Several models reading the same messages, a conversation's worth at a time: each message's features are worked
    out once per model size, then every model's weights for all of them are gathered and summed in a few array
    operations, where one message at a time costs a Python call per model and a lookup per feature. The sums are in
    float64 in the features' order, so each logit is exactly the one `LinearModel.probability` adds up."""

    def __init__(self, models: Sequence[LinearModel]) -> None:
        self.size = len(models)
        groups: dict[int, list[int]] = {}
        for column, model in enumerate(models):
            groups.setdefault(model.mask, []).append(column)
        self._groups = [(mask, columns, np.stack([models[c].weights.astype(np.float32) for c in columns], axis=1),
                         np.array([models[c].bias for c in columns], dtype=np.float64))
                        for mask, columns in groups.items()]
        # in C (`_reader.c`) when built and every model is of one size, as the bundled ones are: the same sums
        self._native = _reader.Reader(self._groups[0][2], self.size, tuple(self._groups[0][3].tolist()),
                                      self._groups[0][0]) if _reader is not None and len(self._groups) == 1 else None

    def logits(self, messages: Sequence[Sequence[str]]) -> list[list[float] | None]:
        """Per message, each model's bias plus weights (`logistic` makes it a probability); None for a message
        without tokens, which no model reads."""
        if self._native is not None:
            return self._native.logits(messages if isinstance(messages, list) else list(messages))
        return self.logits_with_numpy(messages)

    def logits_with_numpy(self, messages: Sequence[Sequence[str]]) -> list[list[float] | None]:
        """`logits` without the compiled reader (and what tests compare it with)."""
        read = [i for i, tokens in enumerate(messages) if tokens]
        if not read:
            return [None] * len(messages)
        table = np.empty((len(read), self.size))
        for mask, columns, weights, biases in self._groups:
            found = [features(messages[i], mask) for i in read]  # a word or more: a feature or more
            counts = list(map(len, found))
            index = np.fromiter(chain.from_iterable(found), dtype=np.intp, count=sum(counts))
            sums = np.add.reduceat(weights.take(index, axis=0).astype(np.float64), [0, *accumulate(counts[:-1])],
                                   axis=0)
            table[:, columns] = sums + biases
        if len(read) == len(messages):
            return table.tolist()
        rows: list[list[float] | None] = [None] * len(messages)
        for i, row in zip(read, table.tolist(), strict=True):
            rows[i] = row
        return rows


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
