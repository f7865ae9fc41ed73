"""What staff typed about a photo before the free-text check existed (or with a name it let
through) loses a forgotten pupil's name too (s34): an approval's comment and note, a review's
reasons (why a face is shown, said to be someone or not a face, why a name is left readable,
why a warning was accepted) and the words read where a text decision was made, a video
track's reason, why a take-down item was closed.

An approval signs exactly what was reviewed, and the review's reasons are part of what it
signs (``Publication.signature``, the review's digest). Where only those reasons lost the
name, what it publishes is the same: the approval still counts, signed again by PhotoVet, its
note says so, and an audit row holds the fingerprint the approver gave and the one it has now.
Where what it publishes changed (the caption it signed) it waits for approval again, saying
why. An approval that no longer counted before still does not."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from photovet.core.approval import APPROVED, READY, fingerprint
from photovet.core.review import ALL
from photovet.core.words import (
    CAPTION_NAME_REMOVED,
    approval_again_name_removed,
    approval_name_removed,
)
from tests.conftest import act_as
from tests.core.test_pipeline import make_photo

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)
SAM = "B2"                               # Sam Hale (tests/core/test_pipeline.REGISTER)
SAM_WORDS = ("Sam", "Hale")
NAMED_REASON = "Sam Hale's mum says the visitor agreed"
CLEAN_REASON = "adult visitor who agreed"


def _decided(engine, photo, channel):
    return engine.decide(engine.analyse(photo), channel, on=TODAY)


def _approve(ws, engine, a, caption=""):
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a, batch="Trip")
    act_as(ws, "Mr Head")
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a), caption=caption)
    act_as(ws, "Mrs Office")
    assert ws.approvals.status(a.sha256, a.channel) == APPROVED


def _counts(ws, engine, photo, channel) -> bool:
    """The core's own check at export: may the photo go out as it is now?"""
    a = _decided(engine, photo, channel)
    return ws.approvals.check(a, engine.approval_parts(a)).ok


def _typed_before_the_check(ws, sha, reason):
    """Every reason of the photo's review as an older version let it be typed."""
    with ws.db.atomic():
        for scope, doc in ws.db.all("SELECT channel, doc FROM reviews WHERE sha256 = ?", [sha]):
            data = json.loads(doc)
            for f in data.get("faces", []):
                if f.get("reason"):
                    f["reason"] = reason
            ws.db.execute("UPDATE reviews SET doc = ? WHERE sha256 = ? AND channel = ?",
                          [json.dumps(data, sort_keys=True), sha, scope])


def _naming(ws, words=SAM_WORDS) -> list[str]:
    """The rows of the tables that hold what staff typed about photos that still name him."""
    low = [w.casefold() for w in words]
    hits = []
    for table, cols in (("approvals", "comment, note, caption, parts"), ("reviews", "doc"),
                        ("video_reviews", "doc"), ("takedown_items", "note, closed_reason")):
        for row in ws.db.all(f"SELECT {cols} FROM {table}"):
            hits += [f"{table}: {v}" for v in row if v and any(w in str(v).casefold()
                                                                 for w in low)]
    return hits


@pytest.mark.parametrize("how", ["register-remove", "retention"])
def test_an_approval_whose_review_reason_named_a_forgotten_pupil_still_counts(
        ws, engine, tmp_path, how):
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = _decided(engine, photo, web)
    ws.reviewer().face(a, 1, "show", web, reason=CLEAN_REASON, mode=a.mode)
    _typed_before_the_check(ws, a.sha256, NAMED_REASON)
    _approve(ws, engine, _decided(engine, photo, web))
    assert _counts(ws, engine, photo, web)
    given = ws.approvals.get(a.sha256, "website")
    assert any("Sam Hale" in json.dumps(r) for r in given.parts["publication"])   # it signed it
    [approved_row] = ws.audit.rows(action="approval.approved")
    assert approved_row["details"]["fingerprint"] == given.fingerprint

    if how == "register-remove":
        ws.register.delete_person(SAM, reason="left the school")
    else:
        ws.register.set_leaving_date(SAM, TODAY - dt.timedelta(days=800))
        from photovet.core.retention import DueItem

        ws.retention()._forget_in_records(DueItem("export-records", f"person:{SAM}", "",
                                                  TODAY, data={"person": SAM}))
    assert _naming(ws) == []
    [scope_doc] = [json.loads(r[0]) for r in ws.db.all(
        "SELECT doc FROM reviews WHERE sha256 = ? AND channel = 'website'", [a.sha256])]
    assert scope_doc["faces"][0]["reason"] == f"{CAPTION_NAME_REMOVED}'s mum says the visitor agreed"

    # what it publishes is the same: it still counts, and says why it was signed again
    assert _counts(ws, engine, photo, web)
    now = ws.approvals.get(a.sha256, "website")
    assert now.status == APPROVED and now.approver == "Mr Head"
    assert now.fingerprint != given.fingerprint and now.fingerprint == fingerprint(now.parts)
    assert now.note == approval_name_removed(dt.date.today().strftime("%d/%m/%Y"))
    [row] = ws.audit.rows(action="approval.name-removed")
    assert row["details"]["fingerprint_was"] == given.fingerprint
    assert row["details"]["fingerprint"] == now.fingerprint
    assert row["details"]["sha256"] == a.sha256 and row["details"]["people"] == [SAM]
    # the review's decisions, and whom it shows, are as they were
    assert now.parts["people_shown"] == given.parts["people_shown"]
    assert now.parts["publication"][0] == given.parts["publication"][0]      # the covers


def test_an_approval_that_did_not_count_is_not_made_to_count(ws, engine, tmp_path):
    """Approved, then the review changed (the approval no longer counts): forgetting takes
    the name out of what it signed and it still does not count (the review digest it signed
    is kept; its fingerprint signs its parts as they are now, and the audit log says so)."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = _decided(engine, photo, web)
    ws.reviewer().face(a, 1, "show", web, reason=CLEAN_REASON, mode=a.mode)
    _typed_before_the_check(ws, a.sha256, NAMED_REASON)
    _approve(ws, engine, _decided(engine, photo, web))
    given = ws.approvals.get(a.sha256, "website")
    _typed_before_the_check(ws, a.sha256, "Sam Hale's dad says the visitor agreed")
    assert not _counts(ws, engine, photo, web)

    ws.register.delete_person(SAM, reason="left the school")
    assert _naming(ws) == []
    assert not _counts(ws, engine, photo, web)
    now = ws.approvals.get(a.sha256, "website")
    assert now.status == APPROVED and not now.note
    assert now.parts["review"] == given.parts["review"]
    [row] = ws.audit.rows(action="approval.name-removed")
    assert row["details"]["fingerprint_was"] == given.fingerprint
    assert row["details"]["fingerprint"] == now.fingerprint == fingerprint(now.parts)


def test_an_approval_whose_signed_caption_named_them_is_asked_for_again(ws, engine, tmp_path):
    """The caption it signed is published: once it loses his name, what goes out is not what
    was approved, so it waits for approval again, saying why (never left looking approved)."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = _decided(engine, photo, web)
    _approve(ws, engine, a)
    # an approval that signed a caption naming him (the checks of the day let it through)
    state = ws.approvals.get(a.sha256, "website")
    parts = dict(state.parts, caption="Well done Sam Hale!")
    with ws.db.atomic():
        ws.db.execute("UPDATE approvals SET caption = ?, parts = ?, fingerprint = ? WHERE "
                      "sha256 = ? AND channel = 'website'",
                      ["Well done Sam Hale!", json.dumps(parts, sort_keys=True),
                       fingerprint(parts), a.sha256])

    ws.register.delete_person(SAM, reason="left the school")
    assert _naming(ws) == []
    now = ws.approvals.get(a.sha256, "website")
    day = dt.date.today().strftime("%d/%m/%Y")
    assert now.status == READY and now.note == approval_again_name_removed(day)
    assert now.caption == f"Well done {CAPTION_NAME_REMOVED}!" and not now.parts
    verdict = ws.approvals.check(_decided(engine, photo, web), engine.approval_parts(a))
    assert not verdict.ok and approval_again_name_removed(day) in verdict.why
    [row] = ws.audit.rows(action="approval.cancelled")
    assert row["details"]["approver"] == "Mr Head" and row["details"]["people"] == [SAM]
    assert ws.audit.rows(action="approval.name-removed") == []


def test_comments_notes_and_every_reason_typed_lose_the_name(ws, engine, tmp_path):
    """Written before the checks (straight into the tables): an approver's comment, a note,
    a review's reasons and the words read, a video track's reason; a camera's label and the
    name of the photo another pupil's face signature was taken from. Another pupil's name
    stays; a review keeps its version."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = _decided(engine, photo, web)
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a, batch="Trip")
    act_as(ws, "Mr Head")
    ws.approvals.reject(a, comment="not this one")
    act_as(ws, "Mrs Office")
    doc = {"faces": [{"box": [1, 2, 3, 4], "action": "assign", "person": "A1",
                      "reason": "Sam Hale's sister, Tori", "by": "x", "at": "y"}],
           "texts": [{"polygon": [[0, 0], [1, 0], [1, 1]], "text": "SAM HALE",
                      "action": "cover", "reason": "", "by": "x", "at": "y"}],
           "covers": [], "flags": [{"kind": "device", "reason": "Sam's dad's phone",
                                    "by": "x", "at": "y"}]}
    video = {"tracks": [{"kind": "face", "frames": [1], "boxes": [[1, 2, 3, 4]],
                         "action": "show", "person": None, "reason": "Hale family agreed",
                         "text": "", "by": "x", "at": "y", "shot_start": 0, "shot_end": None}],
             "sound": None, "sound_by": "", "sound_at": ""}
    with ws.db.atomic():
        ws.db.execute("UPDATE approvals SET comment = ?, note = ?",
                      ["Sam looks upset here", "asked by Sam Hale's teacher"])
        ws.db.execute("INSERT INTO reviews (sha256, channel, version, doc, actor, updated_at) "
                      "VALUES ('f' || ?, ?, 3, ?, 'x', 'y')", [a.sha256[1:], ALL, json.dumps(doc)])
        ws.db.execute("INSERT INTO reviews (sha256, channel, version, doc, actor, updated_at) "
                      "VALUES ('e' || ?, ?, 2, ?, 'x', 'y')",
                      [a.sha256[1:], ALL, json.dumps({"faces": [], "texts": [], "covers": [],
                                                      "flags": [{"kind": "device", "reason":
                                                                 "Tori's mum's phone"}]})])
        ws.db.execute("INSERT INTO video_reviews (sha256, channel, version, doc, actor, "
                      "updated_at) VALUES ('v1', ?, 1, ?, 'x', 'y')", [ALL, json.dumps(video)])
        ws.db.execute("INSERT INTO devices (make, model, serial, label, key, added_at) VALUES "
                      "('Canon', 'EOS', '1', 'Sam Hale''s dad''s camera', 'k1', 'x')")
        ws.db.execute("UPDATE encodings SET photo_name = 'Tori and SamHale at sports day.jpg' "
                      "WHERE person_id = 'A1'")
    assert len(_naming(ws)) == 4         # a comment, a note, a review, a video's review
    assert ws.db.scalar("SELECT COUNT(*) FROM devices WHERE label LIKE '%Sam%'") == 1

    ws.register.delete_person(SAM, reason="left the school")
    assert _naming(ws) == []
    gone = CAPTION_NAME_REMOVED
    state = ws.approvals.get(a.sha256, "website")
    assert (state.comment, state.note) == (f"{gone} looks upset here", f"asked by {gone}'s teacher")
    got = json.loads(ws.db.scalar("SELECT doc FROM reviews WHERE sha256 = 'f' || ?", [a.sha256[1:]]))
    assert got["faces"][0]["reason"] == f"{gone}'s sister, Tori"
    assert got["texts"][0]["text"] == gone and got["flags"][0]["reason"] == f"{gone} dad's phone"
    assert ws.db.scalar("SELECT version FROM reviews WHERE sha256 = 'f' || ?", [a.sha256[1:]]) == 3
    assert json.loads(ws.db.scalar("SELECT doc FROM reviews WHERE sha256 = 'e' || ?",
                                   [a.sha256[1:]]))["flags"][0]["reason"] == "Tori's mum's phone"
    track = json.loads(ws.db.scalar("SELECT doc FROM video_reviews"))["tracks"][0]
    assert track["reason"] == f"{gone} family agreed"
    assert ws.db.scalar("SELECT label FROM devices") == f"{gone}'s dad's camera"
    assert ws.db.scalar("SELECT photo_name FROM encodings WHERE person_id = 'A1'") == (
        f"Tori and {gone} at sports day.jpg")
    assert ws.register.enrolment_count("A1") == 1          # her signature is untouched


@pytest.mark.parametrize("table", ["reviews", "video_reviews"])
def test_the_review_digest_an_approval_signs_is_worked_out_as_the_review_store_does(ws, table):
    """``ReviewsForgotten.digest`` (what an approval of the photo or video signs, before and
    after the reasons lost the name) is the digest the review store gives for the review as it
    was and as it is: one scope changed, the other not, a scope with no row."""
    from photovet.core.records.exports import _scrubber
    from photovet.core.records.forgetting import Forgetter, forget_in_reviews
    from photovet.core.review import review_hash
    from photovet.core.video_review import VideoReviewStore, video_review_hash

    if table == "reviews":
        every = {"faces": [{"box": [1, 2, 3, 4], "action": "not-a-face", "reason": "Sam's poster"}],
                 "texts": [], "covers": []}
        one = {"faces": [{"box": [5, 6, 7, 8], "action": "show", "reason": "a visitor"}],
               "texts": [], "covers": []}

        def digest(ch):
            return review_hash(ws.reviews.parts("v" * 64, ch))
    else:
        every = {"tracks": [{"kind": "face", "frames": [1, 2], "boxes": [[1, 2, 3, 4]] * 2,
                             "action": "show", "reason": "Sam Hale's dad filmed it"}]}
        one = {"tracks": [], "sound": "mute", "sound_by": "x", "sound_at": "y"}

        def digest(ch):
            return video_review_hash(VideoReviewStore(ws.db, ws.audit).parts("v" * 64, ch))
    with ws.db.atomic():
        for scope, doc in ((ALL, every), ("website", one)):
            ws.db.execute(f"INSERT INTO {table} (sha256, channel, version, doc, actor, updated_at) "
                          "VALUES (?, ?, 1, ?, 'x', 'y')", ["v" * 64, scope, json.dumps(doc)])
    before = {ch: digest(ch) for ch in ("website", "facebook")}
    sam = ws.register.find(SAM)
    import re

    def whole(w):
        return re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE)

    forget = Forgetter(sam, _scrubber(sam, [], whole), {SAM: ["Sam Hale"]})
    with ws.db.atomic():
        [(key, got)] = forget_in_reviews(ws.db, forget).items()
    assert key == (table, "v" * 64) and len(got.reasons) == 1
    for ch in ("website", "facebook"):
        assert got.digest("v" * 64, ch, now=False) == before[ch]
        assert got.digest("v" * 64, ch, now=True) == digest(ch) != before[ch]
