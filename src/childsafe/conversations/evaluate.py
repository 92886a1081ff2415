"""Precision, recall and F-scores per label against a labelled file (F0.5 for grooming, as in PAN 2012)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from childsafe.conversations.signals import LABELS

BETA = {"grooming": 0.5}


class EvaluationError(ValueError):
    """A labelled file that cannot be read, naming the line."""


@dataclass(frozen=True)
class Metrics:
    label: str
    beta: float
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 0.0

    @property
    def recall(self) -> float:
        actual = self.true_pos + self.false_neg
        return self.true_pos / actual if actual else 0.0

    @property
    def f(self) -> float:
        p, r, b2 = self.precision, self.recall, self.beta ** 2
        return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0


def read_jsonl(lines: Iterable[str], *, labelled: bool) -> Iterator[dict[str, Any]]:
    """Conversations, one JSON object per line: {"id", "messages": [{"text", "author"?}], "labels"?}."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("messages"), list):
            raise EvaluationError(f"line {number}: needs a 'messages' list")
        if labelled:
            labels = item.get("labels")
            if not isinstance(labels, dict) or any(labels.get(k) not in (0, 1, True, False) for k in LABELS):
                raise EvaluationError(f"line {number}: 'labels' needs 0 or 1 for each of {', '.join(LABELS)}")
        yield item


def metrics(pairs: Iterable[tuple[dict[str, int], dict[str, float]]], threshold: float = 0.5) -> list[Metrics]:
    """From (gold labels, predicted scores) pairs."""
    counts = {label: [0, 0, 0, 0] for label in LABELS}
    for gold, predicted in pairs:
        for label in LABELS:
            truth, guess = bool(gold[label]), predicted[label] >= threshold
            counts[label][(0 if guess else 2) if truth else (1 if guess else 3)] += 1
    return [Metrics(label, BETA.get(label, 1.0), *counts[label]) for label in LABELS]
