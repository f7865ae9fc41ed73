"""Twins and look-alikes with different consent (the s27 audit, item 2): Grace (Facebook: Yes)
and Hope (Facebook: No) Bennett share a Family ID and a date of birth and look alike. A face
PhotoVet is not certain is Grace, with Hope near it too, was shown with one click on "Yes, it is
Grace": no reason, Hope not mentioned, the approver told only "Shown: Grace Bennett".

Now: the matcher records on the face who else it is near (``Face.near``); policy asks a reason
before such a face is confirmed as Grace while Hope may not be shown here, keeps it as named by
hand with whom it could also be (``HAND_LOOKALIKE``, ``hand_note``), and it is never approved in
bulk; an enrolment warns when a new portrait is almost the same face as someone enrolled.

Signatures are made up (unit vectors and points at chosen distances), as in test_lookalikes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from photovet.core import policy
from photovet.core.errors import ApprovalError
from photovet.core.models import NO, YES, Channel, Face, MatchStatus, Person, PhotoAnalysis
from photovet.core.pipeline import Engine
from photovet.core.review import ReviewRefused
from photovet.core.settings import Recognition
from photovet.core.vision.faces import SFACE
from photovet.core.vision.faces.matching import FaceMatcher, thresholds_from_settings
from photovet.core.workspace import Workspace
from tests.conftest import act_as, office_access
from tests.core.test_lookalikes import Faces, _between, _photo, _unit

ON = dt.date(2026, 11, 21)
FB = Channel("facebook", "Facebook", names="first")
GRACE, HOPE, RORY = "G100000000001", "H100000000002", "R100000000003"
REGISTER = ("UPN,Surname,Forename,Year,DOB,Consent: School Website,Consent: Facebook,Family ID\n"
            f"{GRACE},Bennett,Grace,Year 3,04/05/2019,Yes,Yes,F100\n"
            f"{HOPE},Bennett,Hope,Year 3,04/05/2019,Yes,No,F100\n"
            f"{RORY},Quinn,Rory,Year 3,11/01/2019,Yes,Yes,F200\n")

#: Grace's and Hope's enrolled signatures are 0.5 apart (twins); Rory is far from both
SIG_GRACE = _unit(1)
_dir = _unit(2) - _unit(2).dot(SIG_GRACE) * SIG_GRACE
SIG_HOPE = SIG_GRACE + 0.5 * _dir / np.linalg.norm(_dir)
SIG_RORY = _unit(3)
#: a face 0.78 from Grace and 0.88 from Hope: under Grace's threshold but not by the margin a
#: look-alike needs, so UNCERTAIN (is this Grace?), and Hope within her threshold + band
PROBE = _between(SIG_GRACE, SIG_HOPE, 0.78, 0.88)


def pupil(pid: str, first: str, fb: str, family: str = "F100",
          dob: dt.date | None = dt.date(2019, 5, 4)) -> Person:
    return Person(id=pid, legal_forename=first, legal_surname="Bennett", role="pupil",
                  photo_consent={"facebook": fb}, video_consent={"facebook": fb},
                  enrolled=True, family=family, date_of_birth=dob)


GRACE_ROW = pupil(GRACE, "Grace", YES)
HOPE_ROW = pupil(HOPE, "Hope", NO)


def uncertain_grace(**kw) -> Face:
    return Face(box=(10, 10, 50, 50), score=0.95, person=GRACE, distance=0.78,
                match_status=MatchStatus.UNCERTAIN.value, near=[(HOPE, 0.88)], **kw)


NEAR = {HOPE: HOPE_ROW}


# --- the matcher records who else a face is near ---------------------------------------------

def test_the_matcher_records_the_twin_near_an_uncertain_face():
    m = FaceMatcher({SFACE: [(GRACE, SIG_GRACE), (HOPE, SIG_HOPE), (RORY, SIG_RORY)]},
                    thresholds_from_settings(Recognition()),
                    families={GRACE: "F100", HOPE: "F100", RORY: "F200"})
    assert HOPE in m.lookalikes[GRACE]
    match = m.match(PROBE, SFACE)
    assert match.status is MatchStatus.UNCERTAIN and match.person == GRACE
    assert [p for p, _d in match.near] == [HOPE]           # Rory is nowhere near
    assert match.near[0][1] == pytest.approx(0.88, abs=1e-6)


def test_the_face_keeps_near_through_the_cache_and_its_dict():
    f = uncertain_grace()
    assert Face.from_dict(f.to_dict()).near == [(HOPE, 0.88)]
    assert f.detected().near == [(HOPE, 0.88)]           # what the analysis cache keeps
    a = PhotoAnalysis(path="x.jpg", faces=[f])
    assert PhotoAnalysis.from_dict(a.detected().to_dict()).faces[0].near == [(HOPE, 0.88)]


# --- policy ------------------------------------------------------------------------------------

def test_confirming_the_consented_twin_needs_a_reason_that_names_the_other():
    f = uncertain_grace()
    why = policy.face_override_refusal("assign", f, GRACE_ROW, FB, "photo", "consent", ON, "",
                                       recognised=GRACE_ROW, near=NEAR)
    assert why is not None
    assert "could also be Hope Bennett, Grace's twin (Facebook: No)" in why
    assert "Say why this is Grace Bennett" in why
    assert policy.face_override_refusal("assign", f, GRACE_ROW, FB, "photo", "consent", ON,
                                        "Hope wore the red coat today: checked with Mrs Lee",
                                        recognised=GRACE_ROW, near=NEAR) is None
    # the question itself says it, before anyone clicks
    d = policy.decide_face(f, GRACE_ROW, FB, "photo", "consent", ON, recognised=GRACE_ROW,
                           near=NEAR)
    assert f.near_note == "It could also be Hope Bennett, Grace's twin (Facebook: No)"
    assert d.action == "cover" and d.needs_review


def test_a_twin_who_may_be_shown_too_asks_nothing_more():
    hope_yes = dataclasses.replace(HOPE_ROW, photo_consent={"facebook": YES})
    f = uncertain_grace()
    assert policy.face_override_refusal("assign", f, GRACE_ROW, FB, "photo", "consent", ON, "",
                                        recognised=GRACE_ROW, near={HOPE: hope_yes}) is None
    f.override_person = GRACE
    d = policy.decide_face(f, GRACE_ROW, FB, "photo", "consent", ON, recognised=GRACE_ROW,
                           near={HOPE: hope_yes})
    assert d.action == "show" and f.hand_named == "" and f.near_note == ""


def test_a_near_person_whose_row_is_not_given_counts_as_refused():
    """Fail closed: a caller that does not give the rows of the people near still asks."""
    f = uncertain_grace()
    assert policy.face_override_refusal("assign", f, GRACE_ROW, FB, "photo", "consent", ON, "",
                                        recognised=GRACE_ROW)


def test_show_this_face_on_an_uncertain_face_that_may_be_a_refused_child_is_refused():
    """'Show this face...' with any reason showed the face PhotoVet was not sure was Grace,
    with Hope (Facebook: No) near it, and never named Hope: it was marked only 'Shown by hand'
    and could be approved in bulk. Such a face is named (Who is this?: a reason, kept as named
    by hand) or stays covered."""
    f = uncertain_grace()
    why = policy.face_override_refusal("show", f, GRACE_ROW, FB, "photo", "consent", ON,
                                       "a parent helper, checked", near=NEAR)
    assert why is not None and "Hope Bennett" in why and "(Facebook: No)" in why
    assert "Who is this?" in why
    # its nearest match refused (Hope the uncertain one, Grace near): refused too
    f2 = Face(box=(10, 10, 50, 50), score=0.95, person=HOPE, distance=0.78,
              match_status=MatchStatus.UNCERTAIN.value, near=[(GRACE, 0.88)])
    why2 = policy.face_override_refusal("show", f2, HOPE_ROW, FB, "photo", "consent", ON,
                                        "checked", near={GRACE: GRACE_ROW})
    assert why2 is not None and why2.startswith("This face may be Hope Bennett")
    # nobody refused near it (Hope may be shown too): a reason shows it, as before
    hope_yes = dataclasses.replace(HOPE_ROW, photo_consent={"facebook": YES})
    assert policy.face_override_refusal("show", f, GRACE_ROW, FB, "photo", "consent", ON,
                                        "an adult helper who agreed",
                                        near={HOPE: hope_yes}) is None
    # one question, one answer: the app is told it is refused whatever the reason
    ask = policy.face_override_ask("show", f, GRACE_ROW, FB, "photo", "consent", ON, near=NEAR)
    assert ask.refused and "Hope Bennett" in ask.words


def test_a_confirmation_without_a_reason_is_not_used_and_with_one_is_told_to_the_approver():
    f = uncertain_grace(override_person=GRACE, assigned_by="Mrs Jane Okafor")
    d = policy.decide_face(f, GRACE_ROW, FB, "photo", "consent", ON, recognised=GRACE_ROW,
                           near=NEAR)
    assert d.action == "cover" and d.needs_review and "Hope Bennett" in f.refused
    f.assign_reason = "checked with Mrs Lee"
    d = policy.decide_face(f, GRACE_ROW, FB, "photo", "consent", ON, recognised=GRACE_ROW,
                           near=NEAR)
    assert d.action == "show" and "named by hand" in d.reason
    f.decision = d.action
    assert f.hand_named == policy.HAND_LOOKALIKE
    assert f.hand_note == ("Confirmed by hand by Mrs Jane Okafor: PhotoVet thought it might be "
                           "Grace Bennett (Facebook: Yes), not certain; it could also be Hope "
                           "Bennett, Grace's twin (Facebook: No). Reason: \u201cchecked with "
                           "Mrs Lee\u201d")
    a = PhotoAnalysis(path="x.jpg", faces=[f])
    assert "could also be someone who may not be shown here" in policy.hand_named_refusal(a)


def test_a_sibling_and_a_look_alike_are_said_as_such():
    sister = pupil(HOPE, "Hope", NO, dob=dt.date(2017, 1, 2))
    stranger = dataclasses.replace(sister, legal_surname="Quinn", family="")
    assert policy.relation_words(sister, GRACE_ROW) == "in Grace's family"
    assert policy.relation_words(stranger, GRACE_ROW) == "who looks like Grace"
    assert policy.relation_words(HOPE_ROW, GRACE_ROW) == "Grace's twin"


# --- through the register, the review store and the approval ------------------------------------

def twins_workspace(tmp_path: Path) -> Workspace:
    ws = Workspace.open(tmp_path / "home", access=office_access("Mrs Jane Okafor"))
    ws.settings.text.enabled = False
    ws.settings.approval.required = True
    csv = tmp_path / "mis.csv"
    csv.write_text(REGISTER, encoding="utf-8")
    assert ws.import_register(csv, today=ON).applied
    ws.register.store_signatures({GRACE: [(SIG_GRACE, "g.jpg")], HOPE: [(SIG_HOPE, "h.jpg")],
                                  RORY: [(SIG_RORY, "r.jpg")]}, replace=True, source="test",
                                 model=SFACE)
    return ws


def twins_engine(ws: Workspace) -> Engine:
    return Engine(ws.settings, register=ws.register, reviews=ws.reviews, cache=ws.cache,
                  face_engine=Faces([((40, 40, 80, 80), {SFACE: PROBE})]))


def test_yes_it_is_grace_needs_a_reason_is_flagged_and_never_approved_in_bulk(tmp_path):
    ws = twins_workspace(tmp_path)
    try:
        engine = twins_engine(ws)
        fb = ws.channels.get("facebook")
        photo = _photo(tmp_path, "d4.jpg")
        a = engine.decide(engine.analyse(photo), fb, on=ON)
        f = a.faces[0]
        assert (f.match_status, f.person) == ("uncertain", GRACE)
        assert [p for p, _ in f.near] == [HOPE]
        assert f.needs_review and f.decision == "cover"
        assert f.near_note == "It could also be Hope Bennett, Grace's twin (Facebook: No)"
        reviewer = ws.reviewer()
        # the card's "Yes, it is Grace": refused without a reason, nothing stored
        with pytest.raises(ReviewRefused, match="could also be Hope Bennett, Grace's twin"):
            reviewer.face(a, 0, "assign", fb, person=GRACE)
        assert ws.reviews.load(a.sha256, "*").empty
        reviewer.face(a, 0, "assign", fb, person=GRACE, reason="the class teacher knows them by the fringe")
        row = [r for r in ws.audit.rows() if r["action"] == "review.face-assign"][-1]
        assert row["details"]["could_also_be"] == [HOPE]
        # after a restart (a fresh engine, the cache read back): shown, named by hand
        again = twins_engine(ws)
        b = again.decide(again.analyse(photo), fb, on=ON)
        g = b.faces[0]
        assert g.decision == "show" and g.hand_named == policy.HAND_LOOKALIKE
        assert "Confirmed by hand by Mrs Jane Okafor" in g.hand_note
        assert "Hope Bennett, Grace's twin (Facebook: No)" in g.hand_note
        assert policy.hand_named_shown(b) == [(GRACE, policy.HAND_LOOKALIKE, g.hand_note)]
        ws.approvals.mark_ready(b)
        act_as(ws, "Mrs Karen Lowe")
        parts = again.approval_parts(b)
        checks = ws.approvals.required_checks()
        with pytest.raises(ApprovalError, match="could also be someone who may not be shown"):
            ws.approvals.approve(b, parts, checks=checks, seen_on="a contact sheet of 3",
                                 now=lambda: again.approval_now(b))
        ws.approvals.approve(b, parts, checks=checks, seen_on="the photo, opened",
                             hand_named_checked=True, now=lambda: again.approval_now(b))
        assert ws.approvals.check(b, again.approval_parts(b)).ok
    finally:
        ws.close()


def test_the_scan_command_names_the_twin_on_the_face_line(tmp_path, monkeypatch):
    from photovet.cli import cli

    ws = twins_workspace(tmp_path)
    ws.create_first_admin("Office Admin", "staple battery office horse")
    ws.close()
    monkeypatch.setenv("PHOTOVET_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PHOTOVET_USER", "Office Admin")
    monkeypatch.setenv("PHOTOVET_PASSWORD", "staple battery office horse")
    make = lambda w, text=True: twins_engine(w)  # noqa: E731
    monkeypatch.setattr("photovet.cli.common.load_engine", make)
    monkeypatch.setattr("photovet.cli.photos.load_engine", make)
    r = CliRunner().invoke(cli, ["scan", str(_photo(tmp_path, "d4.jpg")), "--channel",
                                 "facebook", "--no-text"])
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if "Grace?" in x)
    assert "[It could also be Hope Bennett, Grace's twin (Facebook: No)]" in line


# --- enrolment warns ----------------------------------------------------------------------------

class Portraits:
    """A stand-in enrolment encoder: one portrait's face, with the signature the test says."""

    signature_model = SFACE

    def __init__(self, sig: np.ndarray):
        self.sig = sig

    def portrait_faces(self, image):
        return [((5, 5, 50, 50), self.sig, 0.95)]


def _portraits(folder: Path, people: dict[str, np.ndarray]) -> Portraits:
    """A folder with one portrait (``<id>.png``) and the encoder that reads it."""
    (pid, sig), = people.items()
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 64)).save(folder / f"{pid}.png")
    return Portraits(sig)


def test_enrolling_a_portrait_almost_the_same_face_as_someone_enrolled_warns(tmp_path):
    ws = Workspace.open(tmp_path / "home", access=office_access("Mrs Jane Okafor"))
    try:
        ws.settings.text.enabled = False
        csv = tmp_path / "mis.csv"
        csv.write_text(REGISTER, encoding="utf-8")
        assert ws.import_register(csv, today=ON).applied
        ws.register.store_signatures({HOPE: [(SIG_HOPE, "h.jpg")], RORY: [(SIG_RORY, "r.jpg")]},
                                     replace=True, source="test", model=SFACE)
        rep = ws.register.enrol_folder(tmp_path / "new", _portraits(tmp_path / "new",
                                                                    {GRACE: SIG_GRACE}))
        assert rep.enrolled == {GRACE: 1}                      # still enrolled
        assert [(w.person_id, w.other_id) for w in rep.lookalikes] == [(GRACE, HOPE)]
        words = rep.lookalikes[0].message
        assert "Grace Bennett" in words and "Hope Bennett" in words
        assert "almost the same face" in words
        assert any("almost the same face" in line for line in rep.summary_lines())
        assert rep.to_dict()["lookalikes"][0]["other_id"] == HOPE
        # a portrait far from everyone: no warning
        rep = ws.register.enrol_folder(tmp_path / "rory", _portraits(tmp_path / "rory",
                                                                     {RORY: SIG_RORY}))
        assert rep.lookalikes == []
    finally:
        ws.close()


def test_the_enrol_command_prints_the_warning(tmp_path, monkeypatch):
    from photovet.cli import cli

    ws = Workspace.open(tmp_path / "home", access=office_access("Mrs Jane Okafor"))
    csv = tmp_path / "mis.csv"
    csv.write_text(REGISTER, encoding="utf-8")
    assert ws.import_register(csv, today=ON).applied
    ws.register.store_signatures({HOPE: [(SIG_HOPE, "h.jpg")]}, replace=True, source="test",
                                 model=SFACE)
    ws.create_first_admin("Office Admin", "staple battery office horse")
    ws.close()
    enc = _portraits(tmp_path / "new", {GRACE: SIG_GRACE})
    monkeypatch.setenv("PHOTOVET_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PHOTOVET_USER", "Office Admin")
    monkeypatch.setenv("PHOTOVET_PASSWORD", "staple battery office horse")
    monkeypatch.setattr("photovet.core.vision.faces.FaceEngine.load", lambda settings: enc)
    r = CliRunner().invoke(cli, ["register", "enrol", "--folder", str(tmp_path / "new")])
    assert r.exit_code == 0, r.output
    assert "Enrolled 1 person" in r.output
    warn = next(x for x in r.output.splitlines() if "almost the same face" in x)
    assert "Grace Bennett" in warn and "Hope Bennett" in warn


def test_a_video_track_near_a_twin_follows_the_same_rule():
    from photovet.core.models import VideoTrack

    t = VideoTrack(id=1, frames=[0, 5, 10], boxes=[(0, 0, 40, 40)] * 3, scores=[0.9] * 3,
                   match_status="uncertain", person=GRACE, near=[(HOPE, 0.9)],
                   override_person=GRACE, assigned_by="Mrs Jane Okafor")
    assert VideoTrack.from_dict(t.to_dict()).near == [(HOPE, 0.9)]
    assert t.detected().near == [(HOPE, 0.9)]
    assert policy.decide_track(t, GRACE_ROW, FB, "consent", ON, recognised=GRACE_ROW,
                               near=NEAR).action == "cover"
    assert "Hope Bennett, Grace's twin (Facebook videos: No)" in t.refused
    t.assign_reason = "checked with Mrs Lee"
    assert policy.decide_track(t, GRACE_ROW, FB, "consent", ON, recognised=GRACE_ROW,
                               near=NEAR).action == "show"
    assert t.hand_named == policy.HAND_LOOKALIKE and "Hope Bennett" in t.hand_note
    # the track's crops: the other people any crop was near, each at its nearest
    from photovet.core.media.video.analysis import near_of
    from photovet.core.models import Match

    crops = [Match(MatchStatus.UNCERTAIN, GRACE, 0.8, 0.05, [(HOPE, 0.92)]),
             Match(MatchStatus.UNCERTAIN, HOPE, 0.84, 0.02, [(GRACE, 0.86)])]
    assert near_of(crops, GRACE) == [(HOPE, 0.84)]
