"""The retention schedule (issue 18): what PhotoVet keeps, how long, and deleting what is due.

UK GDPR's storage limitation principle: personal data is kept no longer than it is needed. The
school sets a period per kind in its settings (``Settings.retention``; docs/POLICIES.md gives the
defaults and why):

- ``originals``: photos PhotoVet copied from a device or prepared, whose content was never
  exported, ``originals_days`` after they were copied or prepared; and those exported whose
  exported copies are all gone from this PC (purge can no longer verify one), ``originals_days``
  after their last export;
- ``export-copies``: the files PhotoVet exported, ``export_copies_days`` after export (the export
  record stays: take-down, identify and subject access requests work from it);
- ``export-records``: a leaver's place in the export records (which photos show their face or
  name), ``export_records_days_after_leaving`` after their leaving date, unless a photo showing
  them is still to be taken down;
- ``cache``: the analysis cache, ``cache_days`` after each file was written;
- ``leavers-rows``: a leaver's register row (details, consent and its history, face
  signatures), ``leavers_rows_days_after_leaving`` after their leaving date, once the export
  records no longer list them;
- ``signatures``: a leaver's face signatures, ``purge_encodings_days_after_leaving`` after
  their leaving date (also done at every register import); and, like a leaver's, the face
  signatures of someone the MIS file stopped listing, ``purge_encodings_days_after_missing``
  after the first import without them (``missing_since``; a school's "current pupils" export
  leaves leavers out, with no leaving date), unless a later import lists them again
  (``signatures_due_on``).

``RetentionSchedule.due()`` lists what is due on the clock's day (an injectable clock, so the
dates can be tested); ``apply()`` deletes it with the same safety as ``photovet purge``: files go
to the system's trash unless ``permanent``; an audit row and a ``retention_deletions`` row
marked "pending" are written BEFORE a file is touched and marked "deleted" after; a permanent
deletion renames the file to a hidden name first, so a run cut short is finished by the next
one. A file that changed since PhotoVet recorded it is kept, and the reason said. Records and
register rows are deleted in one transaction with their audit row.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photovet.core.errors import PhotoVetError
from photovet.core.fsutil import crash_point
from photovet.core.storage.database import stored_path, text_safe
from photovet.core.words import count

log = logging.getLogger("photovet.retention")

KINDS = ("originals", "export-copies", "export-records", "cache", "leavers-rows", "signatures")
KIND_LABELS = {
    "originals": "Original photos not exported, or with no exported copy left",
    "export-copies": "Export copies",
    "export-records": "Leavers in the export records",
    # plain words for the office (s46 walk: "Analysis cache" in Due for deletion)
    "cache": "Saved check results",
    "leavers-rows": "Leavers' register rows",
    "signatures": "Face signatures of leavers and of people no longer in the MIS file",
}
FILE_KINDS = ("originals", "export-copies")
#: the kinds that forget leavers: one after another, up to FORGET_BATCH read at once (s34),
#: each then forgotten in a transaction of their own (s35)
BATCHED = ("export-records", "leavers-rows")
FORGET_BATCH = 60

Clock = Callable[[], _dt.datetime]


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _day(iso: str | None) -> _dt.date | None:
    if not iso:
        return None
    try:
        return _dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return None


def _fmt(day: _dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def signatures_due_on(person: Any, rules: Any) -> tuple[_dt.date, str] | None:
    """When a person's face signatures fall due for deletion, and why in words (ids and dates,
    never names), or None (they are a current pupil or member of staff). A leaver's
    ``purge_encodings_days_after_leaving`` after their leaving date; someone no longer in the
    MIS file is treated like a leaver: ``purge_encodings_days_after_missing`` after the first
    import without them. The earlier of the two when both apply. ``rules``:
    ``Settings.retention``."""
    due: list[tuple[_dt.date, str]] = []
    if person.leaving_date is not None:
        due.append((person.leaving_date + _dt.timedelta(
            days=rules.purge_encodings_days_after_leaving), f"left {_fmt(person.leaving_date)}"))
    since = getattr(person, "missing_since", None)
    if since is not None:
        due.append((since + _dt.timedelta(days=rules.purge_encodings_days_after_missing),
                    f"not in the MIS file since {_fmt(since)}"))
    return min(due, key=lambda d: d[0]) if due else None


@dataclass
class DueItem:
    """One thing the schedule says is due (or was due and is held back, and why)."""

    kind: str
    ref: str                      # what it is, stably: a path, "person:<id>", "cache"
    what: str                     # for a person to read (ids, file names; never pupils' names)
    due_on: _dt.date
    path: str = ""
    sha256: str = ""
    held: str = ""                # due, but kept: why (a take-down still open, a changed file)
    status: str = "due"           # after apply: "deleted" | "kept" | "error"; "coming": not due yet
    reason: str = ""              # after apply: what happened
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["due_on"] = self.due_on.isoformat()
        return d


def every_clip(clips_by_original: Mapping[str, Iterable[str]]) -> list[str]:
    """Every clip of ``clips_by_original`` (``RetentionSchedule.live_clips_beside_each``),
    each once, in order."""
    return list(dict.fromkeys(c for clips in clips_by_original.values() for c in clips))


def live_clips_of(items: Iterable[DueItem]) -> list[str]:
    """The Live Photo clips the originals among ``items`` that were deleted left beside them
    (each deleted original's ``data["live_clips"]``), each once, in order."""
    return list(dict.fromkeys(c for i in items if i.status == "deleted"
                              for c in i.data.get("live_clips", ())))


@dataclass
class RetentionReport:
    today: _dt.date
    applied: bool
    permanent: bool
    items: list[DueItem] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def live_clips_left(self) -> list[str]:
        """The iPhone Live Photo clips left beside the originals this run deleted
        (``RetentionSchedule._clips_left_beside``)."""
        return live_clips_of(self.items)

    @property
    def ok(self) -> bool:
        return not any(i.status == "error" for i in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "applied": self.applied,
                "permanent": self.permanent, "ok": self.ok,
                "items": [i.to_dict() for i in self.items],
                "live_clips_left": self.live_clips_left,
                "counts": {s: self.count(s) for s in ("due", "deleted", "kept", "error")}}


class RetentionSchedule:
    """What is due for deletion in one workspace, and deleting it."""

    def __init__(self, db: Any, audit: Any, *, settings: Any, records: Any, register: Any,
                 cache: Any, clock: Clock | None = None, approvals: Any = None):
        if approvals is None:
            from photovet.core.approval import Approvals  # noqa: PLC0415

            approvals = Approvals(db, audit)
        self.approvals = approvals
        self.db = db
        self.audit = audit
        self.settings = settings
        self.records = records
        self.register = register
        self.cache = cache
        self.clock = clock or _utc_now
        # for the Live Photo clips beside deleted originals: every original PhotoVet knows of,
        # and each folder's .MOV files, read once a run (``_clips_left_beside``)
        self._clip_look: tuple[set[str], dict[Path, dict[str, list[str]]]] | None = None

    @property
    def rules(self):
        return self.settings.retention

    def today(self) -> _dt.date:
        return self.clock().date()

    # -- what is due -----------------------------------------------------------------------

    def due(self, kinds: tuple[str, ...] = KINDS) -> list[DueItem]:
        """Everything due on the clock's day, held items included (with why)."""
        today = self.today()
        out: list[DueItem] = []
        for kind in kinds:
            out.extend(getattr(self, "_due_" + kind.replace("-", "_"))(today))
        return out

    def _deleted_refs(self, kind: str) -> set[str]:
        return {r[0] for r in self.db.all(
            "SELECT ref FROM retention_deletions WHERE kind = ? AND state = 'deleted'", [kind])}

    def _deleted_files(self, kind: str) -> set[tuple[str, str]]:
        """(place, content) of the files of ``kind`` this schedule deleted: by place alone, a
        file whose place is the same text as a deleted one's (a byte not UTF-8 and the
        characters "\\xNN", ``text_safe``) was taken as deleted and kept for good (s43)."""
        return {(r[0], r[1] or "") for r in self.db.all(
            "SELECT ref, sha256 FROM retention_deletions WHERE kind = ? AND state = 'deleted'",
            [kind])}

    def _deleted_contents(self, kind: str) -> set[str]:
        """The content hashes of the files of ``kind`` this schedule deleted: an original
        deleted is known by its content, never its place, once it is gone (a file name often
        names a pupil: DPO audit s30), and is never deleted a second time (put back from the
        trash, it is the school's to keep)."""
        return {r[0] for r in self.db.all(
            "SELECT sha256 FROM retention_deletions WHERE kind = ? AND state = 'deleted' AND "
            "sha256 != ''", [kind])}

    def originals_known(self) -> dict[str, tuple[str, _dt.date, str]]:
        """Every original whose place PhotoVet knows: its full path -> (content hash, the day
        it was first copied from a device or marked ready, how), whether due or not (the
        subject access report says when each will be deleted)."""
        known: dict[str, tuple[str, _dt.date, str]] = {}   # path -> (sha, first seen, how)
        for path, sha, at in self.db.all("SELECT path, sha256, copied_at FROM device_copies "
                                         "WHERE path != '' ORDER BY id"):
            path = stored_path(path, sha or "")   # a name not UTF-8: stored as \\xNN (s42)
            when = _day(at)
            # a path recorded as typed (relative) names a different file in each folder this
            # runs from (an audit saw a backup's identical copy go to the trash): never used
            if sha and when and os.path.isabs(path):
                known.setdefault(os.path.abspath(path), (sha, when, "copied from a device"))
        for path, sha, at in self.db.all("SELECT path, sha256, prepared_at FROM approvals "
                                         "WHERE path IS NOT NULL AND path != ''"):
            path = stored_path(path, sha or "")
            when = _day(at)
            if when and os.path.isabs(path):
                key = os.path.abspath(path)
                if key not in known or known[key][1] > when:
                    known[key] = (sha, when, "marked ready")
        # the same photo under another name, exported once as another's copy (s52): an
        # approval keeps one place per photo, so this is where its place is known
        for path, sha, at in self.db.all("SELECT source_path, source_sha256, created_at FROM "
                                         "export_same_photo WHERE source_path != ''"):
            path = stored_path(path, sha or "")
            when = _day(at)
            if sha and when and os.path.isabs(path):
                key = os.path.abspath(path)
                if key not in known or known[key][1] > when:
                    known[key] = (sha, when, "the same photo as another, exported")
        return known

    def original_due_on(self, when: _dt.date, sha256: str = "") -> _dt.date:
        """The day an original first seen on ``when`` is due, if it is never exported; with
        its content ``sha256``, later when it was marked ready or approved for a channel since
        and is not exported there yet (``waiting_since``)."""
        days = _dt.timedelta(days=self.rules.originals_days)
        since = self.waiting_since(sha256)[0] if sha256 else None
        return max(when + days, since + days) if since is not None else when + days

    def waiting_since(self, sha256: str, made: dict[str, dict[str, list[str]]] | None = None
                      ) -> tuple[_dt.date | None, list[str], bool]:
        """The day the original of content ``sha256`` was last marked ready or approved for a
        channel where it waits to be exported (``transfer._still_wanted``: what "Delete
        originals" keeps), or None; with those channels, and whether it was exported there
        before. ``made``: ``transfer.exports_made_by_content``, read once for many."""
        from photovet.core.transfer import _still_wanted  # noqa: PLC0415

        states = self.approvals.for_photo(sha256)
        wanted_on, again = _still_wanted(self.approvals, self.records, sha256, made, states)
        chosen = [_day(t) for st in states if st.channel in wanted_on
                  for t in (st.prepared_at, st.decided_at)]
        return max((d for d in chosen if d is not None), default=None), wanted_on, again

    def _exports_by_source(self) -> dict[str, tuple[_dt.date | None, bool]]:
        """Each exported original's content hash -> (the day of its latest export, whether an
        exported copy of it is still on this PC, where purge can verify it)."""
        out: dict[str, tuple[_dt.date | None, bool]] = {}
        for sha, path, created in self.db.all(
                "SELECT source_sha256, output_path, created_at FROM exports"):
            if not sha:
                continue
            last, copy = out.get(sha, (None, False))
            path = stored_path(path or "")   # a folder not UTF-8: stored as \\xNN (s42)
            day = _day(created)
            if day is not None and (last is None or day > last):
                last = day
            out[sha] = (last, copy or bool(path) and Path(path).is_file())
        return out

    def _due_originals(self, today: _dt.date) -> list[DueItem]:
        """Originals never exported, ``originals_days`` after they were copied or marked ready;
        and originals whose exported copies are all gone from this PC (taken down with their
        copy, or deleted as export copies by this schedule), ``originals_days`` after the
        later of that day and their last export. ``photovet purge`` deletes an original only
        beside a verified copy, so without this nothing ever deleted those (audit s29: a
        withdrawn pupil's originals, and every original not purged within the export copies'
        period, were kept for good). An original with a copy still here is purge's. One
        waiting for approval, or approved, for a channel and not exported there yet
        (``transfer._still_wanted``, what "Delete originals" keeps) is due ``originals_days``
        after it was last marked ready or approved there, if that is later (s59: the schedule
        deleted a photo copied a term ago and marked ready that morning, which could then never
        be exported; "90 days after they were copied from a device or marked ready")."""
        from photovet.core.transfer import (  # noqa: PLC0415
            exports_made_by_content,
            still_wanted_said,
        )

        days = self.rules.originals_days
        known = self.originals_known()
        exported = self._exports_by_source()
        gone = self._deleted_refs("originals") | self._deleted_contents("originals")
        made: dict[str, dict[str, list[str]]] | None = None
        out = []
        for path, (sha, when, how) in sorted(known.items()):
            last, copy_here = exported.get(sha, (None, False))
            if copy_here or path in gone or sha in gone or not Path(path).exists():
                continue
            start = max(when, last) if last is not None else when
            due_on = start + _dt.timedelta(days=days)
            if due_on > today:
                continue
            if made is None:
                made = exports_made_by_content(self.records)
            # marked ready or approved for a channel and not exported there: the period runs
            # from the latest of those (as from the day it was copied)
            chosen_on, wanted_on, _again = self.waiting_since(sha, made)
            if chosen_on is not None and chosen_on + _dt.timedelta(days=days) > due_on:
                due_on = chosen_on + _dt.timedelta(days=days)
                if due_on > today:
                    continue
            said = "never exported" if sha not in exported else \
                f"last exported {_fmt(last) if last else 'on a day not recorded'}, no exported " \
                "copy left on this PC"
            if chosen_on is not None:
                said += (f"; {still_wanted_said(self.records, wanted_on, _again)} since "
                         f"{_fmt(chosen_on)}")
            out.append(DueItem("originals", path, f"{text_safe(Path(path).name)} ({how} on "
                               f"{_fmt(when)}, {said})", due_on, path=path, sha256=sha))
        return out

    def _due_export_copies(self, today: _dt.date) -> list[DueItem]:
        days = self.rules.export_copies_days
        gone = self._deleted_files("export-copies")
        seen: set[object] = set()
        out = []
        # the latest record of a place first: a copy exported again under the same name (the
        # earlier copy deleted or replaced) is that record's; by the first record, the copy
        # there was listed as the first's, kept as "changed" every time and never due as its
        # own (kept for good: s43 audit)
        for rid, path, sha, created in self.db.all(
                "SELECT id, output_path, output_sha256, created_at FROM exports "
                "ORDER BY id DESC"):
            when = _day(created)
            # the copy itself, also in a folder whose name is not UTF-8 (stored as \\xNN):
            # read as text it named no file, and the copy was never due, kept for good
            key = os.path.abspath(stored_path(path or "", sha or ""))
            # a place stored with \\xNN may be another file's too (a byte not UTF-8, or those
            # characters: s43): told apart by content, or a deleted copy's record hid the other
            once = (key, sha) if "\\x" in (path or "") else key
            if when is None or once in seen:
                continue
            seen.add(once)
            due_on = when + _dt.timedelta(days=days)
            if due_on > today or (text_safe(key), sha or "") in gone or not Path(key).exists():
                continue
            out.append(DueItem("export-copies", key, f"{text_safe(Path(key).name)} (export record {rid}, "
                               f"exported {_fmt(when)})", due_on, path=key, sha256=sha,
                               data={"export_id": rid}))
        # in the copies' order in their folder (-007 before -008), not the records' (an export
        # numbers its copies as each one finishes: the list read -006, -008, -007; s41 walk)
        out.sort(key=lambda i: (os.path.dirname(i.ref), os.path.basename(i.ref)))
        return out

    def _leavers(self, today: _dt.date, days: int) -> list[tuple[Any, _dt.date]]:
        out = []
        for p in self.register.people():
            if p.leaving_date is not None:
                due_on = p.leaving_date + _dt.timedelta(days=days)
                if due_on <= today:
                    out.append((p, due_on))
        return out

    def _due_export_records(self, today: _dt.date) -> list[DueItem]:
        from photovet.core.records import takedown  # noqa: PLC0415

        out = []
        for p, due_on in self._leavers(today, self.rules.export_records_days_after_leaving):
            n = self.db.scalar(
                "SELECT COUNT(DISTINCT export_id) FROM (SELECT export_id FROM export_people "
                "WHERE person = ? UNION SELECT export_id FROM caption_people WHERE person = ? "
                "UNION SELECT export_id FROM export_maybe WHERE person = ?) AS listed",
                [p.id, p.id, p.id])
            if not n:
                continue
            item = DueItem("export-records", f"person:{p.id}",
                           f"{p.id}: listed in {count(int(n), 'export record')}; left "
                           f"{_fmt(p.leaving_date)}",
                           due_on, data={"person": p.id, "exports": int(n)})
            try:
                open_items = takedown.evaluate(self.records, self.register, today, person=p.id)
            except PhotoVetError as exc:
                item.held = f"the take-down list could not be checked ({exc.message}); kept"
                open_items = []
            if open_items:
                item.held = ("a photo showing them is still to be taken down (take-down item "
                             + ", ".join(str(i.id) for i in open_items) + "); kept until it is done")
            out.append(item)
        return out

    def _due_cache(self, today: _dt.date) -> list[DueItem]:
        days = self.rules.cache_days
        cutoff = self.clock() - _dt.timedelta(days=days)
        old = []
        for f in self.cache.files():
            try:
                written = _dt.datetime.fromtimestamp(f.stat().st_mtime, _dt.UTC)
            except OSError:
                continue
            if written <= cutoff:
                old.append(str(f))
        if not old:
            return []
        return [DueItem("cache", "cache", f"{count(len(old), 'file')} of saved check results "
                        f"written before {_fmt(cutoff.date())}", today, data={"files": old})]

    def _due_leavers_rows(self, today: _dt.date) -> list[DueItem]:
        out = []
        for p, due_on in self._leavers(today, self.rules.leavers_rows_days_after_leaving):
            # walk s34: "... and face signatures" for a leaver who had none (never enrolled,
            # or deleted on their leaving date as the schedule does) read as biometrics held
            sig = self.register.enrolment_count(p.id)
            held = "register row and consent history" + (
                f", and {count(sig, 'face signature')}" if sig else "")
            item = DueItem("leavers-rows", f"person:{p.id}",
                           f"{p.id}: {held}; left {_fmt(p.leaving_date)}", due_on,
                           data={"person": p.id})
            n = self.db.scalar("SELECT COUNT(*) FROM export_people WHERE person = ?", [p.id]) \
                or self.db.scalar("SELECT COUNT(*) FROM caption_people WHERE person = ?", [p.id]) \
                or self.db.scalar("SELECT COUNT(*) FROM export_maybe WHERE person = ?", [p.id])
            if n:
                item.held = ("export records still list them (see 'Leavers in the export "
                             "records'); their row is kept so a take-down or a subject access "
                             "request can still name them")
            out.append(item)
        return out

    def _due_signatures(self, today: _dt.date) -> list[DueItem]:
        out = []
        for p in self.register.people():
            if not p.enrolled:
                continue
            due = signatures_due_on(p, self.rules)
            if due is None or due[0] > today:
                continue
            n = self.register.enrolment_count(p.id)
            if n:
                out.append(DueItem("signatures", f"person:{p.id}",
                                   f"{p.id}: {count(n, 'face signature')}; {due[1]}",
                                   due[0], data={"person": p.id, "left": due[1].startswith("left")}))
        return out

    def signatures_coming(self) -> list[DueItem]:
        """Face signatures the schedule deletes on a later day (audit s28, finding 6: last
        July's Year 6 are simply absent from September's MIS file, and their biometric data was
        not mentioned at all): each enrolled leaver or person the MIS file no longer lists
        whose day has not come, with that day and why. Never deleted from this list."""
        today = self.today()
        out = []
        for p in self.register.people():
            if not p.enrolled:
                continue
            due = signatures_due_on(p, self.rules)
            if due is None or due[0] <= today:
                continue
            n = self.register.enrolment_count(p.id)
            if n:
                out.append(DueItem("signatures", f"person:{p.id}",
                                   f"{p.id}: {count(n, 'face signature')}; {due[1]}", due[0],
                                   status="coming",
                                   data={"person": p.id, "left": due[1].startswith("left")}))
        return sorted(out, key=lambda i: (i.due_on, i.ref))

    # -- deleting ----------------------------------------------------------------------------

    def apply(self, items: list[DueItem] | None = None, *,
              permanent: bool = False) -> RetentionReport:
        """Delete what is due (``items``, or everything due now), as the signed-in admin.
        Held items are kept."""
        steps = self.apply_steps(items, permanent=permanent)
        while True:
            try:
                next(steps)
            except StopIteration as end:
                return end.value

    def apply_steps(self, items: list[DueItem] | None = None, *,
                    permanent: bool = False) -> Generator[DueItem, None, RetentionReport]:
        """``apply`` one item at a time, for a front end's progress: yields each item once it
        is dealt with (its ``status`` and ``reason`` set) and returns the report. Closed early
        (the person stopped it), the items not reached stay "due" and the run is audited all
        the same."""
        user = self.audit.access.require("retention.apply").name
        today = self.today()
        self._finish_interrupted()
        self._clip_look = None
        report = RetentionReport(today, applied=True, permanent=permanent,
                                 items=[] if items is None else items)
        try:
            for group in self._batches(self._in_turn() if items is None else [items]):
                if items is None:
                    report.items.extend(group)
                self._apply_group(group, permanent=permanent, user=user)
                yield from group
        finally:
            self.audit.record("retention.applied", {
                "today": today.isoformat(), "permanent": permanent,
                "counts": report.to_dict()["counts"],
                "kinds": sorted({i.kind for i in report.items if i.status == "deleted"})})
        return report

    def _in_turn(self) -> Generator[list[DueItem], None, None]:
        """Everything due now, kind by kind, each kind listed just after the kinds that can
        make it due (and once they are dealt with): an exported original once its exported
        copies are gone, a leaver's register row once the export records no longer list them
        (audit s29: both took a second run)."""
        first = ("export-copies", "export-records")
        for kind in first + tuple(k for k in KINDS if k not in first):
            yield self.due((kind,))

    @staticmethod
    def _batches(lists: Iterable[list[DueItem]]) -> Generator[list[DueItem], None, None]:
        """The items of ``lists`` in order, each alone, except leavers who are removed from
        the export records or whose register rows are deleted one after another: up to
        ``FORGET_BATCH`` of them together, the stored texts read once for all of them (s34:
        each read every stored web address, note and reason once per leaver; 60 leavers took
        minutes), then each forgotten in a transaction of their own (s35). A list is done
        before the next is asked for (it may be due only then)."""
        for items in lists:
            run: list[DueItem] = []
            for item in items:
                together = item.kind in BATCHED and not item.held
                if run and (not together or item.kind != run[0].kind or
                            len(run) >= FORGET_BATCH):
                    yield run
                    run = []
                if together:
                    run.append(item)
                else:
                    yield [item]
            if run:
                yield run

    def _apply_group(self, group: list[DueItem], *, permanent: bool, user: str) -> None:
        """``_apply_one`` for each. Leavers one after another are each forgotten in a short
        transaction of their own (s35: all of them in one held the writer lock ~20 s for 60
        leavers, and every other PC waited), each complete and audited on its own, so a crash
        between two leaves the register consistent and the next run goes on with the rest;
        what is costly, reading every stored text with the caption check, is done once for all
        of them first, outside any transaction (``exports.read_texts``)."""
        known: dict[str, dict[str, str]] | None = None
        if len(group) > 1:
            from photovet.core.records.exports import full_names, read_texts  # noqa: PLC0415

            try:
                known = read_texts(self.db, [
                    (i.data["person"], full_names(p := self.register.find(i.data["person"])), p)
                    for i in group])
            except Exception:
                log.exception("reading the stored texts once for %d leavers failed; each is "
                              "read alone", len(group))
                known = None
        for item in group:
            self._apply_one(item, permanent=permanent, user=user, known=known)

    def _apply_one(self, item: DueItem, *, permanent: bool, user: str,
                   known: dict[str, dict[str, str]] | None = None) -> None:
        if item.held:
            item.status, item.reason = "kept", item.held
            return
        try:
            if item.kind in FILE_KINDS:
                self._delete_file(item, permanent=permanent, user=user)
            elif item.kind == "export-records":
                self._forget_in_records_together([item], known=known)
            elif item.kind == "cache":
                self._clear_cache(item)
            elif item.kind == "leavers-rows":
                self.register.delete_people(
                    [(item.data["person"], f"retention schedule: due on {_fmt(item.due_on)}")],
                    known=known, by_retention=True)
                item.status, item.reason = "deleted", "register row deleted"
            elif item.kind == "signatures":
                self._delete_signatures(item)
            else:
                raise PhotoVetError(f"unknown kind '{item.kind}'")
        except PhotoVetError as exc:
            item.status, item.reason = "error", exc.message
        except OSError as exc:
            from photovet.core.transfer import deletion_failed  # noqa: PLC0415

            item.status = "error"
            item.reason = deletion_failed(exc, permanent)
        except Exception as exc:
            item.status = "error"
            item.reason = f"could not delete ({type(exc).__name__}: {exc}); kept"

    def _now_iso(self) -> str:
        return _utc_now().isoformat(timespec="seconds")

    def _delete_file(self, item: DueItem, *, permanent: bool, user: str) -> None:
        from photovet.core.transfer import (  # noqa: PLC0415
            delete_for_good,
            deletion_disk,
            file_identity,
            hash_and_stat,
            hidden_for,
            hidden_in_the_way,
            not_deletable,
            settle_half_hidden,
            settle_left_temp,
            still_the_file,
        )

        path = Path(item.path)
        hidden = hidden_for(path)
        settle_half_hidden(path, hidden)    # a rename to it cut short half-way
        if not path.is_file():
            item.status, item.reason = "kept", "the file is no longer there"
            return
        settle_left_temp(path)      # its import's or export's temporary name, left by a crash
        refusal = not_deletable(path)
        if refusal:
            item.status, item.reason = "kept", refusal
            return
        sha, hashed = hash_and_stat(path)
        if item.sha256 and sha != item.sha256:
            item.status = "kept"
            item.reason = "the file changed since PhotoVet recorded it (sha256 differs); kept"
            return
        method = "overwrite" if permanent else "trash"
        if permanent and os.path.lexists(hidden):    # renaming there would replace (delete) it
            item.status, item.reason = "kept", hidden_in_the_way(hidden)
            return
        # the file itself, before the rename: a crash after it is finished on that file only
        file_id = file_identity(path, hashed) if permanent else ""
        # and the disk it is on: cut short, a file missing from another stick put in its place
        # (the same folders) is not said deleted (s49)
        disk = deletion_disk(path.parent)
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO retention_deletions (kind, ref, path, sha256, method, state, "
                "pending_at, actor, file_id, disk_id) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, "
                "?)",
                [item.kind, item.ref, str(path), item.sha256, method, self._now_iso(), user,
                 file_id, disk])
            # by its content, never its path (a file name often names a pupil; the log is
            # kept for good); the row keeps the path until the file is gone (a crash needs it)
            self.audit.record("retention.delete-pending", {"kind": item.kind,
                                                           "sha256": item.sha256, "method": method,
                                                           "due_on": item.due_on.isoformat()})
        crash_point("retention.pending")
        try:
            if permanent:    # never over a file of the hidden name; only the file checked
                delete_for_good(path, hidden, sha, crash_label="retention.hidden")
            else:
                from send2trash import send2trash  # noqa: PLC0415

                still_the_file(path, hashed)
                send2trash(str(path))
        except Exception as exc:
            self._mark(item, "failed", reason=f"{type(exc).__name__}: {exc}")
            raise
        crash_point("retention.removed")
        self._mark(item, "deleted")
        item.status = "deleted"
        # the words the rest of the window uses (s41 walk: "moved to the trash" under a box
        # that says "Recycle Bin / Trash")
        item.reason = "deleted for good" if permanent else "moved to the Recycle Bin / Trash"
        if item.kind == "originals":
            try:
                clips = self._clips_left_beside(path.absolute())
            except Exception:   # the file is deleted: never said "could not delete" for this
                log.exception("the Live Photo clips beside a deleted original were not looked for")
                clips = []
            if clips:
                item.data["live_clips"] = clips

    def _clips_left_beside(self, photo: Path) -> list[str]:
        """The iPhone Live Photo clips beside the original ``photo`` (IMG_0001.MOV beside
        IMG_0001.HEIC) that PhotoVet knows nothing of, so never deletes: the photo was added
        from a folder, and a batch leaves such clips out. A clip copied from a device is an
        original of its own, due on its own day, so it is not named (s53's note: the schedule
        deleted a hand-added photo and left its clip, the same moment with sound, unsaid)."""
        from photovet.core.transfer import live_clips_beside  # noqa: PLC0415

        if self._clip_look is None:
            self._clip_look = (set(self.originals_known()), {})
        known, movs = self._clip_look
        return live_clips_beside([photo], known, movs)

    def live_clips_beside_due(self, items: Iterable[DueItem]) -> list[str]:
        """The Live Photo clips that will stay beside the originals among ``items`` that are
        due and not held (what a listing says before anything is deleted)."""
        return every_clip(self.live_clips_beside_each(items))

    def live_clips_beside_each(self, items: Iterable[DueItem]) -> dict[str, list[str]]:
        """The same, by original (its ``ref``): each due original that leaves a clip, and the
        clips it leaves (a list shows them under their photo)."""
        self._clip_look = None
        each: dict[str, list[str]] = {}
        for i in items:
            if i.kind == "originals" and i.path and not i.held and i.status == "due":
                clips = self._clips_left_beside(Path(i.path))
                if clips:
                    each[i.ref] = clips
        return each

    def _mark(self, item: DueItem, state: str, *, reason: str = "",
              resumed: bool = False) -> None:
        from photovet.core.records.exports import forget_original_place  # noqa: PLC0415
        from photovet.core.transfer import without_place  # noqa: PLC0415

        with self.db.atomic():
            # by content too: two files whose places are the same text (a byte not UTF-8 and
            # the characters "\\xNN", s43) are never marked for each other
            same = " AND sha256 = ?" if item.sha256 else ""
            key = [item.kind, item.ref] + ([item.sha256] if item.sha256 else [])
            rows = self.db.all("SELECT id, sha256 FROM retention_deletions WHERE kind = ? AND "
                               f"ref = ? AND state = 'pending'{same}", key)
            # done (deleted, or failed and left where it is): the row keeps the file's content
            # hash, not its place; an original's reference becomes its content too
            ref = item.ref
            if item.kind == "originals" and rows and rows[0][1]:
                ref = f"sha256:{rows[0][1]}"
            self.db.execute(
                "UPDATE retention_deletions SET state = ?, deleted_at = ?, ref = ?, path = '' "
                f"WHERE kind = ? AND ref = ? AND state = 'pending'{same}",
                [state, self._now_iso() if state == "deleted" else None, ref, *key])
            if state == "deleted" and item.kind == "originals" and item.path:
                forget_original_place(self.db, item.path)
            details: dict[str, Any] = {"kind": item.kind, "deletions": [r[0] for r in rows],
                                       "sha256": rows[0][1] if rows else "",
                                       "finished_after_interruption": resumed}
            if reason:
                details["reason"] = without_place(reason, item.path) if item.path else reason
            self.audit.record("retention.deleted" if state == "deleted" else
                              "retention.delete-failed", details)

    def finish_interrupted(self) -> int:
        """Finish deletions a crash cut short: a hidden ``.photovet-purge-`` file is overwritten
        and removed; a file already gone is marked deleted (unless its folder is not there now: a
        stick not connected; or is on another disk than when the deletion was announced, or one
        whose id cannot be read now: another stick in its place, s49; left unfinished); one
        still in place is listed again
        (its pending row is marked failed). Returns how many were finished. A signed-in admin."""
        self.audit.access.require("retention.apply")
        return self._finish_interrupted()

    def _finish_interrupted(self) -> int:
        from photovet.core.transfer import (  # noqa: PLC0415
            folder_not_there,
            hidden_is_ours,
            hidden_left,
            overwrite_or_put_back,
            own_name,
            pending_disk_changed,
            settle_half_hidden,
            without_place,
        )

        n = 0
        for kind, ref, path, sha, method, file_id, disk in self.db.all(
                "SELECT kind, ref, path, sha256, method, file_id, disk_id FROM "
                "retention_deletions WHERE state = 'pending'"):
            # the file itself (a name that is not UTF-8 is stored as \\xNN): read as text it
            # named no file, and an interrupted deletion was marked done with the file still there
            path = stored_path(path, sha or "")
            p = Path(path)
            # and its hidden name: after the rename the file is found by that name only (the
            # place alone resolved to no file, and the hidden photo was marked deleted, left)
            hidden = hidden_left(p)
            settle_half_hidden(p, hidden)    # a rename to it (or back) cut short half-way
            item = DueItem(kind, ref, "", _dt.date.today(), path=path, sha256=sha or "")
            # only the file this row renamed there: any other of that name (one PhotoVet did
            # not make, or made for another row) is never overwritten nor deleted (s43)
            if method == "overwrite" and os.path.lexists(hidden):
                if hidden_is_ours(p, hidden, sha or "", file_id or "") is None:
                    # one that cannot be overwritten (read-only) is put back under its own
                    # name and its row ends "failed" (s44 audit: it stayed hidden for ever and
                    # every run stopped here, before its first item); the run goes on
                    try:
                        overwrite_or_put_back(hidden, own_name(hidden, p))
                    except (PhotoVetError, OSError) as exc:
                        why = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                        if not os.path.lexists(hidden):
                            self._mark(item, "failed", reason=why)
                        else:
                            log.warning("an interrupted deletion by the retention schedule "
                                        "could not be finished: %s",
                                        without_place(why, hidden))
                        continue
                    self._mark(item, "deleted", resumed=True)
                    n += 1
                    continue
                if not os.path.lexists(p):
                    # gone from its place, and the file of its hidden name is not the one this
                    # row renamed: left as it is, and the row stays unfinished (said when the
                    # register opens) rather than saying deleted what may be on the disk
                    log.warning("an interrupted deletion by the retention schedule: the file "
                                "left under its hidden name is not the one it was deleting; "
                                "it was not touched")
                    continue
            if os.path.lexists(p):
                self._mark(item, "failed", reason="interrupted before the file was deleted")
            elif folder_not_there(p.parent):
                # a stick not connected: the file may still be on it; never said deleted (its
                # place then forgotten for good), left unfinished and said at the opening (s48)
                log.warning("an interrupted deletion by the retention schedule: the file's "
                            "folder is not there now (a USB stick not connected?); left "
                            "unfinished")
                continue
            elif changed := pending_disk_changed(p.parent, disk):
                # another stick with the same folders in its place, or one PhotoVet cannot tell
                # from it: the file may be on the stick it was on, never deleted (s49)
                log.warning("an interrupted deletion by the retention schedule: the file's "
                            "folder is %s; left unfinished",
                            "on another USB stick or drive now (swapped for another?)"
                            if changed == "other" else "on a USB stick or drive PhotoVet "
                            "cannot tell from the one it was on")
                continue
            else:
                self._mark(item, "deleted", resumed=True)
                n += 1
        return n

    def _forget_in_records(self, item: DueItem) -> None:
        self._forget_in_records_together([item])

    def _forget_in_records_together(self, items: list[DueItem], *,
                                    known: dict[str, dict[str, str]] | None = None) -> None:
        """Leavers removed from the export records, in one transaction: whom each record
        shows and names, the faces shown as them, what the captions, web addresses, notes,
        reasons and approvals said of them (``exports.forget_names``: each text read once for
        all of them), and the take-down list's reasons about them. One audit row each."""
        from photovet.core.records.exports import (  # noqa: PLC0415
            forget_faces_shown,
            forget_names,
            full_names,
        )

        pids = [item.data["person"] for item in items]
        listed: dict[str, list[Any]] = {}
        with self.db.atomic():
            for pid in pids:
                ids = [r[0] for r in self.db.all(
                    "SELECT export_id FROM export_people WHERE person = ? UNION "
                    "SELECT export_id FROM caption_people WHERE person = ? UNION "
                    "SELECT export_id FROM export_maybe WHERE person = ?", [pid, pid, pid])]
                listed[pid] = ids
                self.db.execute("DELETE FROM export_people WHERE person = ?", [pid])
                forget_faces_shown(self.db, pid, ids)      # a face shown as them: as nobody
            # the captions recorded with them said their name (DPO audit s30)
            gone = [(pid, full_names(p := self.register.find(pid)), p) for pid in pids]
            forget_names(self.db, gone, audit=self.audit, known=known)
            cols = ("people_shown", "people_covered", "names_covered", "names_shown")
            for pid in pids:
                self.db.execute("DELETE FROM caption_people WHERE person = ?", [pid])
                self.db.execute("DELETE FROM export_maybe WHERE person = ?", [pid])
                # a face shown as them that may be someone else: still named as a person, not
                # them
                self.db.execute("UPDATE export_maybe SET named_as = 'removed' WHERE named_as = ?",
                                [pid])
                for rid in listed[pid]:
                    row = self.db.one(f"SELECT {', '.join(cols)} FROM exports WHERE id = ?", [rid])
                    if row is None:
                        continue
                    new = [json.dumps([x for x in json.loads(v or "[]") if x != pid]) for v in row]
                    self.db.execute(f"UPDATE exports SET {', '.join(c + ' = ?' for c in cols)} "
                                    "WHERE id = ?", [*new, rid])
            # and from the take-down list: whom each item lists, and why (audit s29: the why,
            # "Consent withdrawn ... (requested by <the parent>)", "Named in the caption as
            # 'NE'", stayed, also where an item's list of people did not name them)
            out = set(pids)
            for tid, people, reasons in self.db.all(
                    "SELECT id, people, reasons FROM takedown_items"):
                listed_now = json.loads(people or "[]")
                why = json.loads(reasons or "{}")
                if out & set(listed_now) or out & set(why):
                    for pid in out:
                        why.pop(pid, None)
                    self.db.execute("UPDATE takedown_items SET people = ?, reasons = ? "
                                    "WHERE id = ?",
                                    [json.dumps([x for x in listed_now if x not in out]),
                                     json.dumps(why), tid])
            for item in items:
                pid = item.data["person"]
                self.audit.record("retention.export-records", {
                    "person": pid, "export_ids": listed[pid],
                    "due_on": item.due_on.isoformat()})
        for item in items:
            item.status = "deleted"
            item.reason = f"removed from {count(len(listed[item.data['person']]), 'export record')}"

    def _clear_cache(self, item: DueItem) -> None:
        files = [Path(f) for f in item.data.get("files", [])]
        n = 0
        for f in files:
            try:
                f.unlink()
                n += 1
            except FileNotFoundError:
                continue
        self.audit.record("retention.cache", {"files_deleted": n,
                                              "due_on": item.due_on.isoformat()})
        item.status, item.reason = "deleted", f"{count(n, 'file')} deleted"

    def _delete_signatures(self, item: DueItem) -> None:
        pid = item.data["person"]
        with self.db.atomic():
            n = self.db.execute("DELETE FROM encodings WHERE person_id = ?", [pid]).rowcount
            self.audit.record("register.purge-encodings", {
                "why": "left school (retention schedule)" if item.data.get("left", True)
                else "no longer in the MIS file (retention schedule)",
                "people": [pid], "signatures": n,
                "due_on": item.due_on.isoformat()})
        item.status, item.reason = "deleted", f"{count(n, 'face signature')} deleted"


__all__ = ["DueItem", "KINDS", "KIND_LABELS", "RetentionReport", "RetentionSchedule",
           "every_clip", "live_clips_of", "signatures_due_on"]
