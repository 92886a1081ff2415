"""Conversation safety on single unseen messages: does the engine find evidence where there is some, and none
where there is none?

`benchmarks/data/conversations/messages-unseen.jsonl` holds 1,350 chat messages, 150 in each of the nine languages
(30 sexual, 30 self-harm, 30 bullying and 60 hard negatives that use the same words harmlessly), written on
2026-11-28 by writers who saw nothing of the project. They are scored only: never read while writing lexicons.
A line is {"id", "language", "text", "expect": "sexual" | "self_harm" | "bullying" | "none"}.

A message counts as *found* when the engine (default layers, the message's language) returns at least one piece of
evidence for the expected label, i.e. a signal that supports it (`concern` and `pushback`, which count only beside
other evidence, do not); a hard negative is a *false find* when it returns any evidence for sexual, self-harm or
bullying. One message rarely flags a conversation alone (an insult weighs 0.45): this measures how much of what
people write the lexicons and classifier read at all, the part conversation aggregation cannot make up for.

    .venv/bin/python benchmarks/conversations_messages.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from childsafe.conversations.engine import Engine
from childsafe.conversations.signals import SIGNALS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "conversations" / "messages-unseen.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "conversations_messages.json"
LABELS = ("sexual", "self_harm", "bullying")
ONLY_BESIDE_OTHERS = {"concern", "pushback"}


def supported(signal: str) -> set[str]:
    """The labels a signal is evidence of, on its own."""
    if signal in ONLY_BESIDE_OTHERS or signal not in SIGNALS:
        return set()
    return {label for label, weight in SIGNALS[signal].weights.items() if label in LABELS and weight > 0}


def main() -> None:
    engine = Engine()
    total: Counter[tuple[str, str]] = Counter()
    found: Counter[tuple[str, str]] = Counter()
    for line in DATA.read_text("utf-8").splitlines():
        item = json.loads(line)
        language, expect = item["language"], item["expect"]
        hits, _ = engine.message_hits(item["text"], language)
        labels = set().union(*(supported(h.signal) for h in hits)) if hits else set()
        total[language, expect] += 1
        if (expect == "none" and labels) or expect in labels:
            found[language, expect] += 1
    languages = sorted({language for language, _ in total}, key=["en", "fr", "es", "de", "it", "pt", "ru", "ar",
                                                                   "zh"].index)
    rows = {}
    print(f"{'language':10s}" + "".join(f"{label + ' found':>18s}" for label in LABELS) + f"{'false finds':>14s}")
    for language in [*languages, "all"]:
        keys = languages if language == "all" else [language]
        row = {}
        for expect in (*LABELS, "none"):
            n = sum(total[k, expect] for k in keys)
            row[expect] = [sum(found[k, expect] for k in keys), n]
        rows[language] = row
        cells = "".join(f"{f'{row[label][0]}/{row[label][1]} ({row[label][0] / row[label][1]:.0%})':>18s}"
                        for label in LABELS)
        false = f"{row['none'][0]}/{row['none'][1]}"
        print(f"{language:10s}{cells}{false:>14s}")
    RESULTS.write_text(json.dumps({"data": DATA.name, "found": rows}, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
