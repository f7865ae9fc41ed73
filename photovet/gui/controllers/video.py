"""Review of a video in the window (issue 17): the player (views/video_player.py) fed by the
core, and every decision a person makes stored by the core at once.

- **Scrubbing**: the frame at the playhead is decoded in a worker (``frames.grab``, seeking);
  the tracks' outlines come from the core's cover plan (``Engine.video_covers(decision=None)``).
- **"Show what will be published"**: the core renders the covered video around the playhead
  (``Engine.video_preview``: the export's own painter, its covers padded in space and time, the
  decided sound) into a temporary MP4, and the player shows that file's frames. Any decision
  makes a new one.
- **A track for the whole clip**: ``VideoReviewer.group`` (show with a reason where policy asks
  for one, cover, assign, not a face, keep a name, undo), made on a timeline row: a face's row
  is its group (media/video/linking.py), covered all at once, shown only where it is the same
  person; refusals in the core's words. **Sound**: ``VideoReviewer.sound`` (silence /
  remove / the channel's rule) and the approver's ``SoundChecks.confirm`` ("I listened").
After each change the video is decided again and shown.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRect, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QImage
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

from photovet.core.errors import FileChangedError, PhotoVetError
from photovet.core.models import VideoAnalysis
from photovet.core.review import ReviewConflict, ReviewRefused
from photovet.core.video_review import RowChoices
from photovet.core.words import crest_track, school_only

from ..context import AppContext
from ..dialogs.who import PersonPicker
from ..views.video_player import VideoPlayer, track_colours, video_summary
from ..words import error_text, sentence
from .batch import as_handed_on
from .review import ask_reason, ask_refused, confirm_assignment, tell_stays_covered

SHOW_LONG_EDGE = 960          # frames are decoded at most this size for the player
PREVIEW_SECONDS = 8.0         # the published version is rendered this much at a time
PLAY_MS = 66                  # the player asks for a frame this often while playing (~15/s)
SEEN_MS = 1000                # what an approver saw is reported to the core this often


def is_video(item: Any) -> bool:
    return item is not None and isinstance(getattr(item, "analysis", None), VideoAnalysis)


def _qimage(rgb) -> QImage:
    h, w = rgb.shape[:2]
    return QImage(rgb.tobytes(), w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class VideoController(QObject):
    """``current()`` gives the item shown; ``redecide(item)`` decides it again (the batch
    controller's); ``window`` parents the dialogs."""

    def __init__(self, ctx: AppContext, player: VideoPlayer, *, current: Callable[[], Any],
                 redecide: Callable[[Any], None], window: QWidget | None,
                 changed: Callable[[Any], None] | None = None):
        super().__init__(window)
        self.ctx, self.player, self.current = ctx, player, current
        self.redecide, self.window = redecide, window
        self.changed = changed or (lambda item: None)
        # the findings panel's first line (install_video): said again after every change
        self.summary: Callable[[Any], None] = lambda item: None
        self.published = False
        self._want: tuple | None = None          # the frame asked for last
        self._loading = False
        self._preview: dict[str, Any] | None = None   # key, path, start, end
        self._previewing = False
        self._plan: tuple[str, Any] | None = None
        # rendered previews (pupils' faces) go in the core's preview folder in the data
        # folder, never the system's temporary folder; removed on close, and by the core at
        # the next start after a crash or kill (core/previews.py). Made at the first preview.
        self._dir: Path | None = None
        # the video on screen, read from the file as PhotoVet checked it (a changed file is
        # refused in the words a photo's preview uses)
        from photovet.core.media.video.frames import ShownVideo  # noqa: PLC0415 - PyAV loads on first use

        self._shown = ShownVideo()
        self.timer = QTimer(self)
        self.timer.setInterval(PLAY_MS)
        self.timer.timeout.connect(self._tick)
        # what an approver had on screen, reported to the core (approval.VideoViews), which
        # decides when the video has been seen whole: the moments shown since the last report,
        # for the version shown (its approval parts); sent every SEEN_MS, on pause, at the end,
        # on leaving the video and before an approval
        self._seen: tuple[Any, dict[str, Any], list[float]] | None = None
        self._parts: tuple[str, dict[str, Any]] | None = None
        self._closed = False
        self.seen_timer = QTimer(self)
        self.seen_timer.setSingleShot(True)
        self.seen_timer.setInterval(SEEN_MS)
        self.seen_timer.timeout.connect(self.report_seen)
        # told after a report (the approval panel says what is left, Approve waits for it)
        self.watched: Callable[[], None] = lambda: None
        player.seek_requested.connect(lambda *_: self.request_frame())
        player.play_toggled.connect(self.play)
        player.published_toggled.connect(self.set_published)
        player.track_action.connect(lambda tid, action: self.track_action(tid, action))
        player.sound_action.connect(lambda action: self.sound(action))
        player.listened_requested.connect(lambda: self.listened())
        player.open_externally.connect(self.open_externally)

    # -- showing --------------------------------------------------------------------------------

    def _people(self) -> dict[str, Any]:
        return self.ctx.engine.people_by_id if self.ctx.engine is not None else {}

    def show(self, item: Any) -> None:
        a: VideoAnalysis = item.analysis
        if self._seen is not None and self._seen[0] is not a:
            self.report_seen()                       # another video (or version): say it first
        channel = self.ctx.ws.channels.get(a.channel) if a.channel else \
            self.ctx.current_channel()
        # what a row offers is the core's answer (VideoReviewer.row_choices)
        self.player.row_choices = lambda tid: self._row_choices(a, tid)
        self.player.show_video(
            a, self._people(), title=Path(item.path).name,
            can_review=self.ctx.ws.allowed("review"),
            can_listen=self.ctx.ws.allowed("approve"),
            channel_label=channel.label, channel_rule=channel.audio)
        self.summary(item)
        self.show_seen(a)
        self.request_frame()

    def _row_choices(self, a: VideoAnalysis, track_id: int) -> RowChoices | None:
        try:
            reviewer = self.ctx.ws.video_reviewer(self._people().get)
            return reviewer.row_choices(a, track_id, self.ctx.ws.channels.get(a.channel))
        except (PhotoVetError, KeyError):
            return None

    def _key(self, a: VideoAnalysis) -> str:
        return (f"{a.sha256}|{a.channel}|{a.review_version}|{a.sound}|"
                f"{[(t.id, t.decision) for t in a.tracks]}")

    def outlines(self, a: VideoAnalysis, frame: int) -> list:
        """Every track's outline at ``frame`` (the core's cover plan, every decision)."""
        if self.ctx.engine is None:
            return []
        key = self._key(a)
        if self._plan is None or self._plan[0] != key:
            self._plan = (key, self.ctx.engine.video_covers(a, decision=None))
        colours = track_colours(a)
        return [(tid, c, colours.get(tid)) for tid, c in self._plan[1].tracks_at(frame)
                if tid in colours]

    def request_frame(self) -> None:
        """Show the frame at the playhead (the latest request wins; one decode at a time)."""
        item = self.current()
        if not is_video(item) or item.analysis.error:
            return
        a = item.analysis
        self._want = (a.path, self.player.frame(), self.published, self._key(a))
        if not self._loading:
            self._load()

    def _load(self) -> None:
        item = self.current()
        if self._want is None or not is_video(item):
            return
        a = item.analysis
        path, frame, published, key = self._want
        if path != a.path:
            return
        seconds = a.time_of(frame) - (a.frame_times[0] if a.frame_times else 0.0)
        if published:
            p = self._preview
            if p is None or p["key"] != key or not (p["start"] <= seconds < p["end"]):
                self._render_preview(a, seconds)
                return
            src, at, origin, rotation, mirror = p["path"], seconds - p["start"], None, 0, False
        else:
            src, at, origin, rotation = a.path, seconds, a.sampling.get("origin"), a.rotation
            mirror = a.mirror
        k = min(1.0, SHOW_LONG_EDGE / max(1, a.width, a.height))
        size = (max(2, round(a.width * k)), max(2, round(a.height * k))) if not published \
            else None
        self._loading = True
        want = self._want
        shown, sha = self._shown, a.sha256

        def grab():
            from photovet.core.media.video.frames import grab as grab_frame  # noqa: PLC0415 - in the worker

            if published:                  # the core's own render of the checked content
                return _qimage(grab_frame(src, at, origin=origin, rotation=rotation, size=size,
                                          mirror=mirror, shown=True))
            try:
                return _qimage(shown.grab(src, sha, at, origin=origin, rotation=rotation,
                                          mirror=mirror,
                                          size=size))
            except FileChangedError as exc:
                return exc

        def done(img: QImage | FileChangedError) -> None:
            if not isValid(self.player.canvas):
                return          # the window closed while the frame was read
            cur = self.current()
            if not (is_video(cur) and cur.analysis.path == want[0]):
                return
            if isinstance(img, FileChangedError):
                # nothing of the file is shown: it is not what was checked
                self.player.play_btn.setChecked(False)
                self.player.set_frame(None, [], published=False)
                self.player.canvas.set_message(self._cannot_show(cur, error_text(img)))
                return
            self.player.set_frame(img, [] if want[2] else self.outlines(cur.analysis, want[1]),
                                  published=want[2])
            if want[3] == self._key(cur.analysis):
                self.saw(cur.analysis, want[1])

        def finished(*_: Any) -> None:
            self._loading = False
            if self._want != want:
                self._load()

        self.ctx.workers.start(grab, name="video-frame", on_return=done,
                               on_error=lambda t: self.player.canvas.set_message(
                                   self._cannot_show(self.current(), t, moment=True)),
                               on_finish=finished)

    @staticmethod
    def _cannot_show(item: Any, why: str, *, moment: bool = False) -> str:
        """Why the video cannot be shown: what happened when PhotoVet deleted its original
        (s42: "This video cannot be shown: the file does not exist"), else the error."""
        gone = getattr(item, "original_gone", None)
        if gone is not None:
            return f"This video cannot be shown here. {gone.detail('video')}"
        return f"This {'moment of the video' if moment else 'video'} cannot be shown: {why}"

    def _render_preview(self, a: VideoAnalysis, seconds: float) -> None:
        """The core renders the covered video from ``seconds`` (a worker; seconds)."""
        if self._previewing or self.ctx.engine is None:
            return
        try:
            if self._dir is None or not self._dir.is_dir():
                self._dir = self.ctx.ws.previews().folder("player-")
        except OSError as exc:
            self.player.canvas.set_message(
                f"What will be published cannot be shown: {error_text(exc)}")
            self._want = None
            return
        self._previewing = True
        self._loading = True
        engine, key = self.ctx.engine, self._key(a)
        start = max(0.0, seconds - 0.5)
        end = min(a.duration, start + PREVIEW_SECONDS)
        out = self._dir / f"preview-{abs(hash((key, start))) % 10**9}.mp4"
        self.player.canvas.set_message("Preparing what will be published\u2026")

        def render():
            engine.video_preview(a, out, start=start, end=end)
            return {"key": key, "path": str(out), "start": start, "end": end}

        def done(p: dict) -> None:
            old = self._preview
            self._preview = p
            self.player.canvas.set_message("")
            if old and old["path"] != p["path"]:
                Path(old["path"]).unlink(missing_ok=True)

        def finished(*_: Any) -> None:
            self._previewing = False
            self._loading = False
            self._load()

        self.ctx.workers.start(render, name="video-preview", on_return=done,
                               on_error=lambda t: (self.player.canvas.set_message(
                                   f"What will be published cannot be shown: {t}"),
                                   setattr(self, "_want", None)),
                               on_finish=finished)

    # -- what an approver saw ---------------------------------------------------------------

    def saw(self, a: VideoAnalysis, frame: int) -> None:
        """Frame ``frame`` of ``a`` is on screen: noted for the core when the signed-in account
        approves (a preparer's viewing decides nothing)."""
        if self.ctx.engine is None or not self.ctx.ws.allowed("approve") or not a.frame_times:
            return
        key = self._key(a)
        if self._parts is None or self._parts[0] != key:
            try:
                self._parts = (key, self.ctx.engine.approval_parts(a))
            except PhotoVetError:
                return                               # nothing noted: fail closed
        if self._seen is not None and (self._seen[0] is not a or self._seen[1] is not
                                       self._parts[1]):
            self.report_seen()
        if self._seen is None:
            self._seen = (a, self._parts[1], [])
        self._seen[2].append(a.time_of(frame) - a.frame_times[0])
        if not self.seen_timer.isActive():
            self.seen_timer.start()

    def show_seen(self, a: VideoAnalysis) -> None:
        """Mark on the timeline what the signed-in approver has seen (the core's record)."""
        spans = None
        if self.ctx.engine is not None and self.ctx.ws.allowed("approve") and not a.error:
            try:
                spans = self.ctx.ws.approvals.views.spans_seen(
                    a, self.ctx.engine.approval_parts(a))
            except PhotoVetError:
                spans = []
        self.player.timeline.set_seen(spans)

    def report_seen(self) -> None:
        """Tell the core the moments seen since the last report (stored at once)."""
        self.seen_timer.stop()
        if self._closed:            # the window closed: its register may be closed too
            return
        pending, self._seen = self._seen, None
        if not pending or not pending[2]:
            return
        a, parts, times = pending
        try:
            self.ctx.ws.approvals.views.seen(a, parts, times)
        except PhotoVetError:
            return          # signed out or locked meanwhile: nothing is recorded (fail closed)
        cur = self.current()
        if is_video(cur) and cur.analysis is a:
            self.show_seen(a)
        self.watched()

    def set_published(self, on: bool) -> None:
        self.published = bool(on)
        self.request_frame()

    def play(self, on: bool) -> None:
        if on:
            self.timer.start()
        else:
            self.timer.stop()
            self.report_seen()

    def _tick(self) -> None:
        if self._loading:
            return                                # the last frame is not shown yet
        a = self.player.analysis
        if a is None or self.player.frame() >= self.player.slider.maximum():
            self.player.play_btn.setChecked(False)
            return
        fps = a.fps or 25.0
        self.player.step(max(1, round(fps * PLAY_MS / 1000)))

    def open_externally(self) -> None:
        """The computer's video player (to listen): a private copy of the video in this run's
        preview folder, made only of bytes that are the content PhotoVet checked (hashed as
        they are copied, in a worker: reader.checked_copy); a changed file is refused in words.
        The other program reads that copy, so a change to the original after the check is
        never what it plays; the copy goes with the previews when PhotoVet closes."""
        item = self.current()
        if not is_video(item):
            return
        path, sha = item.path, item.analysis.sha256
        try:
            if self._dir is None or not self._dir.is_dir():
                self._dir = self.ctx.ws.previews().folder("player-")
        except OSError as exc:
            QMessageBox.warning(self.window, "Not opened",
                                f"This video cannot be opened: {error_text(exc)}")
            return
        folder = self._dir

        def copy() -> Path:
            from photovet.core.media.video.reader import checked_copy  # noqa: PLC0415 - in the worker

            return checked_copy(path, sha, folder)

        self.ctx.workers.start(
            copy, name="video-open",
            on_return=lambda copied: QDesktopServices.openUrl(QUrl.fromLocalFile(str(copied))),
            on_error=lambda t: QMessageBox.warning(
                self.window, "Not opened", f"This video cannot be opened: {t}"))

    # -- decisions ------------------------------------------------------------------------------

    def _record(self, item, change, *, seen: str | None = None) -> bool:
        """``seen``: the review version the person began the decision from (before its
        dialogs): a change another PC made meanwhile, shown here while a dialog was open, is
        then refused by the core as changed elsewhere, not recorded over (s42)."""
        reviewer = self.ctx.ws.video_reviewer(self._people().get)
        a = item.analysis
        if seen is not None and seen != a.review_version:
            a = copy.copy(a)
            a.review_version = seen
        try:
            change(reviewer, a, self.ctx.ws.channels.get(item.analysis.channel))
        except ReviewRefused as exc:
            QMessageBox.information(self.window, "This change is not allowed",
                                    sentence(exc.message) + "\n\nNothing was changed.")
            return False
        except ReviewConflict as exc:
            QMessageBox.warning(self.window, "Changed by someone else",
                                sentence(exc.message) + "\n\nThe video is shown again as it is "
                                "now; look at it and try again.")
            self.redecide(item)
            self.show(item)
            return False
        except PhotoVetError as exc:
            QMessageBox.warning(self.window, "Not changed", error_text(exc))
            return False
        self.after_change(item)
        return True

    def after_change(self, item) -> None:
        self.redecide(item)
        self._preview = None
        self.show(item)
        self.ctx.approvals_changed.emit([item.analysis.sha256])
        self.changed(item)

    def ask_reason(self, title: str, question: str, placeholder: str,
                   about: QRect | None = None) -> str:
        """``about``: the track on the frame shown (global coordinates)."""
        return ask_reason(self.window, title, question, placeholder, about=about,
                          check=self.ctx.ws.free_text_refusal)

    def track_action(self, track_id: int, action: str, *, person: str | None = None,
                     reason: str | None = None) -> bool:
        """A decision for a whole track, stored by the core at once."""
        item = self.current()
        if not is_video(item) or self.ctx.engine is None:
            return False
        a = item.analysis
        seen = a.review_version      # what the person decides from, kept through the dialogs
        channel = self.ctx.ws.channels.get(a.channel)
        if action == "undo":
            return self._record(item, lambda r, a_, ch: r.group(a_, track_id, "undo", ch))
        if action == "assign" and person is None:
            people = list(self._people().values())
            dlg = PersonPicker(people, channel, "video", parent=self.window)
            if not dlg.exec() or not dlg.chosen():
                return False
            person = dlg.chosen()
        reviewer = self.ctx.ws.video_reviewer(self._people().get)
        named = None          # the core's answer to naming it: said again once recorded
        if action == "assign" and reason is None:
            chosen = self._people().get(person)
            named = reviewer.track_ask(a, track_id, "assign", channel, person=person,
                                       mode=a.mode)
            reason = confirm_assignment(
                self.window, named, chosen.display_name if chosen is not None else "them",
                self.player.canvas.on_screen(track_id), check=self.ctx.ws.free_text_refusal)
            if reason is None:
                return False
        if action in ("show", "keep", "not-a-face") and reason is None:
            reason = ""
            ask = reviewer.track_ask(a, track_id, action, channel, mode=a.mode)
            if ask_refused(self.window, ask, "Not allowed"):
                return False     # no reason would make it allowed: said, nothing changed
            if ask.needs_reason:
                school = action == "keep" and any(
                    t.id == track_id and school_only(t) for t in a.tracks)
                crest = school and any(t.id == track_id and crest_track(t) for t in a.tracks)
                reason = self.ask_reason(
                    {"show": "Show this face for the whole clip?",
                     "not-a-face": "Not a face?"}.get(
                        action, "Leave the crest visible?" if crest else
                        "Leave these words readable?" if school
                        else "Leave this name readable?"),
                    f"{sentence(ask.words)}\n\nYour reason is recorded with your name.",
                    "For example: a pattern on the wall, a cartoon character on a T-shirt"
                    if action == "not-a-face" else
                    "For example: another school's crest (the visiting team)" if crest else
                    "For example: another school's name (the visiting team)" if school else
                    "For example: an adult visitor who agreed to be filmed",
                    about=self.player.canvas.on_screen(track_id))
                if not reason:
                    return False
        # a decision on a row reaches its group (linking.py): cover all, show the same person
        done = self._record(item, lambda r, a_, ch: r.group(
            a_, track_id, action, ch, person=person, reason=reason or "", mode=a_.mode),
            seen=seen)
        if done and named is not None:       # the name kept, the face still covered: why
            tell_stays_covered(self.window, named)
        return done

    def sound(self, action: str) -> bool:
        """"mute" / "remove" the sound by hand, or "rule": the channel's rule decides again."""
        item = self.current()
        if not is_video(item):
            return False
        wanted = None if action == "rule" else action
        return self._record(item, lambda r, a, ch: r.sound(a, wanted, ch))

    def listened(self, confirm: bool = True) -> bool:
        """The approver confirms they listened to the whole video (stored and audited)."""
        item = self.current()
        if not is_video(item):
            return False
        a = item.analysis
        if confirm and QMessageBox.question(
                self.window, "Did you listen to the whole video?",
                "PhotoVet cannot check what is said in a video. Confirm only if you listened to "
                "the whole of it and no pupil is named or identified by what is said. The sound "
                "is then kept on this channel; this is recorded with your name.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.ctx.ws.sound_checks().confirm(a.sha256, a.channel)
        except PhotoVetError as exc:
            QMessageBox.warning(self.window, "Not recorded", error_text(exc))
            return False
        self.after_change(item)
        return True

    def close(self) -> None:
        """The window is closing: what the approver saw is told to the core now, and no timer
        of the player runs after (the register is closed next)."""
        self.timer.stop()
        self.report_seen()
        self._closed = True
        self._shown.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)




def install_video(win: Any) -> VideoController:
    """The main window's hook: a video in the batch is shown in the player, a photo in the
    photo view (the review controller asks ``media_hook`` first)."""
    tab = win.photos
    ctl = VideoController(win.ctx, tab.video, current=win.review.current,
                          redecide=win.batch.redecide, window=win,
                          changed=win.review.changed.emit)

    def summary(item: Any) -> None:
        # what is open is said for who is signed in (a preparer cannot say they listened)
        # through the panel's own line, so an approver's one-line view says it too (it kept
        # "Choose a photo..." for a video: set on the label, the line never heard of it)
        # s45: once marked ready or approved, what is open waits for nobody (the core's
        # approval state, as a photo's panel and the banner judge it)
        tab.findings.say_summary(video_summary(
            item.analysis, can_review=win.ctx.ws.allowed("review"),
            can_listen=win.ctx.ws.allowed("approve"),
            approval=as_handed_on(win.ctx, item.analysis, item.approval)))

    ctl.summary = summary

    def approval_changed(*_: Any) -> None:
        # marked ready, approved or sent back while on screen: the summary follows (it kept
        # "3 names are yours to decide" after "Mark ready")
        item = win.review.current()
        if is_video(item) and item.analysis is not None and not item.analysis.error and \
                tab.media.currentWidget() is tab.video:
            summary(item)

    win.batch.model.dataChanged.connect(approval_changed)
    # what an approver saw of the video: the approval panel says what is left, and an
    # approval first hears of everything seen until then
    ctl.watched = win.approval.show_state
    win.approval.before_approve = ctl.report_seen

    def someone_else() -> None:
        # another person signed in: the buttons and the summary are for them ("I listened"
        # is an approver's, "Publish it without sound" a preparer's)
        item = win.review.current()
        if is_video(item) and tab.media.currentWidget() is tab.video:
            ctl.show(item)

    win.ctx.session.changed.connect(someone_else)

    def hook(item: Any) -> bool:
        if is_video(item):
            tab.media.setCurrentWidget(tab.video)
            tab.findings.show_analysis(None, {})
            ctl.show(item)
            tab.findings.tree.hide()             # the player's timeline lists the tracks
            ctl.player.decisions.show()
            return True
        ctl.player.play_btn.setChecked(False)
        ctl.report_seen()
        ctl.player.decisions.hide()
        tab.media.setCurrentWidget(tab.photo)
        tab.findings.tree.show()
        return False

    # the chosen track's decisions and the sound go where a photo's findings list is (a video
    # has none): the player keeps its height for the picture, the slider and the timeline
    lay = tab.findings.layout()
    lay.insertWidget(lay.indexOf(tab.findings.tree) + 1, ctl.player.decisions)
    ctl.player.decisions.hide()
    win.review.media_hook = hook
    app = QCoreApplication.instance()
    if app is not None:                        # previews are temporary files: gone on quit
        app.aboutToQuit.connect(ctl.close)
    return ctl


__all__ = ["VideoController", "install_video", "is_video"]
