"""Changing a channel's rules says first which approvals on it would no longer count
(Workspace.channel_change): each approved photo and video is decided again under the new rule,
from what its check found (the analysis cache) and its review, and only those whose signed
content would change are counted. The counts are checked against what Approvals.check says
once the change is stored. The cover's size (a school setting) is counted the same way."""

from __future__ import annotations

import pytest

from photovet.core.models import Face, PhotoAnalysis, TextItem
from tests.core.test_settings_change import PW, office

AMY = "B123456789012"
CSV = ("UPN,Legal Surname,Legal Forename,Role,Consent: School Website,Consent: Facebook,"
       "Name with photo\n"
       f"{AMY},Clarke,Amy,pupil,yes,yes,yes\n")


@pytest.fixture
def ws_office(tmp_path, monkeypatch):
    w = office(tmp_path, monkeypatch, CSV)
    yield w
    w.close()


def photo(ws, n: int, *, face: str | None = "shown", name: bool = False,
          cache: bool = True) -> PhotoAnalysis:
    """A checked photo as the cache keeps it: Amy's face (``face``: "shown", recognised;
    "unknown", nobody recognised; None, no face) and with ``name`` her name on a badge."""
    key = ws.engine().cache_key(as_checked=True)
    a = PhotoAnalysis(path=f"/trip/{n}.jpg", sha256=f"{n:02d}" * 32, width=400, height=300,
                      faces_checked=True, analysis_key=key)
    if face == "shown":
        a.faces.append(Face(box=(100, 60, 60, 60), score=0.99, person=AMY,
                            match_status="recognised"))
    elif face == "unknown":
        a.faces.append(Face(box=(100, 60, 60, 60), score=0.99, match_status="unknown"))
    if name:
        a.texts.append(TextItem(polygon=[(100, 200), (220, 200), (220, 230), (100, 230)],
                                text="Amy Clarke", score=0.95, person=AMY, kind="pupil-name",
                                form="full"))
    if cache:
        ws.cache.put(a.sha256, key, {"analysis": a.detected().to_dict()})
    return a


def approve(ws, analyses, channel: str = "website") -> None:
    engine = ws.engine()
    for a in analyses:
        engine.decide(a, channel)
        ws.approvals.mark_ready(a)
    ws.sign_in("Mr Head", PW["Mr Head"])
    for a in analyses:
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda a=a: engine.approval_now(a))
    ws.sign_in("Mrs Prep", PW["Mrs Prep"])


def still_valid(ws, analyses) -> list[bool]:
    """What export would say of each approval now (decided afresh from the cache's copy)."""
    engine = ws.engine()
    out = []
    for a in analyses:
        fresh = PhotoAnalysis.from_dict(ws.cache.get(a.sha256, a.analysis_key)["analysis"])
        fresh.analysis_key, fresh.path = a.analysis_key, a.path
        engine.decide(fresh, a.channel)
        out.append(ws.approvals.check(fresh, engine.approval_parts(fresh)).ok)
    return out


def test_a_names_rule_voids_only_the_photos_whose_names_it_covers(ws_office):
    named, plain = photo(ws_office, 1, name=True), photo(ws_office, 2)
    approve(ws_office, [named, plain])
    change = ws_office.channel_change("website", names="none")
    assert change.fields == ["names"] and change.unsure == 0
    assert [v.sha256 for v in change.voids] == [named.sha256]
    assert change.question() == (
        "Changing School website's names rule (now \u201cNo names\u201d) means that 1 approval "
        "(1 photo) no longer counts: it must be approved again.")
    assert still_valid(ws_office, [named, plain]) == [True, True]       # nothing stored yet
    ws_office.channels.update("website", names="none")
    assert still_valid(ws_office, [named, plain]) == [False, True]      # the count was exact


def test_a_fixed_mode_voids_every_approval_on_the_channel_as_the_mode_is_signed(ws_office):
    shown, covered, empty = photo(ws_office, 1), photo(ws_office, 2, face="unknown"), photo(ws_office, 3, face=None)
    approve(ws_office, [shown, covered, empty])
    approve(ws_office, [photo(ws_office, 4)], "facebook")
    change = ws_office.channel_change("website", fixed_mode="no-identifiable-children")
    assert [v.sha256 for v in change.voids] == [shown.sha256, covered.sha256, empty.sha256]
    assert change.question().startswith(
        "Changing School website's rule for children (now \u201cno identifiable children\u201d) "
        "means that 3 approvals (3 photos) no longer count")
    ws_office.channels.update("website", fixed_mode="no-identifiable-children")
    assert still_valid(ws_office, [shown, covered, empty]) == [False, False, False]


def test_another_channels_approvals_are_not_counted(ws_office):
    web, fb = photo(ws_office, 1, name=True), photo(ws_office, 2, name=True)
    approve(ws_office, [web])
    approve(ws_office, [fb], "facebook")
    change = ws_office.channel_change("facebook", names="full")   # her full name would be shown
    assert [(v.sha256, v.channel) for v in change.voids] == [(fb.sha256, "facebook")]


def test_its_name_size_or_quality_voids_nothing(ws_office):
    approve(ws_office, [photo(ws_office, 1, name=True)])
    change = ws_office.channel_change("website", label="Our website", long_edge=1600, quality=80)
    assert change.changed and change.voids == [] and change.question() == ""
    assert ws_office.channel_change("website", names="full").changed is False   # as it is


def test_a_photo_not_in_this_pcs_cache_is_counted_and_said_so(ws_office):
    here, elsewhere = photo(ws_office, 1, face=None), photo(ws_office, 2, face=None, cache=False)
    approve(ws_office, [here, elsewhere])
    change = ws_office.channel_change("website", names="none")
    assert [v.sha256 for v in change.voids] == [elsewhere.sha256] and change.unsure == 1
    assert change.voids_sentence() == (
        "1 approval (1 photo) no longer counts: it must be approved again. (PhotoVet could not "
        "be sure of this on this computer, because it was checked on another computer or too "
        "long ago: it is counted in case.)")


def test_the_cover_size_voids_only_photos_with_a_cover(ws_office):
    covered, shown, empty = photo(ws_office, 1, face="unknown"), photo(ws_office, 2), photo(ws_office, 3, face=None)
    approve(ws_office, [covered, shown, empty])
    new = ws_office.settings.copy()
    new.update({"cover": {"grow": 1.8}})
    change = ws_office.settings_change(new)
    assert change.sections == ["cover"] and change.unsure == 0
    assert [v.sha256 for v in change.voids] == [covered.sha256]
    ws_office.save_settings(new)
    assert still_valid(ws_office, [covered, shown, empty]) == [False, True, True]


def cached_video(ws, n: int, *, audio: bool = False):
    """Video ``n``: one unknown face for 2 s, checked as the workspace checks now and held in
    its cache (no clip is decoded)."""
    from photovet.core.models import VideoAnalysis, VideoTrack

    key = ws.engine().video_cache_key(as_checked=True)
    v = VideoAnalysis(path=f"/trip/{n}.mp4", sha256=f"v{n}" * 32, width=320, height=240,
                      fps=30.0, has_audio=audio, frame_times=[i / 30 for i in range(90)],
                      faces_checked=True, analysis_key=key,
                      tracks=[VideoTrack(id=0, frames=list(range(0, 60, 3)),
                                         boxes=[(10, 10, 50, 60)] * 20, scores=[0.9] * 20,
                                         match_status="unknown")])
    ws.cache.put(v.sha256, key, {"video": v.detected().to_dict()})
    return v


def test_a_sound_rule_voids_the_videos_whose_sound_it_changes_only(ws_office):
    from photovet.core.models import VideoAnalysis

    videos = [cached_video(ws_office, n, audio=audio) for n, audio in ((1, True), (2, False))]
    key = videos[0].analysis_key
    ws_office.channels.update("website", audio="keep")
    engine = ws_office.engine()
    for v in videos:
        engine.decide(v, "website")
        ws_office.approvals.mark_ready(v)
    ws_office.sign_in("Mr Head", PW["Mr Head"])
    for v in videos:
        parts = engine.approval_parts(v)
        ws_office.approvals.views.confirm(v, parts)
        ws_office.approvals.approve(v, parts, checks=ws_office.approvals.required_checks(),
                             now=lambda v=v: engine.approval_now(v))
    ws_office.sign_in("Mrs Prep", PW["Mrs Prep"])
    change = ws_office.channel_change("website", audio="mute")
    assert [v.sha256 for v in change.voids] == [videos[0].sha256] and change.unsure == 0
    assert change.question() == (
        "Changing School website's sound rule (now \u201cSilence the sound\u201d) means that 1 "
        "approval (1 video) no longer counts: it must be approved again.")
    ws_office.channels.update("website", audio="mute")
    engine = ws_office.engine()
    valid = []
    for v in videos:
        fresh = VideoAnalysis.from_dict(ws_office.cache.get(v.sha256, key)["video"])
        fresh.analysis_key = key
        engine.decide(fresh, "website")
        valid.append(ws_office.approvals.check(fresh, engine.approval_parts(fresh)).ok)
    assert valid == [False, True]


def test_an_approval_carried_over_to_a_photo_checked_again_is_counted_exactly(ws_office, tmp_path):
    """s29: an approval carried over a register change (the photo checked again with a crest
    picture added publishes the same, so it still counts) was decided from the analysis it
    signed; with that gone from the cache it was counted "in case" (asked once too often).
    It is judged on the photo as checked now, with the rule export applies (same_signed):
    counted only when the change voids it."""
    from tests.core.test_school_identifiers import draw_crest

    named, plain = photo(ws_office, 1, name=True), photo(ws_office, 2)
    approve(ws_office, [named, plain])
    old_key = named.analysis_key
    crest = tmp_path / "crest.png"
    draw_crest(400).save(crest)
    ws_office.school_pictures.add(crest, kind="crest")          # the register changes
    new_key = ws_office.engine().cache_key(as_checked=True)
    assert new_key != old_key
    for a in (named, plain):                             # checked again: the same found
        a.analysis_key = new_key
        ws_office.cache.put(a.sha256, new_key, {"analysis": a.detected().to_dict()})
        ws_office.cache._drop(ws_office.cache._file(a.sha256, old_key))  # the old check no longer kept
    assert still_valid(ws_office, [named, plain]) == [True, True]  # carried over
    change = ws_office.channel_change("website", names="none")
    assert change.unsure == 0, change.voids_sentence()
    assert [v.sha256 for v in change.voids] == [named.sha256]
    assert ws_office.channel_change("website", group_only=True).voids == []   # nothing it changes
    ws_office.channels.update("website", names="none")
    assert still_valid(ws_office, [named, plain]) == [False, True]              # as counted
