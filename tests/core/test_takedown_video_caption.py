"""s62 audit: a caption needs the photo consent of everyone it names, a video's too
(``policy.caption_media``: the export, a post's caption and ``approval_ended_by`` check a
video's caption for both). The take-down list judged a video's caption by video consent
alone, so a video posted with a pupil's name stayed up when their photo consent for that
channel was withdrawn, though an approval of the same caption ended and posting it again
was refused. A face follows the media: a video showing them stays up."""

from __future__ import annotations

import datetime as dt

import pytest
from afterpost_util import UPNS, joe_and_ben, make_export

from photovet.core.records import takedown
from photovet.core.records.exports import CaptionRef

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

A, B = UPNS[:2]


@pytest.fixture
def joe_ws(tmp_path):
    w = joe_and_ben(tmp_path, ben={"consent": {"facebook": "No"}})
    for pid in (A, B):
        w.register.set_consent(pid, "facebook", True, media="video")
    yield w
    w.close()


def video(joe_ws, tmp_path, seed, *, shown=(), caption="", refs=()):
    result = make_export(tmp_path, seed, shown=shown)
    result.media = "video"
    rid = joe_ws.records.add_export(result, batch=f"clip{seed}", channel="facebook",
                                preparer="p", approver="a", caption=caption, caption_refs=refs)
    flagged: list = []
    joe_ws.records.mark_posted(files=[result.output], channel="facebook", date=dt.date.today(),
                           not_allowed=flagged)
    assert flagged == []
    return rid


def test_a_videos_caption_comes_down_when_photo_consent_is_withdrawn(joe_ws, tmp_path):
    named = video(joe_ws, tmp_path, 1, caption="Well done Joe", refs=[CaptionRef(A, "Joe", "first")])
    shows = video(joe_ws, tmp_path, 2, shown=[A])
    # Ben's photo consent was No from the start: initials allowed then and now
    video(joe_ws, tmp_path, 3, caption="Well done B.B.", refs=[CaptionRef(B, "B.B.", "initials")])
    assert joe_ws.takedown() == []
    joe_ws.register.set_consent(A, "facebook", False)          # photo consent only
    [item] = joe_ws.takedown()
    assert (item.export_id, item.status, item.people) == (named, "posted", [A])
    assert item.reasons[A].startswith(
        "Not in this video, but the caption of this post names them as \u201cJoe\u201d: "
        "consent withdrawn on"), item.reasons
    assert shows not in {i.export_id for i in joe_ws.takedown(person=A)}   # a face: video consent
    # posting it again is refused as its caption would be
    assert named in takedown.post_refusals(joe_ws.records, joe_ws.register, [named], "facebook")


def test_a_video_named_after_a_pupil_comes_down_when_photo_consent_is_withdrawn(joe_ws, tmp_path):
    """The same for its file name (the batch label, checked at export for both media too)."""
    result = make_export(tmp_path, 4, name="joe-award-001")
    result.media = "video"
    rid = joe_ws.records.add_export(result, batch="Joe award", channel="facebook", preparer="p",
                                approver="a")
    joe_ws.records.mark_posted(files=[result.output], channel="facebook", date=dt.date.today())
    assert joe_ws.takedown() == []
    joe_ws.register.set_consent(A, "facebook", False)          # photo consent only
    [item] = joe_ws.takedown()
    assert (item.export_id, item.people) == (rid, [A])
    assert item.reasons[A].startswith("Named in the file name as \u201cjoe\u201d: consent "
                                      "withdrawn on"), item.reasons
    assert [i.export_id for i in joe_ws.takedown(person=A)] == [rid]


def test_posting_a_video_named_after_a_pupil_needs_their_photo_consent_too(joe_ws, tmp_path):
    """``post_refusals`` reads a video's file name by photo consent too, as the export's label
    check does, also where no take-down item holds it (another channel than it was made for)."""
    result = make_export(tmp_path, 5, name="joe-award-001")
    result.media = "video"
    rid = joe_ws.records.add_export(result, batch="Joe award", channel="facebook", preparer="p",
                                approver="a")
    joe_ws.register.set_consent(A, "website", True, media="video")
    joe_ws.register.set_consent(A, "website", False)                # no photo consent there
    why = takedown.post_refusals(joe_ws.records, joe_ws.register, [rid], "website")
    assert "joe" in why.get(rid, "").lower(), why
    joe_ws.register.set_consent(A, "website", True)
    assert rid not in takedown.post_refusals(joe_ws.records, joe_ws.register, [rid], "website")
