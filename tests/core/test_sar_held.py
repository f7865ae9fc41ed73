"""The subject access report lists everything PhotoVet holds about the person, not only what it
exported: photos and videos held but never published (recognised, or named by hand; covered
faces too), photos in which PhotoVet recognised them but a member of staff named that face as
another person (exported or not, never naming that person), and their face signatures. On a
real workspace with the pipeline tests' stand-in face detector (Tori, A1, recognised on the
left; a stranger on the right)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from photovet.core.pipeline import analyse_batch
from tests.core.test_pipeline import TODAY, exported, make_photo

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def text_of(path) -> str:
    doc = path.read_text(encoding="utf-8")
    body = re.sub(r"<style>.*?</style>", " ", doc, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def section(text: str, title: str) -> str:
    start = text.index(title)
    ends = [text.find(t, start + len(title)) for t in (
        "Held, not published (", "Face signatures", "Consent history (",
        "Recognised as this person, named as another (")]
    return text[start:min([e for e in ends if e > 0] or [len(text)])]


def day(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def test_photos_held_but_never_exported_are_listed_with_each_channel_and_their_deletion(
        ws, engine, tmp_path):
    fb, web = ws.channels.get("facebook"), ws.channels.get("website")
    (tmp_path / "src").mkdir()
    ready = make_photo(tmp_path / "src" / "trip.jpg")
    a = engine.decide(engine.analyse(ready), fb, on=TODAY)
    assert a.faces[0].who == "A1" and a.faces[0].decision == "cover"     # covered still counts
    ws.approvals.mark_ready(a, batch="Trip")
    checked = make_photo(tmp_path / "src" / "assembly.jpg", (150, 90, 60))
    engine.analyse(checked)                                   # checked only: never marked ready
    published = make_photo(tmp_path / "src" / "sports.jpg", (90, 150, 60))
    checks = [s.result for s in analyse_batch([published], engine, web, on=TODAY)
              if s.result is not None]
    [res] = exported(engine, checks, tmp_path / "out", channel=web, records=ws.records)
    assert res.ok, res.error

    report = ws.subject_access_report("A1", tmp_path / "sar.html")
    text = text_of(report)
    held = section(text, "Held, not published (2)")
    assert "never exported (for example still waiting for approval) were not published" in text
    assert "are not listed" not in text
    # the photo marked ready: its name, since when, how, the channel, when it goes
    assert "trip.jpg" in held and f"First marked ready on {day(dt.date.today())}" in held
    assert "Recognised by PhotoVet" in held
    assert (f"Facebook: face covered; marked ready on {day(dt.date.today())}, waiting for "
            "approval.") in held
    due = dt.date.today() + dt.timedelta(days=ws.settings.retention.originals_days)
    assert f"The original is due for deletion on {day(due)} (90 days after PhotoVet first " \
        "had it) if it is not exported first." in held
    # the photo only checked: its content id, the cache's deletion, and why no original date
    sha = engine.analyse(checked).sha256
    assert f"A photo (file name not recorded; content id {sha[:12]})" in held
    assert f"Checked in PhotoVet on {day(dt.date.today())}" in held
    assert "PhotoVet does not know where the original is kept" in held
    cache_due = dt.date.today() + dt.timedelta(days=ws.settings.retention.cache_days)
    assert f"is deleted on {day(cache_due)}" in held
    assert "Not prepared for any channel." in held
    # exported: in the exports, not here; its content id in the appendix only
    assert "sports" not in held and "Photos exported (1)" in text
    appendix = text[text.index("Appendix: technical details"):]
    assert sha in appendix and sha not in held
    # face signatures: how many and when, never the numbers
    sigs = section(text, "Face signatures")
    assert (f"PhotoVet holds 1 face signature for Tori Ashby, enrolled on "
            f"{day(dt.date.today())}") in sigs
    assert "0.05" not in report.read_text(encoding="utf-8")
    row = ws.audit.rows(action="sar.created")[-1]
    assert row["details"]["held"] == 2 and row["details"]["named_as_other"] == 0
    # Sam (B2) is in none of them
    sam = text_of(ws.subject_access_report("B2", tmp_path / "sam.html"))
    assert "Held, not published (0)" in sam
    assert "PhotoVet holds no photo or video of this person that was never exported." in sam


def test_a_face_named_by_hand_is_held_for_the_person_named_even_without_this_pcs_cache(
        ws, engine, tmp_path):
    fb = ws.channels.get("facebook")
    photo = make_photo(tmp_path / "trip.jpg")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    ws.reviewer().face(a, 1, "assign", fb, person="B2")          # the stranger is Sam
    ws.cache.clear()                                            # checked on another PC
    text = text_of(ws.subject_access_report("B2", tmp_path / "sam.html"))
    held = section(text, "Held, not published (1)")
    assert f"Named by hand by Mrs Office on {day(dt.date.today())}" in held
    assert "content id" in held


def test_recognised_as_the_person_and_named_as_another_is_in_their_report_not_naming_them(
        ws, engine, tmp_path):
    """Joe's case (here Tori, A1): PhotoVet recognised her; staff named the face as Sam (B2)
    with a reason. Her report says so, and where it was exported and posted, without Sam's
    name or the reason (which may name someone); Sam's report lists the export as before."""
    fb = ws.channels.get("facebook")
    (tmp_path / "src").mkdir()
    photo = make_photo(tmp_path / "src" / "trip.jpg")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    ws.reviewer().face(a, 0, "assign", fb, person="B2", reason="twins, checked with the class teacher")
    b = engine.decide(engine.analyse(photo), fb, on=TODAY)
    assert b.faces[0].decision == "show" and b.faces[0].who == "B2"
    [res] = exported(engine, [b], tmp_path / "out", channel=fb, records=ws.records)
    assert res.ok, res.error and res.people_shown == ["B2"]
    ws.records.mark_posted(batch="Trip 2026", channel="facebook", date=dt.date(2026, 11, 22),
                           url="https://facebook.example/p/9")
    # a second one, never exported
    kept = make_photo(tmp_path / "src" / "kept.jpg", (150, 90, 60))
    c = engine.decide(engine.analyse(kept), fb, on=TODAY)
    ws.reviewer().face(c, 0, "assign", fb, person="B2", reason="SH, says the class teacher")

    report = ws.subject_access_report("A1", tmp_path / "tori.html")
    text = text_of(report)
    named = section(text, "Recognised as this person, named as another (2)")
    assert named.count("PhotoVet recognised this person's face in this photo. On "
                       f"{day(dt.date.today())} a member of staff named that face as another "
                       "person.") == 2
    assert "The reason the member of staff gave is kept; the school's data protection lead " \
        "can read it." in named
    assert (f"Exported for Facebook on {day(dt.date.today())}: that face was shown, under the "
            "other person's name; posted on Facebook on 22/11/2026 "
            "(https://facebook.example/p/9).") in named
    assert "Never exported: not published." in named
    assert "kept.jpg" not in named                     # never marked ready: name not known
    assert "A photo (file name not recorded; content id " in named
    # nothing of the other person, nor the reason (it names people)
    doc = report.read_text(encoding="utf-8")
    for word in ("Sam", "Hale", "B2", "twins", "Quinn"):
        assert word not in doc, word
    # not held as hers: it was decided as another person
    assert "Held, not published (0)" in text
    # made on another PC (no cache here): the audit log of the hand-naming still says it
    ws.cache.clear()
    again = text_of(ws.subject_access_report("A1", tmp_path / "tori2.html"))
    assert "Recognised as this person, named as another (2)" in again
    assert "posted on Facebook on 22/11/2026" in again
    # undone: no longer listed
    d = engine.decide(engine.analyse(kept), fb, on=TODAY)
    ws.reviewer().undo_face(d, 0, fb)
    ws.cache.clear()
    third = text_of(ws.subject_access_report("A1", tmp_path / "tori3.html"))
    assert "Recognised as this person, named as another (1)" in third
    # Sam's report lists the export where the face was published as Sam
    sam = text_of(ws.subject_access_report("B2", tmp_path / "sam.html"))
    assert "Photos exported (1)" in sam


def test_a_video_held_and_a_video_face_named_as_another_person(tmp_path):
    """Videos too: held (recognised, marked ready for the website: Tori's face shown there),
    then her track named by hand as Sam: in her report as named as another, in a video."""
    from tests.core.test_video_workflow import TODAY as VIDEO_DAY
    from tests.core.test_video_workflow import enrolled_workspace, make_video, tracks_by_colour
    from tests.core.test_video_workflow import new_engine as video_engine

    w = enrolled_workspace(tmp_path)
    try:
        (tmp_path / "src").mkdir()
        clip = make_video(tmp_path / "src" / "assembly.mp4")
        web = w.channels.get("website")
        eng = video_engine(w)
        an = eng.decide(eng.analyse_video(clip), web, on=VIDEO_DAY)
        w.approvals.mark_ready(an, batch="Assembly")
        text = text_of(w.subject_access_report("A1", tmp_path / "sar.html"))
        held = section(text, "Held, not published (1)")
        assert "assembly.mp4" in held and "Recognised by PhotoVet" in held
        assert (f"School website: face shown; marked ready on {day(dt.date.today())}, "
                "waiting for approval.") in held
        (tori,), _ = tracks_by_colour(an)
        w.video_reviewer().track(an, tori.id, "assign", web, person="B2",
                                 reason="twins, says the class teacher")
        text = text_of(w.subject_access_report("A1", tmp_path / "sar2.html"))
        named = section(text, "Recognised as this person, named as another (1)")
        assert ("assembly.mp4 PhotoVet recognised this person's face in this video. On "
                f"{day(dt.date.today())} a member of staff named that face as another "
                "person.") in named
        assert "Never exported: not published." in named and "Held, not published (0)" in text
        sam = text_of(w.subject_access_report("B2", tmp_path / "sam.html"))
        assert "Named by hand by Mrs Office on" in section(sam, "Held, not published (1)")
    finally:
        w.close()
