"""Pure parts of reporting: the anti-abuse tokens and puzzle, and the case life cycle."""

import pytest

from childsafe.core import antiabuse
from childsafe.reports.case import CaseError, check

SECRET = "s3cret"


def test_form_token_needs_time_and_expires() -> None:
    token = antiabuse.form_token(SECRET, now=1000)
    assert antiabuse.form_token_problem(SECRET, token, now=1001) == "the form was sent too quickly"
    assert antiabuse.form_token_problem(SECRET, token, now=1010) is None
    assert antiabuse.form_token_problem(SECRET, token, now=1000 + 3 * 3600) == "the form has expired"
    assert antiabuse.form_token_problem("other", token, now=1010) == "the form is not one this site made"
    assert antiabuse.form_token_problem(SECRET, "garbage", now=1010) == "the form is not one this site made"


def test_proof_of_work() -> None:
    token = antiabuse.challenge(SECRET)
    nonce = antiabuse.solve(token, bits=12)
    assert antiabuse.solved(SECRET, token, nonce, bits=12)
    assert not antiabuse.solved(SECRET, token, str(int(nonce) + 1), bits=24)
    assert not antiabuse.solved("other", token, nonce, bits=12)


@pytest.mark.parametrize("step, status, ok", [
    ("claim", "new", True), ("assess", "new", False), ("assess", "claimed", True), ("forward", "claimed", False),
    ("forward", "assessed", True), ("removed", "assessed", False), ("removed", "forwarded", True),
    ("close", "new", False), ("close", "removed", True), ("assess", "closed", False), ("reopen", "closed", True),
])
def test_case_steps(step: str, status: str, ok: bool) -> None:
    if ok:
        check(step, status)
    else:
        with pytest.raises(CaseError):
            check(step, status)
