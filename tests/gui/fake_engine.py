"""A fast stand-in for photovet.core.pipeline.Engine for the GUI tests, plus photo makers.

``FakeEngine`` subclasses the real Engine so ``decide`` (the consent policy) and ``covers``
are the real ones; only ``analyse`` is replaced: it reads the real file (hash, size, metadata)
and returns faces given by the test instead of running the detector.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PIL import Image, ImageDraw

from photovet.core.models import Face, PhotoAnalysis, Person
from photovet.core.pipeline import Engine
from photovet.core.settings import Settings


def person(pid: str, first: str, surname: str, consents: dict[str, bool] | None = None,
           role: str = "pupil", **kw) -> Person:
    return Person(id=pid, legal_forename=first, legal_surname=surname, role=role,
                  consents=consents or {}, **kw)


def default_people() -> list[Person]:
    return [
        person("A1", "Tori", "Amos", {"website": True, "facebook": False}),
        person("B2", "Sam", "Brown", {"website": False, "facebook": False}),
        person("S1", "Jane", "Patel", {"website": True, "facebook": True}, role="staff"),
    ]


class FakeEngine(Engine):
    """``faces``: file name -> list of (box, person id or None, match status)."""

    def __init__(self, people: list[Person] | None = None, faces: dict | None = None,
                 settings: Settings | None = None, delay: float = 0.0, register=None):
        self.settings = settings or Settings()
        self.register = register
        self.face_engine = None
        self.text_engine = None
        self.cache = None
        self._lock = threading.Lock()
        self.people = list(people if people is not None else default_people())
        self.people_by_id = {p.id: p for p in self.people}
        self.matcher = None
        self.name_matcher = None
        self._fingerprint = "fake"
        self.faces = faces or {}
        self.delay = delay
        self.calls: list[str] = []

    def reload_register(self) -> None:
        if self.register is not None:
            self.people = list(self.register.people())
            self.people_by_id = {p.id: p for p in self.people}

    def analyse(self, path, *, use_cache: bool = True) -> PhotoAnalysis:
        from photovet.core.errors import PhotoVetError
        from photovet.core.media.imaging import load_image, sha256_file
        from photovet.core.media.metadata import inspect_file

        self.calls.append(str(path))
        if self.delay:
            time.sleep(self.delay)
        a = PhotoAnalysis(path=str(path))
        try:
            a.sha256 = sha256_file(path)
            a.metadata = inspect_file(path)
            loaded = load_image(path)
            a.width, a.height = loaded.image.size
        except PhotoVetError as exc:
            a.error = exc.message
            return a
        for box, pid, status in self.faces.get(Path(path).name, []):
            a.faces.append(Face(box=tuple(box), score=0.99, person=pid, match_status=status))
        a.faces_checked = True
        return a


# --------------------------------------------------------------------------------------------
# Photos the tests make
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
               serial: str | None = None, faces: list | None = None) -> Path:
    """A JPEG with light 'faces' (bright ovals) drawn at the boxes, and optional GPS/serial."""
    im = Image.new("RGB", size, colour)
    d = ImageDraw.Draw(im)
    for x, y, w, h in faces or []:
        d.ellipse([x, y, x + w, y + h], fill=(250, 250, 250))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"          # Make
    exif[0x0110] = "Model 1"          # Model
    if serial:
        exif[0xA431] = serial         # BodySerialNumber
    if gps:
        gps_ifd = {
            1: "N" if GPS_LAT >= 0 else "S",
            2: _dms(GPS_LAT),
            3: "E" if GPS_LON >= 0 else "W",
            4: _dms(GPS_LON),
        }
        exif[0x8825] = gps_ifd
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "JPEG", quality=90, exif=exif)
    return path


FACE_A = (100, 80, 120, 150)    # Tori (consent for website)
FACE_B = (380, 90, 110, 140)    # unknown


def make_batch(folder: Path, n: int = 3, *, gps: bool = True) -> tuple[list[Path], dict]:
    """``n`` photos; photo_000 has Tori (recognised) and an unknown face. Returns (paths, faces)."""
    paths = []
    faces: dict[str, list] = {}
    for i in range(n):
        p = make_photo(folder / f"photo_{i:03d}.jpg", gps=gps and i == 0, serial="SN12345" if i == 0 else None,
                       faces=[FACE_A, FACE_B] if i == 0 else [], colour=(180 + i % 50, 160, 140))
        paths.append(p)
    faces["photo_000.jpg"] = [(FACE_A, "A1", "recognised"), (FACE_B, None, "unknown")]
    return paths, faces
