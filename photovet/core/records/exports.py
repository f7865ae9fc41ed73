"""What was exported and posted.

Every exported file gets an export record: output path and sha256, perceptual hashes of the
OUTPUT (so a copy downloaded back from a social network can be identified), source path and
sha256, channel, media, batch label, whose face is shown or covered, whose name is readable or
covered, the approval fingerprint, preparer, approver and time. A record is written after the
file was checked and before it gets its final name (media/export.py): no named export exists
without one. "Mark as posted" adds a post (channel, date, optional URL) to records found by
batch, by the sha256 of a file's content, or by output path.

takedown.py lists what must come down when consent is lost; sar.py answers a subject access
request from these records.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import socket
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photovet.core.errors import PhotoVetError
from photovet.core.models import Channel, ExportResult, Person
from photovet.core.storage import Database
from photovet.core.storage.database import stored_path, text_safe, twin_content
from photovet.core.words import EXPORTS_LIST_COMMAND, POSTED_ELSEWHERE_COMMAND, POSTED_FOLDER_COMMAND

if TYPE_CHECKING:
    import numpy as np

    from photovet.core.media import phash as _ph

# The perceptual hashes (numpy, PIL) are imported where files are recorded or identified, so a
# command that only lists or marks records starts without them.


def _host_tag() -> str:
    from photovet.core.fsutil import host_tag  # noqa: PLC0415

    return host_tag()


def _boot_tag() -> str:
    from photovet.core.fsutil import boot_tag  # noqa: PLC0415

    return boot_tag()


class RecordsError(PhotoVetError):
    """An export-record operation was refused (unknown batch, file not exported, ...)."""


# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------
# Plain records
# --------------------------------------------------------------------------------------------

@dataclass
class PostRecord:
    id: int
    export_id: int
    channel: str
    posted_on: str
    url: str = ""
    user: str | None = None
    caption: str | None = None        # None: posted with the export's caption
    caption_people: dict[str, CaptionRef] = field(default_factory=dict)
    created_at: str = ""              # when it was recorded (UTC ISO)
    #: why PhotoVet would not have allowed this post ('' it allowed it): recorded all the same
    #: (it happened) and put on the take-down list at once
    not_allowed: str = ""
    not_allowed_at: str | None = None     # when it was recorded so (UTC ISO)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["caption_people"] = {k: v.to_dict() for k, v in self.caption_people.items()}
        return d


@dataclass
class CaptionRef:
    """Someone a caption refers to, as recorded: the words it used (``found``), how much of
    the name (``form``: "initials", "first", "full") and, per media type, why the register
    already refused them when it was recorded ('' when it did not); read back, when that was
    (``recorded_at``, UTC ISO: the export's or the post's recording; '' not read back)."""

    person: str
    found: str
    form: str = "full"
    refused: dict[str, str] = field(default_factory=dict)
    recorded_at: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person, "found": self.found, "form": self.form,
                "refused": dict(self.refused)}


@dataclass
class MaybeShown:
    """Someone a face an export shows may be, besides whom it is shown as
    (``policy.maybe_shown``), as recorded: whom that face is shown as (``named_as``, '' nobody;
    never said in this person's own report), how ("near": PhotoVet could not tell them apart;
    "recognised": PhotoVet recognised them and staff named the face otherwise), and why their
    consent for the export's channel was already missing then ('' it was not)."""

    person: str
    named_as: str = ""
    how: str = "near"
    missing_then: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ExportRecord:
    id: int
    created_at: str
    batch: str
    channel: str
    output_path: str
    output_sha256: str
    phash: str
    source_path: str
    source_sha256: str
    width: int = 0
    height: int = 0
    faces_covered: int = 0
    texts_covered: int = 0
    people_shown: list[str] = field(default_factory=list)
    people_covered: list[str] = field(default_factory=list)
    names_covered: list[str] = field(default_factory=list)
    names_shown: list[str] = field(default_factory=list)
    preparer: str | None = None
    approver: str | None = None
    media: str = "photo"
    #: what its approval signed (approval.fingerprint); with approval not required, what an
    #: approval would have signed: what it published (pipeline._already_exported compares it)
    fingerprint: str = ""
    posts: list[PostRecord] = field(default_factory=list)
    device: dict[str, Any] = field(default_factory=dict)   # camera, and whether approved
    checks: list[str] = field(default_factory=list)        # the approver's ticked checks
    caption: str = ""                                      # posted with it ('' none recorded)
    caption_people: dict[str, CaptionRef] = field(default_factory=dict)
    #: the caption its approval signed ('' none; None: exported without approval, or recorded
    #: before approvals signed captions): a post with another caption is not allowed
    approved_caption: str | None = None
    #: the people a face it shows may be besides whom it is shown as (a twin near a face staff
    #: confirmed as the other twin), by id; not in ``people``: they are not known to be in it
    people_maybe: dict[str, MaybeShown] = field(default_factory=dict)
    #: every face left visible in the exported photo: where (x, y, w, h as fractions of the
    #: picture) and whom it was shown as ('' nobody); None: not recorded (a video, or an
    #: export recorded before this was kept): a subject access report then shows no picture
    faces_shown: list[dict[str, Any]] | None = None
    #: every name left readable in it (a subject access report covers the others'): where
    #: (corners, as fractions of the picture) and whose; None: not recorded, [] none
    names_kept: list[dict[str, Any]] | None = None
    #: a video: the time of the one frame ``faces_shown`` and ``names_kept`` are at (s33);
    #: None: a photo, or a video whose faces were not recorded
    faces_at: float | None = None
    #: the rules of its channel it was made under (``policy.rules_of``; ``policy.made_under``
    #: judges a post of it by them, s46); None: not known (judged as if none was applied)
    rules: dict[str, Any] | None = None

    @property
    def posted(self) -> bool:
        return bool(self.posts)

    def captions_on(self, channel: str | None = None) -> list[tuple[str, dict[str, CaptionRef]]]:
        """The captions published with this export (its own, and a post's own where it
        differed), with whom each refers to; with ``channel``, those of the posts on that
        channel (or the export's caption when it is not posted there)."""
        posts = [p for p in self.posts if channel is None or p.channel == channel]
        out: list[tuple[str, dict[str, CaptionRef]]] = []
        own = not posts or any(p.caption is None for p in posts) or channel is None
        if own and (self.caption or self.caption_people):
            out.append((self.caption, self.caption_people))
        for p in posts:
            if p.caption is not None and (p.caption, p.caption_people) not in out:
                out.append((p.caption, p.caption_people))
        return out

    def caption_mentions(self, person: str, channel: str | None = None) -> list[str]:
        """The words the captions use for ``person`` ("E.T."), each once."""
        return list(dict.fromkeys(refs[person].found for _, refs in self.captions_on(channel)
                                  if person in refs))

    @property
    def people(self) -> list[str]:
        """Everyone who appears in any way (shown, covered, name readable or covered)."""
        out: list[str] = []
        captioned = [pid for _, refs in self.captions_on() for pid in refs]
        for pid in (self.people_shown + self.names_shown + self.people_covered
                    + self.names_covered + captioned):
            if pid not in out:
                out.append(pid)
        return out

    def may_show_only(self, person: str) -> bool:
        """Whether ``person`` is in this export only as someone a face shown may be (a twin
        near a face staff confirmed as the other twin: ``people_maybe``), not known to be in
        it: a list of their exports marks it "may show them"."""
        return person in self.people_maybe and person not in self.people

    def roles(self, person: str) -> list[str]:
        r = []
        if person in self.people_shown:
            r.append("face shown")
        if person in self.names_shown:
            r.append("name readable")
        if person in self.people_covered:
            r.append("face covered")
        if person in self.names_covered:
            r.append("name covered")
        for found in self.caption_mentions(person):
            r.append(f"named in the caption as \u201c{found}\u201d")
        return r

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["posts"] = [p.to_dict() for p in self.posts]
        d["posted"] = self.posted
        d["people_maybe"] = {k: v.to_dict() for k, v in self.people_maybe.items()}
        return d


@dataclass
class IdentifyHit:
    """An export record that a given file is (a copy of), and who is in it."""

    record: ExportRecord
    distance: int                    # Hamming distance of the perceptual hashes (0..64)
    exact: bool                      # byte-identical to the export (sha256 equal)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def confidence(self) -> str:
        if self.exact:
            return "exact copy"
        if self.distance <= 4:
            return "same photo"
        return "very likely the same photo"

    def to_dict(self) -> dict[str, Any]:
        return {"record": self.record.to_dict(), "distance": self.distance, "exact": self.exact,
                "confidence": self.confidence, "names": dict(self.names),
                "people_shown": self.record.people_shown,
                "people_covered": self.record.people_covered,
                "names_shown": self.record.names_shown,
                "names_covered": self.record.names_covered,
                "people_maybe": list(self.record.people_maybe)}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _unsure_naming(final: Path, batch: str, hours: int) -> str:
    """An export being named that PhotoVet cannot tell is this PC's, left alone, in words
    (``Records.settle_interrupted``)."""
    return (f"an export into {final.parent} was not finished ({final.name}, batch '{batch}'), "
            "and PhotoVet cannot tell whether it stopped (a crash or a power cut before this "
            "computer last started) or is still being made on another computer set up from "
            "the same copy of the system as this one: its record and its unfinished file were "
            "left as they are. Nothing needs doing now: if it stopped, PhotoVet settles it when "
            f"it is opened {hours} hours after the export began; if the photo or video is not "
            "in that folder then, export it again")


def _naming_other_disk(final: Path, batch: str, changed: str) -> str:
    """An export cut short whose folder is now on another USB stick or drive than the one it
    was going to ("other"), or on one PhotoVet cannot tell from it ("unknown"), in words
    (``Records.settle_interrupted``, s50)."""
    where = ("is now on another USB stick or drive than the one it was going to (swapped for "
             "another?)" if changed == "other" else
             "is on a USB stick or drive that gives no id of its own now, so PhotoVet cannot "
             "tell whether it is the one it was going to")
    return (f"an export was interrupted before it was finished ({final.name}, batch '{batch}') "
            f"and its folder ({final.parent}) {where}: PhotoVet cannot tell whether it was "
            "saved, so its record is kept. Connect the stick or drive it was going to and "
            "open PhotoVet again")


def _own_disk_id(folder: Path) -> str | None:
    from photovet.core.fsutil import own_disk_id  # noqa: PLC0415

    try:
        return own_disk_id(folder)
    except OSError:
        return None


def _disk_changed(folder: Path, recorded: object) -> str:
    from photovet.core.fsutil import disk_changed  # noqa: PLC0415

    return disk_changed(folder, recorded if isinstance(recorded, str) else None)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _sha256(path: Path) -> str:
    from photovet.core.media.imaging import sha256_file  # noqa: PLC0415 (numpy, PIL)

    return sha256_file(path)


def _norm(path: str | Path) -> str:
    return os.path.normcase(os.path.abspath(str(path)))


def caption_refs(caption: str, people: Sequence[Person], channel: Channel,
                 on: _dt.date | None = None, *, threshold: int = 90,
                 named_not_allowed: Iterable[str] = ()) -> list[CaptionRef]:
    """Whom a caption refers to, as a record keeps it: the words used, how much of the name
    (vision.text.captions.caption_mentions), and why the register already refused each of
    them on ``channel`` that day (policy.refused_outright; '' when it did not), per media.

    ``named_not_allowed``: the people a caption that went out though PhotoVet refused it
    names in a way it may not (``Records.mark_posted(already_posted=True)``). The register's
    refusal that day excused nothing for them (a pupil refused from the start may be called
    by initials only), so none is kept: the take-down list says why they must come down."""
    from photovet.core.policy import refused_outright  # noqa: PLC0415
    from photovet.core.vision.text.captions import caption_mentions  # noqa: PLC0415

    on = on or _dt.date.today()
    by_id = {p.id: p for p in people}
    refs = []
    not_excused = set(named_not_allowed)
    for pid, m in caption_mentions(caption, people, threshold=threshold).items():
        refused = {media: "" if pid in not_excused else
                   refused_outright(by_id.get(pid), channel, media, on) or ""
                   for media in ("photo", "video")}
        refs.append(CaptionRef(pid, m.found, m.form, refused))
    return refs


def _caption_maybe(findings: Sequence[Any], refs: Sequence[CaptionRef]) -> dict[str, str]:
    """Of a refused caption's findings (``CaptionFinding``), those tied to no one pupil (a
    name several pupils share): everyone the caption's records say those words may refer to
    (``refs``, ``caption_mentions``), with why (``words.caption_may_name``)."""
    from photovet.core.words import caption_may_name  # noqa: PLC0415

    out: dict[str, str] = {}
    for f in findings:
        if f.person:
            continue
        said = " ".join(f.found.split()).casefold()
        for ref in refs:
            if ref.person not in out and " ".join(ref.found.split()).casefold() == said:
                out[ref.person] = caption_may_name(f.found, f.reason)
    return out


#: the version of ``exports.faces`` (the column was made, and left empty, long before)
_FACES_VERSION = 1


def _faces_json(faces: list[dict[str, Any]] | None,
                names: list[dict[str, Any]] | None = None, at: float | None = None
                ) -> str | None:
    """``ExportResult.faces_shown`` (and ``names_kept``; ``at``: a video's frame they are at)
    as the record keeps them (None: not recorded)."""
    if faces is None:
        return None
    d: dict[str, Any] = {"v": _FACES_VERSION, "shown": [
        {"box": [float(v) for v in f["box"]], "person": str(f.get("person") or "")}
        for f in faces]}
    if at is not None:
        d["at"] = float(at)
    if names is not None:
        d["names"] = [{"polygon": [[float(x), float(y)] for x, y in n["polygon"]],
                       "person": str(n.get("person") or "")} for n in names]
    return json.dumps(d, sort_keys=True)


def _faces_read(text: Any, key: str = "shown") -> list[dict[str, Any]] | None:
    """The faces a record kept visible (``key`` "names": the names it left readable); None
    when not recorded or not readable (a reader then knows nothing of where they are: fail
    closed)."""
    if not text:
        return None
    try:
        d = json.loads(text)
        if not isinstance(d, dict) or d.get("v") != _FACES_VERSION or key not in d:
            return None
        out: list[dict[str, Any]] = []
        for f in d[key]:
            if key == "names":
                out.append({"polygon": [[float(x), float(y)] for x, y in f["polygon"]],
                            "person": str(f.get("person") or "")})
            else:
                x, y, w, h = (float(v) for v in f["box"])
                out.append({"box": [x, y, w, h], "person": str(f.get("person") or "")})
        return out
    except (ValueError, TypeError, KeyError):
        return None


def _rules_read(text: Any) -> dict[str, Any] | None:
    """A record's rules it was made under (``Records._rules_json``); None: not recorded, or
    not readable (``policy.made_under`` judges it as if no rule was applied)."""
    try:
        d = json.loads(text) if text else None
    except (ValueError, TypeError):
        return None
    return d if isinstance(d, dict) else None


def _faces_at(text: Any) -> float | None:
    """A video's record: the time of the frame its faces are at (None: a photo, none kept)."""
    try:
        d = json.loads(text) if text else None
        at = d.get("at") if isinstance(d, dict) and d.get("v") == _FACES_VERSION else None
        return float(at) if at is not None else None
    except (ValueError, TypeError):
        return None


def forget_faces_shown(db: Database, person_id: str, export_ids: Iterable[int]) -> None:
    """``person_id`` is removed from the export records ``export_ids``: a face recorded as
    shown as them is kept as a face shown as nobody, in the caller's transaction."""
    for rid in export_ids:
        row = db.one("SELECT faces FROM exports WHERE id = ?", [rid])
        faces = _faces_read(row[0]) if row is not None else None
        names = _faces_read(row[0], "names") if row is not None else None
        if faces is None or not any(f["person"] == person_id for f in [*faces, *(names or [])]):
            continue

        def nobody(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [dict(f, person="" if f["person"] == person_id else f["person"])
                    for f in items]

        db.execute("UPDATE exports SET faces = ? WHERE id = ?",
                   [_faces_json(nobody(faces), nobody(names) if names is not None else None,
                                _faces_at(row[0])), rid])


def forget_original_place(db: Database, path: str | Path) -> None:
    """An original at ``path`` was deleted: the export records, approvals and copies from a
    device that knew its place forget it (set to ''), in the caller's transaction. A file name often names the
    pupil ("Nathan Ellison at sports day.jpg"), and these rows are kept long after the file,
    some for good (DPO audit s30); each keeps the file's content hash (``source_sha256``,
    ``sha256``), which is how a take-down, a subject access report and a second purge know it.
    A name with a byte that is not UTF-8 and one with the characters "\\xNN" are the same text
    in the register (``text_safe``): deleting one forgot the other's place too (s43), and that
    one was then never deleted ("deleted earlier"). When that other file is on the disk, the
    rows of its content keep their place.
    """
    where = os.path.abspath(str(path))
    other = twin_content(where)
    if other is not None:
        db.execute("UPDATE exports SET source_path = '' WHERE source_path = ? AND "
                   "source_sha256 != ?", [where, other])
        db.execute("UPDATE export_same_photo SET source_path = '' WHERE source_path = ? AND "
                   "source_sha256 != ?", [where, other])
        db.execute("UPDATE approvals SET path = '' WHERE path = ? AND sha256 != ?",
                   [where, other])
        db.execute("UPDATE device_copies SET path = '' WHERE path = ? AND sha256 != ?",
                   [where, other])
        return
    db.execute("UPDATE exports SET source_path = '' WHERE source_path = ?", [where])
    db.execute("UPDATE export_same_photo SET source_path = '' WHERE source_path = ?", [where])
    db.execute("UPDATE approvals SET path = '' WHERE path = ?", [where])
    db.execute("UPDATE device_copies SET path = '' WHERE path = ?", [where])


def full_names(person: Any) -> list[str]:
    """Every full name a person is or was said by (legal, preferred, display; former names
    too), longest first: what a sentence PhotoVet stored about them may contain."""
    forms = [person, *getattr(person, "also_known_as", ())] if person is not None else []
    names: set[str] = set()
    for f in forms:
        for first in (f.legal_forename, f.preferred_forename):
            for last in (f.legal_surname, f.preferred_surname):
                if first and last:
                    names.add(f"{first} {last}".strip())
        if getattr(f, "display_name", ""):
            names.add(f.display_name)
    return sorted((n for n in names if len(n) >= 3), key=lambda n: (-len(n), n))


def forget_caption_names(db: Database, person_id: str, names: Iterable[str] = (), *,
                         person: Person | None = None, audit: Any = None) -> list[int]:
    """A person's records or register row are deleted: the words of each caption recorded
    with an export or a post that named them ("Nathan", "N.E.": ``caption_people.found``)
    become ``words.CAPTION_NAME_REMOVED``, there and in the caption, in the caller's
    transaction (DPO audit s30: the caption kept their name for good); so do their ``names``
    (``full_names``) in why a post was recorded as not allowed (``posts.not_allowed``). The
    rest, and whom a caption refers to by id, stay. Returns the export records changed.
    ``forget_names`` for one person."""
    return forget_names(db, [(person_id, list(names), person)], audit=audit)[person_id]


def forget_names(db: Database, gone: Sequence[tuple[str, Iterable[str], Person | None]], *,
                 audit: Any = None, known: Mapping[str, Mapping[str, str]] | None = None,
                 learn: dict[str, dict[str, str]] | None = None) -> dict[str, list[int]]:
    """``forget_caption_names`` for several people at once (``gone``: each one's register id,
    full names and register row, None when it is no longer there), reading each stored text
    once with one matcher for all their names (s34: a retention run removing 60 leavers read
    every web address and note 60 times, minutes). In the caller's transaction. Returns, for
    each of them, the export records whose captions or reasons for not being allowed changed.

    A caption proposed for approval, and the one an approval signed (``approvals.caption``,
    its signed ``parts``, ``exports.approved_caption``: s31), is never recorded with whom it
    names: the words that may name them there are found again, as a record's would be
    (``caption_mentions`` of them alone, so a first name they share is removed too: fail
    closed), and removed the same way. So are the reasons and notes staff typed before the
    free-text check existed (an approval's comment, a review's reasons: ``forgetting``). What
    becomes of an approval whose signed parts change: ``forgetting.forget_in_approvals``
    (``audit`` records it; the register's own log when not given).

    ``known``: texts already read for these people and maybe others, each with whom the caption
    check found in it and as what words (``read_texts``: ``{text: {register id: found}}``):
    not read again, so that several people forgotten one after another, each in a short
    transaction of their own, cost about what forgetting them together does (s35). ``learn``:
    where to keep what each text read now was found to say."""

    from photovet.core.words import CAPTION_NAME_REMOVED  # noqa: PLC0415

    def whole(words: str) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w){re.escape(words)}(?!\w)", re.IGNORECASE)

    changed: dict[str, list[int]] = {pid: [] for pid, _names, _p in gone}
    said_of: dict[str, list[Any]] = {}
    refs_of: dict[str, list[Any]] = {}
    for pid, names, _person in gone:
        refs = db.all("SELECT export_id, post_id, found FROM caption_people WHERE person = ? "
                      "AND found != '' AND found != ?", [pid, CAPTION_NAME_REMOVED])
        refs_of[pid] = refs
        said_of[pid] = [whole(n) for n in [*names, *dict.fromkeys(str(r[2]) for r in refs)]
                        if n]
    regexed: list[tuple[str, str]] = []      # why a post was not allowed: as it was, now
    if any(said_of.values()):
        for post_id, export_id, why in db.all(
                "SELECT id, export_id, not_allowed FROM posts WHERE not_allowed != ''"):
            text = str(why)
            for pid, said in said_of.items():
                before = text
                for pattern in said:
                    text = pattern.sub(CAPTION_NAME_REMOVED, text)
                if text != before:
                    changed[pid].append(int(export_id))
            if text != why:
                db.execute("UPDATE posts SET not_allowed = ? WHERE id = ?", [text, post_id])
                regexed.append((str(why), text))
    for pid, refs in refs_of.items():
        for export_id, post_id, found in refs:
            words = whole(str(found))
            table, key = ("exports", export_id) if not post_id else ("posts", post_id)
            row = db.one(f"SELECT caption FROM {table} WHERE id = ?", [key])
            if row is None or not row[0]:
                continue
            text = words.sub(CAPTION_NAME_REMOVED, str(row[0]))
            if text != row[0]:
                db.execute(f"UPDATE {table} SET caption = ? WHERE id = ?", [text, key])
                changed[pid].append(int(export_id))
        db.execute("UPDATE caption_people SET found = ? WHERE person = ? AND found != ''",
                   [CAPTION_NAME_REMOVED, pid])
    people = [p for _pid, _names, p in gone if p is not None]
    scrub = _Scrubber(people, [p for said in said_of.values() for p in said], whole,
                      known=known, learn=learn)
    for was, now in regexed:
        scrub.derive(was, now)
    # the web addresses of posts, why a post was not allowed, take-down notes and who asked
    # for another pupil's withdrawal (s33: typed before the free-text check, or what happened);
    # the reasons of reviews and the approvals that signed them, approvals' comments (s34)
    from photovet.core.records.forgetting import (  # noqa: PLC0415
        Forgetter,
        forget_in_approvals,
        forget_in_posts_and_takedowns,
        forget_in_register_texts,
        forget_in_reviews,
    )

    forget = Forgetter(people, scrub, {pid: list(names) for pid, names, _p in gone})
    reasons = forget_in_reviews(db, forget)
    if audit is None:
        from photovet.core.audit import AuditLog  # noqa: PLC0415

        audit = AuditLog(db)
    forget_in_approvals(db, forget, reasons, audit=audit, people=list(changed))
    _forget_in_approved_captions(db, scrub)
    _forget_in_batch_labels(db, scrub)
    forget_in_posts_and_takedowns(db, list(changed), forget)
    forget_in_register_texts(db, forget)
    return {pid: sorted(set(ids)) for pid, ids in changed.items()}


class _Scrubber:
    """A text with ``said`` (patterns) and what may name ``people`` in it (found again, as a
    caption's names are: ``caption_mentions`` of them alone, so a first name they share is
    removed too: fail closed) replaced by ``words.CAPTION_NAME_REMOVED`` (calling it). One
    matcher for all of them, made once; each text is read once."""

    def __init__(self, people: Person | Sequence[Person] | None, said: list[Any],
                 whole: Callable[[str], Any], *,
                 known: Mapping[str, Mapping[str, str]] | None = None,
                 learn: dict[str, dict[str, str]] | None = None) -> None:
        self.known: Mapping[str, Mapping[str, str]] = known if known is not None else {}
        self.learn = learn
        if people is None:
            people = []
        elif isinstance(people, Person):
            people = [people]
        self.people = list(people)
        self.said = said
        self.whole = whole
        self._matcher: Any = None
        self._done: dict[str, str] = {}

    def patterns(self, text: str) -> list[Any]:
        """The patterns that may name them in ``text``."""
        from photovet.core.vision.text.captions import (  # noqa: PLC0415
            caption_matcher,
            caption_mentions,
        )

        patterns = list(self.said)
        if not self.people:
            return patterns
        said = self.known.get(text)
        if said is None and isinstance(self.known, ReadTexts):
            # a text none of them was read in yet (another of them changed it): read for all
            # of them, as the first pass did, and kept for the next
            if self.known.matcher is None:
                self.known.matcher = caption_matcher(self.known.people, 90)
            said = {pid: m.found for pid, m in caption_mentions(
                text, self.known.people, matcher=self.known.matcher).items() if m.found}
            self.known[text] = said
        if said is None:
            if self._matcher is None:
                self._matcher = caption_matcher(self.people, 90)
            said = {pid: m.found for pid, m in caption_mentions(
                text, self.people, matcher=self._matcher).items() if m.found}
            if self.learn is not None:
                self.learn[text] = dict(said)
        ids = {p.id for p in self.people}
        return patterns + [self.whole(found) for pid, found in said.items() if pid in ids]

    def derive(self, text: str, cleaned: str) -> None:
        """``text`` became ``cleaned`` (these people's names removed): what the others of
        ``known`` are found as in it is what they were found as in ``text``, where each is
        still there as it was (else it is read again: a name of theirs that shared words with
        these people's is not assumed gone). The next person forgotten does not read it again
        (s35: every text that named one leaver was read again for each of the others). What
        is still there of these people's is kept too (removed by their full names only, a first
        name of theirs alone is still found); another's words gone with theirs (two leavers
        called Amelia) are gone for them too."""
        was = self.known.get(text)
        if was is None or cleaned == text or cleaned in self.known or \
                not isinstance(self.known, dict):
            return
        ids = {p.id for p in self.people}
        rest: dict[str, str] = {}
        for pid, f in was.items():
            if self.whole(f).search(cleaned):
                rest[pid] = f
            elif pid not in ids and any(self.whole(w).search(cleaned)
                                        for w in re.findall(r"[^\W_]{2,}", f)):
                return      # part of what named them is still there: read it again
        self.known[cleaned] = rest

    def __call__(self, text: str) -> str:
        from photovet.core.words import CAPTION_NAME_REMOVED  # noqa: PLC0415

        if text not in self._done:
            cleaned = text
            for pattern in self.patterns(text):
                cleaned = pattern.sub(CAPTION_NAME_REMOVED, cleaned)
            self._done[text] = cleaned
            self.derive(text, cleaned)
        return self._done[text]


def _scrubber(people: Person | Sequence[Person] | None, said: list[Any],
              whole: Callable[[str], Any]) -> _Scrubber:
    return _Scrubber(people, said, whole)


class _ReadOnly:
    """A database whose writes are not made (``read_texts`` reads as forgetting would)."""

    class _Nothing:
        rowcount = 0

        def fetchone(self) -> None:
            return None

        def fetchall(self) -> list[Any]:
            return []

    def __init__(self, db: Database) -> None:
        self._db = db

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def execute(self, sql: str, params: Any = ()) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            return self._db.execute(sql, params)
        return self._Nothing()


class _NoAudit:
    def record(self, *_args: Any, **_kwargs: Any) -> None:
        return None


class ReadTexts(dict[str, dict[str, str]]):
    """``{text: {register id: found}}`` for ``people`` (``read_texts``); a text not in it yet
    is read for all of them when first met, and kept."""

    def __init__(self, people: Sequence[Person]) -> None:
        super().__init__()
        self.people = list(people)
        self.matcher: Any = None
        self.spaced: dict[str, str] = {}     # a web address -> its words (forgetting.web)


def read_texts(db: Database, gone: Sequence[tuple[str, Iterable[str], Person | None]]
               ) -> ReadTexts:
    """Whom of ``gone`` the caption check finds in each stored text, and as what words
    (``{text: {register id: found}}``), read once for all of them as ``forget_names`` would,
    outside any transaction and changing nothing (s35: the retention schedule then forgets
    each leaver in a short transaction of their own, ``forget_names(..., known=...)``, instead
    of holding the writer lock for all of them: other PCs waited ~20 s)."""
    learnt = ReadTexts([p for _pid, _names, p in gone if p is not None])
    forget_names(_ReadOnly(db), gone, audit=_NoAudit(), learn=learnt)  # type: ignore[arg-type]
    return learnt


def _forget_in_batch_labels(db: Database, scrub: Callable[[str], str]) -> None:
    """``forget_caption_names`` for batch labels ("Nathan's award"), in the caller's
    transaction: typed by staff, kept with each export record and approval, and never recorded
    with whom they name. The same label becomes the same words everywhere (a batch stays one
    batch: posting, purging and the take-down list find it by its label). An exported copy's
    file name is made from the label ("nathan-s-award-001.jpg"): where the retention schedule
    deleted the copy, the name its record (and the deletion's row) keeps is read with the
    separators as spaces and its words that may name them removed the same way. A copy not
    known to be deleted keeps its place, even if this PC does not see it (it may be on the PC
    that exported it, which still has to find it to delete it; the file's own name says as
    much, as an original's does)."""

    labels: dict[str, str] = {}
    for (label,) in db.all("SELECT DISTINCT batch FROM exports WHERE batch != '' UNION "
                           "SELECT DISTINCT batch FROM approvals WHERE batch IS NOT NULL AND "
                           "batch != ''"):
        cleaned = scrub(str(label))
        if cleaned != label:
            labels[str(label)] = cleaned
    for old, new in labels.items():
        db.execute("UPDATE exports SET batch = ? WHERE batch = ?", [new, old])
        db.execute("UPDATE approvals SET batch = ? WHERE batch = ?", [new, old])
    for (where,) in db.all("SELECT DISTINCT ref FROM retention_deletions WHERE "
                           "kind = 'export-copies' AND state = 'deleted'"):
        path = Path(str(where))
        spaced = re.sub(r"[-_.\s]+", " ", path.stem).strip()
        cleaned = scrub(spaced)
        if cleaned == spaced:
            continue
        new = str(path.with_name(cleaned + path.suffix))
        db.execute("UPDATE exports SET output_path = ? WHERE output_path = ?", [new, where])
        db.execute("UPDATE retention_deletions SET ref = ? WHERE kind = 'export-copies' AND "
                   "ref = ?", [new, where])


def _forget_in_approved_captions(db: Database, scrub: Callable[[str], str]) -> None:
    """``forget_names`` for the captions exports keep as approved (none is recorded with whom
    it names); an approval's own (``approvals.caption``, its signed ``parts``):
    ``forgetting.forget_in_approvals``."""
    for export_id, approved in db.all(
            "SELECT id, approved_caption FROM exports WHERE approved_caption IS NOT NULL AND "
            "approved_caption != ''"):
        cleaned = scrub(str(approved))
        if cleaned != approved:
            db.execute("UPDATE exports SET approved_caption = ? WHERE id = ?",
                       [cleaned, export_id])


def display_names(register: Any, ids: Iterable[str],
                  known: dict[str, Any] | None = None) -> dict[str, str]:
    """id -> the name the register shows for each of ``ids`` it holds. ``known``: people
    already read (by id; a person not among them is looked up)."""
    out: dict[str, str] = {}
    if register is None:
        return out
    for pid in ids:
        p = known.get(pid) if known is not None else None
        if p is None:
            try:
                p = register.person(pid)
            except Exception:
                continue
        if p is not None:
            out[pid] = p.display_name
    return out


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------

class Records:
    """The export records on one database (made by the Workspace)."""

    def __init__(self, db: Database, audit: Any = None, *, channels: Any = None,
                 register: Any = None, school: Callable[[], Any] | None = None):
        self.db = db
        #: the school's words as the settings hold them now (``school.school_words``), which
        #: a post's caption is checked against when the caller passes none (the workspace's)
        self._school = school
        if audit is None:
            from photovet.core.audit import AuditLog  # noqa: PLC0415

            audit = AuditLog(db)
        self.audit = audit
        if channels is None:
            from photovet.core.channels import ChannelRegistry  # noqa: PLC0415

            channels = ChannelRegistry(db, audit)
        self.channels = channels
        self._register = register
        self._index: _ph.HashIndex | None = None
        self._index_key: tuple[int, int] | None = None

    @property
    def register(self) -> Any:
        """The register whose consent a post is checked against (``mark_posted``): the
        Workspace's, else the register on this same database (never none: fail closed)."""
        if self._register is None:
            from photovet.core.register.people import Register  # noqa: PLC0415

            self._register = Register(self.db, audit=self.audit, channels=self.channels)
        return self._register

    @register.setter
    def register(self, value: Any) -> None:
        self._register = value

    # ---- writing ------------------------------------------------------------------------

    def record(self, result: ExportResult, written: Path, *, batch: str,
               preparer: str | None = None,
               recheck: Callable[[ExportResult], str | None] | None = None,
               caption: str = "", caption_refs: Iterable[CaptionRef] = (),
               begun_by: Any = None) -> int:
        """Record one checked export that is still under its temporary name ``written``;
        ``result.output`` is the name it is about to get (media/export.py calls this).
        ``preparer``: who prepared it: the account that marked it ready (``result.preparer``,
        from its approval), else this, else the signed-in account exporting.

        ``recheck``: asked inside the record's transaction, as the register is at that moment,
        whether the file is still what was decided (everyone it shows or names may still be
        shown; its review and approval unchanged: pipeline._LastCheck); a reason refuses the
        record (RecordsError), and the exporter then keeps no file. Consent withdrawn while
        a long video was being made must not be exported with it (found by an audit: it was).
        The transaction holds the register-wide writer lock (on a file and on a server), so
        a change on another PC is either seen here or waits until this export is recorded
        (and the take-down list then lists it). The right to export is checked again under
        that lock (a role ended on another PC while the copy was made stops it).

        ``caption``: the caption to be posted with it (checked by the caller), and
        ``caption_refs`` whom it refers to (vision.text.captions.caption_mentions).
        ``begun_by``: who began the batch this copy is part of (``recorder``: the Actor it was
        allowed for): the idle lock does not refuse it (``Access.require(carrying_on=True)``),
        the right is read again all the same, and it is refused when someone else is signed
        in now (signed out at the lock screen, another person signed in: the copy would have
        been recorded under their name)."""
        # a batch allowed when it began (``recorder``): a lock that came on while this copy
        # was made does not throw it away; the right itself is read again
        carrying_on = begun_by is not None
        actor = self.audit.access.require("export", carrying_on=carrying_on)
        self._same_person(actor, begun_by, result)
        preparer = result.preparer or preparer or actor.name
        if result.error or not result.output:
            raise RecordsError(f"not exported ({result.error or 'no output file'}); nothing to "
                               "record", path=result.source)
        written = Path(written)
        if not written.is_file():
            raise RecordsError("the checked copy is missing; nothing recorded", path=written)
        from photovet.core.media import phash as _ph  # noqa: PLC0415

        out_sha = _sha256(written)
        if result.output_sha256 and result.output_sha256 != out_sha:
            raise RecordsError("the checked copy changed before it was recorded; nothing recorded",
                               path=written)
        key_frames: list[tuple[float, list[int]]] = []
        try:
            if result.media == "video":
                from photovet.core.media.video.frames import key_frame_hashes  # noqa: PLC0415

                key_frames = key_frame_hashes(written)
                variants = key_frames[0][1]
            else:
                variants = _ph.phash_variants_file(written)
        except Exception as exc:
            raise RecordsError("the exported file could not be read for its perceptual hash "
                               f"({exc})", path=result.output) from exc
        shown = list(dict.fromkeys(result.people_shown))
        covered = [p for p in dict.fromkeys(result.people_covered) if p not in shown]
        names_shown = list(dict.fromkeys(result.names_shown))
        named = [p for p in dict.fromkeys(result.names_covered) if p not in names_shown]
        row = {
            "created_at": _now(), "batch": batch, "channel": result.channel,
            "output_path": os.path.abspath(str(result.output)), "output_sha256": out_sha,
            "phash": _ph.to_hex(variants[0]), "phash_variants": _ph.pack(variants),
            "source_path": os.path.abspath(str(result.source)),
            "source_sha256": result.source_sha256 or "",
            "width": result.width, "height": result.height,
            "faces_covered": result.faces_covered, "texts_covered": result.texts_covered,
            "people_shown": json.dumps(shown), "people_covered": json.dumps(covered),
            "names_covered": json.dumps(named), "names_shown": json.dumps(names_shown),
            "faces": _faces_json(result.faces_shown, result.names_kept,
                                 result.faces_at if result.media == "video" else None),
            "preparer": preparer, "approver": result.approver,
            "media": result.media or "photo", "fingerprint": result.fingerprint or "",
            "device": json.dumps(result.device, sort_keys=True) if result.device else "",
            "checks": json.dumps(list(result.checks)),
            "caption": caption or "",
            "approved_caption": result.approved_caption,
            "rules": self._rules_json(result),
            # still under its temporary name: which file, and who is naming it (cleared by
            # ``named``; a crash in between is settled at the next open: settle_interrupted)
            # (its start too: a PC made from the same image has this one's name and tag, s48)
            # and the disk its folder is on: another stick with the same folders in its
            # place at the next start is not where it was going (s50)
            "naming": json.dumps({"temp": os.path.abspath(written), "pid": os.getpid(),
                                  "host": socket.gethostname(), "tag": _host_tag(),
                                  "boot": _boot_tag(),
                                  "disk": _own_disk_id(Path(str(result.output)).parent)})
            if os.path.abspath(written) != os.path.abspath(str(result.output)) else None,
        }
        refs = list(caption_refs)
        with self.db.atomic():
            # as the register is now, under the lock
            self._same_person(self.audit.access.require("export", carrying_on=carrying_on),
                              begun_by, result)
            why = recheck(result) if recheck is not None else None
            if why:
                raise RecordsError(f"not exported: {why} while the copy was being made; nothing "
                                   "was recorded, and the copy was not kept", path=result.source)
            maybe = self._maybe_now(result, shown)
            rid = self.db.insert(
                f"INSERT INTO exports ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                list(row.values()))
            for pos, (seconds, hs) in enumerate(key_frames):
                self.db.execute("INSERT INTO export_key_frames (export_id, position, seconds, "
                                "phash_variants) VALUES (?, ?, ?, ?)",
                                [rid, pos, float(seconds), _ph.pack(hs)])
            for role, ids in (("shown", shown), ("covered", covered), ("name-covered", named),
                              ("name-shown", names_shown)):
                for pid in ids:
                    self.db.execute("INSERT INTO export_people (export_id, person, role) "
                                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [rid, pid, role])
            self._write_caption_people(rid, 0, refs, result.media or "photo")
            for m in maybe:
                self.db.execute("INSERT INTO export_maybe (export_id, person, named_as, how, "
                                "missing_then) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                [rid, m.person, m.named_as, m.how, m.missing_then])
            self.audit.record("export.recorded", {
                # ids, never the batch label nor the file name made from it ("Nathan's
                # award", "nathan-s-award-001.jpg": s32): the record keeps them, and forgets
                # a pupil's name in them when the pupil goes; the log is never rewritten
                "export_id": rid, "channel": result.channel, "output_sha256": out_sha,
                "source_sha256": row["source_sha256"],
                "people_shown": shown, "people_covered": covered, "names_covered": named,
                "names_shown": names_shown, "fingerprint": row["fingerprint"],
                **({"analysis": result.analysis_key} if result.analysis_key else {}),
                "preparer": preparer, "approver": result.approver,
                "device": result.device or {}, "checks": list(result.checks),
                "caption_people": [r.person for r in refs],
                **({"people_maybe": [m.person for m in maybe]} if maybe else {})})
        if self._index is not None:
            self._index.add(rid, variants)
            self._index_key = self._current_key()
        return rid

    @staticmethod
    def _same_person(actor: Any, begun_by: Any, result: ExportResult) -> None:
        """RecordsError unless ``actor`` (signed in now) is who began the batch."""
        if begun_by is None or (actor.account_id, actor.name) == \
                (begun_by.account_id, begun_by.name):
            return
        raise RecordsError(f"not exported: {begun_by.name} began this export and {actor.name} "
                           "is signed in now; nothing was recorded, and the copy was not kept",
                           path=result.source,
                           hint=f"{actor.name} exports it again if it should be exported.")

    def _maybe_now(self, result: ExportResult, shown: list[str]) -> list[MaybeShown]:
        """``result.people_maybe`` as recorded, each with why their consent for the export's
        channel was missing as the export was decided (``result.maybe_missing``; '' it was not),
        else as the register is now, under the record's lock (``policy.maybe_consent_missing``
        compares with it: a withdrawal after the decision is listed)."""
        from photovet.core.channels import UnknownChannelError  # noqa: PLC0415
        from photovet.core.policy import consent_missing  # noqa: PLC0415

        out: list[MaybeShown] = []
        if not result.people_maybe:
            return out
        try:
            channel = self.channels.get(result.channel)
        except UnknownChannelError:
            channel = Channel(id=result.channel, label=result.channel, names="none")
        for pid, named, how in result.people_maybe:
            if pid in shown or any(m.person == pid for m in out):
                continue
            then = result.maybe_missing[pid] if pid in result.maybe_missing else \
                consent_missing(self.register.find(pid), channel, result.media or "photo",
                                _dt.date.today())
            out.append(MaybeShown(pid, named or "", how or "near", then or ""))
        return out

    def add_export(self, result: ExportResult, *, batch: str, channel: str | None = None,
                   preparer: str | None = None, approver: str | None = None,
                   caption: str = "", caption_refs: Iterable[CaptionRef] = ()) -> int:
        """Record an export that already has its final name (tools and tests; the export
        pipeline uses ``recorder``). A result that does not say which rules it was made under
        (``ExportResult.channel_rules``) is taken as made now, under its channel's rules as
        they are: the caller has just made it; ``record`` itself never guesses."""
        if channel:
            result.channel = channel
        if not result.channel_rules:
            from photovet.core.channels import UnknownChannelError  # noqa: PLC0415
            from photovet.core.policy import rules_of  # noqa: PLC0415

            try:
                result.channel_rules = rules_of(self.channels.get(result.channel))
            except UnknownChannelError:
                pass
        if approver is not None:
            result.approver = approver
        if not result.output:
            raise RecordsError(f"not exported ({result.error or 'no output file'}); nothing to "
                               "record", path=result.source)
        return self.record(result, Path(result.output), batch=batch, preparer=preparer,
                           caption=caption, caption_refs=caption_refs)

    def moved(self, record_id: int, final: Path) -> None:
        """The export got another name than planned (another export took it first)."""
        with self.db.atomic():
            self.db.execute("UPDATE exports SET output_path = ? WHERE id = ?",
                            [os.path.abspath(str(final)), record_id])
            # by its record: the file name is made from the batch label (s32)
            self.audit.record("export.renamed", {"export_id": record_id})

    def same_photo(self, record_id: int, source: str | Path, sha256: str) -> bool:
        """The original ``source`` (content ``sha256``) is the same photo as export
        ``record_id``'s and was exported as that copy (the same photo twice in a batch, under
        another name: written once). Its place is kept with the export, so "Delete originals"
        deletes it beside its original once the copy is verified, as it does the first (s52:
        it was left on the disk for good). Refused unless the signed-in account may export
        and the content is the export's own; False when it was recorded already."""
        actor = self.audit.access.require("export")
        where = os.path.abspath(str(source))
        with self.db.atomic():
            row = self.db.one("SELECT source_sha256, source_path FROM exports WHERE id = ?",
                              [int(record_id)])
            if row is None or not sha256 or row[0] != sha256:
                raise RecordsError(f"export {record_id} is not a copy of this photo")
            # (the register holds a name that is not UTF-8 as text: compared as it holds it)
            if row[1] == text_safe(where) or self.db.one(
                    "SELECT 1 FROM export_same_photo WHERE export_id = ? AND source_path = ?",
                    [int(record_id), where]):
                return False
            self.db.execute("INSERT INTO export_same_photo (export_id, source_path, "
                            "source_sha256, created_at, actor) VALUES (?, ?, ?, ?, ?)",
                            [int(record_id), where, sha256, _now(), actor.name])
            # by its record, never the file's name (it may name a pupil: s32)
            self.audit.record("export.same-photo", {"export_id": int(record_id)})
        return True

    def same_photo_originals(self, record_ids: Iterable[int]) -> dict[int, list[str]]:
        """The other originals each export is the copy of (``same_photo``), by export id;
        places forgotten since (deleted) are left out."""
        ids = [int(i) for i in record_ids]
        out: dict[int, list[str]] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            for rid, path, sha in self.db.all(
                    "SELECT export_id, source_path, source_sha256 FROM export_same_photo "
                    f"WHERE source_path != '' AND export_id IN ({', '.join('?' * len(part))}) "
                    "ORDER BY id", part):
                out.setdefault(int(rid), []).append(stored_path(path, sha or ""))
        return out

    def named(self, record_id: int) -> None:
        """The recorded export has its final name now (``record`` was given its temporary
        file): nothing is left to settle if PhotoVet stops."""
        with self.db.atomic():
            self.db.execute("UPDATE exports SET naming = NULL WHERE id = ?", [record_id])

    def settle_interrupted(self) -> list[str]:
        """Exports this PC recorded but never named because PhotoVet stopped in between (a
        crash, a power cut): the record of one whose file has its name (and its hash) is
        kept; any other is forgotten (audited, as ``abandon``) and its temporary file removed:
        nothing was published. Exports of a process still running, or of another PC, are left
        alone, and so is one whose folder is not there or whose copy cannot be read (a stick
        pulled out: whether it was published cannot be seen; said). One recorded on this PC
        before it last started, or on another PC made from the same image (same name and
        tag), or on this PC where it has no id of its start (Windows): which of them cannot be
        told, so it is left and said until nobody has touched it for
        ``fsutil.STALE_TEMP_SECONDS`` (s48: a clone of this PC opening the shared register
        removed this PC's copy in progress, its process id not running there). Returns one
        sentence per export forgotten or left for later."""
        from photovet.core.fsutil import (  # noqa: PLC0415
            STALE_TEMP_SECONDS,
            fsync_dir,
            installation_id,
            pid_alive,
            quiet_for_long,
            this_start,
            unplugged_disk,
        )

        out: list[str] = []
        host, tag = socket.gethostname(), _host_tag()
        for rid, naming in self.db.all("SELECT id, naming FROM exports WHERE naming IS NOT NULL"):
            try:
                who = json.loads(naming)
                pid = int(who["pid"])
                # this PC's by its tag (its name and own id: s46, another PC of the same name,
                # made from one image, forgot this one's export in progress on a shared
                # register and removed its file); a row of an older PhotoVet by its name
                if ("tag" in who and (who["tag"] != tag or not installation_id())) or \
                        who.get("host") != host:
                    continue
                # its process is asked only when it is of this PC's present start (s48)
                ours = this_start(str(who.get("tag") or ""), str(who.get("boot") or ""))
                if ours and pid_alive(pid):
                    continue
            except (ValueError, KeyError, TypeError):
                continue
            temp = Path(str(who.get("temp") or ""))
            if not ours:
                row = self.db.one("SELECT output_path, batch, created_at FROM exports "
                                  "WHERE id = ?", [rid])
                if row is None or not self._left_long(row[2], temp, quiet_for_long,
                                                      STALE_TEMP_SECONDS):
                    if row is not None:
                        out.append(_unsure_naming(Path(row[0]), row[1],
                                                  STALE_TEMP_SECONDS // 3600))
                    continue
            with self.db.atomic():
                row = self.db.one("SELECT output_path, output_sha256, batch FROM exports "
                                  "WHERE id = ? AND naming = ?", [rid, naming])
                if row is None:
                    continue        # settled meanwhile by another process of this PC
                final, digest, batch = Path(row[0]), row[1], row[2]
                try:
                    # its folder not there (a stick pulled out after the crash, a share not
                    # connected yet) or its copy not readable: whether it was published cannot
                    # be seen, so it is settled at a later start (s46 audit: its record was
                    # forgotten, "nothing was published", with the copy on the stick)
                    if not final.parent.is_dir() or unplugged_disk(final.parent) is not None:
                        out.append(f"an export was interrupted before it was finished "
                                   f"({final.name}, batch '{batch}') and its folder "
                                   f"({final.parent}) is not there now, so PhotoVet cannot "
                                   "tell whether it was saved: its record is kept; connect "
                                   "the USB stick, drive or shared folder it went to and open "
                                   "PhotoVet again")
                        continue
                    done = final.is_file() and _sha256(final) == digest
                    # its folder on another disk than the one it was going to (a stick
                    # swapped for another with the same folders) or one that cannot be told
                    # from it: the copy may be on the first, and posted from it (s50)
                    changed = "" if done else _disk_changed(final.parent, who.get("disk"))
                except OSError:
                    continue
                if changed:
                    out.append(_naming_other_disk(final, batch, changed))
                    continue
                if done:
                    self.db.execute("UPDATE exports SET naming = NULL WHERE id = ?", [rid])
                    continue
                self.abandon(rid, "PhotoVet stopped (a crash or a power cut) after recording "
                             "this export and before giving it its name; nothing was published",
                             user="PhotoVet (after an interruption)")
            if temp.name and temp.is_file() and not final.exists():
                try:
                    temp.unlink()
                    fsync_dir(temp.parent)
                except OSError:
                    pass
            out.append(f"an export was interrupted before it was finished ({final.name}, batch "
                       f"'{batch}'): its record was removed and nothing was published; export "
                       "that photo or video again")
        return out

    @staticmethod
    def _left_long(created_at: str, temp: Path, quiet: Callable[[Path], bool],
                   stale: int) -> bool:
        """Has nobody touched an export being named for ``stale`` seconds: recorded that long
        ago by this computer's clock, and its temporary file (if it is there) not written to
        for that long by its folder's clock and this one's (``fsutil.quiet_for_long``)? A
        record whose time cannot be read never is."""
        try:
            made = _dt.datetime.fromisoformat(created_at)
        except (TypeError, ValueError):
            return False
        if made.tzinfo is None:
            made = made.replace(tzinfo=_dt.UTC)
        if (_dt.datetime.now(_dt.UTC) - made).total_seconds() <= stale:
            return False
        return not (temp.name and os.path.lexists(temp)) or quiet(temp)

    def abandon(self, record_id: int, reason: str, *, user: str | None = None) -> None:
        """The export could not be given its name after it was recorded: forget the record.
        ``user``: who acts when nobody is signed in (the audit log's rule)."""
        with self.db.atomic():
            self.db.execute("DELETE FROM export_key_frames WHERE export_id = ?", [record_id])
            self.db.execute("DELETE FROM export_people WHERE export_id = ?", [record_id])
            self.db.execute("DELETE FROM caption_people WHERE export_id = ?", [record_id])
            self.db.execute("DELETE FROM export_maybe WHERE export_id = ?", [record_id])
            self.db.execute("DELETE FROM export_same_photo WHERE export_id = ?", [record_id])
            self.db.execute("DELETE FROM exports WHERE id = ?", [record_id])
            self.audit.record("export.abandoned", {"export_id": record_id, "reason": reason},
                              user=user)
        self._index = None

    def recorder(self, *, batch: str, preparer: str | None = None,
                 recheck: Callable[[ExportResult], str | None] | None = None,
                 caption: str = "", caption_refs: Iterable[CaptionRef] = ()) -> _Recorder:
        """What media/export.py calls for each checked file of one batch (refused at once
        unless the signed-in account may export); ``recheck``, ``caption`` and
        ``caption_refs`` as for ``record``."""
        actor = self.audit.access.require("export")
        return _Recorder(self, batch, preparer or actor.name, recheck, caption,
                         list(caption_refs), begun_by=actor)

    def _write_caption_people(self, export_id: int, post_id: int, refs: list[CaptionRef],
                              media: str) -> None:
        for ref in refs:
            self.db.execute(
                "INSERT INTO caption_people (export_id, post_id, person, found, form, refused) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [export_id, post_id, ref.person, ref.found, ref.form,
                 ref.refused.get(media, "")])

    def _channel_label(self, channel_id: str) -> str:
        try:
            return self.channels.get(channel_id).label
        except Exception:   # a channel since removed (or unknown): its id says which
            return channel_id

    def _channel_refusal(self, export_id: int, channel: str) -> str | None:
        """policy.post_channel_refusal for one export record and the channel it is posted on."""
        from photovet.core.policy import post_channel_refusal  # noqa: PLC0415

        row = self.db.one("SELECT channel FROM exports WHERE id = ?", [export_id])
        return post_channel_refusal(row[0] if row else "", channel, self._channel_label)

    def _match_files(self, files: Iterable[Path], problems: list | None,
                     channel: str | None = None) -> list[int]:
        """The export records of ``files`` (by content, then by path); with ``channel``, only
        those exported for it (a file exported for another channel only: refused, said why)."""
        ids: list[int] = []
        errors: list[tuple[Path, str]] = []
        for f in files:
            f = Path(f)
            found: list[int] = []
            if f.is_file():
                try:
                    sha = _sha256(f)
                except PhotoVetError as exc:
                    errors.append((f, exc.message))
                    continue
                found = [r[0] for r in self.db.execute(
                    "SELECT id FROM exports WHERE output_sha256 = ? ORDER BY id", [sha])]
            if not found:
                want = _norm(f)
                found = [r[0] for r in self.db.execute(
                    "SELECT id, output_path FROM exports ORDER BY id") if _norm(r[1]) == want]
            if not found:
                errors.append((f, _no_export_record(f)))
            elif channel is not None:
                refusals = [self._channel_refusal(i, channel) for i in found]
                if all(refusals):
                    errors.append((f, str(refusals[0])))
                found = [i for i, why in zip(found, refusals) if not why]
            ids.extend(i for i in found if i not in ids)
        if errors:
            if problems is None:
                f, why = errors[0]
                raise RecordsError(why, path=f)
            problems.extend(errors)
        return ids

    def posted_elsewhere(self, *, batch: str | None = None, files: list[Path] | None = None,
                         channel: str) -> list[tuple[Path, str]]:
        """The exports of ``batch`` and/or ``files`` that were not exported for ``channel``,
        each with why it may not simply be marked as posted there (asked before marking, so a
        person can say whether it really was posted there)."""
        out: list[tuple[Path, str]] = []
        rows: list[tuple[int, str]] = []
        if batch is not None:
            rows = [(r[0], r[1]) for r in self.db.execute(
                "SELECT id, output_path FROM exports WHERE batch = ? ORDER BY id", [batch])]
        if files:
            ids = self._match_files(files, [], None)
            rows += [(i, self.db.one("SELECT output_path FROM exports WHERE id = ?", [i])[0])
                     for i in ids if i not in {r for r, _ in rows}]
        for rid, out_path in rows:
            why = self._channel_refusal(rid, channel)
            if why:
                out.append((Path(out_path), why))
        return out

    def mark_posted(self, *, batch: str | None = None, files: list[Path] | None = None,
                    channel: str, date: _dt.date | None = None, url: str | None = None,
                    problems: list | None = None, caption: str | None = None,
                    people: Sequence[Person] | None = None, mode: str = "consent",
                    threshold: int = 90, elsewhere: bool = False,
                    marked: list | None = None, not_allowed: list | None = None,
                    already_posted: bool = False, school: Any = None) -> int:
        """Add a post to every record of ``batch`` and/or of ``files``. Returns how many export
        records were marked. Files are matched by the sha256 of their content first, then by
        output path. Unmatched files raise ``RecordsError`` (nothing written) unless a
        ``problems`` list is given, which then receives ``(file, reason)`` and the rest go on.
        Made by the signed-in poster.

        ``caption``: the caption the post went out with, when it was not the one recorded with
        the export. It is checked like an export's caption with ``people`` (the register),
        ``mode``, the school's words (``school``: ``vision/text/school.school_words``, s44: a
        caption naming the school where the channel must not show which school it is) and the
        channel's rules (CaptionError: nothing recorded) and kept with the
        post, with whom it refers to (take-down lists and subject access reports). A caption
        the export's approval did not sign (``ExportRecord.approved_caption``; none signed
        counts: only no caption goes then) is refused the same way, before what it names
        (CaptionError): nobody with authority saw it. A refusal suggests only a caption the
        approvals of all the photos marked signed (and the channel allows now), and says when
        they were approved with different captions (mark them in groups).

        A copy is marked as posted only on the channel it was exported (checked and approved)
        for (``policy.post_channel_refusal``): refused, nothing written, or per file with
        ``problems``. ``elsewhere``: the person says it really was posted on ``channel`` all
        the same; it is recorded (audited as such) so the take-down list checks consent there
        and says at once what must come down.

        ``marked``: a list that receives the ids of the records marked (to say how many photos
        and videos they were, ``records_by_id``).

        A post that happened is always on record (subject access reports, the take-down list),
        even when PhotoVet would not have allowed it: an export taken down or on the take-down
        list, or showing (or naming) someone who would now be covered on ``channel``
        (``policy.post_refusal``, judged in the transaction that records the post, with
        ``self.register`` as it is then). Such a post is recorded flagged
        (``PostRecord.not_allowed``: why), put on the take-down list in the same transaction
        (an item taken down is open again), and audited ("export.posted-not-allowed", ids
        only); ``not_allowed`` receives ``(file, why)`` for each, for the front end to say
        (``words.posted_not_allowed``).

        ``already_posted``: the person says the post already went out with ``caption``. A
        caption PhotoVet refuses then no longer refuses the call (that would leave a post that
        happened off the record, or record a caption that never went out): the posts are
        recorded with the caption as it went out and whom it names, flagged not allowed (the
        caption's reasons as the take-down list words them, ``policy.post_refusal``; else
        ``policy.caption_posted_refusal``), on the take-down list at once and audited, as
        above; so does a caption the approval did not sign (``words.caption_posted_not_approved``).
        Without it, such a caption refuses the call (CaptionError: nothing recorded;
        fix the caption before posting)."""
        user = self.audit.access.require("post").name
        if school is None and self._school is not None:
            # s44 audit: 'school=None' by default let a caller that forgot the school's words
            # record "Sports day at Oakfield Primary!" as posted on Facebook unflagged
            school = self._school()
        check = None if elsewhere else channel
        if not channel:
            raise RecordsError("a channel is needed to mark photos as posted")
        if batch is None and not files:
            raise RecordsError("say which batch or which files were posted")
        ids: list[int] = []
        if batch is not None:
            rows = list(self.db.execute(
                "SELECT id, output_path FROM exports WHERE batch = ? ORDER BY id", [batch]))
            if not rows:
                raise RecordsError(f"no exports are recorded for batch '{batch}'",
                                   hint=EXPORTS_LIST_COMMAND)
            # a copy is posted only where it was checked and approved for (fail closed)
            checked = [(rid, out, self._channel_refusal(rid, check) if check else None)
                       for rid, out in rows]
            wrong = [(Path(out), why) for _rid, out, why in checked if why]
            if wrong and problems is None:
                raise RecordsError(
                    f"'{batch}' was not marked as posted: {wrong[0][1]}",
                    hint=f"Export it again for {self._channel_label(channel)} (it is checked "
                         "and approved for that channel), then mark that export as posted. If "
                         f"it really was posted on {self._channel_label(channel)}, "
                         f"{POSTED_ELSEWHERE_COMMAND}: the take-down list then checks consent "
                         "there.")
            if problems is not None:
                problems.extend(wrong)
            ids = [rid for rid, _out, why in checked if not why]
        if files:
            ids += [i for i in self._match_files(files, problems, check) if i not in ids]
        day = (date or _dt.date.today()).isoformat()
        now = _now()
        caption = caption.strip() if caption is not None else None
        if caption is not None and people is None:   # never recorded unchecked
            raise RecordsError("a caption cannot be recorded without the register to check it")
        with self.db.atomic():
            return self._record_posts(
                ids, batch=batch, files=files, channel=channel, day=day, now=now, url=url,
                user=user, caption=caption, people=people, mode=mode, threshold=threshold,
                elsewhere=elsewhere, date=date, marked=marked, not_allowed=not_allowed,
                already_posted=already_posted, school=school)

    def _record_posts(self, ids: list[int], *, batch: str | None, files: list[Path] | None,
                      channel: str, day: str, now: str, url: str | None, user: str,
                      caption: str | None, people: Sequence[Person] | None, mode: str,
                      threshold: int, elsewhere: bool, date: _dt.date | None,
                      marked: list | None, not_allowed: list | None,
                      already_posted: bool = False, school: Any = None) -> int:
        """``mark_posted`` in its transaction: the caption is checked, the posts are written
        (those PhotoVet would not have allowed flagged, and on the take-down list at once; a
        refused caption only when it already went out)."""
        from photovet.core.records.takedown import (  # noqa: PLC0415
            close_stale,
            evaluate,
            hold_caption_people,
            list_not_allowed,
            post_refusals,
        )

        # the right to post as the register holds it now, under the writer lock: a role ended
        # on another PC while the files were being matched stops it
        user = self.audit.access.require("post").name
        if ids and self.register is not None:
            # an item whose reason went away is closed (it refuses nothing), as the list
            # would show it now
            close_stale(self, self.register, ids)
        no = post_refusals(self, self.register, ids, channel, school=school)
        refs: list[CaptionRef] = []
        medias: dict[int, str] = {}
        caption_findings: list = []     # a refused caption that already went out: why
        unapproved: dict[int, tuple[str, str]] = {}   # not the caption approved: why, approved
        if caption is not None and ids:
            from photovet.core.channels import UnknownChannelError  # noqa: PLC0415
            from photovet.core.vision.text.captions import caption_refusal  # noqa: PLC0415
            from photovet.core.words import (  # noqa: PLC0415
                CAPTION_POSTED_NOT_APPROVED_TOO,
                caption_posted_not_approved,
            )

            try:
                ch = self.channels.get(channel)
            except UnknownChannelError:
                # fail closed: names none, and the school must not be identifiable
                ch = Channel(id=channel, label=channel, names="none", cover_school=True)
            medias = {r[0]: r[1] for r in self.db.execute(
                f"SELECT id, media FROM exports WHERE id IN ({','.join('?' for _ in ids)})", ids)}
            on = date or _dt.date.today()
            assert people is not None
            kinds = tuple(dict.fromkeys(["photo", *medias.values()]))
            bad_caption = caption_refusal(caption, people, ch, on, mode, threshold=threshold,
                                          media=kinds, outcome="nothing was marked as posted",
                                          school=school)
            unapproved = self._caption_not_approved(ids, caption)
            if not already_posted and (unapproved or bad_caption is not None):
                # refused: the approval first (a caption nobody approved is refused whatever
                # it names), and only a caption approved for them all is ever suggested (walk
                # s33: the names' suggestion was then refused as not approved, and the first
                # photo's approved caption was offered for a batch approved with several)
                def refused(c: str) -> bool:
                    return caption_refusal(c, people, ch, on, mode, threshold=threshold,
                                           media=kinds, school=school) is not None
                raise self._post_caption_error(ids, caption, unapproved, bad_caption, refused)
            if unapproved:
                # it went out so: recorded as it went out, flagged, and on the take-down list
                # at once (below), as a caption the channel's rules refuse
                paths = self._output_paths(list(unapproved))
                for rid, (_why, approved) in unapproved.items():
                    no[rid] = (f"{no[rid].rstrip('.')}; {CAPTION_POSTED_NOT_APPROVED_TOO}"
                               if no.get(rid) else caption_posted_not_approved(
                                   Path(paths[rid]).name, ch.label, caption, approved))
            if bad_caption is not None:
                # it went out so: what it may not say, for every media type posted
                for kind in kinds:
                    more = caption_refusal(caption, people, ch, on, mode, threshold=threshold,
                                           media=(kind,), school=school)
                    caption_findings += [f for f in (more.findings if more else [])
                                         if f not in caption_findings]
            refs = caption_refs(caption, people, ch, on, threshold=threshold, named_not_allowed={
                f.person for f in caption_findings if f.person})
        for rid in ids:
            why = no.get(rid, "")
            self.db.execute(
                "INSERT INTO posts (export_id, channel, posted_on, url, actor, created_at, "
                "not_allowed, not_allowed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [rid, channel, day, url or "", user, now, why, now if why else None])
            if why:
                # the same post recorded again (after a take-down): flagged now, so the
                # take-down list has it again
                self.db.execute(
                    "UPDATE posts SET not_allowed = ?, not_allowed_at = ? WHERE export_id = ? "
                    "AND channel = ? AND posted_on = ? AND url = ?",
                    [why, now, rid, channel, day, url or ""])
            if caption is None:
                continue
            post_id = self.db.scalar(
                "SELECT id FROM posts WHERE export_id = ? AND channel = ? AND posted_on = ? "
                "AND url = ?", [rid, channel, day, url or ""])
            self.db.execute("UPDATE posts SET caption = ? WHERE id = ?", [caption, post_id])
            self.db.execute("DELETE FROM caption_people WHERE export_id = ? AND post_id = ?",
                            [rid, post_id])
            self._write_caption_people(rid, int(post_id), refs, medias.get(rid, "photo"))
        if ids:
            # whether a web address was given, never the address: it may name a pupil
            # ("/news/sam-hale-wins") and the audit log is never rewritten (s33); the post
            # keeps it, and loses the name when the pupil is forgotten
            details: dict[str, Any] = {
                "files": len(files or []), "export_ids": ids,
                "channel": channel, "date": day, "url_given": bool(url)}
            if caption is not None:
                details["caption_people"] = [r.person for r in refs]
            if elsewhere:
                details["elsewhere"] = True
            self.audit.record("export.posted", details)
        if caption_findings:
            self._flag_caption_posted(ids, no, channel=ch, day=day, now=now, url=url,
                                      findings=caption_findings, unapproved=set(unapproved),
                                      school=school)
        flagged = [i for i in ids if i in no]
        if flagged:
            # on the take-down list at once, in this transaction (taken down: open again)
            items = list_not_allowed(self, self.register, flagged, channel)
            maybe = _caption_maybe(caption_findings, refs)
            if maybe:
                # words the check could not tie to one pupil: everyone they may name is held
                # on the item, so it says whom it concerns
                hold_caption_people(self, flagged, channel, maybe)
                items = evaluate(self, self.register, export_ids=flagged)
            details = {
                "export_ids": flagged, "channel": channel, "date": day,
                "takedown_items": sorted({it.id for it in items if it.channel == channel})}
            if caption_findings:        # ids only: never the caption's words
                details["caption_refused"] = True
                details["caption_people"] = sorted({f.person for f in caption_findings
                                                    if f.person})
            if unapproved:              # the caption was not the approved one (ids only)
                details["caption_not_approved"] = sorted(unapproved)
            self.audit.record("export.posted-not-allowed", details)
            if not_allowed is not None:
                paths = dict(self.db.execute(
                    f"SELECT id, output_path FROM exports WHERE id IN "
                    f"({','.join('?' for _ in flagged)})", flagged).fetchall())
                not_allowed.extend((Path(paths[i]), no[i]) for i in flagged)
        if marked is not None:
            marked.extend(ids)
        return len(ids)

    def _output_paths(self, ids: Sequence[int]) -> dict[int, str]:
        """Export record id -> the path of its copy."""
        if not ids:
            return {}
        return {int(r[0]): r[1] for r in self.db.execute(
            f"SELECT id, output_path FROM exports WHERE id IN ({','.join('?' for _ in ids)})",
            list(ids)).fetchall()}

    def _post_caption_error(self, ids: Sequence[int], caption: str,
                            unapproved: Mapping[int, tuple[str, str]],
                            bad_caption: Exception | None,
                            refused: Callable[[str], bool]) -> Exception:
        """The refusal of a post's caption (nothing marked): ``unapproved`` (the exports whose
        approval did not sign it: why, approved) is said before what the caption names
        (``bad_caption``). The caption suggested is one the approvals of all ``ids`` signed
        and the channel's rules allow now (``refused``: whether they refuse a caption), else
        none; photos approved with different captions are told to be marked in groups."""
        from photovet.core.vision.text.captions import CaptionError  # noqa: PLC0415
        from photovet.core.words import (  # noqa: PLC0415
            CAPTION_POSTED_COMMAND,
            CAPTIONS_DIFFER_HINT,
            approved_caption_now_refused,
            posted_captions_differ,
        )

        signed: dict[str, list[str]] = {}       # approved caption -> the copies' paths
        for approved, out in self.db.execute(
                f"SELECT approved_caption, output_path FROM exports WHERE id IN "
                f"({','.join('?' for _ in ids)}) ORDER BY id", list(ids)).fetchall():
            if approved is not None:
                signed.setdefault(" ".join(str(approved).split()), []).append(out)
        if len(signed) > 1:
            return CaptionError(
                f"nothing was marked as posted: {posted_captions_differ(list(signed.items()))}",
                suggestion="", findings=[], hint=CAPTIONS_DIFFER_HINT)
        approved = next(iter(signed), None)
        if unapproved:
            why = next(iter(unapproved.values()))[0]
            ok = approved if approved and not refused(approved) else ""
            hint = CAPTION_POSTED_COMMAND if ok or not approved else \
                f"{approved_caption_now_refused(approved)} {CAPTION_POSTED_COMMAND}"
            return CaptionError(f"nothing was marked as posted: {why}", suggestion=ok,
                                findings=[], hint=hint)
        assert isinstance(bad_caption, CaptionError)
        suggestion = bad_caption.suggestion or ""
        if approved is not None and suggestion and \
                self._caption_not_approved(ids, suggestion):
            # the approved caption itself names someone it may not now: the names' fix was
            # never approved, so none is offered
            return CaptionError(bad_caption.message, suggestion="",
                                findings=bad_caption.findings,
                                hint=approved_caption_now_refused(approved))
        return bad_caption

    def _caption_not_approved(self, ids: Sequence[int], caption: str
                              ) -> dict[int, tuple[str, str]]:
        """Of the exports ``ids``, those whose approval did not sign ``caption`` (a post with
        it was seen by nobody with authority: ``policy.caption_approval_refusal``), each with
        why and the caption it signed ('' none). An export made without approval (approval
        turned off), or recorded before approvals signed captions, is not asked."""
        from photovet.core.policy import caption_approval_refusal  # noqa: PLC0415

        if not ids:
            return {}
        out: dict[int, tuple[str, str]] = {}
        for rid, approved in self.db.execute(
                f"SELECT id, approved_caption FROM exports WHERE id IN "
                f"({','.join('?' for _ in ids)}) ORDER BY id", list(ids)).fetchall():
            if approved is None:
                continue
            why = caption_approval_refusal(approved, caption)
            if why:
                out[int(rid)] = (why, approved)
        return out

    def _flag_caption_posted(self, ids: list[int], no: dict[int, str], *, channel: Channel,
                             day: str, now: str, url: str | None, findings: list,
                             unapproved: set[int] | None = None, school: Any = None) -> None:
        """Posts just recorded with a caption PhotoVet refuses that already went out: each
        flagged not allowed (``no`` gets why), in the take-down list's words for whom the
        caption names as it may not (judged like any recorded caption, now it is on record),
        else in the caption check's words (a name that fits several pupils); ``unapproved``:
        those whose approval did not sign the caption either (said too)."""
        from photovet.core.policy import caption_posted_refusal  # noqa: PLC0415
        from photovet.core.records.takedown import post_refusals  # noqa: PLC0415
        from photovet.core.words import CAPTION_POSTED_NOT_APPROVED_TOO  # noqa: PLC0415

        again = post_refusals(self, self.register, ids, channel.id, school=school)
        said = [(f.found, f.reason_in_sentence) for f in findings]
        paths = dict(self.db.execute(
            f"SELECT id, output_path FROM exports WHERE id IN ({','.join('?' for _ in ids)})",
            ids).fetchall())
        for rid in ids:
            why = again.get(rid)
            if not why or why == no.get(rid):     # the caption added no reason the list words
                why = caption_posted_refusal(Path(paths[rid]).name, channel, said, no.get(rid))
            elif rid in (unapproved or ()) and CAPTION_POSTED_NOT_APPROVED_TOO not in why:
                why = f"{why.rstrip('.')}; {CAPTION_POSTED_NOT_APPROVED_TOO}"
            no[rid] = why
            self.db.execute(
                "UPDATE posts SET not_allowed = ?, not_allowed_at = ? WHERE export_id = ? "
                "AND channel = ? AND posted_on = ? AND url = ?",
                [why, now, rid, channel.id, day, url or ""])

    @staticmethod
    def _rules_json(result: ExportResult) -> str | None:
        """The rules ``result`` was made under, for its record (s46). A result that does not
        carry them gets NULL: judged as if no rule was applied (``policy.made_under``: fail
        closed), never the channel's rules as they are when it is recorded, which may be
        stricter than what the copy was made under (s48)."""
        return json.dumps(result.channel_rules, sort_keys=True) if result.channel_rules else None

    def records_by_id(self, ids: Sequence[int]) -> list[ExportRecord]:
        """The export records of ``ids`` (oldest first; ids not recorded are left out)."""
        wanted = [int(i) for i in ids]
        if not wanted:
            return []
        return self._select(f"WHERE id IN ({','.join('?' for _ in wanted)})", wanted)

    # ---- reading ------------------------------------------------------------------------

    def _rows_to_records(self, rows: list[tuple], cols: list[str]) -> list[ExportRecord]:
        recs: list[ExportRecord] = []
        for r in rows:
            d = dict(zip(cols, r))
            recs.append(ExportRecord(
                id=d["id"], created_at=d["created_at"], batch=d["batch"], channel=d["channel"],
                # the files themselves, also one whose name is not UTF-8 (stored as \\xNN; told
                # from a name with the characters "\\xNN" by the content recorded: s43)
                output_path=stored_path(d["output_path"] or "", d["output_sha256"] or ""),
                output_sha256=d["output_sha256"], phash=d["phash"],
                source_path=stored_path(d["source_path"] or "", d["source_sha256"] or ""),
                source_sha256=d["source_sha256"],
                width=d["width"], height=d["height"], faces_covered=d["faces_covered"],
                texts_covered=d["texts_covered"],
                people_shown=json.loads(d["people_shown"]),
                people_covered=json.loads(d["people_covered"]),
                names_covered=json.loads(d["names_covered"]),
                names_shown=json.loads(d["names_shown"]),
                preparer=d["preparer"], approver=d["approver"], media=d["media"],
                fingerprint=d["fingerprint"],
                device=json.loads(d["device"]) if d.get("device") else {},
                checks=json.loads(d["checks"]) if d.get("checks") else [],
                caption=d.get("caption") or "", approved_caption=d.get("approved_caption"),
                faces_shown=_faces_read(d.get("faces")),
                names_kept=_faces_read(d.get("faces"), "names"),
                faces_at=_faces_at(d.get("faces")), rules=_rules_read(d.get("rules"))))
        if recs:
            by_id = {r.id: r for r in recs}
            qmarks = ",".join("?" for _ in by_id)
            posts: dict[int, PostRecord] = {}
            for p in self.db.execute(
                    f"SELECT id, export_id, channel, posted_on, url, actor, caption, created_at, "
                    f"not_allowed, not_allowed_at "
                    f"FROM posts WHERE export_id IN ({qmarks}) ORDER BY posted_on, id",
                    list(by_id)):
                post = PostRecord(id=p[0], export_id=p[1], channel=p[2], posted_on=p[3],
                                  url=p[4], user=p[5], caption=p[6], created_at=p[7] or "",
                                  not_allowed=p[8] or "", not_allowed_at=p[9])
                by_id[p[1]].posts.append(post)
                posts[post.id] = post
            for eid, post_id, pid, found, form, refused, media in self.db.execute(
                    f"SELECT c.export_id, c.post_id, c.person, c.found, c.form, c.refused, e.media "
                    f"FROM caption_people c JOIN exports e ON e.id = c.export_id "
                    f"WHERE c.export_id IN ({qmarks}) ORDER BY c.export_id, c.post_id, c.person",
                    list(by_id)):
                ref = CaptionRef(pid, found, form, {media: refused} if refused else {})
                if post_id == 0:
                    ref.recorded_at = by_id[eid].created_at
                    by_id[eid].caption_people[pid] = ref
                elif post_id in posts:
                    ref.recorded_at = posts[post_id].created_at
                    posts[post_id].caption_people[pid] = ref
            for eid, pid, named, how, then in self.db.execute(
                    f"SELECT export_id, person, named_as, how, missing_then FROM export_maybe "
                    f"WHERE export_id IN ({qmarks}) ORDER BY export_id, person", list(by_id)):
                by_id[eid].people_maybe[pid] = MaybeShown(pid, named, how, then)
        return recs

    _COLS = ["id", "created_at", "batch", "channel", "output_path", "output_sha256", "phash",
             "source_path", "source_sha256", "width", "height", "faces_covered", "texts_covered",
             "people_shown", "people_covered", "names_covered", "names_shown", "preparer",
             "approver", "media", "fingerprint", "device", "checks", "caption",
             "approved_caption", "faces", "rules"]

    def _select(self, where: str = "", params: list | None = None) -> list[ExportRecord]:
        sql = f"SELECT {', '.join(self._COLS)} FROM exports {where} ORDER BY id"
        return self._rows_to_records(self.db.execute(sql, params or []).fetchall(), self._COLS)

    def exports(self, person: str | None = None, *, batch: str | None = None,
                maybe: bool = False) -> list[ExportRecord]:
        """Every export record (oldest first); with ``person``, those where they appear at all
        (face shown or covered, name readable or covered, referred to by a caption); with
        ``maybe`` too, those in which a face shown may be theirs though it is shown as someone
        else (``ExportRecord.people_maybe``; ``ExportRecord.may_show_only`` tells them apart):
        a list of a person's exports shown to staff marks those "may show them"."""
        clauses, params = [], []
        if person is not None:
            also = (" OR id IN (SELECT export_id FROM export_maybe WHERE person = ?)"
                    if maybe else "")
            clauses.append("(id IN (SELECT export_id FROM export_people WHERE person = ?) OR "
                           f"id IN (SELECT export_id FROM caption_people WHERE person = ?){also})")
            params += [person, person] + ([person] if maybe else [])
        if batch is not None:
            clauses.append("batch = ?")
            params.append(batch)
        return self._select("WHERE " + " AND ".join(clauses) if clauses else "", params)

    def exports_of(self, sha256s: Iterable[str], channel: str | None = None
                   ) -> list[ExportRecord]:
        """The export records made from the photos ``sha256s`` (their originals' content), on
        ``channel`` when given, oldest first, with their posts."""
        wanted = sorted({s for s in sha256s if s})
        if not wanted:
            return []
        where = f"WHERE source_sha256 IN ({','.join('?' for _ in wanted)})"
        params: list[Any] = list(wanted)
        if channel is not None:
            where += " AND channel = ?"
            params.append(channel)
        return self._select(where, params)

    def exports_may_show_only(self, person: str) -> list[ExportRecord]:
        """The exports that only may show ``person`` (``ExportRecord.may_show_only``: a face
        shown as someone else may be theirs, and they are not in it otherwise), oldest first.
        The one count of them: their page, their subject access report, ``photovet sar`` and
        the exports listed for them all take it from here (``exports(person, maybe=True)``), so
        none says a number another does not (s30: the report left out the photos recognised
        as them and named as another, the page those that list them anyway)."""
        return [r for r in self.exports(person=person, maybe=True) if r.may_show_only(person)]

    def exports_maybe(self, person: str) -> list[ExportRecord]:
        """The export records in which a face shown may be ``person`` though it is shown as
        someone else (``ExportRecord.people_maybe``), oldest first: their subject access
        report lists them."""
        return self._select("WHERE id IN (SELECT export_id FROM export_maybe WHERE person = ?)",
                            [person])

    def get(self, export_id: int) -> ExportRecord:
        recs = self._select("WHERE id = ?", [int(export_id)])
        if not recs:
            raise RecordsError(f"no export record {export_id}")
        return recs[0]

    def exported_paths(self) -> dict[str, str]:
        """Every file PhotoVet exported, by path (one spelling: absolute, and where a link
        leads) -> its batch: a later search of a folder for originals leaves these copies out
        (an export folder inside the originals' folder, imaging.collect_photos)."""
        out: dict[str, str] = {}
        for path, batch in self.db.execute("SELECT output_path, batch FROM exports"):
            out[_norm(path)] = batch
            try:
                out.setdefault(os.path.normcase(os.path.realpath(path)), batch)
            except (OSError, RuntimeError, ValueError):
                pass
        return out

    def batches(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT batch FROM exports GROUP BY batch ORDER BY MIN(id)")]

    def label_for_new_export(self, label: str) -> str:
        """The batch name to offer for a new export: ``label`` itself, unless that batch was
        already marked as posted (an export into it would be skipped as "already exported",
        or mixed into what went out): then "label (2)", "(3)"... the first not used yet."""
        def posted(name: str) -> bool:
            return bool(self.db.scalar(
                "SELECT COUNT(*) FROM posts p JOIN exports e ON e.id = p.export_id "
                "WHERE e.batch = ?", [name], 0))

        if not posted(label):
            return label
        used = set(self.batches())
        n = 2
        while f"{label} ({n})" in used:
            n += 1
        return f"{label} ({n})"

    def batch_channels(self) -> dict[str, str]:
        """Each batch -> the channel its latest export was made for (what "Mark as posted"
        offers first: a copy is posted where it was checked and approved)."""
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT batch, channel FROM exports WHERE id IN "
            "(SELECT MAX(id) FROM exports GROUP BY batch)")}

    # ---- identify -----------------------------------------------------------------------

    def _current_key(self) -> tuple[int, int]:
        r = self.db.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM exports").fetchone()
        return (int(r[0]), int(r[1]))

    def hash_index(self) -> _ph.HashIndex:
        """Every record's hash variants, loaded once (reloaded when records were added by
        another process)."""
        import numpy as np  # noqa: PLC0415

        from photovet.core.media import phash as _ph  # noqa: PLC0415

        key = self._current_key()
        if self._index is None or self._index_key != key:
            rows = self.db.execute("SELECT id, phash_variants FROM exports ORDER BY id").fetchall()
            n = _ph.N_VARIANTS
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            blob = b"".join(bytes(r[1]) for r in rows)
            hashes = np.frombuffer(blob, dtype="<u8").astype(np.uint64).reshape(len(rows), n)
            self._index = _ph.HashIndex.from_arrays(ids, hashes)
            self._index_key = key
        return self._index

    def key_frame_index(self) -> tuple[np.ndarray, _ph.HashIndex]:
        """The key frames of every exported video: (export id per row, their hashes)."""
        import numpy as np  # noqa: PLC0415

        from photovet.core.media import phash as _ph  # noqa: PLC0415

        rows = self.db.execute("SELECT export_id, phash_variants FROM export_key_frames "
                               "ORDER BY export_id, position").fetchall()
        n = _ph.N_VARIANTS
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        blob = b"".join(bytes(r[1]) for r in rows)
        hashes = np.frombuffer(blob, dtype="<u8").astype(np.uint64).reshape(len(rows), n)
        return ids, _ph.HashIndex.from_arrays(np.arange(len(rows), dtype=np.int64), hashes)

    def identify(self, path: str | Path, *, max_distance: int | None = None,
                 register: Any = None, limit: int = 5) -> list[IdentifyHit]:
        """Which export record(s) is this file a copy of (nearest first), and who is in it (with
        whom a face shown may be besides whom it is shown as: ``ExportRecord.people_maybe``).
        A byte-identical copy is found by sha256; a resized / recompressed / slightly cropped
        copy by perceptual hash: a photo, a still taken from an exported video, or a video
        (its frames against every exported video's key frames: at least two of its frames,
        or a fifth of them, must match). ``max_distance``: the phash module's default
        (``DEFAULT_MAX_DISTANCE``) unless given."""
        import numpy as np  # noqa: PLC0415

        from photovet.core.media import phash as _ph  # noqa: PLC0415
        from photovet.core.media.video.reader import is_video_file  # noqa: PLC0415

        if max_distance is None:
            max_distance = _ph.DEFAULT_MAX_DISTANCE

        path = Path(path)
        sha = _sha256(path)
        exact_ids = [r[0] for r in self.db.execute(
            "SELECT id FROM exports WHERE output_sha256 = ? ORDER BY id", [sha])]
        hashes: list[int] = []
        try:
            if is_video_file(path):
                from photovet.core.media.video.frames import query_hashes  # noqa: PLC0415

                hashes = query_hashes(path)
            else:
                hashes = [_ph.phash_file(path)]
        except PhotoVetError as exc:
            if not exact_ids:
                raise RecordsError(exc.message, path=path, hint=exc.hint) from exc
        except Exception as exc:
            if not exact_ids:
                raise RecordsError(f"the file could not be read ({exc})", path=path) from exc
        found: list[tuple[int, int]] = [(i, 0) for i in exact_ids]
        if hashes:
            need = 1 if len(hashes) == 1 else max(2, int(np.ceil(0.2 * len(hashes))))
            near = []
            for rid, hits in self._hits(hashes, max_distance).items():
                if len(hits) >= need and rid not in exact_ids:
                    near.append((int(np.median(hits)), rid))
            found += [(rid, d) for d, rid in sorted(near)]
        found = found[:limit]
        if not found:
            return []
        recs = {r.id: r for r in self._select(
            f"WHERE id IN ({','.join('?' for _ in found)})", [i for i, _ in found])}
        results: list[IdentifyHit] = []
        for rid, d in found:
            rec = recs[rid]
            results.append(IdentifyHit(record=rec, distance=d, exact=rid in exact_ids,
                                       names=display_names(register,
                                                           [*rec.people, *rec.people_maybe])))
        return results

    def _hits(self, hashes: list[int], max_distance: int) -> dict[int, list[int]]:
        """Per export record, the distances of those of ``hashes`` that come within
        ``max_distance`` of it (of a photo's variants, or of any key frame of a video)."""
        import numpy as np  # noqa: PLC0415

        out: dict[int, list[int]] = {}
        index = self.hash_index()
        kf_ids, kf_index = self.key_frame_index()
        owners, row_of = np.unique(kf_ids, return_inverse=True)
        for h in hashes:
            per: dict[int, int] = {}
            if len(index):
                d = index.distances(h)
                for i in np.nonzero(d <= max_distance)[0]:
                    per[int(index.ids[i])] = int(d[i])
            if len(kf_index):
                m = np.full(len(owners), 99, dtype=np.int32)
                np.minimum.at(m, row_of, kf_index.distances(h))
                for i in np.nonzero(m <= max_distance)[0]:
                    rid = int(owners[i])
                    per[rid] = min(per.get(rid, 99), int(m[i]))
            for rid, dist in per.items():
                out.setdefault(rid, []).append(dist)
        return out


class _Recorder:
    """Called by media/export.py from its export threads: one at a time, because they share one
    database connection (a transaction and the audit chain's head are per connection)."""

    def __init__(self, records: Records, batch: str, preparer: str | None,
                 recheck: Callable[[ExportResult], str | None] | None = None,
                 caption: str = "", caption_refs: list[CaptionRef] | None = None,
                 begun_by: Any = None):
        self.records, self.batch, self.preparer = records, batch, preparer
        self.begun_by = begun_by
        self.recheck = recheck
        self.caption, self.caption_refs = caption, list(caption_refs or [])
        self._lock = threading.Lock()

    def record(self, result: ExportResult, written: Path) -> int:
        with self._lock:
            return self.records.record(result, written, batch=self.batch, preparer=self.preparer,
                                       recheck=self.recheck, caption=self.caption,
                                       caption_refs=self.caption_refs,
                                       begun_by=self.begun_by)

    def moved(self, record_id: int, final: Path) -> None:
        with self._lock:
            self.records.moved(record_id, final)

    def named(self, record_id: int) -> None:
        with self._lock:
            self.records.named(record_id)

    def abandon(self, record_id: int, reason: str) -> None:
        with self._lock:
            self.records.abandon(record_id, reason)


def _no_export_record(f: Path) -> str:
    """Why no export record was found for ``f``, a file named to be marked posted (or taken
    down): s65, a folder was "no export record has this file's content", a link to nowhere or
    in a loop "file not found"."""
    try:
        if f.is_dir():
            return f"this is a folder, not an exported file: {POSTED_FOLDER_COMMAND}"
        if f.is_symlink() and not f.exists():
            return ("a shortcut (link) to a file that is not there (or round in a loop): name "
                    "the exported file itself")
        if f.exists():
            return ("no export record has this file's content or path (is it a PhotoVet "
                    "export?)")
    except OSError:
        pass
    return "file not found, and no export record has this path"



__all__ = ["CaptionRef", "ExportRecord", "IdentifyHit", "PostRecord", "Records", "RecordsError",
           "caption_refs", "display_names", "forget_caption_names", "forget_faces_shown",
           "forget_names",
           "forget_original_place",
           "full_names"]

