"""Four eyes over the register (s62): a senior leader who, by hand after a photo was marked
ready, gave someone in it what lets them be shown (consent for that channel and media, off
the do-not-photograph list, their leaving date cleared) cannot also approve it. The photo is
decided afresh from the register, so before this the approver could type a Yes for a pupil
the preparer saw covered, and approve the pupil shown alone.

On tests/core/conftest.py's workspace (test_pipeline's register: Tori has website consent and
not Facebook; Rory is on the do-not-photograph list) with test_pipeline's photo and stand-in
face engine (face 0 is recognised as Tori)."""

from __future__ import annotations

import datetime as _dt

import pytest

from photovet.core.approval import _register_gave
from photovet.core.errors import ApprovalError
from tests.conftest import act_as
from tests.core.test_pipeline import make_photo

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _approve(ws, engine, photo, channel):
    engine.reload_register()    # as the app does after a change to the register
    a = engine.decide(engine.analyse(photo), channel)
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    return a


def _tori_shown(engine, photo, channel):
    engine.reload_register()
    a = engine.decide(engine.analyse(photo), channel)
    return {f.person: f.decision for f in a.faces if f.person}.get("A1")


def test_an_approver_who_gave_consent_after_ready_cannot_approve_alone(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    assert _tori_shown(engine, photo, "facebook") == "cover"   # no Facebook consent
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(engine.decide(engine.analyse(photo), "facebook"))
    act_as(ws, "Mr Head")
    ws.register.set_consent("A1", "facebook", "yes")
    assert _tori_shown(engine, photo, "facebook") == "show"
    with pytest.raises(ApprovalError, match=r"^Mr Head gave consent \(photos\) for someone in "
                                            r"this photo at .+, after it was marked ready, "
                                            r"so cannot") as e:
        _approve(ws, engine, photo, "facebook")
    assert "marks it ready again, or another senior leader approves it" in e.value.hint
    assert ws.approvals.get(engine.analyse(photo).sha256, "facebook").status == "ready"
    # another senior leader may approve it
    act_as(ws, "Mrs Deputy")
    _approve(ws, engine, photo, "facebook")
    assert ws.approvals.get(engine.analyse(photo).sha256, "facebook").status == "approved"


def test_the_preparer_marking_it_ready_again_lets_the_giver_approve(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(engine.decide(engine.analyse(photo), "facebook"))
    act_as(ws, "Mr Head")
    ws.register.set_consent("A1", "facebook", "yes")
    with pytest.raises(ApprovalError):
        _approve(ws, engine, photo, "facebook")
    act_as(ws, "Mrs Office")   # she looks at it with Tori shown, and marks it ready again
    assert _tori_shown(engine, photo, "facebook") == "show"
    ws.approvals.mark_ready(engine.decide(engine.analyse(photo), "facebook"))
    act_as(ws, "Mr Head")
    _approve(ws, engine, photo, "facebook")


def test_what_does_not_give_here_does_not_refuse(ws, engine, tmp_path):
    """Consent for another channel or for video, a withdrawal, a consent given before the
    photo was marked ready, or given by someone else, and one for someone not in the photo:
    the approver who entered it approves as ever."""
    photo = make_photo(tmp_path / "trip.jpg")
    act_as(ws, "Mr Head")
    ws.register.set_consent("A1", "facebook", "yes")           # before it was marked ready
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(engine.decide(engine.analyse(photo), "facebook"))
    act_as(ws, "Mr Head")
    ws.register.set_consent("A1", "facebook", "yes", media="video")   # the other media
    ws.register.set_consent("A1", "website", "no")                  # a withdrawal elsewhere
    ws.register.set_consent("B2", "name_with_photo", "yes")         # not in the photo
    act_as(ws, "Mrs Office")
    ws.register.set_consent("A1", "name_with_photo", "yes")         # someone else gave it
    act_as(ws, "Mr Head")
    _approve(ws, engine, photo, "facebook")


def test_a_leaving_date_cleared_by_the_approver_refuses(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    act_as(ws, "Mrs Office")
    ws.register.set_leaving_date("A1", _dt.date.today() + _dt.timedelta(days=30))
    ws.approvals.mark_ready(engine.decide(engine.analyse(photo), "website"))
    act_as(ws, "Mr Head")
    ws.register.set_leaving_date("A1", None)
    with pytest.raises(ApprovalError, match=r"^Mr Head cleared their leaving date for someone"):
        _approve(ws, engine, photo, "website")


@pytest.mark.parametrize("action, said, channel, media, words", [
    ("register.consent-edit", {"field": "facebook", "media": "photo", "old": "no",
                               "new": "yes"}, "facebook", "photo", "gave consent (photos)"),
    ("register.consent-edit", {"field": "facebook", "media": "video", "old": None,
                               "new": "yes"}, "facebook", "video", "gave consent (videos)"),
    ("register.consent-edit", {"field": "facebook", "media": "video", "old": "no",
                               "new": "yes"}, "facebook", "photo", ""),
    ("register.consent-edit", {"field": "website", "media": "photo", "old": "no",
                               "new": "yes"}, "facebook", "photo", ""),
    # a channel named alike is another channel
    ("register.consent-edit", {"field": "year66_blog", "media": "photo", "old": "no",
                               "new": "yes"}, "year_6_blog", "photo", ""),
    ("register.consent-edit", {"field": "facebook", "media": "photo", "old": "yes",
                               "new": "no"}, "facebook", "photo", ""),
    ("register.consent-edit", {"field": "facebook", "media": "photo", "old": "yes",
                               "new": "yes"}, "facebook", "photo", ""),
    ("register.consent-edit", {"field": "name_with_photo", "media": "any", "old": "no",
                               "new": "yes"}, "website", "photo",
     "said their name may go with their photo"),
    ("register.do-not-photograph", {"field": "do_not_photograph", "old": "yes", "new": "no"},
     "website", "video", "took them off the do-not-photograph list"),
    ("register.do-not-photograph", {"field": "do_not_photograph", "old": "no", "new": "yes"},
     "website", "photo", ""),
    ("register.back", {"leaving_date": "2026-07-20"}, "website", "photo",
     "cleared their leaving date (they are back)"),
    ("register.leaving-date", {"old": "2026-07-20", "new": None}, "website", "photo",
     "cleared their leaving date"),
    ("register.leaving-date", {"old": "2026-07-20", "new": "2026-08-31"}, "website", "photo",
     "put their leaving date later"),
    ("register.leaving-date", {"old": "2026-07-20", "new": "2026-07-01"}, "website", "photo",
     ""),
    ("register.leaving-date", {"old": None, "new": "2026-07-01"}, "website", "photo", ""),
])
def test_what_a_register_change_gave(action, said, channel, media, words):
    assert _register_gave(action, said, channel, media) == words


def test_the_app_is_told_before_approve_is_pressed(ws, engine, tmp_path):
    """``four_eyes_refusal``: the refusal approving would meet, for the app to say first
    (Approve off); None for another senior leader, a photo not waiting, or nobody signed in
    who may approve."""
    photo = make_photo(tmp_path / "trip.jpg")
    engine.reload_register()
    draft = engine.decide(engine.analyse(photo), "facebook")
    act_as(ws, "Mr Head")
    assert ws.approvals.four_eyes_refusal(draft) is None          # not marked ready
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(draft)
    assert ws.approvals.four_eyes_refusal(draft) == (
        "Mrs Office prepared this photo, so cannot also approve it. A different senior "
        "leader must approve it (or, in a one-person office, an admin turns off approval in "
        "Settings).")
    act_as(ws, "Mr Head")
    assert ws.approvals.four_eyes_refusal(draft) is None
    ws.register.set_consent("A1", "facebook", "yes")
    engine.reload_register()
    a = engine.decide(engine.analyse(photo), "facebook")
    said = ws.approvals.four_eyes_refusal(a)
    assert said.startswith("Mr Head gave consent (photos) for someone in this photo at ") \
        and said.endswith(", after it was marked ready, so cannot also approve it. Its "
                          "preparer looks at the photo again and marks it ready again, or "
                          "another senior leader approves it."), said
    act_as(ws, "Mrs Deputy")
    assert ws.approvals.four_eyes_refusal(a) is None
