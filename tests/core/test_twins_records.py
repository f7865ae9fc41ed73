"""A face confirmed as one twin may be the other (s28): Grace and Hope Bennett are twins; a face
PhotoVet is not certain is Grace, with Hope near it, is confirmed "Yes, it is Grace", exported
and posted. The records said the photo shows Grace only, so Hope's subject access report did
not list it and her withdrawal did not put it on the take-down list.

Now the export records who a face shown may be besides whom it is shown as
(``policy.maybe_shown``, ``ExportRecord.people_maybe``): Hope's report lists the photo as one
that may show her, never naming Grace; her withdrawal (or do not photograph) puts it on the
take-down list with that reason, unless she was already refused for that same reason when it was
exported (staff confirmed Grace knowing it, with a reason, and an approver looked at it alone).
Grace's own report and list are as before; a face not near Hope never counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from pathlib import Path

from photovet.core import policy
from photovet.core.models import NO, YES, Channel, Face, MatchStatus, VideoTrack
from photovet.core.pipeline import Engine, export_batch
from photovet.core.vision.faces import SFACE
from photovet.core.workspace import Workspace
from tests.conftest import act_as, office_access
from tests.core.test_lookalikes import Faces, _photo
from tests.core.test_twins import (
    GRACE,
    GRACE_ROW,
    HOPE,
    HOPE_ROW,
    PROBE,
    RORY,
    SIG_GRACE,
    SIG_HOPE,
    SIG_RORY,
    uncertain_grace,
)

ON = dt.date.today()
DATES_FROM_TODAY = {"ON": 0}  # set again on the day each test runs (tests/conftest.py)


def _register(hope_fb: str) -> str:
    return ("UPN,Surname,Forename,Year,DOB,Consent: School Website,Consent: Facebook,"
            "Family ID\n"
            f"{GRACE},Bennett,Grace,Year 3,04/05/2019,Yes,Yes,F100\n"
            f"{HOPE},Bennett,Hope,Year 3,04/05/2019,Yes,{hope_fb},F100\n"
            f"{RORY},Quinn,Rory,Year 3,11/01/2019,Yes,Yes,F200\n")


def _workspace(tmp_path: Path, hope_fb: str = "Yes") -> Workspace:
    ws = Workspace.open(tmp_path / "home", access=office_access("Mrs Jane Okafor"))
    ws.settings.text.enabled = False
    ws.settings.approval.required = True
    csv = tmp_path / "mis.csv"
    csv.write_text(_register(hope_fb), encoding="utf-8")
    assert ws.import_register(csv, today=ON).applied
    ws.register.store_signatures({GRACE: [(SIG_GRACE, "g.jpg")], HOPE: [(SIG_HOPE, "h.jpg")],
                                  RORY: [(SIG_RORY, "r.jpg")]}, replace=True, source="test",
                                 model=SFACE)
    return ws


def _engine(ws: Workspace, faces: list | None = None) -> Engine:
    """Every photo has the face PhotoVet is not certain is Grace (Hope near), and Rory (far
    from both, recognised) beside it."""
    faces = faces or [((40, 40, 80, 80), {SFACE: PROBE}),
                      ((200, 40, 80, 80), {SFACE: SIG_RORY + 0.01})]
    return Engine(ws.settings, register=ws.register, reviews=ws.reviews, cache=ws.cache,
                  face_engine=Faces(faces))


def _export_posted(ws: Workspace, tmp_path: Path, name: str, *, reason: str = "",
                   faces: list | None = None, while_copying=None, post: bool = True,
                   held: list | None = None) -> int:
    """Check ``name``, confirm its uncertain face as Grace, approve, export and post it on
    Facebook; the export record's id. ``while_copying``: (monkeypatch, change): the change is
    made while the export is rendered, after it was decided. ``held``: receives the export's
    results instead of asserting it was exported (-1 returned when it was not)."""
    engine = _engine(ws, faces)
    fb = ws.channels.get("facebook")
    photo = _photo(tmp_path, name)
    a = engine.decide(engine.analyse(photo), fb, on=ON)
    grace = next(i for i, f in enumerate(a.faces) if f.person == GRACE)
    assert a.faces[grace].match_status == MatchStatus.UNCERTAIN.value
    act_as(ws, "Mrs Jane Okafor")
    ws.reviewer().face(a, grace, "assign", fb, person=GRACE, reason=reason)
    a = engine.decide(engine.analyse(photo), fb, on=ON)
    assert a.faces[grace].decision == "show" and a.faces[grace].who == GRACE
    ws.approvals.mark_ready(a, batch="Trip")
    act_as(ws, "Mrs Karen Lowe")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         seen_on="the photo, opened", hand_named_checked=True,
                         now=lambda: engine.approval_now(a))
    act_as(ws, "Mrs Jane Okafor")
    out = tmp_path / f"out-{name}"
    out.mkdir()
    if while_copying is not None:
        from photovet.core.media import export as photo_export

        monkeypatch, change = while_copying
        real = photo_export.render

        def render(*args, **kwargs):
            change()
            return real(*args, **kwargs)

        monkeypatch.setattr(photo_export, "render", render)
    results = [s.result for s in export_batch([a], out, label="Trip", engine=engine,
                                              channel=fb, records=ws.records,
                                              approvals=ws.approvals)
               if s.result is not None]
    if held is not None:
        held.extend(results)
        if not all(r.ok for r in results):
            return -1
    assert [r.ok for r in results] == [True], [r.error for r in results]
    [rec] = [r for r in ws.records.exports() if r.source_path.endswith(name)]
    if post:
        assert ws.records.mark_posted(files=[Path(rec.output_path)], channel="facebook",
                                      url="https://fb.example/trip") == 1
    return rec.id


def text_of(path: Path) -> str:
    doc = path.read_text(encoding="utf-8")
    body = re.sub(r"<style>.*?</style>", " ", doc, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# --- policy ------------------------------------------------------------------------------------

def test_a_face_shown_as_grace_with_hope_near_may_be_hope():
    f = uncertain_grace(override_person=GRACE, decision="show")
    assert policy.maybe_shown(f) == [(HOPE, policy.MAYBE_NEAR)]
    # covered: it shows nobody
    assert policy.maybe_shown(dataclasses.replace(f, decision="cover")) == []
    # named as Hope over PhotoVet's uncertain Grace: it may be Grace
    assert policy.maybe_shown(dataclasses.replace(f, override_person=HOPE)) == [
        (GRACE, policy.MAYBE_NEAR)]
    # recognised as Grace and shown, nobody renamed it: the matcher was certain
    sure = Face(box=(0, 0, 9, 9), score=0.9, person=GRACE, match_status="recognised",
                near=[(HOPE, 0.9)], decision="show")
    assert policy.maybe_shown(sure) == []
    # recognised as Hope, named as Grace by hand: it may be Hope, as PhotoVet recognised
    renamed = dataclasses.replace(sure, person=HOPE, override_person=GRACE, near=[])
    assert policy.maybe_shown(renamed) == [(HOPE, policy.MAYBE_RECOGNISED)]
    # a face nobody is near: nobody else
    assert policy.maybe_shown(dataclasses.replace(f, near=[])) == []
    # a video track follows the same rule
    t = VideoTrack(id=1, frames=[0], boxes=[(0, 0, 9, 9)], scores=[0.9], match_status="uncertain",
                   person=GRACE, near=[(HOPE, 0.9)], override_person=GRACE, decision="show")
    assert policy.maybe_shown(t) == [(HOPE, policy.MAYBE_NEAR)]


def test_a_twin_already_refused_when_exported_comes_down_only_for_a_new_reason():
    fb = Channel("facebook", "Facebook")
    then = policy.consent_missing(HOPE_ROW, fb, "photo", ON)
    assert then == "Consent refused for Facebook"
    assert policy.maybe_consent_missing(HOPE_ROW, fb, "photo", ON, missing_then=then) is None
    dnp = dataclasses.replace(HOPE_ROW, do_not_photograph=True)
    assert policy.maybe_consent_missing(dnp, fb, "photo", ON, missing_then=then) == \
        policy.REASON_DNP
    yes_then = dataclasses.replace(HOPE_ROW, photo_consent={"facebook": YES})
    assert policy.maybe_consent_missing(yes_then, fb, "photo", ON) is None
    assert policy.maybe_consent_missing(HOPE_ROW, fb, "photo", ON) == then
    # another channel's post: nothing was known of it when exported (fail closed)
    assert policy.maybe_consent_missing(GRACE_ROW, fb, "photo", ON) is None


# --- through the register, an export, a post ----------------------------------------------------

def test_hope_withdrawing_takes_down_the_photo_confirmed_as_grace(tmp_path):
    ws = _workspace(tmp_path, hope_fb="Yes")
    try:
        rid = _export_posted(ws, tmp_path, "trip.jpg")
        rec = ws.records.get(rid)
        assert sorted(rec.people_shown) == sorted([GRACE, RORY])
        assert list(rec.people_maybe) == [HOPE]                 # Rory's face is near nobody
        m = rec.people_maybe[HOPE]
        assert (m.named_as, m.how, m.missing_then) == (GRACE, "near", "")
        assert ws.takedown() == []
        ws.register.set_consent(HOPE, "facebook", NO, requested_by="Mrs Bennett (mother)",
                                requested_on=ON)
        [item] = ws.takedown()
        assert item.export_id == rid and item.people == [HOPE] and item.status == "posted"
        assert item.names == {HOPE: "Hope Bennett"}
        assert item.reasons[HOPE] == (
            "A face in it may be Hope Bennett (staff named it as another person): consent "
            f"withdrawn on {ON:%d/%m/%Y} (requested by Mrs Bennett (mother))")
        assert [i.id for i in ws.takedown(person=HOPE)] == [item.id]
        assert ws.takedown(person=GRACE) == [] and ws.takedown(person=RORY) == []
        # posting it again is recorded (it happened), flagged, and says why in a sentence
        flagged: list = []
        assert ws.records.mark_posted(files=[Path(rec.output_path)], channel="facebook",
                                      not_allowed=flagged) == 1
        [(_f, why)] = flagged
        assert ("is on the take-down list (since " in why
                and "because a face in it may be Hope Bennett (staff named it as another "
                "person), and Hope Bennett's consent for Facebook was withdrawn on "
                f"{ON:%d/%m/%Y}" in why)
        assert [i.id for i in ws.takedown()] == [item.id]
    finally:
        ws.close()


def test_an_approval_does_not_carry_over_a_new_person_a_face_may_be(tmp_path):
    """A face confirmed as Grace (Hope near) is approved; then their sister Ivy is enrolled,
    near that face too. Checked again, the photo publishes the same covers and faces, but the
    face may now be Ivy, which the approver never saw: the approval no longer counts (an
    approval carried over a register change signs who else each face shown may be)."""
    import numpy as np

    from tests.core.test_twins import SIG_GRACE, SIG_HOPE

    ws = _workspace(tmp_path, hope_fb="Yes")
    try:
        _export_posted(ws, tmp_path, "trip.jpg", post=False)
        engine = _engine(ws)
        csv = tmp_path / "mis2.csv"
        csv.write_text(_register("Yes") + "U900,Bennett,Ivy,Year 3,04/05/2019,Yes,Yes,F100\n",
                       encoding="utf-8")
        assert ws.import_register(csv, today=ON).applied
        sig = (SIG_GRACE + SIG_HOPE) / 2
        ws.register.store_signatures({"U900": [(sig / np.linalg.norm(sig)
                                                * np.linalg.norm(SIG_GRACE), "i.jpg")]},
                                     replace=True, source="test", model=SFACE)
        engine.reload_register()
        fb = ws.channels.get("facebook")
        a = engine.decide(engine.analyse(_photo(tmp_path, "trip.jpg")), fb, on=ON)
        parts = engine.approval_parts(a)
        signed = ws.approvals.get(a.sha256, "facebook").parts
        assert parts["publication"] == signed["publication"]          # the same faces shown
        verdict = ws.approvals.check(a, parts, name_of=engine.name_of)
        assert not verdict.ok
        assert "a face shown may now be Ivy Bennett, which was not approved" in verdict.why
    finally:
        ws.close()


def test_hopes_report_lists_the_photo_without_naming_grace(tmp_path):
    ws = _workspace(tmp_path, hope_fb="Yes")
    try:
        rid = _export_posted(ws, tmp_path, "trip.jpg")
        hope = text_of(ws.subject_access_report(HOPE, tmp_path / "hope.html"))
        part = hope[hope.index("Photos that may show this person (1)"):
                    hope.index("Take-down list (")]
        assert "trip.jpg" in part
        assert ("PhotoVet could not tell a face in this photo from this person's face, and a "
                "member of staff named that face as another person.") in part
        assert "posted on Facebook on" in part and "https://fb.example/trip" in part
        assert "Grace" not in hope                                  # never the other twin
        assert "Photos exported (0)" in hope
        # withdrawn: the report says it is on the take-down list, and why
        ws.register.set_consent(HOPE, "facebook", NO, requested_by="Mrs Bennett (mother)",
                                requested_on=ON)
        hope = text_of(ws.subject_access_report(HOPE, tmp_path / "hope2.html"))
        assert "Take-down list (1 to do)" in hope and "May show them 1" in hope
        assert "A face in it may be Hope Bennett (staff named it as another person)" in hope
        assert "Grace" not in hope
        row = ws.audit.rows(action="sar.created")[-1]
        assert row["details"]["may_show"] == [rid]
        # Grace's report: her photo as before, and nothing that may show her
        grace = text_of(ws.subject_access_report(GRACE, tmp_path / "grace.html"))
        assert "Photos exported (1)" in grace and "Face shown" in grace
        assert "Photos that may show this person (0)" in grace
        assert "Hope" not in grace
    finally:
        ws.close()


def test_a_twin_refused_when_confirmed_with_a_reason_stays_up_until_something_changes(tmp_path):
    ws = _workspace(tmp_path, hope_fb="No")
    try:
        rid = _export_posted(ws, tmp_path, "trip.jpg",
                             reason="the class teacher: the fringe, the twin was off sick")
        m = ws.records.get(rid).people_maybe[HOPE]
        assert m.missing_then == "Consent refused for Facebook"
        assert ws.takedown() == []            # known and vouched for when it was exported
        ws.register.set_do_not_photograph(HOPE, True, requested_by="Mrs Bennett (mother)",
                                          requested_on=ON)
        [item] = ws.takedown()
        assert item.export_id == rid and item.people == [HOPE]
        assert item.reasons[HOPE].startswith(
            "A face in it may be Hope Bennett (staff named it as another person): on the "
            "do-not-photograph list since")
    finally:
        ws.close()


def test_a_twin_refused_at_export_then_given_consent_then_withdrawn_comes_down(tmp_path):
    """Hope was No when the face was confirmed as Grace (with a reason) and exported; her
    family then said Yes, and later withdrew it. Her reason now reads as it did at export
    ("Consent refused for Facebook"), but the withdrawal came after the export: listed."""
    ws = _workspace(tmp_path, hope_fb="No")
    try:
        rid = _export_posted(ws, tmp_path, "trip.jpg",
                             reason="the class teacher: the fringe, the twin was off sick")
        assert ws.records.get(rid).people_maybe[HOPE].missing_then == \
            "Consent refused for Facebook"
        assert ws.takedown() == []
        ws.register.set_consent(HOPE, "facebook", YES)
        assert ws.takedown() == []                      # consent given: nothing to take down
        ws.register.set_consent(HOPE, "facebook", NO, requested_by="Mrs Bennett (mother)",
                                requested_on=ON)
        [item] = ws.takedown()
        assert item.export_id == rid and item.people == [HOPE] and item.status == "posted"
        assert item.reasons[HOPE] == (
            "A face in it may be Hope Bennett (staff named it as another person): consent "
            f"withdrawn on {ON:%d/%m/%Y} (requested by Mrs Bennett (mother))")
        # posted again all the same: recorded (it happened), flagged, still on the list
        flagged: list = []
        assert ws.records.mark_posted(files=[Path(ws.records.get(rid).output_path)],
                                      channel="facebook", url="https://fb.example/again",
                                      not_allowed=flagged) == 1
        assert "may be Hope Bennett" in flagged[0][1]
        assert [i.id for i in ws.takedown()] == [item.id]
    finally:
        ws.close()


def _withdrawn_then_exported(ws: Workspace, tmp_path: Path) -> int:
    """Hope's Facebook consent withdrawn an hour ago, then the face confirmed as Grace (with a
    reason), exported and posted: the export record's id."""
    ws.register.set_consent(HOPE, "facebook", NO, requested_by="Mrs Bennett (mother)",
                            requested_on=ON)
    hour_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    ws.db.execute("UPDATE consent_history SET time = ? WHERE person_id = ?", [hour_ago, HOPE])
    return _export_posted(ws, tmp_path, "trip.jpg",
                          reason="the class teacher: the fringe, the twin was off sick")


def test_a_twin_withdrawn_before_the_export_was_decided_stays_up(tmp_path):
    """Hope's consent was withdrawn an hour before the face was confirmed as Grace (with a
    reason) and exported: known when it was decided, nothing changed since, not listed."""
    ws = _workspace(tmp_path, hope_fb="Yes")
    try:
        rid = _withdrawn_then_exported(ws, tmp_path)
        assert ws.records.get(rid).people_maybe[HOPE].missing_then != ""
        assert ws.takedown() == []
    finally:
        ws.close()


def test_a_twin_withdrawn_before_an_export_made_before_s36_is_listed_once(tmp_path):
    """An export made before s36 recorded Hope's withdrawn consent in that version's words
    ("Consent refused for Facebook"); they now read "Consent withdrawn on ...": the post was
    put on the take-down list though nothing changed since it was exported (s37). It stays
    up until a withdrawal after it, then is listed once."""
    ws = _workspace(tmp_path, hope_fb="Yes")
    try:
        rid = _withdrawn_then_exported(ws, tmp_path)
        ws.db.execute("UPDATE export_maybe SET missing_then = ? WHERE export_id = ?",
                      ["Consent refused for Facebook", rid])     # as recorded before s36
        assert ws.takedown() == []
        assert ws.takedown() == []                              # nor at the next look
        # a Yes, then a withdrawal after the export: listed, once
        ws.register.set_consent(HOPE, "facebook", YES)
        ws.register.set_consent(HOPE, "facebook", NO, requested_by="Mrs Bennett (mother)",
                                requested_on=ON)
        [item] = ws.takedown()
        assert item.export_id == rid and item.people == [HOPE]
        assert [i.id for i in ws.takedown()] == [item.id]
        # the words of before s36 are this version's only for that same consent: a No
        # recorded as not recorded then ("No consent for Facebook") is a new reason
        fb = ws.channels.get("facebook")
        hope = ws.register.person(HOPE)
        now = policy.consent_missing(hope, fb, "photo", ON)
        assert now.startswith("Consent withdrawn on ")
        assert policy.same_refusal(now, "Consent refused for Facebook", hope, fb, "photo")
        assert not policy.same_refusal(now, "No consent for Facebook", hope, fb, "photo")
        assert not policy.same_refusal(now, "Consent refused for School website", hope, fb,
                                       "photo")
        assert not policy.same_refusal(now, "", hope, fb, "photo")
    finally:
        ws.close()


def test_withdrawn_since_reads_the_consent_history():
    from photovet.core.register.reports import ConsentChange

    at = "2026-03-12T10:00:00+00:00"
    given = ConsentChange(HOPE, "facebook", NO, YES, "2026-03-12T11:00:00+00:00")
    gone = ConsentChange(HOPE, "facebook", YES, NO, "2026-03-12T12:00:00+00:00")
    assert policy.withdrawn_since([given, gone], "facebook", "photo", at)
    assert not policy.withdrawn_since([given], "facebook", "photo", at)
    assert not policy.withdrawn_since([given, gone], "facebook", "photo",
                                      "2026-03-12T13:00:00+00:00")       # before the export
    assert not policy.withdrawn_since([given, gone], "website", "photo", at)
    assert not policy.withdrawn_since([given, gone], "facebook", "video", at)
    # the same second counts as after; a time that cannot be read too (fail closed)
    assert policy.withdrawn_since([gone], "facebook", "photo", "2026-03-12T12:00:00+00:00")
    assert policy.withdrawn_since([dataclasses.replace(gone, when="garbled")], "facebook",
                                  "photo", at)
    dnp = ConsentChange(HOPE, "do_not_photograph", NO, YES, "2026-03-12T12:00:00+00:00",
                        media="any")
    assert policy.withdrawn_since([dnp], "facebook", "photo", at)
    fb = Channel("facebook", "Facebook")
    then = "Consent refused for Facebook"
    assert policy.maybe_consent_missing(HOPE_ROW, fb, "photo", ON, missing_then=then,
                                        history=[given, gone], since=at) == then
    assert policy.maybe_consent_missing(HOPE_ROW, fb, "photo", ON, missing_then=then,
                                        history=[given], since=at) is None


def test_hope_withdrawn_while_the_copy_is_made_holds_the_photo_back(tmp_path, monkeypatch):
    """Her consent was there when the export was decided and approved; withdrawn while the
    copy was being made (another PC), the last check before the file is recorded holds the
    photo back, as it does for the person shown: nothing recorded, no file left, and the
    office is told whom the face may be and why."""
    ws = _workspace(tmp_path, hope_fb="Yes")
    try:
        withdraw = lambda: ws.register.set_consent(  # noqa: E731
            HOPE, "facebook", NO, requested_by="Mrs Bennett (mother)", requested_on=ON)
        results: list = []
        assert _export_posted(ws, tmp_path, "trip.jpg", while_copying=(monkeypatch, withdraw),
                              post=False, held=results) == -1
        [res] = results
        assert not res.ok
        # the withdrawal is said as a withdrawal, on its day (s36), not "refused", and it also
        # ended the approval, which showed a face that may be hers (s36)
        assert ("consent changed (a face in it may be Hope Bennett (staff named it as another "
                f"person): consent withdrawn on {dt.date.today():%d/%m/%Y}) and its approval was "
                "withdrawn or changed while the copy was being made" in res.error), res.error
        assert ws.records.exports() == []
        assert list((tmp_path / "out-trip.jpg").iterdir()) == []
        assert ws.takedown() == []
    finally:
        ws.close()


def test_hope_given_consent_and_withdrawn_while_the_copy_is_made_holds_it_back(
        tmp_path, monkeypatch):
    """Hope was No when the export was decided (the face confirmed as Grace with a reason);
    while the copy was being made her family said Yes and withdrew it again. Her reason reads
    as it did, but a withdrawal came after the decision: held back (fail closed)."""
    ws = _workspace(tmp_path, hope_fb="No")

    def yes_then_no():
        ws.register.set_consent(HOPE, "facebook", YES)
        ws.register.set_consent(HOPE, "facebook", NO, requested_by="Mrs Bennett (mother)",
                                requested_on=ON)

    try:
        results: list = []
        assert _export_posted(ws, tmp_path, "trip.jpg", reason="the class teacher knows them by the fringe",
                              while_copying=(monkeypatch, yes_then_no), post=False,
                              held=results) == -1
        [res] = results
        assert not res.ok and "may be Hope Bennett" in res.error, res.error
        assert ws.records.exports() == []
    finally:
        ws.close()


def test_hope_refused_all_along_does_not_hold_the_export_back(tmp_path, monkeypatch):
    """Nothing about Hope changed while the copy was made (another pupil's consent did): the
    photo confirmed as Grace with a reason, Hope refused all along, is exported."""
    ws = _workspace(tmp_path, hope_fb="No")
    try:
        other = lambda: ws.register.set_consent(RORY, "website", NO)  # noqa: E731
        rid = _export_posted(ws, tmp_path, "trip.jpg", reason="the class teacher knows them by the fringe",
                             while_copying=(monkeypatch, other), post=False)
        assert ws.records.get(rid).people_maybe[HOPE].missing_then == \
            "Consent refused for Facebook"
    finally:
        ws.close()


def test_a_face_not_near_hope_never_counts(tmp_path):
    """Grace's face alone, recognised for certain: Hope is in nothing."""
    ws = _workspace(tmp_path, hope_fb="Yes")
    try:
        engine = _engine(ws, [((40, 40, 80, 80), {SFACE: SIG_GRACE + 0.001})])
        fb = ws.channels.get("facebook")
        a = engine.decide(engine.analyse(_photo(tmp_path, "g.jpg")), fb, on=ON)
        assert a.faces[0].match_status == "recognised" and a.faces[0].decision == "show"
        ws.approvals.mark_ready(a, batch="Trip")
        act_as(ws, "Mrs Karen Lowe")
        ws.approvals.approve(a, engine.approval_parts(a),
                             checks=ws.approvals.required_checks(), seen_on="the photo",
                             now=lambda: engine.approval_now(a))
        act_as(ws, "Mrs Jane Okafor")
        (tmp_path / "out").mkdir()
        list(export_batch([a], tmp_path / "out", label="Trip", engine=engine, channel=fb,
                          records=ws.records, approvals=ws.approvals))
        [rec] = ws.records.exports()
        assert rec.people_shown == [GRACE] and rec.people_maybe == {}
        ws.register.set_consent(HOPE, "facebook", NO, requested_by="Mrs Bennett (mother)",
                                requested_on=ON)
        assert ws.takedown() == []
        hope = text_of(ws.subject_access_report(HOPE, tmp_path / "hope.html"))
        assert "Photos that may show this person (0)" in hope
    finally:
        ws.close()


def test_forgetting_a_leaver_forgets_the_faces_that_may_be_them(tmp_path):
    ws = _workspace(tmp_path, hope_fb="Yes")
    try:
        rid = _export_posted(ws, tmp_path, "trip.jpg")
        assert ws.db.scalar("SELECT COUNT(*) FROM export_maybe WHERE person = ?", [HOPE]) == 1
        from photovet.core.retention import DueItem

        item = DueItem("export-records", f"person:{HOPE}", "", ON, data={"person": HOPE})
        ws.retention()._forget_in_records(item)
        assert ws.records.get(rid).people_maybe == {}
    finally:
        ws.close()
