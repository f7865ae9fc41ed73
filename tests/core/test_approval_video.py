"""Approval and videos (s61): a senior leader's rejection of a video holds with approval
turned off, as a photo's does (``plan_exports``, ``export_batch``, ``vet_batch``, the last
check before recording); four eyes over a video's track decisions (an account that changed
them after the video was marked ready, other than to cover more, cannot also approve it:
``Approvals._not_a_changer`` reads the ``review.video-*`` audit rows by content and channel,
after the last "marked ready" row for that channel exactly); and a change made after a video's
approval holds its export back until it is approved again.

On tests/core/conftest.py's workspace (test_pipeline's register: no video consent, so Tori's
track is covered by the rules), with test_video_workflow's clip (red square: Tori; blue: a
stranger) and its stand-in face engine."""

from __future__ import annotations

import json

import pytest

from photovet.core.approval import COVERING_DOINGS, LESS_SOUND, REVIEW_DOINGS
from photovet.core.errors import ApprovalError
from photovet.core.pipeline import HELD_NOT_APPROVED, export_batch, plan_exports, vet_batch
from photovet.core.video_review import ROW_ACTIONS
from tests.conftest import act_as, watch_video
from tests.core.test_video_workflow import make_video, tracks_by_colour
from tests.core.test_video_workflow import new_engine as video_engine

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _approval_off(ws):
    off = ws.settings.copy()
    off.approval.required = False
    ws.save_settings(off)


def _export(ws, eng, an, out, **kw):
    out.mkdir(exist_ok=True)
    return [s.result for s in export_batch([an], out, label="Sports day", engine=eng,
                                           channel="website", records=ws.records, workers=1,
                                           **kw) if s.result is not None]


def _rejected_video(ws, tmp_path):
    """Approval off; a clip checked for the website, marked ready by Mrs Office and rejected
    there by Mr Head ("pupil upset"): (engine, clip, its analysis)."""
    _approval_off(ws)
    eng = video_engine(ws)
    clip = make_video(tmp_path / "sports.mp4")
    an = eng.decide(eng.analyse_video(clip), "website")
    assert an.error is None and an.media == "video"
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(an)
    act_as(ws, "Mr Head")
    ws.approvals.reject(an, comment="pupil upset")
    act_as(ws, "Mrs Office")
    return eng, clip, an


def test_with_approval_off_a_rejected_video_is_held_back_like_a_photo(ws, tmp_path):
    eng, clip, an = _rejected_video(ws, tmp_path)
    ready, held = plan_exports([an], eng, eng.channel("website"), rejections=ws.approvals)
    assert ready == []
    assert [(h.analysis.sha256, h.kind, h.why) for h in held] == [
        (an.sha256, HELD_NOT_APPROVED, "not exported: rejected by Mr Head: pupil upset")]
    [res] = _export(ws, eng, an, tmp_path / "out", rejections=ws.approvals)
    assert not res.ok and "rejected by Mr Head: pupil upset" in res.error, res.error
    assert list((tmp_path / "out").iterdir()) == [] and ws.records.exports() == []
    # the command's way: checked and exported in one pass
    out = tmp_path / "out2"
    out.mkdir()
    [res] = [s.result for s in vet_batch([clip], eng, "website", out, label="Sports day",
                                         records=ws.records, rejections=ws.approvals)
             if s.result is not None]
    assert not res.ok and "rejected by Mr Head: pupil upset" in res.error, res.error
    assert list(out.iterdir()) == [] and ws.records.exports() == []
    # rejected for the website only: another channel takes it
    ready, held = plan_exports([eng.decide(an, "facebook")], eng, eng.channel("facebook"),
                               rejections=ws.approvals)
    assert [r[0].sha256 for r in ready] == [an.sha256] and held == []


def test_with_approval_off_a_video_rejected_while_its_copy_is_made_is_not_kept(
        ws, tmp_path, monkeypatch):
    from photovet.core.media.video import export as video_export

    _approval_off(ws)
    eng = video_engine(ws)
    an = eng.decide(eng.analyse_video(make_video(tmp_path / "sports.mp4")), "website")
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(an)
    real = video_export.render

    def rejected_meanwhile(*args, **kwargs):
        act_as(ws, "Mr Head")
        ws.approvals.reject(an, comment="pupil upset")
        act_as(ws, "Mrs Office")
        return real(*args, **kwargs)

    monkeypatch.setattr(video_export, "render", rejected_meanwhile)
    [res] = _export(ws, eng, an, tmp_path / "out", rejections=ws.approvals)
    assert not res.ok and "it was rejected by Mr Head: pupil upset" in res.error, res.error
    assert list((tmp_path / "out").iterdir()) == [] and ws.records.exports() == []


def test_with_approval_off_a_rejection_holds_after_the_video_is_marked_ready_again(
        ws, tmp_path):
    """Marking it ready again (``photovet ready``: the app offers it only with approval on)
    asks for a senior leader's decision afresh; with approval off none is asked, and the
    rejected video was exported as if nobody had said no (s61). It is held back until a
    senior leader approves it, and then exported."""
    eng, _clip, an = _rejected_video(ws, tmp_path)
    ws.approvals.mark_ready(an)
    assert ws.approvals.get(an.sha256, "website").status == "ready"
    ready, held = plan_exports([an], eng, eng.channel("website"), rejections=ws.approvals)
    assert ready == [] and [h.why for h in held] == [
        "not exported: rejected by Mr Head: pupil upset (marked ready again since: a senior "
        "leader approves it before it is exported)"]
    [res] = _export(ws, eng, an, tmp_path / "out", rejections=ws.approvals)
    assert not res.ok and ws.records.exports() == []
    _approve(ws, eng, an, "Ms Other")
    act_as(ws, "Mrs Office")
    [res] = _export(ws, eng, an, tmp_path / "out2", rejections=ws.approvals)
    assert res.ok, res.error
    # approved, then marked ready again: nothing was rejected since
    ws.approvals.mark_ready(an)
    assert ws.approvals.rejection(an.sha256, "website") is None


def test_every_video_review_doing_is_worded_and_only_covering_lets_its_maker_approve():
    """What the video review can do is among the doings the approver's refusal words, and of
    those only covering a track (and the approver's own naming returned) leaves its maker
    free to approve: showing, naming, "not a face", leaving a name readable and undoing all
    count as changing what is published (fail closed); the sound does unless it was silenced
    or removed (``LESS_SOUND``: test_a_sound_silenced_lets_its_maker_approve...)."""
    video = {f"review.video-track-{a}" for a in ROW_ACTIONS} | {"review.video-sound"}
    assert video <= set(REVIEW_DOINGS)
    assert video & COVERING_DOINGS == {"review.video-track-cover"}


def _ready_video(ws, tmp_path):
    """A clip checked for the website, Tori's track covered by hand and marked ready by Mrs
    Office: (engine, its analysis, Tori's track id, the stranger's)."""
    eng = video_engine(ws)
    an = eng.decide(eng.analyse_video(make_video(tmp_path / "sports.mp4")), "website")
    (tori,), (stranger,) = tracks_by_colour(an)
    web = ws.channels.get("website")
    act_as(ws, "Mrs Office")
    ws.video_reviewer().track(an, tori.id, "cover", web)
    an = eng.decide(an, web)
    ws.approvals.mark_ready(an)
    return eng, an, tori.id, stranger.id


def _approve(ws, eng, an, who):
    act_as(ws, who)
    parts = eng.approval_parts(an)
    watch_video(ws, an, parts)
    ws.approvals.approve(an, parts, checks=ws.approvals.required_checks(),
                         now=lambda: eng.approval_now(an))


CHANGES = {
    "show": (lambda r, an, tori, stranger, web: r.track(
        an, stranger, "show", web, reason="a visiting parent who agreed"), "left a face shown"),
    "assign": (lambda r, an, tori, stranger, web: r.track(an, stranger, "assign", web,
                                                          person="B2"), "said who a face is"),
    "undo": (lambda r, an, tori, stranger, web: r.undo_track(an, tori, web),
             "undid a decision about a face or name"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_approver_who_changed_a_videos_tracks_after_it_was_ready_cannot_approve_it(
        ws, tmp_path, change):
    """Four eyes over a video (s60's rule, checked for the video review): Mr Head, who may
    prepare and approve, changes the video's review after Mrs Office marked it ready (a
    track shown, named, its cover undone, the sound changed), and is refused its approval
    in a video's words; the audit row he left is the one the rule reads (by content and
    channel). Another senior leader may approve it; marked ready again by Mrs Office, so
    may he."""
    eng, an, tori, stranger = _ready_video(ws, tmp_path)
    web = ws.channels.get("website")
    act_as(ws, "Mr Head")
    do, words = CHANGES[change]
    do(ws.video_reviewer(), an, tori, stranger, web)
    an = eng.decide(an, web)
    [row] = ws.db.all("SELECT actor, action, details FROM audit_log WHERE action LIKE "
                      "'review.video-%' AND actor = 'Mr Head'")
    assert row[1] not in COVERING_DOINGS
    assert (json.loads(row[2])["sha256"], json.loads(row[2])["channel"]) == \
        (an.sha256, "website")
    with pytest.raises(ApprovalError, match=rf"^Mr Head changed this video after it was marked "
                                            rf"ready \({words} at .*\), so cannot also approve "
                                            "it$") as e:
        _approve(ws, eng, an, "Mr Head")
    assert "marks the video ready again, or another senior leader approves it" in e.value.hint
    assert ws.approvals.get(an.sha256, "website").status == "ready"
    _approve(ws, eng, an, "Ms Other")
    assert ws.approvals.get(an.sha256, "website").approver == "Ms Other"
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(an)
    _approve(ws, eng, an, "Mr Head")
    assert ws.approvals.get(an.sha256, "website").approver == "Mr Head"


def test_an_approver_who_only_covered_a_videos_tracks_may_approve_it(ws, tmp_path):
    eng, an, _tori, stranger = _ready_video(ws, tmp_path)
    web = ws.channels.get("website")
    act_as(ws, "Mr Head")
    ws.video_reviewer().track(an, stranger, "cover", web)
    an = eng.decide(an, web)
    _approve(ws, eng, an, "Mr Head")
    assert ws.approvals.get(an.sha256, "website").status == "approved"


def test_a_change_to_a_video_after_its_approval_holds_its_export_back(ws, tmp_path):
    """An approval signs the video as it was approved: a track shown after it, by its
    preparer, holds the export back until it is approved again (its review is signed)."""
    eng, an, _tori, stranger = _ready_video(ws, tmp_path)
    web = ws.channels.get("website")
    _approve(ws, eng, an, "Mr Head")
    act_as(ws, "Mrs Office")
    ws.video_reviewer().track(an, stranger, "show", web, reason="a visiting parent who agreed")
    an = eng.decide(an, web)
    [res] = _export(ws, eng, an, tmp_path / "out", approvals=ws.approvals)
    assert not res.ok and "the review changed after it was approved (by Mrs Office" in \
        res.error, res.error
    assert ws.records.exports() == []
    _approve(ws, eng, an, "Mr Head")
    act_as(ws, "Mrs Office")
    [res] = _export(ws, eng, an, tmp_path / "out2", approvals=ws.approvals)
    assert res.ok and res.approver == "Mr Head", res.error


def test_the_marked_ready_row_is_read_for_its_own_channel_not_one_named_alike(
        ws, engine, tmp_path):
    """The rule reads the changes made after the photo's last "marked ready" row for its
    channel, that channel exactly: a channel's id has '_' in it, which SQL's LIKE reads as
    any one character, so "year_6_blog" took "year66_blog" marked ready later for its own,
    and Mr Head's change between the two was not read: he approved alone a face he showed."""
    from tests.core.test_pipeline import make_photo

    y6, y66 = ws.channels.add("Year 6 blog"), ws.channels.add("Year66 blog")
    assert (y6.id, y66.id) == ("year_6_blog", "year66_blog")
    photo = make_photo(tmp_path / "trip.jpg")
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(engine.decide(engine.analyse(photo), y6))
    act_as(ws, "Mr Head")
    ws.reviewer().face(engine.decide(engine.analyse(photo), y6), 1, "show", y6,
                       reason="a visiting parent who agreed")
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(engine.decide(engine.analyse(photo), y66))
    act_as(ws, "Mr Head")
    a = engine.decide(engine.analyse(photo), y6)
    assert a.faces[1].decision == "show"
    with pytest.raises(ApprovalError, match=r"^Mr Head changed this photo after it was marked "
                                            r"ready \(left a face shown at "):
        ws.approvals.approve(a, engine.approval_parts(a),
                             checks=ws.approvals.required_checks(),
                             now=lambda: engine.approval_now(a))
    assert ws.approvals.get(a.sha256, y6.id).status == "ready"


@pytest.mark.parametrize("less", sorted(LESS_SOUND))
def test_a_sound_silenced_lets_its_maker_approve_and_one_given_back_does_not(
        ws, tmp_path, less):
    """s62: silencing or removing a video's sound publishes less, as covering a track does:
    the approver who did it after the video was marked ready may still approve it (it
    refused them, as a change). Giving the sound back to the channel's rule may publish it,
    so the approver who did that cannot approve alone."""
    eng, an, _tori, _stranger = _ready_video(ws, tmp_path)
    web = ws.channels.get("website")
    act_as(ws, "Mr Head")
    ws.video_reviewer().sound(an, less, web)
    an = eng.decide(an, web)
    _approve(ws, eng, an, "Mr Head")
    assert ws.approvals.get(an.sha256, "website").approver == "Mr Head"
    # the sound given back to the rule, after it is marked ready again
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(an)
    act_as(ws, "Mr Head")
    ws.video_reviewer().sound(an, None, web)
    an = eng.decide(an, web)
    with pytest.raises(ApprovalError, match=r"^Mr Head changed this video after it was marked "
                                            r"ready \(changed what happens to the sound at "):
        _approve(ws, eng, an, "Mr Head")
