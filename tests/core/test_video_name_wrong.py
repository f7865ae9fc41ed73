"""s37: an approver's rejection of a video can say a face's name given by hand is wrong, as a
photo's can (s36): in the rejection's transaction the track's name is taken off and the whole
track covered, waiting for the preparer to say again who it is (``Approvals.reject``'s
``wrong_names``: a video's tracks by id, numbered id + 1 as the player and ``photovet scan``
number them). Before, ``wrong_names`` on a video was refused (the photo review's rule)."""

from __future__ import annotations

import pytest

from photovet.core import policy, video_review
from photovet.core.errors import PhotoVetError
from tests.conftest import act_as
from tests.core.test_video_workflow import (
    TODAY,
    enrolled_workspace,
    make_video,
    new_engine,
    tracks_by_colour,
)


def test_a_rejection_sends_a_track_named_by_hand_back_covered(tmp_path):
    ws = enrolled_workspace(tmp_path)
    try:
        clip = make_video(tmp_path / "play.mp4")
        fb = ws.channels.get("facebook")
        eng = new_engine(ws)
        an = eng.decide(eng.analyse_video(clip), fb, on=TODAY)
        (tori,), (stranger,) = tracks_by_colour(an)
        act_as(ws, "Mrs Office")
        ws.video_reviewer().track(an, tori.id, "assign", fb, person="A1")
        eng.decide(an, fb, on=TODAY)
        assert tori.override_person == "A1" and tori.decision == "show"
        assert video_review.named_by_hand(an) == [tori.id]
        ws.approvals.mark_ready(an)
        act_as(ws, "Mr Head")
        with pytest.raises(PhotoVetError, match=f"face {stranger.id + 1} of this video was "
                                                "not named by hand"):
            ws.approvals.reject(an, comment="wrong child", wrong_names=[stranger.id])
        assert ws.approvals.get(an.sha256, "facebook").status == "ready"   # nothing was done
        ws.approvals.reject(an, comment="the wrong child is named", wrong_names=[tori.id])
        assert ws.approvals.get(an.sha256, "facebook").status == "rejected"
        eng.decide(an, fb, on=TODAY)
        (t,), _ = tracks_by_colour(an)
        assert t.override_person is None and t.decision == "cover" and t.needs_review
        assert t.reason == policy.REASON_NAMING_RETURNED
        assert video_review.named_by_hand(an) == []
        row = [r for r in ws.audit.rows() if r["action"] == "review.naming-returned"][-1]
        assert row["details"]["tracks"] == [tori.id + 1] and row["details"]["named"] == ["A1"]
        assert row["details"]["recognised"] == ["A1"] and row["user"] == "Mr Head"
        # kept in the register: a fresh engine (another PC, a restart) decides it the same
        ws.cache.clear()
        again = new_engine(ws)
        b = again.decide(again.analyse_video(clip), fb, on=TODAY)
        (t2,), _ = tracks_by_colour(b)
        assert (t2.decision, t2.reason, t2.needs_review) == (
            "cover", policy.REASON_NAMING_RETURNED, True)
        # the preparer decides again: covering it settles it; naming it again clears it
        act_as(ws, "Mrs Office")
        ws.video_reviewer().track(b, t2.id, "cover", fb)
        again.decide(b, fb, on=TODAY)
        assert t2.decision == "cover" and not t2.needs_review
        ws.video_reviewer().track(b, t2.id, "assign", fb, person="A1")
        again.decide(b, fb, on=TODAY)
        assert t2.decision == "show" and t2.override_person == "A1"
    finally:
        ws.close()


def test_the_reject_command_says_which_track_is_named_wrong(tmp_path, monkeypatch):
    """``photovet approve --reject --name-wrong FACE`` on a video: FACE is the track's number
    as ``photovet scan`` and the app's player number them (its id + 1; scan said 'track 0'
    before s37), and the command refused videos."""
    import json

    from click.testing import CliRunner

    from photovet.cli import cli
    from photovet.core import words
    from photovet.core.accounts import Access
    from photovet.core.workspace import Workspace
    from tests.cli.conftest import commands_as, create_staff, password_of
    from tests.conftest import office_access

    w = enrolled_workspace(tmp_path)
    w.settings.approval.required = True
    create_staff(w)
    w.access = Access()
    w.sign_in("Mrs Office", password_of("Mrs Office"))
    fb = w.channels.get("facebook")
    eng = new_engine(w)
    clip = make_video(tmp_path / "play.mp4")
    a = eng.decide(eng.analyse_video(clip), fb)
    (tori,), (stranger,) = tracks_by_colour(a)
    w.video_reviewer().track(a, tori.id, "assign", fb, person="A1")
    eng.decide(a, fb)
    w.approvals.mark_ready(a)
    sha = a.sha256
    w.close()
    commands_as(monkeypatch, "Mr Head", tmp_path / "home", lambda w, text=True: new_engine(w))
    runner = CliRunner()
    res = runner.invoke(cli, ["scan", str(clip), "--channel", "facebook", "--no-text"])
    assert res.exit_code == 0, res.output
    [line] = [x for x in res.output.splitlines() if x.startswith(f"  track {tori.id + 1} ")]
    assert "face Tori: SHOW" in line, res.output
    res = runner.invoke(cli, ["scan", str(clip), "--channel", "facebook", "--no-text",
                              "--json"])
    [row] = [json.loads(x) for x in res.output.splitlines() if x.startswith("{")]
    assert {t["id"]: t["number"] for t in row["tracks"]} == {
        t.id: t.id + 1 for t in a.tracks}
    args = ["approve", str(clip), "--channel", "facebook", "--reject", "--comment",
            "the wrong child is named"]
    res = runner.invoke(cli, args + ["--name-wrong", str(stranger.id + 1)])
    assert res.exit_code != 0 and f"face {stranger.id + 1} of this video was not named " \
        "by hand" in res.output + res.stderr
    res = runner.invoke(cli, args + ["--name-wrong", str(tori.id + 1)])
    assert res.exit_code == 0, res.output + res.stderr
    assert "rejected for Facebook" in res.output
    assert words.names_returned(1) in res.output
    w = Workspace.open(tmp_path / "home", access=office_access("Mr Head"))
    try:
        assert w.approvals.get(sha, "facebook").status == "rejected"
        stored = video_review.VideoReviewStore(w.db, w.audit).load(sha, "*").tracks
        assert [(d.action, d.reason) for d in stored] == [
            ("cover", policy.REASON_NAMING_RETURNED)]
    finally:
        w.close()
