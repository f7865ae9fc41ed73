"""The pipeline end to end, on a real workspace (register, reviews, approvals, records), with a
stand-in face detector (so the test knows exactly which face is where and whose it is) and the
real matcher, policy, cache, export and records."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from photovet.core.media.metadata import verify_clean
from photovet.core.models import Cover, Face, PhotoStatus
from photovet.core.pipeline import Engine, analyse_batch, export_batch
from photovet.core.review import ReviewConflict, ReviewRefused
from photovet.core.settings import Settings
from photovet.core.workspace import Workspace
from tests.conftest import act_as, office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)
ENC_TORI = np.full(128, 0.05)
ENC_TORI[0] = 0.6
ENC_SAM = np.full(128, 0.05)
ENC_SAM[1] = 0.6
ENC_STRANGER = np.full(128, 0.05)
ENC_STRANGER[2] = 0.9

# Two faces per photo: left one is Tori, right one a stranger.
LEFT, RIGHT = (40, 60, 80, 100), (240, 60, 80, 100)

REGISTER = """Admission No,Surname,Forename,Preferred Forename,Year,Consent: School Website,Consent: Facebook,Name with photo,Do not photograph
A1,Ashby,Victoria,Tori,Year 4,Yes,No,No,
B2,Hale,Sam,,Year 4,Yes,Yes,No,
C3,Quinn,Rory,,Year 4,Yes,Yes,No,Yes
"""


class FakeFaceEngine:
    """Detects the two known boxes; encodes them as Tori and a stranger."""

    def __init__(self):
        self.detect_calls = 0

    def detect(self, image):
        self.detect_calls += 1
        return [Face(box=LEFT, score=0.99), Face(box=RIGHT, score=0.97)]

    def encode(self, image, faces, model=None):
        return [ENC_TORI + 0.01, ENC_STRANGER][: len(faces)]


def make_photo(path: Path, colour=(200, 120, 90)) -> Path:
    img = Image.new("RGB", (360, 240), (30, 90, 160))
    d = ImageDraw.Draw(img)
    for x, y, w, h in (LEFT, RIGHT):
        d.ellipse([x, y, x + w, y + h], fill=colour)
        d.rectangle([x + 20, y + 30, x + 30, y + 40], fill=(0, 0, 0))  # an "eye": detail to hide
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    img.save(path, "JPEG", quality=95, exif=exif)
    return path


def open_workspace(home: Path) -> Workspace:
    ws = Workspace.open(home, access=office_access("Mrs Office"))
    ws.settings.text.enabled = False
    return ws


def new_engine(ws: Workspace) -> Engine:
    """What the app or a command builds after a restart: fresh models, the workspace's register,
    cache and reviews."""
    return Engine(ws.settings, register=ws.register, face_engine=FakeFaceEngine(),
                  cache=ws.cache, reviews=ws.reviews)


def exported(engine, analyses, out, **kw):
    out.mkdir(exist_ok=True)
    kw.setdefault("records", engine.register and None)
    return [s.result for s in export_batch(analyses, out, label="Trip 2026", engine=engine,
                                           **kw) if s.result is not None]


def test_decisions_follow_consent_per_channel(engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    a = engine.analyse(photo)
    assert a.error is None and a.faces_checked and (a.width, a.height) == (360, 240)
    tori, stranger = a.faces
    assert tori.person == "A1" and tori.match_status == "recognised"
    assert stranger.person is None

    engine.decide(a, "website", on=TODAY)
    assert (tori.decision, stranger.decision) == ("show", "cover")
    assert "website" in tori.reason.lower()
    assert stranger.reason == "Not recognised"
    # covered by rule is simply covered: nothing is open that would change what is published
    assert not stranger.needs_review and a.status is PhotoStatus.WILL_COVER

    engine.decide(a, "facebook", on=TODAY)
    assert tori.decision == "cover" and tori.reason == "Consent refused for Facebook"


def test_review_decisions_are_stored_at_once_and_survive_a_restart(ws, engine, tmp_path):
    """A hand cover, a "who is this" and an unknown face shown with a reason, made in one
    session, are there after a restart (new engine, no cache): nothing lives only in a window."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    reviewer = ws.reviewer()
    reviewer.add_cover(a, Cover("rect", (150, 10, 60, 40), None, "manual"), web)
    engine.decide(a, web, on=TODAY)
    reviewer.face(a, 1, "assign", web, person="B2")
    ws.cache.clear()

    again = new_engine(ws)
    b = again.decide(again.analyse(photo), web, on=TODAY)
    assert again.face_engine.detect_calls == 1           # really analysed again
    assert [c.box for c in b.manual] == [(150, 10, 60, 40)]
    assert b.faces[1].override_person == "B2" and b.faces[1].decision == "show"
    actions = [r["action"] for r in ws.audit.rows()]
    assert "review.cover-add" in actions and "review.face-assign" in actions


def test_a_hand_cover_is_in_the_export_after_a_restart(ws, engine, tmp_path):
    """The break the issue found: approved with a hand cover, analysed again, exported with the
    covered area visible. Now the cover is part of the review, the approval and the export."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    ws.reviewer().add_cover(a, Cover("rect", (230, 50, 100, 120), None, "manual"), web)
    engine.decide(a, web, on=TODAY)
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))

    ws.cache.clear()
    again = new_engine(ws)
    b = again.decide(again.analyse(photo), web, on=TODAY)
    [res] = exported(again, [b], tmp_path / "out", channel=web, records=ws.records,
                     approvals=ws.approvals)
    assert res.ok, res.error
    assert res.manual_covers == 1 and res.approver == "Mr Head"
    dst = np.asarray(Image.open(res.output).convert("RGB"), dtype=float)
    assert dst[70:150, 240:320].std(axis=(0, 1)).max() < 12   # covered: no detail left


def test_do_not_photograph_is_never_shown_whatever_is_clicked(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    reviewer = ws.reviewer()
    reviewer.face(a, 1, "assign", web, person="C3")   # Rory: do not photograph
    engine.decide(a, web, on=TODAY)
    assert a.faces[1].decision == "cover" and a.faces[1].reason == "On the do-not-photograph list"
    with pytest.raises(ReviewRefused, match="do-not-photograph"):
        reviewer.face(a, 1, "show", web, reason="his parents agreed")
    # even a "show" written straight into the review (another version, a bug) is refused
    from photovet.core.review import FaceDecision

    def sneak(every, one):
        one.faces.append(FaceDecision(tuple(RIGHT), "show", None, "sneaked in"))
        return {}

    ws.reviews.edit(a.sha256, "website", sneak, action="test")
    engine.decide(a, web, on=TODAY)
    assert a.faces[1].decision == "cover" and "do-not-photograph" in a.faces[1].refused


def test_explicit_no_cannot_be_overridden_but_not_recorded_can_with_a_reason(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    fb = ws.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    reviewer = ws.reviewer()
    with pytest.raises(ReviewRefused, match="said No"):
        reviewer.face(a, 0, "show", fb, reason="she asked to be in it")
    with pytest.raises(ReviewRefused, match="Say why"):
        reviewer.face(a, 1, "show", fb)         # unknown: needs a reason
    reviewer.face(a, 1, "show", fb, reason="adult visitor who agreed")
    engine.decide(a, fb, on=TODAY)
    assert a.faces[1].decision == "show" and "adult visitor" in a.faces[1].reason
    # a decision to show applies to the channel it was made for only
    engine.decide(a, "website", on=TODAY)
    assert a.faces[1].decision == "cover"


def test_an_edit_from_a_stale_view_is_refused_with_who_and_when(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    mine = engine.decide(engine.analyse(photo), web, on=TODAY)
    theirs = engine.decide(engine.analyse(photo), web, on=TODAY)
    act_as(ws, "Mr Head")
    ws.reviewer().face(theirs, 1, "cover", web)
    act_as(ws, "Mrs Office")
    with pytest.raises(ReviewConflict, match="changed by Mr Head at"):
        ws.reviewer().face(mine, 0, "cover", web)
    engine.decide(mine, web, on=TODAY)                    # reload: now it works
    ws.reviewer().face(mine, 0, "cover", web)


def _export_with_approvals(ws, engine, photo, web, out):
    """Export ``photo`` as it is now, as the approvals allow: the one result."""
    def try_export():
        b = engine.decide(engine.analyse(photo), web, on=TODAY)
        return exported(engine, [b], out, channel=web, records=ws.records,
                        approvals=ws.approvals)[0]
    return try_export


def test_approval_signs_what_was_reviewed_and_any_change_voids_it(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    try_export = _export_with_approvals(ws, engine, photo, web, tmp_path / "out")

    res = try_export()
    assert not res.ok and "not marked ready" in res.error
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    ws.approvals.mark_ready(a)
    assert "waiting for a senior leader" in try_export().error
    from photovet.core.errors import ApprovalError

    act_as(ws, "mrs  office")   # a named tool is compared by name (staff by account)
    with pytest.raises(ApprovalError, match="cannot also approve"):
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda: engine.approval_now(a))
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    first = try_export()
    assert first.ok and first.approver == "Mr Head" and first.fingerprint

    # the review changes: the approval no longer counts, and says who changed it
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    act_as(ws, "Mrs Office")
    ws.reviewer().face(a, 0, "cover", web)
    res = try_export()
    assert not res.ok and "review changed after it was approved (by Mrs Office" in res.error

    # approved again, then the register changes: Tori's website consent is withdrawn
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    ws.reviewer().undo_face(a, 0, web)
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    assert try_export().ok
    act_as(ws, "Mrs Office")    # (the approver who gives consent cannot approve alone: s62)
    ws.register.set_consent("A1", "website", False)
    engine.reload_register()
    res = try_export()
    assert not res.ok and "Approval ended: consent was withdrawn on" in res.error
    # given again: the approval made before the withdrawal stays ended (s36)
    ws.register.set_consent("A1", "website", True)
    engine.reload_register()
    assert "Approval ended: consent was withdrawn on" in try_export().error
    # approved again, then she leaves (covered, no withdrawal): void, and says why
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    assert try_export().ok
    act_as(ws, "Mrs Office")
    ws.register.set_leaving_date("A1", TODAY - dt.timedelta(days=1))
    engine.reload_register()
    res = try_export()
    assert not res.ok and "Victoria Ashby would now be covered" in res.error.replace("Tori", "Victoria")

    # the analysis changes (settings or enrolments): void too
    ws.register.set_leaving_date("A1", None)
    engine.reload_register()
    act_as(ws, "Mr Head")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    engine.settings.recognition.max_distance = 0.44
    res = try_export()
    assert not res.ok and "checked again with different settings" in res.error


def _approve_as_head(ws, engine, a):
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    act_as(ws, "Mrs Office")
    return ws.approvals.get(a.sha256, a.channel)


def _exported_with_key(ws) -> list[str]:
    """The analysis key each export was recorded with (the audit's export row)."""
    import json

    return [json.loads(r[0]).get("analysis", "") for r in ws.db.all(
        "SELECT details FROM audit_log WHERE action = 'export.recorded' ORDER BY id")]


def test_an_approval_still_counts_after_a_register_change_that_publishes_the_same(
        ws, engine, tmp_path):
    """September: the office enrols new pupils and deletes leavers' face photos. The register's
    key changes, so every photo is checked again; an approval still counts when the photo, so
    checked, publishes exactly what was approved (the approval signs what the analysis was made
    with apart from the register). A twin enrolled near the shown pupil, or a change of the
    settings analysis depends on, voids it as before."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    try_export = _export_with_approvals(ws, engine, photo, web, tmp_path / "out")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    state = _approve_as_head(ws, engine, a)
    assert state.parts["checked_with"] == engine.checked_with_key()
    assert state.parts["analysis"] == engine.cache_key() == a.analysis_key

    # an unrelated pupil's face photos replaced, then deleted (a leaver): checked again
    ws.register.store_signatures({"B2": [(ENC_SAM + 0.02, "b2-new.jpg")]}, replace=True,
                                 source="test")
    engine.reload_register()
    assert engine.cache_key() != state.parts["analysis"]
    first = try_export()
    assert engine.face_engine.detect_calls == 2
    assert first.ok, first.error
    assert first.approver == "Mr Head" and first.people_shown == ["A1"]
    # the record keeps the analysis it was exported with, not the one approved
    assert _exported_with_key(ws) == [engine.cache_key()]
    assert engine.cache_key() != state.parts["analysis"]
    ws.register.store_signatures({"B2": []}, replace=True, source="test")
    engine.reload_register()
    second = try_export()
    assert engine.face_engine.detect_calls == 3 and second.ok, second.error
    assert ws.approvals.get(a.sha256, "website").parts == state.parts     # nothing rewritten

    # Tori's twin enrolled, a face close to hers: her face is no longer certain, so covered
    csv = tmp_path / "register2.csv"
    csv.write_text(REGISTER + "D4,Ashby,Vera,,Year 4,No,No,No,\n", encoding="utf-8")
    assert ws.import_register(csv).applied
    ws.register.store_signatures({"D4": [(ENC_TORI + 0.015, "d4.jpg")]}, replace=True,
                                 source="test")
    engine.reload_register()
    res = try_export()
    assert not res.ok and "would now be covered" in res.error, res.error
    assert "Ashby" in res.error and "approve it again" in res.error

    # approved again; then the settings analysis depends on change: void, as always
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    assert try_export().ok
    before = engine.checked_with_key()
    engine.settings.recognition.max_distance = 0.44
    assert engine.checked_with_key() != before
    res = try_export()
    assert not res.ok and "checked again with different settings" in res.error


def test_an_approval_stored_before_keeps_the_strict_rule(ws, engine, tmp_path):
    """An approval stored before approvals said what the analysis was made with apart from the
    register (its parts have no "checked_with") signs the analysis key itself, as it did: it
    counts while the photo is checked with that key, and a register change voids it; an
    approval given now, of the same photo for another channel, survives the same change."""
    from photovet.core.approval import fingerprint

    photo = make_photo(tmp_path / "trip.jpg")
    web, fb = ws.channels.get("website"), ws.channels.get("facebook")
    old = _approve_as_head(ws, engine, engine.decide(engine.analyse(photo), web, on=TODAY))
    new = _approve_as_head(ws, engine, engine.decide(engine.analyse(photo), fb, on=TODAY))
    assert "checked_with" in new.parts
    import json

    legacy = {k: v for k, v in old.parts.items() if k not in ("checked_with", "people_maybe")}
    ws.db.execute("UPDATE approvals SET parts = ?, fingerprint = ? WHERE sha256 = ? AND "
                  "channel = ?", [json.dumps(legacy, sort_keys=True), fingerprint(legacy),
                                  old.sha256, "website"])
    on_web = _export_with_approvals(ws, engine, photo, web, tmp_path / "web")
    on_fb = _export_with_approvals(ws, engine, photo, fb, tmp_path / "fb")
    assert on_web().ok and on_fb().ok

    ws.register.store_signatures({"B2": [(ENC_SAM + 0.02, "b2-new.jpg")]}, replace=True,
                                 source="test")
    engine.reload_register()
    res = on_web()
    assert not res.ok and "checked again with different settings or enrolments" in res.error
    assert on_fb().ok


def test_analysis_is_cached_by_content_and_invalidated_by_settings(engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    engine.analyse(photo)
    engine.analyse(tmp_path / "trip.jpg")
    assert engine.face_engine.detect_calls == 1
    engine.settings.set("recognition.max_distance", 0.3)
    engine.analyse(photo)
    assert engine.face_engine.detect_calls == 2


def test_consent_withdrawn_while_the_copy_is_made_stops_the_export(ws, engine, tmp_path,
                                                                    monkeypatch):
    """Decided and approved at the start, the register is asked again when the file is
    recorded: a withdrawal committed while a copy was being made (on another PC) stops it,
    and no file is left (a fail-closed audit saw a video exported with a pupil shown after
    their consent was withdrawn). A consent only 'not recorded', shown with a reason, is not
    stopped by this."""
    from photovet.core.media import export as photo_export

    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    assert a.faces[0].decision == "show"
    real = photo_export.render

    def withdrawn_meanwhile(*args, **kwargs):
        ws.register.set_consent("A1", "website", False)      # committed while the copy is made
        return real(*args, **kwargs)

    monkeypatch.setattr(photo_export, "render", withdrawn_meanwhile)
    out = tmp_path / "out"
    [res] = exported(engine, [a], out, channel=web, records=ws.records)
    assert not res.ok and "consent changed (" in res.error
    assert "while the copy was being made" in res.error
    assert "Tori Ashby" in res.error or "Victoria Ashby" in res.error, res.error
    assert list(out.iterdir()) == [] and ws.records.exports() == []


def test_a_rejection_stands_until_the_photo_is_prepared_again(ws, engine, tmp_path):
    """Another approver cannot approve over a senior leader's rejection (an audit saw a photo
    rejected as 'pupil upset' approved by a colleague and exported); the one who rejected it
    may change their mind; marked ready again, it is decided afresh. The original's path is
    kept in full (a relative one names another file wherever retention runs)."""
    from photovet.core.errors import ApprovalError

    web = ws.channels.get("website")
    photo = make_photo(tmp_path / "trip.jpg")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    a.path = "trip.jpg"                        # as typed on a command line, in tmp_path
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        ws.approvals.mark_ready(a)
    finally:
        os.chdir(here)
    assert ws.approvals.get(a.sha256, "website").path == str(tmp_path / "trip.jpg")
    act_as(ws, "Mr Head")
    ws.approvals.reject(a, comment="pupil upset")
    act_as(ws, "Ms Other")
    with pytest.raises(ApprovalError, match=r"Mr Head rejected this photo at .* \('pupil upset'\); "
                                            "another approver cannot approve it over that"):
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda: engine.approval_now(a))
    assert ws.approvals.get(a.sha256, "website").status == "rejected"
    act_as(ws, "Mr Head")                      # the one who rejected it may change their mind
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    ws.approvals.reject(a, comment="on second thoughts, no")
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a)                 # prepared again: decided afresh
    act_as(ws, "Ms Other")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    assert ws.approvals.get(a.sha256, "website").status == "approved"


def test_an_approver_who_changed_what_is_published_after_it_was_ready_cannot_approve_it(
        ws, engine, tmp_path):
    """Four eyes over what is published (s60): an account that may both prepare and approve
    took away a cover the preparer had added, after the photo was marked ready, and approved
    it alone (only the account that marked it ready was compared). It is refused now, in the
    core's words, unless what it did only covers more; the preparer marking it ready again
    (having seen the change), or another senior leader, lets it be approved."""
    from photovet.core.errors import ApprovalError

    web = ws.channels.get("website")
    photo = make_photo(tmp_path / "trip.jpg")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    act_as(ws, "Mrs Office")
    ws.reviewer().add_cover(a, Cover("rect", (230, 50, 100, 120), None, "manual"), web)
    engine.decide(a, web, on=TODAY)
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    ws.reviewer().face(engine.decide(a, web, on=TODAY), 0, "cover", web)   # covers more: fine
    ws.reviewer().remove_cover(engine.decide(a, web, on=TODAY), 0, web)
    a = engine.decide(a, web, on=TODAY)

    def approve():
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda: engine.approval_now(a))

    with pytest.raises(ApprovalError, match=r"^Mr Head changed this photo after it was marked "
                                            r"ready \(took away a cover added by hand at .*\), "
                                            "so cannot also approve it$") as e:
        approve()
    assert "marks the photo ready again, or another senior leader approves it" in e.value.hint
    assert ws.approvals.get(a.sha256, "website").status == "ready"
    act_as(ws, "Ms Other")              # another senior leader may
    approve()
    assert ws.approvals.get(a.sha256, "website").status == "approved"
    # marked ready again by its preparer, who saw the change: Mr Head may approve it
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    approve()
    assert ws.approvals.get(a.sha256, "website").approver == "Mr Head"


def test_an_approver_who_only_covered_more_may_approve(ws, engine, tmp_path):
    web = ws.channels.get("website")
    photo = make_photo(tmp_path / "trip.jpg")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    ws.reviewer().face(a, 0, "cover", web)
    ws.reviewer().add_cover(engine.decide(a, web, on=TODAY),
                            Cover("rect", (230, 50, 100, 120), None, "manual"), web)
    a = engine.decide(a, web, on=TODAY)
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    assert ws.approvals.get(a.sha256, "website").status == "approved"


def test_an_approval_signs_how_faces_are_covered(ws, engine, tmp_path):
    """Solid shapes or coarse blocks is part of what is published: an admin switching the style
    after approval voids it (found by an audit), and says why; approvals made with the default
    stay valid."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    try_export = _export_with_approvals(ws, engine, photo, web, tmp_path / "out")

    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    assert "cover_style" not in engine.approval_parts(a)
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    act_as(ws, "Mrs Office")
    engine.settings.cover.style = "pixelate"
    res = try_export()
    assert not res.ok and "faces would now be covered with coarse blocks (it was approved with " \
        "solid shapes)" in res.error
    engine.settings.cover.style = "solid"
    assert try_export().ok


def test_a_cache_entry_that_was_edited_is_not_believed(ws, engine, tmp_path):
    """The cache is a folder of files: one edited (a face taken out of the list, so a pupil
    would be published uncovered as '0 faces'), damaged, or copied under another photo's name
    does not match its seal; it is deleted and the photo is checked again."""
    import json

    photo = make_photo(tmp_path / "trip.jpg")
    assert len(engine.analyse(photo).faces) == 2
    [f] = ws.cache.files()
    entry = json.loads(f.read_text(encoding="utf-8"))
    assert entry["_seal"] and len(entry["analysis"]["faces"]) == 2
    entry["analysis"]["faces"] = []
    f.write_text(json.dumps(entry), encoding="utf-8")
    again = engine.analyse(photo)
    assert engine.face_engine.detect_calls == 2 and len(again.faces) == 2
    assert json.loads(f.read_text(encoding="utf-8"))["analysis"]["faces"]   # written afresh
    assert engine.analyse(photo).faces and engine.face_engine.detect_calls == 2   # believed

    # an untouched entry copied under another photo's name is not that photo's
    other = make_photo(tmp_path / "other.jpg", colour=(10, 200, 10))
    sha_other = engine.analyse(other).sha256
    assert engine.face_engine.detect_calls == 3
    twin = ws.cache._file(sha_other, engine.cache_key())
    twin.write_bytes(f.read_bytes())
    engine.analyse(other)
    assert engine.face_engine.detect_calls == 4


def test_without_the_register_key_the_cache_is_not_used(tmp_path):
    from photovet.core.cache import AnalysisCache

    cache = AnalysisCache(tmp_path / "cache", seal=lambda: None)
    cache.put("ab" * 32, "k", {"analysis": {"faces": []}})
    assert cache.files() == [] and cache.get("ab" * 32, "k") is None


def test_the_cache_keeps_ids_and_boxes_never_names_or_decisions(ws, engine, tmp_path):
    engine.decide(engine.analyse(make_photo(tmp_path / "trip.jpg")), "website", on=TODAY)
    texts = [p.read_text() for p in (ws.home / "cache").rglob("*.json")]
    assert texts and not any("Ashby" in t or "Victoria" in t or "Consent" in t for t in texts)


def test_bad_file_is_an_error_not_an_exception(engine, tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_text("this is not a photo")
    a = engine.analyse(bad)
    assert a.error and a.status is PhotoStatus.FAILED


def test_export_covers_faces_removes_metadata_and_records_who_is_in_it(ws, engine, tmp_path):
    (tmp_path / "src").mkdir()
    photo = make_photo(tmp_path / "src" / "trip.jpg")
    steps = list(analyse_batch([photo], engine, "website", on=TODAY))
    analyses = [s.result for s in steps if s.result is not None]
    [res] = exported(engine, analyses, tmp_path / "out", channel="website", records=ws.records)
    assert res.ok, res.error
    assert Path(res.output).name == "trip-2026-001.jpg"
    assert res.people_shown == ["A1"] and res.faces_covered == 1
    assert verify_clean(Path(res.output)) == []

    src = np.asarray(Image.open(photo).convert("RGB"), dtype=float)
    dst = np.asarray(Image.open(res.output).convert("RGB"), dtype=float)

    def region(a, box):
        x, y, w, h = box
        return a[y + 25:y + 45, x + 15:x + 35]

    # The shown face is unchanged (JPEG noise only); the stranger's "eye" is gone under the mask.
    assert np.abs(region(src, LEFT) - region(dst, LEFT)).mean() < 12
    assert np.abs(region(src, RIGHT) - region(dst, RIGHT)).mean() > 30
    assert region(dst, RIGHT).std(axis=(0, 1)).max() < 12  # flat: no detail left
    [rec] = ws.records.exports(person="A1")
    assert rec.people_shown == ["A1"] and rec.output_path == res.output
    # where the face left visible is, and whose (a subject access report covers the others'):
    # the covered stranger is not listed, being covered already
    [face] = rec.faces_shown
    assert face["person"] == "A1"
    x, y, w, h = face["box"]
    assert abs(x * 360 - LEFT[0]) < 3 and abs(y * 240 - LEFT[1]) < 3
    assert abs(w * 360 - LEFT[2]) < 3 and abs(h * 240 - LEFT[3]) < 3
    assert rec.names_kept == []              # no text read (text reading is off here)


def test_export_refuses_photos_not_checked(engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    unchecked = engine.analyse(photo)
    unchecked.faces_checked = False
    [res] = exported(engine, [unchecked], tmp_path / "out", channel="website")
    assert not res.ok and "not checked" in res.error


def test_a_photo_checked_before_the_register_changed_is_not_exported(ws, engine, tmp_path):
    """Faces are matched against the people enrolled when the photo was checked: an analysis
    made before someone was enrolled (here Tori's twin, without consent) would still say
    "Tori" and show the face. It is held back until checked again; a consent change alone
    is decided afresh and does not make it out of date."""
    photo = make_photo(tmp_path / "trip.jpg")
    before = engine.decide(engine.analyse(photo), "website", on=TODAY)
    assert before.faces[0].person == "A1" and before.faces[0].decision == "show"
    assert before.register_key == engine.register_key()

    ws.register.set_consent("A1", "facebook", True)        # consent only: still up to date
    engine.reload_register()
    assert engine.out_of_date(before) is None

    csv = tmp_path / "register2.csv"
    csv.write_text(REGISTER + "D4,Ashby,Vera,,Year 4,No,No,No,\n", encoding="utf-8")
    assert ws.import_register(csv).applied
    ws.register.store_signatures({"D4": [(ENC_TORI + 0.015, "d4.jpg")]}, replace=True,
                                 source="test")
    engine.reload_register()                               # what the app does after a change
    assert engine.out_of_date(before) and before.register_key != engine.register_key()
    out = tmp_path / "out"
    [res] = exported(engine, [before], out, channel="website", records=ws.records)
    assert not res.ok and "checked before the register changed" in res.error
    assert "check it again" in res.error and not list(out.iterdir())

    # checked again (the cache key changed with the register): the twin is considered
    again = engine.decide(engine.analyse(photo), "website", on=TODAY)
    assert engine.face_engine.detect_calls == 2 and engine.out_of_date(again) is None
    assert again.faces[0].decision != "show"
    [res] = exported(engine, [again], out, channel="website", records=ws.records)
    assert res.ok and res.people_shown == []

    # an analysis that does not say which register it was made with is out of date too
    again.register_key = ""
    assert engine.out_of_date(again)


def test_a_file_changed_after_checking_is_not_exported(engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    a = engine.analyse(photo)
    make_photo(photo, colour=(10, 200, 10))  # replaced with different content
    out = tmp_path / "out"
    [res] = exported(engine, [a], out, channel="website")
    assert not res.ok and "changed" in res.error
    assert list(out.iterdir()) == []


def test_stop_flag_ends_the_batch_between_photos(engine, tmp_path):
    photos = [make_photo(tmp_path / f"p{i}.jpg", colour=(100 + i, 50, 50)) for i in range(5)]
    stop = threading.Event()
    seen = []
    for step in analyse_batch(photos, engine, "website", stop=stop):
        if step.result is not None:
            seen.append(step.result)
            if len(seen) == 2:
                stop.set()
    assert len(seen) == 2


def test_an_unexpected_failure_fails_that_photo_and_the_batch_goes_on(engine, tmp_path):
    photos = [make_photo(tmp_path / f"p{i}.jpg", colour=(60 + 60 * i, 50, 50)) for i in range(3)]
    real_detect = engine.face_engine.detect

    def flaky(image):   # the second photo (photos may be checked side by side: not by call order)
        red = np.asarray(image.convert("RGB"))[LEFT[1] + 50, LEFT[0] + 40][0]
        if abs(int(red) - 120) < 20:
            raise ValueError("model output had the wrong shape")
        return real_detect(image)

    engine.face_engine.detect = flaky
    results = [s.result for s in analyse_batch(photos, engine, "website") if s.result is not None]
    assert [bool(r.error) for r in results] == [False, True, False]
    assert "wrong shape" in results[1].error and results[1].status is PhotoStatus.FAILED


def test_settings_for_a_test_engine_need_no_workspace():
    e = Engine(Settings(), face_engine=None)
    assert e.people == [] and e.cache_key()


def test_models_load_only_when_a_photo_needs_checking(ws, tmp_path, monkeypatch):
    """ready / approve / export after a scan find every photo in the cache: no model is loaded
    (seconds and hundreds of MB). A model that cannot load fails each photo clearly, once."""
    import photovet.core.pipeline as pipeline
    from photovet.core.errors import ModelError

    loads: list[str] = []

    photo = make_photo(tmp_path / "p.jpg")
    monkeypatch.setattr(pipeline, "_MODELS", {})
    engine = Engine.load(ws.settings, ws.register, text=False, cache=ws.cache, reviews=ws.reviews)
    assert isinstance(engine.face_engine, pipeline.LazyModel) and not engine.face_engine.loaded
    # a stand-in loader for the real detector (the test knows the faces)
    engine.face_engine = pipeline.LazyModel(("faces", "test"), lambda: (loads.append("faces"),
                                                                         FakeFaceEngine())[1])
    assert engine.analyse(photo).faces_checked and loads == ["faces"]

    again = Engine.load(ws.settings, ws.register, text=False, cache=ws.cache, reviews=ws.reviews)
    assert again.analyse(photo).faces_checked           # from the cache
    assert not again.face_engine.loaded                 # the real detector never loaded

    calls = []

    def broken():
        calls.append(1)
        raise ModelError("the face detector model is missing")

    failing = Engine(ws.settings, register=ws.register,
                     face_engine=pipeline.LazyModel(("faces", "broken"), broken))
    first = failing.analyse(photo, use_cache=False)
    second = failing.analyse(photo, use_cache=False)
    assert "model is missing" in first.error and "model is missing" in second.error
    assert not first.faces_checked and calls == [1]     # tried once, not per photo


def test_the_face_models_give_their_buffers_back_before_the_text_is_read(ws, tmp_path):
    """Stage by stage: the face models' working memory is given back once the photo's faces are
    found and encoded, before the text models run on it."""
    steps = []

    class Faces(FakeFaceEngine):
        def detect(self, image):
            steps.append("detect")
            return super().detect(image)

        def encode(self, image, faces, model=None):
            steps.append("encode")
            return super().encode(image, faces, model)

        def give_back(self):
            steps.append("give back")

    class Text:
        def read(self, image, focus=()):
            steps.append("read")
            return []

    engine = Engine(ws.settings, register=ws.register, face_engine=Faces(), text_engine=Text(),
                    cache=None, reviews=ws.reviews)
    a = engine.analyse(make_photo(tmp_path / "p.jpg"))
    assert not a.error and len(a.faces) == 2
    assert steps == ["detect", "encode", "give back", "read"]


def test_an_export_under_the_same_batch_name_into_another_folder_is_exported_there(
        ws, engine, tmp_path):
    """Exporting a batch again into another folder (a USB stick) writes the files there,
    each with its own export record; the same folder again still skips what is there (an
    export that stopped carries on). The second export goes through the same approval check:
    an approval that no longer matches holds it back (an audit saw 'already exported', with
    the files of the first folder, and nothing in the new one)."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    act_as(ws, "Mrs Office")
    first = _export_with_approvals(ws, engine, photo, web, tmp_path / "out")()
    assert first.ok and Path(first.output).parent == tmp_path / "out"
    # the same folder again (written another way): nothing twice
    (tmp_path / "x").mkdir()
    again = _export_with_approvals(ws, engine, photo, web, tmp_path / "x" / ".." / "out")()
    assert again.ok and again.output == first.output
    assert len(list((tmp_path / "out").iterdir())) == 1
    assert len(ws.records.exports(batch="Trip 2026")) == 1
    # another folder: exported there, recorded as an export of its own
    usb = _export_with_approvals(ws, engine, photo, web, tmp_path / "usb")()
    assert usb.ok, usb.error
    assert Path(usb.output).parent == tmp_path / "usb" and Path(usb.output).is_file()
    assert not usb.same_as
    recs = ws.records.exports(batch="Trip 2026")
    assert sorted(Path(r.output_path).parent.name for r in recs) == ["out", "usb"]
    # the approval no longer matches: held back from a third folder, like any export
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    ws.reviewer().face(a, 0, "cover", web)
    held = _export_with_approvals(ws, engine, photo, web, tmp_path / "stick2")()
    assert not held.ok and "review changed after it was approved" in held.error
    assert list((tmp_path / "stick2").iterdir()) == []
    # ... and from the first folder too (nothing 'already exported' slips through)
    held = _export_with_approvals(ws, engine, photo, web, tmp_path / "out")()
    assert not held.ok and "review changed after it was approved" in held.error
