"""What every part of the window shares: the Workspace (register, records, approvals, reviews,
settings, channels), the engine, who is acting, the background workers, and the signals that
keep every view up to date.

Every change to the register, the channels, the settings or the export records is announced
here, once, by whoever made it; every view that shows them listens. That is how a register
imported from the first-run checklist shows at once on the register tab (issue 15).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from photovet.core import logs
from photovet.core.changes import RESYNC
from photovet.core.errors import AccountError, PhotoVetError
from photovet.core.models import Channel
from photovet.core.workspace import Workspace

from .session import Session
from .tasks import Workers
from .words import error_text

log = logs.get("gui")


def gui_settings(home: Path) -> QSettings:
    """Window state, kept beside the register (PHOTOVET_HOME is honoured). It names the
    batch's files (often a pupil's name), so it is readable by this user only: made 0600
    before Qt first writes it (Qt keeps an existing file's permissions, and made a new one
    0644: audit s29)."""
    path = Path(home) / "gui.ini"
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        pass        # Qt says nothing either when it cannot write its settings
    return QSettings(str(path), QSettings.Format.IniFormat)


class AppContext(QObject):
    register_changed = Signal()       # people, consent, enrolments
    channels_changed = Signal()
    settings_changed = Signal()
    records_changed = Signal()        # exports, posts, take-down items, deletions
    approvals_changed = Signal(list)  # content hashes
    reviews_changed = Signal(list)    # content hashes whose review another PC changed
    register_reachable = Signal(bool)  # the register's server went away (False), is back (True)
    channel_changed = Signal(str)     # the channel the batch is being prepared for
    engine_ready = Signal()
    engine_failed = Signal(str)
    recheck_needed = Signal()         # settings that change what analysis finds were changed
    register_reloaded = Signal()      # the checking process has the register as it is now
    problem = Signal(str)             # something the person must know (shown in a banner)
    settings_news = Signal(str)       # what a change of the school's settings did (a banner)

    #: how often the register's change feed is read (ms): one indexed read when nothing changed
    CHANGES_EVERY_MS = 2000

    def __init__(self, ws: Workspace, *, qs: QSettings | None = None,
                 engine_factory: Callable[[Workspace], Any] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.ws = ws
        self.qs = qs or gui_settings(ws.home)
        self.workers = Workers(self)
        self.session = Session(ws, self)
        # set by the window: shows a refusal of the core (a lock brings up the lock screen)
        self.on_refusal: Callable[[QWidget | None, str, BaseException], None] | None = None
        self.engine: Any = None
        self._engine_factory = engine_factory
        self._engine_starting = False
        self._helper: Any = None
        self.channel = str(self.qs.value("review/channel", "") or "")
        if self.channel not in self.ws.channels.ids():
            ids = self.ws.channels.ids()
            self.channel = "website" if "website" in ids else (ids[0] if ids else "")
        self.register_changed.connect(self._reload_people)
        self.channels_changed.connect(self._channels_changed)
        # the last change of the school's settings (core SettingsChange), and who made it when
        # it was made outside this window (another PC, or a photovet command)
        self.settings_change: Any = None
        self.settings_change_by = ""
        self.settings_change_what = ""
        # other PCs' (and commands') changes to the register, read on the window's thread
        self._feed: Any = None
        self._feed_lost = False
        self._feed_timer = QTimer(self)
        self._feed_timer.setInterval(self.CHANGES_EVERY_MS)
        self._feed_timer.timeout.connect(self.poll_changes)
        try:
            self._feed = ws.changes()
            self._feed_timer.start()
        except PhotoVetError as exc:   # the app works on; it only hears of others' changes late
            log.warning("the register's change feed is not read: %s", exc)

    # -- the register and channels -------------------------------------------------------------

    def staff_names(self) -> list[str]:
        return sorted(p.display_name for p in self.ws.register.people() if p.is_staff)

    def channels(self) -> list[Channel]:
        return self.ws.channels.all()

    def current_channel(self) -> Channel:
        return self.ws.channels.get(self.channel)

    def set_channel(self, channel_id: str) -> None:
        if channel_id and channel_id != self.channel:
            self.channel = channel_id
            self.qs.setValue("review/channel", channel_id)
            self.channel_changed.emit(channel_id)

    def _channels_changed(self) -> None:
        if self.channel not in self.ws.channels.ids():
            self.set_channel(self.ws.channels.ids()[0])

    # -- the engine ----------------------------------------------------------------------------

    def start_engine(self) -> None:
        """Start the helper process that holds the models (seconds, in a worker)."""
        if self.engine is not None or self._engine_starting:
            return
        if self._engine_factory is not None:
            self._set_engine(self._engine_factory(self.ws))
            return
        self._engine_starting = True
        ws = self.ws

        def start(stop):
            helper = ws.start_helper(stop=stop)
            self._helper = helper          # so shutdown can stop it even before it is handed over
            if stop.is_set():
                helper.close()
                return None
            return helper

        def started(helper: Any) -> None:
            if helper is not None:
                self._set_engine(self.ws.engine(helper))

        def failed(text: str) -> None:
            self._engine_starting = False
            self.engine_failed.emit(text)

        self.workers.start(start, name="engine", on_return=started, on_error=failed)

    def _set_engine(self, engine: Any) -> None:
        self._engine_starting = False
        self.engine = engine
        self.engine_ready.emit()

    @property
    def server_away(self) -> bool:
        """The change feed last found the register's server could not be reached (said with
        ``register_reachable``)."""
        return bool(getattr(self, "_feed_lost", False))

    def poll_changes(self) -> None:
        """Read what changed in the register since the last look (the core's change feed):
        the school's settings changed elsewhere are read again, and what is shown decided
        again with them; a channel changed elsewhere is decided again."""
        if self._feed is None:
            return
        try:
            changes = self._feed.poll()
        except PhotoVetError as exc:
            log.info("change feed: %s", exc)
            if not self._feed_lost:          # said once; the feed goes on trying
                self._feed_lost = True
                self.register_reachable.emit(False)
            return
        if self._feed_lost:
            self._feed_lost = False
            self.register_reachable.emit(True)
        if changes:     # audit ids and actions only (never a name): what the window acts on
            log.info("change feed: %s", ", ".join(f"#{c.id} {c.action}" for c in changes))
        settings = [c for c in changes if c.area == "settings" or c.action == RESYNC]
        if settings:
            self.school_settings_reread(settings[-1].actor)
        if any(c.area == "channel" or c.action == RESYNC for c in changes):
            self.channels_changed.emit()
        resync = any(c.action == RESYNC for c in changes)
        if resync or any(c.area == "account" for c in changes):
            try:
                self.session.reread_roles()
            except PhotoVetError as exc:
                log.info("roles not read again: %s", exc)
        if resync or any(c.area == "register" for c in changes):
            self._register_changed_elsewhere()
        reviewed = [str(c.details.get("sha256")) for c in changes
                    if c.area == "review" and c.details.get("sha256")]
        if reviewed or resync:
            self.reviews_changed.emit(list(dict.fromkeys(reviewed)) if not resync else [])
        decided = [str(c.details.get("sha256")) for c in changes
                   if c.area == "approval" and c.details.get("sha256")]
        if decided:
            self.approvals_changed.emit(list(dict.fromkeys(decided)))

    def _register_changed_elsewhere(self) -> None:
        """People, consent or face photos changed on another PC (or by a command): what is
        shown is decided again with the register as it is now (a withdrawal made elsewhere
        covers the face here within seconds). A change this window made itself was taken in
        when it was made: nothing is done twice."""
        engine = self.engine
        if engine is None:
            self.register_changed.emit()
            return
        before = (engine.people, engine.register_key())
        engine.reload_people()
        if (engine.people, engine.register_key()) != before:
            self.register_changed.emit()

    def school_settings_reread(self, actor: str = "") -> None:
        """The school's settings may have been changed outside this window: the core reads
        them again and says what changed (nothing, when this window saved them itself)."""
        before = self.ws.settings.analysis_key()
        try:
            change = self.ws.reload_settings_change(self.engine)
        except PhotoVetError as exc:
            self.problem.emit(error_text(exc, after="The school's settings were changed "
                                                     "elsewhere but could not be read again")
                              + " Restart PhotoVet.")
            return
        if change.changed:
            self.settings_saved(before, change, by=actor or "someone")

    def settings_words(self, doing: str = "") -> str:
        """The banner after the school's settings changed, in the school's words: what changed,
        where, what happens now (``doing``: '9 photos and 1 video are being checked again'),
        and the approvals that no longer count because of it."""
        change, by = self.settings_change, self.settings_change_by
        what = change.what() if change is not None else (self.settings_change_what
                                                          or "the school's settings")
        if by:
            text = (f"The school's settings were changed by {by} on another computer or from the "
                    f"command line: {what}." + (f" {doing[:1].upper()}{doing[1:]}."
                                                    if doing else ""))
        else:
            text = f"{what[:1].upper()}{what[1:]} changed" + (f": {doing}." if doing else ".")
        if change is not None and _told(change):
            text += f" {change.voids_sentence()}"
        return text

    def settings_note(self) -> str:
        """What stays said after the photos are checked again: the change and the approvals
        that no longer count ('' when none)."""
        change = self.settings_change
        return self.settings_words() if change is not None and _told(change) else ""

    def settings_checked_again(self, analyses: list) -> None:
        """The photos were checked again after a crest change whose approvals MAY no longer
        count: the core says which really no longer count, and the words say that from now."""
        change = self.settings_change
        if change is None or not getattr(change, "may", False) or self.engine is None:
            return
        try:
            self.settings_change = self.ws.pictures_change_checked(change, analyses, self.engine)
        except PhotoVetError as exc:
            log.info("approvals after the crest change not settled: %s", exc)

    def settings_saved(self, analysis_key_before: str, change: Any = None, *, by: str = "",
                       what: str = "") -> None:
        """The school's settings changed (``change``: the core's SettingsChange; ``by``: who,
        when it was not in this window; ``what``: words when there is no SettingsChange, e.g.
        a crest picture): decide with the new ones at once; when they change what analysis
        finds, the helper starts again with them and the batch is checked again."""
        self.settings_change, self.settings_change_by = change, by
        self.settings_change_what = what
        recheck = self.ws.settings.analysis_key() != analysis_key_before
        if self.engine is not None:
            if recheck:
                old, self.engine = self.engine, None
                old.close()
                self.start_engine()
                self.recheck_needed.emit()
            elif self._engine_factory is not None:
                self.engine = self._engine_factory(self.ws)
            else:
                self.engine = self.ws.engine(self.engine.process)
        self.settings_changed.emit()
        if not recheck and (by or (change is not None and (change.voids or "mode" in
                                                           change.sections))):
            self.settings_news.emit(self.settings_words(
                "what will be published has been decided again"))

    def _reload_people(self) -> None:
        """After any register change: people here at once, the helper in the background
        (then ``register_reloaded``: photos checked with the old register can be checked
        again)."""
        engine = self.engine
        if engine is None:
            return
        engine.reload_people()
        self.workers.start(engine.reload_helper, name="reload-helper",
                           on_return=lambda _none: self.register_reloaded.emit(),
                           on_error=lambda t: self.problem.emit(
                               f"The register changed, but the checking process could not "
                               f"re-read it: {t} Restart PhotoVet before checking more photos."))

    # -- threads and the register ---------------------------------------------------------------

    @contextlib.contextmanager
    def thread_workspace(self) -> Iterator[Workspace]:
        """A workspace of its own for a worker thread (one database connection per thread)."""
        ws = Workspace.open(self.ws.home, access=self.ws.access)   # the same signed-in person
        try:
            yield ws
        finally:
            ws.close()

    # -- telling the person ---------------------------------------------------------------------

    def fail(self, parent: QWidget | None, title: str, exc: BaseException | str) -> None:
        """A dialog with the problem in plain words (a refusal of the core because nobody is
        signed in, or the session locked itself, brings up the sign-in or lock screen)."""
        if isinstance(exc, AccountError) and self.on_refusal is not None:
            self.on_refusal(parent, title, exc)
            return
        text = exc if isinstance(exc, str) else error_text(exc)
        QMessageBox.warning(parent, title, text)

    # -- closing --------------------------------------------------------------------------------

    @property
    def register_closed(self) -> bool:
        """The register was closed (the window closed with it): a redraw, a timer or a worker's
        answer that comes late has nothing to show and must not read it (it would raise
        ``RegisterClosedError``)."""
        return self.ws.db.closed

    def shutdown(self, wait_ms: int = 60000) -> None:
        """Stop every worker (each finishes the file in hand) and the helper process."""
        self._feed_timer.stop()
        self.workers.stop_all(wait_ms)
        if self.engine is not None:
            self.engine.close()
        elif self._helper is not None:
            self._helper.close()
        self.qs.sync()



def _told(change: Any) -> bool:
    """Has the change something about approvals to say (``voids_sentence``)?"""
    return bool(getattr(change, "told", change.voids))


__all__ = ["AppContext", "gui_settings"]
