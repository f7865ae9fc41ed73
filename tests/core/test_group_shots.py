"""Group shots (issue 18): on a "group shots only" channel a photo where one pupil dominates is
held for a person to look, and batch labels are checked like captions.

Photos are drawn here (faces as skin ovals with eyes) and a stand-in face engine reports
exactly the drawn boxes, as tests/core/test_pipeline.py does, so the test knows the figures the
rule uses. The thresholds (3 faces, 40% of the face area) are calibrated in bench/groupshots.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from photovet.core.errors import ApprovalError
from photovet.core.models import Face, Person, PhotoStatus
from photovet.core.pipeline import Engine, export_batch
from photovet.core.policy import PhotoRules, face_area_share, group_shot_flag
from photovet.core.review import ReviewRefused
from photovet.core.vision.text.captions import LabelError, check_label
from tests.conftest import act_as, register_workspace

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)

# a close portrait of one pupil; a class photo of 20 similar faces; a class photo where one
# pupil stands close to the camera
PORTRAIT = [(120, 60, 260, 320)]
CLASS = [(20 + 95 * (i % 5), 40 + 110 * (i // 5), 60, 75) for i in range(20)]
CLOSE_UP = [(10, 10, 230, 280)] + [(260 + 55 * (i % 4), 40 + 80 * (i // 4), 40, 50)
                                   for i in range(8)]

REGISTER = """Admission No,Surname,Forename,Preferred Forename,Year,Consent: School Website,Consent: Facebook,Name with photo,Do not photograph
A1,Ashby,Victoria,Tori,Year 4,Yes,Yes,No,
B2,Hale,Sam,,Year 4,Yes,Yes,Yes,
S1,Hughes,Megan,,Staff,Yes,Yes,Yes,
"""


class BoxEngine:
    """Reports the drawn boxes as faces (nobody recognised)."""

    def __init__(self, boxes_by_size):
        self.boxes_by_size = boxes_by_size

    def detect(self, image):
        return [Face(box=b, score=0.99) for b in self.boxes_by_size[image.size]]

    def encode(self, image, faces, model=None):
        return [None for _ in faces]


def draw(path: Path, boxes, size=(500, 480)) -> Path:
    img = Image.new("RGB", size, (70, 110, 60))
    d = ImageDraw.Draw(img)
    for x, y, w, h in boxes:
        d.ellipse([x, y, x + w, y + h], fill=(215, 170, 140))
        d.ellipse([x + w * 0.25, y + h * 0.35, x + w * 0.35, y + h * 0.45], fill=(20, 20, 20))
        d.ellipse([x + w * 0.65, y + h * 0.35, x + w * 0.75, y + h * 0.45], fill=(20, 20, 20))
    img.save(path, "JPEG", quality=92)
    return path


@pytest.fixture
def ws_group_only(tmp_path):
    w = register_workspace(tmp_path, REGISTER)
    w.channels.update("facebook", group_only=True)
    yield w
    w.close()


def engine_for(ws, sizes):
    return Engine(ws.settings, register=ws.register, face_engine=BoxEngine(sizes),
                  cache=ws.cache, reviews=ws.reviews)


def test_the_figures_portrait_class_and_close_up():
    faces = lambda boxes: [Face(box=b, score=1.0) for b in boxes]  # noqa: E731
    assert face_area_share(faces(PORTRAIT), {}) == (1, 1.0)
    n, share = face_area_share(faces(CLASS), {})
    assert n == 20 and share == pytest.approx(0.05)
    n, share = face_area_share(faces(CLOSE_UP), {})
    assert n == 9 and share > 0.6


def test_portrait_and_close_up_are_flagged_a_class_photo_is_not(ws_group_only, tmp_path):
    sizes = {}
    photos = {}
    for name, boxes, size in (("portrait", PORTRAIT, (500, 480)), ("class", CLASS, (501, 480)),
                              ("close", CLOSE_UP, (502, 480))):
        sizes[size] = boxes
        photos[name] = draw(tmp_path / f"{name}.jpg", boxes, size)
    engine = engine_for(ws_group_only, sizes)
    fb, web = ws_group_only.channels.get("facebook"), ws_group_only.channels.get("website")
    decided = {k: engine.decide(engine.analyse(p), fb, on=TODAY) for k, p in photos.items()}
    flags = {k: [f for f in a.flags if f.kind == "group-shot"] for k, a in decided.items()}
    assert not flags["class"]
    assert flags["portrait"] and "1 face only" in flags["portrait"][0].message
    assert flags["close"] and "takes" in flags["close"][0].message
    for k in ("portrait", "close"):
        assert flags[k][0].blocks and flags[k][0].open
        assert decided[k].status is PhotoStatus.NEEDS_REVIEW
    # the rule is per channel: the website takes any shot
    a = engine.decide(engine.analyse(photos["portrait"]), web, on=TODAY)
    assert not any(f.kind == "group-shot" for f in a.flags)


def test_a_staff_portrait_is_not_a_pupil_standing_out():
    staff = Person("S1", "Megan", "Hughes", role="staff")
    from photovet.core.models import Channel, PhotoAnalysis

    a = PhotoAnalysis("x.jpg", faces=[Face(box=PORTRAIT[0], score=1.0, person="S1",
                                           match_status="recognised")], faces_checked=True)
    ch = Channel("facebook", "Facebook", group_only=True)
    assert group_shot_flag(a, {"S1": staff}, ch, PhotoRules()) is None
    a.faces[0].person = None      # not recognised: might be a pupil (fail closed)
    assert group_shot_flag(a, {"S1": staff}, ch, PhotoRules()) is not None


def test_a_flagged_photo_is_held_back_until_a_person_accepts_it_with_a_reason(ws_group_only, tmp_path):
    photo = draw(tmp_path / "portrait.jpg", PORTRAIT)
    engine = engine_for(ws_group_only, {(500, 480): PORTRAIT})
    fb = ws_group_only.channels.get("facebook")
    a = engine.decide(engine.analyse(photo), fb, on=TODAY)
    ws_group_only.approvals.mark_ready(a)
    act_as(ws_group_only, "Mr Head")
    with pytest.raises(ApprovalError, match="group shots only"):
        ws_group_only.approvals.approve(a, engine.approval_parts(a), checks=ws_group_only.approvals.required_checks(),
                             now=lambda: engine.approval_now(a))
    # approval turned off (a one-person office): export refuses it all the same
    out = tmp_path / "out"
    out.mkdir()
    [held] = [s.result for s in export_batch([a], out, label="Awards", engine=engine, channel=fb,
                                             records=ws_group_only.records, approvals=None) if s.result]
    assert not held.ok and "group shots only" in held.error
    with pytest.raises(ReviewRefused, match="Say why"):
        ws_group_only.reviewer().accept_flag(a, "group-shot", fb, reason=" ")
    # the reason is kept in the audit log: never a pupil's name (free_text)
    with pytest.raises(ReviewRefused, match="Write this without the pupil's name .*Tori"):
        ws_group_only.reviewer().accept_flag(a, "group-shot", fb, reason="Tori's award, parents asked")
    ws_group_only.reviewer().accept_flag(a, "group-shot", fb,
                              reason="award winner, parents asked for it")
    engine.decide(a, fb, on=TODAY)
    [flag] = [f for f in a.flags if f.kind == "group-shot"]
    assert flag.accepted == "award winner, parents asked for it" and not flag.open
    assert a.status is not PhotoStatus.NEEDS_REVIEW
    ws_group_only.approvals.approve(a, engine.approval_parts(a), checks=ws_group_only.approvals.required_checks(),
                         now=lambda: engine.approval_now(a))
    [res] = [s.result for s in export_batch([a], out, label="Awards", engine=engine, channel=fb,
                                            records=ws_group_only.records, approvals=ws_group_only.approvals) if s.result]
    assert res.ok, res.error
    # accepting is a review decision: audited, kept across a restart, signed by the approval
    assert any(r["action"] == "review.flag-accept" for r in ws_group_only.audit.rows())
    ws_group_only.reviewer().undo_flag(a, "group-shot", fb)
    b = engine.decide(engine.analyse(photo), fb, on=TODAY)
    assert any(f.kind == "group-shot" and f.open for f in b.flags)


# --------------------------------------------------------------------------------------------
# Labels (they become the export's file names)
# --------------------------------------------------------------------------------------------

PEOPLE = [
    Person("A1", "Victoria", "Ashby", preferred_forename="Tori",
           photo_consent={"website": "yes", "facebook": "yes"}),
    Person("B2", "Sam", "Hale", photo_consent={"website": "yes"}, name_with_photo=True),
    Person("C3", "Rory", "Quinn", do_not_photograph=True),
]


def _channel(names: str):
    from photovet.core.models import Channel

    return Channel("website", "School website", names=names)


@pytest.mark.parametrize("label", ["Tori Ashby award", "tori-ashby-award", "TORI_ASHBY 2026",
                                   "Award for Ashby, Tori"])
def test_a_label_naming_a_pupil_without_name_consent_is_refused_with_a_suggestion(label):
    r = check_label(label, PEOPLE, _channel("full"), TODAY, "consent")
    assert not r.ok and r.findings[0].person == "A1"
    assert "Tori" not in r.suggestion and "Ashby" not in r.suggestion.title()
    assert check_label(r.suggestion, PEOPLE, _channel("full"), TODAY, "consent").ok


def test_a_label_follows_the_channels_names_rule_and_general_labels_pass():
    assert check_label("Sports day 2026", PEOPLE, _channel("initials"), TODAY, "consent").ok
    assert check_label("photos-2026-11-21", PEOPLE, _channel("initials"), TODAY, "consent").ok
    # Sam has name consent: his full name is fine where full names are, not on a first-names
    # channel (suggestion: first name) nor an initials-only one
    assert check_label("Sam Hale award", PEOPLE, _channel("full"), TODAY, "consent").ok
    first = check_label("Sam Hale award", PEOPLE, _channel("first"), TODAY, "consent")
    assert not first.ok and first.suggestion == "Sam award"
    assert not check_label("Sam Hale award", PEOPLE, _channel("initials"), TODAY, "consent").ok
    # a do-not-photograph pupil is left out of the suggestion altogether
    dnp = check_label("Rory Quinn cup", PEOPLE, _channel("full"), TODAY, "consent")
    assert not dnp.ok and dnp.suggestion == "cup"


def test_export_refuses_a_label_naming_a_pupil_before_writing_anything(ws_group_only, tmp_path):
    photo = draw(tmp_path / "class.jpg", CLASS)
    engine = engine_for(ws_group_only, {(500, 480): CLASS})
    web = ws_group_only.channels.get("website")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(LabelError) as err:
        list(export_batch([a], out, label="Tori Ashby award", engine=engine, channel=web,
                          records=ws_group_only.records, approvals=None))
    assert "Tori Ashby" in err.value.message and err.value.suggestion == "TA award"
    assert list(out.iterdir()) == [] and ws_group_only.records.exports() == []


def test_cli_export_refuses_the_label_and_suggests_one(ws_group_only, tmp_path, monkeypatch):
    from photovet.cli import cli
    from tests.cli.conftest import Staff, create_staff

    create_staff(ws_group_only)
    monkeypatch.setenv("PHOTOVET_HOME", str(ws_group_only.home))
    Staff(monkeypatch).use("Mrs Office")
    photo = draw(tmp_path / "class.jpg", CLASS)
    out = tmp_path / "out"
    out.mkdir()
    res = CliRunner().invoke(cli, ["export", str(photo), "--out", str(out), "--channel", "website",
                                   "--label", "Tori Ashby award"])
    assert res.exit_code == 2
    assert "names \u201cTori Ashby\u201d" in res.stderr and 'Suggested label: --label "TA award"' in res.stderr
    assert list(out.iterdir()) == []


def test_drawn_faces_are_what_the_stand_in_reports(tmp_path):
    """The fixture is what it claims: the drawn ovals are where the boxes say."""
    p = draw(tmp_path / "p.jpg", PORTRAIT)
    arr = np.asarray(Image.open(p).convert("RGB"), dtype=int)
    x, y, w, h = PORTRAIT[0]
    assert abs(arr[y + h // 2, x + w // 2] - [215, 170, 140]).max() < 20


# Sam may be named with photos on the website, not with videos (his family said No to video)
SAM_NO_VIDEO = [Person("B2", "Sam", "Hale", photo_consent={"website": "yes"},
                       video_consent={"website": "no"}, name_with_photo=True)]


def test_a_label_for_a_batch_with_a_video_needs_the_video_consent():
    """The video's file name is made from the batch's label: it names the pupil with a video
    (an audit found the label checked for photos only, where the caption was checked for both)."""
    from photovet.core.vision.text.captions import label_refusal

    web = _channel("full")
    assert label_refusal("Sam Hale award", SAM_NO_VIDEO, web, TODAY, "consent") is None
    err = label_refusal("Sam Hale award", SAM_NO_VIDEO, web, TODAY, "consent",
                        media=("photo", "video"))
    assert err is not None and "Sam Hale" in err.message and err.suggestion == "SH award"


def test_export_checks_the_label_for_the_videos_of_the_batch(ws_group_only, tmp_path, monkeypatch):
    from photovet.core.models import VideoAnalysis

    engine = engine_for(ws_group_only, {})
    monkeypatch.setattr(engine, "people", SAM_NO_VIDEO)
    web = ws_group_only.channels.get("website")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(LabelError) as err:
        list(export_batch([VideoAnalysis(path=str(tmp_path / "clip.mp4"))], out,
                          label="Sam Hale award", engine=engine, channel=web,
                          records=ws_group_only.records, approvals=None))
    assert "Sam Hale" in err.value.message
    assert list(out.iterdir()) == [] and ws_group_only.records.exports() == []
