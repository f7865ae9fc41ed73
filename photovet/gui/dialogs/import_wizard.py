"""The register import: choose the CSV exported from the MIS, check which column holds what,
see every change before it is made (withdrawals of consent first, conflicts with changes made
in PhotoVet, rows with problems), then import. The same core call as ``photovet register
import`` (``Workspace.import_register``), run in a worker with its own workspace.

Nothing reads the file on the window's thread: the first page reads it in a worker as soon as
it is chosen ("Reading the file…", Next waits), and that one read (the core's
``importer.check_file``) also gives the columns the second page shows. A read or a dry run
whose answer is no longer wanted (another file chosen, Back, the wizard closed) is dropped
when it arrives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
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
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from shiboken6 import isValid

from photovet.core.errors import NotARegisterError, PhotoVetError, RegisterImportError
from photovet.core.models import Person
from photovet.core.register import importer
from photovet.core.register.importer import FileCheck
from photovet.core.register.mapping import (
    CONSENT_PREFIX,
    FIELDS,
    REQUIRED_FIELDS,
    VIDEO_PREFIX,
    ColumnMapping,
    field_title,
    load_mapping,
    save_mapping,
)
from photovet.core.register.reports import ImportReport, RowProblem
from photovet.core.words import (
    CONSENT_NOT_IN_FILE_APP,
    CONSENT_NOT_IN_FILE_COMMAND,
    DNP_KEPT,
    LEAVING_DATE_BACK_APP,
    LEAVING_DATE_BACK_COMMAND,
    LEAVING_DATES_KEPT,
    REMOVED_BEFORE_HELD,
    app_hint,
    forgotten_unreadable,
    leavers_removed_still_in_file,
    register_unchanged,
    rejected_count,
)

from ..words import day, error_text, esc, media_count, plural
from .common import DateField, fit_resize

NOT_IN_FILE = "(not in this file)"
WITHDRAWN_TINT = QColor("#fde2e1")

FIELD_LABELS = {
    "id": "UPN / staff code", "legal_surname": "Legal surname", "legal_forename": "Legal forename",
    "preferred_forename": "Preferred forename", "preferred_surname": "Preferred surname",
    "role": "Role (pupil or staff)", "year_group": "Year group", "reg_group": "Class / form",
    "date_of_birth": "Date of birth", "leaving_date": "Leaving date",
    "name_with_photo": "Consent: name with photo", "do_not_photograph": "Do not photograph",
    "notes": "Notes",
}


def field_label(fld: str, labels: dict[str, str]) -> str:
    if fld in FIELD_LABELS:
        return FIELD_LABELS[fld]
    if fld.startswith(CONSENT_PREFIX):
        return f"Photo consent: {labels.get(fld[len(CONSENT_PREFIX):], fld)}"
    if fld.startswith(VIDEO_PREFIX):
        return f"Video consent: {labels.get(fld[len(VIDEO_PREFIX):], fld)}"
    return field_title(fld, labels).capitalize()


class FilePage(QWizardPage):
    """The file, read by the core in a worker as soon as it is chosen: 'Reading the file…'
    while it reads (Next waits), then its rows, or what is wrong with it in the core's words
    (Next stays off). Next asks about a file far larger than a school."""

    def __init__(self, path: str = "", parent=None):
        super().__init__(parent)
        self.setTitle("Choose the register file")
        self.setSubTitle("The CSV file exported from your MIS (SIMS, Arbor, Bromcom or another), "
                         "with one row per pupil or member of staff and their photo consent.")
        self.check: FileCheck | None = None   # the core's look at the file chosen now
        self.reading = False
        self._read_for: tuple[Path, tuple[int, int]] | None = None   # path, (size, mtime)
        self._reader = None                   # the worker reading it
        self._token = 0                       # answers of earlier reads are dropped
        self.path_edit = QLineEdit(path)
        self.path_edit.setPlaceholderText("For example: Downloads/photo-consent.csv")
        self.path_edit.setAccessibleName("Register CSV file")
        self.path_edit.textChanged.connect(self._changed)
        self.path_edit.returnPressed.connect(self._again_if_failed)
        browse = QPushButton("&Browse\u2026")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("Problem")
        self.state = QLabel("")              # 'Reading the file…', then its rows
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Reading the file")
        self.state.hide()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName("Reading the file")
        self.busy.hide()
        note = QLabel("Nothing changes until the last step: first PhotoVet shows you exactly "
                      "what the file would change.")
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        label = QLabel("&File:")
        label.setBuddy(self.path_edit)
        lay.addWidget(label)
        lay.addLayout(row)
        lay.addWidget(self.state)
        lay.addWidget(self.busy)
        lay.addWidget(self.message)
        lay.addStretch(1)
        lay.addWidget(note)

    def initializePage(self) -> None:
        self._changed()                      # a file given when the wizard opened is read now

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the register CSV",
                                              self.path_edit.text() or str(Path.home()),
                                              "CSV files (*.csv *.txt);;All files (*)")
        if path:
            if path == self.path_edit.text():
                self._read(self.path(), again=True)   # the same file, perhaps fixed since
            else:
                self.path_edit.setText(path)

    def _changed(self) -> None:
        p = self.path()
        self.message.setText("" if p is None or p.is_file() else
                             "That is a folder: choose the CSV file inside it." if p.is_dir()
                             else "No file with that name.")
        self._read(p if p is not None and p.is_file() else None)

    def _again_if_failed(self) -> None:
        """Enter in the box reads a file again that could not be used (fixed since)."""
        p = self.path()
        if p is not None and p.is_file() and not self.reading and self.check is None:
            self._read(p, again=True)

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int]:
        try:
            st = path.stat()
        except OSError:
            return (-1, -1)
        return (st.st_size, st.st_mtime_ns)

    def _read(self, path: Path | None, *, again: bool = False) -> None:
        """Read ``path`` in a worker (None: nothing to read), unless it is being read or was
        read as it is now."""
        wanted = (path, self._stamp(path)) if path is not None else None
        if not again and wanted is not None and wanted == self._read_for and \
                (self.reading or self.check is not None):
            return
        self.cancel()
        self.check, self._read_for = None, wanted
        if path is None:
            self.completeChanged.emit()
            return
        wiz = self.wizard()
        if wiz is None:                      # not in a wizard yet: initializePage reads it
            self._read_for = None
            return
        self.reading = True
        self.message.setText("")
        self._say(f"Reading the file\u2026 ({path.name})")
        self.busy.show()
        self.completeChanged.emit()
        token = self._token
        labels = wiz.ctx.ws.register.channel_labels()

        def run():
            try:
                return importer.check_file(path, labels)
            except PhotoVetError as exc:      # said on this page in the core's words
                return exc

        def done(result) -> None:
            if isValid(self) and token == self._token:
                self._read_done(result)

        def failed(text: str) -> None:
            if isValid(self) and token == self._token:
                self._read_done(text)

        self._reader = wiz.ctx.workers.start(run, name="register-read", on_return=done,
                                             on_error=failed)

    def cancel(self) -> None:
        """Drop the read in progress: its answer is not wanted (it finishes on its own)."""
        self._token += 1
        if self._reader is not None and isValid(self._reader):
            self._reader.stop()
        self._reader = None
        self.reading = False
        self.busy.hide()
        self._say("")

    def _say(self, text: str) -> None:
        self.state.setText(text)
        self.state.setVisible(bool(text))

    def _read_done(self, result: FileCheck | PhotoVetError | str) -> None:
        self.reading = False
        self._reader = None
        self.busy.hide()
        if isinstance(result, FileCheck):
            self.check = result
            self._say(f"{result.path.name}: {result.rows:,} "
                      f"{'row' if result.rows == 1 else 'rows'}.")
        else:
            self._say("")
            if isinstance(result, NotARegisterError):
                self.message.setText(f"{result.message[:1].upper()}{result.message[1:]}. "
                                     f"{result.hint or ''}".strip())
            else:
                self.message.setText(error_text(result) if isinstance(result, PhotoVetError)
                                     else result)
        self.completeChanged.emit()

    def path(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text) if text else None

    def isComplete(self) -> bool:
        p = self.path()
        return (p is not None and p.is_file() and not self.reading and self.check is not None
                and self._read_for is not None and self._read_for[0] == p)

    def validatePage(self) -> bool:
        """The core's first look at the file (read already): a file changed since is read
        again; one far larger than a school asks whether it is the right file."""
        wiz = self.wizard()
        p = self.path()
        if p is None or not p.is_file():
            return False
        if self._read_for != (p, self._stamp(p)):
            self._read(p, again=True)
            return False
        check = self.check
        if self.reading or check is None:   # Next waits for the read (wizard.next() may not)
            return False
        wiz.large_ok = False
        if check.large:
            if not self.ask_large(check.question):
                self.message.setText(f"Not used: {check.rows:,} rows. Choose the file with your "
                                     "school's pupils and staff.")
                return False
            wiz.large_ok = True
        self.message.setText("")
        return True

    def ask_large(self, question: str) -> bool:
        """A plain question: True when the person says this very large file is the right one."""
        box = QMessageBox(QMessageBox.Icon.Question, "A very large file", question, parent=self)
        use = box.addButton("Use this file", QMessageBox.ButtonRole.AcceptRole)
        other = box.addButton("Choose another file", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(other)
        box.exec()
        return box.clickedButton() is use


class MappingPage(QWizardPage):
    """One choice per register field, filled in with the column PhotoVet found."""

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Check the columns")
        self.setSubTitle("PhotoVet matched the columns of your file to what it needs. Check each "
                         f"one and change any that are wrong. Consent left as \u201c{NOT_IN_FILE}"
                         "\u201d counts as not recorded, so those faces are covered.")
        self.combos: dict[str, QComboBox] = {}
        self.loaded_for: FileCheck | None = None
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setObjectName("Problem")
        host = QWidget()
        self.form = QFormLayout(host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(host)
        save = QPushButton("&Save these choices\u2026")
        save.setToolTip("Save the column choices to reuse with next term's export")
        save.clicked.connect(self._save)
        load = QPushButton("&Use saved choices\u2026")
        load.clicked.connect(self._load)
        buttons = QHBoxLayout()
        buttons.addWidget(load)
        buttons.addWidget(save)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.error)
        lay.addWidget(scroll, 1)
        lay.addLayout(buttons)

    def initializePage(self) -> None:
        path = self.wiz.file_page.path()
        check = self.wiz.file_page.check     # the first page's read (Next waits for it)
        if self.loaded_for is check and self.combos:
            return                           # the same read: the person's choices are kept
        self.loaded_for = check
        self.error.setText("")
        detected = check.mapping if check is not None and check.path == path else ColumnMapping()
        self._build(detected)
        notes = detected.problems + detected.notes
        if notes and not self.error.text():
            self.error.setText("Please check: " + "; ".join(app_hint(n) or n for n in notes)
                               + ".")

    def _build(self, detected: ColumnMapping) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos.clear()
        labels = self.wiz.ctx.ws.channels.labels()
        fields = list(FIELDS) + [CONSENT_PREFIX + c for c in labels] + \
            [VIDEO_PREFIX + c for c in labels]
        for fld in fields:
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE, None)
            for h in detected.headers:
                combo.addItem(h, h)
            name = field_label(fld, labels)
            combo.setAccessibleName(name)
            col = detected.fields.get(fld)
            combo.setCurrentIndex(max(0, combo.findData(col)) if col else 0)
            if fld in detected.ambiguous:
                combo.setToolTip("Several columns could be this one: " +
                                 ", ".join(detected.ambiguous[fld]))
            combo.currentIndexChanged.connect(self.completeChanged)
            self.combos[fld] = combo
            self.form.addRow(name + (" (required)" if fld in REQUIRED_FIELDS else "") + ":", combo)

    def mapping(self) -> dict[str, str | None]:
        return {f: c.currentData() for f, c in self.combos.items()}

    def isComplete(self) -> bool:
        m = self.mapping()
        return bool(self.combos) and all(m.get(f) for f in REQUIRED_FIELDS)

    def _save(self) -> None:
        start = str(self.wiz.file_page.path().with_suffix(".columns.json"))
        path, _ = QFileDialog.getSaveFileName(self, "Save the column choices", start,
                                              "Column choices (*.json)")
        if path:
            try:
                save_mapping(self.mapping(), path)
            except PhotoVetError as exc:
                QMessageBox.warning(self, "Not saved", error_text(exc))

    def _load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Use saved column choices", "",
                                              "Column choices (*.json);;All files (*)")
        if not path:
            return
        try:
            fields = load_mapping(path).fields
        except PhotoVetError as exc:
            QMessageBox.warning(self, "Not used", error_text(exc))
            return
        for fld, col in fields.items():
            combo = self.combos.get(fld)
            if combo is not None:
                combo.setCurrentIndex(max(0, combo.findData(col)) if col else 0)


def _describe(x: Any) -> tuple[str, str]:
    """(who, what) for one line of the preview."""
    if isinstance(x, Person):
        bits = ["Staff" if x.is_staff else x.year_group, x.reg_group,
                f"leaving date {day(x.leaving_date)}" if x.leaving_date else "",
                # said where the office checks the file (it was said nowhere in the preview)
                "do not photograph" if x.do_not_photograph else ""]
        return f"{x.display_name} ({x.id})", ", ".join(b for b in bits if b)
    if isinstance(x, RowProblem):
        # where, then what: a column's own name may hold ": " ("Consent: X (Twitter)"), which
        # split the line there ('line 6, Consent' | "X (Twitter): 'N/A' means ...")
        where = f"line {x.line}" if x.line else "the file"
        return (f"{where}, {x.column}" if x.column else where), x.message
    text = str(x)
    who, _, rest = text.partition(": ")
    return (who, rest) if rest else (text, "")


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their text wrapped to the column (a tree's own word wrap keeps one line
    and cuts it with '…': a warning could not be read in full)."""

    def __init__(self, view: QTreeWidget):
        super().__init__(view)
        self.view = view

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        text = str(index.data() or "")
        indent = self.view.indentation() * 2 if index.column() == 0 else 0
        width = self.view.columnWidth(index.column()) - indent - 10
        if index.column() == 0 and self.view.isFirstColumnSpanned(index.row(), index.parent()):
            width = self.view.viewport().width() - indent - 10     # a heading: the whole row
        if not text or width < 40:
            return size
        box = option.fontMetrics.boundingRect(QRect(0, 0, width, 1_000_000),
                                              Qt.TextFlag.TextWordWrap, text)
        return QSize(size.width(), max(size.height(), box.height() + 4))


def found_text(errors: int, warnings: int) -> str:
    """What the dry run found, errors and warnings said apart ('No problems.' only when there
    is neither: it stood above 'Warnings (6)')."""
    if not errors and not warnings:
        return "No problems."
    said = [f"{plural(errors, 'row problem')} (listed below)" if errors else "no row problems",
            f"{plural(warnings, 'warning')} (under Warnings)" if warnings else "no warnings"]
    text = "; ".join(said)
    return text[0].upper() + text[1:] + "."


#: the preview's words on ticking a row of someone removed from PhotoVet before (s35)
ADD_AGAIN_TICK = ("Tick someone to add them again with this import: only if they were removed "
                  "by mistake, or the family is back (an erasure request stands).")
ADD_AGAIN_TICKED = "Ticked: they will be added again with this import, with the file's consent."
#: beside the collapsed line of old leavers removed by retention (s37: only the command could
#: add one of them again)
LEAVERS_ADD_AGAIN = ("Their names are under this line. Tick someone only if they were removed "
                     "by mistake: they are added again with this import.")


def _warning_label(name: str) -> QLabel:
    """A hidden paragraph in the red of a withdrawal, above the preview's list (rich text)."""
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(f"background: {WITHDRAWN_TINT.name()}; padding: 6px;")
    label.hide()
    return label


class PreviewPage(QWizardPage):
    """The dry run: what the import would change, withdrawals first, and every row problem."""

    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Check the changes")
        self.setSubTitle("Nothing has changed yet. This is what the import would do.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.report: ImportReport | None = None
        self.failure = ""
        self._token = 0                      # answers of earlier dry runs are dropped
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.status = QLabel("Checking the file\u2026")
        self.status.setWordWrap(True)
        # a file imported before newer ones that would undo what they changed (s61): said
        # first, and imported only when the person ticks that it is today's export
        self.older_file = _warning_label("OlderFile")
        self.todays_export = QCheckBox("It is today\u2019s export from our MIS: import it")
        self.todays_export.toggled.connect(lambda _on: self.completeChanged.emit())
        self.todays_export.hide()
        # consent the file has no column for (no video consent at all...): said above the
        # list, not under Warnings, with what it means and how to enter it
        self.not_in_file = _warning_label("ConsentNotInFile")
        # names on the forgotten list kept under a register key since replaced (s35)
        self.forgotten_note = QLabel("")
        self.forgotten_note.setObjectName("ForgottenUnreadable")
        self.forgotten_note.setWordWrap(True)
        self.forgotten_note.hide()
        # rows with the name of someone removed from PhotoVet: held back unless ticked (s35)
        # (and, s37, old leavers the retention schedule removed, under their collapsed line)
        self._again_heads: list[QTreeWidgetItem] = []
        self.again_ids: set[str] = set()     # ticked (kept when the dry run is shown again)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Change", "Details"])
        self.tree.setAccessibleName("Changes the import would make")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        # long lines (a warning, the channels without consent) wrap instead of ending in '…'
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        self.tree.header().sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.itemChanged.connect(self._again_changed)
        self.errors = QTableWidget(0, 3)
        self.errors.setHorizontalHeaderLabels(["Line", "Column", "Problem"])
        self.errors.verticalHeader().setVisible(False)
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.errors.horizontalHeader().sectionResized.connect(
            lambda *_: self._fit_errors())
        self.errors.setWordWrap(True)
        self.errors.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.errors.setAccessibleName("Rows with problems")
        self.skip = QCheckBox("Import the other rows, and leave out the rows with problems")
        self.skip.toggled.connect(self._skip_toggled)
        self.skip_note = QLabel("The rows with problems are left out: those people are always "
                                "covered until you fix the file and import it again. Leave this "
                                "unticked and nothing is imported.")
        self.skip_note.setWordWrap(True)
        self.error_box = QWidget()
        eb = QVBoxLayout(self.error_box)
        eb.setContentsMargins(0, 0, 0, 0)
        eb.addWidget(self.errors)
        eb.addWidget(self.skip)
        eb.addWidget(self.skip_note)
        # people the register has and this file does not, with no leaving date: "they have
        # left" (one date for all of them, recorded with the import) or not now (audit s28)
        self.left_ids: list[str] = []       # the people the choice is about, as shown
        self.left_text = QLabel("")
        self.left_text.setWordWrap(True)
        self.left_yes = QRadioButton("They have &left. Leaving date:")
        self.left_no = QRadioButton("&Not now: they stay in the register, always covered")
        self.left_no.setChecked(True)
        self.left_date = DateField(None, name="Leaving date")
        self.left_date.changed.connect(lambda: self.left_yes.setChecked(True))
        self.left_date.changed.connect(self._left_words)
        self.left_yes.toggled.connect(lambda *_: self._left_words())
        self._left_heads: list[tuple[QTreeWidgetItem, list]] = []
        self._left_said: list[tuple[str, list[str]]] = []
        self.left_box = QWidget()
        self.left_box.setObjectName("LeftChoice")
        lb = QVBoxLayout(self.left_box)
        lb.setContentsMargins(0, 0, 0, 0)
        lb.addWidget(self.left_text)
        yes_row = QHBoxLayout()
        yes_row.addWidget(self.left_yes)
        yes_row.addWidget(self.left_date, 1)
        lb.addLayout(yes_row)
        lb.addWidget(self.left_no)
        self.left_box.hide()
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(self.busy)
        lay.addWidget(self.older_file)
        lay.addWidget(self.todays_export)
        lay.addWidget(self.not_in_file)
        lay.addWidget(self.forgotten_note)
        lay.addWidget(self.tree, 3)
        lay.addWidget(self.left_box)
        # the table of rows with problems is as tall as its rows (up to a third of the page),
        # the list of changes has the rest (walk s33: three problem rows took the page and
        # the changes, 25 new people among them, showed in three lines)
        lay.addWidget(self.error_box, 0)

    def initializePage(self) -> None:
        self.skip.blockSignals(True)
        self.skip.setChecked(False)
        self.skip.blockSignals(False)
        self._dry_run()

    def cleanupPage(self) -> None:
        self.cancel()                        # Back: the dry run's answer is not wanted
        super().cleanupPage()

    def cancel(self) -> None:
        self._token += 1

    def _dry_run(self) -> None:
        self.cancel()
        token = self._token
        self.report, self.failure = None, ""
        self.tree.clear()
        self.errors.setRowCount(0)
        self.error_box.hide()
        self.not_in_file.hide()
        self.older_file.hide()
        self.todays_export.hide()
        self.todays_export.setChecked(False)
        self.forgotten_note.hide()
        self._again_heads = []
        self.left_box.hide()
        self.left_ids = []
        self._left_heads, self._left_said = [], []
        self.busy.show()
        self.status.setText("Checking the file\u2026")
        path, mapping, skip = self.wiz.file_page.path(), self.wiz.mapping_page.mapping(), \
            self.skip.isChecked()
        ctx, large_ok = self.wiz.ctx, self.wiz.large_ok

        def run():
            with ctx.thread_workspace() as wws:
                return wws.register.import_csv(path, mapping=mapping, dry_run=True,
                                               skip_invalid=skip, large_ok=large_ok)

        def done(report: ImportReport) -> None:
            if isValid(self) and token == self._token:
                self._done(report)

        def failed(text: str) -> None:
            if isValid(self) and token == self._token:
                self._failed(text)

        ctx.workers.start(run, name="import-check", on_return=done, on_error=failed)
        self.completeChanged.emit()

    def _skip_toggled(self, _on: bool) -> None:
        self.completeChanged.emit()

    def _failed(self, text: str) -> None:
        self.busy.hide()
        self.failure = text
        self.status.setText(f"The file cannot be imported as it is.\n{text}\nGo back to change "
                            "the columns, or fix the file and start again.")
        self.completeChanged.emit()

    def _done(self, report: ImportReport) -> None:
        self.busy.hide()
        self.report = report
        self._fill(report)
        self.completeChanged.emit()

    def _section(self, title: str, items: list, *, tint: QColor | None = None,
                 expanded: bool = True, tip: str = "") -> QTreeWidgetItem | None:
        if not items:
            return None
        head = QTreeWidgetItem([f"{title} ({len(items)})", tip])
        head.setToolTip(0, head.text(0))
        if tip:
            head.setToolTip(1, tip)
        f = head.font(0)
        f.setBold(True)
        head.setFont(0, f)
        for x in items:
            a, b = _describe(x)
            child = QTreeWidgetItem([a, b])
            child.setToolTip(1, b)
            head.addChild(child)
            if tint is not None:
                for c in (0, 1):
                    child.setBackground(c, QBrush(tint))
        if tint is not None:
            for c in (0, 1):
                head.setBackground(c, QBrush(tint))
        self.tree.addTopLevelItem(head)
        # a heading with nothing to say beside it reads across the whole row (walk s40: "Back
        # in the file after being missing from an earlier one …" was cut at the column)
        head.setFirstColumnSpanned(not tip)
        head.setExpanded(expanded)
        return head

    def _fill(self, r: ImportReport) -> None:
        n_err = len(r.errors)
        self.status.setText(
            f"{Path(r.file).name}: {plural(r.rows, 'row')} read ({r.encoding}). "
            + found_text(n_err, len(r.warnings)) + " "
            + ("Consent WITHDRAWN for someone: photos already posted may need taking down."
               if r.withdrawals else "")
            + (f" {r.hand_entries_undone()}" if r.hand_entries_undone() else ""))
        self.older_file.setText(f"<b>An older file?</b> {esc(r.seen_before)}")
        self.older_file.setVisible(bool(r.seen_before))
        self.todays_export.setVisible(bool(r.seen_before))
        self.not_in_file.setText("<b>Consent not in this file</b>" + "".join(
            f"<p>{esc(line)}</p>" for line in r.consent_not_in_file)
            + f"<p>{esc(CONSENT_NOT_IN_FILE_APP)}</p>")
        self.not_in_file.setVisible(bool(r.consent_not_in_file))
        self._section("Consent withdrawn: check photos already posted", r.withdrawals,
                      tint=WITHDRAWN_TINT)
        self._section("Kept as changed in PhotoVet (the file says otherwise)", r.conflicts,
                      tint=WITHDRAWN_TINT)
        self._section("Rows with problems: these people will be covered", r.invalidated,
                      tint=WITHDRAWN_TINT)
        self.forgotten_note.setText(forgotten_unreadable(r.forgotten_unreadable) + ".")
        self.forgotten_note.setVisible(bool(r.forgotten_unreadable))
        self._offer_add_again(r)
        self._leavers_removed(r)
        # their words follow the choice below ("They have left"): _left_words
        self._left_heads = [(head, items) for head, items in (
            (self._section("Not in this file: these people will be covered", r.missing,
                           tint=WITHDRAWN_TINT), r.missing),
            (self._section("Still not in this file, no leaving date (still covered)",
                           r.still_missing, expanded=len(r.still_missing) <= 20),
             r.still_missing)) if head is not None]
        self._left_said = [(head.text(0), [head.child(i).text(1)
                                           for i in range(head.childCount())])
                           for head, _items in self._left_heads]
        self._section("Same UPN, probably a different person (check the UPN in the MIS)",
                      r.identity_changes, tint=WITHDRAWN_TINT)
        self._section("New people", r.new_people, expanded=len(r.new_people) <= 40)
        self._section("Other consent changes", r.consent_changes)
        self._section("Leavers", r.leavers)
        self._section("Rows fixed since the last import", r.rows_fixed())
        self._section("Back in the file after being missing from an earlier one",
                      r.back_in_file())
        self._section("Names, year, class or leaving date updated (a former name is kept as "
                      "\u201calso known as\u201d)", r.details_changed,
                      expanded=len(r.details_changed) <= 20)
        # a do-not-photograph flag the file has no column for stays (fail closed, s61)
        self._section(DNP_KEPT, r.dnp_kept, tint=WITHDRAWN_TINT)
        # a leaving date entered here that the file does not have stays (fail closed)
        self._section(LEAVING_DATES_KEPT, r.leaving_dates_kept, tip=LEAVING_DATE_BACK_APP)
        self._section("Consent not recorded (counted as No)", r.blank_consents, expanded=False)
        self._section("Warnings", r.warnings, expanded=False)
        # nothing else than the old leavers' collapsed line: nothing would change (said above
        # it), not a preview that seems to hold news (s36)
        quiet = bool(r.leavers_removed_before)
        if self.tree.topLevelItemCount() == int(quiet):
            self.tree.insertTopLevelItem(0, QTreeWidgetItem(
                [register_unchanged(True, len(r.leavers_removed_before)), ""]))
        self._fit_change_column()
        # a rejected row whose person is listed above ("Rows with problems") is said there,
        # with its line; only the others are listed here (s36 walk: each was said twice)
        rejected = {n.person_id for n in r.invalidated}
        loose = [e for e in r.errors if not (e.person_id and e.person_id in rejected)]
        self.errors.setRowCount(len(loose))
        self.errors.setVisible(bool(loose))
        for i, e in enumerate(loose):
            for c, v in enumerate((str(e.line or ""), e.column, e.message)):
                cell = QTableWidgetItem(v)
                cell.setToolTip(v)
                self.errors.setItem(i, c, cell)
        self.errors.resizeColumnsToContents()
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.error_box.setVisible(bool(n_err))
        self._offer_leaving_date(r)
        self._left_words()
        QTimer.singleShot(0, self._fit_errors)     # once the columns are laid out

    def _leavers_removed(self, r: ImportReport) -> None:
        """Old leavers the retention schedule removed whom the file still lists as having left:
        held back as every removed pupil is, but no news: one collapsed line (s36), their
        names under it for whoever opens it, each with a tick to add them again (s37: only
        the command's --add-again could), as a pupil a person removed is listed above."""
        quiet = r.leavers_removed_before
        if not quiet:
            return
        head = QTreeWidgetItem([leavers_removed_still_in_file(len(quiet)), LEAVERS_ADD_AGAIN])
        head.setToolTip(0, LEAVERS_ADD_AGAIN)
        head.setToolTip(1, LEAVERS_ADD_AGAIN)
        for x in quiet:
            head.addChild(QTreeWidgetItem(list(_describe(x))))
        self.tree.addTopLevelItem(head)
        # a tick kept from a look before (the page shown again) is not hidden in a closed line
        head.setExpanded(self._ticks(head, quiet))

    def _offer_add_again(self, r: ImportReport) -> None:
        """The rows with the name of someone removed from PhotoVet (an erasure request, or
        removed by mistake): held back, each with a tick to add them again (fail closed:
        unticked, the import does not add them)."""
        self._again_heads = []
        self.again_ids &= {n.person_id for n in r.removed_before + r.leavers_removed_before}
        head = self._section(REMOVED_BEFORE_HELD, r.removed_before, tint=WITHDRAWN_TINT,
                             tip=ADD_AGAIN_TICK)
        if head is not None:
            self._ticks(head, r.removed_before)

    def _ticks(self, head: QTreeWidgetItem, notes: list) -> bool:
        """A tick on each row under ``head`` (one for each of ``notes``, in order): ticked, the
        import adds that person again (``add_again_choice``, the core's ``add_again``, as the
        command's --add-again). Returns whether one is ticked."""
        self._again_heads.append(head)
        self.tree.blockSignals(True)
        try:
            for i, note in enumerate(notes):
                child = head.child(i)
                child.setData(0, Qt.ItemDataRole.UserRole, note.person_id)
                child.setData(1, Qt.ItemDataRole.UserRole, note.message)
                child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                child.setCheckState(0, Qt.CheckState.Checked if note.person_id in self.again_ids
                                    else Qt.CheckState.Unchecked)
                self._again_words(child)
        finally:
            self.tree.blockSignals(False)
        return any(n.person_id in self.again_ids for n in notes)

    @staticmethod
    def _again_words(child: QTreeWidgetItem) -> None:
        ticked = child.checkState(0) == Qt.CheckState.Checked
        text = str(child.data(1, Qt.ItemDataRole.UserRole)) + \
            (f". {ADD_AGAIN_TICKED}" if ticked else "")
        child.setText(1, text)
        child.setToolTip(1, text)

    def _again_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0 or item.parent() is None or item.parent() not in self._again_heads:
            return
        pid = str(item.data(0, Qt.ItemDataRole.UserRole))
        if item.checkState(0) == Qt.CheckState.Checked:
            self.again_ids.add(pid)
        else:
            self.again_ids.discard(pid)
        self.tree.blockSignals(True)
        try:
            self._again_words(item)
        finally:
            self.tree.blockSignals(False)

    def add_again_choice(self) -> list[str]:
        """The ids of the rows of people removed from PhotoVet before ticked to add again."""
        return sorted(self.again_ids)

    def _offer_leaving_date(self, r: ImportReport) -> None:
        """Everyone this file does not list who has no leaving date: one leaving date for all
        of them with the import, or not now (the choice is kept when the same people are
        shown again)."""
        if self.left_ids != r.no_leaving_date:
            self.left_date.set_value(None)   # (writing in it chooses "they have left")
            self.left_no.setChecked(True)
        self.left_ids = list(r.no_leaving_date)
        n = len(self.left_ids)
        if not n:
            self.left_box.hide()
            return
        days = self.wiz.ctx.ws.settings.retention.purge_encodings_days_after_leaving
        self.left_text.setText(
            f"<b>{plural(n, 'person', 'people')} in the register "
            f"{'is' if n == 1 else 'are'} not in this file</b> and "
            f"{'has' if n == 1 else 'have'} no leaving date (listed above). If they have left "
            "(for example last year's Year 6), record one leaving date for all of them with "
            "this import: from that day they are always covered, and their face signatures are "
            "due for deletion " + (f"{days} days after it" if days else "on that day") +
            " (already past: they are deleted with this import). Anyone who has not left: "
            "choose Not now, and check that your MIS export lists them.")
        self.left_box.show()

    def _left_words(self) -> None:
        """The rows of the people not in this file say what the choice below does: "they
        have left" and its date, or, not chosen, that they stay covered (s31 walk: the row
        still said "will be covered" after "They have left" was chosen)."""
        left = set(self.left_ids) if self.left_yes.isChecked() else set()
        try:
            when = self.left_date.value() if left else None
        except ValueError:
            when = None
        on = f"leaving date {day(when)}" if when else "leaving date to be written below"
        for (head, items), (title, said) in zip(self._left_heads, self._left_said):
            ids = [getattr(x, "person_id", "") for x in items]
            mine = [pid in left for pid in ids]
            head.setText(0, f"Not in this file: they have left, {on} ({len(items)})"
                         if mine and all(mine) else title)
            for i, is_left in enumerate(mine[:head.childCount()]):
                text = (f"left school: {on}, recorded with this import; always covered from "
                        "that day" if is_left else said[i])
                head.child(i).setText(1, text)
                head.child(i).setToolTip(1, text)

    def left_choice(self) -> tuple:
        """(leaving date, the people it is for) chosen here, or (None, [])."""
        if not self.left_ids or not self.left_yes.isChecked():
            return None, []
        return self.left_date.value(), list(self.left_ids)

    def validatePage(self) -> bool:
        # "they have left" needs a date as written (never one guessed)
        return not (self.left_ids and self.left_yes.isChecked() and not self.left_date.check())

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._fit_errors()

    def _fit_change_column(self) -> None:
        """The first column as wide as its widest line (at most 420 px), the lines of the
        sections shown closed too: Qt measures only what is open, so "line 1" of a warning
        read "lir" once its section was opened (walk s62)."""
        tree = self.tree
        metrics = tree.fontMetrics()
        pad = tree.indentation() + 16       # a top line's branch mark, and its margins
        widest = tree.header().sectionSizeHint(0)
        for i in range(tree.topLevelItemCount()):
            head = tree.topLevelItem(i)
            if not head.isFirstColumnSpanned():
                widest = max(widest, metrics.horizontalAdvance(head.text(0)) + pad)
            for j in range(head.childCount()):
                widest = max(widest, metrics.horizontalAdvance(head.child(j).text(0)) +
                             tree.indentation() + pad)
        tree.setColumnWidth(0, min(widest, 420))

    def _fit_errors(self) -> None:
        """The table of rows with problems as tall as its rows, up to a third of the page
        (more scroll); the list of changes has the rest."""
        t = self.errors
        t.resizeRowsToContents()
        rows = sum(t.rowHeight(i) for i in range(t.rowCount()))
        need = rows + t.horizontalHeader().height() + 2 * t.frameWidth() + 2
        if t.horizontalScrollBar().isVisible():
            need += t.horizontalScrollBar().height()
        t.setFixedHeight(max(min(need, self.height() // 3), 3 * t.verticalHeader()
                             .defaultSectionSize()))

    def isComplete(self) -> bool:
        if self.report is None:
            return False
        if self.report.seen_before and not self.todays_export.isChecked():
            return False        # an older file: imported only when the person says it is not
        return not self.report.errors or self.skip.isChecked()


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__(wizard)
        self.wiz = wizard
        self.setTitle("Import")
        self.report: ImportReport | None = None
        self.failure = ""
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.text = QLabel("Importing\u2026")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.lines = QTreeWidget()
        self.lines.setHeaderHidden(True)
        self.lines.setWordWrap(True)
        self.lines.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.lines.setItemDelegate(WrappingDelegate(self.lines))
        self.lines.header().sectionResized.connect(lambda *_: self.lines.doItemsLayout())
        lay = QVBoxLayout(self)
        lay.addWidget(self.busy)
        lay.addWidget(self.text)
        lay.addWidget(self.lines, 1)

    def initializePage(self) -> None:
        self.report, self.failure = None, ""
        w = self.wiz
        path, mapping = w.file_page.path(), w.mapping_page.mapping()
        skip = w.preview_page.skip.isChecked()
        left_on, left_ids = w.preview_page.left_choice()
        add_again = w.preview_page.add_again_choice()
        ctx, large_ok = w.ctx, w.large_ok
        # the person ticked that the file the preview said was an older one is today's
        seen_before_ok = w.preview_page.todays_export.isChecked()

        def run():
            with ctx.thread_workspace() as wws:
                return wws.import_register(path, mapping=mapping, skip_invalid=skip,
                                           large_ok=large_ok, left_on=left_on,
                                           left_ids=left_ids, add_again=add_again,
                                           seen_before_ok=seen_before_ok)

        ctx.workers.start(run, name="import", on_return=self._done, on_error=self._failed)

    def _done(self, report: ImportReport) -> None:
        self.busy.hide()
        self.report = report
        if report.applied:
            self.text.setText(f"<b>The register was imported.</b> {plural(report.rows, 'row')}; "
                              f"{plural(len(report.new_people), 'new person', 'new people')}; "
                              + (f"{rejected_count(*report.rejected_counts())}; "
                                 if report.invalidated else "") +
                              f"{plural(len(report.withdrawals), 'withdrawal')}." + (
                                  f" Leaving date {day(report.left_on)} recorded for "
                                  f"{plural(len(report.left), 'person', 'people')} no longer "
                                  "in the file." if report.left and report.left_on else "") + (
                                  f" <b>{media_count(report.takedown)} already "
                                  "exported or posted must now come down: see After posting > "
                                  "Take-down list.</b>" if report.takedown else "") + (
                                  " <b>Face photos deleted for "
                                  f"{plural(len(report.signatures_removed), 'person', 'people')}"
                                  " whose name and date of birth both changed (probably "
                                  "someone else under the same UPN): enrol them again. Until "
                                  "then their face is covered.</b>"
                                  if report.signatures_removed else ""))
            self.wiz.imported.emit()
        else:
            self.text.setText("<b>Nothing was imported.</b> Fix the rows listed and import the "
                              "file again.")
        self.lines.clear()
        heading: QTreeWidgetItem | None = None
        # in sentence case, each row problem once (s36 walk: "CONSENT NOT IN THIS FILE:", and
        # every rejected row under Errors and under Rows rejected)
        for line in report.summary_lines(max_items=30, plain=True)[1:]:
            if "--skip-invalid" in line:
                continue
            if line.strip() == CONSENT_NOT_IN_FILE_COMMAND:    # the app's words here
                line = f"  {CONSENT_NOT_IN_FILE_APP}"
            elif line.strip() == LEAVING_DATE_BACK_COMMAND:
                # the app's words, on a line of their own (not one more under the count)
                line = LEAVING_DATE_BACK_APP
            else:                                              # a note naming a command
                line = app_hint(line) or line
            item = QTreeWidgetItem([line.strip()])
            # a line indented under a heading ('Warnings (1):') is shown under it, so what a
            # heading counts is what stands under it
            if line.startswith("  ") and heading is not None:
                heading.addChild(item)
                heading.setExpanded(True)
            else:
                self.lines.addTopLevelItem(item)
                heading = item if line.rstrip().endswith(":") else None
                if heading is not None:
                    bold = item.font(0)
                    bold.setBold(True)
                    item.setFont(0, bold)
        self.completeChanged.emit()

    def _failed(self, text: str) -> None:
        self.busy.hide()
        self.failure = text
        self.text.setText(f"<b>Nothing was imported.</b> {text}")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.report is not None or bool(self.failure)


class ImportWizard(QWizard):
    imported = Signal()

    def __init__(self, ctx, *, csv_path: str | Path | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.large_ok = False        # the person said a very large file is the right one
        self.setObjectName("ImportWizard")
        self.setWindowTitle("Import the register")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(str(csv_path or ""))
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        fit_resize(self, 900, 640)

    def reject(self) -> None:
        # an import in progress finishes (it is one transaction) before the window closes
        if self.currentPage() is self.result_page and not self.result_page.isComplete():
            return
        super().reject()

    def done(self, result: int) -> None:
        # a read or a dry run still going is not wanted any more: its answer is dropped
        self.file_page.cancel()
        self.preview_page.cancel()
        super().done(result)


__all__ = ["ImportWizard", "RegisterImportError"]
