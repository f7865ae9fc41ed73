"""What must now be taken down.

A take-down item is one exported file on one channel that shows somebody, by face or by a
readable name, whose consent for that channel is now missing: withdrawn, on the
do-not-photograph list, left, register row rejected, no longer in the register, or (for a name)
name-with-photo consent withdrawn. Consent is judged by policy.py with the register as it is
now, for the channel and media type of the post.

Items are kept in a table so they have stable numbers, remember when they were first listed, and
can be marked as taken down (audited, one or many at once); a done item stays done. The list is
printable (HTML with thumbnails of the exports, A4) and exportable as CSV.

A post also comes down when its caption referred to someone whose consent is now missing
(policy.caption_consent_missing), and when a face it shows as someone else may be someone whose
consent is now missing (``ExportRecord.people_maybe``: a twin near a face staff confirmed as the
other twin; policy.maybe_consent_missing), said as "A face in it may be Hope Bennett (staff
named it as another person): consent withdrawn on 12/03/2026".

Each item says where the exported copy is while it is still on this PC (``copy_on_disk``):
the export folder is what an office posts from next time, and ``delete_copies`` deletes it
(overwritten, never through a link, only the file exported, and audited) when the item is
marked done.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import html
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from photovet.core import free_text
from photovet.core.channels import UnknownChannelError
from photovet.core.fsutil import write_report
from photovet.core.models import Channel
from photovet.core.policy import (
    REASON_GONE,
    TakenDown,
    caption_consent_missing,
    caption_media,
    channel_not_known,
    channel_not_known_said,
    consent_missing,
    made_under,
    maybe_consent_missing,
    name_consent_missing_parts,
    post_refusal,
    refused_outright,
)
from photovet.core.records.exports import ExportRecord, PostRecord, Records, RecordsError, display_names
from photovet.core.records.thumbs import covered_thumb, jpeg_data_uri, others_in
from photovet.core.words import (
    CAPTION_MAY_NAME_START,
    GONE,
    OTHER,
    TAKEDOWN_PICTURES_COVERED,
    TakedownReason,
    count,
    file_name_reason,
    not_allowed_note,
    takedown_badge,
    takedown_closed,
    takedown_no_longer_needed,
    takedown_no_picture,
    takedown_reason,
    takedown_tile_detail,
)


@dataclass
class TakedownItem:
    """One exported file on one channel that shows someone whose consent is now missing."""

    id: int
    export_id: int
    channel: str
    status: str                      # "posted" | "exported" (exported for this channel, not posted)
    people: list[str]                # register ids shown (face or name) without consent now
    reasons: dict[str, str]          # id -> "Consent withdrawn on 12/03/2026", "Name readable: ..."
    names: dict[str, str]            # id -> display name (from the register, when known)
    output_path: str
    output_sha256: str
    source_path: str
    batch: str
    channel_label: str = ""
    posts: list[PostRecord] = field(default_factory=list)
    first_listed_at: str = ""
    done_at: str | None = None
    done_by: str | None = None
    note: str | None = None
    new: bool = False                # first listed by this call (or listed again after closing)
    copy_on_disk: bool = False       # the exported file is still at output_path on this PC
    #: id -> the reason in its parts (``reasons`` is their words)
    parts: dict[str, TakedownReason] = field(default_factory=dict)
    #: a post here recorded though PhotoVet would not have allowed it: why ('' none)
    not_allowed: str = ""
    #: closed because its reason went away (``words.takedown_closed``: "Consent given again
    #: on 30/11/2026"): no longer to do, listed with the done items
    closed_at: str | None = None
    closed_reason: str = ""
    #: what of the export to cover in its picture on the printed list (``thumbs.others_in``):
    #: every face and readable name that is not one of ``people``'s; None: not known (a video,
    #: an export recorded before PhotoVet kept where faces are), so no picture is shown
    cover: tuple[list[list[float]], list[list[list[float]]]] | None = None
    media: str = "photo"
    faces_at: float | None = None    # a video: the frame ``cover`` is on (its time)

    @property
    def done(self) -> bool:
        """Nothing left to do: taken down, or closed because its reason went away."""
        return self.done_at is not None or self.closed_at is not None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None and self.done_at is None

    @property
    def done_text(self) -> str:
        """How a done item is said on the lists ("" while it is open)."""
        if self.done_at is not None:
            return f"done {_day(self.done_at)}" + (f" by {self.done_by}" if self.done_by else "")
        if self.closed_at is not None:
            return takedown_no_longer_needed(self.closed_reason)
        return ""

    @property
    def copy_text(self) -> str:
        """Where the exported copy is, in words for the list."""
        if self.copy_on_disk:
            return f"The exported copy is still on this PC: {self.output_path}"
        return "The exported copy is no longer on this PC"

    @property
    def action(self) -> str:
        label = self.channel_label or self.channel
        if self.status == "posted":
            urls = ", ".join(p.url for p in self.posts if p.url)
            what = "video" if self.media == "video" else "photo"
            return f"Take this {what} down from {label}" + (f" ({urls})" if urls else "")
        return f"Do not post this export on {label}; delete it"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["posts"] = [p.to_dict() for p in self.posts]
        d["done"] = self.done
        d["action"] = self.action
        d["copy_text"] = self.copy_text
        return d


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _channel(records: Records, channel_id: str, *, posted_on: bool = False,
             known: dict[str, Channel] | None = None) -> Channel:
    """The channel ``channel_id``; one not in the list (since removed or renamed, an id from
    elsewhere) is judged by ``policy.channel_not_known``: nobody has consent for it, and each
    rule not known is the strict one, for the copies made for it (``posted_on`` False: the
    school and the sound may be in them, s45 audit O2) and for a post on it (``posted_on``:
    it hides the school, takes group shots only and publishes no sound, s46). ``known``: the
    channels read once for many records (``_wanted``), by id."""
    if known is not None:
        found = known.get(channel_id)
        return found if found is not None else channel_not_known(channel_id,
                                                                 posted_on=posted_on)
    try:
        return records.channels.get(channel_id)
    except UnknownChannelError:
        return channel_not_known(channel_id, posted_on=posted_on)


def _reasons(rec: ExportRecord, channel: Channel, register: Any, on: _dt.date,
             cache: dict) -> dict[str, TakedownReason]:
    """Everyone ``rec`` shows (face), whose name can be read in it or whom its captions on
    ``channel`` name, and who may not be there now: id -> why, in its parts (said in one
    place: ``TakedownReason.words`` on the list, ``.sentence`` in a refused post)."""
    reasons: dict[str, TakedownReason] = {}

    def person(pid: str):
        if pid not in cache:
            cache[pid] = register.find(pid)
        return cache[pid]

    def history(pid: str):
        return register.history(pid) if person(pid) else ()

    for pid in rec.people_shown:
        why = consent_missing(person(pid), channel, rec.media, on)
        if why:   # a withdrawal is said as one, with its date (words only: core/words.py)
            reasons[pid] = takedown_reason(why, person(pid), channel, rec.media, history(pid))
    for pid in rec.names_shown:
        if pid in reasons:
            continue
        name = name_consent_missing_parts(person(pid), channel, rec.media, on)
        if name:
            reasons[pid] = TakedownReason(OTHER, channel.label, rec.media, text=name[0],
                                          via="name", detail=name[1])
    # a face shown as someone else that may be them (a twin near a face staff confirmed as the
    # other twin): treated as theirs, unless their consent here was missing for the same
    # reason when it was exported (staff named it knowing that; an approver looked at it) and
    # nothing was withdrawn since it was recorded
    for pid, maybe in rec.people_maybe.items():
        if pid in reasons:
            continue
        who = person(pid)
        why = maybe_consent_missing(who, channel, rec.media, on, missing_then=(
            maybe.missing_then if channel.id == rec.channel else ""),
            history=history(pid), since=rec.created_at)
        if why:
            reasons[pid] = dataclasses.replace(
                takedown_reason(why, who, channel, rec.media, history(pid)), via="maybe",
                how=maybe.how, named=bool(maybe.named_as),
                person_name=who.display_name if who is not None else
                "someone no longer in the register")
    # the captions published with it on this channel (or to be posted with it), each judged
    # against the register as it was when that caption was recorded. A caption is the post's:
    # it went out with every photo of it, so each is listed, a photo that does not show them
    # too (right: the name went out beside it), and said so (``TakedownReason.in_it``)
    in_it = set(rec.people_shown) | set(rec.names_shown) | set(rec.people_covered) | \
        set(rec.names_covered) | set(rec.people_maybe)
    posted = any(p.channel == channel.id for p in rec.posts)
    for _caption, refs in rec.captions_on(channel.id):
        for pid, ref in refs.items():
            if pid in reasons:
                continue
            why, kind = "", rec.media
            # a caption needs the consent of every media type it goes out with: a photo's
            # always, a video's too for a video (``policy.caption_media``: the export, a post's
            # caption and ``approval_ended_by`` check a video's caption for its photo consent
            # too; s62: a video posted with a pupil's name stayed up when their photo consent
            # was withdrawn). Why they were refused when it was recorded is kept for the
            # record's media only: for the other, a refusal now counts when a consent was
            # withdrawn since (``withdrawn_since``), or the caption uses more of their name
            # than may be used now
            for kind in caption_media(rec.media):
                refused_then = ref.refused.get(kind, "") if kind == rec.media else \
                    refused_outright(person(pid), channel, kind, on) or ""
                why = caption_consent_missing(person(pid), channel, kind, on, form=ref.form,
                                              refused_then=refused_then,
                                              history=history(pid),
                                              since=ref.recorded_at or rec.created_at)
                if why:
                    break
            if why:
                # said as a withdrawal where it is one, as for a face ("consent refused for
                # School website" stood beside the same pupil's "Consent withdrawn on ...")
                reasons[pid] = dataclasses.replace(
                    takedown_reason(why, person(pid), channel, kind, history(pid)),
                    via="caption", found=ref.found, in_it=pid in in_it, posted=posted,
                    of=rec.media)
    return reasons


_Wanted = tuple[ExportRecord, Channel, str, list[str], dict[str, TakedownReason], str]


def _wanted(records: Records, register: Any, recs: list[ExportRecord], on: _dt.date,
            person: str | None = None, names: dict | None = None,
            people: dict | None = None) -> list[_Wanted]:
    """What ``evaluate`` lists of ``recs`` (reads only): ``(record, channel, status, people,
    reasons in parts, why a post there was not allowed)`` for each channel it was posted on
    or exported for where someone in it lacks consent now, or a post was recorded not
    allowed. ``person``: only those involving them."""
    names_cache: dict = {} if names is None else names
    # the channels and the register's people read once, not once a record (s54: 5,000
    # records read every channel 5,000 times and 800 people one by one, ~40 % of a check
    # that holds the register's writer lock); a person not among them is looked up alone
    known = {c.id: c for c in records.channels.all()}
    people_cache: dict = {} if people is None else people
    people_cache.update((p.id, p) for p in _register_people(register, names_cache))
    wanted: list[_Wanted] = []
    gone = _gone_held(records, recs)
    for rec in recs:
        for ch, status in _chans(rec):
            channel = _channel(records, ch, known=known)
            parts = _reasons(rec, channel, register, on, people_cache)
            # its file name, published with it (s46 audit F3)
            for pid, why in _file_name_reasons(rec, channel, register, on, names_cache,
                                               people_cache).items():
                parts.setdefault(pid, why)
            # someone an open item holds who was deleted from the register since: what named
            # them (its file name) can no longer be read as theirs, and still does (s46)
            for pid in gone.get((rec.id, channel.id), ()):
                if pid not in parts and register.find(pid) is None:
                    parts[pid] = TakedownReason(GONE, channel.label, rec.media,
                                                text=REASON_GONE)
            flags = [p for p in rec.posts if p.channel == ch and p.not_allowed]
            flag = max(flags, key=lambda p: p.not_allowed_at or "").not_allowed if flags else ""
            if (parts and (person is None or person in parts)) or (flag and (
                    person is None or person in _held_reasons(records.db, rec.id, None)[0])):
                wanted.append((rec, channel, status, list(parts), parts, flag))
    return wanted


def _gone_held(records: Records, recs: list[ExportRecord]) -> dict[tuple[int, str], list[str]]:
    """The people each open item of ``recs`` holds as "No longer in the register"
    (``forget_person_reasons``): ``(export id, channel) -> ids``."""
    ids = [r.id for r in recs]
    out: dict[tuple[int, str], list[str]] = {}
    if not ids:
        return out
    for export_id, channel, reasons in records.db.all(
            "SELECT export_id, channel, reasons FROM takedown_items WHERE done_at IS NULL AND "
            f"closed_at IS NULL AND reasons LIKE ? AND export_id IN ({','.join('?' for _ in ids)})",
            [f"%{REASON_GONE}%", *ids]):
        held = _item_people(None, reasons)[1]
        out[(int(export_id), channel)] = [pid for pid, why in held.items() if why == REASON_GONE]
    return out


def _chans(rec: ExportRecord) -> list[tuple[str, str]]:
    """The channels ``rec`` is judged on: each it was posted on, and the one it was exported
    for when not posted there ("exported": not to post)."""
    posted_channels = list(dict.fromkeys(p.channel for p in rec.posts))
    chans = [(c, "posted") for c in posted_channels]
    if rec.channel not in posted_channels:
        chans.append((rec.channel, "exported"))
    return chans


def _named_in_file_names(records: Records, register: Any, recs: list[ExportRecord],
                         on: _dt.date, person: str, cache: dict) -> list[ExportRecord]:
    """Of ``recs``, those whose file name names ``person`` where their name may not be used
    (``_file_name_reasons``, on the channels ``evaluate`` judges it on). Only a file name
    that may refer to them at all (``captions.file_name_mentions``, with their names alone:
    a check of every label against the whole register took ~20 ms a label) is checked."""
    from photovet.core.vision.text.captions import file_names_naming  # noqa: PLC0415

    who = register.find(person) if hasattr(register, "find") else None
    if who is None:
        return []       # not in the register: no file name can be read as theirs
    named = file_names_naming(who, {Path(rec.output_path).name for rec in recs})
    people: dict = {}
    out = []
    for rec in recs:
        if Path(rec.output_path).name in named and any(
                person in _file_name_reasons(rec, _channel(records, ch), register, on, cache,
                                             people) for ch, _status in _chans(rec)):
            out.append(rec)
    return out


def close_stale(records: Records, register: Any, export_ids: Iterable[int],
                on: _dt.date | None = None) -> None:
    """Close the open items of ``export_ids`` whose reason went away, as ``evaluate`` would,
    without listing anything new (``Records.mark_posted``, before it judges a post: an item
    the list would no longer show refuses nothing)."""
    on = on or _dt.date.today()
    with records.db.atomic():      # read under the writer lock: see ``evaluate``
        recs = records.records_by_id([int(i) for i in export_ids])
        wanted = _wanted(records, register, recs, on)
        _close_stale(records, recs, {(w[0].id, w[1].id) for w in wanted}, on, _now())


def _files_order(rec: ExportRecord) -> tuple:
    """An export's place in file order: its day, its folder, then its file name with the
    numbers in it as numbers ('...-2.jpg' before '...-10.jpg')."""
    out = Path(rec.output_path)
    name = [(0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
            for part in re.split(r"(\d+)", out.name) if part]
    return (str(rec.created_at or "")[:10], str(out.parent).casefold(), name)


def evaluate(records: Records, register: Any, on: _dt.date | None = None, *,
             person: str | None = None, include_done: bool = False,
             export_ids: Iterable[int] | None = None) -> list[TakedownItem]:
    """The files to take down (posted) or not to post (exported only), per channel, brought up
    to date in the ``takedown_items`` table. With ``person``, only items involving them; with
    ``export_ids``, only those exports (``Records.mark_posted``).

    A post recorded though PhotoVet would not have allowed it (``PostRecord.not_allowed``) is
    listed on its channel even when nobody in it lacks consent now (taken down before, and
    consent given again since): it came down, or was listed, for a reason, and is said with
    the reasons the item holds from then.

    An open item whose reason went away (nobody in it lacks consent for its channel now, and
    no post there was recorded not allowed) is closed, not left open: "Consent given again on
    30/11/2026" (``words.takedown_closed``, the day it was found), audited
    ("takedown.closed"). It is no longer counted (``open_count``) nor listed; it is open
    again, listed afresh, when a reason comes back. Only a whole evaluation (no ``person``)
    closes items: one person's list does not know about the others in a photo."""
    on = on or _dt.date.today()
    items: list[TakedownItem] = []
    now = _now()
    db = records.db
    names: dict = {}        # file names' checks (s46): the register's names matched once
    people_by_id: dict = {}   # the register's people, read once (``_wanted``)
    # the register and the records are read inside the transaction (the register-wide writer
    # lock held): read before it, a consent withdrawn on another PC in between was not seen,
    # and an item was closed as "consent given again" though it was withdrawn by then
    with db.atomic():
        if export_ids is not None:
            recs = records.records_by_id(list(export_ids))
        elif person is not None:
            recs = records._select(
                "WHERE id IN (SELECT export_id FROM export_people WHERE person = ? AND role IN "
                "('shown', 'name-shown')) OR id IN (SELECT export_id FROM caption_people "
                "WHERE person = ?) OR id IN (SELECT export_id FROM export_maybe WHERE person = ?)",
                [person, person, person])
            # and every copy whose file name names them (s46 audit F3): nothing recorded
            # says so, each label is checked (once). Posted or only exported (s59: a copy
            # exported, not posted, named after a pupil whose consent went was listed "do not
            # post" only when it also showed someone else)
            have = {r.id for r in recs}
            recs = sorted(recs + _named_in_file_names(records, register, [
                r for r in records._select() if r.id not in have], on, person, names),
                key=lambda r: r.id)
        else:
            # every export: those that show or name someone, have a caption or a face that
            # may be someone, or an open item (so that each open item is listed or closed:
            # the count and the list agree), and every other one for its file name (s46;
            # posted or only exported, s59)
            recs = records._select()
        wanted = _wanted(records, register, recs, on, person, names, people_by_id)
        # an item listed for the first time is numbered in file order (exports are recorded
        # as each copy is finished, several at once: walk s36 listed 002, 001, 004, ...)
        wanted.sort(key=lambda w: (_files_order(w[0]), w[1].id))
        if person is None:
            _close_stale(records, recs, {(w[0].id, w[1].id) for w in wanted}, on, now)
        latest = _latest_exports(records) if wanted or include_done else {}
        for rec, channel, status, people, parts, flag in wanted:
            reasons = {pid: r.words for pid, r in parts.items()}
            row = db.one("SELECT id, first_listed_at, done_at, done_by, note, people, reasons, "
                         "closed_at, closed_reason FROM takedown_items WHERE export_id = ? AND "
                         "channel = ?", [rec.id, channel.id])
            new = row is None
            again = False
            if row is not None and row[7] is not None:
                # closed when its reason went away; a reason is back: listed afresh
                db.execute("UPDATE takedown_items SET closed_at = NULL, closed_reason = NULL, "
                           "first_listed_at = ? WHERE id = ?", [now, row[0]])
                records.audit.record("takedown.listed-again", {
                    "item": row[0], "export_id": rec.id, "channel": channel.id,
                    "was_closed_at": row[7], "people": sorted(parts)})
                row = (row[0], now, *row[2:7])
                again = True
            if not parts:
                # only a post PhotoVet would not have allowed: the reasons held from when it
                # was listed (on this channel, else on another), none when there are none
                people, reasons = _held_reasons(db, rec.id, row)
            if new:
                new_id = db.insert(
                    "INSERT INTO takedown_items (export_id, channel, people, reasons, "
                    "first_listed_at) VALUES (?, ?, ?, ?, ?)",
                    [rec.id, channel.id, json.dumps(people), json.dumps(reasons), now])
                row = (new_id, now, None, None, None)
            else:
                if parts:
                    if flag:
                        people, reasons = _with_caption_candidates(people, reasons, row)
                    db.execute("UPDATE takedown_items SET people = ?, reasons = ? WHERE id = ?",
                               [json.dumps(people), json.dumps(reasons), row[0]])
                row = tuple(row[:5])
            if row[2] is not None:
                row = _reopened(records, row, rec, channel.id)
            if row[2] is not None and not include_done:
                continue
            items.append(TakedownItem(
                id=row[0], export_id=rec.id, channel=channel.id, status=status, people=people,
                reasons=reasons, names=display_names(register, people, known=people_by_id),
                output_path=rec.output_path, output_sha256=rec.output_sha256,
                source_path=rec.source_path, batch=rec.batch, channel_label=channel.label,
                posts=[p for p in rec.posts if p.channel == channel.id], first_listed_at=row[1],
                done_at=row[2], done_by=row[3], note=row[4], new=new or again,
                copy_on_disk=_copy_here(rec, latest), parts=parts, not_allowed=flag,
                cover=others_in(rec, people), media=rec.media, faces_at=rec.faces_at))
    if include_done:
        items += _closed_items(records, register, recs, {(w[0].id, w[1].id) for w in wanted},
                               person, latest)
    items.sort(key=lambda i: (i.status != "posted", i.id))
    return items


def _latest_exports(records: Records) -> dict[str, int]:
    """Each export file path -> the latest export record written to it (``_copy_here``)."""
    return {str(p): int(i) for p, i in records.db.all(
        "SELECT output_path, MAX(id) FROM exports GROUP BY output_path")}


def _copy_here(rec: ExportRecord, latest: dict[str, int]) -> bool:
    """Whether ``rec``'s exported copy is still on this PC: a file at its path, and no later
    export written to that path (``latest``: ``_latest_exports``; s59: the first copy deleted
    by hand and the photo exported again under its name, the first item said its copy was
    still here; ``delete_copies`` deletes the later's)."""
    return os.path.lexists(rec.output_path) and latest.get(rec.output_path, rec.id) <= rec.id


def _closed_items(records: Records, register: Any, recs: list[ExportRecord],
                  wanted: set[tuple[int, str]], person: str | None,
                  latest: dict[str, int]) -> list[TakedownItem]:
    """The items of ``recs`` closed because their reason went away (not listed again now),
    each with the people and reasons it held and why it was closed, as done items are listed
    (``evaluate(include_done=True)``); ``person``: only those that held them."""
    if not recs:
        return []
    by_id = {r.id: r for r in recs}
    ids = list(by_id)
    out: list[TakedownItem] = []
    for row in records.db.all(
            "SELECT id, export_id, channel, people, reasons, first_listed_at, closed_at, "
            "closed_reason, note FROM takedown_items WHERE done_at IS NULL AND closed_at IS NOT "
            f"NULL AND export_id IN ({','.join('?' for _ in ids)}) ORDER BY id", ids):
        rec = by_id[int(row[1])]
        if (rec.id, row[2]) in wanted:
            continue
        people, reasons = _item_people(row[3], row[4])
        if person is not None and person not in people:
            continue
        channel = _channel(records, row[2])
        posts = [p for p in rec.posts if p.channel == channel.id]
        out.append(TakedownItem(
            id=row[0], export_id=rec.id, channel=channel.id,
            status="posted" if posts else "exported", people=people, reasons=reasons,
            names=display_names(register, people), output_path=rec.output_path,
            output_sha256=rec.output_sha256, source_path=rec.source_path, batch=rec.batch,
            channel_label=channel.label, posts=posts, first_listed_at=row[5], note=row[8],
            copy_on_disk=_copy_here(rec, latest), closed_at=row[6],
            closed_reason=row[7] or "", cover=others_in(rec, people), media=rec.media,
            faces_at=rec.faces_at))
    return out


def _close_stale(records: Records, recs: list[ExportRecord], wanted: set[tuple[int, str]],
                 on: _dt.date, now: str) -> None:
    """Close the open items of ``recs`` that ``evaluate`` no longer lists (``wanted``: its
    ``(export id, channel)``): their reason went away, so they are no longer to do."""
    if not recs:
        return
    ids = [r.id for r in recs]
    why = takedown_closed(on)
    for item_id, export_id, channel, people in records.db.all(
            "SELECT id, export_id, channel, people FROM takedown_items WHERE done_at IS NULL "
            f"AND closed_at IS NULL AND export_id IN ({','.join('?' for _ in ids)}) ORDER BY id",
            ids):
        if (int(export_id), channel) in wanted:
            continue
        if not records.db.execute("UPDATE takedown_items SET closed_at = ?, closed_reason = ? "
                                  "WHERE id = ? AND done_at IS NULL AND closed_at IS NULL",
                                  [now, why, item_id]).rowcount:
            continue    # marked done (or closed) by another PC meanwhile: nothing to record
        records.audit.record("takedown.closed", {
            "item": item_id, "export_id": int(export_id), "channel": channel,
            "people": _item_people(people, None)[0], "reason": why})


def list_not_allowed(records: Records, register: Any, export_ids: Iterable[int],
                     channel: str) -> list[TakedownItem]:
    """Posts on ``channel`` just recorded though PhotoVet would not have allowed them
    (``Records.mark_posted``, in its transaction): each is on the take-down list now, an item
    already taken down open again (audited, "takedown.reopened"), whatever the clock says about
    when it was done. Returns the items of ``export_ids`` (every channel)."""
    ids = [int(i) for i in export_ids]
    for rid in ids:
        row = records.db.one("SELECT id, done_at, done_by FROM takedown_items WHERE "
                             "export_id = ? AND channel = ?", [rid, channel])
        if row is not None and row[1] is not None:
            records.db.execute("UPDATE takedown_items SET done_at = NULL, done_by = NULL "
                               "WHERE id = ?", [row[0]])
            records.audit.record("takedown.reopened", {
                "item": row[0], "export_id": rid, "channel": channel, "was_done_at": row[1],
                "done_by": row[2], "posted_at": _now(), "not_allowed": True})
    return evaluate(records, register, export_ids=ids)


def hold_caption_people(records: Records, export_ids: Iterable[int], channel: str,
                        maybe: dict[str, str]) -> None:
    """Posts on ``channel`` just recorded with a caption PhotoVet refuses whose words it could
    not tie to one pupil (a name several pupils share): each pupil the words may name
    (``maybe``: register id -> why, ``words.caption_may_name``) is held on the export's item
    there, so the office knows whom it concerns (the item named nobody). Kept with the
    people and reasons the item already holds; the list shows them while nobody in it lacks
    consent now (``_held_reasons``)."""
    if not maybe:
        return
    for rid in [int(i) for i in export_ids]:
        row = records.db.one("SELECT id, people, reasons FROM takedown_items WHERE "
                             "export_id = ? AND channel = ?", [rid, channel])
        if row is None:
            continue
        people, reasons = _item_people(row[1], row[2])
        for pid, why in maybe.items():
            if pid not in people:
                people.append(pid)
                reasons[pid] = why
        records.db.execute("UPDATE takedown_items SET people = ?, reasons = ? WHERE id = ?",
                           [json.dumps(people), json.dumps(reasons), row[0]])


def _with_caption_candidates(people: list[str], reasons: dict[str, str], row: tuple
                             ) -> tuple[list[str], dict[str, str]]:
    """``people`` and ``reasons`` (who lacks consent now), with the pupils a caption that went
    out may name (a name several pupils share: ``hold_caption_people``) the item ``row`` holds
    kept after them: a shared name AND another fault lists both (it listed the other pupil
    only, the candidates overwritten)."""
    held_people, held_reasons = _item_people(row[5], row[6])
    people, reasons = list(people), dict(reasons)
    for pid in held_people:
        why = held_reasons.get(pid)
        if pid not in reasons and isinstance(why, str) and why.startswith(CAPTION_MAY_NAME_START):
            people.append(pid)
            reasons[pid] = why
    return people, reasons


def _item_people(people: str | None, reasons: str | None) -> tuple[list[str], dict]:
    """A take-down item's people (ids) and reasons as stored (JSON); ([], {}) when they cannot
    be read as a list and a mapping."""
    try:
        held_people, held_reasons = json.loads(people or "[]"), json.loads(reasons or "{}")
    except ValueError:
        return [], {}
    if not isinstance(held_people, list) or not isinstance(held_reasons, dict):
        return [], {}
    return held_people, held_reasons


def _held_reasons(db: Any, export_id: int, row: tuple | None) -> tuple[list[str], dict]:
    """The people and reasons a take-down item holds (``row``: this channel's, read with
    them), else those of the export's other items: why a post PhotoVet would not have allowed
    must come down when nobody in it lacks consent now."""
    rows = [row[5:7]] if row is not None else []
    rows += db.all("SELECT people, reasons FROM takedown_items WHERE export_id = ? ORDER BY id",
                   [export_id])
    for people, reasons in rows:
        held_people, held_reasons = _item_people(people, reasons)
        if held_people:
            return held_people, held_reasons
    return [], {}


def _reopened(records: Records, row: tuple, rec: ExportRecord, channel: str) -> tuple:
    """A done item whose export was recorded as posted on its channel AFTER it was taken down
    is open again (``row`` as read, or with ``done_at`` cleared): it is live once more and must
    come down. ``Records.mark_posted`` records such a post flagged (``not_allowed_at``: the
    same post recorded again counts from then); a post recorded all the same by a register
    written before that rule, or another tool, is caught too. Audited."""
    times = records.db.one(
        "SELECT MAX(created_at), MAX(not_allowed_at) FROM posts WHERE export_id = ? AND "
        "channel = ?", [rec.id, channel]) or (None, None)
    stamps = [t for t in times if t]
    later = max(stamps, key=_when) if stamps else None
    if not later or _when(later) <= _when(row[2]):
        return row
    records.db.execute("UPDATE takedown_items SET done_at = NULL, done_by = NULL WHERE id = ?",
                       [row[0]])
    records.audit.record("takedown.reopened", {
        "item": row[0], "export_id": rec.id, "channel": channel, "was_done_at": row[2],
        "done_by": row[3], "posted_at": later})
    return (row[0], row[1], None, None, row[4])


def _when(iso: str) -> _dt.datetime:
    """A stored time (ISO, UTC; a bare date as its midnight) comparable with the others."""
    t = _dt.datetime.fromisoformat(str(iso))
    return t if t.tzinfo is not None else t.replace(tzinfo=_dt.UTC)


def _local_day(iso: str | None) -> _dt.date | None:
    if not iso:
        return None
    try:
        return _when(iso).astimezone().date()
    except ValueError:
        return None


def file_name_school_words(file_name: str, channel: Channel, school: Any) -> list[str]:
    """``captions.file_name_school_words`` (imported when asked: the reader's modules are not
    loaded for a take-down list)."""
    if school is None:
        return []
    from photovet.core.vision.text.captions import (  # noqa: PLC0415
        file_name_school_words as found,
    )

    return found(file_name, channel, school)


def file_name_people(file_name: str, channel: Channel, register: Any, on: _dt.date,
                     media: str, cache: dict) -> list[tuple[str, str]]:
    """``captions.file_name_people`` with the register's people (read once a call of
    ``post_refusals``: ``cache``), imported when asked, as ``file_name_school_words``."""
    return [(f.found, f.reason) for f in _file_name_findings(file_name, channel, register, on,
                                                              media, cache)]


def _register_people(register: Any, cache: dict) -> list[Any]:
    """The register's people, read once a check (``cache``: of ``post_refusals`` or
    ``evaluate``); none for a register that cannot list them."""
    if register is None or not hasattr(register, "people"):
        return []
    if "people" not in cache:
        cache["people"] = list(register.people())
    return cache["people"]


def _file_name_findings(file_name: str, channel: Channel, register: Any, on: _dt.date,
                        media: str, cache: dict) -> list[Any]:
    """``captions.file_name_findings`` (each with the pupil it names) with the register's
    people and their names' matcher read and built once a call (``cache``: of
    ``post_refusals`` or ``evaluate``; building it is most of a check's time, s46)."""
    if register is None or not hasattr(register, "people"):
        return []
    from photovet.core.vision.text.captions import (  # noqa: PLC0415
        caption_matcher,
        copy_label,
        file_name_findings,
    )

    if "matcher" not in cache:
        cache["matcher"] = caption_matcher(_register_people(register, cache), 90)
    # a batch's copies share their label: checked once a channel and media (the number is
    # not a name)
    key = (copy_label(file_name), channel.id, media)
    if key not in cache:
        cache[key] = file_name_findings(file_name, cache["people"], channel, on, media,
                                        matcher=cache["matcher"])
    return cache[key]


def _file_name_reasons(rec: ExportRecord, channel: Channel, register: Any, on: _dt.date,
                       cache: dict, people_cache: dict) -> dict[str, TakedownReason]:
    """Everyone ``rec``'s file name names (its batch label, published with it) whose name may
    not be used on ``channel`` now: id -> why, "Named in the file name as ..." (s46 audit F3:
    a copy posted as "tori-hale-award-001.jpg" never reached the take-down list when Tori's
    consent was withdrawn). Words that fit several pupils are held for each of them. A
    video's file name is judged for its photo consent too (``policy.caption_media``: the label
    check at export, ``pipeline.batch_media``, refuses a video's label by both; s62: a video
    named after a pupil stayed up when their photo consent was withdrawn)."""
    def person(pid: str):
        if pid not in people_cache:
            people_cache[pid] = register.find(pid)
        return people_cache[pid]

    out: dict[str, TakedownReason] = {}
    for kind in caption_media(rec.media):
        findings = _file_name_findings(Path(rec.output_path).name, channel, register, on,
                                       kind, cache)
        for f in findings:
            if not f.person:
                # words that fit several pupils: each is judged as a caption's words are, by
                # their own consent for the form the words use (fail closed: not left unsaid)
                for pid, form in _file_name_candidates(f.found, cache):
                    who = person(pid)
                    why = caption_consent_missing(who, channel, kind, on, form=form)
                    if why and pid not in out:
                        out[pid] = dataclasses.replace(
                            takedown_reason(why, who, channel, kind,
                                            register.history(pid) if who else ()),
                            via="file name", found=f.found, named=False)
                continue
            if f.person in out and out[f.person].named:
                continue
            who = person(f.person)
            why = refused_outright(who, channel, kind, on)
            if why:     # a withdrawal is said as one, with its date
                r = takedown_reason(why, who, channel, kind,
                                    register.history(f.person) if who else ())
            else:       # the label check's reason (more of the name than may be used now)
                r = TakedownReason(OTHER, channel.label, kind,
                                   text=file_name_reason(f.reason))
            out[f.person] = dataclasses.replace(r, via="file name", found=f.found, named=True)
    return out


def _file_name_candidates(found: str, cache: dict) -> list[tuple[str, str]]:
    """The pupils words of a file name that fit several may be (``caption_mentions`` of the
    words alone), each with the form of their name the words use."""
    from photovet.core.vision.text.captions import caption_mentions  # noqa: PLC0415

    key = ("mentions", found.casefold())
    if key not in cache:
        text = re.sub(r"[-_]+", " ", found).strip()
        # initials typed in lower case ("tw") are read as the label check reads them
        texts = [text, text.upper()] if sum(c.isalpha() for c in text) <= 3 else [text]
        found_in: dict[str, str] = {}
        for t in texts:
            for pid, m in caption_mentions(t, cache["people"], matcher=cache["matcher"]).items():
                found_in.setdefault(pid, m.form)
        cache[key] = sorted(found_in.items())
    return cache[key]


def post_refusals(records: Records, register: Any, export_ids: Iterable[int], channel: str,
                  on: _dt.date | None = None, *, school: Any = None) -> dict[int, str]:
    """Of ``export_ids``, those that may not be recorded as posted on ``channel``, each with
    why in a school's words (``policy.post_refusal``): the export has a take-down item on
    ``channel`` (open, or done: it was taken down there), or someone it shows, names or whose
    name its caption uses would now be covered on ``channel`` (judged as ``evaluate`` judges
    them, with the register as it is ``on``, default today). An item on another channel does
    not refuse it: whoever it lists is judged on ``channel`` as the register says now. A copy
    made for another channel is refused where ``channel`` must not show which school it is
    and the copy's channel did not cover it, or its file name names the school (``school``:
    the school's words, ``vision/text/school.school_words``; ``policy.school_shown_refusal``).
    ``Records.mark_posted`` asks this."""
    on = on or _dt.date.today()
    ids = [int(i) for i in export_ids]
    if not ids:
        return {}
    ch = _channel(records, channel, posted_on=True)
    # this channel's items only: another channel's item does not refuse a post here (whoever
    # it lists is judged on this channel below)
    items: dict[int, list[tuple]] = {}
    for row in records.db.execute(
            "SELECT export_id, reasons, first_listed_at, done_at FROM takedown_items "
            f"WHERE export_id IN ({','.join('?' for _ in ids)}) AND channel = ? AND "
            "(closed_at IS NULL OR done_at IS NOT NULL) ORDER BY id", [*ids, ch.id]):
        items.setdefault(int(row[0]), []).append(tuple(row[1:]))
    cache: dict = {}
    in_names: dict = {}
    out: dict[int, str] = {}
    known = set(records.channels.ids())
    for rec in records.records_by_id(ids):
        reasons: dict[str, TakedownReason | str] = {}
        taken: list[TakenDown] = []
        for recorded, listed, done in items.get(rec.id, []):
            reasons.update(_item_people(None, recorded)[1])
            taken.append(TakenDown(ch.label, _local_day(listed), _local_day(done),
                                   any(p.channel == ch.id for p in rec.posts), channel=ch.id))
        # as the register says it now, in parts; a reason only recorded (their consent since
        # given again) is said as it was recorded
        reasons.update(_reasons(rec, ch, register, on, cache))
        names = display_names(register, reasons)
        file_name = Path(rec.output_path).name
        why = post_refusal(file_name, ch,
                           [(names.get(pid) or pid, r) for pid, r in reasons.items()], taken,
                           # with the rules the copy was made under (s46)
                           exported_for=made_under(_channel(records, rec.channel), rec.rules),
                           school_in_name=file_name_school_words(file_name, ch, school),
                           media=rec.media,
                           # a video's name by photo consent too (``caption_media``), as
                           # the export's label check and the take-down list read it (s62)
                           people_in_name=[p for kind in caption_media(rec.media)
                                           for p in file_name_people(file_name, ch, register,
                                                                     on, kind, in_names)])
        if why and ch.id not in known:
            why = channel_not_known_said(why, ch)
        if why:
            out[rec.id] = why
    return out


def forget_person_reasons(db: Any, person_id: str) -> list[int]:
    """A person's register row is deleted: each take-down item's reason about them becomes
    "No longer in the register" (what the list says of them from now on), in the caller's
    transaction. The reason as it was ("Consent withdrawn on ... (requested by Mrs Ellison
    (mother), by email, ...)", "Named in the caption as ...") named their parent or them, and
    the take-down list is kept for good (DPO audit s30). The item, whom it lists (by id) and
    the post it is about are kept: what must come down still comes down. Returns the items
    changed."""
    changed = []
    for tid, reasons in db.all("SELECT id, reasons FROM takedown_items ORDER BY id"):
        why = json.loads(reasons or "{}")
        if person_id in why and why[person_id] != REASON_GONE:
            why[person_id] = REASON_GONE
            db.execute("UPDATE takedown_items SET reasons = ? WHERE id = ?",
                       [json.dumps(why), tid])
            changed.append(int(tid))
    return changed


def open_count(records: Records) -> int:
    """Items listed and not yet done, as of the last whole evaluation (``evaluate`` without
    ``person``): the items it listed. An item whose reason went away is closed there
    (``closed_at``), so it is not counted."""
    return records.db.scalar("SELECT COUNT(*) FROM takedown_items WHERE done_at IS NULL AND "
                             "closed_at IS NULL", (), 0)


@dataclass(frozen=True)
class OnTakedownList:
    """A photo or video with a safe copy on the take-down list, not yet marked done
    (``open_for``): where a posted copy must come down, where an exported copy must not be
    posted (the channels' names)."""

    posted: tuple[str, ...] = ()
    exported: tuple[str, ...] = ()
    #: the name of the channel the tile is shown for ('' none): a copy listed for another
    #: channel is said with where (``words.takedown_badge``, s44)
    here: str = ""

    @property
    def badge(self) -> str:
        return takedown_badge(self.posted, self.exported, self.here)

    def detail(self, media: str = "photo") -> str:
        return takedown_tile_detail(self.posted, self.exported, media)


def open_for(records: Records, shas: Iterable[str],
             channel: str | None = None) -> dict[str, OnTakedownList]:
    """Of the photos ``shas`` (their originals' content), those with an open item on the
    take-down list, on any channel, as of its last whole evaluation (the items ``open_count``
    counts and the list shows): a batch's tile says so before anything else, whatever its
    approval or its original (s43: a posted photo whose original was deleted said "Original
    deleted" while the list said it must come down). ``channel``: the one the tiles are shown
    for, whose badge says where a copy listed for another channel is (s44). Reads only."""
    wanted = sorted({s for s in shas if s})
    found: dict[str, tuple[list[str], list[str]]] = {}
    for i in range(0, len(wanted), 500):
        part = wanted[i:i + 500]
        marks = ",".join("?" * len(part))
        for sha, listed_on, posted in records.db.all(
                "SELECT e.source_sha256, t.channel, EXISTS (SELECT 1 FROM posts p WHERE "
                "p.export_id = t.export_id AND p.channel = t.channel) FROM takedown_items t "
                "JOIN exports e ON e.id = t.export_id WHERE t.done_at IS NULL AND "
                f"t.closed_at IS NULL AND e.source_sha256 IN ({marks}) ORDER BY t.id", part):
            label = _channel(records, listed_on).label
            found.setdefault(sha, ([], []))[0 if posted else 1].append(label)
    here = _channel(records, channel).label if channel and found else ""
    return {sha: OnTakedownList(tuple(dict.fromkeys(p)),
                                tuple(x for x in dict.fromkeys(e) if x not in p), here)
            for sha, (p, e) in found.items()}


def open_export_ids(records: Records) -> set[int]:
    """The exports with an open item on the take-down list (not done, not closed), as of its
    last whole evaluation (the items ``open_count`` counts and the list shows). Reads only: a
    view that only says how many are listed (the export history) reads this, never
    ``evaluate`` (s43 audit: the export history evaluated the whole list, a write under the
    register's writer lock, on the window's thread at each change of its filters)."""
    return {r[0] for r in records.db.all(
        "SELECT DISTINCT export_id FROM takedown_items WHERE done_at IS NULL AND "
        "closed_at IS NULL", ())}


def taken_down(records: Records, exports: Iterable[ExportRecord]) -> set[int]:
    """The ids of those posted ``exports`` whose take-down is marked done and not open again on
    any channel (the person page says "1 taken down" beside "3 marked posted"). Reads only."""
    posted = [r.id for r in exports if r.posted]
    if not posted:
        return set()
    marks = ", ".join("?" * len(posted))
    done: set[int] = set()
    still: set[int] = set()
    for export_id, done_at in records.db.all(
            f"SELECT export_id, done_at FROM takedown_items WHERE export_id IN ({marks})",
            posted):
        (done if done_at is not None else still).add(export_id)
    return done - still


def mark_done(records: Records, item_ids: Iterable[int], note: str | None = None) -> list[int]:
    """Record that items were taken down (or the exports deleted), by the signed-in poster or
    admin. Audited, all in one transaction; an unknown or already-done item refuses the whole
    call."""
    user = records.audit.access.require("takedown").name
    ids = [int(i) for i in item_ids]
    if not ids:
        return []
    # the note is kept with the item and in the audit log: no pupil's name in it
    named = free_text.check(records.db, note)
    if named:
        raise RecordsError(named)
    now = _now()
    with records.db.atomic():
        for item_id in ids:
            row = records.db.one("SELECT id, export_id, channel, people, done_at FROM "
                                 "takedown_items WHERE id = ?", [item_id])
            if row is None:
                raise RecordsError(f"no take-down item {item_id}",
                                   hint="The take-down list shows the open items and their numbers.")
            if row[4] is not None:
                raise RecordsError(f"take-down item {item_id} was already marked done on "
                                   f"{_dt.datetime.fromisoformat(row[4]).astimezone():%d/%m/%Y}")
            # an item closed meanwhile (consent given again, another PC's list) that the
            # office took down all the same is taken down: done, no longer closed, so it
            # refuses a post again like any item taken down (post_refusals)
            records.db.execute("UPDATE takedown_items SET done_at = ?, done_by = ?, note = ?, "
                               "closed_at = NULL, closed_reason = NULL WHERE id = ?",
                               [now, user, note or "", item_id])
            # the export by its record and content, never the copy's file name (made from
            # the batch label, which may name a pupil: s32)
            rec = records.get(row[1])
            records.audit.record("takedown.done", {
                "item": row[0], "export_id": row[1], "channel": row[2],
                "people": json.loads(row[3]), "output_sha256": rec.output_sha256,
                "note": note or ""})
    return ids


@dataclass
class CopyDeletion:
    """What happened to the exported copy of one take-down item."""

    item: int
    path: str
    deleted: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def delete_copies(records: Records, item_ids: Iterable[int]) -> list[CopyDeletion]:
    """Delete the exported copies of take-down items (by the signed-in poster or admin), each
    only when it is still exactly the file exported (its SHA-256 as recorded), a plain file
    (never through a shortcut or a hard link: ``transfer.not_deletable``): overwritten, then
    removed (``transfer.overwrite_and_unlink``), checked gone and audited (before it is
    touched, and after). One file's problem is said for that file and the others go on;
    nothing is raised for it."""
    from photovet.core.transfer import delete_exported_copy  # noqa: PLC0415

    records.audit.access.require("takedown")
    out: list[CopyDeletion] = []
    seen: set[tuple[str, str]] = set()
    asked: list[tuple[int, ExportRecord]] = []
    for item_id in [int(i) for i in item_ids]:
        row = records.db.one("SELECT export_id FROM takedown_items WHERE id = ?", [item_id])
        if row is None:
            raise RecordsError(f"no take-down item {item_id}",
                               hint="The take-down list shows the items and their numbers.")
        asked.append((item_id, records.get(row[0])))
    # exports written to the same file name (the first copy deleted, the photo exported again
    # under that name): the latest first, whose copy the file is (s59: the first's was said
    # "changed; kept" and the latest's, the same name, skipped, its copy left unsaid)
    first: dict[str, int] = {}
    for n, (_item, rec) in enumerate(asked):
        first.setdefault(rec.output_path, n)
    asked.sort(key=lambda a: (first[a[1].output_path], -a[1].id))
    for item_id, rec in asked:
        path = Path(rec.output_path)
        if (rec.output_path, rec.output_sha256) in seen:
            continue        # the same copy on two channels' items: deleted once
        seen.add((rec.output_path, rec.output_sha256))
        if not os.path.lexists(path):
            out.append(CopyDeletion(item_id, str(path), False,
                                    "the exported copy is no longer on this PC; nothing to delete"))
            continue
        # in the log before the file is touched (s49 audit: only once gone, so PhotoVet
        # stopped in between left a deleted copy that no record said was deleted)
        with records.db.atomic():
            records.audit.record("takedown.copy-delete-pending", {
                "item": item_id, "export_id": rec.id, "sha256": rec.output_sha256})
        why = delete_exported_copy(path, rec.output_sha256)
        if why is not None:
            with records.db.atomic():
                records.audit.record("takedown.copy-kept", {
                    "item": item_id, "export_id": rec.id, "sha256": rec.output_sha256,
                    "reason": why})
            out.append(CopyDeletion(item_id, str(path), False, why))
            continue
        with records.db.atomic():
            records.audit.record("takedown.copy-deleted", {
                "item": item_id, "export_id": rec.id, "sha256": rec.output_sha256})
        out.append(CopyDeletion(item_id, str(path), True, "deleted"))
    return out


# --------------------------------------------------------------------------------------------
# Printable and spreadsheet forms
# --------------------------------------------------------------------------------------------

CSV_COLUMNS = ["item", "status", "channel", "action", "people", "names", "reasons", "file",
               "sha256", "batch", "posted_on", "urls", "first_listed", "done", "done_by", "note",
               "copy_on_this_pc"]


def _csv_cell(v: Any) -> str:
    """Neutralise spreadsheet formulas (a name like '=HYPERLINK(...)' stays text)."""
    s = "" if v is None else str(v)
    if s and s[0] in "=+-@\t\r":
        s = "'" + s
    return s


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return _dt.datetime.fromisoformat(iso).astimezone().strftime("%d/%m/%Y")
    except ValueError:
        try:
            return _dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
        except ValueError:
            return iso


def write_csv(items: list[TakedownItem], path: str | Path) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for it in items:
        w.writerow([_csv_cell(v) for v in [
            it.id, it.status, it.channel_label or it.channel, it.action, "; ".join(it.people),
            "; ".join(it.names.get(p, "") for p in it.people),
            "; ".join([f"{p}: {it.reasons[p]}" for p in it.people]
                      + ([not_allowed_note(it.not_allowed)] if it.not_allowed else [])),
            it.output_path,
            it.output_sha256, it.batch, "; ".join(_day(p.posted_on) for p in it.posts),
            "; ".join(p.url for p in it.posts if p.url), _day(it.first_listed_at),
            _day(it.done_at or it.closed_at), it.done_by or "",
            it.closed_reason if it.closed else it.note or "",
            "Yes" if it.copy_on_disk else "No"]])
    # BOM: Excel reads UTF-8. The list is made again each time: a file of that name is replaced
    return write_report(Path(path), "\ufeff" + buf.getvalue(), overwrite=True,
                        example="takedown.csv")


#: how wide a picture on the printed list is drawn from (it is shown 160 px wide)
THUMB_SIZE = 220


def takedown_picture(it: TakedownItem, size: int = THUMB_SIZE) -> tuple[Any, str]:
    """The item's picture: the export as exported, at most ``size`` pixels across, every face
    and name in it that is not one of the item's people covered (a list printed and left on a
    desk must not show other children), as (an RGB Pillow image, ''), or (None, a sentence
    saying why there is none). The printed list and the app's list show the same."""
    path = Path(it.output_path)
    if not path.is_file():
        return None, takedown_no_picture("gone")
    if it.cover is None:
        return None, takedown_no_picture("video" if it.media == "video" else "unknown")
    try:
        from photovet.core.media.imaging import sha256_file  # noqa: PLC0415

        if sha256_file(path) != it.output_sha256:
            return None, takedown_no_picture("changed")
        return covered_thumb(path, size, *it.cover, at=it.faces_at), ""
    except Exception:
        return None, takedown_no_picture("unreadable")


def _picture(it: TakedownItem) -> str:
    """The item's picture on the printed list (``takedown_picture``), or why there is none."""
    im, why = takedown_picture(it)
    if im is None:
        return f'<div class=nopic>{html.escape(why)}</div>'
    return f'<img src="{jpeg_data_uri(im)}" alt="">'


def write_html(items: list[TakedownItem], path: str | Path, *, school: str = "") -> Path:
    """A self-contained page that prints on A4: one block per item with a thumbnail."""
    e = html.escape
    blocks = []
    for it in items:
        people = "".join(
            f"<li><b>{e(it.names.get(p, '') or p)}</b> ({e(p)}): {e(it.reasons.get(p, ''))}</li>"
            for p in it.people) + (f"<li>{e(not_allowed_note(it.not_allowed))}</li>"
                                   if it.not_allowed else "")
        posts = "; ".join(_day(p.posted_on) + (f" — {e(p.url)}" if p.url else "")
                          for p in it.posts) or "not posted"
        img = _picture(it)
        done = f"<p class=done>{e(it.done_text[:1].upper() + it.done_text[1:])}</p>" \
            if it.closed else (f"<p class=done>Done {_day(it.done_at)} by {e(it.done_by or '')}"
                               f"{': ' + e(it.note) if it.note else ''}</p>") if it.done else \
            "<p class=tick>&#9744; Done on ____/____/________ by ______________________</p>"
        blocks.append(f"""<section class=item>
<div class=pic>{img}</div>
<div class=text>
<h2>{it.id}. {e(it.action)}</h2>
<ul>{people}</ul>
<p><span class=k>File</span> <span class=f>{e(Path(it.output_path).name)}</span><br>
<span class=k>Folder</span> <span class=f>{e(str(Path(it.output_path).parent))}</span><br>
<span class=k>Batch</span> {e(it.batch)} &nbsp; <span class=k>Posted</span> {posts}<br>
<span class=k>Listed</span> {_day(it.first_listed_at)}<br>
{e(it.copy_text)}</p>
{done}
</div></section>""")
    body = "\n".join(blocks) or "<p>Nothing to take down.</p>"
    title = "Take-down list" + (f" — {e(school)}" if school else "")
    doc = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: A4; margin: 15mm; }}
body {{ font-family: "Segoe UI", system-ui, sans-serif; font-size: 11pt; margin: 1.5em; color: #111; }}
h1 {{ font-size: 18pt; margin: 0 0 .2em; }}
.item {{ display: flex; gap: 1em; border: 1px solid #999; border-radius: 4px; padding: .8em;
         margin: 0 0 .8em; page-break-inside: avoid; break-inside: avoid; }}
.pic img {{ width: 160px; height: auto; border: 1px solid #ccc; }}
.nopic {{ width: 160px; min-height: 110px; border: 1px dashed #999; padding: .4em;
          box-sizing: border-box; color: #555; font-size: 9pt; }}
.text {{ flex: 1; min-width: 0; }}
h2 {{ font-size: 12pt; margin: 0 0 .3em; }}
ul {{ margin: .2em 0 .4em 1.2em; padding: 0; }}
.k {{ color: #555; font-size: 9pt; text-transform: uppercase; letter-spacing: .03em; }}
.f {{ overflow-wrap: anywhere; }}
.tick {{ margin: .4em 0 0; }}
.done {{ color: #1b5e20; margin: .4em 0 0; }}
@media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>{title}</h1>
<p>Made {e(_dt.datetime.now().strftime('%d/%m/%Y %H:%M'))}. {count(len(items), 'item')}: photos that
show someone whose consent for the channel is now missing. Take each one down, then mark it done
in PhotoVet. {e(TAKEDOWN_PICTURES_COVERED)}</p>
{body}
</body></html>
"""
    return write_report(Path(path), doc, overwrite=True, example="takedown.html")


__all__ = ["CopyDeletion", "OnTakedownList", "TakedownItem", "close_stale", "delete_copies", "evaluate",
           "forget_person_reasons", "hold_caption_people", "list_not_allowed",
           "mark_done", "open_count", "open_export_ids", "open_for",
           "post_refusals", "taken_down", "write_csv", "write_html"]
