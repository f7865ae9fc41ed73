"""The main window: import a batch, review every photo, fix it, approve it and export it.

Layout: a toolbar (add photos, channel and mode, approval, export), banners (approval switched
off, problems), and two tabs: Photos (batch grid | photo view | findings + approval) and the
consent register. Everything slow runs in a worker (``workers.Job``); the GUI thread only
applies results. Decisions are the core's: the window calls ``engine.decide`` and the approval
API, and shows what they say.
"""

from __future__ import annotations

import collections
import datetime as _dt
import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from photovet.core.models import CHANNELS, Mode, Cover, channel_label

from . import style
from .approval import ApprovalController, ApprovalPanel, NameDialog
from .batch_view import BatchDelegate, BatchView, PhotoItem
from .export_dialog import ExportDialog
from .findings_panel import FindingsPanel
from .photo_view import PhotoView, face_label, face_person
from .workers import Job, ThumbnailLoader, call_in_thread, error_text, load_thumbnail, pil_to_qimage

IMAGE_FILTER = ("Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff *.avif *.bmp *.gif);;"
                "All files (*)")
MODE_LABELS = {
    Mode.CONSENT.value: "Show pupils with consent",
    Mode.NO_IDENTIFIABLE_CHILDREN.value: "Cover every pupil",
}
PREVIEW_MAX = 2048
DECIDE_CHUNK = 150


def gui_settings() -> QSettings:
    """Window state lives beside the register (honours PHOTOVET_HOME)."""
    from photovet.core.paths import data_dir  # noqa: PLC0415

    return QSettings(str(data_dir() / "gui.ini"), QSettings.IniFormat)


def _preimport() -> None:
    """Import, before the window runs, the light modules the GUI thread would otherwise import
    on first use in the middle of a batch (an import there holds the import lock and, with
    PySide's import hook reading each module's source, can stall the window for 100+ ms).
    The heavy model modules (onnxruntime, dlib, OCR) stay in the engine's worker."""
    import importlib  # noqa: PLC0415

    for name in ("photovet.core.pipeline", "photovet.core.media.imaging", "photovet.core.media.metadata",
                 "photovet.core.approval", "photovet.core.media.export", "photovet.core.media.cover",
                 "photovet.core.records.store", "photovet.core.register.store", "PIL.ImageDraw", "copy"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001  (a missing optional piece is reported where it is used)
            pass


def _open_register():
    from photovet.core.register.people import Register  # noqa: PLC0415

    return Register.open()


def _load_engine(settings, register):
    from photovet.core.pipeline import Engine  # noqa: PLC0415

    # Models live in a helper process: the face encoder holds Python's interpreter lock for
    # about 0.1 s per face, which would freeze this window if it ran here (even in a thread).
    return Engine.load(settings, register, separate_process=True)


def render_after(pil_image, analysis, engine):
    """The preview as the export will look: the engine's covers scaled onto the preview.

    Runs in a worker thread. Uses the core's own painter so what is shown is what is exported.
    """
    from PIL import ImageDraw  # noqa: PLC0415

    s = pil_image.width / float(analysis.width or pil_image.width)
    reds = engine.covers(analysis)
    scaled = []
    for r in reds:
        box = tuple(int(round(v * s)) for v in r.box) if r.box else None
        pts = [(x * s, y * s) for x, y in r.points] if r.points else None
        scaled.append(Cover(r.shape, box, pts, r.source, r.label))
    img = pil_image.convert("RGB").copy()
    try:
        from photovet.core.media.cover import apply_covers  # noqa: PLC0415
    except ImportError:
        apply_covers = None
    if apply_covers is not None:
        settings = getattr(engine, "settings", None)
        style_name = settings.get("cover.style", "solid") if settings is not None else "solid"
        try:
            out = apply_covers(img, scaled, style=style_name)
        except TypeError:
            out = apply_covers(img, scaled)
        return out if out is not None else img
    d = ImageDraw.Draw(img)
    for r in scaled:
        if r.shape == "ellipse" and r.box:
            x, y, w, h = r.box
            d.ellipse([x, y, x + w, y + h], fill=(128, 128, 128))
        elif r.shape == "polygon" and r.points:
            d.polygon(r.points, fill=(128, 128, 128))
        elif r.box:
            x, y, w, h = r.box
            d.rectangle([x, y, x + w, y + h], fill=(128, 128, 128))
    return img


class PersonPicker(QDialog):
    """Choose who a face is, from the register (searchable)."""

    def __init__(self, people: list[Any], channel: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Who is this?")
        self.setMinimumSize(420, 420)
        self.people = people
        lay = QVBoxLayout(self)
        info = QLabel("Choose the person in the box. PhotoVet then applies their consent for "
                      f"{channel_label(channel)}. This is recorded in the audit log.")
        info.setWordWrap(True)
        lay.addWidget(info)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type a name, class or year")
        self.search.textChanged.connect(self._filter)
        lay.addWidget(self.search)
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        lay.addWidget(self.list, 1)
        for p in people:
            cons = "consent" if p.consents.get(channel) else "no consent"
            if p.do_not_photograph:
                cons = "never publish"
            extra = " · ".join(x for x in (p.role if p.role != "pupil" else "", p.year_group, p.reg_group) if x)
            it = QListWidgetItem(f"{p.display_name}  ({extra + ' · ' if extra else ''}{cons} for {channel_label(channel)})")
            it.setData(Qt.UserRole, p.id)
            it.setData(Qt.UserRole + 1, f"{p.display_name} {p.year_group} {p.reg_group} {p.id}".lower())
            self.list.addItem(it)
        if not people:
            lay.addWidget(QLabel("The register is empty: import it first (Consent register tab)."))
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.button(QDialogButtonBox.Ok).setText("This is them")
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)

    def _filter(self, text: str) -> None:
        t = text.lower().strip()
        for i in range(self.list.count()):
            it = self.list.item(i)
            it.setHidden(bool(t) and t not in it.data(Qt.UserRole + 1))

    def chosen(self) -> str | None:
        it = self.list.currentItem()
        return it.data(Qt.UserRole) if it is not None and not it.isHidden() else None


class Banner(QLabel):
    def __init__(self, css: str, parent=None):
        super().__init__(parent)
        self.setObjectName("Banner")
        self.setWordWrap(True)
        self.setStyleSheet(css)
        self.setTextFormat(Qt.RichText)
        self.hide()

    def say(self, html: str, css: str | None = None) -> None:
        if css:
            self.setStyleSheet(css)
        self.setText(html)
        self.setVisible(bool(html))


class MainWindow(QMainWindow):
    engine_ready = Signal()
    analysis_finished = Signal()

    def __init__(self, *, settings: Any = None, engine: Any = None,
                 engine_loader: Callable[[Any, Any], Any] | None = None,
                 register: Any = None, register_opener: Callable[[], Any] | None = None,
                 approvals: Any = None, qsettings: QSettings | None = None,
                 load_engine: bool = True, parent=None):
        super().__init__(parent)
        self.setWindowTitle("PhotoVet")
        self.setWindowIcon(style.icon("app"))
        self.setAcceptDrops(True)
        self.setStyleSheet(style.APP_STYLESHEET)
        self.qs = qsettings or gui_settings()
        self._register_opener = register_opener
        self._engine_loader = engine_loader or _load_engine
        self._problems: list[str] = []

        # settings and register (failures become banners, never crashes)
        self.settings = settings if settings is not None else self._load_settings()
        self.register = register if register is not None else self._try_open_register()
        if approvals is None and self.register is not None and getattr(self.register, "db", None) is not None:
            try:
                from photovet.core.approval import Approvals  # noqa: PLC0415

                approvals = Approvals(self.register.db)
            except Exception as exc:  # noqa: BLE001
                self._problems.append(f"Approvals cannot be recorded: {error_text(exc)}")
        required = bool(self.settings.get("approval.required", True)) if self.settings is not None else True
        self.approval = ApprovalController(approvals, required=required, parent=self)
        self.approval.changed.connect(self._approvals_changed)

        self.engine = engine
        self.channel = self.qs.value("review/channel", "website")
        if self.channel not in self._channels():
            self.channel = "website"
        self.mode = self.qs.value("review/mode", Mode(self.settings.get("mode", "consent")).value
                                  if self.settings is not None else Mode.CONSENT.value)
        self.preparer = str(self.qs.value("people/preparer", "") or "")
        self.approver = ""  # asked once per session: a senior leader signs in to approve

        self.analysis_job: Job | None = None
        self.collect_job: Job | None = None
        self.device_job: Job | None = None
        self.engine_job: Job | None = None
        self.preview_job: Job | None = None
        self.after_job: Job | None = None
        self.export_dialog: ExportDialog | None = None
        self._pending_analysis: list[str] = []
        self._previews: collections.OrderedDict[str, Any] = collections.OrderedDict()
        self._pil_previews: collections.OrderedDict[str, Any] = collections.OrderedDict()
        self._afters: dict[str, Any] = {}
        self._redecide_queue: list[int] = []
        self._closing = False
        self._batch_label = ""
        self._skip_note = ""
        self._skipped: list[str] = []

        # thumbnails are made at the size the grid paints them (times the screen's pixel ratio),
        # so painting is a plain copy, never a rescale on the GUI thread
        dpr = max(1.0, float(self.devicePixelRatioF() or 1.0))
        self.thumbs = ThumbnailLoader(size=int(BatchDelegate.THUMB * dpr), dpr=dpr, parent=self)
        self.thumbs.loaded.connect(self._thumbs_loaded)

        _preimport()
        self._build_actions()
        self._build_ui()
        self._restore_state()
        self._update_banners()
        self._update_actions()
        if self.engine is None and load_engine:
            QTimer.singleShot(0, self._start_engine)
        elif self.engine is not None:
            self._engine_is_ready()

    # ------------------------------------------------------------------------------------
    # set-up
    # ------------------------------------------------------------------------------------
    def _load_settings(self):
        from photovet.core.settings import Settings  # noqa: PLC0415

        try:
            return Settings.load()
        except Exception as exc:  # noqa: BLE001
            self._problems.append(f"Your settings could not be read, so PhotoVet is using its defaults. "
                                  f"{error_text(exc)}")
            return Settings()

    def _try_open_register(self):
        try:
            return (self._register_opener or _open_register)()
        except Exception as exc:  # noqa: BLE001
            self._problems.append(f"The consent register could not be opened, so every face will be "
                                  f"covered. {error_text(exc)}")
            return None

    def _channels(self) -> list[str]:
        try:
            chans = self.settings.channels if self.settings is not None else []
        except Exception:  # noqa: BLE001
            chans = []
        return chans or list(CHANNELS)

    def _build_actions(self) -> None:
        A = QAction
        self.act_folder = A(style.icon("folder"), "Add a folder…", self)
        self.act_folder.setShortcut(QKeySequence("Ctrl+O"))
        self.act_folder.setToolTip("Add every photo in a folder to this batch (Ctrl+O)")
        self.act_folder.triggered.connect(self.choose_folder)
        self.act_files = A(style.icon("files"), "Add photos…", self)
        self.act_files.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.act_files.triggered.connect(self.choose_files)
        self.act_device = A(style.icon("device"), "From a device…", self)
        self.act_device.setToolTip("Copy photos from a camera card or phone into PhotoVet, checking every copy")
        self.act_device.triggered.connect(self.import_from_device)
        self.act_export = A(style.icon("export"), "Export…", self)
        self.act_export.setShortcut(QKeySequence("Ctrl+E"))
        self.act_export.setToolTip("Write safe copies of the approved photos (Ctrl+E)")
        self.act_export.triggered.connect(self.open_export)
        self.act_settings = A(style.icon("settings"), "Settings…", self)
        self.act_settings.triggered.connect(self.open_settings)
        self.act_clear = A("New batch", self)
        self.act_clear.setToolTip("Start again with an empty batch (your photos are not touched)")
        self.act_clear.triggered.connect(self.new_batch)
        self.act_cancel = A(style.icon("cancel"), "Stop checking", self)
        self.act_cancel.triggered.connect(self.cancel_analysis)

    def _build_ui(self) -> None:
        tb = QToolBar("Main")
        tb.setObjectName("MainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        tb.addAction(self.act_folder)
        tb.addAction(self.act_files)
        tb.addAction(self.act_device)
        tb.addSeparator()
        tb.addWidget(QLabel(" Post to: "))
        self.channel_combo = QComboBox()
        self.channel_combo.setAccessibleName("Channel")
        self.channel_combo.setToolTip("Where these photos will be posted: consent is checked for this channel")
        for ch in self._channels():
            self.channel_combo.addItem(channel_label(ch), ch)
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(self.channel)))
        self.channel_combo.currentIndexChanged.connect(self._channel_changed)
        tb.addWidget(self.channel_combo)
        tb.addWidget(QLabel("  Faces: "))
        self.mode_combo = QComboBox()
        self.mode_combo.setAccessibleName("Mode")
        self.mode_combo.setToolTip("Show pupils who have consent, or cover every pupil whatever the consent")
        for m, label in MODE_LABELS.items():
            self.mode_combo.addItem(label, m)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(self.mode)))
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        tb.addWidget(self.mode_combo)
        tb.addSeparator()
        tb.addAction(self.act_export)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        tb.addWidget(spacer)
        tb.addAction(self.act_clear)
        tb.addAction(self.act_settings)
        self.addToolBar(tb)
        self.toolbar = tb

        # banners
        self.approval_banner = Banner(style.BANNER_WARNING)
        self.message_banner = Banner(style.BANNER_INFO)
        self.message_banner.linkActivated.connect(self._banner_link)
        self.problem_banner = Banner(style.BANNER_ERROR)
        self.takedown_banner = Banner(style.BANNER_ERROR)
        self.takedown_banner.linkActivated.connect(self._banner_link)

        # photos page: grid | photo | findings + approval
        self.batch = BatchView()
        self.batch.current_changed.connect(self._current_changed)
        self.batch.add_folder_requested.connect(self.choose_folder)
        self.batch.add_files_requested.connect(self.choose_files)
        self.batch.model.thumbnails_wanted.connect(lambda paths: self.thumbs.request(paths, urgent=True))
        self.photo = PhotoView()
        self.photo.canvas.face_clicked.connect(self.toggle_face)
        self.photo.canvas.face_menu_requested.connect(self._face_menu)
        self.photo.canvas.manual_menu_requested.connect(self._manual_menu)
        self.photo.canvas.cover_drawn.connect(self.add_cover)
        self.photo.canvas.navigate.connect(self.batch.move)
        self.photo.after_toggled.connect(self._after_toggled)
        self.photo.assign_requested.connect(self.assign_person)
        self.photo.keep_rest_requested.connect(self.keep_rest_covered)
        self.photo.canvas.text_clicked.connect(self._text_menu)
        self.findings = FindingsPanel()
        self.findings.face_selected.connect(self._select_face)
        self.approval_panel = ApprovalPanel()
        self.approval_panel.mark_ready_requested.connect(self.mark_ready)
        self.approval_panel.mark_all_ready_requested.connect(self.mark_all_ready)
        self.approval_panel.approve_requested.connect(lambda: self.decide_current(True))
        self.approval_panel.reject_requested.connect(lambda: self.decide_current(False))
        self.approval_panel.change_approver_requested.connect(lambda: self.ask_approver(force=True))
        self.approval_panel.change_preparer_requested.connect(lambda: self.ask_preparer(force=True))
        self.approval_panel.set_people(self.preparer, self.approver)

        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.findings, 3)
        sl.addWidget(self.approval_panel, 0)

        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.setObjectName("PhotosSplitter")
        self.splitter.addWidget(self.batch)
        self.splitter.addWidget(self.photo)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([380, 720, 340])
        self.splitter.setChildrenCollapsible(False)

        self.photos_stack = QStackedWidget()
        self.welcome = self._make_welcome()
        if self.welcome is not None:
            self.photos_stack.addWidget(self.welcome)
        self.photos_stack.addWidget(self.splitter)
        self.photos_stack.setCurrentWidget(self.splitter)
        if self.welcome is not None and self._register_is_empty():
            self.photos_stack.setCurrentWidget(self.welcome)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.photos_stack, "Photos")
        self.register_view = self._make_register_view()
        if self.register_view is not None:
            self.tabs.addTab(self.register_view, "Consent register")

        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(6, 4, 6, 4)
        cl.setSpacing(4)
        cl.addWidget(self.takedown_banner)
        cl.addWidget(self.approval_banner)
        cl.addWidget(self.problem_banner)
        cl.addWidget(self.message_banner)
        cl.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        # status bar: what is happening, progress, stop
        sb = self.statusBar()
        self.status_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton(style.icon("cancel"), "Stop checking")
        self.cancel_button.setToolTip("Stop the analysis after the current photo; you can carry on later")
        self.cancel_button.clicked.connect(self.cancel_analysis)
        self.cancel_button.hide()
        sb.addWidget(self.status_label, 1)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)

        # keyboard (only while the Photos page has focus somewhere inside it)
        def key(seq: str, fn) -> QShortcut:
            sc = QShortcut(QKeySequence(seq), self.splitter)
            sc.setContext(Qt.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)
            return sc

        self.sc_cover = key("B", self.toggle_selected_face)
        self.sc_approve = key("A", lambda: self.decide_current(True))
        self.sc_reject = key("R", lambda: self.decide_current(False))
        self.sc_next_face = key("F", lambda: self._select_face(-2))

        self.setTabOrder(self.channel_combo, self.mode_combo)
        self.setTabOrder(self.mode_combo, self.batch.filter_combo)
        self.setTabOrder(self.batch.filter_combo, self.batch.list)
        self.setTabOrder(self.batch.list, self.photo.canvas)
        self.setTabOrder(self.photo.canvas, self.findings.list)
        self.setTabOrder(self.findings.list, self.approval_panel.ready_btn)
        self.setTabOrder(self.approval_panel.ready_btn, self.approval_panel.approve_btn)
        self.setTabOrder(self.approval_panel.approve_btn, self.approval_panel.reject_btn)
        self.resize(1440, 900)

    def _make_welcome(self):
        try:
            from .welcome import WelcomePanel  # noqa: PLC0415
        except Exception:  # noqa: BLE001  (helper's widget not there yet)
            return None
        w = WelcomePanel()
        w.import_register_requested.connect(self.open_import_wizard)
        w.enrol_requested.connect(self.open_enrol)
        w.continue_requested.connect(self.dismiss_welcome)
        return w

    def _make_register_view(self):
        try:
            from .register_view import RegisterView  # noqa: PLC0415
        except Exception:  # noqa: BLE001
            return None
        try:
            v = RegisterView(register_opener=self._register_opener)
        except Exception as exc:  # noqa: BLE001
            self._problems.append(f"The register page could not be shown: {error_text(exc)}")
            return None
        sig = getattr(v, "register_changed", None)
        if sig is not None:
            sig.connect(self._register_changed)
        return v

    def _register_is_empty(self) -> bool:
        reg = self.register
        if reg is None:
            return False
        try:
            fn = getattr(reg, "is_empty", None)
            return bool(fn()) if callable(fn) else not list(reg.people())
        except Exception:  # noqa: BLE001
            return False

    def dismiss_welcome(self) -> None:
        self.photos_stack.setCurrentWidget(self.splitter)
        if self._register_is_empty():
            self.message_banner.say("No register yet: <b>every face will be covered</b>. You can import "
                                    "the register at any time from the Consent register tab.")
        self.batch.list.setFocus()

    def open_import_wizard(self) -> None:
        try:
            from .import_wizard import ImportWizard  # noqa: PLC0415
        except Exception:  # noqa: BLE001
            self._say_problem("The register import is not available in this version.")
            return
        wiz = ImportWizard(register_opener=self._register_opener, parent=self)
        sig = getattr(wiz, "imported", None)
        if sig is not None:
            sig.connect(self._register_changed)
        wiz.exec()

    def open_enrol(self) -> None:
        try:
            from .enrol_dialog import EnrolDialog  # noqa: PLC0415
        except Exception:  # noqa: BLE001
            self._say_problem("Enrolment is not available in this version.")
            return
        dlg = EnrolDialog(register_opener=self._register_opener, parent=self)
        sig = getattr(dlg, "enrolled", None)
        if sig is not None:
            sig.connect(self._register_changed)
        dlg.exec()

    def open_settings(self) -> None:
        try:
            from .settings_dialog import SettingsDialog  # noqa: PLC0415
        except Exception:  # noqa: BLE001
            self._say_problem("Settings cannot be changed in this version; edit settings.json in the data folder.")
            return
        dlg = SettingsDialog(self.settings, parent=self)
        sig = getattr(dlg, "saved", None)
        if sig is not None:
            sig.connect(self._settings_saved)
        dlg.exec()

    def _settings_saved(self) -> None:
        from photovet.core.settings import Settings  # noqa: PLC0415

        try:
            self.settings = Settings.load()
        except Exception as exc:  # noqa: BLE001
            self._say_problem(error_text(exc))
            return
        self.approval.required = bool(self.settings.get("approval.required", True))
        if self.engine is not None:
            self.engine.settings = self.settings
        self._update_banners()
        self._show_current()

    # ------------------------------------------------------------------------------------
    # banners and status
    # ------------------------------------------------------------------------------------
    def _update_banners(self) -> None:
        if not self.approval.required:
            self.approval_banner.say(
                "<b>Approval is turned off.</b> Photos are exported without a senior leader checking "
                "them. Turn it back on in Settings if more than one person works here.")
        else:
            self.approval_banner.say("")
        self.problem_banner.say("<br>".join(_esc(p) for p in self._problems))
        self._refresh_takedown()

    def _refresh_takedown(self) -> None:
        """Consent lost for someone already exported or posted: say so until it is dealt with."""
        from .takedown_dialog import open_takedown_items  # noqa: PLC0415

        try:
            items = open_takedown_items(self.register)
        except Exception:  # noqa: BLE001 - the records may not exist yet; never block the window
            items = []
        posted = sum(1 for i in items if i.status == "posted")
        if not items:
            self.takedown_banner.say("")
            return
        what = (f"{posted} posted photo{'s' if posted != 1 else ''} should be taken down"
                if posted else f"{len(items)} exported photo{'s' if len(items) != 1 else ''} must not be posted")
        self.takedown_banner.say(
            f"<b>{what}</b>: someone in {'them' if len(items) != 1 else 'it'} no longer has consent "
            "for that channel. <a href='takedown'>Show the take-down list</a>")

    def show_takedown(self) -> None:
        from .takedown_dialog import TakedownDialog  # noqa: PLC0415

        dlg = TakedownDialog(self.register, user=self.preparer, parent=self)
        dlg.changed.connect(self._refresh_takedown)
        dlg.exec()
        self._refresh_takedown()

    def _say_problem(self, text: str) -> None:
        self._problems.append(text)
        self._update_banners()

    def _banner_link(self, href: str) -> None:
        if href == "recheck":
            self.recheck()
        elif href == "review":
            self.batch.set_filter("needs-review")
        elif href == "skipped":
            QMessageBox.information(self, "Files that were left out", "\n".join(self._skipped[:200]))
        elif href == "hide":
            self.message_banner.say("")
        elif href == "takedown":
            self.show_takedown()

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)

    # ------------------------------------------------------------------------------------
    # the engine
    # ------------------------------------------------------------------------------------
    def _start_engine(self) -> None:
        if self.engine is not None or self.engine_job is not None:
            return
        self._set_status("Getting ready: loading the face and text recognisers (a few seconds)…")
        settings, register, loader = self.settings, self.register, self._engine_loader
        self.engine_job = call_in_thread(lambda: loader(settings, register), name="engine", parent=self)
        self.engine_job.items.connect(self._engine_loaded)
        self.engine_job.failed.connect(self._engine_failed)
        self.engine_job.finished.connect(self._engine_job_done)
        self.engine_job.start()

    def _engine_loaded(self, items: list) -> None:
        if items:
            self.engine = items[0]
            self._engine_is_ready()

    def _engine_failed(self, text: str) -> None:
        self._say_problem(f"PhotoVet could not load its recognisers, so photos cannot be checked. "
                          f"{text} Reinstalling PhotoVet usually fixes this.")
        self._set_status("Not ready: see the message above.")

    def _engine_job_done(self, cancelled: bool) -> None:
        job, self.engine_job = self.engine_job, None
        if job is not None:
            job.deleteLater()

    def _engine_is_ready(self) -> None:
        self._set_status("Ready." if not self.batch.model.items else "")
        self.engine_ready.emit()
        self._maybe_start_analysis()

    @property
    def people_by_id(self) -> dict[str, Any]:
        return getattr(self.engine, "people_by_id", {}) or {}

    # ------------------------------------------------------------------------------------
    # importing photos
    # ------------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        start = str(self.qs.value("paths/last_folder", str(Path.home())))
        d = QFileDialog.getExistingDirectory(self, "Choose a folder of photos", start)
        if d:
            self.qs.setValue("paths/last_folder", d)
            self.add_paths([d])

    def choose_files(self) -> None:
        start = str(self.qs.value("paths/last_folder", str(Path.home())))
        files, _ = QFileDialog.getOpenFileNames(self, "Choose photos", start, IMAGE_FILTER)
        if files:
            self.qs.setValue("paths/last_folder", str(Path(files[0]).parent))
            self.add_paths(files)

    def dragEnterEvent(self, ev) -> None:
        md = ev.mimeData()
        if md.hasUrls() and any(u.isLocalFile() for u in md.urls()):
            ev.acceptProposedAction()
        else:
            ev.ignore()

    def dragMoveEvent(self, ev) -> None:
        self.dragEnterEvent(ev)

    def dropEvent(self, ev) -> None:
        paths = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if paths:
            ev.acceptProposedAction()
            self.add_paths(paths)
        else:
            self.message_banner.say("Only files and folders on this computer can be dropped here.")

    def add_paths(self, paths: list[str]) -> None:
        """Expand folders in a worker (a folder of thousands of files must not freeze the window)."""
        if self.welcome is not None and self.photos_stack.currentWidget() is self.welcome:
            self.dismiss_welcome()
        self.tabs.setCurrentIndex(0)
        paths = [str(p) for p in paths]

        def factory(stop):
            try:
                from photovet.core.media.imaging import collect_photos  # noqa: PLC0415
            except ImportError:
                collect_photos = None
            if collect_photos is None:
                yield ([Path(p) for p in paths if Path(p).is_file()], [])
            else:
                yield collect_photos(paths)

        job = Job(factory, name="collect", parent=self)
        job.items.connect(self._collected)
        job.failed.connect(lambda t: self._say_problem(f"The photos could not be listed: {t}"))
        job.finished.connect(lambda *_: job.deleteLater())
        self._set_status("Looking for photos…")
        self.collect_job = job
        job.start()

    def _collected(self, items: list) -> None:
        for photos, skipped in items:
            new = self.batch.model.add_paths(str(Path(p).absolute()) for p in photos)
            self._skipped = [f"{Path(p).name}: {why}" for p, why in skipped]
            msg = []
            if new:
                msg.append(f"Added {len(new)} photo{'s' if len(new) != 1 else ''}.")
                self.thumbs.request(new)
                self._pending_analysis.extend(new)
                if self.batch.current_item() is None:
                    self.batch.select_row(0)
            elif photos:
                msg.append("Those photos are already in this batch.")
            else:
                msg.append("No photos were found there.")
            self._skip_note = ""
            if skipped:
                self._skip_note = (f"{len(skipped)} file{'s were' if len(skipped) != 1 else ' was'} left out "
                                   f"because {'they are' if len(skipped) != 1 else 'it is'} not "
                                   f"a photo (<a href='skipped'>which?</a>).")
                msg.append(self._skip_note)
            self.message_banner.say(" ".join(msg) + " <a href='hide'>Hide</a>")
        self._set_status("")
        self._maybe_start_analysis()
        self._update_actions()

    def new_batch(self) -> None:
        if self.analysis_job is not None:
            self.analysis_job.cancel()
        self._pending_analysis.clear()
        self.thumbs.forget()
        self.batch.model.clear()
        self._previews.clear()
        self._pil_previews.clear()
        self._afters.clear()
        self.photo.clear("Add photos to start: drop them on this window, or choose a folder.")
        self.findings.show_analysis(None, {})
        self.message_banner.say("")
        self._update_actions()

    # -- from a device ----------------------------------------------------------------------
    def import_from_device(self) -> None:
        try:
            from photovet.core.transfer import import_from_device  # noqa: PLC0415
        except ImportError:
            QMessageBox.information(self, "Not available yet",
                                    "Copying from a device is not available in this version. Copy the "
                                    "photos into a folder yourself, then choose Add a folder.")
            return
        src = QFileDialog.getExistingDirectory(self, "Choose the camera card or phone folder",
                                               str(self.qs.value("paths/last_device", str(Path.home()))))
        if not src:
            return
        self.qs.setValue("paths/last_device", src)
        from photovet.core.paths import batches_dir  # noqa: PLC0415

        dest = batches_dir() / _dt.datetime.now().strftime("%Y-%m-%d %H%M%S")
        self._device_src, self._device_dest = src, dest
        self._device_results: list[Any] = []

        job = Job(lambda stop: import_from_device(src, dest, clear=False, stop=stop), name="device", parent=self)
        job.items.connect(self._device_items)
        job.failed.connect(lambda t: self._say_problem(f"Copying from the device stopped: {t}"))
        job.finished.connect(self._device_done)
        self.device_job = job
        self.progress.setRange(0, 0)
        self.progress.show()
        self._set_status(f"Copying photos from {src}…")
        job.start()

    def _device_items(self, items: list) -> None:
        for pr in items:
            self.progress.setRange(0, max(1, pr.total))
            self.progress.setValue(pr.done)
            if pr.result is not None:
                self._device_results.append(pr.result)
            if pr.total:
                self._set_status(f"Copying from the device: {pr.done} of {pr.total}")

    def _device_done(self, cancelled: bool) -> None:
        job, self.device_job = self.device_job, None
        if job is not None:
            job.deleteLater()
        self.progress.hide()
        dest = self._device_dest
        errors = [r for r in self._device_results if getattr(r, "error", None)]
        copied = [r for r in self._device_results if not getattr(r, "error", None)]
        self._set_status(f"Copied {len(copied)} photo{'s' if len(copied) != 1 else ''} into {dest}.")
        if Path(dest).exists():
            self.add_paths([str(dest)])
        if cancelled or errors or not copied:
            if errors:
                self._say_problem(f"{len(errors)} file{'s' if len(errors) != 1 else ''} could not be copied "
                                  f"from the device; they were left on it. First: {errors[0].error}")
            return
        ans = QMessageBox.question(
            self, "Clear the device?",
            f"All {len(copied)} photos were copied and each copy was checked.\n\n"
            "School policy: personal devices are cleared once the copies are safe. "
            "Delete the originals from the device now?",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        if ans == QMessageBox.Yes:
            self._clear_device()

    def _clear_device(self) -> None:
        from photovet.core.transfer import import_from_device  # noqa: PLC0415

        src, dest = self._device_src, self._device_dest
        self._device_results = []
        job = Job(lambda stop: import_from_device(src, dest, clear=True, stop=stop), name="device-clear", parent=self)
        job.items.connect(self._device_items)
        job.failed.connect(lambda t: self._say_problem(f"The device was not cleared: {t}"))

        def done(cancelled: bool) -> None:
            self.device_job = None
            job.deleteLater()
            self.progress.hide()
            errs = [r for r in self._device_results if getattr(r, "error", None)]
            self._set_status("The device was cleared." if not errs and not cancelled
                             else "Some photos were left on the device (see the message above).")
            if errs:
                self._say_problem(f"{len(errs)} original(s) were not deleted: {errs[0].error}")

        job.finished.connect(done)
        self.device_job = job
        self.progress.setRange(0, 0)
        self.progress.show()
        job.start()

    # ------------------------------------------------------------------------------------
    # thumbnails and analysis
    # ------------------------------------------------------------------------------------
    def _thumbs_loaded(self, pairs: list) -> None:
        self.batch.model.set_thumbnails(pairs)

    def _maybe_start_analysis(self) -> None:
        if self.engine is None or self.analysis_job is not None or not self._pending_analysis or self._closing:
            return
        paths, self._pending_analysis = self._pending_analysis, []
        engine, channel, mode = self.engine, self.channel, self.mode
        from photovet.core.pipeline import analyse_batch  # noqa: PLC0415

        fn = getattr(engine, "analyse_batch", None) or analyse_batch
        job = Job(lambda stop: fn(paths, engine, channel, mode, stop), name="analyse", parent=self)
        job.items.connect(self._analysed)
        job.failed.connect(lambda t: self._say_problem(f"Checking photos stopped: {t}"))
        job.finished.connect(self._analysis_done)
        self.analysis_job = job
        self._analysis_total = len(paths)
        self.progress.setRange(0, len(paths))
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m")
        self.progress.show()
        self.cancel_button.show()
        self._set_status(f"Checking {len(paths)} photo{'s' if len(paths) != 1 else ''}…")
        job.start()

    def _analysed(self, items: list) -> None:
        results = []
        last = None
        for pr in items:
            last = pr
            a = pr.result
            if a is None:
                continue
            if not a.error and (a.channel != self.channel or a.mode != self.mode):
                self.engine.decide(a, self.channel, self.mode)
            results.append(a)
        if results:
            self.batch.model.set_analyses(results)
            self._refresh_approvals([a for a in results if a.sha256])
            cur = self.batch.current_item()
            if cur is not None and any(a.path == cur.path for a in results):
                self._show_current()
        if last is not None:
            self.progress.setValue(last.done)
            if last.total:
                self._set_status(f"Checking photos: {last.done} of {last.total}")

    def _analysis_done(self, cancelled: bool) -> None:
        job, self.analysis_job = self.analysis_job, None
        if job is not None:
            job.deleteLater()
        self.progress.hide()
        self.cancel_button.hide()
        left = self.batch.model.unanalysed_paths()
        if cancelled and left:
            self._set_status("")
            self.message_banner.say(f"Checking stopped. {len(left)} photo{'s are' if len(left) != 1 else ' is'} "
                                    "not checked yet and will not be exported. <a href='recheck'>Check them now</a>")
        else:
            c = self.batch.model.counts()
            bits = [f"Checked {c['all'] - c.get('pending', 0)} photos."]
            if c.get("needs-review"):
                bits.append(f"<a href='review'>{c['needs-review']} need your review</a>.")
            if c.get("failed"):
                bits.append(f"{c['failed']} could not be read (filter by Failed to see why).")
            if self._skip_note:
                bits.append(self._skip_note)
            self.message_banner.say(" ".join(bits))
            self._set_status("")
        self._update_actions()
        self.analysis_finished.emit()
        if not self._closing:
            self._maybe_start_analysis()

    def cancel_analysis(self) -> None:
        self._pending_analysis.clear()
        if self.analysis_job is not None:
            self._set_status("Stopping after the current photo…")
            self.analysis_job.cancel()

    def recheck(self) -> None:
        left = self.batch.model.unanalysed_paths()
        self._pending_analysis.extend(p for p in left if p not in self._pending_analysis)
        self.message_banner.say("")
        self._maybe_start_analysis()

    # ------------------------------------------------------------------------------------
    # channel and mode: decisions update at once (chunked so 2,000 photos never freeze)
    # ------------------------------------------------------------------------------------
    def _channel_changed(self) -> None:
        self.channel = self.channel_combo.currentData()
        self.qs.setValue("review/channel", self.channel)
        self._redecide_all()

    def _mode_changed(self) -> None:
        self.mode = self.mode_combo.currentData()
        self.qs.setValue("review/mode", self.mode)
        self._redecide_all()

    def _redecide_all(self) -> None:
        if self.engine is None:
            return
        cur = self.batch.current_item()
        if cur is not None and cur.analysis is not None and not cur.analysis.error:
            self.engine.decide(cur.analysis, self.channel, self.mode)
            self._afters.pop(cur.path, None)
            self._show_current()
        self._redecide_queue = list(range(len(self.batch.model.items)))
        self._afters.clear()
        QTimer.singleShot(0, self._redecide_step)

    def _redecide_step(self) -> None:
        chunk, self._redecide_queue = self._redecide_queue[:DECIDE_CHUNK], self._redecide_queue[DECIDE_CHUNK:]
        rows = []
        for r in chunk:
            it = self.batch.model.item(r)
            if it is None or it.analysis is None or it.analysis.error:
                continue
            a = it.analysis
            if a.channel != self.channel or a.mode != self.mode:
                self.engine.decide(a, self.channel, self.mode)
                rows.append(r)
        self.batch.model.refresh_rows(rows)
        if self._redecide_queue:
            QTimer.singleShot(0, self._redecide_step)

    # ------------------------------------------------------------------------------------
    # the current photo
    # ------------------------------------------------------------------------------------
    def current(self) -> PhotoItem | None:
        return self.batch.current_item()

    def _current_changed(self, item: PhotoItem | None) -> None:
        self._show_current()

    def _show_current(self) -> None:
        item = self.current()
        if item is None:
            self.photo.clear("Choose a photo from the batch." if self.batch.model.items else
                             "Add photos to start: drop them on this window, or choose a folder.")
            self.findings.show_analysis(None, {})
            self.approval_panel.show_state(None, None, self.approval.required)
            return
        a = item.analysis
        preview = self._previews.get(item.path)
        title = item.name + ("" if a is not None else "  (still being checked…)")
        if a is None:
            self.photo.canvas.set_photo(None, None)
            self.photo.canvas.set_message(f"{item.name}\n\nStill being checked…")
            self.photo.title.setText(title)
            self.photo.set_enabled_tools(False)
        else:
            self.photo.show_analysis(a, preview, self.people_by_id, self.channel, title)
        if preview is None and (a is None or not a.error):
            self._load_preview(item.path)
        if self.photo.canvas.show_after and a is not None and not a.error:
            after = self._afters.get(item.path)
            self.photo.canvas.set_after(after)
            if after is None:
                self._render_after(item)
        self.findings.show_analysis(a, self.people_by_id)
        state = self.approval.state(a.sha256) if a is not None else None
        self.approval_panel.show_state(a, state, self.approval.required)

    def _load_preview(self, path: str) -> None:
        if self.preview_job is not None and getattr(self.preview_job, "path", None) == path:
            return
        size = PREVIEW_MAX

        def load():
            pil = load_thumbnail(path, size)
            return path, pil, pil_to_qimage(pil)

        job = call_in_thread(load, name="preview", parent=self)
        job.path = path
        job.items.connect(self._preview_loaded)
        job.failed.connect(lambda t: self.photo.canvas.set_message(f"This photo cannot be shown: {t}"))
        job.finished.connect(lambda *_: self._preview_done(job))
        self.preview_job = job
        job.start()

    def _preview_done(self, job: Job) -> None:
        if self.preview_job is job:
            self.preview_job = None
        job.deleteLater()
        cur = self.current()
        if cur is not None and cur.path not in self._previews and (cur.analysis is None or not cur.analysis.error):
            if not job.cancelled and getattr(job, "path", None) != cur.path:
                self._load_preview(cur.path)

    def _preview_loaded(self, items: list) -> None:
        for path, pil, qimg in items:
            self._previews[path] = qimg
            self._pil_previews[path] = pil
            while len(self._previews) > 6:
                old, _ = self._previews.popitem(last=False)
                self._pil_previews.pop(old, None)
                self._afters.pop(old, None)
            cur = self.current()
            if cur is not None and cur.path == path:
                self._show_current()

    def _after_toggled(self, on: bool) -> None:
        self._show_current()

    def _render_after(self, item: PhotoItem) -> None:
        pil = self._pil_previews.get(item.path)
        if pil is None or self.engine is None or self.after_job is not None:
            return
        import copy  # noqa: PLC0415

        snapshot = copy.deepcopy(item.analysis)
        engine, path = self.engine, item.path

        def work():
            return path, pil_to_qimage(render_after(pil, snapshot, engine))

        job = call_in_thread(work, name="after", parent=self)
        job.items.connect(self._after_rendered)
        job.failed.connect(lambda t: self.photo.canvas.set_message(f"The published version cannot be shown: {t}"))

        def done(*_):
            self.after_job = None
            job.deleteLater()
            cur = self.current()
            if cur is not None and self.photo.canvas.show_after and cur.path not in self._afters:
                self._render_after(cur)

        job.finished.connect(done)
        self.after_job = job
        job.start()

    def _after_rendered(self, items: list) -> None:
        for path, qimg in items:
            self._afters[path] = qimg
            cur = self.current()
            if cur is not None and cur.path == path:
                self.photo.canvas.set_after(qimg)

    def _changed_current(self, what: str, details: dict) -> None:
        """After any edit of the current photo: audit, refresh grid, view, findings, preview."""
        item = self.current()
        if item is None or item.analysis is None:
            return
        try:
            self.approval.record_override(item.analysis, what, details, user=self.preparer or None)
        except Exception as exc:  # noqa: BLE001
            self._say_problem(f"The change was made but could not be written to the audit log: {error_text(exc)}")
        self._afters.pop(item.path, None)
        self.batch.refresh_current()
        self._refresh_approvals([item.analysis])
        self._show_current()

    # -- faces ------------------------------------------------------------------------------
    def _select_face(self, index: int) -> None:
        c = self.photo.canvas
        if c.analysis is None or not c.analysis.faces:
            return
        if index == -2:
            c.select_next_face()
        else:
            c.selected_face = index
        c.update()
        c.setFocus()

    def toggle_selected_face(self) -> None:
        c = self.photo.canvas
        a = c.analysis
        if a is None or a.error or not a.faces or c.show_after:
            return
        if c.selected_face < 0 or c.selected_face >= len(a.faces):
            c.selected_face = 0
            c.update()
            self._set_status("Face 1 selected. Press B again to cover or show it; F selects the next face.")
            return
        self.toggle_face(c.selected_face)

    def toggle_face(self, index: int) -> None:
        item = self.current()
        if item is None or item.analysis is None or self.engine is None:
            return
        a = item.analysis
        if not (0 <= index < len(a.faces)):
            return
        f = a.faces[index]
        if f.final_decision == "show":
            f.override = "cover"
            self._changed_current("face covered", {"face": index, "box": list(f.box)})
            return
        if f.override == "cover" and f.decision == "show":
            # covered by hand, and the policy allows it: undo the hand cover, nothing to ask
            f.override = None
            self._changed_current("face shown again (consent allows it)", {"face": index, "box": list(f.box)})
            return
        self.show_face(index)

    def show_face(self, index: int) -> None:
        """Showing a covered face always asks: who it is (unknown), or a clear confirmation."""
        item = self.current()
        a = item.analysis
        f = a.faces[index]
        person = face_person(f, self.people_by_id)
        recognised = f.override_person is not None or f.match_status == "recognised"
        if person is not None and recognised and getattr(person, "do_not_photograph", False):
            QMessageBox.warning(self, "This face cannot be shown",
                                f"{person.display_name} is on the do-not-photograph list, so their face "
                                "is always covered. Talk to the safeguarding lead if this is wrong.")
            return
        if not recognised:
            choice = self.confirm_unknown_face(index)
            if choice == "who":
                self.assign_person(index)
            elif choice == "keep" and f.override is None:
                f.override = "cover"
                self._changed_current("face checked and kept covered", {"face": index, "box": list(f.box)})
            elif choice == "anyway":
                f.override = "show"
                self._changed_current("unknown face shown after confirmation",
                                      {"face": index, "box": list(f.box), "channel": self.channel})
            return
        # recognised but covered: no consent for this channel, or the mode covers pupils
        name = person.display_name if person is not None else "This person"
        reason = f.reason or f"No consent for {channel_label(self.channel)}"
        if self.confirm_show_against_policy(name, reason):
            f.override = "show"
            self._changed_current("face shown against the policy after confirmation",
                                  {"face": index, "person": f.override_person or f.person,
                                   "reason": reason, "channel": self.channel})

    # the two questions (separate methods so tests can answer them)
    def confirm_unknown_face(self, index: int) -> str:
        """'who' (choose from the register), 'anyway' (explicit confirmation) or 'keep'."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Warning)
        box.setWindowTitle("Show an unknown face?")
        box.setText("PhotoVet does not know who this is, so it cannot check their consent.")
        box.setInformativeText("Say who it is from the register, so their consent is checked. "
                               "Only show it anyway if you are sure this person may be published "
                               "(for example an adult visitor who agreed). Either way it is recorded.")
        who = box.addButton("Choose who it is…", QMessageBox.AcceptRole)
        anyway = box.addButton("Show anyway", QMessageBox.DestructiveRole)
        keep = box.addButton("Keep it covered", QMessageBox.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        return "who" if clicked is who else "anyway" if clicked is anyway else "keep"

    def confirm_show_against_policy(self, name: str, reason: str) -> bool:
        ans = QMessageBox.warning(
            self, "Show this face anyway?",
            f"{name}: {reason}.\n\nOnly show the face if you have up-to-date consent that is not yet "
            "in the register. This is recorded in the audit log.",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return ans == QMessageBox.Yes

    def choose_person(self, index: int) -> str | None:
        people = sorted(getattr(self.engine, "people", None) or list(self.people_by_id.values()),
                        key=lambda p: (p.surname.lower(), p.first_name.lower()))
        dlg = PersonPicker(people, self.channel, self)
        if not dlg.exec():
            return None
        return dlg.chosen()

    def assign_person(self, index: int | None = None) -> None:
        item = self.current()
        if item is None or item.analysis is None or self.engine is None:
            return
        a = item.analysis
        if index is None or index is False:
            index = self.photo.canvas.selected_face
        if not (0 <= index < len(a.faces)):
            self._set_status("Click a face first, then choose Who is this?")
            return
        pid = self.choose_person(index)
        if not pid:
            return
        self.set_face_person(index, pid)

    def set_face_person(self, index: int, pid: str) -> None:
        item = self.current()
        a = item.analysis
        f = a.faces[index]
        f.override_person = pid
        f.override = None
        self.engine.decide(a, self.channel, self.mode)
        self._changed_current("face identified by hand", {"face": index, "person": pid, "box": list(f.box)})

    def _face_menu(self, index: int, gpos) -> None:
        a = self.photo.canvas.analysis
        if a is None:
            return
        f = a.faces[index]
        m = QMenu(self)
        label = face_label(f, self.people_by_id, self.channel)
        head = m.addAction(label)
        head.setEnabled(False)
        m.addSeparator()
        if f.final_decision == "show":
            m.addAction("Cover this face", lambda: self.toggle_face(index))
        else:
            m.addAction("Show this face…", lambda: self.toggle_face(index))
        m.addAction("Who is this?…", lambda: self.assign_person(index))
        if f.override is not None or f.override_person is not None:
            m.addAction("Undo my change", lambda: self._undo_face(index))
        m.exec(gpos)

    def _undo_face(self, index: int) -> None:
        a = self.current().analysis
        f = a.faces[index]
        f.override = None
        f.override_person = None
        self.engine.decide(a, self.channel, self.mode)
        self._changed_current("face change undone", {"face": index})

    def keep_rest_covered(self) -> None:
        """Every face or name still waiting for a decision stays covered, and counts as checked."""
        item = self.current()
        if item is None or item.analysis is None or item.analysis.error:
            return
        a = item.analysis
        faces = [i for i, f in enumerate(a.faces) if f.needs_review and f.override is None]
        texts = [i for i, t in enumerate(a.texts) if t.final_decision == "review"]
        for i in faces:
            a.faces[i].override = "cover"
        for i in texts:
            a.texts[i].override = "cover"
        if faces or texts:
            self._changed_current("unchecked faces and names kept covered", {"faces": faces, "texts": texts})
            self._set_status(f"Kept {len(faces)} face(s) covered and {len(texts)} name(s) covered.")
        else:
            self._set_status("Nothing in this photo was waiting for a decision.")

    # -- text in the picture ---------------------------------------------------------------
    def _text_menu(self, index: int, gpos) -> None:
        a = self.photo.canvas.analysis
        if a is None or not (0 <= index < len(a.texts)):
            return
        t = a.texts[index]
        m = QMenu(self)
        head = m.addAction(f"“{t.text}”" + (f" — {t.reason}" if t.reason else ""))
        head.setEnabled(False)
        m.addSeparator()
        if t.final_decision != "cover" or t.override is None:
            m.addAction("Cover this text", lambda: self.set_text_decision(index, "cover"))
        if t.final_decision != "keep":
            m.addAction("Leave this text visible…", lambda: self.set_text_decision(index, "keep"))
        m.exec(gpos)

    def set_text_decision(self, index: int, decision: str) -> None:
        item = self.current()
        if item is None or item.analysis is None:
            return
        t = item.analysis.texts[index]
        if decision == "keep" and (t.person or t.kind in ("pupil-name", "name-like")):
            if not self.confirm_keep_text(t.text):
                return
        t.override = decision
        self._changed_current("text covered" if decision == "cover" else "text left visible",
                              {"text": t.text, "person": t.person})

    def confirm_keep_text(self, text: str) -> bool:
        ans = QMessageBox.warning(
            self, "Leave this name visible?",
            f"“{text}” may be a pupil's name. Leave it readable only if it is not a pupil's name, or "
            "the family agreed to the name being published. This is recorded in the audit log.",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return ans == QMessageBox.Yes

    # -- manual covers -------------------------------------------------------------------
    def add_cover(self, shape: str, box: tuple) -> None:
        item = self.current()
        if item is None or item.analysis is None:
            return
        shape = "ellipse" if shape == "ellipse" else "rect"
        item.analysis.manual.append(Cover(shape, tuple(int(v) for v in box), None, "manual", "covered by hand"))
        self._changed_current("area covered by hand", {"shape": shape, "box": list(box)})

    def remove_cover(self, index: int) -> None:
        item = self.current()
        if item is None or item.analysis is None or not (0 <= index < len(item.analysis.manual)):
            return
        r = item.analysis.manual.pop(index)
        self._changed_current("covered area removed", {"shape": r.shape, "box": list(r.box or ())})

    def _manual_menu(self, index: int, gpos) -> None:
        m = QMenu(self)
        m.addAction("Remove this cover", lambda: self.remove_cover(index))
        m.exec(gpos)

    # ------------------------------------------------------------------------------------
    # approval
    # ------------------------------------------------------------------------------------
    def ask_preparer(self, force: bool = False) -> str:
        if self.preparer and not force:
            return self.preparer
        dlg = NameDialog("Who is preparing these photos?",
                         "Your name is recorded when you mark photos ready, so the approver knows "
                         "who checked them.", current=self.preparer, parent=self)
        if dlg.exec():
            self.preparer = dlg.value()
            self.qs.setValue("people/preparer", self.preparer)
            self.approval_panel.set_people(self.preparer, self.approver)
        return self.preparer

    def _staff_names(self) -> list[str]:
        return sorted(p.display_name for p in self.people_by_id.values() if getattr(p, "role", "") == "staff")

    def ask_approver(self, force: bool = False, comment: bool = False, approve: bool = True) -> tuple[str, str] | None:
        if self.approver and not force and not comment:
            return self.approver, ""
        dlg = NameDialog("Approve photos" if approve else "Reject this photo",
                         "Approval is by a senior leader who did not prepare the photos. "
                         "Your name is recorded with each decision.",
                         suggestions=self._staff_names(), current=self.approver,
                         with_comment=comment, ok_text="Approve" if approve and comment else
                         ("Reject" if comment else "OK"), parent=self)
        if not dlg.exec():
            return None
        self.approver = dlg.value()
        self.approval_panel.set_people(self.preparer, self.approver)
        return self.approver, dlg.comment_text()

    def mark_ready(self) -> None:
        item = self.current()
        if item is None or item.analysis is None:
            return
        self._mark([item.analysis])

    def mark_all_ready(self) -> None:
        todo = [a for a in self.batch.model.analysed()
                if not a.error and not a.needs_review and self.approval.status(a.sha256) in ("draft",)]
        if not todo:
            self.approval_panel.show_error("Nothing to mark: photos that still need checking (amber) "
                                           "or that failed are left out.")
            return
        self._mark(todo)

    def _mark(self, analyses: list) -> None:
        if not self.approval.required:
            return
        preparer = self.ask_preparer()
        if not preparer:
            return
        try:
            problems = self.approval.mark_ready(analyses, preparer=preparer, batch=self._batch_label)
        except Exception as exc:  # noqa: BLE001
            self.approval_panel.show_error(error_text(exc))
            return
        if problems:
            self.approval_panel.show_error("Not marked ready:\n" + "\n".join(problems[:5])
                                           + (f"\n…and {len(problems) - 5} more" if len(problems) > 5 else ""))
        else:
            n = len(analyses)
            self._set_status(f"{n} photo{'s' if n != 1 else ''} marked ready for approval.")
        self._show_current_approval()

    def decide_current(self, approve: bool) -> None:
        item = self.current()
        if item is None or item.analysis is None or item.analysis.error or not self.approval.required:
            return
        who = self.ask_approver(comment=not approve, approve=approve)
        if who is None:
            return
        approver, comment = who
        row = self.batch.list.currentIndex().row()
        try:
            self.approval.decide(item.analysis, approve, approver=approver, comment=comment)
        except Exception as exc:  # noqa: BLE001
            self.approval_panel.show_error(error_text(exc))
            return
        self._set_status(f"{item.name} {'approved' if approve else 'rejected'} by {approver}.")
        # go on to the next photo (the filter may have removed this one)
        cur = self.batch.list.currentIndex()
        if not cur.isValid() or cur.data() != item.name:
            self.batch.select_row(min(row, self.batch.proxy.rowCount() - 1))
        else:
            self.batch.move(1)
        self._show_current_approval()

    def _show_current_approval(self) -> None:
        item = self.current()
        a = item.analysis if item is not None else None
        state = self.approval.state(a.sha256) if a is not None else None
        self.approval_panel.show_state(a, state, self.approval.required)

    def _approvals_changed(self, shas: list) -> None:
        want = set(shas)
        states = {}
        for it in self.batch.model.items:
            if it.analysis is not None and it.analysis.sha256 in want:
                states[it.path] = self.approval.status(it.analysis.sha256)
        self.batch.model.set_approvals(states)
        self._update_actions()

    def _refresh_approvals(self, analyses: list) -> None:
        states = {a.path: self.approval.status(a.sha256) for a in analyses if a.sha256}
        self.batch.model.set_approvals(states)

    # ------------------------------------------------------------------------------------
    # export
    # ------------------------------------------------------------------------------------
    def _update_actions(self) -> None:
        self.act_export.setEnabled(bool(self.batch.model.analysed()))

    def open_export(self) -> None:
        analyses = self.batch.model.analysed()
        if not analyses or self.engine is None:
            QMessageBox.information(self, "Nothing to export yet",
                                    "Add photos and wait for them to be checked first.")
            return
        if self.export_dialog is not None:
            self.export_dialog.raise_()
            return
        dlg = ExportDialog(analyses, engine=self.engine, channel=self.channel, mode=self.mode,
                           approval_required=self.approval.required, status_of=self.approval.status,
                           preparer=self.preparer, approver=self.approver, channels=self._channels(),
                           destination=str(self.qs.value("paths/export", "") or ""),
                           label=self._batch_label, parent=self)
        dlg.exported.connect(self._exported)
        dlg.finished.connect(lambda *_: self._export_closed(dlg))
        self.export_dialog = dlg
        dlg.setModal(True)
        dlg.show()

    def _exported(self, results: list) -> None:
        dlg = self.export_dialog
        if dlg is not None:
            self.qs.setValue("paths/export", dlg.dest.text())
            self._batch_label = dlg.label.text()

    def _export_closed(self, dlg) -> None:
        if self.export_dialog is dlg:
            self.export_dialog = None
        dlg.deleteLater()

    # ------------------------------------------------------------------------------------
    # register changes
    # ------------------------------------------------------------------------------------
    def _register_changed(self) -> None:
        self._refresh_takedown()
        if self.engine is not None and hasattr(self.engine, "reload_register"):
            try:
                self.engine.reload_register()
            except Exception as exc:  # noqa: BLE001
                self._say_problem(f"The register changed but could not be re-read: {error_text(exc)}")
                return
            for it in self.batch.model.items:
                if it.analysis is not None and not it.analysis.error:
                    it.analysis.channel = ""  # force a re-decision
            self._redecide_all()
            if self.batch.model.analysed():
                self.message_banner.say("The register changed: consent was re-applied to every photo. "
                                        "Faces are recognised again when photos are next checked.")
        if self.welcome is not None and self.photos_stack.currentWidget() is self.welcome \
                and not self._register_is_empty():
            self.dismiss_welcome()

    # ------------------------------------------------------------------------------------
    # window state and closing
    # ------------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geo = self.qs.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        st = self.qs.value("window/state")
        if st is not None:
            self.restoreState(st)
        sp = self.qs.value("window/splitter")
        if sp is not None:
            self.splitter.restoreState(sp)

    def save_state(self) -> None:
        self.qs.setValue("window/geometry", self.saveGeometry())
        self.qs.setValue("window/state", self.saveState())
        self.qs.setValue("window/splitter", self.splitter.saveState())
        self.qs.sync()

    def running_jobs(self) -> list[Job]:
        jobs = [self.analysis_job, self.collect_job, self.device_job, self.engine_job,
                self.preview_job, self.after_job]
        if self.export_dialog is not None and self.export_dialog.job is not None:
            jobs.append(self.export_dialog.job)
        return [j for j in jobs if j is not None]

    def shutdown(self, wait_ms: int = 60000) -> None:
        """Cancel everything and wait for the workers to stop (no half-written export)."""
        self._closing = True
        self._pending_analysis.clear()
        if self.export_dialog is not None:
            self.export_dialog.shutdown(wait_ms)
        for job in self.running_jobs():
            try:
                job.cancel()
            except RuntimeError:
                pass
        for job in self.running_jobs():
            try:
                job.wait(wait_ms)
            except RuntimeError:
                pass
        self.thumbs.stop()
        close = getattr(self.engine, "close", None)
        if callable(close):
            close()

    def closeEvent(self, ev: QCloseEvent) -> None:
        if self.export_dialog is not None and self.export_dialog.running:
            self._set_status("Stopping the export…")
            QApplication.processEvents()
        self.save_state()
        self.shutdown()
        super().closeEvent(ev)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
