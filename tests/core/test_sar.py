"""Subject access report: one self-contained, printable, escaped HTML file."""

from __future__ import annotations

import base64
import datetime as dt
import html.parser
import io
import os
import re
from pathlib import Path

import numpy as np
import pytest
from afterpost_util import UPNS, FakeRegister, amy_and_ben_with_badges, make_export, person, register_csv
from PIL import Image

from photovet.core.records import takedown
from photovet.core.records.exports import CaptionRef, Records
from photovet.core.records.sar import subject_access_report
from photovet.core.storage import open_db
from photovet.core.words import sar_nothing_held
from tests.conftest import act_as, office_audit, office_records

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.imgs: list[str] = []
        self.exports = 0
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            self.attrs.append((tag, k, v or ""))
            if tag == "img" and k == "src":
                self.imgs.append(v)
            if k == "class" and v == "export":
                self.exports += 1

    def handle_data(self, data):
        self.text += data


def parse(path) -> tuple[Page, str]:
    doc = path.read_text(encoding="utf-8")
    p = Page()
    p.feed(doc)
    return p, doc


@pytest.fixture
def world(tmp_path):
    rec = office_records()
    reg = FakeRegister([person("AMY", "Amy", "<b>Able</b>"), person("BEN", "Ben", "Brook")])
    rec.register = reg      # what a post is checked against
    # export 1: Amy shown; the picture has a black box where "a face was covered"
    r1 = make_export(tmp_path, 1, shown=["AMY"])
    im = Image.open(r1.output).convert("RGB")
    im.paste((0, 0, 0), (0, 0, im.width // 2, im.height))
    im.save(r1.output, "JPEG", quality=90)
    r1.output_sha256 = ""
    rec.add_export(r1, batch="trip", channel="facebook", preparer="jo", approver="head")
    rec.add_export(make_export(tmp_path, 2, covered=["AMY"], shown=["BEN"]), batch="trip",
                   channel="facebook", preparer="jo", approver="head")
    r3 = make_export(tmp_path, 3, named=["AMY"])
    rec.add_export(r3, batch="news", channel="newsletter", preparer="jo", approver="head")
    rec.add_export(make_export(tmp_path, 4, shown=["BEN"]), batch="trip", channel="facebook",
                   preparer="jo", approver="head")
    rec.mark_posted(batch="trip", channel="facebook", date=dt.date(2025, 5, 2),
                    url="https://facebook.example/p/1?a=1&b=<2>")
    os.unlink(r3.output)                       # the newsletter export was deleted since
    reg.withdraw("AMY", "facebook")
    return rec, reg


def test_report_lists_every_export_of_the_person(world, tmp_path):
    rec, reg = world
    act_as(rec, "dpo")
    out = subject_access_report(reg, rec, "AMY", tmp_path / "sar.html")
    page, doc = parse(out)
    assert page.exports == 3 == len(rec.exports(person="AMY"))
    assert "Face shown" in page.text and "Face covered" in page.text and "Name covered" in page.text
    assert page.text.count("02/05/2025") == 2           # both facebook exports were posted
    assert "https://facebook.example/p/1?a=1&b=<2>" in page.text   # shown as text, escaped in source
    assert "&amp;b=&lt;2&gt;" in doc
    # s41 walk: why there is no picture although the original may still be on the PC (the
    # picture is made only from the copy as published: the original would show the others)
    assert "exported copy (photo003.jpg) has been deleted from this PC" in page.text
    assert "never from the original photo, so that other people's faces stay covered" in \
        page.text
    assert "Facebook" in page.text and "Newsletter" in page.text
    row = rec.audit.rows(action="sar.created")[-1]
    assert row["details"]["person"] == "AMY" and row["user"] == "dpo"
    assert len(row["details"]["exports"]) == 3


def test_the_report_opens_short_and_explains_at_the_end(world, tmp_path):
    """s40: the report opened with a paragraph of some 250 words before its first fact. It
    opens with what it is, for whom, when and by whom; the explanations are kept, where they
    apply (the pictures, over the exports) or under "About this report" at the end."""
    rec, reg = world
    act_as(rec, "dpo")
    page, doc = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    text = " ".join(page.text.split())
    today = dt.date.today().strftime("%d/%m/%Y")
    start = text.index("What PhotoVet holds")
    opening = text[start:text.index("at the end.", start) + len("at the end.")]
    assert opening.startswith("What PhotoVet holds about Amy <b>Able</b> (register id AMY), made "
                              f"for a subject access request on {today} by dpo."), opening
    assert len(opening.split()) < 90, len(opening.split())
    assert "<td>Made by</td><td>dpo</td>" in doc
    exported = text.index("Photos exported (3)")
    about = text.rindex("About this report")                  # the heading (the opening names it)
    assert text.index("PhotoVet cannot list photos in which it did not recognise the "
                      "person") > about
    assert text.index("Pictures are small copies of the files as exported") > exported
    assert text.index("Consent history (") < about < text.index("Appendix: technical details")
    for fact in ("by name or by initials; initials that several people share are listed for "
                 "each of them", "a video is shown by one frame from its middle",
                 "listed under \u2018Photos that may show this person\u2019 (the other person "
                 "is not named)", "\u2018Recognised as this person, named as another\u2019"):
        assert text.count(fact) == 1, fact


def test_report_is_self_contained_escaped_and_printable(world, tmp_path):
    rec, reg = world
    page, doc = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    for tag, k, v in page.attrs:
        if k in ("src", "href"):
            assert v.startswith("data:"), (tag, k, v[:40])
    assert not re.search(r"url\(|@import|https?://[^\s\"<]*\.(css|js|woff)", doc)
    assert "<b>Able</b>" not in doc and "&lt;b&gt;Able&lt;/b&gt;" in doc
    assert "@media print" in doc and "page-break-inside: avoid" in doc
    assert len(page.imgs) == 2                           # the third export file is gone


def test_thumbnails_show_the_export_as_exported(world, tmp_path):
    rec, reg = world
    page, _ = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    first = page.imgs[0]
    assert first.startswith("data:image/jpeg;base64,")
    im = Image.open(io.BytesIO(base64.b64decode(first.split(",", 1)[1])))
    assert im.format == "JPEG" and max(im.size) <= 360
    a = np.asarray(im.convert("L"), dtype=float)
    assert a[:, : a.shape[1] // 2 - 4].mean() < 8          # the blacked-out half stays black
    assert a[:, a.shape[1] // 2 + 4:].mean() > 30


def test_consent_history_and_unknown_person(world, tmp_path):
    rec, reg = world
    page, _ = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert "Consent history (1 change)" in page.text
    # an id PhotoVet holds nothing about is answered, not an error (DPO audit s30): the
    # report says so plainly (without holdings: the export records alone were searched)
    doc = subject_access_report(reg, rec, "NOBODY", tmp_path / "x.html").read_text("utf-8")
    assert sar_nothing_held("NOBODY") in doc and "Only the export records" in doc
    (row,) = [r for r in rec.audit.rows(action="sar.created")
              if r["details"]["person"] == "NOBODY"]
    assert row["details"]["nothing_held"] is True and "file" not in row["details"]


def test_a_readable_name_is_reported(world, tmp_path):
    """A photo where the pupil's name was left readable (name-with-photo consent) is part of
    what was published about them."""
    rec, reg = world
    rec.add_export(make_export(tmp_path, 7, names_shown=["AMY"]), batch="awards",
                   channel="website", preparer="jo", approver="head")
    page, _ = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert page.exports == 4
    assert "Name readable in the photo" in page.text


def test_current_consent_lists_photos_and_videos_apart(world, tmp_path):
    rec, reg = world
    reg.people_by_id["AMY"].video_consent["website"] = "no"
    page, doc = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert "<th>Photos</th><th>Videos</th>" in doc
    assert "<tr><td>School website</td><td>Yes</td><td>No</td></tr>" in doc


def test_changed_export_file_is_not_shown(world, tmp_path):
    rec, reg = world
    first = rec.exports(person="AMY")[0]
    Image.new("RGB", (50, 50), "red").save(first.output_path, "JPEG")
    page, _ = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert len(page.imgs) == 1 and "changed since it was exported" in page.text


def test_with_the_real_register(tmp_path):
    from photovet.core.register.people import Register

    db = open_db()
    reg = Register(db, audit=office_audit(db))
    rows = [{"upn": UPNS[0], "surname": "Able", "forename": "Amy"},
            {"upn": UPNS[1], "surname": "Brook", "forename": "Ben"}]
    reg.import_csv(register_csv(tmp_path / "r1.csv", rows))
    rec = Records(reg.db, reg.audit)
    rec.add_export(make_export(tmp_path, 1, shown=[UPNS[0]]), batch="b", channel="website",
                   preparer="a", approver="b")
    rows[0]["consent"] = {"website": "No"}
    reg.import_csv(register_csv(tmp_path / "r2.csv", rows))
    page, doc = parse(subject_access_report(reg, rec, UPNS[0], tmp_path / "sar.html"))
    assert page.exports == 1 and "Amy Able" in page.text
    assert "School website" in page.text
    hist = doc[doc.index("Consent history"):doc.index("Appendix: technical details")]
    assert "<td>Yes</td>" in hist and "<td>No</td>" in hist and "<td>Register import</td>" in hist
    # the import ids are technical: in the appendix at the end, not in the history a family reads
    assert "import-" not in hist
    assert "import-" in doc[doc.index("Appendix: technical details"):]
    # a row that changed nothing (videos: not recorded before, not recorded after) is left out
    assert "Not recorded</td><td>Not recorded" not in hist
    assert any(c.to_dict()["old"] is None and c.to_dict()["new"] == "not recorded"
               for c in reg.history(UPNS[0])), "the fixture has a row that changes nothing"


def test_the_title_names_the_person_and_the_technical_details_come_last(tmp_path):
    """Audit report item 17: the title said 'not named in the file' (the camera's words) when
    an export had a camera without make and model; paths and SHA-256 were in every block."""
    rec = office_records()
    reg = FakeRegister([person("AMY", "Amy", "Able")])
    rec.register = reg      # what a post is checked against
    r = make_export(tmp_path, 1, shown=["AMY"])
    r.device = {"serial": "123", "approved": False}
    rec.add_export(r, batch="trip", channel="facebook", preparer="jo", approver="head")
    page, doc = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert "<title>Subject access report: Amy Able (AMY)</title>" in doc
    assert "<h1>Subject access report: Amy Able</h1>" in doc
    appendix = doc.index("Appendix: technical details")
    (export,) = rec.exports()
    assert doc.index(export.output_sha256) > appendix
    assert doc.index(export.output_path) > appendix
    assert doc.index("Consent history") < appendix


def test_the_opening_line_is_true_and_a_pending_take_down_is_in_the_report(world, tmp_path):
    """Audit s26 item 15: the report opened with 'published or prepared for publication' but
    lists exports only; after Amy's Facebook consent was withdrawn, the report did not say
    the Facebook post was on the take-down list."""
    rec, reg = world
    page, doc = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    text = " ".join(page.text.split())
    assert "prepared for publication" not in text
    assert text.count("Photos and videos exported with PhotoVet to be published") == 1
    assert "never exported (for example still waiting for approval) were not published" in text
    # export 1 shows Amy and was posted on Facebook: it must come down (export 2 covers her)
    assert "Take-down list (1 to do)" in text
    assert "Take-down list: Take this photo down from Facebook (https://facebook.example/p/1" \
        in text
    # each part a sentence of its own, not in brackets after the action (s46 walk)
    assert ". Why: Consent refused for Facebook. Not yet (listed on" in text, text
    assert "(Consent refused" not in text
    # once done, it says when and by whom
    from photovet.core.records import takedown
    [item] = takedown.evaluate(rec, reg, person="AMY")
    takedown.mark_done(rec, [item.id], "removed from the page")
    page, _ = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar2.html"))
    text = " ".join(page.text.split())
    assert "Take-down list (0 to do)" in text
    assert re.search(r"Done on \d\d/\d\d/\d{4} by \S+: removed from the page", text), text
    # Ben has nothing to take down
    page, _ = parse(subject_access_report(reg, rec, "BEN", tmp_path / "sar3.html"))
    assert "Nothing published or exported with this person has to come down." in page.text


def test_a_post_photovet_would_not_have_allowed_is_in_the_report_without_others_reasons(
        world, tmp_path):
    """s29: a re-post after Amy's withdrawal is recorded (it happened) and flagged; Ben's
    report lists it and says it was not allowed, without why (the reason names Amy)."""
    rec, reg = world
    rec.add_export(make_export(tmp_path, 5, shown=["AMY", "BEN"]), batch="trip",
                   channel="facebook", preparer="jo", approver="head")
    flagged: list = []
    assert rec.mark_posted(batch="trip", channel="facebook", date=dt.date(2025, 6, 1),
                           not_allowed=flagged) == 4
    assert [p.name for p, _why in flagged] == ["photo001.jpg", "photo005.jpg"]
    assert "Amy" in flagged[1][1]
    page, _doc = parse(subject_access_report(reg, rec, "BEN", tmp_path / "ben.html"))
    assert "01/06/2025, recorded as posted although PhotoVet did not allow it (put on the " \
           "take-down list)" in page.text
    assert "Amy" not in page.text


def test_the_report_counts_photos_that_may_show_them_as_their_page_does(tmp_path):
    """s30: the report's "Photos that may show this person (N)" and the person page (and
    'photovet sar') counted them each their own way: the report left out a photo recognised
    as them and named as another (it has a section of its own), the page one that lists them
    anyway (a face of theirs covered, another face shown as their twin). Both now take
    ``Records.exports_may_show_only``: one that lists them is said in its own block, one
    named as another is in both sections."""
    from photovet.core.records.held import Holdings, NamedAsOther

    rec = office_records()
    rec.register = FakeRegister([person("AMY", "Amy", "Able"), person("BEN", "Ben", "Able"),
                                 person("CAL", "Cal", "Cole"), person("DOT", "Dot", "Cole")])
    # Ben's face covered; another face, shown as Amy, may be Ben's: it lists Ben anyway
    both = make_export(tmp_path, 1, shown=["AMY"], covered=["BEN"])
    both.people_maybe, both.maybe_missing = [("BEN", "AMY", "near")], {"BEN": ""}
    both_id = rec.add_export(both, batch="trip", channel="facebook", preparer="jo",
                             approver="head")
    # Cal recognised, staff named the face Dot: only may show Cal
    named = make_export(tmp_path, 2, shown=["DOT"])
    named.people_maybe, named.maybe_missing = [("CAL", "DOT", "recognised")], {"CAL": ""}
    named_id = rec.add_export(named, batch="trip", channel="facebook", preparer="jo",
                              approver="head")
    reg = rec.register

    def held(pid):
        other = [NamedAsOther(named.source_sha256, other="DOT", named_at="2026-05-01T10:00:00")]
        return Holdings(named_as_other=other if pid == "CAL" else [])

    assert [r.id for r in rec.exports_may_show_only("BEN")] == []
    assert [r.id for r in rec.exports_may_show_only("CAL")] == [named_id]
    act_as(rec, "jo")
    p, _ = parse(subject_access_report(reg, rec, "BEN", tmp_path / "ben.html", holdings=held))
    text = " ".join(p.text.split())
    assert "Photos that may show this person (0)" in text       # was 1: listed twice
    assert "Photos exported (1)" in text
    assert "Face covered, A face shown as another person may be theirs too" in text
    assert "Amy" not in text
    p, _ = parse(subject_access_report(reg, rec, "CAL", tmp_path / "cal.html", holdings=held))
    text = " ".join(p.text.split())
    assert "Photos that may show this person (1)" in text       # was 0: left out
    assert ("named that face as another person. It is listed under \u2018Recognised as this "
            "person, named as another\u2019 too.") in text
    assert "Recognised as this person, named as another (1)" in text
    assert "Dot" not in text
    assert rec.audit.rows(action="sar.created")[-1]["details"]["may_show"] == [named_id]
    assert both_id not in rec.audit.rows(action="sar.created")[-2]["details"].get("may_show", [])


def test_a_report_never_names_another_pupil(world, tmp_path):
    """s31 (DPO): a report for Amy is hers, not Ben's. Others in her photos are counted, never
    named; Ben's name in the caption, the batch label, the file's name, the web address and an
    older take-down note is "[another pupil]"; her own name stays. Ben's report says nothing of
    Amy either."""
    rec, reg = world
    r = make_export(tmp_path, 5, shown=["AMY", "BEN"], name="Ben_Brook-and-Amy")
    r.faces_covered = 2
    rid = rec.add_export(r, batch="Ben Brook award", channel="facebook", preparer="jo",
                         approver="head", caption="B.B. and Amy won: well done Ben and Amy!",
                         caption_refs=[CaptionRef("AMY", "Amy", "first"),
                                       CaptionRef("BEN", "Ben", "first"),
                                       CaptionRef("BEN", "B.B.", "initials")])
    rec.mark_posted(files=[Path(r.output)], channel="facebook", date=dt.date(2025, 6, 1),
                    url="https://facebook.example/ben-brook-award")
    [item] = [i for i in takedown.evaluate(rec, reg) if i.export_id == rid]
    takedown.mark_done(rec, [item.id], note="took down Ben's photo")   # before s31's check
    page, doc = parse(subject_access_report(reg, rec, "AMY", tmp_path / "amy.html"))
    doc = re.sub(r'src="data:[^"]*"', "", doc)         # the thumbnails' bytes
    for word in ("Ben", "Brook", "B.B.", "BEN"):
        assert word not in page.text and word not in doc, word
    assert "[another pupil] and Amy won: well done [another pupil] and Amy!" in page.text
    assert "[another pupil] award" in page.text                 # the batch label
    assert "https://facebook.example/[another pupil]-award" in page.text
    assert "took down [another pupil]'s photo" in page.text
    assert "Take this photo down from Facebook (https://facebook.example/[another pupil]-award)" \
        in page.text
    assert "[another pupil]-and-Amy.jpg" in page.text           # the file's name (appendix)
    assert "Others in it1 other person shown, 2 other faces covered (not named here)" in \
        page.text
    # an export with nobody else in it says so
    assert "Others in itNo one else recorded" in page.text
    page, doc = parse(subject_access_report(reg, rec, "BEN", tmp_path / "ben.html"))
    doc = re.sub(r'src="data:[^"]*"', "", doc)
    for word in ("Amy", "Able", "AMY"):
        assert word not in page.text and word not in doc, word
    assert "B.B. and [another pupil] won: well done Ben and [another pupil]!" in page.text


def _picture(src: str) -> np.ndarray:
    im = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("L")
    return np.asarray(im, dtype=float)


def test_other_peoples_faces_are_covered_in_the_thumbnail(tmp_path):
    """A report goes to one pupil's family: the other pupils in the same photo (shown when
    it was published) are third parties, and their faces are covered in its picture, solid,
    from where the export record says each face is; a face shown as nobody (not positively
    theirs) is covered too, theirs is not. Where the record does not say (an export of an
    older version, a video), no picture is shown."""
    rec = office_records()
    reg = FakeRegister([person("AMY", "Amy", "Able"), person("BEN", "Ben", "Brook")])
    rec.register = reg
    # Amy's and Ben's names on badges, left readable (name-with-photo consent)
    first = amy_and_ben_with_badges(tmp_path)
    faces = first.faces_shown
    rec.add_export(first, batch="trip", channel="facebook", preparer="jo", approver="head")
    old = make_export(tmp_path, 2, shown=["AMY", "BEN"], faces=None)   # before boxes were kept
    rec.add_export(old, batch="trip", channel="facebook", preparer="jo", approver="head")
    act_as(rec, "dpo")
    page, _ = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert "Other people's faces are covered in this report" in page.text
    assert len(page.imgs) == 1 and "exported before PhotoVet recorded where each face is" \
        in page.text
    a = _picture(page.imgs[0])
    h, w = a.shape

    def region(box):
        x, y, bw, bh = box
        return a[int((y + bh * .3) * h):int((y + bh * .7) * h),
                 int((x + bw * .3) * w):int((x + bw * .7) * w)]

    original = np.asarray(Image.open(rec.exports()[0].output_path).convert("L").resize((w, h)),
                          dtype=float)
    for f in faces:
        x, y, bw, bh = f["box"]
        inner = region(f["box"])
        before = original[int((y + bh * .3) * h):int((y + bh * .7) * h),
                          int((x + bw * .3) * w):int((x + bw * .7) * w)]
        if f["person"] == "AMY":
            assert inner.std() > 6 and abs(inner.mean() - before.mean()) < 12   # theirs: as it was
        else:
            assert inner.std() < 4, f                                           # solid
    badge = [0.4, 0.75, 0.2, 0.1]
    assert region(badge).std() < 4                                    # Ben's name: solid
    assert region([0.05, 0.75, 0.2, 0.1]).std() > 6                  # hers: as it was
    # Ben's own report covers Amy's face and the stranger's, not his
    page, _ = parse(subject_access_report(reg, rec, "BEN", tmp_path / "ben.html"))
    a = _picture(page.imgs[0])
    assert region(faces[0]["box"]).std() < 4 and region(faces[1]["box"]).std() > 6
    assert region([0.05, 0.75, 0.2, 0.1]).std() < 4 and region(badge).std() > 6


def test_the_export_records_where_each_face_left_visible_is(tmp_path):
    """The record keeps the faces an export left visible (fractions of the picture, and whom
    each is shown as), as the pipeline hands them over; a row written without them reads
    as not known."""
    rec = office_records()
    faces = [{"box": [0.1, 0.2, 0.3, 0.4], "person": "AMY"}, {"box": [0.5, 0.5, 0.1, 0.1],
                                                             "person": ""}]
    rid = rec.add_export(make_export(tmp_path, 1, shown=["AMY"], faces=faces), batch="b",
                         channel="website")
    assert rec.get(rid).faces_shown == faces
    rid2 = rec.add_export(make_export(tmp_path, 2, shown=["AMY"], faces=None), batch="b",
                          channel="website")
    assert rec.get(rid2).faces_shown is None
    rec.db.execute("UPDATE exports SET faces = ? WHERE id = ?", ['[1, 2]', rid2])
    assert rec.get(rid2).faces_shown is None
    # a record with the faces and not the names is known only if no other name is readable
    from photovet.core.records.sar import _others
    r = rec.get(rid)
    assert r.names_kept is None and _others(r, "AMY") == ([[0.5, 0.5, 0.1, 0.1]], [])
    r.names_shown = ["BEN"]
    assert _others(r, "AMY") is None


def test_a_pupil_renamed_since_the_export_is_still_found_in_its_caption(tmp_path):
    """s32 (DPO): the report is made with today's register, but whom a caption referred to
    was recorded by register id as it was exported, and a rename keeps the name before: a
    pupil renamed since is still listed for a caption that used the old name, that name stays
    theirs in their report, and it is another pupil's in anyone else's."""
    from photovet.core.channels import Channel
    from photovet.core.records.exports import caption_refs
    from photovet.core.register.people import Register

    db = open_db()
    reg = Register(db, audit=office_audit(db))
    rows = [{"upn": UPNS[0], "surname": "Able", "forename": "Amy"},
            {"upn": UPNS[1], "surname": "Brook", "forename": "Ben"},
            {"upn": UPNS[2], "surname": "Cole", "forename": "Cara"}]
    reg.import_csv(register_csv(tmp_path / "r1.csv", rows))
    rec = Records(reg.db, reg.audit)
    caption = "Well done Amy Able and Ben Brook!"
    web = Channel(id="website", label="School website", names="full")
    refs = caption_refs(caption, reg.people(), web)
    assert {r.person for r in refs} == {UPNS[0], UPNS[1]}
    rec.add_export(make_export(tmp_path, 1, shown=[UPNS[2]]), batch="b", channel="website",
                   preparer="a", approver="b", caption=caption, caption_refs=refs)
    # both renamed since (a new surname each, from the MIS)
    rows[0]["surname"], rows[1]["surname"] = "Dale", "Evans"
    reg.import_csv(register_csv(tmp_path / "r2.csv", rows))
    assert reg.person(UPNS[0]).display_name == "Amy Dale"
    page, _ = parse(subject_access_report(reg, rec, UPNS[0], tmp_path / "amy.html"))
    assert page.exports == 1 and "Named in the caption as \u201cAmy Able\u201d" in page.text
    assert "Well done Amy Able and [another pupil]!" in page.text
    page, _ = parse(subject_access_report(reg, rec, UPNS[1], tmp_path / "ben.html"))
    assert page.exports == 1 and "Well done [another pupil] and Ben Brook!" in page.text
    page, _ = parse(subject_access_report(reg, rec, UPNS[2], tmp_path / "cara.html"))
    assert "Well done [another pupil] and [another pupil]!" in page.text


def test_a_pupil_removed_from_the_records_leaves_their_face_as_nobodys(tmp_path):
    """The retention schedule removes a leaver from the export records: a face recorded as
    shown as them is kept as a face shown as nobody (covered in anyone's report), the others
    as they were."""
    from photovet.core.records.exports import forget_faces_shown

    rec = office_records()
    faces = [{"box": [0.1, 0.1, 0.2, 0.3], "person": "AMY"},
             {"box": [0.5, 0.1, 0.2, 0.3], "person": "BEN"}]
    rid = rec.add_export(make_export(tmp_path, 1, shown=["AMY", "BEN"], faces=faces),
                         batch="b", channel="website")
    other = rec.add_export(make_export(tmp_path, 2, shown=["BEN"], faces=None), batch="b",
                           channel="website")
    with rec.db.atomic():
        forget_faces_shown(rec.db, "BEN", [rid, other])
    assert [f["person"] for f in rec.get(rid).faces_shown] == ["AMY", ""]
    assert rec.get(rid).faces_shown[1]["box"] == faces[1]["box"]
    assert rec.get(other).faces_shown is None


def test_the_camera_is_named_once_when_its_model_repeats_the_make(tmp_path):
    """Walk s34: a parent read "Camera: Canon Canon EOS 5D Mark II (serial 720304987)": the
    model already says Canon. The camera reads as everywhere else (models.Device.label)."""
    rec = office_records()
    reg = FakeRegister([person("AMY", "Amy", "Able")])
    rec.register = reg
    for i, dev in enumerate([{"make": "Canon", "model": "Canon EOS 5D Mark II",
                              "serial": "720304987", "approved": True},
                             {"make": "Apple", "model": "iPhone 13", "approved": False},
                             {"serial": "123"}]):
        r = make_export(tmp_path, i, shown=["AMY"], name=f"cam{i}")
        r.device = dev
        rec.add_export(r, batch="trip", channel="facebook", preparer="jo", approver="head")
    _page, doc = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert "Canon Canon" not in doc
    assert "Canon EOS 5D Mark II: a school device" in doc
    assert "Apple iPhone 13: not on the school" in doc
    assert "not named in the file" in doc


def test_the_report_never_gives_the_cameras_serial_number(tmp_path):
    """s46 walk: the report listed "Canon EOS 5D Mark II (serial 720304987)" for each photo.
    The serial number identifies the school's camera, not anything about the pupil, and the
    report goes to the family: the camera's make and model and whether it is one of the
    school's are said, the serial number nowhere (with or without a make and model)."""
    rec = office_records()
    reg = FakeRegister([person("AMY", "Amy", "Able")])
    rec.register = reg
    for i, dev in enumerate([{"make": "Canon", "model": "Canon EOS 5D Mark II",
                              "serial": "720304987", "approved": True},
                             {"serial": "5550123", "approved": False}]):
        r = make_export(tmp_path, i, shown=["AMY"], name=f"cam{i}")
        r.device = dev
        rec.add_export(r, batch="trip", channel="facebook", preparer="jo", approver="head")
    _page, doc = parse(subject_access_report(reg, rec, "AMY", tmp_path / "sar.html"))
    assert "720304987" not in doc and "5550123" not in doc
    assert "serial" not in doc.lower()
    assert "Canon EOS 5D Mark II: a school device" in doc
    assert "not named in the file: not on the school" in doc


def test_others_in_an_export_are_counted_in_plain_english():
    """s43 walk: the report read "Others in it: 2 other name or labels covered"."""
    from types import SimpleNamespace

    from photovet.core.records.sar import _others_words

    def rec(texts_covered: int) -> SimpleNamespace:
        return SimpleNamespace(people_shown=["W1", "Z2"], faces_covered=2, people_covered=[],
                               names_shown=[], texts_covered=texts_covered, names_covered=[])

    assert _others_words(rec(2), "W1") == ("1 other person shown, 2 other faces covered, "
                                           "2 other names or labels covered (not named here)")
    assert _others_words(rec(1), "W1").endswith("1 other name or label covered (not named here)")
