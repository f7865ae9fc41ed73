"""What identifies the school in a photo (issue 18): its names, abbreviations and address words
(school settings, ``Settings.school``) and its crest or logo pictures (kept in the register, so
every PC sharing it looks for the same crest).

``SchoolPictures`` stores the crest pictures: a picture file is read once, turned upright,
reduced to at most ``PICTURE_SIDE`` pixels and stored as PNG in the register (a copy: the file
may be moved or deleted afterwards). ``load_identity`` gives the analysis what to look for;
``SchoolIdentity.fingerprint`` is part of the analysis cache key, so a new crest checks photos
again.

Where the school's identifiers are covered is per channel (``Channel.cover_school``) and decided
by policy (``policy.decide_school_identifier``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photovet.core.errors import PhotoVetError
from photovet.core.storage import Database
from photovet.core.words import CRESTS_LIST_COMMAND

PICTURE_SIDE = 1024           # a crest picture is kept at most this size (pixels, longer side)
MAX_PICTURES = 8
MIN_PICTURE_SIDE = 48


class SchoolPictureError(PhotoVetError):
    """A crest or logo picture could not be used (the message says why)."""


@dataclass(frozen=True)
class SchoolPicture:
    sha256: str
    kind: str
    name: str
    width: int
    height: int
    added_at: str = ""
    added_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "kind": self.kind, "name": self.name, "width": self.width,
                "height": self.height, "added_at": self.added_at, "added_by": self.added_by}


class SchoolPictures:
    """The ``school_pictures`` table of one register."""

    def __init__(self, db: Database, audit: Any = None):
        if audit is None:
            from photovet.core.audit import AuditLog  # noqa: PLC0415

            audit = AuditLog(db)
        self.db = db
        self.audit = audit

    def all(self) -> list[SchoolPicture]:
        return [SchoolPicture(r[0], r[1], r[2], int(r[3]), int(r[4]), r[5], r[6])
                for r in self.db.all("SELECT sha256, kind, name, width, height, added_at, actor "
                                     "FROM school_pictures ORDER BY added_at, sha256")]

    def image(self, sha256: str):
        """The stored picture (PIL image, RGBA)."""
        from PIL import Image  # noqa: PLC0415

        row = self.db.one("SELECT data FROM school_pictures WHERE sha256 = ?", [sha256])
        if row is None:
            raise SchoolPictureError(f"no crest picture {sha256[:12]} in the register")
        im = Image.open(io.BytesIO(bytes(row[0])))
        im.load()
        return im.convert("RGBA")

    def images(self) -> list[tuple[str, Any]]:
        return [(p.sha256, self.image(p.sha256)) for p in self.all()]

    def add(self, path: str | Path, *, kind: str = "crest",
            max_pixels: int | None = None) -> SchoolPicture:
        """Copy a crest or logo picture into the register (upright, at most PICTURE_SIDE px;
        a signed-in admin)."""
        user = self.audit.access.require("school.pictures").name
        from PIL import Image  # noqa: PLC0415

        from photovet.core.media.imaging import OpenedImage, apply_orientation, read_orientation  # noqa: PLC0415

        path = Path(path)
        if kind not in ("crest", "logo"):
            raise SchoolPictureError(f"a school picture is a crest or a logo, not {kind!r}")
        with OpenedImage(path, max_pixels) as op:
            orientation, _warns = read_orientation(op.im)
            im = op.decode()
            im = apply_orientation(im, orientation)
            im = im.convert("RGBA") if im.mode in ("RGBA", "LA", "P", "PA") else im.convert("RGB")
        if min(im.size) < MIN_PICTURE_SIDE:
            raise SchoolPictureError(
                f"the picture is too small ({im.width} x {im.height} pixels) to be recognised",
                path=path, hint=f"Use a picture at least {MIN_PICTURE_SIDE * 4} pixels across.")
        s = min(1.0, PICTURE_SIDE / max(im.size))
        if s < 1.0:
            im = im.resize((round(im.width * s), round(im.height * s)), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "PNG", optimize=True)
        data = buf.getvalue()
        sha = hashlib.sha256(data).hexdigest()
        from photovet.core.vision.crest import CrestMatcher  # noqa: PLC0415

        if not CrestMatcher([(sha, im)]).usable:
            raise SchoolPictureError(
                "the picture has too little detail to be found in photos (a plain shape or "
                "a single colour)", path=path,
                hint="Use the crest or logo as printed, with its emblem and lettering.")
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        with self.db.atomic():
            if self.db.one("SELECT 1 FROM school_pictures WHERE sha256 = ?", [sha]):
                raise SchoolPictureError("this picture is already the school's", path=path)
            n = self.db.scalar("SELECT COUNT(*) FROM school_pictures")
            if n >= MAX_PICTURES:
                raise SchoolPictureError(f"the school already has {n} crest and logo pictures "
                                         f"(at most {MAX_PICTURES})", path=path)
            self.db.execute("INSERT INTO school_pictures (sha256, kind, name, width, height, data, "
                            "added_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [sha, kind, path.name, im.width, im.height, data, now, user])
            self.audit.record("school.picture-add", {"sha256": sha, "kind": kind,
                                                     "file": path.name, "width": im.width,
                                                     "height": im.height})
        return SchoolPicture(sha, kind, path.name, im.width, im.height, now, user)

    def remove(self, sha256: str) -> SchoolPicture:
        """Forget a crest or logo picture (a signed-in admin)."""
        self.audit.access.require("school.pictures")
        matches = [p for p in self.all() if p.sha256.startswith(sha256.lower())] if sha256 else []
        if len(matches) != 1:
            raise SchoolPictureError(f"no single crest picture starts with '{sha256}'",
                                     hint=CRESTS_LIST_COMMAND)
        gone = matches[0]
        with self.db.atomic():
            self.db.execute("DELETE FROM school_pictures WHERE sha256 = ?", [gone.sha256])
            self.audit.record("school.picture-remove", {"sha256": gone.sha256,
                                                        "file": gone.name})
        return gone


@dataclass
class SchoolIdentity:
    """What the analysis looks for; matchers are built the first time they are needed.

    The crest pictures are decoded only then too (``load_pictures``): a command that finds
    every photo already checked never reads them. ``picture_ids`` (the pictures' sha256) is
    what the cache key needs."""

    names: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    address_words: list[str] = field(default_factory=list)
    pictures: list[tuple[str, Any]] = field(default_factory=list)   # (sha256, PIL image)
    threshold: int = 85
    picture_ids: list[str] = field(default_factory=list)
    load_pictures: Callable[[], list[tuple[str, Any]]] | None = field(default=None, repr=False)
    _text: Any = None
    _crest: Any = None

    def __post_init__(self) -> None:
        if self.pictures and not self.picture_ids:
            self.picture_ids = [sha for sha, _ in self.pictures]

    @property
    def has_text(self) -> bool:
        return bool(self.names or self.abbreviations or self.address_words)

    @property
    def active(self) -> bool:
        return self.has_text or bool(self.picture_ids)

    @property
    def fingerprint(self) -> str:
        """The crest pictures (the words are in the settings' analysis key)."""
        if not self.picture_ids:
            return ""
        return "|crest:" + ",".join(sorted(sha[:16] for sha in self.picture_ids))

    def text_matcher(self):
        if self._text is None and self.has_text:
            from photovet.core.vision.text.school import SchoolMatcher  # noqa: PLC0415

            self._text = SchoolMatcher(self.names, self.abbreviations, self.address_words,
                                       threshold=self.threshold)
        return self._text

    def crest_matcher(self):
        if self._crest is None and self.picture_ids:
            if not self.pictures and self.load_pictures is not None:
                self.pictures = self.load_pictures()
            if self.pictures:
                from photovet.core.vision.crest import CrestMatcher  # noqa: PLC0415

                self._crest = CrestMatcher(self.pictures)
        return self._crest


def load_identity(settings: Any, db: Database | None) -> SchoolIdentity:
    """The school's identifiers from its settings and the register's crest pictures (listed
    now, decoded when a photo is first searched for the crest)."""
    school = settings.school
    ids: list[str] = []
    loader = None
    if db is not None and "school_pictures" in db.tables():
        ids = [r[0] for r in db.all("SELECT sha256 FROM school_pictures ORDER BY added_at, sha256")]
        loader = SchoolPictures(db).images if ids else None
    return SchoolIdentity(list(school.names), list(school.abbreviations),
                          list(school.address_words), threshold=settings.text.fuzzy_threshold,
                          picture_ids=ids, load_pictures=loader)


__all__ = ["SchoolIdentity", "SchoolPicture", "SchoolPictureError", "SchoolPictures",
           "load_identity"]
