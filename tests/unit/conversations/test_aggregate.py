"""Conversation aggregation: grooming needs child context, flags early, and evidence adds up per author."""

from __future__ import annotations

from childsafe.conversations import aggregate
from childsafe.conversations.aggregate import Hit


def run(messages: list[tuple[str, list[str]]]) -> dict[str, float]:
    state = aggregate.new_state()
    for author, names in messages:
        aggregate.add_message(state, author, [Hit(n, "lexicon") for n in names], 0.0)
    return aggregate.scores(state)[0]


def test_early_grooming_is_flagged_before_any_sexual_talk() -> None:
    labels = run([("a", ["flattery"]), ("b", ["minor_disclosure"]), ("a", ["supervision_question"]),
                  ("a", ["secrecy"]), ("a", ["platform_move"])])
    assert labels["grooming"] >= 0.5 and labels["sexual"] == 0


def test_adults_flirting_is_not_grooming() -> None:
    labels = run([("a", ["flattery"]), ("b", ["sexual_talk"]), ("a", ["meeting"]), ("a", ["image_request"])])
    assert labels["grooming"] < 0.5
    assert labels["sexual"] > 0


def test_the_childs_own_disclosure_does_not_make_the_child_a_groomer() -> None:
    state = aggregate.new_state()
    aggregate.add_message(state, "child", [Hit("minor_disclosure", "lexicon"), Hit("meeting", "lexicon")], 0.0)
    aggregate.add_message(state, "adult", [Hit("age_question", "lexicon")], 0.0)
    assert aggregate.child_context(state, "adult") == 1.0
    assert aggregate.grooming(state, "child")[0] < aggregate.grooming(state, "adult")[0] + 0.2


def test_a_child_swapping_schools_and_snaps_with_a_child_is_a_peer_not_a_groomer() -> None:
    swap = [("a", ["age_question"]), ("b", ["minor_disclosure"]), ("a", ["location_question"]),
            ("a", ["platform_move"]), ("a", ["personal_info_request"])]
    assert run(swap)["grooming"] >= 0.5  # an unknown asker
    peer = run([*swap, ("a", ["minor_disclosure"])])
    assert peer["grooming"] < 0.5 and peer["personal_info"] >= 0.5
    assert run([*swap, ("a", ["minor_disclosure"]), ("a", ["adult_disclosure"])])["grooming"] >= 0.5  # the mask slips
    posing = run([*swap, ("a", ["minor_disclosure"]), ("a", ["secrecy"]), ("a", ["image_request"])])
    assert posing["grooming"] >= 0.5  # a "teen" who asks for secrecy and pictures is still weighed as grooming
    state = aggregate.new_state()  # the message's own score agrees
    for author, names in [*swap, ("a", ["minor_disclosure"])]:
        aggregate.add_message(state, author, [Hit(n, "lexicon") for n in names], 0.0)
    hits = [Hit("age_question", "lexicon")]
    assert aggregate.message_scores(state, "a", hits, 0.0)["grooming"] == round(0.3 * (0.4 + 0.6 * aggregate.PEER), 3)


def test_sexual_talk_aimed_at_a_child_counts_more_than_between_adults() -> None:
    adults = run([("b", ["adult_disclosure"]), ("a", ["sexual_talk"])])["sexual"]
    child = run([("b", ["minor_disclosure"]), ("a", ["sexual_talk"])])["sexual"]
    assert adults < 0.5 <= child
    state = aggregate.new_state()  # the message's own score says the same once the child is known
    aggregate.add_message(state, "b", [Hit("minor_disclosure", "lexicon")], 0.0)
    hits = [Hit("sexual_talk", "lexicon")]
    aggregate.add_message(state, "a", hits, 0.0)
    assert aggregate.message_scores(state, "a", hits, 0.0)["sexual"] == child
    assert aggregate.message_scores(state, "b", hits, 0.0)["sexual"] == adults  # the child's own words: no boost


def test_a_friends_worried_reply_lifts_weak_signs_but_never_flags_alone() -> None:
    counsellor = run([("c", ["concern"]), ("c", ["concern"]), ("c", ["concern"])])["self_harm"]
    checked_in = run([("a", ["concern"]), ("b", ["concern"]), ("c", ["concern"])])["self_harm"]  # all ask after c
    hint = run([("a", ["hopelessness"])])["self_harm"]
    answered = run([("a", ["hopelessness"]), ("b", ["concern"])])["self_harm"]
    assert counsellor == 0.0 and checked_in == 0.0 and hint < 0.5 <= answered
    assert run([("a", ["hopelessness"]), ("b", ["concern"]), ("c", ["concern"])])["self_harm"] == 0.706


def test_self_harm_is_one_persons_signs_not_the_chats() -> None:
    # two friends' single uncertain readings ("i'm just stressed", "nah all good") do not make one person at risk
    assert run([("a", ["distress_language"]), ("b", ["distress_language"])])["self_harm"] == 0.4
    assert run([("a", ["distress_language"]), ("a", ["hopelessness"])])["self_harm"] >= 0.5  # one writer's: they add
    # a writer's own concern is for someone else; another's concern is for them
    assert run([("a", ["hopelessness"]), ("a", ["concern"])])["self_harm"] == 0.4
    state = aggregate.new_state()
    for author, name in (("a", "hopelessness"), ("b", "concern"), ("c", "distress_language")):
        aggregate.add_message(state, author, [Hit(name, "lexicon")], 0.0)
    labels, why = aggregate.scores(state)
    assert labels["self_harm"] == 0.58  # a's sign with b's concern; c's reading stands apart
    assert {(w["signal"], w["author"]) for w in why["self_harm"]} == {("hopelessness", "a"), ("concern", "b")}
    # without authors, every message is one writer's
    assert run([("?", ["distress_language"]), ("?", ["concern"])])["self_harm"] == 0.58


def test_one_signal_repeated_adds_up_to_a_limit() -> None:
    once = run([("a", ["insult"])])["bullying"]
    thrice = run([("a", ["insult"])] * 3)["bullying"]
    many = run([("a", ["insult"])] * 10)["bullying"]
    assert once < thrice == many


def test_explanations_name_signals_and_authors() -> None:
    state = aggregate.new_state()
    aggregate.add_message(state, "x", [Hit("suicidal", "lexicon")], 0.0)
    labels, why = aggregate.scores(state)
    assert labels["self_harm"] == 0.8
    assert why["self_harm"] == [{"signal": "suicidal", "author": "x", "contribution": 0.8}]


def test_state_is_plain_json_without_texts() -> None:
    import json

    state = aggregate.new_state()
    aggregate.add_message(state, "a", [Hit("secrecy", "lexicon", text="our secret")], 0.9)
    dumped = json.dumps(state)
    assert "our secret" not in dumped and json.loads(dumped) == state


def chat_with_gaps(gap: int) -> list[tuple[str, list[str]]]:
    """Grooming stages by one author, `gap` ordinary messages apart, after the other says they are 13."""
    filler = [("b", []), ("a", [])] * (gap // 2)
    return [("b", ["minor_disclosure"]), ("a", ["age_question"]), *filler, ("a", ["meeting"]), *filler,
            ("a", ["secrecy"])]


def test_stages_close_together_add_up_and_stages_far_apart_fade() -> None:
    close, far = run(chat_with_gaps(4)), run(chat_with_gaps(300))
    assert close["grooming"] >= 0.5
    assert far["grooming"] < 0.5  # three stages, each alone in a few hundred messages of ordinary talk
    assert run(chat_with_gaps(aggregate.GRACE // 2 - 2))["grooming"] == close["grooming"]  # all within GRACE


def test_a_conversation_keeps_its_peak_after_the_evidence_fades() -> None:
    messages = [*chat_with_gaps(4), *[("b", []), ("a", [])] * 400]
    state = aggregate.new_state()
    for author, names in messages[:12]:
        aggregate.add_message(state, author, [Hit(n, "lexicon") for n in names], 0.0)
    before = aggregate.scores(state)
    for author, names in messages[12:]:  # a later part of the stream, with no new evidence
        aggregate.add_message(state, author, [Hit(n, "lexicon") for n in names], 0.0)
    assert aggregate.scores(state) == before
    assert aggregate._now(state)[0]["grooming"] < 0.1 < before[0]["grooming"]  # it faded; the peak stays
    assert {e["signal"] for e in aggregate.scores(state)[1]["grooming"]} >= {"meeting", "secrecy"}


def test_hostility_fades_like_any_evidence() -> None:
    state = aggregate.new_state()
    aggregate.add_message(state, "a", [], 0.95)
    alone = aggregate._now(state)[0]["bullying"]
    for _ in range(aggregate.GRACE + 3 * aggregate.HALF_LIFE):
        aggregate.add_message(state, "b", [], 0.0)
    assert aggregate._now(state)[0]["bullying"] < alone / 4
    assert aggregate.scores(state)[0]["bullying"] == alone


def test_an_objection_counts_only_against_someone_elses_hostility() -> None:
    insult = run([("a", ["insult"])])["bullying"]
    assert insult < 0.5
    objected = run([("a", ["insult"]), ("b", ["pushback"])])
    assert objected["bullying"] >= 0.5  # the insult landed: its target objects
    assert run([("b", ["pushback"]), ("a", ["insult"])])["bullying"] == objected["bullying"]  # in either order
    assert run([("b", ["pushback"]), ("c", ["pushback"])])["bullying"] == 0  # objections alone are nothing
    assert run([("a", ["insult"]), ("a", ["pushback"])])["bullying"] == insult  # nor one's own
    assert run([("a", ["insult"]), ("b", ["pushback"]), ("b", ["pushback"])])["bullying"] == objected["bullying"]
    state = aggregate.new_state()
    aggregate.add_message(state, "a", [Hit("insult", "lexicon")], 0.0)
    aggregate.add_message(state, "b", [Hit("pushback", "lexicon")], 0.0)
    assert {"signal": "pushback", "author": "b", "contribution": aggregate.PUSHBACK} in aggregate.scores(state)[1][
        "bullying"]


def test_an_objection_after_a_sexual_advance_counts_for_sexual() -> None:
    advance = run([("a", ["sexual_language"])])["sexual"]
    assert 0 < advance < 0.5  # one uncertain reading alone does not flag
    objected = run([("a", ["sexual_language"]), ("b", ["pushback"])])
    assert objected["sexual"] >= 0.5 and objected["bullying"] == 0  # it landed as unwanted; nobody was hostile
    assert run([("b", ["pushback"]), ("a", ["sexual_language"])])["sexual"] == advance  # a "no" before it is not one
    assert run([("a", ["sexual_language"]), ("a", ["pushback"])])["sexual"] == advance  # nor the advancer's own


def test_a_group_member_who_objects_again_and_again_alone_is_a_target() -> None:
    chat = [("a", ["game_talk"]), ("b", ["game_talk"]), ("c", ["pushback"]), ("a", ["game_talk"]), ("c", ["pushback"])]
    assert run(chat)["bullying"] >= 0.5  # mockery no pattern read, and its target objecting twice
    assert run(chat[:3])["bullying"] < 0.5  # once is not enough
    assert run([("b", ["pushback"]), ("c", ["pushback"]), ("b", ["pushback"]), ("c", ["pushback"]),
                ("a", ["game_talk"])])["bullying"] == 0  # two arguing, each objecting: an argument
    assert run([("a", ["game_talk"]), ("c", ["pushback"]), ("c", ["pushback"])])["bullying"] == 0  # a pair
    assert run([("a", ["sexual_language"]), ("b", ["game_talk"]), ("c", ["pushback"]),
                ("c", ["pushback"])])["bullying"] == 0  # refusing an advance is not being bullied
