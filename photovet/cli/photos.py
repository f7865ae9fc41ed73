"""Commands about photos: inspect, scan, export, caption."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from photovet.cli.common import (
    EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, MODE_OPTION, StderrProgress, abort, cause, check_channel, emit_json, face_line, fail_line, load_engine, report_skipped,
)
from photovet.core.errors import PhotoVetError



@click.command("inspect")
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
    report_skipped(skipped)
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
            fail_line(path, cause(error, path))
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


@click.command("export")
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
    report_skipped(skipped)
    if not files:
        fail_line(None, "no photos found in " + ", ".join(str(p) for p in paths))
        sys.exit(EXIT_SOME_FAILED)
    try:  # an unusable destination is found before minutes of checking, not after
        check_output_folder(out_dir, files, allow_beside_originals=beside_originals)
    except ExportError as exc:
        fail_line(exc.path if exc.path is not None else out_dir,
                  exc.message + (f" ({exc.hint})" if exc.hint else ""))
        sys.exit(EXIT_USAGE)
    engine = load_engine(text=not no_text)
    check_channel(engine, channel)
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
                fail_line(src, cause(res.error or "failed", src))
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




@click.command("scan")
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
    report_skipped(skipped)
    if not files:
        fail_line(None, "no photos found in " + ", ".join(str(p) for p in paths))
        sys.exit(EXIT_SOME_FAILED)
    engine = load_engine(text=not no_text)
    check_channel(engine, channel)
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
                click.echo(face_line(f, engine.people_by_id))
            for t in a.texts:
                if t.kind or t.final_decision != "keep":
                    click.echo(f"  text '{t.text}': {t.final_decision.upper()} - {t.reason}")
            for finding in (a.metadata.findings if a.metadata else []):
                click.echo(f"  {finding.sentence()}")
        progress.update(step.done, Path(a.path).name)
    progress.close()
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)




@click.command("caption")
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


