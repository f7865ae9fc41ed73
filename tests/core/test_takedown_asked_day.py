"""s41 walk: the take-down list's header said the day twice, "Consent withdrawn on 02/12/2026
(requested by Mrs Ellison (mother), by phone, 02/12/2026)". The day the request was made is
said only when it is another day than the withdrawal's."""

from __future__ import annotations

from photovet.core.words import WITHDRAWN, TakedownReason, withdrawn_reason

ASKED = "Mrs Ellison (mother), by phone"


def test_the_day_is_said_once_when_asked_on_the_day_it_was_withdrawn():
    r = TakedownReason(kind=WITHDRAWN, channel="Facebook", day="02/12/2026",
                       asked=f"{ASKED}, 02/12/2026")
    assert r.person_words == f"Consent withdrawn on 02/12/2026 (requested by {ASKED})"
    assert withdrawn_reason("2026-12-02", requested=f"{ASKED}, 02/12/2026") == \
        f"Consent withdrawn on 02/12/2026 (requested by {ASKED})"


def test_another_day_is_still_said():
    r = TakedownReason(kind=WITHDRAWN, channel="Facebook", day="02/12/2026",
                       asked=f"{ASKED}, 28/11/2026")
    assert r.person_words == f"Consent withdrawn on 02/12/2026 (requested by {ASKED}, 28/11/2026)"
    assert withdrawn_reason("2026-12-02", requested=f"{ASKED}, 28/11/2026") == \
        f"Consent withdrawn on 02/12/2026 (requested by {ASKED}, 28/11/2026)"
