"""Commands about the school's own rules beyond consent (issue 18): approved devices and the
retention schedule."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from photovet.cli.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    abort,
    day_text,
    emit_json,
    fail_line,
    open_workspace,
    printable,
)
from photovet.core import words
from photovet.core.errors import PhotoVetError


@click.group("devices", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per device per line.")
@click.pass_context
def devices_group(ctx: click.Context, as_json: bool) -> None:
    """The school's approved cameras and phones. Photos taken with any other device are flagged
    in review and the device is written in the export record (they are not blocked: the school
    decides). With no command, lists them; adding and removing one needs the admin role."""
    if ctx.invoked_subcommand is not None:
        return
    ws = open_workspace()
    try:
        devices = ws.devices.all()
    finally:
        ws.close()
    if as_json:
        for d in devices:
            emit_json(d.to_dict())
        return
    if not devices:
        click.echo("No approved devices are listed: photos are not checked for the device that "
                   "took them. Add one with: photovet devices add PHOTO")
    for d in devices:
        label = f" \u2013 {d.label}" if d.label else ""
        note = "" if d.device.serial else "  (its photos carry no serial number: any of this " \
                                          "model that writes none counts as this device)"
        click.echo(f"{d.id:>3}  {printable(d.device.label)}{printable(label)}  added "
                   f"{day_text(d.added_at)} by {d.added_by or '-'}{note}")


@devices_group.command("add")
@click.argument("photos", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--label", default="", help="A name for the device, e.g. 'Office camera'.")
def devices_add_cmd(photos: tuple[Path, ...], label: str) -> None:
    """Approve the device each PHOTO was taken with (its make, model and serial number, read
    from the photo's metadata; the photo itself is not kept)."""
    ws = open_workspace()
    failed = 0
    try:
        for path in photos:
            try:
                d = ws.devices.add_from_photo(path, label=label)
                click.echo(f"{printable(path)}: added device {d.id}: {printable(d.device.label)}")
            except PhotoVetError as exc:
                failed += 1
                fail_line(path, exc.message + (f" ({exc.hint})" if exc.hint else ""))
    finally:
        ws.close()
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@devices_group.command("remove")
@click.argument("device_id", type=int)
def devices_remove_cmd(device_id: int) -> None:
    """Take a device off the school's list (by its number in 'photovet devices')."""
    ws = open_workspace()
    try:
        d = ws.devices.remove(device_id)
    except PhotoVetError as exc:
        abort(exc)
        return
    finally:
        ws.close()
    click.echo(f"Removed device {d.id}: {printable(d.device.label)} (recorded in the audit log)")


@click.command("retention")
@click.option("--apply", "apply_", is_flag=True,
              help="Delete what is due (files to the system's trash; audited). Without it, "
                   "only lists.")
@click.option("--permanent", is_flag=True,
              help="With --apply: overwrite files and delete them for good instead of the trash.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def retention_cmd(apply_: bool, permanent: bool, as_json: bool) -> None:
    """What the school's retention schedule says is due for deletion today: originals never
    exported, export copies, leavers in the export records, the analysis cache, leavers'
    register rows and face signatures (periods: 'photovet settings', retention.*). Anything
    still needed (a photo of a leaver not yet taken down, a file changed since) is kept and
    the reason given. With --apply (an admin), deletes what is due, with the same safety as
    purge. An iPhone Live Photo clip beside a deleted original, which PhotoVet did not copy,
    is named and left: PhotoVet never checked it."""
    from photovet.core.retention import KIND_LABELS, RetentionReport

    if permanent and not apply_:
        raise click.BadParameter("--permanent goes with --apply", param_hint="--permanent")
    ws = open_workspace()
    try:
        sched = ws.retention()
        if apply_:
            report = sched.apply(permanent=permanent)
            clips = report.live_clips_left
        else:
            report = RetentionReport(sched.today(), applied=False, permanent=False,
                                     items=sched.due())
            clips = sched.live_clips_beside_due(report.items)
    except PhotoVetError as exc:
        abort(exc)
        return
    finally:
        ws.close()
    if as_json:
        # listed, the clips that will stay; applied, those that stayed
        emit_json({**report.to_dict(), "live_clips_left": clips})
        sys.exit(EXIT_OK if report.ok else EXIT_SOME_FAILED)
    if not report.items:
        click.echo("Nothing is due for deletion today.")
        sys.exit(EXIT_OK)
    for kind, label in KIND_LABELS.items():
        group = [i for i in report.items if i.kind == kind]
        if not group:
            continue
        click.echo(f"{label}:")
        for i in group:
            due = f"due {i.due_on.strftime('%d/%m/%Y')}"
            if apply_:
                state = {"deleted": "DELETED", "kept": "KEPT", "error": "NOT DELETED"}.get(
                    i.status, i.status.upper())
                click.echo(f"  {state}: {printable(i.what)} ({due}) - {i.reason}")
                if i.status == "error":
                    fail_line(i.path or None, i.reason)
            elif i.held:
                click.echo(f"  kept: {printable(i.what)} ({due}) - {i.held}")
            else:
                click.echo(f"  due: {printable(i.what)} ({due})")
    if clips:
        click.echo(printable(words.live_clips_left(clips, dry_run=not apply_)))
    if apply_:
        click.echo(f"Deleted {report.count('deleted')}, kept {report.count('kept')}, "
                   f"failed {report.count('error')}."
                   + ("" if permanent else " Deleted files are in the system's trash."))
    else:
        click.echo("Nothing was deleted. Run 'photovet retention --apply' to delete what is due.")
    sys.exit(EXIT_OK if report.ok else EXIT_SOME_FAILED)
