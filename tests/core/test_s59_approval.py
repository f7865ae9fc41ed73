"""s59: the approval path read as a hostile reviewer. Each test reproduces one defect."""

from __future__ import annotations

from tests.core.test_channel_change import cached_video, ws_office  # noqa: F401  (fixture)
from tests.core.test_settings_change import PW


def _video(ws, n: int = 1):
    v = cached_video(ws, n)
    return v, v.analysis_key


def test_a_video_approved_with_bigger_face_covers_is_not_exported_with_smaller_ones(ws_office):  # noqa: F811
    """A video's face covers are as big as the school's cover size (cover.grow) makes them,
    as a photo's are; a photo's approval signs its covers, so a smaller cover size voids it.
    A video's approval signed no cover at all (its covers are worked out per frame at export)
    and nothing of the cover size: an admin making the covers smaller left the video approved
    with the bigger ones counting, and the export painted the smaller ones."""
    from photovet.core.models import VideoAnalysis

    ws = ws_office
    v, key = _video(ws)
    engine = ws.engine()
    engine.decide(v, "website")
    assert [t.decision for t in v.tracks] == ["cover"]
    ws.approvals.mark_ready(v)
    ws.sign_in("Mr Head", PW["Mr Head"])
    parts = engine.approval_parts(v)
    ws.approvals.views.confirm(v, parts)
    ws.approvals.approve(v, parts, checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(v))
    ws.sign_in("Mrs Prep", PW["Mrs Prep"])
    new = ws.settings.copy()
    new.update({"cover": {"grow": 1.1}})           # smaller face covers than were approved
    change = ws.settings_change(new)
    ws.save_settings(new)
    engine = ws.engine()
    fresh = VideoAnalysis.from_dict(ws.cache.get(v.sha256, key)["video"])
    fresh.analysis_key = key
    engine.decide(fresh, "website")
    # the covers the export would paint now are not those approved

    assert engine.settings.cover.grow == 1.1
    verdict = ws.approvals.check(fresh, engine.approval_parts(fresh))
    assert not verdict.ok, "a video approved with bigger covers still counts with smaller ones"
    assert [s.sha256 for s in change.voids] == [v.sha256]
    assert "the face covers would now be smaller" in verdict.why
