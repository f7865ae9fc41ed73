"""Commands about photos: inspect, scan, ready, approve, export, caption."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from photovet.cli.common import (
    CAPTION_CHANNEL_HELP,
    CHANNEL_HELP,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    MODE_OPTION,
    StderrProgress,
    abort,
    cause,
    checked_mode,
    emit_json,
    face_line,
    fail_line,
    get_channel,
    load_engine,
    open_workspace,
    printable,
    report_skipped,
    stdin_is_terminal,
)
from photovet.core import words
from photovet.core.errors import PhotoVetError, RegisterUnavailableError

if TYPE_CHECKING:
    from photovet.core.approval import ApprovalState
    from photovet.core.models import Channel
    from photovet.core.workspace import Workspace

# The rules (policy), the video timeline (linking: numpy) and the workspace are imported by the
# commands that use them, so 'photovet --help' and the other commands start without them.


@click.command("inspect")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--json", "as_json", is_flag=True,
              help='One JSON object per file per line: {"path", "error", "metadata"}.')
def inspect_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
    """List what each photo or video file would leak besides its picture (and sound): GPS
    position, place names, dates, camera and serial numbers, owner, comments, names of tagged
    people, hidden previews and motion-photo videos; for videos also titles, chapters,
    subtitles, cover pictures and extra tracks. Folders are searched recursively. Nothing is
    changed."""
    from photovet.core.media.imaging import collect_media
    from photovet.core.media.metadata import inspect_file
    from photovet.core.media.metadata.video import inspect_video
    from photovet.core.media.video.reader import is_video_file

    files, skipped = collect_media(paths)
    report_skipped(skipped, paths, files)
    if not files:
        fail_line(None, "no photos or videos found in " + ", ".join(str(p) for p in paths))
        sys.exit(EXIT_SOME_FAILED)
    progress = StderrProgress(len(files), "Inspecting")
    failed = 0
    for i, path in enumerate(files, 1):
        report, error = None, None
        try:
            report = inspect_video(path) if is_video_file(path) else inspect_file(path)
        except PhotoVetError as exc:
            error = str(exc)
        except Exception as exc:
            error = f"{path.name}: unexpected problem ({type(exc).__name__}: {exc})"
        progress.close()
        if error:
            failed += 1
            fail_line(path, cause(error, path))
        if as_json:
            emit_json({"path": str(path), "error": error,
                       "metadata": report.to_dict() if report else None})
        elif report is not None:
            head = f"{printable(path)}  ({report.format}"
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


def _analyse(ws, engine, files, channel, mode, label: str):
    """Analyse and decide every file, yielding each analysis in order as soon as it is decided
    (one progress bar, cleared while the caller prints). Nothing is kept: a 500-photo batch
    holds only the photos being checked, and the first lines appear after the first photo."""
    from photovet.core.pipeline import analyse_batch

    bar = StderrProgress(len(files), label)
    try:
        for step in analyse_batch(files, engine, channel, mode):
            if step.result is not None:
                bar.close()
                yield step.result
                bar.update(step.done, Path(step.result.path).name)
    finally:
        bar.close()


def _files(paths, ws=None) -> list[Path]:
    """Photos and videos named, or found in folders (by content); with the Workspace, the
    copies PhotoVet exported into those folders are left out (they are not originals), and so
    is the clip of an iPhone Live Photo found beside its photo (named, it is checked)."""
    from photovet.core.media.imaging import collect_media

    files, skipped = collect_media(paths, exported=ws.records.exported_paths() if ws else None,
                                   live_clips=False)
    report_skipped(skipped, paths, files)
    if not files:
        fail_line(None, "no photos or videos found in " + ", ".join(str(p) for p in paths))
        sys.exit(EXIT_SOME_FAILED)
    return files


def _clock(seconds: float) -> str:
    m, s = divmod(max(0.0, float(seconds)), 60)
    return f"{int(m):02d}:{s:04.1f}"


def _video_lines(a, engine, ch) -> None:
    """A decided video, for a person: one line per track, the sound, what is removed."""
    from photovet.core.media.video.covers import track_span
    from photovet.core.media.video.linking import face_count, track_groups
    from photovet.core.models import UNREAD_AFTER_CUE
    from photovet.core.words import crest_track, school_note, school_only

    groups = track_groups(a)
    count = face_count(a, groups)
    names = sum(1 for t in a.text_tracks if t.decision != "keep" and not school_only(t))
    school = sum(1 for t in a.text_tracks if t.decision != "keep" and school_only(t)
                 and not crest_track(t))
    crests = sum(1 for t in a.text_tracks if t.decision != "keep" and crest_track(t))
    sound = {"keep": "sound kept", "mute": "sound silenced", "remove": "sound removed"}[a.sound] \
        if a.has_audio else "no sound"
    tracks = len(a.face_tracks)
    click.echo(f"{printable(a.path)}  ({a.width} x {a.height}, {a.duration:.1f} s, "
               f"{a.frame_count} frames): {count.followed(decided=True)}"
               + (f" in {tracks} tracks" if tracks != count.faces else "")
               + f"; {words.count(names, 'name')} covered"
               + (f"; {words.count(school, 'line')} naming the school covered" if school else "")
               + (f"; {words.count(crests, 'school crest')} covered" if crests else "")
               + f"; {sound} - {a.status.value.replace('-', ' ')}")
    if a.names_not_looked_for:
        click.echo(f"  {words.NAMES_NOT_LOOKED_FOR}")
    # a face seen more than once (the tracker lost it for a moment) is one row in the app
    same = {tid: [o for o in g if o != tid] for g in groups if len(g) > 1 for tid in g}
    for t in a.tracks:
        first, last = track_span(a, t)
        when = f"{_clock(a.time_of(first))}-{_clock(a.time_of(last))}"
        if t.kind == "face":
            pid = t.who or (t.person if t.match_status == "uncertain" else None)
            who = engine.people_by_id.get(pid) if pid else None
            name = "not a face" if t.override == "not-a-face" else (
                who.first_name + ("?" if t.match_status == "uncertain" and not t.override_person
                                  else "") if who is not None else "unknown")
            what = f"face {name}"
        elif crest_track(t):
            what = school_note(t)              # the crest was found, not read: no words
        elif school_only(t):
            what = f"{school_note(t)} '{t.text}'"
        elif not t.text and t.context == UNREAD_AFTER_CUE:
            what = words.PLACE_FOR_A_NAME.lower()   # after "my name is", nothing read (s53)
        else:
            what = f"name '{t.text}'"
        hand = f"  [by hand: {t.override or 'assign ' + str(t.override_person)}]" \
            if t.override or t.override_person else ""
        if t.hand_note:   # the core's words: who named it, and whom PhotoVet recognised
            hand = f"  [{t.hand_note}]"
        elif t.near_note:   # the core's words: a twin or look-alike near it who may not be shown
            hand += f"  [{t.near_note}]"
        refused = f"  [not allowed: {t.refused}]" if t.refused else ""
        flag = "  [needs review]" if t.needs_review else ""
        also = f"  [the same face as track {', '.join(str(o + 1) for o in same[t.id])}]" \
            if t.id in same else ""
        # numbered as the app's player numbers them, and --name-wrong FACE counts them
        click.echo(f"  track {t.id + 1} {when} {what}: {t.decision.upper()} - {t.reason}"
                   f"{hand}{refused}{flag}{also}")
    if a.has_audio:
        click.echo(f"  sound: {a.sound.upper()} - {a.sound_reason}"
                   + ("  [needs review]" if a.sound_needs_review else ""))
    for note in a.review_notes:
        click.echo(f"  review: {note}")
    for finding in (a.metadata.findings if a.metadata else []):
        click.echo(f"  {finding.sentence()}")


@click.command("export")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, readable=False),
              help="Folder for the safe copies (must exist; not the folder of the originals nor "
                   "one holding them; a new folder inside it is fine: later scans leave PhotoVet's "
                   "copies out). The same --label into another folder exports the photos again "
                   "there.")
@click.option("--channel", default="website", show_default=True, help=CHANNEL_HELP)
@click.option("--label", default=None,
              help="Batch name used for the new file names, e.g. 'Sports day 2026' gives "
                   "sports-day-2026-001.jpg. Default: photos-<today's date>. Checked like a "
                   "caption: a label naming a pupil the channel may not name is refused, with "
                   "a suggested label.")
@click.option("--caption", default=None,
              help="The caption to be posted with these photos. Default: the caption a senior "
                   "leader approved with them (none when they were approved with different "
                   "captions); --caption \"\" for none. When approval is required, only the "
                   "approved caption (or none) is allowed: any other is refused for each photo, "
                   "saying what was approved (the preparer proposes a new one with 'photovet "
                   "ready --caption', and it is approved). Checked with the channel's rules "
                   "(as 'photovet caption' does): a caption naming someone the channel may not "
                   "name is refused, nothing is exported, and a suggested caption is given. It "
                   "is recorded with each export, with everyone it refers to (for take-down "
                   "lists and subject access reports).")
@click.option("--beside-originals", is_flag=True,
              help="Allow writing into the folder that holds the original photos.")
@MODE_OPTION
@click.option("--no-text", is_flag=True,
              help="Do not look for names written in the photos (faster). Only allowed when the "
                   "school has turned name checks off in its settings.")
@click.option("--remove-earlier-copies", "remove_earlier", is_flag=True,
              help="When an earlier export of these photos left copies in this folder that "
                   "should not stay (an old version, or a photo that may not be published "
                   "now), remove them without asking. Only PhotoVet's own copies, each checked "
                   "unchanged since it was exported; nothing else in the folder. Without it "
                   "they are listed, and you are asked at a terminal.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per photo per line on stdout.")
def export_cmd(paths: tuple[Path, ...], out_dir: Path, channel: str, label: str | None,
               caption: str | None, beside_originals: bool, mode: str | None, no_text: bool,
               remove_earlier: bool, as_json: bool) -> None:
    """Make safe copies of approved photos: each photo is checked (faces against the consent
    register for the channel, names in the picture), its review applied, then it is decoded,
    turned upright, covered where needed, resized for the channel and saved as a fresh JPEG with
    no hidden data, under a neutral name. Every copy is read back, checked and recorded before
    it gets its name. Originals are never changed; existing files are never overwritten. The
    same photo twice (a copy under another name) is saved once, and 'photovet purge' deletes
    both originals.

    Videos are checked the same way, then decoded again, covered on every frame, resized for
    the channel and saved as a fresh H.264/AAC MP4 (sound kept, silenced or removed as the
    channel and the approver decided) with nothing else in it, read back and checked.

    When the school requires approval (the default), only photos and videos a senior leader
    approved for this channel (photovet approve), exactly as they are now, are exported; the
    others are listed with the reason and the exit status is 1."""
    import datetime as _dt

    from photovet.core.errors import ExportError
    from photovet.core.media.export import check_output_folder
    from photovet.core.pipeline import HELD_CAPTION_NOT_APPROVED, vet_batch

    label = label or f"photos-{_dt.date.today().isoformat()}"
    ws = open_workspace()
    files = _files(paths, ws)
    try:  # an unusable destination is found before minutes of checking, not after
        check_output_folder(out_dir, files, allow_beside_originals=beside_originals)
    except ExportError as exc:
        ws.close()
        fail_line(exc.path if exc.path is not None else out_dir,
                  exc.message + (f" ({exc.hint})" if exc.hint else ""))
        sys.exit(EXIT_USAGE)
    ch = get_channel(ws, channel)
    mode = checked_mode(ws, mode)
    from photovet.core.pipeline import batch_media
    from photovet.core.vision.text.captions import label_refusal
    from photovet.core.vision.text.school import school_words

    refusal = label_refusal(label, ws.register.people(), ch, _dt.date.today(),
                            mode, threshold=ws.settings.text.caption_threshold,
                            media=batch_media(files), school=school_words(ws.settings))
    if refusal is not None:   # before minutes of checking: the label names a pupil
        ws.close()
        fail_line(None, refusal.message)
        click.echo(f"Suggested label: --label \"{refusal.suggestion}\"", err=True)
        sys.exit(EXIT_USAGE)
    if caption is None and ws.settings.approval.required:
        caption = _approved_caption(ws, files, ch, as_json)
    caption = (caption or "").strip()
    if caption:
        from photovet.core.vision.text.captions import caption_refusal

        said = caption_refusal(caption, ws.register.people(), ch, _dt.date.today(),
                               mode,
                               threshold=ws.settings.text.caption_threshold,
                               media=batch_media(files), school=school_words(ws.settings))
        if said is not None:   # the caption is checked again by the core when exporting
            ws.close()
            fail_line(None, said.message)
            click.echo(f"Suggested caption: --caption \"{said.suggestion}\"" if said.suggestion
                       else said.hint, err=True)
            sys.exit(EXIT_USAGE)
    if no_text and ws.settings.text.enabled:
        abort("--no-text would leave pupils' names readable; the school's settings check names "
              "in every export", EXIT_USAGE)
    engine = load_engine(ws, text=not no_text)
    approvals = ws.approvals if ws.settings.approval.required else None
    if approvals is None and not as_json:
        click.echo("Note: approval is turned off in the school's settings; photos are exported "
                   "without a senior leader's approval.", err=True)
    progress: StderrProgress | None = None
    tally = _ExportTally(files)
    results = []
    hinted = False
    stop = threading.Event()
    restore_ctrl_c = _stop_on_ctrl_c(stop, as_json)
    try:
        # each photo is checked and exported in one pass: the next photo is checked while this
        # one is exported, photos side by side on the PC's cores (pipeline.vet_batch). Ctrl-C
        # sets ``stop``: no new photo starts, the ones in hand finish and are reported.
        for step in vet_batch(files, engine, ch, out_dir, label=label, records=ws.records,
                              approvals=approvals, mode=mode, stop=stop,
                              allow_beside_originals=beside_originals, caption=caption,
                              rejections=ws.approvals):
            if step.result is None:
                if step.message and "removed" in step.message and not as_json:
                    click.echo(step.message, err=True)
                progress = StderrProgress(step.total, "Checking and exporting")
                continue
            res = step.result
            src = Path(res.source)
            if progress:
                progress.close()
            tally.add(res)
            results.append(res)
            if not res.ok:
                fail_line(src, cause(res.error or "failed", src))
                if res.held == HELD_CAPTION_NOT_APPROVED and not hinted:
                    hinted = True       # what to do, said once (it is the same for each)
                    click.echo(words.CAPTION_GET_APPROVED_COMMAND, err=True)
            if as_json:
                emit_json(res.to_dict())
            elif res.ok and res.same_as and tally.made_here(res):
                click.echo(f"{printable(src)}: the same photo as {printable(Path(res.same_as).name)}"
                           f", exported once ({printable(Path(res.output or '').name)})")
            elif res.ok and res.same_as:
                click.echo(f"{printable(src)}: already exported into this folder by an earlier run "
                           f"({printable(res.output)}); not exported again")
            elif res.ok and res.media == "video":
                removed = len(res.metadata_removed)
                sound = {"keep": "sound kept", "mute": "sound silenced",
                         "remove": "no sound"}.get(res.sound, res.sound)
                click.echo(f"{printable(src)} -> {printable(res.output)}  ({res.width} x "
                           f"{res.height}, {res.duration:.1f} s; {words.count(res.faces_covered, 'face')} "
                           f"covered, {words.count(res.texts_covered, 'name')} covered, {sound}, "
                           f"{words.count(removed, 'hidden item')} removed)")
            elif res.ok:
                removed = len(res.metadata_removed)
                click.echo(f"{printable(src)} -> {printable(res.output)}  ({res.width} x {res.height}; "
                           f"{words.count(res.faces_covered, 'face')} covered, "
                           f"{words.count(res.texts_covered, 'name')} covered, "
                           f"{words.count(removed, 'hidden item')} removed)")
            if progress:
                progress.update(step.done, src.name)
        if progress:
            progress.close()
            progress = None
        if not stop.is_set():
            tally.earlier_left = _earlier_copies(ws, results, out_dir, ch.id,
                                                 remove=remove_earlier, as_json=as_json)
    except ExportError as exc:  # the output folder itself is unusable: nothing was done
        if progress:
            progress.close()
        fail_line(exc.path if exc.path is not None else out_dir,
                  exc.message + (f" ({exc.hint})" if exc.hint else ""))
        sys.exit(EXIT_USAGE)
    except RegisterUnavailableError as exc:  # the register's server went away mid-batch
        if progress:
            progress.close()
        fail_line(None, f"{exc.message}. The export stopped after "
                  f"{words.media_count(*tally.done)}; each one is either exported and recorded "
                  "or not exported at all. Run the same command again when the server is back: "
                  "photos already exported in this batch are skipped.")
        sys.exit(EXIT_SOME_FAILED)
    except KeyboardInterrupt:   # Ctrl-C a second time (or where it could not be caught)
        if progress:
            progress.close()
        click.echo(f"\nStopped at once. {tally.stopped_text()} A photo in hand at that moment "
                   "may have been exported too: see 'photovet exports'.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        restore_ctrl_c()
        ws.close()
    if progress:
        progress.close()
    if stop.is_set():
        click.echo(f"Stopped. {tally.stopped_text()}", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if not as_json:
        click.echo(tally.summary(out_dir))
    sys.exit(EXIT_SOME_FAILED if tally.failed or tally.earlier_left else EXIT_OK)


def _earlier_copies(ws, results, out_dir: Path, channel: str, *, remove: bool,
                    as_json: bool) -> int:
    """The copies earlier exports of these photos left in ``out_dir`` that should go
    (``records.earlier``, s35): listed, and removed when asked (``--remove-earlier-copies``,
    or yes at a terminal). Returns how many are still there."""
    from photovet.core.records.earlier import earlier_copies, remove_earlier_copies

    copies = earlier_copies(ws.records, results, out_dir, channel)
    if not copies:
        return 0
    if not as_json:
        click.echo(words.earlier_copies_said(len(copies)), err=True)
        for c in copies:
            click.echo(f"  {printable(Path(c.path).name)} (from {printable(Path(c.source).name)})"
                       f": {c.why}", err=True)
    if not remove and not as_json and sys.stdin.isatty():
        remove = click.confirm(words.EARLIER_COPIES_REMOVE, default=False, err=True)
    if not remove:
        if as_json:
            for c in copies:
                emit_json({"earlier_copy": c.to_dict()})
        else:
            click.echo(EARLIER_COPIES_COMMAND, err=True)
        return len(copies)
    left = 0
    for c in remove_earlier_copies(ws.records, copies):
        left += not c.removed
        if as_json:
            emit_json({"earlier_copy": c.to_dict()})
        elif c.removed:
            click.echo(f"  removed {printable(Path(c.path).name)}", err=True)
        else:
            fail_line(Path(c.path), c.message)
    return left


# The exit status of a command stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
#: the command line's way to remove copies an earlier export left (an export that did not ask
#: at a terminal: ``words.earlier_copies_said``)
EARLIER_COPIES_COMMAND = ("They are still in the folder: run the same export again with "
                          "--remove-earlier-copies to remove them, or delete them yourself "
                          "before anything in the folder is posted.")

# Why photos were not exported, as the summary line counts them (pipeline.HELD_KINDS).
_HELD_WORDS = {
    "unreadable": "damaged or unreadable",
    "needs-review": "to be reviewed first",
    "out-of-date": "to be checked again (the register changed)",
    "not-approved": "not approved yet",
    "approval-changed": "changed since approval (approve again)",
    "stopped": "stopped before the end",
    "caption-not-approved": "with a caption not approved (export with the approved one, or none)",
    "": "could not be written",
}


def _same_file(path) -> str:
    import os

    return os.path.normcase(os.path.abspath(str(path)))


class _ExportTally:
    """What an export did, photo by photo, for the summary line (and after Ctrl-C)."""

    def __init__(self, files: list):
        self.total = len(files)
        self.media = words.tally(files)         # (photos, videos) given, by file name
        self.done = [0, 0]                      # (photos, videos) exported by this run
        self.ok = self.same = self.earlier = self.failed = 0
        self.earlier_left = 0                   # earlier copies that should go, still there
        self.outputs: list[str] = []          # files written by this run
        self.why: dict[str, int] = {}

    def made_here(self, res) -> bool:
        return _same_file(res.output) in {_same_file(o) for o in self.outputs}

    def add(self, res) -> None:
        if not res.ok:
            self.failed += 1
            self.why[res.held] = self.why.get(res.held, 0) + 1
        elif res.same_as and self.made_here(res):
            self.same += 1
        elif res.same_as:
            self.earlier += 1
        else:
            self.ok += 1
            self.done[words.media_of(res) == "video"] += 1
            self.outputs.append(str(res.output))

    def summary(self, out_dir: Path) -> str:
        done = (self.done[0], self.done[1])
        text = f"Exported {words.part_of(done, self.media)} to {printable(out_dir)}"
        if self.same:
            was = "was the same photo as another" if self.same == 1 else \
                "were the same photo as others"
            text += f"; {self.same} {was}, exported once"
        if self.earlier:
            text += f"; {self.earlier} already exported into this folder by an earlier run"
        if self.failed:
            reasons = ", ".join(f"{n} {_HELD_WORDS.get(kind, kind)}"
                                for kind, n in sorted(self.why.items(),
                                                      key=lambda kv: list(_HELD_WORDS).index(kv[0])
                                                      if kv[0] in _HELD_WORDS else 99))
            text += f"; {self.failed} not exported (see above): {reasons}"
        return text

    def stopped_text(self) -> str:
        names = [printable(Path(o).name) for o in self.outputs]
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        done = (f"{words.media_count(*self.done)} {words.verb(self.ok, 'was', 'were')} exported "
                f"before you stopped ({shown}) and {words.verb(self.ok, 'is', 'are')} recorded"
                if self.ok else "Nothing was exported before you stopped")
        rest = self.total - self.ok - self.same - self.earlier
        return f"{done}; the other {rest} were not exported." if rest else f"{done}."


def _stop_on_ctrl_c(stop: threading.Event, quiet: bool):
    """Ctrl-C during an export sets ``stop`` (the photos in hand finish, each exported and
    recorded or not at all, and are reported); a second Ctrl-C stops at once. Returns the
    function that puts the previous handler back (nothing to do outside the main thread,
    where signals cannot be caught)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def on_ctrl_c(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        if not quiet:
            click.echo("\nStopping after the photos and videos in hand (Ctrl-C again to stop at once)...",
                       err=True)

    previous = signal.signal(signal.SIGINT, on_ctrl_c)

    def restore() -> None:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)

    return restore


def _school_name_warning(ws, ch) -> None:
    """Before photos are checked, prepared or approved for ``ch``: the school's name is not set
    while the channel must not identify the school (the core's warning), and how to set it."""
    warning = ws.school_name_warning(ch.id)
    if warning:
        click.echo(f"warning: {warning} Set it with: photovet settings set school.names "
                   "'[\"Your school's name\"]'", err=True)


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--channel", default="website", show_default=True, help=CHANNEL_HELP)
@MODE_OPTION
@click.option("--no-text", is_flag=True, help="Do not look for names written in the photos (faster).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per photo per line: path, width, height, error, status, "
                   "faces (number, box [x, y, w, h], score, person, distance, margin, decision, "
                   "reason, override...), texts, metadata, review notes, approval. For a video: "
                   "media, fps, frames, duration, cuts, sound and its reason, and tracks (id, "
                   "kind face/text, frames, boxes [x1, y1, x2, y2], first/last time, person, "
                   "decision, reason, override...) instead of faces and texts.")
def scan_cmd(paths: tuple[Path, ...], channel: str, mode: str | None, no_text: bool,
             as_json: bool) -> None:
    """Check photos and videos without changing anything: find every face, recognise enrolled
    people, decide show or cover for the channel from the consent register (video consent for
    videos) and the review (the decisions made in the app's review screen), find names written
    in the picture, and list the hidden data each file carries. In a video, faces and names are
    followed through time as tracks, each decided as a whole. Anything PhotoVet is not sure of
    is covered.

    A photo's faces are numbered (face 1, face 2...), a video's tracks too (track 1, track
    2..., as the app's video player numbers them): 'photovet approve --reject --name-wrong
    FACE' counts them the same way."""
    from photovet.core.models import UNREAD_AFTER_CUE

    ws = open_workspace()
    files = _files(paths, ws)
    ch = get_channel(ws, channel)
    mode = checked_mode(ws, mode)
    _school_name_warning(ws, ch)
    engine = load_engine(ws, text=not no_text)
    failed = 0
    analyses = _analyse(ws, engine, files, ch, mode, "Scanning")
    try:
        # each approver's roles are read once for the scan (one_look), not once per photo.
        # Safe although roles may change while it runs: scan changes and publishes nothing (an
        # export checks again at its last moment); today is still asked for each photo (a last
        # day passing is seen); and ending a role now cancels the approvals not exported, which
        # each photo's approval, read afresh, shows. At worst a line is as the roles were when
        # the scan began.
        with ws.approvals.one_look():
            for a in analyses:
                if a.error:
                    failed += 1
                    fail_line(a.path, a.error)
                    if as_json:
                        emit_json({"path": a.path, "error": a.error, "status": a.status.value})
                    continue
                approval = ws.approvals.get(a.sha256, ch.id)
                verdict = ws.approvals.check(a, engine.approval_parts(a), name_of=engine.name_of) \
                    if approval.status == "approved" else None
                if as_json:
                    d = a.to_dict()
                    if a.media == "video":
                        out = {k: d[k] for k in ("path", "sha256", "media", "width", "height",
                                                 "error", "status", "channel", "mode", "fps",
                                                 "frames", "duration", "rotation", "mirror", "cuts",
                                                 "has_audio", "sound", "sound_reason",
                                                 "sound_needs_review", "tracks", "metadata",
                                                 "warnings", "review_notes")}
                        # faces as the app's timeline rows (a face lost for a moment is one face)
                        from photovet.core.media.video.linking import (
                            face_count,
                        )

                        out["faces"] = face_count(a).to_dict()
                        # each track's number, as the lines, the player and --name-wrong
                        # FACE count them (its id + 1)
                        out["tracks"] = [dict(t, number=int(t["id"]) + 1)
                                         for t in out["tracks"]]
                    else:
                        out = {k: d[k] for k in ("path", "sha256", "width", "height", "error",
                                                 "status", "channel", "mode", "faces", "texts",
                                                 "manual", "metadata", "warnings", "review_notes",
                                                 "flags")}
                        # each face's number, as the text lines and --name-wrong FACE count
                        out["faces"] = [dict(f, number=n) for n, f in enumerate(out["faces"], 1)]
                    out["approval"] = {"status": approval.status, "preparer": approval.preparer,
                                       "approver": approval.approver,
                                       "note": approval.note,
                                       "valid": verdict.ok if verdict else None,
                                       "why_not": verdict.why if verdict and not verdict.ok else ""}
                    emit_json(out)
                    continue
                if a.media == "video":
                    _video_lines(a, engine, ch)
                    _approval_line(ch, approval, verdict)
                    continue
                shown = sum(1 for f in a.faces if f.decision == "show")
                click.echo(f"{printable(a.path)}  ({a.width} x {a.height}): "
                           f"{words.count(len(a.faces), 'face')}, {shown} shown, "
                           f"{a.cover_count} covered; "
                           f"{words.count(a.covered_text_count, 'line')} of text covered"
                           f" - {a.status.value.replace('-', ' ')}")
                # numbered as --name-wrong FACE counts them (1 for the first)
                for n, f in enumerate(a.faces, 1):
                    click.echo(face_line(f, engine.people_by_id, n))
                if a.names_not_looked_for:   # (s62: nothing said)
                    click.echo(f"  {words.NAMES_NOT_LOOKED_FOR}")
                for t in a.texts:
                    if t.kind or t.school or t.decision != "keep" or t.override:
                        hand = f"  [by hand: {t.override}]" if t.override else ""
                        flag = "  [needs review]" if t.needs_review else ""
                        said = t.text or (f"name of {engine.name_of(t.person)}" if t.person
                                          else "a name")   # the cache keeps ids, not names
                        what = "crest" if t.school == "crest" else \
                            words.PLACE_FOR_A_NAME.lower() if t.context == UNREAD_AFTER_CUE and \
                            not t.text else f"text '{said}'"
                        click.echo(f"  {what}: {t.decision.upper()} - {t.reason}{hand}{flag}")
                for f in a.flags:
                    state = ("  [needs review]" if f.open else
                             f"  [accepted: {f.accepted}]" if f.accepted else "")
                    click.echo(f"  {f.kind}: {f.message}{state}")
                for c in a.manual:
                    click.echo(f"  area covered by hand: {c.shape} {list(c.box or c.points or [])}")
                for note in a.review_notes:
                    click.echo(f"  review: {note}")
                for finding in (a.metadata.findings if a.metadata else []):
                    click.echo(f"  {finding.sentence()}")
                _approval_line(ch, approval, verdict)
    finally:
        analyses.close()   # waits for the photos still being checked
        ws.close()
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _approved_caption(ws: Workspace, files: list[Path], ch: Channel, as_json: bool) -> str:
    """The caption an export of ``files`` defaults to: the one their approvals signed
    (``Approvals.export_caption``; none when they differ), said. The approvals are found by
    the files' paths (``Approvals.at_paths``), so the files are read once, by the export (it
    read every file twice: 1.5 GB more for 300 photos of 5 MB); only a file with no approval
    recorded at its path (marked ready under another name or folder) is hashed here. Each
    file's content is checked against its approval, with the caption, when it is exported:
    a file that changed since is held back whatever caption this finds."""
    from photovet.core.media.imaging import sha256_file

    known = ws.approvals.at_paths(files, ch.id)
    shas = []
    for f in files:
        state = known.get(os.path.abspath(f))
        if state is not None:
            shas.append(state.sha256)
            continue
        try:
            shas.append(sha256_file(f))
        except (OSError, PhotoVetError):
            continue            # said for that file when it is checked (a loop, unreadable)
    caption, signed = ws.approvals.export_caption(shas, ch.id)
    if as_json:
        return caption
    if caption:
        click.echo(f"Caption: {printable(words.caption_word(caption))} (the one approved with "
                   "these photos)", err=True)
    elif len(signed) > 1:
        click.echo("Note: these photos were approved with different captions, so they are "
                   "exported with none; export each group on its own to post its caption.",
                   err=True)
    return caption


def _approval_line(ch, approval, verdict) -> None:
    status = {"draft": "not marked ready", "ready": "ready, waiting for approval",
              "approved": "approved", "rejected": "rejected"}[approval.status]
    if verdict is not None and not verdict.ok:
        status = verdict.why
    click.echo(f"  approval for {ch.label}: {status}")
    if approval.status != "draft":
        # (once: a photo waiting again says its note in the status already)
        if approval.note and approval.status in ("approved", "ready") and \
                approval.note not in status:
            click.echo(f"  {printable(words.approval_note_said(approval.note))}")
        click.echo(f"  {_caption_said(approval)}")


def _caption_said(state) -> str:
    """The caption of an approval, as the approver and the preparer read it."""
    return printable(words.approval_caption(state.status, state.caption,
                                            state.approved_caption))


@click.command("ready")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))
@click.option("--channel", required=True, help=CHANNEL_HELP)
@click.option("--batch", default="", help="The batch name, for the approver's list.")
@click.option("--caption", default="",
              help="The caption you propose to post with these photos on this channel. "
                   "Checked with the channel's rules at once (a caption naming someone the "
                   "channel may not name is refused, nothing is marked ready, and a suggested "
                   "caption is given). The approver sees it and approves it with the photos; "
                   "they are then exported with this caption or none, never another.")
@MODE_OPTION
def ready_cmd(paths: tuple[Path, ...], channel: str, batch: str, caption: str,
              mode: str | None) -> None:
    """Mark photos as prepared for a channel (the preparer has reviewed them), so a senior
    leader can approve them, with the caption you propose to post with them (--caption). The
    preparer cannot approve their own photos. Marking photos ready again replaces their
    caption and asks for their approval again."""
    ws = open_workspace()
    files = _files(paths, ws)
    ch = get_channel(ws, channel)
    mode = checked_mode(ws, mode)
    _school_name_warning(ws, ch)
    caption = caption.strip()
    if caption:
        import datetime as _dt

        from photovet.core.pipeline import batch_media
        from photovet.core.vision.text.captions import caption_refusal
        from photovet.core.vision.text.school import school_words

        said = caption_refusal(caption, ws.register.people(), ch, _dt.date.today(), mode,
                               threshold=ws.settings.text.caption_threshold,
                               media=batch_media(files), outcome="nothing was marked ready",
                               school=school_words(ws.settings))
        if said is not None:   # before minutes of checking (checked again for each photo)
            ws.close()
            fail_line(None, said.message)
            click.echo(f"Suggested caption: --caption \"{said.suggestion}\"" if said.suggestion
                       else said.hint, err=True)
            sys.exit(EXIT_USAGE)
    engine = load_engine(ws)
    failed = 0
    analyses = _analyse(ws, engine, files, ch, mode, "Checking")
    try:
        for a in analyses:
            try:
                ws.approvals.mark_ready(
                    a, batch=batch, caption=caption,
                    caption_refusal=engine.proposed_caption_check(ch, mode, (a.media,)))
                open_items = " (decisions still open: they stay covered)" if a.needs_review else ""
                with_caption = (f" with the caption {printable(words.caption_word(caption))}"
                                if caption else "")
                click.echo(f"{printable(a.path)}: ready for approval for {ch.label}"
                           f"{with_caption}{open_items}")
            except PhotoVetError as exc:
                failed += 1
                fail_line(a.path, exc.message)
    finally:
        analyses.close()   # waits for the photos still being checked
        ws.close()
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _role_ended(ws: Workspace, ch: Channel) -> tuple[tuple[Path, ...], int, set[str]]:
    """The originals of the approvals on ``ch`` that no longer count because their approver's
    role ended (``Approvals.role_ended``), each said; one no longer where it was approved is
    said and left out (how many: returned with them); none: said, and the command ends. With
    them, the content hashes approved: only those are approved again (a file replaced at one
    of the paths since is another photo, not in the list)."""
    try:
        lapsed = ws.approvals.role_ended(channel=ch.id)
    except PhotoVetError as exc:
        ws.close()
        abort(exc)
    found: list[ApprovalState] = []
    gone: list[ApprovalState] = []
    for state, _why in lapsed:
        (found if state.path and Path(state.path).is_file() else gone).append(state)
    if not lapsed:
        ws.close()
        click.echo(f"Nothing to approve again: no approval on {ch.label} lost its approver.")
        sys.exit(EXIT_OK)
    states = [s for s, _why in lapsed]
    said = words.media_count([(s.parts or {}).get("media", "photo") for s in states])
    whose = list(dict.fromkeys(s.approver for s in states if s.approver)) or ["their approver"]
    ended = (f"{whose[0]}'s approver role ended" if len(whose) == 1 else
             f"the approver roles of {', '.join(whose)} ended")
    click.echo(f"Approving again {said} on {ch.label} whose approval no longer counts: "
               f"{ended}.")
    for state in gone:
        fail_line(state.path or state.sha256[:12],
                  "the original is no longer where it was approved: add it again from where "
                  "it is now, then approve it")
    if not found:
        ws.close()
        sys.exit(EXIT_SOME_FAILED)
    return tuple(Path(s.path) for s in found), len(gone), {s.sha256 for s in found}


#: why a photo with a caption proposed was not approved: the approver did not say they read it
#: what to do about a photo showing a face named by hand over a refused recognition, as the
#: command line says it (the core's hint is the app's: words.HAND_NAMED_APP)
HAND_NAMED_COMMAND = ("Open it in a viewer, look at that face, then approve that one file with "
                      "--named-by-hand-checked.")
_CAPTION_READ_FIRST = ("not approved: a caption is proposed with it (printed above); read it, "
                       "then approve them together with --caption-read")
_CAPTION_NOT_CONFIRMED = ("not approved: you did not approve the caption proposed with it "
                          "(reject it with a comment, or ask the preparer for another caption)")


def _caption_confirmed(caption: str, caption_read: bool, confirmed: set[str]) -> None:
    """The approver has read the caption proposed with a photo (printed just before) before
    the approval signs it: --caption-read, or yes at the terminal (asked once for each
    caption in a run); otherwise PhotoVetError, and that photo is not approved."""
    from photovet.core import policy

    said = policy.caption_text(caption)
    if caption_read or said in confirmed:
        return
    if not stdin_is_terminal():
        raise PhotoVetError(_CAPTION_READ_FIRST)
    if not click.confirm("Approve it with this caption?", default=False, err=True):
        raise PhotoVetError(_CAPTION_NOT_CONFIRMED)
    confirmed.add(said)


@click.command("approve")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--channel", required=True, help=CHANNEL_HELP)
@click.option("--reject", is_flag=True, help="Reject the photos instead (they will not be exported).")
@click.option("--comment", default="", help="A note kept with the decision.")
@click.option("--name-wrong", "name_wrong", multiple=True, type=click.IntRange(min=1),
              metavar="FACE",
              help="With --reject, one photo or video: its face number FACE, as 'photovet scan' "
                   "numbers them (1 for the first; a video's face tracks, as scan and the app's "
                   "player number them), was named by hand as someone it is not. Its name is "
                   "taken off and the face (in a video, the whole track) covered until the "
                   "preparer says again who it is (repeat for each face).")
@click.option("--checked", "checked", multiple=True, metavar="CHECK",
              help="A check of the school's checklist you made for these photos: its words, or "
                   "its number (repeat for each check; the checks are listed by 'photovet settings').")
@click.option("--all-checks-done", is_flag=True,
              help="You made every check of the school's checklist for these photos.")
@click.option("--accept", "accept", multiple=True, type=click.Choice(["group-shot", "device"]),
              help="Accept a flag the photos carry (a group shot where one pupil stands out, a "
                   "camera not on the school's list); needs --reason.")
@click.option("--reason", default="", help="Why the accepted flag is fine (kept in the review).")
@click.option("--named-by-hand-checked", "hand_checked", is_flag=True,
              help="You looked at the one photo or video given, and at each face in it that a "
                   "preparer named by hand over PhotoVet's recognition of someone who may not "
                   "be shown on the channel (the check prints them); without it such a photo is "
                   "not approved. One file only.")
@click.option("--listened", is_flag=True,
              help="Videos: you listened to the whole sound of each video given and heard no "
                   "name or anything else that must not be published. Recorded; on channels "
                   "whose sound rule is 'listen' the sound is then kept (otherwise removed).")
@click.option("--watched", is_flag=True,
              help="Videos: you watched the whole of each video given, from start to end, in "
                   "a video player. Recorded with your name; a video is approved only by "
                   "someone who has seen all of it (in the app: played or stepped through).")
@click.option("--role-ended", "role_ended", is_flag=True,
              help="Instead of PHOTOS: every photo and video on --channel whose approval no "
                   "longer counts because its approver's role ended (and their approvals were "
                   "not kept). You approve them again, all at once, each as it is now; look "
                   "at them first ('photovet scan' lists what each publishes).")
@click.option("--caption-read", "caption_read", is_flag=True,
              help="You read the caption proposed with each photo or video given (the command "
                   "prints it first: 'photovet scan' prints it too) and approve it with them. "
                   "Without it, at a terminal you are asked first (once for each caption); "
                   "elsewhere a photo with a caption proposed is not approved.")
@MODE_OPTION
def approve_cmd(paths: tuple[Path, ...], channel: str, reject: bool, comment: str,
                name_wrong: tuple[int, ...], checked: tuple[str, ...], all_checks_done: bool,
                accept: tuple[str, ...],
                reason: str, hand_checked: bool, listened: bool, watched: bool,
                role_ended: bool, caption_read: bool, mode: str | None) -> None:
    """Approve (or --reject) photos and videos for a channel as a senior leader, exactly as
    they are now: every cover, every face and name left visible, and for a video every track
    and what happens to its sound. Every check of the school's checklist must be ticked
    (--checked, or --all-checks-done); the ticks are kept with the approval and printed in
    subject access reports. Any later change to the review, to the register decision of
    someone in it, to its analysis, or to the checklist voids the approval. Spoken names cannot
    be checked automatically: listen to a video before approving its sound (--listened), and
    watch all of it before approving it (--watched). A caption the preparer proposed is
    printed and approved with the photo once you say you read it (asked at a terminal, or
    --caption-read)."""
    if accept and not reason.strip():
        raise click.BadParameter("say why with --reason", param_hint="--accept")
    if name_wrong and (not reject or len(paths) != 1):
        raise click.BadParameter("give it with --reject and exactly one photo or video",
                                 param_hint="--name-wrong")
    if role_ended and (paths or reject):
        raise click.UsageError("--role-ended approves again the approvals whose approver's "
                               "role ended: give no PHOTOS with it, and no --reject")
    if not role_ended and not paths:
        raise click.UsageError("say which photos or videos to approve (PHOTOS), or "
                               "--role-ended")
    from photovet.core import policy
    from photovet.core.media.video.linking import face_count

    ws = open_workspace()
    gone = 0
    lapsed: set[str] | None = None
    if role_ended:
        paths, gone, lapsed = _role_ended(ws, get_channel(ws, channel))
    files = _files(paths, ws)
    if hand_checked and len(files) != 1:
        ws.close()
        raise click.BadParameter("give exactly one photo or video: it says you looked at that "
                                 "one's faces named by hand", param_hint="--named-by-hand-checked")
    ch = get_channel(ws, channel)
    mode = checked_mode(ws, mode)
    _school_name_warning(ws, ch)
    required = ws.approvals.required_checks()
    ticks = list(required) if all_checks_done else list(checked)
    engine = load_engine(ws)
    failed = gone           # an original no longer where it was approved: said above
    confirmed: set[str] = set()     # captions the approver said yes to at the terminal
    analyses = _analyse(ws, engine, files, ch, mode, "Checking")
    try:
        for a in analyses:
            try:
                if a.error:
                    raise PhotoVetError(a.error)
                if lapsed is not None and a.sha256 not in lapsed:
                    raise PhotoVetError("it is not the photo whose approval no longer counts "
                                        "(the file was changed or replaced since): look at "
                                        "it, then approve it by name")
                if reject:
                    ws.approvals.reject(a, comment=comment,
                                        wrong_names=[n - 1 for n in name_wrong])
                    click.echo(f"{printable(a.path)}: rejected for {ch.label}")
                    if name_wrong:
                        click.echo(f"{printable(a.path)}: {words.names_returned(len(name_wrong))}")
                    continue
                # the caption proposed with it is signed with it: shown first, and approved
                # only once the approver said they read it (before anything else is done)
                proposed = ws.approvals.get(a.sha256, ch.id)
                if proposed.caption:
                    click.echo(f"{printable(a.path)}: {_caption_said(proposed)}")
                    _caption_confirmed(proposed.caption, caption_read, confirmed)
                for kind in accept if a.media == "photo" else ():
                    if any(f.kind == kind and f.open for f in a.flags):
                        ws.reviewer().accept_flag(a, kind, ch, reason=reason)
                        engine.decide(a, ch, mode)
                for f in getattr(a, "flags", []):
                    if f.needs_review:
                        state = f"accepted: {f.accepted}" if f.accepted else "open"
                        click.echo(f"{printable(a.path)}: {f.kind}: {f.message} ({state})")
                if a.media == "video" and listened and a.has_audio:
                    ws.sound_checks().confirm(a.sha256, ch.id)
                    engine.decide(a, ch, mode)
                for _pid, _kind, note in policy.hand_named_shown(a):
                    click.echo(f"{printable(a.path)}: {engine.name_of(_pid)}: {note}")
                parts = engine.approval_parts(a)
                if a.media == "video" and watched:
                    ws.approvals.views.confirm(a, parts)
                ws.approvals.approve(a, parts, comment=comment, checks=ticks,
                                     hand_named_checked=hand_checked,
                                     now=lambda a=a: engine.approval_now(a, mode),
                                     caption=proposed.caption)
                shown = ", ".join(engine.name_of(p) for p in parts["people_shown"]) or "nobody"
                if a.media == "video":
                    click.echo(f"{printable(a.path)}: approved for {ch.label} (faces shown: "
                               f"{shown}; {words.count(face_count(a).with_cover, 'face')} and "
                               f"{words.count(a.covered_text_count, 'name')} covered; "
                               f"{a.sound_reason})")
                else:
                    click.echo(f"{printable(a.path)}: approved for {ch.label} (faces shown: "
                               f"{shown}; {words.count(a.cover_count, 'face')} and "
                               f"{words.count(a.covered_text_count, 'line')} of text covered)")
                signed = ws.approvals.get(a.sha256, ch.id)
                click.echo(f"  {_caption_said(signed)}")
                for c in signed.parts.get("checks", []):
                    click.echo(f"  [x] {c}")
            except PhotoVetError as exc:
                failed += 1
                fail_line(a.path, exc.message)
                if a.media == "video" and exc.message.startswith("Play the clip"):
                    click.echo("Watch the whole video in a video player, then say so with "
                               "--watched.", err=True)
                if exc.hint == words.HAND_NAMED_APP:   # the app's words: the command's instead
                    click.echo(HAND_NAMED_COMMAND, err=True)
                if "not every check is ticked" in exc.message or "no check on" in exc.message:
                    click.echo("The school's checklist (tick with --checked TEXT or NUMBER, or "
                               "--all-checks-done):", err=True)
                    for i, c in enumerate(required, 1):
                        click.echo(f"  {i}. {c}", err=True)
    finally:
        analyses.close()   # waits for the photos still being checked
        ws.close()
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@click.command("caption")
@click.argument("text")
@click.option("--channel", "-c", required=True, help=CAPTION_CHANNEL_HELP)
@click.option("--video", is_flag=True,
              help="The caption goes with a video (video consent applies too, as well as photo "
                   "consent: a caption goes out with its batch's photos).")
@MODE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def caption_cmd(text: str, channel: str, video: bool, mode: str | None, as_json: bool) -> None:
    """Check a caption for pupils' and staff names before it is posted with a photo.

    Finds names from the register (full names, first names, "Surname, Forename", any case,
    accents ignored) and suggests what the policy allows: initials (John Smith -> JS) unless the
    person consented to their name being shown with a photo on this channel (then what the
    channel's names rule allows: full names, or first names only). On a channel that shows no
    names, the name is left out instead. Anyone on the do-not-photograph list is named in a
    warning.

    Exit status: 0 the caption is fine as it is; 1 it names someone who must not be named
    (the findings and a suggested caption, or why none is left, are printed); 2 usage error.
    """
    import datetime as _dt

    from photovet.core.vision.text.captions import caption_verdict
    from photovet.core.vision.text.school import school_words

    ws = open_workspace()
    try:
        ch = get_channel(ws, channel)
        mode = checked_mode(ws, mode)
        people = ws.register.people()   # rejected rows too: the policy then suggests initials
        # the core's answer, as marking ready and export decide it: the school's name where the
        # channel must not show which school it is, then each media type's consent
        result = caption_verdict(text, people, ch, _dt.date.today(), mode,
                                 threshold=ws.settings.text.caption_threshold,
                                 media=("video" if video else "photo",),
                                 school=school_words(ws.settings))
    except PhotoVetError as exc:
        abort(exc)
        return
    finally:
        ws.close()
    if as_json:
        # "also": what later checks changed in the suggestion, as the text output says it
        emit_json({"caption": text, "channel": ch.id, "mode": mode, **result.to_dict(),
                   "also": [f.to_dict() for f in result.also]})
    elif result.ok:
        click.echo("OK: the caption names nobody who must not be named."
                   if people else "OK: no one in the register to check against.")
    else:
        for f in result.findings:
            click.echo(f'"{f.found}" -> "{f.replacement}": {f.reason}')
        # then why the suggestion differs from those (s46 walk: "Nathan Ellison" -> "Nathan":
        # first name only on Instagram, then "Suggested: N and TA ...": the video's consent
        # was not said)
        for f in result.also:
            click.echo(f'"{f.found}" -> "{f.replacement}": {f.reason}')
        # nothing left without the names ("This is Tobias."): why, as the app says it, not an
        # empty "Suggested: "
        if result.suggestion.strip():
            click.echo(f"Suggested: {result.suggestion}")
        else:
            click.echo(f"No suggestion: {result.no_suggestion}.")
    sys.exit(EXIT_OK if result.ok else EXIT_SOME_FAILED)
