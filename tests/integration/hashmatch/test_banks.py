"""Banks through the service and matcher, on SQLite and PostgreSQL: imports, suppression, thresholds, webhooks."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pytest

from childsafe.core import audit
from childsafe.core.audit import CLI_ACTOR
from childsafe.core.clock import FixedClock
from childsafe.core.errors import InvalidInputError
from childsafe.db.engine import Database
from childsafe.hashmatch import service
from childsafe.hashmatch.matcher import Matcher, parse_query_hashes
from childsafe.hashmatch.models import MatchEvent, WebhookDelivery
from childsafe.hashmatch.pdqindex import array_to_hex

RNG = np.random.default_rng(11)
PDQ = [array_to_hex(RNG.integers(0, 256, 32, dtype=np.uint8)) for _ in range(3)]


def near(hex_value: str, bits: int) -> str:
    value = int(hex_value, 16)
    for b in RNG.choice(256, bits, replace=False).tolist():
        value ^= 1 << b
    return f"{value:064x}"


def setup_banks(session, clock: FixedClock) -> None:  # noqa: ANN001
    service.create_bank(session, name="iwf-like", source="test list", licence="test", actor=CLI_ACTOR, clock=clock)
    service.create_bank(session, name="strict", pdq_threshold=10, actor=CLI_ACTOR, clock=clock)
    service.create_bank(session, name="false-positives", kind="allow", actor=CLI_ACTOR, clock=clock)
    text = "signal_type,signal,case\n" + "".join(f"pdq,{h},case-{i}\n" for i, h in enumerate(PDQ)) + \
        "md5,0cc175b9c0f1b6a831c399e269772661,md5-case\nurl,prefix:bad.example/gallery/,gallery\n"
    assert service.import_signals(session, "iwf-like", text, fmt="csv", filename=None, actor=CLI_ACTOR,
                                  clock=clock) == (5, 0)
    service.import_signals(session, "strict", f"pdq {PDQ[0]}\n", fmt="te", filename=None, actor=CLI_ACTOR, clock=clock)
    service.import_signals(session, "false-positives", f"pdq {PDQ[2]}\n", fmt="te", filename=None, actor=CLI_ACTOR,
                           clock=clock)


def test_import_is_one_transaction(database: Database, clock: FixedClock) -> None:
    with database.unit_of_work() as session:
        service.create_bank(session, name="b", actor=CLI_ACTOR, clock=clock)
    bad = "md5,0cc175b9c0f1b6a831c399e269772661\npdq,nothex\n"
    with pytest.raises(InvalidInputError, match="line 2"), database.unit_of_work() as session:
        service.import_signals(session, "b", bad, fmt="csv", filename=None, actor=CLI_ACTOR, clock=clock)
    with database.unit_of_work() as session:
        assert service.list_banks(session)[0][1] == 0
        assert service.import_signals(session, "b", bad.splitlines()[0], fmt="csv", filename=None,
                                      actor=CLI_ACTOR, clock=clock) == (1, 0)
        assert service.import_signals(session, "b", bad.splitlines()[0], fmt="csv", filename=None,
                                      actor=CLI_ACTOR, clock=clock) == (0, 1)
        assert audit.recent(session, 1)[0].action == "hashmatch.bank.import"


def test_matching_rules(database: Database, clock: FixedClock, tmp_path: Path) -> None:
    matcher = Matcher(tmp_path, clock)
    with database.unit_of_work() as session:
        setup_banks(session, clock)
        results = matcher.match(session, parse_query_hashes([
            ("pdq", near(PDQ[0], 20)), ("pdq", near(PDQ[1], 35)), ("pdq", PDQ[2]),
            ("md5", "0CC175B9C0F1B6A831C399E269772661"), ("url", "https://BAD.example:443/gallery/2024/x.jpg"),
            ("url", "https://bad.example/other")]), actor=CLI_ACTOR)
        first, far, allowed, md5, url, other = results
        assert [(m["bank"], m["distance"]) for m in first.matches] == [("iwf-like", 20)]  # strict stops at 10
        assert far.matches == []
        assert allowed.matches == [] and allowed.suppressed_by == ["false-positives"]
        assert md5.matches[0]["metadata"] == {"case": "md5-case"}
        assert url.matches and other.matches == []
        assert session.query(MatchEvent).count() == 3
        service.configure_bank(session, "iwf-like", enabled=False, actor=CLI_ACTOR, clock=clock)
        assert matcher.match(session, parse_query_hashes([("pdq", PDQ[0])]), actor=CLI_ACTOR)[0].matches[0]["bank"] \
            == "strict"


@pytest.mark.parametrize("layout", ["multi-index", "compact"])
def test_index_follows_adds_and_deletes_without_rebuild(database: Database, clock: FixedClock, tmp_path: Path,
                                                        layout: str) -> None:
    matcher = Matcher(tmp_path, clock, layout)
    with database.unit_of_work() as session:
        setup_banks(session, clock)
        assert matcher.reindex(session) == 5
        matcher.refresh(session)
        assert matcher.index.layout_id == (2 if layout == "compact" else 0)
        fresh = array_to_hex(RNG.integers(0, 256, 32, dtype=np.uint8))
        service.import_signals(session, "iwf-like", f"pdq {fresh}\n", fmt="te", filename=None, actor=CLI_ACTOR)
        assert matcher.match(session, parse_query_hashes([("pdq", fresh)]), actor=CLI_ACTOR)[0].matches
        signal_id = matcher.match(session, parse_query_hashes([("pdq", PDQ[1])]), actor=CLI_ACTOR)[0].matches[0][
            "signal_id"]
        service.remove_signal(session, signal_id, actor=CLI_ACTOR, clock=clock)
        assert matcher.match(session, parse_query_hashes([("pdq", PDQ[1])]), actor=CLI_ACTOR)[0].matches == []
        assert matcher.index.delta_size == 1  # the add went to the live delta, not a rebuild


def test_low_quality_pdq_is_not_matched(database: Database, clock: FixedClock, tmp_path: Path) -> None:
    from childsafe.hashmatch.signals import Hashed

    with database.unit_of_work() as session:
        setup_banks(session, clock)
        result = Matcher(tmp_path, clock).match(session, [Hashed("pdq", PDQ[0], 20)], actor=CLI_ACTOR)[0]
        assert result.matches == [] and "below 50" in result.note


def test_webhooks_are_signed_and_retried(database: Database, clock: FixedClock, tmp_path: Path) -> None:
    received: list[httpx.Request] = []
    answers = iter([503, 200])

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(next(answers))

    with database.unit_of_work() as session:
        setup_banks(session, clock)
        hook, secret = service.add_webhook(session, "https://receiver.example/hook", actor=CLI_ACTOR, clock=clock)
        Matcher(tmp_path, clock).match(session, parse_query_hashes([("pdq", PDQ[0])]), actor=CLI_ACTOR)
    client = httpx.Client(transport=httpx.MockTransport(receiver))
    with database.unit_of_work() as session:
        assert service.deliver_pending(session, client, clock.now()) == (0, 1)
        assert service.deliver_pending(session, client, clock.now()) == (0, 0)  # not due yet
        clock.advance(seconds=11)
        assert service.deliver_pending(session, client, clock.now()) == (1, 0)
        assert session.query(WebhookDelivery).one().status == "delivered"
    request = received[-1]
    body = request.content
    stamp = request.headers["x-childsafe-timestamp"]
    assert request.headers["x-childsafe-signature"] == "sha256=" + service.signature(secret, body, stamp)
    event = json.loads(body)
    assert event["event"] == "match" and event["matches"][0]["bank"] in ("iwf-like", "strict")


def test_video_signals_match_re_encoded_copies(database: Database, clock: FixedClock, tmp_path: Path) -> None:
    from childsafe.hashmatch.signals import hash_media
    from childsafe.hashmatch.video import parse_text as video_frames
    from tests.unit.hashmatch.videos import video

    known = next(h for h in hash_media(video(7)) if h.signal_type == "video_pdq")
    with database.unit_of_work() as session:
        service.create_bank(session, name="videos", actor=CLI_ACTOR, clock=clock)
        service.import_signals(session, "videos", f"signal_type,signal\nvideo_pdq,{known.value}\n", fmt="csv",
                               filename=None, actor=CLI_ACTOR, clock=clock)
        matcher = Matcher(tmp_path, clock)
        copy = hash_media(video(7, size=(192, 144)))
        result = next(r for r in matcher.match(session, copy, actor=CLI_ACTOR) if r.signal_type == "video_pdq")
        assert result.matches and result.matches[0]["bank"] == "videos" and result.matches[0]["distance"] <= 20
        other = hash_media(video(8))
        assert not next(r for r in matcher.match(session, other, actor=CLI_ACTOR)
                        if r.signal_type == "video_pdq").matches
        assert service.export_signals(session, "videos", "csv").splitlines()[1] == f"video_pdq,{known.value}"
        # a removed video stops matching at once, and its frames leave the frame index
        frames = matcher._frames.owners.tolist()  # noqa: SLF001
        assert frames == [result.matches[0]["signal_id"]] * len(video_frames(known.value))
        service.remove_signal(session, result.matches[0]["signal_id"], actor=CLI_ACTOR, clock=clock)
        assert not next(r for r in matcher.match(session, copy, actor=CLI_ACTOR)
                        if r.signal_type == "video_pdq").matches
        assert len(matcher._frames.owners) == 0  # noqa: SLF001


def test_an_index_file_of_another_version_falls_back_to_the_database(database: Database, clock: FixedClock,
                                                                      tmp_path: Path) -> None:
    matcher = Matcher(tmp_path, clock)
    with database.unit_of_work() as session:
        setup_banks(session, clock)
        matcher.reindex(session)
        data = bytearray(matcher.path.read_bytes())
        data[7] = 1  # as written by version 1
        matcher.path.write_bytes(bytes(data))
        found = matcher.match(session, parse_query_hashes([("pdq", near(PDQ[1], 12))]), actor=CLI_ACTOR)[0]
        assert [m["distance"] for m in found.matches] == [12]
        assert matcher.index.count == 0 and matcher.index.delta_size == 5  # every signal read from the database
        matcher.reindex(session)
        matcher.match(session, parse_query_hashes([("pdq", PDQ[1])]), actor=CLI_ACTOR)
        assert matcher.index.count == 5
