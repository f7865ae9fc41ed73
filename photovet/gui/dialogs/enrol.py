"""Enrolment: add reference face photos from a folder of ``<id>.jpg`` or a CSV of id -> photo.

Loading the face engine takes seconds and each photo is decoded and encoded, so both run in a
worker thread (``TaskThread``); the dialog only receives signals. Per-photo problems are listed
in plain English, one line each ("A123456789012: 2 faces in the enrolment photo; use a single
portrait"), and enrolment goes on with the next photo.
"""

from __future__ import annotations

import inspect
import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from .import_wizard import TaskThread, error_text, with_register

_ENGINE_LOCK = threading.Lock()
_ENGINE: Any = None


def default_engine_loader() -> Any:
    """Load the face engine once per process (slow: call it from a worker thread)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            from photovet.core.vision.faces import FaceEngine
            from photovet.core.settings import Settings

            _ENGINE = FaceEngine.load(Settings.load())
        return _ENGINE


def _accepts(fn: Callable, name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def report_lists(report: Any) -> tuple[list[str], list[str]]:
    """(enrolled ids, problem lines) from the core's EnrolReport, whatever its exact shape."""
    enrolled = getattr(report, "enrolled", None)
    if isinstance(enrolled, dict):
        ok = list(enrolled.keys())
    elif isinstance(enrolled, (list, tuple, set)):
        ok = [getattr(e, "id", e) if not isinstance(e, (tuple, list)) else e[0] for e in enrolled]
    else:
        ok = []
    problems = []
    for e in getattr(report, "errors", []) or []:
        problems.append(e if isinstance(e, str) else _problem_line(e))
    return [str(x) for x in ok], problems


def _problem_line(e: Any) -> str:
    who = getattr(e, "person_id", None) or getattr(e, "person", None) or ""
    msg = str(getattr(e, "message", str(e)))
    line = f"{who}: {msg}" if who and not msg.startswith(str(who)) else msg
    path = str(getattr(e, "path", "") or "")
    if path:
        line += f" ({Path(path).name})"
    return line


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


class EnrolDialog(QDialog):
    """Enrol reference photos. ``enrolled`` is emitted after enrolment changed the register."""

    enrolled = Signal()

    def __init__(self, register_opener: Callable[[], Any] | None = None,
                 engine_loader: Callable[[], Any] | None = None, parent=None):
        super().__init__(parent)
        from .register_view import default_opener

        self.register_opener = register_opener or default_opener
        self.engine_loader = engine_loader or default_engine_loader
        self.user = _os_user()
        self.thread: TaskThread | None = None
        self._running = False
        self.report: Any = None
        self.failure: str | None = None
        self.setWindowTitle("Enrol face photos")

        intro = QLabel(
            "PhotoVet recognises people from a clear portrait of each one (the school photo is "
            "ideal). Each photo must show exactly one face. Only a face code is kept, not the "
            "photo; enrolling someone again replaces their old photos."
        )
        intro.setWordWrap(True)
        self.from_folder = QRadioButton("A &folder of photos named by UPN or staff code (for example A123456789012.jpg)")
        self.from_csv = QRadioButton("A &CSV file with two columns: UPN and photo file")
        self.from_folder.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.from_folder)
        group.addButton(self.from_csv)
        group.buttonToggled.connect(lambda *_: self._changed())
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("Folder or CSV file to enrol from")
        self.path_edit.textChanged.connect(self._changed)
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)

        self.start_button = QPushButton("&Start enrolling")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m photos")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.problems_label = QLabel("Photos that could not be used:")
        self.problems = QListWidget()
        self.problems.setAccessibleName("Photos that could not be used")
        self.problems.setWordWrap(True)
        self.problems_label.hide()
        self.problems.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.from_folder)
        lay.addWidget(self.from_csv)
        lay.addLayout(row)
        start_row = QHBoxLayout()
        start_row.addStretch(1)
        start_row.addWidget(self.start_button)
        lay.addLayout(start_row)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.problems_label)
        lay.addWidget(self.problems, 1)
        lay.addWidget(self.buttons)
        self.resize(680, 480)
        self._changed()

    # -- choosing --------------------------------------------------------------------------
    def set_source(self, path: str | Path, *, csv: bool | None = None) -> None:
        path = Path(path)
        use_csv = path.is_file() if csv is None else csv
        (self.from_csv if use_csv else self.from_folder).setChecked(True)
        self.path_edit.setText(str(path))

    def _browse(self) -> None:
        if self.from_folder.isChecked():
            path = QFileDialog.getExistingDirectory(self, "Choose the folder of photos", self.path_edit.text())
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Choose the CSV file", self.path_edit.text(),
                                                  "CSV files (*.csv *.txt);;All files (*)")
        if path:
            self.path_edit.setText(path)

    def _source_problem(self) -> str | None:
        text = self.path_edit.text().strip()
        if not text:
            return ""
        p = Path(text)
        if self.from_folder.isChecked():
            return None if p.is_dir() else ("That is a file: choose the folder that holds the photos."
                                            if p.is_file() else "No folder with that name.")
        return None if p.is_file() else ("That is a folder: choose the CSV file." if p.is_dir()
                                         else "No file with that name.")

    def _changed(self, *, update_status: bool = True) -> None:
        problem = self._source_problem()
        running = self._running
        self.start_button.setEnabled(problem is None and not running)
        if not running and update_status:
            self.status.setText(problem or "")

    # -- running ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._source_problem() is not None or self._running:
            return
        source = Path(self.path_edit.text().strip())
        use_csv = self.from_csv.isChecked()
        opener, loader, user = self.register_opener, self.engine_loader, self.user
        self.report, self.failure = None, None
        self.problems.clear()
        self.problems.hide()
        self.problems_label.hide()
        self.progress.setRange(0, 0)  # busy until the engine is loaded
        self.status.setText("Loading the face recogniser (this takes a few seconds the first time)…")

        def work(progress):
            engine = loader()
            progress(0, 0, "Reading the photos…")

            def run(reg):
                fn = reg.enrol_csv if use_csv else reg.enrol_folder
                kw = {}
                if _accepts(fn, "user"):
                    kw["user"] = user
                if _accepts(fn, "progress"):
                    kw["progress"] = lambda d, t, m="": progress(d, t, f"Checked {m}" if m else "")
                return fn(source, engine, **kw)

            return with_register(opener, run)

        self.thread = TaskThread(work, self)
        self.thread.progress.connect(self._progress)
        self.thread.succeeded.connect(self._done)
        self.thread.failed.connect(self._failed)
        self._running = True
        self.start_button.setEnabled(False)
        self.path_edit.setEnabled(False)
        self.browse.setEnabled(False)
        self.buttons.setEnabled(False)
        self.thread.start()

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.status.setText(message)

    def _finish(self) -> None:
        self._running = False
        self.path_edit.setEnabled(True)
        self.browse.setEnabled(True)
        self.buttons.setEnabled(True)
        self._changed(update_status=False)

    def _done(self, report: Any) -> None:
        self.report = report
        ok, problems = report_lists(report)
        total = len(ok) + len(problems)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(total)
        self.progress.setFormat(f"{total} photo{'s' if total != 1 else ''} checked")
        people = len(set(ok))
        text = f"{people} {'person' if people == 1 else 'people'} enrolled."
        if problems:
            text += (f" {len(problems)} photo{'s' if len(problems) != 1 else ''} could not be used "
                     "(listed below): those people are covered until a good photo is enrolled.")
        self.status.setText(text)
        if problems:
            self.problems.addItems(problems)
            self.problems_label.show()
            self.problems.show()
        self._finish()
        if ok:
            self.enrolled.emit()

    def _failed(self, exc: BaseException) -> None:
        self.failure = error_text(exc)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Not enrolled")
        self.status.setText(f"Nothing was enrolled.\n{self.failure}")
        self._finish()

    def busy(self) -> bool:
        return self._running or (self.thread is not None and self.thread.isRunning())

    def reject(self) -> None:
        if self.busy():  # the register write finishes before the window closes
            self.status.setText("Finishing the photo in progress…")
            self.thread.wait()
        super().reject()

    def closeEvent(self, event) -> None:
        if self.busy():
            self.thread.wait()
        super().closeEvent(event)
