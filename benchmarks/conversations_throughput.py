"""Conversation scoring throughput: ChildSafe's whole pipeline against alt-profanity-check, on one core.

Two corpora, because messages per second depends on how long messages are:
- chat: the development conversations (tests/fixtures/conversations/dev.jsonl: 160 chats in English, French,
  Spanish and German, 1,392 messages averaging 35 characters, 7 words), each scored as the chat it is, in its
  language, with its authors; repeated to --messages.
- tweets: the Davidson et al. (2017) tweets (../shared/data/davidson-offensive, MIT: 24,783 tweets averaging 81
  characters, 14 words, most of them offensive), grouped into conversations of --per-conversation messages (20)
  with two alternating authors; repeated to --messages.
ChildSafe scores them the way the API does (`Engine.score`: normalisation, lexicon, personal-data detectors, the
hostility classifier, conversation aggregation), then again with the semantic layer (WordLlama embeddings) on
--semantic-messages of the chat corpus. The peer, alt-profanity-check (a linear SVM over TF-IDF, English, its model
inside the wheel), gets the same messages in batches of 1,000 through `predict_prob`, which is how it is fastest.

Every figure is messages per second on one core (the process is pinned to CPU 0 where the OS allows it), best of
--rounds (3) passes; the machine may be shared, and a busy spell only slows a pass down. The corpora repeat, so
after the first pass ChildSafe's caches of normalised words are warm; "first pass" is the rate over each corpus's
distinct messages in a new process, every word new to it. Memory at rest is VmRSS after the engine (or the peer)
is loaded and has scored one conversation, less VmRSS before loading, each in its own subprocess.

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


def tweets() -> list[str]:
    with DAVIDSON.open(encoding="utf-8", newline="") as handle:  # the corpus keeps &amp; and &#128514;
        return [html.unescape(row["tweet"]) for row in csv.DictReader(handle)]


def chats() -> list[list[dict[str, str]]]:
    return [[{"text": m["text"], "author": m.get("author") or "?", "language": chat["language"]}
             for m in chat["messages"]] for chat in map(json.loads, DEV.read_text("utf-8").splitlines())]


def conversations(corpus: str, count: int | None, per: int) -> list[list[dict[str, str]]]:
    """`count` messages of the corpus as conversations, repeating the corpus as needed (None: each message once).
    Tweets are one stream, cut into chats of `per` messages with two alternating authors."""
    if corpus == "tweets":
        texts = tweets()
        count = len(texts) if count is None else count
        stream = [{"text": texts[i % len(texts)], "author": "ab"[i % 2], "language": "en"} for i in range(count)]
        return [stream[i:i + per] for i in range(0, count, per)]
    source = chats()
    count = sum(map(len, source)) if count is None else count
    out: list[list[dict[str, str]]] = []
    left = count
    while left > 0:
        for chat in source:
            out.append(chat[:left])
            left -= len(out[-1])
            if not left:
                break
    return out


def texts_of(chosen: list[list[dict[str, str]]]) -> list[str]:
    return [m["text"] for chat in chosen for m in chat]


def childsafe_worker(corpus: str, count: int, per: int, rounds: int, semantic: bool) -> dict[str, float]:
    before = rss_kb()
    from childsafe.conversations.engine import DEFAULT_LAYERS, Engine  # noqa: PLC0415

    engine = Engine(layers=(*DEFAULT_LAYERS, "semantic") if semantic else DEFAULT_LAYERS)
    for language in ("en", "fr", "es", "de"):  # the lexicons loaded, no corpus word seen yet
        engine.score([{"text": "hi", "author": "a"}], language=language)
    at_rest = rss_kb() - before
    first = conversations(corpus, None, per)
    start = time.process_time()
    for chat in first:
        engine.score(chat, language=chat[0]["language"])
    first_pass = sum(map(len, first)) / (time.process_time() - start)
    chosen = conversations(corpus, count, per)
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for chat in chosen:
            engine.score(chat, language=chat[0]["language"])
        best = max(best, count / (time.perf_counter() - start))
    return {"messages_per_s": best, "first_pass_per_s": first_pass, "rss_at_rest_mb": at_rest / 1024,
            "messages": count}


def peer_worker(corpus: str, count: int, per: int, rounds: int) -> dict[str, float]:
    before = rss_kb()
    from profanity_check import predict_prob  # noqa: PLC0415

    predict_prob(["hi"])
    at_rest = rss_kb() - before
    first = texts_of(conversations(corpus, None, per))
    start = time.process_time()
    for i in range(0, len(first), 1000):
        predict_prob(first[i:i + 1000])
    first_pass = len(first) / (time.process_time() - start)
    texts = texts_of(conversations(corpus, count, per))
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(0, len(texts), 1000):
            predict_prob(texts[i:i + 1000])
        best = max(best, len(texts) / (time.perf_counter() - start))
    return {"messages_per_s": best, "first_pass_per_s": first_pass, "rss_at_rest_mb": at_rest / 1024,
            "messages": len(texts)}


def run(kind: str, corpus: str, args: argparse.Namespace) -> dict[str, float]:
    count = args.semantic_messages if kind == "semantic" else args.messages
    command = [sys.executable, __file__, "--worker", kind, "--corpus", corpus, "--messages", str(count),
               "--per-conversation", str(args.per_conversation), "--rounds", str(args.rounds)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{kind} on {corpus} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


RUNS = (("peer", "chat"), ("childsafe", "chat"), ("semantic", "chat"), ("peer", "tweets"), ("childsafe", "tweets"))
NAMES = {"childsafe": "ChildSafe, no semantic layer", "semantic": "ChildSafe with semantic layer",
         "peer": "alt-profanity-check (peer)"}
TARGETS = {"childsafe": 20_000, "semantic": 300}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--semantic-messages", type=int, default=20_000)
    parser.add_argument("--per-conversation", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", choices=("childsafe", "semantic", "peer"))
    parser.add_argument("--corpus", choices=("chat", "tweets"), default="chat")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    if args.worker == "peer":
        print(json.dumps(peer_worker(args.corpus, args.messages, args.per_conversation, args.rounds)))
        return
    if args.worker:
        print(json.dumps(childsafe_worker(args.corpus, args.messages, args.per_conversation, args.rounds,
                                          args.worker == "semantic")))
        return
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import Progress  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    console = Console()
    figures: dict[str, dict[str, dict[str, float]]] = {"chat": {}, "tweets": {}}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("measuring", total=len(RUNS))
        for kind, corpus in RUNS:
            progress.update(task, description=f"measuring {kind} on {corpus}")
            figures[corpus][kind] = run(kind, corpus, args)
            progress.advance(task)
    table = Table(title=f"Messages per second on one core ({args.messages:,} messages per corpus; semantic layer on "
                        f"{args.semantic_messages:,} chat messages)")
    for column in ("corpus", "pipeline", "messages/s", "ratio to peer", "first pass", "target", "met",
                   "RSS at rest (MB)"):
        table.add_column(column, justify="left" if column in ("corpus", "pipeline") else "right")
    for corpus, kind in ((c, k) for c in ("chat", "tweets") for k in ("childsafe", "semantic", "peer")):
        if kind not in figures[corpus]:
            continue
        figure = figures[corpus][kind]
        rate, target = figure["messages_per_s"], TARGETS.get(kind)
        figure["ratio_to_peer"] = rate / figures[corpus]["peer"]["messages_per_s"]
        table.add_row(corpus, NAMES[kind], f"{rate:,.0f}", f"{figure['ratio_to_peer']:.2f}",
                      f"{figure['first_pass_per_s']:,.0f}", f"{target:,}" if target else "—",
                      ("yes" if rate >= target else "NO") if target else "—", f"{figure['rss_at_rest_mb']:.1f}")
    console.print(table)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"args": vars(args), "figures": figures,
                                   "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, indent=2) + "\n")
    console.print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
