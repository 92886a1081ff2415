"""Policies, evaluation arithmetic and the trained classifier's round trip."""

from __future__ import annotations

import io

import pytest

from childsafe.conversations import classifier, evaluate, policy


def test_policy_picks_each_action_once_with_the_strongest_label() -> None:
    rules = policy.parse("""
[[rule]]
label = "bullying"
at = 0.5
actions = ["safety_message"]
[[rule]]
label = "self_harm"
at = 0.5
actions = ["safety_message", "alert_moderator"]
""")
    decisions = policy.decide({"bullying": 0.6, "self_harm": 0.9, "grooming": 0.1}, rules)
    assert [(d.action, d.label) for d in decisions] == [("safety_message", "self_harm"),
                                                         ("alert_moderator", "self_harm")]
    assert policy.decide({"bullying": 0.4}, rules) == []


def test_bundled_policy_loads_and_every_label_has_a_safety_message() -> None:
    assert policy.load()
    assert set(policy.SAFETY_MESSAGES) == set(policy.HELP_TOPIC)


@pytest.mark.parametrize(("text", "problem"), [
    ('[[rule]]\nlabel = "x"\nat = 0.5\nactions = ["log"]', "label"),
    ('[[rule]]\nlabel = "sexual"\nat = 2\nactions = ["log"]', "at"),
    ('[[rule]]\nlabel = "sexual"\nat = 0.5\nactions = ["explode"]', "actions"),
])
def test_bad_policies(text: str, problem: str) -> None:
    with pytest.raises(policy.PolicyError, match=problem):
        policy.parse(text)


def test_metrics_and_f_half() -> None:
    gold = [{"grooming": 1, "sexual": 0, "bullying": 0, "self_harm": 0, "personal_info": 0}] * 4 + \
           [{"grooming": 0, "sexual": 0, "bullying": 0, "self_harm": 0, "personal_info": 0}] * 4
    scores = [0.9, 0.9, 0.9, 0.1, 0.9, 0.1, 0.1, 0.1]
    figures = {m.label: m for m in evaluate.metrics(
        [(g, {**dict.fromkeys(g, 0.0), "grooming": s}) for g, s in zip(gold, scores, strict=True)])}
    grooming = figures["grooming"]
    assert (grooming.precision, grooming.recall) == (0.75, 0.75) and grooming.beta == 0.5
    assert grooming.f == pytest.approx(0.75)
    assert figures["sexual"].f == 0.0


def test_read_jsonl_names_the_bad_line() -> None:
    with pytest.raises(evaluate.EvaluationError, match="line 2"):
        list(evaluate.read_jsonl(['{"messages": []}', "{oops"], labelled=False))
    with pytest.raises(evaluate.EvaluationError, match="labels"):
        list(evaluate.read_jsonl(['{"messages": [], "labels": {"grooming": 1}}'], labelled=True))


def test_train_save_load_round_trip(tmp_path) -> None:  # noqa: ANN001
    texts = [["you", "are", "a", "loser"], ["you", "idiot"], ["nice", "game"], ["see", "you", "later"]] * 20
    labels = [1, 1, 0, 0] * 20
    model = classifier.train(texts, labels, "bullying", dim_bits=12)
    model.save(tmp_path / "bullying.npz")
    loaded = classifier.LinearModel.load(tmp_path / "bullying.npz")
    assert loaded.label == "bullying" and loaded.meta["examples"] == 80
    assert loaded.probability(["you", "loser"]) > 0.5 > loaded.probability(["nice", "game"])
    assert classifier.bundled("bullying", str(tmp_path)).meta["examples"] == 80


def test_a_reader_gives_each_models_exact_logit_for_many_messages_at_once() -> None:
    texts = [["you", "are", "a", "loser"], ["you", "idiot"], ["nice", "game"], ["see", "you", "later"]] * 20
    small = classifier.train(texts, [1, 1, 0, 0] * 20, "bullying", dim_bits=12)
    other = classifier.train(texts, [0, 1, 1, 0] * 20, "sexual", dim_bits=12)
    wide = classifier.train(texts, [1, 0, 0, 1] * 20, "self_harm", dim_bits=14)  # another size: its own features
    messages = [["you", "loser"], [], ["nice", "game", "you", "idiot"], ["never", "seen", "words"], ["see"]]
    rows = classifier.Reader([small, wide, other]).logits(messages)
    assert rows[1] is None  # no tokens: no model reads it
    for tokens, row in zip(messages, rows, strict=True):
        if tokens:  # the very probability each model gives alone, to the last bit
            assert [classifier.logistic(z) for z in row] == [m.probability(tokens) for m in (small, wide, other)]
    assert classifier.Reader([small]).logits([[], []]) == [None, None]


def test_training_csv_rows_may_name_their_language() -> None:
    texts, labels, languages = classifier.read_training_csv(
        io.StringIO("text,language,self_harm\nje veux mourir,fr,1\nhello,,0\n"), "self_harm")
    assert texts == ["je veux mourir", "hello"] and labels == [1, 0] and languages == ["fr", None]
    assert classifier.read_training_csv(io.StringIO("text,bullying\nhi,0\n"), "bullying")[2] == [None]


def test_training_csv_errors_name_the_row() -> None:
    with pytest.raises(ValueError, match="row 3"):
        classifier.read_training_csv(io.StringIO("text,bullying\nhi,0\nyo,maybe\n"), "bullying")
    with pytest.raises(ValueError, match="text"):
        classifier.read_training_csv(io.StringIO("message,label\nhi,0\n"), "bullying")
    with pytest.raises(ValueError, match="both classes"):
        classifier.train([["a"]], [1], "bullying")
