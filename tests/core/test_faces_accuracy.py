"""Faces on real photos (../shared/data; every test skips when it is absent).

- detection recall on the 8 annotated photos (199 boxes, IoU >= 0.3) and counts on photos whose
  face count the sources give;
- recognition distances on identities/ (no false accept at the default threshold);
- the school scenario: nobody shown who should be covered, consenting people recognised.

The figures and the reasoning behind the default settings are in bench/faces.py's output.
"""

from __future__ import annotations

import csv
import datetime as _dt
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photovet.core.models import Channel, Face, MatchStatus, Person
from photovet.core.register.enrolment import portrait_face
from photovet.core.settings import Settings
from photovet.core.vision.faces import FaceEngine, FaceMatcher, box_iou
from tests.conftest import shared_data
from tests.core.seen_faces import SeenFaces


def _open(path: Path) -> Image.Image:
    img = Image.open(path)
    img.load()
    return img.convert("RGB")


def match_boxes(gt: list, dets: list, thr: float = 0.3) -> list[int | None]:
    """Greedy one-to-one matching, each ground-truth box to its best free detection."""
    used: set[int] = set()
    out: list[int | None] = []
    for g in gt:
        best, bj = thr, None
        for j, d in enumerate(dets):
            if j in used:
                continue
            v = box_iou(g, d)
            if v >= best:
                best, bj = v, j
        if bj is not None:
            used.add(bj)
        out.append(bj)
    return out


@pytest.fixture(scope="module")
def face_engine() -> FaceEngine:
    return FaceEngine.load(Settings())


# ------------------------------------------------------------------------------------------
# detection
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def detection_results(face_engine):
    folder = shared_data("faces")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    results = []
    for f in manifest["files"]:
        faces = face_engine.detect(_open(folder / f["file"]))
        results.append((f, [fc.box for fc in faces]))
    return results


def test_detection_recall_on_annotated_photos(detection_results):
    found = {"10": [0, 0], "32": [0, 0]}
    missed_32 = []
    for f, dets in detection_results:
        gt_all = f["ground_truth"].get("face_boxes")
        if not gt_all:
            continue
        invalid = set(f["ground_truth"].get("invalid_face_indices") or [])
        attrs = f["ground_truth"].get("wider_attributes") or [{}] * len(gt_all)
        idx = [i for i in range(len(gt_all)) if i not in invalid]
        gt = [gt_all[i] for i in idx]
        matched = match_boxes(gt, dets)
        for i, g, m in zip(idx, gt, matched):
            size = max(g[2], g[3])
            for band, lo in (("10", 10), ("32", 32)):
                if size >= lo:
                    found[band][1] += 1
                    found[band][0] += m is not None
            if size >= 32 and m is None:
                missed_32.append((f["file"], g, attrs[i]))
    r10 = found["10"][0] / found["10"][1]
    r32 = found["32"][0] / found["32"][1]
    assert found["10"][1] >= 190
    assert r10 >= 0.95, f"recall of faces >= 10 px {r10:.3f}"
    # The one face >= 32 px the detector misses is the back of a head hidden behind a camera
    # (WIDER occlusion 2 = heavy). Every face >= 32 px that is not heavily occluded is found.
    assert all(a.get("occlusion") == 2 for _, _, a in missed_32), missed_32
    assert r32 >= 0.96, f"recall of faces >= 32 px {r32:.3f}"


def test_detection_counts_where_the_source_gives_them(detection_results):
    """dogs: 0 faces; attribute_7242: 2 (insightface's own test); creche: 2 (by eye).

    Every real face is found. The second detector costs false boxes (covered for nothing, never
    a privacy problem): measured 3 on dogs (two dogs' faces both networks agree on, weakly, and
    one YuNet box at 0.65) and 3 on the creche, against 0 and 0 for CenterFace alone; s41: a
    fourth on dogs, a dog's head the sideways look scores 0.74 (its threshold 0.5: on WIDER
    photos turned sideways its boxes are faces, a quarter of them under 0.75). Held to what
    was measured, so more false boxes fail this test."""
    checked = 0
    extra = 0
    for f, dets in detection_results:
        count = f["ground_truth"].get("face_count")
        if count is None or f["ground_truth"].get("face_boxes"):
            continue
        assert count <= len(dets) <= count + 4, (f["file"], count, dets)
        extra += len(dets) - count
        checked += 1
    assert checked >= 3
    assert extra <= 7


def test_detection_boxes_inside_images(detection_results):
    for f, dets in detection_results:
        for x, y, w, h in dets:
            assert x >= 0 and y >= 0 and w > 0 and h > 0
            assert x + w <= f["width"] and y + h <= f["height"]


# ------------------------------------------------------------------------------------------
# recognition
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def identity_faces(face_engine):
    """file -> (ground truth, ``engine.portrait_faces``: (box, encoding, sureness) for every
    encodable face), worked out once for the module's tests (the models' work on every identity
    photo is most of this module's time)."""
    folder = shared_data("identities")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    seen = SeenFaces(face_engine)   # a portrait enrolment reads the same is read once a run
    return {f["file"]: (f["ground_truth"], seen.portrait_faces(_open(folder / f["file"])))
            for f in manifest["files"]}


@pytest.fixture(scope="module")
def identity_encodings(identity_faces):
    """file -> (ground truth, [(box, encoding)]) for every encodable face (what
    ``engine.portrait_encodings`` gives: the same faces, without the sureness)."""
    return {name: (gt, [(box, enc) for box, enc, _ in faces])
            for name, (gt, faces) in identity_faces.items()}


def test_every_identity_photo_has_an_encodable_face(identity_encodings):
    for name, (_, encs) in identity_encodings.items():
        assert encs, f"{name}: no encodable face"


def test_distances_same_and_different_people(identity_encodings):
    """SFace signatures of the shared identities (adults): no two different people within the
    staff threshold (the looser one), nor within its uncertain band."""
    from photovet.core.vision.faces import SFACE, thresholds_from_settings

    th = thresholds_from_settings(Settings().recognition)[SFACE]   # the current signatures'
    max_d = th.staff
    band = th.band
    items = []
    for gt, encs in identity_encodings.values():
        if len(gt["identities_present"]) != 1:
            continue
        box, enc = max(encs, key=lambda t: t[0][2] * t[0][3])
        items.append((gt["identities_present"][0], gt.get("photo_group"), enc))
    same, diff = [], []
    for (ia, ga, ea), (ib, gb, eb) in itertools.combinations(items, 2):
        d = float(np.linalg.norm(ea - eb))
        if ia == ib:
            if ga != gb:          # copies of one photograph would flatter the figures
                same.append(d)
        else:
            diff.append(d)
    same, diff = np.array(same), np.array(diff)
    assert len(diff) > 1000 and len(same) > 50
    assert int((diff < max_d).sum()) == 0, "a different person within the staff threshold"
    # the uncertain band does not reach the nearest different person either
    assert diff.min() >= max_d + band - 0.02, diff.min()
    # measured: 0.96 of same-person pairs under 0.93, every one under 1.03 (the band's end)
    assert np.mean(same < max_d) >= 0.9, np.mean(same < max_d)
    assert np.mean(same < max_d + band) >= 0.98


def test_enrolment_is_sure_of_every_real_portrait_and_refuses_the_dog(face_engine, identity_faces):
    """The sureness enrolment asks for (``ENROL_MIN_SURENESS``): the largest face of every
    single-person identity portrait passes it, with room; dlib's photo of dogs (no human face: the audit enrolled it as
    a pupil) does not, and ``encode_portrait`` says so."""
    from photovet.core.errors import EnrolmentError
    from photovet.core.register.enrolment import ENROL_MIN_SURENESS, encode_portrait

    lowest = 1.0
    for gt, faces in identity_faces.values():
        if len(gt["identities_present"]) != 1:
            continue
        _, _, sure = max(faces, key=lambda t: t[0][2] * t[0][3])
        lowest = min(lowest, sure)
    assert lowest >= ENROL_MIN_SURENESS + 0.1, lowest       # measured 0.78
    dogs = shared_data("faces") / "dlib__dogs.jpg"
    person = Person(id="D919241714655", role="pupil")
    with pytest.raises(EnrolmentError, match="not sure the enrolment photo shows a face"):
        encode_portrait(person, dogs, face_engine)


# ------------------------------------------------------------------------------------------
# the school scenario
# ------------------------------------------------------------------------------------------

_YES = {"yes", "y", "true", "1"}


def _person(p: dict) -> Person:
    raw = p.get("consent_raw") or {}
    leaving = None
    if p.get("leaving_date_raw"):
        leaving = _dt.datetime.strptime(p["leaving_date_raw"].strip(), "%d/%m/%Y").date()
    return Person(
        id=p["upn"],
        role=p.get("role") or "pupil",
        photo_consent={ch: "yes" if str(v).strip().lower() in _YES else "no"
                       for ch, v in raw.items()},
        do_not_photograph=str(p.get("do_not_photograph_raw") or "").strip().lower() in _YES,
        leaving_date=leaving,
        valid=p["status"] not in ("duplicate_upn", "invalid_row"),
        enrolled=bool(p.get("enrolled")),
    )


def test_scenario_nobody_shown_who_should_be_covered(face_engine, identity_encodings):
    policy = pytest.importorskip("photovet.core.policy")
    folder = shared_data("scenario")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    on = _dt.date.fromisoformat(expected["reference_date"])
    people = {p["upn"]: _person(p) for p in expected["people"] if p.get("upn")}
    enrolled = []
    with open(folder / "enrol.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            _, encs = identity_encodings[Path(row["Photo"]).name]
            main = portrait_face(encs)      # the rule enrolment uses
            assert main is not None, f"enrolment photo {row['Photo']} must show one main face"
            enrolled.append((row["UPN"], main[1]))
    roles = {p.id: p for p in people.values()}
    matcher = FaceMatcher.from_settings(enrolled, Settings(), people=list(roles.values()))

    privacy_failures, needed, shown_ok, reviewable = [], 0, 0, 0
    for photo in expected["photos"]:
        _, encs = identity_encodings[photo["file"]]
        matches = matcher.match_photo([e for _, e in encs])     # all faces of the photo at once
        for ch in expected["channels"]:
            allowed = set(photo["by_channel"][ch]["show"])
            shown: list[str] = []
            review: set[str] = set()
            for m in matches:
                pid = m.person
                face = Face((0, 0, 50, 50), 1.0, person=pid, match_status=m.status.value)
                decision = policy.decide_face(face, people.get(pid) if pid else None,
                                              Channel(ch, ch), "photo", "consent", on)
                if decision.action == "show":
                    shown.append(pid)
                if m.status is MatchStatus.UNCERTAIN:
                    review.add(pid)
            for pid in shown:
                if pid not in allowed:
                    privacy_failures.append((photo["file"], ch, pid))
            if len(shown) != len(set(shown)):
                privacy_failures.append((photo["file"], ch, "two faces shown as one person"))
            needed += len(allowed)
            shown_ok += len(allowed & set(shown))
            reviewable += len(allowed & (set(shown) | review))
    assert needed == 88
    assert privacy_failures == []
    # Measured with the defaults (max_distance 0.45): 78/88 shown automatically and 82/88 shown
    # or offered for review (uncertain, distance 0.45-0.55). The target (0.95 shown) is
    # NOT met at this conservative threshold: the misses are one person photographed 0.53-0.55
    # from their enrolment photo, while two different adults here are already 0.58 apart and
    # the model's authors warn that children are closer still.
    assert shown_ok / needed >= 0.85, f"{shown_ok}/{needed} shown automatically"
    assert reviewable / needed >= 0.9, f"{reviewable}/{needed} shown or offered for review"


# ------------------------------------------------------------------------------------------
# photos nobody tuned for: WIDER FACE validation (outside the repository; research use only)
# ------------------------------------------------------------------------------------------


def _wider(split: str) -> list[dict]:
    """$PHOTOVET_WIDER: a folder with manifest.json and images/ (bench/faces.py explains)."""
    import os

    folder = os.environ.get("PHOTOVET_WIDER")
    if not folder or not (Path(folder) / "manifest.json").exists():
        pytest.skip("PHOTOVET_WIDER is not set (WIDER FACE data stays outside the repository)")
    m = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    return [dict(f, path=Path(folder) / "images" / f["file"]) for f in m["files"]
            if f["split"] == split]


@pytest.mark.slow
def test_detection_recall_on_wider_test_photos(face_engine):
    """The test half of the WIDER subset ``bench/prepare_wider.py`` builds (403 photos from all
    61 events; test half 199 photos, 1,839 faces >= 10 px). Measured (s32): 0.946 of faces
    >= 10 px, 0.967 >= 32 px, 0.887 of profiles, 0.843 of heavily occluded faces (CenterFace
    alone: 0.923, 0.956, 0.868, 0.780). The issue's goals (0.97 and 0.99) are not reached;
    these floors keep what is. (The floors before were set on a 207-photo subset that can no
    longer be rebuilt: 0.954, 0.979, 0.924, 0.855 there.)"""
    hits: dict[str, list[int]] = {}

    def add(key, hit):
        hits.setdefault(key, [0, 0])
        hits[key][0] += hit
        hits[key][1] += 1

    for f in _wider("test"):
        dets = [fc.box for fc in face_engine.detect(_open(f["path"]))]
        gt = [b for b in f["boxes"] if not b[7] and b[2] > 0 and b[3] > 0]
        for g, m in zip(gt, match_boxes([b[:4] for b in gt], dets)):
            if max(g[2], g[3]) < 10:
                continue
            add("r10", m is not None)
            if max(g[2], g[3]) >= 32:
                add("r32", m is not None)
            if g[9] == 1:
                add("pose", m is not None)
            if g[8] == 2:
                add("occl", m is not None)
    rate = {k: h / t for k, (h, t) in hits.items()}
    assert hits["r10"][1] > 1800, hits
    assert rate["r10"] >= 0.94, rate
    assert rate["r32"] >= 0.96, rate
    assert rate["pose"] >= 0.88, rate
    assert rate["occl"] >= 0.835, rate
