"""The caption is part of what the approver signs (s31): the preparer proposes it when marking
photos ready for a channel (checked by the channel's rules there), the approver is shown it and
the approval signs it; export may publish that caption or none, never another (fail closed);
a post that went out with another caption is recorded as it went out, flagged, and on the
take-down list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from photovet.core import words as core_words
from photovet.core.approval import APPROVED, READY, explain_difference, fingerprint
from photovet.core.errors import ApprovalConflict, ApprovalError
from photovet.core.pipeline import export_batch, vet_batch
from photovet.core.records import takedown
from photovet.core.vision.text.captions import CaptionError
from tests.conftest import act_as
from tests.core.test_pipeline import make_photo, new_engine, open_workspace

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)
APPROVED_WORDS = "Well done, Year 4!"


def _decided(engine, photo, ch):
    return engine.decide(engine.analyse(photo), ch, on=TODAY)


def _ready(ws, engine, a, caption):
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(a, batch="Trip", caption=caption,
                            caption_refusal=engine.proposed_caption_check(a.channel))


def _approve(ws, engine, a, *, shown=None):
    """Mr Head approves ``a`` as shown, with the caption proposed (as the app shows it)."""
    act_as(ws, "Mr Head")
    state = ws.approvals.get(a.sha256, a.channel)
    ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                         now=lambda: engine.approval_now(a),
                         caption=state.caption if shown is None else shown)
    act_as(ws, "Mrs Office")
    return ws.approvals.get(a.sha256, a.channel)


def _export(ws, engine, photo, ch, out, caption=""):
    out.mkdir(exist_ok=True)
    a = _decided(engine, photo, ch)
    return [s.result for s in export_batch([a], out, label="Trip 2026", engine=engine,
                                           channel=ch, records=ws.records,
                                           approvals=ws.approvals, caption=caption)
            if s.result is not None]


@pytest.fixture
def approved(ws, engine, tmp_path):
    """A photo marked ready for the website with APPROVED_WORDS and approved with it."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = _decided(engine, photo, web)
    _ready(ws, engine, a, APPROVED_WORDS)
    state = _approve(ws, engine, a)
    assert state.status == APPROVED and state.parts["caption"] == APPROVED_WORDS
    return photo, web


def _refused_as_not_approved(ws, error) -> None:
    """A post's caption refused as not the approved one: nothing marked, the approved caption
    suggested; what to do names the command's option on the command line, the app's question in
    the app (walk s33: the app said "the command: --already-posted")."""
    assert "not the one a senior leader approved" in error.message
    assert error.suggestion == APPROVED_WORDS
    assert ws.records.exports()[0].posts == []
    assert error.hint == core_words.CAPTION_POSTED_COMMAND
    assert "--already-posted" in error.hint
    in_app = core_words.app_hint(error.hint) or ""
    assert in_app == core_words.CAPTION_POSTED_APP and "--" not in in_app
    assert "answer that it went out with this caption" in in_app


def test_a_caption_changed_after_approval_is_refused_at_export(ws, engine, approved, tmp_path):
    photo, web = approved
    (res,) = _export(ws, engine, photo, web, tmp_path / "out",
                     caption="Olivia B. from Year 3 at Hollins Park")
    assert not res.ok and res.held == "caption-not-approved"
    assert "is not the one a senior leader approved" in res.error
    assert "\u201cWell done, Year 4!\u201d" in res.error      # what was approved
    assert ws.records.exports() == []
    # the same through the one-pass export the command uses
    out = tmp_path / "out2"
    out.mkdir()
    (step,) = [s.result for s in vet_batch([photo], engine, web, out, label="Trip",
                                           records=ws.records, approvals=ws.approvals,
                                           caption="Olivia B. from Year 3 at Hollins Park")
               if s.result is not None]
    assert not step.ok and "not the one a senior leader approved" in step.error
    assert ws.records.exports() == [] and list(out.iterdir()) == []


def test_the_approved_caption_is_exported_and_recorded(ws, engine, approved, tmp_path):
    photo, web = approved
    # the same words, white space aside
    (res,) = _export(ws, engine, photo, web, tmp_path / "out",
                     caption="  Well done,\n Year 4!  ")
    assert res.ok, res.error
    (rec,) = ws.records.exports()
    assert rec.caption == "Well done,\n Year 4!"
    assert rec.approved_caption == APPROVED_WORDS


def test_no_caption_where_one_was_approved_is_allowed(ws, engine, approved, tmp_path):
    photo, web = approved
    (res,) = _export(ws, engine, photo, web, tmp_path / "out", caption="")
    assert res.ok, res.error
    (rec,) = ws.records.exports()
    assert rec.caption == "" and rec.approved_caption == APPROVED_WORDS


def test_the_fingerprint_signs_the_caption_and_a_change_is_explained(ws, engine, approved):
    photo, web = approved
    state = ws.approvals.get(__import__("hashlib").sha256(photo.read_bytes()).hexdigest(),
                             "website")
    other = dict(state.parts, caption="Olivia B. from Year 3")
    assert fingerprint(other) != fingerprint(state.parts) == state.fingerprint
    why = explain_difference(state.parts, other)
    assert why.startswith("the caption changed since it was approved")
    assert "\u201cWell done, Year 4!\u201d was approved" in why


def test_the_proposed_and_signed_caption_survive_a_restart(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = _decided(engine, photo, web)
    _ready(ws, engine, a, APPROVED_WORDS)
    home = ws.home
    ws.close()
    ws2 = open_workspace(home)
    try:
        engine2 = new_engine(ws2)
        a = _decided(engine2, photo, web)
        assert ws2.approvals.get(a.sha256, "website").caption == APPROVED_WORDS
        _approve(ws2, engine2, a)
        ws2.close()
        ws3 = open_workspace(home)
        engine3 = new_engine(ws3)
        state = ws3.approvals.get(a.sha256, "website")
        assert state.status == APPROVED and state.approved_caption == APPROVED_WORDS
        (res,) = _export(ws3, engine3, photo, web, tmp_path / "out", caption="Other words")
        assert not res.ok and "not the one a senior leader approved" in res.error
        (res,) = _export(ws3, engine3, photo, web, tmp_path / "out", caption=APPROVED_WORDS)
        assert res.ok, res.error
        ws3.close()
    finally:
        ws2.close()


def test_a_caption_the_channel_refuses_is_refused_when_marking_ready(ws, engine, tmp_path):
    a = _decided(engine, make_photo(tmp_path / "trip.jpg"), ws.channels.get("website"))
    with pytest.raises(CaptionError) as err:
        _ready(ws, engine, a, "Well done Victoria Ashby!")
    assert "nothing was marked ready" in err.value.message
    assert err.value.suggestion == "Well done TA!"   # Tori, as the school calls her
    assert ws.approvals.get(a.sha256, "website").status == "draft"
    # never proposed unchecked
    with pytest.raises(ApprovalError, match="without the channel's rules"):
        ws.approvals.mark_ready(a, caption="Well done!")


def test_the_approver_must_be_shown_the_caption_they_sign(ws, engine, tmp_path):
    a = _decided(engine, make_photo(tmp_path / "trip.jpg"), ws.channels.get("website"))
    _ready(ws, engine, a, APPROVED_WORDS)
    act_as(ws, "Mr Head")
    with pytest.raises(ApprovalError, match="not shown with it"):
        ws.approvals.approve(a, engine.approval_parts(a), checks=ws.approvals.required_checks(),
                             now=lambda: engine.approval_now(a))
    # shown one caption; the preparer proposed another meanwhile (marked ready again)
    shown = ws.approvals.get(a.sha256, "website").caption
    _ready(ws, engine, a, "Well done, everyone in Year 4!")
    with pytest.raises(ApprovalConflict, match="changed after you opened it"):
        _approve(ws, engine, a, shown=shown)
    assert ws.approvals.get(a.sha256, "website").status == READY


def test_an_approval_without_a_caption_allows_none_and_refuses_one(ws, engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = _decided(engine, photo, web)
    _ready(ws, engine, a, "")
    _approve(ws, engine, a)
    (res,) = _export(ws, engine, photo, web, tmp_path / "out", caption="Sports day!")
    assert not res.ok and "it was approved with no caption" in res.error
    (res,) = _export(ws, engine, photo, web, tmp_path / "out", caption="")
    assert res.ok, res.error
    assert ws.records.exports()[0].approved_caption == ""


def test_an_approval_made_before_captions_were_signed_needs_one(ws, engine, tmp_path):
    """An approval stored before this change signs no caption at all: exporting without one
    still works; with one, it says the caption needs approving (mark ready with it)."""
    photo = make_photo(tmp_path / "trip.jpg")
    web = ws.channels.get("website")
    a = _decided(engine, photo, web)
    _ready(ws, engine, a, "")
    state = _approve(ws, engine, a)
    old = {k: v for k, v in state.parts.items() if k != "caption"}
    ws.approvals.db.execute("UPDATE approvals SET parts = ?, fingerprint = ? WHERE sha256 = ?",
                            [__import__("json").dumps(old), fingerprint(old), a.sha256])
    (res,) = _export(ws, engine, photo, web, tmp_path / "out", caption="Sports day!")
    assert not res.ok and "approved before captions were, so with none" in res.error
    (res,) = _export(ws, engine, photo, web, tmp_path / "out", caption="")
    assert res.ok, res.error
    assert ws.records.exports()[0].approved_caption == ""


def test_a_post_with_another_caption_is_refused_or_flagged_as_it_went_out(
        ws, engine, approved, tmp_path):
    photo, web = approved
    (res,) = _export(ws, engine, photo, web, tmp_path / "out", caption=APPROVED_WORDS)
    assert res.ok, res.error
    people = ws.register.people()
    # not posted yet: refused, nothing marked, the approved caption suggested
    with pytest.raises(CaptionError) as err:
        ws.records.mark_posted(batch="Trip 2026", channel="website", caption="Our trip, Year 3",
                               people=people)
    _refused_as_not_approved(ws, err.value)
    # the approved caption (white space aside) posts as any post
    assert ws.records.mark_posted(batch="Trip 2026", channel="website",
                                  caption=" Well done,  Year 4! ", people=people) == 1
    assert takedown.evaluate(ws.records, ws.register) == []
    # it already went out with another: recorded as it went out, flagged, on the list
    said: list = []
    assert ws.records.mark_posted(batch="Trip 2026", channel="website",
                                  caption="Our trip, Year 3", people=people,
                                  already_posted=True, not_allowed=said,
                                  date=dt.date.today() + dt.timedelta(days=1)) == 1
    ((_f, why),) = said
    assert "caption no senior leader approved" in why and "Well done, Year 4!" in why
    rec = ws.records.exports()[0]
    assert [p.caption for p in rec.posts][-1] == "Our trip, Year 3"
    assert rec.posts[-1].not_allowed == why
    (item,) = takedown.evaluate(ws.records, ws.register)
    assert item.export_id == rec.id and item.not_allowed == why


def test_a_post_whose_caption_is_refused_and_not_approved_says_both(ws, engine, approved,
                                                                    tmp_path):
    photo, web = approved
    (res,) = _export(ws, engine, photo, web, tmp_path / "out", caption="")
    assert res.ok, res.error
    said: list = []
    ws.records.mark_posted(batch="Trip 2026", channel="website",
                           caption="Well done Victoria Ashby!", people=ws.register.people(),
                           already_posted=True, not_allowed=said)
    ((_f, why),) = said
    assert "Ashby" in why and why.endswith(
        "and its caption is not the one a senior leader approved")


def test_the_migration_adds_the_caption_columns(ws):
    from photovet.core.storage.migrations import applied

    db = ws.approvals.db
    assert "approval-0005-signed-caption" in applied(db)
    assert db.scalar("SELECT COUNT(*) FROM approvals WHERE caption = ''") == 0
    assert db.scalar("SELECT COUNT(*) FROM exports WHERE approved_caption IS NULL") == 0


def test_a_caption_is_signed_for_its_channel_and_its_photo_only(ws, engine, approved, tmp_path):
    """Review s31: the caption approved with a photo for the website is not approved for it on
    another channel (approved there with none), nor for another photo of the batch approved
    with another caption: each is held back, the rest goes out."""
    photo, web = approved
    other_channel = next(c for c in ws.channels.all() if c.id != web.id)
    a = _decided(engine, photo, other_channel)
    _ready(ws, engine, a, "")
    assert _approve(ws, engine, a).status == APPROVED
    (res,) = _export(ws, engine, photo, other_channel, tmp_path / "other", caption=APPROVED_WORDS)
    assert not res.ok and res.held == "caption-not-approved", res.error
    assert "approved with no caption" in res.error
    # a second photo of the batch, approved for the website with another caption
    second = make_photo(tmp_path / "trip2.jpg", colour=(205, 125, 95))
    b = _decided(engine, second, web)
    assert b.sha256 != engine.analyse(photo).sha256
    _ready(ws, engine, b, "Year 4 at the farm")
    assert _approve(ws, engine, b).status == APPROVED
    assert ws.approvals.export_caption([engine.analyse(photo).sha256, b.sha256], web.id) == (
        "", [APPROVED_WORDS, "Year 4 at the farm"])
    out = tmp_path / "both"
    out.mkdir()
    got = [s.result for s in export_batch(
        [_decided(engine, photo, web), _decided(engine, second, web)], out, label="Trip 2026",
        engine=engine, channel=web, records=ws.records, approvals=ws.approvals,
        caption=APPROVED_WORDS) if s.result is not None]
    assert sorted((r.ok, r.held or "") for r in got) == [(False, "caption-not-approved"),
                                                        (True, "")], [r.error for r in got]
    assert [r.approved_caption for r in ws.records.exports()] == [APPROVED_WORDS]


def test_approvals_are_found_by_the_files_path_without_reading_it(ws, engine, tmp_path):
    """s32: 'photovet export' finds the caption to default to by the files' paths
    (``Approvals.at_paths``), not by reading each file twice. A path marked ready for another
    channel only is not found; nor is a path whose file was replaced and marked ready again
    (which one is there now is known only by reading it)."""
    import os

    web = ws.channels.get("website")
    photo = make_photo(tmp_path / "trip.jpg")
    a = _decided(engine, photo, web)
    _ready(ws, engine, a, APPROVED_WORDS)
    other = make_photo(tmp_path / "other.jpg", colour=(90, 120, 200))
    found = ws.approvals.at_paths([photo, other], "website")
    assert list(found) == [os.path.abspath(photo)]
    assert (found[os.path.abspath(photo)].sha256, found[os.path.abspath(photo)].caption) == \
        (a.sha256, APPROVED_WORDS)
    assert ws.approvals.at_paths([photo], "facebook") == {}
    make_photo(photo, colour=(30, 200, 60))             # replaced, and marked ready again
    b = _decided(engine, photo, web)
    assert b.sha256 != a.sha256
    _ready(ws, engine, b, "Sports day")
    assert ws.approvals.at_paths([photo], "website") == {}


def test_a_post_caption_naming_someone_and_not_approved_suggests_the_approved_one(
        ws, engine, approved, tmp_path):
    """Walk s33: the names check ran first and suggested "Well done TA!", which was then
    refused as not approved. The approval is asked first; only the approved caption is
    suggested."""
    photo, web = approved
    (res,) = _export(ws, engine, photo, web, tmp_path / "out", caption=APPROVED_WORDS)
    assert res.ok, res.error
    with pytest.raises(CaptionError) as err:
        ws.records.mark_posted(batch="Trip 2026", channel="website",
                               caption="Well done Victoria Ashby!", people=ws.register.people())
    _refused_as_not_approved(ws, err.value)


def test_a_batch_approved_with_different_captions_is_marked_in_groups(ws, engine, tmp_path):
    """Walk s33: the first photo's approved caption was suggested for the whole batch, whose
    other photo was approved with another: refused, nothing suggested, told to mark groups."""
    web = ws.channels.get("website")
    one = make_photo(tmp_path / "one.jpg")
    two = make_photo(tmp_path / "two.jpg", colour=(190, 110, 80))
    ones = []
    for photo, words in ((one, APPROVED_WORDS), (two, "Year 4 at the coast")):
        a = _decided(engine, photo, web)
        _ready(ws, engine, a, words)
        _approve(ws, engine, a)
        ones.append(_decided(engine, photo, web))
    out = tmp_path / "out"
    out.mkdir()
    results = [s.result for s in export_batch(ones, out, label="Trip 2026", engine=engine,
                                              channel=web, records=ws.records,
                                              approvals=ws.approvals)
               if s.result is not None]
    assert all(r.ok for r in results), [r.error for r in results]
    people = ws.register.people()
    for typed in ("Our trip", APPROVED_WORDS):
        with pytest.raises(CaptionError) as err:
            ws.records.mark_posted(batch="Trip 2026", channel="website", caption=typed,
                                   people=people)
        assert "approved with different captions" in err.value.message
        for rec in ws.records.exports():       # each caption with the copy approved with it
            assert (f"\u201c{rec.approved_caption}\u201d for 1 photo "
                    f"({Path(rec.output_path).name})") in err.value.message
        assert err.value.suggestion == ""
        assert "in groups" in (err.value.hint or "")
    assert all(r.posts == [] for r in ws.records.exports())
    # in groups, each with its own approved caption: recorded
    first, second = sorted(ws.records.exports(), key=lambda r: r.id)
    assert ws.records.mark_posted(files=[Path(first.output_path)], channel="website",
                                  caption=first.approved_caption, people=people) == 1
    assert ws.records.mark_posted(files=[Path(second.output_path)], channel="website",
                                  caption=second.approved_caption, people=people) == 1
    # with no caption, the whole batch at once
    assert ws.records.mark_posted(batch="Trip 2026", channel="website", caption=None,
                                  people=people,
                                  date=dt.date.today() - dt.timedelta(days=1)) == 2
