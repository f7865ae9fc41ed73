"""Four eyes over the school's settings (s62 note, s63): a photo is decided afresh with the
school's settings, so an admin who also approves could turn reading text off (a badge's name
then left readable), loosen recognition or the covers, or take the crest picture away after
a colleague marked the photo ready, and approve alone what nobody else saw. Such a change by
the approver after it was marked ready refuses; a change of a section that cannot publish
more, one made before, or by someone else, does not.

On tests/core/conftest.py's workspace with test_pipeline's photo and stand-in face engine."""

from __future__ import annotations

import pytest

from photovet.core.errors import ApprovalError
from tests.conftest import act_as
from tests.core.test_pipeline import make_photo

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _approve(ws, engine, photo, channel="website"):
    a = engine.decide(engine.analyse(photo), channel)
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))


def _change(ws, **sections):
    s = ws.settings.copy()
    s.update(sections)
    assert ws.save_settings(s)          # stored, audited


def _ready(ws, engine, photo, channel="website"):
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(engine.decide(engine.analyse(photo), channel))
    act_as(ws, "Mr Head")


def test_reading_text_turned_off_by_the_approver_after_ready_refuses(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    _ready(ws, engine, photo)
    _change(ws, text={"enabled": False})
    with pytest.raises(ApprovalError, match=r"^Mr Head changed the school's settings \(how "
                                            r"names in photos are read\) at .+, after this "
                                            r"photo was marked ready, so") as e:
        _approve(ws, engine, photo)
    assert "marks it ready again, or another senior leader approves it" in e.value.hint
    sha = engine.analyse(photo).sha256
    assert ws.approvals.get(sha, "website").status == "ready"
    # said before Approve is pressed, in the same words
    said = ws.approvals.four_eyes_refusal(engine.decide(engine.analyse(photo), "website"))
    assert said is not None and said.startswith("Mr Head changed the school's settings")
    act_as(ws, "Mrs Deputy")           # another senior leader
    _approve(ws, engine, photo)
    assert ws.approvals.get(sha, "website").status == "approved"


def test_the_preparer_marking_it_ready_again_lets_them_approve(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    act_as(ws, "Mrs Office")
    _change(ws, text={"enabled": False})   # (the workspace's own, stored by someone else)
    _ready(ws, engine, photo)
    _change(ws, recognition={"max_distance": ws.settings.recognition.max_distance + 0.05},
            cover={"style": "pixelate" if ws.settings.cover.style == "solid" else "solid"})
    with pytest.raises(ApprovalError, match=r"\(how sure recognition must be and how covers "
                                            r"look\)"):
        _approve(ws, engine, photo)
    _ready(ws, engine, photo)
    _approve(ws, engine, photo)


def test_what_cannot_publish_more_or_was_not_theirs_does_not_refuse(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    act_as(ws, "Mr Head")
    _change(ws, text={"enabled": False})                      # before it was ready
    _ready(ws, engine, photo)
    _change(ws, retention={"originals_days": 91})              # cannot publish more
    act_as(ws, "Mrs Deputy")
    _change(ws, text={"enabled": True})                       # someone else's change
    act_as(ws, "Mr Head")
    _approve(ws, engine, photo)


def test_a_crest_picture_taken_away_by_the_approver_after_ready_refuses(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    _ready(ws, engine, photo)
    # (as SchoolPictures.remove records it: the crest is then no longer looked for)
    ws.audit.record("school.picture-remove", {"sha256": "ab" * 32, "kind": "crest"})
    with pytest.raises(ApprovalError, match=r"^Mr Head changed the school's settings \(the "
                                            r"school's crest and logo pictures\) at .+, after"):
        _approve(ws, engine, photo)


def test_a_rule_of_its_channel_loosened_by_the_approver_after_ready_refuses(ws, engine,
                                                                            tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    _ready(ws, engine, photo)
    ws.channels.update("facebook", names="full")       # another channel: not this photo's
    ws.channels.update("website", long_edge=1600)      # its size: nobody more is shown
    _approve(ws, engine, photo)
    _ready(ws, engine, photo)
    loose = "first" if ws.channels.get("website").names != "first" else "full"
    ws.channels.update("website", names=loose, quality=80)
    with pytest.raises(ApprovalError, match=r"^Mr Head changed the school's settings \(the "
                                            r"channel's names rule\) at .+, after this "
                                            r"photo was marked ready"):
        _approve(ws, engine, photo)
