"""Conversation scoring over HTTP: scopes, explanations, the policy's actions, streaming without texts, bad input."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.conversations.models import ConversationState
from tests.conftest import token_for

GROOMING = [
    {"author": "gamer88", "text": "ur really good at this game, way more mature than ppl my age"},
    {"author": "kid", "text": "lol thanks"},
    {"author": "gamer88", "text": "how old r u btw?"},
    {"author": "kid", "text": "im 12"},
    {"author": "gamer88", "text": "are your parents home right now?"},
    {"author": "gamer88", "text": "dont tell anyone we talk ok, its our secret"},
    {"author": "gamer88", "text": "add me on snap so we can talk private"},
]
FRIENDS = [
    {"author": "a", "text": "that last episode killed me lol"},
    {"author": "b", "text": "i know right, i was dying when he fell off the boat"},
    {"author": "a", "text": "see you at practice tomorrow"},
]


def scorer(client: TestClient, database) -> dict[str, str]:  # noqa: ANN001
    return token_for(client, database, ["analyst"], ["conversations:score"])


def test_scoring_needs_the_scope(client: TestClient, database) -> None:  # noqa: ANN001
    assert client.post("/api/v1/conversations/score", json={"messages": FRIENDS}).status_code == 401
    other = token_for(client, database, ["analyst"], ["hashmatch:match"], username="other")
    assert client.post("/api/v1/conversations/score", json={"messages": FRIENDS}, headers=other).status_code == 403


def test_grooming_is_flagged_early_with_its_evidence(client: TestClient, database) -> None:  # noqa: ANN001
    auth = scorer(client, database)
    body = client.post("/api/v1/conversations/score?lang=es", json={"messages": GROOMING, "country": "ES"},
                       headers=auth).json()
    assert body["labels"]["grooming"] >= 0.5 and body["risk"] == max(body["labels"].values())
    signals = {e["signal"] for e in body["evidence"]}
    assert {"age_question", "supervision_question", "secrecy", "platform_move", "minor_disclosure"} <= signals
    assert all(e["author"] in ("gamer88", "kid") for e in body["evidence"])
    assert {"safety_message", "alert_moderator"} <= {a["action"] for a in body["actions"]}
    assert body["safety_message"] and "trick" not in body["safety_message"]  # Spanish, not English
    assert body["helplines"], "the child's country's helplines come with the safety message"
    assert len(body["message_scores"]) == len(GROOMING)


def test_friends_talking_about_a_show_are_left_alone(client: TestClient, database) -> None:  # noqa: ANN001
    body = client.post("/api/v1/conversations/score", json={"messages": FRIENDS},
                       headers=scorer(client, database)).json()
    assert body["risk"] < 0.5 and body["actions"] == [] and body["safety_message"] is None


def test_streaming_keeps_derived_state_only(client: TestClient, database, clock) -> None:  # noqa: ANN001
    from childsafe.app import BACKGROUND_JOBS
    from childsafe.conversations import jobs

    auth = scorer(client, database)
    first = client.post("/api/v1/conversations/chat-42/messages", json={"messages": GROOMING[:3]}, headers=auth)
    assert first.status_code == 200 and first.json()["messages"] == 3
    second = client.post("/api/v1/conversations/chat-42/messages", json={"messages": GROOMING[3:]}, headers=auth)
    streamed = second.json()
    assert streamed["messages"] == len(GROOMING)
    whole = client.post("/api/v1/conversations/score", json={"messages": GROOMING}, headers=auth).json()
    assert streamed["labels"] == whole["labels"], "a stream scores like the whole conversation"
    with database.unit_of_work() as session:
        row = session.scalar(select(ConversationState))
        stored = json.dumps(row.state) + row.key_digest
    for message in GROOMING:
        assert message["text"] not in stored
    assert "gamer88" not in stored and "chat-42" not in stored
    assert jobs.expire_states in BACKGROUND_JOBS
    clock.advance(days=31)
    with database.unit_of_work() as session:
        from childsafe.conversations import service

        assert service.expire_states(session, clock.now()) == 1


def test_forget_a_conversation(client: TestClient, database) -> None:  # noqa: ANN001
    auth = scorer(client, database)
    client.post("/api/v1/conversations/c1/messages", json={"messages": FRIENDS}, headers=auth)
    assert client.delete("/api/v1/conversations/c1", headers=auth).status_code == 204
    assert client.delete("/api/v1/conversations/c1", headers=auth).status_code == 404


def test_one_callers_stream_is_not_anothers(client: TestClient, database) -> None:  # noqa: ANN001
    first = scorer(client, database)
    client.post("/api/v1/conversations/shared/messages", json={"messages": GROOMING}, headers=first)
    second = token_for(client, database, ["guardian"], ["conversations:score"], username="parent")
    body = client.post("/api/v1/conversations/shared/messages", json={"messages": FRIENDS}, headers=second).json()
    assert body["messages"] == len(FRIENDS)


def test_strong_grooming_opens_a_case_without_the_messages(client: TestClient, database) -> None:  # noqa: ANN001
    from childsafe.reports.models import Report

    auth = scorer(client, database)
    worse = [*GROOMING, {"author": "gamer88", "text": "send me a pic of you in ur bed"},
             {"author": "gamer88", "text": "lets meet up, i can pick you up after school"}]
    body = client.post("/api/v1/conversations/c9/messages", json={"messages": worse}, headers=auth).json()
    assert body["labels"]["grooming"] >= 0.8 and body["case"]
    again = client.post("/api/v1/conversations/c9/messages", json={"messages": worse[-1:]}, headers=auth).json()
    assert again["case"] is None, "one case per conversation"
    with database.unit_of_work() as session:
        reports = session.scalars(select(Report)).all()
        assert len(reports) == 1 and "grooming" in reports[0].description
        assert all(m["text"] not in reports[0].description for m in worse)


def test_bad_input_is_named(client: TestClient, database) -> None:  # noqa: ANN001
    auth = scorer(client, database)
    for body, field in [({"messages": []}, "messages"), ({"messages": [{"author": "x"}]}, "text"),
                        ({"messages": FRIENDS, "language": "xx"}, "language"),
                        ({"messages": FRIENDS, "country": "Spain"}, "country"),
                        ({"messages": [{"text": "x" * 4001}]}, "text")]:
        response = client.post("/api/v1/conversations/score", json=body, headers=auth)
        assert response.status_code == 422, body
        assert field in json.dumps(response.json()["error"]), response.json()


def test_openapi_describes_the_routes(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"conversations-score", "conversations-continue", "conversations-forget"} <= ids


def test_awkward_messages_are_scored_without_a_crash(client: TestClient, database) -> None:  # noqa: ANN001
    auth = scorer(client, database)
    awkward = [{"text": ""}, {"text": "🤫🤫🔥💀"}, {"text": "Привет how old аre you 你好"}, {"text": "\u202e\u200b\x00"},
               {"text": "ok " * 1300}]
    body = client.post("/api/v1/conversations/score", json={"messages": awkward}, headers=auth)
    assert body.status_code == 200, body.text
    assert len(body.json()["message_scores"]) == len(awkward)


def test_huge_and_broken_bodies_are_refused_by_name(client: TestClient, database) -> None:  # noqa: ANN001
    auth = scorer(client, database)
    huge = client.post("/api/v1/conversations/score", content=b"x" * (2 * 1024 * 1024 + 1),
                       headers={**auth, "content-type": "application/json"})
    assert huge.status_code == 413 and huge.json()["error"]["field"] == "body"
    too_many = client.post("/api/v1/conversations/score", json={"messages": [{"text": "hi"}] * 501}, headers=auth)
    assert too_many.status_code == 422 and "messages" in json.dumps(too_many.json())
    broken = client.post("/api/v1/conversations/score", content=b'{"messages": [{"text": "\xff\xfe"}]}',
                         headers={**auth, "content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"]["field"] == "body"
