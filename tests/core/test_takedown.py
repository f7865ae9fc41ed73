"""Take-down lists: what must come down when consent is withdrawn (fixture register)."""

from __future__ import annotations

import csv
import datetime as dt
import html.parser

import pytest
from afterpost_util import FakeRegister, amy_and_ben_with_badges, make_export, person

from photovet.core.models import Channel
from photovet.core.policy import consent_missing
from photovet.core.records import takedown
from photovet.core.records.exports import RecordsError
from photovet.core.storage import open_db
from tests.conftest import office_access, office_records

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def setup(tmp_path):
    db = open_db()
    rec = office_records(db)
    reg = FakeRegister([person("AMY", "Amy", "Able"), person("BEN", "Ben", "Brook"),
                        person("CAL", "Cal", "Cole")])
    rec.register = reg      # what a post is checked against
    ids = {}
    # batch "trip" for facebook: Amy shown in 1 and 2, Ben shown in 2, Amy covered in 3, name
    # covered in 4
    ids[1] = rec.add_export(make_export(tmp_path, 1, shown=["AMY"]), batch="trip",
                            channel="facebook", preparer="p", approver="a")
    ids[2] = rec.add_export(make_export(tmp_path, 2, shown=["AMY", "BEN"]), batch="trip",
                            channel="facebook", preparer="p", approver="a")
    ids[3] = rec.add_export(make_export(tmp_path, 3, shown=["BEN"], covered=["AMY"]), batch="trip",
                            channel="facebook", preparer="p", approver="a")
    ids[4] = rec.add_export(make_export(tmp_path, 4, shown=["CAL"], named=["AMY"]), batch="trip",
                            channel="facebook", preparer="p", approver="a")
    # Amy on the website too, exported but never posted
    ids[5] = rec.add_export(make_export(tmp_path, 5, shown=["AMY"]), batch="web",
                            channel="website", preparer="p", approver="a")
    rec.mark_posted(batch="trip", channel="facebook", date=dt.date(2025, 5, 1),
                    url="https://facebook.example/school/1")
    return rec, reg, ids


def test_nothing_to_take_down_while_consent_holds(setup):
    rec, reg, _ = setup
    assert takedown.evaluate(rec, reg, TODAY) == []


def test_withdrawn_consent_lists_exactly_the_posted_photos_showing_that_pupil(setup):
    rec, reg, ids = setup
    reg.withdraw("AMY", "facebook")
    items = takedown.evaluate(rec, reg, TODAY)
    assert sorted(i.export_id for i in items) == [ids[1], ids[2]]      # not 3 (covered), 4 (named)
    assert all(i.status == "posted" and i.channel == "facebook" for i in items)
    assert all(i.people == ["AMY"] for i in items)                     # Ben still consents
    assert items[0].reasons["AMY"] == "Consent refused for Facebook"
    assert items[0].names["AMY"] == "Amy Able"
    assert items[0].posts[0].url == "https://facebook.example/school/1"
    assert "Take this photo down from Facebook" in items[0].action
    # the website export is not affected by a Facebook withdrawal
    assert takedown.evaluate(rec, reg, TODAY, person="BEN") == []


def test_do_not_photograph_covers_every_channel_and_exported_only_files(setup):
    rec, reg, ids = setup
    reg.people_by_id["AMY"].do_not_photograph = True
    items = takedown.evaluate(rec, reg, TODAY)
    got = {(i.export_id, i.channel, i.status) for i in items}
    assert got == {(ids[1], "facebook", "posted"), (ids[2], "facebook", "posted"),
                   (ids[5], "website", "exported")}
    assert {i.reasons["AMY"] for i in items} == {"On the do-not-photograph list"}
    exported = [i for i in items if i.status == "exported"][0]
    assert "Do not post" in exported.action
    assert items[0].status == "posted"           # posted items first


@pytest.mark.parametrize("change, reason", [
    (lambda p: setattr(p, "leaving_date", dt.date(2025, 1, 1)), "Left school on 01/01/2025"),
    (lambda p: setattr(p, "valid", False), "Register row rejected"),
])
def test_left_and_invalid_rows_count_as_missing_consent(setup, change, reason):
    rec, reg, ids = setup
    change(reg.people_by_id["BEN"])
    items = takedown.evaluate(rec, reg, TODAY)
    assert sorted(i.export_id for i in items) == [ids[2], ids[3]]
    assert all(i.reasons["BEN"].startswith(reason) for i in items)


def test_person_removed_from_register_fails_closed(setup):
    rec, reg, ids = setup
    del reg.people_by_id["CAL"]
    [item] = takedown.evaluate(rec, reg, TODAY)
    assert item.export_id == ids[4] and item.reasons["CAL"] == "No longer in the register"


def test_consent_missing_for_unrecorded_channel():
    p = person("X", consents={"website": True})
    assert consent_missing(p, Channel("website", "School website"), "photo", TODAY) is None
    assert consent_missing(p, Channel("instagram", "Instagram"), "photo", TODAY) == \
        "No consent for Instagram"


def test_a_readable_name_comes_down_when_name_consent_is_withdrawn(setup, tmp_path):
    rec, reg, ids = setup
    reg.people_by_id["BEN"].name_with_photo = True
    rid = rec.add_export(make_export(tmp_path, 9, names_shown=["BEN"]), batch="names",
                         channel="website", preparer="p", approver="a")
    assert takedown.evaluate(rec, reg, TODAY) == []
    reg.people_by_id["BEN"].name_with_photo = False
    [item] = takedown.evaluate(rec, reg, TODAY)
    assert item.export_id == rid and item.people == ["BEN"]
    assert item.reasons["BEN"] == "Name readable: pupil's name (no consent to show names)"


def test_a_video_export_is_judged_by_video_consent(setup, tmp_path):
    rec, reg, ids = setup
    rid = rec.add_export(make_export(tmp_path, 8, shown=["CAL"]), batch="clip",
                         channel="website", preparer="p", approver="a")
    rec.db.execute("UPDATE exports SET media = 'video' WHERE id = ?", [rid])
    reg.people_by_id["CAL"].video_consent["website"] = "no"
    [item] = [i for i in takedown.evaluate(rec, reg, TODAY) if i.export_id == rid]
    assert item.reasons["CAL"] == "Consent refused for videos on School website"


def test_items_have_stable_numbers_and_can_be_marked_done(setup):
    rec, reg, ids = setup
    reg.withdraw("AMY", "facebook")
    first = takedown.evaluate(rec, reg, TODAY)
    assert all(i.new for i in first)
    again = takedown.evaluate(rec, reg, TODAY)
    assert [i.id for i in again] == [i.id for i in first] and not any(i.new for i in again)
    assert takedown.open_count(rec) == 2
    assert takedown.mark_done(rec, [first[0].id], "removed from Facebook page") == \
        [first[0].id]
    [done] = [i for i in takedown.evaluate(rec, reg, TODAY, include_done=True)
              if i.id == first[0].id]
    assert done.done and done.note == "removed from Facebook page"
    left = takedown.evaluate(rec, reg, TODAY)
    assert [i.id for i in left] == [first[1].id]
    assert len(takedown.evaluate(rec, reg, TODAY, include_done=True)) == 2
    rows = rec.audit.rows(action="takedown.done")
    assert rows[-1]["details"]["item"] == first[0].id and rows[-1]["user"] == "office"
    with pytest.raises(RecordsError, match="already"):
        takedown.mark_done(rec, [first[0].id], "")
    with pytest.raises(RecordsError, match="no take-down item"):
        takedown.mark_done(rec, [999], "")


def test_an_item_whose_reason_went_away_is_closed_and_no_longer_counted(setup):
    """s30: consent given again left the item open: the list no longer showed it but
    open_count still counted it. Now the list and the count agree: the item is closed with
    why ("Consent given again on <day>"), audited, refuses no post, and is listed afresh
    (the same number, new again) if the reason comes back."""
    rec, reg, ids = setup
    reg.withdraw("AMY", "facebook")
    first = takedown.evaluate(rec, reg, TODAY)
    assert len(first) == takedown.open_count(rec) == 2
    reg.people_by_id["AMY"].photo_consent["facebook"] = "yes"       # given again
    # before the list is looked at again, one person's list closes nothing (it does not
    # know about the others in a photo)
    assert takedown.evaluate(rec, reg, TODAY, person="BEN") == []
    assert takedown.open_count(rec) == 2
    assert takedown.evaluate(rec, reg, TODAY) == [] and takedown.open_count(rec) == 0
    rows = rec.audit.rows(action="takedown.closed")
    assert sorted(r["details"]["item"] for r in rows) == sorted(i.id for i in first)
    assert {r["details"]["reason"] for r in rows} == {"Consent given again on 01/06/2025"}
    assert all(r["details"]["people"] == ["AMY"] for r in rows) and "Amy" not in str(rows)
    stored = rec.db.all("SELECT closed_reason, done_at FROM takedown_items ORDER BY id")
    assert stored == [("Consent given again on 01/06/2025", None)] * 2
    # not taken down (it never came down), and not counted again by a second look; listed
    # with the done items, with why it was closed (s30: it was not listed at all)
    shown = takedown.evaluate(rec, reg, TODAY, include_done=True)
    assert [i.id for i in shown] == [i.id for i in first]
    assert all(i.done and i.closed and not i.new and i.done_at is None for i in shown)
    assert {i.done_text for i in shown} == {"no longer needed: consent given again on "
                                            "01/06/2025"}
    assert all(i.people == ["AMY"] and "AMY" in i.reasons for i in shown), shown
    assert [i.id for i in takedown.evaluate(rec, reg, TODAY, include_done=True,
                                            person="AMY")] == [i.id for i in first]
    assert takedown.evaluate(rec, reg, TODAY, include_done=True, person="BEN") == []
    assert takedown.open_count(rec) == 0
    assert len(rec.audit.rows(action="takedown.closed")) == 2
    # a closed item refuses no post on its channel
    assert takedown.post_refusals(rec, reg, [ids[1]], "facebook", on=TODAY) == {}
    # the reason comes back: listed afresh under the same number
    reg.withdraw("AMY", "facebook")
    again = takedown.evaluate(rec, reg, TODAY)
    assert [i.id for i in again] == [i.id for i in first] and all(i.new for i in again)
    assert takedown.open_count(rec) == 2
    assert len(rec.audit.rows(action="takedown.listed-again")) == 2


def test_a_post_is_judged_with_the_list_as_the_register_says_now(setup):
    """An item left open from before consent was given again (nobody looked at the list since)
    does not refuse the post: the post brings the list up to date first, as the list shows."""
    rec, reg, ids = setup
    reg.withdraw("AMY", "facebook")
    [item] = [i for i in takedown.evaluate(rec, reg, TODAY) if i.export_id == ids[1]]
    reg.people_by_id["AMY"].photo_consent["facebook"] = "yes"
    flagged: list = []
    assert rec.mark_posted(files=[rec.get(ids[1]).output_path], channel="facebook",
                           not_allowed=flagged) == 1
    assert flagged == [] and rec.get(ids[1]).posts[-1].not_allowed == ""
    assert takedown.open_count(rec) == 1      # photo 2's item: closed when the list is seen
    assert takedown.evaluate(rec, reg, TODAY) == [] and takedown.open_count(rec) == 0
    assert rec.db.scalar("SELECT closed_reason FROM takedown_items WHERE id = ?",
                         [item.id]).startswith("Consent given again on ")


def test_an_item_marked_taken_down_after_it_was_closed_still_refuses_a_post_again(setup):
    """s30 review: an item closed by another PC's list (consent given again) could still be
    marked done from a list printed before (the office took the photo down): it was then both
    done and closed, and the post check skips closed items, so the photo marked taken down
    was posted again on the same channel without a word. Taken down, it cannot go up again:
    marking it done makes it a done item like any other."""
    rec, reg, ids = setup
    reg.withdraw("AMY", "facebook")
    [item] = [i for i in takedown.evaluate(rec, reg, TODAY) if i.export_id == ids[1]]
    reg.people_by_id["AMY"].photo_consent["facebook"] = "yes"       # given again
    assert takedown.evaluate(rec, reg, TODAY) == []                  # closed (another PC)
    takedown.mark_done(rec, [item.id], "taken down from the printed list")
    refused = takedown.post_refusals(rec, reg, [ids[1]], "facebook", on=TODAY)
    assert "was taken down from Facebook on" in refused[ids[1]]
    assert rec.db.scalar("SELECT closed_at FROM takedown_items WHERE id = ?", [item.id]) is None
    assert takedown.open_count(rec) == 0


def test_many_items_are_marked_done_at_once_or_not_at_all(setup):
    rec, reg, ids = setup
    reg.people_by_id["AMY"].do_not_photograph = True
    items = takedown.evaluate(rec, reg, TODAY)
    assert len(items) == 3
    with pytest.raises(RecordsError):
        takedown.mark_done(rec, [items[0].id, 999])
    assert takedown.open_count(rec) == 3                 # nothing was marked
    takedown.mark_done(rec, [i.id for i in items], "removed")
    assert takedown.evaluate(rec, reg, TODAY) == [] and takedown.open_count(rec) == 0


class _Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self.tags: set[str] = set()
        self._in = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self._in = tag == "td"
        if self._in:
            self.cells.append("")

    def handle_endtag(self, tag):
        self._in = False if tag == "td" else self._in

    def handle_data(self, data):
        if self._in:
            self.cells[-1] += data


def test_csv_and_html_reports(setup, tmp_path):
    rec, reg, ids = setup
    reg.people_by_id["AMY"].legal_forename = "=HYPERLINK(\"x\")<script>"
    reg.withdraw("AMY", "facebook")
    items = takedown.evaluate(rec, reg, TODAY)
    out = takedown.write_csv(items, tmp_path / "td.csv")
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert [int(r["item"]) for r in rows] == [i.id for i in items]
    assert rows[0]["channel"] == "Facebook" and rows[0]["urls"] == "https://facebook.example/school/1"
    assert rows[0]["names"].startswith("'=")          # a formula stays text in Excel
    assert rows[0]["posted_on"] == "01/05/2025"          # dates as a UK office writes them
    page = takedown.write_html(items, tmp_path / "td.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    p = _Cells()
    p.feed(page)
    assert "script" not in p.tags and "link" not in p.tags
    assert page.count("Take this photo down") == 2
    assert "@page" in page and "size: A4" in page
    assert page.count('src="data:image/jpeg;base64,') == 2     # a thumbnail of each export
    # the file name is one word that may break anywhere, not one character per line
    assert "overflow-wrap: anywhere" in page and "word-break: break-all" not in page


# --------------------------------------------------------------------------------------------
# With the real register: export, post, re-import with a consent withdrawn
# --------------------------------------------------------------------------------------------

def _real_world(tmp_path):
    from afterpost_util import UPNS, register_csv

    from photovet.core.workspace import Workspace

    ws = Workspace.open(tmp_path / "home", access=office_access())
    rows = [{"upn": u, "surname": f"S{i}", "forename": f"F{i}"} for i, u in enumerate(UPNS)]
    assert ws.import_register(register_csv(tmp_path / "r1.csv", rows)).applied
    return ws, rows, register_csv


def test_reimport_with_withdrawal_lists_exactly_the_posted_photos(tmp_path):
    from afterpost_util import UPNS

    ws, rows, register_csv = _real_world(tmp_path)
    rec = ws.records
    a, b, c, d = UPNS
    plan = [([a], "facebook"), ([a, b], "facebook"), ([b], "facebook"), ([a], "website"),
            ([c], "facebook")]
    ids = []
    for i, (shown, ch) in enumerate(plan):
        ids.append(rec.add_export(make_export(tmp_path, i, shown=shown, covered=[d]),
                                  batch=f"batch-{ch}", channel=ch, preparer="p", approver="a"))
    rec.mark_posted(batch="batch-facebook", channel="facebook", date=dt.date(2025, 5, 1))
    rec.mark_posted(batch="batch-website", channel="website", date=dt.date(2025, 5, 1))
    assert ws.takedown() == []
    rows[0]["consent"] = {"facebook": "No"}           # a withdraws Facebook consent
    rows[3]["dnp"] = True                             # d (only ever covered) becomes DNP
    report = ws.import_register(register_csv(tmp_path / "r2.csv", rows))
    assert {(w.person_id, w.channel) for w in report.withdrawals} == {
        (a, "facebook"), (d, "do_not_photograph")}
    # The import itself produced the take-down list (nobody has to remember to ask for it).
    assert sorted(i.export_id for i in report.takedown) == [ids[0], ids[1]]
    assert any("TAKE-DOWN LIST: 2" in line for line in report.summary_lines())
    items = report.takedown
    assert all(i.channel == "facebook" and i.status == "posted" and i.people == [a] for i in items)
    row = ws.audit.rows(action="takedown.list-updated")[-1]
    assert row["details"]["open_items"] == 2
    assert [i.id for i in ws.takedown()] == [i.id for i in items]
    assert [i.id for i in ws.takedown(person=a)] == [i.id for i in items]
    assert ws.takedown(person=b) == []


@pytest.mark.shared
def test_scenario_withdrawal(tmp_path):
    """The shared school scenario: its 41 trip photos 'exported and posted' on Facebook (small
    synthetic pictures stand for them) with exactly the people expected.json allows shown; then
    one pupil withdraws Facebook consent in the MIS and the register is imported again."""
    import csv as _csv
    import json

    from tests.conftest import shared_data

    scen = shared_data("scenario")
    expected = json.loads((scen / "expected.json").read_text(encoding="utf-8"))
    from photovet.core.workspace import Workspace

    ws = Workspace.open(tmp_path / "home", access=office_access())
    ws.import_register(scen / "register.csv", skip_invalid=True)
    rec = ws.records
    ids_by_upn: dict[str, list[int]] = {}
    for i, p in enumerate(expected["photos"]):
        shown = p["by_channel"]["facebook"]["show"]
        covered = [x["upn"] for x in p["people"] if x.get("upn") and x["upn"] not in shown]
        rid = rec.add_export(make_export(tmp_path, i, shown=shown, covered=covered, size=(160, 120)),
                             batch="scenario-trip", channel="facebook", preparer="p", approver="a")
        for u in shown:
            ids_by_upn.setdefault(u, []).append(rid)
    rec.mark_posted(batch="scenario-trip", channel="facebook", date=dt.date(2026, 11, 1))
    assert ws.takedown() == []          # everyone shown has Facebook consent
    who = max(ids_by_upn, key=lambda u: (len(ids_by_upn[u]) if len(ids_by_upn[u]) < 6 else 0, u))
    # the school's MIS now says No for that pupil on Facebook
    raw = (scen / "register.csv").read_text(encoding="utf-8")
    rows = list(_csv.reader(raw.splitlines()))
    col = rows[0].index("Consent: Facebook")
    for r in rows[1:]:
        if r and r[0] == who:
            assert r[col].strip().lower() in ("yes", "y")
            r[col] = "No"
    changed = tmp_path / "register-after.csv"
    with open(changed, "w", encoding="utf-8", newline="") as fh:
        _csv.writer(fh, lineterminator="\r\n").writerows(rows)
    report = ws.import_register(changed, skip_invalid=True)
    assert [(w.person_id, w.channel) for w in report.withdrawals] == [(who, "facebook")]
    items = report.takedown
    assert sorted(i.export_id for i in items) == sorted(ids_by_upn[who])
    assert all(i.people == [who] and i.channel == "facebook" and i.status == "posted"
               for i in items)


def test_an_item_done_by_another_pc_while_the_list_was_read_is_not_recorded_closed(setup):
    """An item the list found stale but that another PC marked taken down before this PC's
    update (the update changes no row) is not audited as "takedown.closed": the audit said
    an item was closed that was in fact done."""
    rec, reg, _ids = setup
    reg.withdraw("AMY", "facebook")
    first = takedown.evaluate(rec, reg, TODAY)
    reg.people_by_id["AMY"].photo_consent["facebook"] = "yes"       # given again
    real_all = rec.db.all

    def read_then_another_pc_marks_done(sql, params=()):
        rows = real_all(sql, params)
        if "closed_at IS NULL AND export_id IN" in sql:
            rec.db.execute("UPDATE takedown_items SET done_at = 'x', done_by = 'other PC' "
                           "WHERE id = ?", [first[0].id])
        return rows

    rec.db.all = read_then_another_pc_marks_done
    try:
        takedown.evaluate(rec, reg, TODAY)
    finally:
        rec.db.all = real_all
    closed = {r["details"]["item"] for r in rec.audit.rows(action="takedown.closed")}
    assert closed == {i.id for i in first[1:]}
    assert rec.db.scalar("SELECT closed_at FROM takedown_items WHERE id = ?",
                         [first[0].id]) is None


@pytest.mark.parametrize("how", ["evaluate", "close_stale"])
def test_a_withdrawal_committed_as_the_list_begins_is_seen_and_nothing_is_closed(setup,
                                                                                monkeypatch, how):
    """s31: the list read the register before its transaction: consent withdrawn again on
    another PC between that read and the transaction closed the item as "consent given
    again" though it was withdrawn by then (until the list was looked at again). It is read
    inside the transaction (the writer lock held), so the other PC's change is before it or
    after it, never in between."""
    rec, reg, ids = setup
    reg.withdraw("AMY", "facebook")
    first = takedown.evaluate(rec, reg, TODAY)
    assert len(first) == 2
    reg.people_by_id["AMY"].photo_consent["facebook"] = "yes"       # given again...
    engine_class, calls = type(rec.db), []
    real = engine_class._begin

    def begin(self):
        if self is rec.db and not calls:
            calls.append(1)
            reg.withdraw("AMY", "facebook")     # ...and withdrawn again on another PC
        return real(self)

    monkeypatch.setattr(engine_class, "_begin", begin)
    if how == "evaluate":
        assert sorted(i.id for i in takedown.evaluate(rec, reg, TODAY)) == \
            sorted(i.id for i in first)
    else:
        takedown.close_stale(rec, reg, [ids[1], ids[2]], TODAY)
    assert calls
    assert rec.db.scalar("SELECT COUNT(*) FROM takedown_items WHERE closed_at IS NOT NULL") == 0
    assert rec.audit.rows(action="takedown.closed") == []
    assert takedown.open_count(rec) == 2


def test_the_printed_list_covers_every_face_but_the_listed_peoples(tmp_path):
    """s33: the take-down list is for staff, but it is printed and left on desks: each picture
    shows the faces of the people the item lists (what staff look for on the page they take
    down) and covers every other face the export left visible, a face shown as nobody too, and
    every other name left readable, solid, from where the export record says each is, as the
    subject access report does. Where the record does not say (exported before faces were
    recorded, a video) there is no picture, and a sentence says why."""
    import base64
    import html
    import io

    import numpy as np
    from PIL import Image

    from photovet.core.words import TAKEDOWN_PICTURES_COVERED, takedown_no_picture

    rec = office_records(open_db())
    reg = FakeRegister([person("AMY", "Amy", "Able", name_with_photo=True),
                        person("BEN", "Ben", "Brook", name_with_photo=True)])
    rec.register = reg
    # Amy's and Ben's names on badges, left readable (name-with-photo consent)
    first = amy_and_ben_with_badges(tmp_path)
    faces = first.faces_shown
    rec.add_export(first, batch="trip", channel="website", preparer="p", approver="a")
    rec.add_export(make_export(tmp_path, 2, shown=["AMY", "BEN"], faces=None), batch="trip",
                   channel="website", preparer="p", approver="a")    # before boxes were kept
    vid = rec.add_export(make_export(tmp_path, 3, shown=["AMY", "BEN"]), batch="trip",
                         channel="website", preparer="p", approver="a")
    with rec.db.atomic():
        rec.db.execute("UPDATE exports SET media = 'video' WHERE id = ?", [vid])
    rec.mark_posted(batch="trip", channel="website", date=dt.date(2025, 5, 1))
    reg.withdraw("AMY", "website")
    reg.people_by_id["AMY"].video_consent["website"] = "no"
    items = takedown.evaluate(rec, reg, TODAY)
    assert len(items) == 3 and all(i.people == ["AMY"] for i in items)
    page = takedown.write_html(items, tmp_path / "td.html").read_text(encoding="utf-8")
    assert html.escape(TAKEDOWN_PICTURES_COVERED) in page
    assert html.escape(takedown_no_picture("unknown")) in page
    assert html.escape(takedown_no_picture("video")) in page
    assert page.count("Take this photo down") == 2 and page.count("Take this video down") == 1
    [src] = [s for s in page.split('src="')[1:]]
    a = np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split('"')[0].split(",", 1)[1])))
                   .convert("L"), dtype=float)
    h, w = a.shape
    original = np.asarray(Image.open(first.output).convert("L").resize((w, h)), dtype=float)

    def region(pic, box):
        x, y, bw, bh = box
        return pic[int((y + bh * .3) * h):int((y + bh * .7) * h),
                   int((x + bw * .3) * w):int((x + bw * .7) * w)]

    amy = region(a, faces[0]["box"])
    assert amy.std() > 6 and abs(amy.mean() - region(original, faces[0]["box"]).mean()) < 12
    for f in faces[1:]:                              # Ben's and nobody's: solid
        assert region(a, f["box"]).std() < 4, f
    assert region(a, [0.4, 0.75, 0.2, 0.1]).std() < 4                # Ben's name: solid
    assert region(a, [0.05, 0.75, 0.2, 0.1]).std() > 6               # hers: as it was
    # the file changed since it was exported: not shown (it may not be what was published)
    Image.open(first.output).convert("RGB").rotate(90).save(first.output, "JPEG")
    page = takedown.write_html(items, tmp_path / "td.html").read_text(encoding="utf-8")
    assert 'src="' not in page and html.escape(takedown_no_picture("changed")) in page
