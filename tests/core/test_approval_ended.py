"""s36: a withdrawal of consent ends the approvals that showed the pupil; granting it again does
not bring them back (the approver looks again). Before, the approval signed only what the photo
publishes, so once the Yes came back the photo published the same again and the approval made
before the withdrawal counted again. The rule is ``policy.approval_ended_by``; the ending is
stored with the withdrawal (``approval.end_by_withdrawal``: waiting for approval again, a note,
an ``approval.ended`` audit row by id)."""

from __future__ import annotations

import datetime as dt
import hashlib
from types import SimpleNamespace

import pytest
from afterpost_util import UPNS, register_csv

from photovet.core import words
from photovet.core.approval import media_ended
from photovet.core.models import PhotoAnalysis
from photovet.core.policy import approval_ended_by
from photovet.core.workspace import Workspace
from tests.conftest import act_as, office_access

A, B = UPNS[0], UPNS[1]


def _change(pid, channel="website", media="photo", old="yes", new="no"):
    from photovet.core.register.reports import ConsentChange

    return ConsentChange(pid, channel, old, new, "2026-11-28T10:00:00+00:00", "user:x", media=media)


def _parts(shown=(), names=(), covered=(), maybe=(), media="photo"):
    return {"media": media, "people_shown": list(shown), "names_shown": list(names),
            "people_covered": list(covered), "people_maybe": [[m, "", "h"] for m in maybe]}


@pytest.mark.parametrize("parts,channel,change,ended", [
    # the consent that let them be shown, withdrawn: ended
    (_parts(shown=[A]), "website", _change(A), True),
    (_parts(shown=[A]), "website", _change(A, old="yes", new="not recorded"), True),
    (_parts(names=[A]), "website", _change(A), True),
    (_parts(shown=[A]), "website", _change(A, "do_not_photograph", "any", "no", "yes"), True),
    (_parts(names=[A]), "facebook", _change(A, "do_not_photograph", "any", "no", "yes"), True),
    (_parts(names=[A]), "website", _change(A, "name_with_photo", "any"), True),
    (_parts(maybe=[A]), "website", _change(A), True),      # a face shown that may be them
    (_parts(shown=[A], media="video"), "website", _change(A, media="video"), True),
    # anything else: the approval stands
    (_parts(shown=[A]), "website", _change(B), False),             # another pupil
    (_parts(covered=[A]), "website", _change(A), False),           # they were covered
    (_parts(shown=[A]), "facebook", _change(A), False),            # another channel
    (_parts(shown=[A]), "website", _change(A, media="video"), False),   # video consent
    (_parts(shown=[A]), "website", _change(A, "name_with_photo", "any"), False),
    (_parts(shown=[A]), "website", _change(A, old="no", new="yes"), False),   # a Yes given
    (_parts(shown=[A]), "website", _change(A, old=None, new="no"), False),    # first value
    (_parts(shown=[A]), "website", _change(A, "do_not_photograph", "any", "yes", "no"), False),
    ({}, "website", _change(A), False),                            # signed nothing of them
])
def test_the_rule(parts, channel, change, ended):
    assert approval_ended_by(parts, channel, change) is ended


@pytest.fixture
def two_pupils(tmp_path):
    w = Workspace.open(tmp_path / "home", access=office_access("Olive Office"))
    w.import_register(register_csv(tmp_path / "mis.csv", [
        {"upn": A, "surname": "Harris", "forename": "Joe"},
        {"upn": B, "surname": "Brook", "forename": "Ben"}]))
    yield w
    w.close()


def _approved(ws, tmp_path, seed: int, shown, channel="website"):
    """A photo (a tiny file: nothing reads it) approved for ``channel`` showing ``shown``;
    returns it and what its approval signed."""
    p = tmp_path / f"p{seed}.jpg"
    p.write_bytes(b"photo %d" % seed)
    a = PhotoAnalysis(path=str(p), sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
                      channel=channel, faces_checked=True)
    parts = {"photo": a.sha256, "channel": channel, "media": "photo", "mode": "consent",
             "analysis": "k", "review": "r", "publication": "p", "people_shown": list(shown),
             "names_shown": [], "people_covered": []}
    from photovet.core.approval import AsNow

    act_as(ws, "Olive Office")
    ws.approvals.mark_ready(a)
    act_as(ws, "Hana Head")
    ws.approvals.approve(a, parts, checks=ws.approvals.required_checks(),
                         now=lambda: AsNow(parts))
    act_as(ws, "Olive Office")
    assert ws.approvals.check(a, parts).ok
    return a, parts


def test_what_ended_is_said_as_photos_videos_or_both():
    """s39: the person page said "the photos and videos wait" when only photos had ended:
    said as what ended, each approval by the media type it signed (its file's ending when it
    signed none)."""
    from photovet.core.approval import ApprovalState, media_ended

    said = words.approvals_ended_here
    assert said(2) == ("2 approvals ended: the photos wait for a senior leader to approve "
                       "them again as they are now.")
    assert said(1) == ("1 approval ended: the photo waits for a senior leader to approve it "
                       "again as it is now.")
    assert said(0, 1).startswith("1 approval ended: the video waits for")
    assert said(0, 3).startswith("3 approvals ended: the videos wait for")
    assert said(1, 1).startswith("2 approvals ended: the photos and videos wait for")
    states = [ApprovalState("a", "website", parts={"media": "video"}, path="x.jpg"),
              ApprovalState("b", "website", parts={"media": "photo"}, path="y.mp4"),
              ApprovalState("c", "website", path="clip.MOV"),
              ApprovalState("d", "website", path="p.jpg")]
    assert media_ended(states) == (2, 2) and media_ended([]) == (0, 0)


@pytest.mark.engines   # SQLite and PostgreSQL (the approvals are found with LIKE)
def test_withdrawn_then_granted_again_the_approval_stays_ended(two_pupils, tmp_path):
    ws = two_pupils
    a, parts = _approved(ws, tmp_path, 1, [A])
    other, other_parts = _approved(ws, tmp_path, 2, [B])
    # the change says how many approvals it ended (s37: the app's person page says it)
    withdrawn = ws.register.set_consent(A, "website", False)
    assert withdrawn.approvals_ended == 1 and withdrawn.approvals_ended_videos == 0
    assert ws.register.set_consent(A, "website", True).approvals_ended == 0
    # the photo publishes exactly what was approved again, and still waits for an approver
    verdict = ws.approvals.check(a, parts)
    day = dt.datetime.now().strftime("%d/%m/%Y")
    note = words.approval_ended_by_withdrawal(day)
    assert not verdict.ok and verdict.state.status == "ready"
    assert note in verdict.why and verdict.why.startswith("waiting for a senior leader's approval")
    assert note.startswith(f"Approval ended: consent was withdrawn on {day}")
    assert A not in note and "Harris" not in note
    # the pupil whose consent did not change: still approved
    assert ws.approvals.check(other, other_parts).ok
    [row] = ws.audit.rows(action="approval.ended")
    assert row["details"]["person_id"] == A and row["details"]["sha256"] == a.sha256
    assert row["details"]["field"] == "website" and row["details"]["approved_at"]
    assert "Harris" not in str(row["details"])
    # kept in the register: a restart does not bring the approval back
    home = ws.home
    ws.close()
    again = Workspace.open(home, access=office_access("Olive Office"))
    try:
        state = again.approvals.get(a.sha256, "website")
        assert state.status == "ready" and state.note == note and not state.parts
        assert again.approvals.get(other.sha256, "website").status == "approved"
    finally:
        again.close()


def test_other_changes_leave_it_approved_and_an_import_ends_it(two_pupils, tmp_path):
    ws = two_pupils
    a, parts = _approved(ws, tmp_path, 1, [A])
    assert ws.register.set_consent(B, "website", False).approvals_ended == 0  # another pupil
    ws.register.set_consent(A, "facebook", False)           # another channel
    ws.register.set_consent(A, "website", False, media="video")   # their video consent
    ws.register.set_consent(A, "name_with_photo", False)    # their name was not shown
    assert ws.approvals.check(a, parts).ok
    assert not ws.audit.rows(action="approval.ended")
    # the MIS file says No: the import ends it, and the next file's Yes does not revive it
    ended = ws.import_register(register_csv(tmp_path / "mis2.csv", [
        {"upn": A, "surname": "Harris", "forename": "Joe", "consent": {"website": "No"}},
        {"upn": B, "surname": "Brook", "forename": "Ben"}]))
    ws.import_register(register_csv(tmp_path / "mis3.csv", [
        {"upn": A, "surname": "Harris", "forename": "Joe"},
        {"upn": B, "surname": "Brook", "forename": "Ben"}]), seen_before_ok=True)
    verdict = ws.approvals.check(a, parts)
    assert not verdict.ok and "Approval ended: consent was withdrawn" in verdict.why
    assert words.approvals_ended(1) + "." in ended.summary_lines()
    assert words.approvals_ended(1).startswith("1 approved photo or video shows someone whose")
    assert words.approvals_ended(2).startswith("2 approved photos and videos show someone")
    assert [r["details"]["person_id"] for r in ws.audit.rows(action="approval.ended")] == [A]


def test_do_not_photograph_ends_it_on_every_channel(two_pupils, tmp_path):
    ws = two_pupils
    web, web_parts = _approved(ws, tmp_path, 1, [A])
    fb, fb_parts = _approved(ws, tmp_path, 1, [A], channel="facebook")
    ws.register.set_do_not_photograph(A, True)
    ws.register.set_do_not_photograph(A, False)
    assert not ws.approvals.check(web, web_parts).ok
    assert not ws.approvals.check(fb, fb_parts).ok
    assert len(ws.audit.rows(action="approval.ended")) == 2


def test_the_rule_is_fed_plain_data():
    # a change as any object with the fields (the policy reads no register)
    change = SimpleNamespace(person_id=A, channel="website", media="photo", is_withdrawal=True)
    assert approval_ended_by(_parts(shown=[A]), "website", change)


def test_removed_and_added_again_the_approval_stays_ended(two_pupils, tmp_path):
    """An erasure (or the retention schedule) removes the pupil: the approvals that showed
    them end too, so adding them again (a removal by mistake) does not bring those back."""
    ws = two_pupils
    a, parts = _approved(ws, tmp_path, 1, [A])
    other, other_parts = _approved(ws, tmp_path, 2, [B])
    ws.register.delete_person(A, reason="the family asked for erasure")
    ws.import_register(register_csv(tmp_path / "again.csv", [
        {"upn": A, "surname": "Harris", "forename": "Joe"},
        {"upn": B, "surname": "Brook", "forename": "Ben"}]), add_again=[A])
    assert ws.register.find(A) is not None
    verdict = ws.approvals.check(a, parts)
    day = dt.datetime.now().strftime("%d/%m/%Y")
    assert not verdict.ok and words.approval_ended_by_removal(day) in verdict.why
    assert words.approval_ended_by_removal(day).startswith(
        f"Approval ended: someone it showed was removed from the register on {day}")
    assert ws.approvals.check(other, other_parts).ok
    [row] = ws.audit.rows(action="approval.ended")
    assert row["details"]["person_id"] == A and row["details"]["removed"] is True


# -- s37: an approval whose caption alone names the pupil ------------------------------------

@pytest.mark.parametrize("forms,change,ended", [
    ({A: "full"}, _change(A), True),                        # the channel's consent
    ({A: "initials"}, _change(A), True),                    # initials need it too
    ({A: "first"}, _change(A, "name_with_photo", "any"), True),
    ({A: "initials"}, _change(A, "name_with_photo", "any"), False),   # initials may stay
    ({A: "initials"}, _change(A, "do_not_photograph", "any", "no", "yes"), True),
    ({A: "full"}, _change(A, media="video"), False),        # another media type's consent
    ({A: "full"}, _change(A, "facebook"), False),           # another channel's
    ({B: "full"}, _change(A), False),                       # names someone else
    ({A: "full"}, _change(A, old="no", new="yes"), False),  # a Yes given
])
def test_the_rule_for_a_caption(forms, change, ended):
    parts = dict(_parts(), caption="Well done")
    assert approval_ended_by(parts, "website", change, caption_forms=forms) is ended
    # without a signed caption, whom some caption names does not matter
    assert approval_ended_by(_parts(), "website", change, caption_forms=forms) is False


def test_a_videos_caption_needs_the_photo_consent_too():
    """An export checks a caption for every media type of its batch, a photo's always
    (``pipeline.batch_media``): a video's approved caption naming them ends with their photo
    consent as with their video consent; the video's face shown, with the video consent only."""
    video = dict(_parts(media="video"), caption="Well done Joe")
    for media in ("photo", "video"):
        assert approval_ended_by(video, "website", _change(A, media=media),
                                 caption_forms={A: "first"})
    assert not approval_ended_by(_parts(shown=[A], media="video"), "website",
                                 _change(A, media="photo"))


def _approved_captioned(ws, tmp_path, seed: int, caption: str, channel="website"):
    """A photo showing nobody, approved for ``channel`` with ``caption``."""
    p = tmp_path / f"c{seed}.jpg"
    p.write_bytes(b"captioned %d" % seed)
    a = PhotoAnalysis(path=str(p), sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
                      channel=channel, faces_checked=True)
    parts = {"photo": a.sha256, "channel": channel, "media": "photo", "mode": "consent",
             "analysis": "k", "review": "r", "publication": "p", "people_shown": [],
             "names_shown": [], "people_covered": []}
    from photovet.core.approval import AsNow

    act_as(ws, "Olive Office")
    ws.approvals.mark_ready(a, caption=caption, caption_refusal=lambda c: None)
    act_as(ws, "Hana Head")
    ws.approvals.approve(a, parts, checks=ws.approvals.required_checks(),
                         now=lambda: AsNow(parts), caption=caption)
    act_as(ws, "Olive Office")
    assert ws.approvals.check(a, parts, caption=caption).ok
    return a, parts


@pytest.mark.engines   # SQLite and PostgreSQL (captioned approvals are found with LIKE)
def test_a_withdrawal_ends_an_approval_whose_caption_names_them(two_pupils, tmp_path):
    """Before s37 the approval went on counting: nothing of Joe is in the photo, only his name
    in the caption (the export held it back, the approver's list said it was approved)."""
    ws = two_pupils
    named, named_parts = _approved_captioned(ws, tmp_path, 1, "Well done Joe Harris")
    initials, initials_parts = _approved_captioned(ws, tmp_path, 2, "Well done JH")
    other, other_parts = _approved_captioned(ws, tmp_path, 3, "Well done Ben")
    # name-with-photo withdrawn: the caption that uses his name ends, initials may stay
    ws.register.set_consent(A, "name_with_photo", False)
    day = dt.datetime.now().strftime("%d/%m/%Y")
    note = words.approval_ended_by_caption(day)
    verdict = ws.approvals.check(named, named_parts, caption="Well done Joe Harris")
    assert not verdict.ok and verdict.state.status == "ready" and note in verdict.why
    # s65: who is to do it said (a preparer reads it too, and cannot approve)
    assert note == (f"Approval ended: consent was withdrawn on {day} for someone its caption "
                    "names; a senior leader must check the caption and approve it again")
    assert ws.approvals.check(initials, initials_parts, caption="Well done JH").ok
    # the website's consent withdrawn: his initials end too; Ben's caption stands
    ws.register.set_consent(A, "website", False)
    assert ws.approvals.get(initials.sha256, "website").note == note
    assert ws.approvals.check(other, other_parts, caption="Well done Ben").ok
    rows = ws.audit.rows(action="approval.ended")
    assert sorted(r["details"]["sha256"] for r in rows) == sorted([named.sha256,
                                                                   initials.sha256])
    assert all(r["details"]["caption"] is True and r["details"]["person_id"] == A
               for r in rows)
    assert "Harris" not in str([r["details"] for r in rows]) and "Joe" not in note
    # the caption the preparer proposed is still there for the approver to look at again
    assert ws.approvals.get(named.sha256, "website").caption == "Well done Joe Harris"


def test_an_import_or_a_removal_ends_a_captioned_approval(two_pupils, tmp_path):
    ws = two_pupils
    a, parts = _approved_captioned(ws, tmp_path, 1, "Joe at sports day")
    b, b_parts = _approved_captioned(ws, tmp_path, 2, "Ben Brook at sports day")
    fb, fb_parts = _approved_captioned(ws, tmp_path, 3, "Joe at sports day", "facebook")
    report = ws.import_register(register_csv(tmp_path / "mis2.csv", [
        {"upn": A, "surname": "Harris", "forename": "Joe", "consent": {"website": "No"}},
        {"upn": B, "surname": "Brook", "forename": "Ben"}]))
    assert report.approvals_ended == 1
    assert not ws.approvals.check(a, parts, caption="Joe at sports day").ok
    # his Facebook consent stands: the same caption approved there stands too
    assert ws.approvals.check(fb, fb_parts, caption="Joe at sports day").ok
    # a removal takes the name out of the caption and asks for the approval again itself
    # (records.forget_names, s34): said so, not as a withdrawal
    ws.register.delete_person(B, reason="the family asked for erasure")
    day = dt.datetime.now().strftime("%d/%m/%Y")
    assert ws.approvals.get(b.sha256, "website").note == words.approval_again_name_removed(day)
    assert not ws.audit.rows(action="approval.ended")[1:]


def test_the_approvers_panel_says_a_captions_ended_approval_as_stored():
    """The panel says a withdrawal that ended an approval once, with whose consent, in place of
    the stored note (``words.approval_ended_note``); a caption's note ("check the caption")
    and a removal's are said as stored: merged in s37, the caption's was taken for a face's."""
    assert words.approval_ended_note(words.approval_ended_by_withdrawal("01/12/2026"))
    # s65: the notes say who approves again; a note stored before, in the words of then, is
    # still recognised (the notes are kept with the approvals), and so is not a caption's
    assert words.approval_ended_note("Approval ended: consent was withdrawn on 01/12/2026 for "
                                     "someone it showed; approve it again as it is now")
    assert not words.approval_ended_note("Approval ended: consent was withdrawn on 01/12/2026 "
                                         "for someone its caption names; check the caption "
                                         "and approve it again")
    assert not words.approval_ended_note(words.approval_ended_by_caption("01/12/2026"))
    assert not words.approval_ended_note(words.approval_ended_by_removal("01/12/2026"))


# -- s38: a leaving date cleared after it took effect -----------------------------------------

D = dt.date(2026, 11, 20)


@pytest.mark.parametrize("old,new,ended", [
    (D, None, True),                                   # cleared after it took effect
    (D, D + dt.timedelta(days=30), True),              # moved to a day still to come
    (D - dt.timedelta(days=3), D, False),              # still a leaver
    (D, D - dt.timedelta(days=1), False),              # an earlier day: still a leaver
    (D + dt.timedelta(days=1), None, False),           # never took effect
    (None, D, False),                                  # a date set
    (None, None, False),
])
def test_the_rule_for_a_leaving_date(old, new, ended):
    from photovet.core.policy import leaving_undone

    assert leaving_undone(old, new, D) is ended


@pytest.mark.parametrize("change", [
    ("leaving", "2026-11-20"),          # a leaving date cleared after it took effect (s38)
    ("restored", "rejected"),           # a register row rejected, restored by an import (s39)
    ("restored", "missing"),            # ...or missing from the MIS file
])
def test_the_rule_for_a_leaving_date_cleared_or_a_row_restored_on_approvals(change):
    """What a leaver, or someone whose register row is not valid, may not have, on any
    channel: their face, a face that may be them, their name, a caption using their name."""
    from photovet.core.approval import LeavingUndone, RowRestored

    kind, what = change
    change = (LeavingUndone if kind == "leaving" else RowRestored)(
        A, "2026-12-01T10:00:00+00:00", what)
    for channel in ("website", "facebook"):
        assert approval_ended_by(_parts(shown=[A]), channel, change)
        assert approval_ended_by(_parts(names=[A]), channel, change)
        assert approval_ended_by(_parts(maybe=[A]), channel, change)
    assert not approval_ended_by(_parts(covered=[A]), "website", change)
    assert not approval_ended_by(_parts(shown=[B]), "website", change)
    captioned = dict(_parts(), caption="Well done Joe")
    assert approval_ended_by(captioned, "website", change, caption_forms={A: "first"})
    assert approval_ended_by(captioned, "website", change, caption_forms={A: "full"})
    # initials are what a caption may call them: nothing changes for them
    assert not approval_ended_by(captioned, "website", change, caption_forms={A: "initials"})


def test_a_leaving_date_cleared_after_it_took_effect_ends_the_approvals_that_showed_them(
        two_pupils, tmp_path):
    """s38: while Joe was taken to have left, the approval that showed him did not count (he
    would have been covered); his leaving date cleared (entered by mistake), it counted again
    with nothing said. It ends instead, its note says why, and it is audited by id."""
    ws = two_pupils
    a, parts = _approved(ws, tmp_path, 1, [A], channel="facebook")
    other, other_parts = _approved(ws, tmp_path, 2, [B])
    named, named_parts = _approved_captioned(ws, tmp_path, 3, "Well done Joe Harris")
    initials, initials_parts = _approved_captioned(ws, tmp_path, 4, "Well done JH")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert ws.register.set_leaving_date(A, yesterday) == (0, 0)   # set: nothing ends yet
    assert ws.approvals.get(a.sha256, "facebook").status == "approved"
    assert ws.register.set_leaving_date(A, None) == (2, 0)    # (photos, videos)
    day = dt.datetime.now().strftime("%d/%m/%Y")
    state = ws.approvals.get(a.sha256, "facebook")
    assert state.status == "ready" and not state.parts
    assert state.note == words.approval_ended_by_leaving_cleared(day)
    assert state.note == (f"Approval ended: a leaving date that had taken effect was cleared on "
                          f"{day} for someone it showed; a senior leader must approve it "
                          "again as it is now")
    assert ws.approvals.get(named.sha256, "website").note == \
        words.approval_ended_by_leaving_cleared(day, caption=True)
    # his initials, what a caption may call a leaver, and Ben's approval stand
    assert ws.approvals.check(initials, initials_parts, caption="Well done JH").ok
    assert ws.approvals.check(other, other_parts).ok
    rows = ws.audit.rows(action="approval.ended")
    assert sorted(r["details"]["sha256"] for r in rows) == sorted([a.sha256, named.sha256])
    assert all(r["details"]["left_on"] == yesterday.isoformat()
               and r["details"]["person_id"] == A and r["details"]["field"] == "left"
               for r in rows)
    assert "Harris" not in str([r["details"] for r in rows]) and "Joe" not in state.note
    # the approver's panel says the note as stored (not as a withdrawal of consent)
    assert not words.approval_ended_note(state.note)


def test_a_leaving_date_still_to_come_cleared_ends_nothing(two_pupils, tmp_path):
    ws = two_pupils
    a, parts = _approved(ws, tmp_path, 1, [A])
    soon = dt.date.today() + dt.timedelta(days=10)
    assert ws.register.set_leaving_date(A, soon) == (0, 0)
    assert ws.register.set_leaving_date(A, None) == (0, 0)
    assert ws.approvals.check(a, parts).ok


def test_they_are_back_and_an_import_end_them_too(two_pupils, tmp_path):
    ws = two_pupils
    a, _ = _approved(ws, tmp_path, 1, [A])
    b, _ = _approved(ws, tmp_path, 2, [B])
    ws.register.set_leaving_date(A, dt.date.today())           # from today: taken effect
    assert ws.register.they_are_back(A) == dt.date.today()
    assert ws.approvals.get(a.sha256, "website").status == "ready"
    # a leaving date a register file gave, which the next file no longer has
    left = (dt.date.today() - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    ws.import_register(register_csv(tmp_path / "mis2.csv", [
        {"upn": A, "surname": "Harris", "forename": "Joe"},
        {"upn": B, "surname": "Brook", "forename": "Ben", "leaving": left}]))
    assert ws.approvals.get(b.sha256, "website").status == "approved"
    report = ws.import_register(register_csv(tmp_path / "mis3.csv", [
        {"upn": A, "surname": "Harris", "forename": "Joe"},
        {"upn": B, "surname": "Brook", "forename": "Ben"}]), seen_before_ok=True)
    assert report.approvals_ended == 1
    day = dt.datetime.now().strftime("%d/%m/%Y")
    assert ws.approvals.get(b.sha256, "website").note == \
        words.approval_ended_by_leaving_cleared(day)


# -- s39: a register row rejected or missing from the MIS file, restored by a later import ----

C = UPNS[2]


def test_the_rule_for_a_row_restored():
    from photovet.core.policy import row_restored

    assert row_restored(False, True)
    assert not row_restored(True, True) and not row_restored(False, False)
    assert not row_restored(True, False)


@pytest.mark.engines   # SQLite and PostgreSQL (the approvals are found with LIKE)
def test_a_row_rejected_or_missing_then_restored_ends_the_approvals_that_showed_them(
        two_pupils, tmp_path):
    """s39: Joe's row was rejected by an import (a consent cell it could not read) and Ben was
    missing from it; both were covered, and the approvals that showed them stopped counting.
    The next file restored both rows as they were, and those approvals counted again with
    nothing said. They end instead, each note says why without saying who, audited by id; the
    import says how many, in its own words. Ben's row came back unchanged: his end too (the
    register cannot tell what happened while he was not listed: fail closed)."""
    ws = two_pupils
    joe = {"upn": A, "surname": "Harris", "forename": "Joe"}
    ben = {"upn": B, "surname": "Brook", "forename": "Ben"}
    cal = {"upn": C, "surname": "Cole", "forename": "Cal"}
    ws.import_register(register_csv(tmp_path / "mis1.csv", [joe, ben, cal]))
    a, parts = _approved(ws, tmp_path, 1, [A], channel="facebook")
    b, b_parts = _approved(ws, tmp_path, 2, [B])
    c, c_parts = _approved(ws, tmp_path, 3, [C])
    named, _ = _approved_captioned(ws, tmp_path, 4, "Well done Joe Harris")
    initials, initials_parts = _approved_captioned(ws, tmp_path, 5, "Well done JH")
    bad = dict(joe, consent={"website": "Maybe"})
    report = ws.import_register(register_csv(tmp_path / "mis2.csv", [bad, cal]),
                                skip_invalid=True)
    assert [n.person_id for n in report.invalidated] == [A]
    assert [n.person_id for n in report.missing] == [B]
    assert report.approvals_ended == 0      # covered now: their approvals do not count
    assert ws.approvals.get(a.sha256, "facebook").status == "approved"
    report = ws.import_register(register_csv(tmp_path / "mis3.csv", [joe, ben, cal]), seen_before_ok=True)
    assert ws.register.person(A).valid and ws.register.person(B).valid
    assert report.approvals_ended == report.approvals_ended_restored == 3
    assert report.approvals_ended_leaving == 0
    lines = report.summary_lines()
    assert words.approvals_ended_by_row_restored(3) + "." in lines
    assert words.approvals_ended(3) + "." not in lines          # no withdrawal said
    assert not any(line.startswith("Nothing changed") for line in lines)
    notes = {n.person_id: n.message for n in report.revalidated}
    assert notes == {A: words.row_restored_note(missing=False),
                     B: words.row_restored_note(missing=True)}
    assert notes[B].startswith("back in the MIS file: decided by consent again; any approved")
    day = dt.datetime.now().strftime("%d/%m/%Y")
    note = words.approval_ended_by_row_restored(day)
    assert note == ("Approval ended: the register row of someone it showed was rejected or "
                    f"missing from the MIS file, and an import on {day} restored it; a senior "
                    "leader must approve it again as it is now")
    for photo, channel, photo_parts in ((a, "facebook", parts), (b, "website", b_parts)):
        state = ws.approvals.get(photo.sha256, channel)
        assert state.status == "ready" and state.note == note and not state.parts
        verdict = ws.approvals.check(photo, photo_parts)
        assert not verdict.ok and note in verdict.why
    assert ws.approvals.get(named.sha256, "website").note == \
        words.approval_ended_by_row_restored(day, caption=True)
    assert words.approval_ended_by_row_restored(day, caption=True).endswith(
        "; a senior leader must check the caption and approve it again")
    # Cal's approval and a caption with Joe's initials stand
    assert ws.approvals.check(c, c_parts).ok
    assert ws.approvals.check(initials, initials_parts, caption="Well done JH").ok
    rows = ws.audit.rows(action="approval.ended")
    assert sorted((r["details"]["sha256"], r["details"]["restored"]) for r in rows) == sorted(
        [(a.sha256, "rejected"), (named.sha256, "rejected"), (b.sha256, "missing")])
    assert all(r["details"]["field"] == "restored" for r in rows)
    assert {r["details"]["person_id"] for r in rows} == {A, B}
    assert "Harris" not in str([r["details"] for r in rows]) and "Joe" not in note
    assert not words.approval_ended_note(note)     # said as stored, not as a withdrawal
    # kept in the register: the next import, and a restart, do not bring them back
    again = ws.import_register(register_csv(tmp_path / "mis4.csv", [joe, ben, cal]))
    assert again.approvals_ended == 0 and not again.revalidated
    home = ws.home
    ws.close()
    reopened = Workspace.open(home, access=office_access("Olive Office"))
    try:
        assert reopened.approvals.get(a.sha256, "facebook").status == "ready"
        assert reopened.approvals.get(c.sha256, "website").status == "approved"
    finally:
        reopened.close()


def test_a_restored_row_whose_consent_was_withdrawn_says_the_withdrawal(two_pupils, tmp_path):
    """A row restored with a No where it said Yes: the withdrawal's words, once (withdrawals
    are ended first), and the import counts it as a withdrawal."""
    ws = two_pupils
    joe = {"upn": A, "surname": "Harris", "forename": "Joe"}
    ben = {"upn": B, "surname": "Brook", "forename": "Ben"}
    a, _ = _approved(ws, tmp_path, 1, [A])
    ws.import_register(register_csv(tmp_path / "mis2.csv", [joe]))      # Ben missing
    b, _ = _approved(ws, tmp_path, 2, [B])     # (made while he was covered: not a real one)
    report = ws.import_register(register_csv(tmp_path / "mis3.csv", [
        dict(joe, consent={"website": "No"}), ben]))
    assert report.approvals_ended == 2 and report.approvals_ended_restored == 1
    day = dt.datetime.now().strftime("%d/%m/%Y")
    assert ws.approvals.get(a.sha256, "website").note == words.approval_ended_by_withdrawal(day)
    assert ws.approvals.get(b.sha256, "website").note == words.approval_ended_by_row_restored(day)
    lines = report.summary_lines()
    assert words.approvals_ended(1) + "." in lines
    assert words.approvals_ended_by_row_restored(1) + "." in lines
    assert len(ws.audit.rows(action="approval.ended")) == 2


def test_an_import_says_a_cleared_leaving_dates_approvals_in_its_own_words(two_pupils, tmp_path):
    """s38 counted them with a withdrawal's words ("shows someone whose consent was
    withdrawn")."""
    ws = two_pupils
    left = (dt.date.today() - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    joe = {"upn": A, "surname": "Harris", "forename": "Joe"}
    ben = {"upn": B, "surname": "Brook", "forename": "Ben"}
    ws.import_register(register_csv(tmp_path / "mis2.csv", [dict(joe, leaving=left), ben]))
    a, _ = _approved(ws, tmp_path, 1, [A])
    report = ws.import_register(register_csv(tmp_path / "mis3.csv", [joe, ben]), seen_before_ok=True)
    assert report.approvals_ended == report.approvals_ended_leaving == 1
    lines = report.summary_lines()
    assert words.approvals_ended_by_leaving_cleared(1) + "." in lines
    assert not any("consent was withdrawn" in line for line in lines), lines
    assert words.approvals_ended_by_leaving_cleared(2).startswith(
        "2 approved photos and videos show someone whose leaving date")


@pytest.mark.engines   # SQLite and PostgreSQL (the approvals are found with LIKE)
def test_what_a_withdrawal_would_end_is_what_it_ends(two_pupils, tmp_path):
    """s42 second round: the question before a withdrawal says how many approvals it ends,
    exported or not (it named only the exported photos). The core counts them by the
    withdrawal's own rule, reading only: the same approvals end when it is made, and asking
    ends none."""
    ws = two_pupils
    shown, _ = _approved(ws, tmp_path, 1, [A])
    _approved(ws, tmp_path, 2, [B])
    fb, _ = _approved(ws, tmp_path, 3, [A], channel="facebook")
    named, _ = _approved_captioned(ws, tmp_path, 4, "Well done Joe Harris")
    would = ws.approvals.withdrawal_would_end(A, "website", "photo", register=ws.register)
    assert sorted(st.sha256 for st in would) == sorted([shown.sha256, named.sha256])
    assert ws.approvals.get(shown.sha256, "website").status == "approved"   # nothing ended
    assert not ws.audit.rows(action="approval.ended")
    # videos' consent: no photo's approval ends
    assert ws.approvals.withdrawal_would_end(A, "website", "video", register=ws.register) == []
    # the do-not-photograph list: every channel's
    dnp = ws.approvals.withdrawal_would_end(A, "do_not_photograph", "any", register=ws.register)
    assert sorted((st.sha256, st.channel) for st in dnp) == sorted(
        [(shown.sha256, "website"), (fb.sha256, "facebook"), (named.sha256, "website")])
    ws.register.set_consent(A, "website", False)
    rows = ws.audit.rows(action="approval.ended")
    assert sorted(r["details"]["sha256"] for r in rows) == sorted(st.sha256 for st in would)
    assert words.approvals_a_withdrawal_ends(*media_ended(would)) == (
        "It also ends the approvals of 2 photos that show them or name them in their caption: "
        "a senior leader must approve them again before they can be exported.")
    assert words.approvals_a_withdrawal_ends(0) == ""


def test_what_a_withdrawal_would_end_says_those_already_exported_apart(two_pupils, tmp_path):
    """s43: with a posted and an unposted approved photo of the pupil, the question said "It
    also ends the approvals of 2 photos ..., exported or not: a senior leader must approve
    them again before they can be exported": read as if both only waited for approval, the
    posted one had to come down. The core splits them by what became of their copies
    (``ends_apart``, from the export records), and the words say them apart."""
    from photovet.core.approval import EndsApart, ends_apart
    from photovet.core.models import ExportResult

    ws = two_pupils
    waiting, _ = _approved(ws, tmp_path, 1, [A])
    posted, _ = _approved(ws, tmp_path, 2, [A])
    exported, _ = _approved(ws, tmp_path, 3, [A])
    from PIL import Image

    for a, batch in ((posted, "Posted"), (exported, "Not posted")):
        out = tmp_path / f"{batch}.jpg"
        Image.new("RGB", (64, 48), (90, 120, 150)).save(out, "JPEG")
        ws.records.add_export(ExportResult(
            source=a.path, output=str(out), source_sha256=a.sha256,
            output_sha256=hashlib.sha256(out.read_bytes()).hexdigest(), width=64, height=48,
            channel="website"), batch=batch)
    ws.records.mark_posted(batch="Posted", channel="website")
    would = ws.approvals.withdrawal_would_end(A, "website", "photo", register=ws.register)
    assert len(would) == 3
    apart = ends_apart(would, ws.records)
    assert apart == EndsApart(waiting=(1, 0), exported=(1, 0), posted=(1, 0))
    assert words.approvals_a_withdrawal_ends(*media_ended(would), exported=apart.exported,
                                             posted=apart.posted) == (
        "It also ends the approvals of 3 photos that show them or name them in their caption: "
        "1 photo not exported yet must be approved again by a senior leader before it can be "
        "exported; 1 photo already posted must be taken down; 1 photo exported but not posted "
        "must not be posted.")
    # the posted one alone
    only = [st for st in would if st.sha256 == posted.sha256]
    apart = ends_apart(only, ws.records)
    assert words.approvals_a_withdrawal_ends(1, exported=apart.exported, posted=apart.posted) \
        == ("It also ends the approval of 1 photo that shows them or names them in its "
            "caption: it is already posted and must be taken down.")
    assert waiting.sha256 not in {st.sha256 for st in only}


def test_a_copy_posted_on_the_channel_from_another_channels_export_is_said_posted(
        two_pupils, tmp_path):
    """s43 audit, s44: ``ends_apart`` read only the exports made for the approval's channel,
    so a website export recorded as posted on Facebook too ("elsewhere", flagged) left a
    Facebook approval of the same photo "to be approved again before it can be exported",
    while the take-down list then said the Facebook post must come down. Every export of the
    photo is read: a post on the approval's channel is a post."""
    from PIL import Image

    from photovet.core.approval import EndsApart, ends_apart
    from photovet.core.models import ExportResult

    ws = two_pupils
    a, _ = _approved(ws, tmp_path, 1, [A], channel="facebook")
    out = tmp_path / "web.jpg"
    Image.new("RGB", (64, 48), (90, 120, 150)).save(out, "JPEG")
    ws.records.add_export(ExportResult(
        source=a.path, output=str(out), source_sha256=a.sha256,
        output_sha256=hashlib.sha256(out.read_bytes()).hexdigest(), width=64, height=48,
        channel="website"), batch="Web")
    would = ws.approvals.withdrawal_would_end(A, "facebook", "photo", register=ws.register)
    assert [st.sha256 for st in would] == [a.sha256]
    assert ends_apart(would, ws.records) == EndsApart(waiting=(1, 0))   # not for Facebook
    ws.records.mark_posted(batch="Web", channel="facebook", elsewhere=True)
    assert ends_apart(would, ws.records) == EndsApart(posted=(1, 0))
