"""Words staff type that PhotoVet keeps never name a pupil (DPO audit s31, free_text.py).

A reason for showing a face or leaving a name readable, an accepted flag's reason, an approver's
comment, a take-down note, a removal's reason: each is kept in the audit log (never rewritten)
and outlives the pupil's records. Every store refuses one that names a pupil on the register
(names now and before), before anything is kept, with the same words; initials, "the pupil" and
a member of staff's name pass."""

from __future__ import annotations

import pytest

from photovet.core import free_text
from photovet.core.errors import ApprovalError, RegisterError
from photovet.core.models import FormerName, MatchStatus, Person, VideoAnalysis, VideoTrack
from photovet.core.records import takedown
from photovet.core.records.exports import RecordsError
from photovet.core.review import ReviewRefused
from photovet.core.words import free_text_names
from tests.conftest import act_as
from tests.core.test_pipeline import TODAY, make_photo

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

PEOPLE = [Person("N1", "Nathan", "Ellison"), Person("S1", "Sam", "Stayer"),
          Person("G1", "Grace", "Okafor"),
          Person("R1", "Robin", "Lake", also_known_as=(FormerName("Robin", "Marsh"),)),
          Person("T1", "Bob", "Jones", role="staff"), Person("P1", "Tom", "Jones")]

ASKED = "Use their initials or 'the pupil'."


@pytest.mark.parametrize("text, found", [
    ("Nathan's mum said it was fine", "\u201cNathan\u201d"),
    ("the Ellison family asked", "\u201cEllison\u201d"),
    ("sam was happy to be shown", "\u201csam\u201d"),             # any case
    ("Grace asked to be in it", "\u201cGrace\u201d"),
    ("Robin Marsh's parents agreed", "\u201cRobin Marsh\u201d"),  # a former name
    ("N\u0430than\u2019s mum", "\u201cN\u0430than\u201d"),             # a Cyrillic a
    ("Sam and Nathan, twins", "\u201cSam\u201d, \u201cNathan\u201d"),
])
def test_a_pupils_name_is_refused_with_what_to_write_instead(text, found):
    why = free_text.refusal(text, PEOPLE)
    assert why is not None and found in why, why
    assert why.endswith(ASKED) and "it is kept in the audit log" in why
    assert why.startswith("Write this without the pupil's name" if ", " not in found
                          else "Write this without pupils' names")


@pytest.mark.parametrize("text", [
    "NE's mum said it was fine", "the pupil is facing away", "twins, checked with the class "
    "teacher", "Mrs Jones agreed", "a grace period", "removed from the Facebook page", "", "  ",
])
def test_initials_ordinary_words_and_staff_pass(text):
    assert free_text.refusal(text, PEOPLE) is None


def test_the_words_are_the_same_everywhere():
    assert free_text.refusal("Nathan", PEOPLE) == free_text_names(["Nathan"])


# --- every store asks before it keeps anything -----------------------------------------------

def test_a_reason_for_a_face_naming_a_pupil_is_refused_and_nothing_kept(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    fb = ws.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    rows = len(ws.audit.rows())
    reviewer = ws.reviewer()
    with pytest.raises(ReviewRefused) as refused:
        reviewer.face(a, 0, "assign", fb, person="B2", reason="Tori's twin Sam, checked")
    assert str(refused.value).startswith("Write this without pupils' names")
    with pytest.raises(ReviewRefused, match="without the pupil's name"):
        reviewer.face(a, 1, "show", fb, reason="Victoria's dad took it")
    assert ws.reviews.load(a.sha256, "*").empty and ws.reviews.load(a.sha256, "facebook").empty
    assert len(ws.audit.rows()) == rows
    # the same, without the name: kept
    reviewer.face(a, 0, "assign", fb, person="B2", reason="twins, checked with the teacher")
    assert not ws.reviews.load(a.sha256, "*").empty


def test_a_video_reason_naming_a_pupil_is_refused(ws):
    frames = list(range(0, 90, 3))
    t = VideoTrack(id=0, frames=frames, boxes=[(100, 100, 160, 160)] * len(frames),
                   scores=[0.9] * len(frames), shot_start=0, shot_end=None,
                   match_status=MatchStatus.UNKNOWN.value, first_time=0, last_time=3)
    a = VideoAnalysis(path="play.mp4", sha256="v" * 64, width=640, height=360, fps=30.0,
                      frame_times=[i / 30 for i in range(90)], tracks=[t], channel="website",
                      sampling={"stride": 3, "fine_every": 15, "pre": 0.5, "post": 0.5})
    web = ws.channels.get("website")
    vr = ws.video_reviewer()
    for call in (vr.track, vr.group):
        with pytest.raises(ReviewRefused, match="Rory"):
            call(a, 0, "show", web, reason="Rory's brother, an adult")
    assert not [r for r in ws.audit.rows() if r["action"].startswith("review.video")]


def test_an_approvers_comment_naming_a_pupil_is_refused(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    ws.approvals.mark_ready(a)
    act_as(ws, "Mr Head")
    with pytest.raises(ApprovalError, match="Write this without the pupil's name .*Hale"):
        ws.approvals.reject(a, comment="Sam Hale is not facing the camera")
    assert ws.approvals.status(a.sha256, "website") == "ready"
    assert not ws.audit.rows(action="approval.rejected")
    ws.approvals.reject(a, comment="SH is not facing the camera")
    assert ws.approvals.status(a.sha256, "website") == "rejected"


def test_a_take_down_note_and_a_removal_reason_naming_a_pupil_are_refused(ws, tmp_path):
    with pytest.raises(RecordsError, match="without the pupil's name .*Quinn"):
        takedown.mark_done(ws.records, [1], note="Rory Quinn's photo removed")
    # the person removed, or anyone else on the register
    with pytest.raises(RegisterError, match="Tori"):
        ws.register.delete_person("B2", reason="moved schools with Tori")
    assert ws.register.find("B2") is not None
    ws.register.delete_person("B2", reason="moved schools")
    assert ws.register.find("B2") is None


def test_the_app_asks_the_same_before_its_dialog_closes(ws):
    assert ws.free_text_refusal("Victoria's dad asked") == free_text_names(["Victoria"])
    assert ws.free_text_refusal("the pupil's dad asked") is None


def test_a_device_label_naming_a_pupil_is_refused(ws):
    """A device's label is kept in the school's list and the audit log for good: "Tori's
    iPad" is refused with the words staff see everywhere; "Mrs Office's iPad" is not."""
    from photovet.core.devices import DeviceError
    from photovet.core.models import Device

    ipad = Device(make="Apple", model="iPad (9th generation)", serial="DMPX123")
    with pytest.raises(DeviceError) as exc:
        ws.devices.add(ipad, label="Tori's iPad")
    assert str(exc.value.message) == free_text_names(["Tori"])
    assert ws.devices.all() == []
    assert "Tori" not in str([r["details"] for r in ws.audit.rows(action="device.add")])
    assert ws.devices.add(ipad, label="Class 4 iPad").label == "Class 4 iPad"


@pytest.mark.parametrize("requested_by", [
    "Mrs Harriet Ashby (mother), by email",    # the parent's name, the pupil's surname
    "Tori herself, in person",                  # the pupil's own name
    "Mr Hale (father), by phone",               # a surname another pupil has
    "Sam (mother), by phone",                   # another pupil's first name alone: hers too
    "Sam Jones, by phone",
    "Tori's mum, by phone",                     # as this pupil's: what it is for
    "Kate, Tori's mum",
    "Mrs Rory's email",                         # after a title: a surname
])
def test_who_asked_may_be_a_parent_whose_name_is_a_pupils_too(ws, requested_by):
    """A parent's name is what the consent history needs: it shares words with pupils' names
    (their child's surname, a first name a pupil also has), and a withdrawal is never held up
    by it."""
    change = ws.register.set_consent("A1", "website", False, requested_by=requested_by,
                                     requested_on=TODAY)
    assert change.requested_by == requested_by


def test_who_asked_is_refused_when_it_gives_another_pupils_full_name(ws):
    """Another pupil's full name there would be a third party's name kept in this pupil's
    consent history and shown in their subject access report: refused, nothing changed."""
    from photovet.core.errors import ConsentRequestNeeded
    from photovet.core.words import KEPT_WITH_CONSENT_HISTORY

    with pytest.raises(ConsentRequestNeeded) as exc:
        ws.register.set_consent("A1", "website", False,
                                requested_by="Sam Hale's mum (also Tori's), by email",
                                requested_on=TODAY)
    assert exc.value.message == free_text_names(["Sam Hale"], kept=KEPT_WITH_CONSENT_HISTORY)
    assert ws.register.person("A1").consent_state("website", "photo") == "yes"
    assert free_text.requester_refusal("Rory Quinn (brother)", ws.register.people(), "A1")
    assert free_text.requester_refusal("Rory Quinn", ws.register.people(), "C3") is None


@pytest.mark.parametrize("requested_by", [
    "Sam's mum, by phone",
    "sam\u2019s dad",
    "Sam and Tori's mum, by email",
    "mother of Sam, in person",
])
def test_who_asked_is_refused_when_it_names_another_pupil_as_their_child(ws, requested_by):
    """s33: "Sam's mum" on Tori's withdrawal, where Sam is another pupil (a sibling at the
    school): the first name is a child's there, not the parent's, and would be kept in Tori's
    consent history and shown in her subject access report. Refused with what to write instead
    (the parent as Tori's, or by their own name); nothing changed. A first name alone is not
    refused: a parent may have it too (the parametrised passes above)."""
    from photovet.core.errors import ConsentRequestNeeded
    from photovet.core.words import requester_names_another_child

    with pytest.raises(ConsentRequestNeeded) as exc:
        ws.register.set_consent("A1", "website", False, requested_by=requested_by,
                                requested_on=TODAY)
    said = "sam" if requested_by.startswith("sam") else "Sam"
    assert exc.value.message == requester_names_another_child([said], "Tori")
    assert "\u201cTori's mum\u201d" in exc.value.message
    assert ws.register.person("A1").consent_state("website", "photo") == "yes"
