"""'Mark as posted' of what PhotoVet would not have allowed (audit s27, finding 1; s29): an
export that was taken down, that is on the take-down list, or that shows (or names) someone who
would now be covered on that channel. policy.post_refusal says why; Records.mark_posted records
the post all the same (it happened: subject access reports and the take-down list need it),
flagged with why, puts it on the take-down list in the same transaction (an item taken down is
open again) and audits it; the front ends say each one with what to do. A post recorded after a
take-down by older data puts the item back on the list too."""

from __future__ import annotations

import datetime as dt

import pytest
from afterpost_util import UPNS, FakeRegister, make_export, person, register_csv

from photovet.core.models import NO, YES, Channel
from photovet.core.policy import TakenDown, post_refusal
from photovet.core.records import takedown
from photovet.core.records.exports import CaptionRef
from photovet.core.storage import open_db
from photovet.core.words import (
    DO_NOT_PHOTOGRAPH,
    GONE,
    LEFT,
    NO_CONSENT,
    OTHER,
    REFUSED,
    REJECTED,
    WITHDRAWN,
    TakedownReason,
    posted_not_allowed,
)
from tests.conftest import office_access, office_records

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date.today()
DATES_FROM_TODAY = {"TODAY": 0}  # set again on the day each test runs (tests/conftest.py)
FB = Channel("facebook", "Facebook")


@pytest.fixture
def trip(tmp_path):
    """Four photos for Facebook, posted: Amy shown in 1 and 2, Ben in 2 and 3 (Amy covered
    in 3), Cal in 4 with Amy's name covered."""
    rec = office_records(open_db())
    reg = FakeRegister([person("AMY", "Amy", "Able"), person("BEN", "Ben", "Brook"),
                        person("CAL", "Cal", "Cole")])
    rec.register = reg
    plan = {1: dict(shown=["AMY"]), 2: dict(shown=["AMY", "BEN"]),
            3: dict(shown=["BEN"], covered=["AMY"]), 4: dict(shown=["CAL"], named=["AMY"])}
    ids = {k: rec.add_export(make_export(tmp_path, k, **kw), batch="trip", channel="facebook",
                             preparer="p", approver="a") for k, kw in plan.items()}
    rec.mark_posted(batch="trip", channel="facebook", date=dt.date(2026, 11, 1))
    return rec, reg, ids


def posts(rec, rid: int) -> int:
    return len(rec.get(rid).posts)


def test_a_repost_of_photos_taken_down_or_listed_is_recorded_flagged_and_listed(trip):
    rec, reg, ids = trip
    reg.withdraw("AMY", "facebook")
    items = {i.export_id: i for i in takedown.evaluate(rec, reg)}
    assert sorted(items) == [ids[1], ids[2]]
    takedown.mark_done(rec, [items[ids[1]].id], "removed")
    listed, done_on = f"{TODAY:%d/%m/%Y}", f"{TODAY:%d/%m/%Y}"
    assert [i.export_id for i in takedown.evaluate(rec, reg)] == [ids[2]]

    # a batch: every post is recorded; those PhotoVet would not have allowed say who and why
    flagged: list = []
    marked: list = []
    assert rec.mark_posted(batch="trip", channel="facebook", date=TODAY, url="https://fb/2",
                           not_allowed=flagged, marked=marked) == 4
    assert sorted(marked) == sorted(ids.values())
    assert [(p.name, why) for p, why in flagged] == [
        ("photo001.jpg", f"photo001.jpg was taken down from Facebook on {done_on} because Amy "
                         "Able's consent for Facebook is No: it cannot be posted again"),
        ("photo002.jpg", f"photo002.jpg is on the take-down list (since {listed}) because Amy "
                         "Able's consent for Facebook is No: it cannot be posted again")]
    assert [posts(rec, ids[k]) for k in (1, 2, 3, 4)] == [2, 2, 2, 2]
    # the post is on record, flagged with why (its subject access report lists it)
    last = rec.get(ids[1]).posts[-1]
    assert last.url == "https://fb/2" and last.not_allowed == flagged[0][1]
    assert last.not_allowed_at and rec.get(ids[3]).posts[-1].not_allowed == ""
    assert [r.id for r in rec.exports(person="AMY") if any(p.not_allowed for p in r.posts)] \
        == [ids[1], ids[2]]
    # on the take-down list at once: the item taken down is open again, and says why
    now = {i.export_id: i for i in takedown.evaluate(rec, reg)}
    assert sorted(now) == [ids[1], ids[2]]
    assert now[ids[1]].id == items[ids[1]].id and not now[ids[1]].done
    assert now[ids[1]].status == "posted" and now[ids[1]].not_allowed == flagged[0][1]
    assert takedown.open_count(rec) == 2
    row = rec.audit.rows(action="export.posted-not-allowed")[-1]
    assert row["details"]["export_ids"] == [ids[1], ids[2]] and "Amy" not in str(row)
    assert sorted(row["details"]["takedown_items"]) == sorted(now[k].id for k in (ids[1], ids[2]))
    assert rec.audit.rows(action="takedown.reopened")[-1]["details"]["item"] == \
        items[ids[1]].id
    # without a list for them, every post is recorded all the same (nothing is raised)
    assert rec.mark_posted(batch="trip", channel="facebook", date=TODAY) == 4
    assert [posts(rec, ids[k]) for k in (1, 2, 3, 4)] == [3, 3, 3, 3]
    assert takedown.open_count(rec) == 2
    # what the front ends say, from the core's words
    assert posted_not_allowed(flagged[0][1], "Facebook") == (
        f"photo001.jpg was taken down from Facebook on {done_on} because Amy Able's consent "
        "for Facebook is No: it cannot be posted again. It is recorded as posted all the same "
        "(a post that happened is always on record) and is on the take-down list now: take it "
        "down from Facebook.")


def test_a_repost_after_consent_was_given_again_still_comes_down(trip, tmp_path):
    """Taken down for a withdrawal; consent given again since; then posted again: it came down
    for a reason and PhotoVet would not have allowed it, so it is listed again with the
    reason held from then (nobody in it lacks consent now)."""
    rec, reg, ids = trip
    reg.withdraw("AMY", "facebook")
    item = next(i for i in takedown.evaluate(rec, reg) if i.export_id == ids[1])
    takedown.mark_done(rec, [item.id], "removed")
    reg.people_by_id["AMY"].photo_consent["facebook"] = YES
    assert takedown.evaluate(rec, reg) == []
    flagged: list = []
    assert rec.mark_posted(files=[rec.get(ids[1]).output_path], channel="facebook",
                           not_allowed=flagged) == 1
    assert flagged[0][1].startswith("photo001.jpg was taken down from Facebook on ")
    [again] = takedown.evaluate(rec, reg)
    assert again.id == item.id and not again.done and again.status == "posted"
    assert again.people == ["AMY"] and again.reasons == item.reasons
    assert again.not_allowed == flagged[0][1]
    # Amy's page and subject access report have it too (the list for her)
    assert [i.id for i in takedown.evaluate(rec, reg, person="AMY")] == [item.id]
    assert takedown.evaluate(rec, reg, person="BEN") == []
    # on the printable list and the spreadsheet too
    sheet = takedown.write_csv([again], tmp_path / "takedown.csv")
    assert "Recorded as posted although PhotoVet did not allow it" in \
        sheet.read_text(encoding="utf-8-sig")
    page = takedown.write_html([again], tmp_path / "takedown.html")
    assert "Recorded as posted although PhotoVet did not allow it" in \
        page.read_text(encoding="utf-8")
    # marked done, it stays done until it is posted again
    takedown.mark_done(rec, [again.id], "removed again")
    assert takedown.evaluate(rec, reg) == []
    [done] = [i for i in takedown.evaluate(rec, reg, include_done=True) if i.export_id == ids[1]]
    assert done.done and done.note == "removed again"


def test_someone_now_covered_is_recorded_and_listed_before_any_take_down_list(trip, tmp_path):
    rec, reg, ids = trip
    reg.people_by_id["BEN"].do_not_photograph = True      # nobody has looked at the list yet
    flagged: list = []
    assert rec.mark_posted(files=[rec.get(ids[k]).output_path for k in (1, 2, 3)],
                           channel="facebook", not_allowed=flagged) == 3
    assert [why for _, why in flagged] == [
        "photo002.jpg cannot be posted on Facebook because Ben Brook is on the "
        "do-not-photograph list",
        "photo003.jpg cannot be posted on Facebook because Ben Brook is on the "
        "do-not-photograph list"]
    assert sorted(i.export_id for i in takedown.evaluate(rec, reg)) == [ids[2], ids[3]]
    # a readable name whose name consent is gone, and a leaver
    reg.people_by_id["CAL"].leaving_date = TODAY - dt.timedelta(days=1)
    named = rec.add_export(make_export(tmp_path, 9, names_shown=["AMY"]), batch="names",
                           channel="facebook", preparer="p", approver="a")
    flagged = []
    assert rec.mark_posted(files=[rec.get(named).output_path, rec.get(ids[4]).output_path],
                           channel="facebook", not_allowed=flagged) == 2
    assert flagged[0][1] == ("photo009.jpg cannot be posted on Facebook because Amy Able's "
                             "name can be read in it (no consent to show names)")
    assert flagged[1][1] == ("photo004.jpg cannot be posted on Facebook because Cal Cole left "
                             f"school on {TODAY - dt.timedelta(days=1):%d/%m/%Y}")
    assert {named, ids[4]} <= {i.export_id for i in takedown.evaluate(rec, reg)
                               if i.status == "posted"}


def test_posted_elsewhere_is_judged_by_consent_on_that_channel(trip):
    rec, reg, ids = trip
    reg.people_by_id["AMY"].photo_consent["x"] = NO
    flagged: list = []
    n = rec.mark_posted(files=[rec.get(ids[k]).output_path for k in (1, 3)], channel="x",
                        elsewhere=True, not_allowed=flagged)
    assert n == 2 and rec.get(ids[3]).posts[-1].channel == "x"
    assert [why for _, why in flagged] == [
        "photo001.jpg cannot be posted on X (Twitter) because Amy Able's consent for "
        "X (Twitter) is No"]
    [item] = [i for i in takedown.evaluate(rec, reg) if i.channel == "x"]
    assert item.export_id == ids[1] and item.status == "posted"


def test_a_take_down_on_one_channel_does_not_refuse_a_post_on_another(trip):
    """s30: a take-down item on Facebook (Amy's Facebook consent withdrawn) refused a post of
    the same export on X, where Amy's family still says Yes, so X's take-down list asked the
    office for a take-down nobody needed. Each channel is judged for itself; whoever may not
    be shown on X either is still refused there."""
    rec, reg, ids = trip
    reg.withdraw("AMY", "facebook")
    items = {i.export_id: i for i in takedown.evaluate(rec, reg)}
    takedown.mark_done(rec, [items[ids[1]].id], "removed")       # 1 done, 2 still open
    files = [rec.get(ids[k]).output_path for k in (1, 2)]
    flagged: list = []
    assert rec.mark_posted(files=files, channel="x", elsewhere=True, not_allowed=flagged) == 2
    assert flagged == []                      # consent on X: allowed, nothing flagged
    assert all(not p.not_allowed for k in (1, 2) for p in rec.get(ids[k]).posts)
    assert [i.channel for i in takedown.evaluate(rec, reg)] == ["facebook"]   # none for X
    # on Facebook itself, both are refused as before (done: taken down; open: listed)
    refused = takedown.post_refusals(rec, reg, [ids[1], ids[2]], "facebook")
    assert "was taken down from Facebook on" in refused[ids[1]]
    assert "is on the take-down list (since" in refused[ids[2]]
    # withdrawn for every channel, do-not-photograph, or a channel no longer known: still
    # refused on X (fail closed), each saying why
    reg.withdraw("AMY", "x")
    assert takedown.post_refusals(rec, reg, [ids[1]], "x")[ids[1]] == (
        "photo001.jpg cannot be posted on X (Twitter) because Amy Able's consent for "
        "X (Twitter) is No")
    reg.people_by_id["AMY"].photo_consent["x"] = YES
    assert takedown.post_refusals(rec, reg, [ids[1]], "x") == {}
    reg.people_by_id["AMY"].do_not_photograph = True
    assert "Amy Able is on the do-not-photograph list" in \
        takedown.post_refusals(rec, reg, [ids[1]], "x")[ids[1]]
    reg.people_by_id["AMY"].do_not_photograph = False
    assert "photo001.jpg cannot be posted on gone-channel because Amy Able" in \
        takedown.post_refusals(rec, reg, [ids[1]], "gone-channel")[ids[1]]


def test_a_caption_naming_someone_who_may_no_longer_be_named_is_flagged(tmp_path):
    rec = office_records(open_db())
    amy = person("A1", "Amy", "Able", name_with_photo=True)
    rec.register = FakeRegister([amy])
    rid = rec.add_export(make_export(tmp_path, 1), batch="b", channel="facebook",
                         preparer="p", approver="a", caption="Amy Able wins",
                         caption_refs=[CaptionRef("A1", "Amy Able", "full")])
    amy.do_not_photograph = True
    flagged: list = []
    assert rec.mark_posted(batch="b", channel="facebook", not_allowed=flagged) == 1
    assert flagged[0][1] == ("photo001.jpg cannot be posted on Facebook because its caption "
                             "names Amy Able as \u201cAmy Able\u201d (on the do-not-photograph "
                             "list)")
    assert len(rec.get(rid).posts) == 1 and rec.get(rid).posts[0].not_allowed
    assert [i.export_id for i in takedown.evaluate(rec, rec.register)] == [rid]


def test_a_post_recorded_after_the_take_down_all_the_same_reopens_the_item(trip):
    """Defence in depth: old data (a register written before the rule) holds a post made after
    an item was done; the take-down list shows it again, open, and says so in the audit."""
    rec, reg, ids = trip
    reg.withdraw("AMY", "facebook")
    items = {i.export_id: i for i in takedown.evaluate(rec, reg)}
    item = items[ids[1]]
    takedown.mark_done(rec, [item.id], "removed")
    # the original post (recorded before the take-down) does not reopen it
    rec.db.execute("UPDATE posts SET created_at = ? WHERE export_id = ?",
                   ["2026-11-01T09:00:00+00:00", ids[1]])
    rec.db.execute("UPDATE takedown_items SET done_at = ? WHERE id = ?",
                   ["2026-11-30T06:19:00+00:00", item.id])
    assert [i.export_id for i in takedown.evaluate(rec, reg)] == [ids[2]]
    # a post recorded nine minutes after it was taken down
    rec.db.execute("INSERT INTO posts (export_id, channel, posted_on, url, actor, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [ids[1], "facebook", "2026-11-30", "", "office", "2026-11-30T06:28:00+00:00"])
    again = {i.export_id: i for i in takedown.evaluate(rec, reg)}
    assert sorted(again) == [ids[1], ids[2]]
    assert again[ids[1]].id == item.id and not again[ids[1]].done
    assert again[ids[1]].status == "posted" and len(again[ids[1]].posts) == 2
    assert takedown.open_count(rec) == 2
    row = rec.audit.rows(action="takedown.reopened")[-1]
    assert row["details"]["item"] == item.id and row["details"]["done_by"] == "office"
    # it can be marked done again, and stays done while no later post is recorded
    takedown.mark_done(rec, [item.id], "removed again")
    assert [i.export_id for i in takedown.evaluate(rec, reg)] == [ids[2]]


def test_the_same_post_recorded_again_after_the_take_down_reopens_it(trip):
    """The post of 01/11 recorded again (same day, same address) after it was taken down: it
    is the same post, still up: flagged now, and the item is open again."""
    rec, reg, ids = trip
    reg.withdraw("AMY", "facebook")
    item = next(i for i in takedown.evaluate(rec, reg) if i.export_id == ids[1])
    takedown.mark_done(rec, [item.id], "removed")
    flagged: list = []
    assert rec.mark_posted(files=[rec.get(ids[1]).output_path], channel="facebook",
                           date=dt.date(2026, 11, 1), not_allowed=flagged) == 1
    assert posts(rec, ids[1]) == 1 and rec.get(ids[1]).posts[0].not_allowed == flagged[0][1]
    assert item.id in {i.id for i in takedown.evaluate(rec, reg)}


def test_with_the_real_register_a_withdrawal_is_said_as_one(tmp_path):
    """The audit's case with the register as the app keeps it: a withdrawal in the MIS, the
    item marked done, then the batch marked posted again."""
    from photovet.core.workspace import Workspace

    ws = Workspace.open(tmp_path / "home", access=office_access())
    rows = [{"upn": u, "surname": s, "forename": f}
            for u, s, f in zip(UPNS, ["Adeyemi", "Hart"], ["Seun", "Kit"])]
    assert ws.import_register(register_csv(tmp_path / "r1.csv", rows)).applied
    seun, kit = UPNS[:2]
    rec = ws.records
    ids = [rec.add_export(make_export(tmp_path, i, shown=shown, name=f"facebook-trip-00{i}"),
                          batch="Facebook", channel="facebook", preparer="p", approver="a")
           for i, shown in enumerate([[seun], [kit], []], start=6)]
    assert rec.mark_posted(batch="Facebook", channel="facebook") == 3
    rows[0]["consent"] = {"facebook": "No"}
    rows[1]["dnp"] = True
    ws.import_register(register_csv(tmp_path / "r2.csv", rows))
    item = next(i for i in ws.takedown() if i.export_id == ids[0])
    takedown.mark_done(rec, [item.id], "removed")
    flagged: list = []
    assert rec.mark_posted(batch="Facebook", channel="facebook", not_allowed=flagged,
                           date=TODAY, url="https://fb/again") == 3
    today = f"{TODAY:%d/%m/%Y}"
    assert [why for _, why in flagged] == [
        f"facebook-trip-006.jpg was taken down from Facebook on {today} because Seun Adeyemi's "
        f"consent for Facebook was withdrawn on {today}: it cannot be posted again",
        f"facebook-trip-007.jpg is on the take-down list (since {today}) because Kit Hart is "
        f"on the do-not-photograph list since {today}: it cannot be posted again"]
    assert sorted(i.export_id for i in ws.takedown()) == ids[:2]
    # Seun's subject access report has the post, with its address
    assert any(p.url == "https://fb/again" for r in rec.exports(person=seun) for p in r.posts)
    assert ws.audit.verify().ok
    ws.close()


def test_who_asked_for_a_video_withdrawal_is_said_where_it_belongs(tmp_path):
    """A take-down reason is made into a sentence from its parts: "on the phone" in who asked
    for a withdrawal of video consent was read back as the day it was withdrawn ("... was
    withdrawn on the phone, 28/11/2026)")."""
    from photovet.core.workspace import Workspace

    ws = Workspace.open(tmp_path / "home", access=office_access())
    try:
        rows = [{"upn": UPNS[0], "surname": "Adeyemi", "forename": "Seun"}]
        assert ws.import_register(register_csv(tmp_path / "r1.csv", rows)).applied
        seun = UPNS[0]
        ws.register.set_consent(seun, "facebook", True, media="video")
        rec = ws.records
        rid = rec.add_export(make_export(tmp_path, 1, shown=[seun], name="clip"),
                             batch="Clips", channel="facebook", preparer="p", approver="a")
        ws.db.execute("UPDATE exports SET media = 'video' WHERE id = ?", [rid])   # a clip
        asked_on = TODAY - dt.timedelta(days=2)
        ws.register.set_consent(seun, "facebook", False, media="video",
                                requested_by="Mrs Adeyemi (mother), on the phone",
                                requested_on=asked_on)
        [item] = ws.takedown()
        today, asked = f"{TODAY:%d/%m/%Y}", f"{asked_on:%d/%m/%Y}"
        assert item.reasons[seun] == (
            f"Consent withdrawn for videos on Facebook on {today} (requested by Mrs Adeyemi "
            f"(mother), on the phone, {asked})")
        flagged: list = []
        assert rec.mark_posted(batch="Clips", channel="facebook", not_allowed=flagged) == 1
        assert [why for _, why in flagged] == [
            f"clip.jpg is on the take-down list (since {today}) because Seun Adeyemi's consent "
            f"for videos on Facebook was withdrawn on {today} (requested by Mrs Adeyemi "
            f"(mother), on the phone, {asked}): it cannot be posted"]
    finally:
        ws.close()


@pytest.mark.parametrize("reason, words, said", [
    (TakedownReason(WITHDRAWN, "Facebook", day="30/11/2026"),
     "Consent withdrawn on 30/11/2026",
     "Seun Adeyemi's consent for Facebook was withdrawn on 30/11/2026"),
    (TakedownReason(WITHDRAWN, "Facebook", "video", day="30/11/2026"),
     "Consent withdrawn for videos on Facebook on 30/11/2026",
     "Seun Adeyemi's consent for videos on Facebook was withdrawn on 30/11/2026"),
    # who asked, said with " on " in it, stays where it belongs (read back from the words, it
    # was taken for the day the consent was withdrawn)
    (TakedownReason(WITHDRAWN, "Facebook", "video", day="30/11/2026",
                    asked="Mrs Harris (mother), on the phone, 28/11/2026"),
     "Consent withdrawn for videos on Facebook on 30/11/2026 (requested by Mrs Harris "
     "(mother), on the phone, 28/11/2026)",
     "Seun Adeyemi's consent for videos on Facebook was withdrawn on 30/11/2026 (requested by "
     "Mrs Harris (mother), on the phone, 28/11/2026)"),
    (TakedownReason(REFUSED, "Facebook", "video", text="Consent refused for videos on Facebook"),
     "Consent refused for videos on Facebook",
     "Seun Adeyemi's consent for videos on Facebook is No"),
    (TakedownReason(NO_CONSENT, "Facebook", text="No consent for Facebook"),
     "No consent for Facebook", "Seun Adeyemi's consent for Facebook is not recorded"),
    (TakedownReason(DO_NOT_PHOTOGRAPH, "Facebook", day="30/11/2026", asked="Not recorded",
                    text="On the do-not-photograph list"),
     "On the do-not-photograph list since 30/11/2026 (who requested it: not recorded)",
     "Seun Adeyemi is on the do-not-photograph list since 30/11/2026 (who requested it: not "
     "recorded)"),
    (TakedownReason(LEFT, "Facebook", day="01/11/2026", text="Left school on 01/11/2026"),
     "Left school on 01/11/2026", "Seun Adeyemi left school on 01/11/2026"),
    (TakedownReason(REJECTED, "Facebook", text="Register row rejected (fix the register)"),
     "Register row rejected (fix the register)", "Seun Adeyemi's register row was rejected"),
    (TakedownReason(GONE, "Facebook", text="No longer in the register"),
     "No longer in the register", "Seun Adeyemi is no longer in the register"),
    (TakedownReason(OTHER, "Facebook", text="Name: on the do-not-photograph list", via="name",
                    detail="on the do-not-photograph list"),
     "Name readable: name: on the do-not-photograph list",
     "Seun Adeyemi's name can be read in it (on the do-not-photograph list)"),
    (TakedownReason(OTHER, "Facebook", text="Consent refused for Facebook", via="caption",
                    found="S.A."),
     "Named in the caption as \u201cS.A.\u201d: consent refused for Facebook",
     "its caption names Seun Adeyemi as \u201cS.A.\u201d (consent refused for Facebook)"),
    (TakedownReason(OTHER, "Facebook", text="Something new"), "Something new",
     "Seun Adeyemi: something new"),
    ("Something recorded before", "Something recorded before",
     "Seun Adeyemi: something recorded before"),
])
def test_post_refusal_says_each_reason_about_the_person(reason, words, said):
    assert post_refusal("a.jpg", FB, [("Seun Adeyemi", reason)]) == \
        f"a.jpg cannot be posted on Facebook because {said}"
    assert getattr(reason, "words", reason) == words


def test_post_refusal_decides_from_the_items_and_the_people():
    assert post_refusal("a.jpg", FB, []) is None
    # an item alone refuses, even with nobody's reason left (fail closed)
    open_item = TakenDown("Facebook", dt.date(2026, 11, 30), None, posted=False)
    assert post_refusal("a.jpg", FB, [], [open_item]) == (
        "a.jpg is on the take-down list (since 30/11/2026) because consent is now missing for "
        "someone in it: it cannot be posted")
    done = TakenDown("School website", dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    who = [("Seun Adeyemi", TakedownReason(DO_NOT_PHOTOGRAPH, text="On the do-not-photograph "
                                                                  "list")),
           ("Kit Hart", TakedownReason(LEFT, day="01/11/2026", text="Left school on 01/11/2026"))]
    assert post_refusal("a.jpg", FB, who, [open_item, done]) == (
        "a.jpg was taken down from School website on 03/11/2026 because Seun Adeyemi is on the "
        "do-not-photograph list and Kit Hart left school on 01/11/2026: it cannot be posted "
        "again")
    # an item on another channel (its id known) refuses nothing here; the people still do
    web_done = TakenDown("School website", dt.date(2026, 11, 2), dt.date(2026, 11, 3),
                         channel="website")
    assert post_refusal("a.jpg", FB, [], [web_done]) is None
    assert post_refusal("a.jpg", FB, who, [web_done]) == (
        "a.jpg cannot be posted on Facebook because Seun Adeyemi is on the do-not-photograph "
        "list and Kit Hart left school on 01/11/2026")
    fb_open = TakenDown("Facebook", dt.date(2026, 11, 30), None, posted=False,
                        channel="facebook")
    assert post_refusal("a.jpg", FB, [], [web_done, fb_open]) == (
        "a.jpg is on the take-down list (since 30/11/2026) because consent is now missing for "
        "someone in it: it cannot be posted")


def test_a_video_made_for_a_channel_no_longer_known_may_have_all_its_sound(tmp_path):
    """s45 audit O2: a copy made for a channel not in the list was read as made under the
    default "listen" sound rule, so a video of it posted where an approver must listen first
    was not refused. Its rules are not known: all its sound may be in it (fail closed)."""
    rec = office_records(open_db())
    rec.register = FakeRegister([])
    rid = rec.add_export(make_export(tmp_path, 1), batch="b", channel="gone-channel",
                         preparer="p", approver="a")
    rec.db.execute("UPDATE exports SET media = 'video' WHERE id = ?", [rid])
    assert rec.get(rid).media == "video"
    listen = [c for c in rec.channels.all() if c.audio == "listen"][0]
    refused = takedown.post_refusals(rec, rec.register, [rid], listen.id)
    assert "its sound may be in it" in refused.get(rid, "")
