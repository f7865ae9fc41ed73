"""After posting: export records, posts, take-down lists, subject access reports,
identifying a downloaded copy, deleting originals, and importing from a device."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from photovet.cli.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    POSTED_CHANNEL_HELP,
    StderrProgress,
    abort,
    covered_text,
    day_text,
    emit_json,
    fail_line,
    get_channel,
    names_for,
    open_workspace,
    parse_day,
    people_text,
    printable,
    register_id,
)
from photovet.core import words
from photovet.core.errors import PhotoVetError, ended


def _identify_folder_said(folder: Path) -> str:
    """``photovet identify`` given a folder (s65 walk: it said "this is a folder, not a photo
    file" and stopped there): it takes files, each named, so say so, with an example made
    from the folder given. The command's own words: the app's identify asks for files."""
    first, second = folder / "photo1.jpg", folder / "photo2.jpg"
    return (f"this is a folder: name the photos or videos downloaded back from the website or "
            f"social network themselves, one after another (for example: photovet identify "
            f"\"{first}\" \"{second}\")")


@click.command("posted")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--batch", default=None, help="Mark every export of this batch (its label).")
@click.option("--channel", required=True, help=POSTED_CHANNEL_HELP)
@click.option("--date", "day", default=None, help="When (DD/MM/YYYY); default today.")
@click.option("--url", default=None, help="The post's address, if it has one.")
@click.option("--caption", default=None,
              help="The caption the post went out with, if it was not the one given when "
                   "exporting. Checked with the channel's rules (a caption naming someone the "
                   "channel may not name is refused: nothing is marked, and a suggested caption "
                   "is given, unless --already-posted) and with the approval (a caption other "
                   "than the one a senior leader approved with the photos is refused the same "
                   "way) and recorded with the post, with everyone it refers to.")
@click.option("--already-posted", "already_posted", is_flag=True,
              help="The post already went out with --caption, though PhotoVet refuses that "
                   "caption (the channel's rules, or not the approved one): record it as it "
                   "went out. It is flagged, put on the take-down list "
                   "at once and said (exit 1): take it down. Without it, a refused caption "
                   "marks nothing (fix the caption before posting).")
@click.option("--posted-elsewhere", "elsewhere", is_flag=True,
              help="The copies really were posted on --channel though they were exported for "
                   "another channel: record it all the same. Everyone in them is checked "
                   "against their consent there: a copy showing someone who may not be shown "
                   "there is put on the take-down list at once (take it down). Without it, "
                   "that is refused.")
def posted_cmd(files: tuple[Path, ...], batch: str | None, channel: str, day: str | None,
               url: str | None, caption: str | None, elsewhere: bool,
               already_posted: bool) -> None:
    """Record that exported photos were posted: a whole batch (--batch LABEL) or FILES (found by
    their content, so renamed copies work, or by their export path).

    A post that happened is always recorded, even one PhotoVet would not have allowed (a
    photo taken down, on the take-down list, or showing someone now covered there): it is
    flagged, put on the take-down list at once and said (exit 1): take it down. So is a post
    that already went out with a caption PhotoVet refuses (--caption ... --already-posted)."""
    if not batch and not files:
        raise click.UsageError("say what was posted: --batch LABEL or one or more FILES")
    if already_posted and caption is None:
        raise click.UsageError("--already-posted goes with --caption: the caption the post "
                               "went out with")
    from photovet.core.vision.text.school import school_words

    date = parse_day(day)
    ws = open_workspace()
    problems: list = []
    not_allowed: list = []
    label = channel
    try:
        label = get_channel(ws, channel).label
        n = ws.records.mark_posted(batch=batch, files=list(files) or None, channel=channel,
                                   date=date, url=url, elsewhere=elsewhere,
                                   # a whole batch is marked or refused as one (with what to
                                   # do); FILES each say what went wrong and the rest go on
                                   problems=problems if files else None, caption=caption,
                                   people=ws.register.people(), mode=ws.settings.mode,
                                   threshold=ws.settings.text.caption_threshold,
                                   school=school_words(ws.settings),
                                   # taken down, on the take-down list, or someone in it may
                                   # not be shown there now: recorded all the same (it was
                                   # posted), on the take-down list at once, each said
                                   not_allowed=not_allowed, already_posted=already_posted)
        # posted somewhere someone has no consent for (a copy made for another channel): the
        # take-down list says so at once, here too
        flagged = {str(f) for f, _why in not_allowed}
        urgent = [i for i in ws.takedown(record=True) if i.status == "posted"
                  and i.channel == channel and i.new and i.output_path not in flagged]
    except PhotoVetError as exc:
        suggestion = getattr(exc, "suggestion", None)     # a refused caption (CaptionError)
        if suggestion is None:
            abort(exc)
        from photovet.core.words import CAPTION_POSTED_COMMAND, CAPTIONS_DIFFER_HINT

        fail_line(None, exc.message)
        if suggestion:
            click.echo(f"Suggested caption: --caption \"{suggestion}\"", err=True)
        # the core's hint says why none is suggested (the approved caption is itself refused
        # now) and what to do; photos approved with different captions are marked in groups
        hint = exc.hint if exc.hint and (CAPTION_POSTED_COMMAND in exc.hint or
                                         exc.hint == CAPTIONS_DIFFER_HINT) else \
            CAPTION_POSTED_COMMAND
        click.echo("Mark them as posted in groups, each with the caption it was approved with: "
                   "photovet posted FILES --channel C --caption \"...\" for the copies approved "
                   "with each caption (listed above)." if hint == CAPTIONS_DIFFER_HINT else hint,
                   err=True)
        sys.exit(EXIT_USAGE)
    finally:
        ws.close()
    for f, why in problems:
        fail_line(f, why)
    for _f, why in not_allowed:
        click.echo(f"warning: {words.posted_not_allowed(why, label)}", err=True)
    if not_allowed:
        click.echo("See 'photovet takedown'; once taken down, mark the item done. A photo still "
                   "wanted is exported again (checked and approved afresh).", err=True)
    click.echo(f"Marked {words.count(n, 'export')} as posted on {channel}" + (f" ({url})" if url else "")
               + (f"; {len(not_allowed)} of them must be taken down now" if not_allowed else "")
               + (f"; {words.count(len(problems), 'file')} not marked" if problems else ""))
    for item in urgent:
        who = "; ".join(f"{item.names.get(p, p)}: {item.reasons.get(p, '')}" for p in item.people)
        click.echo(f"warning: {Path(item.output_path).name} must be taken down from "
                   f"{item.channel_label or item.channel} now ({printable(who)}); see "
                   "'photovet takedown'", err=True)
    sys.exit(EXIT_SOME_FAILED if problems or not_allowed else EXIT_OK)


@click.command("exports")
@click.option("--person", default=None, help="Only exports where this person appears (face shown "
              "or covered, name readable or covered, named in the caption or the file name), and "
              "those with a face shown as someone else that may be theirs (a twin), marked "
              "\"May show them\".")
@click.option("--batch", default=None, help="Only this batch.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per export per line.")
def exports_cmd(person: str | None, batch: str | None, as_json: bool) -> None:
    """List the export records: what was exported, for which channel, who is in it, and where
    it was posted."""
    from photovet.core.records.sar import exports_listing

    ws = open_workspace()
    try:
        person = register_id(ws.register, person)
        # and for a person, those whose file name names them, as their report lists them
        listing = exports_listing(ws.records, ws.register, person, batch=batch, maybe=True)
        recs, by_file_name = listing.records, listing.by_file_name
        names = names_for(ws.register, {p for r in recs for p in r.people})
        labels = ws.channels.labels()
    finally:
        ws.close()
    if as_json:
        for r in recs:
            # with --person: whether it only may show them (a face shown as someone else)
            d = {**r.to_dict(), **({"may_show_them": r.may_show_only(person),
                                    "named_in_file_name": r.id in by_file_name}
                                   if person else {})}
            if person is not None and r.may_show_only(person):
                # as the table and the app: whom that face was shown as is among those shown,
                # never put beside "may show them" (the two would be put together)
                d["people_shown"] = d["names_shown"] = None
                # whom each face left visible is shown as, whose each name left readable is
                d["faces_shown"] = d["names_kept"] = None
                d["people_not_said"] = words.MAYBE_PEOPLE_NOT_SAID
                d["people_maybe"] = {person: {**d["people_maybe"][person], "named_as": ""}}
            emit_json(d)
        return
    if not recs:
        click.echo("No exports recorded" + (f" for {person}" if person else "") + ".")
        return
    for r in recs:
        posts = "; ".join(f"{labels.get(p.channel, p.channel)} {day_text(p.posted_on)}"
                          + (f" {p.url}" if p.url else "")
                          + (" (posted though not allowed)" if p.not_allowed else "")
                          for p in r.posts) or "not posted"
        click.echo(f"#{r.id}  {day_text(r.created_at)}  {labels.get(r.channel, r.channel)}  "
                   f"batch '{r.batch}'  {Path(r.output_path).name}")
        maybe = person is not None and r.may_show_only(person)
        if maybe and person is not None:
            click.echo(f"     {words.maybe_export_note(r, person)}")
        if r.id in by_file_name:
            click.echo("     named in the file name (published with it)")
        # whom the face that may be theirs was shown as is among those shown: never said
        # beside "May show them" (the two names would be put together)
        unsaid = words.MAYBE_PEOPLE_NOT_SAID[:1].lower() + words.MAYBE_PEOPLE_NOT_SAID[1:]
        click.echo(f"     faces shown: {unsaid if maybe else people_text(r.people_shown, names)}"
                   f"; covered: {covered_text(r.people_covered, r.faces_covered, names)}")
        click.echo(f"     names readable: {unsaid if maybe else people_text(r.names_shown, names)}"
                   f"; covered: {people_text(r.names_covered, names)}")
        click.echo(f"     approved by: {r.approver or '-'}; posted: {posts}")
        for text, refs in r.captions_on():
            click.echo(f"     caption: {printable(text) or '(not recorded)'}"
                       + (f" (refers to {people_text(list(refs), names)})" if refs else ""))


@click.group("takedown", invoke_without_command=True)
@click.option("--person", default=None, help="Only items that involve this person.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, readable=False), default=None,
              help="Also write the list as a CSV file.")
@click.option("--html", "html_path", type=click.Path(path_type=Path, readable=False), default=None,
              help="Also write the list as a printable page (A4, with pictures).")
@click.option("--all", "include_done", is_flag=True,
              help="Include items already taken down, and those no longer needed (consent "
                   "given again).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per item per line.")
@click.pass_context
def takedown_group(ctx: click.Context, person: str | None, csv_path: Path | None,
                   html_path: Path | None, include_done: bool, as_json: bool) -> None:
    """Photos to take down: posted (or exported) files that show someone, by face or by a
    readable name, on a channel where their consent is now missing (withdrawn, do not
    photograph, left, register row rejected). 'photovet takedown done ITEM...' records that
    items were taken down."""
    if ctx.invoked_subcommand is not None:
        return
    from photovet.core.errors import ExportError
    from photovet.core.records import takedown

    ws = open_workspace()
    try:
        person = register_id(ws.register, person)
        items = ws.takedown(person=person, include_done=include_done)
        for path, write in ((csv_path, takedown.write_csv), (html_path, takedown.write_html)):
            if path:
                try:
                    write(items, path)
                except ExportError as exc:  # named as the user typed it
                    fail_line(path, exc.message)
                    sys.exit(EXIT_SOME_FAILED)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if as_json:
        for it in items:
            emit_json(it.to_dict())
        return
    if not items:
        click.echo("Nothing to take down.")
    for it in items:
        click.echo(f"[{it.id}] {it.action}" + (f"  ({it.done_text})" if it.closed else
                                               f"  (DONE {day_text(it.done_at)})" if it.done
                                               else ""))
        click.echo(f"     {it.copy_text}" if it.copy_on_disk
                   else f"     {it.output_path} (no longer on this PC)")
        for p in it.people:
            who = f"{it.names[p]} ({p})" if it.names.get(p) else p
            click.echo(f"     {who}: {it.reasons.get(p, '')}")
    for what, path in (("CSV", csv_path), ("Printable page", html_path)):
        if path:
            click.echo(f"{what} written: {path}")


@takedown_group.command("done")
@click.argument("items", nargs=-1, required=True, type=int)
@click.option("--note", default="", help="What was done, e.g. 'removed from the Facebook page'.")
@click.option("--delete-copy", "delete_copy", is_flag=True,
              help="Also delete the exported copy of each item from this PC (the file in the "
                   "export folder), so it is not posted again. Only the file exactly as "
                   "exported is deleted (overwritten, then removed; never through a shortcut); "
                   "each deletion is audited.")
def takedown_done_cmd(items: tuple[int, ...], note: str, delete_copy: bool) -> None:
    """Record that take-down items ITEMS were taken down (audited). Each item is the number
    shown in brackets by 'photovet takedown' (the No. in the app's take-down list), e.g.
    'photovet takedown done 3 5'."""
    from photovet.core.records import takedown

    ws = open_workspace()
    copies: list = []
    try:
        done = takedown.mark_done(ws.records, items, note)
        if delete_copy:
            copies = takedown.delete_copies(ws.records, done)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo(f"Marked {words.count(len(done), 'item')} as taken down: {', '.join(map(str, done))}.")
    for c in copies:
        if c.deleted:
            click.echo(f"Deleted the exported copy {c.path}")
        else:
            fail_line(c.path, f"not deleted: {c.message}")
    if any(not c.deleted and "no longer on this PC" not in c.message for c in copies):
        sys.exit(EXIT_SOME_FAILED)


def sar_name_not_id(text: str, fits: list[str]) -> str:
    """What ``photovet sar`` says when what was typed as the register id is no one's id but
    fits people in the register by name (``fits``: "name, id, year" each): a report for it
    would say PhotoVet holds nothing about "the register id Tori Ashby" (walk s33). The
    command's own words: the app asks whose report it is instead."""
    from photovet.core.words import count

    shown = "; ".join(fits[:5]) + (f"; and {len(fits) - 5} more" if len(fits) > 5 else "")
    who = count(len(fits), "person", "people")
    return (f"\u201c{text}\u201d is no one's register id, but it fits {who} in the register: "
            f"{shown}. Give their register id (the first column of "
            "'photovet register list'). If it is the id of someone whose records were deleted, "
            "add --not-in-register.")


@click.command("sar")
@click.argument("person_id", metavar="ID")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path, readable=False),
              help="The HTML file to write (one self-contained file), e.g. sar-ID.html. A file "
                   "of that name is never replaced unless you add --overwrite.")
@click.option("--overwrite", is_flag=True,
              help="Replace the file given with --out if it already exists (for example an "
                   "earlier report for the same person).")
@click.option("--not-in-register", is_flag=True,
              help="ID is the register id of someone whose records were deleted: make the "
                   "report (it says PhotoVet holds nothing about them) even though ID also "
                   "fits someone in the register by name.")
def sar_cmd(person_id: str, out_path: Path, overwrite: bool, not_in_register: bool) -> None:
    """Subject access report: every export and post where the person appears (face shown or
    covered, name readable or covered), with pictures as exported; photos and videos held but
    never published; faces PhotoVet recognised as them that staff named as another person;
    their face signatures and their consent history, as one HTML file that opens offline and
    prints.

    ID is the person's id in the register: the first column of 'photovet register list' (for a
    pupil usually their UPN), any case. A name is never taken as an id: what is no one's id but
    fits someone by name is refused, with their ids."""
    from photovet.core.errors import ExportError, OutputExistsError
    from photovet.core.records.sar import exports_listing
    from photovet.core.words import SAR_NOTHING_HELD_NEXT, person_who, sar_nothing_held

    ws = open_workspace()
    try:
        if ws.register.find(person_id) is None and not not_in_register and \
                (fits := ws.register.search(person_id)):
            fail_line(None, sar_name_not_id(person_id, [person_who(p) for p in fits]))
            sys.exit(EXIT_SOME_FAILED)
        path = ws.subject_access_report(person_id, out_path, overwrite=overwrite)
        pid = register_id(ws.register, person_id) or person_id
        nothing = ws.sar_nothing_held(pid)
        # the report's own count: with the copies named after them in their file name
        n = len(exports_listing(ws.records, ws.register, pid).records)
        # a face shown as someone else that may be theirs (a twin): the report's own count
        maybe = len(ws.records.exports_may_show_only(pid))
    except ExportError as exc:  # the file given with --out: named as the user typed it
        fail_line(out_path, exc.message)
        if isinstance(exc, OutputExistsError):
            click.echo("Choose another file name, or add --overwrite to replace it.", err=True)
        elif exc.hint:
            click.echo(exc.hint, err=True)
        sys.exit(EXIT_SOME_FAILED)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if nothing:
        click.echo(sar_nothing_held(person_id))
        click.echo(f"Report written: {path}. {SAR_NOTHING_HELD_NEXT}")
        return
    click.echo(f"Report written: {path} ({words.count(n, 'export')}"
               + (f"; {maybe} more that may show them" if maybe else "") + ")")


@click.command("identify")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--max-distance", type=click.IntRange(0, 32), default=None,
              help="How different (bits of 64) a copy may be; default 10.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line.")
def identify_cmd(files: tuple[Path, ...], max_distance: int | None, as_json: bool) -> None:
    """Which export is this? Give a photo or a video downloaded back from a website or social
    network (resized, recompressed, a little cropped), or a still taken from a video: PhotoVet
    finds its export record and lists who is in it."""
    from photovet.core.media.phash import DEFAULT_MAX_DISTANCE

    failed = 0
    ws = open_workspace()
    try:
        for f in files:
            if f.is_dir():      # files only, each named: said so, with an example (s65)
                failed += 1
                fail_line(f, _identify_folder_said(f))
                continue
            try:
                hits = ws.records.identify(f, max_distance=max_distance if max_distance is not None
                                           else DEFAULT_MAX_DISTANCE, register=ws.register)
            except PhotoVetError as exc:
                failed += 1
                fail_line(f, exc.message)
                continue
            if not hits:
                failed += 1
                fail_line(f, "no export record matches this photo")
                if as_json:
                    emit_json({"file": str(f), "hits": []})
                continue
            if as_json:
                emit_json({"file": str(f), "hits": [h.to_dict() for h in hits]})
                continue
            for h in hits:
                r = h.record
                posts = "; ".join(f"{p.channel} {day_text(p.posted_on)}"
                                  + (f" {p.url}" if p.url else "") for p in r.posts) \
                    or "not marked as posted"
                click.echo(f"{printable(f)}: export #{r.id} ({h.confidence}, distance {h.distance}): "
                           f"{Path(r.output_path).name}, {r.channel}, batch '{r.batch}', "
                           f"{day_text(r.created_at)}")
                click.echo(f"     faces shown: {people_text(r.people_shown, h.names)}")
                click.echo(f"     faces covered: "
                           f"{covered_text(r.people_covered, r.faces_covered, h.names)}")
                if r.names_shown:
                    click.echo(f"     names readable: {people_text(r.names_shown, h.names)}")
                if r.names_covered:
                    click.echo(f"     names covered: {people_text(r.names_covered, h.names)}")
                for pid, m in r.people_maybe.items():
                    # a twin near a face staff confirmed as the other twin: their consent is
                    # checked for it as for their own photos, so the office is told here too
                    shown = f"as {people_text([m.named_as], h.names)}" if m.named_as else \
                        "without a name"
                    why = "PhotoVet recognised them" if m.how == "recognised" else \
                        "PhotoVet could not tell them apart"
                    click.echo(f"     a face shown {shown} may be "
                               f"{people_text([pid], h.names)} ({why})")
                click.echo(f"     posted: {posts}")
    finally:
        ws.close()
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@click.command("purge")
@click.argument("batch")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; change nothing.")
@click.option("--permanent", is_flag=True,
              help="Overwrite, then delete (not to the trash). Flash storage may keep copies.")
@click.option("--once-exported", is_flag=True,
              help="Accept a verified export that is not marked posted yet.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def purge_cmd(batch: str, dry_run: bool, permanent: bool, once_exported: bool,
              as_json: bool) -> None:
    """Delete a batch's ORIGINAL photos once each has a verified export that was posted (a copy
    of a photo under another name, exported once with it, too). An original that changed since
    export, or has no verified posted export, is kept. Originals go to the trash unless
    --permanent. An iPhone Live Photo clip beside a deleted photo (left out of the batch, never
    checked) is not deleted, and is named."""
    from photovet.core.transfer import purge_batch

    ws = open_workspace()
    try:
        report = purge_batch(ws.records, batch, dry_run=dry_run, permanent=permanent,
                             allow_exported=once_exported,
                             settings=ws.settings, approvals=ws.approvals)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if as_json:
        emit_json(report.to_dict())
    else:
        for it in report.items:
            if it.ok:
                click.echo(f"{it.status}: {printable(it.source)} ({it.reason})")
            else:   # "error: PATH: could not be ...", never "error: PATH: error: ..." (s65)
                fail_line(it.source, it.reason if it.status == "error" else
                          f"{it.status}: {it.reason}")
        c = report.to_dict()["counts"]
        verb = "would be deleted" if dry_run else "deleted"
        # the note says where the deleted originals went: with none deleted, nothing to say
        click.echo(f"{words.count(c['would-delete'] if dry_run else c['deleted'], 'original')} {verb}, "
                   f"{c['refused'] + c['error']} kept, {c['already-deleted']} already deleted."
                   + (f" {report.note}" if report.note and c["deleted"] else ""))
        if report.live_clips_left:
            click.echo(printable(words.live_clips_left(report.live_clips_left, dry_run)))
    sys.exit(EXIT_OK if report.ok else EXIT_SOME_FAILED)


@click.command("import-device")
@click.argument("src", type=click.Path(path_type=Path, readable=False))
@click.option("--into", "dest", required=True, type=click.Path(path_type=Path, readable=False),
              help="The folder on this PC to copy the photos into.")
@click.option("--clear", is_flag=True,
              help="Remove each photo from the device once its copy is verified (to the trash).")
@click.option("--permanent", is_flag=True,
              help="With --clear: delete for good instead of moving to the trash (for devices "
                   "without a trash).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per photo per line.")
def import_device_cmd(src: Path, dest: Path, clear: bool, permanent: bool,
                      as_json: bool) -> None:
    """Copy photos and videos from a camera, card or phone folder into a folder on this PC,
    checking every copy; with --clear, each file is removed from the device only after its
    copy was verified and only if the copy is really a different file."""
    from photovet.core.transfer import TRASH_DEVICE, TRASH_WORDS, import_from_device

    if permanent and not clear:
        raise click.UsageError("--permanent goes with --clear")
    ws = open_workspace()
    failed = copied = cleared = 0
    nothing = ""
    others: tuple[str, ...] = ()    # not photos or videos: left on the device
    places: set[str] = set()     # where the system's Trash keeps what was cleared
    progress: StderrProgress | None = None
    try:
        for step in import_from_device(src, dest, clear=clear, audit=ws.audit, permanent=permanent):
            if step.result is None:
                if not step.total:
                    nothing = step.message
                    continue
                progress = StderrProgress(step.total, "Importing")
                others = step.others
                continue
            res = step.result
            if progress:
                progress.close()
            if as_json:
                emit_json(res.to_dict())
            copied += res.verified          # copied and checked, even if clearing it failed
            if res.ok:
                cleared += res.deleted
                if res.deleted and not permanent:
                    places.add(res.trashed_to or TRASH_DEVICE)
                if not as_json:
                    gone = " (deleted from the device)" if permanent else \
                        f" (moved to {TRASH_WORDS[res.trashed_to or TRASH_DEVICE][0]})"
                    click.echo(f"{printable(res.source)} -> {printable(res.dest)}"
                               + (gone if res.deleted else ""))
            else:
                failed += 1
                fail_line(None, res.error or "failed")
            if progress:
                progress.update(step.done, Path(res.source).name)
    except PhotoVetError as exc:
        if progress:
            progress.close()
        if exc.path is None:
            abort(exc, EXIT_USAGE)
            return
        # the folder in full (the device's or this PC's), as export names its output folder
        fail_line(Path(os.path.abspath(exc.path)), ended(exc.message) if exc.hint else exc.message)
        if exc.hint:
            click.echo(ended(exc.hint), err=True)
        sys.exit(EXIT_USAGE)
    finally:
        ws.close()
    if progress:
        progress.close()
    if nothing and not as_json:
        click.echo(f"{nothing[0].upper()}{nothing[1:]}.")
        sys.exit(EXIT_OK)
    if not as_json:
        how = "deleted from the device" if permanent else "cleared from the device"
        click.echo(f"Copied and verified {words.count(copied, 'file')} into {dest}"
                   + (f"; {cleared} {how}" if clear else "")
                   + "".join(f" (moved to {TRASH_WORDS[p][0]}: {TRASH_WORDS[p][1]})"
                             for p in sorted(places))
                   + (f"; {words.count(failed, 'problem')} (above): what was not copied and checked is "
                      "still on the device" if failed else ""))
        if clear and others:
            click.echo(words.others_left_on_device(others))
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)
