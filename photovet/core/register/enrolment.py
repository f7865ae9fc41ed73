"""Enrolment: a face signature per person from a reference photo (the MIS photo export: a folder
of ``<UPN>.jpg``, or a CSV of id -> photo). Only the signature is kept, never the photo; a photo
must show exactly one face. Re-enrolling a person replaces their signatures. Leavers cannot be
enrolled. Every enrolment is audited.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from photovet.core.errors import (
    LINK_LOOP,
    EnrolmentError,
    PhotoVetError,
    RegisterImportError,
    UnknownPersonError,
)
from photovet.core.media.imaging import BROKEN_LINK, load_image
from photovet.core.models import Person
from photovet.core.register.csv_io import read_table
from photovet.core.register.mapping import ID_ALIASES, norm
from photovet.core.register.reports import EnrolLookalike, EnrolProblem, EnrolReport
from photovet.core.words import ENROL_FOLDER_COMMAND, count

# Enrolment photos are portraits: the face is large, so detecting on a copy at most this many
# pixels on the long edge is several times faster and gives the encoder plenty of detail. When
# nothing is found on the small copy, the full image is tried.
ENROL_MAX_SIDE = 800

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".tif", ".tiff", ".bmp",
                  ".gif", ".avif"}
PHOTO_COLUMNS = {"photo", "path", "file", "image", "photo path", "filename", "file name",
                 "picture", "photo file", "image path", "photograph"}


def _percent(sureness: float) -> str:
    """A detector's sureness (0-1) as an office reads it: "15%", never "0.15"."""
    return f"{round(100 * max(0.0, min(1.0, sureness)))}%"


def _portrait_faces(engine: Any, image: Any) -> list:
    """The faces of an enrolment photo, ``[(box, signature, sureness), ...]``, found in a copy
    scaled to ``ENROL_MAX_SIDE`` when the photo is larger and faces are found there, else in
    the photo."""
    w, h = image.size
    if max(w, h) > ENROL_MAX_SIDE:
        small = image.copy()
        small.thumbnail((ENROL_MAX_SIDE, ENROL_MAX_SIDE))
        faces = engine.portrait_faces(small)
        if faces:
            return faces
    return engine.portrait_faces(image)


#: how sure the face detectors must be that a portrait's face is a face before its signature is
#: kept (``FaceEngine.portrait_faces``: the lower of the detection's score and YuNet's on a crop
#: around it). Measured on the 68 single-person portraits of the shared identities and an
#: enrolment audit's files (adults, children, glasses, three-quarter views): the lowest was
#: 0.78 (detection) and 0.92 (YuNet); dlib's photo of dogs, enrolled as a pupil before this
#: check and then "recognised" as her, scores 0.15 (its largest "face", a dog's head, has no
#: landmarks and is left out; the next is a dog's head YuNet likes at 0.87 and the detection
#: does not). A photo of flowers scored 0.71 and 0.51. A signature of something that is not the
#: pupil's face never matches the pupil (who stays covered) and may match whatever looks like
#: it: refusing costs a retake, keeping costs the register's truth.
ENROL_MIN_SURENESS = 0.6


#: a portrait's face must be at least this many times the area of any other face found in it
PORTRAIT_DOMINANCE = 4.0


def portrait_face(faces: list) -> Any:
    """The portrait's subject among ``[(box, signature, ...), ...]``: the only face, or a face at least
    ``PORTRAIT_DOMINANCE`` times the area of every other (a blurred head in the background of a
    school portrait); None when it is not clear whose photo it is."""
    if len(faces) == 1:
        return faces[0]
    ranked = sorted(faces, key=lambda f: -(f[0][2] * f[0][3]))
    if ranked and ranked[0][0][2] * ranked[0][0][3] >= PORTRAIT_DOMINANCE * ranked[1][0][2] * ranked[1][0][3]:
        return ranked[0]
    return None


def encode_portrait(person: Person, path: Path, engine: Any, *, max_pixels: int | None = None
                    ) -> np.ndarray:
    """The signature of the one face in ``path``; EnrolmentError naming the problem."""
    try:
        image = load_image(path, max_pixels=max_pixels).image
    except PhotoVetError as exc:
        raise EnrolmentError(f"{person.id}: {exc.message}", path=path) from exc
    except (OSError, ValueError) as exc:
        raise EnrolmentError(f"{person.id}: the photo could not be read ({exc})", path=path) from exc
    faces = _portrait_faces(engine, image)
    if not faces:
        raise EnrolmentError(f"{person.id}: no face found in the enrolment photo; use a clear, "
                             "front-facing portrait", path=path)
    main = portrait_face(faces)
    if main is None:
        raise EnrolmentError(f"{person.id}: {len(faces)} faces in the enrolment photo; use a "
                             "single portrait", path=path)
    sure = float(main[2])
    if not sure >= ENROL_MIN_SURENESS:
        raise EnrolmentError(f"{person.id}: PhotoVet is not sure the enrolment photo shows a face "
                             f"clearly enough ({_percent(sure)} sure, {_percent(ENROL_MIN_SURENESS)}"
                             " needed); use a clear, front-facing portrait of the pupil", path=path)
    enc = np.asarray(main[1], dtype=np.float64).reshape(-1)
    if enc.ndim != 1 or not enc.size or not np.all(np.isfinite(enc)):
        raise EnrolmentError(f"{person.id}: PhotoVet could not take a face signature from this "
                             "photo; use another clear, front-facing portrait", path=path)
    return enc


def enrollable(register: Any, person_id: str, today: _dt.date) -> Person:
    p = register.person(person_id)
    if p.has_left(today):
        raise EnrolmentError(f"{p.id}: left school on {p.leaving_date:%d/%m/%Y}; face data is "
                             "not kept for leavers")
    return p


def enrol_items(register: Any, items: list[tuple[str, Path]], engine: Any, source: str, *,
                progress: Callable[[int, int, str], None] | None,
                report: EnrolReport, max_pixels: int | None = None) -> EnrolReport:
    t0 = time.perf_counter()
    today = _dt.date.today()
    by_id: dict[str, list[Path]] = {}
    for pid, path in items:
        by_id.setdefault(pid, []).append(path)
    # the photos already found unusable (an id no one has) count as read: the progress
    # ends at every photo of the folder, as the report counts them
    done = report.photos
    total = done + len(items)
    if progress and total:
        # said at once, before the first portrait is read (s37 walk: a first portrait read
        # slowly left the app saying nothing of how many there are)
        progress(done, total, "")
    result: dict[str, list[tuple[np.ndarray, str]]] = {}
    for pid, paths in by_id.items():
        try:
            person = enrollable(register, pid, today)
        except (UnknownPersonError, EnrolmentError) as exc:
            msg = exc.message if isinstance(exc, EnrolmentError) else \
                f"{pid}: no one with this id in the register"
            known = register.find(pid) if isinstance(exc, EnrolmentError) else None
            for path in paths:
                report.errors.append(EnrolProblem(pid, str(path), msg,
                                                  known.display_name if known else ""))
            done += len(paths)
            report.photos += len(paths)
            if progress:
                progress(done, total, paths[-1].name)
            continue
        for path in paths:
            report.photos += 1
            try:
                enc = encode_portrait(person, path, engine, max_pixels=max_pixels)
                result.setdefault(pid, []).append((enc, path.name))
            except EnrolmentError as exc:
                report.errors.append(EnrolProblem(pid, str(path), exc.message,
                                                  person.display_name))
            done += 1
            if progress:
                progress(done, total, path.name)
    model = getattr(engine, "signature_model", "dlib-128")
    if result:
        register.store_signatures(result, replace=True, source=source, errors=len(report.errors),
                                  model=model)
        report.lookalikes = lookalike_warnings(register, result, model)
    report.enrolled = {pid: len(v) for pid, v in result.items()}
    report.seconds = time.perf_counter() - t0
    return report


def lookalike_warnings(register: Any, new: dict[str, list[tuple[np.ndarray, str]]],
                       model: str) -> list[EnrolLookalike]:
    """Each person just enrolled (``new``) whose portrait is almost the same face as someone
    else enrolled with ``model``: nearer than the look-alike distance
    (``recognition.lookalike_distance``, the matcher's own), nearest first, one warning a pair.
    Twins look like this, and so does a portrait filed under the wrong pupil."""
    from photovet.core.vision.faces.matching import thresholds_from_settings  # noqa: PLC0415

    settings = getattr(register, "settings", None)
    th = thresholds_from_settings(settings.recognition).get(model) if settings else None
    if th is None or not new:
        return []
    others: dict[str, list[np.ndarray]] = {}
    for pid, vec in register.encodings(model):
        others.setdefault(pid, []).append(np.asarray(vec, dtype=np.float64).reshape(-1))
    for pid, items in new.items():     # as just stored (replacing any earlier ones)
        others[pid] = [np.asarray(e, dtype=np.float64).reshape(-1) for e, _name in items]
    found: dict[tuple[str, str], float] = {}
    for pid in new:
        mine = others[pid]
        for other, theirs in others.items():
            if other == pid:
                continue
            d = min((float(np.linalg.norm(a - b)) for a in mine for b in theirs
                     if a.shape == b.shape), default=np.inf)
            key = (pid, other) if other not in new or pid < other else (other, pid)
            if d < th.lookalike_distance and d < found.get(key, np.inf):
                found[key] = d
    out = []
    for (pid, other), d in sorted(found.items(), key=lambda x: (x[1], x[0])):
        a, b = _name(register, pid), _name(register, other)
        when = "enrolled now too" if other in new else "already enrolled"
        out.append(EnrolLookalike(pid, other, d, (
            f"{a}'s photo is almost the same face as {b}'s ({when}). If they are twins or "
            "look alike, PhotoVet asks more before it recognises either, and a reason before "
            "a face is confirmed as one of them where the other may not be shown. If they "
            f"are not, check that the photo is {a}'s")))
    return out


def _name(register: Any, pid: str) -> str:
    try:
        return register.person(pid).display_name
    except PhotoVetError:
        return pid


_COPY_SUFFIX = re.compile(r"^(.+?)(?:[ _-]+\(?\d{1,2}\)?|\s*\(\d{1,2}\))$")


def _name_key(text: str) -> tuple[str, ...]:
    """The words of a name, in any order, case and accents aside ("COOPER_Rosie" and
    "Rosie Cooper" are the same key)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c))
    return tuple(sorted(re.findall(r"[a-z]+", plain.lower())))


def name_index(people: list[Person], today: _dt.date, *,
               leavers: bool = False) -> dict[tuple[str, ...], set[str]]:
    """Every current person's name keys (legal and preferred forename, each with the legal and
    preferred surname) -> the ids of the people called that (``leavers``: the people who have
    left instead)."""
    index: dict[tuple[str, ...], set[str]] = {}
    for p in people:
        if p.has_left(today) != leavers:
            continue
        for fore in {p.legal_forename, p.preferred_forename} - {""}:
            for sur in {p.legal_surname, p.preferred_surname} - {""}:
                key = _name_key(f"{fore or ''} {sur or ''}")
                if len(key) >= 2:
                    index.setdefault(key, set()).add(p.id)
    return index


def unknown_portrait_words(stem: str) -> str:
    """Why a portrait in a folder was not used when its file name is neither an id nor the
    name of one current person in the register."""
    return (f"no one in the register has the UPN or staff code \u201c{stem}\u201d, and no "
            "pupil or member of staff now at the school is called that: name the photo by the "
            "UPN or staff code in the MIS, or by the name as the register has it")


def leaver_portrait_words(stem: str, leavers: list[Person]) -> str:
    """Why a portrait named after someone who has left was not used: who they are as the
    register has them, their leaving date, and what to do if they are back."""
    who = "; ".join(f"{p.display_name} ({p.id}) left on {p.leaving_date:%d/%m/%Y}"
                    for p in sorted(leavers, key=lambda p: p.id) if p.leaving_date)
    return (f"{stem} has left the school, as the register has it ({who}): face photos are not "
            "kept for leavers. If they have come back, import the register once the MIS lists "
            "them again without a leaving date, then enrol this photo")


def folder_items(register: Any, folder: Path, report: EnrolReport) -> list[tuple[str, Path]]:
    """``<id>.jpg`` (also ``<id>_2.jpg``, ``<id> (2).jpg``) in a folder -> (id, path). A school
    photographer's files named by the pupil ("Rosie Cooper.jpg", "COOPER_Rosie.jpg") are taken
    as the one current person of that name, said in ``report.by_name``; a name two people
    share is refused (name that photo by UPN)."""
    if not folder.is_dir():
        raise EnrolmentError("the enrolment folder was not found" if not folder.exists()
                             else "that is a file, not a folder", path=folder)
    ids = {r[0] for r in register.db.all("SELECT id FROM people")}
    names: dict[tuple[str, ...], set[str]] | None = None
    left: dict[tuple[str, ...], set[str]] | None = None
    items: list[tuple[str, Path]] = []
    try:
        entries = sorted(folder.iterdir())
    except PermissionError as exc:   # s65: was "PhotoVet could not use ...; Tell IT"
        raise EnrolmentError("PhotoVet is not allowed to open this folder (permission denied)",
                             path=folder, hint="Ask IT to give your account access to it, or "
                                               "copy the portraits into a folder of your "
                                               "own.") from exc
    except OSError as exc:
        raise EnrolmentError(f"this folder could not be read ({exc.strerror or exc})",
                             path=folder) from exc
    for f in entries:
        if f.name.startswith("."):
            continue
        if not f.is_file():
            # a portrait's name on a shortcut to a file that is not there (moved, on a stick
            # not connected): said, or that person was left out without a word (s65)
            if f.is_symlink() and f.suffix.lower() in IMAGE_SUFFIXES:
                report.photos += 1
                report.errors.append(EnrolProblem("", str(f), _link_words(f)))
            continue
        if f.suffix.lower() not in IMAGE_SUFFIXES:
            report.ignored.append(f.name)
            continue
        stem = f.stem.strip()
        pid = stem.upper()
        if pid not in ids:
            mm = _COPY_SUFFIX.match(stem)
            if mm and mm.group(1).strip().upper() in ids:
                pid = mm.group(1).strip().upper()
        if pid not in ids:
            if names is None:
                names = name_index(register.people(), _dt.date.today())
            mm = _COPY_SUFFIX.match(stem)
            found = names.get(_name_key(stem)) or (
                names.get(_name_key(mm.group(1))) if mm else None) or set()
            if len(found) > 1:
                report.photos += 1
                report.errors.append(EnrolProblem("", str(f), (
                    f"{len(found)} people in the register are called {stem}: name this photo "
                    "by their UPN or staff code")))
                continue
            if found:
                pid = next(iter(found))
                report.by_name.append((f.name, pid, _name(register, pid)))
            else:
                if left is None:
                    left = name_index(register.people(), _dt.date.today(), leavers=True)
                gone = left.get(_name_key(stem)) or (
                    left.get(_name_key(mm.group(1))) if mm else None) or set()
                report.photos += 1
                if gone:          # the name of someone who has left: said so, with the date
                    report.errors.append(EnrolProblem("", str(f), leaver_portrait_words(
                        stem, [register.person(pid) for pid in gone])))
                    continue
                # neither an id nor a name: said as such (it read "NOBODY HERE: no one with
                # this id in the register", the file's name in capitals, for a name)
                report.errors.append(EnrolProblem("", str(f), unknown_portrait_words(stem)))
                continue
        items.append((pid, f))
    if not items:
        # not "0 people enrolled from 0 photos of 0" (a bad-input audit): the wrong folder
        others = (f" ({count(len(report.ignored), 'other file')}, none of them a photo)"
                  if report.ignored else "")
        raise EnrolmentError(f"no portraits were found in this folder{others}", path=folder,
                             hint="Choose the folder of the MIS photo export: one photo per "
                                  "person, named by UPN or staff code (for example "
                                  "A123456789012.jpg).")
    return items


def _link_words(f: Path) -> str:
    """Why the portrait ``f``, a shortcut (link) that leads to no file, was not read."""
    try:
        os.stat(f)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LINK_LOOP
    try:
        to = f" ({os.readlink(f)})"
    except OSError:
        to = ""
    return (f"{BROKEN_LINK}{to}: this portrait was not read; put the photo itself in the "
            "folder")


def csv_items(csv_path: Path, report: EnrolReport) -> list[tuple[str, Path]]:
    """A CSV of id -> photo path (paths relative to the CSV's folder)."""
    try:
        headers, rows, _enc, _sha = read_table(csv_path, "enrolment CSV")
    except RegisterImportError as exc:
        raise EnrolmentError(exc.message, path=csv_path, hint=exc.hint) from exc
    normed = [norm(h) for h in headers]
    id_i = next((i for i, n in enumerate(normed)
                 if any(n in names for names in ID_ALIASES.values())), None)
    ph_i = next((i for i, n in enumerate(normed) if n in PHOTO_COLUMNS), None)
    if id_i is None or ph_i is None:
        raise EnrolmentError("the enrolment CSV needs an id column (UPN) and a photo column "
                             f"(Photo); its header has: {', '.join(headers)}", path=csv_path)
    if not rows:   # s65: "Enrolled 0 people from 0 of 0 photos", as if all had gone well
        raise EnrolmentError("the enrolment CSV has its column headings but no rows: no photo "
                             "is listed in it, so nobody was enrolled", path=csv_path,
                             hint="Add a row for each person (their UPN or staff code and "
                                  f"their photo's file name), {ENROL_FOLDER_COMMAND}.")
    items: list[tuple[str, Path]] = []
    for line, cells in rows:
        pid = re.sub(r"\s+", "", cells[id_i] if id_i < len(cells) else "").upper()
        ph = (cells[ph_i] if ph_i < len(cells) else "").strip()
        if not pid or not ph:
            # the CSV named, and what is missing (s65: "line 3: needs both an id and a photo
            # path", naming no file, nor which of the two)
            where = f"line {line} of {csv_path.name}"
            if ph:
                said = (f"{where}: no id for the photo {ph}; add the person's UPN (or staff "
                        "code) on that line, or delete the line")
            elif pid:
                said = (f"{where}: no photo for {pid}; add the file name of their photo on "
                        "that line")
            else:
                said = (f"{where}: needs both an id (UPN or staff code) and a photo file "
                        "name; fill both in, or delete the line")
            report.errors.append(EnrolProblem(pid, "", said))
            continue
        photo = Path(ph)
        if not photo.is_absolute():
            photo = csv_path.parent / photo
        items.append((pid, photo))
    return items


__all__ = ["ENROL_MAX_SIDE", "ENROL_MIN_SURENESS", "IMAGE_SUFFIXES", "PORTRAIT_DOMINANCE",
           "csv_items", "encode_portrait", "enrol_items", "enrollable", "folder_items",
           "leaver_portrait_words", "name_index", "portrait_face"]
