"""Conversation scoring throughput: ChildSafe's whole pipeline against alt-profanity-check, on one core.

Messages: the Davidson et al. (2017) tweets (../shared/data/davidson-offensive, MIT) plus every message of the
development conversations, repeated to --messages (default 200,000) and grouped into conversations of
--per-conversation messages (20) with two alternating authors. ChildSafe scores them the way the API does:
normalisation, lexicon, personal-data detectors, the hostility classifier, and conversation aggregation, one
conversation at a time (`Engine.score`); then again with the semantic layer (WordLlama embeddings) on a slice of
--semantic-messages (20,000). The peer, alt-profanity-check (a linear SVM over TF-IDF, English, its model inside
the wheel), gets the same messages in batches of 1,000 through `predict_prob`, which is how it is fastest.

Every figure is messages per second on one core (the process is pinned to CPU 0 where the OS allows it), best of
--rounds (3) passes; the machine may be shared, and a busy spell only slows a pass down. Memory at rest is VmRSS
after the engine (or the peer) is loaded and has scored one conversation, less VmRSS before loading, each in its
own subprocess so the two do not mix.

Targets, printed beside the figures: at least 20,000 messages/s without the semantic layer, 300 with it.

    .venv/bin/python benchmarks/conversations_throughput.py --messages 20000   # a quick try
    .venv/bin/python benchmarks/conversations_throughput.py                    # the defaults
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DAVIDSON = ROOT.parent / "shared" / "data" / "davidson-offensive" / "labeled_data.csv"
DEV = ROOT / "tests" / "fixtures" / "conversations" / "dev.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "conversations_throughput.json"


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def messages(count: int) -> list[str]:
    texts = []
    if DAVIDSON.is_file():
        with DAVIDSON.open(encoding="utf-8", newline="") as handle:
            texts.extend(html.unescape(row["tweet"]) for row in csv.DictReader(handle))  # the corpus keeps &amp; and &#128514;
    for line in DEV.read_text("utf-8").splitlines():
        texts.extend(m["text"] for m in json.loads(line)["messages"])
    return [texts[i % len(texts)] for i in range(count)]


def childsafe_worker(count: int, per: int, rounds: int, semantic: bool) -> dict[str, float]:
    before = rss_kb()
    from childsafe.conversations.engine import DEFAULT_LAYERS, Engine  # noqa: PLC0415

    engine = Engine(layers=(*DEFAULT_LAYERS, "semantic") if semantic else DEFAULT_LAYERS)
    texts = messages(count)
    conversations = [[{"text": t, "author": "ab"[j % 2]} for j, t in enumerate(texts[i:i + per])]
                     for i in range(0, len(texts), per)]
    engine.score(conversations[0], language="en")
    at_rest = rss_kb() - before
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for conversation in conversations:
            engine.score(conversation, language="en")
        best = max(best, len(texts) / (time.perf_counter() - start))
    return {"messages_per_s": best, "rss_at_rest_mb": at_rest / 1024, "messages": len(texts)}


def peer_worker(count: int, rounds: int) -> dict[str, float]:
    before = rss_kb()
    from profanity_check import predict_prob  # noqa: PLC0415

    texts = messages(count)
    predict_prob(texts[:10])
    at_rest = rss_kb() - before
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(0, len(texts), 1000):
            predict_prob(texts[i:i + 1000])
        best = max(best, len(texts) / (time.perf_counter() - start))
    return {"messages_per_s": best, "rss_at_rest_mb": at_rest / 1024, "messages": len(texts)}


def run(kind: str, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, __file__, "--worker", kind, "--messages", str(args.messages),
               "--semantic-messages", str(args.semantic_messages), "--per-conversation", str(args.per_conversation),
               "--rounds", str(args.rounds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--semantic-messages", type=int, default=20_000)
    parser.add_argument("--per-conversation", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", choices=("childsafe", "semantic", "peer"))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    if args.worker == "childsafe":
        print(json.dumps(childsafe_worker(args.messages, args.per_conversation, args.rounds, False)))
        return
    if args.worker == "semantic":
        print(json.dumps(childsafe_worker(args.semantic_messages, args.per_conversation, args.rounds, True)))
        return
    if args.worker == "peer":
        print(json.dumps(peer_worker(args.messages, args.rounds)))
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    console = Console()
    figures = {}
    with console.status("measuring") as status:
        for kind in ("peer", "childsafe", "semantic"):
            status.update(f"measuring {kind}")
            figures[kind] = run(kind, args)
    peer = figures["peer"]["messages_per_s"]
    table = Table(title=f"Messages per second on one core ({args.messages:,} messages; semantic on "
                        f"{args.semantic_messages:,})")
    for column in ("pipeline", "messages/s", "ratio to alt-profanity-check", "target", "met", "RSS at rest (MB)"):
        table.add_column(column, justify="left" if column == "pipeline" else "right")
    targets = {"childsafe": 20_000, "semantic": 300, "peer": None}
    names = {"childsafe": "ChildSafe, no semantic layer", "semantic": "ChildSafe with semantic layer",
             "peer": "alt-profanity-check (peer)"}
    for kind in ("childsafe", "semantic", "peer"):
        rate = figures[kind]["messages_per_s"]
        target = targets[kind]
        figures[kind]["ratio_to_peer"] = rate / peer
        table.add_row(names[kind], f"{rate:,.0f}", f"{rate / peer:.3f}", f"{target:,}" if target else "—",
                      ("yes" if rate >= target else "NO") if target else "—", f"{figures[kind]['rss_at_rest_mb']:.1f}")
    console.print(table)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"args": vars(args), "figures": figures,
                                   "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, indent=2) + "\n")
    console.print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
