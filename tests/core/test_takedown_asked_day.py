"""s41 walk: the take-down list's header said the day twice, "Consent withdrawn on 02/12/2026
(requested by Mrs Ellison (mother), by phone, 02/12/2026)". The day the request was made is
said only when it is another day than the withdrawal's."""

from __future__ import annotations

import pytest

from photovet.core.words import WITHDRAWN, TakedownReason, withdrawn_reason

ASKED = "Mrs Ellison (mother), by phone"


@pytest.mark.parametrize("asked_on, words", [
    ("02/12/2026", f"Consent withdrawn on 02/12/2026 (requested by {ASKED})"),
    ("28/11/2026", f"Consent withdrawn on 02/12/2026 (requested by {ASKED}, 28/11/2026)"),
], ids=["asked on the day it was withdrawn: said once", "asked another day: said"])
def test_the_day_of_the_request_is_said_only_when_it_is_another_day(asked_on, words):
    asked = f"{ASKED}, {asked_on}"
    r = TakedownReason(kind=WITHDRAWN, channel="Facebook", day="02/12/2026", asked=asked)
    assert r.person_words == words
    assert withdrawn_reason("2026-12-02", requested=asked) == words
