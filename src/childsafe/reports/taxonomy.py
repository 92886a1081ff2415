"""The helpline contact taxonomy, versioned: categories and subcategories shaped like Child Helpline
International's data framework (as summarised in docs/RESEARCH: missing children, violence, mental health, ...),
in our own words. Codes are stable; a change of meaning gets a new VERSION so yearly figures stay comparable."""

from __future__ import annotations

VERSION = "2026.1"


def N_(message: str) -> str:  # noqa: N802  (marks a label for translation)
    return message


CATEGORIES: dict[str, tuple[str, dict[str, str]]] = {
    "missing": (N_("Missing children"), {"runaway": N_("Ran away"), "abducted": N_("Abducted"),
                                         "lost": N_("Lost"), "other": N_("Other or unspecified")}),
    "violence": (N_("Violence"), {
        "bullying": N_("Bullying"), "cyberbullying": N_("Cyberbullying"), "child_labour": N_("Child labour"),
        "fgm": N_("Female genital mutilation"), "neglect": N_("Neglect"),
        "online_sexual": N_("Online sexual abuse or exploitation"), "grooming": N_("Grooming"),
        "sextortion": N_("Sextortion"), "physical": N_("Physical violence"),
        "psychological": N_("Psychological violence"), "sexual": N_("Sexual violence"),
        "trafficking": N_("Trafficking"), "other": N_("Other or unspecified")}),
    "mental_health": (N_("Mental health"), {
        "self_harm": N_("Self-harm"), "suicidal": N_("Suicidal thoughts"), "eating": N_("Eating difficulties"),
        "anxiety": N_("Fear or anxiety"), "sadness": N_("Sadness or depression"), "other": N_("Other or unspecified")}),
    "physical_health": (N_("Physical health"), {"illness": N_("Illness"), "sexual_health": N_("Sexual health"),
                                                 "other": N_("Other or unspecified")}),
    "services": (N_("Access to services"), {"information": N_("Information"), "legal": N_("Legal help"),
                                            "other": N_("Other or unspecified")}),
    "discrimination": (N_("Discrimination and exclusion"), {"other": N_("Other or unspecified")}),
    "family": (N_("Family relationships"), {"conflict": N_("Conflict at home"),
                                            "separation": N_("Parents separating"),
                                            "other": N_("Other or unspecified")}),
    "peers": (N_("Peer relationships"), {"friends": N_("Friendships"), "partner": N_("Relationships"),
                                         "other": N_("Other or unspecified")}),
    "education": (N_("Education and occupation"), {"school": N_("School"), "work": N_("Work"),
                                                   "other": N_("Other or unspecified")}),
    "sexuality": (N_("Sexuality"), {"identity": N_("Sexual orientation or identity"),
                                    "other": N_("Other or unspecified")}),
}
CHANNELS = ("phone", "sms", "chat", "whatsapp", "email", "in_person", "other")
CALLERS = ("child", "adult_about_child", "other")
AGE_BANDS = ("under_9", "9_12", "13_15", "16_17", "18_plus", "unknown")
GENDERS = ("girl", "boy", "non_binary", "unknown")
ACTIONS = ("listened", "information", "counselling", "referral", "emergency")
REFERRALS = ("police", "social_services", "health", "school", "hotline", "legal", "other")


def codes() -> list[str]:
    return [f"{c}/{s}" for c, (_, subs) in CATEGORIES.items() for s in subs]
