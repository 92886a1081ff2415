"""The case life cycle as pure rules: which step may follow which, and the vocabularies analysts use."""

from __future__ import annotations

AGE_BANDS = ("under_13", "13_17", "adult", "unknown")
# ICCAM-style assessment (RESEARCH.md): baseline = illegal everywhere under INTERPOL's criteria.
CLASSIFICATIONS = ("baseline", "national", "not_illegal", "grooming", "sextortion", "cyberbullying", "other_harm")
DESTINATIONS = ("national_hotline", "law_enforcement", "hosting_platform")
STATUSES = ("new", "claimed", "assessed", "forwarded", "removed", "closed")

# step -> statuses it may start from
ALLOWED = {
    "claim": {"new", "claimed"},
    "assess": {"claimed", "assessed"},
    "forward": {"assessed", "forwarded"},
    "removed": {"forwarded"},
    "close": {"assessed", "forwarded", "removed"},
    "reopen": {"closed"},
}


class CaseError(ValueError):
    """A step that does not follow from the case's state."""


def check(step: str, status: str) -> None:
    if status not in ALLOWED[step]:
        raise CaseError(f"a case that is {status} cannot be {step if step != 'removed' else 'marked removed'}")
