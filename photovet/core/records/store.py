"""What was exported and posted, and what must now be taken down.

Every exported file gets an export record: output path and sha256, perceptual hashes of the
OUTPUT (so a copy downloaded back from a social network can be identified), source path and
sha256, channel, batch label, who is shown / blurred / named, preparer, approver and time.
"Mark as posted" adds a post (channel, date, optional URL) to records found by batch, by the
sha256 of a file's content, or by output path.

A take-down item is one exported file on one channel that shows somebody UNBLURRED whose consent
for that channel is now missing (withdrawn, do-not-photograph, left, register row rejected, or no
longer in the register). Consent is evaluated with the CURRENT register row and the policy rules
(``policy.decide_face`` with a recognised match, in consent mode) plus our own fail-closed checks.
Items are kept in a table so they have stable numbers, remember when they were first listed, and
can be marked as taken down (audited); a done item stays done.

Tables (migration ``records-0001-exports``): ``exports``, ``export_people`` (export, person,
role: shown/blurred/named), ``posts``, ``takedown_items``; (``records-0002-purges``) ``purges``,
written by photovet.core.transfer.purge_batch.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from photovet.core.media import phash as _ph
from photovet.core.storage import Database, atomic
from photovet.core.errors import PhotoVetError, UnknownPersonError
from photovet.core.fsutil import atomic_write_text as _atomic_write_text
from photovet.core.models import ExportResult, Face, Match, MatchStatus, Mode, Person, channel_label


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
    faces_blurred: int = 0
    texts_covered: int = 0
    people_shown: list[str] = field(default_factory=list)
    people_blurred: list[str] = field(default_factory=list)
    names_covered: list[str] = field(default_factory=list)
    preparer: str | None = None
    approver: str | None = None
    posts: list[PostRecord] = field(default_factory=list)

    @property
    def posted(self) -> bool:
        return bool(self.posts)

    @property
    def people(self) -> list[str]:
        """Everyone who appears in any way (shown, blurred, or named), in that order."""
        out: list[str] = []
        for pid in self.people_shown + self.people_blurred + self.names_covered:
            if pid not in out:
                out.append(pid)
        return out

    def roles(self, person: str) -> list[str]:
        r = []
        if person in self.people_shown:
            r.append("shown")
        if person in self.people_blurred:
            r.append("blurred")
        if person in self.names_covered:
            r.append("named (name covered)")
        return r

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["posts"] = [p.to_dict() for p in self.posts]
        d["posted"] = self.posted
        return d


@dataclass
class TakedownItem:
    """One exported file on one channel that shows someone whose consent is now missing."""

    id: int
    export_id: int
    channel: str
    status: str                      # "posted" | "exported" (exported for this channel, not posted)
    people: list[str]                # register ids shown unblurred without consent now
    reasons: dict[str, str]          # id -> "No consent for Facebook", "On the do-not-photograph list"
    names: dict[str, str]            # id -> display name (from the register, when known)
    output_path: str
    output_sha256: str
    source_path: str
    batch: str
    posts: list[PostRecord] = field(default_factory=list)
    first_listed_at: str = ""
    done_at: str | None = None
    done_by: str | None = None
    note: str | None = None
    new: bool = False                # first listed by this call

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def action(self) -> str:
        label = channel_label(self.channel)
        if self.status == "posted":
            urls = ", ".join(p.url for p in self.posts if p.url)
            return f"Take this photo down from {label}" + (f" ({urls})" if urls else "")
        return f"Do not post this export on {label}; delete it"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["posts"] = [p.to_dict() for p in self.posts]
        d["done"] = self.done
        d["action"] = self.action
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
                "people_blurred": self.record.people_blurred,
                "names_covered": self.record.names_covered}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _sha256(path: Path) -> str:
    from photovet.core.media.imaging import sha256_file  # noqa: PLC0415

    return sha256_file(path)


def _norm(path: str | Path) -> str:
    return os.path.normcase(os.path.abspath(str(path)))


def consent_missing(register: Any, person_id: str, channel: str, on: _dt.date,
                    cache: dict | None = None) -> str | None:
    """Why ``person_id`` may NOT be shown on ``channel`` now, or None when they may.

    Uses the register's current row and ``policy.decide_face`` (a recognised match, consent
    mode: the school's posting mode at the time does not matter once somebody was shown), then
    our own fail-closed checks in case the policy module is absent or more lenient.
    """
    key = (person_id, channel)
    if cache is not None and key in cache:
        return cache[key]
    person: Person | None
    try:
        person = register.person(person_id)
    except (UnknownPersonError, KeyError, LookupError):
        person = None
    reason: str | None = None
    if person is None:
        reason = "No longer in the register"
    else:
        try:
            from photovet.core.policy import decide_face  # noqa: PLC0415
        except ImportError:  # pragma: no cover - policy ships with PhotoVet
            decide_face = None
        if decide_face is not None:
            d = decide_face(Match(MatchStatus.RECOGNISED, person=person_id, distance=0.0, margin=1.0),
                            person, channel, on, Mode.CONSENT)
            if d.action != "show":
                reason = d.reason
        if reason is None:
            if not person.valid:
                reason = "Register row rejected (fix the register)"
            elif person.do_not_photograph:
                reason = "On the do-not-photograph list"
            elif person.has_left(on):
                reason = f"Left school on {person.leaving_date.isoformat()}"  # type: ignore[union-attr]
            elif person.consents.get(channel) is not True:
                reason = f"No consent for {channel_label(channel)}"
    if cache is not None:
        cache[key] = reason
    return reason


def _display_names(register: Any, ids: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if register is None:
        return out
    for pid in ids:
        try:
            p = register.person(pid)
        except Exception:  # noqa: BLE001 - a missing person simply has no name to show
            continue
        if p is not None:
            out[pid] = p.display_name
    return out


def _csv_cell(v: Any) -> str:
    """Neutralise spreadsheet formulas (a name like '=HYPERLINK(...)' stays text)."""
    s = "" if v is None else str(v)
    if s and s[0] in "=+-@\t\r":
        s = "'" + s
    return s


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------

class Records:
    def __init__(self, db: Database, audit: Any = None):
        self.db = db
        if audit is None:
            from photovet.core.audit import AuditLog  # noqa: PLC0415

            audit = AuditLog(db)
        self.audit = audit
        self._index: _ph.HashIndex | None = None
        self._index_key: tuple[int, int] | None = None

    # ---- writing ------------------------------------------------------------------------

    def add_export(self, result: ExportResult, *, batch: str, channel: str,
                   preparer: str | None, approver: str | None,
                   faces: list[Face] | None = None) -> int:
        """Record one exported file. Hashes are computed from the OUTPUT file on disk (it must
        exist: this is called right after the export was written and verified)."""
        if not result.ok:
            raise RecordsError(f"not exported ({result.error or 'no output file'}); nothing to record",
                               path=result.source)
        out = Path(result.output)  # type: ignore[arg-type]
        if not out.is_file():
            raise RecordsError("the exported file is missing; nothing recorded", path=out)
        out_sha = _sha256(out)
        if result.output_sha256 and result.output_sha256 != out_sha:
            raise RecordsError("the exported file changed after export (sha256 differs); "
                               "nothing recorded", path=out)
        try:
            variants = _ph.phash_variants_file(out)
        except Exception as exc:  # noqa: BLE001 - any decoder problem: say which file
            raise RecordsError(f"the exported file could not be read for its perceptual hash ({exc})",
                               path=out) from exc
        src_sha = result.source_sha256
        if not src_sha and Path(result.source).is_file():
            src_sha = _sha256(Path(result.source))
        shown, blurred = list(result.people_shown), list(result.people_blurred)
        for f in faces or []:  # faces add what the result's lists may not say
            pid = f.override_person or f.person
            if not pid:
                continue
            if f.final_decision == "show":
                shown.append(pid)
            elif f.override_person or f.match_status == MatchStatus.RECOGNISED.value:
                blurred.append(pid)
        shown = list(dict.fromkeys(shown))
        blurred = [p for p in dict.fromkeys(blurred) if p not in shown]
        named = list(dict.fromkeys(result.names_covered))
        faces_json = json.dumps([f.to_dict() for f in faces]) if faces else None
        row = {
            "created_at": _now(), "batch": batch, "channel": channel,
            "output_path": os.path.abspath(str(out)), "output_sha256": out_sha,
            "phash": _ph.to_hex(variants[0]), "phash_variants": _ph.pack(variants),
            "source_path": os.path.abspath(str(result.source)), "source_sha256": src_sha or "",
            "width": result.width, "height": result.height,
            "faces_blurred": result.faces_blurred, "texts_covered": result.texts_covered,
            "people_shown": json.dumps(shown), "people_blurred": json.dumps(blurred),
            "names_covered": json.dumps(named), "faces": faces_json,
            "preparer": preparer, "approver": approver,
        }
        with atomic(self.db):
            rid = self.db.insert(
                f"INSERT INTO exports ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                list(row.values()))
            for role, ids in (("shown", shown), ("blurred", blurred), ("named", named)):
                for pid in ids:
                    self.db.execute("INSERT INTO export_people (export_id, person, role) "
                                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [rid, pid, role])
            self.audit.record("export-recorded", {
                "export_id": rid, "batch": batch, "channel": channel, "output": row["output_path"],
                "output_sha256": out_sha, "source": row["source_path"], "source_sha256": src_sha,
                "people_shown": shown, "people_blurred": blurred, "names_covered": named,
                "preparer": preparer, "approver": approver}, user=preparer)
        if self._index is not None:
            self._index.add(rid, variants)
            self._index_key = self._current_key()
        return rid

    def _match_files(self, files: Iterable[Path], problems: list | None) -> list[int]:
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
                why = ("no export record has this file's content or path (is it a PhotoVet export?)"
                       if f.exists() else "file not found, and no export record has this path")
                errors.append((f, why))
            ids.extend(i for i in found if i not in ids)
        if errors:
            if problems is None:
                f, why = errors[0]
                raise RecordsError(why, path=f)
            problems.extend(errors)
        return ids

    def mark_posted(self, *, batch: str | None = None, files: list[Path] | None = None,
                    channel: str, date: _dt.date | None = None, url: str | None = None,
                    user: str | None = None, problems: list | None = None) -> int:
        """Add a post to every record of ``batch`` and/or of ``files``. Returns how many export
        records were marked. Files are matched by the sha256 of their content first, then by
        output path. Unmatched files raise ``RecordsError`` (nothing written) unless a
        ``problems`` list is given, which then receives ``(file, reason)`` and the rest go on."""
        if not channel:
            raise RecordsError("a channel is needed to mark photos as posted")
        if batch is None and not files:
            raise RecordsError("say which batch or which files were posted")
        ids: list[int] = []
        if batch is not None:
            ids = [r[0] for r in self.db.execute(
                "SELECT id FROM exports WHERE batch = ? ORDER BY id", [batch])]
            if not ids:
                raise RecordsError(f"no exports are recorded for batch '{batch}'",
                                   hint="photovet exports lists the recorded batches.")
        if files:
            ids += [i for i in self._match_files(files, problems) if i not in ids]
        day = (date or _dt.date.today()).isoformat()
        now = _now()
        with atomic(self.db):
            for rid in ids:
                self.db.execute(
                    "INSERT INTO posts (export_id, channel, posted_on, url, actor, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [rid, channel, day, url or "", user, now])
            if ids:
                self.audit.record("posted", {"batch": batch, "files": [str(f) for f in files or []],
                                             "export_ids": ids, "channel": channel, "date": day,
                                             "url": url or ""}, user=user)
        return len(ids)

    # ---- reading ------------------------------------------------------------------------

    def _rows_to_records(self, rows: list[tuple], cols: list[str]) -> list[ExportRecord]:
        recs: list[ExportRecord] = []
        for r in rows:
            d = dict(zip(cols, r))
            recs.append(ExportRecord(
                id=d["id"], created_at=d["created_at"], batch=d["batch"], channel=d["channel"],
                output_path=d["output_path"], output_sha256=d["output_sha256"], phash=d["phash"],
                source_path=d["source_path"], source_sha256=d["source_sha256"],
                width=d["width"], height=d["height"], faces_blurred=d["faces_blurred"],
                texts_covered=d["texts_covered"],
                people_shown=json.loads(d["people_shown"]),
                people_blurred=json.loads(d["people_blurred"]),
                names_covered=json.loads(d["names_covered"]),
                preparer=d["preparer"], approver=d["approver"]))
        if recs:
            by_id = {r.id: r for r in recs}
            qmarks = ",".join("?" for _ in by_id)
            for p in self.db.execute(
                    f"SELECT id, export_id, channel, posted_on, url, actor FROM posts "
                    f"WHERE export_id IN ({qmarks}) ORDER BY posted_on, id", list(by_id)):
                by_id[p[1]].posts.append(PostRecord(*p))
        return recs

    _COLS = ["id", "created_at", "batch", "channel", "output_path", "output_sha256", "phash",
             "source_path", "source_sha256", "width", "height", "faces_blurred", "texts_covered",
             "people_shown", "people_blurred", "names_covered", "preparer", "approver"]

    def _select(self, where: str = "", params: list | None = None) -> list[ExportRecord]:
        sql = f"SELECT {', '.join(self._COLS)} FROM exports {where} ORDER BY id"
        return self._rows_to_records(self.db.execute(sql, params or []).fetchall(), self._COLS)

    def exports(self, person: str | None = None, *, batch: str | None = None) -> list[ExportRecord]:
        """Every export record (oldest first); with ``person``, those where they appear at all
        (shown, blurred or named)."""
        clauses, params = [], []
        if person is not None:
            clauses.append("id IN (SELECT export_id FROM export_people WHERE person = ?)")
            params.append(person)
        if batch is not None:
            clauses.append("batch = ?")
            params.append(batch)
        return self._select("WHERE " + " AND ".join(clauses) if clauses else "", params)

    def get(self, export_id: int) -> ExportRecord:
        recs = self._select("WHERE id = ?", [int(export_id)])
        if not recs:
            raise RecordsError(f"no export record {export_id}")
        return recs[0]

    def batches(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT batch FROM exports GROUP BY batch ORDER BY MIN(id)")]

    # ---- take-down ----------------------------------------------------------------------

    def _default_register(self) -> Any:
        from photovet.core.register.store import Register  # noqa: PLC0415

        return Register(self.db)

    def takedown(self, person: str | None = None, register: Any = None,
                 on: _dt.date | None = None, *, include_done: bool = False) -> list[TakedownItem]:
        """The files to take down (posted) or not to post (exported only), per channel: those
        showing somebody unblurred whose consent for that channel is now missing. With
        ``person``, only items involving them. Done items are left out unless ``include_done``."""
        if register is None:
            register = self._default_register()
        on = on or _dt.date.today()
        cache: dict = {}
        if person is not None:
            recs = self._select(
                "WHERE id IN (SELECT export_id FROM export_people WHERE person = ? AND role = 'shown')",
                [person])
        else:
            recs = self._select(
                "WHERE id IN (SELECT export_id FROM export_people WHERE role = 'shown')")
        wanted: list[tuple[ExportRecord, str, str, list[str], dict[str, str]]] = []
        for rec in recs:
            posted_channels = list(dict.fromkeys(p.channel for p in rec.posts))
            chans = [(c, "posted") for c in posted_channels]
            if rec.channel not in posted_channels:
                chans.append((rec.channel, "exported"))
            for ch, status in chans:
                reasons = {}
                for pid in rec.people_shown:
                    why = consent_missing(register, pid, ch, on, cache)
                    if why:
                        reasons[pid] = why
                if reasons and (person is None or person in reasons):
                    wanted.append((rec, ch, status, list(reasons), reasons))
        items: list[TakedownItem] = []
        now = _now()
        with atomic(self.db):
            for rec, ch, status, people, reasons in wanted:
                row = self.db.execute(
                    "SELECT id, first_listed_at, done_at, done_by, note FROM takedown_items "
                    "WHERE export_id = ? AND channel = ?", [rec.id, ch]).fetchone()
                new = row is None
                if new:
                    new_id = self.db.insert(
                        "INSERT INTO takedown_items (export_id, channel, people, reasons, first_listed_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        [rec.id, ch, json.dumps(people), json.dumps(reasons), now])
                    row = (new_id, now, None, None, None)
                else:
                    self.db.execute("UPDATE takedown_items SET people = ?, reasons = ? WHERE id = ?",
                                    [json.dumps(people), json.dumps(reasons), row[0]])
                if row[2] is not None and not include_done:
                    continue
                items.append(TakedownItem(
                    id=row[0], export_id=rec.id, channel=ch, status=status, people=people,
                    reasons=reasons, names=_display_names(register, people),
                    output_path=rec.output_path, output_sha256=rec.output_sha256,
                    source_path=rec.source_path, batch=rec.batch,
                    posts=[p for p in rec.posts if p.channel == ch], first_listed_at=row[1],
                    done_at=row[2], done_by=row[3], note=row[4], new=new))
        items.sort(key=lambda i: (i.status != "posted", i.id))
        return items

    def mark_taken_down(self, item_id: int, user: str | None, note: str | None = None) -> TakedownItem | None:
        """Record that an item was taken down (or the export deleted). Audited. Returns the item
        as now stored."""
        with atomic(self.db):
            row = self.db.execute(
                "SELECT id, export_id, channel, people, reasons, first_listed_at, done_at "
                "FROM takedown_items WHERE id = ?", [int(item_id)]).fetchone()
            if row is None:
                raise RecordsError(f"no take-down item {item_id}",
                                   hint="photovet takedown lists the open items and their numbers.")
            if row[6] is not None:
                raise RecordsError(f"take-down item {item_id} was already marked done on {row[6]}")
            now = _now()
            self.db.execute("UPDATE takedown_items SET done_at = ?, done_by = ?, note = ? WHERE id = ?",
                            [now, user, note or "", int(item_id)])
            rec = self.get(row[1])
            self.audit.record("takedown-done", {
                "item": row[0], "export_id": row[1], "channel": row[2],
                "people": json.loads(row[3]), "output": rec.output_path, "note": note or ""},
                user=user)
        return TakedownItem(
            id=row[0], export_id=row[1], channel=row[2],
            status="posted" if any(p.channel == row[2] for p in rec.posts) else "exported",
            people=json.loads(row[3]), reasons=json.loads(row[4]), names={},
            output_path=rec.output_path, output_sha256=rec.output_sha256,
            source_path=rec.source_path, batch=rec.batch,
            posts=[p for p in rec.posts if p.channel == row[2]], first_listed_at=row[5],
            done_at=now, done_by=user, note=note or "")

    def open_takedown_count(self) -> int:
        """Items listed and not yet done (as of the last evaluation); the GUI banner uses it."""
        return self.db.execute(
            "SELECT COUNT(*) FROM takedown_items WHERE done_at IS NULL").fetchone()[0]

    def after_import(self, report: Any, register: Any) -> list[TakedownItem]:
        """Call after every register import (at least those that withdraw a consent or add
        someone to do-not-photograph). Re-evaluates every record against the new register and
        returns the open take-down list (``item.new`` marks those first listed now). Audited."""
        items = self.takedown(register=register)
        withdrawals = getattr(report, "withdrawals", None)
        try:
            wd = [w.to_dict() if hasattr(w, "to_dict") else w for w in (withdrawals or [])]
            json.dumps(wd, default=str)
        except (TypeError, ValueError):
            wd = [str(w) for w in withdrawals or []]
        self.audit.record("takedown-list-updated", {
            "open_items": len(items), "new_items": [i.id for i in items if i.new],
            "withdrawals": wd})
        return items

    # ---- reports ------------------------------------------------------------------------

    CSV_COLUMNS = ["item", "status", "channel", "action", "people", "names", "reasons", "file",
                   "sha256", "batch", "posted_on", "urls", "first_listed", "done", "done_by", "note"]

    def takedown_csv(self, items: list[TakedownItem], path: str | Path) -> Path:
        import io  # noqa: PLC0415

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(self.CSV_COLUMNS)
        for it in items:
            w.writerow([_csv_cell(v) for v in [
                it.id, it.status, it.channel, it.action, "; ".join(it.people),
                "; ".join(it.names.get(p, "") for p in it.people),
                "; ".join(f"{p}: {it.reasons[p]}" for p in it.people), it.output_path,
                it.output_sha256, it.batch, "; ".join(p.posted_on for p in it.posts),
                "; ".join(p.url for p in it.posts if p.url), it.first_listed_at,
                it.done_at or "", it.done_by or "", it.note or ""]])
        return _atomic_write_text(Path(path), "\ufeff" + buf.getvalue())  # BOM: Excel reads UTF-8

    def takedown_html(self, items: list[TakedownItem], path: str | Path) -> Path:
        e = html.escape
        rows = []
        for it in items:
            people = "<br>".join(
                f"{e(it.names.get(p, ''))} ({e(p)}): {e(it.reasons.get(p, ''))}" for p in it.people)
            posts = "<br>".join(
                e(p.posted_on) + (f" {e(p.url)}" if p.url else "") for p in it.posts) or "not posted"
            rows.append(
                f"<tr><td>{it.id}</td><td>{e(it.action)}</td><td>{e(channel_label(it.channel))}</td>"
                f"<td>{people}</td><td class=f>{e(it.output_path)}</td><td>{posts}</td>"
                f"<td>{e(it.done_at or '')}</td></tr>")
        body = "\n".join(rows) or '<tr><td colspan="7">Nothing to take down.</td></tr>'
        doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>PhotoVet take-down list</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #999; padding: .3em .5em; vertical-align: top; text-align: left; }}
td.f {{ word-break: break-all; font-size: .85em; }}
@media print {{ body {{ margin: 0; }} tr {{ page-break-inside: avoid; }} }}
</style></head><body>
<h1>Take-down list</h1>
<p>Made {e(_dt.datetime.now().strftime('%d/%m/%Y %H:%M'))}. {len(items)} item(s): photos that show
someone whose consent for the channel is now missing.</p>
<table><thead><tr><th>Item</th><th>Action</th><th>Channel</th><th>People</th><th>File</th>
<th>Posted</th><th>Done</th></tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""
        return _atomic_write_text(Path(path), doc)

    # ---- identify -----------------------------------------------------------------------

    def _current_key(self) -> tuple[int, int]:
        r = self.db.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM exports").fetchone()
        return (int(r[0]), int(r[1]))

    def hash_index(self) -> _ph.HashIndex:
        """Every record's hash variants, loaded once (reloaded when records were added by
        another process)."""
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

    def identify(self, path: str | Path, *, max_distance: int = _ph.DEFAULT_MAX_DISTANCE,
                 register: Any = None, limit: int = 5) -> list[IdentifyHit]:
        """Which export record(s) is this file a copy of (nearest first), and who is in it.
        A byte-identical copy is found by sha256; a resized / recompressed / slightly cropped
        copy by perceptual hash."""
        path = Path(path)
        sha = _sha256(path)
        exact_ids = [r[0] for r in self.db.execute(
            "SELECT id FROM exports WHERE output_sha256 = ? ORDER BY id", [sha])]
        try:
            h = _ph.phash_file(path)
        except Exception as exc:  # noqa: BLE001
            if exact_ids:
                h = None
            else:
                raise RecordsError(f"the photo could not be read ({exc})", path=path) from exc
        found: list[tuple[int, int]] = [(i, 0) for i in exact_ids]
        if h is not None:
            found += [(i, d) for i, d in self.hash_index().query(h, max_distance, limit + len(exact_ids))
                      if i not in exact_ids]
        found = found[:limit]
        if not found:
            return []
        recs = {r.id: r for r in self._select(
            f"WHERE id IN ({','.join('?' for _ in found)})", [i for i, _ in found])}
        hits = []
        for rid, d in found:
            rec = recs[rid]
            hits.append(IdentifyHit(record=rec, distance=d, exact=rid in exact_ids,
                                    names=_display_names(register, rec.people)))
        return hits


__all__ = ["Records", "ExportRecord", "PostRecord", "TakedownItem", "IdentifyHit", "RecordsError",
           "consent_missing"]
