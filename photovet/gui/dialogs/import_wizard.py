"""The register import wizard: choose the CSV, check the column mapping, preview every change
(withdrawals of consent first), then import.

Every step that reads the register or the CSV runs in a worker thread (``TaskThread``) that
opens its own Register (SQLite connections belong to one thread) and reports back with
signals; no widget is touched from the worker.
"""

from __future__ import annotations

import csv
import getpass
import io
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QThread, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from photovet.core.models import channel_label

NOT_IN_FILE = "(not in this file)"


# ------------------------------------------------------------------------------------------
# Worker thread
# ------------------------------------------------------------------------------------------

class TaskThread(QThread):
    """Run ``fn(progress)`` off the GUI thread; report with signals only.

    ``progress(done, total, message)`` may be called by ``fn`` from the worker; it is relayed
    to the GUI thread by the ``progress`` signal.
    """

    succeeded = Signal(object)
    failed = Signal(object)          # the exception
    progress = Signal(int, int, str)

    def __init__(self, fn: Callable[[Callable[[int, int, str], None]], Any], parent=None):
        super().__init__(parent)
        self._fn = fn
        self.cancelled = False
        self.result: Any = None
        self.error: BaseException | None = None

    def report(self, done: int, total: int, message: str = "") -> None:
        self.progress.emit(int(done), int(total), str(message))

    def run(self) -> None:
        try:
            self.result = self._fn(self.report)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
            self.error = exc
            self.failed.emit(exc)
            return
        self.succeeded.emit(self.result)


def error_text(exc: BaseException) -> str:
    full = getattr(exc, "full", None)
    return full() if callable(full) else (str(exc) or exc.__class__.__name__)


def _close(reg: Any) -> None:
    close = getattr(reg, "close", None)
    if callable(close):
        try:
            close()
        except Exception:
            pass


def with_register(opener: Callable[[], Any], fn: Callable[[Any], Any]) -> Any:
    """Open a register in the calling (worker) thread, run ``fn(reg)``, close it."""
    reg = opener()
    try:
        return fn(reg)
    finally:
        _close(reg)


# ------------------------------------------------------------------------------------------
# Register adapters (what the core gives; kept here so the pages stay simple)
# ------------------------------------------------------------------------------------------

def register_class():
    from photovet.core.register.people import Register

    return Register


def read_headers(path: str | Path) -> list[str]:
    """The CSV's header row, for the mapping combo boxes (UTF-8, UTF-8 BOM or cp1252)."""
    raw = Path(path).read_bytes()[:65536]
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    first = text.splitlines()[0] if text.splitlines() else ""
    row = next(csv.reader(io.StringIO(first)), [])
    return [h.strip() for h in row if h.strip()]


def mapping_as_dict(mapping: Any) -> dict[str, str | None]:
    """Field -> CSV header, whatever shape the core's mapping object has."""
    if mapping is None:
        return {}
    for attr in ("columns", "fields", "mapping"):
        inner = getattr(mapping, attr, None)
        if isinstance(inner, dict):
            return dict(inner)
    if isinstance(mapping, dict):
        return dict(mapping)
    to_dict = getattr(mapping, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    return {}


FIELD_LABELS = {
    "id": "UPN / staff code",
    "legal_surname": "Legal surname",
    "legal_forename": "Legal forename",
    "preferred_forename": "Preferred forename",
    "preferred_surname": "Preferred surname",
    "role": "Role (pupil or staff)",
    "year_group": "Year group",
    "reg_group": "Registration group",
    "date_of_birth": "Date of birth",
    "leaving_date": "Leaving date",
    "name_with_photo": "Consent: name with photo",
    "do_not_photograph": "Do not photograph",
    "notes": "Notes",
}


def order_fields(mapping: dict[str, str | None]) -> dict[str, str | None]:
    """Who first, then consent per channel, then the rest (the order a person checks them)."""
    first = ["id", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname",
             "role", "year_group", "reg_group", "date_of_birth", "leaving_date"]
    consent = [f for f in mapping if f.startswith(("consent:", "consent.", "consent_"))]
    last = ["name_with_photo", "do_not_photograph", "notes"]
    order = [f for f in first if f in mapping] + consent + [f for f in last if f in mapping]
    order += [f for f in mapping if f not in order]
    return {f: mapping[f] for f in order}


def field_label(field: str) -> str:
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    for prefix in ("consent.", "consent:", "consent_"):
        if field.startswith(prefix):
            return f"Consent: {channel_label(field[len(prefix):])}"
    return field.replace("_", " ").capitalize()


# ------------------------------------------------------------------------------------------
# Pages
# ------------------------------------------------------------------------------------------

class FilePage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("Choose the register file")
        self.setSubTitle("The CSV file exported from your MIS (SIMS, Arbor, Bromcom or another), "
                         "with one row per pupil or member of staff and their photo consent.")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("For example: Downloads/photo-consent.csv")
        self.path_edit.setAccessibleName("Register CSV file")
        self.path_edit.textChanged.connect(self._changed)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        note = QLabel(
            "Nothing is changed until the last step: first PhotoVet shows you exactly what "
            "the file would change."
        )
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        label = QLabel("&File:")
        label.setBuddy(self.path_edit)
        lay.addWidget(label)
        lay.addLayout(row)
        lay.addWidget(self.message)
        lay.addStretch(1)
        lay.addWidget(note)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the register CSV", self.path_edit.text() or str(Path.home()),
            "CSV files (*.csv *.txt);;All files (*)",
        )
        if path:
            self.path_edit.setText(path)

    def _changed(self) -> None:
        text = self.path_edit.text().strip()
        p = Path(text) if text else None
        if p is None:
            self.message.setText("")
        elif p.is_dir():
            self.message.setText("That is a folder: choose the CSV file inside it.")
        elif not p.exists():
            self.message.setText("No file with that name.")
        else:
            self.message.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        text = self.path_edit.text().strip()
        return bool(text) and Path(text).is_file()

    def path(self) -> Path:
        return Path(self.path_edit.text().strip())


class MappingPage(QWizardPage):
    """One combo box per register field, pre-filled with the detected CSV column."""

    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Check the columns")
        self.setSubTitle("PhotoVet matched the columns in your file to what it needs. Check each "
                         "one and change any that are wrong. Consent columns left as "
                         f"“{NOT_IN_FILE}” count as No.")
        self.combos: dict[str, QComboBox] = {}
        self.headers: list[str] = []
        self.loaded_for: Path | None = None
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #8a1c1c;")
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form_host)
        self.save_button = QPushButton("&Save this mapping…")
        self.save_button.setToolTip("Save the column choices to a file, to reuse with next term's export")
        self.save_button.clicked.connect(self.save_mapping)
        self.load_button = QPushButton("&Load a saved mapping…")
        self.load_button.clicked.connect(self.load_mapping)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.error)
        lay.addWidget(scroll, 1)
        lay.addLayout(buttons)

    # -- filling ------------------------------------------------------------------------
    def initializePage(self) -> None:
        path = self.wiz.file_page.path()
        if self.loaded_for == path and self.combos:
            return
        self.loaded_for = path
        self.error.setText("")
        try:
            self.headers = read_headers(path)
            detected = self.wiz.detect_columns(path)
        except Exception as exc:  # shown, not raised
            self.headers, detected = [], {}
            self.error.setText(f"{path.name}: could not read the columns ({error_text(exc)}).")
        self._build(detected)
        d = getattr(self.wiz, "detected", None)
        notes = list(getattr(d, "problems", []) or []) + list(getattr(d, "notes", []) or [])
        if notes and not self.error.text():
            self.error.setText("Please check: " + "; ".join(notes) + ".")
        for fld, hs in (getattr(d, "ambiguous", {}) or {}).items():
            combo = self.combos.get(fld)
            if combo is not None:
                combo.setToolTip("Several columns could be this one: " + ", ".join(hs))

    def _build(self, mapping: dict[str, str | None]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        fields = list(mapping.keys()) or list(self.wiz.fields())
        for field in fields:
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE, None)
            for h in self.headers:
                combo.addItem(h, h)
            combo.setAccessibleName(field_label(field))
            self.combos[field] = combo
            label = field_label(field)
            if field in self.wiz.required_fields():
                label += " (required)"
            self.form.addRow(label + ":", combo)
            combo.currentIndexChanged.connect(self.completeChanged)
        self.apply(mapping)
        if not self.headers and not self.error.text():
            self.error.setText("The file has no header row: PhotoVet needs the column names on the first line.")

    def apply(self, mapping: dict[str, str | None]) -> None:
        for field, combo in self.combos.items():
            col = mapping.get(field)
            i = combo.findData(col) if col else 0
            combo.setCurrentIndex(i if i >= 0 else 0)

    def mapping(self) -> dict[str, str | None]:
        return {f: c.currentData() for f, c in self.combos.items()}

    def missing_required(self) -> list[str]:
        m = self.mapping()
        return [f for f in self.wiz.required_fields() if f in m and not m[f]]

    def isComplete(self) -> bool:
        return bool(self.combos) and not self.missing_required()

    def validatePage(self) -> bool:
        missing = self.missing_required()
        if missing:
            QMessageBox.warning(self, "A column is missing",
                                "Choose a column for: " + ", ".join(field_label(f) for f in missing))
            return False
        return True

    # -- save/load ------------------------------------------------------------------------
    def save_mapping(self) -> None:
        start = str(self.wiz.file_page.path().with_suffix(".mapping.json"))
        path, _ = QFileDialog.getSaveFileName(self, "Save column mapping", start, "Mapping files (*.json)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        try:
            self.wiz.save_mapping(self.mapping(), path)
        except Exception as exc:
            QMessageBox.warning(self, "Mapping not saved", f"{path.name}: {error_text(exc)}")
            return
        self.wiz.mapping_file = path
        self.error.setText("")
        self.save_button.setText(f"Saved as {path.name}")

    def load_mapping(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load column mapping", "", "Mapping files (*.json);;All files (*)")
        if path:
            self.load_from(Path(path))

    def load_from(self, path: Path) -> None:
        try:
            mapping = self.wiz.load_mapping(path)
        except Exception as exc:
            QMessageBox.warning(self, "Mapping not loaded", f"{path.name}: {error_text(exc)}")
            return
        self.apply(mapping)
        self.wiz.mapping_file = path


def _bold(item: QTreeWidgetItem) -> None:
    f = item.font(0)
    f.setBold(True)
    item.setFont(0, f)


class PreviewPage(QWizardPage):
    """The dry run: what would change, withdrawals first, and every row error."""

    WITHDRAWN_TINT = QColor("#fde2e1")

    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Check the changes")
        self.setSubTitle("Nothing has been changed yet. This is what the import would do.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.report: Any = None
        self.thread: TaskThread | None = None
        self.failure: str | None = None

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.status = QLabel("Checking the file…")
        self.status.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Change", "Details"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Changes the import would make")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.errors_label = QLabel("")
        self.errors_label.setWordWrap(True)
        self.errors = QTableWidget(0, 4)
        self.errors.setHorizontalHeaderLabels(["Line", "Column", "Value", "Problem"])
        self.errors.verticalHeader().setVisible(False)
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.errors.setAccessibleName("Rows with problems")
        self.errors.setWordWrap(True)
        self.errors.horizontalHeader().sectionResized.connect(lambda *_: self.errors.resizeRowsToContents())
        self.skip = QCheckBox("&Skip the rows with problems and import the rest")
        self.skip.toggled.connect(self.completeChanged)
        self.skip_note = QLabel(
            "The rows listed above will not be imported: those people stay as they were, or are "
            "added as “rejected” and are ALWAYS COVERED until you fix the file and import it "
            "again. If you leave this unticked, nothing is imported."
        )
        self.skip_note.setWordWrap(True)
        self.error_box = QWidget()
        eb = QVBoxLayout(self.error_box)
        eb.setContentsMargins(0, 0, 0, 0)
        eb.addWidget(self.errors_label)
        eb.addWidget(self.errors, 1)
        eb.addWidget(self.skip)
        eb.addWidget(self.skip_note)
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(self.busy)
        lay.addWidget(self.tree, 3)
        lay.addWidget(self.error_box, 2)

    def initializePage(self) -> None:
        self.report = None
        self.failure = None
        self.tree.clear()
        self.errors.setRowCount(0)
        self.error_box.hide()
        self.skip.setChecked(False)
        self.busy.show()
        self.status.setText("Checking the file…")
        csv_path, mapping = self.wiz.file_page.path(), self.wiz.mapping_page.mapping()
        opener = self.wiz.register_opener

        def work(progress):
            return with_register(opener, lambda reg: self.wiz.dry_run(reg, csv_path, mapping))

        self.thread = TaskThread(work, self)
        self.thread.succeeded.connect(self._done)
        self.thread.failed.connect(self._failed)
        self.thread.start()
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        self.wiz.wait_for(self.thread)
        super().cleanupPage()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        problems = getattr(exc, "problems", None)
        if problems:  # the core refused the file and listed the rows
            self.report = None
            self.failure = error_text(exc)
            self.status.setText(f"The file cannot be imported as it is: {error_text(exc)}.\n"
                                "Go Back to change the columns, or fix the file and start again.")
            self._show_errors(problems, can_skip=False)
        else:
            self.failure = error_text(exc)
            self.status.setText(f"The file could not be checked.\n{self.failure}\n"
                                "Go Back to choose another file or fix the columns.")
        self.completeChanged.emit()

    def _done(self, report: Any) -> None:
        self.busy.hide()
        self.report = report
        self._fill(report)
        self.completeChanged.emit()

    # -- showing the report --------------------------------------------------------------
    def _section(self, title: str, items: list[tuple[str, str]], *, tint: QColor | None = None,
                 expanded: bool = True) -> QTreeWidgetItem:
        head = QTreeWidgetItem([f"{title} ({len(items)})", ""])
        _bold(head)
        if tint is not None:
            head.setBackground(0, QBrush(tint))
            head.setBackground(1, QBrush(tint))
        for a, b in items:
            child = QTreeWidgetItem([a, b])
            if tint is not None:
                child.setBackground(0, QBrush(tint))
                child.setBackground(1, QBrush(tint))
            head.addChild(child)
        self.tree.addTopLevelItem(head)
        head.setExpanded(expanded and bool(items))
        return head

    def _fill(self, r: Any) -> None:
        withdrawals = [self.wiz.describe_change(c) for c in getattr(r, "withdrawals", [])]
        invalidated = [self.wiz.describe_note(n) for n in getattr(r, "invalidated", [])]
        missing = [self.wiz.describe_note(n) for n in getattr(r, "missing", [])]
        new_people = [self.wiz.describe_person(p) for p in getattr(r, "new_people", [])]
        changes = [self.wiz.describe_change(c) for c in getattr(r, "consent_changes", [])]
        leavers = [self.wiz.describe_person(p) for p in getattr(r, "leavers", [])]
        fixed = [self.wiz.describe_note(n) for n in getattr(r, "revalidated", [])]
        details = [(str(x), "") for x in getattr(r, "details_changed", [])]
        warnings = [self.wiz.describe_problem(w) for w in getattr(r, "warnings", [])]
        blanks = [self.wiz.describe_note(n) for n in getattr(r, "blank_consents", [])]
        errors = list(getattr(r, "errors", []))

        if withdrawals:
            w = self._section("Consent withdrawn: check photos already posted", withdrawals,
                              tint=self.WITHDRAWN_TINT)
        else:
            w = QTreeWidgetItem(["No consent withdrawn", ""])
            self.tree.addTopLevelItem(w)
        w.setToolTip(0, "These people had consent and now do not. Photos already published "
                        "that show them may need taking down.")
        if invalidated:
            self._section("Rows with problems: these people will be covered", invalidated,
                          tint=self.WITHDRAWN_TINT)
        if missing:
            self._section("Not in this file: these people will be covered", missing,
                          tint=self.WITHDRAWN_TINT)
        self._section("New people", new_people, expanded=len(new_people) <= 40)
        self._section("Other consent changes", changes)
        self._section("Leavers", leavers)
        if fixed:
            self._section("Rows fixed since the last import", fixed)
        if details:
            self._section("Names, year or class updated", details, expanded=False)
        if blanks:
            self._section("Consent not recorded (counted as No)", blanks, expanded=False)
        self._section("Warnings", warnings, expanded=False)
        self.tree.resizeColumnToContents(0)

        parts = []
        if withdrawals:
            parts.append(f"{len(withdrawals)} consent withdrawal{'s' if len(withdrawals) != 1 else ''} "
                         "(listed first)")
        parts.append(f"{len(new_people)} new")
        parts.append(f"{len(changes)} other change{'s' if len(changes) != 1 else ''}")
        if leavers:
            parts.append(f"{len(leavers)} leaver{'s' if len(leavers) != 1 else ''}")
        text = "This import would make: " + ", ".join(parts) + "."
        if not (withdrawals or new_people or changes or leavers or invalidated or missing
                or details) and not errors:
            text = "The register is already up to date with this file: nothing would change."
        self.status.setText(text)
        if errors:
            self._show_errors(errors, can_skip=True)

    def _show_errors(self, problems: list, *, can_skip: bool) -> None:
        self.error_box.show()
        rows = {getattr(p, "line", None) for p in problems}
        self.errors_label.setText(
            f"<b>{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
            f"{len(rows)} row{'s' if len(rows) != 1 else ''}.</b> "
            "Lines are numbered as in a spreadsheet (the header is line 1)."
        )
        self.errors.setRowCount(len(problems))
        for i, p in enumerate(problems):
            vals = [str(getattr(p, "line", "") or ""), str(getattr(p, "column", "") or ""),
                    repr(getattr(p, "value", "")) if getattr(p, "value", None) not in (None, "") else "",
                    str(getattr(p, "message", p))]
            for j, v in enumerate(vals):
                item = QTableWidgetItem(v)
                if j == 3:
                    item.setToolTip(v)
                if j == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.errors.setItem(i, j, item)
        self.errors.resizeColumnsToContents()
        self.errors.setColumnWidth(1, min(self.errors.columnWidth(1), 200))
        self.errors.setColumnWidth(2, min(self.errors.columnWidth(2), 160))
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.errors.setWordWrap(True)
        self.errors.resizeRowsToContents()
        QTimer.singleShot(0, self.errors.resizeRowsToContents)  # after the layout gives the width
        self.skip.setVisible(can_skip)
        self.skip_note.setVisible(can_skip)
        if not can_skip:
            self.skip_note.setText("Fix these rows in the file (or in your MIS) and import it again.")
            self.skip_note.show()

    @property
    def has_errors(self) -> bool:
        return self.error_box.isVisible() or self.errors.rowCount() > 0

    def isComplete(self) -> bool:
        if self.report is None:
            return False
        if self.errors.rowCount() and not self.skip.isChecked():
            return False
        return True


class ResultPage(QWizardPage):
    """Runs the import (worker thread) and shows the summary."""

    def __init__(self, wizard: "ImportWizard"):
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Importing")
        self.setFinalPage(True)
        self.report: Any = None
        self.failure: str | None = None
        self.thread: TaskThread | None = None
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.summary = QLabel("Importing the register…")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Import details")
        self.details.hide()
        lay = QVBoxLayout(self)
        lay.addWidget(self.busy)
        lay.addWidget(self.summary)
        lay.addWidget(self.details, 1)

    def initializePage(self) -> None:
        self.report, self.failure = None, None
        self.busy.show()
        self.setTitle("Importing")
        self.summary.setText("Importing the register…")
        csv_path, mapping = self.wiz.file_page.path(), self.wiz.mapping_page.mapping()
        skip = self.wiz.preview_page.skip.isChecked()
        opener = self.wiz.register_opener

        def work(progress):
            return with_register(opener, lambda reg: self.wiz.run_import(reg, csv_path, mapping, skip))

        self.thread = TaskThread(work, self)
        self.thread.succeeded.connect(self._done)
        self.thread.failed.connect(self._failed)
        self.thread.start()

    def _done(self, report: Any) -> None:
        self.busy.hide()
        self.report = report
        applied = bool(getattr(report, "applied", True))
        self.setTitle("Register imported" if applied else "Nothing was imported")
        self.summary.setText(self.wiz.headline(report))
        self.details.setPlainText("\n".join(self.wiz.summary_lines(report)))
        self.details.show()
        self.completeChanged.emit()
        if applied:
            self.wiz.imported.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.failure = error_text(exc)
        self.setTitle("Nothing was imported")
        self.summary.setText(f"{self.failure}\n\nThe register was not changed.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.report is not None or self.failure is not None


# ------------------------------------------------------------------------------------------
# The wizard
# ------------------------------------------------------------------------------------------

class ImportWizard(QWizard):
    """Import (or update) the register from an MIS CSV export."""

    imported = Signal()

    def __init__(self, register_opener: Callable[[], Any] | None = None, csv_path: str | Path | None = None,
                 parent=None, user: str | None = None):
        super().__init__(parent)
        from .register_view import default_opener

        self.register_opener = register_opener or default_opener
        self.user = user or _os_user()
        self.mapping_file: Path | None = None
        self.setWindowTitle("Import the register")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Done")
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        self.resize(820, 640)
        if csv_path:
            self.file_page.path_edit.setText(str(csv_path))

    # -- core calls (run in the worker for the slow ones) ------------------------------------
    def fields(self) -> list[str]:
        R = register_class()
        for attr in ("FIELDS", "fields"):
            v = getattr(R, attr, None)
            if isinstance(v, (list, tuple)):
                return list(v)
        return list(FIELD_LABELS)

    def required_fields(self) -> list[str]:
        R = register_class()
        v = getattr(R, "REQUIRED_FIELDS", None)
        return list(v) if isinstance(v, (list, tuple, set, frozenset)) else ["id"]

    def detect_columns(self, path: Path) -> dict[str, str | None]:
        """Field -> detected header; keeps the core's notes on ``self.detected``."""
        self.detected = with_register(self.register_opener, lambda reg: reg.detect_columns(path))
        return order_fields(mapping_as_dict(self.detected))

    def save_mapping(self, mapping: dict[str, str | None], path: Path) -> None:
        register_class().save_mapping(mapping, path)

    def load_mapping(self, path: Path) -> dict[str, str | None]:
        return mapping_as_dict(register_class().load_mapping(path))

    def dry_run(self, reg: Any, csv_path: Path, mapping: dict) -> Any:
        return reg.import_csv(csv_path, mapping=mapping, dry_run=True, skip_invalid=True, user=self.user)

    def run_import(self, reg: Any, csv_path: Path, mapping: dict, skip_invalid: bool) -> Any:
        return reg.import_csv(csv_path, mapping=mapping, dry_run=False, skip_invalid=skip_invalid, user=self.user)

    def headline(self, r: Any) -> str:
        if not getattr(r, "applied", True):
            return ("Nothing was imported because some rows have problems. Fix them in the file "
                    "(or in your MIS) and import again.")
        n = lambda k: len(getattr(r, k, []) or [])  # noqa: E731
        parts = [f"{n('new_people')} new {'person' if n('new_people') == 1 else 'people'}",
                 f"{n('consent_changes') + n('withdrawals')} consent change"
                 f"{'s' if n('consent_changes') + n('withdrawals') != 1 else ''}"]
        text = "The register was updated: " + ", ".join(parts) + "."
        if n("withdrawals"):
            text += (f"\n{n('withdrawals')} consent withdrawal{'s' if n('withdrawals') != 1 else ''}: "
                     "check the photos already posted that show them (the take-down list).")
        if n("skipped_rows"):
            text += (f"\n{n('skipped_rows')} row{'s' if n('skipped_rows') != 1 else ''} with problems "
                     "were not imported: those people are covered until the file is fixed and "
                     "imported again.")
        if n("purged"):
            text += f"\nFace data was deleted for {n('purged')} leaver{'s' if n('purged') != 1 else ''}."
        return text + "\nThe full report is below."

    def summary_lines(self, report: Any) -> list[str]:
        fn = getattr(report, "summary_lines", None)
        return list(fn()) if callable(fn) else [str(report)]

    def describe_change(self, c: Any) -> tuple[str, str]:
        who = getattr(c, "name", "") or getattr(c, "person_name", "") or ""
        pid = getattr(c, "person_id", None) or getattr(c, "person", None) or getattr(c, "id", "")
        ch = getattr(c, "channel", "")
        old = getattr(c, "old_state", getattr(c, "old", None))
        new = getattr(c, "new_state", getattr(c, "new", None))
        label = f"{who} ({pid})" if who else str(pid)
        what = channel_label(ch) if ch and ch not in ("name_with_photo", "do_not_photograph") else {
            "name_with_photo": "Name with photo", "do_not_photograph": "Do not photograph"}.get(ch, ch)
        return label, f"{what}: {_yn(old)} \u2192 {_yn(new)}"

    def describe_person(self, p: Any) -> tuple[str, str]:
        if isinstance(p, str):
            return p, ""
        name = getattr(p, "display_name", "") or ""
        pid = getattr(p, "id", "")
        extra = []
        if getattr(p, "role", "") == "staff":
            extra.append("Staff")
        elif getattr(p, "year_group", ""):
            extra.append(p.year_group)
        if getattr(p, "leaving_date", None):
            extra.append(f"leaving date {p.leaving_date.isoformat()}")
        if getattr(p, "do_not_photograph", False):
            extra.append("do not photograph")
        return f"{name} ({pid})" if name else str(pid), ", ".join(extra)

    def describe_note(self, n: Any) -> tuple[str, str]:
        name, pid = getattr(n, "name", ""), getattr(n, "person_id", "")
        return (f"{name} ({pid})" if name else str(pid)), str(getattr(n, "message", ""))

    def describe_problem(self, w: Any) -> tuple[str, str]:
        if isinstance(w, str):
            return w, ""
        line = getattr(w, "line", "")
        col = getattr(w, "column", "")
        val = getattr(w, "value", "")
        where = (f"Line {line}" if line and line != 1 else "Columns") + (f", {col}" if col else "")
        msg = getattr(w, "message", str(w))
        return where, (f"{val!r}: " if val not in (None, "") else "") + msg

    # -- threads ------------------------------------------------------------------------------
    def wait_for(self, thread: QThread | None) -> None:
        if thread is not None and thread.isRunning():
            thread.wait()

    def busy(self) -> bool:
        return any(t is not None and t.isRunning() for t in (self.preview_page.thread, self.result_page.thread))

    def reject(self) -> None:
        if self.result_page.thread is not None and self.result_page.thread.isRunning():
            return  # an import in progress finishes (it is one transaction) before closing
        self.wait_for(self.preview_page.thread)
        super().reject()

    def done(self, result: int) -> None:
        self.wait_for(self.preview_page.thread)
        self.wait_for(self.result_page.thread)
        super().done(result)


def _yn(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, str):
        return {"yes": "Yes", "no": "No", "not recorded": "not recorded"}.get(v, v)
    return "Yes" if v else "No"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
