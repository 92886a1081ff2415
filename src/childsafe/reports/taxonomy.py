"""The helpline contact taxonomy, versioned: categories and subcategories shaped like Child Helpline
International's data framework (as summarised in docs/RESEARCH: missing children, violence, mental health, ...),
in our own words. Codes are stable; a change of meaning gets a new VERSION so yearly figures stay comparable."""

from __future__ import annotations

from childsafe.core.i18n import N_

VERSION = "2026.1"

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
CHANNELS: dict[str, str] = {
    "phone": N_("Phone"), "sms": N_("Text message (SMS)"), "chat": N_("Web chat"), "whatsapp": N_("WhatsApp"),
    "email": N_("Email"), "in_person": N_("In person"), "other": N_("Other channel")}
CALLERS: dict[str, str] = {"child": N_("A child or young person"),
                           "adult_about_child": N_("An adult about a child"), "other": N_("Someone else")}
AGE_BANDS: dict[str, str] = {"under_9": N_("Under 9"), "9_12": N_("9 to 12"), "13_15": N_("13 to 15"),
                             "16_17": N_("16 and 17"), "18_plus": N_("18 or older"), "unknown": N_("Not known")}
GENDERS: dict[str, str] = {"girl": N_("Girl"), "boy": N_("Boy"), "non_binary": N_("Non-binary"),
                           "unknown": N_("Not known")}
ACTIONS: dict[str, str] = {"listened": N_("Listened and supported"), "information": N_("Gave information"),
                           "counselling": N_("Counselling"), "referral": N_("Referred elsewhere"),
                           "emergency": N_("Emergency intervention")}
REFERRALS: dict[str, str] = {"police": N_("Police"), "social_services": N_("Social services"),
                             "health": N_("Health services"), "school": N_("School"),
                             "hotline": N_("Internet hotline"), "legal": N_("Legal services"),
                             "other": N_("Other service")}


def codes() -> list[str]:
    return [f"{c}/{s}" for c, (_, subs) in CATEGORIES.items() for s in subs]
