"""Commands about the consent register and the audit log."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from photovet.cli.common import (
    EXIT_SOME_FAILED, EXIT_USAGE, StderrProgress, abort, emit_json, fail_line, open_register, yn_state,
)
from photovet.core.errors import PhotoVetError



@click.group("register")
def register_group() -> None:
    """The consent register: import from the MIS, enrol face photos, list and show people."""


@register_group.command("import")
@click.argument("csv_path", metavar="CSV", type=click.Path(path_type=Path))
@click.option("--mapping", "mapping_path", type=click.Path(path_type=Path), default=None,
              help="A saved column mapping (JSON) for an MIS layout PhotoVet does not recognise.")
@click.option("--dry-run", is_flag=True, help="Show what would change (withdrawals first); change nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows; the rejected people are blurred until the file is fixed.")
@click.option("--user", default=None, help="Who is importing (recorded in the audit log).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def register_import_cmd(csv_path: Path, mapping_path: Path | None, dry_run: bool,
                        skip_invalid: bool, user: str | None, as_json: bool) -> None:
    """Import the register CSV exported from the school's MIS.

    Any row error: nothing is imported and every error is listed (exit 1), unless
    --skip-invalid is given.
    """
    from photovet.core.errors import RegisterImportError

    try:
        with open_register() as reg:
            report = reg.import_csv(csv_path, mapping=mapping_path, dry_run=dry_run,
                                    skip_invalid=skip_invalid, user=user)
    except RegisterImportError as exc:
        if as_json:
            emit_json({"file": str(csv_path), "applied": False, "error": str(exc),
                       "errors": [p.to_dict() if hasattr(p, "to_dict") else str(p)
                                  for p in exc.problems]})
        fail_line(None, str(exc))
        for p in exc.problems:
            click.echo(f"  {p}", err=True)
        if exc.hint:
            click.echo(exc.hint, err=True)
        sys.exit(EXIT_SOME_FAILED)
    except PhotoVetError as exc:
        abort(exc)
    if as_json:
        emit_json(report.to_dict())
    else:
        for line in report.summary_lines(max_items=None if dry_run else 50):
            click.echo(line)
    if report.errors:
        sys.exit(EXIT_SOME_FAILED)


@register_group.command("enrol")
@click.option("--folder", type=click.Path(path_type=Path), default=None,
              help="A folder of <UPN>.jpg portraits (as MIS photo exports look).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None,
              help="A CSV of UPN -> photo path (paths relative to the CSV).")
@click.option("--user", default=None, help="Who is enrolling (recorded in the audit log).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def register_enrol_cmd(folder: Path | None, csv_path: Path | None, user: str | None,
                       as_json: bool) -> None:
    """Enrol reference photos (one face each). Stores face encodings, never the photos.
    Re-enrolling a person replaces their earlier encodings."""
    if bool(folder) == bool(csv_path):
        click.echo("error: give exactly one of --folder DIR or --csv FILE", err=True)
        sys.exit(EXIT_USAGE)
    from photovet.core.vision.faces import FaceEngine
    from photovet.core.settings import Settings

    try:
        engine = FaceEngine.load(Settings.load())
        with open_register() as reg:
            bar = StderrProgress(0, "Enrolling")

            def progress(done: int, total: int, name: str) -> None:
                bar.total, bar.enabled = total, sys.stderr.isatty() and total > 0
                bar.update(done, name)

            if folder:
                report = reg.enrol_folder(folder, engine, user=user, progress=progress)
            else:
                report = reg.enrol_csv(csv_path, engine, user=user, progress=progress)
            bar.close()
    except PhotoVetError as exc:
        abort(exc)
    if as_json:
        emit_json(report.to_dict())
    else:
        n = len(report.enrolled)
        click.echo(f"Enrolled {n} {'person' if n == 1 else 'people'} from "
                   f"{sum(report.enrolled.values())} of {report.photos} photos "
                   f"in {report.seconds:.1f} s")
    for e in report.errors:
        fail_line(e.path or None, e.message)
    if report.errors:
        sys.exit(EXIT_SOME_FAILED)


def _person_status(p, today) -> str:
    if not p.valid:
        return "REJECTED ROW (blurred)"
    if p.do_not_photograph:
        return "DO NOT PHOTOGRAPH"
    if p.has_left(today):
        return f"left {p.leaving_date.isoformat()}"
    return "current"


@register_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per person per line.")
def register_list_cmd(as_json: bool) -> None:
    """Everyone in the register, with consent per channel."""
    import datetime as _dt

    today = _dt.date.today()
    try:
        with open_register() as reg:
            people, channels = reg.people(), reg.channels()
    except PhotoVetError as exc:
        abort(exc)
    if as_json:
        for p in people:
            emit_json(dict(p.to_dict(), status=_person_status(p, today)))
        return
    if not people:
        click.echo("The register is empty: import it with  photovet register import FILE.csv")
        return
    short = {"website": "Web", "facebook": "FB", "x": "X", "instagram": "Insta",
             "newsletter": "News", "press": "Press"}
    heads = [short.get(c, c[:6]) for c in channels]
    click.echo(f"{'ID':<14} {'Name':<26} {'Year':<8} " + " ".join(f"{h:<5}" for h in heads)
               + "  Name  Faces Status")
    for p in people:
        year = "Staff" if p.role == "staff" else p.year_group
        cons = " ".join(f"{('Y' if p.consents.get(c) else '-'):<5}" for c in channels)
        click.echo(f"{p.id:<14} {p.display_name[:26]:<26} {year[:8]:<8} {cons}  "
                   f"{'Y' if p.name_with_photo else '-':<5} {'yes' if p.enrolled else 'no':<5} "
                   f"{_person_status(p, today)}")
    click.echo(f"{len(people)} people, {sum(p.enrolled for p in people)} enrolled, "
               f"{sum(not p.valid for p in people)} rejected rows")


@register_group.command("show")
@click.argument("person_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
def register_show_cmd(person_id: str, as_json: bool) -> None:
    """One person: consent per channel, history of changes, enrolment."""
    import datetime as _dt

    from photovet.core.models import channel_label

    try:
        with open_register() as reg:
            p = reg.person(person_id)
            states = reg.consent_states(p.id)
            history = reg.history(p.id)
            count = reg.enrolment_count(p.id)
            reason = reg.invalid_reason(p.id)
            channels = reg.channels()
    except PhotoVetError as exc:
        abort(exc)
    today = _dt.date.today()
    if as_json:
        emit_json(dict(p.to_dict(), status=_person_status(p, today), invalid_reason=reason,
                       consent_states=states, enrolment_count=count,
                       history=[h.to_dict() for h in history]))
        return
    click.echo(f"{p.display_name} ({p.id})")
    role = "Staff" if p.role == "staff" else f"Pupil, {p.year_group or 'no year'}" + \
        (f", {p.reg_group}" if p.reg_group else "")
    click.echo(f"  {role}; status: {_person_status(p, today)}")
    if reason:
        click.echo(f"  Why blurred: {reason}")
    if p.leaving_date:
        click.echo(f"  Leaving date: {p.leaving_date.isoformat()}")
    click.echo(f"  Face photos enrolled: {count}")
    click.echo("  Consent:")
    for c in channels:
        click.echo(f"    {channel_label(c):<18} {yn_state(states.get(c))}")
    click.echo(f"    {'Name with photo':<18} {yn_state(states.get('name_with_photo'))}")
    click.echo(f"    {'Do not photograph':<18} {yn_state(states.get('do_not_photograph'))}")
    click.echo(f"  History ({len(history)}):")
    for h in history:
        click.echo(f"    {h.when}  {h.channel}: {yn_state(h.old_state)} -> "
                   f"{yn_state(h.new_state)}  ({h.source})")


@register_group.command("channels")
@click.option("--add", "add_name", default=None, help="Add a school's own channel, e.g. prospectus.")
@click.option("--label", default=None, help="Its label, e.g. 'School prospectus'.")
def register_channels_cmd(add_name: str | None, label: str | None) -> None:
    """The channels consent is recorded for (the six built in, plus the school's own)."""
    try:
        with open_register() as reg:
            if add_name:
                key = reg.add_channel(add_name, label)
                click.echo(f"Added channel '{key}'. Nobody has consent for it until a register "
                           "import or an edit says so.")
            for name, lab in reg.channel_labels().items():
                click.echo(f"{name:<14} {lab}")
    except PhotoVetError as exc:
        abort(exc)


@click.group("audit")
def audit_group() -> None:
    """The audit log: every import, enrolment, override, approval, export and deletion."""


@audit_group.command("verify")
def audit_verify_cmd() -> None:
    """Check the audit log's hash chain; report the first row altered or removed."""
    try:
        with open_register() as reg:
            v = reg.audit.verify()
    except PhotoVetError as exc:
        abort(exc)
    if v.ok:
        click.echo(v.message)
        return
    click.echo(f"error: {v.message}", err=True)
    sys.exit(EXIT_SOME_FAILED)


@audit_group.command("show")
@click.option("--limit", type=int, default=50, show_default=True, help="The most recent N rows.")
@click.option("--action", default=None, help="Only rows with this action.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row per line.")
def audit_show_cmd(limit: int, action: str | None, as_json: bool) -> None:
    """The most recent audit rows, oldest first."""
    try:
        with open_register() as reg:
            rows = reg.audit.rows(limit=limit if limit and limit > 0 else None, action=action)
    except PhotoVetError as exc:
        abort(exc)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            details = json.dumps(r["details"], ensure_ascii=False, sort_keys=True)
            if len(details) > 160:
                details = details[:157] + "..."
            click.echo(f"{r['id']:>5} {r['time'][:19]} {r['user']:<12} {r['action']:<28} {details}")


