"""s44 (hunt-publish): on a channel whose rule says the school must not be identifiable
(``Channel.cover_school``: Facebook, X, Instagram, YouTube, the press by default), the
school's name, initials and address are covered in every photo and video, but a caption
"Sports day at Oakfield Primary!" and a batch label giving oakfield-sports-day-001.jpg were
exported (and approved) as they were. They are refused now, as a caption naming a pupil is,
with a suggestion that leaves the school out (``policy.caption_school_refusal``,
``captions.school_findings``); on the school's own website nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image

from photovet.core.models import Channel
from photovet.core.pipeline import Engine, export_batch, vet_batch
from photovet.core.policy import caption_school_refusal
from photovet.core.settings import Settings
from photovet.core.vision.text.captions import (
    CaptionError,
    LabelError,
    caption_refusal,
    label_refusal,
)
from photovet.core.vision.text.school import school_words
from photovet.core.workspace import Workspace
from tests.conftest import office_access
from tests.core.test_school_identifiers import NoFaces

TODAY = dt.date(2026, 11, 21)
FB = Channel("facebook", "School Facebook", names="initials", cover_school=True)
WEB = Channel("website", "School website", names="full")


def _words():
    s = Settings()
    s.school.names = ["Oakfield Primary School"]
    s.school.abbreviations = ["OPS"]
    s.school.address_words = ["Meadow Lane"]
    return school_words(s)


@pytest.mark.parametrize("caption,found,suggested", [
    ("Sports day at Oakfield Primary!", "Oakfield Primary", "Sports day!"),
    ("Well done OPS runners", "OPS", "Well done runners"),
    ("More on www.oakfieldprimary.sch.uk today", "www.oakfieldprimary.sch.uk", "More on today"),
    ("Thanks @OakfieldPS families.", "@OakfieldPS", "Thanks families."),
    ("A walk down Meadow Lane", "Meadow Lane", "A walk down"),
])
def test_a_caption_naming_the_school_is_refused_where_the_school_must_not_be_shown(
        caption, found, suggested):
    refused = caption_refusal(caption, [], FB, TODAY, "consent", school=_words())
    assert refused is not None and [f.found for f in refused.findings] == [found]
    assert "School Facebook must not show which school it is" in refused.message
    assert refused.suggestion == suggested
    assert caption_refusal(refused.suggestion, [], FB, TODAY, "consent", school=_words()) is None
    assert caption_refusal(caption, [], WEB, TODAY, "consent", school=_words()) is None


@pytest.mark.parametrize("caption", ["Sports day was great", "Great day on the hill",
                                     "A lovely green field", "ops, we did it again"])
def test_a_caption_that_does_not_name_the_school_passes(caption):
    assert caption_refusal(caption, [], FB, TODAY, "consent", school=_words()) is None


def test_no_school_words_set_refuses_nothing_and_only_a_covering_channel_refuses():
    assert caption_refusal("Oakfield Primary!", [], FB, TODAY, "consent",
                           school=school_words(Settings())) is None
    assert caption_school_refusal(WEB, ["Oakfield"]) is None
    assert caption_school_refusal(FB, []) is None
    assert caption_school_refusal(FB, ["Oakfield"]) == \
        "Names the school: School Facebook must not show which school it is"


def test_a_label_naming_the_school_is_refused_where_the_school_must_not_be_shown():
    refused = label_refusal("oakfield_sports_day", [], FB, TODAY, "consent", school=_words())
    assert isinstance(refused, LabelError) and "\u201coakfield\u201d" in refused.message
    assert refused.suggestion == "sports day"
    assert label_refusal("Oakfield Primary", [], FB, TODAY, "consent",
                         school=_words()).suggestion == "photos"
    assert label_refusal("oakfield_sports_day", [], WEB, TODAY, "consent", school=_words()) is None
    assert label_refusal("sports_day", [], FB, TODAY, "consent", school=_words()) is None


@pytest.fixture
def school_ws(tmp_path):
    w = Workspace.open(tmp_path / "home", access=office_access("office"))
    w.settings.approval.required = False
    w.settings.text.enabled = False
    w.settings.school.names = ["Oakfield Primary School"]
    w.save_settings(w.settings)
    yield w
    w.close()


def test_an_export_with_the_school_in_its_label_or_caption_is_refused_on_facebook(school_ws, tmp_path):
    """The core's own check (export_batch, vet_batch: what the app and 'photovet export'
    run), before anything is read or written; the website takes the same export."""
    ws = school_ws
    photo = tmp_path / "trip.jpg"
    Image.new("RGB", (320, 240), (120, 160, 200)).save(photo, "JPEG")
    engine = Engine(ws.settings, register=ws.register, face_engine=NoFaces(),
                    cache=ws.cache, reviews=ws.reviews)
    fb, web = ws.channels.get("facebook"), ws.channels.get("website")
    assert fb.cover_school and not web.cover_school
    a = engine.analyse(photo)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(LabelError, match="names the school"):
        list(export_batch([a], out, label="Oakfield sports day", engine=engine, channel=fb,
                          records=ws.records))
    with pytest.raises(CaptionError, match="names the school"):
        list(export_batch([a], out, label="Sports day", engine=engine, channel=fb,
                          records=ws.records, caption="Sports day at Oakfield Primary!"))
    with pytest.raises(LabelError, match="names the school"):
        list(vet_batch([photo], engine, fb, out, label="Oakfield sports day",
                       records=ws.records))
    with pytest.raises(CaptionError, match="names the school"):
        list(vet_batch([photo], engine, fb, out, label="Sports day", records=ws.records,
                       caption="Sports day at Oakfield Primary!"))
    assert not list(out.iterdir())
    done = [s.result for s in export_batch([a], out, label="Oakfield sports day",
                                           engine=engine, channel=web, records=ws.records,
                                           caption="Sports day at Oakfield Primary!")
            if s.result is not None]
    assert [r.ok for r in done] == [True]
    assert [p.name for p in out.iterdir()] == ["oakfield-sports-day-001.jpg"]
    # a caption proposed when marking ready is checked the same way (what gets approved)
    assert engine.proposed_caption_check(fb)("Well done Oakfield!") is not None
    assert engine.proposed_caption_check(web)("Well done Oakfield!") is None



@pytest.mark.parametrize("caption,suggested", [
    # s44 audit: the school's initials glued to a word passed on Facebook
    ("Well done OPS! #OPSsportsday", "Well done!"),
    ("Go team #GoOPS", "Go team"),
    # the school's name twice: the suggestion kept the second and was refused in its turn
    ("Oakfield choir sang at the Oakfield summer fair", "Choir sang at the summer fair"),
    # what the suggestion read like: "Sports day at School!", "Fun,!", ". sports day"
    ("Sports day at Oakfield Primary School!", "Sports day!"),
    ("Fun at Oakfield Primary, Meadow Lane!", "Fun!"),
    ("O.P.S. sports day", "Sports day"),
    ("Oakfield!", ""),
])
def test_the_suggestion_leaves_out_every_mention_of_the_school_and_reads_right(caption,
                                                                               suggested):
    refused = caption_refusal(caption, [], FB, TODAY, "consent", school=_words())
    assert refused is not None and refused.suggestion == suggested
    assert caption_refusal(suggested, [], FB, TODAY, "consent", school=_words()) is None


@pytest.mark.parametrize("caption", ["TOPS tips for parents", "We went to the shops",
                                     "Stops and starts"])
def test_the_initials_inside_an_ordinary_word_are_no_finding(caption):
    assert caption_refusal(caption, [], FB, TODAY, "consent", school=_words()) is None


def test_a_label_with_the_schools_initials_in_lower_case_is_refused():
    """s44 audit: a label is typed in lower case (the file names ops-sports-day-001.jpg), and
    the initials configured as "OPS" passed on Facebook."""
    for label in ("ops-sports-day", "ops_sports_day", "Ops sports day"):
        refused = label_refusal(label, [], FB, TODAY, "consent", school=_words())
        assert isinstance(refused, LabelError), label
        assert refused.suggestion.lower() == "sports day"
    assert label_refusal("ops-sports-day", [], WEB, TODAY, "consent", school=_words()) is None
    assert label_refusal("shops-trip", [], FB, TODAY, "consent", school=_words()) is None


def test_a_post_marked_through_the_workspace_checks_the_schools_words_unasked(school_ws,
                                                                              tmp_path):
    """s44 audit: Records.mark_posted checked the school's words only when the caller passed
    them (``school=None`` by default): a caller that forgot (a new form, a script) recorded
    "Sports day at Oakfield Primary!" as posted on Facebook unflagged. The workspace's records
    now check the school's words as its settings hold them."""
    ws = school_ws
    photo = tmp_path / "trip.jpg"
    Image.new("RGB", (320, 240), (120, 160, 200)).save(photo, "JPEG")
    engine = Engine(ws.settings, register=ws.register, face_engine=NoFaces(),
                    cache=ws.cache, reviews=ws.reviews)
    out = tmp_path / "out"
    out.mkdir()
    done = [s.result for s in export_batch([engine.analyse(photo)], out, label="Sports day",
                                           engine=engine, channel=ws.channels.get("facebook"),
                                           records=ws.records)
            if s.result is not None]
    assert [r.ok for r in done] == [True]
    (copy,) = out.iterdir()
    with pytest.raises(CaptionError, match="names the school") as refused:
        ws.records.mark_posted(files=[copy], channel="facebook", people=ws.register.people(),
                               caption="Sports day at Oakfield Primary!")
    assert refused.value.suggestion == "Sports day!"
    assert [p for r in ws.records.exports() for p in r.posts] == []
    assert ws.records.mark_posted(files=[copy], channel="facebook",
                                  people=ws.register.people(), caption="Sports day!") == 1


def test_an_address_inside_the_schools_name_is_one_finding_and_the_suggestion_reads_right():
    """The s45 walk: the school "Hollins Lane Primary School" whose address is "Hollins Lane".
    "Year 6 from Hollins Lane Primary at the museum" was refused for "Hollins Lane" alone (the
    address, found where the name starts, hid the longer name) and the suggestion was "Year 6
    from Primary at the museum"."""
    s = Settings()
    s.school.names = ["Hollins Lane Primary School"]
    s.school.abbreviations = ["HLPS"]
    s.school.address_words = ["Hollins Lane"]
    words = school_words(s)
    refused = caption_refusal("Year 6 from Hollins Lane Primary at the museum", [], FB, TODAY,
                              "consent", school=words)
    assert refused is not None
    assert [f.found for f in refused.findings] == ["Hollins Lane Primary"]
    assert refused.suggestion == "Year 6 at the museum"
    assert caption_refusal(refused.suggestion, [], FB, TODAY, "consent", school=words) is None


def test_the_caption_check_says_what_marking_ready_decides():
    """s45 audit W1: ``photovet caption`` gathered its findings and made a school suggestion of
    its own (``without_school``). The core's ``caption_verdict`` says it all now: the first
    refusal's findings, the suggestion ``caption_refusal`` gives (one that passes every
    check, or none) and why there is none; the command only prints it."""
    from photovet.core.models import Person
    from photovet.core.vision.text.captions import caption_verdict
    from photovet.core.words import CAPTION_NOTHING_LEFT_SCHOOL

    tobias = Person(id="C123456789012", legal_surname="Winterbottom", legal_forename="Tobias",
                    do_not_photograph=True)
    people = [tobias]
    for caption in ("Sports day at Oakfield Primary!", "Oakfield!", "Tobias Winterbottom wins",
                    "Oakfield Primary School: Tobias Winterbottom and Amy are both winners",
                    "Sports day"):
        for ch in (FB, WEB):
            got = caption_verdict(caption, people, ch, TODAY, "consent", school=_words())
            refused = caption_refusal(caption, people, ch, TODAY, "consent", school=_words())
            assert got.ok is (refused is None), (caption, ch.id)
            if refused is not None:
                assert got.findings == refused.findings and got.suggestion == refused.suggestion
                assert bool(got.no_suggestion) is not bool(got.suggestion)
    got = caption_verdict("Sports day at Oakfield Primary!", [], FB, TODAY, "consent",
                          school=_words())
    assert [f.found for f in got.findings] == ["Oakfield Primary"]
    assert got.suggestion == "Sports day!"
    got = caption_verdict("Oakfield!", [], FB, TODAY, "consent", school=_words())
    assert not got.ok and got.suggestion == ""
    assert got.no_suggestion == CAPTION_NOTHING_LEFT_SCHOOL
    # the school's own suggestion would name Tobias (on the do-not-photograph list): the one
    # given passes every check
    got = caption_verdict("Oakfield Primary School: Tobias Winterbottom and Amy are both "
                          "winners", people, FB, TODAY, "consent", school=_words())
    assert [f.found for f in got.findings] == ["Oakfield Primary School"]
    assert "Tobias" not in got.suggestion and "Winterbottom" not in got.suggestion, got
    assert caption_refusal(got.suggestion, people, FB, TODAY, "consent",
                           school=_words()) is None
    assert caption_verdict("Sports day", people, FB, TODAY, "consent", school=_words()).ok
