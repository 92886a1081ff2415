"""The closed vocabularies of the helpline dataset: channels, topics and audiences."""

from __future__ import annotations

CHANNELS = ("phone", "sms", "whatsapp", "chat", "web", "email", "app")
# Channels through which a child can actually talk to someone.
REACHABLE_CHANNELS = frozenset({"phone", "sms", "whatsapp", "chat"})
TOPICS = ("general", "abuse", "sexual_abuse", "violence", "online_harm", "bullying", "mental_health", "self_harm",
          "family", "trafficking", "child_labour", "health", "legal", "missing_children")
AUDIENCES = ("children", "young_people", "adults_concerned", "parents")
# Territories that have a well-known user-assigned ISO code but are not in ISO 3166-1 proper.
EXTRA_TERRITORIES = {"XK": "Kosovo"}
