"""The ``photovet`` command. Thin: parses arguments, calls photovet.core, prints.

With no command it opens the desktop app. Exit codes: 0 every file succeeded, 1 some file
failed (each failure is printed on its own line, the batch goes on), 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Iterable

import click

from photovet import __version__
from photovet.core.errors import PhotoVetError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


# --------------------------------------------------------------------------------------------
# Output helpers shared by every command
# --------------------------------------------------------------------------------------------

def emit_json(obj: Any) -> None:
    """One JSON object per line on stdout."""
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


def fail_line(path: str | Path | None, message: str) -> None:
    """One clear line on stderr naming the file and the cause."""
    name = str(path) if path is not None else ""
    click.echo(f"error: {name}: {message}" if name else f"error: {message}", err=True)


class StderrProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, label: str):
        self.total, self.label = total, label
        self.enabled = sys.stderr.isatty() and total > 0

    def update(self, done: int, name: str = "") -> None:
        if not self.enabled:
            return
        width = 28
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{self.total} {name[:40]:<40}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


def abort(error: PhotoVetError | str, code: int = EXIT_SOME_FAILED) -> None:
    text = error.full() if isinstance(error, PhotoVetError) else str(error)
    click.echo(f"error: {text}", err=True)
    sys.exit(code)


# --------------------------------------------------------------------------------------------
# The group: no command opens the app
# --------------------------------------------------------------------------------------------

def _display_problem() -> str | None:
    """Why a window cannot be shown here, or None when it can."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display is available (DISPLAY and WAYLAND_DISPLAY are not set)"
    return None


def open_app() -> None:
    problem = _display_problem()
    if problem:
        click.echo(
            f"PhotoVet cannot open its window: {problem}. "
            "Run it on a desktop, or use the commands: photovet --help",
            err=True,
        )
        sys.exit(EXIT_SOME_FAILED)
    from photovet.gui.app import run  # noqa: PLC0415  (Qt only when the window is wanted)

    sys.exit(run())


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="photovet")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """PhotoVet checks school photos before they are posted: it blurs children who have no
    consent for the channel, covers pupils' names, and removes location and other hidden
    data. Everything stays on this PC.

    Run with no command to open the app.
    """
    if ctx.invoked_subcommand is None:
        open_app()


@cli.command("app")
def app_cmd() -> None:
    """Open the PhotoVet desktop app (the same as running photovet with no command)."""
    open_app()


# ==== commands: photos (inspect, export, scan) ==============================================

def _cause(text: str, path: Path) -> str:
    """'IMG_1.jpg: the file is empty' -> 'the file is empty' (the CLI prints the full path)."""
    prefix = f"{path.name}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def _report_skipped(skipped: list) -> None:
    for p, why in skipped:
        click.echo(f"skipped: {p}: {why}", err=True)


@cli.command("inspect")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help='One JSON object per file per line: {"path", "error", "metadata"}.')
def inspect_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
    """List what each photo file would leak besides its picture: GPS position, place names,
    dates, camera and serial numbers, owner, comments, names of tagged people, hidden
    previews and motion-photo videos. Folders are searched recursively. Nothing is changed."""
    from photovet.core.media.imaging import collect_photos
    from photovet.core.media.metadata import inspect_file

    files, skipped = collect_photos(paths)
    _report_skipped(skipped)
    if not files:
        fail_line(None, "no photos found in " + ", ".join(str(p) for p in paths))
        sys.exit(EXIT_SOME_FAILED)
    progress = StderrProgress(len(files), "Inspecting")
    failed = 0
    for i, path in enumerate(files, 1):
        report, error = None, None
        try:
            report = inspect_file(path)
        except PhotoVetError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the rest
            error = f"{path.name}: unexpected problem ({type(exc).__name__}: {exc})"
        progress.close()
        if error:
            failed += 1
            fail_line(path, _cause(error, path))
        if as_json:
            emit_json({"path": str(path), "error": error,
                       "metadata": report.to_dict() if report else None})
        elif report is not None:
            head = f"{path}  ({report.format}"
            if report.orientation != 1:
                head += f", orientation {report.orientation}"
            if report.extension_mismatch:
                head += ", wrong file extension"
            click.echo(head + ")")
            if not report.findings:
                click.echo("  nothing found besides the picture")
            for f in report.findings:
                core = f"{f.label}: {f.value}" if f.value else f.label
                click.echo(f"  {core}" + (f"  [{f.source}]" if f.source else ""))
            for w in report.warnings:
                click.echo(f"  warning: {w}")
        progress.update(i, path.name)
    progress.close()
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@cli.command("export")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the safe copies (must exist; not the folder of the originals).")
@click.option("--channel", default="website", show_default=True,
              help="Where the photos will be posted; sets the size and quality "
                   "(website, facebook, x, instagram, newsletter, press, or a school's own).")
@click.option("--label", default=None,
              help="Batch name used for the new file names, e.g. 'Sports day 2026' gives "
                   "sports-day-2026-001.jpg. Default: photos-<today's date>.")
@click.option("--beside-originals", is_flag=True,
              help="Allow writing into the folder that holds the original photos.")
@click.option("--mode", type=click.Choice(["consent", "no-identifiable-children"]), default=None,
              help="consent (default): show people who consented for the channel; "
                   "no-identifiable-children: blur every pupil whatever the consent.")
@click.option("--no-text", is_flag=True,
              help="Do not look for pupils' names written in the photos (faster; names stay visible).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per photo per line on stdout.")
def export_cmd(paths: tuple[Path, ...], out_dir: Path, channel: str, label: str | None,
               beside_originals: bool, mode: str | None, no_text: bool, as_json: bool) -> None:
    """Make safe copies: each photo is checked (faces against the consent register for the
    channel, pupils' names in the picture), then decoded, turned upright, masked where needed,
    resized for the channel and saved as a fresh JPEG with no hidden data (no GPS, camera
    details, names or previews), under a neutral name. Faces that are not recognised as a pupil
    with consent for the channel are masked. Originals are never changed; existing files are
    never overwritten. Every copy is checked by reading it back and recorded.

    Approval by a senior leader happens in the app; a command-line export is recorded with no
    approver."""
    import datetime as _dt
    import getpass

    from photovet.core.errors import ExportError
    from photovet.core.media.export import check_output_folder
    from photovet.core.media.imaging import collect_photos
    from photovet.core.pipeline import analyse_batch, export_batch

    label = label or f"photos-{_dt.date.today().isoformat()}"
    files, skipped = collect_photos(paths)
    _report_skipped(skipped)
    if not files:
        fail_line(None, "no photos found in " + ", ".join(str(p) for p in paths))
        sys.exit(EXIT_SOME_FAILED)
    try:  # an unusable destination is found before minutes of checking, not after
        check_output_folder(out_dir, files, allow_beside_originals=beside_originals)
    except ExportError as exc:
        fail_line(exc.path if exc.path is not None else out_dir,
                  exc.message + (f" ({exc.hint})" if exc.hint else ""))
        sys.exit(EXIT_USAGE)
    engine = _load_engine(text=not no_text)
    _check_channel(engine, channel)
    mode = mode or engine.settings.get("mode", "consent")
    checking = StderrProgress(len(files), "Checking")
    analyses = []
    for step in analyse_batch(files, engine, channel, mode):
        if step.result is not None:
            analyses.append(step.result)
            checking.update(step.done, Path(step.result.path).name)
    checking.close()
    progress: StderrProgress | None = None
    ok = failed = 0
    try:
        for step in export_batch(analyses, out_dir, label=label, engine=engine, channel=channel,
                                 preparer=getpass.getuser(),
                                 allow_beside_originals=beside_originals):
            if step.result is None:
                progress = StderrProgress(step.total, "Exporting")
                continue
            res = step.result
            src = Path(res.source)
            if progress:
                progress.close()
            if res.ok:
                ok += 1
            else:
                failed += 1
                fail_line(src, _cause(res.error or "failed", src))
            if as_json:
                emit_json(res.to_dict())
            elif res.ok:
                removed = len(res.metadata_removed)
                click.echo(f"{src} -> {res.output}  ({res.width} x {res.height}; "
                           f"{res.faces_blurred} face(s) masked, {res.texts_covered} name(s) covered, "
                           f"{removed} hidden item{'s' if removed != 1 else ''} removed)")
            if progress:
                progress.update(step.done, src.name)
    except ExportError as exc:  # the output folder itself is unusable: nothing was done
        if progress:
            progress.close()
        where = exc.path if exc.path is not None else out_dir
        fail_line(where, exc.message + (f" ({exc.hint})" if exc.hint else ""))
        sys.exit(EXIT_USAGE)
    if progress:
        progress.close()
    if not as_json:
        click.echo(f"Exported {ok} of {ok + failed} photo(s) to {out_dir}"
                   + (f"; {failed} failed (see the errors above)" if failed else ""))
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


# ==== commands: scan (faces, names, decisions) ==============================================

def _load_engine(*, text: bool = True):
    """Settings + register + models, loaded once for a whole batch."""
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings

    try:
        settings = Settings.load()
        return Engine.load(settings, text=text)
    except PhotoVetError as exc:
        abort(exc)


def _check_channel(engine, channel: str) -> None:
    if channel not in engine.settings.channels:
        raise click.BadParameter(
            f"unknown channel '{channel}' (choose from: {', '.join(engine.settings.channels)})",
            param_hint="--channel")


MODE_OPTION = click.option(
    "--mode", type=click.Choice(["consent", "no-identifiable-children"]), default=None,
    help="consent: show people who consented for the channel (default, or the settings' mode); "
         "no-identifiable-children: blur every pupil whatever the consent; staff by their consent.")


def _face_line(face, people_by_id) -> str:
    x, y, w, h = face.box
    who = people_by_id.get(face.override_person or face.person) if (face.override_person or face.person) else None
    name = who.first_name if who else ("unknown" if face.match_status != "uncertain" else "uncertain")
    flag = "  [review]" if face.needs_review and face.override is None else ""
    return f"  face {w}x{h} at ({x},{y}) {name}: {face.final_decision.upper()} - {face.reason}{flag}"


@cli.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--channel", default="website", show_default=True,
              help="Where the photos would be posted: website, facebook, x, instagram, newsletter, "
                   "press, or a school's own channel.")
@MODE_OPTION
@click.option("--no-text", is_flag=True, help="Do not look for names written in the photos (faster).")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON object per photo per line: path, width, height, error, faces '
                   '(box [x, y, w, h], score, person, distance, margin, decision, reason), texts, metadata.')
def scan_cmd(paths: tuple[Path, ...], channel: str, mode: str | None, no_text: bool, as_json: bool) -> None:
    """Check photos without changing anything: find every face, recognise enrolled people,
    decide show or blur for the channel from the consent register, find pupils' names written
    in the picture, and list the hidden data each file carries. Anything PhotoVet is not sure
    of is blurred and marked for review."""
    from photovet.core.media.imaging import collect_photos
    from photovet.core.pipeline import analyse_batch

    files, skipped = collect_photos(paths)
    _report_skipped(skipped)
    if not files:
        fail_line(None, "no photos found in " + ", ".join(str(p) for p in paths))
        sys.exit(EXIT_SOME_FAILED)
    engine = _load_engine(text=not no_text)
    _check_channel(engine, channel)
    mode = mode or engine.settings.get("mode", "consent")
    progress = StderrProgress(len(files), "Scanning")
    failed = 0
    for step in analyse_batch(files, engine, channel, mode):
        a = step.result
        if a is None:
            continue
        progress.close()
        if a.error:
            failed += 1
            fail_line(a.path, a.error)
        if as_json:
            d = a.to_dict()
            emit_json({k: d[k] for k in ("path", "width", "height", "error", "status", "channel",
                                         "mode", "faces", "texts", "metadata", "warnings")})
        elif not a.error:
            shown = sum(1 for f in a.faces if f.final_decision == "show")
            click.echo(f"{a.path}  ({a.width} x {a.height}): {len(a.faces)} face(s), {shown} shown, "
                       f"{a.blur_count} blurred; {a.redact_text_count} name(s) covered"
                       f" - {a.status.value.replace('-', ' ')}")
            for f in a.faces:
                click.echo(_face_line(f, engine.people_by_id))
            for t in a.texts:
                if t.kind or t.final_decision != "keep":
                    click.echo(f"  text '{t.text}': {t.final_decision.upper()} - {t.reason}")
            for finding in (a.metadata.findings if a.metadata else []):
                click.echo(f"  {finding.sentence()}")
        progress.update(step.done, Path(a.path).name)
    progress.close()
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


# ==== commands: register and audit ==========================================================

def _open_register():
    from photovet.core.register.store import Register

    return Register.open()


def _yn_state(state: str | None) -> str:
    return {"yes": "Yes", "no": "No", "not recorded": "not recorded", None: "-"}.get(state, str(state))


@cli.group("register")
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
        with _open_register() as reg:
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
        with _open_register() as reg:
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
        with _open_register() as reg:
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
        with _open_register() as reg:
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
        click.echo(f"    {channel_label(c):<18} {_yn_state(states.get(c))}")
    click.echo(f"    {'Name with photo':<18} {_yn_state(states.get('name_with_photo'))}")
    click.echo(f"    {'Do not photograph':<18} {_yn_state(states.get('do_not_photograph'))}")
    click.echo(f"  History ({len(history)}):")
    for h in history:
        click.echo(f"    {h.when}  {h.channel}: {_yn_state(h.old_state)} -> "
                   f"{_yn_state(h.new_state)}  ({h.source})")


@register_group.command("channels")
@click.option("--add", "add_name", default=None, help="Add a school's own channel, e.g. prospectus.")
@click.option("--label", default=None, help="Its label, e.g. 'School prospectus'.")
def register_channels_cmd(add_name: str | None, label: str | None) -> None:
    """The channels consent is recorded for (the six built in, plus the school's own)."""
    try:
        with _open_register() as reg:
            if add_name:
                key = reg.add_channel(add_name, label)
                click.echo(f"Added channel '{key}'. Nobody has consent for it until a register "
                           "import or an edit says so.")
            for name, lab in reg.channel_labels().items():
                click.echo(f"{name:<14} {lab}")
    except PhotoVetError as exc:
        abort(exc)


@cli.group("audit")
def audit_group() -> None:
    """The audit log: every import, enrolment, override, approval, export and deletion."""


@audit_group.command("verify")
def audit_verify_cmd() -> None:
    """Check the audit log's hash chain; report the first row altered or removed."""
    try:
        with _open_register() as reg:
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
        with _open_register() as reg:
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


# ==== commands: names and captions ==========================================================

@cli.command("caption")
@click.argument("text")
@click.option("--channel", "-c", default="website", show_default=True,
              help="Where the photo and caption will be posted.")
@click.option("--mode", type=click.Choice(["consent", "no-identifiable-children"]), default=None,
              help="consent (default, or the settings' mode): pupils with consent to show their "
                   "name may be named; no-identifiable-children: no pupil is named.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def caption_cmd(text: str, channel: str, mode: str | None, as_json: bool) -> None:
    """Check a caption for pupils' names before it is posted with a photo.

    Finds pupils' names from the register (full names, first names, "Surname, Forename",
    any case, accents ignored) and suggests what the policy allows: initials (John Smith -> JS)
    unless the parents consented to the name being shown with a photo on this channel (then
    the full name, or the first name only on social media).

    Exit status: 0 the caption is fine as it is; 1 it names a pupil who must not be named
    (the findings and a suggested caption are printed); 2 usage error.
    """
    import datetime as _dt

    from photovet.core.register.store import Register
    from photovet.core.settings import Settings
    from photovet.core.vision.text import check_caption

    try:
        settings = Settings.load()
        if channel not in settings.channels:
            with Register.open() as reg:
                known = reg.channels()
            if channel not in known:
                raise click.BadParameter(
                    f"unknown channel '{channel}' (choose from: {', '.join(settings.channels)})",
                    param_hint="--channel")
        mode = mode or settings.get("mode", "consent")
        with Register.open() as reg:
            people = reg.people()   # rejected rows too: the policy then suggests initials
        result = check_caption(text, people, channel, _dt.date.today(), mode,
                               threshold=settings.get("text.caption_threshold", 90))
    except PhotoVetError as exc:
        abort(exc)
        return
    if as_json:
        emit_json({"caption": text, "channel": channel, "mode": mode, **result.to_dict()})
    elif result.ok:
        click.echo("OK: the caption names no pupil who must not be named."
                   if people else "OK: no pupils in the register to check against.")
    else:
        for f in result.findings:
            click.echo(f'"{f.found}" -> "{f.replacement}": {f.reason}')
        click.echo(f"Suggested: {result.suggestion}")
    sys.exit(EXIT_OK if result.ok else EXIT_SOME_FAILED)


# ==== commands: after posting (exports, posted, takedown, sar, identify, purge) =============

def _open_records():
    """(register, records) on the one database."""
    from photovet.core.records.store import Records
    from photovet.core.register.store import Register

    reg = Register.open()
    return reg, Records(reg.db, reg.audit)


def _parse_day(value: str | None):
    import datetime as _dt

    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return _dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"'{value}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
                             param_hint="--date")


def _known_channel(reg, channel: str) -> None:
    known = set(reg.channels())
    if channel not in known:
        raise click.BadParameter(f"unknown channel '{channel}' (channels: "
                                 f"{', '.join(sorted(known))})", param_hint="--channel")


def _people_text(ids: list[str], names: dict[str, str]) -> str:
    return ", ".join(f"{names[i]} ({i})" if names.get(i) else i for i in ids) or "-"


def _names_for(reg, ids) -> dict[str, str]:
    out = {}
    for i in ids:
        try:
            out[i] = reg.person(i).display_name
        except PhotoVetError:
            pass
    return out


@cli.command("posted")
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
    date = _parse_day(day)
    from photovet.core.records.store import RecordsError

    reg, rec = _open_records()
    with reg:
        _known_channel(reg, channel)
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


def _register_id(reg, person: str | None) -> str | None:
    """The register's own spelling of an id typed by a person (ids match case-insensitively);
    someone no longer in the register can still be searched for as typed."""
    if person is None:
        return None
    try:
        return reg.person(person).id
    except PhotoVetError:
        return person


@cli.command("exports")
@click.option("--person", default=None, help="Only exports where this person appears (shown, "
              "blurred or named).")
@click.option("--batch", default=None, help="Only this batch.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per export per line.")
def exports_cmd(person: str | None, batch: str | None, as_json: bool) -> None:
    """List the export records: what was exported, for which channel, who is in it, and where
    it was posted."""
    reg, rec = _open_records()
    with reg:
        person = _register_id(reg, person)
        recs = rec.exports(person=person, batch=batch)
        if as_json:
            for r in recs:
                emit_json(r.to_dict())
            return
        if not recs:
            click.echo("No exports recorded" + (f" for {person}" if person else "") + ".")
            return
        names = _names_for(reg, {p for r in recs for p in r.people})
        for r in recs:
            posts = "; ".join(f"{p.channel} {p.posted_on}" + (f" {p.url}" if p.url else "")
                              for p in r.posts) or "not posted"
            click.echo(f"#{r.id}  {r.created_at[:10]}  {r.channel}  batch '{r.batch}'  "
                       f"{Path(r.output_path).name}")
            click.echo(f"     shown: {_people_text(r.people_shown, names)}; blurred: "
                       f"{_people_text(r.people_blurred, names)}; names covered: "
                       f"{_people_text(r.names_covered, names)}")
            click.echo(f"     posted: {posts}")


@cli.group("takedown", invoke_without_command=True)
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
    reg, rec = _open_records()
    with reg:
        person = _register_id(reg, person)
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

    reg, rec = _open_records()
    with reg:
        try:
            it = rec.mark_taken_down(item, user or getpass.getuser(), note)
        except PhotoVetError as exc:
            abort(exc)
        click.echo(f"Item {item} marked as taken down ({Path(it.output_path).name} on "
                   f"{it.channel}).")


@cli.command("sar")
@click.argument("person_id", metavar="ID")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path),
              help="The HTML file to write (one self-contained file).")
@click.option("--user", default=None, help="Who made the report (recorded in the audit log).")
def sar_cmd(person_id: str, out_path: Path, user: str | None) -> None:
    """Subject access report: every export and post where the person appears (shown, blurred or
    named), with pictures as exported, and their consent history, as one HTML file that opens
    offline and prints."""
    from photovet.core.records.sar import subject_access_report

    reg, rec = _open_records()
    with reg:
        try:
            path = subject_access_report(reg, rec, person_id, out_path, user=user)
        except PhotoVetError as exc:
            abort(exc)
        n = len(rec.exports(person=person_id))
        click.echo(f"Report written: {path} ({n} export(s))")


@cli.command("identify")
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
    reg, rec = _open_records()
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
                click.echo(f"     shown: {_people_text(r.people_shown, h.names)}")
                click.echo(f"     blurred: {_people_text(r.people_blurred, h.names)}")
                if r.names_covered:
                    click.echo(f"     names covered: {_people_text(r.names_covered, h.names)}")
                click.echo(f"     posted: {posts}")
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@cli.command("purge")
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

    reg, rec = _open_records()
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


@cli.command("import-device")
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
    from photovet.core.db import open_db
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


def main(argv: Iterable[str] | None = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="photovet")
    except PhotoVetError as exc:  # anything a command did not catch itself
        abort(exc)


if __name__ == "__main__":
    main()
