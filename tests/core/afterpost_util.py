"""Small fixtures shared by the after-posting tests (records, take-down, SAR, identify, purge).
Everything is made here with Pillow/numpy: no shared data needed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from photovet.core.errors import UnknownPersonError
from photovet.core.models import NO, YES, ExportResult, Person


def photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like picture: smooth random colour fields plus a few shapes, unique per seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    low = (rng.random((6, 8, 3)) * 255).astype(np.uint8)
    im = Image.fromarray(low).resize((w, h), Image.Resampling.BICUBIC)
    d = ImageDraw.Draw(im)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, max(2, w * 3 // 4))), int(rng.integers(0, max(2, h * 3 // 4)))
        x1 = x0 + int(rng.integers(max(2, w // 16), max(3, w // 2)))
        y1 = y0 + int(rng.integers(max(2, h // 16), max(3, h // 2)))
        col = tuple(int(c) for c in rng.integers(0, 255, 3))
        (d.ellipse if rng.random() < 0.5 else d.rectangle)((x0, y0, x1, y1), fill=col)
    noise = rng.integers(-10, 11, (h, w, 3), dtype=np.int16)
    return Image.fromarray(np.clip(np.asarray(im, dtype=np.int16) + noise, 0, 255).astype(np.uint8))


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


CHANNELS = ("website", "facebook", "x", "instagram", "newsletter", "press", "youtube")
LABELS = {"website": "School website", "facebook": "Facebook", "x": "X (Twitter)",
          "instagram": "Instagram", "newsletter": "Newsletter", "press": "Local press",
          "youtube": "YouTube"}


def make_export(tmp: Path, seed: int, *, shown=(), covered=(), named=(), names_shown=(),
                name: str | None = None, size=(640, 480), channel: str = "",
                faces: list[dict] | None | str = "each shown") -> ExportResult:
    """An original (a camera-like JPEG) and its 'export' (a fresh JPEG re-encoded from it).
    ``faces``: the faces it left visible as the pipeline records them (``faces_shown``); by
    default one small face per person ``shown``, side by side along the top."""
    src_dir, out_dir = tmp / "originals", tmp / "exports"
    src_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = name or f"photo{seed:03d}"
    src = src_dir / f"{name}.JPG"
    im = photo(seed, size)
    im.save(src, "JPEG", quality=95)
    out = out_dir / f"{name}.jpg"
    im.save(out, "JPEG", quality=88)
    return ExportResult(source=str(src), output=str(out), source_sha256=sha(src),
                        output_sha256=sha(out), width=im.width, height=im.height,
                        people_shown=list(shown), people_covered=list(covered),
                        names_covered=list(named), names_shown=list(names_shown),
                        channel=channel,
                        faces_shown=[{"box": [0.05 + 0.15 * i, 0.05, 0.1, 0.13], "person": pid}
                                     for i, pid in enumerate(shown)]
                        if faces == "each shown" else faces)


def amy_and_ben_with_badges(tmp: Path, seed: int = 1) -> ExportResult:
    """An export showing Amy and Ben (and a face shown as nobody), where each face is, and
    their names left readable on badges (drawn as black and white stripes: "letters"), as the
    subject access report and the printed take-down list read them."""
    faces = [{"box": [0.05, 0.1, 0.2, 0.3], "person": "AMY"},
             {"box": [0.4, 0.1, 0.2, 0.3], "person": "BEN"},
             {"box": [0.72, 0.5, 0.2, 0.3], "person": ""}]       # shown, nobody's
    first = make_export(tmp, seed, shown=["AMY", "BEN"], faces=faces, names_shown=["AMY", "BEN"])
    first.names_kept = [{"polygon": [[0.05, 0.75], [0.25, 0.75], [0.25, 0.85], [0.05, 0.85]],
                         "person": "AMY"},
                        {"polygon": [[0.4, 0.75], [0.6, 0.75], [0.6, 0.85], [0.4, 0.85]],
                         "person": "BEN"}]
    im = Image.open(first.output).convert("RGB")
    stripes = ImageDraw.Draw(im)
    for n in first.names_kept:
        (x0, y0), _, (x1, y1), _ = n["polygon"]
        for x in range(int(x0 * im.width), int(x1 * im.width), 8):
            stripes.rectangle([x, y0 * im.height, x + 3, y1 * im.height], fill=(0, 0, 0))
            stripes.rectangle([x + 4, y0 * im.height, x + 7, y1 * im.height], fill="white")
    im.save(first.output, "JPEG", quality=95)
    first.output_sha256 = ""
    return first


def downloaded_copy(src: Path, dest: Path, crop=(0.03, 0.02, 0.02, 0.03), scale=0.5,
                    quality=70) -> Path:
    """What a social network gives back: cropped a little, half size, recompressed."""
    im = Image.open(src).convert("RGB")
    w, h = im.size
    left, top, right, bottom = crop
    im = im.crop((round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom))))
    im = im.resize((max(1, int(im.width * scale)), max(1, int(im.height * scale))),
                   Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    dest.write_bytes(buf.getvalue())
    return dest


def person(pid: str, first: str = "Ann", last: str = "Pupil", consents=None, **kw) -> Person:
    """A person with photo (and video) consent Yes everywhere, or per ``consents``
    ({channel: True/False})."""
    cons = {c: True for c in CHANNELS} if consents is None else consents
    states = {c: YES if v else NO for c, v in cons.items()}
    return Person(id=pid, legal_forename=first, legal_surname=last, photo_consent=dict(states),
                  video_consent=dict(states), **kw)


class FakeRegister:
    """The part of Register that records/sar use: person(id) and history(id)."""

    def __init__(self, people: list[Person]):
        self.people_by_id = {p.id: p for p in people}
        self.changes: dict[str, list[dict]] = {}

    def person(self, pid: str) -> Person:
        try:
            return self.people_by_id[pid]
        except KeyError:
            raise UnknownPersonError(f"no person with id {pid}") from None

    def find(self, pid: str) -> Person | None:
        return self.people_by_id.get(pid)

    def channel_labels(self) -> dict[str, str]:
        return dict(LABELS)

    def people(self) -> list[Person]:
        return list(self.people_by_id.values())

    def history(self, pid: str) -> list[dict]:
        return self.changes.get(pid, [])

    def withdraw(self, pid: str, channel: str) -> None:
        self.people_by_id[pid].photo_consent[channel] = NO
        self.changes.setdefault(pid, []).append(
            {"time": dt.datetime.now().isoformat(), "field": f"consent_{channel}", "old": "Yes",
             "new": "No", "source": "test"})


REGISTER_HEADER = ("UPN,Legal Surname,Legal Forename,Preferred Forename,Year Group,Reg Group,"
                   "Date of Birth,Leaving Date,Consent: School Website,Consent: Facebook,"
                   "Consent: X (Twitter),Consent: Instagram,Consent: Newsletter,Consent: Local Press,"
                   "Consent: Name with Photo,Do Not Photograph,Photo notes")
# valid DfE UPNs (check letters verified by the register's own rule)
UPNS = ["J919241718564", "K919241714412", "U919241715621", "D919241714655"]


def register_csv(path: Path, rows: list[dict]) -> Path:
    """A small MIS export. rows: {upn, surname, forename, consent: {channel: 'Yes'/'No'}, dnp,
    leaving: 'DD/MM/YYYY'}."""
    order = ["website", "facebook", "x", "instagram", "newsletter", "press"]
    lines = [REGISTER_HEADER]
    for r in rows:
        cons = r.get("consent", {})
        vals = [cons.get(c, "Yes") for c in order]
        lines.append(",".join([r["upn"], r["surname"], r["forename"], "", "Year 2", "2A",
                               "04/03/2019", r.get("leaving", ""), *vals, "Yes", "Yes" if r.get("dnp") else "",
                               ""]))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def joe_and_ben(tmp: Path, *, ben: dict | None = None):
    """A workspace on a fresh register (SQLite or the test server) holding Joe Harris and Ben
    Brook (``UPNS[0]``, ``UPNS[1]``; ``ben``: more of Ben's row, e.g. his consent), acting as
    Olive Office: the s62 take-down and subject-access tests'. The caller closes it."""
    from photovet.core.workspace import Workspace
    from tests.conftest import office_access

    w = Workspace.open(access=office_access("Olive Office"))
    w.import_register(register_csv(tmp / "mis.csv", [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe"},
        {"upn": UPNS[1], "surname": "Brook", "forename": "Ben", **(ben or {})}]))
    return w
