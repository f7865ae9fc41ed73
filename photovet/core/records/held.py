"""What PhotoVet holds about one person besides its export records, for the subject access
report (sar.py):

- **held, not published**: photos and videos PhotoVet checked in which a face was decided as
  the person (PhotoVet recognised them, or a member of staff named them by hand), never
  exported: the file's name (or its content id), the day it was taken (as the file says) or
  first seen, how the person was found, each channel it was prepared for (marked ready,
  approved, rejected) and whether their face is shown or covered there as decided today, and
  when the retention schedule (retention.py) will delete the original and the analysis;
- **named as another person**: photos and videos in which PhotoVet recognised the person but a
  member of staff named that face as someone else (the hand-naming over a recognition, kept
  with the review, ``review.py``, and audited as ``review.face-assign`` with whom PhotoVet
  recognised), whether exported or not, and where it was exported and posted. The other
  person's id is kept here for the words "shown"/"covered" only: the report never names them;
- **face signatures**: how many, and the days they were enrolled (never the numbers).

Where it looks: the register (reviews, video reviews, approvals, export records, the audit log
of hand-namings and device imports) and this PC's analysis cache (what PhotoVet recognised in
each photo checked here). A photo checked only on another PC, never marked ready nor named by
hand, is in that PC's cache only: ``Holdings.notes`` says so.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photovet.core.geometry import box_iou
from photovet.core.models import MatchStatus, PhotoAnalysis, VideoAnalysis

_CACHE_FILE = re.compile(r"^([0-9a-f]{64})-(.+)$")
MATCH_IOU = 0.5


@dataclass
class ChannelDecision:
    """One channel a photo was prepared for, and the person's face there as decided today."""

    channel: str
    label: str
    status: str                 # "ready" | "approved" | "rejected" | "draft"
    face: str = ""              # "shown" | "covered" | "" (not known)
    since: str = ""             # ISO time: marked ready, or approved / rejected


@dataclass
class HeldMedia:
    """A photo or video PhotoVet holds with the person in it, never exported."""

    sha256: str
    media: str = "photo"
    file_name: str = ""         # '' when PhotoVet does not know it
    taken: str = ""             # the day the file says it was taken (DD/MM/YYYY) ('' none)
    first_seen: str = ""        # ISO day or time PhotoVet first had it
    first_seen_how: str = ""    # "copied from a device", "marked ready", "checked"
    found: str = "recognised"   # "recognised" | "named by hand"
    named_by: str = ""          # the member of staff who named them (found by hand)
    named_at: str = ""          # ISO time
    channels: list[ChannelDecision] = field(default_factory=list)
    original_due: _dt.date | None = None   # the retention schedule deletes the original
    original_note: str = ""     # why there is no day ('' when there is one)
    cache_due: _dt.date | None = None      # ... and this PC's analysis of it


@dataclass
class NamedAsOther:
    """PhotoVet recognised the person; a member of staff named that face as someone else."""

    sha256: str
    media: str = "photo"
    file_name: str = ""
    named_at: str = ""          # ISO time
    reason_given: bool = False
    other: str = ""             # the other person's id: for shown/covered only, never printed
    exports: list[Any] = field(default_factory=list)   # ExportRecord of this photo
    held: HeldMedia | None = None                      # when never exported

    def face_in(self, record: Any) -> str:
        """'shown' or 'covered': that face in an export (as the other person), '' unknown."""
        if self.other in record.people_shown:
            return "shown"
        if self.other in record.people_covered:
            return "covered"
        return ""


@dataclass
class Holdings:
    held: list[HeldMedia] = field(default_factory=list)
    named_as_other: list[NamedAsOther] = field(default_factory=list)
    signatures: int = 0
    enrolled_on: list[str] = field(default_factory=list)   # ISO days, oldest first
    notes: list[str] = field(default_factory=list)
    originals_days: int = 90    # the school's retention of originals never exported


# --------------------------------------------------------------------------------------------
# Reading what there is
# --------------------------------------------------------------------------------------------

def _cached_analyses(cache: Any, person_id: str
                     ) -> dict[str, tuple[PhotoAnalysis | VideoAnalysis, _dt.datetime]]:
    """This PC's newest analysis of each photo or video that mentions ``person_id``, with when
    it was written. Each entry is read through the cache (its seal checked)."""
    if cache is None:
        return {}
    newest: dict[str, tuple[float, str, Path]] = {}
    for f in cache.files():
        m = _CACHE_FILE.match(f.stem)
        if not m:
            continue
        try:
            mtime = f.stat().st_mtime
        except OSError:
            continue
        if m[1] not in newest or newest[m[1]][0] < mtime:
            newest[m[1]] = (mtime, m[2], f)
    needle = json.dumps(person_id)
    out: dict[str, tuple[PhotoAnalysis | VideoAnalysis, _dt.datetime]] = {}
    for sha, (mtime, key, f) in newest.items():
        try:
            if needle not in f.read_text(encoding="utf-8"):
                continue
        except (OSError, UnicodeDecodeError):
            continue
        data = cache.get(sha, key)
        if not data:
            continue
        written = _dt.datetime.fromtimestamp(mtime, _dt.UTC)
        if isinstance(data.get("video"), dict):
            out[sha] = (VideoAnalysis.from_dict(data["video"]), written)
        elif isinstance(data.get("analysis"), dict):
            out[sha] = (PhotoAnalysis.from_dict(data["analysis"]), written)
    return out


def _date_taken(analysis: PhotoAnalysis | VideoAnalysis | None) -> str:
    meta = getattr(analysis, "metadata", None)
    for f in getattr(meta, "findings", None) or []:
        if f.category == "date" and f.label == "Date taken" and f.value:
            m = re.match(r"(\d{4})[:\-](\d{2})[:\-](\d{2})", f.value.strip())
            if m:
                return f"{m[3]}/{m[2]}/{m[1]}"
    return ""


def _decision_at(review_doc: dict[str, Any], key: str, box: Any, person: str | None
                 ) -> dict[str, Any] | None:
    """The stored "assign" decision about the face at ``box`` (``key``: "faces" or "tracks")."""
    best, best_iou = None, MATCH_IOU
    for d in review_doc.get(key, []):
        if d.get("action") != "assign" or (person is not None and d.get("person") != person):
            continue
        boxes = [d["box"]] if key == "faces" else d.get("boxes", [])
        for b in boxes:
            v = box_iou(b, box)
            if v >= best_iou:
                best, best_iou = d, v
    return best


def _faces(analysis: PhotoAnalysis | VideoAnalysis, db: Any, audit: Any) -> list[Any]:
    """The faces (a photo) or face tracks (a video) with who said who each is applied."""
    from photovet.core.review import ReviewStore, apply_review  # noqa: PLC0415
    from photovet.core.video_review import (  # noqa: PLC0415
        ALL,
        VideoReviewStore,
        apply_video_review,
    )

    if isinstance(analysis, VideoAnalysis):
        apply_video_review(analysis, [VideoReviewStore(db, audit).load(analysis.sha256, ALL)])
        return [t for t in analysis.tracks if t.kind == "face"]
    apply_review(analysis, [ReviewStore(db, audit).load(analysis.sha256, ALL)])
    return list(analysis.faces)


def _first_box(face: Any) -> Any:
    return face.box if hasattr(face, "box") else (face.boxes[0] if face.boxes else (0, 0, 0, 0))


def holdings(ws: Any, person_id: str) -> Holdings:
    """Everything ``Holdings`` lists for ``person_id`` (a register id as stored) in the
    workspace ``ws`` (decided as of today)."""
    db, audit = ws.db, ws.audit
    out = Holdings(originals_days=ws.settings.retention.originals_days)
    out.signatures = int(ws.register.enrolment_count(person_id))
    out.enrolled_on = ws.register.enrolment_days(person_id)
    exported = {r[0] for r in db.all("SELECT DISTINCT source_sha256 FROM exports")}
    analyses = _cached_analyses(ws.cache, person_id)

    held: dict[str, HeldMedia] = {}
    other: dict[str, NamedAsOther] = {}

    def review_doc(sha: str, media: str) -> dict[str, Any]:
        table = "video_reviews" if media == "video" else "reviews"
        row = db.one(f"SELECT doc FROM {table} WHERE sha256 = ? AND channel = '*'", [sha])
        return json.loads(row[0]) if row else {}

    # 1. what this PC's cache says PhotoVet recognised, with the review applied
    for sha, (analysis, written) in analyses.items():
        media = "video" if isinstance(analysis, VideoAnalysis) else "photo"
        key = "tracks" if media == "video" else "faces"
        for face in _faces(analysis, db, audit):
            machine = face.person if face.match_status == MatchStatus.RECOGNISED.value else None
            if face.who == person_id:
                by_hand = face.override_person == person_id and machine != person_id
                item = held.setdefault(sha, HeldMedia(sha, media))
                item.taken = item.taken or _date_taken(analysis)
                item.first_seen = item.first_seen or written.isoformat(timespec="seconds")
                item.first_seen_how = item.first_seen_how or "checked"
                item.cache_due = (written + _dt.timedelta(
                    days=ws.settings.retention.cache_days)).date()
                if by_hand:
                    d = _decision_at(review_doc(sha, media), key, _first_box(face), person_id)
                    item.found, item.named_by = "named by hand", face.assigned_by
                    item.named_at = (d or {}).get("at", "")
            elif machine == person_id and face.override_person and \
                    face.override_person != person_id and face.override != "not-a-face":
                d = _decision_at(review_doc(sha, media), key, _first_box(face),
                                 face.override_person)
                other[sha] = NamedAsOther(sha, media, named_at=(d or {}).get("at", ""),
                                          reason_given=bool(face.assign_reason.strip()),
                                          other=face.override_person)

    # 2. named by hand, from the register (whichever PC checked it)
    like = f"%{json.dumps(person_id)}%"
    for table, media, key in (("reviews", "photo", "faces"), ("video_reviews", "video", "tracks")):
        for sha, doc in db.all(f"SELECT sha256, doc FROM {table} WHERE channel = '*' AND doc "
                               "LIKE ?", [like]):
            if sha in held or sha in other:
                continue
            for d in json.loads(doc).get(key, []):
                if d.get("action") == "assign" and d.get("person") == person_id:
                    held[sha] = HeldMedia(sha, media, found="named by hand",
                                          named_by=d.get("by", ""), named_at=d.get("at", ""))
                    break
    # ... and over PhotoVet's recognition of them, as the audit log says it was done
    for row in audit.rows(action="review.face-assign"):
        d = row["details"]
        sha, named = d.get("sha256", ""), d.get("person")
        if d.get("recognised") != person_id or not sha or not named or named == person_id \
                or sha in other or d.get("match") != MatchStatus.RECOGNISED.value:
            continue
        if _decision_at(review_doc(sha, "photo"), "faces", d.get("box", (0, 0, 0, 0)),
                        named) is None:
            continue        # named otherwise since, or undone
        other[sha] = NamedAsOther(sha, "photo", named_at=row["time"],
                                  reason_given=bool(str(d.get("reason", "")).strip()),
                                  other=named)

    # 3. approvals that signed them as shown or covered (the analysis not on this PC)
    for sha, parts in db.all("SELECT sha256, parts FROM approvals WHERE parts LIKE ?", [like]):
        p = json.loads(parts) if parts else {}
        if person_id in p.get("people_shown", []) + p.get("people_covered", []) and \
                sha not in held and sha not in other:
            held[sha] = HeldMedia(sha, p.get("media", "photo"))

    # where each is, since when, and when the retention schedule deletes it
    schedule = ws.retention()
    known: dict[str, tuple[str, _dt.date, str]] = {}
    for path, (sha, when, how) in schedule.originals_known().items():
        if sha not in known or known[sha][1] > when:
            known[sha] = (path, when, how)
    labels = ws.register.channel_labels()
    engine = _Decider(ws)
    held = {sha: item for sha, item in held.items() if sha not in exported}
    for sha, item in held.items():
        _place(item, known.get(sha), schedule)
        for state in ws.approvals.for_photo(sha):
            face = engine.face(analyses.get(sha, (None, None))[0], state.channel, person_id)
            if not face:
                p = state.parts or {}
                face = "shown" if person_id in p.get("people_shown", []) else \
                    "covered" if person_id in p.get("people_covered", []) else ""
            item.channels.append(ChannelDecision(
                state.channel, labels.get(state.channel, state.channel), state.status, face,
                state.decided_at or state.prepared_at or ""))
    for sha, o in other.items():
        place = known.get(sha)
        o.file_name = Path(place[0]).name if place else ""
        if sha in exported:
            o.exports = ws.records._select("WHERE source_sha256 = ?", [sha])
        else:
            o.held = HeldMedia(sha, o.media)
            _place(o.held, place, schedule)
            if sha in analyses:
                o.held.taken = _date_taken(analyses[sha][0])
                o.held.cache_due = (analyses[sha][1] + _dt.timedelta(
                    days=ws.settings.retention.cache_days)).date()
    out.held = sorted(held.values(), key=lambda h: (h.first_seen or "~", h.sha256))
    out.named_as_other = sorted(other.values(), key=lambda o: (o.named_at or "~", o.sha256))
    out.notes.append(
        "Photos and videos checked on another PC, never marked ready nor named by hand, are "
        "known only to that PC: a report made there lists them.")
    return out


def _place(item: HeldMedia, place: tuple[str, _dt.date, str] | None, schedule: Any) -> None:
    """The file's name, the day PhotoVet first had it, and when the original is due."""
    if place is None:
        item.original_note = ("PhotoVet does not know where the original is kept (it was "
                              "checked in PhotoVet, not copied from a device nor marked "
                              "ready), so the retention schedule does not delete it")
        return
    path, when, how = place
    item.file_name = Path(path).name
    item.first_seen, item.first_seen_how = when.isoformat(), how
    if os.path.exists(path):
        item.original_due = schedule.original_due_on(when, item.sha256)
    else:
        item.original_note = "the original is no longer where PhotoVet last saw it"


class _Decider:
    """The person's face in a held photo, as PhotoVet decides it today for a channel (the
    review applied, then the policy: pipeline.Engine.decide, with no model loaded)."""

    def __init__(self, ws: Any):
        self.ws = ws
        self._engine: Any = None

    def face(self, analysis: PhotoAnalysis | VideoAnalysis | None, channel: str,
             person_id: str) -> str:
        if analysis is None:
            return ""
        if self._engine is None:
            from photovet.core.pipeline import Engine  # noqa: PLC0415

            self._engine = Engine(self.ws.settings, register=self.ws.register,
                                  reviews=self.ws.reviews)
        copy: PhotoAnalysis | VideoAnalysis = type(analysis).from_dict(analysis.to_dict())
        try:
            decided = self._engine.decide(copy, channel)
        except Exception:       # a channel since removed, a damaged entry: not known
            return ""
        items = decided.tracks if isinstance(decided, VideoAnalysis) else decided.faces
        mine = [f.decision for f in items if getattr(f, "kind", "face") == "face"
                and f.who == person_id]
        if not mine:
            return ""
        return "shown" if "show" in mine else "covered"


HoldingsFor = Callable[[str], Holdings]

__all__ = ["ChannelDecision", "HeldMedia", "Holdings", "HoldingsFor", "NamedAsOther",
           "holdings"]
