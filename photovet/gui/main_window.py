"""The main window: menus, toolbar, banners and two tabs (Photos, Consent register). It builds
the views and hands every job to a controller (batch, review, approval, device, export, after
posting, register, first run); it decides nothing itself."""

from __future__ import annotations

import html
import platform
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from photovet import __version__ as photovet_version
from photovet.core import logs
from photovet.core.errors import PhotoVetError
from photovet.core.media.imaging import IMAGE_EXTENSIONS, VIDEO_EXTENSIONS

from . import style
from .context import AppContext
from .controllers.access import AccessController
from .controllers.accounts import AccountsController
from .controllers.after_posting import AfterPostingController
from .controllers.approval import ApprovalController
from .controllers.batch import BatchController
from .controllers.device import DeviceController
from .controllers.export import ExportController
from .controllers.register import RegisterController
from .controllers.review import ReviewController
from .controllers.school_rules import install_school_rules
from .controllers.setup import SetupController
from .controllers.video import install_video
from .session import permit
from .views.banners import Banner, ElidedLabel, KeyBanner, LogBanner, Status
from .views.checklist import ChecklistPanel
from .views.photos_tab import PhotosTab
from .views.register_tab import RegisterView
from .words import about_text, esc

#: the kinds a phone or a camera makes, named first in the file dialog's filters
_USUAL = (".jpg", ".jpeg", ".heic", ".png", ".mov", ".mp4")


def _patterns(extensions: set[str]) -> str:
    """"*.jpg *.jpeg ... *.3gp": the usual kinds first, the others in order."""
    def rank(e: str) -> tuple[int, str]:
        return (_USUAL.index(e) if e in _USUAL else len(_USUAL), e)

    return " ".join(f"*{e}" for e in sorted(extensions, key=rank))


#: what "Add photos" shows: photos and videos together first (s56 walk: the clips of a trip
#: were hidden by a "Photos" filter, though a folder added with them checks them), every kind
#: PhotoVet reads (the core's lists: ".jfif", ".hif" and ".mpo" were missing), whatever the
#: case of the name (IMG_0001.JPG, IMG_0002.MOV)
MEDIA_FILTER = ";;".join((
    f"Photos and videos ({_patterns(IMAGE_EXTENSIONS | VIDEO_EXTENSIONS)})",
    f"Photos ({_patterns(IMAGE_EXTENSIONS)})",
    f"Videos ({_patterns(VIDEO_EXTENSIONS)})",
    "All files (*)"))


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("PhotoVet")
        self.setWindowIcon(style.icon("app"))
        self.setAcceptDrops(True)
        self.setStyleSheet(style.APP_STYLESHEET)
        self._permissions: list[tuple[QAction, str]] = []
        self._chosen_actions: list[QAction] = []      # about the photo in the window
        self._chosen_needs: dict[QAction, tuple[Callable[[], bool], str]] = {}
        self._anytime_actions: list[QAction] = []      # enabled with nobody signed in
        self._veiled: list[QAction] = []               # greyed out by the lock, given back after
        self._shown_to = ""            # who the window was last shown to (signed in)
        self.status = Status(self.statusBar())
        self.who = ElidedLabel("", min_width=160)     # a long name and four roles: cut, never
        self.who.setObjectName("SignedIn")             # wider than the screen
        self.statusBar().addPermanentWidget(self.who)
        self.key_banner = KeyBanner(ctx)
        self.takedown_banner, self.approval_banner = Banner("error"), Banner("warning")
        self.problem_banner, self.message_banner = Banner("error"), Banner("info")
        self.log_banner = LogBanner()        # the support log cannot be written: said once
        for b in (self.takedown_banner, self.message_banner, self.problem_banner,
                  self.log_banner, self.approval_banner):
            b.linkActivated.connect(self.link)

        self.photos = PhotosTab()
        self.checklist = ChecklistPanel()
        self.photos_stack = QStackedWidget()
        self.photos_stack.addWidget(self.checklist)
        self.photos_stack.addWidget(self.photos)
        self.register_view = RegisterView(ctx)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.photos_stack, "Photos")
        self.tabs.addTab(self.register_view, "Consent register")

        self.batch = BatchController(ctx, self.photos.batch, self.status, self.message_banner, self)
        self.review = ReviewController(ctx, self.photos, self.batch, self)
        self.approval = ApprovalController(ctx, self.photos, self.batch, self.review, self)
        self.device = DeviceController(ctx, self.batch, self.status, self.message_banner, self)
        # the copies become the batch: shown as Add photos shows them (walk s39: copied from
        # the Consent register tab, the photos were checked out of sight)
        self.device.copying.connect(self.show_photos)
        self.export = ExportController(ctx, self.batch, self)
        self.after = AfterPostingController(ctx, self.takedown_banner, self)
        # the take-down list brought up to date (a withdrawal, a register import, an item
        # marked done): the tiles say which photos must come down (s43)
        self.after.takedown_checked.connect(lambda: self.batch.refresh_approvals())
        self.register = RegisterController(ctx, self, on_sar=self.after.subject_access,
                                           on_exports=lambda pid, page=None:
                                           self.after.open_exports(person=pid, parent=page))
        self.access = AccessController(ctx.session, self)
        self.access.quit_requested.connect(self.close)
        ctx.on_refusal = self.access.refused
        self.accounts = AccountsController(ctx, self)
        self.setup = SetupController(ctx, self.checklist, self.register, self, self.accounts)
        self.key_banner.allow_requested.connect(self._allow_pc)
        self._wire()
        self._build()
        self.school_rules = install_school_rules(self)   # issue 18: flags, devices, retention
        self.video = install_video(self)                 # issue 17: the video player
        self._restore()
        ctx.engine_failed.connect(lambda t: self.problem(
            f"PhotoVet could not start its checking process, so photos cannot be checked. {t}"))
        ctx.engine_ready.connect(lambda: self.status.say("Ready."))
        ctx.engine_ready.connect(self.key_banner.refresh)
        ctx.session.changed.connect(self._session_changed)
        self.status.say("Getting ready: loading the face and name recognisers (a few "
                        "seconds)\u2026")
        ctx.problem.connect(self.problem)
        ctx.register_reachable.connect(self._register_reachable)
        for sig in (ctx.settings_changed, ctx.channels_changed, ctx.channel_changed,
                    ctx.session.changed):
            sig.connect(lambda *_: self._approval_banner())
        self._approval_banner()
        self._interrupted_banner()
        ctx.start_engine()
        self.batch.restore()
        self.after.check_takedowns()
        self.photos_stack.setCurrentWidget(
            self.photos if self.batch.model.items or not ctx.ws.register.is_empty()
            else self.checklist)
        self.approval.session_changed()        # a senior leader starts in the approver's view
        self._session_changed()

    # -- wiring ---------------------------------------------------------------------------------

    def _wire(self) -> None:
        v = self.photos.batch
        v.add_folder_requested.connect(self.add_folder)
        v.add_files_requested.connect(self.add_files)
        v.remove_requested.connect(self.batch.remove_from_batch)
        v.current_changed.connect(lambda *_: self._update_remove())
        rv = self.register_view
        rv.import_requested.connect(lambda: self.register.import_register())
        rv.enrol_requested.connect(lambda: self.register.enrol())
        rv.person_requested.connect(self.register.open_person)
        rv.leaving_date_requested.connect(self.register.record_leaving_date)
        rv.leaving_dates_requested.connect(self.register.record_leaving_dates)
        self.checklist.start_requested.connect(lambda: self.photos_stack.setCurrentWidget(
            self.photos))
        # the Photos tab clicked while Getting started is shown on it goes back to the photos
        # (s51 walk: it did nothing; the way back was a button below the last step, out of
        # sight); from the other tab, the Photos tab shows what it showed
        self.tabs.tabBarClicked.connect(
            lambda i: self.show_photos() if i == 0 == self.tabs.currentIndex() else None)
        self.setup.changed.connect(self._setup_changed)

    def _action(self, text: str, slot, shortcut: str | None = None, icon: str | None = None,
                tip: str = "") -> QAction:
        a = QAction(style.icon(icon), text, self) if icon else QAction(text, self)
        a.triggered.connect(lambda *_: slot())
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setToolTip(tip)
            a.setStatusTip(tip)
        return a

    def _build(self) -> None:
        A = self._action
        P = self._permitted
        self.act_files = A("Add photos\u2026", self.add_files, "Ctrl+O", "files",
                           "Add photos and videos to this batch (Ctrl+O)")
        self.act_folder = A("Add a folder\u2026", self.add_folder, "Ctrl+Shift+O", "folder",
                            "Add every photo and video in a folder")
        self.act_device = P("device.import", A(
            "From a device\u2026", self.device.choose_device, None, "device",
            "Copy photos from a camera card or phone, checking every copy; then clear the "
            "device"))
        self.act_new = A("New batch\u2026", lambda: self.batch.new_batch(), "Ctrl+N")
        self.act_remove = A("Remove from this batch", self.remove_current, None, None,
                            "Take the chosen photo out of this batch (right-click it, or press "
                            "Delete in the list); the file itself is not touched")
        self.act_export = P("export", A("Export\u2026", self._export, "Ctrl+E", "export",
                                        "Write safe copies of the approved photos (Ctrl+E)"))
        self.act_approver = P("approve", A(
            "Approve photos", lambda: self._toggle_approver(), None, "approve",
            "The senior leader's view: what will be published, and approval"))
        self.act_approver.setCheckable(True)
        self.act_setup = A("Getting started", self.show_checklist, None, "ready")
        # the preparer's decisions: not offered to someone who makes none (a senior leader
        # read it as theirs: s37 walk); shown again for whoever signs in with the role
        self.act_next_open = A("Next photo with a decision for you", self.next_open, "Ctrl+J")
        # K keeps the rest of the photo on screen covered: a decision, so only from the
        # photos (key() below); the menu shows the key (s51 walk: K typed in the consent
        # register's list, to find "Kessler", recorded it for the photo out of sight)
        self.act_keep = P("review", A("Keep the rest covered", self.review.keep_rest, "K"))
        self.act_keep.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_stop = A("Stop checking", self.batch.stop_checking, None, None,
                          "Stop checking the photos not checked yet (the photo in hand is "
                          "finished)")
        menus = {
            "&File": [self.act_files, self.act_folder, self.act_device, None, self.act_remove,
                      self.act_new,
                      self.act_export, None, self._anytime(A("&Quit", self.close, "Ctrl+Q"))],
            "&Review": [self.act_next_open,
                        self.act_keep,
                        self.act_stop],
            "&Approve": [self.act_approver,
                         self._on_chosen(P("review", A("Mark ready", self.approval.mark_ready,
                                                      None, None, "Mark the photo in the "
                                                      "window ready for approval"))),
                         self.approval.mark_all_menu_action(P("review", A(
                             "Mark all shown ready\u2026", self.approval.mark_all_shown_ready))),
                         P("approve", A("Approve", self.approval.approve)),
                         P("approve", A("Reject\u2026", self.approval.reject)),
                         self.approval.menu_action(P("approve", A(
                             "Approve all shown\u2026", self.approval.approve_all_shown))),
                         P("approve", A("Approve again where the approver's role ended\u2026",
                                        self.approval.approve_role_ended)),
                         None,
                         self._on_chosen(P("originals.delete", A(
                             "Delete this rejected original now\u2026",
                             self.approval.delete_original, None, None,
                             "Delete the original of the rejected photo in the window")),
                             needs=self.approval.current_rejected,
                             why_not="Only a photo a senior leader rejected can be deleted at "
                                     "once")],
            "After &posting": [A("Exports and posts\u2026", lambda: self.after.open_exports()),
                               P("post", A("Mark as posted\u2026",
                                           lambda: self.after.mark_posted())),
                               A("Take-down list\u2026", self.after.open_takedown),
                               P("sar", A("Subject access request\u2026",
                                          lambda: self.after.subject_access_by_id(), None, None,
                                          "A report of what PhotoVet holds about one person, "
                                          "by their register id or name (also someone no "
                                          "longer in the register, by their id)")),
                               P("originals.delete", A("Delete original photos\u2026",
                                                       lambda: self.after.delete_originals()))],
            "Re&gister": [P("register.import", A("Import the register\u2026",
                                                 lambda: self.register.import_register())),
                          P("register.enrol", A("Enrol face photos\u2026", self.register.enrol)),
                          P("channels", A("Channels\u2026",
                                          lambda: self.register.settings("channels"))),
                          P("settings", A("Settings\u2026", lambda: self.register.settings(),
                                          None, "settings")), None,
                          P("accounts", A("Staff accounts\u2026", self.accounts.open)),
                          self._allow_action(A("Allow this PC (admin secret)\u2026",
                                               self._allow_pc))],
            "A&ccount": [self._who_action(),
                         A("Lock now", self.access.lock_now, "Ctrl+L"),
                         A("Change my password\u2026", self.access.change_password),
                         self._anytime(A("Sign out\u2026",
                                         lambda: self.access.sign_out(confirm=True)))],
            "&Help": [self.act_setup, self._anytime(A("Copy diagnostics", self.copy_diagnostics)),
                      self._anytime(A("About PhotoVet", self.about))],
        }
        for title, actions in menus.items():
            m = self.menuBar().addMenu(title)
            m.setToolTipsVisible(True)
            if title in ("&File", "&Approve"):
                m.aboutToShow.connect(self._update_remove)
            if title == "&Review":
                m.aboutToShow.connect(self._update_review_menu)
            for a in actions:
                m.addSeparator() if a is None else m.addAction(a)
        tb = QToolBar("Main")
        tb.setObjectName("MainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        # the toolbar fits a 1024 px laptop with "Getting started (1 of 5)" on it (the
        # walkthrough, round 30: it overflowed into "»"): shorter words on the buttons,
        # the whole ones in the menus and tooltips
        self.act_folder.setIconText("Add folder")
        self.act_device.setIconText("From device")
        for a in (self.act_files, self.act_folder, self.act_device):
            tb.addAction(a)
        tb.addSeparator()
        # greyed out with its box on the sign-in and lock screens (s46 walk PNG 23)
        self.channel_label = QLabel(" Post to: ")
        tb.addWidget(self.channel_label)
        self.channel_combo = QComboBox()
        self.channel_combo.setAccessibleName("Channel")
        # "School website" whole, whatever the school names its own channels (a longer name
        # is cut here, whole in the list): the toolbar keeps fitting 1024 px
        self.channel_combo.setMaximumWidth(130)
        self.channel_combo.setToolTip("Where these photos will be posted: consent is checked for "
                                      "this channel")
        self.channel_combo.currentIndexChanged.connect(
            lambda *_: self.ctx.set_channel(self.channel_combo.currentData()))
        self._fill_channels()
        self.ctx.channels_changed.connect(self._fill_channels)
        tb.addWidget(self.channel_combo)
        tb.addSeparator()
        tb.addAction(self.act_export)
        tb.addAction(self.act_approver)
        tb.addAction(self.act_setup)
        self.addToolBar(tb)
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(6, 4, 6, 4)
        cl.setSpacing(4)
        for b in (self.key_banner, self.takedown_banner, self.approval_banner,
                  self.problem_banner, self.message_banner, self.log_banner):
            cl.addWidget(b)
        cl.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        def key(seq: str, fn) -> None:
            sc = QShortcut(QKeySequence(seq), self.photos)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)

        key("A", lambda: self.approval.approver_view and self.approval.approve())
        key("R", lambda: self.approval.approver_view and self.approval.reject())
        key("K", lambda: self.ctx.session.allowed("review") and self.review.keep_rest())
        key("V", lambda: self.photos.photo.after_button.isEnabled()
            and self.photos.photo.after_button.click())

    def _permitted(self, permission: str, action: QAction) -> QAction:
        """An action enabled only for the roles the core's table gives ``permission``."""
        self._permissions.append((action, permission))
        return action

    def _anytime(self, action: QAction) -> QAction:
        """An action that needs nobody signed in (Quit, About...): enabled on the lock screen."""
        self._anytime_actions.append(action)
        return action

    def _veil_actions(self, veiled: bool) -> None:
        """Locked or nobody signed in: every menu and toolbar action that needs someone signed
        in is greyed out (the audit, item 19: Add photos looked enabled on the lock screen and
        did nothing), and given back as it was afterwards (the roles' actions are set again by
        ``permit`` just after). The menu bar's titles are greyed out too (s44/s45 walks: they
        looked enabled on the lock screen, and did nothing: the lock and sign-in screens are
        modal, so no menu opens under them; their own buttons Unlock, Sign out and Quit do).
        Quit, About... stay enabled in their menus for when the titles are given back."""
        if veiled:
            for menu in self.menuBar().actions():
                for a in (menu.menu().actions() if menu.menu() is not None else ()):
                    if a.isSeparator() or a in self._anytime_actions or not a.isEnabled():
                        continue
                    a.setEnabled(False)
                    self._veiled.append(a)
                if menu.isEnabled():
                    menu.setEnabled(False)
                    self._veiled.append(menu)
        else:
            for a in self._veiled:
                a.setEnabled(True)
            self._veiled = []
        self.channel_combo.setEnabled(not veiled)
        self.channel_label.setEnabled(not veiled)

    def _allow_action(self, action: QAction) -> QAction:
        self.act_allow = action           # shown only while this PC lacks the register's key
        return action

    def _who_action(self) -> QAction:
        self.act_who = QAction("", self)
        self.act_who.setEnabled(False)
        return self.act_who

    def _session_changed(self) -> None:
        """Someone signed in or out, or the session locked: who is shown, what is enabled."""
        s = self.ctx.session
        # nobody signed in, or locked: pupils' photos, previews and thumbnails are hidden until
        # someone signs in (a shared office PC at lunchtime); the lock screen does the same
        veiled = not s.signed_in or s.locked()
        self.centralWidget().setVisible(not veiled)
        for action in (self.act_files, self.act_folder, self.act_new, self.act_remove):
            action.setEnabled(not veiled)
        self._veil_actions(veiled)
        name = s.name() if not veiled else ""
        if name and name != self._shown_to:
            self._new_person(bool(self._shown_to))
        if name:
            self._shown_to = name
        self.who.setText(s.summary())
        self.act_who.setText(s.summary())
        for action, permission in self._permissions:
            permit(action, s, permission)
        self.approval.update_all_shown()       # greyed out, saying why, when they do nothing
        self._update_remove()                  # and what is about the chosen photo
        self.register_view.set_permissions(s)
        self.act_setup.setVisible(getattr(self, "_setup_left", False) and s.allowed("settings"))
        self.act_next_open.setVisible(s.allowed("review"))
        # not drawn pressed over the lock or sign-in screen (s41 walk): nobody's view is open
        self.act_approver.setChecked(self.approval.approver_view and not veiled)
        self.key_banner.refresh()
        self.act_allow.setVisible(bool(self.key_banner.problem()))

    def _new_person(self, after_someone: bool) -> None:
        """Someone else signed in: they start on the photos, with nothing the previous person
        had open or typed (their view for their roles is the approval controller's)."""
        if not after_someone:
            return
        self.tabs.setCurrentIndex(0)
        self.register_view.search.clear()
        self.photos.approval.say("")
        self.batch.person_changed()        # the previous person's "Checked 11 photos..." goes

    def _allow_pc(self) -> None:
        if self.access.allow_this_pc():
            self.key_banner.refresh()
            self.ctx.register_changed.emit()     # signatures readable now: recognise again
            self.status.say("This PC is allowed: faces are recognised again. Check the photos "
                            "again to use it.")

    def _fill_channels(self) -> None:
        self.channel_combo.blockSignals(True)
        self.channel_combo.clear()
        for c in self.ctx.channels():
            self.channel_combo.addItem(c.label, c.id)
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(self.ctx.channel)))
        self.channel_combo.blockSignals(False)

    # -- actions ----------------------------------------------------------------------------------

    def add_files(self) -> None:
        start = str(self.ctx.qs.value("paths/last_folder", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(self, "Choose photos and videos", start,
                                                MEDIA_FILTER)
        if files:
            self.ctx.qs.setValue("paths/last_folder", str(Path(files[0]).parent))
            self.add_paths(files)

    def add_folder(self) -> None:
        start = str(self.ctx.qs.value("paths/last_folder", str(Path.home())))
        d = QFileDialog.getExistingDirectory(self, "Choose a folder of photos", start)
        if d:
            self.ctx.qs.setValue("paths/last_folder", d)
            self.add_paths([d])

    def show_photos(self) -> None:
        """The Photos tab, with the batch (not the getting-started checklist)."""
        self.tabs.setCurrentIndex(0)
        self.photos_stack.setCurrentWidget(self.photos)

    def add_paths(self, paths: list[str]) -> None:
        self.show_photos()
        self.batch.add_paths(paths)

    def _on_chosen(self, action: QAction, needs: Callable[[], bool] | None = None,
                   why_not: str = "") -> QAction:
        """An action about the photo in the window: greyed out while none is chosen, its
        tooltip saying so (s46 walk: Approve > Mark ready was enabled with no photo in the
        window and did nothing, as File > Remove from this batch did in s45); and while
        ``needs()`` (the core's answer about that photo) is false, saying ``why_not``."""
        self._chosen_actions.append(action)
        action.setProperty("photovet_chosen_tip", action.toolTip())
        if needs is not None:
            self._chosen_needs[action] = (needs, why_not)
        return action

    def _update_review_menu(self) -> None:
        """Review > Stop checking only while photos are being checked (s51 walk: offered with
        nothing being checked, it did nothing); Keep the rest covered only while the photos
        are on screen (it decides for the photo shown there)."""
        s = self.ctx.session
        if s.signed_in and not s.locked():
            permit(self.act_keep, s, "review", self.photos.isVisible())
        checking = self.batch.checking
        self.act_stop.setEnabled(checking)
        # its own words are its status tip (``_action`` sets both)
        self.act_stop.setToolTip(self.act_stop.statusTip() if checking
                                 else "Nothing is being checked now.")

    def _update_remove(self) -> None:
        """"Remove from this batch" only while a photo is chosen (s45 walk: it was enabled in
        the File menu with no photo in the window, and did nothing); the same for the
        actions about the chosen photo (``_on_chosen``), for the roles that have them."""
        act = getattr(self, "act_remove", None)          # not made yet while wiring
        if act is None:
            return
        s = self.ctx.session
        chosen = self.photos.batch.current_item() is not None
        act.setEnabled(s.signed_in and not s.locked() and chosen)
        if not s.signed_in or s.locked():
            return                                       # veiled: given back on unlocking
        perms = dict(self._permissions)
        for a in self._chosen_actions:
            tip = a.property("photovet_chosen_tip")
            needs, why_not = self._chosen_needs.get(a, (None, ""))
            usable = chosen and (needs is None or needs())
            a.setProperty("photovet_tip", tip if usable else
                          f"{tip}. {why_not if chosen else 'Choose a photo first'}.")
            permit(a, s, perms[a], usable)

    def remove_current(self) -> None:
        item = self.photos.batch.current_item()
        if item is not None:
            self.batch.remove_from_batch([item.path])

    def _export(self) -> None:
        dlg = self.export.open()
        if dlg is not None:
            dlg.mark_posted_requested.connect(lambda b: self.after.mark_posted(b, parent=dlg))
            dlg.delete_originals_requested.connect(lambda b: self.after.delete_originals(b, dlg))

    def _toggle_approver(self) -> None:
        self.show_photos()
        self.act_approver.setChecked(self.approval.set_approver_view(
            self.act_approver.isChecked()))

    def next_open(self) -> None:
        """The next photo with a decision after the one chosen (s41 walk: the photo chosen had
        none, so it left the list, Qt chose the first row in its place and "next" skipped it:
        "10 have a decision for you" opened on the second of them)."""
        self.show_photos()      # from the register's tab too (s51: it changed them unseen)
        view = self.photos.batch
        was = view.current_item()
        view.set_filter("needs-review")
        if was is not None and view.current_item() is was:
            # kept in the list: the one after it, and after the last one the first (s41: on
            # the last photo with a decision, "next" stayed on it; one left open before it
            # was never offered again)
            n = view.proxy.rowCount()
            view.select_row((view.list.currentIndex().row() + 1) % n if n else 0)
        else:
            view.select_after(was)

    def show_checklist(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.checklist.set_has_photos(bool(self.batch.model.items))
        self.photos_stack.setCurrentWidget(self.checklist)

    def _setup_changed(self, done: int, total: int) -> None:
        self.act_setup.setText(f"Getting started ({done} of {total})" if done < total
                               else "Getting started")
        # the first-run checklist is the office admin's to do
        self._setup_left = done < total
        self.act_setup.setVisible(done < total and self.ctx.session.allowed("settings"))

    def _approval_banner(self) -> None:
        """The school's settings that need saying before photos are prepared or approved:
        approval turned off; the school's name not set while the channel photos are prepared
        for must not identify the school (the core's warning)."""
        said = []
        if not self.ctx.ws.settings.approval.required:
            said.append("<b>Approval is turned off.</b> Photos are exported without a senior "
                        "leader checking them. Turn it back on in Register > Settings if more "
                        "than one person works here.")
        try:
            warning = self.ctx.ws.school_name_warning(self.ctx.channel or None)
        except PhotoVetError:
            warning = None
        if warning:
            first, _, rest = warning.partition(", so ")
            fix = (" <a href='school-name'>Tell PhotoVet the school's name\u2026</a>"
                   if self.ctx.session.allowed("settings") else
                   " An admin sets it in Register > Settings, School rules.")
            said.append(f"<b>{esc(first)}</b>, so {esc(rest)}{fix}" if rest else
                        esc(warning) + fix)
        self.approval_banner.say("<br>".join(said))

    def _school_name(self) -> None:
        """Settings > School rules > The school, where the school's name is set."""
        dlg = self.register.settings("rules")
        dlg.rules.tabs.setCurrentIndex(2)

    def _interrupted_banner(self) -> None:
        """What PhotoVet left unfinished when it last stopped part-way (a crash, a power cut),
        as the core found it when the data folder was opened (``Workspace.interrupted``)."""
        notes = list(getattr(self.ctx.ws, "interrupted", []) or [])
        if notes:
            self.message_banner.say(
                "<b>PhotoVet stopped part-way last time.</b> " + " ".join(
                    html.escape(f"{n[:1].upper()}{n[1:]}.") for n in notes)
                + " <a href='hide-message'>Hide</a>")

    def problem(self, text: str) -> None:
        self._server_away = False
        self.problem_banner.say(f"{text} <a href='hide-problem'>Hide</a>")

    _server_away = False

    def _register_reachable(self, reachable: bool) -> None:
        """The register's server went away (said at once, not only at the next click) or is
        back (said, and what failed meanwhile, the take-down check, is done again)."""
        where = getattr(self.ctx.ws.db, "location", "") or "the server"
        if not reachable:
            self.problem(f"<b>The register's server ({esc(where)}) cannot be reached.</b> "
                         "Nothing can be saved or exported until it is back (nothing is half "
                         "saved). PhotoVet keeps trying and says when it is back.")
            self._server_away = True
            if "server is back" in self.status.label.text():
                # from the last time it went away: not said under the banner saying it is
                # away again (walk s34: "The register's server is back." below a red "cannot
                # be reached")
                self.status.say("")
            return
        if self._server_away:
            self._server_away = False
            self.problem_banner.say("")
            self.status.say("The register's server is back.")
        self.after.check_takedowns()

    def link(self, href: str) -> None:
        {"takedown": self.after.open_takedown, "takedown-retry": self.after.check_takedowns,
         "review": self.next_open, "recheck": self.batch.recheck,
         "skipped": self.batch.show_skipped, "hide": self.batch.hide_summary,
         "hide-problem": lambda: self.problem_banner.say(""),
         "school-name": self._school_name,
         "hide-message": lambda: self.message_banner.say(""),
         "hide-log": self.log_banner.dismiss}.get(href, lambda: None)()

    def copy_diagnostics(self) -> str:
        """What support needs, to the clipboard: versions and the end of the log (ids only)."""
        text = (f"PhotoVet diagnostics\nPhotoVet {photovet_version}\n"
                f"Python {sys.version.split()[0]} on {platform.platform()}\n"
                f"PySide6 {pyside_version}\nData folder: {self.ctx.ws.home}\n"
                f"Register: {self.ctx.ws.db.engine}\n\n--- log (ids, never names) ---\n"
                + logs.tail(self.ctx.ws.home))
        QGuiApplication.clipboard().setText(text)
        self.status.say("Diagnostics copied: paste them into your message to support.")
        return text

    def about(self) -> None:
        """Help > About: what PhotoVet is, which version (s51 walk: no version anywhere in the
        window, and the banner about old signatures names "PhotoVet 0.1"), its licence and
        where this PC keeps its data."""
        QMessageBox.about(self, "About PhotoVet", about_text(self.ctx.ws.home))

    # -- dropping files ---------------------------------------------------------------------------

    def dragEnterEvent(self, ev) -> None:
        if ev.mimeData().hasUrls() and any(u.isLocalFile() for u in ev.mimeData().urls()):
            ev.acceptProposedAction()

    def dropEvent(self, ev) -> None:
        paths = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if paths:
            ev.acceptProposedAction()
            self.add_paths(paths)

    # -- window state and closing -----------------------------------------------------------------

    def _restore(self) -> None:
        geo = self.ctx.qs.value("window/geometry")
        avail = self.screen().availableGeometry()
        # Qt refuses a size and place kept on a larger screen (a laptop taken off its monitor,
        # a PC given a smaller screen): the window then opened at whatever size Qt chose, its
        # toolbar cut (s65 walk). Refused or never kept, it is the first time on this screen,
        # and a school office screen (1366 x 768) gets the whole screen
        restored = geo is not None and self.restoreGeometry(geo)
        self.start_maximized = not restored and (avail.width() <= 1440 or avail.height() <= 900)
        if not restored:
            self.resize(min(1360, avail.width()), min(860, avail.height()))
        split = self.ctx.qs.value("window/splitter")
        if split is not None:
            self.photos.splitter.restoreState(split)

    def closeEvent(self, ev: QCloseEvent) -> None:
        self.ctx.qs.setValue("window/geometry", self.saveGeometry())
        self.ctx.qs.setValue("window/splitter", self.photos.splitter.saveState())
        self.access.close()
        self.video.close()          # what an approver saw of a video is stored before closing
        self.status.say("Closing: finishing the photo in hand\u2026")
        self.ctx.shutdown()
        super().closeEvent(ev)


__all__ = ["MainWindow"]
