"""A video is approved only by an approver who has seen all of its picture (the GUI audit,
item 8: the Hamilton clip, 20 faces in 9 s, was approved from its first frame). The player
reports the moments it had on screen; the core keeps the stretches and decides
(``policy.watch_refusal``; ``approval.VideoViews``). Photos need none of this."""

from __future__ import annotations

import pytest

from photovet.core import policy
from photovet.core.errors import ApprovalError
from tests.conftest import act_as
from tests.core.test_video_workflow import (
    TODAY,
    enrolled_workspace,
    make_video,
    new_engine,
    tracks_by_colour,
)

pytestmark = pytest.mark.engines


@pytest.fixture
def ws_enrolled(tmp_path):
    w = enrolled_workspace(tmp_path)
    yield w
    w.close()


# -- the rule (policy.py) ------------------------------------------------------------------------

def test_nothing_seen_is_not_seen_even_for_a_short_clip():
    assert policy.watch_refusal(0.6, []) is not None
    assert policy.watch_refusal(0.6, [(0.0, 0.0)]) is None


def test_a_clip_played_at_any_speed_or_stepped_a_second_at_a_time_is_seen():
    duration = 9.2
    played = policy.seen_spans([], [i * 0.0667 for i in range(138)], duration=duration)
    assert played == [(0.0, pytest.approx(9.138, abs=0.01))]
    assert policy.watch_refusal(duration, played) is None
    stepped = policy.seen_spans([], [float(s) for s in range(10)], duration=duration)
    assert policy.watch_refusal(duration, stepped) is None


def test_what_is_left_is_said_in_seconds_and_where():
    duration = 9.2
    half = policy.seen_spans([], [i * 0.1 for i in range(41)], duration=duration)
    why = policy.watch_refusal(duration, half)
    assert why == ("Play the clip to the end (or step through it) before approving: 4 s of 9 s "
                   "seen; not seen yet from 0:04.0 to the end")
    # a quick drag that skipped the middle: the stretch skipped is said, the rest counts
    skipped = policy.seen_spans(half, [6.5 + i * 0.2 for i in range(14)], duration=duration)
    why = policy.watch_refusal(duration, skipped)
    assert "not seen yet from 0:04.0 to 0:06.5" in why and "6 s of 9 s" in why
    # moments seen in any order and in several sittings join up
    again = policy.seen_spans(skipped, [4.5, 5.4, 6.2], duration=duration)
    assert policy.watch_refusal(duration, again) is None


# -- the store and the approval (approval.py) --------------------------------------------------

def _ready(ws, tmp_path, seconds=3.0):
    clip = make_video(tmp_path / "play.mp4", seconds=seconds)
    fb = ws.channels.get("facebook")
    eng = new_engine(ws)
    an = eng.decide(eng.analyse_video(clip), fb, on=TODAY)
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(an, batch="Play")
    act_as(ws, "Mr Head")
    return an, eng, fb


def test_a_video_cannot_be_approved_from_its_first_frame(ws_enrolled, tmp_path):
    an, eng, _fb = _ready(ws_enrolled, tmp_path)
    parts = eng.approval_parts(an)
    checks = ws_enrolled.approvals.required_checks()
    with pytest.raises(ApprovalError) as e:
        ws_enrolled.approvals.approve(an, parts, checks=checks, now=lambda: eng.approval_now(an))
    assert e.value.message.startswith("Play the clip to the end (or step through it)")
    assert "0 s of 3 s seen" in e.value.message
    # the first frame and a second of it: still not enough, and what is left is said
    left = ws_enrolled.approvals.views.seen(an, parts, [0.0, 0.5, 1.0])
    assert "1 s of 3 s seen" in left and "from 0:01.0 to the end" in left
    with pytest.raises(ApprovalError):
        ws_enrolled.approvals.approve(an, parts, checks=checks, now=lambda: eng.approval_now(an))
    assert ws_enrolled.approvals.status(an.sha256, an.channel) == "ready"
    # the rest, later (kept in the register: another sitting, another Workspace object)
    assert ws_enrolled.approvals.views.seen(an, parts, [1.5, 2.0, 2.5, 2.95]) is None
    ws_enrolled.approvals.approve(an, parts, checks=checks, now=lambda: eng.approval_now(an))
    assert ws_enrolled.approvals.check(an, eng.approval_parts(an)).ok
    actions = [r[0] for r in ws_enrolled.db.all("SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("video.watched") == 1


def test_seen_is_per_approver_and_per_version(ws_enrolled, tmp_path):
    an, eng, fb = _ready(ws_enrolled, tmp_path)
    parts = eng.approval_parts(an)
    t0 = an.frame_times[0]
    times = [t - t0 for t in an.frame_times]
    assert ws_enrolled.approvals.views.seen(an, parts, times) is None
    # another senior leader has seen nothing
    act_as(ws_enrolled, "Mrs Deputy")
    assert ws_enrolled.approvals.views.refusal(an, parts).startswith("Play the clip")
    with pytest.raises(ApprovalError):
        ws_enrolled.approvals.approve(an, parts, checks=ws_enrolled.approvals.required_checks(),
                             now=lambda: eng.approval_now(an))
    # what would be published changed (a face covered): what was seen was another version
    act_as(ws_enrolled, "Mrs Office")
    (tori,), _ = tracks_by_colour(an)
    ws_enrolled.video_reviewer().track(an, tori.id, "cover", fb)
    eng.decide(an, fb, on=TODAY)
    act_as(ws_enrolled, "Mr Head")
    now = eng.approval_parts(an)
    assert now != parts
    assert ws_enrolled.approvals.views.refusal(an, now).startswith("Play the clip")
    with pytest.raises(ApprovalError):
        ws_enrolled.approvals.approve(an, now, checks=ws_enrolled.approvals.required_checks(), now=lambda: eng.approval_now(an))
    assert ws_enrolled.approvals.views.seen(an, now, times) is None
    ws_enrolled.approvals.approve(an, now, checks=ws_enrolled.approvals.required_checks(), now=lambda: eng.approval_now(an))


def test_only_an_approver_reports_what_they_saw_and_photos_need_nothing(ws_enrolled, tmp_path):
    from photovet.core.errors import PermissionDenied
    from photovet.core.workspace import Workspace

    an, eng, _fb = _ready(ws_enrolled, tmp_path)
    parts = eng.approval_parts(an)
    # nobody signed in: nothing seen, nothing recorded
    other = Workspace.open(tmp_path / "home")
    try:
        assert other.approvals.views.refusal(an, parts).startswith("Play the clip")
        with pytest.raises(Exception) as e:
            other.approvals.views.seen(an, parts, [0.0])
        assert "sign in" in str(e.value) or isinstance(e.value, PermissionDenied)
    finally:
        other.close()


def test_said_on_the_command_line_counts_and_is_audited(ws_enrolled, tmp_path):
    an, eng, _fb = _ready(ws_enrolled, tmp_path)
    parts = eng.approval_parts(an)
    ws_enrolled.approvals.views.confirm(an, parts)
    ws_enrolled.approvals.approve(an, parts, checks=ws_enrolled.approvals.required_checks(), now=lambda: eng.approval_now(an))
    row = ws_enrolled.db.one("SELECT how, actor FROM video_views WHERE sha256 = ?", [an.sha256])
    assert tuple(row) == ("confirmed", "Mr Head")
