"""After posting: export records, posts, take-down lists, subject access reports,
identifying a downloaded copy, deleting originals, and importing from a device."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from photovet.cli.common import (
    EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, StderrProgress, abort, emit_json, fail_line, known_channel, names_for, open_records, parse_day, people_text, register_id,
)
from photovet.core.errors import PhotoVetError



@click.command("posted")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--batch", default=None, help="Mark every export of this batch (its label).")
@click.option("--channel", required=True, help="Where it was posted: website, facebook, x, ...")
@click.option("--date", "day", default=None, help="When (YYYY-MM-DD or DD/MM/YYYY); default today.")
@click.option("--url", default=None, help="The post's address, if it has one.")
@click.option("--user", default=None, help="Who posted (recorded in the audit log).")
def posted_cmd(files: tuple[Path, ...], batch: str | None, channel: str, day: str | None,
               url: str | None, user: str | None) -> None:
    """Record that exported photos were posted: a whole batch (--batch LABEL) or FILES (found by
    their content, so renamed copies work, or by their export path)."""
    if not batch and not files:
        raise click.UsageError("say what was posted: --batch LABEL or one or more FILES")
    date = parse_day(day)
    from photovet.core.records.store import RecordsError

    reg, rec = open_records()
    with reg:
        known_channel(reg, channel)
        problems: list = []
        try:
            n = rec.mark_posted(batch=batch, files=list(files) or None, channel=channel, date=date,
                                url=url, user=user, problems=problems)
        except RecordsError as exc:
            abort(exc)
        for f, why in problems:
            fail_line(f, why)
        click.echo(f"Marked {n} export(s) as posted on {channel}"
                   + (f" ({url})" if url else "") + (f"; {len(problems)} file(s) not found"
                                                       if problems else ""))
    sys.exit(EXIT_SOME_FAILED if problems else EXIT_OK)



@click.command("exports")
@click.option("--person", default=None, help="Only exports where this person appears (shown, "
              "blurred or named).")
@click.option("--batch", default=None, help="Only this batch.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per export per line.")
def exports_cmd(person: str | None, batch: str | None, as_json: bool) -> None:
    """List the export records: what was exported, for which channel, who is in it, and where
    it was posted."""
    reg, rec = open_records()
    with reg:
        person = register_id(reg, person)
        recs = rec.exports(person=person, batch=batch)
        if as_json:
            for r in recs:
                emit_json(r.to_dict())
            return
        if not recs:
            click.echo("No exports recorded" + (f" for {person}" if person else "") + ".")
            return
        names = names_for(reg, {p for r in recs for p in r.people})
        for r in recs:
            posts = "; ".join(f"{p.channel} {p.posted_on}" + (f" {p.url}" if p.url else "")
                              for p in r.posts) or "not posted"
            click.echo(f"#{r.id}  {r.created_at[:10]}  {r.channel}  batch '{r.batch}'  "
                       f"{Path(r.output_path).name}")
            click.echo(f"     shown: {people_text(r.people_shown, names)}; blurred: "
                       f"{people_text(r.people_blurred, names)}; names covered: "
                       f"{people_text(r.names_covered, names)}")
            click.echo(f"     posted: {posts}")


@click.group("takedown", invoke_without_command=True)
@click.option("--person", default=None, help="Only items that involve this person.")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None,
              help="Also write the list as a CSV file.")
@click.option("--html", "html_path", type=click.Path(path_type=Path), default=None,
              help="Also write the list as a printable HTML page.")
@click.option("--all", "include_done", is_flag=True, help="Include items already taken down.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per item per line.")
@click.pass_context
def takedown_group(ctx: click.Context, person: str | None, csv_path: Path | None,
                   html_path: Path | None, include_done: bool, as_json: bool) -> None:
    """Photos to take down: posted (or exported) files that show someone unblurred on a channel
    where their consent is now missing (withdrawn, do not photograph, left, register row
    rejected). 'photovet takedown done ITEM' records that one was taken down."""
    if ctx.invoked_subcommand is not None:
        return
    reg, rec = open_records()
    with reg:
        person = register_id(reg, person)
        items = rec.takedown(person=person, register=reg, include_done=include_done)
        if csv_path:
            rec.takedown_csv(items, csv_path)
        if html_path:
            rec.takedown_html(items, html_path)
        if as_json:
            for it in items:
                emit_json(it.to_dict())
        else:
            if not items:
                click.echo("Nothing to take down.")
            for it in items:
                click.echo(f"[{it.id}] {it.action}{'  (DONE ' + it.done_at + ')' if it.done else ''}")
                click.echo(f"     {it.output_path}")
                for p in it.people:
                    who = f"{it.names[p]} ({p})" if it.names.get(p) else p
                    click.echo(f"     {who}: {it.reasons.get(p, '')}")
            for what, path in (("CSV", csv_path), ("HTML", html_path)):
                if path:
                    click.echo(f"{what} written: {path}")


@takedown_group.command("done")
@click.argument("item", type=int)
@click.option("--note", default="", help="What was done, e.g. 'removed from the Facebook page'.")
@click.option("--user", default=None, help="Who took it down (recorded in the audit log).")
def takedown_done_cmd(item: int, note: str, user: str | None) -> None:
    """Record that take-down item ITEM was taken down (audited)."""
    import getpass

    reg, rec = open_records()
    with reg:
        try:
            it = rec.mark_taken_down(item, user or getpass.getuser(), note)
        except PhotoVetError as exc:
            abort(exc)
        click.echo(f"Item {item} marked as taken down ({Path(it.output_path).name} on "
                   f"{it.channel}).")


@click.command("sar")
@click.argument("person_id", metavar="ID")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path),
              help="The HTML file to write (one self-contained file).")
@click.option("--user", default=None, help="Who made the report (recorded in the audit log).")
def sar_cmd(person_id: str, out_path: Path, user: str | None) -> None:
    """Subject access report: every export and post where the person appears (shown, blurred or
    named), with pictures as exported, and their consent history, as one HTML file that opens
    offline and prints."""
    from photovet.core.records.sar import subject_access_report

    reg, rec = open_records()
    with reg:
        try:
            path = subject_access_report(reg, rec, person_id, out_path, user=user)
        except PhotoVetError as exc:
            abort(exc)
        n = len(rec.exports(person=person_id))
        click.echo(f"Report written: {path} ({n} export(s))")


@click.command("identify")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--max-distance", type=click.IntRange(0, 32), default=None,
              help="How different (bits of 64) a copy may be; default 10.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line.")
def identify_cmd(files: tuple[Path, ...], max_distance: int | None, as_json: bool) -> None:
    """Which export is this? Give a photo downloaded back from a website or social network
    (resized, recompressed, a little cropped): PhotoVet finds its export record and lists who
    is in it."""
    from photovet.core.media.phash import DEFAULT_MAX_DISTANCE

    failed = 0
    reg, rec = open_records()
    with reg:
        for f in files:
            try:
                hits = rec.identify(f, max_distance=max_distance if max_distance is not None
                                    else DEFAULT_MAX_DISTANCE, register=reg)
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
                posts = "; ".join(f"{p.channel} {p.posted_on}" + (f" {p.url}" if p.url else "")
                                  for p in r.posts) or "not marked as posted"
                click.echo(f"{f}: export #{r.id} ({h.confidence}, distance {h.distance}): "
                           f"{Path(r.output_path).name}, {r.channel}, batch '{r.batch}', "
                           f"{r.created_at[:10]}")
                click.echo(f"     shown: {people_text(r.people_shown, h.names)}")
                click.echo(f"     blurred: {people_text(r.people_blurred, h.names)}")
                if r.names_covered:
                    click.echo(f"     names covered: {people_text(r.names_covered, h.names)}")
                click.echo(f"     posted: {posts}")
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@click.command("purge")
@click.argument("batch")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; change nothing.")
@click.option("--permanent", is_flag=True,
              help="Overwrite, then delete (not to the trash). Flash storage may keep copies.")
@click.option("--once-exported", is_flag=True,
              help="Accept a verified export that is not marked posted yet.")
@click.option("--user", default=None, help="Who is deleting (recorded in the audit log).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def purge_cmd(batch: str, dry_run: bool, permanent: bool, once_exported: bool, user: str | None,
              as_json: bool) -> None:
    """Delete a batch's ORIGINAL photos once each has a verified export that was posted. An
    original that changed since export, or has no verified posted export, is kept. Originals go
    to the trash unless --permanent."""
    from photovet.core.transfer import purge_batch

    reg, rec = open_records()
    with reg:
        try:
            report = purge_batch(rec, batch, dry_run=dry_run, permanent=permanent,
                                 allow_exported=once_exported, user=user)
        except PhotoVetError as exc:
            abort(exc)
    if as_json:
        emit_json(report.to_dict())
    else:
        for it in report.items:
            if it.ok:
                click.echo(f"{it.status}: {it.source} ({it.reason})")
            else:
                fail_line(it.source, f"{it.status}: {it.reason}")
        c = report.to_dict()["counts"]
        verb = "would be deleted" if dry_run else "deleted"
        click.echo(f"{c['would-delete'] if dry_run else c['deleted']} original(s) {verb}, "
                   f"{c['refused'] + c['error']} kept, {c['already-deleted']} already deleted."
                   + (f" {report.note}" if report.note else ""))
    sys.exit(EXIT_OK if report.ok else EXIT_SOME_FAILED)


@click.command("import-device")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("--into", "dest", required=True, type=click.Path(path_type=Path),
              help="The folder on this PC to copy the photos into.")
@click.option("--clear", is_flag=True,
              help="Delete each photo from the device once its copy is verified.")
@click.option("--user", default=None, help="Who is importing (recorded in the audit log).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per photo per line.")
def import_device_cmd(src: Path, dest: Path, clear: bool, user: str | None, as_json: bool) -> None:
    """Copy photos from a camera, card or phone folder into a folder on this PC, checking every
    copy; with --clear, each photo is deleted from the device only after its copy was verified."""
    from photovet.core.audit import AuditLog
    from photovet.core.storage import open_db
    from photovet.core.transfer import import_from_device

    audit = AuditLog(open_db())
    failed = copied = cleared = 0
    progress: StderrProgress | None = None
    try:
        for step in import_from_device(src, dest, clear=clear, audit=audit, user=user):
            if step.result is None:
                progress = StderrProgress(step.total, "Importing")
                continue
            res = step.result
            if progress:
                progress.close()
            if as_json:
                emit_json(res.to_dict())
            if res.ok:
                copied += 1
                cleared += res.deleted
                if not as_json:
                    click.echo(f"{res.source} -> {res.dest}"
                               + (" (deleted from the device)" if res.deleted else ""))
            else:
                failed += 1
                fail_line(None, res.error or "failed")
            if progress:
                progress.update(step.done, Path(res.source).name)
    except PhotoVetError as exc:
        if progress:
            progress.close()
        abort(exc, EXIT_USAGE)
    if progress:
        progress.close()
    if not as_json:
        click.echo(f"Copied and verified {copied} photo(s) into {dest}"
                   + (f"; {cleared} deleted from the device" if clear else "")
                   + (f"; {failed} failed and were kept on the device" if failed else ""))
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)

