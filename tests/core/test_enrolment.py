"""Enrolment: one face per photo, several photos per person, replace on re-enrol, encodings only,
leavers refused and purged, people missing from the MIS file purged after the grace period."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from photovet.core.errors import EnrolmentError, UnknownPersonError
from photovet.core.pipeline import Engine
from photovet.core.register.people import Register
from tests.conftest import office_access, shared_data

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

UPN1, UPN2, UPN3 = "A919241717737", "G919241714767", "N919241709236"
CSV = ("UPN,Surname,Forename,Year,Website,Leaving Date\n"
       f"{UPN1},Ashby,Victoria,Year 6,Yes,\n"
       f"{UPN2},Abrahams,Joel,Year 5,Yes,\n"
       f"{UPN3},Whitcombe,Graham,Staff,Yes,\n"
       "X919241717845,Quinlan,Patrick,Year 6,Yes,18/07/2025\n")


class FakeEngine:
    """Stands in for FaceEngine: the red value of the top-left pixel / 50 is the face count,
    the green value seeds the encoding."""

    def __init__(self):
        self.calls = 0

    def portrait_faces(self, image):
        return [(b, e, 0.95) for b, e in self.portrait_encodings(image)]

    def portrait_encodings(self, image):
        assert isinstance(image, Image.Image) and image.mode == "RGB"
        self.calls += 1
        r, g, _b = image.getpixel((0, 0))
        n = r // 50
        rng = np.random.default_rng(g)
        return [((10 * i, 10, 40, 40), rng.normal(size=128) * 0.1) for i in range(n)]


def photo(path: Path, faces: int = 1, seed: int = 7) -> Path:
    Image.new("RGB", (64, 64), (faces * 50 + 10, seed, 0)).save(path, "JPEG", quality=95)
    return path


@pytest.fixture
def reg(tmp_path):
    (tmp_path / "reg.csv").write_text(CSV, encoding="utf-8")
    r = Register.open(access=office_access())
    assert r.import_csv(tmp_path / "reg.csv", today=dt.date(2026, 11, 21)).applied
    yield r
    r.close()


def test_enrol_folder(tmp_path, reg):
    d = tmp_path / "photos"
    d.mkdir()
    photo(d / f"{UPN1}.jpg", seed=1)
    photo(d / f"{UPN1}_2.jpg", seed=2)
    photo(d / f"{UPN2.lower()}.JPG", faces=2)
    photo(d / f"{UPN3} (1).jpeg", faces=0)
    photo(d / "Z000000000000.jpg")
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (d / "readme.txt").write_text("hello")
    (d / ".DS_Store").write_bytes(b"\0")
    eng = FakeEngine()
    # through the engine, as the app enrols: it says how far it is (s36 walk: the bar said
    # "about a second per photo" for over a minute, with no count)
    seen: list[tuple[int, int]] = []
    read: list[int] = []                    # portraits read when each step was said
    faces = eng.portrait_faces
    eng.portrait_faces = lambda image: (read.append(1), faces(image))[1]  # type: ignore[method-assign]
    engine = SimpleNamespace(process=None, face_engine=eng, register=reg)
    rep = Engine.enrol(engine, "folder", d,  # type: ignore[arg-type]
                       progress=lambda *a: (seen.append(a), read.append(0)))
    assert rep.enrolled == {UPN1: 2}
    assert rep.photos == 6 and rep.ignored == ["readme.txt"]
    # one step a portrait, ending at every photo the report counts
    assert {t for _n, t in seen} == {rep.photos} and seen[-1] == (rep.photos, rep.photos)
    assert [n for n, _t in seen] == sorted({n for n, _t in seen})
    # s37: the first said before any portrait is read (the files no one has counted as read)
    assert read[0] == 0 and seen[0] == (2, 6), (read, seen)
    msgs = sorted(str(e) for e in rep.errors)
    assert f"{UPN2.lower()}.JPG: {UPN2}: 2 faces in the enrolment photo; use a single portrait" in msgs
    # the app says the name first, the UPN after it (s37 walk: the UPN alone)
    said = {Path(e.path).name: e.said() for e in rep.errors}
    assert said[f"{UPN2.lower()}.JPG"] == (f"Joel Abrahams ({UPN2}): 2 faces in the enrolment "
                                           "photo; use a single portrait")
    assert said[f"{UPN3} (1).jpeg"].startswith(f"Graham Whitcombe ({UPN3}): no face found")
    assert said["Z000000000000.jpg"].startswith("no one in the register has the UPN")
    assert any(m.startswith(f"{UPN3} (1).jpeg: {UPN3}: no face found") for m in msgs)
    assert any(m.startswith("Z000000000000.jpg: no one in the register has the UPN or staff "
                            "code \u201cZ000000000000\u201d") for m in msgs)
    assert any(m.startswith("broken.jpg: no one in the register has the UPN or staff code "
                            "\u201cbroken\u201d, and no pupil or member of staff now at the "
                            "school is called that") for m in msgs)
    assert reg.enrolment_count(UPN1) == 2 and reg.enrolment_count(UPN2) == 0
    assert reg.person(UPN1).enrolled and not reg.person(UPN2).enrolled
    encs = reg.encodings()
    assert [pid for pid, _ in encs] == [UPN1, UPN1]
    assert all(e.shape == (128,) and e.dtype == np.float64 for _, e in encs)
    rows = reg.audit.rows(action="register.enrol")
    assert rows[-1]["details"]["people"] == {UPN1: 2} and rows[-1]["details"]["errors"] == 4


def test_a_portrait_the_second_detector_doubts_is_not_enrolled(tmp_path, reg):
    """A dog's head and a photo of flowers were enrolled as pupils (an audit; the dog was then
    "recognised" as the pupil): a face YuNet is not sure of keeps no signature, says why, and
    the pupil's other, clear portrait is still enrolled."""
    from photovet.core.register.enrolment import ENROL_MIN_SURENESS

    class Doubtful(FakeEngine):
        def portrait_faces(self, image):
            sure = 0.54 if image.getpixel((0, 0))[1] == 3 else 0.93
            return [(b, e, sure) for b, e in self.portrait_encodings(image)]

    d = tmp_path / "photos"
    d.mkdir()
    photo(d / f"{UPN1}.jpg", seed=3)             # the doubtful one
    photo(d / f"{UPN1}_2.jpg", seed=4)
    photo(d / f"{UPN2}.jpg", seed=3)
    rep = reg.enrol_folder(d, Doubtful())
    assert rep.enrolled == {UPN1: 1}
    assert reg.enrolment_count(UPN1) == 1 and not reg.person(UPN2).enrolled
    msgs = sorted(str(e) for e in rep.errors)
    assert len(msgs) == 2
    assert all("not sure the enrolment photo shows a face clearly enough (54% sure, "
               f"{round(100 * ENROL_MIN_SURENESS)}% needed)" in m for m in msgs), msgs
    assert any(m.startswith(f"{UPN2}.jpg: {UPN2}:") for m in msgs)


def test_a_folder_with_no_portraits_says_so(tmp_path, reg):
    """Not 'Enrolled 0 people from 0 of 0 photos' (a bad-input audit): the wrong folder."""
    d = tmp_path / "photos"
    d.mkdir()
    with pytest.raises(EnrolmentError, match="no portraits were found in this folder$"):
        reg.enrol_folder(d, FakeEngine())
    (d / "readme.txt").write_text("hello")
    with pytest.raises(EnrolmentError, match=r"\(1 other file, none of them a photo\)") as e:
        reg.enrol_folder(d, FakeEngine())
    assert "named by UPN" in e.value.hint


def test_a_portrait_that_is_a_link_to_nowhere_is_said_not_left_out(tmp_path, reg):
    """Before (s65): a portrait's name on a shortcut to a file moved away (or a shortcut in a
    loop) was passed over without a word: that pupil was simply not enrolled."""
    d = tmp_path / "photos"
    d.mkdir()
    photo(d / f"{UPN1}.jpg", seed=1)
    (d / f"{UPN2}.jpg").symlink_to(tmp_path / "moved" / f"{UPN2}.jpg")
    (d / "loop.jpg").symlink_to(d / "loop.jpg")
    rep = reg.enrol_folder(d, FakeEngine())
    assert rep.enrolled == {UPN1: 1} and rep.photos == 3
    assert sorted(str(e) for e in rep.errors) == [
        f"{UPN2}.jpg: a shortcut (link) to a file that is not there "
        f"({tmp_path / 'moved' / f'{UPN2}.jpg'}): this portrait was not read; put the photo "
        "itself in the folder",
        "loop.jpg: a shortcut (link) that goes round in a loop back to itself, so there is no "
        "file to read; give the file itself"]


def test_re_enrolling_replaces_earlier_encodings(tmp_path, reg):
    eng = FakeEngine()
    a, b = photo(tmp_path / "a.jpg", seed=1), photo(tmp_path / "b.jpg", seed=2)
    assert reg.enrol_photo(UPN1, a, eng) == 1
    assert reg.enrol_photo(UPN1, b, eng, replace=False) == 2
    first = [e for _, e in reg.encodings()]
    assert reg.enrol_photo(UPN1, b, eng) == 1
    (_, only), = reg.encodings()
    assert np.allclose(only, first[1])


def test_enrol_photo_errors(tmp_path, reg):
    eng = FakeEngine()
    with pytest.raises(EnrolmentError, match=f"{UPN1}: 3 faces in the enrolment photo; use a single portrait"):
        reg.enrol_photo(UPN1, photo(tmp_path / "group.jpg", faces=3), eng)
    with pytest.raises(UnknownPersonError):
        reg.enrol_photo("Z000000000000", photo(tmp_path / "z.jpg"), eng)
    with pytest.raises(EnrolmentError, match="left school on 18/07/2025; face data is not kept"):
        reg.enrol_photo("X919241717845", photo(tmp_path / "x.jpg"), eng)
    with pytest.raises(EnrolmentError) as ei:
        reg.enrol_photo(UPN1, tmp_path / "missing.jpg", eng)
    assert str(ei.value).startswith("missing.jpg: ")
    assert reg.encodings() == []


def test_enrol_csv_relative_paths_and_problems(tmp_path, reg):
    d = tmp_path / "export"
    (d / "pics").mkdir(parents=True)
    photo(d / "pics" / "one.jpg", seed=3)
    photo(d / "pics" / "two.jpg", seed=4)
    (d / "enrol.csv").write_text(
        f"UPN,Photo\n{UPN1},pics/one.jpg\n{UPN1},pics/two.jpg\n{UPN2},pics/nope.jpg\n,pics/one.jpg\n",
        encoding="utf-8")
    rep = reg.enrol_csv(d / "enrol.csv", FakeEngine())
    assert rep.enrolled == {UPN1: 2}
    assert len(rep.errors) == 2
    assert any("nope.jpg" in str(e) for e in rep.errors)
    assert any("line 5" in str(e) for e in rep.errors)
    (d / "bad.csv").write_text("Name,Picture\nx,y\n", encoding="utf-8")
    with pytest.raises(EnrolmentError, match="needs an id column"):
        reg.enrol_csv(d / "bad.csv", FakeEngine())


@pytest.mark.sqlite_only
def test_only_encodings_are_stored_never_photos(tmp_path, reg, photovet_home):
    p = photo(tmp_path / "a.jpg", seed=9)
    reg.enrol_photo(UPN1, p, FakeEngine())
    reg.close()
    blob = (photovet_home / "register.db").read_bytes()
    for side in ("register.db-wal",):
        if (photovet_home / side).exists():
            blob += (photovet_home / side).read_bytes()
    assert p.read_bytes()[:200] not in blob and b"JFIF" not in blob
    with Register.open(access=office_access()) as r:
        sizes = [row[0] for row in r.db.execute("SELECT LENGTH(encoding) FROM encodings")]
        assert sizes == [4 + 12 + 128 * 8 + 16]   # encrypted: magic, nonce, vector, tag
        cols = [row[1] for row in r.db.execute("PRAGMA table_info(encodings)")]
        assert "photo" not in cols and "image" not in cols


def test_purge_leavers(tmp_path, reg):
    eng = FakeEngine()
    reg.enrol_photo(UPN1, photo(tmp_path / "a.jpg"), eng)
    reg.enrol_photo(UPN2, photo(tmp_path / "b.jpg"), eng)
    text = CSV.replace(f"{UPN1},Ashby,Victoria,Year 6,Yes,", f"{UPN1},Ashby,Victoria,Year 6,Yes,20/07/2026")
    (tmp_path / "r2.csv").write_text(text, encoding="utf-8")
    # before the leaving date: kept
    rep = reg.import_csv(tmp_path / "r2.csv", today=dt.date(2026, 7, 1))
    assert rep.purged == [] and reg.enrolment_count(UPN1) == 1
    # N days after: purge_leavers with days honours them
    assert reg.purge_leavers(today=dt.date(2026, 7, 25), days=30) == []
    assert reg.purge_leavers(today=dt.date(2026, 8, 19), days=30) == [UPN1]
    assert reg.enrolment_count(UPN1) == 0 and reg.enrolment_count(UPN2) == 1
    purge = reg.audit.rows(action="register.purge-encodings")
    assert purge[-1]["details"]["people"] == [UPN1]
    assert purge[-1]["details"]["why"] == "left school"
    assert purge[-1]["details"]["days_after_leaving"] == 30
    # default: at the next import on or after the leaving date
    reg.enrol_photo(UPN2, photo(tmp_path / "b.jpg"), eng)
    text = CSV.replace(f"{UPN2},Abrahams,Joel,Year 5,Yes,", f"{UPN2},Abrahams,Joel,Year 5,Yes,20/07/2026")
    (tmp_path / "r3.csv").write_text(text, encoding="utf-8")
    rep = reg.import_csv(tmp_path / "r3.csv", today=dt.date(2026, 7, 20))
    assert rep.purged == [UPN2] and reg.enrolment_count(UPN2) == 0
    assert reg.settings.retention.purge_encodings_days_after_leaving == 0
    assert reg.audit.verify().ok


# --- people no longer in the MIS file ----------------------------------------------------------

def _missing_since(reg, pid):
    value = reg.db.scalar("SELECT missing_since FROM people WHERE id = ?", [pid])
    return dt.date.fromisoformat(value) if value else None


def test_signatures_of_people_missing_from_the_mis_file_are_purged_after_the_grace_period(
        tmp_path, reg):
    eng = FakeEngine()
    reg.enrol_photo(UPN1, photo(tmp_path / "a.jpg", seed=1), eng)
    reg.enrol_photo(UPN2, photo(tmp_path / "b.jpg", seed=2), eng)
    days = reg.settings.retention.purge_encodings_days_after_missing
    assert days == 30
    without_joel = CSV.replace(f"{UPN2},Abrahams,Joel,Year 5,Yes,\n", "")
    (tmp_path / "r2.csv").write_text(without_joel, encoding="utf-8")
    rep = reg.import_csv(tmp_path / "r2.csv")
    assert [n.person_id for n in rep.missing] == [UPN2] and rep.purged == []
    assert not reg.person(UPN2).valid and reg.enrolment_count(UPN2) == 1
    since = _missing_since(reg, UPN2)
    assert since is not None and _missing_since(reg, UPN1) is None
    # missing for less than the grace period: the signatures are kept
    assert reg.purge_missing(today=since + dt.timedelta(days=days - 1)) == []
    assert reg.enrolment_count(UPN2) == 1
    # the date first missing is kept by later imports that still leave them out...
    rep = reg.import_csv(tmp_path / "r2.csv", today=since + dt.timedelta(days=days - 1))
    assert rep.purged == [] and _missing_since(reg, UPN2) == since
    # ...and an import after the grace period deletes their signatures (only theirs)
    rep = reg.import_csv(tmp_path / "r2.csv", today=since + dt.timedelta(days=days + 1))
    assert rep.purged == [UPN2]
    assert reg.enrolment_count(UPN2) == 0 and reg.enrolment_count(UPN1) == 1
    assert not reg.person(UPN2).enrolled and reg.person(UPN1).enrolled
    purge = reg.audit.rows(action="register.purge-encodings")[-1]
    assert purge["details"]["people"] == [UPN2] and purge["details"]["signatures"] == 1
    assert purge["details"]["why"] == "no longer in the MIS file"
    assert purge["details"]["days_after_missing"] == days
    assert purge["details"]["import_id"] == rep.import_id
    # the person is still in the register (covered), only the face data is gone
    assert reg.person(UPN2).display_name == "Joel Abrahams"
    assert reg.audit.verify().ok


def test_purge_missing_with_days_and_people_listed_again(tmp_path, reg):
    eng = FakeEngine()
    reg.enrol_photo(UPN1, photo(tmp_path / "a.jpg", seed=1), eng)
    reg.enrol_photo(UPN2, photo(tmp_path / "b.jpg", seed=2), eng)
    without_joel = CSV.replace(f"{UPN2},Abrahams,Joel,Year 5,Yes,\n", "")
    (tmp_path / "r2.csv").write_text(without_joel, encoding="utf-8")
    reg.import_csv(tmp_path / "r2.csv")
    since = _missing_since(reg, UPN2)
    assert reg.purge_missing(today=since + dt.timedelta(days=6), days=7) == []
    # listed again before the purge: no longer missing, the signatures stay
    (tmp_path / "r1.csv").write_text(CSV, encoding="utf-8")
    rep = reg.import_csv(tmp_path / "r1.csv", seen_before_ok=True)
    assert [n.person_id for n in rep.revalidated] == [UPN2] and reg.person(UPN2).valid
    assert _missing_since(reg, UPN2) is None
    assert reg.purge_missing(today=since + dt.timedelta(days=365), days=7) == []
    assert reg.enrolment_count(UPN2) == 1
    # a rejected row is not "missing" (the school is fixing it): kept too
    bad = CSV.replace(f"{UPN2},Abrahams,Joel,Year 5,Yes,", f"{UPN2},Abrahams,Joel,Year 5,Perhaps,")
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    rep = reg.import_csv(tmp_path / "bad.csv", skip_invalid=True)
    assert [n.person_id for n in rep.invalidated] == [UPN2] and not rep.missing
    assert reg.purge_missing(today=since + dt.timedelta(days=365), days=7) == []
    assert reg.enrolment_count(UPN2) == 1


def test_missing_since_is_the_day_of_the_import(tmp_path, reg):
    reg.enrol_photo(UPN2, photo(tmp_path / "b.jpg", seed=2), FakeEngine())
    without_joel = CSV.replace(f"{UPN2},Abrahams,Joel,Year 5,Yes,\n", "")
    (tmp_path / "r2.csv").write_text(without_joel, encoding="utf-8")
    day = dt.date(2024, 3, 1)
    reg.import_csv(tmp_path / "r2.csv", today=day)
    assert _missing_since(reg, UPN2) == day
    rep = reg.import_csv(tmp_path / "r2.csv", today=day + dt.timedelta(days=31))
    assert rep.purged == [UPN2] and reg.enrolment_count(UPN2) == 0


# --- with the real face engine over the scenario ---------------------------------------------

@pytest.fixture(scope="module")
def face_engine():
    try:
        from photovet.core.vision.faces import FaceEngine
    except ImportError as exc:
        pytest.skip(f"photovet.core.vision.faces is not importable yet ({exc})")
    from photovet.core.settings import Settings
    from tests.core.seen_faces import SeenFaces

    # the PostgreSQL run enrols the portraits the SQLite run read (the same signatures)
    return SeenFaces(FaceEngine.load(Settings()))


@pytest.mark.shared
@pytest.mark.slow
def test_scenario_enrolment_with_real_engine(face_engine):
    d = shared_data("scenario")
    exp = json.loads((d / "expected.json").read_text(encoding="utf-8"))
    with Register.open(access=office_access()) as reg:
        reg.import_csv(d / "register.csv", skip_invalid=True,
                       today=dt.date.fromisoformat(exp["reference_date"]))
        rep = reg.enrol_csv(d / "enrol.csv", face_engine)
        enrolled = {e["upn"] for e in exp["people"] if e.get("enrolled")}
        leavers = {e["upn"] for e in exp["people"] if e["status"] == "left"}
        assert rep.photos == exp["summary"]["enrolment_photos"]
        # every enrolled person except the leaver (face data is not kept for leavers)
        assert set(rep.enrolled) == enrolled - leavers, [str(e) for e in rep.errors]
        assert [e.person_id for e in rep.errors] == sorted(leavers)
        assert reg.enrolment_count("A919241717737") == 2
        assert all(v.shape == (128,) for _, v in reg.encodings())


def test_a_photographers_folder_named_by_pupil_is_enrolled_by_name(tmp_path, reg):
    """Audit s28, finding 4: the school photographer names files by the pupil, not the UPN.
    A file whose name is one current person's name (either order, any case, accents and
    separators aside, a preferred forename too) enrols them and says so; a name two current
    people share, or a leaver's, enrols no one."""
    extra = tmp_path / "more.csv"
    extra.write_text(CSV.rstrip("\n") + "\n"
                     "B100000000002,Ashby,Victoria,Year 2,Yes,\n"      # a second Victoria Ashby
                     "C100000000003,Laurent,Anaïs,Year 4,Yes,\n", encoding="utf-8")
    assert reg.import_csv(extra).applied
    d = tmp_path / "photographer"
    d.mkdir()
    photo(d / "Joel Abrahams.jpg", seed=1)
    photo(d / "WHITCOMBE_Graham (2).jpg", seed=2)
    photo(d / "laurent-anais.jpg", seed=3)
    photo(d / "Victoria Ashby.jpg", seed=4)                    # two of them: refused
    photo(d / "Patrick Quinlan.jpg", seed=5)                   # left: never enrolled
    rep = reg.enrol_folder(d, FakeEngine())
    assert rep.enrolled == {UPN2: 1, UPN3: 1, "C100000000003": 1}
    assert sorted(rep.by_name) == [
        ("Joel Abrahams.jpg", UPN2, "Joel Abrahams"),
        ("WHITCOMBE_Graham (2).jpg", UPN3, "Graham Whitcombe"),
        ("laurent-anais.jpg", "C100000000003", "Anaïs Laurent")]
    assert "Joel Abrahams.jpg: taken as Joel Abrahams (G919241714767), from the name in the " \
        "file name" in rep.by_name_lines()
    msgs = [str(e) for e in rep.errors]
    assert "Victoria Ashby.jpg: 2 people in the register are called Victoria Ashby: name " \
        "this photo by their UPN or staff code" in msgs
    # a leaver's name: said as such, with their leaving date as the register has it and what
    # to do (the walkthrough, round 30: it read "no one ... is called that")
    assert ("Patrick Quinlan.jpg: Patrick Quinlan has left the school, as the register has it "
            "(Patrick Quinlan (X919241717845) left on 18/07/2025): face photos are not kept for "
            "leavers. If they have come back, import the register once the MIS lists them "
            "again without a leaving date, then enrol this photo") in msgs, msgs
    # neither an id nor the name of anyone in the register (never "NOBODY HERE: no one with
    # this id", the file's name in capitals)
    photo(d / "Nobody Here.jpg", seed=6)
    msgs = [str(e) for e in reg.enrol_folder(d, FakeEngine()).errors]
    assert any(m.startswith("Nobody Here.jpg: no one in the register has the UPN or staff "
                            "code \u201cNobody Here\u201d, and no pupil or member of staff "
                            "now at the school is called that: name the photo by") for m in msgs)
    assert not any(m.startswith("Patrick Quinlan.jpg: no one") for m in msgs)
    assert not reg.person(UPN1).enrolled and not reg.person("B100000000002").enrolled
    assert rep.to_dict()["by_name"][0] == {"file": "Joel Abrahams.jpg", "person_id": UPN2}
    # what the words say to do works: listed again without a leaving date, he is enrolled
    back = tmp_path / "back.csv"
    back.write_text(extra.read_text(encoding="utf-8").replace("18/07/2025", ""),
                    encoding="utf-8")
    assert reg.import_csv(back).applied and reg.person("X919241717845").leaving_date is None
    (d2 := tmp_path / "again").mkdir()
    photo(d2 / "Patrick Quinlan.jpg", seed=5)
    assert reg.enrol_folder(d2, FakeEngine()).enrolled == {"X919241717845": 1}
