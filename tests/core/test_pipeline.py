"""The pipeline end to end with a stand-in face detector (so the test knows exactly which face is
where and whose it is) and the real matcher, policy, cache, export, approvals and records."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from photovet.core.approval import Approvals
from photovet.core.cache import AnalysisCache
from photovet.core.storage import open_db
from photovet.core.media.metadata import verify_clean
from photovet.core.models import Face, Person, PhotoStatus
from photovet.core.pipeline import Engine, analyse_batch, export_batch
from photovet.core.settings import Settings

TODAY = dt.date(2026, 11, 21)
ENC_TORI = np.full(128, 0.05)
ENC_TORI[0] = 0.6
ENC_SAM = np.full(128, 0.05)
ENC_SAM[1] = 0.6
ENC_STRANGER = np.full(128, 0.05)
ENC_STRANGER[2] = 0.9

# Two faces per photo: left one is Tori, right one a stranger.
LEFT, RIGHT = (40, 60, 80, 100), (240, 60, 80, 100)


class FakeFaceEngine:
    """Detects the two known boxes; encodes them as Tori and a stranger."""

    def __init__(self):
        self.detect_calls = 0

    def detect(self, image):
        self.detect_calls += 1
        return [Face(box=LEFT, score=0.99), Face(box=RIGHT, score=0.97)]

    def encode(self, image, faces):
        return [ENC_TORI + 0.01, ENC_STRANGER][: len(faces)]


class FakeRegister:
    def __init__(self, db):
        self.db = db
        self.audit = None
        self._people = [
            Person("A1", "Victoria", "Ashby", preferred_forename="Tori", enrolled=True,
                   consents={"website": True, "facebook": False}),
            Person("B2", "Sam", "Hale", enrolled=True, consents={"website": True, "facebook": True}),
        ]

    def people(self):
        return list(self._people)

    def encodings(self):
        return [("A1", ENC_TORI), ("B2", ENC_SAM)]


def make_photo(path: Path, colour=(200, 120, 90)) -> Path:
    img = Image.new("RGB", (360, 240), (30, 90, 160))
    d = ImageDraw.Draw(img)
    for x, y, w, h in (LEFT, RIGHT):
        d.ellipse([x, y, x + w, y + h], fill=colour)
        d.rectangle([x + 20, y + 30, x + 30, y + 40], fill=(0, 0, 0))  # an "eye": detail to hide
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    img.save(path, "JPEG", quality=95, exif=exif)
    return path


@pytest.fixture
def engine(tmp_path):
    db = open_db(tmp_path / "register.db")
    settings = Settings({"text": {"enabled": False}})
    eng = Engine(settings, register=FakeRegister(db), face_engine=FakeFaceEngine(),
                 cache=AnalysisCache(tmp_path / "cache"))
    return eng


def test_decisions_follow_consent_per_channel(engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    a = engine.analyse(photo)
    assert a.error is None and a.faces_checked and (a.width, a.height) == (360, 240)
    tori, stranger = a.faces
    assert tori.person == "A1" and tori.match_status == "recognised"
    assert stranger.person is None

    engine.decide(a, "website", on=TODAY)
    assert (tori.decision, stranger.decision) == ("show", "cover")
    assert "website" in tori.reason.lower()
    assert stranger.reason == "Not recognised"
    # An unknown face is masked AND put in front of a person; confirming the mask clears it.
    assert stranger.needs_review and a.status is PhotoStatus.NEEDS_REVIEW
    stranger.override = "cover"
    assert a.status is PhotoStatus.WILL_COVER

    engine.decide(a, "facebook", on=TODAY)
    assert tori.decision == "cover" and "Facebook" in tori.reason


def test_assigning_a_person_by_hand_is_still_decided_by_their_consent(engine, tmp_path):
    a = engine.analyse(make_photo(tmp_path / "trip.jpg"))
    stranger = a.faces[1]
    stranger.override_person = "B2"
    engine.decide(a, "facebook", on=TODAY)
    assert stranger.decision == "show"
    stranger.override_person = "A1"   # Tori has no Facebook consent
    engine.decide(a, "facebook", on=TODAY)
    assert stranger.decision == "cover"


def test_analysis_is_cached_by_content_and_invalidated_by_settings(engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    engine.analyse(photo)
    engine.analyse(tmp_path / "trip.jpg")
    assert engine.face_engine.detect_calls == 1
    engine.settings.set("recognition.max_distance", 0.3)
    engine.analyse(photo)
    assert engine.face_engine.detect_calls == 2


def test_bad_file_is_an_error_not_an_exception(engine, tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_text("this is not a photo")
    a = engine.analyse(bad)
    assert a.error and a.status is PhotoStatus.FAILED


def test_export_masks_covered_faces_and_removes_metadata(engine, tmp_path):
    (tmp_path / "src").mkdir()
    photo = make_photo(tmp_path / "src" / "trip.jpg")
    out = tmp_path / "out"
    out.mkdir()
    steps = list(analyse_batch([photo], engine, "website", on=TODAY))
    analyses = [s.result for s in steps if s.result is not None]
    results = [s.result for s in export_batch(analyses, out, label="Trip 2026", engine=engine,
                                              channel="website") if s.result is not None]
    assert len(results) == 1 and results[0].ok, results[0].error
    res = results[0]
    assert Path(res.output).name == "trip-2026-001.jpg"
    assert res.people_shown == ["A1"] and res.faces_covered == 1
    assert verify_clean(Path(res.output)) == []

    src = np.asarray(Image.open(photo).convert("RGB"), dtype=float)
    dst = np.asarray(Image.open(res.output).convert("RGB"), dtype=float)

    def region(a, box):
        x, y, w, h = box
        return a[y + 25:y + 45, x + 15:x + 35]

    # The shown face is unchanged (JPEG noise only); the stranger's "eye" is gone under the mask.
    assert np.abs(region(src, LEFT) - region(dst, LEFT)).mean() < 12
    assert np.abs(region(src, RIGHT) - region(dst, RIGHT)).mean() > 30
    assert region(dst, RIGHT).std(axis=(0, 1)).max() < 12  # flat: no detail left

    # The export is recorded with who is in it.
    from photovet.core.records.exports import Records

    recs = Records(engine.register.db).exports(person="A1")
    assert len(recs) == 1


def test_export_refuses_photos_not_approved_or_not_checked(engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    out = tmp_path / "out"
    out.mkdir()
    a = engine.analyse(photo)
    engine.decide(a, "website", on=TODAY)

    def run(analyses, **kw):
        return [s.result for s in export_batch(analyses, out, label="t", engine=engine,
                                               channel="website", **kw) if s.result is not None]

    res = run([a], require_approved=True)
    assert not res[0].ok and "not approved" in res[0].error
    approvals = Approvals(engine.register.db)
    approvals.mark_ready(a.sha256, str(photo), preparer="Mrs Office")
    approvals.approve(a.sha256, approver="Mr Head")
    assert run([a], require_approved=True)[0].ok

    unchecked = engine.analyse(photo)
    unchecked.faces_checked = False
    res = run([unchecked])
    assert not res[0].ok and "not checked" in res[0].error


def test_a_file_changed_after_checking_is_not_exported(engine, tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    a = engine.analyse(photo)
    make_photo(photo, colour=(10, 200, 10))  # replaced with different content
    out = tmp_path / "out"
    out.mkdir()
    res = [s.result for s in export_batch([a], out, label="t", engine=engine, channel="website")
           if s.result is not None]
    assert not res[0].ok and "changed" in res[0].error
    assert list(out.iterdir()) == []


def test_stop_flag_ends_the_batch_between_photos(engine, tmp_path):
    photos = [make_photo(tmp_path / f"p{i}.jpg", colour=(100 + i, 50, 50)) for i in range(5)]
    stop = threading.Event()
    seen = []
    for step in analyse_batch(photos, engine, "website", stop=stop):
        if step.result is not None:
            seen.append(step.result)
            if len(seen) == 2:
                stop.set()
    assert len(seen) == 2


def test_an_unexpected_failure_fails_that_photo_and_the_batch_goes_on(engine, tmp_path):
    photos = [make_photo(tmp_path / f"p{i}.jpg", colour=(60 + 60 * i, 50, 50)) for i in range(3)]
    real_detect = engine.face_engine.detect
    calls = []

    def flaky(image):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("model output had the wrong shape")
        return real_detect(image)

    engine.face_engine.detect = flaky
    results = [s.result for s in analyse_batch(photos, engine, "website") if s.result is not None]
    assert [bool(r.error) for r in results] == [False, True, False]
    assert "wrong shape" in results[1].error and results[1].status is PhotoStatus.FAILED
