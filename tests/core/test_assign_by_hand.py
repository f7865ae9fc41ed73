"""Saying who a face is, by hand, over what PhotoVet recognised (the s26 audit, item 1: "Who is
this?" turned Joe Harris, recognised and refused for Facebook, into Kit Hart, consented, with no
warning and no reason, and nothing the approver saw said it was done by hand).

The rules (policy.py): a face PhotoVet RECOGNISED as someone else, or took (uncertain) to be
someone else who may not be shown here, is named by hand only with a reason, after being told
whom PhotoVet recognised and their consent; the reason and who gave it are kept in the review,
audited, checked again at every decision; every screen an approver decides on says it
(``face.hand_note``); a face named by hand over a refused recognition is never approved in bulk.
The person picker's words for a leaver (item 6) come from ``policy.consent_note``."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core import policy
from photovet.core.errors import ApprovalError
from photovet.core.models import NO, YES, Channel, Face, MatchStatus, Person, VideoTrack
from photovet.core.policy import decide_face, decide_track, face_override_refusal
from photovet.core.review import FaceDecision, ReviewRefused
from tests.conftest import act_as
from tests.core.test_pipeline import LEFT, TODAY, make_photo, new_engine

ON = dt.date(2026, 11, 21)
FB = Channel("facebook", "Facebook", names="first")


def pupil(pid: str, first: str, surname: str, fb: str, **kw) -> Person:
    return Person(id=pid, legal_forename=first, legal_surname=surname, role="pupil",
                  photo_consent={"facebook": fb}, video_consent={"facebook": fb},
                  enrolled=True, **kw)


JOE = pupil("J1", "Joe", "Harris", NO)
KIT = pupil("K1", "Kit", "Hart", YES)
AMY = pupil("A1", "Amy", "Ford", YES)


def recognised(pid: str = "J1", status: MatchStatus = MatchStatus.RECOGNISED, **kw) -> Face:
    return Face(box=(10, 10, 50, 50), score=0.95, person=pid, match_status=status.value, **kw)


# --- policy: when a reason is needed, and what the person is told ---------------------------

def test_naming_a_recognised_refused_face_as_someone_else_needs_a_reason_and_says_whom():
    f = recognised()
    why = face_override_refusal("assign", f, KIT, FB, "photo", "consent", ON, "",
                                recognised=JOE)
    assert why is not None
    assert "PhotoVet recognised this face as Joe Harris (Facebook: No)" in why
    assert "Kit Hart (Facebook: Yes)" in why and "Say why" in why
    assert face_override_refusal("assign", f, KIT, FB, "photo", "consent", ON,
                                 "twins: checked with the class teacher", recognised=JOE) is None


def test_a_recognised_consented_face_named_as_someone_else_needs_a_reason_too():
    f = recognised("A1")
    assert face_override_refusal("assign", f, KIT, FB, "photo", "consent", ON, "",
                                 recognised=AMY)
    # the recognised person themself: a confirmation, nothing to explain
    assert face_override_refusal("assign", f, AMY, FB, "photo", "consent", ON, "",
                                 recognised=AMY) is None


def test_an_unknown_face_or_a_consented_look_alike_is_named_without_a_reason():
    unknown = Face(box=(10, 10, 50, 50), score=0.9)
    assert face_override_refusal("assign", unknown, KIT, FB, "photo", "consent", ON, "") is None
    # uncertain, nearest is someone who may be shown: naming someone else loosens nothing
    near_amy = recognised("A1", MatchStatus.UNCERTAIN)
    assert face_override_refusal("assign", near_amy, KIT, FB, "photo", "consent", ON, "",
                                 recognised=AMY) is None


def test_an_uncertain_match_to_a_refused_child_needs_a_reason_to_name_someone_else():
    near_joe = recognised("J1", MatchStatus.UNCERTAIN)
    why = face_override_refusal("assign", near_joe, KIT, FB, "photo", "consent", ON, "",
                                recognised=JOE)
    assert why and "PhotoVet thought this face might be Joe Harris (Facebook: No)" in why
    leaver = pupil("L1", "Mary-Kate", "Smart", YES, leaving_date=dt.date(2026, 7, 20))
    why = face_override_refusal("assign", recognised("L1", MatchStatus.UNCERTAIN), KIT, FB,
                                "photo", "consent", ON, "", recognised=leaver)
    assert why and "Mary-Kate Smart (left 20/07/2026)" in why


def test_a_recognition_whose_register_row_is_missing_counts_as_refused():
    """Fail closed: the matcher's person not given (or another id): a reason is asked."""
    assert face_override_refusal("assign", recognised("J1", MatchStatus.UNCERTAIN), KIT, FB,
                                 "photo", "consent", ON, "", recognised=None)


def test_naming_a_face_as_someone_covered_here_anyway_needs_no_reason():
    """s27: nothing is loosened when the person chosen is covered on this channel whatever
    anyone says (consent refused, do not photograph, a leaver, no identifiable children): the
    face stays covered, so no reason is asked, and it is decided covered."""
    amy_refused = pupil("A1", "Amy", "Ford", NO)
    dnp = pupil("D1", "Dan", "Dufour", YES, do_not_photograph=True)
    leaver = pupil("L1", "Mary-Kate", "Smart", YES, leaving_date=dt.date(2026, 7, 20))
    for chosen in (amy_refused, dnp, leaver):
        for machine, row in (("J1", JOE), ("K1", KIT)):     # over a refused or a shown match
            assert face_override_refusal("assign", recognised(machine), chosen, FB, "photo",
                                         "consent", ON, "", recognised=row) is None, chosen
        f = recognised("K1", override_person=chosen.id, assigned_by="Mrs Jane Okafor")
        d = decide_face(f, chosen, FB, "photo", "consent", ON, recognised=KIT)
        assert d.action == "cover" and not f.refused
    # no identifiable children: any pupil is covered; a consented member of staff is not
    staff = Person(id="S1", legal_forename="Jane", legal_surname="Patel", role="staff",
                   photo_consent={"facebook": YES}, enrolled=True)
    assert face_override_refusal("assign", recognised(), KIT, FB, "photo", "no-identifiable-children", ON,
                                 "", recognised=JOE) is None
    assert face_override_refusal("assign", recognised(), staff, FB, "photo", "no-identifiable-children", ON,
                                 "", recognised=JOE)
    # covering a recognised face never needs a reason either
    assert face_override_refusal("cover", recognised(), JOE, FB, "photo", "consent", ON,
                                 "") is None


def test_a_chosen_person_whose_consent_is_not_recorded_still_needs_a_reason():
    """Fail closed: a reason can show someone whose consent is not recorded, so naming a
    recognised face as them is a step towards publishing it: a reason is asked."""
    blank = pupil("N1", "Nia", "Blank", YES)
    blank.photo_consent = {}
    assert policy.covered_whatever_said(blank, FB, "photo", "consent", ON) is False
    assert face_override_refusal("assign", recognised(), blank, FB, "photo", "consent", ON, "",
                                 recognised=JOE)


def test_a_name_given_without_a_reason_is_not_used_once_the_chosen_person_may_be_shown():
    """Named as a refused pupil (no reason needed then); the family then says Yes: the name
    given over PhotoVet's recognition without a reason is no longer used (checked again at
    every decision), so the face stays covered and a person is asked to look."""
    refused_then = pupil("A1", "Amy", "Ford", NO)
    f = recognised("J1", override_person="A1", assigned_by="Mrs Jane Okafor")
    assert decide_face(f, refused_then, FB, "photo", "consent", ON,
                       recognised=JOE).action == "cover"
    yes_now = pupil("A1", "Amy", "Ford", YES)
    d = decide_face(f, yes_now, FB, "photo", "consent", ON, recognised=JOE)
    assert d.action == "cover" and d.reason == policy.REASON_HAND_NAMED_NO_REASON
    assert d.needs_review and "Say why this is Amy Ford" in f.refused


# --- policy: checked again at every decision, and said ----------------------------------------

def test_a_name_given_over_a_recognition_without_a_reason_is_not_used():
    f = recognised(override_person="K1", assigned_by="Mrs Jane Okafor")
    d = decide_face(f, KIT, FB, "photo", "consent", ON, recognised=JOE)
    assert d.action == "cover" and d.reason == policy.REASON_HAND_NAMED_NO_REASON and d.needs_review
    assert "PhotoVet recognised this face as Joe Harris" in f.refused


def test_a_face_named_by_hand_over_a_refusal_is_shown_and_marked_for_the_approver():
    f = recognised(override_person="K1", assigned_by="Mrs Jane Okafor",
                   assign_reason="twins")
    d = decide_face(f, KIT, FB, "photo", "consent", ON, recognised=JOE)
    assert d.action == "show" and "named by hand" in d.reason
    assert f.hand_named == policy.HAND_OVER_REFUSAL
    assert f.hand_note == ("Named by hand by Mrs Jane Okafor: PhotoVet recognised Joe Harris "
                           "(Facebook: No). Reason: \u201ctwins\u201d")
    g = recognised("A1", override_person="K1", assigned_by="Mrs Jane Okafor", assign_reason="x")
    assert decide_face(g, KIT, FB, "photo", "consent", ON, recognised=AMY).action == "show"
    assert g.hand_named == policy.HAND_RELABELLED
    h = Face(box=(0, 0, 9, 9), score=0.9, override_person="K1", assigned_by="Mrs Jane Okafor")
    assert decide_face(h, KIT, FB, "photo", "consent", ON).action == "show"
    assert h.hand_named == policy.HAND_NAMED
    assert h.hand_note == "Named by hand by Mrs Jane Okafor (PhotoVet did not recognise this face)"
    # PhotoVet's own uncertain match confirmed ("Yes, it is Amy"): nothing named by hand
    y = recognised("A1", MatchStatus.UNCERTAIN, override_person="A1")
    decide_face(y, AMY, FB, "photo", "consent", ON, recognised=AMY)
    assert y.hand_named == "" and y.hand_note == ""


def test_a_video_track_follows_the_same_rule():
    t = VideoTrack(id=1, frames=[0, 5, 10], boxes=[(0, 0, 40, 40)] * 3, scores=[0.9] * 3,
                   match_status="recognised", person="J1", override_person="K1",
                   assigned_by="Mrs Jane Okafor")
    assert decide_track(t, KIT, FB, "consent", ON, recognised=JOE).action == "cover"
    assert "Joe Harris (Facebook videos: No)" in t.refused
    t.assign_reason = "twins"
    assert decide_track(t, KIT, FB, "consent", ON, recognised=JOE).action == "show"
    assert t.hand_named == policy.HAND_OVER_REFUSAL and "Mrs Jane Okafor" in t.hand_note


def test_the_picker_words_say_a_leaver_left_and_never_their_old_consent():
    leaver = pupil("L1", "Mary-Kate", "Smart", YES, leaving_date=dt.date(2026, 7, 20))
    assert policy.consent_note(leaver, FB, "photo", ON) == "left 20/07/2026"
    assert policy.consent_note(pupil("R1", "Rosie", "Leslie", YES, do_not_photograph=True), FB,
                        "photo", ON) == "do not photograph"
    assert policy.consent_note(KIT, FB, "photo", ON) == "Facebook: Yes"
    assert policy.consent_note(JOE, FB, "video", ON) == "Facebook videos: No"
    # leaving later this year: not left yet
    later = pupil("L2", "Ann", "Later", YES, leaving_date=dt.date(2027, 7, 20))
    assert policy.consent_note(later, FB, "photo", ON) == "Facebook: Yes"


# --- the store, the audit, the approval ------------------------------------------------------

def test_reviewer_refuses_without_a_reason_and_keeps_who_and_why(ws, engine, tmp_path):
    """Tori (A1) is recognised and refused for Facebook; naming her Sam (B2, consent) needs a
    reason; the reason and the preparer are kept and audited, and survive a restart."""
    photo = make_photo(tmp_path / "trip.jpg")
    fb = ws.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    tori = a.faces[0]
    assert tori.person == "A1" and tori.decision == "cover"
    reviewer = ws.reviewer()
    with pytest.raises(ReviewRefused, match=r"PhotoVet recognised this face as Tori Ashby "
                                            r"\(Facebook: No\)"):
        reviewer.face(a, 0, "assign", fb, person="B2")
    assert ws.reviews.load(a.sha256, "*").empty
    reviewer.face(a, 0, "assign", fb, person="B2", reason="twins, checked with the class teacher")
    ws.cache.clear()
    again = new_engine(ws)
    b = again.decide(again.analyse(photo), fb, on=TODAY)
    f = b.faces[0]
    assert f.override_person == "B2" and f.decision == "show"
    assert f.hand_named == policy.HAND_OVER_REFUSAL
    assert f.hand_note == ("Named by hand by Mrs Office: PhotoVet recognised Tori Ashby "
                           "(Facebook: No). Reason: \u201ctwins, checked with the class teacher\u201d")
    row = [r for r in ws.audit.rows() if r["action"] == "review.face-assign"][-1]
    assert row["details"]["reason"] == "twins, checked with the class teacher"
    assert row["details"]["recognised"] == "A1" and row["details"]["person"] == "B2"


def test_an_assignment_without_a_reason_written_into_the_review_is_not_used(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    fb = ws.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)

    def sneak(every, one):     # a review made before reasons were asked, or by a tool
        every.faces.append(FaceDecision(tuple(LEFT), "assign", "B2", "", "Mrs Office"))
        return {}

    ws.reviews.edit(a.sha256, "facebook", sneak, action="test")
    engine.decide(a, fb, on=TODAY)
    assert a.faces[0].decision == "cover" and a.faces[0].needs_review
    assert "Say why" in a.faces[0].refused


def test_the_approval_signs_the_assignment_and_is_never_given_in_bulk(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    fb = ws.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    ws.reviewer().face(a, 0, "assign", fb, person="B2", reason="twins")
    engine.decide(a, fb, on=TODAY)
    assert policy.hand_named_refusal(a) and "Tori Ashby" in policy.hand_named_refusal(a)
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    parts = engine.approval_parts(a)
    checks = ws.approvals.required_checks()
    with pytest.raises(ApprovalError, match="named by hand"):
        ws.approvals.approve(a, parts, checks=checks, seen_on="a contact sheet of 2",
                             now=lambda: engine.approval_now(a))
    ws.approvals.approve(a, parts, checks=checks, seen_on="the photo, opened",
                         hand_named_checked=True, now=lambda: engine.approval_now(a))
    assert ws.approvals.check(a, engine.approval_parts(a)).ok
    row = [r for r in ws.audit.rows() if r["action"] == "approval.approved"][-1]
    assert "named by hand" in row["details"]["seen_on"]
    # the assignment is signed: the same person named with another reason voids the approval
    act_as(ws, "Mrs Office")
    ws.reviewer().face(a, 0, "assign", fb, person="B2", reason="checked with the class teacher")
    engine.decide(a, fb, on=TODAY)
    verdict = ws.approvals.check(a, engine.approval_parts(a))
    assert not verdict.ok and "the review changed" in verdict.why


def test_the_approve_command_asks_the_approver_to_say_they_looked(tmp_path, monkeypatch):
    """``photovet approve`` approves a list of files: a photo with a face named by hand over a
    refused recognition is refused (and the note printed) unless ``--named-by-hand-checked`` is
    given for that one file."""
    from click.testing import CliRunner

    from photovet.cli import cli
    from photovet.core.accounts import Access
    from photovet.core.pipeline import Engine
    from tests.cli.conftest import Staff, create_staff, password_of
    from tests.conftest import register_workspace
    from tests.core.test_pipeline import ENC_SAM, ENC_TORI, REGISTER, FakeFaceEngine

    w = register_workspace(tmp_path, REGISTER)
    w.register.store_signatures({"A1": [(ENC_TORI, "a1.jpg")], "B2": [(ENC_SAM, "b2.jpg")]},
                                replace=True, source="test")
    w.settings.approval.required = True
    create_staff(w)
    w.access = Access()
    w.sign_in("Mrs Office", password_of("Mrs Office"))
    fb = w.channels.get("facebook")
    eng = Engine(w.settings, register=w.register, face_engine=FakeFaceEngine(), cache=w.cache,
                 reviews=w.reviews)
    photos = [make_photo(tmp_path / "trip.jpg"), make_photo(tmp_path / "two.jpg", (150, 90, 60))]
    a = eng.decide(eng.analyse(photos[0]), fb)
    w.reviewer().face(a, 0, "assign", fb, person="B2", reason="twins")
    eng.decide(a, fb)
    assert a.faces[0].decision == "show"
    w.approvals.mark_ready(a)
    w.close()
    Staff(monkeypatch).use("Mr Head")
    monkeypatch.setenv("PHOTOVET_HOME", str(tmp_path / "home"))
    make = lambda w, text=True: Engine(w.settings, register=w.register,  # noqa: E731
                                       face_engine=FakeFaceEngine(), cache=w.cache,
                                       reviews=w.reviews)
    monkeypatch.setattr("photovet.cli.common.load_engine", make)
    monkeypatch.setattr("photovet.cli.photos.load_engine", make)
    runner = CliRunner()
    args = ["approve", str(photos[0]), "--channel", "facebook", "--all-checks-done"]
    res = runner.invoke(cli, args)
    assert res.exit_code == 1, res.output
    assert "named by hand over PhotoVet's recognition" in res.stderr
    assert "--named-by-hand-checked" in res.stderr
    assert "Review" not in res.stderr            # the app's words are the app's (s34)
    assert "Sam Hale: Named by hand by Mrs Office: PhotoVet recognised Tori Ashby " \
           "(Facebook: No)" in res.output
    res = runner.invoke(cli, args + [str(photos[1]), "--named-by-hand-checked"])
    assert res.exit_code == 2 and "exactly one" in res.output
    res = runner.invoke(cli, args + ["--named-by-hand-checked"])
    assert res.exit_code == 0, res.output + res.stderr
    assert "approved for Facebook" in res.output


# --- one call: allowed, needs a reason (with the words), or refused (why) ----------------------

def test_one_call_says_allowed_needs_a_reason_or_refused():
    """s27: the app asked ``face_override_refusal`` twice (without, then with a reason) to
    learn whether a reason was needed; ``face_override_ask`` answers once."""
    allowed = policy.face_override_ask("assign", recognised("A1", MatchStatus.UNCERTAIN), KIT,
                                       FB, "photo", "consent", ON, recognised=AMY)
    assert allowed.verdict == policy.ALLOWED and allowed.allowed and allowed.words == ""
    ask = policy.face_override_ask("assign", recognised(), KIT, FB, "photo", "consent", ON,
                                   recognised=JOE)
    assert ask.needs_reason and not ask.allowed and not ask.refused
    assert ask.words == ("PhotoVet recognised this face as Joe Harris (Facebook: No). You are "
                         "saying it is Kit Hart (Facebook: Yes).")
    show = policy.face_override_ask("show", Face(box=(0, 0, 9, 9), score=0.9), None, FB,
                                    "photo", "consent", ON)
    assert show.needs_reason and show.words.startswith("Say why this face may be shown")
    no = policy.face_override_ask("show", recognised(), JOE, FB, "photo", "consent", ON)
    assert no.refused and no.words == "Joe Harris's parents said No for Facebook"
    gone = policy.face_override_ask("assign", recognised(), None, FB, "photo", "consent", ON,
                                    recognised=JOE)
    assert gone.refused and "not in the register" in gone.words
    # the same answer for a name in the picture
    from photovet.core.models import TextItem
    t = TextItem(text="Joe Harris", polygon=[(0, 0), (9, 0), (9, 9), (0, 9)], score=0.9,
                 person="J1", kind="name")
    rules = {"channel": FB, "media": "photo", "mode": "consent", "on": ON}
    street = policy.text_override_ask("keep", t, None, **rules)
    assert street.needs_reason and street.words == policy.text_override_refusal(
        "keep", t, None, "", **rules)
    dnp = pupil("J1", "Joe", "Harris", YES, do_not_photograph=True)
    never = policy.text_override_ask("keep", t, dnp, **rules)
    assert never.refused and never.words == policy.text_override_refusal(
        "keep", t, dnp, "a reason", **rules)


def test_the_reviewers_answer_is_the_one_it_then_keeps_to(ws, engine, tmp_path):
    """``Reviewer.face_ask`` judges with the rows ``Reviewer.face`` uses: what it says needs a
    reason is refused without one and recorded with one; what it allows is recorded as is."""
    photo = make_photo(tmp_path / "trip.jpg")
    fb = ws.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    reviewer = ws.reviewer()
    ask = reviewer.face_ask(a, 0, "assign", fb, person="B2")
    assert ask.needs_reason and "Tori Ashby (Facebook: No)" in ask.words
    assert "Sam Hale (Facebook: Yes)" in ask.words
    with pytest.raises(ReviewRefused):
        reviewer.face(a, 0, "assign", fb, person="B2")
    assert reviewer.face_ask(a, 0, "cover", fb).allowed
    assert reviewer.face_ask(a, 0, "show", fb).refused      # Tori: Facebook No
    assert reviewer.face_ask(a, 0, "dance", fb).refused
    # Rory (C3) is on the do-not-photograph list: covered whatever is said, so no reason
    assert reviewer.face_ask(a, 0, "assign", fb, person="C3").allowed
    reviewer.face(a, 0, "assign", fb, person="C3")
    again = engine.decide(a, fb, on=TODAY)
    assert again.faces[0].override_person == "C3" and again.faces[0].decision == "cover"
