"""A fast stand-in for the real Engine in the GUI tests, plus photo and register makers.

``FakeEngine`` subclasses the real ``Engine`` (so ``decide``, ``publication``, ``covers`` and
``approval_parts`` are the real ones, on the workspace's register and review store); only what
needs the models is replaced: ``analyse`` reads the real file (hash, size, metadata) and returns
the faces and texts the test gives, and ``enrol`` stores a made-up signature per portrait.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from photovet.core.models import Face, PhotoAnalysis, TextItem
from photovet.core.pipeline import Engine
from photovet.core.register.reports import EnrolReport


class FakeEngine(Engine):
    """``faces``: file name -> [(box, person id or None, match status[, detector score[, near]])];
    ``texts``: file name -> [(polygon, text, person id or None, kind)]."""

    def __init__(self, ws, faces: dict | None = None, texts: dict | None = None,
                 delay: float = 0.0, face_engine=None, gate=None):
        # ``face_engine``: the stand-in detector videos are checked with (none: videos fail);
        # ``gate`` (a threading.Event): every check, once counted in ``calls``, waits for it
        super().__init__(ws.settings, register=ws.register, reviews=ws.reviews,
                         face_engine=face_engine)
        self.faces = faces or {}
        self.texts = texts or {}
        self.delay = delay
        self.gate = gate
        self.calls: list[str] = []

    def analyse(self, path, *, use_cache: bool = True) -> PhotoAnalysis:
        from photovet.core.errors import PhotoVetError
        from photovet.core.media.imaging import load_image, sha256_file
        from photovet.core.media.metadata import inspect_file

        self.calls.append(str(path))
        if self.gate is not None and not self.gate.wait(timeout=60):
            raise AssertionError("the test never opened the gate")
        if self.delay:
            time.sleep(self.delay)
        # the key a real analysis gets: a change of the settings analysis depends on voids it
        a = PhotoAnalysis(path=str(path), analysis_key=self.cache_key(),
                          register_key=self.register_key())
        try:
            a.sha256 = sha256_file(path)
            a.metadata = inspect_file(path)
            a.width, a.height = load_image(path).image.size
        except PhotoVetError as exc:
            a.error = exc.message
            return a
        for box, pid, status, *extra in self.faces.get(Path(path).name, []):
            # extra: the detector's score, then who else the face is near ([(id, distance)])
            a.faces.append(Face(box=tuple(box), score=extra[0] if extra else 0.99, person=pid,
                                match_status=status,
                                near=list(extra[1]) if len(extra) > 1 else []))
        for poly, text, pid, kind, *context in self.texts.get(Path(path).name, []):
            # (a fifth value: the line's context, "unread" for a place after a cue, s53; a
            # sixth: the cue it follows, shared by the places after one cue, s57)
            a.texts.append(TextItem(polygon=[tuple(p) for p in poly], text=text, score=0.9,
                                    person=pid, kind=kind, form="full" if pid else "",
                                    context=context[0] if context else "",
                                    cue=context[1] if len(context) > 1 else ""))
        a.faces_checked = True
        return a

    def enrol(self, kind, path, *, session=None, register=None, progress=None) -> EnrolReport:
        reg = register if register is not None else self.register
        report = EnrolReport()
        folder = Path(path)
        encs = {}
        files = sorted(folder.glob("*.jpg"))
        for f in files:
            report.photos += 1
            if progress is not None:        # as Engine.enrol says it, as each is read
                progress(report.photos, len(files))
            pid = f.stem.upper()
            if reg.find(pid) is None:
                from photovet.core.register.reports import EnrolProblem

                report.errors.append(EnrolProblem(pid, str(f), f"{pid}: no one with this id "
                                                               "in the register"))
                continue
            rng = np.random.default_rng(abs(hash(pid)) % 2**32)
            encs[pid] = [(rng.normal(size=128), f.name)]
        if encs:
            reg.store_signatures(encs, replace=True, source=f"folder:{folder.name}")
        report.enrolled = {pid: 1 for pid in encs}
        return report


# --------------------------------------------------------------------------------------------
# Photos and registers the tests make
# --------------------------------------------------------------------------------------------

GPS_LAT = 52.95
GPS_LON = -1.15


def _dms(value: float):
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 2)
    return (float(d), float(m), float(s))


def make_photo(path: Path, size=(640, 480), *, colour=(200, 170, 140), gps: bool = False,
               serial: str | None = None, faces: list | None = None,
               copyright_text: str | None = None) -> Path:
    """A JPEG with light 'faces' (bright ovals) drawn at the boxes, and optional GPS, serial
    number and copyright (UTF-8, as phones write it)."""
    im = Image.new("RGB", size, colour)
    d = ImageDraw.Draw(im)
    for x, y, w, h in faces or []:
        d.ellipse([x, y, x + w, y + h], fill=(250, 250, 250))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"          # Make
    exif[0x0110] = "Model 1"          # Model
    if copyright_text:
        exif[0x8298] = copyright_text.encode("utf-8")
    if serial:
        exif[0xA431] = serial         # BodySerialNumber
    if gps:
        exif[0x8825] = {1: "N" if GPS_LAT >= 0 else "S", 2: _dms(GPS_LAT),
                        3: "E" if GPS_LON >= 0 else "W", 4: _dms(GPS_LON)}
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "JPEG", quality=90, exif=exif)
    return path


# Tori: consent for the website and Facebook; Sam: no consent anywhere; Joel: Facebook consent,
# matched uncertainly; Dan: do not photograph. Jane: staff, consent everywhere.
REGISTER_ROWS = [
    ["UPN", "Legal Surname", "Legal Forename", "Year Group", "Reg Group",
     "Consent: School Website", "Consent: Facebook", "Consent: Name with Photo",
     "Do Not Photograph"],
    ["A100000000001", "Amos", "Tori", "Year 5", "5B", "Yes", "Yes", "Yes", "No"],
    ["B100000000002", "Brown", "Sam", "Year 5", "5B", "No", "No", "No", "No"],
    ["C100000000003", "Clarke", "Joel", "Year 4", "4A", "Yes", "Yes", "No", "No"],
    ["D100000000004", "Dufour", "Dan", "Year 4", "4A", "Yes", "Yes", "No", "Yes"],
    ["S100000000005", "Patel", "Jane", "Staff", "", "Yes", "Yes", "Yes", "No"],
]
TORI, SAM, JOEL, DAN, JANE = (r[0] for r in REGISTER_ROWS[1:])


def write_register(path: Path, rows: list[list[str]] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows or REGISTER_ROWS)
    return path


def write_portraits(folder: Path, ids: list[str]) -> Path:
    for pid in ids:
        make_photo(folder / f"{pid}.jpg", size=(200, 240), faces=[(50, 50, 100, 130)])
    return folder


FACE_A = (100, 80, 120, 150)    # Tori (recognised)
FACE_B = (380, 90, 110, 140)    # unknown
FACE_J = (250, 250, 90, 110)    # Joel? (uncertain)


def batch_colour(i: int) -> tuple[int, int, int]:
    """Photo ``i``'s background: a different photo for each of the first 363 (s52: colours one
    step apart came out of the JPEG encoder as the same bytes, so photo_004 and photo_005 were
    the same photo under two names, which the app exports once)."""
    return (120 + 12 * (i % 11), 170 - 12 * ((i // 11) % 11), 140 - 6 * ((i // 121) % 3))


def make_batch(folder: Path, n: int = 3, *, gps: bool = True) -> tuple[list[Path], dict]:
    """``n`` photos, each a different photo; photo_000 has Tori (recognised), an unknown face
    and Joel (uncertain). Returns (paths, faces for FakeEngine)."""
    paths = []
    for i in range(n):
        paths.append(make_photo(folder / f"photo_{i:03d}.jpg", gps=gps and i == 0,
                                serial="SN12345" if i == 0 else None,
                                faces=[FACE_A, FACE_B, FACE_J] if i == 0 else [],
                                colour=batch_colour(i)))
    faces = {"photo_000.jpg": [(FACE_A, TORI, "recognised"), (FACE_B, None, "unknown"),
                               (FACE_J, JOEL, "uncertain")]}
    return paths, faces
