"""Policies map scores to actions: log, show the child a safety message with helplines, alert a moderator or
guardian, open a case. Rules are data (data/policy.toml, or a deployment's own file)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from childsafe.conversations.signals import LABELS
from childsafe.core.i18n import N_

ACTIONS = ("log", "safety_message", "alert_moderator", "alert_guardian", "open_case")
# Which helpline topic a safety message asks for (helplines' own vocabulary).
HELP_TOPIC = {"grooming": "online_harm", "sexual": "sexual_abuse", "bullying": "bullying",
              "self_harm": "self_harm", "personal_info": "online_harm"}


# What a child sees: short, calm, never blaming, always with a way to get help.
SAFETY_MESSAGES = {
    "grooming": N_("This chat has signs that someone may be trying to trick you. You have done nothing wrong. "
                   "You do not have to answer, send pictures or meet. Talk to an adult you trust or a helpline."),
    "sexual": N_("This chat has sexual messages. You never have to send pictures or do anything that feels "
                 "wrong. If someone is pressuring you, you can block them and get help."),
    "bullying": N_("These messages look like bullying. It is not your fault. Keep the messages, block the "
                   "person if you want, and talk to someone you trust or a helpline."),
    "self_harm": N_("It sounds like things are really hard right now. You are not alone and you deserve help. "
                    "Please talk to a helpline or someone you trust today."),
    "personal_info": N_("Think before you share your number, address, school or location. Someone you only know "
                        "online may not be who they say they are."),
}


class PolicyError(ValueError):
    """A policy file that cannot be used."""


@dataclass(frozen=True)
class Rule:
    label: str
    at: float
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    action: str
    label: str
    score: float


def parse(text: str) -> list[Rule]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"the policy is not valid TOML: {exc}") from None
    rules = []
    for n, raw in enumerate(data.get("rule", []), 1):
        label, at, actions = raw.get("label"), raw.get("at"), raw.get("actions")
        if label not in LABELS:
            raise PolicyError(f"rule {n}: label must be one of {', '.join(LABELS)}")
        if not isinstance(at, int | float) or not 0 < at <= 1:
            raise PolicyError(f"rule {n}: 'at' must be a score above 0 and at most 1")
        if not isinstance(actions, list) or not actions or any(a not in ACTIONS for a in actions):
            raise PolicyError(f"rule {n}: actions are a list from {', '.join(ACTIONS)}")
        rules.append(Rule(label, float(at), tuple(actions)))
    return rules


def load(path: str | None = None) -> list[Rule]:
    if path:
        return parse(Path(path).read_text("utf-8"))
    return parse(resources.files("childsafe.conversations").joinpath("data/policy.toml").read_text("utf-8"))


def decide(labels: dict[str, float], rules: list[Rule]) -> list[Decision]:
    """Every action some rule asks for, once, with the label that asked for it most strongly."""
    chosen: dict[str, Decision] = {}
    for rule in rules:
        score = labels.get(rule.label, 0.0)
        if score >= rule.at:
            for action in rule.actions:
                if action not in chosen or score > chosen[action].score:
                    chosen[action] = Decision(action, rule.label, score)
    return [chosen[a] for a in ACTIONS if a in chosen]
