"""Subject access report: everything PhotoVet holds about what was published of one person.

One self-contained HTML file, titled with the person's name: every export where the person
appears (face shown, face covered, name readable, name covered, named in the caption posted
with it), each with a thumbnail of the EXPORTED file (so covered exactly as exported, embedded
as base64 JPEG), channel, batch, caption, dates, who prepared and approved it, every post
(channel, date, URL), what of it is on the take-down list because their consent is missing
now (to do, or done: when, by whom), and the person's consent history from the register
(changes only: a row
that changed nothing is left out). The technical details a family does not need (file paths,
SHA-256 fingerprints, export record numbers, register import ids) are in an appendix at the
end. No external CSS, scripts, fonts or images: it opens offline and prints cleanly (print CSS,
one export per block, no block split across pages). All text is HTML-escaped.

Only photos in which PhotoVet recognised the person (or a person assigned them by hand) can be
listed; the report says so. Photos exported with a face shown as someone else that may be them
(``ExportRecord.people_maybe``: PhotoVet could not tell it from their face, a twin's, and staff
named it as the other twin) are listed as photos that may show them, never naming the other
person (their own report is where that person is).

Other people are third parties: a report for one pupil never names another (DPO audit s31),
nor shows their faces (s32): every face an export left visible that was not shown as the
person, and every name it left readable that is not theirs, is covered in the thumbnail,
solid, as PhotoVet covers them, from where the export record says each is
(``ExportRecord.faces_shown``, ``names_kept``; no new detection). Where it does not
know (an export recorded before it kept them) no picture is shown, and the report
says why.
Others in a photo are counted, not named ("Others in it: 1 other person shown, 2 other faces
covered"); another pupil's name in a caption, a batch label, a file name, a web address or a
take-down note is "[another pupil]" (``captions.OtherPupils``: found as a caption's names are,
and from whom the caption was recorded as referring to). Staff's names are kept (they acted for
the school), and so is any word that may be the person's own name.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from photovet.core.errors import PhotoVetError, UnknownPersonError
from photovet.core.models import Device
from photovet.core.policy import MAYBE_RECOGNISED
from photovet.core.records import takedown
from photovet.core.records.held import Holdings, HoldingsFor
from photovet.core.records.thumbs import covered_thumb_data_uri, others_in
from photovet.core.words import count, entered_by, list_word, request_words, sar_no_picture

THUMB_SIZE = 360

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 2em;
       color: #111; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #333; padding-bottom: .2em; margin-top: 1.6em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: .25em .5em; text-align: left; vertical-align: top; }
.meta td:first-child { font-weight: bold; white-space: nowrap; }
.export { display: flex; gap: 1.2em; border: 1px solid #bbb; padding: .8em; margin: .8em 0;
          page-break-inside: avoid; break-inside: avoid; }
.export img { max-width: 360px; max-height: 360px; border: 1px solid #666; }
.nothumb { width: 240px; min-height: 120px; border: 1px dashed #999; padding: .5em;
           font-size: .9em; color: #444; }
.role { font-weight: bold; }
.small { font-size: .85em; color: #333; word-break: break-all; }
.held { border: 1px solid #bbb; padding: .3em .8em; margin: .6em 0;
        page-break-inside: avoid; break-inside: avoid; }
.note { background: #f3f3f3; border-left: 4px solid #666; padding: .5em .8em; }
@media print {
  body { margin: 0; font-size: 10.5pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  .export { page-break-inside: avoid; break-inside: avoid; }
  .pagebreak { page-break-before: always; break-before: page; }
  @page { margin: 15mm; }
}
"""


def _day(iso: str) -> str:
    try:
        return _dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _others(r: Any, pid: str) -> tuple[list[list[float]], list[list[list[float]]]] | None:
    """What of an export is another person's than ``pid``, to cover in their report
    (``thumbs.others_in``); None: not known, no picture is shown."""
    return others_in(r, {pid})


def _thumb_data_uri(path: Path, cover: Sequence[Sequence[float]] = (),
                    names: Sequence[Sequence[Sequence[float]]] = (), *,
                    at: float | None = None) -> str:
    """A small copy of ``path`` as a data URI, covered as ``thumbs.covered_thumb_data_uri``
    (``at``: a video's frame)."""
    return covered_thumb_data_uri(path, THUMB_SIZE, cover, names, at=at)


def _local(when: str) -> str:
    """'2026-11-21T09:24:11+00:00' -> '21/11/2026 09:24' in local time; other text unchanged."""
    try:
        t = _dt.datetime.fromisoformat(str(when))
    except ValueError:
        return str(when)
    if t.tzinfo is not None:
        t = t.astimezone()
    return t.strftime("%d/%m/%Y %H:%M")


def _state(value: Any) -> str:
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value).capitalize()


def _raw_state(value: Any) -> str | None:
    """A stored value as the register keeps it ("yes", "no", "not recorded"; None: none)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).lower() if value not in (None, "") else None


def _source(source: str, how: str = "") -> tuple[str, str]:
    """'import:import-2026...-76bf1b' -> ('Register import', 'import-2026...'): the words for
    the report and the technical reference for its appendix; 'user:Jo' -> ('Changed by Jo', ''),
    with how it was entered when that was kept ('Changed by Jo, typed in PhotoVet')."""
    kind, _, rest = source.partition(":")
    if kind == "import":
        return "Register import", rest
    if kind == "user":
        return f"Changed by {entered_by(source, how)}", ""
    return source, ""


def _history_rows(register: Any, person_id: str
                  ) -> list[tuple[str, str, str, str, str, str, str]]:
    """(when, what, from, to, source, requested by, technical reference) for every consent
    change the register holds that changed something ("Not recorded -> Not recorded" is left
    out). "Requested by": who asked for it and the day they asked, "Not recorded" for a
    withdrawal entered without them."""
    try:
        changes = register.history(person_id)
    except (UnknownPersonError, AttributeError):
        return []
    rows = []
    for c in changes or []:
        d = c.to_dict() if hasattr(c, "to_dict") else dict(c)
        what = d.get("channel") or d.get("field") or ""
        labels = register.channel_labels()
        if what in ("name_with_photo",):
            label = "Name with photo"
        elif what in ("do_not_photograph",):
            label = "Do not photograph"
        else:
            label = labels.get(str(what), str(what))
            if d.get("media") == "video":
                label += " (videos)"
        old, new = _state(d.get("old")), _state(d.get("new"))
        if what == "do_not_photograph":     # "On the list", "Not on the list" (s61)
            old, new = (list_word(_raw_state(d.get(k))) for k in ("old", "new"))
        if old == new:
            continue
        withdrawal = d.get("withdrawal", old == "Yes" and new != "Yes")
        requested = request_words(d.get("requested_by"), d.get("requested_on"),
                                  withdrawal=bool(withdrawal))
        source, ref = _source(str(d.get("source") or ""), str(d.get("how") or ""))
        rows.append((_local(d.get("when") or d.get("time") or ""), label, old, new, source,
                     requested, ref))
    return rows


def _keep(text: str | None, refs: Any = None) -> str:
    """The text as it is (where no other pupil's name is looked for)."""
    return text or ""


def _done_words(item: Any, hide: Any = _keep) -> str:
    """'Not yet (listed on 12/03/2026)', or 'Done on 13/03/2026 by Jo: removed from the page'
    (``hide``: the note without other pupils' names)."""
    if not item.done:
        return f"Not yet (listed on {_local(item.first_listed_at)[:10]})"
    note = f": {hide(item.note)}" if item.note else ""
    return f"Done on {_local(item.done_at)[:10]}" + (f" by {item.done_by}" if item.done_by
                                                      else "") + note


def _takedown_words(item: Any, pid: str, hide: Any = _keep) -> str:
    """One take-down item in a photo's block: what to do, why, done or not. Each a sentence
    of its own (s46 walk: "Take this photo down from Facebook (Consent withdrawn on 02/12/2026
    (requested by Mrs Ellison (mother), by email)). Not yet ...", brackets three deep, in a
    report a family reads)."""
    why = item.reasons.get(pid, "")
    return f"{hide(item.action)}." + (f" Why: {why}." if why else "") + \
        f" {_done_words(item, hide)}."


def _others_words(r: Any, pid: str) -> str:
    """Who else is in an export, counted, never named (third parties): 'Others in it: 1 other
    person shown, 2 other faces covered'."""
    shown = len(set(r.people_shown) - {pid})
    covered = max(0, r.faces_covered - (1 if pid in r.people_covered else 0))
    readable = len(set(r.names_shown) - {pid})
    hidden = max(0, r.texts_covered - (1 if pid in r.names_covered else 0))
    bits = [count(shown, "other person", "other people") + " shown" if shown else "",
            count(covered, "other face") + " covered" if covered else "",
            count(readable, "other name") + " readable" if readable else "",
            count(hidden, "other name or label", "other names or labels") + " covered"
            if hidden else ""]
    said = ", ".join(b for b in bits if b)
    return (said + " (not named here)") if said else "No one else recorded"


_STATUS_WORDS = {"ready": "marked ready on {d}, waiting for approval",
                 "approved": "approved on {d}, not exported",
                 "rejected": "rejected on {d}", "draft": "not marked ready"}


def _media_ref(item: Any, file_name: str) -> str:
    """'IMG_0001.jpg', or 'A photo (file name not recorded; content id 1a2b3c4d5e6f)'."""
    if file_name:
        return file_name
    what = "A video" if item.media == "video" else "A photo"
    return f"{what} (file name not recorded; content id {item.sha256[:12]})"


def _since_words(item: Any) -> str:
    """'Taken 21/11/2026; copied from a device on 22/11/2026'."""
    bits = []
    if item.taken:
        bits.append(f"Taken {item.taken}")
    if item.first_seen:
        how = {"copied from a device": "Copied from a device",
               "marked ready": "First marked ready",
               "checked": "Checked in PhotoVet"}.get(item.first_seen_how, "First seen")
        bits.append(f"{how} on {_local(item.first_seen)[:10]}")
    return "; ".join(bits) or "Not recorded"


def _kept_words(item: Any, how_long: str) -> str:
    """When the retention schedule deletes the original, and this PC's analysis of it."""
    if item.original_due is not None:
        text = (f"The original is due for deletion on {item.original_due:%d/%m/%Y} ({how_long}"
                ") if it is not exported first.")
    else:
        text = item.original_note[:1].upper() + item.original_note[1:] + "." \
            if item.original_note else "Not known."
    if item.cache_due is not None:
        text += (f" PhotoVet's record of the faces it found in it (on the PC that made this "
                 f"report) is deleted on {item.cache_due:%d/%m/%Y}.")
    return text


def _channel_words(item: Any) -> str:
    if not item.channels:
        return "Not prepared for any channel."
    out = []
    for c in item.channels:
        face = {"shown": "face shown", "covered": "face covered"}.get(c.face,
                                                                    "face not decided yet")
        state = _STATUS_WORDS.get(c.status, c.status).format(d=_local(c.since)[:10])
        out.append(f"{c.label}: {face}; {state}.")
    return " ".join(out)


def _holdings_html(h: Holdings | None, labels: dict[str, str], name: str, hide: Any = _keep
                   ) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The sections 'Recognised as this person, named as another', 'Held, not published' and
    'Face signatures', and the appendix rows (item, content id, what)."""
    e = html.escape
    parts: list[str] = []
    technical: list[tuple[str, str, str]] = []
    if h is None:
        msg = ("<p>Not looked at: this report was made from the export records only, so photos "
               "PhotoVet holds but never exported are not listed here.</p>")
        parts += ["<h2>Recognised as this person, named as another</h2>", msg,
                  "<h2>Held, not published</h2>", msg, "<h2>Face signatures</h2>", msg]
        return parts, technical

    how_long = f"{h.originals_days} days after PhotoVet first had it"
    parts.append("<h2>Recognised as this person, named as another "
                 f"({len(h.named_as_other)})</h2>")
    if not h.named_as_other:
        parts.append("<p>No photo or video in which PhotoVet recognised this person was named "
                     "by staff as another person.</p>")
    for n, o in enumerate(h.named_as_other, 1):
        ref = hide(_media_ref(o, o.file_name or (Path(o.exports[0].source_path).name
                                                 if o.exports and o.exports[0].source_path
                                                 else "")))
        technical.append((f"Named as another {n}", o.sha256, ref))
        day = _local(o.named_at)[:10] if o.named_at else "a day not recorded"
        why = ("The reason the member of staff gave is kept; the school's data protection lead "
               "can read it." if o.reason_given else "No reason was recorded.")
        lines = [f"<p class=\"role\">Named as another {n}: {e(ref)}</p>",
                 f"<p>PhotoVet recognised this person's face in this "
                 f"{'video' if o.media == 'video' else 'photo'}. On {e(day)} a member of staff "
                 f"named that face as another person. {e(why)}</p>"]
        if o.exports:
            for r in o.exports:
                face = {"shown": "that face was shown, under the other person's name",
                        "covered": "that face was covered"}.get(o.face_in(r),
                                                              "what happened to that face "
                                                              "is not recorded")
                posts = "; ".join(f"posted on {labels.get(p.channel, p.channel)} on "
                                  f"{_day(p.posted_on)}" + (f" ({hide(p.url)})" if p.url else "")
                                  for p in r.posts) or "not marked as posted"
                lines.append(f"<p>Exported for {e(labels.get(r.channel, r.channel))} on "
                             f"{e(_local(r.created_at)[:10])}: {e(face)}; {e(posts)}.</p>")
        else:
            held = o.held
            lines.append("<p>Never exported: not published. "
                         + (e(_since_words(held)) + ". " + e(_kept_words(held, how_long))
                            if held is not None else "") + "</p>")
        parts.append('<div class="held">' + "".join(lines) + "</div>")

    parts.append(f"<h2>Held, not published ({len(h.held)})</h2>")
    if not h.held:
        parts.append("<p>PhotoVet holds no photo or video of this person that was never "
                     "exported.</p>")
    else:
        parts.append("<p>Photos and videos PhotoVet checked in which it recognised this person "
                     "(or a member of staff named them), never exported, so never published. "
                     "Covered faces count: PhotoVet still recognised them. For each channel "
                     "it was prepared for: whether their face would be shown or covered as "
                     "decided today.</p>")
        parts.append("<table><tr><th>Item</th><th>Photo or video</th><th>When</th>"
                     "<th>How PhotoVet found them</th><th>Prepared for</th>"
                     "<th>Kept until</th></tr>")
        for n, item in enumerate(h.held, 1):
            ref = hide(_media_ref(item, item.file_name))
            technical.append((f"Held {n}", item.sha256, ref))
            if item.found == "named by hand":
                found = ("Named by hand" + (f" by {item.named_by}" if item.named_by else "")
                         + (f" on {_local(item.named_at)[:10]}" if item.named_at else ""))
            else:
                found = "Recognised by PhotoVet"
            cells = (f"Held {n}", ref, _since_words(item), found, _channel_words(item),
                     _kept_words(item, how_long))
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    for note in h.notes:
        parts.append(f'<p class="small">{e(note)}</p>')

    parts.append("<h2>Face signatures</h2>")
    if h.signatures:
        days_txt = ", ".join(_day(d) for d in h.enrolled_on) or "a day not recorded"
        parts.append(f"<p>PhotoVet holds {h.signatures} face signature"
                     f"{'s' if h.signatures != 1 else ''} for {e(name)}, enrolled on "
                     f"{e(days_txt)}: numbers made from a photo of their face, so that PhotoVet "
                     "can recognise them (and cover their face where they have no consent). "
                     "They are kept encrypted; the enrolment photo itself is not kept.</p>")
    else:
        parts.append(f"<p>PhotoVet holds no face signature for {e(name)}.</p>")
    return parts, technical


def named_in_file_names(records: Any, person: Any, have: set[int]) -> list[Any]:
    """The export records not in ``have`` whose file name may refer to ``person`` (their
    batch label, published with the copy: ``captions.file_names_naming``, as the take-down
    list reads them), oldest first; none for someone no longer in the register (no name to
    read). Their report, their page and the exports listed for them all add these."""
    if person is None:
        return []
    from photovet.core.vision.text.captions import file_names_naming  # noqa: PLC0415

    rest = [r for r in records.exports() if r.id not in have]
    named = file_names_naming(person, {Path(r.output_path).name for r in rest})
    return [r for r in rest if Path(r.output_path).name in named]


@dataclass(frozen=True)
class PersonExports:
    """A person's exports as their report, their page and every list of them count them:
    ``records`` (oldest first), and which of them are there only because their file name
    names the person (``by_file_name``: their ids)."""

    records: list[Any]
    by_file_name: frozenset[int]


def exports_listing(records: Any, register: Any, person_id: str | None, *,
                    batch: str | None = None, maybe: bool = False) -> PersonExports:
    """The export records of ``person_id`` (``Records.exports``: where they appear; ``maybe``:
    and those with a face shown as someone else that may be theirs), in ``batch`` only when
    given, with those whose file name names them (``named_in_file_names``). The one listing
    behind a subject access report's count, a pupil's page, the exports listed for them and
    ``photovet exports --person``. ``person_id`` None: every export (of ``batch``)."""
    recs = records.exports(person=person_id, batch=batch, maybe=maybe)
    if person_id is None:
        return PersonExports(recs, frozenset())
    extra = [r for r in named_in_file_names(records, register.find(person_id),
                                            {r.id for r in recs})
             if batch in (None, r.batch)]
    return PersonExports(sorted([*recs, *extra], key=lambda r: r.id),
                         frozenset(r.id for r in extra))


def holds_something(held: Holdings) -> bool:
    """Whether PhotoVet holds anything of the person besides the export records."""
    return bool(held.held or held.named_as_other or held.signatures)


def nothing_held(register: Any, records: Any, person_id: str,
                 holdings: HoldingsFor | None = None) -> bool:
    """Whether PhotoVet holds nothing at all about ``person_id``: no register row, no export
    record (shown, covered, named, in a caption, or a face that may be them), and nothing held
    besides (``holdings``)."""
    try:
        if register.person(person_id) is not None:
            return False
    except UnknownPersonError:
        pass
    if records.exports(person=person_id) or records.exports_maybe(person_id):
        return False
    return holdings is None or not holds_something(holdings(person_id))


def _nothing_held_report(records: Any, person_id: str, out: Path, *, overwrite: bool,
                         example: str, complete: bool, disk: tuple[int, int, str] | None = None) -> Path:
    """The report for an id PhotoVet holds nothing about: said plainly, the same for an id
    never in the register and for one whose every record was deleted (it confirms nothing
    beyond what the request itself says). Audited with the id alone."""
    from photovet.core.fsutil import write_report  # noqa: PLC0415
    from photovet.core.words import sar_nothing_held  # noqa: PLC0415

    e = html.escape
    now = _dt.datetime.now()
    body = [f"<h1>Subject access report: register id {e(person_id)}</h1>",
            '<table class="meta">',
            f"<tr><td>Register id</td><td>{e(person_id)}</td></tr>",
            f"<tr><td>Report made</td><td>{e(now.strftime('%d/%m/%Y %H:%M'))}</td></tr>",
            "</table>",
            f"<p>{e(sar_nothing_held(person_id))}</p>",
            "<p>PhotoVet cannot list photos in which it never recognised the person, nor "
            "photos kept outside PhotoVet.</p>"]
    if not complete:
        body.append("<p>Only the export records could be searched for this report.</p>")
    doc = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<title>Subject access report: register id {e(person_id)}</title>"
           f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
    # its folder's disk when the report began, as the full report's (s45 audit: left out)
    path = write_report(out, doc, overwrite=overwrite, example=example, disk=disk)
    records.audit.record("sar.created", {"person": person_id, "nothing_held": True,
                                         "report_sha256": _file_sha(path)})
    return path


def _file_sha(path: Path) -> str:
    from photovet.core.media.imaging import sha256_file  # noqa: PLC0415

    try:
        return sha256_file(path)
    except OSError:
        return ""


def subject_access_report(register: Any, records: Any, person_id: str, out: str | Path, *,
                          overwrite: bool = False, holdings: HoldingsFor | None = None) -> Path:
    """Write the report for ``person_id`` to ``out`` (atomically) and audit it (a signed-in
    admin). A file already called ``out`` is never replaced unless ``overwrite`` (a report
    sent to a family is a record of what was sent); a folder, a place PhotoVet may not write
    or a full disk is a typed error (fsutil.write_report), found before the report is made
    where it can be. ``holdings(id)``: what PhotoVet holds besides the export records
    (records/held.py; ``Workspace.subject_access_report`` gives it): without it the report
    says those sections could not be made (export records only)."""
    maker = records.audit.access.require("sar")
    from photovet.core.fsutil import check_report_path, disk_of, write_report  # noqa: PLC0415
    from photovet.core.media.imaging import sha256_file  # noqa: PLC0415

    e = html.escape
    out = Path(out)
    example = f"sar-{''.join(c if c.isalnum() or c in '-_' else '_' for c in person_id)}.html"
    check_report_path(out, overwrite=overwrite, example=example)
    disk = disk_of(out)     # a stick pulled out while the report is made is found (s45)
    try:
        person = register.person(person_id)
    except UnknownPersonError:
        person = None
    exports = records.exports(person=person_id)
    if person is None and not exports and not records.exports_maybe(person_id):
        held_now = holdings(person_id) if holdings is not None else None
        if held_now is None or not holds_something(held_now):
            # nothing at all (never there, or everything deleted): that is the answer, in a
            # report like any other, never an error (DPO audit s30)
            return _nothing_held_report(records, person_id, out, overwrite=overwrite,
                                        example=example, complete=held_now is not None, disk=disk)
    pid = person.id if person is not None else person_id
    if person is not None and person.id != person_id and not exports:
        exports = records.exports(person=person.id)
    name = person.display_name if person is not None else "(no longer in the register)"
    # other pupils are third parties: their names are hidden wherever a text may hold one
    from photovet.core.vision.text.captions import OtherPupils  # noqa: PLC0415 (numpy)

    hide = OtherPupils(pid, register.people()).hide
    # and every copy whose file name (its batch label, published with it) names them, as the
    # take-down list reads it (s62 audit: a copy posted as "joe-harris-award-001.jpg" was
    # left out of Joe's report, and listed in its take-down section once his consent went)
    by_file_name = named_in_file_names(records, person, {r.id for r in exports})
    if by_file_name:
        exports = sorted([*exports, *by_file_name], key=lambda r: r.id)
    in_file_name = {r.id for r in by_file_name}
    now = _dt.datetime.now()
    posts_total = sum(len(r.posts) for r in exports)

    parts: list[str] = []
    parts.append(f"<h1>Subject access report: {e(name)}</h1>")
    # s40: the opening says what this is, for whom, when and by whom, in a few lines; how it
    # was made and what it cannot list are said where they apply and under "About this report"
    # (it opened with some 250 words before the first fact)
    who = f"<b>{e(name)}</b> (register id {e(pid)})" if person is not None else \
        f"register id <b>{e(pid)}</b> (no longer in the register)"
    parts.append(f"<p>What PhotoVet holds about {who}, made for a subject access "
                 f"request on {e(now.strftime('%d/%m/%Y'))} by {e(maker.name)}.</p>")
    parts.append("<p>Photos and videos exported with PhotoVet to be published, in which this "
                 "person appears, whether each was posted, and any that must now come down; "
                 "photos and videos PhotoVet holds of them that were never published; their "
                 "face signatures; and their consent history. What it cannot list is said "
                 "under \u2018About this report\u2019 at the end.</p>")
    parts.append('<table class="meta">')
    meta = [("Name", name), ("Register id", pid),
            ("Report made", now.strftime("%d/%m/%Y %H:%M")), ("Made by", maker.name),
            ("Exports listing this person", str(len(exports))),
            ("Posts of those exports", str(posts_total))]
    if person is not None:
        meta += [("Role", person.role), ("Year / class", " ".join(
            x for x in (person.year_group, person.reg_group) if x)),
            ("Leaving date", person.leaving_date.strftime("%d/%m/%Y") if person.leaving_date else "")]
    for k, v in meta:
        parts.append(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>")
    parts.append("</table>")
    # what must come down (or not be posted) because this person's consent is missing now:
    # the take-down list as it is today, done items too (what was taken down, when, by whom)
    try:
        takedowns = takedown.evaluate(records, register, person=pid, include_done=True)
    except UnknownPersonError:
        takedowns = []
    by_export: dict[int, list[Any]] = {}
    for item in takedowns:
        by_export.setdefault(item.export_id, []).append(item)

    labels = register.channel_labels()
    words = {"yes": "Yes", "no": "No", "not recorded": "Not recorded"}
    # current consent
    if person is not None:
        parts.append("<h2>Current consent</h2><table><tr><th>Channel</th><th>Photos</th>"
                     "<th>Videos</th></tr>")
        for ch, label in labels.items():
            parts.append(f"<tr><td>{e(label)}</td>"
                         f"<td>{words.get(person.consent_state(ch, 'photo'), '')}</td>"
                         f"<td>{words.get(person.consent_state(ch, 'video'), '')}</td></tr>")
        parts.append(f"<tr><td>Name with photo</td><td colspan=2>"
                     f"{'Yes' if person.name_with_photo else 'No'}</td></tr>")
        parts.append(f"<tr><td>Do not photograph</td><td colspan=2>"
                     f"{'YES' if person.do_not_photograph else 'No'}</td></tr></table>")

    # exports
    parts.append(f"<h2>Photos exported ({len(exports)})</h2>")
    parts.append("<p>Every photo exported with PhotoVet in which this person was recognised (or "
                 "identified by a member of staff), whether their face was shown or covered, "
                 "every photo where their name could be read or was covered, and every photo "
                 "posted with a caption that refers to them (by name or by initials; initials "
                 "that several people share are listed for each of them).</p>")
    if not exports:
        parts.append("<p>No exported photo lists this person.</p>")
    else:
        parts.append('<p class="note">Pictures are small copies of the files as exported: faces '
                     "and names that were covered are covered here too. Other people's faces "
                     "are covered in this report, whether or not they were published, and so "
                     "are other people's names that could be read in them. Where PhotoVet does "
                     "not know where every face is (a photo or a video exported by an older "
                     "version), no picture is shown; a video is shown by one frame from its "
                     "middle.</p>")
    technical: list[tuple[str, str, str, str]] = []
    for n, r in enumerate(exports, 1):
        out_path = Path(r.output_path)
        if not out_path.is_file():
            # never drawn from the original instead: the record says where the faces it showed
            # are, not where the ones it covered are, so other pupils covered in the export
            # would be seen (s41 walk: the words read as if the original had been forgotten)
            pic = f'<div class="nothumb">{e(sar_no_picture(hide(out_path.name)))}</div>'
        else:
            try:
                same = sha256_file(out_path) == r.output_sha256
            except PhotoVetError:
                same = False
            others = _others(r, pid)
            if not same:
                pic = ('<div class="nothumb">The file at the export\'s location has changed since '
                       "it was exported, so it is not shown (it may not be what was published)."
                       "</div>")
            elif others is None:
                pic = ('<div class="nothumb">No picture is shown: other people\'s faces in it '
                       "could not be covered in this report ("
                       + ("it was exported before PhotoVet recorded where the faces are "
                          "in one frame of a video" if r.media == "video" else
                          "it was exported before PhotoVet recorded where each face is")
                       + "). The school can show it to the family.</div>")
            else:
                try:
                    what = ("A frame from the middle of the exported video"
                            if r.media == "video" else "Exported photo")
                    pic = (f'<img alt="{what} {e(hide(out_path.name))}" '
                           f'src="{_thumb_data_uri(out_path, *others, at=r.faces_at)}">')
                except Exception as exc:
                    pic = f'<div class="nothumb">The picture could not be read ({e(str(exc))}).</div>'
        roles = r.roles(pid)
        role_txt = {"face shown": "Face shown", "face covered": "Face covered",
                    "name readable": "Name readable in the photo",
                    "name covered": "Name covered"}
        captions = r.captions_on()
        caption_html = "".join(
            f"<tr><td>Caption</td><td>{e(hide(text, refs)) if text else '(not recorded)'}</td></tr>"
            for text, refs in captions)
        posts = "".join(
            f"<li>{e(labels.get(p.channel, p.channel))}, {e(_day(p.posted_on))}"
            + (f", {e(hide(p.url))}" if p.url else "")
            + (f", with the caption \u201c{e(hide(p.caption, p.caption_people))}\u201d"
               if p.caption is not None else "")
            # said without why: the reason may name other people
            + (", recorded as posted although PhotoVet did not allow it (put on the take-down "
               "list)" if p.not_allowed else "")
            + "</li>" for p in r.posts)
        posts_html = f"<ul>{posts}</ul>" if posts else "<p>Not marked as posted.</p>"
        if r.checks:
            checks_html = ("<p><b>Checks the approver ticked:</b></p><ul>"
                           + "".join(f"<li>&#9745; {e(c)}</li>" for c in r.checks) + "</ul>")
        elif r.approver:
            checks_html = "<p><b>Checks the approver ticked:</b> none recorded (approved before " \
                          "the school's checklist)</p>"
        else:
            checks_html = "<p><b>Checks the approver ticked:</b> none (exported without " \
                          "approval)</p>"
        device = r.device or {}
        device_txt = ""
        if device:
            # the camera by its make and model (walk s34: the report read "Canon Canon EOS 5D
            # Mark II" when the model repeats the make), and whether it is one of the school's,
            # never its serial number (s46 walk): that identifies the school's equipment, not
            # anything about the pupil, and the report goes to the family
            dev = Device(make=device.get("make") or "", model=device.get("model") or "")
            camera = dev.label if (dev.make or dev.model) else "not named in the file"
            approved = {True: "a school device", False: "not on the school's list of devices",
                        None: ""}.get(device.get("approved"))
            device_txt = camera + (f": {approved}" if approved else "")
        role_words = [role_txt.get(x, x[:1].upper() + x[1:]) for x in roles]
        if r.id in in_file_name:
            role_words.append("Named in the file name, published with it")
        if pid in r.people_maybe:
            # another face in it, shown as someone else, may be theirs too (never whom)
            role_words.append("A face shown as another person may be theirs too")
        takedown_html = "".join(
            f"<p><b>Take-down list:</b> {e(_takedown_words(item, pid, hide))}</p>"
            for item in by_export.get(r.id, []))
        technical.append((f"Photo {n}", str(r.id), hide(str(out_path)), r.output_sha256))
        parts.append(
            f'<div class="export">{pic}<div>'
            f'<p class="role">Photo {n}: {e(", ".join(role_words))}</p>'
            f"<table class=\"meta\">"
            f"<tr><td>Exported</td><td>{e(_local(r.created_at))}</td></tr>"
            f"<tr><td>For</td><td>{e(labels.get(r.channel, r.channel))}"
            f"{' (video)' if r.media == 'video' else ''}</td></tr>"
            f"<tr><td>Batch</td><td>{e(hide(r.batch))}</td></tr>"
            f"<tr><td>Others in it</td><td>{e(_others_words(r, pid))}</td></tr>"
            + caption_html
            + f"<tr><td>Prepared by</td><td>{e(r.preparer or '')}</td></tr>"
            f"<tr><td>Approved by</td><td>{e(r.approver or '')}</td></tr>"
            + (f"<tr><td>Camera</td><td>{e(device_txt)}</td></tr>" if device_txt else "")
            + f"</table>{checks_html}<p><b>Posted:</b></p>{posts_html}{takedown_html}"
            f"</div></div>")

    # what PhotoVet holds besides the export records
    held = holdings(pid) if holdings is not None else None

    # exports in which a face shown as someone else may be this person (never naming them)
    # (the one count, as their page and 'photovet sar' say it: those that list them are above,
    # said there; those recognised as them and named as another are in both sections)
    listed = {o.sha256 for o in held.named_as_other} if held is not None else set()
    maybe = records.exports_may_show_only(pid)
    parts.append(f"<h2>Photos that may show this person ({len(maybe)})</h2>")
    if not maybe:
        parts.append("<p>No exported photo has a face that PhotoVet could not tell from this "
                     "person's and that a member of staff named as another person.</p>")
    else:
        parts.append("<p>Photos exported with a face that may be this person's: PhotoVet could "
                     "not tell it from their face (or recognised them), and a member of staff "
                     "named it as another person. Their consent is checked for these as for "
                     "their own photos: if it is withdrawn, the photo is put on the take-down "
                     "list.</p>")
    for n, r in enumerate(maybe, 1):
        m = r.people_maybe[pid]
        what = "video" if r.media == "video" else "photo"
        ref = hide(Path(r.source_path).name) if r.source_path else \
            f"A {what} (file name not recorded; content id {r.source_sha256[:12]})"
        technical.append((f"May show them {n}", str(r.id), hide(r.output_path), r.output_sha256))
        how = (f"PhotoVet recognised this person's face in this {what}, and "
               if m.how == MAYBE_RECOGNISED else
               f"PhotoVet could not tell a face in this {what} from this person's face, and ")
        how += ("a member of staff named that face as another person." if m.named_as else
                "a member of staff showed that face without naming it.")
        if m.how == MAYBE_RECOGNISED and r.source_sha256 in listed:
            how += (" It is listed under \u2018Recognised as this person, named as another\u2019 "
                    "too.")
        posts = "; ".join(f"posted on {labels.get(p.channel, p.channel)} on "
                          f"{_day(p.posted_on)}" + (f" ({hide(p.url)})" if p.url else "")
                          for p in r.posts) or "not marked as posted"
        lines = [f'<p class="role">May show them {n}: {e(ref)}</p>', f"<p>{e(how)}</p>",
                 f"<p>Exported for {e(labels.get(r.channel, r.channel))} on "
                 f"{e(_local(r.created_at)[:10])}: that face was shown; {e(posts)}.</p>"]
        lines += [f"<p><b>Take-down list:</b> {e(_takedown_words(item, pid, hide))}</p>"
                  for item in by_export.get(r.id, [])]
        parts.append('<div class="held">' + "".join(lines) + "</div>")

    # the take-down list for this person, in one place
    pending = [i for i in takedowns if not i.done]
    parts.append(f"<h2>Take-down list ({len(pending)} to do)</h2>")
    if not takedowns:
        parts.append("<p>Nothing published or exported with this person has to come down.</p>")
    else:
        number = {r.id: f"Photo {n}" for n, r in enumerate(exports, 1)}
        number.update({r.id: f"May show them {n}" for n, r in enumerate(maybe, 1)})
        parts.append("<table><tr><th>Photo</th><th>What</th><th>Why</th><th>Done</th></tr>")
        for item in takedowns:
            parts.append(
                f"<tr><td>{e(number.get(item.export_id, hide(item.batch)))}</td>"
                f"<td>{e(hide(item.action))}</td>"
                f"<td>{e(item.reasons.get(pid, ''))}</td>"
                f"<td>{e(_done_words(item, hide))}</td></tr>")
        parts.append("</table>")

    held_html, held_technical = _holdings_html(held, labels, name, hide)
    parts.extend(held_html)

    # consent history
    hist = _history_rows(register, pid)
    parts.append(f'<h2 class="pagebreak">Consent history ({count(len(hist), "change")})</h2>')
    if hist:
        parts.append("<table><tr><th>Entered</th><th>What</th><th>From</th><th>To</th>"
                     "<th>Source</th><th>Requested by (and the day they asked)</th></tr>")
        for row in hist:
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row[:6]) + "</tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No consent changes are recorded for this person.</p>")

    # what the report cannot list, and where the rest is (s40: it opened the report)
    parts.append("<h2>About this report</h2>")
    parts.append("<p>PhotoVet cannot list photos in which it did not recognise the person, nor "
                 "photos kept outside PhotoVet. Photos checked in PhotoVet but never exported "
                 "(for example still waiting for approval) were not published: those in which "
                 "PhotoVet recognised this person, or a member of staff named them, are listed "
                 "under \u2018Held, not published\u2019, and photos in which PhotoVet "
                 "recognised them but a member of staff named that face as another person under "
                 "\u2018Recognised as this person, named as another\u2019. Photos exported with "
                 "a face PhotoVet could not tell from this person's, named by a member of staff "
                 "as another person, are listed under \u2018Photos that may show this "
                 "person\u2019 (the other person is not named).</p>")

    # the appendix: what the school's records need, not the family
    parts.append('<h2 class="pagebreak">Appendix: technical details</h2>')
    parts.append('<p class="small">For the school\'s records: where each exported file was '
                 "saved on the PC that exported it, its SHA-256 fingerprint (the same file "
                 "always has the same fingerprint) and PhotoVet's export record number; the "
                 "fingerprint of each photo or video held but not published (or named as "
                 "another person); and the register imports the consent changes came from.</p>")
    def small_table(heads: tuple[str, ...], rows: list) -> None:
        if rows:
            parts.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr>")
            parts.extend("<tr>" + "".join(f'<td class="small">{e(c)}</td>' for c in row)
                         + "</tr>" for row in rows)
            parts.append("</table>")

    small_table(("Photo", "Export record", "File", "SHA-256"), technical)
    small_table(("Item", "Content SHA-256", "Photo or video"), held_technical)
    small_table(("Consent change", "What", "Register import"),
                [(row[0], row[1], row[6]) for row in hist if row[6]])

    doc = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<title>Subject access report: {e(name)} ({e(pid)})</title>"
           f"<style>{_CSS}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n")
    path = write_report(out, doc, overwrite=overwrite, example=example, disk=disk)
    # the report by its content, not its place: the file is often named after the person
    records.audit.record("sar.created", {
        "person": pid, "report_sha256": _file_sha(path), "exports": [r.id for r in exports],
        **({"may_show": [r.id for r in maybe]} if maybe else {}),
        **({"held": len(held.held), "named_as_other": len(held.named_as_other)}
           if held is not None else {"held": None})})
    return path


__all__ = ["holds_something", "nothing_held", "subject_access_report"]
