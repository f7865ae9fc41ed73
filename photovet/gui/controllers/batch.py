"""The batch: adding photos (from folders, files or a drop), thumbnails, checking each photo in
the background, deciding it for the channel, and starting a new batch.

Checking runs in the helper process, driven by a worker; deciding (the photo's review applied,
then the policy) is quick and runs on the GUI thread, which owns the register connection. The
batch's list of photos is kept in the window settings, so a restart reopens it; every decision
about a photo is in the core's review store, so a restart keeps the review.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from photovet.core import logs, words
from photovet.core.errors import PhotoVetError, RegisterUnavailableError
from photovet.core.media.imaging import (
    EXPORTED_COPY,
    LIVE_CLIP,
    collect_media,
    folders_without_media,
)
from photovet.core.models import PhotoAnalysis
from photovet.core.records import takedown
from photovet.core.transfer import originals_gone_at

from ..context import AppContext
from ..tasks import CheckQueue, ThumbnailQueue, Worker, thumbnails
from ..views.banners import Banner, Status
from ..views.batch_view import BatchDelegate, BatchView, PhotoItem
from ..words import esc, media_count, media_words, plural, sentence

log = logs.get("gui")

DECIDE_CHUNK = 100


def empty_folders_text(empty: list) -> str:
    """The folders added that held no photo or video, said in the banner (rich text: names
    escaped): 'The folder “Day 2” holds no photos or videos.'; three and more by count."""
    names = [f"\u201c{esc(Path(p).name or str(p))}\u201d" for p in empty]
    if len(names) == 1:
        return f"The folder {names[0]} holds no photos or videos."
    if len(names) == 2:
        return f"The folders {names[0]} and {names[1]} hold no photos or videos."
    return f"{len(names)} of the folders hold no photos or videos."


def approval_state(ctx: AppContext, a: PhotoAnalysis, st: Any = None) -> tuple[str, str]:
    """(status, why an approval no longer counts) for a decided photo, from the core
    (``st``: its approval state, when already read)."""
    if a.error or not a.sha256:
        return "draft", ""
    if st is None:
        st = ctx.ws.approvals.get(a.sha256, a.channel)
    if st.status == "approved" and ctx.engine is not None:
        verdict = ctx.ws.approvals.check(a, ctx.engine.approval_parts(a),
                                         name_of=ctx.engine.name_of, state=st)
        if not verdict.ok:
            return "void", verdict.why.replace("the approval no longer counts: ", "")
    if st.ended:        # waits for approval again: why, as the core's note says it (s42)
        return st.status, words.approval_note_said(st.note)
    return st.status, ""


def approved_caption_to_check(ctx: AppContext, a: PhotoAnalysis | None, state: Any) -> bool:
    """Has the photo an approved caption whose check export applies (``approved_caption_refused``)?"""
    return not (ctx.engine is None or a is None or a.error or state is None
                or state.status != "approved" or not state.approved_caption
                or not ctx.ws.settings.approval.required)


def caption_refusal_words(engine: Any, caption: str, channel: Any, media: str) -> str:
    """Why ``caption`` may not go out with a photo or video (``media``) on ``channel`` now, as
    export would say it (the core's one check, ``Engine.caption_refusal``), or ''. Reads no
    register (``channel``: the Channel itself): it runs in the captions' worker."""
    try:
        refused = engine.caption_refusal(caption, channel, media=(media,),
                                         outcome="it cannot be exported with it")
    except PhotoVetError as exc:        # never "Approved" unchecked: said why
        return sentence(exc.message)
    return sentence(refused.message) if refused is not None else ""


def approved_caption_refused(ctx: AppContext, a: PhotoAnalysis | None, state: Any,
                             channel: Any = None) -> str:
    """Why the caption a photo was approved with may not go out now, as export would say it
    (the core's one check, ``Engine.caption_refusal``, for ``channel``: the photo's own when
    None), or ''. Said by the approval panel and the photo list alike (there checked in a
    worker: ``BatchController.caption_refused``). Walk5: a pupil's name consent withdrawn
    after approval left the panel saying "Approved" with the caption export then refused."""
    if not approved_caption_to_check(ctx, a, state):
        return ""
    assert a is not None and ctx.engine is not None
    return caption_refusal_words(ctx.engine, state.approved_caption,
                                 ctx.engine.channel(channel or a.channel), words.media_of(a))


def as_handed_on(ctx: AppContext, a: PhotoAnalysis | None, status: str) -> str:
    """The approval state a photo's open questions are judged by, as the core says
    (``Approvals.as_handed_on``: an approval lapsed only with its approver's role is still
    handed on)."""
    if a is None or a.error or not a.sha256:
        return status
    try:
        return ctx.ws.approvals.as_handed_on(a.sha256, a.channel, status)
    except PhotoVetError:
        return status


class BatchController(QObject):
    analysed = Signal(list)          # PhotoAnalysis, decided (GUI thread)
    finished_checking = Signal()
    captions_checked = Signal()      # approved captions checked in the background (the panel)
    cleared = Signal()
    #: paths now said as not checked (nobody checks them), or as being checked again (s42)
    unchecked_changed = Signal(list)

    def __init__(self, ctx: AppContext, view: BatchView, status: Status, banner: Banner,
                 parent: QWidget):
        super().__init__(parent)
        self.ctx, self.view, self.status, self.banner = ctx, view, status, banner
        self.window = parent
        self.model = view.model
        self.label = str(ctx.qs.value("batch/label", "") or "")
        self._pending: list[str] = []
        self._collecting = 0        # folders and files being listed (add_paths, in a worker)
        self._analysis: Worker | None = None
        self._queue: CheckQueue | None = None      # the photos the running check has left
        self._check_started = 0.0               # time.monotonic() when the running check began
        self._out_of_date: set[str] = set()   # checked again once: the register changed
        # checked while the register's server could not be reached (s42 walk: they stayed
        # "Checking..." for ever once it was back): said at the end, checked again on its return
        self._unreached: set[str] = set()
        self._unreached_again = False   # checked again at once after the server was back
        self._redecide: list[int] = []
        self._skipped: list[str] = []
        self._generation = 0        # results of an older check (before a new batch) are dropped
        self._summary = False       # the banner shows the batch's summary
        # another message took the banner (the device was cleared): the end of a check, even
        # one that began after it (the device's copies re-read), does not write the summary
        # over it; the batch's own next message (photos added, checked again) lifts it
        self._summary_stopped = False
        self._settings_note = ""    # the school's settings changed: approvals no longer count
        # why each approved caption may not go out now ((channel, caption, media type, day) ->
        # the core's words, '' none): asked once, not at every refresh of the list; forgotten
        # when the register, channels or settings change (redecide_all) or are reloaded
        self._caption_refusals: dict[tuple[str, str, str, _dt.date], str] = {}
        # s34: checked in a worker (a register of 900 pupils took ~0.6 s a caption on the GUI
        # thread): the captions asked for and not back yet; results of a check started before
        # the register, channels or settings changed (``forget_captions``) are dropped
        self._captions_asked: set[tuple[str, str, str, _dt.date]] = set()
        self._captions_todo: list[tuple[tuple[str, str, str, _dt.date], str, Any, str]] = []
        self._captions_worker: Any = None
        self._captions_generation = 0
        self._captions_waiting: dict[str, tuple[str, str, str, _dt.date]] = {}   # path -> key
        dpr = max(1.0, float(parent.devicePixelRatioF() or 1.0))
        self.thumbs = ThumbnailQueue()
        size, ratio = int(BatchDelegate.PICTURE * dpr), dpr
        self._thumb_worker = ctx.workers.start(
            lambda stop: thumbnails(self.thumbs, size, ratio, stop), name="thumbnails",
            batch_ms=40, on_yield=self.model.set_thumbnails)
        self.model.thumbnails_wanted.connect(lambda paths: self.thumbs.request(paths, urgent=True))
        self.model.checked_content.connect(self.thumbs.checked)
        view.current_changed.connect(self.look_first)
        view.recheck_wanted.connect(self.recheck)
        ctx.engine_ready.connect(self._start_analysis)
        ctx.channel_changed.connect(lambda *_: self.redecide_all())
        ctx.register_changed.connect(self.redecide_all)
        ctx.channels_changed.connect(self.redecide_all)
        ctx.settings_changed.connect(self.redecide_all)
        ctx.approvals_changed.connect(self.refresh_approvals)
        # originals deleted after posting: the tiles say so (s42)
        ctx.records_changed.connect(lambda *_: self.refresh_approvals())
        ctx.reviews_changed.connect(self.redecide_reviewed)
        ctx.recheck_needed.connect(self.check_all_again)
        ctx.settings_news.connect(self.settings_news)
        ctx.register_reloaded.connect(self.check_out_of_date)
        ctx.register_reloaded.connect(self.forget_captions)
        ctx.register_reachable.connect(self._reachable)

    # -- adding photos ---------------------------------------------------------------------------

    def add_paths(self, paths: list[str], *, quiet: bool = False) -> None:
        """Find the photos in files and folders (in a worker: a folder may hold thousands)."""
        paths = [str(p) for p in paths]
        try:   # PhotoVet's own exports in those folders are not originals: left out
            exported = self.ctx.ws.records.exported_paths()
        except PhotoVetError:
            exported = None

        def collect():
            # photos and videos (issue 17); a Live Photo's clip beside its photo left out; the
            # folders that held none, said (s58)
            photos, skipped = collect_media(paths, exported=exported, live_clips=False)
            return photos, skipped, folders_without_media(paths, photos, skipped)

        self.status.say("Looking for photos\u2026")
        self._collecting += 1

        def failed(t: str) -> None:
            self._collecting -= 1
            self.banner.say(f"The photos could not be listed: {esc(t)}", "error")

        self.ctx.workers.start(collect, name="collect",
                               on_return=lambda res: self._collected(res, quiet),
                               on_error=failed)

    def _collected(self, result: tuple[list, list, list], quiet: bool) -> None:
        self._collecting -= 1
        photos, skipped, empty = result
        new = self.model.add_paths(str(Path(p).absolute()) for p in photos)
        self._skipped = [f"{Path(p).name}: {why}" for p, why in skipped]
        if new:
            self.thumbs.request(new)
            self._pending.extend(new)
            if self.view.current_item() is None:
                self.view.select_row(0)
            self._save()
        if not quiet:
            self._summary = False
            self._summary_stopped = False     # the batch speaks again: its summary follows
            msg = [f"Added {media_words(new)}." if new else
                   ("Those photos are already in this batch." if photos else
                    "No photos were found there.")]
            if photos and empty:      # with nothing found, "No photos were found there" says it
                msg.append(empty_folders_text(empty))
            copies = sum(1 for _p, why in skipped if why.startswith(EXPORTED_COPY))
            lives = sum(1 for _p, why in skipped if why.startswith(LIVE_CLIP))
            others = len(skipped) - copies - lives
            if others:
                msg.append(f"{plural(others, 'file')} left out because "
                           f"{'it is' if others == 1 else 'they are'} not a photo "
                           "(<a href='skipped'>which?</a>).")
            if lives:
                # s52: an iPhone's photos copied to the PC bring a short clip with sound for
                # each Live Photo; checked as videos they doubled the batch
                msg.append(f"{plural(lives, 'Live Photo clip')} (the moving part an iPhone "
                           f"keeps with {'a photo' if lives == 1 else 'its photos'}) "
                           f"{'was' if lives == 1 else 'were'} left out; "
                           f"{'its photo was' if lives == 1 else 'their photos were'} added "
                           "(<a href='skipped'>which?</a>).")
            if copies:
                msg.append(f"{plural(copies, 'copy', 'copies')} PhotoVet exported earlier "
                           f"{'was' if copies == 1 else 'were'} left out: "
                           f"{'it is' if copies == 1 else 'they are'} not an original "
                           "(<a href='skipped'>which?</a>).")
            self.banner.say(" ".join(msg) + " <a href='hide'>Hide</a>", "info")
        self.status.say("")
        self._start_analysis()

    def show_skipped(self) -> None:
        QMessageBox.information(self.window, "Files left out",
                                "\n".join(self._skipped[:200]) or "None.")

    # -- checking ----------------------------------------------------------------------------------

    @property
    def checking(self) -> bool:
        return self._analysis is not None

    def _start_analysis(self) -> None:
        engine = self.ctx.engine
        if engine is None or self._analysis is not None or not self._pending:
            return
        paths, self._pending = self._pending, []
        self._set_unchecked(paths, "")      # being checked: their tiles say so
        total = len(paths)
        generation = self._generation
        queue = self._queue = CheckQueue(paths)
        current = self.view.current_item()
        if current is not None:
            queue.first(current.path)          # the photo on screen is checked first

        def check(stop):
            done, at_once = 0, engine.photos_at_once()
            # photos side by side (one per core), a video on its own (issue 17)
            while not stop.is_set() and (group := queue.take(at_once)):
                for analysis in engine.analyse_several(group, stop=stop):
                    done += 1
                    yield done, analysis

        self._check_started = time.monotonic()
        self.status.progress_to(0, total, f"Checking {media_words(paths)}\u2026",
                                stop=self.stop_checking)
        self._analysis = self.ctx.workers.start(
            check, name="analyse", on_yield=lambda items: self._checked(items, total, generation),
            on_error=lambda t: self.banner.say(f"Checking photos stopped: {esc(t)}", "error"),
            on_finish=self._check_done)

    def _checked(self, items: list, total: int, generation: int) -> None:
        if generation != self._generation or self.ctx.register_closed:
            return
        done, rest = [], list(items)
        try:
            with self._one_channel_look():      # the channel read once for the photos back
                while rest:
                    a = rest[0][1]
                    if self.model.item_for(a.path) is None:
                        rest.pop(0)
                        continue  # a new batch was started meanwhile
                    if self.ctx.engine.out_of_date(a) and a.path not in self._out_of_date:
                        # checked while the register changed: once more (a second time it is
                        # kept, and the core holds it back at export, saying why)
                        self._out_of_date.add(a.path)
                        self._pending.append(a.path)
                        rest.pop(0)
                        continue
                    self.ctx.engine.decide(a, self.ctx.channel)
                    done.append(a)
                    rest.pop(0)
        except RegisterUnavailableError:
            # the register's server went away: these are not decided (nothing is shown as
            # checked that was not); the rest of the check goes on, and what it could not
            # decide is said at its end and checked again when the server is back
            away = [a.path for _i, a in rest if self.model.item_for(a.path) is not None]
            self._unreached.update(away)
            # their tiles say so now, not "Checking..." (s42 walk: "8 being checked" for ever)
            self._set_unchecked(away, "unreached")
        if done:
            self.model.set_analyses(done)
            self.refresh_approvals([a.sha256 for a in done])
            self.analysed.emit(done)
        last = items[-1][0]
        left = words.time_left(last, total, time.monotonic() - self._check_started)
        self.status.progress_to(last, total, f"Checking: {last} of {total}"
                                + (f" ({left})" if left else ""))

    def _set_unchecked(self, paths: list[str], why: str) -> None:
        """Tiles, counts and the photo on screen say which photos nobody is checking."""
        paths = [p for p in paths if (it := self.model.item_for(p)) is not None
                 and it.analysis is None and it.unchecked != why]
        if paths:
            self.model.set_unchecked(paths, why)
            self.unchecked_changed.emit(paths)

    def look_first(self, item: Any) -> None:
        """The photo a person opens is checked next when it is still waiting (issue 14)."""
        if item is not None and item.analysis is None and self._queue is not None:
            self._queue.first(item.path)

    def _check_done(self, stopped: int) -> None:
        self._analysis = None
        self._queue = None
        left = self.model.unanalysed_paths()
        self.status.done("")
        if not self._pending and self.ctx.settings_change is not None:
            # after a crest change: which approvals really no longer count is known now
            self.ctx.settings_checked_again([it.analysis for it in self.model.items
                                             if it.analysis is not None])
            if self._settings_note:
                self._settings_note = self.ctx.settings_note()
        unreached = [p for p in left if p in self._unreached]
        if stopped and left:
            self.banner.say(f"Checking stopped. {media_words(left)} not checked yet: "
                            "they cannot be exported. <a href='recheck'>Check them now</a>",
                            "warning")
        elif unreached and not self.ctx.server_away and not self._unreached_again:
            # back already (it came back while the check went on): checked again at once,
            # once (a server still away that the feed has not noticed yet is said below)
            self._unreached_again = True
            self._unreached.clear()
            self._pending.extend(p for p in unreached if p not in self._pending)
        elif unreached:
            self._summary = False
            self.banner.say(f"{media_words(unreached)} could not be checked: the register's "
                            "server could not be reached. They cannot be exported until they "
                            "are checked. PhotoVet checks them again when the server is back. "
                            "<a href='recheck'>Check them now</a>", "warning")
        elif self.model.items and not self._summary_stopped:
            self._summary = True
            self.refresh_summary()
        # s42 walks: what nobody checks now (stopped, an error, the server away) is said on its
        # tile and in the counts as not checked, not "Checking..." / "10 being checked"
        self._set_unchecked([it.path for it in self.model.items
                                  if it.analysis is None and not it.unchecked
                                  and it.path not in self._pending], "stopped")
        self.finished_checking.emit()
        if self._pending:
            self._start_analysis()

    def refresh_summary(self) -> None:
        """The banner's summary follows the review (it never says "3 have a decision for you"
        once they are answered)."""
        if not self._summary or self._analysis is not None or not self.model.items:
            return
        c = self.model.counts()
        # the model's counts, kept as rows change (s36: every file name was read at each refresh)
        bits = [f"Checked {media_count(c.get('checked:photo', 0), c.get('checked:video', 0))}."]
        if not self.view.deciding:
            # a senior leader (or the approver's view): the open decisions are the preparer's,
            # theirs is the approval (s37 walk: "Nothing is waiting for your decision" above
            # "Waiting for approval (7)")
            waiting = c.get("approval:waiting", 0)
            if waiting:
                bits.append(f"{waiting} {'waits' if waiting == 1 else 'wait'} for approval.")
            if c.get("needs-review"):
                bits.append(f"{c['needs-review']} still open for the preparer (covered until "
                            "they decide).")
        elif c.get("needs-review"):
            bits.append(f"<a href='review'>{c['needs-review']} "
                        f"{'has' if c['needs-review'] == 1 else 'have'} a decision for "
                        "you</a>.")
        else:
            bits.append("Nothing is waiting for your decision.")
        if c.get("failed"):
            bits.append(f"{c['failed']} could not be checked (choose \u201cCould not be "
                        "checked\u201d to see why).")
        if self._settings_note:      # stays until hidden: the approver must hear of it
            bits.append(esc(self._settings_note))
        self.banner.say(" ".join(bits) + " <a href='hide'>Hide</a>", "info")

    def person_changed(self) -> None:
        """Someone else signed in: the batch's summary ('Checked 11 photos. 4 have a decision
        for you') was about the previous person's work and goes; a change of the school's
        settings that voided approvals stays said (the approver must hear of it)."""
        if not self._summary:
            return
        self._summary = False
        self.banner.say(f"{esc(self._settings_note)} <a href='hide'>Hide</a>"
                        if self._settings_note else "")

    def stop_summary(self) -> None:
        """Another message takes the banner (the device was cleared): the summary no longer
        follows the review there, so a re-read of the register does not write over it, nor
        does the end of a check that was running (the device's copies, checked while it was
        cleared: seen on a loaded machine)."""
        self._summary = False
        self._summary_stopped = True

    def hide_summary(self) -> None:
        self._summary = False
        self._settings_note = ""
        self.banner.say("")

    @property
    def checks_waiting(self) -> bool:
        """Photos are being listed, checked, or wait to be (checked again: the register
        changed)."""
        return self._analysis is not None or bool(self._pending) or self._collecting > 0

    def stop_checking(self) -> None:
        self._pending.clear()
        if self._analysis is not None:
            self.status.say("Stopping after the photo in hand\u2026")
            self._analysis.stop()

    def check_all_again(self) -> None:
        """Settings that change what analysis finds changed: every photo is checked again."""
        self.stop_checking()
        self._generation += 1
        for it in self.model.items:
            it.analysis = None
        self.model.refresh_rows()
        self._pending = [it.path for it in self.model.items]
        n = len(self._pending)
        self._summary_stopped = False
        self._settings_note = self.ctx.settings_note()
        self._summary = False
        if n or self.ctx.settings_change_by or self._settings_note:
            doing = (f"{media_words(self._pending)} {'is' if n == 1 else 'are'} being checked "
                     "again" if n else "photos added now are checked with the new settings")
            self.banner.say(f"{esc(self.ctx.settings_words(doing))} <a href='hide'>Hide</a>",
                            "info")
        # else: this person's own change with no photo checked (the first run's Settings):
        # nothing was checked with the old settings, so there is nothing to say
        self._start_analysis()

    def settings_news(self, text: str) -> None:
        """What a change of the school's settings did (the context's words); it stays until
        hidden (the batch's summary does not take its place)."""
        self._summary = False
        self._settings_note = self.ctx.settings_note()
        self.banner.say(f"{esc(text)} <a href='hide'>Hide</a>", "info")

    def check_out_of_date(self) -> None:
        """The register changed in a way the checks depend on (someone enrolled or removed, a
        name, the school's details), and the checking process has the new one: the photos
        checked with the old register are checked again. The core would hold them back at
        export (``Engine.out_of_date``); a consent change alone leaves them as they are."""
        engine = self.ctx.engine
        if engine is None:
            return
        stale = [it for it in self.model.items
                 if it.analysis is not None and engine.out_of_date(it.analysis)]
        if not stale:
            return
        self._out_of_date = set()
        for it in stale:
            it.analysis = None
            if it.path not in self._pending:
                self._pending.append(it.path)
        self.model.refresh_rows()
        self.banner.say(f"The register changed (face photos, names or the school's details): "
                        f"{media_words(it.path for it in stale)} "
                        f"{'is' if len(stale) == 1 else 'are'} being checked again.", "info")
        self._summary = False
        self._summary_stopped = False
        self._start_analysis()

    def _reachable(self, reachable: bool) -> None:
        """The register's server is back: what a check could not decide while it was away is
        checked again (each photo's analysis is usually in the cache: quick)."""
        if not reachable:
            return
        self._unreached_again = False
        if not self._unreached:
            return
        if self._analysis is not None:
            return                  # the check still running says it at its end
        self._unreached.clear()
        self.recheck()

    def recheck(self) -> None:
        left = [p for p in self.model.unanalysed_paths() if p not in self._pending]
        self._pending.extend(left)
        self._set_unchecked(left, "")       # waiting their turn: "Checking..."
        self.banner.say("")
        self._start_analysis()

    # -- deciding again (channel, register, review changes) ----------------------------------------

    def redecide_all(self) -> None:
        self.forget_captions()      # the names a caption may show may have changed
        if self.ctx.engine is None or not self.model.items:
            return
        self._redecide = list(range(len(self.model.items)))
        QTimer.singleShot(0, self._redecide_step)

    def _redecide_step(self) -> None:
        if self.ctx.register_closed:        # the window closed with its register meanwhile
            self._redecide = []
            return
        chunk, self._redecide = self._redecide[:DECIDE_CHUNK], self._redecide[DECIDE_CHUNK:]
        done = []
        with self._one_channel_look():      # the channel read once a chunk
            for r in chunk:
                it = self.model.item(r)
                if it is None or it.analysis is None:
                    continue
                self.ctx.engine.decide(it.analysis, self.ctx.channel)
                done.append(it.analysis)
        if done:
            self.model.set_analyses(done)
            self.refresh_approvals([a.sha256 for a in done])
            self.analysed.emit(done)
        if self._redecide:
            QTimer.singleShot(0, self._redecide_step)
        else:
            self.refresh_summary()

    def redecide(self, item: PhotoItem) -> None:
        """One photo again (after a review change). The photo on screen stays listed and
        chosen though it may no longer match the list's "Show" choice, until the person moves
        on (finding 12)."""
        if item.analysis is None or self.ctx.engine is None:
            return
        self.view.hold(item.path)
        self.ctx.engine.decide(item.analysis, self.ctx.channel)
        self.model.set_analyses([item.analysis])
        self.refresh_approvals([item.analysis.sha256])
        self.refresh_summary()

    def redecide_reviewed(self, shas: list[str]) -> None:
        """Photos whose review another PC changed (every photo: ``shas`` empty), decided
        again with it, so what is shown, and the version the next decision is made against,
        are the register's."""
        if self.ctx.engine is None:
            return
        want = set(shas)
        analyses = [it.analysis for it in self.model.items if it.analysis is not None
                    and (not want or it.analysis.sha256 in want)]
        with self._one_channel_look():
            for a in analyses:
                self.ctx.engine.decide(a, self.ctx.channel)
        # content ids and review versions only: which photos were shown anew, and as what
        log.info("reviews changed elsewhere: %d photo(s) decided again (%s%s)", len(analyses),
                 ", ".join(f"{a.sha256[:12]} v{a.review_version or '-'}" for a in analyses[:10]),
                 ", ..." if len(analyses) > 10 else "")
        if analyses:
            self.model.set_analyses(analyses)
            self.refresh_approvals([a.sha256 for a in analyses])

    def refresh_approvals(self, shas: list[str] | None = None) -> None:
        want = set(shas) if shas is not None else None
        states = {}
        lapsed: set[str] = set()
        captions: dict[str, str | None] = {}
        ws = self.ctx.ws
        # each approver's roles, and each channel, read once (s35: ~2.3 ms a photo before)
        with ws.approvals.one_look(), self._one_channel_look():
            for it in self.model.items:
                a = it.analysis
                if a is None or (want is not None and a.sha256 not in want):
                    continue
                st = ws.approvals.get(a.sha256, a.channel) if a.sha256 and not a.error \
                    else None
                states[it.path] = approval_state(self.ctx, a, st)
                if states[it.path][0] == "void" and as_handed_on(self.ctx, a, "void") != "void":
                    lapsed.add(it.path)
                if states[it.path][0] == "approved":
                    key, captions[it.path] = self._caption_check(a, st)
                    if key is not None and captions[it.path] is None:
                        self._captions_waiting[it.path] = key     # said when it is back
                    else:
                        self._captions_waiting.pop(it.path, None)
        self.model.set_approvals(states, lapsed, captions, self._originals_gone(states),
                                 self._on_takedown_list(states))
        self.refresh_summary()        # a photo marked ready is no longer "a decision for you"

    def _originals_gone(self, paths: Any) -> dict[str, Any]:
        """path -> the core's ``OriginalGone`` for the photos among ``paths`` whose original
        "Delete originals" deleted (``transfer.originals_gone``), None for the others."""
        # a photo checked again once its original was deleted fails (no content hash): known
        # by the content it was checked as before (s42: it said "Could not check"). Path ->
        # content: the same photo twice in the batch (under two names) is answered for each
        # of its paths (s43 audit: one path per content, only one tile said "Original deleted")
        photos = {it.path: it.analysis.sha256 or it.known_sha for it in self.model.items
                  if it.path in paths and it.analysis is not None
                  and (it.analysis.sha256 or it.known_sha)}
        try:
            gone = originals_gone_at(self.ctx.ws.records,
                                     [(sha, p) for p, sha in photos.items()], self.ctx.channel)
        except PhotoVetError:       # the register unreachable: said elsewhere; left as it was
            return {}
        return {p: gone.get((sha, p)) for p, sha in photos.items()}

    def _on_takedown_list(self, paths: Any) -> dict[str, Any] | None:
        """path -> the core's ``OnTakedownList`` for the photos among ``paths`` with a copy on
        the take-down list not yet marked done (``takedown.open_for``), None for the others;
        None when the list cannot be read (the tiles keep what they said: fail closed)."""
        # path -> content: the same photo twice in the batch (under two names) is on the list
        # on both tiles (s43 audit: one path per content left the other tile saying
        # "Approval ended" or "Approved" for a photo that must come down)
        photos = {it.path: it.analysis.sha256 or it.known_sha for it in self.model.items
                  if it.path in paths and it.analysis is not None
                  and (it.analysis.sha256 or it.known_sha)}
        try:
            listed = takedown.open_for(self.ctx.ws.records, photos.values(), self.ctx.channel)
        except PhotoVetError:       # the register unreachable: said elsewhere; left as it was
            return None
        return {p: listed.get(sha) for p, sha in photos.items()}

    def _one_channel_look(self) -> Any:
        engine = self.ctx.engine
        return engine.one_look() if engine is not None else contextlib.nullcontext()

    def caption_refused(self, a: PhotoAnalysis | None, st: Any) -> str | None:
        """``approved_caption_refused`` for the list and the approval panel, asked once per
        channel, caption and media type until the register, channels or settings change;
        None while it is being checked (in a worker: ``captions_checked`` says when it is
        back; the list and the panel say "checking", never "Approved" unchecked)."""
        return self._caption_check(a, st)[1]

    def _caption_check(self, a: PhotoAnalysis | None, st: Any
                       ) -> tuple[tuple[str, str, str, _dt.date] | None, str | None]:
        """(what is checked, ``caption_refused``'s answer)."""
        if not approved_caption_to_check(self.ctx, a, st):
            return None, ""
        assert a is not None and self.ctx.engine is not None
        # the check reads the caption, the channel and the media type, not the photo: a batch
        # approved with one caption is checked once (again on another day: a leaving date)
        key = (a.channel, st.approved_caption, words.media_of(a), _dt.date.today())
        if key in self._caption_refusals:
            return key, self._caption_refusals[key]
        if key not in self._captions_asked:
            try:     # the channel read here, on the GUI thread (the worker reads no register)
                channel = self.ctx.engine.channel(a.channel)
            except PhotoVetError as exc:
                self._caption_refusals[key] = sentence(exc.message)
                return key, self._caption_refusals[key]
            self._captions_asked.add(key)
            self._captions_todo.append((key, st.approved_caption, channel, key[2]))
            QTimer.singleShot(0, self._check_captions)
        return key, None

    def _check_captions(self) -> None:
        """Check the captions asked for, one after another in a worker (stopped by a change
        between two); each result is stored and shown as it comes back."""
        if not self._captions_todo or self.ctx.engine is None or (
                self._captions_worker is not None and self._captions_worker.running):
            return
        todo, self._captions_todo = self._captions_todo, []
        engine, generation = self.ctx.engine, self._captions_generation

        def check(stop):
            for key, caption, channel, media in todo:
                if stop.is_set():
                    return
                yield key, caption_refusal_words(engine, caption, channel, media)

        def failed(text: str) -> None:
            # never "Approved" unchecked: what could not be checked is said as not allowed
            if generation == self._captions_generation:
                self._captions_back([(key, sentence(f"its caption could not be checked: {text}"))
                                     for key, *_ in todo if key not in self._caption_refusals])

        self._captions_worker = self.ctx.workers.start(
            check, name="captions", batch_ms=500,
            on_yield=lambda got: self._captions_back(got) if
            generation == self._captions_generation else None,
            on_error=failed,
            on_finish=lambda *_: QTimer.singleShot(0, self._check_captions))

    def _captions_back(self, got: list[tuple[tuple[str, str, str, _dt.date], str]]) -> None:
        """Checked captions (key, the core's words or ''): stored, and the photos approved
        with them say so."""
        for key, said in got:
            self._caption_refusals[key] = said
            self._captions_asked.discard(key)
        captions = {path: self._caption_refusals[key]
                    for path, key in self._captions_waiting.items()
                    if key in self._caption_refusals}
        for path in captions:
            del self._captions_waiting[path]
        self.model.set_caption_refusals(captions)
        self.captions_checked.emit()

    def forget_captions(self) -> None:
        """The register, channels or settings changed: every approved caption is checked
        again (a check under way is stopped and what it finds dropped)."""
        self._captions_generation += 1
        self._caption_refusals.clear()
        self._captions_asked.clear()
        self._captions_todo = []
        self._captions_waiting.clear()
        if self._captions_worker is not None:
            self._captions_worker.stop()
            self._captions_worker = None

    # -- new batch -----------------------------------------------------------------------------

    def new_batch(self, confirm: Callable[[str], bool] | None = None) -> bool:
        if self.model.items:
            text = (f"Start a new batch? The {media_count(self.model.items)} in this one leave the "
                    "list.\n\n"
                    "Nothing is lost: your original photos are not touched, and every decision "
                    "and approval is kept (it comes back if you add the same photos again).")
            ok = confirm(text) if confirm is not None else QMessageBox.question(
                self.window, "Start a new batch?", text,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes
            if not ok:
                return False
        self.stop_checking()
        self._generation += 1
        self._pending.clear()
        self.thumbs.forget()
        self.model.clear()
        self.label = ""
        self._save()
        self.banner.say("")
        self._summary = False
        self.cleared.emit()
        return True

    def remove(self, path: str) -> None:
        """A photo leaves the batch (its original was deleted)."""
        self.model.remove_path(path)
        self._save()

    def remove_from_batch(self, paths: list[str]) -> None:
        """The person takes photos out of this batch (a file that could not be checked, one
        added by mistake): only the list changes, never a file; the next photo is chosen."""
        paths = [p for p in paths if self.model.item_for(p) is not None]
        if not paths:
            return
        row = self.view.list.currentIndex().row()
        gone = set(paths)
        self._pending = [p for p in self._pending if p not in gone]
        if self._queue is not None:
            for p in paths:
                self._queue.discard(p)
        for p in paths:
            self.model.remove_path(p)
        self._save()
        self.view.select_row(min(max(row, 0), self.view.proxy.rowCount() - 1))
        names = ", ".join(Path(p).name for p in paths[:3]) + (" \u2026" if len(paths) > 3
                                                                else "")
        self.status.say(f"{names} left this batch. The file itself is not touched.")
        self.refresh_summary()

    # -- keeping the batch across restarts --------------------------------------------------------

    def set_label(self, label: str) -> None:
        self.label = label
        self._save()

    def _save(self) -> None:
        self.ctx.qs.setValue("batch/paths", [it.path for it in self.model.items])
        self.ctx.qs.setValue("batch/label", self.label)

    def restore(self) -> None:
        value = self.ctx.qs.value("batch/paths", []) or []
        # QSettings gives one path back as a string, several as a list
        saved: list[str] = [value] if isinstance(value, str) else \
            [str(p) for p in value] if isinstance(value, (list, tuple)) else []
        there = [p for p in saved if Path(p).is_file()]
        if len(there) != len(saved):
            # the files no longer on this PC (deleted once posted, or by the retention
            # schedule) leave the saved list now: their names, often a pupil's, stayed in
            # gui.ini until the batch changed (audit s29)
            self.ctx.qs.setValue("batch/paths", there)
        if there:
            self.add_paths(there, quiet=True)
            gone = len(saved) - len(there)
            if gone:
                left = [p for p in saved if p not in there]
                self.banner.say(f"{media_words(left)} of the last batch "
                                f"{'is' if gone == 1 else 'are'} no longer on this PC and left "
                                "the list.", "info")

    def analyses(self) -> list[PhotoAnalysis]:
        return self.model.analysed()

    def item(self, path: str) -> Any:
        return self.model.item_for(path)


__all__ = ["BatchController", "approval_state"]
